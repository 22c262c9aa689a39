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
