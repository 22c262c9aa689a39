r"""Fitting models to data: chi-squared, least squares and Levenberg-Marquardt.

Chapter 6 of the book derives every formula here. Data :math:`(x_i, y_i)` with
uncertainties :math:`\sigma_i` are fitted by a model :math:`y(x;\mathbf a)`
with parameters :math:`\mathbf a` by minimising the *chi-squared*,

.. math::

    \chi^2(\mathbf a) = \sum_{i=1}^{n} \frac{r_i^2}{\sigma_i^2},
    \qquad r_i = y_i - y(x_i; \mathbf a),

which is maximum likelihood when the errors are independent and Gaussian.

- :func:`chi_squared` computes it;
- :func:`linear_fit` fits a straight line in closed form;
- :func:`linear_least_squares` and :func:`polynomial_fit` fit any model that is
  linear in its parameters, by a QR factorisation (or, to show why not, by the
  normal equations);
- :func:`curve_fit` fits a nonlinear model by Levenberg-Marquardt,
  Gauss-Newton or gradient descent, with an exact Jacobian by the complex step
  of :func:`mvcalc.multivariate.jacobian`;
- :func:`gauss_newton_distance` is the stopping test of :func:`curve_fit`;
- :func:`gaussian` is the model of the histogram fitted in the chapter;
- :func:`fit_nist`, :func:`compare_nist` and :func:`digits_table` fit certified
  NIST problems of :mod:`mvcalc.datasets` with :mod:`mvcalc` or with scipy,
  and count the certified digits reached;
- :func:`log_relative_error` (from :mod:`mvcalc.datasets`) counts them.

Gradient descent in :func:`curve_fit` reuses the Armijo line search of
:func:`mvcalc.optimize.armijo_backtracking`, but not
:func:`mvcalc.optimize.gradient_descent` itself, for three reasons. Its stopping
test is the absolute gradient norm :math:`\|\nabla f\| \le` ``tol``, which
depends on the units of :math:`\chi^2` and of the parameters and cannot be
replaced, while every method of :func:`curve_fit` must stop on the same
scale-free test (the Gauss-Newton distance of :func:`gauss_newton_distance`),
so that their iteration counts, paths and ``success`` mean the same thing. It
sees only the scalar :math:`\chi^2` and its gradient, while the stopping test
and the covariance need the residuals and the Jacobian at every iterate. And
with a fixed step that is too large it runs on until ``maxiter`` or an
overflow, while :func:`curve_fit` stops as soon as :math:`\chi^2` has stayed
above its lowest value for 20 steps.

Uncertainties follow one rule throughout. When ``sigma`` is given, it is the
absolute standard deviation of each :math:`y_i` and the covariance of the
parameters is :math:`(\mathbf J^{\mathsf T}\mathbf W\mathbf J)^{-1}` with
:math:`\mathbf W = \operatorname{diag}(1/\sigma_i^2)` (scipy's
``absolute_sigma=True``). When ``sigma`` is None, every :math:`\sigma_i` is
taken equal to a common, unknown :math:`\sigma`, estimated from the scatter
as :math:`s^2 = \chi^2/(n-p)` (scipy's default, and NIST's convention).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np
from scipy.linalg import qr, solve_triangular
from scipy.optimize import OptimizeResult

from ._validation import check_callable, check_choice, check_finite_array, check_int, check_positive
from .datasets import NistDataset, log_relative_error, nist
from .derivatives import EPS, METHODS
from .multivariate import jacobian
from .optimize import armijo_backtracking

__all__ = [
    "CURVE_FIT_METHODS",
    "LINEAR_METHODS",
    "NIST_SOLVERS",
    "chi_squared",
    "compare_nist",
    "curve_fit",
    "digits_table",
    "fit_nist",
    "gauss_newton_distance",
    "gaussian",
    "linear_fit",
    "linear_least_squares",
    "log_relative_error",
    "polynomial_fit",
]

#: The methods of :func:`curve_fit`.
CURVE_FIT_METHODS: tuple[str, ...] = ("lm", "gauss-newton", "gradient-descent")

#: The methods of :func:`linear_least_squares`.
LINEAR_METHODS: tuple[str, ...] = ("qr", "normal", "exact")

_DEFAULT_MAXITER = {"lm": 1000, "gauss-newton": 100, "gradient-descent": 20000}


# --------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------


def _data_vector(y: Any, name: str = "y") -> np.ndarray:
    arr = check_finite_array(y, name)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of shape (n,), got shape {arr.shape}")
    return arr


def _sigma(sigma: Any, n: int) -> np.ndarray:
    """``sigma`` as an array of shape ``(n,)``: ones when None, checked to be > 0."""
    if sigma is None:
        return np.ones(n)
    s = check_finite_array(sigma, "sigma")
    if s.ndim == 0:
        s = np.full(n, float(s))
    elif s.shape != (n,):
        raise ValueError(
            f"sigma must be a number or an array of shape ({n},), one uncertainty per "
            f"data point, got shape {s.shape}"
        )
    if np.any(s <= 0):
        raise ValueError(
            f"sigma must be greater than 0 (an uncertainty), got {np.min(s)!r} "
            f"at index {int(np.argmin(s))}"
        )
    return s



# --------------------------------------------------------------------------
# Chi-squared and the straight line
# --------------------------------------------------------------------------


def chi_squared(y: Any, y_model: Any, sigma: Any = None) -> float:
    r"""Chi-squared of a model's predictions: :math:`\chi^2 = \sum_i (y_i - \hat y_i)^2/\sigma_i^2`.

    Minimising :math:`\chi^2` is maximum likelihood when each :math:`y_i` is
    the prediction :math:`\hat y_i` plus independent Gaussian noise of standard
    deviation :math:`\sigma_i`: the log-likelihood is
    :math:`-\frac12\chi^2` plus a constant.

    Parameters
    ----------
    y : array_like, shape (n,)
        The data.
    y_model : array_like, shape (n,)
        The model's predictions at the same points.
    sigma : float or array_like of shape (n,), optional
        Uncertainty of each :math:`y_i`, greater than 0; 1 when not given, so
        that :math:`\chi^2` is the residual sum of squares.

    Returns
    -------
    float

    Examples
    --------
    >>> round(chi_squared([1.0, 2.0, 3.0], [1.1, 1.9, 3.0], sigma=0.1), 12)
    2.0
    """
    ya = _data_vector(y, "y")
    ym = _data_vector(y_model, "y_model")
    if ym.shape != ya.shape:
        raise ValueError(f"y and y_model must have the same shape, got {ya.shape} and {ym.shape}")
    s = _sigma(sigma, ya.size)
    return float(np.sum(((ya - ym) / s) ** 2))


def linear_fit(x: Any, y: Any, sigma: Any = None) -> OptimizeResult:
    r"""Best straight line :math:`y = mx + c` through data, in closed form.

    Setting :math:`\nabla\chi^2 = \mathbf 0` for
    :math:`\chi^2(m, c) = \sum_i w_i(y_i - mx_i - c)^2`, with weights
    :math:`w_i = 1/\sigma_i^2`, gives two linear equations whose solution is

    .. math::

        m = \frac{\sum_i w_i (x_i - \bar x) y_i}{\sum_i w_i (x_i - \bar x)^2},
        \qquad c = \bar y - m\bar x,
        \qquad \bar x = \frac{\sum_i w_i x_i}{\sum_i w_i},\;
        \bar y = \frac{\sum_i w_i y_i}{\sum_i w_i},

    with variances :math:`\sigma_m^2 = 1/\sum_i w_i(x_i-\bar x)^2` and
    :math:`\sigma_c^2 = 1/\sum_i w_i + \bar x^2\sigma_m^2`. The centred sums
    are the textbook formulas rearranged so that no large sums cancel.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        The data; at least two distinct ``x`` values.
    sigma : float or array_like of shape (n,), optional
        Absolute uncertainty of each :math:`y_i`. Without it, a common
        uncertainty is estimated as :math:`s^2 = \chi^2/(n-2)`, which needs
        :math:`n \ge 3`.

    Returns
    -------
    OptimizeResult
        ``slope``, ``intercept``, ``slope_stderr``, ``intercept_stderr``,
        ``params`` (``[slope, intercept]``), ``stderr``, ``covariance``,
        ``chi2``, ``dof`` (:math:`n-2`), ``reduced_chi2``, ``residuals``.

    Examples
    --------
    >>> fit = linear_fit([0.0, 1.0, 2.0, 3.0], [1.0, 3.1, 4.9, 7.0])
    >>> round(fit.slope, 3), round(fit.intercept, 3)
    (1.98, 1.03)
    """
    xa = _data_vector(x, "x")
    ya = _data_vector(y, "y")
    if xa.shape != ya.shape:
        raise ValueError(f"x and y must have the same length, got {xa.size} and {ya.size}")
    n = xa.size
    if n < (2 if sigma is not None else 3):
        raise ValueError(
            f"a straight line needs at least {2 if sigma is not None else 3} points "
            f"{'' if sigma is not None else '(two for the line and one to estimate the scatter) '}"
            f"got {n}"
        )
    s = _sigma(sigma, n)
    w = 1.0 / s**2
    W = float(np.sum(w))
    xbar = float(np.sum(w * xa) / W)
    ybar = float(np.sum(w * ya) / W)
    t = xa - xbar
    Stt = float(np.sum(w * t * t))
    if Stt <= 0 or Stt <= (EPS * n) ** 2 * float(np.sum(w * xa * xa)):
        raise ValueError("x must hold at least two distinct values: the slope of a vertical line is undefined")
    m = float(np.sum(w * t * ya) / Stt)
    c = ybar - m * xbar
    residuals = ya - (m * xa + c)
    chi2 = float(np.sum(w * residuals**2))
    dof = n - 2
    cov = np.array([[1.0 / Stt, -xbar / Stt], [-xbar / Stt, 1.0 / W + xbar**2 / Stt]])
    if sigma is None:
        cov = cov * (chi2 / dof)
    stderr = np.sqrt(np.diag(cov))
    return OptimizeResult(
        slope=m,
        intercept=c,
        slope_stderr=float(stderr[0]),
        intercept_stderr=float(stderr[1]),
        params=np.array([m, c]),
        stderr=stderr,
        covariance=cov,
        chi2=chi2,
        dof=dof,
        reduced_chi2=chi2 / dof if dof > 0 else np.nan,
        residuals=residuals,
    )


# --------------------------------------------------------------------------
# Linear least squares
# --------------------------------------------------------------------------


def _covariance_from_r(R: np.ndarray, scale: np.ndarray) -> np.ndarray:
    r""":math:`(\mathbf A^{\mathsf T}\mathbf A)^{-1}` from :math:`\mathbf A\mathbf D^{-1} = \mathbf Q\mathbf R`."""
    Rinv = solve_triangular(R, np.eye(R.shape[0]))
    C = Rinv @ Rinv.T
    return C / np.outer(scale, scale)


def _qt(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    r"""The first :math:`p` entries of :math:`\mathbf Q^{\mathsf T}\mathbf b`, from the QR factorisation of :math:`(\mathbf A \mid \mathbf b)`."""
    p = A.shape[1]
    Rb = np.linalg.qr(np.column_stack([A, b]), mode="r")
    return Rb[:p, p]


def _exact_solve(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    r"""Solve the normal equations in exact rational arithmetic and round the result once.

    Every double is a rational number, so :class:`fractions.Fraction` holds
    :math:`\mathbf A` and :math:`\mathbf b` exactly; the normal equations
    are then formed and solved by Gaussian elimination with no rounding at
    all. The answer is the exact least-squares solution *of the data as
    stored in double precision*, rounded to the nearest doubles.
    """
    n, p = A.shape
    Af = [[Fraction(float(v)) for v in row] for row in A]
    bf = [Fraction(float(v)) for v in b]
    M = [[sum((Af[k][i] * Af[k][j] for k in range(n)), Fraction(0)) for j in range(p)] for i in range(p)]
    rhs = [sum((Af[k][i] * bf[k] for k in range(n)), Fraction(0)) for i in range(p)]
    for i in range(p):
        pivot = next((r for r in range(i, p) if M[r][i] != 0), None)
        if pivot is None:
            raise np.linalg.LinAlgError("the normal matrix is exactly singular")
        M[i], M[pivot] = M[pivot], M[i]
        rhs[i], rhs[pivot] = rhs[pivot], rhs[i]
        for r in range(i + 1, p):
            f = M[r][i] / M[i][i]
            if f:
                for c in range(i, p):
                    M[r][c] -= f * M[i][c]
                rhs[r] -= f * rhs[i]
    z = [Fraction(0)] * p
    for i in reversed(range(p)):
        z[i] = (rhs[i] - sum((M[i][c] * z[c] for c in range(i + 1, p)), Fraction(0))) / M[i][i]
    return np.array([float(v) for v in z])


def linear_least_squares(
    A: Any, y: Any, sigma: Any = None, *, method: str = "qr"
) -> OptimizeResult:
    r"""Least-squares solution of :math:`\mathbf A\mathbf a \approx \mathbf y`, by QR (or the normal equations).

    Minimises :math:`\chi^2 = \|\mathbf W^{1/2}(\mathbf y - \mathbf A\mathbf a)\|^2`.
    Its gradient vanishes where the *normal equations* hold,

    .. math::

        \mathbf A^{\mathsf T}\mathbf W\mathbf A\,\mathbf a
        = \mathbf A^{\mathsf T}\mathbf W\mathbf y,

    but forming :math:`\mathbf A^{\mathsf T}\mathbf A` squares the condition
    number, :math:`\kappa(\mathbf A^{\mathsf T}\mathbf A) = \kappa(\mathbf A)^2`,
    so about twice as many digits are lost as the problem itself forces.
    ``method="qr"`` (the default) instead factorises
    :math:`\mathbf W^{1/2}\mathbf A\mathbf D^{-1} = \mathbf Q\mathbf R`,
    where :math:`\mathbf D` holds the column norms (a scaling that removes
    the units of the columns from the condition number), solves the
    triangular system

    .. math::

        \mathbf R\,\mathbf z = \mathbf Q^{\mathsf T}\mathbf W^{1/2}\mathbf y,
        \qquad \mathbf a = \mathbf D^{-1}\mathbf z,

    and refines :math:`\mathbf z` once by solving the same system for the
    residual, :math:`\mathbf R\,\Delta\mathbf z = \mathbf Q^{\mathsf T}(\mathbf W^{1/2}\mathbf y - \mathbf W^{1/2}\mathbf A\mathbf D^{-1}\mathbf z)`.
    It loses only the digits that :math:`\kappa(\mathbf A\mathbf D^{-1})`
    forces. ``method="normal"`` solves the normal equations of the same
    scaled matrix, for comparison. ``method="exact"`` solves the normal
    equations in exact rational arithmetic (:class:`fractions.Fraction`),
    which is slow but free of rounding: it shows how many digits the data,
    as stored in double precision, determine at all.

    Parameters
    ----------
    A : array_like, shape (n, p)
        Design matrix: column :math:`k` is the :math:`k`-th basis function at
        the data points; :math:`n \ge p`.
    y : array_like, shape (n,)
        The data.
    sigma : float or array_like of shape (n,), optional
        Absolute uncertainties; without them the scatter is estimated from
        the residuals, :math:`s^2 = \chi^2/(n-p)`.
    method : {"qr", "normal", "exact"}, default "qr"
        How the least-squares problem is solved.

    Returns
    -------
    OptimizeResult
        ``params`` (and its alias ``x``), ``stderr``, ``covariance``, ``chi2``,
        ``dof``, ``reduced_chi2``, ``residuals`` (:math:`y_i - \hat y_i`),
        ``rank``, ``cond`` (condition number of the matrix actually solved:
        :math:`\mathbf R` for QR and exact, the scaled normal matrix for the
        normal equations), ``success`` and ``message``. When the
        matrix is singular to working precision the columns of ``A`` are
        (nearly) linearly dependent, the data cannot determine the
        parameters, and ``success`` is False.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([0.0, 1.0, 2.0, 3.0])
    >>> A = np.column_stack([np.ones_like(x), x, x**2])
    >>> fit = linear_least_squares(A, 1 + 2 * x - x**2)
    >>> np.round(fit.params, 12)
    array([ 1.,  2., -1.])
    """
    Aa = check_finite_array(A, "A")
    if Aa.ndim != 2 or Aa.shape[1] == 0:
        raise ValueError(f"A must be a 2-D array of shape (n, p), got shape {Aa.shape}")
    ya = _data_vector(y, "y")
    n, p = Aa.shape
    if ya.size != n:
        raise ValueError(f"A has {n} rows but y has {ya.size} values: they must match")
    if n < p:
        raise ValueError(
            f"fewer data points ({n}) than parameters ({p}): the parameters are not determined"
        )
    check_choice(method, LINEAR_METHODS, "method")
    s = _sigma(sigma, n)
    Aw = Aa / s[:, None]
    b = ya / s
    success, message = True, "solved"
    # Scaling the columns to unit length changes neither the solution nor the
    # fitted values, but removes the part of the condition number that comes
    # from the units of the columns.
    scale = np.linalg.norm(Aw, axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    As = Aw / scale
    params = np.full(p, np.nan)
    cov = np.full((p, p), np.inf)
    if method == "qr":
        # QR of the augmented matrix [A | y]: the reflections that make A
        # triangular are applied to y as well, so Q^T y is never formed from
        # an explicit Q; the last column of R holds it.
        R = np.linalg.qr(np.column_stack([As, b]), mode="r")[:p, :p]
        sv = np.linalg.svd(R, compute_uv=False)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                z = solve_triangular(R, _qt(As, b), check_finite=False)
                # one step of iterative refinement: solve again for the residual
                z = z + solve_triangular(R, _qt(As, b - As @ z), check_finite=False)
                params = z / scale
                cov = _covariance_from_r(R, scale)
            except np.linalg.LinAlgError:
                pass
    elif method == "normal":
        M = As.T @ As
        sv = np.linalg.svd(M, compute_uv=False)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                params = np.linalg.solve(M, As.T @ b) / scale
                cov = np.linalg.inv(M) / np.outer(scale, scale)
            except np.linalg.LinAlgError:
                pass
    else:  # exact rational arithmetic on the unscaled data; covariance by QR
        R = np.linalg.qr(As, mode="r")
        sv = np.linalg.svd(R, compute_uv=False)
        try:
            params = _exact_solve(Aw, b)
            cov = _covariance_from_r(R, scale)
        except (np.linalg.LinAlgError, ZeroDivisionError):
            pass
    cond = float(sv[0] / sv[-1]) if sv[-1] > 0 else np.inf
    rank = int(np.sum(sv > sv[0] * max(n, p) * EPS))
    if not (np.all(np.isfinite(params)) and np.all(np.isfinite(cov))):
        rank = min(rank, p - 1)
        params = np.full(p, np.nan)
        cov = np.full((p, p), np.inf)
    if rank < p:
        success = False
        message = (
            f"the {'normal matrix' if method == 'normal' else 'matrix R'} is singular to working "
            f"precision (numerical rank {rank} of {p}, condition number {cond:.3g}): the columns "
            "of A are (nearly) linearly dependent, so the data do not determine the parameters"
        )
    with np.errstate(all="ignore"):
        residuals = ya - Aa @ params
    chi2 = float(np.sum((residuals / s) ** 2))
    dof = n - p
    if sigma is None:
        cov = cov * (chi2 / dof) if dof > 0 else np.full((p, p), np.nan)
    stderr = np.sqrt(np.abs(np.diag(cov)))
    return OptimizeResult(
        params=params,
        x=params,
        stderr=stderr,
        covariance=cov,
        chi2=chi2,
        dof=dof,
        reduced_chi2=chi2 / dof if dof > 0 else np.nan,
        residuals=residuals,
        rank=rank,
        cond=cond,
        method=method,
        success=success,
        message=message,
    )


def polynomial_fit(
    x: Any, y: Any, degree: int, sigma: Any = None, *, method: str = "qr"
) -> OptimizeResult:
    r"""Least-squares polynomial :math:`y = a_0 + a_1x + \dots + a_dx^d`.

    The model is linear in its coefficients, with the Vandermonde design
    matrix :math:`A_{ik} = x_i^k`, and is solved by
    :func:`linear_least_squares`. Coefficients come in *increasing* powers
    (as NIST lists them; :func:`numpy.polyfit` uses decreasing powers).

    Parameters
    ----------
    x, y : array_like, shape (n,)
        The data; :math:`n \ge d + 1`.
    degree : int
        The degree :math:`d \ge 0`.
    sigma : float or array_like of shape (n,), optional
        Absolute uncertainties, as in :func:`linear_least_squares`.
    method : {"qr", "normal", "exact"}, default "qr"
        As in :func:`linear_least_squares`.

    Returns
    -------
    OptimizeResult
        As :func:`linear_least_squares`, plus ``degree``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.linspace(-1, 1, 7)
    >>> np.round(polynomial_fit(x, 2 - x + 3 * x**3, 3).params, 12)
    array([ 2., -1.,  0.,  3.])
    """
    xa = _data_vector(x, "x")
    degree = check_int(degree, "degree", 0)
    if xa.size < degree + 1:
        raise ValueError(
            f"a polynomial of degree {degree} has {degree + 1} coefficients and needs at least "
            f"{degree + 1} points, got {xa.size}"
        )
    A = np.vander(xa, degree + 1, increasing=True)
    fit = linear_least_squares(A, y, sigma, method=method)
    fit.degree = degree
    return fit


# --------------------------------------------------------------------------
# Nonlinear least squares
# --------------------------------------------------------------------------

#: Weighted residuals larger than this count as an overflow: chi-squared would not be finite.
_HUGE = 1e150


class _Fit:
    """The state of a nonlinear fit: the weighted residuals and Jacobian, the path, the counts."""

    def __init__(self, model: Callable[..., Any], x: np.ndarray, y: np.ndarray, s: np.ndarray,
                 jac: Callable[..., Any] | str) -> None:
        self.model, self.x, self.y, self.s, self.jac = model, x, y, s, jac
        self.nfev = 0
        self.njev = 0
        self.path: list[np.ndarray] = []
        self.chi2_path: list[float] = []

    def residuals(self, p: np.ndarray) -> np.ndarray | None:
        r"""Weighted residuals :math:`(y_i - f(x_i;\mathbf a))/\sigma_i`; None unless finite and real."""
        self.nfev += 1
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                f = np.asarray(self.model(self.x, *p))
        except (ArithmeticError, ValueError):
            return None
        if f.shape != self.y.shape or np.iscomplexobj(f) or not np.all(np.isfinite(f)):
            return None
        r = (self.y - f) / self.s
        return r if np.max(np.abs(r)) < _HUGE else None

    def jacobian(self, p: np.ndarray) -> np.ndarray | None:
        r"""Weighted model Jacobian :math:`J_{ij} = \frac{1}{\sigma_i}\partial f(x_i;\mathbf a)/\partial a_j`; None unless finite."""
        self.njev += 1
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if callable(self.jac):
                    with np.errstate(all="ignore"):
                        J = np.asarray(self.jac(self.x, *p), dtype=float)
                else:
                    J = jacobian(lambda q: self.model(self.x, *q), p, method=self.jac)
        except (ArithmeticError, ValueError, TypeError):
            return None
        if J.ndim == 1 and p.size == 1:
            J = J[:, None]
        if J.shape != (self.y.size, p.size) or not np.all(np.isfinite(J)):
            return None
        return J / self.s[:, None]

    def accept(self, p: np.ndarray, r: np.ndarray, J: np.ndarray) -> None:
        """Move to the point ``p`` and record it on the path."""
        self.p, self.r, self.J = p, r, J
        self.chi2 = float(r @ r)
        self.path.append(p.copy())
        self.chi2_path.append(self.chi2)


def _lstsq_step(J: np.ndarray, r: np.ndarray, damping: float = 0.0,
                D: np.ndarray | None = None) -> np.ndarray | None:
    r"""Solve :math:`\min_{\boldsymbol\delta} \|\mathbf J\boldsymbol\delta - \mathbf r\|^2 + \lambda\|\mathbf D\boldsymbol\delta\|^2` by QR.

    The augmented matrix :math:`\begin{pmatrix}\mathbf J\\ \sqrt\lambda\,\mathbf D\end{pmatrix}`
    is factorised with its columns scaled to unit length, so that
    :math:`\mathbf J^{\mathsf T}\mathbf J` is never formed. Returns None when
    the matrix is singular to working precision.
    """
    n = J.shape[1]
    if damping > 0 and D is not None:
        M = np.vstack([J, np.sqrt(damping) * np.diag(D)])
        rhs = np.concatenate([r, np.zeros(n)])
    else:
        M, rhs = J, r
    scale = np.linalg.norm(M, axis=0)
    if not np.all(scale > 0):
        return None
    Q, R = qr(M / scale, mode="economic", check_finite=False)
    d = np.abs(np.diag(R))
    if d.min() <= d.max() * max(M.shape) * EPS:
        return None
    return solve_triangular(R, Q.T @ rhs, check_finite=False) / scale


def _covariance(J: np.ndarray) -> tuple[np.ndarray, bool]:
    r""":math:`(\mathbf J^{\mathsf T}\mathbf J)^{-1}` by the SVD of :math:`\mathbf J`; ``(inf, False)`` if singular."""
    _, sv, Vt = np.linalg.svd(J, full_matrices=False)
    n = J.shape[1]
    if sv.size < n or sv[-1] <= sv[0] * max(J.shape) * EPS:
        return np.full((n, n), np.inf), False
    V = Vt.T / sv
    return V @ V.T, True


def gauss_newton_distance(J: Any, r: Any, p: Any) -> float:
    r"""Relative size of the Gauss-Newton step: an estimate of the distance to the minimum.

    The Gauss-Newton step :math:`\boldsymbol\delta` solves
    :math:`\min\|\mathbf J\boldsymbol\delta - \mathbf r\|`; it vanishes
    exactly where :math:`\nabla\chi^2 = -2\mathbf J^{\mathsf T}\mathbf r =
    \mathbf 0`, and near a minimum it is the step to it. Measured in the
    units of the data by the column norms :math:`\mathbf D = \operatorname{diag}\|\mathbf J_{:,j}\|`,

    .. math::

        d = \frac{\|\mathbf D\boldsymbol\delta\|}{\|\mathbf D\mathbf a\|},

    which does not depend on the units of the parameters. :func:`curve_fit`
    stops with success when :math:`d \le` ``tol``.

    Parameters
    ----------
    J : array_like, shape (n, p)
        The weighted Jacobian of the model.
    r : array_like, shape (n,)
        The weighted residuals.
    p : array_like, shape (p,)
        The parameters.

    Returns
    -------
    float
        :math:`d`, or infinity when :math:`\mathbf J` is singular.

    Examples
    --------
    >>> import numpy as np
    >>> J = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> gauss_newton_distance(J, np.zeros(3), [1.0, 2.0])
    0.0
    """
    Ja = check_finite_array(J, "J")
    ra = _data_vector(r, "r")
    pa = _data_vector(p, "p")
    if Ja.ndim != 2 or Ja.shape != (ra.size, pa.size):
        raise ValueError(f"J must have shape (len(r), len(p)) = ({ra.size}, {pa.size}), got {Ja.shape}")
    return _distance(Ja, ra, pa)[0]


def _distance(J: np.ndarray, r: np.ndarray, p: np.ndarray) -> tuple[float, np.ndarray | None]:
    """The relative Gauss-Newton distance and the Gauss-Newton step itself."""
    if not np.any(r):
        return 0.0, np.zeros_like(p)
    g = _lstsq_step(J, r)
    if g is None:
        return np.inf, None
    D = np.linalg.norm(J, axis=0)
    size = float(np.linalg.norm(D * p))
    return float(np.linalg.norm(D * g)) / (size if size > 0 else 1.0), g


def curve_fit(
    model: Callable[..., Any],
    x: Any,
    y: Any,
    p0: Any,
    *,
    sigma: Any = None,
    jac: Callable[..., Any] | str | None = None,
    method: str = "lm",
    tol: float = 1e-10,
    maxiter: int | None = None,
    step: float | None = None,
) -> OptimizeResult:
    r"""Fit a model :math:`y = f(x; \mathbf a)` to data by nonlinear least squares.

    Minimises :math:`\chi^2(\mathbf a) = \|\mathbf r(\mathbf a)\|^2` with
    weighted residuals :math:`r_i = (y_i - f(x_i;\mathbf a))/\sigma_i` and
    weighted Jacobian :math:`J_{ij} = \frac{1}{\sigma_i}\frac{\partial f(x_i;\mathbf a)}{\partial a_j}`,
    so that :math:`\nabla\chi^2 = -2\mathbf J^{\mathsf T}\mathbf r`. Each
    iteration takes a step :math:`\boldsymbol\delta`:

    .. math::

        \text{gradient descent:}\quad \boldsymbol\delta = -\gamma\nabla\chi^2
        = 2\gamma\,\mathbf J^{\mathsf T}\mathbf r,
        \qquad
        \text{Gauss-Newton:}\quad \mathbf J^{\mathsf T}\mathbf J\,\boldsymbol\delta = \mathbf J^{\mathsf T}\mathbf r,

    .. math::

        \text{Levenberg-Marquardt:}\quad
        (\mathbf J^{\mathsf T}\mathbf J + \lambda\mathbf D^2)\,\boldsymbol\delta
        = \mathbf J^{\mathsf T}\mathbf r,
        \qquad \mathbf D = \operatorname{diag}(\|\mathbf J_{:,j}\|).

    ``"lm"`` accepts a step only if the ratio :math:`\rho` of the actual to
    the predicted decrease of :math:`\chi^2` exceeds :math:`10^{-4}`, and
    adapts the damping :math:`\lambda` to :math:`\rho` (Nielsen's rule): small
    :math:`\lambda` gives Gauss-Newton steps, large :math:`\lambda` short
    steps down the scaled gradient. It adds the *geodesic acceleration* of
    Transtrum and Sethna, a second-order correction
    :math:`\frac12\boldsymbol\alpha` along the curved path, and rejects a step whose
    correction is large (:math:`2\|\mathbf D\boldsymbol\alpha\| > 0.75\,\|\mathbf D\boldsymbol\delta\|`),
    which keeps it from leaping onto a plateau of :math:`\chi^2`. Near the
    minimum, where changes of :math:`\chi^2` fall below its rounding error,
    it takes plain Gauss-Newton steps. Gradient descent takes
    :math:`\gamma` from a backtracking (Armijo) line search,
    :func:`mvcalc.optimize.armijo_backtracking`, unless ``step`` fixes it. Linear systems are solved by QR, never by forming
    :math:`\mathbf J^{\mathsf T}\mathbf J`.

    Every method stops with ``success=True`` when the Gauss-Newton step, an
    estimate of the distance to the minimum, is below ``tol`` relative to
    the parameters (see :func:`gauss_newton_distance`), or when the fit is
    exact (:math:`\chi^2 = 0`). Otherwise it stops with ``success=False`` and
    says why in ``message``: the iteration limit, a model that is no longer
    finite, a singular Jacobian, no step that lowers :math:`\chi^2`, a
    Gauss-Newton step that stagnates above ``tol`` (as it does with an
    inaccurate finite-difference Jacobian), or, for gradient descent with a
    fixed ``step``, a :math:`\chi^2` that stops falling because the step is
    too large. A local minimum is a success: check the residuals and the
    reduced :math:`\chi^2` to see whether it is the fit you wanted.

    Parameters
    ----------
    model : callable
        ``model(x, *params)``, returning an array of shape ``(n,)``, as for
        :func:`scipy.optimize.curve_fit`. With the default ``jac`` it must be
        written with numpy functions that accept complex parameters.
    x : array_like
        The independent variable(s), passed to ``model`` unchanged; its first
        dimension has length :math:`n`.
    y : array_like, shape (n,)
        The data.
    p0 : array_like, shape (p,)
        Starting parameters; :math:`p \le n`.
    sigma : float or array_like of shape (n,), optional
        Absolute uncertainties of ``y``, greater than 0. Without them the
        covariance is scaled by :math:`s^2 = \chi^2/(n-p)`.
    jac : callable or str, optional
        The Jacobian of the model, ``jac(x, *params)`` of shape ``(n, p)``;
        or a method of :func:`mvcalc.multivariate.jacobian`
        (``"complex"``, ``"central"``, ``"forward"``, ``"backward"``).
        Default: ``"complex"``, the complex step, exact to rounding.
    method : {"lm", "gauss-newton", "gradient-descent"}, default "lm"
        The algorithm.
    tol : float, default 1e-10
        Relative tolerance of the stopping test, greater than 0.
    maxiter : int, optional
        Largest number of iterations; by default 1000 (``"lm"``), 100
        (``"gauss-newton"``) or 20000 (``"gradient-descent"``).
    step : float, optional
        A fixed step size :math:`\gamma` of gradient descent (no line search).

    Returns
    -------
    OptimizeResult
        ``params`` (alias ``x``), ``stderr``, ``covariance``, ``chi2`` (alias
        ``fun``), ``dof``, ``reduced_chi2``, ``residuals`` (unweighted,
        :math:`y_i - f(x_i;\mathbf a)`), ``jac`` (the weighted Jacobian),
        ``distance`` (the final Gauss-Newton distance), ``nit``, ``nfev``
        (evaluations of the residuals), ``njev``, ``success``, ``status``
        (1 converged, 2 exact fit, 0 failed), ``message``, ``method``,
        ``path`` (the accepted iterates, shape ``(nit + 1, p)``) and
        ``chi2_path`` (:math:`\chi^2` along the path).

    Raises
    ------
    TypeError
        If ``model`` or ``jac`` is not callable (or a method name), or the
        data are not numbers.
    ValueError
        On bad input: lengths that differ, ``sigma`` not positive, data that
        are not finite, fewer points than parameters, an unknown method, a
        model that is not finite at ``p0``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.linspace(0, 4, 20)
    >>> y = 3.0 * np.exp(-0.7 * x)
    >>> fit = curve_fit(lambda x, a, k: a * np.exp(-k * x), x, y, [1.0, 1.0])
    >>> bool(fit.success), np.round(fit.params, 10)
    (True, array([3. , 0.7]))
    """
    check_callable(model, "model")
    ya = _data_vector(y, "y")
    n = ya.size
    if isinstance(x, (str, bytes)):
        raise TypeError(f"x must be an array of numbers, got {x!r}")
    xa = check_finite_array(x, "x")
    if xa.ndim == 0 or xa.shape[0] != n:
        raise ValueError(
            f"x and y must have the same number of points: x has shape {xa.shape}, y has {n} values"
        )
    p_start = _data_vector(p0, "p0")
    npar = p_start.size
    if n < npar:
        raise ValueError(
            f"fewer data points ({n}) than parameters ({npar}): the parameters are not determined"
        )
    s = _sigma(sigma, n)
    check_choice(method, CURVE_FIT_METHODS, "method")
    tol = check_positive(tol, "tol")
    maxiter = _DEFAULT_MAXITER[method] if maxiter is None else check_int(maxiter, "maxiter", 1)
    if jac is None:
        jac = "complex"
    if isinstance(jac, str):
        check_choice(jac, METHODS, "jac")
    elif not callable(jac):
        raise TypeError(f"jac must be a callable, a method name or None, got {type(jac).__name__} {jac!r}")
    if step is not None:
        step = check_positive(step, "step")
        if method != "gradient-descent":
            raise ValueError(f"step fixes the step size of gradient descent; method={method!r} does not use it")

    fit = _Fit(model, xa, ya, s, jac)
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            f0 = np.asarray(model(xa, *p_start))
    except Exception as exc:
        raise ValueError(f"model(x, *p0) raised {type(exc).__name__}: {exc}") from exc
    if f0.shape != ya.shape:
        raise ValueError(f"model(x, *p0) must return an array of shape {ya.shape} like y, got shape {f0.shape}")
    r0 = fit.residuals(p_start)
    if r0 is None:
        raise ValueError("the model is not finite and real at the starting point p0: choose another p0")
    J0 = fit.jacobian(p_start)
    if J0 is None and callable(jac):
        raise ValueError(
            f"jac(x, *p0) must return a finite array of shape ({n}, {npar}), the derivatives "
            "of the model with respect to each parameter at each point"
        )
    if J0 is None:
        raise ValueError(
            "the Jacobian of the model is not finite at p0; with the default complex-step "
            "Jacobian, write the model with numpy functions that accept complex input"
        )
    fit.accept(p_start.copy(), r0, J0)

    solver = {"lm": _levenberg_marquardt, "gauss-newton": _gauss_newton,
              "gradient-descent": _gradient_descent}[method]
    status, message = solver(fit, tol, maxiter, step)
    p, r, J = fit.p, fit.r, fit.J
    chi2 = fit.chi2
    dof = n - npar
    cov, regular = _covariance(J)
    if not regular and "singular" not in message:
        message += "; the Jacobian is singular at the result, so the covariance is infinite"
    if status > 0 and jac != "complex" and isinstance(jac, str):
        digits = {"central": 10, "forward": 8, "backward": 8}[jac]
        message += (f" (with a {jac}-difference Jacobian, accurate to about {digits} digits, "
                    "the test is only as accurate as the Jacobian)")
    if sigma is None:
        cov = cov * (chi2 / dof) if dof > 0 else np.full((npar, npar), np.nan)
    stderr = np.sqrt(np.abs(np.diag(cov)))
    return OptimizeResult(
        params=p,
        x=p,
        stderr=stderr,
        covariance=cov,
        chi2=chi2,
        fun=chi2,
        dof=dof,
        reduced_chi2=chi2 / dof if dof > 0 else np.nan,
        residuals=r * s,
        jac=J,
        distance=_distance(J, r, p)[0],
        nit=len(fit.path) - 1,
        nfev=fit.nfev,
        njev=fit.njev,
        success=status > 0,
        status=status,
        message=message,
        method=method,
        path=np.array(fit.path),
        chi2_path=np.array(fit.chi2_path),
    )


class _Stagnation:
    """Detects a Gauss-Newton distance that stops shrinking near a minimum.

    Called with the distance at each step near the minimum; returns True once
    the distance has not halved in ``patience`` consecutive calls, which
    happens when rounding, or an inaccurate (finite-difference) Jacobian,
    sets a floor above ``tol``.
    """

    def __init__(self, tol: float, patience: int = 25) -> None:
        self.tol, self.patience = tol, patience
        self.best, self.count = np.inf, 0
        self.message = ""

    def __call__(self, d: float) -> bool:
        if d < 0.5 * self.best:
            self.best, self.count = d, 0
            return False
        self.count += 1
        if self.count < self.patience:
            return False
        self.message = (
            f"stopped: the Gauss-Newton step stagnates at {d:.1e} of the parameters, above tol = "
            f"{self.tol:g}; the model or its Jacobian is not accurate enough for this tolerance "
            "(a finite-difference Jacobian?), so loosen tol or use an exact Jacobian"
        )
        return True


def _converged(fit: _Fit, tol: float) -> tuple[str | None, np.ndarray | None]:
    """A message if ``fit`` has converged, and the Gauss-Newton step."""
    if fit.chi2 == 0.0:
        return "converged: the fit is exact (chi-squared is 0)", None
    d, g = _distance(fit.J, fit.r, fit.p)
    if d <= tol:
        return f"converged: the Gauss-Newton step is {d:.1e} of the parameters (tol = {tol:g})", g
    return None, g


def _levenberg_marquardt(fit: _Fit, tol: float, maxiter: int, step: float | None) -> tuple[int, str]:
    D = np.linalg.norm(fit.J, axis=0)
    lam, nu = 1e-3, 2.0
    stalled = _Stagnation(tol)
    for _ in range(maxiter):
        done, g = _converged(fit, tol)
        if done:
            return 1 if fit.chi2 > 0 else 2, done
        p, r, J, chi2 = fit.p, fit.r, fit.J, fit.chi2
        D = np.maximum(D, np.linalg.norm(J, axis=0))
        # Near the minimum chi-squared changes by less than its rounding error:
        # take the Gauss-Newton step unless it raises chi-squared measurably.
        if g is not None and np.linalg.norm(D * g) <= 1e-4 * np.linalg.norm(D * p) \
                and float(np.sum((J @ g) ** 2)) <= 1e-10 * chi2:
            if stalled(_distance(J, r, p)[0]):
                return 0, stalled.message
            r_new = fit.residuals(p + g)
            if r_new is not None and float(r_new @ r_new) <= chi2 * (1 + 1e-10):
                J_new = fit.jacobian(p + g)
                if J_new is None:
                    return 0, "the Jacobian is not finite at an iterate"
                fit.accept(p + g, r_new, J_new)
                continue
        Ds = np.where(D > 0, D, 1.0)
        while True:
            v = _lstsq_step(J, r, lam, Ds)
            if v is None:
                return 0, "the damped system is singular: the model does not depend on some parameter"
            delta = v
            # geodesic acceleration: the second derivative of the residuals along v
            h = 0.1
            r_h = fit.residuals(p + h * v)
            if r_h is not None:
                r_vv = (2.0 / h) * ((r_h - r) / h + J @ v)
                a = _lstsq_step(J, r_vv, lam, Ds)
                if a is not None:
                    if 2.0 * np.linalg.norm(Ds * a) > 0.75 * np.linalg.norm(Ds * v):
                        lam, nu = lam * nu, nu * 2.0
                        if lam > 1e16:
                            break
                        continue
                    delta = v + 0.5 * a
            r_new = fit.residuals(p + delta)
            predicted = chi2 - float(np.sum((r - J @ v) ** 2))
            rho = (chi2 - float(r_new @ r_new)) / predicted if r_new is not None and predicted > 0 else -1.0
            if rho > 1e-4:
                break
            lam, nu = lam * nu, nu * 2.0
            if lam > 1e16:
                break
        if lam > 1e16:
            d = _distance(J, r, p)[0]
            return 0, (f"stopped: no step lowers chi-squared, yet the Gauss-Newton step is {d:.1e} "
                       f"of the parameters (tol = {tol:g}): not at a minimum")
        lam *= max(1.0 / 3.0, 1.0 - (2.0 * min(rho, 1.0) - 1.0) ** 3)
        nu = 2.0
        J_new = fit.jacobian(p + delta)
        if J_new is None:
            return 0, "the Jacobian is not finite at an iterate"
        fit.accept(p + delta, r_new, J_new)
    done, _ = _converged(fit, tol)
    if done:
        return 1 if fit.chi2 > 0 else 2, done
    return 0, f"the maximum number of iterations ({maxiter}) was reached before convergence"


def _gauss_newton(fit: _Fit, tol: float, maxiter: int, step: float | None) -> tuple[int, str]:
    stalled = _Stagnation(tol)
    for _ in range(maxiter):
        done, g = _converged(fit, tol)
        if done:
            return 1 if fit.chi2 > 0 else 2, done
        if g is None:
            return 0, "the Jacobian is singular: the Gauss-Newton step is undefined"
        if stalled(_distance(fit.J, fit.r, fit.p)[0]):
            return 0, stalled.message
        p_new = fit.p + g
        r_new = fit.residuals(p_new)
        if r_new is None:
            return 0, "the model is not finite at the Gauss-Newton step: the iteration diverged"
        J_new = fit.jacobian(p_new)
        if J_new is None:
            return 0, "the Jacobian is not finite at the Gauss-Newton step: the iteration diverged"
        fit.accept(p_new, r_new, J_new)
    done, _ = _converged(fit, tol)
    if done:
        return 1 if fit.chi2 > 0 else 2, done
    return 0, f"the maximum number of iterations ({maxiter}) was reached before convergence"


def _gradient_descent(fit: _Fit, tol: float, maxiter: int, step: float | None) -> tuple[int, str]:
    # Not mvcalc.optimize.gradient_descent, whose stopping test |grad f| <= tol cannot be
    # replaced (see the module docstring); its line search, armijo_backtracking, is reused.
    gamma = step if step is not None else 1.0 / max(2.0 * float(np.sum(fit.J**2)), 1e-300)
    best, rises = fit.chi2, 0
    for _ in range(maxiter):
        done, _ = _converged(fit, tol)
        if done:
            return 1 if fit.chi2 > 0 else 2, done
        p, chi2 = fit.p, fit.chi2
        grad = -2.0 * fit.J.T @ fit.r
        gg = float(grad @ grad)
        if step is None:
            if not gg > 0:
                return 0, "stopped: the gradient is zero, yet the Gauss-Newton step is not: the Jacobian is singular"
            # Armijo backtracking from twice the last step; the residuals of the
            # accepted trial are kept, so that no evaluation is repeated
            tried: dict[str, np.ndarray | None] = {}

            def phi(t: float) -> float:
                tried["r"] = r_t = fit.residuals(p - t * grad)
                return np.inf if r_t is None else float(r_t @ r_t)

            found, _, _ = armijo_backtracking(phi, chi2, -gg, 2.0 * gamma)
            if found is None:
                return 0, "stopped: the line search found no lower chi-squared, yet not at a minimum"
            gamma, r_new = found, tried["r"]
        else:
            r_new = fit.residuals(p - gamma * grad)
            if r_new is None:
                return 0, "chi-squared overflowed after a step: the step size is too large, the iteration diverged"
            best = min(best, chi2)
            rises = rises + 1 if float(r_new @ r_new) > best else 0
            if rises >= 20:
                return 0, ("chi-squared has stayed above its lowest value for 20 steps: the step size is "
                           "too large, and the iteration oscillates or diverges")
        J_new = fit.jacobian(p - gamma * grad)
        if J_new is None:
            return 0, "the Jacobian is not finite at an iterate"
        fit.accept(p - gamma * grad, r_new, J_new)
    done, _ = _converged(fit, tol)
    if done:
        return 1 if fit.chi2 > 0 else 2, done
    return 0, f"the maximum number of iterations ({maxiter}) was reached before convergence"


# --------------------------------------------------------------------------
# Models used in the book
# --------------------------------------------------------------------------


def gaussian(x: Any, area: Any, mean: Any, sd: Any) -> Any:
    r"""A Gaussian curve of given area, mean and standard deviation.

    .. math::

        g(x; A, \mu, s) = \frac{A}{s\sqrt{2\pi}}
        \exp\!\left(-\frac{(x-\mu)^2}{2s^2}\right),

    the expected count per unit of :math:`x` of :math:`A` normally
    distributed values; a histogram with bins of width :math:`w` expects
    :math:`w\,g(x)` values in the bin centred on :math:`x`. Written with
    numpy functions, so that it accepts complex parameters.

    Examples
    --------
    >>> round(float(gaussian(0.0, 1.0, 0.0, 1.0)), 6)
    0.398942
    """
    return area / (sd * np.sqrt(2 * np.pi)) * np.exp(-((x - mean) ** 2) / (2 * sd**2))


# --------------------------------------------------------------------------
# NIST certified problems
# --------------------------------------------------------------------------

#: The solvers of :func:`fit_nist`.
NIST_SOLVERS: tuple[str, ...] = ("mvcalc", "mvcalc-normal", "exact", "scipy")


def fit_nist(
    name: str | NistDataset,
    start: int | None = None,
    *,
    solver: str = "mvcalc",
    **kwargs: Any,
) -> OptimizeResult:
    r"""Fit a NIST StRD problem and count the certified digits reached.

    Linear problems are solved from their design matrix (see
    :meth:`mvcalc.datasets.NistDataset.design_matrix`); nonlinear problems
    from NIST's Start 1 or Start 2. The digits are the log relative errors
    of :func:`mvcalc.datasets.log_relative_error`, capped at the number of
    certified digits (15 for linear problems, 11 for nonlinear ones).

    Parameters
    ----------
    name : str or NistDataset
        The problem, for example ``"Misra1a"``.
    start : {1, 2}, optional
        NIST's starting value; required for a nonlinear problem, not allowed
        for a linear one.
    solver : {"mvcalc", "mvcalc-normal", "exact", "scipy"}, default "mvcalc"
        ``"mvcalc"``: :func:`linear_least_squares` by QR, or :func:`curve_fit`
        with ``method="lm"``. ``"mvcalc-normal"`` and ``"exact"`` (linear
        problems only): the normal equations, in floating point or in exact
        rational arithmetic. ``"scipy"``: :func:`scipy.linalg.lstsq` on the
        design matrix, or :func:`scipy.optimize.curve_fit` with its defaults
        (MINPACK's Levenberg-Marquardt with a forward-difference Jacobian).
    **kwargs
        Passed to :func:`curve_fit` or :func:`scipy.optimize.curve_fit`; for
        scipy, ``jac="complex"`` passes the complex-step Jacobian of
        :func:`mvcalc.multivariate.jacobian`.

    Returns
    -------
    OptimizeResult
        ``params``, ``rss`` (residual sum of squares), ``stderr``,
        ``success``, ``message``, ``digits`` (LRE of each parameter),
        ``min_digits`` (the smallest), ``rss_digits``, ``stderr_digits``
        (the smallest LRE of the standard deviations; NaN when the solver
        gives none), ``dataset``, ``start`` and ``solver``. A failed fit, or
        one with no finite parameters, scores 0 digits.

    Examples
    --------
    >>> fit = fit_nist("Misra1a", 1)
    >>> bool(fit.success), bool(fit.min_digits >= 9)
    (True, True)
    """
    ds = name if isinstance(name, NistDataset) else nist(name)
    check_choice(solver, NIST_SOLVERS, "solver")
    stderr: np.ndarray = np.full(ds.n_params, np.nan)
    if ds.procedure == "linear":
        if start is not None:
            raise ValueError(f"{ds.name} is a linear problem with no starting values: pass start=None")
        A = ds.design_matrix()
        if solver == "scipy":
            import scipy.linalg

            params = scipy.linalg.lstsq(A, ds.y, **kwargs)[0]
            rss = float(np.sum((ds.y - A @ params) ** 2))
            success, message = bool(np.all(np.isfinite(params))), "scipy.linalg.lstsq"
        else:
            method = {"mvcalc": "qr", "mvcalc-normal": "normal", "exact": "exact"}[solver]
            res = linear_least_squares(A, ds.y, method=method)
            params, stderr, rss = res.params, res.stderr, res.chi2
            success, message = res.success, res.message
    else:
        if start not in (1, 2):
            raise ValueError(f"start must be 1 or 2, one of NIST's two starting values, got {start!r}")
        if solver not in ("mvcalc", "scipy"):
            raise ValueError(f"solver={solver!r} is for linear problems; use 'mvcalc' or 'scipy'")
        p0 = ds.starts[start]
        if solver == "mvcalc":
            res = curve_fit(ds.model, ds.x, ds.y, p0, **kwargs)
            params, stderr, rss = res.params, res.stderr, res.chi2
            success, message = res.success, res.message
        else:
            params, stderr, rss, success, message = _scipy_curve_fit(ds, p0, **kwargs)
    if success and np.all(np.isfinite(params)):
        out = ds.digits(params, rss)
        digits, min_digits, rss_digits = out["params"], out["min"], out["rss"]
    else:
        digits, min_digits, rss_digits = np.zeros(ds.n_params), 0.0, 0.0
    if success and np.all(np.isfinite(stderr)):
        sd_digits = float(np.min(log_relative_error(stderr, ds.certified_stderr, cap=ds.certified_digits)))
    else:
        sd_digits = np.nan
    return OptimizeResult(
        params=params,
        rss=rss,
        stderr=stderr,
        success=bool(success),
        message=message,
        digits=digits,
        min_digits=min_digits,
        rss_digits=rss_digits,
        stderr_digits=sd_digits,
        dataset=ds,
        start=start,
        solver=solver,
    )


def _scipy_curve_fit(ds: NistDataset, p0: np.ndarray, **kwargs: Any) -> tuple[Any, ...]:
    """scipy.optimize.curve_fit on a NIST problem; its failures caught and reported."""
    import scipy.optimize

    if kwargs.get("jac") == "complex":
        kwargs["jac"] = lambda x, *p: jacobian(lambda q: ds.model(x, *q), np.asarray(p), method="complex")
    nan = np.full(ds.n_params, np.nan)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            popt, pcov, _, mesg, ier = scipy.optimize.curve_fit(
                ds.model, ds.x, ds.y, p0=p0, full_output=True, **kwargs
            )
        except (RuntimeError, ValueError) as exc:
            return nan, nan, np.inf, False, str(exc)
        rss = float(np.sum((ds.y - ds.model(ds.x, *popt)) ** 2))
    stderr = np.sqrt(np.abs(np.diag(pcov)))
    success = ier in (1, 2, 3, 4) and bool(np.all(np.isfinite(popt))) and np.isfinite(rss)
    return popt, stderr, rss, success, str(mesg)


def compare_nist(
    names: Any = None,
    *,
    solvers: Any = ("mvcalc", "scipy"),
    starts: Any = (1, 2),
    **kwargs: Any,
) -> list[OptimizeResult]:
    r"""Fit several NIST problems with several solvers; one :func:`fit_nist` result each.

    Parameters
    ----------
    names : sequence of str, optional
        The problems; by default every nonlinear one
        (:data:`mvcalc.datasets.NONLINEAR`).
    solvers : sequence of str, default ("mvcalc", "scipy")
        Solvers of :func:`fit_nist`.
    starts : sequence of int, default (1, 2)
        NIST's starting values, for nonlinear problems (linear ones have none).
    **kwargs
        Passed to :func:`fit_nist`.

    Returns
    -------
    list of OptimizeResult
        In the order problem, start, solver.
    """
    from .datasets import NONLINEAR

    names = NONLINEAR if names is None else names
    if isinstance(names, str):
        names = [names]
    out = []
    for name in names:
        ds = nist(name)
        for start in (starts if ds.procedure == "nonlinear" else [None]):
            for solver in solvers:
                out.append(fit_nist(ds, start, solver=solver, **kwargs))
    return out


def digits_table(results: Any, *, stderr: bool = False) -> str:
    r"""A Markdown table of the certified digits of :func:`compare_nist` results.

    One row per problem (and start), one column per solver: the smallest
    number of correct digits over the parameters, and that of the residual
    sum of squares after a slash, or "failed" when the solver reported
    failure.

    Parameters
    ----------
    results : sequence of OptimizeResult
        From :func:`fit_nist` or :func:`compare_nist`.
    stderr : bool, default False
        Also give the digits of the standard deviations.

    Returns
    -------
    str
        The table, for :class:`IPython.display.Markdown`.
    """
    labels = {"mvcalc": "mvcalc", "mvcalc-normal": "normal equations", "exact": "exact arithmetic",
              "scipy": "scipy"}
    solvers: list[str] = []
    rows: dict[tuple[str, Any], dict[str, OptimizeResult]] = {}
    for res in results:
        if res.solver not in solvers:
            solvers.append(res.solver)
        rows.setdefault((res.dataset.name, res.start), {})[res.solver] = res
    head = ["problem", "difficulty"] + (["start"] if any(k[1] for k in rows) else [])
    head += [labels[s] for s in solvers]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for (name, start), by_solver in rows.items():
        ds = next(iter(by_solver.values())).dataset
        cells = [name, ds.difficulty] + ([str(start)] if len(head) - len(solvers) == 3 else [])
        for s in solvers:
            res = by_solver.get(s)
            if res is None:
                cells.append("")
            elif not res.success:
                cells.append("failed")
            else:
                cell = f"{res.min_digits:.1f} / {res.rss_digits:.1f}"
                if stderr and np.isfinite(res.stderr_digits):
                    cell += f" / {res.stderr_digits:.1f}"
                cells.append(cell)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
