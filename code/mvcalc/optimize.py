r"""Optimisation: Newton-Raphson, gradient descent, Newton's method and Lagrange multipliers.

Chapter 5 of the book derives every method here from the calculus of the
earlier chapters:

- :func:`newton_raphson`: a root of :math:`f:\mathbb R\to\mathbb R` by
  :math:`x_{n+1} = x_n - f(x_n)/f'(x_n)`, the root of the tangent line;
  quadratic convergence.
- :func:`gradient_descent`: :math:`\mathbf s_{n+1} = \mathbf s_n - \gamma\nabla f(\mathbf s_n)`,
  with an optional backtracking line search (:func:`armijo_backtracking`)
  and momentum; linear convergence.
- :func:`newton`: :math:`\mathbf s_{n+1} = \mathbf s_n - \mathbf H^{-1}\nabla f`,
  safeguarded by a modified Hessian and a line search; quadratic convergence.
- :func:`lagrange`: Newton's method on
  :math:`\nabla\mathcal L(\mathbf x,\boldsymbol\lambda)=\mathbf 0` for
  equality constraints.
- :func:`kkt`: :func:`lagrange` on each guess of the active inequalities.

Every solver returns a :class:`scipy.optimize.OptimizeResult` with ``x``,
``fun``, ``nit``, ``nfev``, ``success``, ``status``, ``message`` and ``path``
(the iterates, for plotting). Derivatives that are not supplied are computed by
:func:`mvcalc.derivatives.derivative` and :func:`mvcalc.multivariate.gradient`,
:func:`~mvcalc.multivariate.jacobian` and :func:`~mvcalc.multivariate.hessian`,
and every evaluation of the function they make is counted in ``nfev``.

Failure is reported, never hidden: a solver that reaches ``maxiter``, detects
a cycle, meets a non-finite value or a singular system, or whose line search
cannot make progress returns ``success=False`` with a ``message`` that says
which, and the point it stopped at. The ``status`` codes are those of
:data:`STATUS`.

What a solver can measure is a small step (:func:`newton_raphson`) or a small
gradient; a point where that test passes is a root or a stationary point *to
within the tolerance*. :func:`gradient_descent` tests only the gradient, so on
a function such as :math:`e^x`, whose infimum 0 is approached but never
attained, the test is met far out, near :math:`x=\ln(\text{tol})`, at a
point that is nearly stationary but no minimum. :func:`newton` and
:func:`lagrange` also require the Newton step, the quadratic model's estimate
of the distance to the stationary point, to be short, which such an endless
slope never gives: they report failure there.
"""

from __future__ import annotations

import functools
import html
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg
from scipy.optimize import OptimizeResult

from ._validation import check_callable, check_choice, check_finite_array, check_positive
from .derivatives import derivative
from .multivariate import classify_stationary_point, gradient, hessian, jacobian

__all__ = [
    "LINE_SEARCHES",
    "STATUS",
    "SolverTable",
    "armijo_backtracking",
    "compare_with_scipy",
    "convergence_order",
    "correct_digits",
    "gradient_descent",
    "kkt",
    "lagrange",
    "newton",
    "newton_raphson",
]

#: The meaning of each ``status`` code of a result.
STATUS: dict[int, str] = {
    0: "converged",
    1: "maximum number of iterations reached",
    2: "line search failed",
    3: "non-finite value",
    4: "cycle detected",
    5: "singular system",
    6: "stopped at a saddle point",
}

#: The line searches understood by :func:`gradient_descent` (two names for one method).
LINE_SEARCHES: tuple[str, ...] = ("armijo", "backtracking")

#: Sufficient-decrease constant :math:`c_1` of the Armijo condition.
ARMIJO_C1: float = 1e-4

#: Largest number of halvings of the step in one line search.
MAX_BACKTRACKS: int = 60


# ----------------------------------------------------------------------------
# Input checks and counted evaluations
# ----------------------------------------------------------------------------


def _check_maxiter(maxiter: Any) -> int:
    if isinstance(maxiter, bool) or not isinstance(maxiter, (int, np.integer)):
        raise TypeError(f"maxiter must be an integer, got {type(maxiter).__name__} {maxiter!r}")
    if maxiter < 1:
        raise ValueError(f"maxiter must be at least 1, got {maxiter}")
    return int(maxiter)


def _check_point(x0: Any) -> np.ndarray:
    x = check_finite_array(x0, "x0")
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"x0 must be a non-empty 1-D array of shape (n,), got shape {x.shape}")
    return x


def _check_scalar_point(x0: Any) -> float:
    x = check_finite_array(x0, "x0")
    if x.ndim != 0 and x.shape != (1,):
        raise ValueError(
            f"x0 must be a single number for newton_raphson (a root of f: R -> R), got shape {x.shape}; "
            "for several variables use newton"
        )
    return float(x.reshape(()))


class _Failure(Exception):
    """A numerical failure (non-finite value) found while evaluating; becomes ``success=False``."""


def _as_float(value: Any, what: str) -> float:
    if isinstance(value, float):  # float and numpy.float64: the common case, fast
        return float(value)
    arr = np.asarray(value)
    if arr.ndim != 0:
        raise ValueError(f"{what} must return a scalar, got an array of shape {arr.shape}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{what} must return a real number, got {arr!r}")
    return float(arr)


class _Counted:
    """Wrap ``fun`` so that every call is counted and numerical errors give ``inf``/``nan``."""

    def __init__(self, fun: Callable[..., Any], name: str) -> None:
        self.fun = fun
        self.name = name
        self.count = 0

    def __call__(self, x: Any) -> Any:
        self.count += 1
        with np.errstate(all="ignore"):
            try:
                return self.fun(x)
            except (OverflowError, ZeroDivisionError, FloatingPointError):
                return np.nan


class _Objective:
    r"""A scalar objective with its gradient and Hessian, exact or numerical, all counted."""

    def __init__(
        self,
        fun: Callable[..., Any],
        jac: Callable[..., Any] | None,
        hess: Callable[..., Any] | None,
        n: int,
    ) -> None:
        self.f = _Counted(check_callable(fun, "fun"), "fun")
        self.jac = None if jac is None else _Counted(check_callable(jac, "jac"), "jac")
        self.hess_fn = None if hess is None else _Counted(check_callable(hess, "hess"), "hess")
        self.n = n

    @property
    def nfev(self) -> int:
        return self.f.count

    @property
    def njev(self) -> int:
        return 0 if self.jac is None else self.jac.count

    @property
    def nhev(self) -> int:
        return 0 if self.hess_fn is None else self.hess_fn.count

    def value(self, x: np.ndarray) -> float:
        """f(x) as a float; non-finite values are returned, not raised."""
        return _as_float(self.f(x.copy()), "fun")

    def grad(self, x: np.ndarray) -> np.ndarray:
        if self.jac is not None:
            g = np.asarray(self.jac(x.copy()), dtype=float)
            if g.shape != (self.n,):
                raise ValueError(f"jac must return an array of shape ({self.n},), got shape {g.shape}")
        else:
            try:
                g = gradient(self.f, x)
            except ValueError as exc:  # f not finite around x
                raise _Failure(f"the numerical gradient failed at x = {x!r}: {exc}") from exc
        if not np.all(np.isfinite(g)):
            raise _Failure(f"the gradient is not finite at x = {x!r}: {g!r}")
        return g

    def hess(self, x: np.ndarray) -> np.ndarray:
        if self.hess_fn is not None:
            H = np.asarray(self.hess_fn(x.copy()), dtype=float)
            if H.shape != (self.n, self.n):
                raise ValueError(f"hess must return an array of shape ({self.n}, {self.n}), got shape {H.shape}")
        else:
            try:
                H = hessian(self.f, x)
            except ValueError as exc:
                raise _Failure(f"the numerical Hessian failed at x = {x!r}: {exc}") from exc
        if not np.all(np.isfinite(H)):
            raise _Failure(f"the Hessian is not finite at x = {x!r}")
        return 0.5 * (H + H.T)


