"""mvcalc.taylor against independent oracles.

The main oracle is sympy. Its general ``series`` is exact but far too slow for
hundreds of composites at order 10 (seconds to minutes each), so:

- a battery of composites is checked against ``sympy.series`` itself, about
  exact rational points;
- hundreds of random composites are checked against sympy's own power-series
  arithmetic (``sympy.polys.ring_series``: ``rs_exp``, ``rs_log``, ``rs_tan``,
  ...) in 200-bit floating point. Those routines are written independently of
  ours and mostly by other algorithms (Newton iterations, half-angle formulas,
  integration of the logarithmic derivative), and run at 60 digits, so their
  rounding is invisible at the tolerance tested.

Each random composite is one expression tree from which both the numpy
function (run on :class:`~mvcalc.taylor.Jet`) and the sympy series are built.
Its point stays a margin away from the edges of every domain. The tolerance is
1e-12 relative, or 1e-12 absolute for coefficients near zero; a composite whose
result is a large cancellation between intermediate series (see CANCELLATION)
is held instead to a few hundred rounding errors of the intermediate series,
and at least 350 of the 400 must be well conditioned.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sympy.polys.domains import RealField
from sympy.polys.ring_series import (
    rs_cos,
    rs_exp,
    rs_log,
    rs_mul,
    rs_pow,
    rs_series_inversion,
    rs_sin,
    rs_tan,
    rs_tanh,
)
from sympy.polys.rings import ring

from mvcalc import plotting
from mvcalc.derivatives import derivative
from mvcalc.multivariate import gradient, hessian
from mvcalc.taylor import (
    Jet,
    LinearModel,
    QuadraticModel,
    TaylorPolynomial,
    linearise,
    observed_order,
    quadratic_model,
    remainder_bound,
    taylor_coefficients,
    taylor_polynomial,
)

ORDER = 10
RTOL = ATOL = 1e-12


def close(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """1e-12 relative, or 1e-12 absolute for coefficients near zero."""
    return np.abs(got - want) <= RTOL * np.abs(want) + ATOL


# ---------------------------------------------------------------------------
# Random composites: one tree, two evaluations
# ---------------------------------------------------------------------------

UNARY = ("exp", "log", "sin", "cos", "tan", "tanh", "sqrt", "neg")
BINARY = ("add", "sub", "mul", "div")
CONSTANTS = (0.5, 1.5, 2.0, 3.0, -1.0, 0.25, -2.5)
INT_POWERS = (-3, -2, -1, 2, 3, 4)
REAL_POWERS = tuple(sp.Rational(p, q) for p, q in [(1, 2), (-1, 2), (3, 2), (1, 3), (-5, 3), (5, 2)])
# Points "inside the domain" stay this far from its edges: arguments of log,
# sqrt and real powers at least MARGIN, denominators at least MARGIN in size,
# |cos| at least MARGIN under tan. Closer to an edge, the recurrences divide by
# a small number at every order and rounding grows like MARGIN**-k.
MARGIN = 0.5
# A case is well conditioned if no intermediate series has a coefficient more
# than CANCELLATION times larger than max(1, the result's coefficient). Beyond
# that, the result is a cancellation that double precision cannot resolve to
# 1e-12 by any algorithm, and such a case is held to an error of 1e-14 times
# the largest intermediate coefficient instead (a few hundred rounding errors).
CANCELLATION = 100.0


class Reject(Exception):
    """The point is too close to the edge of the domain of some node."""


def random_tree(rng: np.random.Generator, depth: int) -> tuple:
    if depth == 0 or rng.random() < 0.2:
        return ("x",) if rng.random() < 0.75 else ("const", float(rng.choice(CONSTANTS)))
    r = rng.random()
    if r < 0.45:
        return (str(rng.choice(UNARY)), random_tree(rng, depth - 1))
    if r < 0.8:
        return (str(rng.choice(BINARY)), random_tree(rng, depth - 1), random_tree(rng, depth - 1))
    if r < 0.88:
        return ("powi", random_tree(rng, depth - 1), int(rng.choice(INT_POWERS)))
    if r < 0.96:
        return ("powr", random_tree(rng, depth - 1), REAL_POWERS[int(rng.integers(len(REAL_POWERS)))])
    return ("powj", random_tree(rng, depth - 1), random_tree(rng, depth - 1))


def has_x(node: tuple) -> bool:
    return node[0] == "x" or any(isinstance(c, tuple) and has_x(c) for c in node[1:])


def check_domain(node: tuple, x0: float) -> float:
    """The node's value at x0 in floats, raising Reject near the edge of a domain."""
    op = node[0]
    if op == "x":
        return x0
    if op == "const":
        return node[1]
    a = check_domain(node[1], x0)
    if op in ("log", "sqrt", "powr") and a < MARGIN:
        raise Reject
    if op == "tan" and abs(math.cos(a)) < MARGIN:
        raise Reject
    if op == "exp" and a > 4:
        raise Reject
    if op == "powi" and node[2] < 0 and abs(a) < MARGIN:
        raise Reject
    if op == "neg":
        v = -a
    elif op in UNARY:
        v = getattr(math, op)(a)
    elif op == "powi":
        v = a ** node[2]
    elif op == "powr":
        v = a ** float(node[2])
    else:
        b = check_domain(node[2], x0)
        if op == "div" and abs(b) < MARGIN:
            raise Reject
        if op == "powj" and (a < MARGIN or b * math.log(a) > 4):
            raise Reject
        v = {"add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b,
             "div": lambda: a / b, "powj": lambda: a**b}[op]()
    if not abs(v) < 50:
        raise Reject
    return v


