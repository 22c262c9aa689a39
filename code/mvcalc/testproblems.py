r"""Standard test problems of unconstrained minimisation, from Moré, Garbow and Hillstrom (1981).

Moré, Garbow and Hillstrom collected functions that break optimisers in
instructive ways (curved valleys, bad scaling, singular Hessians, local minima),
each with a *standard starting point*, so that results from different solvers
can be compared. Every problem is a sum of squares of :math:`m` residuals
:math:`r_i:\mathbb R^n\to\mathbb R`,

.. math::

    f(\mathbf x) = \sum_{i=1}^{m} r_i(\mathbf x)^2 = \mathbf r^{\mathsf T}\mathbf r,
    \qquad
    \nabla f = 2\,\mathbf J^{\mathsf T}\mathbf r,
    \qquad
    \nabla^2 f = 2\Big(\mathbf J^{\mathsf T}\mathbf J
        + \sum_{i=1}^{m} r_i\,\nabla^2 r_i\Big),

where :math:`\mathbf J` is the :math:`m\times n` Jacobian of the residuals.
Each :class:`Problem` codes the residuals, their Jacobian and their second
derivatives by hand, so that :meth:`Problem.fun`, :meth:`Problem.grad` and
:meth:`Problem.hess` are exact (the tests check them against sympy). They take
and return plain numpy arrays, so the same problem can be handed to
:mod:`mvcalc.optimize` and to :func:`scipy.optimize.minimize`:

>>> from scipy.optimize import minimize
>>> p = PROBLEMS["rosenbrock"]
>>> res = minimize(p.fun, p.x0, jac=p.grad, hess=p.hess, method="Newton-CG")
>>> bool(res.success), np.round(res.x, 6)
(True, array([1., 1.]))

The numbers in ``Problem.number`` are those of the paper, which lists 35
problems; this module holds the small ones with closed-form data.

Reference: J. J. Moré, B. S. Garbow and K. E. Hillstrom, "Testing
unconstrained optimization software", *ACM Transactions on Mathematical
Software* 7(1), 17-41 (1981), doi:10.1145/355934.355936.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from ._validation import check_finite_array

__all__ = ["PROBLEMS", "KnownMinimum", "Problem", "get_problem"]


@dataclass(frozen=True)
class KnownMinimum:
    """A known minimiser :math:`\\mathbf x^*` and the value :math:`f(\\mathbf x^*)`.

    Attributes
    ----------
    x : ndarray or None
        The minimiser, or ``None`` where only the value is known.
    fun : float
        The minimum value.
    note : str
        What kind of minimum it is ("global", "local", ...).
    """

    x: np.ndarray | None
    fun: float
    note: str = "global"


@dataclass(frozen=True, eq=False)
class Problem:
    r"""A least-squares test problem :math:`f(\mathbf x)=\sum_i r_i(\mathbf x)^2`.

    Attributes
    ----------
    key : str
        Short name, the key of :data:`PROBLEMS` (``"rosenbrock"``).
    name : str
        The name in the literature ("Rosenbrock").
    number : int
        The problem's number in Moré, Garbow and Hillstrom (1981).
    n, m : int
        Number of variables and of residuals.
    x0 : ndarray, shape (n,)
        The standard starting point.
    minima : tuple of KnownMinimum
        Known minima, the global one first.
    description : str
        What makes the problem hard.
    """

    key: str
    name: str
    number: int
    n: int
    m: int
    x0: np.ndarray
    minima: tuple[KnownMinimum, ...]
    description: str
    _residuals: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    _jacobian: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    _hessians: Callable[[np.ndarray], np.ndarray] = field(repr=False)

    # ------------------------------------------------------------------
    def _point(self, x: Any) -> np.ndarray:
        if type(x) is np.ndarray and x.dtype == np.float64 and x.shape == (self.n,):
            if not np.isfinite(x).all():  # the fast path of solvers, still checked
                raise ValueError(f"x must be finite (no NaN or infinity), got {x!r}")
            return x
        xa = check_finite_array(x, "x")
        if xa.shape != (self.n,):
            raise ValueError(
                f"{self.name} is a function of {self.n} variables: x must have shape "
                f"({self.n},), got shape {xa.shape}"
            )
        return xa

    def residuals(self, x: Any) -> np.ndarray:
        r"""The residuals :math:`\mathbf r(\mathbf x)`, shape ``(m,)``."""
        with np.errstate(over="ignore"):
            return np.asarray(self._residuals(self._point(x)), dtype=float)

    def jacobian(self, x: Any) -> np.ndarray:
        r"""The Jacobian :math:`J_{ij}=\partial r_i/\partial x_j` of the residuals, shape ``(m, n)``."""
        with np.errstate(over="ignore", invalid="ignore"):
            return np.asarray(self._jacobian(self._point(x)), dtype=float)

    def fun(self, x: Any) -> float:
        r"""The objective :math:`f(\mathbf x)=\mathbf r^{\mathsf T}\mathbf r`."""
        r = self.residuals(x)
        with np.errstate(over="ignore"):
            return float(r @ r)

    def grad(self, x: Any) -> np.ndarray:
        r"""The gradient :math:`\nabla f = 2\mathbf J^{\mathsf T}\mathbf r`, shape ``(n,)``."""
        xa = self._point(x)
        with np.errstate(over="ignore", invalid="ignore"):
            return 2.0 * self.jacobian(xa).T @ self.residuals(xa)

    def hess(self, x: Any) -> np.ndarray:
        r"""The Hessian :math:`2(\mathbf J^{\mathsf T}\mathbf J+\sum_i r_i\nabla^2 r_i)`, shape ``(n, n)``."""
        xa = self._point(x)
        with np.errstate(over="ignore", invalid="ignore"):
            r = self.residuals(xa)
            J = self.jacobian(xa)
            second = np.asarray(self._hessians(xa), dtype=float)
            H = 2.0 * (J.T @ J + np.einsum("i,ijk->jk", r, second))
        return 0.5 * (H + H.T)

    @property
    def fun_min(self) -> float:
        """The global minimum value :math:`f^*`."""
        return self.minima[0].fun

    @property
    def x_min(self) -> np.ndarray | None:
        """The global minimiser :math:`\\mathbf x^*` (``None`` if only :math:`f^*` is known)."""
        return self.minima[0].x


def _c(*values: float) -> np.ndarray:
    return np.array(values, dtype=float)


# ----------------------------------------------------------------------------
# 1. Rosenbrock: a curved, narrow valley.
# ----------------------------------------------------------------------------
def _rosenbrock_r(x: np.ndarray) -> np.ndarray:
    return _c(10.0 * (x[1] - x[0] ** 2), 1.0 - x[0])


def _rosenbrock_j(x: np.ndarray) -> np.ndarray:
    return np.array([[-20.0 * x[0], 10.0], [-1.0, 0.0]])


def _rosenbrock_h(x: np.ndarray) -> np.ndarray:
    H = np.zeros((2, 2, 2))
    H[0, 0, 0] = -20.0
    return H


# ----------------------------------------------------------------------------
# 2. Freudenstein and Roth: a local minimum that attracts most starts.
# ----------------------------------------------------------------------------
def _freudenstein_r(x: np.ndarray) -> np.ndarray:
    x1, x2 = x
    return _c(-13.0 + x1 + ((5.0 - x2) * x2 - 2.0) * x2, -29.0 + x1 + ((x2 + 1.0) * x2 - 14.0) * x2)


def _freudenstein_j(x: np.ndarray) -> np.ndarray:
    x2 = x[1]
    return np.array([[1.0, 10.0 * x2 - 3.0 * x2**2 - 2.0], [1.0, 3.0 * x2**2 + 2.0 * x2 - 14.0]])


def _freudenstein_h(x: np.ndarray) -> np.ndarray:
    H = np.zeros((2, 2, 2))
    H[0, 1, 1] = 10.0 - 6.0 * x[1]
    H[1, 1, 1] = 6.0 * x[1] + 2.0
    return H


# ----------------------------------------------------------------------------
# 3. Powell badly scaled: the minimiser's coordinates differ by 10^6.
# ----------------------------------------------------------------------------
def _powell_bs_r(x: np.ndarray) -> np.ndarray:
    return _c(1e4 * x[0] * x[1] - 1.0, np.exp(-x[0]) + np.exp(-x[1]) - 1.0001)


def _powell_bs_j(x: np.ndarray) -> np.ndarray:
    return np.array([[1e4 * x[1], 1e4 * x[0]], [-np.exp(-x[0]), -np.exp(-x[1])]])


def _powell_bs_h(x: np.ndarray) -> np.ndarray:
    H = np.zeros((2, 2, 2))
    H[0, 0, 1] = H[0, 1, 0] = 1e4
    H[1, 0, 0] = np.exp(-x[0])
    H[1, 1, 1] = np.exp(-x[1])
    return H


# ----------------------------------------------------------------------------
# 4. Brown badly scaled: the minimiser is (10^6, 2 x 10^-6).
# ----------------------------------------------------------------------------
def _brown_bs_r(x: np.ndarray) -> np.ndarray:
    return _c(x[0] - 1e6, x[1] - 2e-6, x[0] * x[1] - 2.0)


def _brown_bs_j(x: np.ndarray) -> np.ndarray:
    return np.array([[1.0, 0.0], [0.0, 1.0], [x[1], x[0]]])


def _brown_bs_h(x: np.ndarray) -> np.ndarray:
    H = np.zeros((3, 2, 2))
    H[2, 0, 1] = H[2, 1, 0] = 1.0
    return H


# ----------------------------------------------------------------------------
# 5. Beale: a flat plateau and steep walls.
# ----------------------------------------------------------------------------
_BEALE_Y = _c(1.5, 2.25, 2.625)


def _beale_r(x: np.ndarray) -> np.ndarray:
    i = np.arange(1, 4)
    return _BEALE_Y - x[0] * (1.0 - x[1] ** i)


def _beale_j(x: np.ndarray) -> np.ndarray:
    i = np.arange(1, 4)
    return np.column_stack([-(1.0 - x[1] ** i), i * x[0] * x[1] ** (i - 1)])


def _beale_h(x: np.ndarray) -> np.ndarray:
    H = np.zeros((3, 2, 2))
    for k, i in enumerate(range(1, 4)):
        H[k, 0, 1] = H[k, 1, 0] = i * x[1] ** (i - 1)
        H[k, 1, 1] = i * (i - 1) * x[0] * x[1] ** (i - 2) if i >= 2 else 0.0
    return H


# ----------------------------------------------------------------------------
# 6. Jennrich and Sampson (m = 10): a non-zero minimum.
# ----------------------------------------------------------------------------
_JS_I = np.arange(1, 11, dtype=float)


def _jennrich_r(x: np.ndarray) -> np.ndarray:
    i = _JS_I
    return 2.0 + 2.0 * i - (np.exp(i * x[0]) + np.exp(i * x[1]))


def _jennrich_j(x: np.ndarray) -> np.ndarray:
    i = _JS_I
    return np.column_stack([-i * np.exp(i * x[0]), -i * np.exp(i * x[1])])


def _jennrich_h(x: np.ndarray) -> np.ndarray:
    i = _JS_I
    H = np.zeros((10, 2, 2))
    H[:, 0, 0] = -(i**2) * np.exp(i * x[0])
    H[:, 1, 1] = -(i**2) * np.exp(i * x[1])
    return H


# ----------------------------------------------------------------------------
# 7. Helical valley: a valley that winds around the x3-axis.
# ----------------------------------------------------------------------------
def _theta(x1: float, x2: float) -> float:
    r"""Moré, Garbow and Hillstrom's angle: :math:`\frac{1}{2\pi}\arctan(x_2/x_1)`, plus 1/2 if :math:`x_1<0`."""
    t = np.arctan2(x2, x1) / (2.0 * np.pi)  # in (-1/2, 1/2]
    # arctan(x2/x1)/(2 pi) + 1/2 for x1 < 0 equals arctan2/(2 pi) + 1 when x2 < 0 too
    return float(t + 1.0) if (x1 < 0.0 and x2 < 0.0) else float(t)


