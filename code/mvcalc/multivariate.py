r"""Derivatives of functions of several variables: gradient, Jacobian, Hessian.

Chapter 2 of the book derives these. Every partial derivative here is a
derivative of one variable, taken by :func:`mvcalc.derivatives.derivative`
along a coordinate direction :math:`\mathbf e_j`:

.. math::

    \frac{\partial f}{\partial x_j}(\mathbf x)
    = \frac{\mathrm d}{\mathrm d t} f(\mathbf x + t\,\mathbf e_j)\Big|_{t=0},

so the numerical methods, their steps and their errors are those of chapter 1.

The module also holds what chapter 2 builds on these derivatives: the
directional derivative, a gradient check, the classification of stationary
points by the eigenvalues of the Hessian, and the *sandpit*, a game in which
one looks for the deepest point of a pit one cannot see. The pits of the game
are defined once, here, as closed-form formulas (:data:`PITS`); the book's web
page plays the same pits in JavaScript from the data that :func:`pits_json`
exports when the book is built.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._validation import check_callable, check_choice, check_finite_array, check_positive
from .derivatives import EPS, METHODS, derivative, optimal_step

__all__ = [
    "PITS",
    "Pit",
    "Probe",
    "STATIONARY_KINDS",
    "Sandpit",
    "check_grad",
    "classify_stationary_point",
    "directional_derivative",
    "gradient",
    "hessian",
    "jacobian",
    "pit",
    "pits_json",
    "play_downhill",
    "play_random",
    "sandpit_html",
]


def _point(x: Any) -> np.ndarray:
    """Check that ``x`` is a finite 1-D point and return it as a float array."""
    xa = check_finite_array(x, "x")
    if xa.ndim != 1 or xa.size == 0:
        raise ValueError(f"x must be a non-empty 1-D array of shape (n,), got shape {xa.shape}")
    return xa


def _along(f: Callable[..., Any], x: np.ndarray, j: int) -> Callable[[Any], Any]:
    """The function of one variable :math:`t \\mapsto f(\\mathbf x + (t - x_j)\\mathbf e_j)`."""

    def g(t: Any) -> Any:
        xt = x.astype(np.result_type(x, np.asarray(t)))
        xt[j] = t
        return f(xt)

    return g


def jacobian(
    F: Callable[[np.ndarray], Any],
    x: Any,
    *,
    method: str = "central",
    h: float | None = None,
) -> np.ndarray:
    r"""Jacobian matrix :math:`J_{ij} = \partial F_i / \partial x_j` of :math:`\mathbf F:\mathbb R^n\to\mathbb R^m`.

    Column :math:`j` is the derivative of :math:`\mathbf F` along
    :math:`\mathbf e_j`, by the method of
    :func:`mvcalc.derivatives.derivative`:

    .. math::

        \mathbf J_{:,j} \approx \frac{\mathbf F(\mathbf x + h\mathbf e_j)
        - \mathbf F(\mathbf x - h\mathbf e_j)}{2h}
        \quad\text{(central)}, \qquad
        \mathbf J_{:,j} \approx \frac{\operatorname{Im}\mathbf F(\mathbf x + ih\mathbf e_j)}{h}
        \quad\text{(complex)}.

    A forward difference costs :math:`n+1` evaluations of :math:`\mathbf F`,
    a central one :math:`2n`, the complex step :math:`n`.

    Parameters
    ----------
    F : callable
        ``F(x)`` for ``x`` of shape ``(n,)``, returning shape ``(m,)`` or a scalar.
    x : array_like, shape (n,)
        The point.
    method : {"central", "forward", "backward", "complex"}, default "central"
        The difference formula; ``"complex"`` needs ``F`` written with numpy
        functions that accept complex input.
    h : float, optional
        Step; by default the method's optimal step scaled by :math:`\max(1,|x_j|)`.

    Returns
    -------
    ndarray, shape (m, n)
        The Jacobian; shape ``(1, n)`` when ``F`` is scalar, a row vector,
        as in the book's notation.

    Examples
    --------
    >>> import numpy as np
    >>> polar = lambda p: np.array([p[0] * np.cos(p[1]), p[0] * np.sin(p[1])])
    >>> J = jacobian(polar, [2.0, 0.5], method="complex")
    >>> bool(np.isclose(np.linalg.det(J), 2.0))  # |det J| = r
    True
    """
    check_callable(F, "F")
    check_choice(method, METHODS, "method")
    xa = _point(x)
    if h is not None:
        h = check_positive(h, "h")
    f0 = None
    if method in ("forward", "backward"):
        f0 = np.asarray(F(xa.copy()))
    columns = []
    for j in range(xa.size):
        col = derivative(_along(F, xa.copy(), j), xa[j], method=method, h=h, f0=f0)
        columns.append(np.atleast_1d(np.asarray(col, dtype=float)))
    shapes = {c.shape for c in columns}
    if len(shapes) != 1 or len(next(iter(shapes))) != 1:
        raise ValueError(f"F must return a scalar or a 1-D array of one fixed shape, got shapes {shapes}")
    return np.column_stack(columns)


def gradient(
    f: Callable[[np.ndarray], Any],
    x: Any,
    *,
    method: str = "central",
    h: float | None = None,
) -> np.ndarray:
    r"""Gradient :math:`\nabla f = \mathbf J_f^{\mathsf T}` of a scalar function, shape ``(n,)``.

    .. math::

        \nabla f(\mathbf x) = \left(\frac{\partial f}{\partial x_1}, \dots,
        \frac{\partial f}{\partial x_n}\right)^{\mathsf T},

    each partial derivative taken as in :func:`jacobian`.

    Parameters
    ----------
    f : callable
        ``f(x)`` for ``x`` of shape ``(n,)``, returning a scalar.
    x : array_like, shape (n,)
        The point.
    method : {"central", "forward", "backward", "complex"}, default "central"
        The difference formula.
    h : float, optional
        Step; by default the method's optimal step.

    Returns
    -------
    ndarray, shape (n,)
        The gradient.

    Raises
    ------
    ValueError
        If ``f`` does not return a scalar, or on the bad input that
        :func:`jacobian` rejects.

    Examples
    --------
    >>> import numpy as np
    >>> gradient(lambda v: v[0]**2 + 3*v[1], [1.0, 2.0], method="complex")
    array([2., 3.])
    """
    check_callable(f, "f")

    def scalar_f(v: np.ndarray) -> Any:
        value = f(v)
        if np.ndim(value) != 0:
            raise ValueError(
                f"f must return a scalar for a gradient, got shape {np.shape(value)}; "
                "use jacobian for a vector-valued function"
            )
        return value

    return jacobian(scalar_f, x, method=method, h=h)[0]


def hessian(f: Callable[[np.ndarray], Any], x: Any, *, h: float | None = None) -> np.ndarray:
    r"""Hessian :math:`H_{ij} = \partial^2 f/\partial x_i\partial x_j` by central differences, symmetric.

    .. math::

        H_{ij} \approx \frac{f(\mathbf x + h\mathbf e_i + h\mathbf e_j)
        - f(\mathbf x + h\mathbf e_i - h\mathbf e_j)
        - f(\mathbf x - h\mathbf e_i + h\mathbf e_j)
        + f(\mathbf x - h\mathbf e_i - h\mathbf e_j)}{4h^2},

    which has truncation error :math:`O(h^2)` and round-off error about
    :math:`\varepsilon|f|/h^2`; they balance near
    :math:`h = \varepsilon^{1/4}\max(1, |x|)`, the default. The formula is
    symmetric in :math:`i` and :math:`j`, so :math:`\mathbf H` is symmetric
    exactly, as the true Hessian of a twice continuously differentiable
    function is.

    Parameters
    ----------
    f : callable
        ``f(x)`` for ``x`` of shape ``(n,)``, returning a scalar.
    x : array_like, shape (n,)
        The point.
    h : float, optional
        Step, greater than 0; by default :math:`\varepsilon^{1/4}\max(1,\|\mathbf x\|_\infty)`.

    Returns
    -------
    ndarray, shape (n, n)
        The symmetric Hessian.

    Examples
    --------
    >>> import numpy as np
    >>> H = hessian(lambda v: v[0]**2 * v[1] + v[1]**3, [1.0, 2.0])
    >>> np.round(H, 6)
    array([[ 4.,  2.],
           [ 2., 12.]])
    """
    check_callable(f, "f")
    xa = _point(x)
    n = xa.size
    step = EPS**0.25 * max(1.0, float(np.max(np.abs(xa)))) if h is None else check_positive(h, "h")
    # the representable step, as in mvcalc.derivatives
    steps = (xa + step) - xa

    def value(v: np.ndarray) -> float:
        with np.errstate(all="ignore"):
            out = f(v)
        if np.ndim(out) != 0:
            raise ValueError(f"f must return a scalar for a Hessian, got shape {np.shape(out)}")
        out = float(out)
        if not np.isfinite(out):
            raise ValueError(f"f returned a non-finite value near x = {xa!r}")
        return out

    def shifted(i: int, si: float, j: int, sj: float) -> float:
        v = xa.copy()
        v[i] += si * steps[i]
        v[j] += sj * steps[j]
        return value(v)

    H = np.empty((n, n))
    for i in range(n):
        for j in range(i, n):
            H[i, j] = (
                shifted(i, 1, j, 1) - shifted(i, 1, j, -1) - shifted(i, -1, j, 1) + shifted(i, -1, j, -1)
            ) / (4 * steps[i] * steps[j])
            H[j, i] = H[i, j]
    return H


# --------------------------------------------------------------------------
# Directional derivative and gradient check
# --------------------------------------------------------------------------


def _scalar(value: Any, what: str) -> Any:
    """Return ``value`` if it is a scalar, otherwise raise a clear ValueError."""
    if np.ndim(value) != 0:
        raise ValueError(f"{what} must return a scalar, got an array of shape {np.shape(value)}")
    return value


def directional_derivative(
    f: Callable[[np.ndarray], Any],
    x: Any,
    u: Any,
    *,
    method: str = "central",
    h: float | None = None,
) -> float:
    r"""Rate of change of :math:`f` at :math:`\mathbf x` along the direction of :math:`\mathbf u`.

    With the unit vector :math:`\hat{\mathbf u} = \mathbf u/\lVert\mathbf u\rVert`,

    .. math::

        D_{\hat{\mathbf u}} f(\mathbf x)
        = \frac{\mathrm d}{\mathrm d t} f(\mathbf x + t\,\hat{\mathbf u})\Big|_{t=0}
        = \nabla f(\mathbf x)\cdot\hat{\mathbf u}.

    It is computed as the derivative of the function of one variable
    :math:`t \mapsto f(\mathbf x + t\hat{\mathbf u})` by
    :func:`mvcalc.derivatives.derivative`, which costs two evaluations of
    :math:`f` (one for the complex step) whatever the number of variables,
    instead of the :math:`2n` of a full central-difference gradient.

    Parameters
    ----------
    f : callable
        ``f(x)`` for ``x`` of shape ``(n,)``, returning a scalar.
    x : array_like, shape (n,)
        The point.
    u : array_like, shape (n,)
        The direction, any non-zero vector; only its direction matters, it
        is normalised to length 1.
    method : {"central", "forward", "backward", "complex"}, default "central"
        The difference formula along the line.
    h : float, optional
        Step along the line; by default the method's optimal step scaled by
        :math:`\max(1, \lVert\mathbf x\rVert_\infty)`.

    Returns
    -------
    float
        The directional derivative, in units of :math:`f` per unit length.

    Raises
    ------
    ValueError
        If ``u`` is zero or not of the shape of ``x``, either is not finite,
        or ``f`` does not return a scalar.

    Examples
    --------
    >>> import numpy as np
    >>> f = lambda v: v[0]**2 + 3 * v[1]
    >>> round(directional_derivative(f, [1.0, 2.0], [3.0, 4.0], method="complex"), 12)
    3.6
    """
    check_callable(f, "f")
    check_choice(method, METHODS, "method")
    xa = _point(x)
    ua = check_finite_array(u, "u")
    if ua.shape != xa.shape:
        raise ValueError(f"u must have the shape of x, {xa.shape}, got shape {ua.shape}")
    norm = float(np.linalg.norm(ua))
    if norm == 0.0:
        raise ValueError("u must be a non-zero vector: a direction needs a length")
    uhat = ua / norm
    if h is None:
        step = float(optimal_step(method, float(np.max(np.abs(xa)))))
    else:
        step = check_positive(h, "h")

    def along(t: Any) -> Any:
        return _scalar(f(xa + t * uhat), "f")

    return float(derivative(along, 0.0, method=method, h=step))


def check_grad(
    f: Callable[[np.ndarray], Any],
    grad: Callable[[np.ndarray], Any],
    x: Any,
    *,
    method: str = "central",
    h: float | None = None,
) -> float:
    r"""Relative error between a gradient function and a numerical gradient.

    Like :func:`scipy.optimize.check_grad`, it compares ``grad(x)`` with a
    finite-difference gradient :math:`\tilde{\mathbf g}` from :func:`gradient`;
    it returns the *relative* error

    .. math::

        e = \frac{\lVert\mathbf g - \tilde{\mathbf g}\rVert_2}
                 {\max\left(\lVert\mathbf g\rVert_2, \lVert\tilde{\mathbf g}\rVert_2\right)},

    with :math:`e = 0` when both are zero. A correct gradient gives
    :math:`e` of about :math:`10^{-10}` with central differences (about
    :math:`10^{-15}` with ``method="complex"``); a bug gives :math:`e` of
    order one. Check at a generic point, not a stationary one: where the
    true gradient vanishes a relative error means nothing.

    Parameters
    ----------
    f : callable
        ``f(x)`` for ``x`` of shape ``(n,)``, returning a scalar.
    grad : callable
        The gradient under test: ``grad(x)`` returns shape ``(n,)``.
    x : array_like, shape (n,)
        The point.
    method : {"central", "forward", "backward", "complex"}, default "central"
        The method of the numerical gradient.
    h : float, optional
        Its step.

    Returns
    -------
    float
        The relative error :math:`e \ge 0`.

    Raises
    ------
    ValueError
        If ``grad(x)`` does not have shape ``(n,)`` or is not finite, or on
        the bad input that :func:`gradient` rejects.

    Examples
    --------
    >>> import numpy as np
    >>> f = lambda v: np.sin(v[0]) * v[1]**2
    >>> right = lambda v: np.array([np.cos(v[0]) * v[1]**2, 2 * np.sin(v[0]) * v[1]])
    >>> wrong = lambda v: np.array([np.cos(v[0]) * v[1]**2, np.sin(v[0]) * v[1]])
    >>> bool(check_grad(f, right, [0.5, 1.5]) < 1e-8)
    True
    >>> bool(check_grad(f, wrong, [0.5, 1.5]) > 0.1)
    True
    """
    check_callable(f, "f")
    check_callable(grad, "grad")
    xa = _point(x)
    g = check_finite_array(grad(xa.copy()), "grad(x)")
    if g.shape != xa.shape:
        raise ValueError(f"grad must return an array of shape {xa.shape}, like x, got shape {g.shape}")
    g_num = gradient(f, xa, method=method, h=h)
    scale = max(float(np.linalg.norm(g)), float(np.linalg.norm(g_num)))
    if scale == 0.0:
        return 0.0
    return float(np.linalg.norm(g - g_num) / scale)


# --------------------------------------------------------------------------
# Stationary points
# --------------------------------------------------------------------------

#: The answers of :func:`classify_stationary_point`.
STATIONARY_KINDS: tuple[str, ...] = ("minimum", "maximum", "saddle", "degenerate")


def classify_stationary_point(H: Any, tol: float = 1e-6) -> str:
    r"""Classify a stationary point by the eigenvalues of its Hessian.

    Near a stationary point :math:`\mathbf x^*`, where :math:`\nabla f = \mathbf 0`,

    .. math::

        f(\mathbf x^* + \Delta\mathbf x) \approx f(\mathbf x^*)
        + \tfrac12\,\Delta\mathbf x^{\mathsf T}\mathbf H\,\Delta\mathbf x
        = f(\mathbf x^*) + \tfrac12 \sum_i \lambda_i\, c_i^2,

    where :math:`\lambda_i` are the eigenvalues of the symmetric
    :math:`\mathbf H` and :math:`c_i` the components of
    :math:`\Delta\mathbf x` along its orthonormal eigenvectors. So:

    - all :math:`\lambda_i > 0`: ``"minimum"`` (a bowl);
    - all :math:`\lambda_i < 0`: ``"maximum"`` (a cap);
    - some :math:`\lambda_i > 0` and some :math:`\lambda_i < 0`: ``"saddle"``,
      whatever the zero eigenvalues, since :math:`f` rises along one
      eigenvector and falls along another;
    - otherwise, some :math:`\lambda_i = 0` and the rest of one sign:
      ``"degenerate"``: the quadratic term is flat in some direction and the
      test cannot decide (:math:`x^4`, :math:`-x^4` and :math:`x^3` all have
      :math:`H = 0` at 0).

    An eigenvalue counts as zero when
    :math:`|\lambda_i| \le \mathrm{tol}\cdot\max(1, \max_j|\lambda_j|)`.

    Parameters
    ----------
    H : array_like, shape (n, n)
        The Hessian at the stationary point, symmetric (to within
        :math:`10^{-6}` relative, the error of a numerical Hessian; it is
        then symmetrised).
    tol : float, default 1e-6
        Relative threshold below which an eigenvalue is taken to be zero;
        the default suits Hessians from :func:`hessian`, which are accurate
        to about :math:`10^{-8}` of their scale.

    Returns
    -------
    str
        One of ``"minimum"``, ``"maximum"``, ``"saddle"``, ``"degenerate"``.

    Raises
    ------
    ValueError
        If ``H`` is not a finite, square, symmetric matrix, or ``tol <= 0``.

    Examples
    --------
    >>> classify_stationary_point([[2.0, 0.0], [0.0, 3.0]])
    'minimum'
    >>> classify_stationary_point([[0.0, 1.0], [1.0, 0.0]])
    'saddle'
    >>> classify_stationary_point([[2.0, 0.0], [0.0, 0.0]])
    'degenerate'
    """
    Ha = check_finite_array(H, "H")
    if Ha.ndim != 2 or Ha.shape[0] != Ha.shape[1] or Ha.size == 0:
        raise ValueError(f"H must be a non-empty square matrix of shape (n, n), got shape {Ha.shape}")
    tol = check_positive(tol, "tol")
    size = max(1.0, float(np.max(np.abs(Ha))))
    asym = float(np.max(np.abs(Ha - Ha.T)))
    if asym > 1e-6 * size:
        raise ValueError(
            f"H must be symmetric, as a Hessian is, but H - H.T has an entry of size {asym:.3g}"
        )
    eig = np.linalg.eigvalsh(0.5 * (Ha + Ha.T))
    zero = tol * max(1.0, float(np.max(np.abs(eig))))
    positive = bool(np.any(eig > zero))
    negative = bool(np.any(eig < -zero))
    if positive and negative:
        return "saddle"
    if np.any(np.abs(eig) <= zero):
        return "degenerate"
    return "minimum" if positive else "maximum"


# --------------------------------------------------------------------------
# The sandpit: pits defined once, played in Python and in the web page
# --------------------------------------------------------------------------

#: The pits of the sandpit game, as plain data (JSON-ready). Each pit's floor
#: is the height :math:`f(\mathbf x)` in metres (negative: below the rim) over
#: a rectangle ``bounds`` of the :math:`(x, y)` plane in metres, the sum of the
#: closed-form ``terms`` of :class:`Pit`; the deepest point is the global
#: minimum of :math:`f`. ``tol`` is the distance within which a probe wins,
#: ``max_probes`` the number of probes allowed.
PITS: dict[str, dict[str, Any]] = {
    "bowl": {
        "title": "One bowl",
        "description": "A single smooth bowl, tilted and off-centre: every downhill arrow points towards the bottom.",
        "bounds": [[-3.0, 3.0], [-3.0, 3.0]],
        "tol": 0.3,
        "max_probes": 10,
        "terms": [
            {"kind": "constant", "value": -4.0},
            {"kind": "quadratic", "center": [1.1, -0.7], "matrix": [[0.5, 0.2], [0.2, 0.35]]},
        ],
    },
    "wells": {
        "title": "Several minima",
        "description": "Four wells of different depths on a gentle slope: the arrows lead into the nearest well, not necessarily the deepest.",
        "bounds": [[-3.0, 3.0], [-3.0, 3.0]],
        "tol": 0.3,
        "max_probes": 15,
        "terms": [
            {"kind": "constant", "value": -1.0},
            {"kind": "quadratic", "center": [0.0, 0.0], "matrix": [[0.08, 0.0], [0.0, 0.08]]},
            {"kind": "gaussian", "center": [-1.8, 1.5], "amplitude": -2.0, "width": 0.6},
            {"kind": "gaussian", "center": [1.6, 1.7], "amplitude": -2.7, "width": 0.45},
            {"kind": "gaussian", "center": [1.2, -1.8], "amplitude": -2.2, "width": 0.75},
            {"kind": "gaussian", "center": [-1.5, -1.3], "amplitude": -1.6, "width": 0.55},
        ],
    },
    "ripples": {
        "title": "Noisy floor",
        "description": "A wide bowl whose floor is rippled: nearby arrows disagree, and small dips trap a walker far from the bottom.",
        "bounds": [[-3.0, 3.0], [-3.0, 3.0]],
        "tol": 0.3,
        "max_probes": 20,
        "terms": [
            {"kind": "constant", "value": -3.0},
            {"kind": "quadratic", "center": [-0.9, 0.8], "matrix": [[0.3, 0.0], [0.0, 0.3]]},
            {"kind": "sine", "wavevector": [3.1, 1.3], "phase": 0.4, "amplitude": 0.3},
            {"kind": "sine", "wavevector": [-1.7, 2.9], "phase": 1.9, "amplitude": 0.25},
            {"kind": "sine", "wavevector": [4.3, -3.7], "phase": 0.7, "amplitude": 0.15},
        ],
    },
}

_TERM_KEYS: dict[str, tuple[str, ...]] = {
    "constant": ("value",),
    "quadratic": ("center", "matrix"),
    "gaussian": ("center", "amplitude", "width"),
    "sine": ("wavevector", "phase", "amplitude"),
}


def _check_count(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def _check_bounds(bounds: Any) -> np.ndarray:
    b = check_finite_array(bounds, "bounds")
    if b.ndim != 2 or b.shape[1] != 2 or b.shape[0] == 0:
        raise ValueError(f"bounds must have shape (n, 2), one (low, high) pair per variable, got shape {b.shape}")
    if np.any(b[:, 0] >= b[:, 1]):
        raise ValueError(f"bounds must have low < high for every variable, got {b.tolist()}")
    return b


class Pit:
    r"""A pit of the sandpit game: a closed-form floor over a rectangle.

    The floor's height is a sum of terms, each with an analytic gradient:

    .. math::

        f(\mathbf x) = \sum_k t_k(\mathbf x), \qquad
        \begin{aligned}
        \text{constant: } & c, \\
        \text{quadratic: } & (\mathbf x - \mathbf c)^{\mathsf T}\mathbf A\,(\mathbf x - \mathbf c),
            & \nabla t &= 2\mathbf A(\mathbf x - \mathbf c), \\
        \text{gaussian: } & a\,e^{-\lVert\mathbf x - \mathbf c\rVert^2/(2w^2)},
            & \nabla t &= -\frac{\mathbf x - \mathbf c}{w^2}\,t, \\
        \text{sine: } & a\sin(\mathbf k\cdot\mathbf x + \varphi),
            & \nabla t &= a\cos(\mathbf k\cdot\mathbf x + \varphi)\,\mathbf k,
        \end{aligned}

    with :math:`\mathbf A` symmetric and :math:`a < 0` for a well. The
    same formulas, from the same numbers, run in the book's JavaScript game.

    Parameters
    ----------
    name : str
        Short name, such as ``"bowl"``.
    spec : mapping
        ``title``, ``description``, ``bounds`` (shape ``(n, 2)``), ``tol``,
        ``max_probes`` and ``terms``, as in :data:`PITS`.

    Examples
    --------
    >>> bowl = pit("bowl")
    >>> float(bowl.depth([1.1, -0.7]))
    -4.0
    >>> bowl.gradient([1.1, -0.7]).tolist()
    [0.0, 0.0]
    """

    def __init__(self, name: str, spec: Mapping[str, Any]) -> None:
        if not isinstance(name, str):
            raise TypeError(f"name must be a string, got {type(name).__name__} {name!r}")
        missing = {"title", "description", "bounds", "tol", "max_probes", "terms"} - set(spec)
        if missing:
            raise ValueError(f"pit {name!r} lacks the fields {sorted(missing)}")
        self.name = name
        self.title = str(spec["title"])
        self.description = str(spec["description"])
        self.bounds = _check_bounds(spec["bounds"])
        self.n = self.bounds.shape[0]
        self.tol = check_positive(spec["tol"], "tol")
        self.max_probes = _check_count(spec["max_probes"], "max_probes", 1)
        self.terms = tuple(self._check_term(t) for t in spec["terms"])
        if not self.terms:
            raise ValueError(f"pit {name!r} needs at least one term")
        self._minimum: tuple[np.ndarray, float] | None = None

    def _check_term(self, term: Mapping[str, Any]) -> dict[str, Any]:
        kind = check_choice(term.get("kind"), tuple(_TERM_KEYS), "term kind")
        missing = set(_TERM_KEYS[kind]) - set(term)
        if missing:
            raise ValueError(f"a {kind} term of pit {self.name!r} lacks {sorted(missing)}")
        out: dict[str, Any] = {"kind": kind}
        n = self.n
        for key in _TERM_KEYS[kind]:
            value = check_finite_array(term[key], f"{kind} {key}")
            want = {"center": (n,), "wavevector": (n,), "matrix": (n, n)}.get(key, ())
            if value.shape != want:
                raise ValueError(f"the {key} of a {kind} term must have shape {want}, got {value.shape}")
            out[key] = value
        if kind == "quadratic" and not np.array_equal(out["matrix"], out["matrix"].T):
            raise ValueError("the matrix of a quadratic term must be symmetric")
        if kind == "gaussian" and out["width"] <= 0:
            raise ValueError(f"the width of a gaussian term must be greater than 0, got {float(out['width'])}")
        return out

    def _points(self, x: Any) -> np.ndarray:
        xa = check_finite_array(x, "x")
        if xa.ndim == 0 or xa.shape[-1] != self.n:
            raise ValueError(f"x must have shape (..., {self.n}) for this {self.n}-D pit, got shape {xa.shape}")
        return xa

    def depth(self, x: Any) -> float | np.ndarray:
        r"""Height :math:`f(\mathbf x)` of the floor; ``x`` of shape ``(..., n)`` gives shape ``(...)``."""
        xa = self._points(x)
        total = np.zeros(xa.shape[:-1])
        for t in self.terms:
            kind = t["kind"]
            if kind == "constant":
                total = total + t["value"]
            elif kind == "quadratic":
                d = xa - t["center"]
                total = total + np.einsum("...i,ij,...j->...", d, t["matrix"], d)
            elif kind == "gaussian":
                d = xa - t["center"]
                total = total + t["amplitude"] * np.exp(-np.sum(d * d, axis=-1) / (2 * t["width"] ** 2))
            else:  # sine
                total = total + t["amplitude"] * np.sin(xa @ t["wavevector"] + t["phase"])
        return float(total) if total.ndim == 0 else total

    def gradient(self, x: Any) -> np.ndarray:
        r"""Analytic gradient :math:`\nabla f(\mathbf x)`, shape ``(..., n)``."""
        xa = self._points(x)
        total = np.zeros(xa.shape)
        for t in self.terms:
            kind = t["kind"]
            if kind == "quadratic":
                total = total + 2 * (xa - t["center"]) @ t["matrix"]
            elif kind == "gaussian":
                d = xa - t["center"]
                w2 = t["width"] ** 2
                value = t["amplitude"] * np.exp(-np.sum(d * d, axis=-1) / (2 * w2))
                total = total - d / w2 * value[..., None]
            elif kind == "sine":
                phase = xa @ t["wavevector"] + t["phase"]
                total = total + (t["amplitude"] * np.cos(phase))[..., None] * t["wavevector"]
        return total

    def minimum(self) -> tuple[np.ndarray, float]:
        r"""The deepest point :math:`(\mathbf x^*, f(\mathbf x^*))` inside the bounds.

        Found once (then cached) by evaluating the floor on a grid of 301
        points per side and polishing the 10 lowest grid points with
        :func:`scipy.optimize.minimize` (L-BFGS-B, analytic gradient,
        within the bounds).
        """
        if self._minimum is None:
            self._minimum = _global_minimum(self.depth, self.gradient, self.bounds, vectorised=True)
        return self._minimum[0].copy(), self._minimum[1]

    def to_dict(self) -> dict[str, Any]:
        """The pit as plain JSON-ready data, with its deepest point."""
        x_min, f_min = self.minimum()
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "bounds": self.bounds.tolist(),
            "tol": self.tol,
            "max_probes": self.max_probes,
            "terms": [
                {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in t.items()}
                for t in self.terms
            ],
            "minimum": {"x": x_min.tolist(), "depth": f_min},
        }

    def __repr__(self) -> str:
        return f"Pit({self.name!r}, {self.title!r}, {len(self.terms)} terms)"


_PIT_CACHE: dict[str, Pit] = {}


def pit(name: str) -> Pit:
    """The :class:`Pit` named ``name``, one of the keys of :data:`PITS`.

    Examples
    --------
    >>> pit("wells").title
    'Several minima'
    """
    check_choice(name, tuple(PITS), "pit name")
    if name not in _PIT_CACHE:
        _PIT_CACHE[name] = Pit(name, PITS[name])
    return _PIT_CACHE[name]


def _global_minimum(
    f: Callable[[np.ndarray], Any],
    grad: Callable[[np.ndarray], Any] | None,
    bounds: np.ndarray,
    *,
    vectorised: bool = False,
    rng: np.random.Generator | None = None,
) -> tuple[np.ndarray, float]:
    """Global minimum over a box: a grid (or random) search, polished by L-BFGS-B."""
    from scipy.optimize import minimize

    n = bounds.shape[0]
    lo, hi = bounds[:, 0], bounds[:, 1]
    if n <= 2:
        axes = [np.linspace(a, b, 301 if n == 2 else 2001) for a, b in zip(lo, hi)]
        pts = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, n)
    else:
        gen = rng if rng is not None else np.random.default_rng(0)
        pts = lo + (hi - lo) * gen.random((4000, n))
    if vectorised:
        values = np.asarray(f(pts), dtype=float)
    else:
        values = np.array([float(f(p)) for p in pts])
    values = np.where(np.isfinite(values), values, np.inf)
    best_x, best_f = None, np.inf
    for i in np.argsort(values)[:10]:
        jac = (lambda v: np.asarray(grad(v), dtype=float)) if grad is not None else None
        res = minimize(lambda v: float(f(v)), pts[i], jac=jac, method="L-BFGS-B",
                       bounds=list(zip(lo, hi)), options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 500})
        xs, fs = np.clip(res.x, lo, hi), float(f(np.clip(res.x, lo, hi)))
        if fs < best_f:
            best_x, best_f = xs, fs
        if values[i] < best_f:
            best_x, best_f = pts[i].copy(), float(values[i])
    assert best_x is not None
    return np.asarray(best_x, dtype=float), float(best_f)


@dataclass(frozen=True)
class Probe:
    r"""One probe of a :class:`Sandpit`: where, how deep, which way is down.

    Attributes
    ----------
    x : ndarray, shape (n,)
        The probed point.
    depth : float
        The floor's height :math:`f(\mathbf x)` there (lower is deeper).
    downhill : ndarray, shape (n,)
        :math:`-\nabla f(\mathbf x)`, the direction of steepest descent; its
        length is the slope.
    found : bool
        Whether this probe lies within ``tol`` of the deepest point.
    """

    x: np.ndarray
    depth: float
    downhill: np.ndarray
    found: bool


class Sandpit:
    r"""Find the deepest point of a pit you cannot see, with a limited number of probes.

    Each :meth:`probe` at a point :math:`\mathbf x` reports the floor's height
    :math:`f(\mathbf x)` and the downhill direction :math:`-\nabla f(\mathbf x)`,
    and counts against ``max_probes``. The game is won by a probe within
    distance ``tol`` of the global minimiser :math:`\mathbf x^*`:
    :math:`\lVert\mathbf x - \mathbf x^*\rVert_2 \le \mathrm{tol}`.

    Parameters
    ----------
    depth : callable
        ``depth(x)`` for ``x`` of shape ``(n,)``: the floor's height, a scalar
        (lower is deeper).
    bounds : array_like, shape (n, 2)
        ``(low, high)`` for each variable: the pit's extent. Probes must lie
        inside it.
    tol : float, default 0.25
        Winning distance from the deepest point.
    max_probes : int, default 20
        Number of probes allowed.
    seed : int or None, default None
        Seed of the random generator used by :meth:`random_point` (random
        search) and by the search for the deepest point in more than two
        variables.
    grad : callable, optional
        The gradient of ``depth``, shape ``(n,)``; by default a central
        difference, :func:`gradient`.
    minimum : array_like, shape (n,), optional
        The deepest point, when known. By default it is searched for once,
        at construction: on a grid for one or two variables, from 4000
        random points otherwise, each search polished by L-BFGS-B. A search
        can miss a well narrower than its grid; give ``minimum`` then.
    name : str, optional
        A name for the pit, shown by ``repr``.

    Attributes
    ----------
    probes : list of Probe
        Every probe so far, in order.
    found : bool
        Whether a probe has come within ``tol`` of the deepest point.

    Examples
    --------
    >>> game = Sandpit.from_pit("bowl")
    >>> p = game.probe([0.0, 0.0])
    >>> round(p.depth, 4), np.round(p.downhill, 4).tolist(), p.found
    (-3.5315, [0.82, -0.05], False)
    >>> game.probe([1.1, -0.7]).found, game.probes_left
    (True, 8)
    """

    def __init__(
        self,
        depth: Callable[[np.ndarray], Any],
        bounds: Any,
        *,
        tol: float = 0.25,
        max_probes: int = 20,
        seed: int | None = None,
        grad: Callable[[np.ndarray], Any] | None = None,
        minimum: Any = None,
        name: str | None = None,
    ) -> None:
        self._depth = check_callable(depth, "depth")
        self._grad = None if grad is None else check_callable(grad, "grad")
        self.bounds = _check_bounds(bounds)
        self.n = self.bounds.shape[0]
        self.tol = check_positive(tol, "tol")
        self.max_probes = _check_count(max_probes, "max_probes", 1)
        if seed is not None:
            seed = _check_count(seed, "seed", 0)
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.name = name
        if minimum is None:
            self._x_min, self._f_min = _global_minimum(self._value, self._grad_value if grad else None,
                                                       self.bounds, rng=self.rng)
        else:
            self._x_min = self._inside(minimum, "minimum")
            self._f_min = self._value(self._x_min)
        self.probes: list[Probe] = []
        self.found = False
        self._floor_many: Callable[[np.ndarray], Any] | None = None

    @classmethod
    def from_pit(
        cls,
        name: str,
        *,
        tol: float | None = None,
        max_probes: int | None = None,
        seed: int | None = None,
    ) -> Sandpit:
        """A game on one of the book's pits, :data:`PITS`, with the pit's own rules.

        Parameters
        ----------
        name : {"bowl", "wells", "ripples"}
            The pit.
        tol, max_probes : optional
            Override the pit's winning distance and number of probes.
        seed : int, optional
            Seed of :meth:`random_point`.
        """
        p = pit(name)
        x_min, _ = p.minimum()
        game = cls(
            p.depth,
            p.bounds,
            tol=p.tol if tol is None else tol,
            max_probes=p.max_probes if max_probes is None else max_probes,
            seed=seed,
            grad=p.gradient,
            minimum=x_min,
            name=name,
        )
        game._floor_many = p.depth  # a pit's floor takes many points at once
        return game

    # -- evaluation ------------------------------------------------------------
    def _value(self, x: np.ndarray) -> float:
        with np.errstate(all="ignore"):
            value = self._depth(np.array(x, dtype=float))
        value = _scalar(value, "depth")
        value = float(value)
        if not np.isfinite(value):
            raise ValueError(f"depth returned a non-finite value at x = {np.asarray(x).tolist()}")
        return value

    def _grad_value(self, x: np.ndarray) -> np.ndarray:
        if self._grad is None:
            return gradient(self._value, x)
        g = check_finite_array(self._grad(np.array(x, dtype=float)), "grad(x)")
        if g.shape != (self.n,):
            raise ValueError(f"grad must return shape ({self.n},), got shape {g.shape}")
        return g

    def _inside(self, x: Any, name: str = "x") -> np.ndarray:
        xa = check_finite_array(x, name)
        if xa.shape != (self.n,):
            raise ValueError(f"{name} must have shape ({self.n},) in this {self.n}-D pit, got shape {xa.shape}")
        lo, hi = self.bounds[:, 0], self.bounds[:, 1]
        if np.any(xa < lo) or np.any(xa > hi):
            raise ValueError(f"{name} = {xa.tolist()} lies outside the pit, whose bounds are {self.bounds.tolist()}")
        return xa

    # -- playing ---------------------------------------------------------------
    def probe(self, x: Any) -> Probe:
        r"""Probe the pit at ``x``: its depth and downhill direction, counted against ``max_probes``.

        Raises
        ------
        RuntimeError
            If no probes are left.
        ValueError
            If ``x`` is not a finite point of shape ``(n,)`` inside the bounds.
        """
        if self.probes_left == 0:
            raise RuntimeError(f"no probes left: all {self.max_probes} have been used")
        xa = self._inside(x)
        value = self._value(xa)
        downhill = -self._grad_value(xa)
        hit = bool(np.linalg.norm(xa - self._x_min) <= self.tol)
        result = Probe(x=xa.copy(), depth=value, downhill=downhill, found=hit)
        self.probes.append(result)
        self.found = self.found or hit
        return result

    def random_point(self) -> np.ndarray:
        """A point drawn uniformly from the bounds by the game's seeded generator (not a probe)."""
        lo, hi = self.bounds[:, 0], self.bounds[:, 1]
        return lo + (hi - lo) * self.rng.random(self.n)

    def floor(self, points: Any) -> np.ndarray:
        """The floor's height at many points, shape ``(k, n)`` to ``(k,)``, for drawing the revealed pit.

        Not a probe: nothing is counted or recorded.
        """
        pts = check_finite_array(points, "points")
        if pts.ndim != 2 or pts.shape[1] != self.n:
            raise ValueError(f"points must have shape (k, {self.n}), got shape {pts.shape}")
        if self._floor_many is not None:
            return np.asarray(self._floor_many(pts), dtype=float).reshape(len(pts))
        return np.array([self._value(p) for p in pts])

    def reveal(self) -> tuple[np.ndarray, float]:
        """The deepest point and its depth: the answer, once you have played."""
        return self._x_min.copy(), self._f_min

    def reset(self) -> None:
        """Forget every probe and start again (the random generator goes on)."""
        self.probes.clear()
        self.found = False

    @property
    def probes_used(self) -> int:
        """Number of probes made."""
        return len(self.probes)

    @property
    def probes_left(self) -> int:
        """Number of probes left."""
        return self.max_probes - len(self.probes)

    @property
    def finished(self) -> bool:
        """Whether the game is over, won or with no probes left."""
        return self.found or self.probes_left == 0

    @property
    def path(self) -> np.ndarray:
        """The probed points in order, shape ``(k, n)``."""
        return np.array([p.x for p in self.probes]).reshape(-1, self.n)

    @property
    def depths(self) -> np.ndarray:
        """The depths read, shape ``(k,)``."""
        return np.array([p.depth for p in self.probes], dtype=float)

    @property
    def downhills(self) -> np.ndarray:
        """The downhill vectors read, shape ``(k, n)``."""
        return np.array([p.downhill for p in self.probes]).reshape(-1, self.n)

    def __repr__(self) -> str:
        label = repr(self.name) if self.name else "custom"
        return (f"Sandpit({label}, {self.n}-D, {self.probes_used}/{self.max_probes} probes used, "
                f"found={self.found})")


