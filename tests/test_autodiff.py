"""mvcalc.autodiff (Dual, Value, grad, derivative) against independent oracles.

The oracles: sympy's exact symbolic derivatives evaluated to 30 digits, and
the complex-step gradient of mvcalc.multivariate, which shares no code with
either mode of automatic differentiation. Random composite expressions are
built by hypothesis as trees, turned once into a sympy expression and once into
a Python function written with numpy, so that the same tree runs on floats,
complex numbers, Duals and Values.
"""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mvcalc.autodiff import (
    Dual, Value, best_time, derivative, grad, grad_forward, lift, time_gradients, value_and_grad,
)
from mvcalc.multivariate import gradient

SYMBOLS = sp.symbols("x0:5", real=True)

# --- random expression trees -----------------------------------------------------
# A tree is a tuple: ("var", i), ("const", c), (op, child) or (op, left, right).
# Every operation is written so that it is defined and smooth for every real
# input (log of 2 + u^2, sqrt of 1 + u^2, division by 1 + v^2 or 2 + sin v),
# so that the derivative exists wherever it is evaluated. (log(1 + u^2) would
# be smooth too, but for small u the program's own value of it has lost most of
# its digits to the rounding of 1 + u^2 before any derivative is taken.)

UNARY_OPS = ["sin", "cos", "exp", "tanh", "log2sq", "sqrt1sq", "neg", "square", "cube", "tan", "pow_real", "rpow"]
BINARY_OPS = ["add", "sub", "mul", "div", "div_sin", "pow_value"]
REAL_POWERS = [0.5, 1.5, -1.0, -0.5, 2.5]


def trees(n_vars: int):
    leaves = st.one_of(
        st.tuples(st.just("var"), st.integers(0, n_vars - 1)),
        st.tuples(st.just("const"), st.sampled_from([0.5, 1.5, 2.0, -3.0])),
    )

    def extend(children):
        unary = st.tuples(st.sampled_from(UNARY_OPS), children)
        binary = st.tuples(st.sampled_from(BINARY_OPS), children, children)
        return st.one_of(unary, binary)

    return st.recursive(leaves, extend, max_leaves=8)


def to_sympy(t):
    op = t[0]
    if op == "var":
        return SYMBOLS[t[1]]
    if op == "const":
        return sp.Rational(t[1])  # 0.5, 1.5, 2, -3 exactly
    if len(t) == 2:
        u = to_sympy(t[1])
        return {
            "sin": lambda: sp.sin(u),
            "cos": lambda: sp.cos(u),
            "exp": lambda: sp.exp(u),
            "tanh": lambda: sp.tanh(u),
            "log2sq": lambda: sp.log(2 + u**2),
            "sqrt1sq": lambda: sp.sqrt(1 + u**2),
            "neg": lambda: -u,
            "square": lambda: u**2,
            "cube": lambda: u**3,
            "tan": lambda: sp.tan(sp.tanh(u)),
            "pow_real": lambda: (1 + u**2) ** sp.Rational(REAL_POWERS[_depth_index(t)]),
            "rpow": lambda: 2**u,
        }[op]()
    u, v = to_sympy(t[1]), to_sympy(t[2])
    return {
        "add": lambda: u + v,
        "sub": lambda: u - v,
        "mul": lambda: u * v,
        "div": lambda: u / (1 + v**2),
        "div_sin": lambda: u / (2 + sp.sin(v)),
        "pow_value": lambda: (2 + u**2) ** sp.tanh(v),
    }[op]()


def _depth_index(t) -> int:
    """A deterministic choice of real power for a pow_real node."""
    return len(repr(t)) % len(REAL_POWERS)


