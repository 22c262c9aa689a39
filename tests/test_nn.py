"""mvcalc.nn: backpropagation against numerical gradients of the cost, and the batch.

The oracles: central differences and the complex step of mvcalc.multivariate
applied to the cost as a function of all parameters (no code shared with
backward), reverse-mode autodiff with Value on the same cost, sympy for the
activation derivatives, and a per-sample loop for the vectorised batch.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mvcalc import nn
from mvcalc.autodiff import grad
from mvcalc.multivariate import gradient

SHAPES = [[1, 1], [1, 6, 7, 2], [3, 5, 2], [2, 4, 4, 3, 1], [4, 8, 8, 8, 3]]


def data(sizes, n, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, sizes[0]))
    Y = rng.uniform(-0.9, 0.9, size=(n, sizes[-1]))
    return X, Y


def backprop_vector(params, X, Y, activation):
    _, cache = nn.forward(params, X, activation=activation)
    return nn.ravel_params(nn.backward(params, cache, Y))


def rel(a, b):
    return np.linalg.norm(a - b) / np.linalg.norm(b)


@pytest.mark.parametrize("sizes", SHAPES, ids=str)
@pytest.mark.parametrize("activation", nn.ACTIVATIONS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_backward_matches_finite_differences_of_the_cost(sizes, activation, seed) -> None:
    params = nn.init_params(sizes, rng=seed)
    X, Y = data(sizes, 7, seed + 10)
    g = backprop_vector(params, X, Y, activation)
    C = nn.cost_function(sizes, X, Y, activation=activation)
    theta = nn.ravel_params(params)
    assert rel(g, gradient(C, theta)) < 1e-6  # central differences
    assert rel(g, gradient(C, theta, method="complex")) < 1e-12


@settings(max_examples=30, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 5), min_size=2, max_size=5),
    n=st.integers(1, 6),
    seed=st.integers(0, 2**32 - 1),
    activation=st.sampled_from(nn.ACTIVATIONS),
)
def test_backward_matches_the_complex_step_on_random_networks(sizes, n, seed, activation) -> None:
    params = nn.init_params(sizes, rng=seed)
    X, Y = data(sizes, n, seed)
    g = backprop_vector(params, X, Y, activation)
    C = nn.cost_function(sizes, X, Y, activation=activation)
    g_complex = gradient(C, nn.ravel_params(params), method="complex")
    assert np.max(np.abs(g - g_complex)) <= 1e-12 * max(np.max(np.abs(g_complex)), 1e-3)


@pytest.mark.parametrize("activation", nn.ACTIVATIONS)
def test_backward_matches_reverse_mode_autodiff(activation) -> None:
    """The vectorised backward pass against Value nodes on the same cost."""
    sizes = [2, 3, 3, 2]
    params = nn.init_params(sizes, rng=5)
    X, Y = data(sizes, 4, 6)
    g_value = grad(nn.cost_function(sizes, X, Y, activation=activation))(nn.ravel_params(params))
    np.testing.assert_allclose(backprop_vector(params, X, Y, activation), g_value, rtol=1e-12, atol=1e-15)


def test_gradient_check_is_small_for_a_correct_backward_pass() -> None:
    for sizes in SHAPES:
        params = nn.init_params(sizes, rng=3)
        X, Y = data(sizes, 5, 4)
        assert nn.gradient_check(params, X, Y) < 1e-7
        assert nn.gradient_check(params, X, Y, activation="tanh", method="complex") < 1e-13


def test_forward_on_a_batch_equals_forward_per_sample() -> None:
    sizes = [3, 5, 4, 2]
    params = nn.init_params(sizes, rng=0)
    X, _ = data(sizes, 9, 1)
    batch, cache = nn.forward(params, X)
    one_by_one = np.vstack([nn.forward(params, x[None, :])[0] for x in X])
    np.testing.assert_allclose(batch, one_by_one, rtol=1e-15, atol=0)
    # and by the formula a = sigma(W a + b), one column vector at a time
    for k, x in enumerate(X):
        a = x
        for W, b in params:
            a = 1 / (1 + np.exp(-(W @ a + b)))
        np.testing.assert_allclose(batch[k], a, rtol=1e-14)
    assert [z.shape for z in cache.z] == [(9, 5), (9, 4), (9, 2)]
    assert [a.shape for a in cache.a] == [(9, 3), (9, 5), (9, 4), (9, 2)]


def test_gradient_of_a_batch_is_the_mean_of_per_sample_gradients() -> None:
    sizes = [2, 4, 3]
    params = nn.init_params(sizes, rng=1)
    X, Y = data(sizes, 6, 2)
    whole = backprop_vector(params, X, Y, "sigmoid")
    per_sample = np.mean([backprop_vector(params, X[k : k + 1], Y[k : k + 1], "sigmoid") for k in range(6)], axis=0)
    np.testing.assert_allclose(whole, per_sample, rtol=1e-13, atol=1e-16)


def test_one_neuron_by_hand() -> None:
    """a = sigma(w x + b), C = (a - y)^2: dC/dw = 2(a - y) a(1 - a) x."""
    w, b, x, y = 0.7, -0.2, 1.5, 0.3
    params = [(np.array([[w]]), np.array([b]))]
    a = 1 / (1 + np.exp(-(w * x + b)))
    _, cache = nn.forward(params, [[x]])
    (dW, db), = nn.backward(params, cache, [[y]])
    assert dW[0, 0] == pytest.approx(2 * (a - y) * a * (1 - a) * x, rel=1e-14)
    assert db[0] == pytest.approx(2 * (a - y) * a * (1 - a), rel=1e-14)
    assert nn.cost(params, [[x]], [[y]]) == pytest.approx((a - y) ** 2, rel=1e-14)


def test_activation_derivatives_match_sympy() -> None:
    z = sp.Symbol("z", real=True)
    for expr, prime in ((1 / (1 + sp.exp(-z)), nn.sigmoid_prime), (sp.tanh(z), nn.tanh_prime)):
        d = sp.diff(expr, z)
        for value in (-3.0, -0.4, 0.0, 1.2, 5.0):
            assert prime(value) == pytest.approx(float(d.evalf(30, subs={z: value})), rel=1e-13)
    assert nn.sigmoid_prime(0.0) == 0.25 and nn.tanh_prime(0.0) == 1.0
    zs = np.linspace(-10, 10, 2001)
    assert np.max(nn.sigmoid_prime(zs)) == 0.25 and np.max(nn.tanh_prime(zs)) == 1.0
    assert nn.sigmoid(np.array([-800.0, 800.0])).tolist() == [0.0, 1.0]  # no overflow


def test_vanishing_gradient_bound() -> None:
    """For one sample, |delta^l| <= 1/4 |W^(l+1)|_2 |delta^(l+1)| with sigmoids."""
    sizes = [3] + [6] * 6 + [2]
    for seed in range(5):
        params = nn.init_params(sizes, rng=seed)
        X, Y = data(sizes, 1, seed)
        _, cache = nn.forward(params, X)
        deltas = [db for _, db in nn.backward(params, cache, Y)]
        for l in range(len(deltas) - 1):
            bound = 0.25 * np.linalg.norm(params[l + 1][0], 2) * np.linalg.norm(deltas[l + 1])
            assert np.linalg.norm(deltas[l]) <= bound * (1 + 1e-12)
    norms = nn.layer_gradient_norms(nn.init_params([3] + [8] * 10 + [1], rng=0), *data([3, 1], 50, 0))
    assert norms[0] < 1e-3 * norms[-1]


def test_parameters_round_trip() -> None:
    params = nn.init_params([2, 3, 4], rng=0)
    theta = nn.ravel_params(params)
    assert theta.shape == (2 * 3 + 3 + 3 * 4 + 4,)
    back = nn.unravel_params(theta, [2, 3, 4])
    for (W, b), (V, c) in zip(params, back):
        np.testing.assert_array_equal(W, V)
        np.testing.assert_array_equal(b, c)
    assert nn.sizes_of(params) == [2, 3, 4]


def test_init_params_is_deterministic_and_scaled() -> None:
    a = nn.ravel_params(nn.init_params([50, 400, 1], rng=7))
    b = nn.ravel_params(nn.init_params([50, 400, 1], rng=np.random.default_rng(7)))
    np.testing.assert_array_equal(a, b)
    W1, _ = nn.init_params([50, 400, 1], rng=7)[0]
    assert np.std(W1) == pytest.approx(1 / np.sqrt(50), rel=0.05)


def test_heart_curve_is_closed_and_in_the_unit_square() -> None:
    X, Y = nn.heart_curve(400)
    assert X.shape == (400, 1) and Y.shape == (400, 2)
    assert np.all((0.1 - 1e-12 <= Y) & (Y <= 0.9 + 1e-12))
    gap = np.linalg.norm(Y[0] - Y[-1])
    steps = np.linalg.norm(np.diff(Y, axis=0), axis=1)
    assert gap <= 1.01 * steps.max()  # the last point leads back to the first
    np.testing.assert_allclose(np.ptp(Y[:, 0]), 0.8, rtol=1e-3)  # the wider direction fills 0.1..0.9


def test_training_draws_the_heart() -> None:
    X, Y = nn.heart_curve(100)
    params = nn.init_params([1, 6, 7, 2], rng=0)
    res = nn.train(params, X, Y, step=5.0, n_iter=3000, record=[0, 1000, 3000])
    assert res.success and res.nit == 3000 and res.nfev == 3001
    assert res.costs.shape == (3001,) and res.fun == res.costs[-1]
    assert res.costs[0] / res.fun > 10
    assert res.fun == pytest.approx(nn.cost(res.x, X, Y), rel=1e-14)
    assert res.path.shape == (3, 77) and res.path_nit.tolist() == [0, 1000, 3000]
    np.testing.assert_array_equal(res.path[0], nn.ravel_params(params))  # params not modified
    again = nn.train(params, X, Y, step=5.0, n_iter=3000)
    assert again.fun == res.fun  # deterministic


def test_stochastic_training_and_callback() -> None:
    X, Y = nn.heart_curve(60)
    params = nn.init_params([1, 6, 7, 2], rng=0)
    a = nn.train(params, X, Y, step=2.0, n_iter=300, batch_size=10, rng=1)
    b = nn.train(params, X, Y, step=2.0, n_iter=300, batch_size=10, rng=1)
    assert a.fun == b.fun and a.fun < a.costs[0] and a.nfev == 301 + 300
    seen = []
    res = nn.train(params, X, Y, n_iter=100, callback=lambda i, p, c: seen.append(i) or i == 5)
    assert seen == [1, 2, 3, 4, 5] and res.nit == 5 and "callback" in res.message and res.success


def test_training_that_diverges_reports_failure() -> None:
    X, Y = nn.heart_curve(20)
    params = nn.init_params([1, 3, 2], rng=0)
    Y = 100 * Y  # targets far outside (0, 1): gradients of order 10, steps beyond 1e308
    res = nn.train(params, X, Y, step=1e308, n_iter=10)
    assert not res.success and "overflowed in step 1" in res.message and res.nit == 0
    assert res.fun == res.costs[-1] == nn.cost(params, X, Y)  # the last finite iterate
    np.testing.assert_array_equal(nn.ravel_params(res.x), nn.ravel_params(params))


# --- bad input -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("W", "X"),
    [
        ([[1e308, -1e308]], [[2.0, 2.0]]),  # 2e308 - 2e308: nan, or inf where the BLAS fuses multiply and add
        ([[1e308]], [[10.0]]),  # z = inf, which the sigmoid turns into a finite cost
    ],
)
def test_training_from_an_overflowing_start_is_refused(W, X) -> None:
    params = [(np.array(W), np.zeros(1))]
    with pytest.raises(ValueError, match="W x \\+ b or the cost is not finite at the starting params"):
        nn.train(params, X, [[0.5]])


def test_mismatched_shapes_are_reported() -> None:
    params = nn.init_params([2, 3, 1], rng=0)
    with pytest.raises(ValueError, match=r"X must have shape \(N, 2\)"):
        nn.forward(params, np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"use X.reshape\(-1, 1\)"):
        nn.forward(nn.init_params([1, 2], rng=0), np.ones(4))
    with pytest.raises(ValueError, match=r"Y must have shape \(4, 1\)"):
        nn.cost(params, np.ones((4, 2)), np.ones((4, 2)))
    W1, b1 = params[0]
    with pytest.raises(ValueError, match="layer 2 takes 3 inputs but layer 1 has 4 outputs"):
        nn.forward([(np.ones((4, 2)), np.ones(4)), params[1]], np.ones((1, 2)))
    with pytest.raises(ValueError, match=r"b of layer 1 must have shape \(3,\)"):
        nn.forward([(W1, np.ones(2)), params[1]], np.ones((1, 2)))
    with pytest.raises(ValueError, match="W of layer 1 must be a 2-D array"):
        nn.forward([(np.ones(3), b1)], np.ones((1, 2)))
    _, cache = nn.forward(params, np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"Y must have shape \(4, 1\)"):
        nn.backward(params, cache, np.ones((5, 1)))
    with pytest.raises(ValueError, match="cache does not belong to these params"):
        nn.backward(nn.init_params([2, 3, 3, 1], rng=0), cache, np.ones((4, 1)))
    with pytest.raises(TypeError, match="cache must be the Cache"):
        nn.backward(params, {"z": []}, np.ones((4, 1)))
    with pytest.raises(ValueError, match=r"theta must have shape \(13,\)"):
        nn.unravel_params(np.ones(12), [2, 3, 1])


def test_bad_arguments_are_reported() -> None:
    params = nn.init_params([1, 2], rng=0)
    X, Y = np.ones((3, 1)), np.ones((3, 2))
    with pytest.raises(ValueError, match="unknown activation 'relu'"):
        nn.forward(params, X, activation="relu")
    with pytest.raises(TypeError, match="params must be a non-empty list"):
        nn.forward("weights", X)
    with pytest.raises(TypeError, match=r"params\[0\] must be a pair"):
        nn.forward([np.ones((2, 1))], X)
    with pytest.raises(ValueError, match="X must be finite"):
        nn.forward(params, [[np.nan]])
    with pytest.raises(ValueError, match="at least two layers"):
        nn.init_params([3], rng=0)
    with pytest.raises(ValueError, match="at least 1"):
        nn.init_params([3, 0, 1], rng=0)
    with pytest.raises(TypeError, match="must be an integer"):
        nn.init_params([3, 2.5], rng=0)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        nn.init_params([3, 2], rng="seed")
    with pytest.raises(ValueError, match="step must be a finite number greater than 0"):
        nn.train(params, X, Y, step=-1.0)
    with pytest.raises(ValueError, match="n_iter must be at least 1"):
        nn.train(params, X, Y, n_iter=0)
    with pytest.raises(TypeError, match="n_iter must be an integer"):
        nn.train(params, X, Y, n_iter=10.5)
    with pytest.raises(ValueError, match="batch_size needs rng"):
        nn.train(params, X, Y, batch_size=2)
    with pytest.raises(ValueError, match="batch_size must be between 1 and the number of samples 3"):
        nn.train(params, X, Y, batch_size=4, rng=0)
    with pytest.raises(ValueError, match="record must hold iterations between 0 and n_iter=10"):
        nn.train(params, X, Y, n_iter=10, record=[11])
    with pytest.raises(TypeError, match="callback must be a callable"):
        nn.train(params, X, Y, callback=3)
    with pytest.raises(ValueError, match="n must be at least 3"):
        nn.heart_curve(2)
    with pytest.raises(ValueError, match=r"margin must be in \[0, 0.5\)"):
        nn.heart_curve(10, margin=0.5)


# --- the chapter's figure helpers for networks (mvcalc.plotting, chapter 3 section) ---


@pytest.fixture
def _agg():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


def test_network_figures(_agg) -> None:
    from mvcalc import plotting

    fig, ax = plotting.plot_network_diagram([1, 6, 7, 2], input_labels=["t"], output_labels=["x", "y"])
    assert fig.get_facecolor() == (1.0, 1.0, 1.0, 1.0)
    assert len(ax.get_lines()) == 6 + 42 + 14 + 4  # one line per weight, one marker set per layer
    with pytest.raises(ValueError, match="at least two layers of 1 to 16 neurons"):
        plotting.plot_network_diagram([3])
    fig, axes = plotting.plot_activation_derivatives((-4, 4))
    assert [ax.get_title() for ax in axes] == ["sigmoid", "tanh"]
    fig, ax = plotting.plot_layer_gradients({"sigmoid": [1e-6, 1e-3, 1.0]})
    assert ax.get_yscale() == "log" and ax.get_xlabel() and ax.get_ylabel()
    with pytest.raises(ValueError, match="must be positive"):
        plotting.plot_layer_gradients({"sigmoid": [0.0, 1.0]})
    X, Y = nn.heart_curve(20)
    fig, axes = plotting.plot_curve_snapshots(Y, {0: Y * 0 + 0.5, 100: Y})
    assert [ax.get_title() for ax in axes] == ["iteration 0", "iteration 100"]
    with pytest.raises(ValueError, match="must have the shape of target"):
        plotting.plot_curve_snapshots(Y, {0: Y[:5]})
    fig, ax = plotting.plot_cost_history([1.0, 0.5, 0.1], marks=[0, 2])
    assert ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="outside the iterations"):
        plotting.plot_cost_history([1.0, 0.5], marks=[5])
