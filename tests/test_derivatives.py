"""mvcalc.derivatives against exact derivatives from sympy (the independent oracle).

The exact value of f'(x) is computed by sympy's symbolic differentiation and
evaluated to 30 significant digits with mpmath, so the oracle's own rounding is
far below anything the tests measure.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mvcalc.derivatives import (
    EPS,
    METHODS,
    derivative,
    finite_difference_error,
    fit_error_v,
    optimal_step,
    richardson_derivative,
    secant_slope,
)

X = sp.Symbol("x", real=True)

# Smooth functions of order-one scale, written once in sympy; numpy versions
# come from lambdify, so the code under test and the oracle share no code.
BATTERY = {
    "sin": sp.sin(X),
    "cos": sp.cos(X),
    "exp": sp.exp(X),
    "log1p_sq": sp.log(1 + X**2),
    "cube": X**3 - 2 * X + 2,
    "reciprocal": 1 / (1 + X),
    "sqrt": sp.sqrt(1 + X**2),
    "tanh": sp.tanh(X),
    "gauss": sp.exp(-(X**2)),
    "sin_exp": sp.sin(X) * sp.exp(X / 2),
    "nested": sp.sin(sp.cos(X) + X**2),
    "atan": sp.atan(2 * X),
    "rational": (X**2 + 1) / (X**2 + 3),
    "power": X**sp.Rational(5, 2),
}
POINTS = [0.3, 0.7, 1.1, 1.7]
# Chapter 1's "beast": small in value, but its derivatives grow fast with order
# (2x^5 inside the sine), so it is not of order-one scale.
BEAST = sp.sin(2 * X**5 + 3 * X) / sp.exp(7 * X)


def exact(expr: sp.Expr, x: float) -> float:
    return float(sp.diff(expr, X).evalf(30, subs={X: sp.Float(x, 30)}))


def numeric(expr: sp.Expr):
    return sp.lambdify(X, expr, modules="numpy")


CASES = [(name, x) for name in BATTERY for x in POINTS]


def rel_err(a: float, b: float) -> float:
    return abs(a - b) / abs(b)


@pytest.mark.parametrize(("name", "x"), CASES)
def test_complex_step_is_exact_to_a_few_ulps(name: str, x: float) -> None:
    expr = BATTERY[name]
    want = exact(expr, x)
    got = derivative(numeric(expr), x, method="complex")
    # a few units in the last place of the exact value (or of 1, near zero)
    ulp = np.spacing(max(abs(want), 1e-3))
    assert abs(got - want) <= 8 * ulp, (name, x, got, want, abs(got - want) / ulp)


@pytest.mark.parametrize("x", POINTS)
def test_the_beast(x: float) -> None:
    want = exact(BEAST, x)
    assert rel_err(derivative(numeric(BEAST), x, method="complex"), want) < 1e-14
    assert rel_err(derivative(numeric(BEAST), x), want) < 1e-6


@pytest.mark.parametrize(("name", "x"), CASES)
def test_central_difference_reaches_1e_9(name: str, x: float) -> None:
    expr = BATTERY[name]
    want = exact(expr, x)
    got = derivative(numeric(expr), x)  # method="central", optimal step
    scale = max(abs(want), abs(float(expr.evalf(20, subs={X: x}))))
    assert abs(got - want) / scale <= 1e-9, (name, x, got, want)


@pytest.mark.parametrize(("name", "x"), CASES)
@pytest.mark.parametrize("method", ["forward", "backward"])
def test_one_sided_differences_reach_about_sqrt_eps(name: str, x: float, method: str) -> None:
    expr = BATTERY[name]
    want = exact(expr, x)
    got = derivative(numeric(expr), x, method=method)
    scale = max(abs(want), abs(float(expr.evalf(20, subs={X: x}))), 1.0)
    # theory: about sqrt(eps) * (|f| + |f''|), i.e. 1e-8 for order-one functions
    assert abs(got - want) / scale <= 2e-6, (name, x, method, got, want)


@pytest.mark.parametrize(("name", "x"), CASES)
def test_richardson_beats_central(name: str, x: float) -> None:
    expr = BATTERY[name]
    want = exact(expr, x)
    got = richardson_derivative(numeric(expr), x, h=0.05)
    scale = max(abs(want), 1.0)
    assert abs(got - want) / scale <= 1e-11, (name, x, got, want)


@pytest.mark.parametrize(("method", "order"), [("forward", 1), ("backward", 1), ("central", 2)])
def test_truncation_order(method: str, order: int) -> None:
    """Halving h divides the error by 2**order while truncation dominates."""
    expr = BATTERY["sin_exp"]
    f, x = numeric(expr), 0.7
    hs = 1e-2 / 2.0 ** np.arange(5)
    errs = finite_difference_error(f, exact(expr, x), x, hs, method=method)
    slope = np.polyfit(np.log(hs), np.log(errs), 1)[0]
    assert slope == pytest.approx(order, abs=0.05)


def test_richardson_levels_raise_the_order() -> None:
    f, x = np.exp, 0.5
    e1 = abs(richardson_derivative(f, x, h=0.2, levels=1) - np.exp(x))
    e2 = abs(richardson_derivative(f, x, h=0.2, levels=2) - np.exp(x))
    e3 = abs(richardson_derivative(f, x, h=0.2, levels=3) - np.exp(x))
    assert e1 > 100 * e2 > 100 * 100 * e3 / 10


def test_round_off_dominates_below_the_optimal_step() -> None:
    """Errors grow again when h is far below the optimal step: the V of chapter 1."""
    errs = finite_difference_error(np.exp, np.exp, 1.0, [1e-5, 1e-13], method="central")
    assert errs[1] > 100 * errs[0]


def test_complex_step_does_not_suffer_round_off() -> None:
    hs = np.logspace(-300, -8, 20)
    errs = finite_difference_error(np.exp, np.exp, 1.0, hs, method="complex")
    assert np.all(errs <= 2 * np.spacing(np.exp(1.0)))


@settings(max_examples=200, deadline=None)
@given(
    coeffs=st.lists(st.integers(-9, 9), min_size=1, max_size=8),
    x=st.floats(-2.0, 2.0, allow_nan=False),
)
def test_polynomials_complex_step_matches_exact(coeffs: list[int], x: float) -> None:
    """Random integer polynomials: exact derivatives by sympy's Poly."""
    poly = sp.Poly(coeffs, X)
    want = float(poly.diff(X).eval(sp.Rational(x)))
    got = derivative(lambda t: np.polyval(coeffs, t), x, method="complex")
    # bounded by the rounding of evaluating the derivative's terms
    bound = 8 * EPS * sum(abs(c) * k * abs(x) ** max(k - 1, 0) for k, c in enumerate(reversed(coeffs)))
    # plus the method's own truncation error, about h^2 |f'''| with h = 1e-20
    assert abs(got - want) <= bound + 1e-30