def _quiet(solver: Callable[..., OptimizeResult]) -> Callable[..., OptimizeResult]:
    """Run ``solver`` with numpy's floating-point warnings off: it checks every value itself."""

    @functools.wraps(solver)
    def wrapper(*args: Any, **kwargs: Any) -> OptimizeResult:
        with np.errstate(all="ignore"):
            return solver(*args, **kwargs)

    return wrapper


def _result(**fields: Any) -> OptimizeResult:
    status = fields["status"]
    fields["success"] = status == 0
    return OptimizeResult(**fields)


# ----------------------------------------------------------------------------
# Convergence diagnostics
# ----------------------------------------------------------------------------


def convergence_order(errors: Sequence[float] | np.ndarray) -> np.ndarray:
    r"""Estimates of the order of convergence from successive errors :math:`e_n`.

    If :math:`e_{n+1}\approx C e_n^p`, then dividing two consecutive
    relations eliminates :math:`C`:

    .. math::

        p_n = \frac{\ln(e_{n+1}/e_n)}{\ln(e_n/e_{n-1})}.

    Parameters
    ----------
    errors : sequence of float
        Positive errors :math:`|x_n - x^*|`, at least three.

    Returns
    -------
    ndarray
        The estimates :math:`p_1, \dots, p_{N-2}`, one fewer than the ratios.

    Examples
    --------
    >>> e = [1e-1, 1e-2, 1e-4, 1e-8]
    >>> convergence_order(e)
    array([2., 2.])
    """
    e = check_finite_array(errors, "errors").ravel()
    if e.size < 3:
        raise ValueError(f"errors must hold at least three values, got {e.size}")
    if np.any(e <= 0):
        raise ValueError("every error must be greater than 0 (take the errors before the iterates reach x* exactly)")
    ratios = np.log(e[1:] / e[:-1])
    return ratios[1:] / ratios[:-1]


def correct_digits(x: float | np.ndarray, exact: float) -> float | np.ndarray:
    r"""Number of correct significant digits, :math:`-\log_{10}(|x - x^*|/|x^*|)`.

    An exact match counts as 17 digits, the most a double holds.

    Examples
    --------
    >>> round(correct_digits(1.4142, 2**0.5), 2)
    5.1
    """
    xa = check_finite_array(x, "x")
    ref = float(check_finite_array(exact, "exact"))
    if ref == 0:
        raise ValueError("exact must be non-zero for a relative error; use an absolute error near 0")
    rel = np.abs(xa - ref) / abs(ref)
    with np.errstate(divide="ignore"):
        digits = np.minimum(-np.log10(rel), 17.0)
    return float(digits) if digits.ndim == 0 else digits


# ----------------------------------------------------------------------------
# Newton-Raphson in one variable
# ----------------------------------------------------------------------------


