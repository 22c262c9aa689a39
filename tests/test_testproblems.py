"""mvcalc.testproblems against an independent sympy transcription of Moré, Garbow and Hillstrom (1981).

Each problem is written again here in sympy, from the paper's formulas, and its
value, gradient and Hessian are differentiated exactly and evaluated to 30
digits; the hand-coded derivatives of the module must agree. The known minima
stored in the module are checked against sympy's high-precision root finder
and against scipy.
"""

from __future__ import annotations

import functools

import mpmath
import numpy as np
import pytest
import sympy as sp
from scipy.optimize import minimize

from mvcalc.testproblems import PROBLEMS, KnownMinimum, Problem, get_problem

X = sp.symbols("x1:5", real=True)


def _theta(x1, x2):
    # the paper's angle: arctan(x2/x1)/(2 pi), plus 1/2 when x1 < 0
    return sp.atan(x2 / x1) / (2 * sp.pi) + sp.Piecewise((sp.Rational(1, 2), x1 < 0), (0, True))


def residuals_sympy(key: str) -> list[sp.Expr]:
    x1, x2, x3, x4 = X
    if key == "rosenbrock":
        return [10 * (x2 - x1**2), 1 - x1]
    if key == "freudenstein-roth":
        return [-13 + x1 + ((5 - x2) * x2 - 2) * x2, -29 + x1 + ((x2 + 1) * x2 - 14) * x2]
    if key == "powell-badly-scaled":
        return [10**4 * x1 * x2 - 1, sp.exp(-x1) + sp.exp(-x2) - sp.Rational(10001, 10000)]
    if key == "brown-badly-scaled":
        return [x1 - 10**6, x2 - sp.Rational(2, 10**6), x1 * x2 - 2]
    if key == "beale":
        y = [sp.Rational(3, 2), sp.Rational(9, 4), sp.Rational(21, 8)]
        return [y[i - 1] - x1 * (1 - x2**i) for i in (1, 2, 3)]
    if key == "jennrich-sampson":
        return [2 + 2 * i - (sp.exp(i * x1) + sp.exp(i * x2)) for i in range(1, 11)]
    if key == "helical-valley":
        return [10 * (x3 - 10 * _theta(x1, x2)), 10 * (sp.sqrt(x1**2 + x2**2) - 1), x3]
    if key == "box-3d":
        t = [sp.Rational(i, 10) for i in range(1, 11)]
        return [sp.exp(-ti * x1) - sp.exp(-ti * x2) - x3 * (sp.exp(-ti) - sp.exp(-10 * ti)) for ti in t]
    if key == "powell-singular":
        return [x1 + 10 * x2, sp.sqrt(5) * (x3 - x4), (x2 - 2 * x3) ** 2, sp.sqrt(10) * (x1 - x4) ** 2]
    if key == "wood":
        return [
            10 * (x2 - x1**2), 1 - x1, sp.sqrt(90) * (x4 - x3**2), 1 - x3,
            sp.sqrt(10) * (x2 + x4 - 2), (x2 - x4) / sp.sqrt(10),
        ]
    raise KeyError(key)


#: f(x0) at the standard starting point, as printed in the literature.
F_AT_X0 = {
    "rosenbrock": 24.2,
    "freudenstein-roth": 400.5,
    "beale": 14.203125,
    "helical-valley": 2500.0,
    "powell-singular": 215.0,
    "wood": 19192.0,
}


@functools.lru_cache(maxsize=None)
def _derivatives(key: str):
    """f, its gradient and Hessian as sympy expressions, lambdified for mpmath at 30 digits."""
    p = PROBLEMS[key]
    xs = X[: p.n]
    f = sum(r**2 for r in residuals_sympy(key))
    grad = [sp.diff(f, v) for v in xs]
    hess = [[sp.diff(g, b) for b in xs] for g in grad]
    make = lambda e: sp.lambdify(xs, e, modules="mpmath")  # noqa: E731
    return make(f), [make(g) for g in grad], [[make(h) for h in row] for row in hess]


def _exact(key: str, x: np.ndarray, *, with_hessian: bool = True):
    f, grad, hess = _derivatives(key)
    with mpmath.workdps(30):
        args = [mpmath.mpf(float(t)) for t in x]
        value = float(f(*args))
        g = np.array([float(gi(*args)) for gi in grad])
        H = np.array([[float(h(*args)) for h in row] for row in hess]) if with_hessian else None
    return value, g, H


def _points(p: Problem) -> list[np.ndarray]:
    rng = np.random.default_rng(p.number)
    pts = [p.x0, p.x0 + 0.3 * rng.standard_normal(p.n)]
    if p.x_min is not None:
        pts.append(p.x_min + 0.1 * rng.standard_normal(p.n) * np.maximum(1e-6, np.abs(p.x_min)))
    return pts


