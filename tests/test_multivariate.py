"""mvcalc.multivariate (gradient, Jacobian, Hessian) against sympy's exact derivatives."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mvcalc.multivariate import gradient, hessian, jacobian

x, y, z = sp.symbols("x y z", real=True)
VARS = (x, y, z)

SCALARS = {
    "quadratic": x**2 + 3 * x * y + 2 * y**2 - z,
    "rosenbrock": (1 - x) ** 2 + 100 * (y - x**2) ** 2 + z**2,
    "trig": sp.sin(x) * sp.cos(y) + sp.exp(z / 3),
    "can_mass": 2 * sp.pi * x**2 * z + 2 * sp.pi * x * y * z,
    "log_sum_exp": sp.log(sp.exp(x) + sp.exp(y) + sp.exp(z)),
    "saddle": x**3 + y**3 - 3 * x * y + z**2 * x,
}
POINTS = [np.array([0.3, -0.8, 1.2]), np.array([1.1, 0.4, -0.5])]


def exact_grad(expr, p):
    subs = dict(zip(VARS, map(sp.Float, p)))
    return np.array([float(sp.diff(expr, v).evalf(30, subs=subs)) for v in VARS])


def exact_hess(expr, p):
    subs = dict(zip(VARS, map(sp.Float, p)))
    return np.array([[float(sp.diff(expr, a, b).evalf(30, subs=subs)) for b in VARS] for a in VARS])


def numeric(expr):
    fn = sp.lambdify(VARS, expr, modules="numpy")
    return lambda v: fn(*v)


@pytest.mark.parametrize("name", SCALARS)
@pytest.mark.parametrize("p", POINTS, ids=["p0", "p1"])
def test_gradient_methods(name, p):
    want = exact_grad(SCALARS[name], p)
    f = numeric(SCALARS[name])
    scale = max(1.0, np.max(np.abs(want)))
    np.testing.assert_allclose(gradient(f, p, method="complex"), want, rtol=1e-14, atol=1e-14 * scale)
    np.testing.assert_allclose(gradient(f, p), want, rtol=0, atol=1e-8 * scale)
    np.testing.assert_allclose(gradient(f, p, method="forward"), want, rtol=0, atol=3e-6 * scale)


@pytest.mark.parametrize("name", SCALARS)
@pytest.mark.parametrize("p", POINTS, ids=["p0", "p1"])
def test_hessian_is_accurate_and_symmetric(name, p):
    want = exact_hess(SCALARS[name], p)
    H = hessian(numeric(SCALARS[name]), p)
    assert np.array_equal(H, H.T)
    scale = max(1.0, np.max(np.abs(want)))
    np.testing.assert_allclose(H, want, rtol=0, atol=1e-5 * scale)


def test_jacobian_of_polar_coordinates():
    r, t = sp.symbols("r t", positive=True)
    F = sp.Matrix([r * sp.cos(t), r * sp.sin(t)])
    p = np.array([1.7, 0.6])
    want = np.array(F.jacobian([r, t]).subs({r: p[0], t: p[1]}).evalf(30), dtype=float)
    fn = sp.lambdify([r, t], F, modules="numpy")
    G = lambda v: np.ravel(fn(*v))  # noqa: E731
    for method in ("central", "complex", "forward", "backward"):
        J = jacobian(G, p, method=method)
        assert J.shape == (2, 2)
        np.testing.assert_allclose(J, want, atol=1e-9 if method in ("central", "complex") else 1e-6)
    assert np.linalg.det(jacobian(G, p, method="complex")) == pytest.approx(p[0], rel=1e-14)


def test_jacobian_of_scalar_is_a_row():
    J = jacobian(lambda v: v[0] * v[1], [2.0, 3.0])
    assert J.shape == (1, 2)
    np.testing.assert_allclose(J, [[3.0, 2.0]], rtol=1e-9)


def test_forward_jacobian_costs_n_plus_one_evaluations():
    calls = []

    def F(v):
        calls.append(1)
        return np.array([v.sum(), (v**2).sum()])

    jacobian(F, np.ones(5), method="forward")
    assert len(calls) == 6
    calls.clear()
    jacobian(F, np.ones(5))
    assert len(calls) == 10
    calls.clear()
    jacobian(F, np.ones(5), method="complex")
    assert len(calls) == 5


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-2, 2), min_size=1, max_size=6))
def test_gradient_of_random_quadratic(v):
    p = np.array(v)
    n = p.size
    rng = np.random.default_rng(n)
    A = rng.normal(size=(n, n))
    A = A + A.T
    b = rng.normal(size=n)
    f = lambda s: 0.5 * s @ A @ s + b @ s  # noqa: E731
    np.testing.assert_allclose(gradient(f, p, method="complex"), A @ p + b, atol=1e-12)
    np.testing.assert_allclose(hessian(f, p), A, atol=1e-5)


def test_input_does_not_change():
    p = np.array([1.0, 2.0])
    gradient(lambda v: v @ v, p, method="complex")
    hessian(lambda v: v @ v, p)
    assert p.tolist() == [1.0, 2.0]


def test_bad_input():
    f = lambda v: v @ v  # noqa: E731
    with pytest.raises(ValueError, match=r"shape \(n,\)"):
        gradient(f, [[1.0, 2.0]])
    with pytest.raises(ValueError, match=r"shape \(n,\)"):
        hessian(f, [])
    with pytest.raises(ValueError, match="finite"):
        gradient(f, [1.0, np.nan])
    with pytest.raises(ValueError, match="unknown method"):
        jacobian(f, [1.0], method="spline")
    with pytest.raises(TypeError, match="callable"):
        hessian(None, [1.0])
    with pytest.raises(ValueError, match="must return a scalar"):
        gradient(lambda v: v, [1.0, 2.0])
    with pytest.raises(ValueError, match="must return a scalar"):
        hessian(lambda v: v, [1.0, 2.0])
    with pytest.raises(ValueError, match="greater than 0"):
        hessian(f, [1.0], h=0.0)
    with pytest.raises(ValueError, match="non-finite"):
        hessian(lambda v: np.log(v[0]), [0.0])


# ==========================================================================
# Chapter 2 acceptance: random smooth functions of 2 to 6 variables
# ==========================================================================
import json  # noqa: E402

import scipy.optimize  # noqa: E402
from hypothesis import assume  # noqa: E402

from mvcalc.multivariate import (  # noqa: E402
    PITS,
    STATIONARY_KINDS,
    Pit,
    Probe,
    Sandpit,
    check_grad,
    classify_stationary_point,
    directional_derivative,
    pit,
    pits_json,
    play_downhill,
    play_random,
    sandpit_html,
)

#: Smooth (real-analytic) building blocks, so that the complex step applies.
BLOCKS = (
    sp.sin,
    sp.cos,
    sp.tanh,
    lambda u: sp.exp(u / 2),
    lambda u: sp.log(1 + u**2),
    lambda u: sp.sqrt(1 + u**2),
    lambda u: 1 / (1 + u**2),
)


def random_smooth(rng: np.random.Generator, xs: tuple, n_terms: int = 4) -> sp.Expr:
    """A random smooth function: a sum of blocks of affine maps, some times a variable."""
    n = len(xs)
    expr = sp.Integer(0)
    for _ in range(n_terms):
        k = int(rng.integers(1, min(3, n) + 1))
        idx = rng.choice(n, size=k, replace=False)
        inner = sum(sp.Rational(int(rng.integers(-15, 16)), 10) * xs[i] for i in idx)
        inner += sp.Rational(int(rng.integers(-10, 11)), 10)
        term = sp.Rational(int(rng.integers(1, 21)), 10) * BLOCKS[int(rng.integers(len(BLOCKS)))](inner)
        if rng.random() < 0.5:
            term *= xs[int(rng.integers(n))]
        expr += term
    return expr


def random_case(seed: int, n: int, m: int = 1):
    """Symbols, ``m`` random functions of ``n`` variables, and a point in [-1.5, 1.5]^n."""
    rng = np.random.default_rng(seed)
    xs = sp.symbols(f"x0:{n}", real=True)
    exprs = [random_smooth(rng, xs) for _ in range(m)]
    point = np.round(rng.uniform(-1.5, 1.5, n), 3)
    return xs, exprs, point


def _exact(derivs, xs, p) -> np.ndarray:
    """Exact derivatives (sympy), evaluated with mpmath at 30 significant digits."""
    import mpmath

    fn = sp.lambdify(xs, derivs, modules="mpmath")
    with mpmath.workdps(30):
        values = fn(*[mpmath.mpf(str(c)) for c in p])
    return np.array(values, dtype=float)


def exact_jacobian(exprs, xs, p) -> np.ndarray:
    return _exact([[sp.diff(e, v) for v in xs] for e in exprs], xs, p)


def exact_hessian(expr, xs, p) -> np.ndarray:
    return _exact([[sp.diff(expr, a, b) for b in xs] for a in xs], xs, p)


def rel(got: np.ndarray, want: np.ndarray) -> float:
    """Normwise relative error (2-norm for vectors, Frobenius for matrices)."""
    return float(np.linalg.norm(got - want) / np.linalg.norm(want))


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 6))
def test_gradient_of_random_smooth_functions(seed, n):
    xs, (expr,), p = random_case(seed, n)
    want = exact_jacobian([expr], xs, p)[0]
    assume(np.linalg.norm(want) > 0.1)
    fn = sp.lambdify(xs, expr, modules="numpy")
    f = lambda v: fn(*v)  # noqa: E731
    assert rel(gradient(f, p), want) < 1e-7
    assert rel(gradient(f, p, method="complex"), want) < 1e-13
    # the directional derivative is the gradient dotted with the unit direction
    u = np.random.default_rng(seed).normal(size=n)
    assert directional_derivative(f, p, u, method="complex") == pytest.approx(
        want @ u / np.linalg.norm(u), rel=1e-12, abs=1e-13
    )


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 6), m=st.integers(1, 4))
def test_jacobian_of_random_smooth_maps(seed, n, m):
    xs, exprs, p = random_case(seed, n, m)
    want = exact_jacobian(exprs, xs, p)
    assume(np.linalg.norm(want) > 0.1)
    fn = sp.lambdify(xs, exprs, modules="numpy")
    F = lambda v: np.array(fn(*v))  # noqa: E731
    for method, tol in (("central", 1e-7), ("complex", 1e-13)):
        J = jacobian(F, p, method=method)
        assert J.shape == (m, n)
        assert rel(J, want) < tol, (method, rel(J, want))


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 6))
def test_hessian_of_random_smooth_functions(seed, n):
    xs, (expr,), p = random_case(seed, n)
    want = exact_hessian(expr, xs, p)
    assume(np.linalg.norm(want) > 0.1)
    fn = sp.lambdify(xs, expr, modules="numpy")
    H = hessian(lambda v: fn(*v), p)
    assert np.array_equal(H, H.T)
    assert rel(H, want) < 1e-5


# ==========================================================================
# Directional derivative: Cauchy-Schwarz, steepest ascent along the gradient
# ==========================================================================


def test_steepest_ascent_is_along_the_gradient():
    f = lambda v: np.sin(v[0]) * np.exp(v[1]) + v[0] * v[1] ** 2  # noqa: E731
    p = np.array([0.4, -0.3])
    g = np.array([np.cos(0.4) * np.exp(-0.3) + 0.09, np.sin(0.4) * np.exp(-0.3) - 0.24])
    angles = np.linspace(0, 2 * np.pi, 721)
    rates = np.array([directional_derivative(f, p, [np.cos(a), np.sin(a)]) for a in angles])
    best = angles[np.argmax(rates)]
    assert rates.max() == pytest.approx(np.linalg.norm(g), rel=1e-5)  # 0.5 degree grid
    assert np.cos(best - np.arctan2(g[1], g[0])) == pytest.approx(1.0, abs=1e-4)
    # along a level set (perpendicular to the gradient) the rate is zero
    assert directional_derivative(f, p, [-g[1], g[0]], method="complex") == pytest.approx(0.0, abs=1e-14)


def test_directional_derivative_uses_two_evaluations_and_ignores_length():
    calls = []

    def f(v):
        calls.append(1)
        return v @ v

    d1 = directional_derivative(f, np.ones(50), np.arange(50.0) + 1)
    assert len(calls) == 2
    d2 = directional_derivative(f, np.ones(50), 7 * (np.arange(50.0) + 1))
    assert d1 == pytest.approx(d2, rel=1e-9)
    u = (np.arange(50.0) + 1) / np.linalg.norm(np.arange(50.0) + 1)
    assert d1 == pytest.approx(2 * np.ones(50) @ u, rel=1e-9)


# ==========================================================================
# check_grad
# ==========================================================================


def test_check_grad_flags_a_planted_bug():
    def f(v):
        return np.sum(np.tanh(v) ** 2) + v[0] * v[1] * v[2]

    def good(v):
        g = 2 * np.tanh(v) * (1 - np.tanh(v) ** 2)
        return g + np.array([v[1] * v[2], v[0] * v[2], v[0] * v[1]])

    def bad(v):  # forgot the chain rule's inner factor 1 - tanh^2 in one component
        g = good(v)
        g[1] = 2 * np.tanh(v[1]) + v[0] * v[2]
        return g

    p = np.array([0.3, -0.7, 1.2])
    assert check_grad(f, good, p) < 1e-9
    assert check_grad(f, good, p, method="complex") < 1e-14
    err = check_grad(f, bad, p)
    assert err > 1e-2
    # the same absolute difference as scipy's check_grad (forward differences)
    scale = max(np.linalg.norm(bad(p)), np.linalg.norm(gradient(f, p)))
    assert err * scale == pytest.approx(scipy.optimize.check_grad(f, bad, p), rel=1e-5)


def test_check_grad_of_zero_gradient_is_zero():
    assert check_grad(lambda v: 5.0 + 0 * v[0], lambda v: np.zeros(2), [1.0, 2.0]) == 0.0


# ==========================================================================
# classify_stationary_point: a battery of known cases
# ==========================================================================

a, b, c = sp.symbols("a b c", real=True)
HIMMELBLAU = (a**2 + b - 11) ** 2 + (a + b**2 - 7) ** 2
# (function, variables, stationary point, kind): the kinds are known analytically
STATIONARY = [
    (a**2 + b**2, (a, b), (0, 0), "minimum"),
    (-(a**2) - 3 * b**2, (a, b), (0, 0), "maximum"),
    (a**2 - b**2, (a, b), (0, 0), "saddle"),
    (a * b, (a, b), (0, 0), "saddle"),
    (a**3 + b**3 - 3 * a * b, (a, b), (0, 0), "saddle"),
    (a**3 + b**3 - 3 * a * b, (a, b), (1, 1), "minimum"),
    ((1 - a) ** 2 + 100 * (b - a**2) ** 2, (a, b), (1, 1), "minimum"),
    (sp.cos(a) + sp.cos(b), (a, b), (0, 0), "maximum"),
    (sp.cos(a) + sp.cos(b), (a, b), (sp.pi, 0), "saddle"),
    (sp.cos(a) + sp.cos(b), (a, b), (sp.pi, sp.pi), "minimum"),
    (a**2 + 2 * b**2 + 3 * c**2 + a * b, (a, b, c), (0, 0, 0), "minimum"),
    (a**2 - b**2 + c**4, (a, b, c), (0, 0, 0), "saddle"),  # mixed signs decide, despite a zero
    # degenerate: a zero eigenvalue and no sign change; the test cannot decide
    (a**4 + b**4, (a, b), (0, 0), "degenerate"),  # truly a minimum
    (-(a**4) - b**4, (a, b), (0, 0), "degenerate"),  # truly a maximum
    (a**2 + b**4, (a, b), (0, 0), "degenerate"),  # truly a minimum
    (a**2 - b**4, (a, b), (0, 0), "degenerate"),  # truly a saddle
    (a**2 + b**3, (a, b), (0, 0), "degenerate"),  # neither
    (a**3 - 3 * a * b**2, (a, b), (0, 0), "degenerate"),  # the monkey saddle
    ((a - b) ** 2, (a, b), (1, 1), "degenerate"),  # a valley of minima
]
# Himmelblau's function: four minima, one maximum, four saddles (known kinds)
for start, kind in [
    ((3.0, 2.0), "minimum"),
    ((-2.805, 3.131), "minimum"),
    ((-3.779, -3.283), "minimum"),
    ((3.584, -1.848), "minimum"),
    ((-0.271, -0.923), "maximum"),
    ((0.087, 2.884), "saddle"),
    ((-3.073, -0.081), "saddle"),
    ((3.385, 0.074), "saddle"),
    ((-0.128, -1.954), "saddle"),
]:
    root = sp.nsolve([sp.diff(HIMMELBLAU, a), sp.diff(HIMMELBLAU, b)], [a, b], start, prec=30)
    STATIONARY.append((HIMMELBLAU, (a, b), tuple(root), kind))


@pytest.mark.parametrize(("expr", "xs", "point", "kind"), STATIONARY, ids=lambda v: str(v)[:30])
def test_classify_known_stationary_points(expr, xs, point, kind):
    subs = dict(zip(xs, point))
    # it is a stationary point
    assert all(abs(float(sp.diff(expr, v).evalf(30, subs=subs))) < 1e-20 for v in xs)
    exact = np.array([[float(sp.diff(expr, u, v).evalf(30, subs=subs)) for v in xs] for u in xs])
    assert classify_stationary_point(exact) == kind
    # and with the numerical Hessian of mvcalc
    fn = sp.lambdify(xs, expr, modules="numpy")
    p = np.array([float(sp.N(q, 30)) for q in point])
    assert classify_stationary_point(hessian(lambda v: fn(*v), p)) == kind


@settings(max_examples=60, deadline=None)
@given(
    signs=st.lists(st.sampled_from([-1, 0, 1]), min_size=1, max_size=6),
    seed=st.integers(0, 2**32 - 1),
)
def test_classify_random_symmetric_matrices(signs, seed):
    rng = np.random.default_rng(seed)
    n = len(signs)
    lam = np.array(signs) * rng.uniform(0.01, 100.0, n)
    Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    H = Q @ np.diag(lam) @ Q.T
    H = 0.5 * (H + H.T)
    if 1 in signs and -1 in signs:
        want = "saddle"
    elif 0 in signs:
        want = "degenerate"
    else:
        want = "minimum" if 1 in signs else "maximum"
    assert classify_stationary_point(H) == want
    assert want in STATIONARY_KINDS


def test_classify_tolerance():
    assert classify_stationary_point(np.diag([1.0, 1e-9])) == "degenerate"
    assert classify_stationary_point(np.diag([1.0, 1e-9]), tol=1e-10) == "minimum"
    assert classify_stationary_point(np.diag([1.0, 1e-3])) == "minimum"
    assert classify_stationary_point([[2.0]]) == "minimum"
    assert classify_stationary_point([[0.0]]) == "degenerate"
    # a numerical Hessian's tiny asymmetry is tolerated
    assert classify_stationary_point([[2.0, 1.0], [1.0 + 1e-9, 2.0]]) == "minimum"


# ==========================================================================
# The pits: Python formulas against sympy, deepest points, JSON export
# ==========================================================================


def sympy_pit(spec):
    """The pit's floor written independently in sympy from its specification."""
    X = sp.Matrix(sp.symbols("p q", real=True))
    f = sp.Integer(0)
    for t in spec["terms"]:
        if t["kind"] == "constant":
            f += sp.nsimplify(t["value"])
        elif t["kind"] == "quadratic":
            d = X - sp.Matrix([sp.nsimplify(v) for v in t["center"]])
            A = sp.Matrix([[sp.nsimplify(v) for v in row] for row in t["matrix"]])
            f += (d.T * A * d)[0]
        elif t["kind"] == "gaussian":
            d = X - sp.Matrix([sp.nsimplify(v) for v in t["center"]])
            w = sp.nsimplify(t["width"])
            f += sp.nsimplify(t["amplitude"]) * sp.exp(-(d.T * d)[0] / (2 * w**2))
        else:
            k = sp.Matrix([sp.nsimplify(v) for v in t["wavevector"]])
            f += sp.nsimplify(t["amplitude"]) * sp.sin((k.T * X)[0] + sp.nsimplify(t["phase"]))
    return list(X), f