@settings(max_examples=100, deadline=None)
@given(a=st.floats(0.1, 3.0), b=st.floats(-3.0, 3.0), x=st.floats(-1.5, 1.5))
def test_chain_rule_family_central(a: float, b: float, x: float) -> None:
    """sin(a x + b) against a cos(a x + b), central differences at the default step."""
    got = derivative(lambda t: np.sin(a * t + b), x)
    want = a * math.cos(a * x + b)
    assert abs(got - want) <= 1e-9 * max(1.0, a)


def test_elementwise_on_arrays() -> None:
    xs = np.linspace(-2, 2, 9)
    for method in METHODS:
        d = derivative(np.sin, xs, method=method)
        assert isinstance(d, np.ndarray) and d.shape == xs.shape
        np.testing.assert_allclose(d, np.cos(xs), rtol=0, atol=1e-7)


def test_scalar_input_gives_float() -> None:
    assert isinstance(derivative(np.exp, 1), float)


def test_args_are_passed_on() -> None:
    got = derivative(lambda t, a, b: a * t**2 + b, 3.0, args=(2.0, 5.0), method="complex")
    assert got == pytest.approx(12.0, rel=1e-15)


def test_explicit_step_is_used() -> None:
    # forward difference of x^2 at 1 with step h is exactly 2 + h for representable h
    assert derivative(lambda t: t**2, 1.0, method="forward", h=0.5) == 2.5
    assert derivative(lambda t: t**2, 1.0, method="backward", h=0.5) == 1.5
    assert derivative(lambda t: t**3, 1.0, method="central", h=0.5) == 3.25


def test_optimal_steps() -> None:
    assert optimal_step("forward") == pytest.approx(math.sqrt(EPS))
    assert optimal_step("backward") == pytest.approx(math.sqrt(EPS))
    assert optimal_step("central") == pytest.approx(EPS ** (1 / 3))
    assert optimal_step("central", 100.0) == pytest.approx(100 * EPS ** (1 / 3))
    assert optimal_step("central", 0.01) == pytest.approx(EPS ** (1 / 3))
    np.testing.assert_allclose(optimal_step("forward", np.array([0.0, -50.0])), np.array([1.0, 50.0]) * np.sqrt(EPS))