@pytest.mark.parametrize("key", list(PROBLEMS))
def test_value_gradient_and_hessian_agree_with_sympy(key: str) -> None:
    p = PROBLEMS[key]
    for x in _points(p):
        value, grad, hess = _exact(key, x)
        assert p.fun(x) == pytest.approx(value, rel=1e-12, abs=1e-12)
        scale_g = max(1.0, np.max(np.abs(grad)))
        np.testing.assert_allclose(p.grad(x), grad, rtol=1e-11, atol=1e-12 * scale_g)
        scale_h = max(1.0, np.max(np.abs(hess)))
        np.testing.assert_allclose(p.hess(x), hess, rtol=1e-10, atol=1e-11 * scale_h)


@pytest.mark.parametrize("key", list(F_AT_X0))
def test_value_at_the_standard_starting_point(key: str) -> None:
    p = PROBLEMS[key]
    assert p.fun(p.x0) == pytest.approx(F_AT_X0[key], rel=1e-13)


def test_residual_jacobian_matches_sympy() -> None:
    for key, p in PROBLEMS.items():
        res = residuals_sympy(key)
        xs = X[: p.n]
        x = _points(p)[1]
        subs = {v: sp.Float(float(t), 30) for v, t in zip(xs, x)}
        want = np.array([[float(sp.diff(r, v).evalf(30, subs=subs)) for v in xs] for r in res])
        np.testing.assert_allclose(p.jacobian(x), want, rtol=1e-12, atol=1e-12 * max(1, np.abs(want).max()))
        assert p.residuals(x).shape == (p.m,)


@pytest.mark.parametrize("key", list(PROBLEMS))
def test_known_minima_are_stationary_with_the_stated_value(key: str) -> None:
    p = PROBLEMS[key]
    for minimum in p.minima:
        if minimum.x is None:
            continue
        value, grad, _ = _exact(key, minimum.x, with_hessian=False)
        assert value == pytest.approx(minimum.fun, rel=1e-12, abs=1e-20)
        scale = max(1.0, np.abs(_exact(key, p.x0, with_hessian=False)[1]).max())
        assert np.max(np.abs(grad)) <= 1e-9 * scale, (key, grad)


def test_the_minima_stored_to_many_digits_match_sympy_nsolve() -> None:
    x1, x2 = X[:2]
    cases = {  # (problem, which minimum, first guess, solve the residuals (zero minimum) or the gradient)
        "freudenstein-roth": (1, (11.4, -0.9), "gradient"),
        "powell-badly-scaled": (0, (1.1e-5, 9.1), "residuals"),
        "jennrich-sampson": (0, (0.26, 0.26), "gradient"),
    }
    for key, (which, guess, system) in cases.items():
        res = residuals_sympy(key)
        f = sum(r**2 for r in res)
        eqs = res if system == "residuals" else [sp.diff(f, x1), sp.diff(f, x2)]
        sol = sp.nsolve(eqs, (x1, x2), guess, prec=40)
        want = np.array([float(sol[0]), float(sol[1])])
        got = PROBLEMS[key].minima[which].x
        np.testing.assert_allclose(got, want, rtol=1e-15)
        assert PROBLEMS[key].minima[which].fun == pytest.approx(
            float(f.subs({x1: sol[0], x2: sol[1]}).evalf(30)), rel=1e-15, abs=1e-25
        )


def test_box_3d_has_a_line_of_minimisers() -> None:
    p = PROBLEMS["box-3d"]
    for a in (-1.0, 0.5, 4.0):
        assert p.fun([a, a, 0.0]) == 0.0


def test_scipy_reaches_the_known_minimum_from_the_standard_start() -> None:
    # an independent solver (scipy's trust-exact with our exact derivatives) agrees with the stored minima
    for key in ("rosenbrock", "beale", "helical-valley", "wood"):
        p = PROBLEMS[key]
        res = minimize(p.fun, p.x0, jac=p.grad, hess=p.hess, method="trust-exact", options={"gtol": 1e-10})
        assert res.success, (key, res.message)
        np.testing.assert_allclose(res.x, p.x_min, rtol=1e-6, atol=1e-7)
        assert res.fun == pytest.approx(p.fun_min, rel=1e-10, abs=1e-14)


def test_problem_metadata() -> None:
    assert [p.number for p in PROBLEMS.values()] == sorted(p.number for p in PROBLEMS.values())
    for key, p in PROBLEMS.items():
        assert p.key == key and p.x0.shape == (p.n,) and p.m >= p.n
        assert isinstance(p.minima[0], KnownMinimum) and p.fun_min == p.minima[0].fun
        assert p.description
    assert get_problem("wood") is PROBLEMS["wood"]


def test_bad_input_gives_clear_errors() -> None:
    p = PROBLEMS["rosenbrock"]
    with pytest.raises(ValueError, match=r"2 variables: x must have shape \(2,\), got shape \(3,\)"):
        p.fun([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="finite"):
        p.grad(np.array([np.nan, 1.0]))
    with pytest.raises(ValueError, match="finite"):
        p.hess([np.inf, 1.0])
    with pytest.raises(TypeError, match="real number"):
        p.fun("ab")
    with pytest.raises(ValueError, match="unknown problem 'rosenbrok'"):
        get_problem("rosenbrok")
    with pytest.raises(TypeError, match="key must be a string"):
        get_problem(1)
    with pytest.raises(TypeError):
        PROBLEMS["new"] = p  # read-only
