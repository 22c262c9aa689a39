"""mvcalc.regression against independent oracles.

- NIST's certified values (parameters, standard deviations, residual sum of
  squares), computed by NIST in multiple-precision arithmetic;
- scipy: ``scipy.stats.linregress``, ``numpy.polyfit``, ``numpy.linalg.lstsq``,
  ``scipy.optimize.least_squares`` and ``scipy.optimize.curve_fit``;
- mpmath: the least-squares solution of Filip in 80-digit arithmetic.

The digits reached on NIST's problems are asserted as log relative errors
(LRE, correct significant digits) with these stated thresholds:

- linear problems by QR: 9 or more digits in every parameter on Norris,
  Pontius, NoInt1, Longley and Wampler1; 7 or more on Filip. Filip cannot do
  much better in double precision: even the *exact* least-squares solution of
  its data as stored in doubles has only about 7.9 correct digits, because
  rounding the decimal x values to binary perturbs x**10 in the 16th digit
  and Filip's condition number amplifies that to the 8th (tested below);
- nonlinear problems by Levenberg-Marquardt from both of NIST's starts: 8 or
  more digits in every parameter, 10 or more in the residual sum of squares,
  6 or more in the standard deviations.
"""

from __future__ import annotations

import math
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import mpmath  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import scipy.integrate  # noqa: E402
import scipy.optimize  # noqa: E402
import scipy.stats  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from mvcalc import plotting  # noqa: E402
from mvcalc.datasets import LINEAR, NONLINEAR, nist  # noqa: E402
from mvcalc.regression import (  # noqa: E402
    CURVE_FIT_METHODS,
    chi_squared,
    compare_nist,
    curve_fit,
    digits_table,
    fit_nist,
    gauss_newton_distance,
    gaussian,
    linear_fit,
    linear_least_squares,
    log_relative_error,
    polynomial_fit,
)

STARTS = [(name, start) for name in NONLINEAR for start in (1, 2)]


@pytest.fixture(scope="module")
def lm_fits() -> dict[tuple[str, int], object]:
    """Levenberg-Marquardt from each of NIST's starts, computed once."""
    out = {}
    for name, start in STARTS:
        ds = nist(name)
        out[name, start] = curve_fit(ds.model, ds.x, ds.y, ds.starts[start])
    return out


def heights_problem(seed: int = 2024, n: int = 500):
    rng = np.random.default_rng(seed)
    heights = rng.normal(170.0, 7.0, size=n)
    edges = np.arange(146.0, 196.0, 2.0)
    counts, _ = np.histogram(heights, edges)
    x = 0.5 * (edges[1:] + edges[:-1])
    sigma = np.sqrt(np.maximum(counts, 1))

    def model(x, mu, s):
        return gaussian(x, n * 2.0, mu, s)

    return model, x, counts.astype(float), sigma


# --------------------------------------------------------------------------
# chi-squared and the straight line
# --------------------------------------------------------------------------


def test_chi_squared_by_hand() -> None:
    assert chi_squared([1.0, 2.0], [1.5, 1.0]) == pytest.approx(0.25 + 1.0)
    assert chi_squared([1.0, 2.0], [1.5, 1.0], sigma=0.5) == pytest.approx((0.25 + 1.0) / 0.25)
    assert chi_squared([1.0, 2.0], [1.5, 1.0], sigma=[0.5, 1.0]) == pytest.approx(1.0 + 1.0)