@pytest.mark.parametrize("name", PITS)
def test_pit_depth_and_gradient_match_sympy(name):
    xs, f = sympy_pit(PITS[name])
    grad = [sp.diff(f, v) for v in xs]
    pts = np.random.default_rng(1).uniform(-3, 3, (12, 2))
    P = pit(name)
    depths = P.depth(pts)
    grads = P.gradient(pts)
    assert depths.shape == (12,) and grads.shape == (12, 2)
    for k, p in enumerate(pts):
        subs = {v: sp.Float(c, 30) for v, c in zip(xs, p)}
        assert depths[k] == pytest.approx(float(f.evalf(30, subs=subs)), rel=1e-14, abs=1e-14)
        want = [float(g.evalf(30, subs=subs)) for g in grad]
        np.testing.assert_allclose(grads[k], want, rtol=1e-13, atol=1e-14)
        # one point or many: the same numbers up to rounding
        assert P.depth(p) == pytest.approx(depths[k], rel=1e-15, abs=1e-15)


@pytest.mark.parametrize("name", PITS)
def test_pit_minimum_is_the_deepest_point(name):
    P = pit(name)
    x_min, f_min = P.minimum()
    # a stationary point inside the pit, and a minimum by the eigenvalue test
    assert np.all(np.abs(x_min) < 2.9)
    assert np.linalg.norm(P.gradient(x_min)) < 1e-6
    assert classify_stationary_point(hessian(P.depth, x_min)) == "minimum"
    # no point of a fine grid is deeper
    g = np.linspace(-3, 3, 601)
    grid = np.stack(np.meshgrid(g, g), axis=-1)
    assert P.depth(grid).min() >= f_min - 1e-12
    assert P.depth(x_min) == f_min