def to_numpy(t):
    """The tree as a Python function of an array x, written with numpy functions."""
    op = t[0]
    if op == "var":
        i = t[1]
        return lambda x: x[i]
    if op == "const":
        c = t[1]
        return lambda x: c
    if len(t) == 2:
        f = to_numpy(t[1])
        p = REAL_POWERS[_depth_index(t)] if op == "pow_real" else None
        return {
            "sin": lambda x: np.sin(f(x)),
            "cos": lambda x: np.cos(f(x)),
            "exp": lambda x: np.exp(f(x)),
            "tanh": lambda x: np.tanh(f(x)),
            "log2sq": lambda x: np.log(2 + f(x) ** 2),
            "sqrt1sq": lambda x: np.sqrt(1 + f(x) ** 2),
            "neg": lambda x: -f(x),
            "square": lambda x: f(x) ** 2,
            "cube": lambda x: f(x) ** 3,
            "tan": lambda x: np.tan(np.tanh(f(x))),
            "pow_real": lambda x: (1 + f(x) ** 2) ** p,
            "rpow": lambda x: 2.0 ** f(x),
        }[op]
    f, g = to_numpy(t[1]), to_numpy(t[2])
    return {
        "add": lambda x: f(x) + g(x),
        "sub": lambda x: f(x) - g(x),
        "mul": lambda x: f(x) * g(x),
        "div": lambda x: f(x) / (1 + g(x) ** 2),
        "div_sin": lambda x: f(x) / (2 + np.sin(g(x))),
        "pow_value": lambda x: (2 + f(x) ** 2) ** np.tanh(g(x)),
    }[op]


def exact_gradient(expr, point):
    subs = {s: sp.Rational(float(v)) for s, v in zip(SYMBOLS, point)}  # the point, exactly
    return np.array([float(sp.diff(expr, s).xreplace(subs).evalf(30)) for s in SYMBOLS[: len(point)]])


@st.composite
def problems(draw):
    n = draw(st.integers(1, 5))
    tree = draw(trees(n))
    # Points on a grid of sixteenths in [-2, 2]: exact in binary, so that the
    # difference of two coordinates is exactly 0 or at least 1/16. Points such
    # as x = 1.2e-7, where the program's own value of log(1 + x^2) has lost
    # most of its digits before any derivative is taken, say nothing about
    # differentiation.
    point = np.array(draw(st.lists(st.integers(-32, 32), min_size=n, max_size=n))) / 16.0
    return tree, point


def well_scaled(f, point) -> bool:
    """True if every intermediate value of f at the point is finite and at most 100 in size.

    Where an intermediate value is huge, the program's own value is
    ill-conditioned before any derivative is taken: sin(exp(30)) has an
    argument of 1e13 whose last digit is worth 1e-3, so even its value is
    wrong in the third digit. Such points test floating point, not
    differentiation, and are skipped.
    """
    try:
        # An overflow (2 ** e ** e ** 2, say) is an infinite intermediate value:
        # not well scaled, and no warning (which the test settings make an error).
        with np.errstate(all="ignore"):
            out = f(np.array([Value(float(v)) for v in point], dtype=object))
    except (ValueError, ZeroDivisionError, OverflowError):
        return False
    if not isinstance(out, Value):  # f does not depend on x: a constant
        return bool(np.all(np.isfinite(out)) and np.all(np.abs(out) <= 100))
    return all(np.isfinite(node.data) and abs(node.data) <= 100 for node in out.topological_order())


def _prepare(tree, point):
    """The function, and its exact value and gradient; skip overflowing cases."""
    expr = to_sympy(tree)
    f = to_numpy(tree)
    assume(well_scaled(f, point))
    with np.errstate(all="ignore"):
        value = f(point)
    assume(np.isfinite(value) and abs(value) < 1e8)
    want = exact_gradient(expr, point)
    assume(np.all(np.isfinite(want)) and np.max(np.abs(want)) < 1e8)
    return f, want