def test_chi_squared_validation() -> None:
    with pytest.raises(ValueError, match="same shape"):
        chi_squared([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="sigma must be greater than 0"):
        chi_squared([1.0, 2.0], [1.0, 2.0], sigma=[1.0, 0.0])
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        chi_squared([1.0, 2.0], [1.0, 2.0], sigma=[1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="finite"):
        chi_squared([1.0, np.nan], [1.0, 2.0])
    with pytest.raises(TypeError, match="real number"):
        chi_squared(["a", "b"], [1.0, 2.0])


@settings(max_examples=40, deadline=None)
@given(
    slope=st.floats(-10, 10),
    intercept=st.floats(-10, 10),
    n=st.integers(3, 30),
    seed=st.integers(0, 10_000),
)
def test_linear_fit_matches_linregress(slope: float, intercept: float, n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-5, 5, n))
    y = slope * x + intercept + rng.normal(0, 0.5, n)
    ours = linear_fit(x, y)
    ref = scipy.stats.linregress(x, y)
    scale = 1 + abs(ref.slope) + abs(ref.intercept)
    assert abs(ours.slope - ref.slope) <= 1e-10 * scale
    assert abs(ours.intercept - ref.intercept) <= 1e-10 * scale
    assert ours.slope_stderr == pytest.approx(ref.stderr, rel=1e-8, abs=1e-14)
    assert ours.intercept_stderr == pytest.approx(ref.intercept_stderr, rel=1e-8, abs=1e-14)
    assert ours.dof == n - 2


def test_weighted_linear_fit_matches_polyfit() -> None:
    rng = np.random.default_rng(4)
    x = np.linspace(0, 10, 15)
    sigma = rng.uniform(0.2, 2.0, x.size)
    y = 1.5 * x - 2 + rng.normal(0, sigma)
    ours = linear_fit(x, y, sigma)
    coef, cov = np.polyfit(x, y, 1, w=1 / sigma, cov="unscaled")
    np.testing.assert_allclose(ours.params, coef, rtol=1e-12)
    np.testing.assert_allclose(ours.covariance, cov, rtol=1e-10)
    assert ours.chi2 == pytest.approx(chi_squared(y, ours.slope * x + ours.intercept, sigma))
    np.testing.assert_allclose(ours.residuals, y - (ours.slope * x + ours.intercept))


def test_linear_fit_on_norris_reaches_the_certified_digits() -> None:
    ds = nist("Norris")
    fit = linear_fit(ds.x, ds.y)
    lre = log_relative_error([fit.intercept, fit.slope], ds.certified_params, cap=15)
    assert np.min(lre) >= 11
    sd = log_relative_error([fit.intercept_stderr, fit.slope_stderr], ds.certified_stderr, cap=15)
    assert np.min(sd) >= 11


def test_linear_fit_validation() -> None:
    with pytest.raises(ValueError, match="same length"):
        linear_fit([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="at least 3 points"):
        linear_fit([1.0, 2.0], [1.0, 2.0])
    assert linear_fit([1.0, 2.0], [1.0, 3.0], sigma=1.0).slope == pytest.approx(2.0)
    with pytest.raises(ValueError, match="two distinct values"):
        linear_fit([2.0, 2.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="sigma must be greater than 0"):
        linear_fit([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], sigma=-1.0)
    with pytest.raises(ValueError, match="finite"):
        linear_fit([1.0, np.inf, 3.0], [1.0, 2.0, 3.0])


# --------------------------------------------------------------------------
# Linear least squares
# --------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(n=st.integers(3, 40), p=st.integers(1, 3), seed=st.integers(0, 10_000))
def test_linear_least_squares_matches_numpy(n: int, p: int, seed: int) -> None:
    p = min(p, n)
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(n, p))
    y = rng.normal(size=n)
    ours = linear_least_squares(A, y)
    ref = np.linalg.lstsq(A, y, rcond=None)[0]
    assert ours.success
    np.testing.assert_allclose(ours.params, ref, rtol=1e-8, atol=1e-10)
    for method in ("normal", "exact"):
        np.testing.assert_allclose(linear_least_squares(A, y, method=method).params, ref, rtol=1e-6, atol=1e-8)


def test_covariance_is_the_inverse_normal_matrix() -> None:
    rng = np.random.default_rng(5)
    x = np.linspace(-1, 1, 20)
    A = np.column_stack([np.ones_like(x), x, x**2])
    sigma = rng.uniform(0.5, 1.5, x.size)
    y = A @ [1.0, -2.0, 0.5] + rng.normal(0, sigma)
    fit = linear_least_squares(A, y, sigma)
    W = np.diag(1 / sigma**2)
    np.testing.assert_allclose(fit.covariance, np.linalg.inv(A.T @ W @ A), rtol=1e-10)
    unknown = linear_least_squares(A, y)  # sigma unknown: scaled by chi2 / dof
    np.testing.assert_allclose(unknown.covariance, np.linalg.inv(A.T @ A) * unknown.chi2 / 17, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("name", LINEAR)
def test_nist_linear_certified_digits(name: str) -> None:
    ds = nist(name)
    fit = linear_least_squares(ds.design_matrix(), ds.y)
    assert fit.success
    need = 7 if name == "Filip" else 9
    lre = log_relative_error(fit.params, ds.certified_params, cap=15)
    assert np.min(lre) >= need, (name, lre)
    # standard deviations to 3 digits or more (Wampler1: certified exactly 0, absolute error)
    assert np.min(log_relative_error(fit.stderr, ds.certified_stderr, cap=15)) >= (6 if need == 7 else 7)
    assert log_relative_error(fit.chi2, ds.certified_rss, cap=15) >= (7 if name == "Filip" else 9)


@pytest.mark.parametrize("name", ["Norris", "Pontius", "Filip", "Wampler1"])
def test_polynomial_fit_equals_the_design_matrix_route(name: str) -> None:
    ds = nist(name)
    poly = polynomial_fit(ds.x, ds.y, ds.n_params - 1)
    direct = linear_least_squares(ds.design_matrix(), ds.y)
    np.testing.assert_array_equal(poly.params, direct.params)
    assert poly.degree == ds.n_params - 1
    assert np.min(log_relative_error(poly.params, ds.certified_params, cap=15)) >= (7 if name == "Filip" else 9)


def test_filip_is_hard_for_every_method_and_impossible_for_the_normal_equations() -> None:
    ds = nist("Filip")
    A, y = ds.design_matrix(), ds.y
    normal = linear_least_squares(A, y, method="normal")
    assert not normal.success and "singular" in normal.message
    assert np.min(log_relative_error(normal.params, ds.certified_params)) < 2
    # the exact least-squares solution of the data as stored in doubles, in 80-digit arithmetic
    mpmath.mp.dps = 80
    Am = mpmath.matrix([[mpmath.mpf(float(v)) for v in row] for row in A])
    ym = mpmath.matrix([mpmath.mpf(float(v)) for v in y])
    exact_mp = np.array([float(v) for v in mpmath.lu_solve(Am.T * Am, Am.T * ym)], dtype=float)
    limit = np.min(log_relative_error(exact_mp, ds.certified_params, cap=15))
    assert 7.5 < limit < 8.2  # about 7.9 digits: the most any double-precision method can reach
    # mvcalc's exact rational arithmetic agrees with mpmath to the last digit or so
    ours_exact = linear_least_squares(A, y, method="exact").params
    np.testing.assert_allclose(ours_exact, exact_mp, rtol=1e-14)
    qr = linear_least_squares(A, y)
    # within a digit of that limit: how close depends on the order of the
    # floating-point operations, which the BLAS kernel of the processor sets
    # (7.3 digits with OpenBLAS's AVX-512 kernels, 7.8 with its AVX2 ones)
    assert np.min(log_relative_error(qr.params, ds.certified_params)) > limit - 1
    assert qr.cond > 1e9  # even after scaling the columns


def test_normal_equations_lose_twice_the_digits() -> None:
    for name in ("Longley", "Wampler1"):
        ds = nist(name)
        qr = np.min(log_relative_error(linear_least_squares(ds.design_matrix(), ds.y).params,
                                       ds.certified_params, cap=15))
        ne = np.min(log_relative_error(linear_least_squares(ds.design_matrix(), ds.y, method="normal").params,
                                       ds.certified_params, cap=15))
        assert 15 - ne > 1.5 * (15 - qr), name


def test_rank_deficient_design_is_reported() -> None:
    x = np.linspace(1, 5, 10)
    A = np.column_stack([x, 2 * x, np.ones_like(x)])
    for method in ("qr", "normal"):
        fit = linear_least_squares(A, 3 * x + 1, method=method)
        assert not fit.success and fit.rank == 2
        assert "linearly dependent" in fit.message
    exactly = linear_least_squares(np.zeros((4, 2)), np.ones(4))
    assert not exactly.success and np.all(np.isnan(exactly.params))


def test_linear_least_squares_validation() -> None:
    with pytest.raises(ValueError, match=r"2-D array of shape \(n, p\)"):
        linear_least_squares([1.0, 2.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="A has 3 rows but y has 2"):
        linear_least_squares(np.ones((3, 1)), [1.0, 2.0])
    with pytest.raises(ValueError, match="fewer data points"):
        linear_least_squares(np.ones((2, 3)), [1.0, 2.0])
    with pytest.raises(ValueError, match="unknown method 'svd'"):
        linear_least_squares(np.ones((3, 1)), [1.0, 2.0, 3.0], method="svd")
    with pytest.raises(ValueError, match="sigma must be greater than 0"):
        linear_least_squares(np.ones((3, 1)), [1.0, 2.0, 3.0], sigma=[1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="finite"):
        linear_least_squares(np.ones((3, 1)), [1.0, np.nan, 3.0])
    with pytest.raises(TypeError, match="degree must be an integer"):
        polynomial_fit([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], 1.5)
    with pytest.raises(ValueError, match="degree must be at least 0"):
        polynomial_fit([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], -1)
    with pytest.raises(ValueError, match="needs at least 4 points"):
        polynomial_fit([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], 3)


# --------------------------------------------------------------------------
# Nonlinear least squares: NIST
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "start"), STARTS)
def test_lm_reaches_the_certified_digits(lm_fits, name: str, start: int) -> None:
    ds = nist(name)
    fit = lm_fits[name, start]
    assert fit.success, fit.message
    d = ds.digits(fit.params, fit.chi2)
    assert d["min"] >= 8, (name, start, d)
    assert d["rss"] >= 10, (name, start, d)
    sd = np.min(log_relative_error(fit.stderr, ds.certified_stderr, cap=11))
    assert sd >= 6, (name, start, sd)
    assert fit.dof == ds.dof
    assert fit.path.shape == (fit.nit + 1, ds.n_params)
    np.testing.assert_array_equal(fit.path[0], ds.starts[start])
    np.testing.assert_array_equal(fit.path[-1], fit.params)
    # chi-squared never rises along the path (up to its rounding error)
    assert np.all(np.diff(fit.chi2_path) <= 1e-9 * fit.chi2_path[:-1])


@pytest.mark.parametrize(("name", "start"), STARTS)
def test_lm_is_at_least_as_accurate_as_scipy(lm_fits, name: str, start: int) -> None:
    ds = nist(name)
    ours = ds.digits(lm_fits[name, start].params)["min"]
    theirs = fit_nist(ds, start, solver="scipy")
    if theirs.success:
        assert ours >= theirs.min_digits - 0.1


@pytest.mark.parametrize(("name", "start"), STARTS)
def test_lm_result_is_a_minimum_for_scipy_least_squares(lm_fits, name: str, start: int) -> None:
    """scipy's trust-region solver, started at our answer with an exact Jacobian, stays there."""
    ds = nist(name)
    p = lm_fits[name, start].params
    res = scipy.optimize.least_squares(
        lambda q: ds.y - ds.model(ds.x, *q), p, method="trf", x_scale="jac",
        jac=lambda q: -np.column_stack([np.imag(ds.model(ds.x, *(q + 1e-20j * e))) / 1e-20
                                        for e in np.eye(q.size)]),
        ftol=1e-15, xtol=1e-15, gtol=1e-15,
    )
    np.testing.assert_allclose(res.x, p, rtol=1e-8)
    assert 2 * res.cost == pytest.approx(lm_fits[name, start].chi2, rel=1e-12)


def test_uncertainties_match_scipy_curve_fit_on_nist() -> None:
    for name in ("Misra1a", "Chwirut2", "Eckerle4"):
        ds = nist(name)
        fit = curve_fit(ds.model, ds.x, ds.y, ds.start2)
        popt, pcov = scipy.optimize.curve_fit(ds.model, ds.x, ds.y, p0=ds.start2,
                                              ftol=1e-14, xtol=1e-14, gtol=1e-14)
        np.testing.assert_allclose(np.sqrt(np.diag(pcov)), fit.stderr, rtol=1e-5)
        corr = lambda c: c / np.sqrt(np.outer(np.diag(c), np.diag(c)))  # noqa: E731
        np.testing.assert_allclose(corr(pcov), corr(fit.covariance), atol=1e-5)


GN_FAILS = [("BoxBOD", 1), ("Rat43", 1), ("MGH09", 1), ("MGH09", 2), ("Eckerle4", 1), ("Thurber", 1),
            ("Hahn1", 1)]


@pytest.mark.parametrize(("name", "start"), GN_FAILS)
def test_gauss_newton_fails_where_lm_succeeds(lm_fits, name: str, start: int) -> None:
    ds = nist(name)
    gn = curve_fit(ds.model, ds.x, ds.y, ds.starts[start], method="gauss-newton")
    assert not gn.success and gn.status == 0
    assert gn.message
    assert lm_fits[name, start].success


@pytest.mark.parametrize(("name", "start"), STARTS)
def test_gauss_newton_never_reports_a_wrong_point(name: str, start: int) -> None:
    ds = nist(name)
    gn = curve_fit(ds.model, ds.x, ds.y, ds.starts[start], method="gauss-newton")
    if gn.success:
        assert ds.digits(gn.params)["min"] >= 8


def test_scipy_reports_a_wrong_point_on_boxbod_and_we_do_not() -> None:
    ours = fit_nist("BoxBOD", 1)
    theirs = fit_nist("BoxBOD", 1, solver="scipy")
    assert ours.success and ours.min_digits >= 9
    assert theirs.success and theirs.min_digits < 1


# --------------------------------------------------------------------------
# Nonlinear least squares: agreement with scipy on well-posed problems
# --------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    amplitude=st.floats(0.5, 20.0),
    rate=st.floats(0.1, 3.0),
    noise=st.floats(0.0, 0.05),
    seed=st.integers(0, 10_000),
)
def test_curve_fit_agrees_with_scipy(amplitude: float, rate: float, noise: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 4 / rate, 25)
    sigma = np.full(x.size, 0.01 + noise * amplitude)
    y = amplitude * np.exp(-rate * x) + rng.normal(0, noise * amplitude, x.size)

    def model(x, a, k):
        return a * np.exp(-k * x)

    p0 = [amplitude * 1.5, rate * 0.6]
    ours = curve_fit(model, x, y, p0, sigma=sigma)
    popt, pcov = scipy.optimize.curve_fit(model, x, y, p0=p0, sigma=sigma, absolute_sigma=True,
                                          ftol=1e-14, xtol=1e-14, gtol=1e-14)
    assert ours.success
    np.testing.assert_allclose(ours.params, popt, rtol=1e-7)
    np.testing.assert_allclose(ours.stderr, np.sqrt(np.diag(pcov)), rtol=1e-5)


@pytest.mark.parametrize("method", CURVE_FIT_METHODS)
def test_every_method_finds_the_gaussian(method: str) -> None:
    model, x, counts, sigma = heights_problem()
    popt, pcov = scipy.optimize.curve_fit(model, x, counts, p0=[160.0, 12.0], sigma=sigma,
                                          absolute_sigma=True)
    tol = 1e-7 if method == "gradient-descent" else 1e-10
    fit = curve_fit(model, x, counts, [160.0, 12.0], sigma=sigma, method=method, tol=tol)
    assert fit.success and fit.method == method
    np.testing.assert_allclose(fit.params, popt, rtol=1e-5 if method == "gradient-descent" else 1e-6)
    np.testing.assert_allclose(fit.covariance, pcov, rtol=1e-4, atol=1e-5 * np.abs(pcov).max())
    assert fit.distance <= tol
    assert fit.nfev >= fit.nit and fit.njev >= 1


def test_exact_jacobian_callable_and_finite_differences() -> None:
    model, x, counts, sigma = heights_problem()

    def jac(x, mu, s):  # the partial derivatives of the Gaussian, by hand
        g = model(x, mu, s)
        return np.column_stack([g * (x - mu) / s**2, g * ((x - mu) ** 2 / s**3 - 1 / s)])

    ref = curve_fit(model, x, counts, [160.0, 12.0], sigma=sigma)
    by_hand = curve_fit(model, x, counts, [160.0, 12.0], sigma=sigma, jac=jac)
    np.testing.assert_allclose(by_hand.params, ref.params, rtol=1e-12)
    central = curve_fit(model, x, counts, [160.0, 12.0], sigma=sigma, jac="central", tol=1e-8)
    assert central.success and "central-difference Jacobian" in central.message
    np.testing.assert_allclose(central.params, ref.params, rtol=1e-7)


def test_gradient_descent_step_too_large_is_reported() -> None:
    model, x, counts, sigma = heights_problem()
    ok = curve_fit(model, x, counts, [160.0, 12.0], sigma=sigma, method="gradient-descent", step=0.01, tol=1e-6)
    assert ok.success
    bad = curve_fit(model, x, counts, [160.0, 12.0], sigma=sigma, method="gradient-descent", step=0.08, tol=1e-6)
    assert not bad.success and "step size is too large" in bad.message
    assert bad.nit < 200  # it stops early instead of running to maxiter


def test_maxiter_stops_the_iteration() -> None:
    ds = nist("MGH09")
    for method in CURVE_FIT_METHODS:
        fit = curve_fit(ds.model, ds.x, ds.y, ds.start1, method=method, maxiter=3)
        assert not fit.success and fit.nit <= 3
        assert "maximum number of iterations (3)" in fit.message or "stopped" in fit.message or \
            "singular" in fit.message


def test_inaccurate_jacobian_stagnation_is_reported() -> None:
    # A forward-difference Jacobian stalls the Gauss-Newton step at about 1e-10
    # of the parameters: far above tol = 1e-12 (the default 1e-10 is a coin flip
    # that rounding decides), far below 1e-8.
    for start in (1, 2):
        fit = fit_nist("DanWood", start, jac="forward", tol=1e-12)
        assert not fit.success and "stagnates" in fit.message
        assert fit_nist("DanWood", start, jac="forward", tol=1e-8).success


def test_exact_fit_converges() -> None:
    x = np.linspace(0, 2, 10)
    fit = curve_fit(lambda x, a, b: a * x + b * x**2, x, 2 * x + 3 * x**2, [1.0, 1.0], method="gauss-newton")
    assert fit.success
    np.testing.assert_allclose(fit.params, [2.0, 3.0], rtol=1e-12)


def test_x_can_hold_several_predictors() -> None:
    ds = nist("Longley")
    fit = curve_fit(ds.model, ds.x, ds.y, np.zeros(7), method="gauss-newton")
    assert fit.success
    assert np.min(log_relative_error(fit.params, ds.certified_params)) >= 6


def test_gauss_newton_distance() -> None:
    rng = np.random.default_rng(0)
    A = rng.normal(size=(10, 3))
    y = rng.normal(size=10)
    p = np.linalg.lstsq(A, y, rcond=None)[0]
    assert gauss_newton_distance(A, y - A @ p, p) < 1e-14
    assert gauss_newton_distance(A, y - A @ (p + 0.1), p + 0.1) > 1e-3
    assert gauss_newton_distance(np.column_stack([A[:, 0], A[:, 0]]), y, [1.0, 1.0]) == np.inf
    with pytest.raises(ValueError, match="J must have shape"):
        gauss_newton_distance(A, y[:5], p)


def test_gaussian_has_the_stated_area() -> None:
    area, _ = scipy.integrate.quad(lambda x: gaussian(x, 7.0, 3.0, 2.0), -np.inf, np.inf)
    assert area == pytest.approx(7.0, rel=1e-10)
    assert gaussian(3.0, 1.0, 3.0, 2.0) == pytest.approx(1 / (2.0 * math.sqrt(2 * math.pi)))


def test_curve_fit_validation() -> None:
    x = np.linspace(0, 1, 5)
    y = 2 * x + 1

    def line(x, a, b):
        return a * x + b

    with pytest.raises(TypeError, match="model must be a callable"):
        curve_fit("line", x, y, [1.0, 1.0])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="same number of points"):
        curve_fit(line, x[:4], y, [1.0, 1.0])
    with pytest.raises(ValueError, match="sigma must be greater than 0"):
        curve_fit(line, x, y, [1.0, 1.0], sigma=0.0)
    with pytest.raises(ValueError, match=r"one uncertainty per data point"):
        curve_fit(line, x, y, [1.0, 1.0], sigma=[1.0, 1.0])
    with pytest.raises(ValueError, match="y must be finite"):
        curve_fit(line, x, np.where(x > 0.5, np.nan, y), [1.0, 1.0])
    with pytest.raises(ValueError, match="x must be finite"):
        curve_fit(line, np.where(x > 0.5, np.inf, x), y, [1.0, 1.0])
    with pytest.raises(ValueError, match="p0 must be finite"):
        curve_fit(line, x, y, [np.nan, 1.0])
    with pytest.raises(ValueError, match=r"fewer data points \(2\) than parameters \(3\)"):
        curve_fit(lambda x, a, b, c: a + b * x + c * x**2, x[:2], y[:2], [1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="unknown method 'newton'"):
        curve_fit(line, x, y, [1.0, 1.0], method="newton")
    with pytest.raises(ValueError, match="unknown jac 'exact'"):
        curve_fit(line, x, y, [1.0, 1.0], jac="exact")
    with pytest.raises(TypeError, match="jac must be a callable"):
        curve_fit(line, x, y, [1.0, 1.0], jac=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="tol must be a finite number greater than 0"):
        curve_fit(line, x, y, [1.0, 1.0], tol=0.0)
    with pytest.raises(ValueError, match="maxiter must be at least 1"):
        curve_fit(line, x, y, [1.0, 1.0], maxiter=0)
    with pytest.raises(TypeError, match="maxiter must be an integer"):
        curve_fit(line, x, y, [1.0, 1.0], maxiter=2.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="step fixes the step size of gradient descent"):
        curve_fit(line, x, y, [1.0, 1.0], step=0.1)
    with pytest.raises(ValueError, match=r"must return an array of shape \(5,\)"):
        curve_fit(lambda x, a, b: a, x, y, [1.0, 1.0])
    with pytest.raises(ValueError, match="not finite and real at the starting point"):
        curve_fit(lambda x, a, b: a * np.log(x) + b, x, y, [1.0, 1.0])
    with pytest.raises(ValueError, match="model.x, .p0. raised TypeError"):
        curve_fit(lambda x, a: a * x, x, y, [1.0, 1.0])
    with pytest.raises(ValueError, match="numpy functions that accept complex input"):
        curve_fit(lambda x, a, b: math.exp(a) * x + b, x, y, [1.0, 1.0])  # math.exp rejects complex a
    with pytest.raises(ValueError, match=r"jac\(x, \*p0\) must return a finite array of shape \(5, 2\)"):
        curve_fit(line, x, y, [1.0, 1.0], jac=lambda x, a, b: np.ones((5, 3)))


# --------------------------------------------------------------------------
# fit_nist, compare_nist, digits_table
# --------------------------------------------------------------------------


def test_fit_nist_and_tables() -> None:
    results = compare_nist(["Norris", "Misra1a"], solvers=("mvcalc", "scipy"))
    assert [(r.dataset.name, r.start, r.solver) for r in results] == [
        ("Norris", None, "mvcalc"), ("Norris", None, "scipy"),
        ("Misra1a", 1, "mvcalc"), ("Misra1a", 1, "scipy"), ("Misra1a", 2, "mvcalc"), ("Misra1a", 2, "scipy"),
    ]
    table = digits_table(results)
    lines = table.splitlines()
    assert lines[0] == "| problem | difficulty | start | mvcalc | scipy |"
    assert len(lines) == 2 + 3
    assert all(line.count("|") == 6 for line in lines)
    failed = fit_nist("MGH09", 1, solver="scipy")
    assert not failed.success and failed.min_digits == 0
    assert "failed" in digits_table([fit_nist("MGH09", 1), failed])


def test_fit_nist_validation() -> None:
    with pytest.raises(ValueError, match="linear problem with no starting values"):
        fit_nist("Norris", 1)
    with pytest.raises(ValueError, match="start must be 1 or 2"):
        fit_nist("Misra1a")
    with pytest.raises(ValueError, match="for linear problems"):
        fit_nist("Misra1a", 1, solver="exact")
    with pytest.raises(ValueError, match="unknown solver"):
        fit_nist("Norris", solver="R")


# --------------------------------------------------------------------------
# The figures of chapter 6 (mvcalc.plotting)
# --------------------------------------------------------------------------


def test_regression_figures_draw_and_validate() -> None:
    model, x, counts, sigma = heights_problem()
    fit = curve_fit(model, x, counts, [160.0, 12.0], sigma=sigma)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figs = [
            plotting.plot_likelihood([0.0, 1.0, 2.0], [0.1, 1.2, 1.9], 0.2, {"line": lambda t: t})[0],
            plotting.plot_fit(x, counts, lambda t: model(t, *fit.params), sigma=sigma)[0],
            plotting.plot_histogram_fit(np.arange(146.0, 196.0, 2.0), counts, {"fit": lambda t: model(t, *fit.params)})[0],
            plotting.plot_chi2_landscape(model, x, counts, (160, 180), (4, 12), sigma=sigma,
                                         paths={"lm": fit.path}, minimum=fit.params, log=True, n=21)[0],
            plotting.plot_convergence({"lm": fit.chi2_path}, reference=fit.chi2)[0],
            plotting.plot_uncertainty_ellipse(model, x, counts, fit.params, fit.covariance, sigma=sigma, n=31)[0],
            plotting.plot_digits(["a", "b"], {"s1": [3.0, np.nan], "s2": [5.0, 9.0]}, cap=11)[0],
        ]
    for fig in figs:
        assert fig.get_facecolor() == (1.0, 1.0, 1.0, 1.0)
        plt.close(fig)
    with pytest.raises(ValueError, match="same length"):
        plotting.plot_fit([1.0, 2.0], [1.0], lambda t: t)
    with pytest.raises(ValueError, match="one more value than counts"):
        plotting.plot_histogram_fit([0.0, 1.0], [1.0, 2.0], {})
    with pytest.raises(ValueError, match="symmetric positive definite"):
        plotting.plot_uncertainty_ellipse(model, x, counts, fit.params, -np.eye(2))
    with pytest.raises(ValueError, match="one value per category"):
        plotting.plot_digits(["a", "b"], {"s": [1.0]})
    with pytest.raises(ValueError, match=r"shape \(k, 2\)"):
        plotting.plot_chi2_landscape(model, x, counts, (160, 180), (4, 12), paths={"p": [1.0, 2.0]}, n=5)
    with pytest.raises(ValueError, match="at least one model"):
        plotting.plot_likelihood([0.0, 1.0], [0.0, 1.0], 1.0, {})
    plt.close("all")


# --------------------------------------------------------------------------
# Review fixes
# --------------------------------------------------------------------------


@pytest.mark.parametrize("jac", ["central", "forward", "backward"])
def test_finite_difference_jacobian_scales_the_covariance_when_sigma_is_unknown(jac: str) -> None:
    """Without sigma the covariance is s^2 (J^T J)^{-1} whatever the Jacobian (it was once unscaled)."""
    ds = nist("DanWood")
    exact = curve_fit(ds.model, ds.x, ds.y, ds.start2)
    approx = curve_fit(ds.model, ds.x, ds.y, ds.start2, jac=jac, tol=1e-7)
    assert approx.success
    np.testing.assert_allclose(approx.stderr, exact.stderr, rtol=1e-5)
    assert np.min(log_relative_error(approx.stderr, ds.certified_stderr, cap=11)) >= 5
    popt, pcov = scipy.optimize.curve_fit(ds.model, ds.x, ds.y, p0=ds.start2)
    np.testing.assert_allclose(approx.stderr, np.sqrt(np.diag(pcov)), rtol=1e-4)


def test_gradient_descent_line_search_satisfies_armijo() -> None:
    """Every accepted step of the line search lowers chi-squared by the Armijo fraction of the slope."""
    from mvcalc.multivariate import jacobian

    model, x, counts, sigma = heights_problem()
    fit = curve_fit(model, x, counts, [160.0, 12.0], sigma=sigma, method="gradient-descent", tol=1e-7)
    assert fit.success and fit.nit > 5

    for k in range(fit.nit):
        p = fit.path[k]
        J = jacobian(lambda q: model(x, *q), p, method="complex") / sigma[:, None]
        g = -2.0 * J.T @ ((counts - model(x, *p)) / sigma)  # the gradient of chi-squared, independently
        step = fit.path[k + 1] - fit.path[k]
        gamma = np.linalg.norm(step) / np.linalg.norm(g)
        np.testing.assert_allclose(step, -gamma * g, rtol=1e-6, atol=1e-12)  # along -grad chi^2
        assert fit.chi2_path[k + 1] <= fit.chi2_path[k] - 1e-4 * gamma * float(g @ g) * (1 - 1e-9)