def test_pits_have_the_promised_shapes():
    """One bowl (one minimum), several minima (four wells), a noisy floor (many dips)."""
    g = np.linspace(-3, 3, 601)
    counts = {}
    for name in PITS:
        Z = pit(name).depth(np.stack(np.meshgrid(g, g), axis=-1))
        inner = Z[1:-1, 1:-1]
        lower = np.ones_like(inner, dtype=bool)
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                if di or dj:
                    lower &= inner < Z[1 + di : Z.shape[0] - 1 + di, 1 + dj : Z.shape[1] - 1 + dj]
        counts[name] = int(lower.sum())  # grid points lower than their eight neighbours
    assert counts["bowl"] == 1
    assert counts["wells"] == 4
    assert counts["ripples"] >= 6


def test_pits_json_carries_the_same_pits():
    data = json.loads(pits_json())
    assert set(data["pits"]) == set(PITS)
    assert "</" not in pits_json()
    assert len(data["colormap"]["colors"]) == 33
    for name, spec in data["pits"].items():
        P = pit(name)
        assert spec["terms"][0]["kind"] == PITS[name]["terms"][0]["kind"]
        # the exported specification rebuilds the same floor
        Q = Pit(name, spec)
        pts = np.random.default_rng(2).uniform(-3, 3, (20, 2))
        assert np.array_equal(Q.depth(pts), P.depth(pts))
        x_min, f_min = P.minimum()
        assert spec["minimum"]["x"] == x_min.tolist() and spec["minimum"]["depth"] == f_min
        assert spec["tol"] == P.tol and spec["max_probes"] == P.max_probes
    assert set(json.loads(pits_json(["wells"]))["pits"]) == {"wells"}