def to_numpy(node: tuple):
    """The tree as a Python function written with numpy functions."""
    op = node[0]
    if op == "x":
        return lambda x: x
    if op == "const":
        return lambda x, c=node[1]: c
    f = to_numpy(node[1])
    if op == "neg":
        return lambda x: -f(x)
    if op in UNARY:
        return lambda x, u=getattr(np, op): u(f(x))
    if op == "powi":
        return lambda x, k=node[2]: f(x) ** k
    if op == "powr":
        return lambda x, r=float(node[2]): f(x) ** r
    g = to_numpy(node[2])
    return {
        "add": lambda x: f(x) + g(x),
        "sub": lambda x: f(x) - g(x),
        "mul": lambda x: f(x) * g(x),
        "div": lambda x: f(x) / g(x),
        "powj": lambda x: f(x) ** g(x),
    }[op]


def to_text(node: tuple) -> str:
    op = node[0]
    if op == "x":
        return "x"
    if op == "const":
        return repr(node[1])
    if op == "neg":
        return f"-({to_text(node[1])})"
    if op in UNARY:
        return f"{op}({to_text(node[1])})"
    if op in ("powi", "powr"):
        return f"({to_text(node[1])})**({node[2]})"
    sym = {"add": "+", "sub": "-", "mul": "*", "div": "/", "powj": "**"}[op]
    return f"({to_text(node[1])} {sym} {to_text(node[2])})"


# sympy's ring of truncated power series in t over 200-bit floats
DOMAIN = RealField(200)
RING, T = ring("t", DOMAIN)
PREC = ORDER + 1
MP_UNARY = {"exp": mpmath.exp, "log": mpmath.log, "sin": mpmath.sin, "cos": mpmath.cos,
            "tan": mpmath.tan, "tanh": mpmath.tanh, "sqrt": mpmath.sqrt}
RS_UNARY = {"exp": rs_exp, "log": rs_log, "sin": rs_sin, "cos": rs_cos, "tan": rs_tan, "tanh": rs_tanh,
            "sqrt": lambda p, t, n: rs_pow(p, sp.Rational(1, 2), t, n)}


def ring_coefficients(p) -> np.ndarray:
    terms = dict(p)
    return np.array([float(terms.get((k,), 0)) for k in range(PREC)])


def oracle(node: tuple, x0: float, record: list[np.ndarray]):
    """The series of the tree about x0 in sympy's ring; records every node's |coefficients|."""
    p = _oracle(node, x0, record)
    record.append(np.abs(ring_coefficients(p)))
    return p


def _oracle(node: tuple, x0: float, record: list[np.ndarray]):
    op = node[0]
    if op == "x":
        return RING(DOMAIN(x0)) + T
    if op == "const":
        return RING(DOMAIN(node[1]))
    a = oracle(node[1], x0, record)
    if op == "neg":
        return -a
    # sympy's ring functions mishandle a series that is only a constant (they
    # return 0): a function of a constant takes its value from mpmath instead.
    a0 = constant_value(a)
    if op in RS_UNARY:
        return RS_UNARY[op](a, T, PREC) if a0 is None else mp_constant(MP_UNARY[op], a0)
    if op in ("powi", "powr"):
        r = sp.Rational(node[2])
        return rs_pow(a, r, T, PREC) if a0 is None else mp_constant(lambda v: v ** (mpmath.mpf(r.p) / r.q), a0)
    b = oracle(node[2], x0, record)
    if op == "add":
        return a + b
    if op == "sub":
        return a - b
    if op == "mul":
        return rs_mul(a, b, T, PREC)
    if op == "div":
        return rs_mul(a, rs_series_inversion(b, T, PREC), T, PREC)
    # a**b = exp(b log a)
    log_a = rs_log(a, T, PREC) if a0 is None else mp_constant(mpmath.log, a0)
    return rs_exp(rs_mul(b, log_a, T, PREC), T, PREC)


def constant_value(p):
    """The value of a series that is only a constant, as an mpmath number, else None."""
    terms = dict(p)
    if any(m != (0,) for m in terms):
        return None
    return mpmath.mpf(terms.get((0,), 0))


def mp_constant(fn, a0):
    with mpmath.workdps(60):
        return RING(DOMAIN(fn(a0)))


def make_cases(count: int, seed: int = 20260401) -> list[tuple[tuple, float]]:
    """``count`` random composites, each with a point inside its domain."""
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < count:
        tree = random_tree(rng, int(rng.integers(1, 5)))
        if not has_x(tree):
            continue
        for _ in range(10):
            x0 = float(np.round(rng.uniform(-2.0, 2.0), 2))
            try:
                check_domain(tree, x0)
            except (Reject, OverflowError, ValueError, ZeroDivisionError):
                continue
            cases.append((tree, x0))
            break
    return cases


CASES = make_cases(400)


def test_random_composites_use_every_operation() -> None:
    ops: set[str] = set()

    def walk(node: tuple) -> None:
        ops.add(node[0])
        for child in node[1:]:
            if isinstance(child, tuple):
                walk(child)

    for tree, _ in CASES:
        walk(tree)
    assert ops == {"x", "const", *UNARY, *BINARY, "powi", "powr", "powj"}