def play_downhill(
    game: Sandpit,
    x0: Any = None,
    *,
    step: float | None = None,
    shrink: float = 0.5,
) -> Sandpit:
    r"""Play by walking downhill with a stride that shrinks after each miss.

    From :math:`\mathbf x_0` (the centre of the pit by default), probe, then
    try the point one stride along the downhill arrow,
    :math:`\mathbf x + s\,\hat{\mathbf d}` with
    :math:`\hat{\mathbf d} = -\nabla f/\lVert\nabla f\rVert`, clipped to the
    bounds. If it is deeper, move there; if not, stay and shrink the stride,
    :math:`s \leftarrow \text{shrink}\cdot s`. Stop when the game is over or
    the arrow vanishes. It finds the bottom of the well it starts in, which
    need not be the deepest.

    Parameters
    ----------
    game : Sandpit
        The game, played in place.
    x0 : array_like, shape (n,), optional
        The first probe; by default the centre of the bounds.
    step : float, optional
        First stride; by default a quarter of the smallest side of the bounds.
    shrink : float, default 0.5
        Factor in (0, 1) applied to the stride after a probe that is not deeper.

    Returns
    -------
    Sandpit
        ``game``, with its probes recorded.

    Examples
    --------
    >>> game = play_downhill(Sandpit.from_pit("bowl"))
    >>> game.found, game.probes_used
    (True, 4)
    """
    if not isinstance(game, Sandpit):
        raise TypeError(f"game must be a Sandpit, got {type(game).__name__}")
    lo, hi = game.bounds[:, 0], game.bounds[:, 1]
    x = (lo + hi) / 2 if x0 is None else game._inside(x0, "x0")
    stride = 0.25 * float(np.min(hi - lo)) if step is None else check_positive(step, "step")
    shrink = check_positive(shrink, "shrink")
    if shrink >= 1:
        raise ValueError(f"shrink must lie in (0, 1), got {shrink}")
    if game.finished:
        return game
    here = game.probe(x)
    while not game.finished:
        slope = float(np.linalg.norm(here.downhill))
        if slope == 0.0:
            break
        there = game.probe(np.clip(here.x + stride * here.downhill / slope, lo, hi))
        if there.depth < here.depth:
            here = there
        else:
            stride *= shrink
    return game