def test_sandpit_html_has_the_game_markup():
    page = sandpit_html("wells")
    for needle in (
        'id="sandpit-pits"',
        'type="application/json"',
        'id="sandpit-canvas"',
        'role="img"',
        'aria-live="polite"',
        '<label for="sandpit-x">',
        '<label for="sandpit-y">',
        '<label for="sandpit-pit">',
        'id="sandpit-probe"',
        'id="sandpit-reveal"',
        '<option value="wells" selected>',
    ):
        assert needle in page, needle
    start = page.index('id="sandpit-pits">') + len('id="sandpit-pits">')
    data = json.loads(page[start : page.index("</script>")])
    assert set(data["pits"]) == set(PITS)
    # nothing the rendered-page checks would flag
    assert "$" not in page and "Warning" not in page


# ==========================================================================
# The sandpit game in Python
# ==========================================================================


def test_sandpit_counts_probes_and_recognises_a_win():
    game = Sandpit.from_pit("bowl")
    x_min, f_min = game.reveal()
    assert game.max_probes == PITS["bowl"]["max_probes"] and game.tol == PITS["bowl"]["tol"]
    first = game.probe([-2.0, 2.0])
    assert isinstance(first, Probe)
    assert not first.found and not game.found
    assert first.depth == pytest.approx(pit("bowl").depth([-2.0, 2.0]))
    np.testing.assert_allclose(first.downhill, -pit("bowl").gradient([-2.0, 2.0]))
    # just outside and just inside the winning distance
    outside = x_min + np.array([game.tol * 1.01, 0.0])
    inside = x_min + np.array([0.0, game.tol * 0.99])
    assert not game.probe(outside).found
    assert game.probe(inside).found and game.found and game.finished
    assert game.probes_used == 3 and game.probes_left == game.max_probes - 3
    assert game.path.shape == (3, 2) and game.depths.shape == (3,) and game.downhills.shape == (3, 2)
    assert "3/10" in repr(game)
    game.reset()
    assert game.probes_used == 0 and not game.found