def path_scale(f, point):
    r"""The sum over all paths from x_i to f of |product of local derivatives|.

    Both modes compute dF/dx_i as a sum of such products, each correct to a
    few rounding errors; when terms of opposite signs cancel (d/dx of x/(1+x^2)
    near x = 1, where 1 - x^2 -> 0), the sum is small but its rounding error
    is still about eps times this scale. No floating-point method can do
    better than that, so errors are measured against
    max(|exact|, 1e-3 * scale): purely relative wherever cancellation loses
    fewer than three digits.
    """
    leaves = [Value(float(v)) for v in point]
    out = f(np.array(leaves, dtype=object))
    if not isinstance(out, Value):
        return np.zeros(len(point))
    order = out.topological_order()
    acc = {id(n): 0.0 for n in order}
    acc[id(out)] = 1.0
    for node in reversed(order):
        for parent, local in zip(node.parents, node.local_grads):
            acc[id(parent)] += abs(local) * acc[id(node)]
    return np.array([acc.get(id(leaf), 0.0) for leaf in leaves])


def assert_close(got, want, scale, rtol=1e-12, atol=0.0, context=None):
    """|got - want| <= rtol * max(|want|, 1e-3 * scale) + atol, entry by entry."""
    bound = rtol * np.maximum(np.abs(want), 1e-3 * scale) + atol
    err = np.abs(np.asarray(got) - want)
    assert np.all(err <= bound), (context, got, want, err / np.maximum(np.abs(want), 1e-300))


def random_tree(rng: np.random.Generator, n_vars: int, depth: int):
    """A random expression tree of at most ``depth`` levels (the seeded generator)."""
    if depth == 0 or rng.random() < 0.2:
        if rng.random() < 0.8:
            return ("var", int(rng.integers(n_vars)))
        return ("const", float(rng.choice([0.5, 1.5, 2.0, -3.0])))
    if rng.random() < 0.5:
        return (str(rng.choice(UNARY_OPS)), random_tree(rng, n_vars, depth - 1))
    return (str(rng.choice(BINARY_OPS)), random_tree(rng, n_vars, depth - 1), random_tree(rng, n_vars, depth - 1))


def seeded_problems(count: int = 300, seed: int = 3):
    """``count`` random composites of 1 to 5 variables that are finite at their point."""
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < count:
        n = int(rng.integers(1, 6))
        tree = random_tree(rng, n, 3)
        point = rng.integers(-32, 33, size=n) / 16.0
        if "var" not in repr(tree):
            continue
        if well_scaled(to_numpy(tree), point):
            out.append((tree, point))
    return out


SEEDED = seeded_problems()


def test_hundreds_of_random_composites_against_sympy() -> None:
    """300 random composites: reverse and forward mode against sympy's exact gradient.

    Every partial derivative is within 1e-12 of the exact one relative to
    max(|exact|, 1e-3 * path scale) (see path_scale); the well-conditioned
    ones, where cancellation loses fewer than three digits (over 95 % of
    them), are within 1e-12 relative, plainly (and exactly 0 where the exact
    value is 0).
    """
    assert {len(point) for _, point in SEEDED} == {1, 2, 3, 4, 5}
    failures, components, well_conditioned = [], 0, 0
    for tree, point in SEEDED:
        f = to_numpy(tree)
        want = exact_gradient(to_sympy(tree), point)
        scale = path_scale(f, point)
        plain = np.abs(want) >= 1e-3 * scale
        components += want.size
        well_conditioned += int(np.sum(plain))
        for mode, g in (("reverse", grad(f)(point)), ("forward", grad_forward(f)(point))):
            err = np.abs(g - want)
            if not np.all(err <= 1e-12 * np.maximum(np.abs(want), 1e-3 * scale)):
                failures.append((mode, tree, point, g, want))
            if not np.all(err[plain] <= 1e-12 * np.abs(want[plain])):
                failures.append((mode, "relative", tree, point, g, want))
    assert not failures, failures[:3]
    assert well_conditioned >= 0.95 * components, (well_conditioned, components)


def test_hundreds_of_random_composites_against_the_complex_step() -> None:
    for tree, point in SEEDED:
        f = to_numpy(tree)
        g = grad(f)(point)
        g_complex = gradient(f, point, method="complex")
        # the complex step has its own truncation error, h^2 times the third derivative, h = 1e-20
        assert_close(g, g_complex, path_scale(f, point), atol=1e-30, context=(tree, point))