def _helical_r(x: np.ndarray) -> np.ndarray:
    x1, x2, x3 = x
    return _c(10.0 * (x3 - 10.0 * _theta(x1, x2)), 10.0 * (np.hypot(x1, x2) - 1.0), x3)


def _helical_j(x: np.ndarray) -> np.ndarray:
    x1, x2, _ = x
    rho2 = x1**2 + x2**2
    rho = np.sqrt(rho2)
    c = 100.0 / (2.0 * np.pi * rho2)
    return np.array(
        [[c * x2, -c * x1, 10.0], [10.0 * x1 / rho, 10.0 * x2 / rho, 0.0], [0.0, 0.0, 1.0]]
    )


def _helical_h(x: np.ndarray) -> np.ndarray:
    x1, x2, _ = x
    rho2 = x1**2 + x2**2
    rho3 = rho2**1.5
    H = np.zeros((3, 3, 3))
    # theta_11 = x1 x2/(pi rho^4), theta_12 = (x2^2 - x1^2)/(2 pi rho^4), theta_22 = -theta_11
    t11 = x1 * x2 / (np.pi * rho2**2)
    t12 = (x2**2 - x1**2) / (2.0 * np.pi * rho2**2)
    H[0, 0, 0], H[0, 0, 1], H[0, 1, 0], H[0, 1, 1] = -100.0 * t11, -100.0 * t12, -100.0 * t12, 100.0 * t11
    H[1, 0, 0] = 10.0 * x2**2 / rho3
    H[1, 0, 1] = H[1, 1, 0] = -10.0 * x1 * x2 / rho3
    H[1, 1, 1] = 10.0 * x1**2 / rho3
    return H