def test_sandpit_runs_out_of_probes():
    game = Sandpit.from_pit("wells", max_probes=2, tol=0.01)
    game.probe([0.0, 0.0])
    game.probe([0.5, 0.0])
    assert game.finished and not game.found
    with pytest.raises(RuntimeError, match="no probes left"):
        game.probe([1.0, 1.0])


def test_sandpit_on_a_custom_function_finds_its_minimum():
    # 2-D, on a grid; the gradient by central differences
    game = Sandpit(lambda v: (v[0] - 0.3) ** 2 + 2 * (v[1] + 0.4) ** 2 + np.sin(v[0]), [[-2, 2], [-2, 2]], tol=0.05)
    res = scipy.optimize.minimize(lambda v: (v[0] - 0.3) ** 2 + 2 * (v[1] + 0.4) ** 2 + np.sin(v[0]), [0, 0], tol=1e-12)
    np.testing.assert_allclose(game.reveal()[0], res.x, atol=1e-6)
    p = game.probe([1.0, 1.0])
    np.testing.assert_allclose(p.downhill, -np.array([2 * 0.7 + np.cos(1.0), 4 * 1.4]), rtol=1e-8)
    # 3-D, from seeded random points
    f3 = lambda v: np.sum((v - np.array([0.5, -1.0, 1.5])) ** 2)  # noqa: E731
    game3 = Sandpit(f3, [[-3, 3]] * 3, seed=4, grad=lambda v: 2 * (v - np.array([0.5, -1.0, 1.5])))
    np.testing.assert_allclose(game3.reveal()[0], [0.5, -1.0, 1.5], atol=1e-6)
    assert game3.probe([0.5, -1.0, 1.4]).found
    # a known minimum is taken as given
    game4 = Sandpit(f3, [[-3, 3]] * 3, minimum=[0.5, -1.0, 1.5])
    assert game4.reveal() == (pytest.approx([0.5, -1.0, 1.5]), 0.0)
    np.testing.assert_allclose(game4.floor([[0.5, -1.0, 1.5], [0.5, -1.0, 2.5]]), [0.0, 1.0])