@settings(max_examples=60, deadline=None)
@given(problems())
def test_reverse_and_forward_mode_match_sympy(problem) -> None:
    """The same check as above, on trees and points that hypothesis searches."""
    tree, point = problem
    f, want = _prepare(tree, point)
    g_reverse = grad(f)(point)
    g_forward = grad_forward(f)(point)
    assert g_reverse.shape == point.shape
    scale = path_scale(f, point)
    assert_close(g_reverse, want, scale, context=(tree, point))
    assert_close(g_forward, want, scale, context=(tree, point))


@settings(max_examples=100, deadline=None)
@given(problems())
def test_reverse_mode_matches_the_complex_step(problem) -> None:
    tree, point = problem
    assume("var" in repr(tree))  # the complex step needs f to depend on x
    f = to_numpy(tree)
    assume(well_scaled(f, point))
    g = grad(f)(point)
    assume(np.all(np.isfinite(g)))
    g_complex = gradient(f, point, method="complex")
    # the complex step has its own truncation error, h^2 times the third derivative, h = 1e-20
    assert_close(g, g_complex, path_scale(f, point), atol=1e-30, context=(tree, point))


@settings(max_examples=60, deadline=None)
@given(problems())
def test_one_function_on_floats_duals_and_values(problem) -> None:
    """The same numpy function gives the same value on every number type."""
    tree, point = problem
    f = to_numpy(tree)
    assume(well_scaled(f, point))
    value = f(point)
    duals = np.array([Dual(v, 0.0) for v in point], dtype=object)
    values = np.array([Value(v) for v in point], dtype=object)
    from_dual, from_value = f(duals), f(values)
    d_value = from_dual.value if isinstance(from_dual, Dual) else from_dual
    v_value = from_value.data if isinstance(from_value, Value) else from_value
    assert d_value == pytest.approx(value, rel=1e-13, abs=1e-300)
    assert v_value == pytest.approx(value, rel=1e-13, abs=1e-300)


# --- one variable: derivative() through Dual ---------------------------------------

X = sp.Symbol("x", real=True)
BATTERY = {
    "beast": sp.sin(2 * X**5 + 3 * X) / sp.exp(7 * X),
    "gauss": sp.exp(-(X**2)) * sp.cos(3 * X),
    "rational": (X**2 + 1) / (X**3 + 3),
    "sqrt_log": sp.sqrt(X) * sp.log(X),
    "tan_tanh": sp.tan(X) + sp.tanh(X) ** 2,
    "power": X**sp.Rational(5, 2) - 2**X,
    "x_to_x": X**X,
}
NUMPY = {name: sp.lambdify(X, e, modules="numpy") for name, e in BATTERY.items()}
NUMPY["x_to_x"] = lambda x: x**x  # a Dual to a Dual power


@pytest.mark.parametrize("name", BATTERY)
@pytest.mark.parametrize("x", [0.3, 0.9, 1.4])
def test_derivative_matches_sympy(name: str, x: float) -> None:
    want = float(sp.diff(BATTERY[name], X).evalf(30, subs={X: sp.Float(x, 30)}))
    got = derivative(NUMPY[name])(x)
    assert isinstance(got, float)
    assert got == pytest.approx(want, rel=1e-13)


def test_derivative_is_vectorised_over_a_grid() -> None:
    xs = np.linspace(0.2, 2.0, 50)
    f = NUMPY["beast"]
    d = derivative(f)(xs)
    assert d.shape == xs.shape
    np.testing.assert_allclose(d, [derivative(f)(float(x)) for x in xs], rtol=1e-14)


def test_derivative_of_a_vector_valued_function() -> None:
    d = derivative(lambda t: np.array([np.cos(t), np.sin(t), t**2]))(0.5)
    np.testing.assert_allclose(d, [-np.sin(0.5), np.cos(0.5), 1.0], rtol=1e-15)