def play_random(game: Sandpit) -> Sandpit:
    """Play by probing points drawn at random (ignoring the arrows) until the game is over.

    Examples
    --------
    >>> game = play_random(Sandpit.from_pit("bowl", seed=1))
    >>> game.finished
    True
    """
    if not isinstance(game, Sandpit):
        raise TypeError(f"game must be a Sandpit, got {type(game).__name__}")
    while not game.finished:
        game.probe(game.random_point())
    return game


# --------------------------------------------------------------------------
# The pits exported for the web page
# --------------------------------------------------------------------------


def pits_json(names: Sequence[str] | None = None) -> str:
    """The pits as JSON for the book's JavaScript game, with their deepest points and a colour map.

    The page embeds this text when the book is built, so the game in the
    browser and :class:`Sandpit` in Python play the very same pits. The
    colour map is matplotlib's *cividis*, which stays readable with the
    common forms of colour blindness.

    Parameters
    ----------
    names : sequence of str, optional
        The pits to export; by default all of :data:`PITS`.

    Returns
    -------
    str
        JSON text (safe inside an HTML ``<script>`` element: no ``</``).
    """
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    chosen = list(PITS) if names is None else [check_choice(n, tuple(PITS), "pit name") for n in names]
    if not chosen:
        raise ValueError("names must hold at least one pit")
    cmap = colormaps["cividis"]
    data = {
        "version": 1,
        "colormap": {"name": "cividis", "colors": [to_hex(cmap(t)) for t in np.linspace(0, 1, 33)]},
        "pits": {n: pit(n).to_dict() for n in chosen},
    }
    return json.dumps(data, separators=(",", ":")).replace("</", "<\\/")