def _find_cycle(path: list[float], scale_tol: float) -> int | None:
    """Period ``p >= 2`` if the last ``2p`` iterates repeat a cycle of distinct points."""
    n = len(path)
    x = path[-1]
    for p in range(2, min(12, n // 2) + 1):
        if abs(x - path[-1 - p]) > scale_tol * max(1.0, abs(x)):  # quick rejection
            continue
        last = np.array(path[n - p :])
        before = np.array(path[n - 2 * p : n - p])
        scale = np.maximum(1.0, np.abs(last))
        if np.all(np.abs(last - before) <= scale_tol * scale):
            spread = float(np.max(last) - np.min(last))
            if spread > 1e3 * scale_tol * float(np.max(scale)):
                return p
    return None


def _ran_off(path: list[float]) -> str:
    if abs(path[-1]) > 1e6 * max(1.0, abs(path[0])):
        return f"; the iterates ran off to |x| = {abs(path[-1]):.3g}: they are diverging"
    return ""


@_quiet
def newton_raphson(
    f: Callable[[float], float],
    x0: float,
    *,
    fprime: Callable[[float], float] | None = None,
    tol: float = 1e-12,
    maxiter: int = 100,
) -> OptimizeResult:
    r"""A root of :math:`f:\mathbb R\to\mathbb R` by the Newton-Raphson iteration.

    Near :math:`x_n` the graph of :math:`f` is close to its tangent line
    :math:`f(x_n) + f'(x_n)(x - x_n)`; the next iterate is where that line
    crosses zero:

    .. math::

        x_{n+1} = x_n - \frac{f(x_n)}{f'(x_n)}.

    Near a simple root the error is squared at each step,
    :math:`e_{n+1}\approx \frac{f''(x^*)}{2f'(x^*)}e_n^2`.

    The iteration stops with success when a step is small,
    :math:`|x_{n+1}-x_n| \le \text{tol}\,\max(1, |x_{n+1}|)`, or when
    :math:`f(x_n)=0` exactly. It stops with ``success=False`` when
    :math:`f'(x_n)=0` (the tangent is horizontal), when a value is not finite,
    when the iterates repeat a cycle (such as :math:`0, 1, 0, 1, \dots` for
    :math:`x^3-2x+2` from 0), or after ``maxiter`` steps.

    Parameters
    ----------
    f : callable
        The function, ``f(x)`` for a float ``x``.
    x0 : float
        The starting guess.
    fprime : callable, optional
        The derivative :math:`f'`; by default a central difference by
        :func:`mvcalc.derivatives.derivative` (two evaluations of ``f``).
    tol : float, default 1e-12
        Relative size of the last step at which to stop.
    maxiter : int, default 100
        The most iterations to take, at least 1.

    Returns
    -------
    OptimizeResult
        ``x`` (the root), ``fun`` (:math:`f(x)`), ``nit``, ``nfev``
        (evaluations of ``f``, including those of numerical derivatives),
        ``njev`` (evaluations of ``fprime``), ``success``, ``status``,
        ``message``, ``path`` (the iterates :math:`x_0, x_1, \dots`) and
        ``fun_path`` (:math:`f` at each of them).

    Examples
    --------
    >>> res = newton_raphson(lambda x: x**2 - 2, 1.0, fprime=lambda x: 2 * x)
    >>> bool(res.success), round(res.x, 15), res.nit
    (True, 1.414213562373095, 6)
    >>> cyc = newton_raphson(lambda x: x**3 - 2*x + 2, 0.0, fprime=lambda x: 3*x**2 - 2)
    >>> bool(cyc.success), cyc.path[:4]
    (False, array([0., 1., 0., 1.]))
    """
    check_callable(f, "f")
    if fprime is not None:
        check_callable(fprime, "fprime")
    x = _check_scalar_point(x0)
    tol = check_positive(tol, "tol")
    maxiter = _check_maxiter(maxiter)
    F = _Counted(f, "f")
    D = None if fprime is None else _Counted(fprime, "fprime")

    def value(t: float) -> float:
        return _as_float(F(t), "f")

    def slope(t: float) -> float:
        if D is not None:
            return _as_float(D(t), "fprime")
        try:
            return float(derivative(F, t))
        except ValueError:
            return np.nan

    path = [x]
    fx = value(x)
    fun_path = [fx]
    status, message = 1, ""
    nit = 0
    cycle_tol = max(tol, 1e-9)
    while True:
        if not np.isfinite(fx):
            status, message = 3, f"f(x) is not finite at x = {x!r} (f = {fx!r}): Newton-Raphson cannot continue"
            break
        if fx == 0.0:
            status, message = 0, f"f(x) = 0 exactly at x = {x!r}"
            break
        if nit >= maxiter:
            status = 1
            message = (
                f"no convergence in maxiter = {maxiter} iterations: the last step was "
                f"{abs(path[-1] - path[-2]):.3g}, f = {fx:.3g}; the iterates may wander (no real root nearby?) "
                "or converge slowly (a multiple root?)" + _ran_off(path)
            )
            break
        d = slope(x)
        if not np.isfinite(d):
            status, message = 3, f"f'(x) is not finite at x = {x!r}: Newton-Raphson cannot continue"
            break
        if d == 0.0:
            status = 5
            message = (
                f"f'(x) = 0 at x = {x!r}: the tangent is horizontal and never crosses zero, "
                "so the Newton step is undefined (a turning point, or f is flat to rounding there)"
                + _ran_off(path)
            )
            break
        with np.errstate(all="ignore"):
            x_new = x - fx / d
        nit += 1
        if not np.isfinite(x_new):
            path.append(x_new)
            fun_path.append(np.nan)
            status, message = 3, f"the step f(x)/f'(x) overflowed at x = {x!r} (f' = {d:.3g})"
            break
        step = abs(x_new - x)
        x = x_new
        fx = value(x)
        path.append(x)
        fun_path.append(fx)
        if step <= tol * max(1.0, abs(x)) and np.isfinite(fx):
            status, message = 0, f"converged: the last step {step:.3g} is below tol = {tol:g} (relative)"
            break
        period = _find_cycle(path, cycle_tol)
        if period is not None:
            cycle = ", ".join(f"{v:.6g}" for v in path[-period:])
            status = 4
            message = (
                f"cycle detected: the iterates repeat with period {period} ({cycle}, ...); "
                f"Newton-Raphson will never converge from x0 = {path[0]!r}"
            )
            break
    return _result(
        x=float(x), fun=float(fx), nit=nit, nfev=F.count, njev=0 if D is None else D.count,
        status=status, message=message, path=np.array(path), fun_path=np.array(fun_path),
    )


# ----------------------------------------------------------------------------
# Line search
# ----------------------------------------------------------------------------


def armijo_backtracking(
    phi: Callable[[float], float],
    phi0: float,
    slope0: float,
    alpha0: float = 1.0,
    *,
    c1: float = ARMIJO_C1,
    shrink: float = 0.5,
    max_backtracks: int = MAX_BACKTRACKS,
) -> tuple[float | None, float, list[float]]:
    r"""Backtracking line search: halve :math:`\alpha` until the Armijo condition holds.

    Along a descent direction :math:`\mathbf d`, with
    :math:`\varphi(\alpha)=f(\mathbf s+\alpha\mathbf d)` and
    :math:`\varphi'(0)=\nabla f^{\mathsf T}\mathbf d<0`, accept the first
    :math:`\alpha\in\{\alpha_0, \rho\alpha_0, \rho^2\alpha_0, \dots\}` with

    .. math::

        \varphi(\alpha) \le \varphi(0) + c_1\,\alpha\,\varphi'(0),

    a decrease of at least a fraction :math:`c_1` of what the tangent line
    promises (and a strict decrease, which a step too small to move
    :math:`\mathbf s` in floating point cannot give). A non-finite
    :math:`\varphi(\alpha)` counts as too large.

    Parameters
    ----------
    phi : callable
        :math:`\varphi(\alpha)`.
    phi0, slope0 : float
        :math:`\varphi(0)` and :math:`\varphi'(0)`, which must be negative.
    alpha0 : float, default 1.0
        The first trial step.
    c1 : float, default 1e-4
        Sufficient-decrease constant, in (0, 1).
    shrink : float, default 0.5
        Factor :math:`\rho` in (0, 1) applied at each backtrack.
    max_backtracks : int, default 60
        The most reductions to try.

    Returns
    -------
    alpha : float or None
        The accepted step, or ``None`` if none was found.
    phi_alpha : float
        :math:`\varphi` at the accepted (or last tried) step.
    trials : list of float
        Every step tried, in order (for plotting).

    Examples
    --------
    >>> alpha, value, trials = armijo_backtracking(lambda a: (1 - a)**2 - 1, 0.0, -2.0, alpha0=4.0)
    >>> alpha, trials
    (1.0, [4.0, 2.0, 1.0])
    """
    check_callable(phi, "phi")
    if not np.isfinite(phi0):
        raise ValueError(f"phi0 must be finite, got {phi0!r}")
    if not slope0 < 0:
        raise ValueError(f"slope0 must be negative (a descent direction), got {slope0!r}")
    alpha = check_positive(alpha0, "alpha0")
    for value_, name in ((c1, "c1"), (shrink, "shrink")):
        if not check_positive(value_, name) < 1.0:
            raise ValueError(f"{name} must be in (0, 1), got {value_!r}")
    if isinstance(max_backtracks, bool) or not isinstance(max_backtracks, (int, np.integer)):
        raise TypeError(f"max_backtracks must be an integer, got {type(max_backtracks).__name__} {max_backtracks!r}")
    if max_backtracks < 0:
        raise ValueError(f"max_backtracks must be at least 0, got {max_backtracks}")
    trials = []
    value = np.nan
    for _ in range(max_backtracks + 1):
        trials.append(alpha)
        value = phi(alpha)
        # strictly below phi(0) too: a step too small to change x is no progress
        if np.isfinite(value) and value < phi0 and value <= phi0 + c1 * alpha * slope0:
            return alpha, float(value), trials
        alpha *= shrink
    return None, float(value), trials


# ----------------------------------------------------------------------------
# Gradient descent
# ----------------------------------------------------------------------------


def _stop_hint(x0: np.ndarray, x: np.ndarray, f0: float, fx: float) -> str:
    if np.linalg.norm(x) > 1e6 * max(1.0, float(np.linalg.norm(x0))):
        return f"; the iterates ran off to |x| = {np.linalg.norm(x):.3g}: f may have no minimum"
    if np.isfinite(fx) and fx > f0:
        return (
            f"; f rose from {f0:.4g} to {fx:.4g}: the step is too large "
            "(on a quadratic it must be below 2/lambda_max)"
        )
    return ""


@_quiet
def gradient_descent(
    fun: Callable[[np.ndarray], float],
    x0: Any,
    *,
    jac: Callable[[np.ndarray], np.ndarray] | None = None,
    step: float = 1e-2,
    line_search: str | None = None,
    momentum: float = 0.0,
    tol: float = 1e-8,
    maxiter: int = 10_000,
) -> OptimizeResult:
    r"""Minimise :math:`f:\mathbb R^n\to\mathbb R` by gradient descent, with optional line search and momentum.

    Each step goes downhill along the search direction

    .. math::

        \mathbf d_n = -\nabla f(\mathbf s_n) + \beta\,\mathbf d_{n-1},
        \qquad
        \mathbf s_{n+1} = \mathbf s_n + \gamma_n \mathbf d_n,

    where :math:`\beta` is the ``momentum`` (:math:`\beta=0` is plain
    gradient descent :math:`\mathbf s_{n+1}=\mathbf s_n-\gamma\nabla f`; with a
    fixed :math:`\gamma` and :math:`\beta>0` it is Polyak's heavy ball,
    :math:`\mathbf s_{n+1}=\mathbf s_n-\gamma\nabla f+\beta(\mathbf s_n-\mathbf s_{n-1})`).
    Without a line search :math:`\gamma_n=\gamma` is ``step``. With
    ``line_search="armijo"`` (or its synonym ``"backtracking"``),
    :math:`\gamma_n` comes from :func:`armijo_backtracking`, starting from
    ``step`` (shortened, if need be, so that the first move is no longer than
    :math:`\max(1,\|\mathbf s_0\|)`) and then from twice the last accepted
    step; a direction that is not downhill is replaced by :math:`-\nabla f`.

    The iteration succeeds when :math:`\|\nabla f(\mathbf s_n)\|_2\le\text{tol}`.
    A stationary point found this way is not checked to be a minimum.

    Parameters
    ----------
    fun : callable
        ``fun(x)`` for ``x`` of shape ``(n,)``, returning a float.
    x0 : array_like, shape (n,)
        The starting point.
    jac : callable, optional
        The gradient, ``jac(x)`` of shape ``(n,)``; by default central
        differences by :func:`mvcalc.multivariate.gradient` (:math:`2n`
        evaluations of ``fun``).
    step : float, default 0.01
        The step :math:`\gamma` (the "aggression"), or the first trial step
        of the line search.
    line_search : {None, "armijo", "backtracking"}, default None
        ``None`` for a fixed step.
    momentum : float, default 0.0
        :math:`\beta`, in [0, 1).
    tol : float, default 1e-8
        Gradient norm at which to stop.
    maxiter : int, default 10000
        The most iterations to take, at least 1.

    Returns
    -------
    OptimizeResult
        ``x``, ``fun``, ``jac`` (the last gradient), ``nit``, ``nfev``
        (evaluations of ``fun``, including those of numerical gradients),
        ``njev``, ``success``, ``status``, ``message``, ``path`` (the iterates,
        shape ``(nit + 1, n)``), ``fun_path`` and ``steps`` (the
        :math:`\gamma_n`).

    Examples
    --------
    >>> import numpy as np
    >>> bowl = lambda v: v[0]**2 + 10 * v[1]**2
    >>> res = gradient_descent(bowl, [1.0, 1.0], jac=lambda v: np.array([2*v[0], 20*v[1]]), step=0.05)
    >>> bool(res.success), np.round(res.x, 8) + 0.0
    (True, array([0., 0.]))
    >>> gradient_descent(bowl, [1.0, 1.0], step=0.11, maxiter=50).success  # above 2/lambda_max = 0.1
    False
    """
    x = _check_point(x0)
    n = x.size
    step = check_positive(step, "step")
    if line_search is not None:
        check_choice(line_search, LINE_SEARCHES, "line_search")
    if isinstance(momentum, bool) or not isinstance(momentum, (int, float, np.integer, np.floating)):
        raise TypeError(f"momentum must be a number in [0, 1), got {type(momentum).__name__} {momentum!r}")
    beta = float(momentum)
    if not 0.0 <= beta < 1.0:
        raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
    tol = check_positive(tol, "tol")
    maxiter = _check_maxiter(maxiter)
    obj = _Objective(fun, jac, None, n)

    fx = obj.value(x)
    if not np.isfinite(fx):
        raise ValueError(f"fun(x0) must be finite, got {fx!r} at x0 = {x!r}")
    f0 = fx
    path, fun_path, steps = [x.copy()], [fx], []
    d_prev = np.zeros(n)
    alpha_trial = step
    g = np.full(n, np.nan)
    status, message, nit = 1, "", 0
    try:
        while True:
            g = obj.grad(x)
            gnorm = float(np.linalg.norm(g))
            if gnorm <= tol:
                status, message = 0, f"converged: |grad f| = {gnorm:.3g} <= tol = {tol:g}"
                break
            if nit >= maxiter:
                status = 1
                message = (
                    f"no convergence in maxiter = {maxiter} iterations: |grad f| = {gnorm:.3g} > tol = {tol:g}"
                    + _stop_hint(path[0], x, f0, fx)
                )
                break
            d = -g + beta * d_prev
            if line_search is None:
                gamma = step
                x_new = x + gamma * d
                f_new = obj.value(x_new)
                if not (np.isfinite(f_new) and np.all(np.isfinite(x_new))):
                    nit += 1
                    path.append(x_new)
                    fun_path.append(f_new)
                    steps.append(gamma)
                    status = 3
                    message = (
                        f"diverged: f is not finite at iteration {nit} (f = {f_new!r}); "
                        "the step is too large (on a quadratic it must be below 2/lambda_max)"
                    )
                    break
            else:
                slope = float(g @ d)
                if not slope < 0:  # momentum pointed uphill: restart along -grad
                    d = -g
                    slope = -gnorm**2
                if nit == 0:  # a first move no longer than max(1, |x0|): no leap onto a far plateau
                    alpha_trial = min(step, max(1.0, float(np.linalg.norm(x))) / float(np.linalg.norm(d)))
                gamma_found, f_new, _ = armijo_backtracking(
                    lambda a: obj.value(x + a * d), fx, slope, alpha_trial
                )
                if gamma_found is None:
                    status = 2
                    message = (
                        f"line search failed: no decrease of f along the descent direction after "
                        f"{MAX_BACKTRACKS} halvings (|grad f| = {gnorm:.3g}); the gradient may be "
                        "inaccurate, or f is at its rounding floor"
                    )
                    break
                gamma = gamma_found
                x_new = x + gamma * d
                alpha_trial = 2.0 * gamma
            nit += 1
            d_prev = d
            x, fx = x_new, f_new
            path.append(x.copy())
            fun_path.append(fx)
            steps.append(gamma)
    except _Failure as exc:
        status, message = 3, str(exc)
    return _result(
        x=x, fun=fx, jac=g, nit=nit, nfev=obj.nfev, njev=obj.njev, status=status, message=message,
        path=np.array(path), fun_path=np.array(fun_path), steps=np.array(steps),
    )


# ----------------------------------------------------------------------------
# Newton's method in n dimensions, safeguarded
# ----------------------------------------------------------------------------


FALLBACKS: tuple[str, ...] = ("regularise", "gradient")


def _modified_newton_direction(H: np.ndarray, g: np.ndarray, fallback: str) -> tuple[np.ndarray, str]:
    r"""The Newton direction, or a safe substitute when :math:`\mathbf H` is not positive definite."""
    try:
        c = scipy.linalg.cho_factor(H)
        p = -scipy.linalg.cho_solve(c, g)
        if np.all(np.isfinite(p)) and g @ p < 0:
            return p, "newton"
    except (np.linalg.LinAlgError, ValueError):
        pass
    if fallback == "gradient":
        return -g, "gradient"
    lam, Q = np.linalg.eigh(H)
    floor = 1e-8 * max(1.0, float(np.max(np.abs(lam))))
    lam_mod = np.maximum(np.abs(lam), floor)
    p = -Q @ ((Q.T @ g) / lam_mod)
    return p, "regularised"


def _at_rounding_floor(g: np.ndarray, p: np.ndarray, kind: str, fx: float, max_step: float) -> bool:
    r"""Whether a short Newton step ``p`` would lower :math:`f` by less than its rounding error.

    The quadratic model predicts the decrease :math:`-\frac12\nabla f^{\mathsf T}\mathbf p`
    for the Newton step :math:`\mathbf p=-\mathbf H^{-1}\nabla f` (with
    :math:`\mathbf H` positive definite). Below :math:`4\varepsilon\max(1,|f|)`
    no evaluation of :math:`f` in double precision can see it: the iterate is
    as close to the minimum as :math:`f` can tell, whatever the size of the
    gradient, which then depends on the scale of the problem.
    """
    return (
        kind == "newton"
        and float(np.linalg.norm(p)) <= max_step
        and -0.5 * float(g @ p) <= 4 * np.finfo(float).eps * max(1.0, abs(fx))
    )


@_quiet
def newton(
    fun: Callable[[np.ndarray], float],
    x0: Any,
    *,
    jac: Callable[[np.ndarray], np.ndarray] | None = None,
    hess: Callable[[np.ndarray], np.ndarray] | None = None,
    tol: float = 1e-8,
    maxiter: int = 100,
    fallback: str = "regularise",
) -> OptimizeResult:
    r"""Minimise :math:`f:\mathbb R^n\to\mathbb R` by Newton's method, safeguarded.

    Newton's method minimises the quadratic model of :math:`f` about
    :math:`\mathbf s_n`,
    :math:`f + \nabla f^{\mathsf T}\mathbf p + \frac12\mathbf p^{\mathsf T}\mathbf H\mathbf p`,
    whose stationary point solves

    .. math::

        \mathbf H(\mathbf s_n)\,\mathbf p_n = -\nabla f(\mathbf s_n),
        \qquad \mathbf s_{n+1} = \mathbf s_n + \alpha_n\mathbf p_n.

    The model has a minimum only when :math:`\mathbf H` is positive definite
    (tested by a Cholesky factorisation). When it is not, the step falls back
    (``fallback="regularise"``) to the modified Hessian
    :math:`\mathbf Q\,\mathrm{diag}(\max(|\lambda_i|,\delta))\,\mathbf Q^{\mathsf T}`
    built from the eigen-decomposition :math:`\mathbf H=\mathbf Q\,\mathrm{diag}(\lambda_i)\,\mathbf Q^{\mathsf T}`,
    or (``fallback="gradient"``) to the gradient step :math:`-\nabla f`; either
    goes downhill. The step length :math:`\alpha_n` comes from
    :func:`armijo_backtracking` starting at 1, so near a minimum the full
    Newton step is taken and convergence is quadratic. If the direction
    fails, a gradient step is tried.

    It succeeds when :math:`\|\nabla f\|_2\le\text{tol}`, :math:`\mathbf H`
    has no clearly negative eigenvalue, and the Newton step, the model's
    estimate of the distance to the stationary point, is short:
    :math:`\|\mathbf p\|\le\sqrt{\text{tol}}\,\max(1,\|\mathbf s\|)` (or no
    step decreases :math:`f` any more). The last test keeps a small gradient
    on a slope that never ends, such as :math:`e^x` far to the left, from
    being reported as a minimum. It also succeeds, whatever the gradient, when
    no step decreases :math:`f` and the short Newton step would lower it by
    less than its rounding error,
    :math:`-\frac12\nabla f^{\mathsf T}\mathbf p\le 4\varepsilon\max(1,|f|)`:
    then :math:`f` is at its rounding floor, as close to the minimum as an
    evaluation of :math:`f` in double precision can tell. At a saddle point
    it steps along the eigenvector of the most negative eigenvalue, downhill,
    and reports ``status=6`` if it cannot.

    Parameters
    ----------
    fun : callable
        ``fun(x)`` for ``x`` of shape ``(n,)``, returning a float.
    x0 : array_like, shape (n,)
        The starting point.
    jac : callable, optional
        The gradient; by default :func:`mvcalc.multivariate.gradient`.
    hess : callable, optional
        The Hessian, shape ``(n, n)``; by default
        :func:`mvcalc.multivariate.hessian` (:math:`2n(n+1)` evaluations).
    tol : float, default 1e-8
        Gradient norm at which to stop.
    maxiter : int, default 100
        The most iterations to take, at least 1.
    fallback : {"regularise", "gradient"}, default "regularise"
        What replaces the Newton step where :math:`\mathbf H` is not positive definite.

    Returns
    -------
    OptimizeResult
        ``x``, ``fun``, ``jac``, ``hess``, ``nit``, ``nfev``, ``njev``,
        ``nhev``, ``success``, ``status``, ``message``, ``path``, ``fun_path``,
        ``steps`` (the :math:`\alpha_n`) and ``step_kinds`` (``"newton"``,
        ``"regularised"``, ``"gradient"`` or ``"curvature"`` for each step).

    Examples
    --------
    >>> from mvcalc.testproblems import PROBLEMS
    >>> p = PROBLEMS["rosenbrock"]
    >>> res = newton(p.fun, p.x0, jac=p.grad, hess=p.hess)
    >>> bool(res.success), np.round(res.x, 10) + 0.0, res.nit
    (True, array([1., 1.]), 21)
    """
    x = _check_point(x0)
    n = x.size
    tol = check_positive(tol, "tol")
    maxiter = _check_maxiter(maxiter)
    check_choice(fallback, FALLBACKS, "fallback")
    xtol = np.sqrt(tol)
    obj = _Objective(fun, jac, hess, n)
    fx = obj.value(x)
    if not np.isfinite(fx):
        raise ValueError(f"fun(x0) must be finite, got {fx!r} at x0 = {x!r}")
    f0 = fx
    path, fun_path, steps, kinds = [x.copy()], [fx], [], []
    g = np.full(n, np.nan)
    H = np.full((n, n), np.nan)
    status, message, nit = 1, "", 0
    try:
        while True:
            g = obj.grad(x)
            H = obj.hess(x)
            gnorm = float(np.linalg.norm(g))
            lam, Q = np.linalg.eigh(H)
            negative = lam[0] < -1e-6 * max(1.0, float(np.max(np.abs(lam))))
            small_gradient = gnorm <= tol
            saddle = small_gradient and negative
            if saddle:  # step downhill along the most negative curvature
                v = Q[:, 0] * (-1.0 if g @ Q[:, 0] > 0 else 1.0)
                candidates = [(v, "curvature")]
            else:
                p, kind = _modified_newton_direction(H, g, fallback)
                if small_gradient and np.linalg.norm(p) <= xtol * max(1.0, float(np.linalg.norm(x))):
                    status = 0
                    message = (
                        f"converged: |grad f| = {gnorm:.3g} <= tol = {tol:g} and the Newton step "
                        f"{np.linalg.norm(p):.3g} is short"
                    )
                    break
                candidates = [(p, kind)]
                if kind != "gradient":
                    candidates.append((-g, "gradient"))
            if nit >= maxiter:
                if saddle:
                    status = 6
                    message = f"stopped at a saddle point (Hessian eigenvalue {lam[0]:.3g} < 0) after maxiter = {maxiter}"
                elif small_gradient:
                    status = 1
                    message = (
                        f"no convergence in maxiter = {maxiter} iterations: |grad f| = {gnorm:.3g} is below "
                        f"tol, but the Newton step stays long ({np.linalg.norm(candidates[0][0]):.3g}) and "
                        "still decreases f: f may approach an asymptote and have no minimum"
                    )
                else:
                    status = 1
                    message = (
                        f"no convergence in maxiter = {maxiter} iterations: |grad f| = {gnorm:.3g} > tol = {tol:g}"
                        + _stop_hint(path[0], x, f0, fx)
                    )
                break
            accepted = None
            for p, kind in candidates:
                slope = float(g @ p)
                slope = min(slope, -1e-300) if kind == "curvature" else slope
                if not slope < 0:
                    continue
                alpha, f_new, _ = armijo_backtracking(lambda a: obj.value(x + a * p), fx, slope, 1.0)
                if alpha is not None:
                    accepted = (alpha, p, kind, f_new)
                    break
            if accepted is None:
                if saddle:
                    status = 6
                    message = (
                        f"stopped at a saddle point: |grad f| = {gnorm:.3g} but the Hessian has the "
                        f"eigenvalue {lam[0]:.3g} < 0, and no step along it decreases f"
                    )
                elif small_gradient:
                    status = 0
                    message = (
                        f"converged: |grad f| = {gnorm:.3g} <= tol = {tol:g}, and no step decreases f "
                        "any further (f is at its rounding floor)"
                    )
                elif _at_rounding_floor(g, *candidates[0], fx, xtol * max(1.0, float(np.linalg.norm(x)))):
                    p = candidates[0][0]
                    status = 0
                    message = (
                        f"converged: no step decreases f, and the Newton step {np.linalg.norm(p):.3g} would "
                        f"decrease it by {-0.5 * float(g @ p):.3g}, less than its rounding error "
                        f"(4 eps |f| = {4 * np.finfo(float).eps * max(1.0, abs(fx)):.3g}): f is at its rounding "
                        f"floor (|grad f| = {gnorm:.3g})"
                    )
                else:
                    status = 2
                    message = (
                        f"line search failed: neither the Newton step nor the gradient step decreases f "
                        f"(|grad f| = {gnorm:.3g}); f may be at its rounding floor or its derivatives inaccurate"
                    )
                break
            alpha, p, kind, f_new = accepted
            x = x + alpha * p
            fx = f_new
            nit += 1
            path.append(x.copy())
            fun_path.append(fx)
            steps.append(alpha)
            kinds.append(kind)
    except _Failure as exc:
        status, message = 3, str(exc)
    except np.linalg.LinAlgError as exc:
        status, message = 5, f"the Hessian could not be decomposed at x = {x!r}: {exc}"
    return _result(
        x=x, fun=fx, jac=g, hess=H, nit=nit, nfev=obj.nfev, njev=obj.njev, nhev=obj.nhev,
        status=status, message=message, path=np.array(path), fun_path=np.array(fun_path),
        steps=np.array(steps), step_kinds=kinds,
    )


# ----------------------------------------------------------------------------
# Lagrange multipliers
# ----------------------------------------------------------------------------


class _Constraints:
    r"""Equality constraints :math:`\mathbf g(\mathbf x)=\mathbf 0`, from a callable, callables or scipy dicts."""

    def __init__(self, constraints: Any, name: str = "constraints") -> None:
        funs: list[Callable[..., Any]] = []
        jacs: list[Callable[..., Any] | None] = []
        if callable(constraints) or isinstance(constraints, Mapping):
            items = [constraints]
        elif isinstance(constraints, Iterable) and not isinstance(constraints, (str, bytes)):
            items = list(constraints)
        else:
            raise TypeError(
                f"{name} must be a callable g(x), a sequence of them, or scipy-style dicts "
                f"{{'type': 'eq', 'fun': g}}; got {type(constraints).__name__} {constraints!r}"
            )
        if not items:
            raise ValueError(f"{name} must hold at least one constraint")
        for i, item in enumerate(items):
            if isinstance(item, Mapping):
                kind = item.get("type", "eq")
                if kind != "eq":
                    raise ValueError(
                        f"{name}[{i}] has type {kind!r}; lagrange handles equality constraints "
                        "('eq') only: use kkt for inequalities"
                    )
                if "fun" not in item:
                    raise ValueError(f"{name}[{i}] is a dict without the key 'fun'")
                funs.append(check_callable(item["fun"], f"{name}[{i}]['fun']"))
                jacs.append(None if item.get("jac") is None else check_callable(item["jac"], f"{name}[{i}]['jac']"))
            else:
                funs.append(check_callable(item, f"{name}[{i}]"))
                jacs.append(None)
        self.funs = [_Counted(fn, f"{name}[{i}]") for i, fn in enumerate(funs)]
        self.jacs = [None if j is None else _Counted(j, f"{name}[{i}] jac") for i, j in enumerate(jacs)]
        self.sizes: list[int] = []

    @property
    def ncev(self) -> int:
        return sum(fn.count for fn in self.funs)

    def setup(self, x: np.ndarray) -> int:
        """Evaluate once at ``x`` to learn the number of constraints; check they are finite."""
        for i, fn in enumerate(self.funs):
            v = np.atleast_1d(np.asarray(fn(x.copy()), dtype=float))
            if v.ndim != 1:
                raise ValueError(f"constraint {i} must return a scalar or a 1-D array, got shape {v.shape}")
            if not np.all(np.isfinite(v)):
                raise ValueError(f"constraint {i} is not finite at x0 = {x!r}: {v!r}")
            self.sizes.append(v.size)
        return sum(self.sizes)

    def value(self, x: np.ndarray) -> np.ndarray:
        parts = [np.atleast_1d(np.asarray(fn(x.copy()), dtype=float)) for fn in self.funs]
        return np.concatenate(parts)

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        rows = []
        for fn, jac, size in zip(self.funs, self.jacs, self.sizes):
            if jac is not None:
                J = np.atleast_2d(np.asarray(jac(x.copy()), dtype=float))
                if J.shape != (size, x.size):
                    raise ValueError(f"a constraint's jac must have shape ({size}, {x.size}), got {J.shape}")
            else:
                try:
                    J = jacobian(fn, x)
                except ValueError as exc:
                    raise _Failure(f"the numerical constraint Jacobian failed at x = {x!r}: {exc}") from exc
            rows.append(J)
        J = np.vstack(rows)
        if not np.all(np.isfinite(J)):
            raise _Failure(f"the constraint Jacobian is not finite at x = {x!r}")
        return J


def _classify_on_surface(HL: np.ndarray, Jg: np.ndarray) -> str:
    r"""The kind of a constrained stationary point, from the reduced Hessian :math:`\mathbf Z^{\mathsf T}\nabla^2\mathcal L\,\mathbf Z`.

    The columns of :math:`\mathbf Z` span the tangent space of the constraints
    (the null space of :math:`\mathbf J_g`); the reduced Hessian is classified
    by :func:`mvcalc.multivariate.classify_stationary_point`. With as many
    independent constraints as variables the tangent space is :math:`\{\mathbf 0\}`
    and the point is ``"isolated"``.
    """
    Z = scipy.linalg.null_space(Jg)
    if Z.shape[1] == 0:
        return "isolated"
    reduced = Z.T @ HL @ Z
    return classify_stationary_point(0.5 * (reduced + reduced.T))


@_quiet
def lagrange(
    fun: Callable[[np.ndarray], float],
    constraints: Any,
    x0: Any,
    *,
    jac: Callable[[np.ndarray], np.ndarray] | None = None,
    tol: float = 1e-8,
    maxiter: int = 100,
) -> OptimizeResult:
    r"""A stationary point of :math:`f` on the surface :math:`\mathbf g(\mathbf x)=\mathbf 0`, with its multipliers.

    At a constrained extremum the contour of :math:`f` is tangent to the
    constraint surface, so :math:`\nabla f` is a combination of the
    constraint gradients, :math:`\nabla f=\sum_i\lambda_i\nabla g_i`. With the
    Lagrangian :math:`\mathcal L(\mathbf x,\boldsymbol\lambda)=f(\mathbf x)-\boldsymbol\lambda^{\mathsf T}\mathbf g(\mathbf x)`
    the conditions are a root of its gradient,

    .. math::

        \nabla_{\mathbf x}\mathcal L = \nabla f - \mathbf J_g^{\mathsf T}\boldsymbol\lambda = \mathbf 0,
        \qquad \mathbf g(\mathbf x) = \mathbf 0,

    found by Newton's method on the :math:`(n+m)`-dimensional system

    .. math::

        \begin{pmatrix}\nabla^2_{\mathbf x}\mathcal L & -\mathbf J_g^{\mathsf T}\\ \mathbf J_g & \mathbf 0\end{pmatrix}
        \begin{pmatrix}\Delta\mathbf x\\ \Delta\boldsymbol\lambda\end{pmatrix}
        = -\begin{pmatrix}\nabla_{\mathbf x}\mathcal L\\ \mathbf g\end{pmatrix},

    with the step halved until the residual norm decreases. The first
    multipliers are the least-squares solution of
    :math:`\mathbf J_g^{\mathsf T}\boldsymbol\lambda=\nabla f` at ``x0``.
    The kind of point (``"minimum"``, ``"maximum"``, ``"saddle"``,
    ``"degenerate"`` on the surface, or ``"isolated"`` when there are as many
    independent constraints as variables) comes from the Hessian of
    :math:`\mathcal L` restricted to the tangent space of the constraints,
    :math:`\mathbf Z^{\mathsf T}\nabla^2\mathcal L\,\mathbf Z`, whose
    columns :math:`\mathbf Z` span the null space of :math:`\mathbf J_g`,
    classified by :func:`mvcalc.multivariate.classify_stationary_point`.

    Parameters
    ----------
    fun : callable
        ``fun(x)`` for ``x`` of shape ``(n,)``, returning a float.
    constraints : callable, sequence of callables, or dicts
        The equality constraints :math:`g_i(\mathbf x)=0`: a function
        returning a scalar or an array of shape ``(m,)``, a sequence of such
        functions, or scipy-style dicts ``{"type": "eq", "fun": g, "jac": dg}``
        (the same objects :func:`scipy.optimize.minimize` takes).
    x0 : array_like, shape (n,)
        The starting point; need not satisfy the constraints.
    jac : callable, optional
        The gradient of ``fun``; by default :func:`mvcalc.multivariate.gradient`.
        The Hessian of the Lagrangian is always :func:`mvcalc.multivariate.hessian`.
    tol : float, default 1e-8
        Stop when both :math:`\|\nabla_{\mathbf x}\mathcal L\|_2` and
        :math:`\|\mathbf g\|_2` are at most ``tol`` and the Newton step in
        :math:`\mathbf x` is at most :math:`\sqrt{\text{tol}}\max(1,\|\mathbf x\|)`
        (as in :func:`newton`).
    maxiter : int, default 100
        The most Newton steps, at least 1.

    Returns
    -------
    OptimizeResult
        ``x``, ``multipliers`` (:math:`\boldsymbol\lambda`, shape ``(m,)``),
        ``fun``, ``constr`` (:math:`\mathbf g(\mathbf x)`), ``kind``, ``nit``,
        ``nfev`` (evaluations of ``fun``), ``ncev`` (of the constraints),
        ``success``, ``status``, ``message`` and ``path``.

    Examples
    --------
    Maximise :math:`x^2y` on the circle :math:`x^2+y^2=3`:

    >>> res = lagrange(lambda v: v[0]**2 * v[1], lambda v: v[0]**2 + v[1]**2 - 3, [1.0, 1.0])
    >>> bool(res.success), np.round(res.x, 8), np.round(res.multipliers, 8), res.kind
    (True, array([1.41421356, 1.        ]), array([1.]), 'maximum')
    """
    check_callable(fun, "fun")
    x = _check_point(x0)
    n = x.size
    tol = check_positive(tol, "tol")
    maxiter = _check_maxiter(maxiter)
    xtol = np.sqrt(tol)
    cons = _Constraints(constraints)
    m = cons.setup(x)
    if m > n:
        raise ValueError(
            f"there are {m} constraints on {n} variables: at most n constraints can be independent"
        )
    obj = _Objective(fun, jac, None, n)
    fx = obj.value(x)
    if not np.isfinite(fx):
        raise ValueError(f"fun(x0) must be finite, got {fx!r} at x0 = {x!r}")

    def lagrangian(lam: np.ndarray) -> Callable[[np.ndarray], float]:
        return lambda v: obj.f(v) - lam @ cons.value(v)

    path = [x.copy()]
    lam = np.zeros(m)
    status, message, nit, kind = 1, "", 0, "degenerate"
    gx = cons.value(x)
    try:
        grad_f = obj.grad(x)
        Jg = cons.jacobian(x)
        lam = np.linalg.lstsq(Jg.T, grad_f, rcond=None)[0]
        while True:
            gx = cons.value(x)
            if not np.all(np.isfinite(gx)):
                raise _Failure(f"a constraint is not finite at x = {x!r}")
            residual = np.concatenate([grad_f - Jg.T @ lam, gx])
            rnorm = float(np.linalg.norm(residual))
            grad_L = float(np.linalg.norm(residual[:n]))
            small_residual = grad_L <= tol and float(np.linalg.norm(gx)) <= tol
            try:
                HL = hessian(lagrangian(lam), x)
            except ValueError as exc:
                raise _Failure(f"the numerical Hessian of the Lagrangian failed at x = {x!r}: {exc}") from exc
            K = np.block([[HL, -Jg.T], [Jg, np.zeros((m, m))]])
            singular = not np.all(np.isfinite(K)) or np.linalg.cond(K) > 1e14
            try:
                delta = np.linalg.solve(K, -residual)
                if not np.all(np.isfinite(delta)):
                    raise np.linalg.LinAlgError("non-finite Newton step")
            except np.linalg.LinAlgError:  # exactly singular: the least-squares step of least norm
                delta = np.linalg.lstsq(K, -residual, rcond=None)[0]
                singular = True
            step_x = float(np.linalg.norm(delta[:n]))
            if small_residual and step_x <= xtol * max(1.0, float(np.linalg.norm(x))):
                status = 0
                message = (
                    f"converged: |grad L| = {grad_L:.3g} and |g| = {np.linalg.norm(gx):.3g} <= tol = {tol:g}, "
                    f"and the Newton step {step_x:.3g} is short"
                )
                break
            if nit >= maxiter:
                status = 1
                message = (
                    f"no convergence in maxiter = {maxiter} iterations: |grad L| = {grad_L:.3g}, "
                    f"|g| = {np.linalg.norm(gx):.3g}"
                )
                if small_residual:
                    message += (
                        f"; the residual is below tol but the Newton step stays long ({step_x:.3g}): "
                        "f may approach an asymptote on the constraint surface and have no extremum"
                    )
                else:
                    message += _stop_hint(path[0], x, np.inf, fx)
                break
            accepted = False
            alpha = 1.0
            for _ in range(MAX_BACKTRACKS):
                x_try = x + alpha * delta[:n]
                lam_try = lam + alpha * delta[n:]
                f_try = obj.value(x_try)
                g_try = cons.value(x_try)
                if np.isfinite(f_try) and np.all(np.isfinite(g_try)):
                    try:
                        gf_try = obj.grad(x_try)
                        J_try = cons.jacobian(x_try)
                    except _Failure:
                        alpha *= 0.5
                        continue
                    r_norm_try = float(np.linalg.norm(np.concatenate([gf_try - J_try.T @ lam_try, g_try])))
                    # strictly smaller: a step that changes nothing is no progress
                    if r_norm_try < rnorm and r_norm_try <= (1.0 - ARMIJO_C1 * alpha) * rnorm:
                        accepted = True
                        break
                alpha *= 0.5
            if not accepted:
                if small_residual:
                    status = 0
                    message = (
                        f"converged: |grad L| = {grad_L:.3g} and |g| = {np.linalg.norm(gx):.3g} <= tol = {tol:g}, "
                        "and no step reduces them further (rounding floor)"
                    )
                elif singular:
                    status = 5
                    message = (
                        f"singular system at x = {x!r}: the Newton matrix of the Lagrangian is singular "
                        "and its least-squares step makes no progress (are the constraint gradients "
                        "linearly dependent, or is there no stationary point?)"
                    )
                else:
                    status = 2
                    message = (
                        f"line search failed: no step along the Newton direction reduces the residual "
                        f"|grad L|, |g| (= {rnorm:.3g}) at x = {x!r}"
                    )
                break
            x, lam, fx, grad_f, Jg = x_try, lam_try, f_try, gf_try, J_try
            nit += 1
            path.append(x.copy())
        if status == 0:
            kind = _classify_on_surface(HL, Jg)
    except _Failure as exc:
        status, message = 3, str(exc)
    except ValueError as exc:  # the Hessian of the Lagrangian at the solution
        status, message = 3, f"the Hessian of the Lagrangian failed at x = {x!r}: {exc}"
    return _result(
        x=x, multipliers=lam, fun=fx, constr=gx, kind=kind, nit=nit, nfev=obj.nfev, njev=obj.njev,
        ncev=cons.ncev, status=status, message=message, path=np.array(path),
    )


# ----------------------------------------------------------------------------
# Inequality constraints: the KKT conditions by enumerating active sets
# ----------------------------------------------------------------------------


@_quiet
def kkt(
    fun: Callable[[np.ndarray], float],
    inequalities: Any,
    x0: Any,
    *,
    equalities: Any = (),
    jac: Callable[[np.ndarray], np.ndarray] | None = None,
    tol: float = 1e-8,
    maxiter: int = 100,
) -> OptimizeResult:
    r"""Minimise :math:`f` subject to :math:`c_j(\mathbf x)\ge 0` (and :math:`g_i(\mathbf x)=0`) via the KKT conditions.

    A local minimiser :math:`\mathbf x^*` (where the active constraint
    gradients are independent) satisfies the Karush-Kuhn-Tucker conditions:

    .. math::

        \nabla f = \sum_i \lambda_i\nabla g_i + \sum_j \mu_j\nabla c_j,\quad
        g_i = 0,\quad c_j \ge 0,\quad \mu_j \ge 0,\quad \mu_j c_j = 0.

    The last condition (complementary slackness) says each inequality is
    either *active* (:math:`c_j=0`) or has :math:`\mu_j=0`. This function tries
    every set :math:`A` of active inequalities: it solves the equality
    problem with :math:`c_j=0` for :math:`j\in A` by :func:`lagrange` (or
    :func:`newton` when there is no constraint at all), and keeps the points
    that are feasible, have :math:`\mu_j\ge0`, and are minima on their active
    surface. The answer is the one with the least :math:`f`. There are
    :math:`2^p` sets for :math:`p` inequalities, so :math:`p\le 10`.

    Parameters
    ----------
    fun : callable
        The objective.
    inequalities : callable, sequence of callables, or dicts
        The constraints :math:`c_j(\mathbf x)\ge0` (scipy's sign convention),
        each returning a scalar.
    x0 : array_like, shape (n,)
        The starting point of every solve.
    equalities : as in :func:`lagrange`, optional
        Equality constraints that always hold.
    jac : callable, optional
        The gradient of ``fun``.
    tol, maxiter
        As in :func:`lagrange`, for each solve.

    Returns
    -------
    OptimizeResult
        ``x``, ``fun``, ``multipliers`` (the :math:`\mu_j`, zero for inactive
        constraints), ``eq_multipliers`` (the :math:`\lambda_i`), ``active``
        (indices of the active inequalities), ``candidates`` (one dict per
        active set tried), ``nit`` (total Newton steps), ``nfev``,
        ``success``, ``status``, ``message`` and ``path`` (of the winning solve).

    Examples
    --------
    Minimise :math:`(x-2)^2+(y-1)^2` in the disc :math:`x^2+y^2\le 1`:

    >>> res = kkt(lambda v: (v[0] - 2)**2 + (v[1] - 1)**2, lambda v: 1 - v[0]**2 - v[1]**2, [0.0, 0.0])
    >>> np.round(res.x, 6), res.active, round(float(res.multipliers[0]), 6)
    (array([0.894427, 0.447214]), (0,), 1.236068)
    """
    check_callable(fun, "fun")
    x = _check_point(x0)
    ineq = _Constraints(inequalities, "inequalities")
    ineq_funs = [c.fun for c in ineq.funs]
    p = ineq.setup(x)
    if p != len(ineq_funs):
        raise ValueError("each inequality must return a scalar")
    if p > 10:
        raise ValueError(f"kkt tries all 2^p active sets; p = {p} inequalities is too many (at most 10)")
    eq_items: list[Any]
    if equalities is None or (isinstance(equalities, Sequence) and len(equalities) == 0):
        eq_items = []
    elif callable(equalities) or isinstance(equalities, Mapping):
        eq_items = [equalities]
    else:
        eq_items = list(equalities)
    if eq_items:
        n_eq = _Constraints(eq_items, "equalities").setup(x)
    else:
        n_eq = 0
    tol = check_positive(tol, "tol")
    maxiter = _check_maxiter(maxiter)
    n = x.size
    counted_fun = _Counted(fun, "fun")
    candidates: list[dict[str, Any]] = []
    best: tuple[float, dict[str, Any], OptimizeResult] | None = None
    total_nit = 0
    ncev = 0
    for size in range(0, p + 1):
        for active in itertools.combinations(range(p), size):
            if n_eq + size > n:
                continue
            cons = eq_items + [ineq_funs[j] for j in active]
            if cons:
                res = lagrange(counted_fun, cons, x, jac=jac, tol=tol, maxiter=maxiter)
                lam_eq = res.multipliers[:n_eq]
                mu_active = res.multipliers[n_eq:]
                ncev += res.ncev
            else:
                res = newton(counted_fun, x, jac=jac, tol=tol, maxiter=maxiter)
                res.kind = "minimum" if res.success else "degenerate"
                lam_eq, mu_active = np.zeros(0), np.zeros(0)
            total_nit += res.nit
            mu = np.zeros(p)
            mu[list(active)] = mu_active
            c_values = np.array([float(np.asarray(c(res.x))) for c in ineq_funs])
            feasible = bool(res.success and np.all(c_values >= -max(tol, 1e-10) * 10))
            dual = bool(np.all(mu >= -max(tol, 1e-10) * 10))
            second = res.kind in ("minimum", "degenerate", "isolated")
            cand = {
                "active": active, "x": res.x, "fun": float(res.fun), "multipliers": mu,
                "eq_multipliers": lam_eq, "constraint_values": c_values, "solved": bool(res.success),
                "feasible": feasible, "dual_feasible": dual, "kind": res.kind,
                "kkt": bool(res.success and feasible and dual and second), "message": res.message,
            }
            candidates.append(cand)
            if cand["kkt"] and (best is None or cand["fun"] < best[0]):
                best = (cand["fun"], cand, res)
    if best is None:
        return _result(
            x=x, fun=float(_as_float(fun(x), "fun")), multipliers=np.zeros(p), eq_multipliers=np.zeros(n_eq),
            active=(), candidates=candidates, nit=total_nit, nfev=counted_fun.count, ncev=ncev, status=1,
            message="no active set gave a point that satisfies the KKT conditions from this x0",
            path=np.array([x]),
        )
    _, cand, res = best
    return _result(
        x=cand["x"], fun=cand["fun"], multipliers=cand["multipliers"], eq_multipliers=cand["eq_multipliers"],
        active=cand["active"], candidates=candidates, nit=total_nit, nfev=counted_fun.count, ncev=ncev,
        status=0,
        message=(
            f"KKT point found with active set {cand['active']}: feasible, multipliers >= 0, "
            f"kind on the active surface: {cand['kind']}; the least f of {sum(c['kkt'] for c in candidates)} "
            "KKT point(s)"
        ),
        path=res.path,
    )


# ----------------------------------------------------------------------------
# Side by side with scipy.optimize.minimize
# ----------------------------------------------------------------------------


@dataclass
class SolverTable:
    """Rows of a solver comparison, shown as an HTML table in a notebook.

    Attributes
    ----------
    columns : list of str
        Column headings.
    rows : list of dict
        One dict per run, keyed by the headings.
    """

    columns: list[str]
    rows: list[dict[str, Any]]

    @staticmethod
    def _fmt(value: Any) -> str:
        if isinstance(value, (bool, np.bool_)):
            return "yes" if value else "no"
        if isinstance(value, (float, np.floating)):
            return f"{value:.3g}"
        if isinstance(value, np.ndarray):
            return "(" + ", ".join(f"{v:.6g}" for v in value) + ")"
        return str(value)

    def __repr__(self) -> str:
        widths = [max(len(c), *(len(self._fmt(r[c])) for r in self.rows)) for c in self.columns]
        lines = ["  ".join(c.ljust(w) for c, w in zip(self.columns, widths))]
        lines += ["  ".join(self._fmt(r[c]).ljust(w) for c, w in zip(self.columns, widths)) for r in self.rows]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = []
        for r in self.rows:
            cells = "".join(f"<td>{html.escape(self._fmt(r[c]))}</td>" for c in self.columns)
            body.append(f"<tr>{cells}</tr>")
        return (
            '<table class="mvcalc-solver-table">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        )


def compare_with_scipy(
    problems: Sequence[Any],
    *,
    scipy_methods: Sequence[str] = ("BFGS", "Newton-CG"),
    gd_maxiter: int = 2000,
) -> SolverTable:
    r"""Run our solvers and :func:`scipy.optimize.minimize` on test problems, side by side.

    Every solver gets the problem's exact gradient (and Newton-CG and our
    :func:`newton` its exact Hessian), so the counts compare the methods, not
    the derivatives. The rows give the point reached, :math:`f` there, its
    distance above the known minimum :math:`f-f^*`, the iterations and the
    evaluations of :math:`f`, :math:`\nabla f` and :math:`\mathbf H`.

    Parameters
    ----------
    problems : sequence of :class:`mvcalc.testproblems.Problem`
        The problems (anything with ``name``, ``x0``, ``fun``, ``grad``,
        ``hess`` and ``fun_min``).
    scipy_methods : sequence of str, default ("BFGS", "Newton-CG")
        Methods of :func:`scipy.optimize.minimize` to run.
    gd_maxiter : int, default 2000
        Iteration budget of gradient descent with line search.

    Returns
    -------
    SolverTable
        One row per problem and method.
    """
    from scipy.optimize import minimize

    gd_maxiter = _check_maxiter(gd_maxiter)
    rows = []
    for prob in problems:
        runs: list[tuple[str, Any]] = []
        runs.append(("mvcalc newton", newton(prob.fun, prob.x0, jac=prob.grad, hess=prob.hess)))
        runs.append((
            "mvcalc gradient descent",
            gradient_descent(prob.fun, prob.x0, jac=prob.grad, line_search="armijo", maxiter=gd_maxiter),
        ))
        for method in scipy_methods:
            check_choice(method, ("BFGS", "Newton-CG", "trust-exact", "CG", "L-BFGS-B", "trust-ncg"), "method")
            kwargs: dict[str, Any] = {"jac": prob.grad}
            if method in ("Newton-CG", "trust-exact", "trust-ncg"):
                kwargs["hess"] = prob.hess
            with np.errstate(all="ignore"):
                runs.append((f"scipy {method}", minimize(prob.fun, prob.x0, method=method, **kwargs)))
        for label, res in runs:
            rows.append({
                "problem": prob.name,
                "method": label,
                "success": bool(res.success),
                "x reached": np.asarray(res.x),
                "f": float(res.fun),
                "f - f*": float(res.fun) - prob.fun_min,
                "iterations": int(res.nit),
                "f evals": int(res.nfev),
                "grad evals": int(getattr(res, "njev", 0)),
                "Hessian evals": int(getattr(res, "nhev", 0)),
            })
    columns = ["problem", "method", "success", "x reached", "f", "f - f*", "iterations", "f evals",
               "grad evals", "Hessian evals"]
    return SolverTable(columns, rows)