# ----------------------------------------------------------------------------
# 12. Box three-dimensional (m = 10): a whole line of minimisers.
# ----------------------------------------------------------------------------
_BOX_T = 0.1 * np.arange(1, 11, dtype=float)


def _box_r(x: np.ndarray) -> np.ndarray:
    t = _BOX_T
    return np.exp(-t * x[0]) - np.exp(-t * x[1]) - x[2] * (np.exp(-t) - np.exp(-10.0 * t))


def _box_j(x: np.ndarray) -> np.ndarray:
    t = _BOX_T
    return np.column_stack(
        [-t * np.exp(-t * x[0]), t * np.exp(-t * x[1]), -(np.exp(-t) - np.exp(-10.0 * t))]
    )


def _box_h(x: np.ndarray) -> np.ndarray:
    t = _BOX_T
    H = np.zeros((10, 3, 3))
    H[:, 0, 0] = t**2 * np.exp(-t * x[0])
    H[:, 1, 1] = -(t**2) * np.exp(-t * x[1])
    return H


# ----------------------------------------------------------------------------
# 13. Powell singular: the Hessian is singular at the minimiser.
# ----------------------------------------------------------------------------
_S5, _S10 = np.sqrt(5.0), np.sqrt(10.0)


def _powell_s_r(x: np.ndarray) -> np.ndarray:
    x1, x2, x3, x4 = x
    return _c(x1 + 10.0 * x2, _S5 * (x3 - x4), (x2 - 2.0 * x3) ** 2, _S10 * (x1 - x4) ** 2)