def test_strategies():
    # the downhill walk finds the single bowl, and is trapped by a shallow well
    bowl = play_downhill(Sandpit.from_pit("bowl"))
    assert bowl.found and bowl.probes_used < bowl.max_probes
    assert np.all(np.diff(np.minimum.accumulate(bowl.depths)) <= 0)
    trapped = play_downhill(Sandpit.from_pit("wells"), [-1.0, -1.0])
    assert not trapped.found
    assert np.linalg.norm(trapped.path[-1] - [-1.453, -1.262]) < 0.3
    # random search is reproducible with a seed
    r1 = play_random(Sandpit.from_pit("ripples", seed=7))
    r2 = play_random(Sandpit.from_pit("ripples", seed=7))
    assert np.array_equal(r1.path, r2.path) and r1.finished
    # a finished game is left as it is
    assert play_downhill(bowl).probes_used == bowl.probes_used


# ==========================================================================
# Every validation error
# ==========================================================================


def test_bad_input_of_chapter_2_functions():
    f = lambda v: v @ v  # noqa: E731
    # directional_derivative
    with pytest.raises(ValueError, match="non-zero"):
        directional_derivative(f, [1.0, 2.0], [0.0, 0.0])
    with pytest.raises(ValueError, match=r"shape of x, \(2,\)"):
        directional_derivative(f, [1.0, 2.0], [1.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="finite"):
        directional_derivative(f, [1.0, 2.0], [np.inf, 0.0])
    with pytest.raises(ValueError, match="finite"):
        directional_derivative(f, [np.nan, 2.0], [1.0, 0.0])
    with pytest.raises(ValueError, match="must return a scalar"):
        directional_derivative(lambda v: v, [1.0, 2.0], [1.0, 0.0])
    with pytest.raises(ValueError, match="unknown method"):
        directional_derivative(f, [1.0, 2.0], [1.0, 0.0], method="exact")
    with pytest.raises(ValueError, match="greater than 0"):
        directional_derivative(f, [1.0, 2.0], [1.0, 0.0], h=-1.0)
    with pytest.raises(TypeError, match="callable"):
        directional_derivative("f", [1.0, 2.0], [1.0, 0.0])
    with pytest.raises(TypeError, match="real"):
        directional_derivative(f, [1.0, 2.0], "up")
    # check_grad
    with pytest.raises(ValueError, match=r"grad must return an array of shape \(2,\)"):
        check_grad(f, lambda v: np.zeros(3), [1.0, 2.0])
    with pytest.raises(ValueError, match="finite"):
        check_grad(f, lambda v: np.array([np.nan, 1.0]), [1.0, 2.0])
    with pytest.raises(TypeError, match="grad must be a callable"):
        check_grad(f, 3.0, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"shape \(n,\)"):
        check_grad(f, lambda v: 2 * v, [[1.0, 2.0]])
    with pytest.raises(ValueError, match="must return a scalar"):
        check_grad(lambda v: v, lambda v: 2 * v, [1.0, 2.0])
    # classify_stationary_point
    with pytest.raises(ValueError, match="square"):
        classify_stationary_point([[1.0, 2.0]])
    with pytest.raises(ValueError, match="square"):
        classify_stationary_point([1.0, 2.0])
    with pytest.raises(ValueError, match="square"):
        classify_stationary_point(np.zeros((0, 0)))
    with pytest.raises(ValueError, match="finite"):
        classify_stationary_point([[1.0, np.nan], [np.nan, 1.0]])
    with pytest.raises(ValueError, match="symmetric"):
        classify_stationary_point([[1.0, 2.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="greater than 0"):
        classify_stationary_point(np.eye(2), tol=0.0)
    with pytest.raises(TypeError, match="real"):
        classify_stationary_point([["a", "b"], ["c", "d"]])


def test_bad_input_of_jacobian_functions():
    with pytest.raises(ValueError, match="one fixed shape"):
        jacobian(lambda v: np.outer(v, v), [1.0, 2.0])
    with pytest.raises(ValueError, match="non-finite"):
        jacobian(lambda v: np.array([np.log(v[0]), v[1]]), [0.0, 1.0])
    with pytest.raises(ValueError, match="non-finite"):
        gradient(lambda v: np.sqrt(v[0] - 1.0), [1.0, 1.0])
    with pytest.raises(TypeError, match="complex"):
        import math

        gradient(lambda v: math.sin(v[0]) + v[1], [1.0, 1.0], method="complex")
    with pytest.raises(TypeError, match="real"):
        gradient(lambda v: v @ v, [1 + 2j, 1.0])


def test_bad_input_of_the_sandpit():
    bowl = lambda v: v @ v  # noqa: E731
    box = [[-1.0, 1.0], [-1.0, 1.0]]
    with pytest.raises(TypeError, match="depth must be a callable"):
        Sandpit(None, box)
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        Sandpit(bowl, [-1.0, 1.0])
    with pytest.raises(ValueError, match="low < high"):
        Sandpit(bowl, [[1.0, -1.0], [-1.0, 1.0]])
    with pytest.raises(ValueError, match="finite"):
        Sandpit(bowl, [[-np.inf, 1.0], [-1.0, 1.0]])
    with pytest.raises(ValueError, match="greater than 0"):
        Sandpit(bowl, box, tol=0)
    with pytest.raises(ValueError, match="at least 1"):
        Sandpit(bowl, box, max_probes=0)
    with pytest.raises(TypeError, match="integer"):
        Sandpit(bowl, box, max_probes=2.5)
    with pytest.raises(ValueError, match="at least 0"):
        Sandpit(bowl, box, seed=-1)
    with pytest.raises(TypeError, match="grad must be a callable"):
        Sandpit(bowl, box, grad="down")
    with pytest.raises(ValueError, match="outside the pit"):
        Sandpit(bowl, box, minimum=[2.0, 0.0])
    with pytest.raises(ValueError, match="must return a scalar"):
        Sandpit(lambda v: v, box)
    with pytest.raises(ValueError, match="non-finite"):
        Sandpit(lambda v: np.log(v[0]), box, minimum=[0.0, 0.0])
    game = Sandpit(bowl, box, minimum=[0.0, 0.0])
    with pytest.raises(ValueError, match="outside the pit"):
        game.probe([1.5, 0.0])
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        game.probe([0.5, 0.0, 0.0])
    with pytest.raises(ValueError, match="finite"):
        game.probe([np.nan, 0.0])
    with pytest.raises(ValueError, match=r"shape \(k, 2\)"):
        game.floor([0.0, 0.0])
    bad_grad = Sandpit(bowl, box, minimum=[0.0, 0.0], grad=lambda v: np.zeros(3))
    with pytest.raises(ValueError, match=r"grad must return shape \(2,\)"):
        bad_grad.probe([0.5, 0.5])
    assert bad_grad.probes_used == 0
    with pytest.raises(ValueError, match="unknown pit name"):
        Sandpit.from_pit("volcano")
    with pytest.raises(ValueError, match="unknown pit name"):
        pits_json(["volcano"])
    with pytest.raises(ValueError, match="at least one pit"):
        pits_json([])
    with pytest.raises(ValueError, match="unknown default"):
        sandpit_html("volcano")
    with pytest.raises(TypeError, match="Sandpit"):
        play_downhill("game")
    with pytest.raises(TypeError, match="Sandpit"):
        play_random(None)
    with pytest.raises(ValueError, match=r"shrink must lie in \(0, 1\)"):
        play_downhill(Sandpit.from_pit("bowl"), shrink=2.0)
    with pytest.raises(ValueError, match="outside the pit"):
        play_downhill(Sandpit.from_pit("bowl"), [5.0, 0.0])


def test_bad_pit_specifications():
    good = PITS["bowl"]
    with pytest.raises(ValueError, match="lacks the fields"):
        Pit("x", {"title": "t"})
    with pytest.raises(TypeError, match="name must be a string"):
        Pit(3, good)
    with pytest.raises(ValueError, match="unknown term kind"):
        Pit("x", {**good, "terms": [{"kind": "volcano"}]})
    with pytest.raises(ValueError, match="lacks"):
        Pit("x", {**good, "terms": [{"kind": "gaussian", "center": [0, 0]}]})
    with pytest.raises(ValueError, match=r"must have shape \(2, 2\)"):
        Pit("x", {**good, "terms": [{"kind": "quadratic", "center": [0, 0], "matrix": [1, 1]}]})
    with pytest.raises(ValueError, match="symmetric"):
        Pit("x", {**good, "terms": [{"kind": "quadratic", "center": [0, 0], "matrix": [[1, 1], [0, 1]]}]})
    with pytest.raises(ValueError, match="width"):
        Pit("x", {**good, "terms": [{"kind": "gaussian", "center": [0, 0], "amplitude": -1, "width": 0}]})
    with pytest.raises(ValueError, match="at least one term"):
        Pit("x", {**good, "terms": []})
    with pytest.raises(ValueError, match=r"shape \(\.\.\., 2\)"):
        pit("bowl").depth([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="finite"):
        pit("bowl").gradient([np.inf, 2.0])


def test_sandpit_floor_of_a_pit_is_vectorised_and_exact():
    game = Sandpit.from_pit("wells")
    pts = np.random.default_rng(5).uniform(-3, 3, (50, 2))
    np.testing.assert_allclose(game.floor(pts), [pit("wells").depth(p) for p in pts], rtol=1e-15, atol=1e-15)
    assert game.probes_used == 0


def test_chapter_listings_skip_exactly_the_docstrings():
    """Chapter 2 shows some functions without their docstrings, by line ranges; keep them in step."""
    import inspect
    import re
    from pathlib import Path

    import mvcalc.multivariate as mv

    chapter = (Path(__file__).resolve().parents[1] / "book" / "02-multivariate-calculus.md").read_text()
    listings = re.findall(r":pyobject: (\w+)\n:lines: 1(?:-(\d+))?,(\d+)-\n", chapter)
    assert len(listings) >= 3
    for name, sig_end, body_start in listings:
        src = inspect.getsource(getattr(mv, name)).splitlines()
        quotes = [i for i, line in enumerate(src) if '"""' in line]
        assert quotes[0] == int(sig_end or 1), (name, "the signature ends before the docstring")
        assert quotes[-1] + 2 == int(body_start), (name, "the body starts right after the docstring")


# ==========================================================================
# The figure helpers of chapter 2 (mvcalc.plotting), kept with the module they draw
# ==========================================================================


@pytest.fixture
def plotting_agg():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mvcalc import plotting

    yield plotting
    plt.close("all")


def _white_and_labelled(fig, axes):
    assert fig.get_facecolor() == (1.0, 1.0, 1.0, 1.0)
    for ax in np.atleast_1d(axes):
        assert ax.get_xlabel().strip() and ax.get_ylabel().strip()


def test_chapter_2_figures(plotting_agg):
    plotting = plotting_agg
    q = lambda v: v[..., 0] ** 2 + v[..., 0] * v[..., 1] + 3 * v[..., 1] ** 2  # noqa: E731
    fig, axes = plotting.plot_partial_slices(q, (1.0, 0.8), (-2, 2), (-2, 2))
    _white_and_labelled(fig, axes)
    # the tangents' slopes are the partial derivatives 2x + y and x + 6y
    assert "slope 2.8" in axes[1].get_lines()[1].get_label() and "slope 5.8" in axes[2].get_lines()[1].get_label()
    fig, ax = plotting.plot_gradient_field(q, (-2, 2), (-2, 2), point=(1.0, 0.8), symbol="q")
    _white_and_labelled(fig, ax)
    labels = [line.get_label() for line in ax.get_lines()]
    # the contour through the point is drawn and named by its level, q(1, 0.8) = 3.72
    assert any("q = 3.72" in label for label in labels) and any(r"\nabla q" in label for label in labels)
    fig, ax = plotting.plot_directional_derivative(q, (1.0, 0.8), symbol="q")
    _white_and_labelled(fig, ax)
    assert any("64" in line.get_label() for line in ax.get_lines())  # the gradient's direction, in degrees
    assert all(r"\nabla f" not in line.get_label() for line in ax.get_lines())
    fig, axes = plotting.plot_polar_grid()
    _white_and_labelled(fig, axes)
    fig, axes = plotting.plot_quadratic_surfaces({"bowl": np.eye(2), "saddle": np.diag([1.0, -1.0])})
    assert "minimum" in axes[0].get_title() and "saddle" in axes[1].get_title()
    games = [play_downhill(Sandpit.from_pit("bowl")), play_random(Sandpit.from_pit("wells", seed=0))]
    fig, axes = plotting.plot_sandpit(games, n=41, connect=False)
    _white_and_labelled(fig, axes)
    assert "found in" in axes[0].get_title()
    assert len(fig.axes) == 2 * len(games)  # each pit on its own colour scale, with its own colour bar
    fig, ax = plotting.plot_strategy_comparison({"a": [1, 2, np.inf], "b": [5, np.nan, 7]}, max_probes=10)
    _white_and_labelled(fig, ax)
    steps = ax.get_lines()[0].get_ydata()
    assert steps[-1] == pytest.approx(2 / 3)


def test_chapter_2_figures_reject_bad_input(plotting_agg):
    plotting = plotting_agg
    q = lambda v: v[..., 0] ** 2 + v[..., 1] ** 2  # noqa: E731
    with pytest.raises(ValueError, match="pair"):
        plotting.plot_partial_slices(q, (1.0, 0.8, 0.1), (-2, 2), (-2, 2))
    with pytest.raises(ValueError, match="lo < hi"):
        plotting.plot_gradient_field(q, (2, -2), (-2, 2))
    with pytest.raises(ValueError, match="pair"):
        plotting.plot_directional_derivative(q, (1.0,))
    with pytest.raises(ValueError, match="r >= 0"):
        plotting.plot_polar_grid((-1.0, 1.0))
    with pytest.raises(ValueError, match="cell must index"):
        plotting.plot_polar_grid(cell=(9, 0))
    with pytest.raises(ValueError, match="2-by-2"):
        plotting.plot_quadratic_surfaces({"big": np.eye(3)})
    with pytest.raises(ValueError, match="at least one"):
        plotting.plot_quadratic_surfaces({})
    with pytest.raises(ValueError, match="only 2-D pits"):
        plotting.plot_sandpit(Sandpit(lambda v: v @ v, [[-1, 1]] * 3, minimum=[0, 0, 0]))
    with pytest.raises(TypeError, match="Sandpit"):
        plotting.plot_sandpit(["not a game"])
    with pytest.raises(ValueError, match="one title per game"):
        plotting.plot_sandpit(Sandpit.from_pit("bowl"), titles=["a", "b"])
    with pytest.raises(ValueError, match="at least one strategy"):
        plotting.plot_strategy_comparison({}, max_probes=5)
    with pytest.raises(ValueError, match="is empty"):
        plotting.plot_strategy_comparison({"a": []}, max_probes=5)