WELL_CONDITIONED = []


@pytest.mark.parametrize(("tree", "x0"), CASES, ids=[f"{to_text(t)}@{x}" for t, x in CASES])
def test_coefficients_agree_with_sympy_on_random_composites(tree: tuple, x0: float) -> None:
    record: list[np.ndarray] = []
    want = ring_coefficients(oracle(tree, x0, record))
    got = taylor_coefficients(to_numpy(tree), x0, ORDER)
    scale = np.max(record, axis=0)
    if np.all(scale <= CANCELLATION * np.maximum(np.abs(want), 1.0)):
        WELL_CONDITIONED.append(tree)
        ok = close(got, want)
    else:
        ok = np.abs(got - want) <= 1e-14 * scale
    assert ok.all(), (to_text(tree), x0, np.flatnonzero(~ok), got[~ok], want[~ok])


def test_hundreds_of_random_composites_were_well_conditioned() -> None:
    """Runs after the parametrised test above (pytest keeps file order)."""
    if not WELL_CONDITIONED:
        pytest.skip("run together with the random-composite test")
    assert len(WELL_CONDITIONED) >= 350, len(WELL_CONDITIONED)


# ---------------------------------------------------------------------------
# sympy.series itself, about exact points
# ---------------------------------------------------------------------------

X = sp.Symbol("x")
R = sp.Rational
SERIES_BATTERY = [
    (sp.sqrt(1 + X), lambda x: np.sqrt(1 + x), 0),
    (sp.tan(X), np.tan, 0),
    (sp.tanh(X), np.tanh, 0),
    (sp.log(1 + X**2), lambda x: np.log(1 + x**2), 0),
    (X ** R(5, 2), lambda x: x**2.5, 1),
    (sp.log(X), np.log, 2),
    (sp.sin(X) / (2 + sp.cos(X)), lambda x: np.sin(x) / (2 + np.cos(x)), 0),
    (sp.tan(X) * sp.tanh(X), lambda x: np.tan(x) * np.tanh(x), 0),
    (sp.sqrt(sp.cos(X)), lambda x: np.sqrt(np.cos(x)), 0),
    ((1 + X) ** X, lambda x: (1 + x) ** x, 0),
    (1 / (1 + X**2), lambda x: 1 / (1 + x**2), R(1, 2)),
    (sp.exp(2 * X) / (1 + X), lambda x: np.exp(2 * x) / (1 + x), 0),
]


@pytest.mark.parametrize(("expr", "f", "x0"), SERIES_BATTERY, ids=[str(e) for e, _, _ in SERIES_BATTERY])
def test_coefficients_agree_with_sympy_series(expr, f, x0) -> None:
    series = sp.series(expr, X, x0, ORDER + 1).removeO()
    shifted = sp.expand(series.subs(X, X + x0))
    want = np.array([float(shifted.coeff(X, k).evalf(30)) for k in range(ORDER + 1)])
    got = taylor_coefficients(f, float(x0), ORDER)
    assert close(got, want).all(), (expr, got - want)


def test_lower_orders_are_prefixes() -> None:
    f = lambda x: np.exp(np.sin(x)) / (2 + x**2)  # noqa: E731
    full = taylor_coefficients(f, 0.3, ORDER)
    for order in range(ORDER + 1):
        np.testing.assert_array_equal(taylor_coefficients(f, 0.3, order), full[: order + 1])


# ---------------------------------------------------------------------------
# Known series and identities
# ---------------------------------------------------------------------------