def sandpit_html(default: str = "bowl") -> str:
    """HTML markup of the sandpit game for the book's page: the pits' data, a canvas and its controls.

    The script ``_static/sandpit/sandpit.js`` of the book brings the markup
    to life; without it (in a notebook) the markup stays inert. Keyboard
    users play with the coordinate inputs and the *Probe* button; a click on
    the canvas probes too.

    Parameters
    ----------
    default : str, default "bowl"
        The pit selected at first.

    Returns
    -------
    str
        The markup.
    """
    check_choice(default, tuple(PITS), "default")
    options = "\n".join(
        f'      <option value="{html.escape(n)}"{" selected" if n == default else ""}>'
        f"{html.escape(PITS[n]['title'])}</option>"
        for n in PITS
    )
    b = pit(default).bounds
    return f"""<div class="mvcalc-sandpit" id="sandpit-game" data-default-pit="{html.escape(default)}">
  <script type="application/json" id="sandpit-pits">{pits_json()}</script>
  <div class="sandpit-row">
    <label for="sandpit-pit">Pit</label>
    <select id="sandpit-pit">
{options}
    </select>
    <button type="button" id="sandpit-new">New game</button>
  </div>
  <p class="sandpit-description" id="sandpit-description">{html.escape(PITS[default]['description'])}</p>
  <canvas id="sandpit-canvas" width="480" height="480" role="img"
    aria-label="Top view of the sandpit: probes, their depths and downhill arrows"
    aria-describedby="sandpit-help sandpit-log-heading">
    The pit cannot be drawn in this browser: probe it with the coordinate boxes below and read the list of probes.
  </canvas>
  <p class="sandpit-help" id="sandpit-help">
    Click the pit, or type coordinates and press Probe, to measure the height of the floor (lower is deeper) and see a downhill arrow.
    Find the deepest point before the probes run out; Reveal shows the whole pit.
  </p>
  <form class="sandpit-row" id="sandpit-form" novalidate>
    <label for="sandpit-x">x (m)</label>
    <input id="sandpit-x" name="x" type="number" step="any" min="{b[0, 0]:g}" max="{b[0, 1]:g}" value="0" inputmode="decimal">
    <label for="sandpit-y">y (m)</label>
    <input id="sandpit-y" name="y" type="number" step="any" min="{b[1, 0]:g}" max="{b[1, 1]:g}" value="0" inputmode="decimal">
    <button type="submit" id="sandpit-probe">Probe</button>
    <button type="button" id="sandpit-reveal">Reveal</button>
  </form>
  <p class="sandpit-status" id="sandpit-status" role="status" aria-live="polite">The game starts when the page has loaded.</p>
  <p class="sandpit-count">Probes used: <span id="sandpit-count">0</span> of <span id="sandpit-max">{pit(default).max_probes}</span></p>
  <p class="sandpit-log-heading" id="sandpit-log-heading">Probes so far:</p>
  <ol class="sandpit-log" id="sandpit-log"></ol>
</div>"""