def test_derivative_of_a_constant_is_zero() -> None:
    assert derivative(lambda t: 3.0)(1.0) == 0.0
    np.testing.assert_array_equal(derivative(lambda t: 3.0)(np.ones(4)), np.zeros(4))


# --- the rules, exactly, on small cases --------------------------------------------


def test_dual_arithmetic_follows_epsilon_squared_zero() -> None:
    a, b = Dual(2.0, 3.0), Dual(5.0, 7.0)
    assert ((a * b).value, (a * b).deriv) == (10.0, 2 * 7 + 3 * 5)
    assert ((a + b).value, (a + b).deriv) == (7.0, 10.0)
    assert ((a - b).value, (a - b).deriv) == (-3.0, -4.0)
    q = a / b
    assert (q.value, q.deriv) == pytest.approx((0.4, (3 * 5 - 2 * 7) / 25))
    r = 1 / a
    assert (r.value, r.deriv) == pytest.approx((0.5, -3 / 4))
    s = 10.0 - a
    assert (s.value, s.deriv) == (8.0, -3.0)


@pytest.mark.parametrize(
    ("p", "deriv"), [(0, 0.0), (1, 1.0), (2, 0.0), (3, 0.0)]
)
def test_powers_at_zero(p: int, deriv: float) -> None:
    d = Dual(0.0, 1.0) ** p
    assert d.deriv == deriv
    v = Value(0.0)
    (v**p).backward()
    assert v.grad == deriv


def test_sigmoid_relu_abs() -> None:
    for x in (-1.3, 0.4, 2.0):
        s = 1 / (1 + math.exp(-x))
        d = Dual(x, 1.0).sigmoid()
        assert (d.value, d.deriv) == pytest.approx((s, s * (1 - s)), rel=1e-15)
        v = Value(x)
        out = v.sigmoid()
        out.backward()
        assert (out.data, v.grad) == pytest.approx((s, s * (1 - s)), rel=1e-15)
        r = Value(x)
        r.relu().backward()
        assert r.grad == (1.0 if x > 0 else 0.0)
        assert Dual(x, 1.0).relu().deriv == (1.0 if x > 0 else 0.0)
        a = Value(x)
        abs(a).backward()
        assert a.grad == math.copysign(1.0, x)
        assert abs(Dual(x, 1.0)).deriv == math.copysign(1.0, x)


def test_relu_on_an_array_dual() -> None:
    d = Dual(np.array([-1.0, 2.0]), 1.0).relu()
    np.testing.assert_array_equal(d.value, [0.0, 2.0])
    np.testing.assert_array_equal(d.deriv, [0.0, 1.0])


def test_numpy_functions_return_our_types() -> None:
    assert isinstance(np.sin(Value(1.0)), Value)
    assert isinstance(np.sqrt(Dual(4.0, 1.0)), Dual)
    assert isinstance(np.square(Value(3.0)), Value)
    v = Value(2.0)
    np.reciprocal(v).backward()
    assert v.grad == pytest.approx(-0.25)


def test_value_with_arrays_gives_arrays_of_values() -> None:
    v = Value(2.0)
    out = v * np.array([1.0, 3.0])
    assert out.dtype == object and out.shape == (2,)
    np.sum(out).backward()
    assert v.grad == 4.0
    out = np.array([1.0, 3.0]) - v
    assert [o.data for o in out] == [-1.0, 1.0]


# --- the backward pass ---------------------------------------------------------


def test_a_second_backward_gives_the_same_gradients() -> None:
    x, y = Value(1.5), Value(-0.5)
    z = np.exp(x * y) + x**2
    z.backward()
    first = (x.grad, y.grad)
    z.backward()
    assert (x.grad, y.grad) == first
    assert first == pytest.approx((-0.5 * math.exp(-0.75) + 3.0, 1.5 * math.exp(-0.75)))


