r"""Derivatives of functions of several variables: gradient, Jacobian, Hessian.

Chapter 2 of the book derives these. Every partial derivative here is a
derivative of one variable, taken by :func:`mvcalc.derivatives.derivative`
along a coordinate direction :math:`\mathbf e_j`:

.. math::

    \frac{\partial f}{\partial x_j}(\mathbf x)
    = \frac{\mathrm d}{\mathrm d t} f(\mathbf x + t\,\mathbf e_j)\Big|_{t=0},

so the numerical methods, their steps and their errors are those of chapter 1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._validation import check_callable, check_choice, check_finite_array, check_positive
from .derivatives import EPS, METHODS, derivative

__all__ = ["gradient", "hessian", "jacobian"]


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