def _powell_s_j(x: np.ndarray) -> np.ndarray:
    x1, x2, x3, x4 = x
    u, v = x2 - 2.0 * x3, x1 - x4
    return np.array(
        [
            [1.0, 10.0, 0.0, 0.0],
            [0.0, 0.0, _S5, -_S5],
            [0.0, 2.0 * u, -4.0 * u, 0.0],
            [2.0 * _S10 * v, 0.0, 0.0, -2.0 * _S10 * v],
        ]
    )


def _powell_s_h(x: np.ndarray) -> np.ndarray:
    a = _c(0.0, 1.0, -2.0, 0.0)
    b = _c(1.0, 0.0, 0.0, -1.0)
    H = np.zeros((4, 4, 4))
    H[2] = 2.0 * np.outer(a, a)
    H[3] = 2.0 * _S10 * np.outer(b, b)
    return H


# ----------------------------------------------------------------------------
# 14. Wood: two Rosenbrock valleys, coupled.
# ----------------------------------------------------------------------------
_S90, _RS10 = np.sqrt(90.0), 1.0 / np.sqrt(10.0)


def _wood_r(x: np.ndarray) -> np.ndarray:
    x1, x2, x3, x4 = x
    return _c(
        10.0 * (x2 - x1**2),
        1.0 - x1,
        _S90 * (x4 - x3**2),
        1.0 - x3,
        _S10 * (x2 + x4 - 2.0),
        _RS10 * (x2 - x4),
    )


def _wood_j(x: np.ndarray) -> np.ndarray:
    x1, _, x3, _ = x
    return np.array(
        [
            [-20.0 * x1, 10.0, 0.0, 0.0],
            [-1.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, -2.0 * _S90 * x3, _S90],
            [0.0, 0.0, -1.0, 0.0],
            [0.0, _S10, 0.0, _S10],
            [0.0, _RS10, 0.0, -_RS10],
        ]
    )


def _wood_h(x: np.ndarray) -> np.ndarray:
    H = np.zeros((6, 4, 4))
    H[0, 0, 0] = -20.0
    H[2, 2, 2] = -2.0 * _S90
    return H