def test_backward_of_another_output_replaces_the_gradients() -> None:
    x = Value(3.0)
    y1, y2 = x * x, 5 * x
    y1.backward()
    assert x.grad == 6.0
    y2.backward()
    assert x.grad == 5.0  # d(y2)/dx alone, not 6 + 5
    (y1 + y2).backward()
    assert x.grad == 11.0


def test_shared_subexpressions_accumulate() -> None:
    """A node used twice receives the sum of both paths (the multivariate chain rule)."""
    x = Value(0.7)
    a = np.sin(x)
    y = a * a + a  # dy/dx = (2 sin x + 1) cos x
    y.backward()
    assert x.grad == pytest.approx((2 * math.sin(0.7) + 1) * math.cos(0.7), rel=1e-15)
    order = y.topological_order()
    assert len(order) == 4  # x, a = sin x, a*a, a*a + a: a only once
    assert len({id(n) for n in order}) == len(order)
    position = {id(n): i for i, n in enumerate(order)}
    assert all(position[id(p)] < position[id(n)] for n in order for p in n.parents)


def test_deep_chain_does_not_hit_the_recursion_limit() -> None:
    n = 7_000  # y <- y + 0.0001 sin y, three operations a step: a chain 21,000 deep
    assert sys.getrecursionlimit() < 3 * n

    def deep(t):
        for _ in range(n):
            t = t + 1e-4 * np.sin(t)
        return t

    x = Value(0.5)
    y = deep(x)
    assert len(y.topological_order()) == 1 + 4 * n  # x, and per step: sin, constant, *, +
    y.backward()
    d = deep(Dual(0.5, 1.0))  # forward mode, the oracle: prod of (1 + 1e-4 cos y_k)
    assert 1.1 < d.deriv < 10  # neither vanished nor exploded
    assert x.grad == pytest.approx(d.deriv, rel=1e-12)
    assert grad(deep)(0.5) == x.grad
    y.backward()  # a second pass over the deep graph gives the same
    assert x.grad == pytest.approx(d.deriv, rel=1e-12)
    z = Value(1.0)
    w = z
    for _ in range(3 * n):
        w = w + z
    w.backward()
    assert z.grad == 3 * n + 1