def test_optimal_central_step_is_near_the_minimum_of_the_error() -> None:
    hs = np.logspace(-9, -2, 141)
    errs = finite_difference_error(np.sin, np.cos, 0.8, hs, method="central")
    h_best = hs[np.argmin(errs)]
    assert 0.05 < h_best / optimal_step("central", 0.8) < 20


def test_secant_slope() -> None:
    assert secant_slope(lambda t: t**2, 1.0, 0.5) == 2.5
    assert secant_slope(lambda t: t**2, 1.0, -0.5) == 1.5
    with pytest.raises(ValueError, match="non-zero"):
        secant_slope(lambda t: t**2, 1.0, 0.0)
    with pytest.raises(TypeError, match="callable"):
        secant_slope(3, 1.0, 0.1)


# --- bad input -----------------------------------------------------------------


def test_unknown_method() -> None:
    with pytest.raises(ValueError, match=r"unknown method 'centre'.*'central'"):
        derivative(np.sin, 1.0, method="centre")
    with pytest.raises(TypeError, match="method must be a string"):
        derivative(np.sin, 1.0, method=2)


@pytest.mark.parametrize("x", [np.nan, np.inf, -np.inf, [1.0, np.nan]])
def test_non_finite_x(x) -> None:
    with pytest.raises(ValueError, match="x must be finite"):
        derivative(np.sin, x)


@pytest.mark.parametrize("x", ["1.0", 1 + 2j, None, True])
def test_non_real_x(x) -> None:
    with pytest.raises(TypeError, match="x must be a real number"):
        derivative(np.sin, x)


@pytest.mark.parametrize("h", [0.0, -1e-3, np.nan, np.inf])
def test_bad_step(h: float) -> None:
    with pytest.raises(ValueError, match="h must be a finite number greater than 0"):
        derivative(np.sin, 1.0, h=h)


def test_step_of_wrong_type() -> None:
    with pytest.raises(TypeError, match="h must be a positive real number"):
        derivative(np.sin, 1.0, h="small")


def test_non_callable_f() -> None:
    with pytest.raises(TypeError, match="f must be a callable"):
        derivative("sin", 1.0)


def test_complex_step_needs_complex_input() -> None:
    with pytest.raises(TypeError, match="rejected complex input"):
        derivative(math.sin, 1.0, method="complex")
    with pytest.raises(TypeError, match="rejected complex input"):
        derivative(lambda t: math.exp(t), np.float64(1.0), method="complex")


def test_complex_step_rejects_non_analytic_f() -> None:
    with pytest.raises(ValueError, match="returned a real result"):
        derivative(lambda t: np.abs(t), 1.0, method="complex")


def test_non_finite_function_value() -> None:
    with pytest.raises(ValueError, match="non-finite"):
        derivative(lambda t: np.log(t - 1.0), 1.0)


def test_finite_difference_error_validation() -> None:
    with pytest.raises(ValueError, match="greater than 0"):
        finite_difference_error(np.sin, np.cos, 1.0, [1e-3, 0.0], method="central")
    with pytest.raises(ValueError, match="at least one"):
        finite_difference_error(np.sin, np.cos, 1.0, [], method="central")
    with pytest.raises(ValueError, match="unknown method"):
        finite_difference_error(np.sin, np.cos, 1.0, [1e-3], method="sideways")
    errs = finite_difference_error(np.sin, float(np.cos(1.0)), 1.0, np.array([[1e-2, 1e-3]]), method="central")
    assert errs.shape == (1, 2)


def test_richardson_validation() -> None:
    with pytest.raises(ValueError, match="levels must be at least 1"):
        richardson_derivative(np.sin, 1.0, levels=0)
    with pytest.raises(TypeError, match="levels must be an integer"):
        richardson_derivative(np.sin, 1.0, levels=2.5)
    with pytest.raises(ValueError, match="h must be"):
        richardson_derivative(np.sin, 1.0, h=-0.1)


# --- fit_error_v: the arms of the V ------------------------------------------------


def test_fit_error_v_recovers_exact_power_laws() -> None:
    """Errors 3 h^2 + 5e-15 / h: far from the bottom each arm is a pure power law."""
    hs = np.logspace(-14, -1, 131)
    errors = 3 * hs**2 + 5e-15 / hs
    v = fit_error_v(hs, errors, left=(1e-14, 1e-11), right=(1e-3, 1e-1))
    assert v.left_slope == pytest.approx(-1.0, abs=1e-6)
    assert v.right_slope == pytest.approx(2.0, abs=1e-6)
    assert v.left_intercept == pytest.approx(math.log10(5e-15), abs=1e-6)
    assert v.right_intercept == pytest.approx(math.log10(3.0), abs=1e-6)
    # the lines 3 h^2 and 5e-15 / h meet where h^3 = 5e-15 / 3
    h_meet = (5e-15 / 3) ** (1 / 3)
    assert v.h_meet == pytest.approx(h_meet, rel=1e-5)
    assert v.error_meet == pytest.approx(3 * h_meet**2, rel=1e-5)