# ----------------------------------------------------------------------------
_ALL = (
    Problem(
        "rosenbrock", "Rosenbrock", 1, 2, 2, _c(-1.2, 1.0),
        (KnownMinimum(_c(1.0, 1.0), 0.0),),
        "a narrow curved valley: the minimum is easy to see and slow to reach",
        _rosenbrock_r, _rosenbrock_j, _rosenbrock_h,
    ),
    Problem(
        "freudenstein-roth", "Freudenstein-Roth", 2, 2, 2, _c(0.5, -2.0),
        (
            KnownMinimum(_c(5.0, 4.0), 0.0),
            # the local minimum, to 17 digits (tests/test_testproblems.py checks them)
            KnownMinimum(_c(11.412778986902094, -0.8968052532744765), 48.98425367924002, "local"),
        ),
        "a local minimum with f = 48.98 attracts solvers started at the standard point",
        _freudenstein_r, _freudenstein_j, _freudenstein_h,
    ),
    Problem(
        "powell-badly-scaled", "Powell badly scaled", 3, 2, 2, _c(0.0, 1.0),
        (KnownMinimum(_c(1.0981593296998175e-05, 9.106146739866524), 0.0),),
        "the two coordinates of the minimiser differ by a factor of a million",
        _powell_bs_r, _powell_bs_j, _powell_bs_h,
    ),
    Problem(
        "brown-badly-scaled", "Brown badly scaled", 4, 2, 3, _c(1.0, 1.0),
        (KnownMinimum(_c(1e6, 2e-6), 0.0),),
        "the minimiser is (10^6, 2 x 10^-6): steps must span twelve orders of magnitude",
        _brown_bs_r, _brown_bs_j, _brown_bs_h,
    ),
    Problem(
        "beale", "Beale", 5, 2, 3, _c(1.0, 1.0),
        (KnownMinimum(_c(3.0, 0.5), 0.0),),
        "a flat plateau surrounded by steep walls",
        _beale_r, _beale_j, _beale_h,
    ),
    Problem(
        "jennrich-sampson", "Jennrich-Sampson", 6, 2, 10, _c(0.3, 0.4),
        (KnownMinimum(_c(0.25782521367036408, 0.25782521367036408), 124.36218235561485),),
        "exponentials that overflow quickly, and a minimum value far from zero",
        _jennrich_r, _jennrich_j, _jennrich_h,
    ),
    Problem(
        "helical-valley", "Helical valley", 7, 3, 3, _c(-1.0, 0.0, 0.0),
        (KnownMinimum(_c(1.0, 0.0, 0.0), 0.0),),
        "a steep valley that spirals around the third axis",
        _helical_r, _helical_j, _helical_h,
    ),
    Problem(
        "box-3d", "Box three-dimensional", 12, 3, 10, _c(0.0, 10.0, 20.0),
        (
            KnownMinimum(_c(1.0, 10.0, 1.0), 0.0),
            KnownMinimum(_c(10.0, 1.0, -1.0), 0.0, "global"),
            KnownMinimum(None, 0.0, "global, at (a, a, 0) for every a"),
        ),
        "minimisers that are not isolated: a whole line (a, a, 0) of them",
        _box_r, _box_j, _box_h,
    ),
    Problem(
        "powell-singular", "Powell singular", 13, 4, 4, _c(3.0, -1.0, 0.0, 1.0),
        (KnownMinimum(_c(0.0, 0.0, 0.0, 0.0), 0.0),),
        "the Hessian is singular at the minimiser, so Newton's method converges only linearly",
        _powell_s_r, _powell_s_j, _powell_s_h,
    ),
    Problem(
        "wood", "Wood", 14, 4, 6, _c(-3.0, -1.0, -3.0, -1.0),
        (KnownMinimum(_c(1.0, 1.0, 1.0, 1.0), 0.0),),
        "two coupled Rosenbrock valleys, with a saddle region on the way",
        _wood_r, _wood_j, _wood_h,
    ),
)

#: The problems, by key, in the order of the paper.
PROBLEMS: Mapping[str, Problem] = MappingProxyType({p.key: p for p in _ALL})


def get_problem(key: str) -> Problem:
    """The problem called ``key`` (one of the keys of :data:`PROBLEMS`).

    Examples
    --------
    >>> p = get_problem("wood")
    >>> p.n, p.m, p.fun(p.x0)
    (4, 6, 19192.0)
    """
    if not isinstance(key, str):
        raise TypeError(f"key must be a string such as 'rosenbrock', got {type(key).__name__} {key!r}")
    if key not in PROBLEMS:
        raise ValueError(f"unknown problem {key!r}: expected one of {', '.join(map(repr, PROBLEMS))}")
    return PROBLEMS[key]