def test_exp_cos_sin_and_the_geometric_series() -> None:
    k = np.arange(ORDER + 1)
    fact = np.array([math.factorial(i) for i in k], dtype=float)
    np.testing.assert_allclose(taylor_coefficients(np.exp, 0.0, ORDER), 1 / fact, rtol=1e-15)
    cos_want = np.where(k % 2 == 0, (-1.0) ** (k // 2) / fact, 0.0)
    sin_want = np.where(k % 2 == 1, (-1.0) ** (k // 2) / fact, 0.0)
    np.testing.assert_allclose(taylor_coefficients(np.cos, 0.0, ORDER), cos_want, rtol=1e-15, atol=0)
    np.testing.assert_allclose(taylor_coefficients(np.sin, 0.0, ORDER), sin_want, rtol=1e-15, atol=0)
    # 1/x about 1: (-1)^k, exactly
    np.testing.assert_array_equal(taylor_coefficients(lambda x: 1 / x, 1.0, ORDER), (-1.0) ** k)


@pytest.mark.parametrize(
    ("f", "g"),
    [
        (lambda x: np.sin(x) ** 2 + np.cos(x) ** 2, lambda x: 1.0 + 0 * x),
        (lambda x: np.exp(np.log(x)), lambda x: x),
        (lambda x: np.tan(x), lambda x: np.sin(x) / np.cos(x)),
        (lambda x: np.tanh(x), lambda x: (np.exp(2 * x) - 1) / (np.exp(2 * x) + 1)),
        (lambda x: np.sqrt(x) ** 2, lambda x: x),
        (lambda x: x**2.5, lambda x: np.sqrt(x) ** 5),
        (lambda x: x**x, lambda x: np.exp(x * np.log(x))),
        (lambda x: 2.0**x, lambda x: np.exp(x * np.log(2.0))),
        (lambda x: np.square(x) * np.reciprocal(x), lambda x: +x),
        (lambda x: x ** np.float64(-2), lambda x: 1 / (x * x)),
        (lambda x: abs(-x), lambda x: x),
    ],
)
def test_identities(f, g) -> None:
    np.testing.assert_allclose(taylor_coefficients(f, 0.7, 8), taylor_coefficients(g, 0.7, 8), rtol=1e-13, atol=1e-14)


def test_integer_powers_of_negative_and_zero_bases() -> None:
    # (x0 + t)^3 = x0^3 + 3 x0^2 t + 3 x0 t^2 + t^3, whatever the sign of x0
    np.testing.assert_allclose(taylor_coefficients(lambda x: x**3, -2.0, 4), [-8, 12, -6, 1, 0])
    np.testing.assert_array_equal(taylor_coefficients(lambda x: x**4, 0.0, 5), [0, 0, 0, 0, 1, 0])
    np.testing.assert_array_equal(taylor_coefficients(lambda x: x**0, 0.0, 2), [1, 0, 0])


def test_derivatives_match_sympy_exactly_evaluated() -> None:
    expr = sp.sin(2 * X**5 + 3 * X) / sp.exp(7 * X)  # chapter 1's beast
    f = lambda x: np.sin(2 * x**5 + 3 * x) / np.exp(7 * x)  # noqa: E731
    jet = f(Jet.variable(0.4, 6))
    want = [float(sp.diff(expr, X, k).evalf(30, subs={X: sp.Float("0.4", 30)})) for k in range(7)]
    np.testing.assert_allclose(jet.derivatives(), want, rtol=1e-12)


def test_constant_function_and_order_zero() -> None:
    np.testing.assert_array_equal(taylor_coefficients(lambda x: 3.0, 1.0, 3), [3, 0, 0, 0])
    assert taylor_coefficients(np.sqrt, 0.0, 0).tolist() == [0.0]
    assert taylor_coefficients(lambda x: x**0.5, 0.0, 0).tolist() == [0.0]


def test_vector_valued_functions_and_arrays_of_jets() -> None:
    c = taylor_coefficients(lambda x: np.array([np.sin(x), np.cos(x)]), 0.0, 3)
    np.testing.assert_allclose(c, [[0, 1], [1, 0], [0, -0.5], [-1 / 6, 0]], atol=1e-16)
    x = Jet.variable(0.5, 2)
    out = np.array([1.0, 2.0]) * x + 1
    assert out.dtype == object and [o.value for o in out] == [1.5, 2.0]
    out = x ** np.array([2, 3])
    np.testing.assert_allclose(out[1].coefficients, [0.125, 0.75, 1.5])
    out = 2.0 ** np.array([x, x])
    np.testing.assert_allclose(out[0].coefficients, taylor_coefficients(lambda t: 2.0**t, 0.5, 2))


@settings(max_examples=40, deadline=None)
@given(
    x0=st.lists(st.floats(-1.5, 1.5), min_size=2, max_size=2),
    d=st.lists(st.floats(-1.0, 1.0), min_size=2, max_size=2),
)
def test_taylor_along_a_line_gives_gradient_and_hessian(x0, d) -> None:
    r"""f(x0 + t d) = f + (J d) t + (d^T H d / 2) t^2 + ..., with jets in an array."""
    f = lambda v: np.exp(0.5 * v[0]) * np.sin(v[1]) + v[0] ** 2 * v[1]  # noqa: E731
    x0, d = np.array(x0), np.array(d)
    c = taylor_coefficients(lambda t: f(x0 + t * d), 0.0, 2)
    assert c[1] == pytest.approx(gradient(f, x0, method="complex") @ d, abs=1e-12)
    assert c[2] == pytest.approx(0.5 * d @ hessian(f, x0) @ d, abs=1e-6)


def test_jet_of_order_one_is_a_dual_number() -> None:
    f = lambda x: np.tanh(x) * np.log(1 + x**2)  # noqa: E731
    jet = f(Jet.variable(0.8, 1))
    assert jet.coefficients[1] == pytest.approx(derivative(f, 0.8, method="complex"), rel=1e-14)


def test_mixed_orders_truncate_to_the_lower() -> None:
    a, b = Jet([1.0, 2.0, 3.0]), Jet([1.0, 1.0])
    assert (a * b).coefficients.tolist() == [1.0, 3.0]
    assert (a + b).order == 1


def test_jet_reading_and_printing() -> None:
    jet = np.exp(Jet.variable(0.0, 3))
    assert jet.order == 3 and jet.value == 1.0
    np.testing.assert_allclose(jet.derivatives(), [1, 1, 1, 1])
    assert repr(Jet([1.0, 2.0])) == "Jet([1., 2.])"
    assert str(Jet([1.0, 2.0, 0.5])) == "1 + 2 t + 0.5 t^2 + O(t^3)"
    assert str(Jet([-1.0, -2.0, 0.0])) == "-1 - 2 t + 0 t^2 + O(t^3)"
    with pytest.raises(ValueError, match="read-only"):
        jet.coefficients[0] = 2.0
    assert Jet.constant(2.0, 2).coefficients.tolist() == [2.0, 0.0, 0.0]
    assert Jet.variable(2.0, 0).coefficients.tolist() == [2.0]


# ---------------------------------------------------------------------------
# Polynomials and the remainder
# ---------------------------------------------------------------------------


def test_taylor_polynomial_evaluates_the_series() -> None:
    p = taylor_polynomial(np.cos, 0.0, 8)
    assert isinstance(p, TaylorPolynomial) and p.order == 8 and p.x0 == 0.0
    x = np.linspace(-1, 1, 7)
    want = sum((-1) ** k * x ** (2 * k) / math.factorial(2 * k) for k in range(5))
    np.testing.assert_allclose(p(x), want, rtol=1e-15)
    assert isinstance(p(0.5), float)
    # 1/x about 1 converges inside (0, 2) and diverges outside
    q = [taylor_polynomial(lambda t: 1 / t, 1.0, n) for n in (10, 40)]
    assert abs(q[1](1.5) - 1 / 1.5) < abs(q[0](1.5) - 1 / 1.5) < 1e-3
    assert abs(q[1](2.5) - 1 / 2.5) > 1e6
    assert "order=8" in repr(p)
    # a polynomial of a jet is a jet
    assert isinstance(p(Jet.variable(0.1, 2)), Jet)


SMOOTH = {
    # f, its numpy form, M(n, lo, hi) = max |f^(n+1)| on [lo, hi]
    "cos": (np.cos, lambda n, lo, hi: 1.0),
    "sin": (np.sin, lambda n, lo, hi: 1.0),
    "exp": (np.exp, lambda n, lo, hi: math.exp(hi)),
    "1/x": (lambda x: 1 / x, lambda n, lo, hi: math.factorial(n + 1) / lo ** (n + 2)),
}


@settings(max_examples=150, deadline=None)
@given(
    name=st.sampled_from(sorted(SMOOTH)),
    x=st.floats(0.55, 3.0),
    n=st.integers(0, 10),
)
def test_actual_error_is_below_the_lagrange_bound(name: str, x: float, n: int) -> None:
    f, M = SMOOTH[name]
    x0 = 1.0
    lo, hi = min(x, x0), max(x, x0)
    bound = remainder_bound(M(n, lo, hi), x, x0, n)
    assume(bound > 1e-10)  # above the rounding of the comparison
    with mpmath.workdps(40):
        exact = {"cos": mpmath.cos, "sin": mpmath.sin, "exp": mpmath.exp, "1/x": lambda t: 1 / t}[name](mpmath.mpf(x))
        coeffs = taylor_coefficients(f, x0, n)
        p = sum(mpmath.mpf(float(c)) * (mpmath.mpf(x) - x0) ** k for k, c in enumerate(coeffs))
        actual = float(abs(exact - p))
    assert actual <= bound * (1 + 1e-9)


def test_lagrange_bound_is_attained_in_the_limit_for_exp() -> None:
    """For exp, f^(n+1) barely varies on a short interval: the bound is nearly sharp."""
    x, n = 1e-2, 3
    actual = abs(np.exp(x) - taylor_polynomial(np.exp, 0.0, n)(x))
    bound = remainder_bound(np.exp(x), x, 0.0, n)
    assert actual <= bound < 1.01 * actual


def test_remainder_bound_formula() -> None:
    assert remainder_bound(1.0, 0.5, 0.0, 4) == pytest.approx(0.5**5 / 120)
    np.testing.assert_allclose(remainder_bound(2.0, [0.0, 1.0, -1.0], 0.0, 1), [0.0, 1.0, 1.0])


@pytest.mark.parametrize(
    ("M", "x", "n"),
    [
        (1.0, 100.0, 200),  # (n+1)! is not a float (n + 1 > 170)
        (1.0, 300.0, 130),  # |x - x0|^(n+1) overflows, the bound does not
        (1e300, 10.0, 4),  # M |x - x0|^(n+1) overflows, the bound does not
        (2.5, 0.5, 400),  # the bound underflows to 0
        (0.0, 300.0, 130),  # M = 0 times an overflowing power is still 0
    ],
)
def test_remainder_bound_large_degree_and_distance(M: float, x: float, n: int) -> None:
    with mpmath.workdps(40):
        want = float(mpmath.mpf(M) * mpmath.mpf(x) ** (n + 1) / mpmath.factorial(n + 1))
    got = remainder_bound(M, x, 0.0, n)  # filterwarnings=error: no overflow warning either
    assert got == pytest.approx(want, rel=1e-12, abs=0.0)


def test_remainder_bound_is_inf_only_when_the_bound_is() -> None:
    # 1e6^101/101! is about 1e446, beyond the largest float
    assert remainder_bound(1.0, 1e6, 0.0, 100) == math.inf
    np.testing.assert_allclose(
        remainder_bound(1.0, [0.0, 300.0, 1e6], 0.0, 130),
        [0.0, float(mpmath.mpf(300) ** 131 / mpmath.factorial(131)), math.inf],
        rtol=1e-12,
    )


# ---------------------------------------------------------------------------
# Linearisation and quadratic models
# ---------------------------------------------------------------------------

V = sp.symbols("v0 v1")
F2_EXPR = sp.exp(V[0] / 2) * sp.sin(V[1]) + V[0] ** 2 * V[1]
F2 = sp.lambdify([V], F2_EXPR, modules="numpy")


def test_linearise_matches_the_exact_jacobian() -> None:
    x0 = [0.4, -0.3]
    L = linearise(F2, x0)
    grad = [float(sp.diff(F2_EXPR, v).evalf(30, subs=dict(zip(V, x0)))) for v in V]
    np.testing.assert_allclose(L.jacobian, [grad], rtol=1e-14)
    assert isinstance(L, LinearModel) and L.jacobian.shape == (1, 2)
    assert L(x0) == pytest.approx(F2(np.array(x0)), rel=1e-15)
    # a batch of points along the last axis
    pts = np.array([[0.4, -0.3], [0.5, -0.3], [0.4, -0.2]])
    np.testing.assert_allclose(L(pts), L.value + (pts - x0) @ np.array(grad))
    assert "LinearModel" in repr(L)


def test_linearise_vector_and_scalar_inputs() -> None:
    polar = lambda p: np.array([p[0] * np.cos(p[1]), p[0] * np.sin(p[1])])  # noqa: E731
    L = linearise(polar, [2.0, 0.5])
    assert L.jacobian.shape == (2, 2)
    assert np.linalg.det(L.jacobian) == pytest.approx(2.0)
    assert L([2.0, 0.5]).shape == (2,)
    line = linearise(np.sin, 0.5)
    assert line.x0 == 0.5
    assert line(0.7) == pytest.approx(np.sin(0.5) + np.cos(0.5) * 0.2, rel=1e-15)
    assert line(np.array([0.5, 0.6])).shape == (2,)
    curve = linearise(lambda t: np.array([np.cos(t), np.sin(t)]), 0.0)
    np.testing.assert_allclose(curve(np.array([0.1, 0.2])), [[1.0, 0.1], [1.0, 0.2]])


def test_quadratic_model_matches_the_exact_gradient_and_hessian() -> None:
    x0 = [0.4, -0.3]
    q = quadratic_model(F2, x0)
    subs = dict(zip(V, x0))
    grad = [float(sp.diff(F2_EXPR, v).evalf(30, subs=subs)) for v in V]
    H = [[float(sp.diff(F2_EXPR, a, b).evalf(30, subs=subs)) for b in V] for a in V]
    assert isinstance(q, QuadraticModel)
    np.testing.assert_allclose(q.gradient, grad, rtol=1e-14)
    np.testing.assert_allclose(q.hessian, H, atol=1e-7)
    dx = np.array([0.1, -0.2])
    assert q(np.array(x0) + dx) == pytest.approx(q.value + np.dot(grad, dx) + 0.5 * dx @ np.array(H) @ dx, abs=1e-8)
    one = quadratic_model(np.cos, 0.0)
    assert one(0.1) == pytest.approx(1 - 0.005, abs=1e-9)
    assert one(np.array([0.1, 0.2])).shape == (2,)
    assert "QuadraticModel" in repr(q)


@pytest.mark.parametrize("x0", [0.3, 1.2, -0.8])
def test_linearisation_error_is_second_order(x0: float) -> None:
    f = lambda x: np.exp(np.sin(x)) + x**3  # noqa: E731
    L = linearise(f, x0)
    hs = np.logspace(-4, -2, 9)
    errors = np.abs(f(x0 + hs) - L(x0 + hs))
    assert observed_order(hs, errors) == pytest.approx(2.0, abs=0.1)


def test_model_orders_in_two_dimensions() -> None:
    x0, d = np.array([0.4, -0.3]), np.array([0.6, 0.8])
    L, q = linearise(F2, x0), quadratic_model(F2, x0)
    hs = np.logspace(-2.5, -1, 7)
    lin = [abs(F2(x0 + h * d) - L(x0 + h * d)) for h in hs]
    quad = [abs(F2(x0 + h * d) - q(x0 + h * d)) for h in hs]
    assert observed_order(hs, lin) == pytest.approx(2.0, abs=0.1)
    assert observed_order(hs, quad) == pytest.approx(3.0, abs=0.1)


def test_rise_over_run_is_first_order() -> None:
    hs = np.logspace(-5, -2, 7)
    errors = [abs(derivative(np.exp, 1.0, method="forward", h=h) - np.e) for h in hs]
    assert observed_order(hs, errors) == pytest.approx(1.0, abs=0.1)


# ---------------------------------------------------------------------------
# Bad input gives a clear error
# ---------------------------------------------------------------------------


def test_bad_order() -> None:
    with pytest.raises(ValueError, match="order must be a non-negative integer.*got -1"):
        taylor_coefficients(np.sin, 0.0, -1)
    with pytest.raises(TypeError, match="order must be a non-negative integer, got float"):
        taylor_coefficients(np.sin, 0.0, 2.0)
    with pytest.raises(TypeError, match="got bool"):
        taylor_polynomial(np.sin, 0.0, True)
    with pytest.raises(ValueError, match="n must be a non-negative integer"):
        remainder_bound(1.0, 0.5, 0.0, -2)


def test_bad_function_and_point() -> None:
    with pytest.raises(TypeError, match="f must be a callable"):
        taylor_coefficients("sin", 0.0, 3)
    with pytest.raises(ValueError, match="x0 must be finite"):
        taylor_coefficients(np.sin, np.nan, 3)
    with pytest.raises(ValueError, match="x0 must be a single real number"):
        taylor_coefficients(np.sin, [0.0, 1.0], 3)
    with pytest.raises(TypeError, match="x0 must be a real number"):
        taylor_coefficients(np.sin, "0", 3)
    with pytest.raises(TypeError, match="f must return a number or a Jet"):
        taylor_coefficients(lambda x: "a", 0.0, 3)
    with pytest.raises(ValueError, match="must return a scalar for a Taylor polynomial"):
        taylor_polynomial(lambda x: np.array([x, x]), 0.0, 3)


@pytest.mark.parametrize(
    ("f", "match"),
    [
        (np.arctan, "np.arctan is not supported by Jet"),
        (lambda x: np.floor(x), "np.floor is not supported"),
        (math.sin, "use numpy functions"),
        (lambda x: x if x > 0 else -x, "cannot be compared"),
        (lambda x: 1.0 if x else 0.0, "truth value of a Jet"),
        (lambda x: x * 1j, "a Jet does not support"),
        (lambda x: np.arctan2(x, 1.0), "np.arctan2 is not supported"),
    ],
)
def test_unsupported_operations_are_named(f, match: str) -> None:
    with pytest.raises(TypeError, match=match):
        taylor_coefficients(f, 0.5, 3)


@pytest.mark.parametrize(
    ("f", "x0", "match"),
    [
        (np.log, -1.0, "log needs a positive argument.*-1"),
        (np.log, 0.0, "outside the domain"),
        (np.sqrt, -2.0, "sqrt needs a non-negative argument"),
        (np.sqrt, 0.0, "sqrt has no Taylor series at 0"),
        (lambda x: 1 / x, 0.0, "division by a Jet whose value is 0"),
        (lambda x: x**-2, 0.0, "division by a Jet whose value is 0"),
        (lambda x: x**0.5, -1.0, "non-integer power"),
        (lambda x: x**1.5, 0.0, "no Taylor series at x = 0"),
        (lambda x: x**x, -1.0, "needs a > 0"),
        (lambda x: (-2.0) ** x, 1.0, "needs a > 0"),
        (np.exp, 800.0, "exp overflows"),
        (abs, 0.0, "abs has no Taylor series at 0"),
        (lambda x: x * np.inf, 0.0, "non-finite number"),
        (lambda x: x ** np.nan, 1.0, "non-finite power"),
        (lambda x: np.exp(np.exp(np.exp(x))), 6.0, "not finite|overflows"),
    ],
)
def test_points_outside_the_domain(f, x0: float, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        taylor_coefficients(f, x0, 3)


def test_bad_jets() -> None:
    with pytest.raises(ValueError, match="non-empty 1-D"):
        Jet([])
    with pytest.raises(ValueError, match="non-empty 1-D"):
        Jet([[1.0]])
    with pytest.raises(ValueError, match="coefficients must be finite"):
        Jet([1.0, np.inf])
    with pytest.raises(TypeError, match="coefficients must be a real number"):
        Jet([1 + 1j])
    with pytest.raises(TypeError, match="use numpy functions"):
        float(Jet([1.0]))
    with pytest.raises(TypeError, match="unsupported operand"):
        Jet([1.0]) + "a"
    with pytest.raises(TypeError, match="unsupported operand"):
        Jet([1.0]) ** "a"


def test_bad_remainder_and_order_arguments() -> None:
    with pytest.raises(ValueError, match="M bounds an absolute value"):
        remainder_bound(-1.0, 0.5, 0.0, 2)
    with pytest.raises(ValueError, match="x must be finite"):
        remainder_bound(1.0, np.inf, 0.0, 2)
    with pytest.raises(ValueError, match="one error per step"):
        observed_order([0.1, 0.01], [1.0])
    with pytest.raises(ValueError, match="two distinct"):
        observed_order([0.1, 0.1], [1.0, 1.0])
    with pytest.raises(ValueError, match="greater than 0"):
        observed_order([0.1, 0.01], [1.0, 0.0])


def test_bad_models() -> None:
    with pytest.raises(TypeError, match="F must be a callable"):
        linearise(None, [0.0])
    with pytest.raises(ValueError, match="outside the domain of F"):
        linearise(np.log, -1.0)
    with pytest.raises(ValueError, match="outside the domain of f"):
        quadratic_model(lambda v: np.sqrt(v[0]), [-1.0, 0.0])
    with pytest.raises(ValueError, match="x0 must be a number or a non-empty 1-D array"):
        linearise(np.sin, [[0.0]])
    with pytest.raises(ValueError, match="f must return a scalar for a quadratic model"):
        quadratic_model(lambda v: v, [0.0, 1.0])
    with pytest.raises(ValueError, match="last axis of length 2"):
        linearise(F2, [0.0, 1.0])([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="complex"):
        linearise(lambda v: math.sin(v[0]), [0.5])


def test_domain_error_names_the_point() -> None:
    with pytest.raises(ValueError, match=r"no Taylor series about x0 = -1.0: log needs a positive argument"):
        taylor_coefficients(lambda x: np.log(x) + 1, -1.0, 2)


# ---------------------------------------------------------------------------
# The chapter's figures
# ---------------------------------------------------------------------------

WHITE = (1.0, 1.0, 1.0, 1.0)


@pytest.fixture
def close_figures():
    yield
    plt.close("all")


def test_plot_taylor_polynomials(close_figures) -> None:
    fig, ax = plotting.plot_taylor_polynomials(
        lambda x: 1 / x, 1.0, [1, 3], (-0.5, 3.0), ylim=(-1, 4), interval=(0, 2), breaks=[0.0]
    )
    assert fig.get_facecolor() == WHITE
    f_line, p1, p3, marker = ax.get_lines()[:4]
    assert np.isnan(f_line.get_xdata()).any()  # no line across the pole at 0
    x = p3.get_xdata()
    np.testing.assert_allclose(p3.get_ydata(), taylor_polynomial(lambda t: 1 / t, 1.0, 3)(x))
    assert [p1.get_label(), p3.get_label()] == ["degree 1", "degree 3"]
    assert (p1.get_color(), p1.get_linestyle(), p1.get_marker()) != (p3.get_color(), p3.get_linestyle(), p3.get_marker())
    assert p1.get_linestyle() != p3.get_linestyle() and p1.get_marker() != p3.get_marker()
    assert marker.get_xdata()[0] == 1.0 and ax.get_ylim() == (-1.0, 4.0)
    assert ax.patches  # the shaded interval
    assert ax.get_xlabel() and ax.get_ylabel()


@pytest.mark.parametrize(
    ("orders", "err", "match"),
    [([], ValueError, "at least one degree"), ([-1], ValueError, "at least 0"), ([1.5], TypeError, "integer")],
)
def test_plot_taylor_polynomials_rejects_bad_orders(close_figures, orders, err, match) -> None:
    with pytest.raises(err, match=match):
        plotting.plot_taylor_polynomials(np.cos, 0.0, orders, (-1, 1))


def test_plot_error_by_order(close_figures) -> None:
    fig, ax = plotting.plot_error_by_order([0, 1, 2], {"a": [1.0, 0.1, 0.0], "b": [1.0, 2.0, 4.0]}, floor=1e-17)
    assert ax.get_yscale() == "log" and fig.get_facecolor() == WHITE
    assert ax.get_lines()[0].get_ydata()[-1] == 1e-17
    with pytest.raises(ValueError, match="give a floor"):
        plotting.plot_error_by_order([0, 1], {"a": [1.0, 0.0]})
    with pytest.raises(ValueError, match="has 1 values but orders has 2"):
        plotting.plot_error_by_order([0, 1], {"a": [1.0]})
    with pytest.raises(ValueError, match="at least one case"):
        plotting.plot_error_by_order([0, 1], {})


def test_plot_remainder_error_stays_below_bound(close_figures) -> None:
    fig, ax = plotting.plot_remainder(np.cos, 0.0, [2, 4], 1.0, (-3, 3))
    lines = ax.get_lines()
    assert len(lines) == 4 and ax.get_yscale() == "log"
    for err, bound in (lines[0:2], lines[2:4]):
        assert np.all(err.get_ydata() <= bound.get_ydata() + 1e-15)
    with pytest.raises(ValueError, match="must contain x0"):
        plotting.plot_remainder(np.cos, 5.0, [2], 1.0, (-3, 3))
    fig, ax = plotting.plot_remainder(np.exp, 0.0, [1], lambda n: np.e, (0, 1))
    assert np.all(ax.get_lines()[0].get_ydata() <= ax.get_lines()[1].get_ydata())


def test_plot_error_orders_reports_slopes(close_figures) -> None:
    hs = np.logspace(-3, -1, 5)
    fig, ax = plotting.plot_error_orders(hs, {"quadratic": 3 * hs**2, "linear": hs}, guides=[1, 2])
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["quadratic (slope 2.00)", "linear (slope 1.00)", "slope 1 guide", "slope 2 guide"]
    assert ax.get_xscale() == ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="at least two positive steps"):
        plotting.plot_error_orders([1e-3], {"a": [1.0]})
    with pytest.raises(ValueError, match="has 1 values but hs has 2"):
        plotting.plot_error_orders([1e-3, 1e-2], {"a": [1.0]})


def test_plot_surface_models(close_figures) -> None:
    f = lambda v: np.sin(v[0]) * np.sin(v[1])  # noqa: E731
    x0 = np.array([1.1, 0.8])
    models = {"plane": linearise(f, x0), "quadratic": quadratic_model(f, x0)}
    fig, axes = plotting.plot_surface_models(f, x0, models, radius=0.5, n=9)
    assert len(axes) == 2 and all(ax.name == "3d" for ax in axes)
    assert [ax.get_title() for ax in axes] == ["plane", "quadratic"]
    assert fig.get_facecolor() == WHITE
    with pytest.raises(ValueError, match="shape \\(2,\\)"):
        plotting.plot_surface_models(f, [1.0, 2.0, 3.0], models)
    with pytest.raises(ValueError, match="at least one model"):
        plotting.plot_surface_models(f, x0, {})
    with pytest.raises(TypeError, match="must be a callable"):
        plotting.plot_surface_models(f, x0, {"bad": 3.0})


def test_plot_coefficients(close_figures) -> None:
    fig, ax = plotting.plot_coefficients({"cos": [1.0, 0.0, -0.5], "exp": [1.0, 1.0, 0.5]})
    assert len(ax.patches) == 6
    rings = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert sum(len(line.get_xdata()) for line in rings) == 1  # the zero coefficient of cos
    with pytest.raises(ValueError, match="same non-zero length"):
        plotting.plot_coefficients({"a": [1.0], "b": [1.0, 2.0]})