def test_grad_shapes_and_scalar_input() -> None:
    g = grad(lambda m: np.sum(m**2))(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(g, 2 * np.arange(6.0).reshape(2, 3))
    d = grad(lambda t: t**3)(2.0)
    assert isinstance(d, float) and d == 12.0
    np.testing.assert_array_equal(grad(lambda v: 7.0)(np.ones(3)), np.zeros(3))
    value, g = value_and_grad(lambda v: v @ np.array([1.0, 2.0]))([3.0, 4.0])
    assert value == 11.0
    np.testing.assert_array_equal(g, [1.0, 2.0])


def test_grad_keeps_the_name_of_f() -> None:
    def rosenbrock(v):
        return (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2

    g = grad(rosenbrock)
    assert g.__name__ == "rosenbrock"
    np.testing.assert_array_equal(g([1.0, 1.0]), [0.0, 0.0])
    np.testing.assert_allclose(g([0.0, 0.0]), [-2.0, 0.0])


# --- bad input -----------------------------------------------------------------


def test_grad_rejects_a_non_scalar_output() -> None:
    with pytest.raises(ValueError, match=r"f must return a scalar, got an array of shape \(2,\)"):
        grad(lambda v: v * 2)(np.ones(2))
    with pytest.raises(ValueError, match="f must return a scalar"):
        grad_forward(lambda v: v * 2)(np.ones(2))


def test_grad_rejects_bad_input() -> None:
    with pytest.raises(TypeError, match="f must be a callable"):
        grad("f")
    with pytest.raises(TypeError, match="f must be a callable"):
        derivative(3)
    with pytest.raises(ValueError, match="x must be finite"):
        grad(np.sum)([1.0, np.nan])
    with pytest.raises(TypeError, match="x must be a real number"):
        grad(np.sum)(["a"])
    with pytest.raises(ValueError, match="at least one number"):
        grad(np.sum)([])
    with pytest.raises(TypeError, match="f must return a number or a Value, got str"):
        grad(lambda v: "oops")([1.0])
    with pytest.raises(ValueError, match=r"non-empty 1-D array"):
        grad_forward(np.sum)(np.ones((2, 2)))
    with pytest.raises(TypeError, match="f must return a number, a Dual"):
        derivative(lambda t: "oops")(1.0)


def test_unsupported_operations_are_named() -> None:
    v = Value(1.0)
    with pytest.raises(TypeError, match="np.arctan2 is not supported"):
        np.arctan2(v, 1.0)
    with pytest.raises(TypeError, match="np.floor is not supported by Value"):
        np.floor(v)
    with pytest.raises(TypeError, match="np.floor is not supported by Dual"):
        np.floor(Dual(1.0, 1.0))
    with pytest.raises(TypeError, match="unsupported operand"):
        v + "a"
    with pytest.raises(TypeError, match="unsupported operand"):
        Dual(1.0) - "a"
    with pytest.raises(TypeError, match="np.add is not supported between Dual and ndarray"):
        Dual(1.0) + np.array([Value(1.0)], dtype=object)


def test_values_and_duals_reject_bad_data() -> None:
    with pytest.raises(TypeError, match="data of a Value must be a real number, got str"):
        Value("1.0")
    with pytest.raises(TypeError, match="data of a Value must be a real number"):
        Value(1 + 2j)
    with pytest.raises(ValueError, match="data of a Value must be finite"):
        Value(float("inf"))
    with pytest.raises(TypeError, match="label must be a string"):
        Value(1.0, label=3)
    with pytest.raises(ValueError, match="value must be finite"):
        Dual(np.nan, 1.0)
    with pytest.raises(ValueError, match="broadcastable shapes"):
        Dual(np.ones(3), np.ones(2))


def test_domain_errors_are_clear() -> None:
    for T in (lambda x: Value(x), lambda x: Dual(x, 1.0)):
        with pytest.raises(ValueError, match="log needs a positive argument"):
            np.log(T(-1.0))
        with pytest.raises(ValueError, match="sqrt needs a positive argument"):
            np.sqrt(T(0.0))
        with pytest.raises(ValueError, match="negative number to a non-integer power"):
            T(-2.0) ** 0.5
        with pytest.raises(ValueError, match="no finite derivative at x = 0"):
            T(0.0) ** 0.5
        with pytest.raises(ZeroDivisionError, match="whose"):
            T(1.0) / T(0.0)
        with pytest.raises(ValueError, match="not finite"):
            np.exp(T(1000.0))
        with pytest.raises(ValueError, match="needs x > 0"):
            T(-2.0) ** T(2.0)


@pytest.mark.parametrize("x", [2.5, [3.0, -0.5], np.arange(6.0).reshape(2, 3)])
def test_lift_keeps_every_number_and_the_shape(x) -> None:
    xa = np.asarray(x, dtype=float)
    leaves = lift(x)
    assert leaves.dtype == object and leaves.shape == xa.shape
    assert all(isinstance(v, Value) for v in leaves.flat)
    np.testing.assert_array_equal([v.data for v in leaves.flat], xa.ravel())
    # every leaf is its own node: a gradient through them is the identity
    assert len({id(v) for v in leaves.flat}) == xa.size
    duals = lift(x, lambda t: Dual(t, 1.0))
    np.testing.assert_array_equal([d.value for d in duals.flat], xa.ravel())
    assert all(d.deriv == 1.0 for d in duals.flat)


def test_lift_feeds_both_modes_the_same_point() -> None:
    # the gradient of sum(x_i^3) is 3 x_i^2, by either arithmetic on lifted numbers
    x = np.array([0.5, -2.0, 3.0])
    leaves = lift(x)
    y = np.sum(leaves**3)
    y.backward()
    np.testing.assert_allclose([v.grad for v in leaves], 3 * x**2)
    for j in range(x.size):
        seeded = lift(x, lambda t: Dual(t, 0.0))
        seeded[j] = Dual(x[j], 1.0)
        assert np.sum(seeded**3).deriv == pytest.approx(3 * x[j] ** 2)


def test_lift_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="x must be finite"):
        lift([1.0, np.nan])
    with pytest.raises(TypeError, match="number_type"):
        lift([1.0], number_type=3.0)
    with pytest.raises(TypeError, match="real"):
        lift([1 + 2j])


def test_time_gradients() -> None:
    t = time_gradients(lambda v: np.sum(np.tanh(v) ** 2), np.linspace(-1, 1, 30), repeat=2)
    assert set(t) == {"f on floats", "f on Values", "f on Duals", "reverse mode", "forward mode", "central differences"}
    assert all(v > 0 for v in t.values())
    # forward mode needs n = 30 passes, reverse mode one: it cannot be faster
    assert t["forward mode"] > t["reverse mode"]
    with pytest.raises(ValueError, match="repeat must be an integer of at least 1"):
        time_gradients(np.sum, np.ones(3), repeat=0)
    with pytest.raises(ValueError, match="non-empty 1-D array"):
        time_gradients(np.sum, np.ones((2, 2)))



def test_best_time_repeats_fast_jobs_and_divides() -> None:
    # A fake clock: every call of the job "takes" 10 microseconds. One call is
    # far below min_seconds, so a run must call the job many times and report
    # the time of one call, not of the run (nor of a single noisy call).
    now, calls = [0.0], [0]

    def job() -> None:
        now[0] += 1e-5
        calls[0] += 1

    t = best_time(job, repeat=3, min_seconds=1e-3, timer=lambda: now[0])
    assert t == pytest.approx(1e-5, rel=1e-9)
    assert calls[0] >= 3 * 100  # 3 runs of at least 1 ms each, after the calibration

    # a job longer than min_seconds is timed once per run
    now[0], calls[0] = 0.0, 0

    def slow() -> None:
        now[0] += 2e-3
        calls[0] += 1

    assert best_time(slow, repeat=2, min_seconds=1e-3, timer=lambda: now[0]) == pytest.approx(2e-3)
    assert calls[0] == 1 + 2  # one calibration call, then one call per run
    with pytest.raises(ValueError, match="repeat must be an integer of at least 1"):
        best_time(job, repeat=0)
    with pytest.raises(ValueError, match="min_seconds must be a number"):
        best_time(job, min_seconds=-1.0)
    with pytest.raises(TypeError, match="job"):
        best_time(3.0)  # type: ignore[arg-type]

# --- the chapter's figure helpers for autodiff (mvcalc.plotting, chapter 3 section) ---


def test_autodiff_figures() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mvcalc import plotting

    x, y = Value(2.0, label="x"), Value(0.5, label="y")
    f = np.sin(x * y) + x
    f.backward()
    fig, ax = plotting.plot_computational_graph(f)
    texts = [t.get_text() for t in ax.texts]
    assert any(t.startswith("x\n= 2\ngrad 1.27") for t in texts)  # x's adjoint, cos(1)/2 + 1
    assert fig.get_facecolor() == (1.0, 1.0, 1.0, 1.0)
    with pytest.raises(TypeError, match="output must be a mvcalc.autodiff.Value"):
        plotting.plot_computational_graph(3.0)
    big = Value(1.0)
    for _ in range(40):
        big = big * 1.5
    with pytest.raises(ValueError, match="at most 60 nodes"):
        plotting.plot_computational_graph(big)
    ns = [2, 4, 8]
    timings = [time_gradients(lambda v: np.sum(v**2), np.ones(n), repeat=1) for n in ns]
    fig, ax = plotting.plot_gradient_cost(ns, timings)
    assert [line.get_label().split(":")[0] for line in ax.get_lines()[:3]] == [
        "reverse mode (Value)", "forward mode (Dual)", "central differences"]
    with pytest.raises(ValueError, match="one result per n"):
        plotting.plot_gradient_cost(ns, timings[:2])
    plt.close("all")