@settings(max_examples=50, deadline=None)
@given(
    p=st.floats(0.5, 4.0),
    q=st.floats(-3.0, -0.5),
    log_a=st.floats(-3.0, 3.0),
    log_b=st.floats(-18.0, -12.0),
)
def test_fit_error_v_meeting_point_of_two_power_laws(p, q, log_a, log_b) -> None:
    """Pure power laws a h^p (right) and b h^q (left) meet where a h^p = b h^q."""
    hs = np.logspace(-12, 0, 49)
    a, b = 10.0**log_a, 10.0**log_b
    errors = np.where(hs >= 1e-6, a * hs**p, b * hs**q)
    v = fit_error_v(hs, errors, left=(1e-12, 1e-7), right=(1e-5, 1.0))
    assert v.right_slope == pytest.approx(p, abs=1e-7)
    assert v.left_slope == pytest.approx(q, abs=1e-7)
    want = (b / a) ** (1 / (p - q))
    assert math.log10(v.h_meet) == pytest.approx(math.log10(want), abs=1e-6)


def test_fit_error_v_on_forward_differences_finds_the_best_step() -> None:
    """The V of the forward difference of exp at 1 bottoms out near sqrt(eps)."""
    hs = np.logspace(-15, -1, 71)
    errors = finite_difference_error(np.exp, np.exp, 1.0, hs, method="forward")
    v = fit_error_v(hs, errors, left=(1e-15, 1e-11), right=(1e-5, 1e-2))
    assert v.right_slope == pytest.approx(1.0, abs=0.05)
    assert v.left_slope == pytest.approx(-1.0, abs=0.3)
    assert 0.1 < v.h_meet / math.sqrt(EPS) < 10


def test_fit_error_v_validation() -> None:
    hs = np.logspace(-10, -1, 10)
    errors = hs + 1e-16 / hs
    arms = {"left": (1e-10, 1e-8), "right": (1e-3, 1e-1)}
    with pytest.raises(ValueError, match="one value per step"):
        fit_error_v(hs, errors[:-1], **arms)
    with pytest.raises(ValueError, match="greater than 0"):
        fit_error_v(-hs, errors, **arms)
    with pytest.raises(ValueError, match="non-negative"):
        fit_error_v(hs, -errors, **arms)
    with pytest.raises(ValueError, match="hs must be finite"):
        fit_error_v(np.append(hs[:-1], np.inf), errors, **arms)
    with pytest.raises(TypeError, match="errors must be a real number"):
        fit_error_v(hs, ["a"] * 10, **arms)
    with pytest.raises(ValueError, match="left must be a pair"):
        fit_error_v(hs, errors, left=(1e-10,), right=(1e-3, 1e-1))
    with pytest.raises(ValueError, match="right must satisfy 0 < lo < hi"):
        fit_error_v(hs, errors, left=(1e-10, 1e-8), right=(1e-1, 1e-3))
    with pytest.raises(ValueError, match="holds 1 step"):
        fit_error_v(hs, errors, left=(1e-10, 5e-10), right=(1e-3, 1e-1))
    with pytest.raises(ValueError, match="exactly 0"):
        fit_error_v(hs, np.where(hs < 1e-9, 0.0, errors), **arms)
    with pytest.raises(ValueError, match="parallel"):
        fit_error_v(hs, hs, **arms)


@pytest.mark.parametrize("method", ["forward", "backward", "central"])
def test_a_step_lost_in_rounding_is_an_error_not_nan(method: str) -> None:
    # At x = 3 the doubles are 4.4e-16 apart: 3 + 1e-16 == 3, so the quotient would be 0/0.
    assert 3.0 + 1e-16 == 3.0
    with pytest.raises(ValueError, match=r"lost in rounding at x = 3\.0.*spacing of doubles at x, 4\.44e-16"):
        derivative(np.sin, 3.0, h=1e-16, method=method)
    with pytest.raises(ValueError, match=r"lost in rounding at x = 3\.0"):
        derivative(np.sin, np.array([0.5, 3.0]), h=1e-16, method=method)
    # One spacing is enough to be representable, and the complex step needs none.
    assert np.isfinite(derivative(np.sin, 3.0, h=np.spacing(3.0), method=method))
    assert derivative(np.sin, 3.0, h=1e-16, method="complex") == pytest.approx(np.cos(3.0), rel=1e-15)
