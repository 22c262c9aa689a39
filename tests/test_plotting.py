"""Tests of :mod:`mvcalc.plotting`: the book's style and the figure helpers of chapter 1."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from mvcalc import plotting  # noqa: E402
from mvcalc.derivatives import EPS, finite_difference_error, optimal_step  # noqa: E402

#: The Okabe-Ito palette as published (Okabe and Ito 2008), independent of the module.
OKABE_ITO_HEX = {
    "#000000",
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
}
WHITE = (1.0, 1.0, 1.0, 1.0)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _hex(colour) -> str:
    return mcolors.to_hex(colour).upper()


def _assert_labelled(ax: Axes) -> None:
    assert ax.get_xlabel().strip(), "x axis has no label"
    assert ax.get_ylabel().strip(), "y axis has no label"


def _assert_book_figure(fig: Figure) -> None:
    assert isinstance(fig, Figure)
    assert fig.get_facecolor() == WHITE, "figures must have an opaque white background"


def _lines_with_label(ax: Axes, fragment: str) -> list[Line2D]:
    return [line for line in ax.get_lines() if fragment in line.get_label()]


# --------------------------------------------------------------------------
# Style
# --------------------------------------------------------------------------


def test_palette_is_okabe_ito():
    assert {_hex(c) for c in plotting.OKABE_ITO.values()} == OKABE_ITO_HEX
    assert len(plotting.OKABE_ITO) == 8


def test_line_palette_uses_only_okabe_ito_and_no_duplicates():
    assert {_hex(c) for c in plotting.PALETTE} <= OKABE_ITO_HEX
    assert len(set(plotting.PALETTE)) == len(plotting.PALETTE) >= 6
    # yellow is too pale for lines on white
    assert "#F0E442" not in {_hex(c) for c in plotting.PALETTE}


def test_lines_differ_by_more_than_colour():
    n = len(plotting.PALETTE)
    assert len(plotting.LINESTYLES) == n
    assert len({str(s) for s in plotting.LINESTYLES}) == n
    assert len(set(plotting.MARKERS)) == n
    cycle = plotting.BOOK_RC["axes.prop_cycle"].by_key()
    assert [_hex(c) for c in cycle["color"]] == [_hex(c) for c in plotting.PALETTE]
    assert len({str(s) for s in cycle["linestyle"]}) == n


def test_book_style_sets_opaque_white_background_and_restores():
    before = dict(mpl.rcParams)
    with plotting.book_style():
        assert mcolors.to_rgba(mpl.rcParams["figure.facecolor"]) == WHITE
        assert mcolors.to_rgba(mpl.rcParams["savefig.facecolor"]) == WHITE
        assert mpl.rcParams["savefig.transparent"] is False
        fig, _ = plt.subplots()
        assert fig.get_facecolor() == WHITE
        colours = [_hex(c) for c in mpl.rcParams["axes.prop_cycle"].by_key()["color"]]
        assert set(colours) <= OKABE_ITO_HEX
    assert mpl.rcParams["axes.prop_cycle"] == before["axes.prop_cycle"]
    assert mpl.rcParams["figure.facecolor"] == before["figure.facecolor"]


def test_book_style_keeps_interactive_mode_switched_on_inside():
    # A notebook backend switches interactive mode on when the first figure is
    # made; if the style undid that, later figures would never be shown.
    was = mpl.is_interactive()
    try:
        mpl.interactive(False)
        with plotting.book_style():
            mpl.interactive(True)
        assert mpl.is_interactive()
    finally:
        mpl.interactive(was)


def test_use_book_style_updates_rcparams():
    with mpl.rc_context():
        mpl.rcParams["figure.facecolor"] = (1, 1, 1, 0)  # transparent, as in some notebooks
        plotting.use_book_style()
        assert mcolors.to_rgba(mpl.rcParams["figure.facecolor"]) == WHITE
        assert mcolors.to_rgba(mpl.rcParams["savefig.facecolor"]) == WHITE


def test_helper_figures_are_white_even_under_a_transparent_default():
    with mpl.rc_context({"figure.facecolor": (1, 1, 1, 0)}):
        fig, _ = plotting.plot_graph(np.sin, (0, 1))
    _assert_book_figure(fig)


# --------------------------------------------------------------------------
# plot_graph
# --------------------------------------------------------------------------


def test_plot_graph_draws_the_function_and_marks_points():
    fig, ax = plotting.plot_graph(lambda x: x**2, (0, 3), points=[1, 2], xlabel="t (s)",
                                  ylabel="v (m/s)", label="curve")
    _assert_book_figure(fig)
    assert ax.get_xlabel() == "t (s)" and ax.get_ylabel() == "v (m/s)"
    curve = _lines_with_label(ax, "curve")[0]
    x, y = curve.get_data()
    np.testing.assert_allclose(y, np.asarray(x) ** 2)
    markers = [line for line in ax.get_lines() if line.get_marker() not in ("None", "", None)
               and len(line.get_xdata()) == 1]
    assert sorted((float(m.get_xdata()[0]), float(m.get_ydata()[0])) for m in markers) == [
        (1.0, 1.0),
        (2.0, 4.0),
    ]


def test_plot_graph_accepts_scalar_only_functions():
    import math

    fig, ax = plotting.plot_graph(math.sin, (0, 1), n=11)
    x, y = ax.get_lines()[0].get_data()
    np.testing.assert_allclose(y, np.sin(x))


@pytest.mark.parametrize("bad", [(1, 0), (0, np.inf), (0, 1, 2), "ab"])
def test_plot_graph_rejects_bad_ranges(bad):
    with pytest.raises((ValueError, TypeError)):
        plotting.plot_graph(np.sin, bad)


def test_plot_graph_rejects_non_callable():
    with pytest.raises(TypeError):
        plotting.plot_graph(3.0, (0, 1))


# --------------------------------------------------------------------------
# plot_speed_time
# --------------------------------------------------------------------------


def test_plot_speed_time_panels_units_and_slope():
    speed = lambda t: 0.12 * t**2 * (10 - t)  # noqa: E731
    fig, axes = plotting.plot_speed_time(speed, (0, 10), run=(2, 4))
    _assert_book_figure(fig)
    ax_v, ax_a = axes
    for ax in axes:
        _assert_labelled(ax)
        assert "(s)" in ax.get_xlabel()
    assert "(m/s)" in ax_v.get_ylabel()
    assert "m/s$^2$" in ax_a.get_ylabel()
    # the acceleration panel holds v'(t) = 0.12 (20 t - 3 t^2)
    accel = _lines_with_label(ax_a, "acceleration")[0]
    t, a = accel.get_data()
    np.testing.assert_allclose(a, 0.12 * (20 * t - 3 * t**2), atol=1e-6)
    # the secant joins (2, v(2)) and (4, v(4)); its slope is the average acceleration
    secant = _lines_with_label(ax_v, "secant")[0]
    np.testing.assert_allclose(secant.get_xdata(), [2, 4])
    np.testing.assert_allclose(secant.get_ydata(), [speed(2.0), speed(4.0)])
    average = _lines_with_label(ax_a, "average")[0]
    np.testing.assert_allclose(average.get_ydata(), [(speed(4.0) - speed(2.0)) / 2] * 2)


def test_plot_speed_time_rejects_run_outside_range():
    with pytest.raises(ValueError):
        plotting.plot_speed_time(lambda t: t, (0, 10), run=(5, 12))


# --------------------------------------------------------------------------
# plot_secants
# --------------------------------------------------------------------------


def test_plot_secants_lines_have_secant_and_tangent_slopes():
    f = lambda x: x**2  # noqa: E731
    hs = [1.0, 0.5, 0.1]
    fig, ax = plotting.plot_secants(f, 1.0, hs, dfdx=2.0)
    _assert_book_figure(fig)
    _assert_labelled(ax)
    secants = _lines_with_label(ax, "secant")
    assert len(secants) == len(hs)
    for line, h in zip(secants, hs):
        x, y = (np.asarray(v, dtype=float) for v in line.get_data())
        slope = (y[-1] - y[0]) / (x[-1] - x[0])
        assert slope == pytest.approx(2 + h)  # ((1+h)^2 - 1)/h = 2 + h
        # the secant passes through (1, f(1))
        assert np.interp(1.0, x, y) == pytest.approx(1.0)
    tangent = _lines_with_label(ax, "tangent")[0]
    x, y = (np.asarray(v, dtype=float) for v in tangent.get_data())
    assert (y[-1] - y[0]) / (x[-1] - x[0]) == pytest.approx(2.0)
    # secants are told apart by line style, not colour alone
    assert len({str(line.get_linestyle()) for line in secants}) == len(hs)
    # the fixed point is labelled as the text names it, (x, f(x)), with its coordinates
    labels = [t.get_text() for t in ax.texts]
    assert "$(x, f(x)) = (1, 1)$" in labels


def test_plot_secants_respects_x_range():
    fig, ax = plotting.plot_secants(lambda x: x**2, 1.0, [1.5, 0.1], x_range=(0, 2.75))
    assert ax.get_xlim() == (0.0, 2.75)
    curve = _lines_with_label(ax, "y = f(x)")[0]
    assert float(curve.get_xdata()[0]) == 0.0


def test_plot_secants_rejects_zero_step():
    with pytest.raises(ValueError):
        plotting.plot_secants(np.sin, 0.0, [0.1, 0.0])
    with pytest.raises(ValueError):
        plotting.plot_secants(np.sin, 0.0, [])


# --------------------------------------------------------------------------
# plot_function_and_derivative
# --------------------------------------------------------------------------


def test_plot_function_and_derivative_checks_numerically():
    fig, axes = plotting.plot_function_and_derivative(np.sin, np.cos, (0, 6), n_check=9)
    _assert_book_figure(fig)
    ax_f, ax_d = axes
    for ax in axes:
        _assert_labelled(ax)
    x, y = ax_f.get_lines()[0].get_data()
    np.testing.assert_allclose(y, np.sin(x))
    exact = _lines_with_label(ax_d, "exact")[0]
    x, y = exact.get_data()
    np.testing.assert_allclose(y, np.cos(x))
    numeric = _lines_with_label(ax_d, "numerical")[0]
    xn, yn = (np.asarray(v, dtype=float) for v in numeric.get_data())
    assert xn.size == 9
    np.testing.assert_allclose(yn, np.cos(xn), atol=1e-9)


def test_plot_function_and_derivative_breaks_lines_at_a_pole():
    fig, axes = plotting.plot_function_and_derivative(
        lambda x: 1 / x, lambda x: -1 / x**2, (-2, 2), breaks=[0.0], ylim=(-5, 5)
    )
    ax_f, ax_d = axes
    x, y = (np.asarray(v, dtype=float) for v in ax_f.get_lines()[0].get_data())
    assert np.isnan(x).sum() == 1, "one gap in the curve at the break"
    assert not np.any(x == 0.0)
    assert np.all(np.isfinite(y[np.isfinite(x)]))
    numeric = _lines_with_label(ax_d, "numerical")[0]
    xn = np.asarray(numeric.get_xdata(), dtype=float)
    assert np.all(np.abs(xn) > 0.1), "no numerical derivative taken next to the pole"
    assert ax_f.get_ylim() == (-5.0, 5.0)


# --------------------------------------------------------------------------
# plot_limits
# --------------------------------------------------------------------------


def test_plot_limits_marks_the_hole_at_the_limit():
    funcs = {"sin h / h": lambda h: np.sin(h) / h, "(cos h - 1)/h": lambda h: (np.cos(h) - 1) / h}
    limits = {"sin h / h": 1.0, "(cos h - 1)/h": 0.0}
    fig, ax = plotting.plot_limits(funcs, (-2, 2), limits)
    _assert_book_figure(fig)
    _assert_labelled(ax)
    curve = _lines_with_label(ax, "sin h / h")[0]
    h, y = (np.asarray(v, dtype=float) for v in curve.get_data())
    assert not np.any(h == 0.0), "the quotient is not evaluated at h = 0"
    np.testing.assert_allclose(y, np.sin(h) / h)
    holes = sorted(
        float(line.get_ydata()[0])
        for line in ax.get_lines()
        if len(line.get_xdata()) == 1 and float(line.get_xdata()[0]) == 0.0
    )
    assert holes == [0.0, 1.0]


def test_plot_limits_needs_a_limit_for_every_function():
    with pytest.raises(ValueError):
        plotting.plot_limits({"a": np.sin}, (-1, 1), {})


# --------------------------------------------------------------------------
# plot_product_rectangle
# --------------------------------------------------------------------------


def test_plot_product_rectangle_areas():
    f, g, df, dg = 3.0, 2.0, 0.8, 0.6
    fig, ax = plotting.plot_product_rectangle(f, g, df, dg)
    _assert_book_figure(fig)
    _assert_labelled(ax)
    areas = [p.get_width() * p.get_height() for p in ax.patches[:4]]
    np.testing.assert_allclose(areas, [f * g, g * df, f * dg, df * dg])
    assert sum(areas) == pytest.approx((f + df) * (g + dg))
    hatches = [p.get_hatch() for p in ax.patches[:4]]
    assert len(set(hatches)) == 4, "the pieces differ by hatching, not colour alone"


def test_plot_product_rectangle_rejects_non_positive():
    with pytest.raises(ValueError):
        plotting.plot_product_rectangle(1.0, 1.0, 0.0, 0.1)


# --------------------------------------------------------------------------
# plot_error_vs_step
# --------------------------------------------------------------------------


def test_plot_error_vs_step_is_log_log_with_reference_lines():
    hs = np.logspace(-12, -1, 23)
    methods = ["forward", "central", "complex"]
    errors = {m: finite_difference_error(np.exp, np.exp, 1.0, hs, method=m) for m in methods}
    steps = {m: optimal_step(m) for m in ("forward", "central")}
    fig, ax = plotting.plot_error_vs_step(hs, errors, optimal_steps=steps, reference=EPS,
                                          floor=EPS / 8)
    _assert_book_figure(fig)
    _assert_labelled(ax)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    for name in methods:
        line = [ln for ln in ax.get_lines() if ln.get_label() == name][0]
        np.testing.assert_allclose(line.get_xdata(), hs)
        np.testing.assert_allclose(line.get_ydata(), np.maximum(errors[name], EPS / 8))
    method_lines = [ln for ln in ax.get_lines() if ln.get_label() in methods]
    styles = {(str(ln.get_linestyle()), ln.get_marker()) for ln in method_lines}
    assert len(styles) == len(methods), "methods differ by line style and marker"
    verticals = _lines_with_label(ax, "predicted best")
    xs = sorted(float(ln.get_xdata()[0]) for ln in verticals)
    np.testing.assert_allclose(xs, sorted(steps.values()))
    eps_line = _lines_with_label(ax, "epsilon")[0]
    assert float(eps_line.get_ydata()[0]) == pytest.approx(EPS)


def test_plot_error_vs_step_draws_models():
    hs = np.logspace(-8, -1, 8)
    models = {"truncation": hs / 2, "round-off": 1e-16 / hs}
    fig, ax = plotting.plot_error_vs_step(hs, {"forward": hs}, models=models)
    truncation = _lines_with_label(ax, "truncation")[0]
    roundoff = _lines_with_label(ax, "round-off")[0]
    np.testing.assert_allclose(truncation.get_ydata(), hs / 2)
    np.testing.assert_allclose(roundoff.get_ydata(), 1e-16 / hs)
    assert truncation.get_linestyle() != roundoff.get_linestyle(), "model lines differ by line style"


@pytest.mark.parametrize(
    "hs, errors",
    [
        ([1e-3, -1e-2], {"a": [1.0, 2.0]}),
        ([1e-3, 1e-2], {"a": [1.0]}),
        ([1e-3, 1e-2], {"a": [1.0, -2.0]}),
        ([1e-3, 1e-2], {}),
        ([], {"a": []}),
    ],
)
def test_plot_error_vs_step_rejects_bad_input(hs, errors):
    with pytest.raises(ValueError):
        plotting.plot_error_vs_step(hs, errors)


def test_plot_error_vs_step_marks_exact_zeros_on_a_labelled_floor():
    hs = np.logspace(-10, -1, 10)
    err = np.where(hs < 1e-6, 0.0, hs)  # exact zeros, which a log scale cannot show
    floor = 1e-17
    fig, ax = plotting.plot_error_vs_step(hs, {"complex": err}, floor=floor)
    line = [ln for ln in ax.get_lines() if ln.get_label() == "complex"][0]
    np.testing.assert_allclose(line.get_ydata(), np.maximum(err, floor))
    # each floored point carries a tick marker of its own, at the floor
    ticks = [ln for ln in ax.get_lines() if ln.get_marker() == "|"]
    assert len(ticks) == 1
    np.testing.assert_allclose(ticks[0].get_xdata(), hs[hs < 1e-6])
    np.testing.assert_allclose(ticks[0].get_ydata(), floor)
    # the floor is drawn and labelled as an error of 0, not as an error of 1e-17
    floor_lines = [ln for ln in ax.get_lines()
                   if len(ln.get_ydata()) == 2 and np.allclose(ln.get_ydata(), floor)]
    assert floor_lines
    assert [t.get_text() for t in ax.texts] == ["error 0"]
    assert ax.get_ylim()[0] < floor


def test_plot_error_vs_step_floor_label_admits_tiny_non_zero_errors():
    hs = np.logspace(-10, -1, 10)
    err = np.where(hs < 1e-6, 1e-20, hs)  # below the floor but not zero
    fig, ax = plotting.plot_error_vs_step(hs, {"m": err}, floor=1e-17)
    assert [t.get_text() for t in ax.texts] == ["error 0\n(or below)"]


def test_plot_error_vs_step_without_floored_points_adds_no_floor_label():
    hs = np.logspace(-10, -1, 10)
    fig, ax = plotting.plot_error_vs_step(hs, {"m": hs}, floor=1e-17)
    assert len(ax.texts) == 0
    assert not [ln for ln in ax.get_lines() if ln.get_marker() == "|"]


def test_plot_error_vs_step_keeps_coinciding_lines_visible():
    """A later line is thinner and on top, so an earlier line under it still shows."""
    hs = np.logspace(-8, -1, 8)
    errors = {"central": hs**2, "complex": hs**2}
    models = {"model": hs**2}
    fig, ax = plotting.plot_error_vs_step(hs, errors, models=models)
    central, complex_ = (
        [ln for ln in ax.get_lines() if ln.get_label() == name][0] for name in errors
    )
    model = _lines_with_label(ax, "model")[0]
    assert complex_.get_linewidth() < central.get_linewidth()
    assert complex_.get_zorder() > central.get_zorder() > model.get_zorder()


def test_plot_error_vs_step_vertical_lines_are_only_in_the_legend():
    hs = np.logspace(-12, -1, 12)
    steps = {"forward": 1e-8}
    fig, ax = plotting.plot_error_vs_step(hs, {"forward": hs}, optimal_steps=steps)
    assert len(_lines_with_label(ax, "predicted best $h$, forward")) == 1
    assert not [t for t in ax.texts if t.get_text() == "forward"], "no label repeating the legend"
    legend_texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "predicted best $h$, forward" in legend_texts
