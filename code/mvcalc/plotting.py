r"""Figure helpers and the book's colour-blind-safe style.

Every figure of the book is drawn by a function of this module, so that a
chapter's code cell stays a few lines long: import, call, show.

The style
---------
Lines take their colours from the palette of Okabe and Ito, which stays
distinguishable under the common forms of colour blindness, and every line of a
figure also differs in its line style or markers, so that no information is
carried by colour alone. Figures have an opaque white background, which keeps
them readable when the book is shown in a dark theme.

Use the style for your own figures in one of two ways:

>>> import matplotlib.pyplot as plt
>>> from mvcalc import plotting
>>> with plotting.book_style():
...     fig, ax = plt.subplots()
>>> fig.get_facecolor()
(1.0, 1.0, 1.0, 1.0)
>>> plt.close(fig)

or call :func:`use_book_style` once, at the top of a notebook.

Every helper returns the :class:`~matplotlib.figure.Figure` and its
:class:`~matplotlib.axes.Axes`, so that a figure can be adjusted or tested.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from ._validation import check_callable, check_finite_array, check_positive
from .derivatives import derivative

__all__ = [
    "BOOK_RC",
    "LINESTYLES",
    "MARKERS",
    "OKABE_ITO",
    "PALETTE",
    "book_style",
    "plot_error_vs_step",
    "plot_function_and_derivative",
    "plot_graph",
    "plot_limits",
    "plot_product_rectangle",
    "plot_secants",
    "plot_speed_time",
    "use_book_style",
]

#: The eight colours of Okabe and Ito (2008), safe for colour-blind readers.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}

#: The order in which lines take the Okabe-Ito colours. Yellow is left out:
#: it is too pale for a thin line on white (it is used for fills only).
PALETTE: tuple[str, ...] = tuple(
    OKABE_ITO[name]
    for name in (
        "blue",
        "vermillion",
        "bluish green",
        "orange",
        "reddish purple",
        "sky blue",
        "black",
    )
)

#: A distinct line style for each colour of :data:`PALETTE`.
LINESTYLES: tuple[Any, ...] = (
    "-",
    "--",
    "-.",
    ":",
    (0, (5, 1, 1, 1, 1, 1)),
    (0, (8, 2)),
    (0, (1, 3)),
)

#: A distinct marker for each colour of :data:`PALETTE`.
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X")

#: The matplotlib settings of the book's figures.
BOOK_RC: dict[str, Any] = {
    # An opaque white background, so that figures stay readable in dark mode.
    "figure.facecolor": "white",
    "figure.edgecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.edgecolor": "white",
    "savefig.transparent": False,
    # Colour-blind-safe colours, each paired with its own line style.
    "axes.prop_cycle": cycler(color=list(PALETTE)) + cycler(linestyle=list(LINESTYLES)),
    "image.cmap": "cividis",
    # Black text and axes, whatever the theme around the figure.
    "text.color": "black",
    "axes.labelcolor": "black",
    "axes.edgecolor": "black",
    "xtick.color": "black",
    "ytick.color": "black",
    # Quiet axes, a light grid, readable sizes.
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#d0d0d0",
    "grid.linewidth": 0.6,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 9.5,
    "legend.framealpha": 0.95,
    "legend.edgecolor": "#bbbbbb",
    "lines.linewidth": 2.0,
    "lines.markersize": 6,
    "figure.figsize": (7.0, 4.2),
    "figure.dpi": 110,
    "savefig.dpi": 150,
    "figure.constrained_layout.use": True,
}

_BLACK = OKABE_ITO["black"]
_GREY = "#6e6e6e"


@contextmanager
def book_style() -> Iterator[None]:
    """Context manager that applies :data:`BOOK_RC` inside a ``with`` block.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> with book_style():
    ...     mpl.rcParams["savefig.facecolor"]
    'white'

    Every setting is restored on leaving the block except matplotlib's
    interactive mode: a notebook's backend switches it on when the first
    figure is made, and turning it off again would stop the notebook from
    showing later figures.
    """
    interactive = None
    try:
        with mpl.rc_context(BOOK_RC):
            try:
                yield
            finally:
                interactive = mpl.rcParams["interactive"]
    finally:
        if interactive is not None:
            mpl.rcParams["interactive"] = interactive


def use_book_style() -> None:
    """Apply :data:`BOOK_RC` to every later figure of the session."""
    mpl.rcParams.update(BOOK_RC)


# --------------------------------------------------------------------------
# Small internal helpers
# --------------------------------------------------------------------------


def _style(i: int) -> dict[str, Any]:
    """Colour, line style and marker of the ``i``-th line of a figure."""
    k = i % len(PALETTE)
    return {"color": PALETTE[k], "linestyle": LINESTYLES[k], "marker": MARKERS[k]}


def _new_figure(nrows: int = 1, ncols: int = 1, **kwargs: Any) -> tuple[Figure, Any]:
    """A figure in the book's style, with an opaque white background."""
    with book_style():
        fig, axes = plt.subplots(nrows, ncols, **kwargs)
    fig.patch.set_facecolor("white")
    fig.patch.set_alpha(1.0)
    return fig, axes


def _check_range(x_range: Any, name: str = "x_range") -> tuple[float, float]:
    """Return ``(lo, hi)`` with ``lo < hi``, both finite."""
    arr = check_finite_array(x_range, name)
    if arr.shape != (2,):
        raise ValueError(f"{name} must be a pair (lo, hi), got {x_range!r}")
    lo, hi = float(arr[0]), float(arr[1])
    if not lo < hi:
        raise ValueError(f"{name} must satisfy lo < hi, got {x_range!r}")
    return lo, hi


def _check_count(n: Any, name: str, minimum: int) -> int:
    """Return ``n`` if it is an integer of at least ``minimum``."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(n).__name__} {n!r}")
    if n < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {n}")
    return int(n)


def _evaluate(f: Callable[[np.ndarray], Any], x: np.ndarray) -> np.ndarray:
    """``f(x)`` as a float array with the shape of ``x`` (``f`` may be scalar-only)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        try:
            y = np.asarray(f(x), dtype=float)
        except (TypeError, ValueError):
            y = np.array([float(f(float(t))) for t in x])
        if y.shape != x.shape:
            y = np.broadcast_to(y, x.shape).astype(float)
    return y


def _grid_with_breaks(lo: float, hi: float, n: int, breaks: Sequence[float]) -> np.ndarray:
    """Points from ``lo`` to ``hi``, with a NaN at each break so lines do not join across it."""
    inside = sorted(float(b) for b in breaks if lo < b < hi)
    gap = (hi - lo) * 1e-3
    edges = [lo, *inside, hi]
    pieces = []
    for i, (a, b) in enumerate(zip(edges[:-1], edges[1:])):
        start = a + gap if i > 0 else a
        stop = b - gap if i < len(edges) - 2 else b
        m = max(2, round(n * (stop - start) / (hi - lo)))
        pieces.append(np.linspace(start, stop, m))
        if i < len(edges) - 2:
            pieces.append(np.array([np.nan]))
    return np.concatenate(pieces)


def _label_axes(ax: Axes, xlabel: str, ylabel: str) -> None:
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


# --------------------------------------------------------------------------
# Functions and slopes
# --------------------------------------------------------------------------


def plot_graph(
    f: Callable[[np.ndarray], Any],
    x_range: Sequence[float],
    *,
    points: Sequence[float] = (),
    xlabel: str = "$x$",
    ylabel: str = "$f(x)$",
    label: str | None = None,
    n: int = 400,
) -> tuple[Figure, Axes]:
    r"""Graph of :math:`y = f(x)`: the set of points :math:`(x, f(x))`.

    Each of ``points`` is marked at :math:`(x, f(x))` with dotted guides to
    both axes, reading the graph as a table of inputs and outputs.

    Parameters
    ----------
    f : callable
        The function, applied to an array of ``x`` values.
    x_range : (float, float)
        Interval of the horizontal axis.
    points : sequence of float, optional
        Inputs to mark on the graph.
    xlabel, ylabel : str
        Axis labels, with units where there are any.
    label : str, optional
        Legend entry of the curve.
    n : int, default 400
        Number of plotted points.

    Returns
    -------
    fig, ax : Figure, Axes
    """
    check_callable(f, "f")
    lo, hi = _check_range(x_range)
    n = _check_count(n, "n", 2)
    pts = check_finite_array(points, "points").ravel()
    x = np.linspace(lo, hi, n)
    y = _evaluate(f, x)
    fig, ax = _new_figure()
    ax.plot(x, y, color=PALETTE[0], linestyle="-", label=label)
    y_pts = _evaluate(f, pts) if pts.size else pts
    bottom = min(0.0, float(np.nanmin(y)))
    for i, (xp, yp) in enumerate(zip(pts, y_pts)):
        style = _style(i + 1)
        ax.plot([xp, xp], [bottom, yp], color=_GREY, linestyle=":", linewidth=1.2)
        ax.plot([lo, xp], [yp, yp], color=_GREY, linestyle=":", linewidth=1.2)
        ax.plot(xp, yp, linestyle="none", marker=style["marker"], color=style["color"],
                markersize=8, zorder=3)
        ax.annotate(f"({xp:g}, {yp:.3g})", (xp, yp), textcoords="offset points",
                    xytext=(6, 6), fontsize=10)
    ax.set_xlim(lo, hi)
    ax.set_ylim(bottom=bottom)
    _label_axes(ax, xlabel, ylabel)
    if label is not None:
        ax.legend(loc="best")
    return fig, ax


def plot_speed_time(
    speed: Callable[[np.ndarray], Any],
    t_range: Sequence[float],
    *,
    run: Sequence[float],
    time_unit: str = "s",
    speed_unit: str = "m/s",
    n: int = 400,
) -> tuple[Figure, np.ndarray]:
    r"""A speed-time graph with a rise-over-run triangle, and its slope, the acceleration.

    The left panel shows :math:`v(t)` and the secant over ``run`` =
    :math:`(t_0, t_1)`, whose slope :math:`\frac{v(t_1)-v(t_0)}{t_1-t_0}` is the
    average acceleration. The right panel shows the acceleration
    :math:`a(t) = v'(t)`, computed with :func:`mvcalc.derivatives.derivative`,
    and the average acceleration over the run as a horizontal line.

    Parameters
    ----------
    speed : callable
        Speed as a function of time, applied to an array of times.
    t_range : (float, float)
        Time interval shown.
    run : (float, float)
        The interval :math:`(t_0, t_1)` of the rise-over-run triangle.
    time_unit, speed_unit : str
        Units written on the axes; the acceleration's unit is
        ``speed_unit/time_unit``.
    n : int, default 400
        Number of plotted points.

    Returns
    -------
    fig : Figure
    axes : ndarray of two Axes
        Speed, then acceleration.
    """
    check_callable(speed, "speed")
    lo, hi = _check_range(t_range, "t_range")
    t0, t1 = _check_range(run, "run")
    if t0 < lo or t1 > hi:
        raise ValueError(f"run {run!r} must lie inside t_range {t_range!r}")
    n = _check_count(n, "n", 2)
    t = np.linspace(lo, hi, n)
    v = _evaluate(speed, t)
    a = np.asarray(derivative(speed, t))
    v0, v1 = _evaluate(speed, np.array([t0, t1]))
    average = (v1 - v0) / (t1 - t0)
    accel_unit = f"{speed_unit}/{time_unit}"
    if speed_unit == "m/s" and time_unit == "s":
        accel_unit = "m/s$^2$"

    fig, axes = _new_figure(1, 2, figsize=(9.0, 3.8))
    ax_v, ax_a = axes
    ax_v.plot(t, v, color=PALETTE[0], linestyle="-", label="speed $v(t)$")
    ax_v.plot([t0, t1], [v0, v1], color=PALETTE[1], linestyle="--", marker="o",
              label=f"secant, slope {average:.3g} {accel_unit}")
    ax_v.plot([t0, t1, t1], [v0, v0, v1], color=_BLACK, linestyle=":", linewidth=1.5)
    ax_v.annotate(r"run $\Delta t$", ((t0 + t1) / 2, v0), textcoords="offset points",
                  xytext=(0, -14), ha="center", fontsize=10)
    ax_v.annotate(r"rise $\Delta v$", (t1, (v0 + v1) / 2), textcoords="offset points",
                  xytext=(6, 0), va="center", fontsize=10)
    ax_v.set_title("speed: rise over run")
    _label_axes(ax_v, f"time $t$ ({time_unit})", f"speed $v$ ({speed_unit})")
    ax_v.legend(loc="upper left")

    ax_a.axhline(0.0, color=_GREY, linewidth=0.8)
    ax_a.axvspan(t0, t1, color=OKABE_ITO["yellow"], alpha=0.35, label="the run")
    ax_a.plot(t, a, color=PALETTE[2], linestyle="-", label="acceleration $a(t) = v'(t)$")
    ax_a.plot([t0, t1], [average, average], color=PALETTE[1], linestyle="--",
              label="average over the run")
    ax_a.set_title("its slope: acceleration")
    _label_axes(ax_a, f"time $t$ ({time_unit})", f"acceleration $a$ ({accel_unit})")
    ax_a.legend(loc="lower left")
    for ax in axes:
        ax.set_xlim(lo, hi)
    return fig, axes


def plot_secants(
    f: Callable[[np.ndarray], Any],
    x0: float,
    hs: Sequence[float],
    *,
    dfdx: float | None = None,
    x_range: Sequence[float] | None = None,
    xlabel: str = "$x$",
    ylabel: str = "$f(x)$",
    n: int = 400,
) -> tuple[Figure, Axes]:
    r"""Secants through :math:`(x_0, f(x_0))` and :math:`(x_0+h, f(x_0+h))` for each ``h``.

    Each secant has slope :math:`m(h) = \frac{f(x_0+h)-f(x_0)}{h}`; when the
    exact slope ``dfdx`` is given, the tangent :math:`y = f(x_0) +
    f'(x_0)(x-x_0)` is drawn too, so that the secants can be seen to approach it.
    The fixed point is labelled :math:`(x, f(x))` with its coordinates, as in
    the text of chapter 1, which fixes :math:`x` and varies the run :math:`h`.

    Parameters
    ----------
    f : callable
        The function, applied to an array of ``x`` values.
    x0 : float
        The fixed point.
    hs : sequence of float
        Non-zero runs, one secant each.
    dfdx : float, optional
        The slope of the tangent at ``x0``.
    x_range : (float, float), optional
        Interval shown; by default it covers every secant with a margin.
    xlabel, ylabel : str
        Axis labels.
    n : int, default 400
        Number of plotted points of the curve.

    Returns
    -------
    fig, ax : Figure, Axes
    """
    check_callable(f, "f")
    x0 = float(check_finite_array(x0, "x0"))
    h_arr = check_finite_array(hs, "hs").ravel()
    if h_arr.size == 0:
        raise ValueError("hs must hold at least one step")
    if np.any(h_arr == 0):
        raise ValueError("every h in hs must be non-zero: a secant needs two points")
    n = _check_count(n, "n", 2)
    if x_range is None:
        reach = float(np.max(np.abs(h_arr)))
        lo, hi = x0 - 0.6 * reach, x0 + 1.3 * reach
    else:
        lo, hi = _check_range(x_range)
    x = np.linspace(lo, hi, n)
    y0 = float(_evaluate(f, np.array([x0]))[0])
    fig, ax = _new_figure()
    ax.plot(x, _evaluate(f, x), color=_BLACK, linestyle="-", linewidth=2.4,
            label="$y = f(x)$", zorder=3)
    for i, h in enumerate(h_arr):
        style = _style(i)
        y1 = float(_evaluate(f, np.array([x0 + h]))[0])
        slope = (y1 - y0) / h
        ax.plot(x, y0 + slope * (x - x0), color=style["color"], linestyle=style["linestyle"],
                linewidth=1.6, label=f"secant, $h = {h:g}$, slope ${slope:.4g}$")
        ax.plot([x0 + h], [y1], linestyle="none", marker=style["marker"],
                color=style["color"], markersize=7, zorder=4)
    if dfdx is not None:
        slope = float(check_finite_array(dfdx, "dfdx"))
        ax.plot(x, y0 + slope * (x - x0), color=_GREY, linestyle=(0, (1, 1)), linewidth=3,
                label=f"tangent, slope ${slope:.4g}$")
    ax.plot([x0], [y0], linestyle="none", marker="o", color=_BLACK, markersize=8, zorder=5)
    ax.annotate(f"$(x, f(x)) = ({x0:g}, {y0:.3g})$", (x0, y0), textcoords="offset points",
                xytext=(-12, 10), ha="right", fontsize=10)
    y_curve = _evaluate(f, x)
    span = float(np.nanmax(y_curve) - np.nanmin(y_curve))
    ax.set_ylim(float(np.nanmin(y_curve)) - 0.1 * span, float(np.nanmax(y_curve)) + 0.1 * span)
    ax.set_xlim(lo, hi)
    _label_axes(ax, xlabel, ylabel)
    ax.legend(loc="upper left")
    return fig, ax


def plot_function_and_derivative(
    f: Callable[[np.ndarray], Any],
    dfdx: Callable[[np.ndarray], Any],
    x_range: Sequence[float],
    *,
    breaks: Sequence[float] = (),
    f_label: str = "$f(x)$",
    df_label: str = "$f'(x)$",
    xlabel: str = "$x$",
    ylim: Sequence[float] | None = None,
    n: int = 801,
    n_check: int = 15,
) -> tuple[Figure, np.ndarray]:
    r"""A function beside its derivative, with the derivative checked numerically.

    The right panel draws the exact derivative ``dfdx`` as a line and marks
    ``n_check`` values of the central difference
    :math:`\frac{f(x+h)-f(x-h)}{2h}` computed by
    :func:`mvcalc.derivatives.derivative`: where the markers sit on the line,
    formula and numbers agree.

    Parameters
    ----------
    f, dfdx : callable
        The function and its derivative, applied to arrays.
    x_range : (float, float)
        Interval shown.
    breaks : sequence of float, optional
        Points where ``f`` is undefined or jumps; the curves are not joined
        across them, a dotted vertical line marks them, and no numerical
        derivative is taken near them.
    f_label, df_label, xlabel : str
        Labels of the two vertical axes and of the horizontal axis.
    ylim : (float, float), optional
        Vertical limits of both panels (useful near a pole).
    n : int, default 801
        Number of plotted points.
    n_check : int, default 15
        Number of numerical derivatives marked.

    Returns
    -------
    fig : Figure
    axes : ndarray of two Axes
        The function, then its derivative.
    """
    check_callable(f, "f")
    check_callable(dfdx, "dfdx")
    lo, hi = _check_range(x_range)
    n = _check_count(n, "n", 2)
    n_check = _check_count(n_check, "n_check", 0)
    brk = check_finite_array(breaks, "breaks").ravel()
    y_lim = None if ylim is None else _check_range(ylim, "ylim")
    x = _grid_with_breaks(lo, hi, n, brk)
    margin = (hi - lo) / 25
    x_check = np.linspace(lo + margin, hi - margin, n_check)
    if brk.size:
        keep = np.min(np.abs(x_check[:, None] - brk[None, :]), axis=1) > margin
        x_check = x_check[keep]

    fig, axes = _new_figure(1, 2, figsize=(9.0, 4.2))
    ax_f, ax_d = axes
    ax_f.plot(x, _evaluate(f, x), color=PALETTE[0], linestyle="-", label=f_label)
    ax_d.plot(x, _evaluate(dfdx, x), color=PALETTE[1], linestyle="--",
              label=f"{df_label} (exact)")
    if x_check.size:
        d_num = np.array([derivative(f, float(t)) for t in x_check])
        if y_lim is not None:
            ok = (d_num >= y_lim[0]) & (d_num <= y_lim[1])
            x_check, d_num = x_check[ok], d_num[ok]
        ax_d.plot(x_check, d_num, linestyle="none", marker="o", markersize=7,
                  markerfacecolor="none", markeredgewidth=1.6, color=PALETTE[2],
                  label="numerical (central difference)")
    for ax, ylabel in ((ax_f, f_label), (ax_d, df_label)):
        ax.axhline(0.0, color=_GREY, linewidth=0.8)
        for b in brk:
            ax.axvline(float(b), color=_GREY, linestyle=":", linewidth=1.2)
        ax.set_xlim(lo, hi)
        if y_lim is not None:
            ax.set_ylim(*y_lim)
        _label_axes(ax, xlabel, ylabel)
        # below the panel, where it hides no part of the curves
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False)
    ax_f.set_title("the function")
    ax_d.set_title("its derivative")
    return fig, axes


def plot_limits(
    funcs: Mapping[str, Callable[[np.ndarray], Any]],
    h_range: Sequence[float],
    limits: Mapping[str, float],
    *,
    xlabel: str = "$h$",
    ylabel: str = "value",
    n: int = 400,
) -> tuple[Figure, Axes]:
    r"""Quotients that are :math:`\frac{0}{0}` at :math:`h = 0`, and their limits.

    Each function of ``funcs`` is drawn for :math:`h \ne 0`; an open circle at
    :math:`(0, L)` marks the hole where the formula has no value and the
    limit :math:`L` from ``limits`` fills it, and a dotted line marks :math:`L`.

    Parameters
    ----------
    funcs : mapping of str to callable
        Legend label and function of :math:`h`.
    h_range : (float, float)
        Interval of :math:`h`, which should contain 0.
    limits : mapping of str to float
        The limit of each function as :math:`h \to 0`, under the same labels.
    xlabel, ylabel : str
        Axis labels.
    n : int, default 400
        Number of plotted points.

    Returns
    -------
    fig, ax : Figure, Axes
    """
    if not funcs:
        raise ValueError("funcs must hold at least one function")
    missing = set(funcs) - set(limits)
    if missing:
        raise ValueError(f"limits has no value for {sorted(missing)!r}")
    lo, hi = _check_range(h_range, "h_range")
    n = _check_count(n, "n", 2)
    h = np.linspace(lo, hi, n)
    h = h[h != 0.0]
    fig, ax = _new_figure()
    for i, (label, g) in enumerate(funcs.items()):
        check_callable(g, f"funcs[{label!r}]")
        style = _style(i)
        limit = float(check_finite_array(limits[label], f"limits[{label!r}]"))
        ax.plot(h, _evaluate(g, h), color=style["color"], linestyle=style["linestyle"],
                label=f"{label} $\\to {limit:.4g}$")
        ax.axhline(limit, color=style["color"], linestyle=":", linewidth=1.0)
        ax.plot([0.0], [limit], linestyle="none", marker="o", markersize=9,
                markerfacecolor="white", markeredgewidth=2, color=style["color"], zorder=4)
    ax.set_xlim(lo, hi)
    _label_axes(ax, xlabel, ylabel)
    ax.legend(loc="best")
    return fig, ax


def plot_product_rectangle(
    f: float, g: float, df: float, dg: float
) -> tuple[Figure, Axes]:
    r"""The product rule as a growing rectangle.

    A rectangle of width :math:`f` and height :math:`g` has area :math:`fg`.
    When the sides grow by :math:`\Delta f` and :math:`\Delta g`, the area grows
    by three pieces,

    .. math::

        \Delta(fg) = g\,\Delta f + f\,\Delta g + \Delta f\,\Delta g,

    of which the corner :math:`\Delta f\,\Delta g` is the product of two small
    numbers and vanishes from the derivative.

    Parameters
    ----------
    f, g : float
        Width and height, greater than 0.
    df, dg : float
        Their increments, greater than 0.

    Returns
    -------
    fig, ax : Figure, Axes
        The four rectangles are ``ax.patches[:4]``, in the order
        :math:`fg`, :math:`g\Delta f`, :math:`f\Delta g`, :math:`\Delta f\Delta g`.
    """
    f, g = check_positive(f, "f"), check_positive(g, "g")
    df, dg = check_positive(df, "df"), check_positive(dg, "dg")
    pieces = [
        ((0.0, 0.0), f, g, PALETTE[0], "", r"$f\,g$"),
        ((f, 0.0), df, g, OKABE_ITO["orange"], "//", r"$g\,\Delta f$"),
        ((0.0, g), f, dg, OKABE_ITO["bluish green"], "\\\\", r"$f\,\Delta g$"),
        ((f, g), df, dg, OKABE_ITO["vermillion"], "xx", r"$\Delta f\,\Delta g$"),
    ]
    fig, ax = _new_figure(figsize=(6.4, 4.0))
    handles = []
    for (x, y), w, h, colour, hatch, label in pieces:
        rect = Rectangle((x, y), w, h, facecolor=mpl.colors.to_rgba(colour, 0.35),
                         edgecolor=_BLACK, linewidth=1.5, hatch=hatch, label=label)
        ax.add_patch(rect)
        handles.append(Patch(facecolor=mpl.colors.to_rgba(colour, 0.35), edgecolor=_BLACK,
                             hatch=hatch, label=label))
        ax.annotate(label, (x + w / 2, y + h / 2), ha="center", va="center", fontsize=13,
                    bbox={"boxstyle": "round,pad=0.2", "facecolor": "white",
                          "edgecolor": "none", "alpha": 0.85})
    ax.set_xlim(0.0, (f + df) * 1.05)
    ax.set_ylim(0.0, (g + dg) * 1.05)
    ax.set_aspect("equal")
    ax.grid(False)
    ax.set_xticks([0.0, f, f + df], ["0", "$f(x)$", r"$f(x+h)$"])
    ax.set_yticks([0.0, g, g + dg], ["0", "$g(x)$", r"$g(x+h)$"])
    _label_axes(ax, "width $f$", "height $g$")
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0),
              title="area", frameon=True)
    return fig, ax


# --------------------------------------------------------------------------
# Errors of numerical derivatives
# --------------------------------------------------------------------------


def plot_error_vs_step(
    hs: Sequence[float] | np.ndarray,
    errors: Mapping[str, Sequence[float] | np.ndarray],
    *,
    optimal_steps: Mapping[str, float] | None = None,
    models: Mapping[str, Sequence[float] | np.ndarray] | None = None,
    reference: float | None = None,
    reference_label: str = r"machine epsilon $\varepsilon$",
    floor: float | None = None,
    xlabel: str = "step size $h$",
    ylabel: str = "relative error",
) -> tuple[Figure, Axes]:
    r"""Log-log plot of the error of numerical derivatives against the step :math:`h`.

    Parameters
    ----------
    hs : array of float
        Positive steps.
    errors : mapping of str to array
        Method name and its errors, one per step (for example from
        :func:`mvcalc.derivatives.finite_difference_error`).
    optimal_steps : mapping of str to float, optional
        A predicted best step for some of the methods, drawn as a vertical
        line in the method's colour.
    models : mapping of str to array, optional
        Model curves (such as a truncation or round-off error model), drawn
        as thin grey lines, one per step.
    reference : float, optional
        A horizontal reference level, such as machine epsilon.
    reference_label : str
        Legend entry of ``reference``.
    floor : float, optional
        Errors below ``floor`` (including errors of exactly zero, which a log
        scale cannot show) are drawn at ``floor``, near the bottom edge of the
        plot, each with a vertical tick; a dotted line marks the floor and a
        label beside it says that it stands for an error of 0 (or, if some
        floored errors are not exactly 0, for an error of 0 or below).
    xlabel, ylabel : str
        Axis labels.

    Returns
    -------
    fig, ax : Figure, Axes
        One line per method, in the order of ``errors``; each later line is
        drawn thinner and on top, so that lines that coincide stay visible.
    """
    h = check_finite_array(hs, "hs").ravel()
    if h.size == 0:
        raise ValueError("hs must hold at least one step")
    if np.any(h <= 0):
        raise ValueError("every step in hs must be greater than 0")
    if not errors:
        raise ValueError("errors must hold at least one method")
    floor_value = None if floor is None else check_positive(floor, "floor")
    fig, ax = _new_figure(figsize=(7.5, 4.8))
    colours = {}
    every = max(1, h.size // 12)
    floored_any, floored_all_zero = False, True
    for i, (name, err) in enumerate(errors.items()):
        e = check_finite_array(err, f"errors[{name!r}]").ravel()
        if e.shape != h.shape:
            raise ValueError(
                f"errors[{name!r}] has {e.size} values but hs has {h.size}: give one error per step"
            )
        if np.any(e < 0):
            raise ValueError(f"errors[{name!r}] must be non-negative")
        floored = np.zeros(h.shape, dtype=bool)
        if floor_value is not None:
            floored = e < floor_value
            floored_all_zero = floored_all_zero and bool(np.all(e[floored] == 0))
            e = np.maximum(e, floor_value)
        style = _style(i)
        colours[name] = style["color"]
        # Each later line is thinner, so that where two lines coincide the
        # earlier one still shows around the later one; the measured lines are
        # drawn above the grey model lines.
        ax.plot(h, e, color=style["color"], linestyle=style["linestyle"], marker=style["marker"],
                markevery=(i % every, every), markersize=5, label=name,
                linewidth=max(1.0, 2.6 - 0.6 * i), zorder=3 + i)
        if np.any(floored):
            floored_any = True
            ax.plot(h[floored], e[floored], linestyle="none", marker="|", markersize=9,
                    markeredgewidth=1.4, color=style["color"], zorder=3 + i, label="_nolegend_")
    model_styles = ("--", ":", "-.", (0, (6, 2, 1, 2)))
    for i, (label, values) in enumerate((models or {}).items()):
        m = check_finite_array(values, f"models[{label!r}]").ravel()
        if m.shape != h.shape:
            raise ValueError(f"models[{label!r}] must have one value per step")
        ax.plot(h, m, color=_GREY, linestyle=model_styles[i % len(model_styles)], linewidth=1.5,
                label=label)
    for i, (name, step) in enumerate((optimal_steps or {}).items()):
        step = check_positive(step, f"optimal_steps[{name!r}]")
        colour = colours.get(name, _GREY)
        ax.axvline(step, color=colour, linestyle=(0, (1, 2)), linewidth=1.6,
                   label=f"predicted best $h$, {name}")
    if reference is not None:
        ax.axhline(check_positive(reference, "reference"), color=_BLACK, linestyle=(0, (6, 3)),
                   linewidth=1.0, label=reference_label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    if floor_value is not None:
        ax.set_ylim(bottom=floor_value / 1.5)
        if floored_any:
            # The floor is not an error level: say so where a tick label would be.
            ax.axhline(floor_value, color=_GREY, linestyle=(0, (1, 3)), linewidth=1.0, zorder=1)
            text = "error 0" if floored_all_zero else "error 0\n(or below)"
            ax.annotate(text, (1.0, floor_value),
                        xycoords=("axes fraction", "data"), xytext=(4, 0),
                        textcoords="offset points", ha="left", va="center", fontsize=8.5,
                        color=_GREY)
    ax.set_xlim(float(h.min()), float(h.max()))
    _label_axes(ax, xlabel, ylabel)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig, ax


# --------------------------------------------------------------------------
# Chapter 6: regression
# --------------------------------------------------------------------------

__all__ += [
    "plot_chi2_landscape",
    "plot_convergence",
    "plot_digits",
    "plot_fit",
    "plot_histogram_fit",
    "plot_likelihood",
    "plot_uncertainty_ellipse",
]


def _data_xy(x: Any, y: Any, sigma: Any = None) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Check data points (and their uncertainties) for the regression figures."""
    xa = check_finite_array(x, "x").ravel()
    ya = check_finite_array(y, "y").ravel()
    if xa.size == 0 or xa.shape != ya.shape:
        raise ValueError(f"x and y must be non-empty and of the same length, got {xa.size} and {ya.size}")
    if sigma is None:
        return xa, ya, None
    s = check_finite_array(sigma, "sigma")
    s = np.full(xa.shape, float(s)) if s.ndim == 0 else s.ravel()
    if s.shape != xa.shape:
        raise ValueError(f"sigma must be a number or hold one value per point, got {s.size} for {xa.size} points")
    if np.any(s <= 0):
        raise ValueError("sigma must be greater than 0")
    return xa, ya, s


def plot_likelihood(
    x: Any,
    y: Any,
    sigma: Any,
    models: Mapping[str, Callable[[np.ndarray], Any]],
    *,
    xlabel: str = "$x$",
    ylabel: str = "$y$",
    n: int = 300,
) -> tuple[Figure, np.ndarray]:
    r"""Maximum likelihood as a picture: a Gaussian bell at each point, one panel per model.

    For each model :math:`\hat y(x)` a panel shows the data with error bars,
    the model, and at each :math:`x_i` the density of
    :math:`\mathcal N(\hat y(x_i), \sigma_i^2)` drawn sideways: where the data
    point falls on its bell is its likelihood. The title gives
    :math:`\chi^2` and the log-likelihood
    :math:`\ln L = -\tfrac12\chi^2 - \sum_i \ln(\sigma_i\sqrt{2\pi})`.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        The data.
    sigma : float or array_like
        Uncertainty of each :math:`y_i`, greater than 0.
    models : mapping of str to callable
        Name and prediction :math:`\hat y(x)` of each model (one panel each).
    xlabel, ylabel : str
        Axis labels.
    n : int, default 300
        Plotted points of each model curve.

    Returns
    -------
    fig : Figure
    axes : ndarray of Axes
        One per model, in the order of ``models``.
    """
    xa, ya, s = _data_xy(x, y, sigma)
    assert s is not None
    if not models:
        raise ValueError("models must hold at least one model")
    n = _check_count(n, "n", 2)
    lo, hi = float(xa.min()), float(xa.max())
    pad = 0.08 * (hi - lo if hi > lo else 1.0)
    grid = np.linspace(lo - pad, hi + pad, n)
    spacing = float(np.min(np.diff(np.unique(xa)))) if np.unique(xa).size > 1 else 1.0
    fig, axes = _new_figure(1, len(models), figsize=(4.6 * len(models), 4.0), sharey=True, squeeze=False)
    axes = axes[0]
    for i, (ax, (name, f)) in enumerate(zip(axes, models.items())):
        check_callable(f, f"models[{name!r}]")
        style = _style(i)
        yhat = _evaluate(f, xa)
        chi2 = float(np.sum(((ya - yhat) / s) ** 2))
        log_l = -0.5 * chi2 - float(np.sum(np.log(s * np.sqrt(2 * np.pi))))
        ax.plot(grid, _evaluate(f, grid), color=style["color"], linestyle=style["linestyle"], label=name)
        t = np.linspace(-3.5, 3.5, 81)
        bell = np.exp(-0.5 * t**2)
        for xi, yi, si, mi in zip(xa, ya, s, yhat):
            width = 0.42 * spacing
            ax.fill_betweenx(mi + si * t, xi, xi + width * bell, color=style["color"], alpha=0.18, linewidth=0)
            ax.plot(xi + width * bell, mi + si * t, color=style["color"], linestyle="-", linewidth=0.8)
            ax.plot([xi, xi + width * np.exp(-0.5 * ((yi - mi) / si) ** 2)], [yi, yi], color=_BLACK,
                    linewidth=1.0, linestyle=":")
        ax.errorbar(xa, ya, yerr=s, fmt="o", color=_BLACK, markersize=5, capsize=2.5, label="data",
                    zorder=4)
        ax.set_title(f"{name}: $\\chi^2 = {chi2:.1f}$, $\\ln L = {log_l:.1f}$", fontsize=10.5)
        _label_axes(ax, xlabel, ylabel if i == 0 else "")
        ax.legend(loc="upper left")
    return fig, axes


def plot_fit(
    x: Any,
    y: Any,
    model: Callable[[np.ndarray], Any],
    *,
    sigma: Any = None,
    label: str = "fit",
    data_label: str = "data",
    xlabel: str = "$x$",
    ylabel: str = "$y$",
    n: int = 400,
) -> tuple[Figure, np.ndarray]:
    r"""Data with a fitted curve, above a panel of its residuals.

    The lower panel shows the normalised residuals
    :math:`(y_i - \hat y_i)/\sigma_i` when ``sigma`` is given (with bands at
    :math:`\pm1` and :math:`\pm2`, where about 68 % and 95 % of them should
    fall for a good model), or the plain residuals :math:`y_i - \hat y_i`
    otherwise. A good model leaves residuals without pattern.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        The data.
    model : callable
        The fitted curve :math:`\hat y(x)`, applied to arrays.
    sigma : float or array_like, optional
        Uncertainties of ``y``, drawn as error bars.
    label, data_label : str
        Legend entries of the curve and the data.
    xlabel, ylabel : str
        Axis labels.
    n : int, default 400
        Plotted points of the curve.

    Returns
    -------
    fig : Figure
    axes : ndarray of two Axes
        The fit, then the residuals.
    """
    xa, ya, s = _data_xy(x, y, sigma)
    check_callable(model, "model")
    n = _check_count(n, "n", 2)
    lo, hi = float(xa.min()), float(xa.max())
    pad = 0.04 * (hi - lo if hi > lo else 1.0)
    grid = np.linspace(lo - pad, hi + pad, n)
    fig, axes = _new_figure(2, 1, figsize=(7.0, 5.2), sharex=True, height_ratios=(2.3, 1.0))
    ax, ax_r = axes
    if s is None:
        ax.plot(xa, ya, "o", color=_BLACK, markersize=4.5, label=data_label, zorder=3)
    else:
        ax.errorbar(xa, ya, yerr=s, fmt="o", color=_BLACK, markersize=4.5, capsize=2, label=data_label,
                    zorder=3)
    ax.plot(grid, _evaluate(model, grid), color=PALETTE[0], linestyle="-", label=label, zorder=4)
    _label_axes(ax, "", ylabel)
    ax.legend(loc="best")
    resid = ya - _evaluate(model, xa)
    if s is not None:
        resid = resid / s
        ax_r.axhspan(-2, 2, color=OKABE_ITO["yellow"], alpha=0.25, linewidth=0, label=r"$\pm 2$")
        ax_r.axhspan(-1, 1, color=OKABE_ITO["sky blue"], alpha=0.25, linewidth=0, label=r"$\pm 1$")
        r_label = r"$(y_i - \hat y_i)/\sigma_i$"
    else:
        r_label = r"$y_i - \hat y_i$"
    ax_r.axhline(0.0, color=_GREY, linewidth=1.0)
    ax_r.vlines(xa, 0.0, resid, color=PALETTE[1], linewidth=1.0)
    ax_r.plot(xa, resid, linestyle="none", marker="s", markersize=4, color=PALETTE[1], label="residual")
    ax_r.set_xlim(lo - pad, hi + pad)
    _label_axes(ax_r, xlabel, r_label)
    ax_r.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8.5)
    return fig, axes


def plot_histogram_fit(
    edges: Any,
    counts: Any,
    curves: Mapping[str, Callable[[np.ndarray], Any]],
    *,
    xlabel: str = "$x$",
    ylabel: str = "count per bin",
    n: int = 400,
) -> tuple[Figure, Axes]:
    r"""A histogram with Poisson error bars :math:`\sqrt{N_k}` and fitted curves.

    Parameters
    ----------
    edges : array_like, shape (m + 1,)
        Increasing bin edges.
    counts : array_like, shape (m,)
        Count in each bin.
    curves : mapping of str to callable
        Name and expected count per bin as a function of the bin centre.
    xlabel, ylabel : str
        Axis labels.
    n : int, default 400
        Plotted points of each curve.

    Returns
    -------
    fig, ax : Figure, Axes
    """
    e = check_finite_array(edges, "edges").ravel()
    c = check_finite_array(counts, "counts").ravel()
    if e.size != c.size + 1 or c.size == 0:
        raise ValueError(f"edges must have one more value than counts, got {e.size} and {c.size}")
    if np.any(np.diff(e) <= 0):
        raise ValueError("edges must increase")
    if np.any(c < 0):
        raise ValueError("counts must be non-negative")
    n = _check_count(n, "n", 2)
    centres = 0.5 * (e[1:] + e[:-1])
    fig, ax = _new_figure()
    ax.stairs(c, e, fill=True, color=OKABE_ITO["sky blue"], alpha=0.45, label="histogram")
    ax.stairs(c, e, color=OKABE_ITO["blue"], linewidth=1.0)
    ax.errorbar(centres, c, yerr=np.sqrt(c), fmt="none", ecolor=_BLACK, elinewidth=1.0, capsize=2,
                label=r"$\pm\sqrt{N_k}$")
    grid = np.linspace(e[0], e[-1], n)
    for i, (name, f) in enumerate(curves.items()):
        check_callable(f, f"curves[{name!r}]")
        style = _style(i + 1)
        ax.plot(grid, _evaluate(f, grid), color=style["color"], linestyle=style["linestyle"], label=name)
    ax.set_xlim(e[0], e[-1])
    ax.set_ylim(bottom=0.0)
    _label_axes(ax, xlabel, ylabel)
    ax.legend(loc="upper right")
    return fig, ax


def _chi2_grid(model: Callable[..., Any], x: Any, y: np.ndarray, s: np.ndarray,
               gx: np.ndarray, gy: np.ndarray) -> np.ndarray:
    r""":math:`\chi^2` of a two-parameter model on the grid ``gx`` by ``gy`` (rows follow ``gy``)."""
    A, B = np.meshgrid(gx, gy)
    with np.errstate(all="ignore"):
        try:  # numpy models broadcast over a grid of parameters at once
            pred = np.asarray(model(x, A[..., None], B[..., None]), dtype=float)
            if pred.shape != A.shape + y.shape:
                raise ValueError
        except (ValueError, TypeError, IndexError):
            pred = np.array([[np.asarray(model(x, a, b), dtype=float) for a in gx] for b in gy])
        Z = np.sum(((y - pred) / s) ** 2, axis=-1)
    return Z


def plot_chi2_landscape(
    model: Callable[..., Any],
    x: Any,
    y: Any,
    a1_range: Sequence[float],
    a2_range: Sequence[float],
    *,
    sigma: Any = None,
    paths: Mapping[str, Any] | None = None,
    minimum: Sequence[float] | None = None,
    log: bool = False,
    n_levels: int = 14,
    equal_aspect: bool = False,
    n: int = 121,
    xlabel: str = "$a_1$",
    ylabel: str = "$a_2$",
) -> tuple[Figure, Axes]:
    r"""Contours of :math:`\chi^2(a_1, a_2)` of a two-parameter model, with the paths of fitting methods.

    .. math::

        \chi^2(a_1, a_2) = \sum_i \frac{\bigl(y_i - f(x_i; a_1, a_2)\bigr)^2}{\sigma_i^2}

    is evaluated on a grid (at once when ``model`` broadcasts, as models
    written with numpy functions do).

    Parameters
    ----------
    model : callable
        ``model(x, a1, a2)``.
    x, y : array_like
        The data; ``y`` has shape ``(n,)``.
    a1_range, a2_range : (float, float)
        The window of :math:`a_1` and :math:`a_2`.
    sigma : float or array_like, optional
        Uncertainties of ``y`` (1 when not given).
    paths : mapping of str to array of shape (k, 2), optional
        Iterates of each method, drawn as lines with markers; the start is a
        large open circle. Points outside the window are clipped.
    minimum : (float, float), optional
        The minimum, marked with a star.
    log : bool, default False
        Space the contour levels geometrically (for :math:`\chi^2` that spans
        many orders of magnitude).
    n_levels : int, default 14
        Number of contour levels.
    equal_aspect : bool, default False
        Use the same scale on both axes, so that right angles look right
        (needed to see gradient steps cross the contours at right angles).
    n : int, default 121
        Grid points per axis.
    xlabel, ylabel : str
        Axis labels.

    Returns
    -------
    fig, ax : Figure, Axes
        The paths are ``ax.lines`` in the order of ``paths``, two lines each.
    """
    check_callable(model, "model")
    ya = check_finite_array(y, "y").ravel()
    s = np.ones_like(ya) if sigma is None else _data_xy(ya, ya, sigma)[2]
    x0, x1 = _check_range(a1_range, "a1_range")
    y0, y1 = _check_range(a2_range, "a2_range")
    n = _check_count(n, "n", 5)
    n_levels = _check_count(n_levels, "n_levels", 2)
    gx, gy = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    Z = _chi2_grid(model, np.asarray(x, dtype=float), ya, s, gx, gy)
    finite = Z[np.isfinite(Z)]
    if finite.size == 0:
        raise ValueError("chi-squared is not finite anywhere in the window")
    zmin, zmax = float(finite.min()), float(finite.max())
    if log:
        levels = np.geomspace(max(zmin, 1e-300) * 1.02, zmax, n_levels)
    else:
        levels = zmin + (zmax - zmin) * np.linspace(0.0, 1.0, n_levels + 2)[1:-1] ** 2
    Z = np.where(np.isfinite(Z), Z, zmax)
    fig, ax = _new_figure(figsize=(7.0, 5.0))
    norm = mpl.colors.LogNorm(levels[0], levels[-1]) if log else None
    filled = ax.contourf(gx, gy, Z, levels=levels, cmap="cividis", alpha=0.55, extend="both", norm=norm)
    ax.contour(gx, gy, Z, levels=levels, colors=_GREY, linewidths=0.6, norm=norm)
    bar = fig.colorbar(filled, ax=ax, shrink=0.8, ticks=levels[:: max(1, len(levels) // 6)],
                       format=mpl.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"))
    bar.ax.minorticks_off()
    bar.set_label(r"$\chi^2$")
    for i, (name, path) in enumerate((paths or {}).items()):
        pts = check_finite_array(path, f"paths[{name!r}]")
        if pts.ndim != 2 or pts.shape[1] != 2 or pts.shape[0] == 0:
            raise ValueError(f"paths[{name!r}] must have shape (k, 2), got {pts.shape}")
        style = _style(i + 1)
        ax.plot(pts[:, 0], pts[:, 1], color=style["color"], linestyle=style["linestyle"], linewidth=1.8,
                marker=style["marker"], markersize=4.5, label=f"{name} ({pts.shape[0] - 1} steps)", zorder=4)
        ax.plot(pts[:1, 0], pts[:1, 1], linestyle="none", marker="o", markersize=10, markerfacecolor="white",
                markeredgecolor=style["color"], markeredgewidth=2, zorder=5)
    if minimum is not None:
        m = check_finite_array(minimum, "minimum").ravel()
        if m.shape != (2,):
            raise ValueError("minimum must be a pair (a1, a2)")
        ax.plot([m[0]], [m[1]], linestyle="none", marker="*", markersize=16, color=OKABE_ITO["yellow"],
                markeredgecolor=_BLACK, label="minimum", zorder=6)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    if equal_aspect:
        ax.set_aspect("equal")
    ax.grid(False)
    _label_axes(ax, xlabel, ylabel)
    if paths or minimum is not None:
        ax.legend(loc="upper right", framealpha=0.95)
    return fig, ax


def plot_convergence(
    histories: Mapping[str, Any],
    *,
    reference: float,
    floor: float = 1e-16,
    xlabel: str = "iteration",
    ylabel: str = r"$\chi^2 - \chi^2_{\min}$ (relative)",
) -> tuple[Figure, Axes]:
    r"""How fast each method approaches the minimum: :math:`(\chi^2_k - \chi^2_{\min})/\chi^2_{\min}` on a log scale.

    Parameters
    ----------
    histories : mapping of str to array
        :math:`\chi^2` after each iteration of each method (``chi2_path`` of
        :func:`mvcalc.regression.curve_fit`).
    reference : float
        :math:`\chi^2_{\min}`, greater than 0.
    floor : float, default 1e-16
        Smaller values (rounding noise, or exactly 0) are drawn at ``floor``.
    xlabel, ylabel : str
        Axis labels.

    Returns
    -------
    fig, ax : Figure, Axes
    """
    ref = check_positive(reference, "reference")
    floor = check_positive(floor, "floor")
    if not histories:
        raise ValueError("histories must hold at least one method")
    fig, ax = _new_figure()
    for i, (name, hist) in enumerate(histories.items()):
        h = check_finite_array(hist, f"histories[{name!r}]").ravel()
        gap = np.maximum(np.abs(h - ref) / ref, floor)
        style = _style(i + 1)
        ax.plot(np.arange(h.size), gap, color=style["color"], linestyle=style["linestyle"],
                marker=style["marker"], markersize=4, markevery=max(1, h.size // 25), label=name)
    ax.set_yscale("log")
    ax.set_ylim(bottom=floor / 3)
    _label_axes(ax, xlabel, ylabel)
    ax.legend(loc="upper right")
    return fig, ax


def plot_uncertainty_ellipse(
    model: Callable[..., Any],
    x: Any,
    y: Any,
    params: Any,
    covariance: Any,
    *,
    sigma: Any = None,
    delta: float = 1.0,
    span: float = 2.5,
    n: int = 161,
    xlabel: str = "$a_1$",
    ylabel: str = "$a_2$",
) -> tuple[Figure, Axes]:
    r"""The contour :math:`\chi^2 = \chi^2_{\min} + \Delta` of a two-parameter fit beside its covariance ellipse.

    Near the minimum :math:`\chi^2(\mathbf a) \approx \chi^2_{\min} +
    \delta\mathbf a^{\mathsf T}\mathbf C^{-1}\delta\mathbf a` with
    :math:`\mathbf C = (\mathbf J^{\mathsf T}\mathbf W\mathbf J)^{-1}`, so the
    contour at :math:`\Delta = 1` is close to the ellipse
    :math:`\delta\mathbf a^{\mathsf T}\mathbf C^{-1}\delta\mathbf a = 1`,
    whose shadows on the axes are :math:`\pm\sigma_{a_1}` and
    :math:`\pm\sigma_{a_2}` (dotted lines).

    Parameters
    ----------
    model : callable
        ``model(x, a1, a2)``.
    x, y : array_like
        The data.
    params : array_like, shape (2,)
        The best fit.
    covariance : array_like, shape (2, 2)
        Its covariance matrix, symmetric positive definite.
    sigma : float or array_like, optional
        Uncertainties of ``y`` (1 when not given).
    delta : float, default 1.0
        The contour level above the minimum.
    span : float, default 2.5
        Half-width of the window in standard deviations.
    n : int, default 161
        Grid points per axis.
    xlabel, ylabel : str
        Axis labels.

    Returns
    -------
    fig, ax : Figure, Axes
    """
    check_callable(model, "model")
    ya = check_finite_array(y, "y").ravel()
    s = np.ones_like(ya) if sigma is None else _data_xy(ya, ya, sigma)[2]
    p = check_finite_array(params, "params").ravel()
    C = check_finite_array(covariance, "covariance")
    if p.shape != (2,) or C.shape != (2, 2):
        raise ValueError(f"params must have shape (2,) and covariance (2, 2), got {p.shape} and {C.shape}")
    if not np.allclose(C, C.T) or np.any(np.linalg.eigvalsh(C) <= 0):
        raise ValueError("covariance must be symmetric positive definite")
    delta = check_positive(delta, "delta")
    span = check_positive(span, "span")
    n = _check_count(n, "n", 5)
    sd = np.sqrt(np.diag(C))
    gx = np.linspace(p[0] - span * sd[0], p[0] + span * sd[0], n)
    gy = np.linspace(p[1] - span * sd[1], p[1] + span * sd[1], n)
    xa = np.asarray(x, dtype=float)
    Z = _chi2_grid(model, xa, ya, s, gx, gy)
    zmin = float(_chi2_grid(model, xa, ya, s, p[:1], p[1:])[0, 0])
    fig, ax = _new_figure(figsize=(7.2, 4.6))
    ax.contour(gx, gy, Z - zmin, levels=[delta], colors=[PALETTE[0]], linewidths=2.4)
    t = np.linspace(0, 2 * np.pi, 400)
    vals, vecs = np.linalg.eigh(C)
    ell = p[:, None] + vecs @ (np.sqrt(delta * vals)[:, None] * np.vstack([np.cos(t), np.sin(t)]))
    ax.plot([], [], color=PALETTE[0], linewidth=2.4, label=r"$\chi^2 = \chi^2_{\min} + %g$" % delta)
    ax.plot(ell[0], ell[1], color=PALETTE[1], linestyle="--", linewidth=2.0,
            label=r"$\delta\mathbf{a}^{\mathsf{T}}\mathbf{C}^{-1}\delta\mathbf{a} = %g$" % delta)
    half = sd * np.sqrt(delta)
    for v in (p[0] - half[0], p[0] + half[0]):
        ax.axvline(v, color=_GREY, linestyle=":", linewidth=1.3)
    for v in (p[1] - half[1], p[1] + half[1]):
        ax.axhline(v, color=_GREY, linestyle=":", linewidth=1.3)
    ax.plot([], [], color=_GREY, linestyle=":", label=r"best fit $\pm$ standard error")
    ax.plot([p[0]], [p[1]], linestyle="none", marker="*", markersize=15, color=OKABE_ITO["yellow"],
            markeredgecolor=_BLACK, label="best fit", zorder=5)
    ax.set_xlim(gx[0], gx[-1])
    ax.set_ylim(gy[0], gy[-1])
    _label_axes(ax, xlabel, ylabel)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
    return fig, ax


def plot_digits(
    categories: Sequence[str],
    series: Mapping[str, Any],
    *,
    cap: float | None = None,
    ylabel: str = "correct digits (LRE)",
    xlabel: str = "",
    rotate: bool = False,
) -> tuple[Figure, Axes]:
    r"""Grouped bars of correct significant digits (log relative errors).

    Parameters
    ----------
    categories : sequence of str
        Labels of the groups (problems or parameters).
    series : mapping of str to array
        Name and digits of each solver, one value per category; NaN marks a
        failure, drawn as a cross at the bottom.
    cap : float, optional
        The number of digits certified, drawn as a dashed line.
    ylabel, xlabel : str
        Axis labels.
    rotate : bool, default False
        Rotate the category labels (for long lists).

    Returns
    -------
    fig, ax : Figure, Axes
    """
    cats = [str(c) for c in categories]
    if not cats:
        raise ValueError("categories must not be empty")
    if not series:
        raise ValueError("series must hold at least one solver")
    k = len(series)
    width = 0.8 / k
    hatches = ["", "//", "..", "\\\\", "xx", "--", "++"]
    fig, ax = _new_figure(figsize=(min(10.0, max(7.0, 0.16 * len(cats) * k + 3.0)), 4.4))
    x = np.arange(len(cats))
    for i, (name, vals) in enumerate(series.items()):
        v = np.asarray(vals, dtype=float).ravel()
        if v.shape != (len(cats),):
            raise ValueError(f"series[{name!r}] must have one value per category ({len(cats)}), got {v.size}")
        style = _style(i)
        pos = x - 0.4 + width * (i + 0.5)
        ok = np.isfinite(v)
        ax.bar(pos[ok], v[ok], width=width * 0.95, color=mpl.colors.to_rgba(style["color"], 0.75),
               edgecolor=_BLACK, linewidth=0.6, hatch=hatches[i % len(hatches)], label=name)
        if np.any(~ok):
            ax.plot(pos[~ok], np.full(int(np.sum(~ok)), 0.35), linestyle="none", marker="X", markersize=8,
                    color=style["color"], markeredgecolor=_BLACK, label=f"{name}: failed")
    if cap is not None:
        ax.axhline(check_positive(cap, "cap"), color=_BLACK, linestyle=(0, (6, 3)), linewidth=1.0,
                   label="digits certified")
    ax.set_xticks(x, cats, rotation=45 if rotate else 0, ha="right" if rotate else "center")
    ax.set_xlim(-0.6, len(cats) - 0.4)
    ax.set_ylim(0.0, (cap if cap is not None else 16) + 1.5)
    ax.grid(axis="x", visible=False)
    _label_axes(ax, xlabel, ylabel)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig, ax


# --------------------------------------------------------------------------
# Chapter 5: optimisation
# --------------------------------------------------------------------------

__all__ += [
    "plot_armijo",
    "plot_basins",
    "plot_constrained",
    "plot_descent_paths",
    "plot_iterate_errors",
    "plot_newton_raphson_steps",
]


def _path_of(result: Any, name: str) -> np.ndarray:
    """The ``path`` of a solver result (or an array of iterates), as a float array."""
    path = getattr(result, "path", result)
    arr = np.asarray(path, dtype=float)
    if arr.size == 0:
        raise ValueError(f"{name} has an empty path")
    return arr


def plot_newton_raphson_steps(
    f: Callable[[np.ndarray], Any],
    panels: Sequence[tuple[Any, ...]],
    *,
    ylim: Sequence[float] | None = None,
    max_steps: int = 8,
    xlabel: str = "$x$",
    ylabel: str = "$f(x)$",
) -> tuple[Figure, np.ndarray]:
    r"""Newton-Raphson drawn as tangent lines: one panel per run.

    From each iterate :math:`(x_n, f(x_n))` the tangent line is followed down
    to the axis at :math:`x_{n+1} = x_n - f(x_n)/f'(x_n)`, and a dotted line
    goes back up to the curve at :math:`(x_{n+1}, f(x_{n+1}))`.

    Parameters
    ----------
    f : callable
        The function, applied to arrays.
    panels : sequence of (title, result, x_range) or (title, result, x_range, y_range)
        A title, a result of :func:`mvcalc.optimize.newton_raphson` (or its
        ``path``), the horizontal range of each panel and, optionally, its
        own vertical range (which overrides ``ylim``).
    ylim : (float, float), optional
        Common vertical limits.
    max_steps : int, default 8
        The most steps drawn per panel.
    xlabel, ylabel : str
        Axis labels.

    Returns
    -------
    fig : Figure
    axes : ndarray of Axes
        One per panel.
    """
    check_callable(f, "f")
    if not panels:
        raise ValueError("panels must hold at least one (title, result, x_range)")
    max_steps = _check_count(max_steps, "max_steps", 1)
    y_lim = None if ylim is None else _check_range(ylim, "ylim")
    k = len(panels)
    fig, axes = _new_figure(1, k, figsize=(3.6 * k + 0.8, 3.9), squeeze=False)
    axes = axes[0]
    for ax, panel in zip(axes, panels):
        if len(panel) not in (3, 4):
            raise ValueError(
                f"each panel must be (title, result, x_range) or (title, result, x_range, y_range), "
                f"got {len(panel)} items"
            )
        title, result, x_range = panel[:3]
        panel_ylim = _check_range(panel[3], "y_range") if len(panel) == 4 else y_lim
        lo, hi = _check_range(x_range)
        path = _path_of(result, str(title))[: max_steps + 1]
        x = np.linspace(lo, hi, 400)
        ax.axhline(0.0, color=_GREY, linewidth=0.8)
        ax.plot(x, _evaluate(f, x), color=_BLACK, linestyle="-", linewidth=2.0, label="$f(x)$")
        fp = _evaluate(f, path)
        for i in range(len(path) - 1):
            ax.plot([path[i], path[i + 1]], [fp[i], 0.0], color=PALETTE[1], linestyle="--", linewidth=1.5,
                    label="tangent line" if i == 0 else None)
            ax.plot([path[i + 1], path[i + 1]], [0.0, fp[i + 1]], color=PALETTE[0], linestyle=":",
                    linewidth=1.3)
        ax.plot(path, fp, linestyle="none", marker="o", color=PALETTE[0], markersize=6, zorder=4,
                label="iterates $x_n$")
        for i, (xp, yp) in enumerate(zip(path[:4], fp[:4])):
            if lo <= xp <= hi and not np.any(np.isclose(path[:i], xp)):  # label a repeated point once
                ax.annotate(f"$x_{i}$", (xp, yp), textcoords="offset points", xytext=(4, 6), fontsize=9)
        ax.set_xlim(lo, hi)
        if panel_ylim is not None:
            ax.set_ylim(*panel_ylim)
        ax.set_title(str(title))
        _label_axes(ax, xlabel, ylabel)
    axes[0].legend(loc="best")
    return fig, axes


def plot_basins(
    f: Callable[[np.ndarray], Any],
    starts: Sequence[float] | np.ndarray,
    results: Sequence[Any],
    roots: Sequence[float],
    *,
    xlabel: str = "starting point $x_0$",
    ylabel: str = "$f(x)$",
) -> tuple[Figure, np.ndarray]:
    r"""Basins of attraction of Newton-Raphson on the real line.

    The top panel shows :math:`f` and its roots; a strip below it colours
    each starting point :math:`x_0` by its outcome (which root was reached, a
    detected cycle, or another failure); the bottom panel shows the number
    of iterations taken, with a marker and colour for the outcome.

    Parameters
    ----------
    f : callable
        The function.
    starts : array of float
        The starting points, increasing.
    results : sequence of results
        The result of :func:`mvcalc.optimize.newton_raphson` from each start.
    roots : sequence of float
        The roots, to label the outcomes.
    xlabel, ylabel : str
        Labels of the horizontal axis and of the top panel's vertical axis.

    Returns
    -------
    fig : Figure
    axes : ndarray of three Axes
        The function, the strip of basins, the iterations.
    """
    check_callable(f, "f")
    x0 = check_finite_array(starts, "starts").ravel()
    if len(results) != x0.size:
        raise ValueError(f"give one result per start: {x0.size} starts, {len(results)} results")
    rts = check_finite_array(roots, "roots").ravel()
    outcome = []
    for res in results:
        if res.success:
            outcome.append(int(np.argmin(np.abs(rts - res.x))) if rts.size else -3)
        elif res.status == 4:
            outcome.append(-1)
        else:
            outcome.append(-2)
    outcome_arr = np.array(outcome)
    nit = np.array([res.nit for res in results])
    fig, (ax_f, ax_s, ax_b) = _new_figure(3, 1, figsize=(7.5, 6.6), sharex=True,
                                          gridspec_kw={"height_ratios": [1.0, 0.16, 1.0]})
    x = np.linspace(float(x0.min()), float(x0.max()), 600)
    ax_f.axhline(0.0, color=_GREY, linewidth=0.8)
    ax_f.plot(x, _evaluate(f, x), color=_BLACK, linestyle="-", label="$f(x)$")
    labels = {r: f"root $x^* = {rt:.4g}$" for r, rt in enumerate(rts)}
    labels[-1] = "cycle detected"
    labels[-2] = "other failure"
    colours = {}
    for k, (code, label) in enumerate(labels.items()):
        style = _style(k)
        colours[code] = style["color"]
        if code >= 0:
            ax_f.plot([rts[code]], [0.0], linestyle="none", marker=style["marker"], markersize=9,
                      color=style["color"], zorder=4, label=label)
        mask = outcome_arr == code
        if np.any(mask):
            ax_b.plot(x0[mask], nit[mask], linestyle="none", marker=style["marker"], markersize=4,
                      color=style["color"], label=f"{label} ({int(mask.sum())} starts)")
    # the strip: one coloured bar per start, the basins at a glance
    rgb = np.array([mpl.colors.to_rgb(colours[code]) for code in outcome_arr])
    ax_s.imshow(rgb[None, :, :], aspect="auto", interpolation="nearest",
                extent=(float(x0[0]), float(x0[-1]), 0.0, 1.0))
    ax_s.set_yticks([])
    ax_s.grid(False)
    ax_s.set_ylabel("basin", rotation=0, ha="right", va="center")
    ax_f.set_title("the function, and the basin of each outcome")
    _label_axes(ax_f, "", ylabel)
    ax_b.set_yscale("log")
    _label_axes(ax_b, xlabel, "iterations")
    ax_b.legend(loc="upper left")
    ax_f.legend(loc="upper left")
    return fig, np.array([ax_f, ax_s, ax_b])


def plot_iterate_errors(
    series: Mapping[str, Any],
    *,
    xlabel: str = "iteration $n$",
    ylabel: str = r"error $|x_n - x^*|$",
    floor: float = 1e-17,
    reference: float | None = None,
    reference_label: str = r"machine epsilon $\varepsilon$",
) -> tuple[Figure, Axes]:
    r"""Errors (or any positive quantity) against the iteration number, on a log scale.

    Linear convergence, :math:`e_{n+1}\approx r e_n`, is a straight line;
    quadratic convergence, :math:`e_{n+1}\approx Ce_n^2`, bends down ever more
    steeply, as the number of correct digits doubles at each step.

    Parameters
    ----------
    series : mapping of str to array
        Label and values of each run, one per iteration (non-finite values
        end the line).
    xlabel, ylabel : str
        Axis labels.
    floor : float, default 1e-17
        Values below it (or exactly zero) are drawn at ``floor``.
    reference : float, optional
        A horizontal reference level, such as machine epsilon.
    reference_label : str
        Legend entry of ``reference``.

    Returns
    -------
    fig, ax : Figure, Axes
    """
    if not series:
        raise ValueError("series must hold at least one run")
    floor = check_positive(floor, "floor")
    fig, ax = _new_figure()
    for i, (name, values) in enumerate(series.items()):
        v = np.asarray(values, dtype=float).ravel()
        finite = np.isfinite(v)
        if not np.all(finite):
            v = v[: int(np.argmin(finite))]
        if v.size == 0:
            raise ValueError(f"series[{name!r}] has no finite value")
        style = _style(i)
        ax.plot(np.arange(v.size), np.maximum(np.abs(v), floor), color=style["color"],
                linestyle=style["linestyle"], marker=style["marker"], markersize=4,
                markevery=max(1, v.size // 20), label=name)
    if reference is not None:
        ax.axhline(check_positive(reference, "reference"), color=_GREY, linestyle=(0, (6, 3)), linewidth=1.0,
                   label=reference_label)
    ax.set_yscale("log")
    _label_axes(ax, xlabel, ylabel)
    ax.legend(loc="best")
    return fig, ax


def _contour_grid(f: Callable[[np.ndarray], Any], x_range: Sequence[float], y_range: Sequence[float],
                  n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lo_x, hi_x = _check_range(x_range, "x_range")
    lo_y, hi_y = _check_range(y_range, "y_range")
    X, Y = np.meshgrid(np.linspace(lo_x, hi_x, n), np.linspace(lo_y, hi_y, n))
    with np.errstate(all="ignore"):
        try:
            Z = np.asarray(f(np.array([X, Y])), dtype=float)
            if Z.shape != X.shape:
                raise ValueError
        except (TypeError, ValueError, IndexError):
            Z = np.array([[float(f(np.array([a, b]))) for a, b in zip(rx, ry)] for rx, ry in zip(X, Y)])
    return X, Y, Z


def plot_descent_paths(
    f: Callable[[np.ndarray], Any],
    paths: Mapping[str, Any],
    x_range: Sequence[float],
    y_range: Sequence[float],
    *,
    levels: int | Sequence[float] = 20,
    log_levels: bool = False,
    minimum: Sequence[float] | None = None,
    xlabel: str = "$x_1$",
    ylabel: str = "$x_2$",
    title: str | None = None,
    n: int = 200,
    equal_aspect: bool = True,
    figsize: Sequence[float] = (7.0, 5.2),
) -> tuple[Figure, Axes]:
    r"""Paths of iterative minimisers drawn over the contours of :math:`f(x_1, x_2)`.

    Parameters
    ----------
    f : callable
        ``f(v)`` for ``v`` of shape ``(2,)``; if it also accepts ``v`` of shape
        ``(2, ny, nx)`` the grid is evaluated in one call.
    paths : mapping of str to result or array
        Label and iterates (shape ``(k, 2)``) of each run, or a solver result
        with a ``path``.
    x_range, y_range : (float, float)
        The window.
    levels : int or sequence of float, default 20
        Contour levels, or how many.
    log_levels : bool, default False
        Space the levels logarithmically above the minimum of the grid, for
        functions with a steep wall and a flat floor (such as Rosenbrock's).
    minimum : (float, float), optional
        A minimiser to mark with a star.
    xlabel, ylabel, title : str
        Labels.
    n : int, default 200
        Grid points per axis.
    equal_aspect : bool, default True
        Use the same scale on both axes, so that right angles look right.
    figsize : (float, float), default (7.0, 5.2)
        Size of the figure in inches.

    Returns
    -------
    fig, ax : Figure, Axes
    """
    check_callable(f, "f")
    if not paths:
        raise ValueError("paths must hold at least one run")
    n = _check_count(n, "n", 10)
    X, Y, Z = _contour_grid(f, x_range, y_range, n)
    fig, ax = _new_figure(figsize=tuple(check_finite_array(figsize, "figsize")))
    if log_levels:
        k = levels if isinstance(levels, int) else len(levels)
        zmin = float(np.nanmin(Z))
        shift = Z - zmin + 1e-3
        lv = np.geomspace(1e-3, float(np.nanmax(shift)), k)
        ax.contour(X, Y, shift, levels=lv, colors=_GREY, linewidths=0.7, negative_linestyles="solid")
    else:
        ax.contour(X, Y, Z, levels=levels, colors=_GREY, linewidths=0.7, negative_linestyles="solid")
    for i, (name, result) in enumerate(paths.items()):
        path = _path_of(result, name)
        if path.ndim != 2 or path.shape[1] != 2:
            raise ValueError(f"paths[{name!r}] must have shape (k, 2), got {path.shape}")
        style = _style(i)
        ax.plot(path[:, 0], path[:, 1], color=style["color"], linestyle=style["linestyle"], linewidth=1.6,
                marker=style["marker"], markersize=4, markevery=max(1, len(path) // 40),
                label=f"{name} ({len(path) - 1} steps)")
        ax.plot(path[0, 0], path[0, 1], linestyle="none", marker="o", markersize=8, markerfacecolor="white",
                markeredgecolor=_BLACK, zorder=5)
    if minimum is not None:
        m = check_finite_array(minimum, "minimum").ravel()
        ax.plot(m[0], m[1], linestyle="none", marker="*", markersize=15, color=OKABE_ITO["orange"],
                markeredgecolor=_BLACK, zorder=6, label="minimum")
    ax.set_xlim(*_check_range(x_range, "x_range"))
    ax.set_ylim(*_check_range(y_range, "y_range"))
    if equal_aspect:
        ax.set_aspect("equal", adjustable="box")
    ax.grid(False)
    if title:
        ax.set_title(title)
    _label_axes(ax, xlabel, ylabel)
    fig.legend(loc="outside lower center", ncol=2)
    return fig, ax


def plot_armijo(
    phi: Callable[[float], float],
    phi0: float,
    slope0: float,
    trials: Sequence[float],
    *,
    c1: float = 1e-4,
    alpha_max: float | None = None,
    xlabel: str = r"step $\alpha$",
    ylabel: str = r"$\varphi(\alpha) = f(\mathbf{s} + \alpha\mathbf{d})$",
) -> tuple[Figure, Axes]:
    r"""A backtracking line search: :math:`\varphi(\alpha)`, the tangent, the Armijo line and the trial steps.

    Parameters
    ----------
    phi : callable
        :math:`\varphi(\alpha)`, scalar.
    phi0, slope0 : float
        :math:`\varphi(0)` and :math:`\varphi'(0) < 0`.
    trials : sequence of float
        The steps tried, in order; the last one is the accepted step.
    c1 : float, default 1e-4
        The Armijo constant.
    alpha_max : float, optional
        Right end of the plot; by default 1.1 times the first trial.
    xlabel, ylabel : str
        Axis labels.

    Returns
    -------
    fig, ax : Figure, Axes
    """
    check_callable(phi, "phi")
    t = check_finite_array(trials, "trials").ravel()
    if t.size == 0:
        raise ValueError("trials must hold at least one step")
    c1 = check_positive(c1, "c1")
    top = float(alpha_max) if alpha_max is not None else 1.1 * float(t.max())
    a = np.linspace(0.0, top, 400)
    values = np.array([phi(float(ai)) for ai in a])
    fig, ax = _new_figure()
    ax.plot(a, values, color=_BLACK, linestyle="-", label=r"$\varphi(\alpha)$")
    ax.plot(a, phi0 + slope0 * a, color=PALETTE[0], linestyle="--",
            label=r"tangent $\varphi(0) + \alpha\varphi'(0)$")
    ax.plot(a, phi0 + c1 * slope0 * a, color=PALETTE[2], linestyle="-.",
            label=rf"Armijo line, $c_1 = {c1:g}$")
    tv = np.array([phi(float(ti)) for ti in t])
    ax.plot(t[:-1], tv[:-1], linestyle="none", marker="X", markersize=9, color=PALETTE[1],
            label="rejected steps")
    ax.plot(t[-1:], tv[-1:], linestyle="none", marker="o", markersize=10, color=PALETTE[3],
            markeredgecolor=_BLACK, label="accepted step", zorder=5)
    for i, (ti, vi) in enumerate(zip(t, tv)):
        ax.annotate(rf"$\alpha_{i}$", (ti, vi), textcoords="offset points", xytext=(5, 5), fontsize=9)
    span = float(np.nanmax(values) - np.nanmin(values))
    ax.set_ylim(float(np.nanmin(values)) - 0.15 * span, max(phi0, float(np.nanmax(tv))) + 0.15 * span)
    ax.set_xlim(0.0, top)
    _label_axes(ax, xlabel, ylabel)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig, ax


def plot_constrained(
    f: Callable[[np.ndarray], Any],
    x_range: Sequence[float],
    y_range: Sequence[float],
    *,
    equality: Callable[[np.ndarray], Any] | None = None,
    inequality: Callable[[np.ndarray], Any] | None = None,
    points: Sequence[Any] = (),
    grad_f: Callable[[np.ndarray], Any] | None = None,
    grad_g: Callable[[np.ndarray], Any] | None = None,
    levels: int | Sequence[float] = 15,
    arrow_length: float = 0.6,
    point_label: str = "stationary points",
    xlabel: str = "$x$",
    ylabel: str = "$y$",
    n: int = 300,
) -> tuple[Figure, Axes]:
    r"""Contours of :math:`f` with a constraint, and the gradients at chosen points.

    The constraint :math:`g(x,y)=0` is drawn as a thick curve; an inequality
    :math:`c(x,y)\ge0` is drawn as a hatched feasible region with its
    boundary. At each point of ``points``, arrows show the directions of
    :math:`\nabla f` (of length ``arrow_length``) and :math:`\nabla g`
    (shorter, so that both show when they coincide; a zero gradient gets no
    arrow): at a constrained extremum
    they are parallel, which is the Lagrange condition
    :math:`\nabla f=\lambda\nabla g`.

    Parameters
    ----------
    f : callable
        The objective, ``f(v)`` for ``v`` of shape ``(2,)``.
    x_range, y_range : (float, float)
        The window.
    equality : callable, optional
        :math:`g`, whose zero set is the constraint curve.
    inequality : callable, optional
        :math:`c`, whose region :math:`c\ge0` is feasible.
    points : sequence of (float, float)
        Points to mark.
    grad_f, grad_g : callable, optional
        Gradients for the arrows; by default
        :func:`mvcalc.multivariate.gradient` of ``f`` and of the constraint.
    levels : int or sequence of float, default 15
        Contour levels of ``f``.
    arrow_length : float, default 0.6
        Drawn length of each gradient arrow.
    point_label : str, default "stationary points"
        Legend entry of ``points``.
    xlabel, ylabel : str
        Axis labels.
    n : int, default 300
        Grid points per axis.

    Returns
    -------
    fig, ax : Figure, Axes
    """
    from .multivariate import gradient

    check_callable(f, "f")
    n = _check_count(n, "n", 10)
    arrow_length = check_positive(arrow_length, "arrow_length")
    X, Y, Z = _contour_grid(f, x_range, y_range, n)
    fig, ax = _new_figure(figsize=(6.8, 6.4))
    cs = ax.contour(X, Y, Z, levels=levels, cmap="cividis", linewidths=1.0)
    ax.clabel(cs, inline=True, fontsize=8, fmt="%.2g")
    handles = [mpl.lines.Line2D([], [], color=mpl.colormaps["cividis"](0.6), label="contours of $f$")]
    constraint = equality if equality is not None else inequality
    if inequality is not None:
        check_callable(inequality, "inequality")
        _, _, C = _contour_grid(inequality, x_range, y_range, n)
        ax.contourf(X, Y, C, levels=[0.0, np.inf], colors=[OKABE_ITO["sky blue"]], alpha=0.25, hatches=["//"])
        ax.contour(X, Y, C, levels=[0.0], colors=[PALETTE[1]], linewidths=2.5)
        handles.append(Patch(facecolor=mpl.colors.to_rgba(OKABE_ITO["sky blue"], 0.25), hatch="//",
                             edgecolor=PALETTE[1], label=r"feasible region $c \geq 0$"))
    if equality is not None:
        check_callable(equality, "equality")
        _, _, G = _contour_grid(equality, x_range, y_range, n)
        ax.contour(X, Y, G, levels=[0.0], colors=[PALETTE[1]], linewidths=2.5)
        handles.append(mpl.lines.Line2D([], [], color=PALETTE[1], linewidth=2.5, label="constraint $g = 0$"))
    gf = grad_f if grad_f is not None else (lambda v: gradient(f, v))
    gg = grad_g if grad_g is not None else (None if constraint is None else (lambda v: gradient(constraint, v)))
    pts = [check_finite_array(p, "points").ravel() for p in points]
    g_name = r"$\nabla g$" if equality is not None else r"$\nabla c$"
    for k, p in enumerate(pts):
        ax.plot(p[0], p[1], linestyle="none", marker="o", markersize=8, color=_BLACK, zorder=6)
        for vec_fn, colour, label, scale in ((gf, PALETTE[0], r"$\nabla f$", 1.0),
                                              (gg, PALETTE[2], g_name, 0.65)):
            if vec_fn is None:
                continue
            v = np.asarray(vec_fn(p), dtype=float)
            norm = float(np.linalg.norm(v))
            if norm <= 1e-8:  # a zero gradient has no direction: no arrow
                continue
            d = scale * arrow_length * v / norm
            ax.annotate("", xy=(p[0] + d[0], p[1] + d[1]), xytext=(p[0], p[1]),
                        arrowprops={"arrowstyle": "-|>", "color": colour, "linewidth": 2.0,
                                    "linestyle": "-" if colour == PALETTE[0] else "--"}, zorder=7)
            if k == 0:
                handles.append(mpl.lines.Line2D([], [], color=colour, linewidth=2.0,
                                                linestyle="-" if colour == PALETTE[0] else "--",
                                                marker=">", label=f"{label} (direction)"))
    if pts:
        handles.append(mpl.lines.Line2D([], [], color=_BLACK, linestyle="none", marker="o",
                                        label=point_label))
    ax.set_xlim(*_check_range(x_range, "x_range"))
    ax.set_ylim(*_check_range(y_range, "y_range"))
    ax.set_aspect("equal", adjustable="box")
    ax.grid(False)
    _label_axes(ax, xlabel, ylabel)
    fig.legend(handles=handles, loc="outside lower center", ncol=3)
    return fig, ax


# --------------------------------------------------------------------------
# Chapter 2: multivariate calculus
# --------------------------------------------------------------------------

__all__ += [
    "plot_directional_derivative",
    "plot_gradient_field",
    "plot_partial_slices",
    "plot_polar_grid",
    "plot_quadratic_surfaces",
    "plot_sandpit",
    "plot_strategy_comparison",
]


def _mv_grid_values(
    f: Callable[[np.ndarray], Any], x_range: Sequence[float], y_range: Sequence[float], n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``X, Y, Z`` on an ``n`` by ``n`` grid; ``f`` takes points of shape (2,) (or (..., 2))."""
    xlo, xhi = _check_range(x_range, "x_range")
    ylo, yhi = _check_range(y_range, "y_range")
    X, Y = np.meshgrid(np.linspace(xlo, xhi, n), np.linspace(ylo, yhi, n))
    pts = np.stack([X, Y], axis=-1)
    with np.errstate(all="ignore"):
        try:
            Z = np.asarray(f(pts), dtype=float)
            if Z.shape != X.shape:
                raise ValueError
        except (TypeError, ValueError, IndexError):
            Z = np.array([[float(f(p)) for p in row] for row in pts])
    return X, Y, Z


def plot_partial_slices(
    f: Callable[[np.ndarray], Any],
    point: Sequence[float],
    x_range: Sequence[float],
    y_range: Sequence[float],
    *,
    xlabel: str = "$x$",
    ylabel: str = "$y$",
    zlabel: str = "$f(x, y)$",
    symbols: tuple[str, str, str] = ("f", "x", "y"),
    n: int = 201,
) -> tuple[Figure, np.ndarray]:
    r"""Partial derivatives as slopes of slices through a surface.

    Left: contours of :math:`f(x, y)` with the point :math:`(x_0, y_0)` and
    the two lines through it along which one variable changes and the other
    is held constant. Middle and right: the slices :math:`x \mapsto f(x,
    y_0)` and :math:`y \mapsto f(x_0, y)`, each with its tangent, whose slopes
    are :math:`\partial f/\partial x` and :math:`\partial f/\partial y` at the
    point (computed with :func:`mvcalc.multivariate.gradient`, complex step).

    Parameters
    ----------
    f : callable
        ``f(v)`` for ``v`` of shape ``(2,)``, written with numpy functions.
    point : (float, float)
        The point :math:`(x_0, y_0)`.
    x_range, y_range : (float, float)
        The extent of the contour map and of the slices.
    xlabel, ylabel, zlabel : str
        Names (with units) of the two inputs and of the output.
    symbols : (str, str, str), default ("f", "x", "y")
        The letters of the function and its two variables, used in the
        titles :math:`\partial f/\partial x` and :math:`\partial f/\partial y`.
    n : int, default 201
        Points per side of the grid.

    Returns
    -------
    fig : Figure
    axes : ndarray of three Axes
        The map, the slice along :math:`x`, the slice along :math:`y`.
    """
    from .multivariate import gradient

    check_callable(f, "f")
    p = check_finite_array(point, "point")
    if p.shape != (2,):
        raise ValueError(f"point must be a pair (x0, y0), got {point!r}")
    n = _check_count(n, "n", 2)
    X, Y, Z = _mv_grid_values(f, x_range, y_range, n)
    g = gradient(f, p, method="complex")
    f0 = float(f(p))
    fig, axes = _new_figure(1, 3, figsize=(11.0, 3.7))
    ax_map, ax_x, ax_y = axes
    cs = ax_map.contour(X, Y, Z, levels=10, cmap="cividis", linewidths=1.2)
    ax_map.clabel(cs, fontsize=8, fmt="%.3g")
    fs, xs_, ys_ = (str(v) for v in symbols)
    ax_map.axhline(p[1], color=PALETTE[1], linestyle="--", linewidth=1.6, label=f"${ys_}$ held fixed")
    ax_map.axvline(p[0], color=PALETTE[2], linestyle="-.", linewidth=1.6, label=f"${xs_}$ held fixed")
    ax_map.plot(*p, marker="o", color=_BLACK, linestyle="none", markersize=7)
    ax_map.grid(False)
    _label_axes(ax_map, xlabel, ylabel)
    ax_map.set_title(f"contours of {zlabel}")
    # below the map, where it hides no contour label
    ax_map.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=8.5)
    for ax, t, slope, t0, colour, style, name, var in (
        (ax_x, X[0], g[0], p[0], PALETTE[1], "--", "x", xlabel),
        (ax_y, Y[:, 0], g[1], p[1], PALETTE[2], "-.", "y", ylabel),
    ):
        # the slice itself, evaluated exactly through the point
        if name == "x":
            exact = np.array([float(f(np.array([v, p[1]]))) for v in t])
        else:
            exact = np.array([float(f(np.array([p[0], v]))) for v in t])
        ax.plot(t, exact, color=colour, linestyle=style, label="slice")
        ax.plot(t, f0 + slope * (t - t0), color=_GREY, linestyle=(0, (1, 1)), linewidth=2.5,
                label=f"tangent, slope {slope:.3g}")
        ax.plot([t0], [f0], marker="o", color=_BLACK, linestyle="none", markersize=7)
        span = float(np.max(exact) - np.min(exact)) or 1.0
        ax.set_ylim(float(np.min(exact)) - 0.15 * span, float(np.max(exact)) + 0.15 * span)
        ax.set_xlim(float(t[0]), float(t[-1]))
        _label_axes(ax, var, zlabel)
        ax.legend(loc="upper left", fontsize=8.5)
    ax_x.set_title(f"${ys_}$ fixed: slope " + rf"$\partial {fs}/\partial {xs_}$")
    ax_y.set_title(f"${xs_}$ fixed: slope " + rf"$\partial {fs}/\partial {ys_}$")
    return fig, axes


def plot_gradient_field(
    f: Callable[[np.ndarray], Any],
    x_range: Sequence[float],
    y_range: Sequence[float],
    *,
    grad: Callable[[np.ndarray], Any] | None = None,
    n_arrows: int = 13,
    levels: int = 14,
    point: Sequence[float] | None = None,
    xlabel: str = "$x$",
    ylabel: str = "$y$",
    n: int = 201,
    symbol: str = "f",
) -> tuple[Figure, Axes]:
    r"""Contours of :math:`f(x, y)` with its gradient :math:`\nabla f` drawn as arrows.

    The arrows, computed with :func:`mvcalc.multivariate.gradient` (complex
    step) unless ``grad`` is given, cross the contours at right angles and
    point uphill; they are longest where the contours crowd together. At an
    optional ``point`` the gradient is drawn in bold with the contour through
    the point and its tangent there.

    Parameters
    ----------
    f : callable
        ``f(v)`` for ``v`` of shape ``(2,)``, written with numpy functions.
    x_range, y_range : (float, float)
        The extent of the map.
    grad : callable, optional
        The gradient, ``grad(v)`` of shape ``(2,)``.
    n_arrows : int, default 13
        Arrows per side.
    levels : int, default 14
        Number of contour levels.
    point : (float, float), optional
        A point at which to draw the gradient, the contour through the point
        and its tangent.
    xlabel, ylabel : str
        Axis labels.
    n : int, default 201
        Points per side of the contour grid.
    symbol : str, default "f"
        The function's letter, used in the legend (:math:`\nabla f`).

    Returns
    -------
    fig, ax : Figure, Axes
    """
    from .multivariate import gradient

    check_callable(f, "f")
    n_arrows = _check_count(n_arrows, "n_arrows", 2)
    levels = _check_count(levels, "levels", 2)
    n = _check_count(n, "n", 2)
    gfun = (lambda v: gradient(f, v, method="complex")) if grad is None else check_callable(grad, "grad")
    X, Y, Z = _mv_grid_values(f, x_range, y_range, n)
    fig, ax = _new_figure(figsize=(7.4, 4.9))
    cs = ax.contour(X, Y, Z, levels=levels, cmap="cividis", linewidths=1.1)
    ax.clabel(cs, fontsize=7.5, fmt="%.2g")
    xa, ya = np.linspace(*_check_range(x_range), n_arrows), np.linspace(*_check_range(y_range, "y_range"), n_arrows)
    AX, AY = np.meshgrid(xa, ya)
    G = np.array([[np.asarray(gfun(np.array([u, v])), dtype=float) for u, v in zip(ru, rv)]
                  for ru, rv in zip(AX, AY)])
    ax.quiver(AX, AY, G[..., 0], G[..., 1], color=PALETTE[0], angles="xy", pivot="tail",
              width=0.004, label=rf"gradient $\nabla {symbol}$")
    if point is not None:
        p = check_finite_array(point, "point")
        if p.shape != (2,):
            raise ValueError(f"point must be a pair (x, y), got {point!r}")
        g = np.asarray(gfun(p), dtype=float)
        level = float(f(p))
        ax.contour(X, Y, Z, levels=[level], colors=[_BLACK], linewidths=1.8, linestyles="solid")
        ax.plot([], [], color=_BLACK, linewidth=1.8, label=rf"contour ${symbol} = {level:.3g}$ through the point")
        span = min(np.ptp(xa), np.ptp(ya))
        u = g / (np.linalg.norm(g) or 1.0) * 0.18 * span
        ax.annotate("", xy=p + u, xytext=p, arrowprops={"arrowstyle": "-|>", "color": PALETTE[1],
                                                         "linewidth": 2.5, "mutation_scale": 16})
        tangent = np.array([-u[1], u[0]])
        ax.plot([p[0] - tangent[0], p[0] + tangent[0]], [p[1] - tangent[1], p[1] + tangent[1]],
                color=PALETTE[2], linestyle="--", linewidth=2.2, label="tangent of the contour")
        ax.plot([p[0]], [p[1]], marker="o", color=_BLACK, linestyle="none", markersize=7)
        ax.plot([], [], color=PALETTE[1], linewidth=2.5, linestyle="-", label=rf"$\nabla {symbol}$ at the point")
    ax.set_aspect("equal")
    ax.grid(False)
    _label_axes(ax, xlabel, ylabel)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9)
    return fig, ax


def plot_directional_derivative(
    f: Callable[[np.ndarray], Any],
    point: Sequence[float],
    *,
    n: int = 361,
    n_marks: int = 24,
    symbol: str = "f",
) -> tuple[Figure, Axes]:
    r"""The directional derivative :math:`D_{\hat{\mathbf u}}f` against the angle of :math:`\hat{\mathbf u}`.

    For :math:`\hat{\mathbf u} = (\cos\theta, \sin\theta)`, Cauchy-Schwarz
    gives :math:`D_{\hat{\mathbf u}}f = \lVert\nabla f\rVert\cos(\theta -
    \theta_{\nabla f})`, largest along the gradient and zero across it. The
    markers are :func:`mvcalc.multivariate.directional_derivative`, the line
    the formula with :func:`mvcalc.multivariate.gradient`.

    Parameters
    ----------
    f : callable
        ``f(v)`` for ``v`` of shape ``(2,)``.
    point : (float, float)
        The point.
    n : int, default 361
        Points of the curve.
    n_marks : int, default 24
        Directions computed numerically, marked.
    symbol : str, default "f"
        The function's letter, used in the labels.

    Returns
    -------
    fig, ax : Figure, Axes
    """
    from .multivariate import directional_derivative, gradient

    check_callable(f, "f")
    p = check_finite_array(point, "point")
    if p.shape != (2,):
        raise ValueError(f"point must be a pair (x, y), got {point!r}")
    n = _check_count(n, "n", 2)
    n_marks = _check_count(n_marks, "n_marks", 1)
    g = gradient(f, p, method="complex")
    norm, theta_g = float(np.linalg.norm(g)), float(np.arctan2(g[1], g[0]))
    theta = np.linspace(0.0, 2 * np.pi, n)
    marks = np.linspace(0.0, 2 * np.pi, n_marks, endpoint=False)
    numeric = [directional_derivative(f, p, [np.cos(t), np.sin(t)]) for t in marks]
    deg = 180 / np.pi
    fig, ax = _new_figure(figsize=(7.0, 3.9))
    ax.axhline(0.0, color=_GREY, linewidth=0.8)
    ax.plot(theta * deg, norm * np.cos(theta - theta_g), color=PALETTE[0], linestyle="-",
            label=rf"$\Vert\nabla {symbol}\Vert\,\cos(\theta-\theta_{{\nabla {symbol}}})$")
    ax.plot(marks * deg, numeric, linestyle="none", marker="o", markerfacecolor="none",
            markeredgewidth=1.6, color=PALETTE[1], label="numerical, along each direction")
    best = (theta_g % (2 * np.pi)) * deg
    ax.axvline(best, color=PALETTE[2], linestyle="--", linewidth=1.5,
               label=rf"direction of $\nabla {symbol}$, {best:.0f}°")
    ax.axhline(norm, color=PALETTE[3], linestyle=":", linewidth=1.5,
               label=rf"$\Vert\nabla {symbol}\Vert = {norm:.3g}$")
    ax.set_xlim(0, 360)
    ax.set_xticks(np.arange(0, 361, 45))
    _label_axes(ax, r"angle $\theta$ of $\hat{\mathbf{u}}$ (degrees)", rf"$D_{{\hat{{\mathbf{{u}}}}}} {symbol}$")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9)
    return fig, ax


def plot_polar_grid(
    r_range: Sequence[float] = (0.5, 2.0),
    theta_range: Sequence[float] = (0.0, np.pi / 2),
    *,
    n_r: int = 7,
    n_theta: int = 7,
    cell: tuple[int, int] = (4, 3),
) -> tuple[Figure, np.ndarray]:
    r"""A grid in :math:`(r, \theta)` and its image under :math:`(x, y) = (r\cos\theta, r\sin\theta)`.

    Every rectangle of the left panel has the same area
    :math:`\Delta r\,\Delta\theta`; its image on the right is a curved patch
    of area close to :math:`r\,\Delta r\,\Delta\theta`, larger the further it
    lies from the origin: :math:`|\det\mathbf J| = r`. One cell (index
    ``cell`` = (i_r, i_theta)) and its image are shaded, with the two columns
    of the Jacobian drawn at its corner.

    Parameters
    ----------
    r_range, theta_range : (float, float)
        The rectangle of the :math:`(r, \theta)` plane, with :math:`r \ge 0`.
    n_r, n_theta : int
        Grid lines in each direction.
    cell : (int, int)
        The shaded cell.

    Returns
    -------
    fig : Figure
    axes : ndarray of two Axes
        The :math:`(r, \theta)` plane, then the :math:`(x, y)` plane.
    """
    r0, r1 = _check_range(r_range, "r_range")
    t0, t1 = _check_range(theta_range, "theta_range")
    if r0 < 0:
        raise ValueError(f"r_range must have r >= 0, got {r_range!r}")
    n_r, n_theta = _check_count(n_r, "n_r", 2), _check_count(n_theta, "n_theta", 2)
    i, j = (_check_count(c, "cell", 0) for c in cell)
    if i >= n_r - 1 or j >= n_theta - 1:
        raise ValueError(f"cell must index a cell of the grid, below ({n_r - 1}, {n_theta - 1}), got {cell!r}")
    rs, ts = np.linspace(r0, r1, n_r), np.linspace(t0, t1, n_theta)
    fine_r, fine_t = np.linspace(r0, r1, 100), np.linspace(t0, t1, 100)
    fig, axes = _new_figure(1, 2, figsize=(10.0, 4.4))
    ax_p, ax_c = axes
    for r in rs:
        ax_p.plot([r, r], [t0, t1], color=PALETTE[0], linestyle="-", linewidth=1.0)
        ax_c.plot(r * np.cos(fine_t), r * np.sin(fine_t), color=PALETTE[0], linestyle="-", linewidth=1.0)
    for t in ts:
        ax_p.plot([r0, r1], [t, t], color=PALETTE[1], linestyle="--", linewidth=1.0)
        ax_c.plot(fine_r * np.cos(t), fine_r * np.sin(t), color=PALETTE[1], linestyle="--", linewidth=1.0)
    ra, rb, ta, tb = rs[i], rs[i + 1], ts[j], ts[j + 1]
    fill = mpl.colors.to_rgba(OKABE_ITO["yellow"], 0.8)
    ax_p.fill([ra, rb, rb, ra], [ta, ta, tb, tb], facecolor=fill, edgecolor=_BLACK, linewidth=1.5,
              hatch="//", label=r"area $\Delta r\,\Delta\theta$")
    arc_r = np.concatenate([np.full(30, ra), np.linspace(ra, rb, 30), np.full(30, rb), np.linspace(rb, ra, 30)])
    arc_t = np.concatenate([np.linspace(ta, tb, 30), np.full(30, tb), np.linspace(tb, ta, 30), np.full(30, ta)])
    ax_c.fill(arc_r * np.cos(arc_t), arc_r * np.sin(arc_t), facecolor=fill, edgecolor=_BLACK,
              linewidth=1.5, hatch="//", label=r"area $\approx r\,\Delta r\,\Delta\theta$")
    corner = np.array([ra * np.cos(ta), ra * np.sin(ta)])
    dr, dt = rb - ra, tb - ta
    col_r = np.array([np.cos(ta), np.sin(ta)]) * dr
    col_t = np.array([-ra * np.sin(ta), ra * np.cos(ta)]) * dt
    for vec, colour, label in ((col_r, PALETTE[2], r"$\Delta r\,\partial(x,y)/\partial r$"),
                               (col_t, PALETTE[4], r"$\Delta\theta\,\partial(x,y)/\partial\theta$")):
        ax_c.annotate("", xy=corner + vec, xytext=corner, zorder=5,
                      arrowprops={"arrowstyle": "-|>", "color": colour, "linewidth": 2.6, "mutation_scale": 16})
        ax_c.plot([], [], color=colour, linewidth=2.2, linestyle="-", label=label)
    ax_p.set_title(r"the $(r, \theta)$ plane: equal rectangles")
    ax_c.set_title(r"the $(x, y)$ plane: patches grow with $r$")
    _label_axes(ax_p, "radius $r$", r"angle $\theta$ (radians)")
    _label_axes(ax_c, r"$x = r\cos\theta$", r"$y = r\sin\theta$")
    ax_c.set_aspect("equal")
    for ax in axes:
        ax.grid(False)
        ax.legend(loc="upper right", fontsize=9)
    return fig, axes


def plot_quadratic_surfaces(
    hessians: Mapping[str, Any],
    *,
    extent: float = 1.5,
    n: int = 41,
) -> tuple[Figure, np.ndarray]:
    r"""Surfaces :math:`z = \tfrac12\mathbf x^{\mathsf T}\mathbf H\mathbf x` for 2-by-2 Hessians, side by side.

    Each panel shows the quadratic model of a function near a stationary
    point, with its contours projected below, and is titled with the
    eigenvalues of :math:`\mathbf H` and the verdict of
    :func:`mvcalc.multivariate.classify_stationary_point`.

    Parameters
    ----------
    hessians : mapping of str to 2-by-2 array
        Panel name and symmetric Hessian.
    extent : float, default 1.5
        Half-width of the square shown.
    n : int, default 41
        Grid points per side.

    Returns
    -------
    fig : Figure
    axes : ndarray of 3-D Axes
    """
    from .multivariate import classify_stationary_point

    if not hessians:
        raise ValueError("hessians must hold at least one matrix")
    extent = check_positive(extent, "extent")
    n = _check_count(n, "n", 2)
    mats = {}
    for name, H in hessians.items():
        Ha = check_finite_array(H, f"hessians[{name!r}]")
        if Ha.shape != (2, 2):
            raise ValueError(f"hessians[{name!r}] must be a 2-by-2 matrix, got shape {Ha.shape}")
        mats[name] = Ha
    k = len(mats)
    # constrained layout crops the titles of 3-D axes: place the axes by hand
    fig, axes = _new_figure(1, k, figsize=(3.7 * k, 4.0), subplot_kw={"projection": "3d"}, squeeze=False,
                            layout="none")
    axes = axes[0]
    fig.subplots_adjust(left=0.0, right=0.95, bottom=0.04, top=0.86, wspace=0.08)
    g = np.linspace(-extent, extent, n)
    X, Y = np.meshgrid(g, g)
    for ax, (name, H) in zip(axes, mats.items()):
        Z = 0.5 * (H[0, 0] * X**2 + 2 * H[0, 1] * X * Y + H[1, 1] * Y**2)
        zmin = float(Z.min()) - 0.3 * float(np.ptp(Z) or 1.0)
        ax.plot_surface(X, Y, Z, cmap="cividis", linewidth=0.2, edgecolor="#444444", alpha=0.9,
                        rstride=2, cstride=2)
        ax.contour(X, Y, Z, levels=10, zdir="z", offset=zmin, cmap="cividis", linewidths=1.0)
        ax.set_zlim(zmin, float(Z.max()))
        lam = np.linalg.eigvalsh(H)
        kind = classify_stationary_point(H)
        ax.set_title(f"{name}\n" + rf"$\lambda_1 = {lam[0]:.3g},\ \lambda_2 = {lam[1]:.3g}$: {kind}", fontsize=10.5)
        ticks = [-np.floor(extent), 0.0, np.floor(extent)] if extent >= 1 else [-extent, 0.0, extent]
        ax.set_xticks(ticks)
        ax.set_yticks(ticks)
        ax.set_xlabel("$x$")
        ax.set_ylabel("$y$")
        ax.set_zlabel("$z$", labelpad=2)
        ax.set_box_aspect(None, zoom=0.88)
        ax.view_init(elev=24, azim=-60)
        ax.xaxis.pane.set_facecolor("white")
        ax.yaxis.pane.set_facecolor("white")
        ax.zaxis.pane.set_facecolor("white")
        ax.set_facecolor("white")
    return fig, axes


def plot_sandpit(
    games: Any,
    *,
    n: int = 241,
    titles: Sequence[str] | None = None,
    connect: bool = True,
) -> tuple[Figure, np.ndarray]:
    r"""Replay sandpit games: the revealed pit, the probes in order, and their downhill arrows.

    Each panel draws the floor of a 2-D :class:`mvcalc.multivariate.Sandpit`
    as a colour map (cividis, dark is deep, on a colour scale of its own so
    that shallow pits keep their contrast) with contours, the probes
    numbered in order and joined by a thin line, the downhill arrow
    :math:`-\nabla f` at each probe (scaled to a common length), the deepest
    point as a star and the winning circle of radius ``tol`` around it.

    Parameters
    ----------
    games : Sandpit or sequence of Sandpit
        The games, each 2-D.
    n : int, default 241
        Grid points per side of the colour map.
    titles : sequence of str, optional
        Panel titles; by default the pit's name and the outcome.
    connect : bool, default True
        Join the probes in order by a thin line (clearer for a walk than
        for scattered random probes).

    Returns
    -------
    fig : Figure
    axes : ndarray of Axes
    """
    from matplotlib.patches import Circle

    from .multivariate import Sandpit

    seq = [games] if isinstance(games, Sandpit) else list(games)
    if not seq:
        raise ValueError("games must hold at least one Sandpit")
    for g in seq:
        if not isinstance(g, Sandpit):
            raise TypeError(f"games must be Sandpit objects, got {type(g).__name__}")
        if g.n != 2:
            raise ValueError(f"only 2-D pits can be drawn, got a {g.n}-D pit")
    if titles is not None and len(titles) != len(seq):
        raise ValueError(f"titles must give one title per game: {len(seq)} games, {len(titles)} titles")
    n = _check_count(n, "n", 2)
    k = len(seq)
    fig, axes = _new_figure(1, k, figsize=(5.3 * k, 4.6), squeeze=False)
    axes = axes[0]
    for idx, (ax, game) in enumerate(zip(axes, seq)):
        (xlo, xhi), (ylo, yhi) = game.bounds
        X, Y = np.meshgrid(np.linspace(xlo, xhi, n), np.linspace(ylo, yhi, n))
        Z = game.floor(np.column_stack([X.ravel(), Y.ravel()])).reshape(X.shape)
        # each pit on its own colour scale: the depths of different pits differ widely
        image = ax.pcolormesh(X, Y, Z, cmap="cividis", shading="auto", rasterized=True)
        cbar = fig.colorbar(image, ax=ax, shrink=0.85, pad=0.02)
        cbar.set_label("height of the floor $f$ (m)" if idx == k - 1 else "$f$ (m)")
        ax.contour(X, Y, Z, levels=12, colors="white", linewidths=0.6, alpha=0.7)
        x_min, _ = game.reveal()
        ax.add_patch(Circle(x_min, game.tol, facecolor="none", edgecolor="white",
                                        linestyle="--", linewidth=1.5))
        ax.plot(*x_min, marker="*", color="white", markeredgecolor=_BLACK, markersize=17,
                linestyle="none", label="deepest point", zorder=2)
        path = game.path
        if len(path):
            if connect:
                ax.plot(path[:, 0], path[:, 1], color="white", linewidth=0.9, alpha=0.9)
            down = game.downhills
            lengths = np.linalg.norm(down, axis=1)
            unit = np.divide(down, lengths[:, None], out=np.zeros_like(down), where=lengths[:, None] > 0)
            arrow = 0.09 * (xhi - xlo)
            for j, (pt, u, probe) in enumerate(zip(path, unit, game.probes), start=1):
                ax.annotate("", xy=pt + arrow * u, xytext=pt,
                            arrowprops={"arrowstyle": "-|>", "color": OKABE_ITO["orange"],
                                        "linewidth": 1.8, "mutation_scale": 11})
                ax.plot(*pt, marker="o" if not probe.found else "D", markersize=6.5 if not probe.found else 8,
                        color=OKABE_ITO["vermillion"] if not probe.found else OKABE_ITO["bluish green"],
                        markeredgecolor="white", linestyle="none", zorder=4)
                ax.annotate(str(j), pt, textcoords="offset points", xytext=(4, 4), fontsize=8,
                            color="white", fontweight="bold")
        ax.plot([], [], marker="o", color=OKABE_ITO["vermillion"], linestyle="none", label="probe")
        ax.plot([], [], marker="D", color=OKABE_ITO["bluish green"], linestyle="none", label="winning probe")
        ax.plot([], [], color=OKABE_ITO["orange"], linestyle="-", linewidth=1.8, label="downhill arrow")
        ax.plot([], [], color="white", linestyle="--", label="winning circle")
        if titles is not None:
            ax.set_title(str(titles[idx]), fontsize=10.5)
        else:
            outcome = f"found in {game.probes_used} probes" if game.found else f"not found in {game.probes_used} probes"
            ax.set_title(f"{game.name or 'pit'}: {outcome}", fontsize=10.5)
        ax.set_xlim(xlo, xhi)
        ax.set_ylim(ylo, yhi)
        ax.set_aspect("equal")
        ax.grid(False)
        _label_axes(ax, "$x$ (m)", "$y$ (m)")
    axes[0].legend(loc="lower left", fontsize=7.5, framealpha=0.9, facecolor="#3a3a3a", labelcolor="white")
    return fig, axes


def plot_strategy_comparison(
    probes_needed: Mapping[str, Sequence[float]],
    *,
    max_probes: int,
) -> tuple[Figure, Axes]:
    r"""Fraction of games won within :math:`k` probes, for each strategy.

    Each curve is an empirical distribution function: at :math:`k` it gives
    the fraction of a strategy's games that found the deepest point with at
    most :math:`k` probes. Games never won count as not won at any :math:`k`.

    Parameters
    ----------
    probes_needed : mapping of str to sequence
        Strategy name and, per game, the probes it needed (``np.inf`` or
        ``np.nan`` for a game not won).
    max_probes : int
        The largest :math:`k` shown.

    Returns
    -------
    fig, ax : Figure, Axes
    """
    if not probes_needed:
        raise ValueError("probes_needed must hold at least one strategy")
    max_probes = _check_count(max_probes, "max_probes", 1)
    k = np.arange(0, max_probes + 1)
    fig, ax = _new_figure(figsize=(7.0, 3.9))
    for i, (name, values) in enumerate(probes_needed.items()):
        v = np.asarray(values, dtype=float).ravel()
        if v.size == 0:
            raise ValueError(f"probes_needed[{name!r}] is empty")
        v = np.where(np.isnan(v), np.inf, v)
        won = np.array([np.mean(v <= kk) for kk in k])
        style = _style(i)
        ax.step(k, won, where="post", color=style["color"], linestyle=style["linestyle"],
                label=f"{name} (median {np.median(v):.3g})" if np.isfinite(np.median(v)) else name)
        ax.plot(k[::5], won[::5], linestyle="none", marker=style["marker"], color=style["color"])
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlim(0, max_probes)
    _label_axes(ax, "probes allowed $k$", "fraction of games won")
    ax.legend(loc="lower right")
    return fig, ax


# --------------------------------------------------------------------------
# Chapter 4: Taylor series and linearisation
# --------------------------------------------------------------------------

__all__ += [
    "plot_coefficients",
    "plot_error_by_order",
    "plot_error_orders",
    "plot_remainder",
    "plot_surface_models",
    "plot_taylor_polynomials",
]


def _check_orders(orders: Any) -> list[int]:
    """A non-empty list of non-negative integer degrees."""
    if isinstance(orders, (int, np.integer)):
        orders = [orders]
    values = list(orders)
    if not values:
        raise ValueError("orders must hold at least one degree")
    return [_check_count(k, "every order", 0) for k in values]


def plot_taylor_polynomials(
    f: Callable[[Any], Any],
    x0: float,
    orders: Sequence[int],
    x_range: Sequence[float],
    *,
    ylim: Sequence[float] | None = None,
    interval: Sequence[float] | None = None,
    breaks: Sequence[float] = (),
    xlabel: str = "$x$",
    ylabel: str = "$y$",
    f_label: str = "$f(x)$",
    n: int = 600,
) -> tuple[Figure, Axes]:
    r"""A function and its Taylor polynomials :math:`p_n` about :math:`x_0`, one per degree.

    .. math::

        p_n(x) = \sum_{k=0}^{n} \frac{f^{(k)}(x_0)}{k!}(x - x_0)^k,

    from :func:`mvcalc.taylor.taylor_polynomial`. The function is the thick
    black line; each polynomial has its own colour, line style and markers.

    Parameters
    ----------
    f : callable
        The function, written with numpy functions (it is also evaluated on a
        :class:`~mvcalc.taylor.Jet`).
    x0 : float
        The point of expansion, marked on the curve.
    orders : sequence of int
        The degrees :math:`n` to draw.
    x_range : (float, float)
        Interval shown.
    ylim : (float, float), optional
        Vertical limits (polynomials that leave them are clipped).
    interval : (float, float), optional
        An interval to shade, such as the interval of convergence.
    breaks : sequence of float, optional
        Points where ``f`` is not defined (no line is drawn across them).
    xlabel, ylabel, f_label : str
        Axis labels and the legend entry of ``f``.
    n : int, default 600
        Number of plotted points.

    Returns
    -------
    fig, ax : Figure, Axes
        ``ax.lines[0]`` is ``f``, then one line per degree.
    """
    from .taylor import taylor_polynomial

    check_callable(f, "f")
    x0 = float(check_finite_array(x0, "x0"))
    degrees = _check_orders(orders)
    lo, hi = _check_range(x_range)
    n = _check_count(n, "n", 2)
    y_lim = None if ylim is None else _check_range(ylim, "ylim")
    span = None if interval is None else _check_range(interval, "interval")
    x = _grid_with_breaks(lo, hi, n, check_finite_array(breaks, "breaks").ravel())
    fig, ax = _new_figure()
    ax.plot(x, _evaluate(f, x), color=_BLACK, linestyle="-", linewidth=3.0, label=f_label, zorder=3)
    xs = x[np.isfinite(x)]
    every = max(1, xs.size // 14)
    for i, k in enumerate(degrees):
        style = _style(i + 1)
        p = taylor_polynomial(f, x0, k)
        ax.plot(xs, p(xs), color=style["color"], linestyle=style["linestyle"], marker=style["marker"],
                markevery=(i % every, every), markersize=5, linewidth=1.8, label=f"degree {k}")
    y0 = float(_evaluate(f, np.array([x0]))[0])
    ax.plot([x0], [y0], linestyle="none", marker="o", markersize=9, markerfacecolor="white",
            markeredgewidth=2, color=_BLACK, zorder=4, label=f"$x_0 = {x0:g}$")
    if span is not None:
        ax.axvspan(*span, color=OKABE_ITO["yellow"], alpha=0.3, zorder=0,
                   label=f"$({span[0]:g}, {span[1]:g})$")
    fx = _evaluate(f, xs)
    if np.nanmin(fx) < 0 < np.nanmax(fx):
        ax.axhline(0.0, color=_GREY, linewidth=0.8)
    ax.set_xlim(lo, hi)
    if y_lim is not None:
        ax.set_ylim(*y_lim)
    _label_axes(ax, xlabel, ylabel)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig, ax


def plot_error_by_order(
    orders: Sequence[int] | np.ndarray,
    errors: Mapping[str, Sequence[float] | np.ndarray],
    *,
    floor: float | None = None,
    xlabel: str = "degree $n$",
    ylabel: str = "absolute error",
) -> tuple[Figure, Axes]:
    r"""Errors against a degree or order :math:`n` on a logarithmic scale, one line per case.

    A straight line on this plot is geometric behaviour, :math:`E_n \approx C r^n`:
    falling for a convergent series, rising for a divergent one.

    Parameters
    ----------
    orders : array of int
        The degrees :math:`n`.
    errors : mapping of str to array
        Legend label and the errors, one per degree, at least 0.
    floor : float, optional
        Errors below ``floor`` (including exact zeros) are drawn at ``floor``.
    xlabel, ylabel : str
        Axis labels.

    Returns
    -------
    fig, ax : Figure, Axes
        One line per entry of ``errors``, in order.
    """
    k = check_finite_array(orders, "orders").ravel()
    if k.size == 0:
        raise ValueError("orders must hold at least one degree")
    if not errors:
        raise ValueError("errors must hold at least one case")
    floor_value = None if floor is None else check_positive(floor, "floor")
    fig, ax = _new_figure()
    for i, (label, err) in enumerate(errors.items()):
        e = check_finite_array(err, f"errors[{label!r}]").ravel()
        if e.shape != k.shape:
            raise ValueError(f"errors[{label!r}] has {e.size} values but orders has {k.size}")
        if np.any(e < 0):
            raise ValueError(f"errors[{label!r}] must be non-negative")
        if floor_value is not None:
            e = np.maximum(e, floor_value)
        elif np.any(e == 0):
            raise ValueError(f"errors[{label!r}] holds a zero, which a log scale cannot show: give a floor")
        style = _style(i)
        ax.plot(k, e, label=label, markersize=6, **style)
    ax.set_yscale("log")
    if floor_value is not None:
        ax.axhline(floor_value, color=_GREY, linestyle=":", linewidth=1.0)
        ax.set_ylim(bottom=floor_value / 3)
    ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    _label_axes(ax, xlabel, ylabel)
    ax.legend(loc="best")
    return fig, ax


def plot_remainder(
    f: Callable[[Any], Any],
    x0: float,
    orders: Sequence[int],
    M: float | Callable[[int], float],
    x_range: Sequence[float],
    *,
    floor: float = 1e-17,
    xlabel: str = "$x$",
    ylabel: str = "error $|f(x) - p_n(x)|$",
    n: int = 400,
) -> tuple[Figure, Axes]:
    r"""The error of Taylor polynomials and the Lagrange bound on it, against :math:`x`.

    For each degree :math:`n`, a solid line shows the actual error
    :math:`|f(x) - p_n(x)|` and a dashed line of the same colour the bound
    :math:`M_n|x - x_0|^{n+1}/(n+1)!` of :func:`mvcalc.taylor.remainder_bound`;
    the solid line stays below the dashed one.

    Parameters
    ----------
    f : callable
        The function, written with numpy functions.
    x0 : float
        The point of expansion.
    orders : sequence of int
        Degrees :math:`n`.
    M : float or callable
        A bound on :math:`|f^{(n+1)}|` over ``x_range``: one number for every
        degree, or ``M(n)``.
    x_range : (float, float)
        Interval shown; it must contain ``x0``.
    floor : float, default 1e-17
        Errors below ``floor`` (rounding, or exactly 0 at ``x0``) are drawn at it.
    xlabel, ylabel : str
        Axis labels.
    n : int, default 400
        Number of plotted points.

    Returns
    -------
    fig, ax : Figure, Axes
        Two lines per degree: the error, then the bound.
    """
    from .taylor import remainder_bound, taylor_polynomial

    check_callable(f, "f")
    x0 = float(check_finite_array(x0, "x0"))
    degrees = _check_orders(orders)
    lo, hi = _check_range(x_range)
    if not lo <= x0 <= hi:
        raise ValueError(f"x_range {x_range!r} must contain x0 = {x0!r}")
    floor = check_positive(floor, "floor")
    n = _check_count(n, "n", 2)
    x = np.linspace(lo, hi, n)
    fx = _evaluate(f, x)
    fig, ax = _new_figure(figsize=(7.5, 4.4))
    for i, k in enumerate(degrees):
        style = _style(i)
        bound_k = M(k) if callable(M) else M
        err = np.maximum(np.abs(fx - taylor_polynomial(f, x0, k)(x)), floor)
        bound = np.maximum(remainder_bound(bound_k, x, x0, k), floor)
        ax.plot(x, err, color=style["color"], linestyle="-", linewidth=2.0, marker=style["marker"],
                markevery=(3 * i % 40 + 20, 40), markersize=6, markerfacecolor="white",
                label=f"error, degree {k}")
        ax.plot(x, bound, color=style["color"], linestyle="--", linewidth=1.6, marker=style["marker"],
                markevery=(3 * i % 40, 40), markersize=5, label=f"Lagrange bound, degree {k}")
    ax.set_yscale("log")
    ax.set_ylim(bottom=floor)
    ax.set_xlim(lo, hi)
    _label_axes(ax, xlabel, ylabel)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig, ax


def plot_error_orders(
    hs: Sequence[float] | np.ndarray,
    errors: Mapping[str, Sequence[float] | np.ndarray],
    *,
    guides: Sequence[int] = (),
    xlabel: str = r"step $\Delta x$",
    ylabel: str = "absolute error",
) -> tuple[Figure, Axes]:
    r"""Log-log plot of errors against a step, each labelled with its measured order.

    A power law :math:`E \approx C h^p` is a straight line of slope :math:`p`
    on log-log axes; the slope measured by
    :func:`mvcalc.taylor.observed_order` is written in the legend.

    Parameters
    ----------
    hs : array of float
        Positive steps.
    errors : mapping of str to array
        Legend label and the errors (positive), one per step.
    guides : sequence of int, optional
        Slopes to draw as thin grey reference lines through the middle of the plot.
    xlabel, ylabel : str
        Axis labels.

    Returns
    -------
    fig, ax : Figure, Axes
        One line per entry of ``errors``, then the guides.
    """
    from .taylor import observed_order

    h = check_finite_array(hs, "hs").ravel()
    if h.size < 2 or np.any(h <= 0):
        raise ValueError("hs must hold at least two positive steps")
    if not errors:
        raise ValueError("errors must hold at least one case")
    fig, ax = _new_figure(figsize=(7.0, 4.4))
    all_e = []
    for i, (label, err) in enumerate(errors.items()):
        e = check_finite_array(err, f"errors[{label!r}]").ravel()
        if e.shape != h.shape:
            raise ValueError(f"errors[{label!r}] has {e.size} values but hs has {h.size}")
        slope = observed_order(h, e)
        all_e.append(e)
        ax.plot(h, e, label=f"{label} (slope {slope:.2f})", markersize=6, **_style(i))
    hm = float(np.exp(np.mean(np.log(h))))
    em = float(np.exp(np.mean(np.log(np.concatenate(all_e)))))
    guide_styles = ((0, (4, 2)), (0, (1, 2)), (0, (6, 2, 1, 2)))
    for j, p in enumerate(guides):
        p = _check_count(p, "every guide slope", 0)
        ax.plot(h, em * (h / hm) ** p, color=_GREY, linestyle=guide_styles[j % len(guide_styles)],
                linewidth=1.3, label=f"slope {p} guide")
    ax.set_xscale("log")
    ax.set_yscale("log")
    _label_axes(ax, xlabel, ylabel)
    ax.legend(loc="lower right")
    return fig, ax


def plot_surface_models(
    f: Callable[[np.ndarray], Any],
    x0: Sequence[float],
    models: Mapping[str, Callable[[np.ndarray], Any]],
    *,
    radius: float = 1.0,
    n: int = 31,
    zlim: Sequence[float] | None = None,
    labels: Sequence[str] = ("$x$", "$y$", "$z$"),
) -> tuple[Figure, np.ndarray]:
    r"""A surface :math:`z = f(x, y)` and local models of it about :math:`\mathbf x_0`, one panel each.

    Each panel draws the surface in grey, a model (for example the constant
    :math:`f(\mathbf x_0)`, the tangent plane of
    :func:`mvcalc.taylor.linearise` or the quadratic model of
    :func:`mvcalc.taylor.quadratic_model`) as a coloured mesh, and the point
    :math:`(\mathbf x_0, f(\mathbf x_0))` where they touch.

    Parameters
    ----------
    f : callable
        :math:`f(\mathbf x)` for a point of shape ``(2,)``.
    x0 : (float, float)
        The point of expansion, at the centre of every panel.
    models : mapping of str to callable
        Panel title and model, each called on points of shape ``(2,)``.
    radius : float, default 1.0
        Half-width of the square shown around ``x0``.
    n : int, default 31
        Grid points per side.
    zlim : (float, float), optional
        Vertical limits; models are clipped to them.
    labels : (str, str, str)
        Labels of the three axes.

    Returns
    -------
    fig : Figure
    axes : ndarray of 3-D Axes
    """
    check_callable(f, "f")
    centre = check_finite_array(x0, "x0")
    if centre.shape != (2,):
        raise ValueError(f"x0 must be a point of the plane, shape (2,), got shape {centre.shape}")
    if not models:
        raise ValueError("models must hold at least one model")
    radius = check_positive(radius, "radius")
    n = _check_count(n, "n", 2)
    z_lim = None if zlim is None else _check_range(zlim, "zlim")
    if len(labels) != 3:
        raise ValueError(f"labels must hold three axis labels, got {labels!r}")
    gx = np.linspace(centre[0] - radius, centre[0] + radius, n)
    gy = np.linspace(centre[1] - radius, centre[1] + radius, n)
    X, Y = np.meshgrid(gx, gy)

    def grid(g: Callable[[np.ndarray], Any], name: str) -> np.ndarray:
        check_callable(g, name)
        with np.errstate(all="ignore"):
            return np.array([[float(g(np.array([a, b]))) for a, b in zip(rx, ry)] for rx, ry in zip(X, Y)])

    Z = grid(f, "f")
    z0 = float(f(centre.copy()))
    k = len(models)
    # constrained layout crops the titles of 3-D axes: place the axes by hand
    fig, axes = _new_figure(1, k, figsize=(3.9 * k, 4.1), subplot_kw={"projection": "3d"}, squeeze=False,
                            layout="none")
    axes = axes[0]
    fig.subplots_adjust(left=0.0, right=0.94, bottom=0.05, top=0.95, wspace=0.12)
    lo_z, hi_z = z_lim if z_lim is not None else (float(Z.min()), float(Z.max()))
    for i, (ax, (title, g)) in enumerate(zip(axes, models.items())):
        Zm = grid(g, f"models[{title!r}]")
        Zm = np.where((Zm >= lo_z) & (Zm <= hi_z), Zm, np.nan)
        ax.plot_surface(X, Y, Z, color="#bdbdbd", alpha=0.55, linewidth=0, antialiased=True,
                        rstride=1, cstride=1, shade=True)
        ax.plot_wireframe(X, Y, Zm, color=PALETTE[i % len(PALETTE)], linewidth=0.9, rstride=2, cstride=2)
        ax.plot([centre[0]], [centre[1]], [z0], linestyle="none", marker="o", markersize=7,
                markerfacecolor="white", markeredgecolor=_BLACK, markeredgewidth=2, zorder=5)
        ax.set_zlim(lo_z, hi_z)
        ax.set_title(title, fontsize=11, pad=0)
        ax.set_xlabel(labels[0])
        ax.set_ylabel(labels[1])
        ax.set_zlabel(labels[2])
        ax.view_init(elev=22, azim=-58)
        for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
            axis.pane.set_facecolor("white")
            axis.set_major_locator(mpl.ticker.MaxNLocator(4))
        ax.set_facecolor("white")
    return fig, axes


def plot_coefficients(
    coefficients: Mapping[str, Sequence[float] | np.ndarray],
    *,
    xlabel: str = "power $k$",
    ylabel: str = r"coefficient $c_k$",
) -> tuple[Figure, Axes]:
    r"""Taylor coefficients :math:`c_k` of several functions as grouped, hatched bars.

    Bars of height exactly 0 are marked with a small ring so that a missing
    power (for example the odd powers of :math:`\cos`) is visible.

    Parameters
    ----------
    coefficients : mapping of str to array
        Legend label and coefficients :math:`c_0, c_1, \dots`, all of one length.
    xlabel, ylabel : str
        Axis labels.

    Returns
    -------
    fig, ax : Figure, Axes
    """
    if not coefficients:
        raise ValueError("coefficients must hold at least one function")
    arrays = {label: check_finite_array(c, f"coefficients[{label!r}]").ravel() for label, c in coefficients.items()}
    sizes = {a.size for a in arrays.values()}
    if len(sizes) != 1 or 0 in sizes:
        raise ValueError(f"every entry of coefficients must have the same non-zero length, got {sorted(sizes)}")
    m = len(arrays)
    width = 0.8 / m
    hatches = ("", "//", "..", "xx", "\\\\", "oo")
    fig, ax = _new_figure()
    for i, (label, c) in enumerate(arrays.items()):
        k = np.arange(c.size) + (i - (m - 1) / 2) * width
        colour = PALETTE[i % len(PALETTE)]
        ax.bar(k, c, width=width * 0.95, color=mpl.colors.to_rgba(colour, 0.75), edgecolor=_BLACK,
               linewidth=0.8, hatch=hatches[i % len(hatches)], label=label)
        zero = c == 0
        ax.plot(k[zero], c[zero], linestyle="none", marker="o", markersize=5, markerfacecolor="white",
                markeredgecolor=colour, markeredgewidth=1.5)
    ax.axhline(0.0, color=_BLACK, linewidth=0.8)
    ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    _label_axes(ax, xlabel, ylabel)
    ax.legend(loc="best")
    return fig, ax


# --------------------------------------------------------------------------
# Chapter 3: the multivariate chain rule, backpropagation, automatic differentiation
# --------------------------------------------------------------------------

__all__ += [
    "plot_activation_derivatives",
    "plot_computational_graph",
    "plot_cost_history",
    "plot_curve_snapshots",
    "plot_gradient_cost",
    "plot_layer_gradients",
    "plot_network_diagram",
]


def _graph_depths(nodes: Sequence[Any]) -> dict[int, int]:
    """Depth of each node of a topologically ordered graph: 0 for leaves, else 1 + deepest parent."""
    depth: dict[int, int] = {}
    for node in nodes:
        depth[id(node)] = 1 + max((depth[id(p)] for p in node.parents), default=-1)
    return depth


def plot_computational_graph(
    output: Any,
    *,
    show_grad: bool = True,
    show_local: bool = True,
) -> tuple[Figure, Axes]:
    r"""Draw the computational graph that a :class:`mvcalc.autodiff.Value` was computed by.

    Leaves (inputs and constants) stand on the left, each operation to the
    right of all its inputs, the output on the far right. Each node shows its
    name or operation, its value and (after ``output.backward()``) its
    adjoint :math:`\bar v = \partial y/\partial v`; each edge
    :math:`u \to v` is labelled with the local derivative
    :math:`\partial v/\partial u` that the backward pass multiplies by.

    Parameters
    ----------
    output : Value
        The output node.
    show_grad : bool, default True
        Print each node's ``grad``.
    show_local : bool, default True
        Label each edge with its local derivative.

    Returns
    -------
    fig, ax : Figure, Axes
    """
    from .autodiff import Value

    if not isinstance(output, Value):
        raise TypeError(f"output must be a mvcalc.autodiff.Value, got {type(output).__name__}")
    nodes = output.topological_order()
    if len(nodes) > 60:
        raise ValueError(f"the graph has {len(nodes)} nodes; draw graphs of at most 60 nodes")
    depth = _graph_depths(nodes)
    columns: dict[int, list[Any]] = {}
    for node in nodes:
        columns.setdefault(depth[id(node)], []).append(node)
    n_cols = max(columns) + 1
    tallest = max(len(c) for c in columns.values())
    pos: dict[int, tuple[float, float]] = {}
    for d, column in columns.items():
        for k, node in enumerate(column):
            pos[id(node)] = (float(d), (len(column) - 1) / 2 - k)

    fig, ax = _new_figure(figsize=(min(2.1 * n_cols + 0.8, 10.0), 1.3 * tallest + 1.4))
    ax.grid(False)
    ax.set_axis_off()
    for node in nodes:
        x1, y1 = pos[id(node)]
        for parent, local in zip(node.parents, node.local_grads):
            x0, y0 = pos[id(parent)]
            start, end = np.array([x0 + 0.3, y0]), np.array([x1 - 0.3, y1])
            # an edge that skips columns bows upwards, around the nodes in between:
            # a quadratic Bezier curve in data coordinates, whose control point
            # lies above the middle of the chord
            bow = 0.0 if x1 - x0 <= 1 else 0.4 * (x1 - x0)
            if bow:  # leave and enter the boxes a little higher than the straight edges
                start, end = start + [0.0, 0.12], end + [0.0, 0.12]
            control = (start + end) / 2 + np.array([0.0, bow])
            path = mpl.path.Path([start, control, end], [mpl.path.Path.MOVETO, mpl.path.Path.CURVE3, mpl.path.Path.CURVE3])
            ax.add_patch(mpl.patches.FancyArrowPatch(path=path, arrowstyle="-|>", mutation_scale=12,
                                                     color=_GREY, linewidth=1.3, shrinkA=0, shrinkB=0))
            if show_local:
                if bow:  # on the curve, at its middle: B(1/2) = (start + 2 control + end) / 4
                    lx, ly = (start + 2 * control + end) / 4 + np.array([0.0, 0.04])
                else:
                    lx, ly = x0 + 0.55 * (x1 - x0), y0 + 0.55 * (y1 - y0) + 0.08
                ax.text(lx, ly, f"{local:.3g}", ha="center", va="bottom", fontsize=8.5, color=OKABE_ITO["blue"],
                        bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"})
    for node in nodes:
        x, y = pos[id(node)]
        if node is output:
            face, box = mpl.colors.to_rgba(OKABE_ITO["vermillion"], 0.25), "round4,pad=0.35"
        elif not node.parents:
            face, box = mpl.colors.to_rgba(OKABE_ITO["sky blue"], 0.35), "square,pad=0.35"
        else:
            face, box = mpl.colors.to_rgba(OKABE_ITO["orange"], 0.3), "round,pad=0.35"
        name = node.label or (node.op if node.parents else f"{node.data:g}")
        text = f"{name}\n= {node.data:.3g}"
        if show_grad:
            text += f"\ngrad {node.grad:.3g}"
        ax.text(x, y, text, ha="center", va="center", fontsize=9.5,
                bbox={"boxstyle": box, "facecolor": face, "edgecolor": _BLACK, "linewidth": 1.2})
    ax.set_xlim(-0.6, n_cols - 0.4)
    ax.set_ylim(-tallest / 2 - 0.1, tallest / 2 + 0.1 + (0.5 if n_cols > 2 else 0.0))
    return fig, ax


def plot_network_diagram(
    sizes: Sequence[int],
    *,
    input_labels: Sequence[str] | None = None,
    output_labels: Sequence[str] | None = None,
) -> tuple[Figure, Axes]:
    r"""A fully connected network as circles (neurons) and lines (weights).

    Layer :math:`l` has :math:`n_l` neurons; every neuron of layer
    :math:`l-1` connects to every neuron of layer :math:`l`, one weight
    :math:`W^{(l)}_{jk}` per line.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths :math:`(n_0, \dots, n_L)`, each between 1 and 16.
    input_labels, output_labels : sequence of str, optional
        Names written beside the input and output neurons.

    Returns
    -------
    fig, ax : Figure, Axes
    """
    widths = [_check_count(n, "a layer width", 1) for n in sizes]
    if len(widths) < 2 or max(widths) > 16:
        raise ValueError(f"sizes must list at least two layers of 1 to 16 neurons, got {list(sizes)!r}")
    fig, ax = _new_figure(figsize=(7.0, 4.2))
    ax.grid(False)
    ax.set_axis_off()
    tallest = max(widths)
    ys = [np.linspace((n - 1) / 2, -(n - 1) / 2, n) for n in widths]
    for l in range(1, len(widths)):
        for y0 in ys[l - 1]:
            for y1 in ys[l]:
                ax.plot([l - 1, l], [y0, y1], color=_GREY, linestyle="-", linewidth=0.7, alpha=0.7, zorder=1)
    last = len(widths) - 1
    for l, column in enumerate(ys):
        if l == 0:
            face, marker, name = OKABE_ITO["sky blue"], "s", "input"
        elif l == last:
            face, marker, name = OKABE_ITO["vermillion"], "D", "output"
        else:
            face, marker, name = OKABE_ITO["orange"], "o", f"hidden {l}"
        ax.plot(np.full(column.size, l), column, linestyle="none", marker=marker, markersize=15,
                markerfacecolor=face, markeredgecolor=_BLACK, zorder=3)
        ax.text(l, -tallest / 2 - 0.45, f"{name}\n$n_{{{l}}} = {column.size}$", ha="center", va="top", fontsize=10)
        if l > 0:
            ax.text(l - 0.5, tallest / 2 + 0.2, f"$\\mathbf{{W}}^{{({l})}}$: {widths[l]}$\\times${widths[l - 1]}",
                    ha="center", va="bottom", fontsize=9.5, color=OKABE_ITO["blue"])
    for labels, l, side in ((input_labels, 0, -1), (output_labels, last, 1)):
        for text, y in zip(labels or (), ys[l]):
            ax.text(l + side * 0.18, y, text, ha="right" if side < 0 else "left", va="center", fontsize=11)
    ax.set_xlim(-0.7, last + 0.7)
    ax.set_ylim(-tallest / 2 - 1.4, tallest / 2 + 0.8)
    return fig, ax


def plot_activation_derivatives(z_range: Sequence[float] = (-6.0, 6.0), *, n: int = 400) -> tuple[Figure, np.ndarray]:
    r"""The sigmoid and :math:`\tanh`, their derivatives, and the identities that give them.

    Left: :math:`\sigma(z)`, its derivative computed by forward-mode
    automatic differentiation (:func:`mvcalc.autodiff.derivative`), and the
    identity :math:`\sigma(1-\sigma)` (markers), with the maximum
    :math:`\sigma'(0) = \tfrac14` marked. Right: the same for :math:`\tanh`
    and :math:`1 - \tanh^2`, whose maximum is 1.

    Returns
    -------
    fig : Figure
    axes : ndarray of two Axes
    """
    from .autodiff import derivative as autodiff_derivative
    from .nn import sigmoid

    lo, hi = _check_range(z_range, "z_range")
    n = _check_count(n, "n", 10)
    z = np.linspace(lo, hi, n)
    zm = z[:: max(1, n // 25)]
    fig, axes = _new_figure(1, 2, figsize=(9.5, 3.9), sharey=True)
    cases = [
        (axes[0], "sigmoid", sigmoid, lambda t: t.sigmoid(), r"$\sigma(z)\,(1-\sigma(z))$", 0.25, r"$\sigma'(0) = \frac{1}{4}$"),
        (axes[1], "tanh", np.tanh, np.tanh, r"$1 - \tanh^2 z$", 1.0, r"$\tanh'(0) = 1$"),
    ]
    for ax, name, f, f_any, identity, peak, peak_label in cases:
        sym = r"\sigma" if name == "sigmoid" else r"\tanh"
        d = autodiff_derivative(f_any)(z)
        ax.axhline(0.0, color=_GREY, linewidth=0.8)
        ax.plot(z, f(z), color=PALETTE[0], linestyle="-", label=f"${sym}(z)$")
        ax.plot(z, d, color=PALETTE[1], linestyle="--", label=f"${sym}'(z)$ by dual numbers")
        fm = f(zm)
        ident = fm * (1 - fm) if name == "sigmoid" else 1 - fm * fm
        ax.plot(zm, ident, linestyle="none", marker="o", markerfacecolor="none", markeredgewidth=1.4,
                color=PALETTE[2], label=identity)
        ax.plot([0.0], [peak], linestyle="none", marker="D", markersize=8, color=_BLACK, zorder=4)
        ax.annotate(peak_label, (0.0, peak), textcoords="offset points", xytext=(10, 6), fontsize=10)
        ax.set_title(name)
        ax.set_xlim(lo, hi)
        _label_axes(ax, "weighted input $z$", "value")
        ax.legend(loc="upper left", fontsize=8.5)
    axes[0].set_ylim(-1.1, 1.35)
    return fig, axes


def plot_layer_gradients(
    norms: Mapping[str, Any],
    *,
    xlabel: str = "layer $l$ (1 is next to the input)",
    ylabel: str = r"gradient size $\|\partial C/\partial \mathbf{b}^{(l)}\|$",
) -> tuple[Figure, Axes]:
    r"""Size of the gradient at each layer of deep networks, on a log scale.

    Parameters
    ----------
    norms : mapping of str to array
        Legend label and one positive norm per layer (for example from
        :func:`mvcalc.nn.layer_gradient_norms`), layer 1 first.
    xlabel, ylabel : str
        Axis labels.

    Returns
    -------
    fig, ax : Figure, Axes
    """
    if not norms:
        raise ValueError("norms must hold at least one network")
    fig, ax = _new_figure()
    for i, (label, values) in enumerate(norms.items()):
        v = check_finite_array(values, f"norms[{label!r}]").ravel()
        if np.any(v <= 0):
            raise ValueError(f"norms[{label!r}] must be positive to be drawn on a log scale")
        style = _style(i)
        ax.plot(np.arange(1, v.size + 1), v, color=style["color"], linestyle=style["linestyle"],
                marker=style["marker"], label=label)
    ax.set_yscale("log")
    ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    _label_axes(ax, xlabel, ylabel)
    ax.legend(loc="best")
    return fig, ax


def plot_curve_snapshots(
    target: Any,
    snapshots: Mapping[int, Any],
    *,
    label: str = "network",
) -> tuple[Figure, np.ndarray]:
    r"""A closed curve drawn by a network at several stages of its training.

    Each panel shows the target curve (dashed, black) and the network's
    output :math:`\mathbf a^{(L)}(t)` for the same parameter values
    :math:`t` (solid, with markers), joined back to its first point.

    Parameters
    ----------
    target : array, shape (N, 2)
        The points of the curve to learn.
    snapshots : mapping of int to array of shape (N, 2)
        Iteration number and the network's output at that iteration.
    label : str
        Legend entry of the network's curve.

    Returns
    -------
    fig : Figure
    axes : ndarray of Axes, one per snapshot
    """
    Y = check_finite_array(target, "target")
    if Y.ndim != 2 or Y.shape[1] != 2:
        raise ValueError(f"target must have shape (N, 2), got {Y.shape}")
    if not snapshots:
        raise ValueError("snapshots must hold at least one iteration")
    k = len(snapshots)
    fig, axes = _new_figure(1, k, figsize=(2.3 * k + 1.6, 2.9), squeeze=False)
    axes = axes[0]
    closed = np.vstack([Y, Y[:1]])
    for ax, (it, out) in zip(axes, snapshots.items()):
        A = check_finite_array(out, f"snapshots[{it!r}]")
        if A.shape != Y.shape:
            raise ValueError(f"snapshots[{it!r}] must have the shape of target {Y.shape}, got {A.shape}")
        A = np.vstack([A, A[:1]])
        ax.plot(closed[:, 0], closed[:, 1], color=_BLACK, linestyle="--", linewidth=1.4, label="target")
        ax.plot(A[:, 0], A[:, 1], color=PALETTE[1], linestyle="-", marker="o", markersize=2.5,
                linewidth=1.6, label=label)
        ax.set_title(f"iteration {it:,}")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_aspect("equal")
        ax.set_xticks([0, 0.5, 1])
        ax.set_yticks([0, 0.5, 1])
        _label_axes(ax, "output $a_1$", "output $a_2$" if ax is axes[0] else " ")
    # one legend for all panels, to the right of them, where it hides no curve
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside right center", fontsize=8.5)
    return fig, axes


def plot_cost_history(
    costs: Any,
    *,
    marks: Sequence[int] = (),
    xlabel: str = "iteration",
    ylabel: str = "cost $C$",
) -> tuple[Figure, Axes]:
    r"""The cost against the iteration of training, on a log scale, with chosen iterations marked.

    Parameters
    ----------
    costs : array
        The cost before each step (and at the end), positive.
    marks : sequence of int
        Iterations to mark (for example those of :func:`plot_curve_snapshots`).
    xlabel, ylabel : str
        Axis labels.

    Returns
    -------
    fig, ax : Figure, Axes
    """
    c = check_finite_array(costs, "costs").ravel()
    if c.size < 2 or np.any(c <= 0):
        raise ValueError("costs must hold at least two positive values")
    it = np.arange(c.size)
    fig, ax = _new_figure(figsize=(7.0, 3.8))
    ax.plot(it, c, color=PALETTE[0], linestyle="-", label="cost on the whole batch")
    for j, m in enumerate(marks):
        m = int(m)
        if not 0 <= m < c.size:
            raise ValueError(f"mark {m} is outside the iterations 0..{c.size - 1}")
        ax.plot([m], [c[m]], linestyle="none", marker="o", markersize=7, color=PALETTE[1], zorder=3,
                label="snapshots" if j == 0 else None)
    ax.set_yscale("log")
    ax.set_xlim(0, c.size - 1)
    _label_axes(ax, xlabel, ylabel)
    ax.legend(loc="upper right")
    return fig, ax


def plot_gradient_cost(
    ns: Any,
    timings: Sequence[Mapping[str, float]],
    *,
    xlabel: str = "number of inputs $n$",
    ylabel: str = "time of the gradient / time of one evaluation",
) -> tuple[Figure, Axes]:
    r"""How the cost of a gradient grows with the number of inputs, for three methods.

    For each method the time of one gradient is divided by the time of one
    evaluation of :math:`f` by the same machinery: reverse mode by an
    evaluation on ``Value`` objects, forward mode by one on dual numbers,
    central differences by one on floats. A method whose relative cost grows
    like :math:`n^p` is a straight line of slope :math:`p` on these log-log
    axes; the fitted slope (over the larger half of ``ns``) is in the legend,
    and a dotted line of slope 1 is drawn for reference.

    Parameters
    ----------
    ns : array of int
        The numbers of inputs.
    timings : sequence of dict
        One :func:`mvcalc.autodiff.time_gradients` result per entry of ``ns``.
    xlabel, ylabel : str
        Axis labels.

    Returns
    -------
    fig, ax : Figure, Axes
        The lines are reverse mode, forward mode, central differences, in that order.
    """
    n = check_finite_array(ns, "ns").ravel()
    if n.size < 2 or np.any(n <= 0):
        raise ValueError("ns must hold at least two positive numbers")
    if len(timings) != n.size:
        raise ValueError(f"timings must hold one result per n: {len(timings)} for {n.size} values of n")
    pairs = [
        ("reverse mode (Value)", "reverse mode", "f on Values"),
        ("forward mode (Dual)", "forward mode", "f on Duals"),
        ("central differences", "central differences", "f on floats"),
    ]
    fig, ax = _new_figure(figsize=(7.5, 4.6))
    for i, (label, gradient_key, evaluation_key) in enumerate(pairs):
        try:
            ratio = np.array([float(t[gradient_key]) / float(t[evaluation_key]) for t in timings])
        except KeyError as exc:
            raise ValueError(f"each entry of timings needs the key {exc}, as from time_gradients") from None
        half = slice(n.size // 2, None)
        slope = np.polyfit(np.log(n[half]), np.log(ratio[half]), 1)[0]
        style = _style(i)
        ax.plot(n, ratio, color=style["color"], linestyle=style["linestyle"], marker=style["marker"],
                label=f"{label}: slope {slope:.2f}")
    ax.plot(n, n, color=_GREY, linestyle=(0, (1, 2)), linewidth=1.4, label="$n$ (slope 1)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_major_locator(mpl.ticker.FixedLocator(n))
    ax.xaxis.set_major_formatter(mpl.ticker.FormatStrFormatter("%g"))
    ax.xaxis.set_minor_locator(mpl.ticker.NullLocator())
    _label_axes(ax, xlabel, ylabel)
    ax.legend(loc="upper left", fontsize=9)
    return fig, ax


# --------------------------------------------------------------------------
# Appendix: accuracy and cost
# --------------------------------------------------------------------------

__all__ += [
    "plot_battery_errors",
    "plot_battery_floors",
    "plot_book_times",
    "plot_gradient_benchmark",
    "plot_page_weight",
    "plot_solver_comparison",
]

#: How the appendix names the methods of differentiation in legends.
_METHOD_LABELS: dict[str, str] = {
    "forward": "forward difference",
    "central": "central difference",
    "complex": "complex step",
    "reverse": "reverse mode (Value)",
}

#: The floors of :data:`mvcalc.bench.FLOORS`, in TeX.
_FLOOR_LABELS: dict[str, str] = {
    "forward": r"$\sqrt{\varepsilon}$",
    "central": r"$\varepsilon^{2/3}$",
    "complex": r"$\varepsilon$",
}


def _method_label(method: str) -> str:
    return _METHOD_LABELS.get(method, method)


def _floored(values: np.ndarray, floor: float) -> tuple[np.ndarray, np.ndarray]:
    """Values raised to ``floor`` (a log axis cannot show 0) and the mask of those raised."""
    low = values < floor
    return np.where(low, floor, values), low


def _mark_zero_level(ax: Axes, level: float, *, axis: str = "y", text: str = "error 0\n(or below)") -> None:
    """A dotted line at the level that stands for errors of 0, labelled beside the axis."""
    if axis == "y":
        ax.axhline(level, color=_GREY, linestyle=(0, (1, 3)), linewidth=1.0, zorder=1)
        ax.annotate(text, (1.0, level), xycoords=("axes fraction", "data"), xytext=(4, 0),
                    textcoords="offset points", ha="left", va="center", fontsize=8.5, color=_GREY)
    else:
        ax.axvline(level, color=_GREY, linestyle=(0, (1, 3)), linewidth=1.0, zorder=1)
        ax.annotate(text, (level, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -2),
                    textcoords="offset points", ha="left", va="top", fontsize=9, color=_GREY)


def _check_floors(floors: Mapping[str, float] | None, methods: Sequence[str]) -> dict[str, float]:
    out = {}
    for m, value in (floors or {}).items():
        if m not in methods:
            raise ValueError(f"floors names the method {m!r}, which is not among {list(methods)}")
        out[m] = check_positive(value, f"floors[{m!r}]")
    return out


def plot_battery_errors(
    hs: Sequence[float] | np.ndarray,
    errors: Mapping[str, Any],
    *,
    floors: Mapping[str, float] | None = None,
    display_floor: float | None = None,
    xlabel: str = "step size $h$",
    ylabel: str = "relative error",
) -> tuple[Figure, Axes]:
    r"""Error against step over a battery of functions: median and quartiles per method, beside each floor.

    Parameters
    ----------
    hs : array of float
        Positive steps.
    errors : mapping of str to array
        Method and its relative errors, shape ``(functions, len(hs))``, as
        from :func:`mvcalc.bench.derivative_errors`.
    floors : mapping of str to float, optional
        The smallest error each method can reach (:data:`mvcalc.bench.FLOORS`),
        drawn as a horizontal line in the method's colour.
    display_floor : float, optional
        Errors below it (including errors of exactly 0, which a log axis
        cannot show) are drawn at it, on a dotted line labelled "error 0 (or
        below)"; by default a tenth of the smallest floor, or of machine
        epsilon.
    xlabel, ylabel : str
        Axis labels.

    Returns
    -------
    fig, ax : Figure, Axes
        One median line per method in the order of ``errors``, each with a
        band from the lower to the upper quartile over the functions.
    """
    h = check_finite_array(hs, "hs").ravel()
    if h.size < 2 or np.any(h <= 0):
        raise ValueError("hs must hold at least two steps, every step greater than 0")
    if not errors:
        raise ValueError("errors must hold at least one method")
    methods = list(errors)
    floor_values = _check_floors(floors, methods)
    lowest = min(floor_values.values(), default=float(np.finfo(float).eps))
    shown_floor = lowest / 10 if display_floor is None else check_positive(display_floor, "display_floor")
    fig, ax = _new_figure(figsize=(7.8, 4.8))
    clipped = False
    for i, m in enumerate(methods):
        e = check_finite_array(errors[m], f"errors[{m!r}]")
        if e.ndim != 2 or e.shape[1] != h.size:
            raise ValueError(f"errors[{m!r}] must have shape (functions, {h.size}), got {e.shape}")
        if np.any(e < 0):
            raise ValueError(f"errors[{m!r}] must be non-negative")
        q1, med, q3 = np.percentile(e, [25, 50, 75], axis=0)
        med, low = _floored(med, shown_floor)
        q1, _ = _floored(q1, shown_floor)
        q3, _ = _floored(q3, shown_floor)
        clipped = clipped or bool(np.any(low))
        style = _style(i)
        every = max(1, h.size // 10)
        ax.fill_between(h, q1, q3, color=style["color"], alpha=0.18, linewidth=0, zorder=2)
        ax.plot(h, med, color=style["color"], linestyle=style["linestyle"], marker=style["marker"],
                markevery=(i * every // max(1, len(methods)), every), markersize=5,
                label=f"{_method_label(m)}: median, quartiles", zorder=3 + i)
        if m in floor_values:
            ax.axhline(floor_values[m], color=style["color"], linestyle=(0, (6, 3)), linewidth=1.1, zorder=2)
            ax.annotate(f"floor {_FLOOR_LABELS.get(m, m)}", (0.0, floor_values[m]),
                        xycoords=("axes fraction", "data"), xytext=(4, 3), textcoords="offset points",
                        ha="left", va="bottom", fontsize=9, color=style["color"])
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(float(h.min()), float(h.max()))
    ax.set_ylim(bottom=shown_floor / 2)
    if clipped:
        _mark_zero_level(ax, shown_floor)
    _label_axes(ax, xlabel, ylabel)
    ax.legend(loc="upper center", fontsize=9)
    return fig, ax


def plot_battery_floors(
    names: Sequence[str],
    errors: Mapping[str, Any],
    *,
    floors: Mapping[str, float] | None = None,
    display_floor: float | None = None,
    xlabel: str = "relative error at the method's default step",
) -> tuple[Figure, Axes]:
    r"""One row per function: the error each method reaches at its default step, beside the floors.

    Parameters
    ----------
    names : sequence of str
        The functions (TeX allowed), one row each, from top to bottom.
    errors : mapping of str to array
        Method and its relative error for each function.
    floors : mapping of str to float, optional
        Each method's floor, a vertical line in its colour.
    display_floor : float, optional
        Errors below it (and errors of 0) are drawn at it, hollow, on a
        dotted line labelled "0"; by default a tenth of the smallest floor.
    xlabel : str
        Label of the horizontal axis.

    Returns
    -------
    fig, ax : Figure, Axes
    """
    labels = [str(n) for n in names]
    if not labels:
        raise ValueError("names must hold at least one function")
    if not errors:
        raise ValueError("errors must hold at least one method")
    methods = list(errors)
    floor_values = _check_floors(floors, methods)
    lowest = min(floor_values.values(), default=float(np.finfo(float).eps))
    shown_floor = lowest / 10 if display_floor is None else check_positive(display_floor, "display_floor")
    fig, ax = _new_figure(figsize=(7.8, 0.32 * len(labels) + 1.9))
    y = np.arange(len(labels))[::-1].astype(float)
    clipped = False
    for i, m in enumerate(methods):
        e = check_finite_array(errors[m], f"errors[{m!r}]").ravel()
        if e.size != len(labels):
            raise ValueError(f"errors[{m!r}] must hold one error per function ({len(labels)}), got {e.size}")
        if np.any(e < 0):
            raise ValueError(f"errors[{m!r}] must be non-negative")
        shown, low = _floored(e, shown_floor)
        clipped = clipped or bool(np.any(low))
        style = _style(i)
        offset = (i - (len(methods) - 1) / 2) * 0.18
        ax.plot(shown[~low], y[~low] + offset, linestyle="none", marker=style["marker"], markersize=7,
                color=style["color"], markeredgecolor=_BLACK, markeredgewidth=0.5, label=_method_label(m), zorder=3)
        if np.any(low):
            ax.plot(shown[low], y[low] + offset, linestyle="none", marker=style["marker"], markersize=7,
                    markerfacecolor="white", markeredgecolor=style["color"], markeredgewidth=1.5, zorder=3,
                    label=_method_label(m) if not np.any(~low) else "_nolegend_")
        if m in floor_values:
            ax.axvline(floor_values[m], color=style["color"], linestyle=(0, (6, 3)), linewidth=1.2, zorder=2,
                       label=f"floor {_FLOOR_LABELS.get(m, m)}")
    ax.set_xscale("log")
    ax.set_yticks(y, labels)
    ax.set_ylim(-0.7, len(labels) - 0.3)
    ax.set_xlim(left=shown_floor / 3)
    ax.grid(axis="y", visible=False)
    if clipped:
        _mark_zero_level(ax, shown_floor, axis="x", text="0")
        ax.plot([], [], linestyle="none", marker="o", markersize=7, markerfacecolor="white",
                markeredgecolor=_GREY, markeredgewidth=1.5, label="hollow: error 0")
    _label_axes(ax, xlabel, "")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
    return fig, ax


def plot_gradient_benchmark(
    rows: Sequence[Mapping[str, Any]],
    *,
    floors: Mapping[str, float] | None = None,
    models: Mapping[str, Any] | None = None,
    display_floor: float | None = None,
) -> tuple[Figure, np.ndarray]:
    r"""Cost and accuracy of a gradient against the number of variables :math:`n`, side by side.

    Left: the time of a gradient divided, run by run, by the time of one
    evaluation of :math:`f` in the same arithmetic (median, with the
    quartiles as error bars), beside the number of evaluations each method
    makes (thin dotted lines). Right: the relative error of each method,
    beside each method's floor.

    Parameters
    ----------
    rows : sequence of dict
        From :func:`mvcalc.bench.gradient_benchmark` (or a results file of it):
        each with ``n``, ``cost``, ``evaluations`` and ``error``.
    floors : mapping of str to float, optional
        Each method's floor, a dashed horizontal line in its colour on the right.
    models : mapping of str to array, optional
        A predicted error for some methods, one value per row, drawn as a
        thin grey line on the right.
    display_floor : float, optional
        Errors below it (and errors of 0) are drawn at it; by default a tenth of machine epsilon.

    Returns
    -------
    fig, axes : Figure, array of two Axes
    """
    if not rows:
        raise ValueError("rows must hold at least one measurement")
    try:
        n = np.array([float(r["n"]) for r in rows])
        methods = list(rows[0]["error"])
        cost = {m: np.array([[r["cost"][m][k] for k in ("q1", "median", "q3")] for r in rows]) for m in methods}
        count = {m: np.array([float(r["evaluations"][m]) for r in rows]) for m in methods}
        error = {m: np.array([float(r["error"][m]) for r in rows]) for m in methods}
    except (KeyError, TypeError) as exc:
        raise ValueError(f"each row needs n, cost, evaluations and error for every method, as from "
                         f"gradient_benchmark: missing {exc}") from None
    if np.any(n < 1):
        raise ValueError("every n must be at least 1")
    floor_values = _check_floors(floors, methods)
    shown_floor = (float(np.finfo(float).eps) / 10 if display_floor is None
                   else check_positive(display_floor, "display_floor"))
    fig, axes = _new_figure(1, 2, figsize=(11.0, 4.6))
    left, right = axes
    clipped = False
    for i, m in enumerate(methods):
        style = _style(i)
        q1, med, q3 = cost[m].T
        left.errorbar(n, med, yerr=[med - q1, q3 - med], color=style["color"], linestyle=style["linestyle"],
                      marker=style["marker"], markersize=5, capsize=2, label=_method_label(m), zorder=3)
        left.plot(n, count[m], color=style["color"], linestyle=(0, (1, 2)), linewidth=1.2, zorder=2)
        shown, low = _floored(error[m], shown_floor)
        clipped = clipped or bool(np.any(low))
        right.plot(n, shown, color=style["color"], linestyle=style["linestyle"], marker=style["marker"],
                   markersize=5, label=_method_label(m), zorder=3 + i, linewidth=max(1.0, 2.4 - 0.4 * i))
        if m in floor_values:
            right.axhline(floor_values[m], color=style["color"], linestyle=(0, (6, 3)), linewidth=1.0, zorder=1)
            right.annotate(f"floor {_FLOOR_LABELS.get(m, m)}", (1.0, floor_values[m]),
                           xycoords=("axes fraction", "data"), xytext=(4, 0), textcoords="offset points",
                           ha="left", va="center", fontsize=8.5, color=style["color"])
    for j, (label, values) in enumerate((models or {}).items()):
        v = check_finite_array(values, f"models[{label!r}]").ravel()
        if v.size != n.size:
            raise ValueError(f"models[{label!r}] must hold one value per row ({n.size}), got {v.size}")
        right.plot(n, v, color=_GREY, linestyle=("--", "-.", (0, (6, 2, 1, 2)))[j % 3], linewidth=1.3, label=label,
                   zorder=2)
    left.plot([], [], color=_GREY, linestyle=(0, (1, 2)), linewidth=1.2,
              label="(a) dotted: evaluations of $f$ made")
    for ax in axes:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(n.min() / 1.5, n.max() * 1.5)
    if clipped:
        right.set_ylim(bottom=shown_floor / 2)
        _mark_zero_level(right, shown_floor, text="0")
    _label_axes(left, "number of variables $n$", "time of a gradient / time of one evaluation")
    _label_axes(right, "number of variables $n$", r"relative error $\|g-\nabla f\|_\infty/\|\nabla f\|_\infty$")
    left.set_title("(a) cost", loc="left")
    right.set_title("(b) accuracy", loc="left")
    # one legend for both panels, below them, where it hides no data
    entries: dict[str, Any] = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            entries.setdefault(label, handle)
    fig.legend(list(entries.values()), list(entries), loc="outside lower center", ncol=4, fontsize=9)
    return fig, axes


def plot_solver_comparison(
    rows: Sequence[Mapping[str, Any]],
    *,
    display_floor: float = 1e-32,
) -> tuple[Figure, np.ndarray]:
    r"""Solvers side by side on test problems: evaluations of :math:`f`, and distance above the minimum.

    One row per problem, one marker per solver; a hollow marker is a run that
    reported failure.

    Parameters
    ----------
    rows : sequence of dict
        The rows of :func:`mvcalc.optimize.compare_with_scipy`: each with
        ``problem``, ``method``, ``success``, ``f evals`` and ``f - f*``.
    display_floor : float, default 1e-32
        Distances below it (including 0) are drawn at it, on a dotted line
        labelled "0".

    Returns
    -------
    fig, axes : Figure, array of two Axes
        Left, evaluations of :math:`f`; right, :math:`|f - f^*|`.
    """
    if not rows:
        raise ValueError("rows must hold at least one run")
    floor = check_positive(display_floor, "display_floor")
    try:
        problems = list(dict.fromkeys(str(r["problem"]) for r in rows))
        methods = list(dict.fromkeys(str(r["method"]) for r in rows))
        table = {(str(r["problem"]), str(r["method"])): r for r in rows}
        for r in rows:
            float(r["f evals"]), float(r["f - f*"]), bool(r["success"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"each row needs problem, method, success, 'f evals' and 'f - f*', as from "
                         f"compare_with_scipy: {exc!r}") from None
    fig, axes = _new_figure(1, 2, figsize=(11.0, 0.36 * len(problems) + 2.2), sharey=True)
    y = np.arange(len(problems))[::-1].astype(float)
    clipped = False
    for i, m in enumerate(methods):
        style = _style(i)
        offset = (i - (len(methods) - 1) / 2) * 0.16
        for ax, key in zip(axes, ("f evals", "f - f*")):
            xs, ys, ok = [], [], []
            for p, yy in zip(problems, y):
                r = table.get((p, m))
                if r is None:
                    continue
                value = abs(float(r[key]))
                if key == "f - f*" and value < floor:
                    value, clipped = floor, True
                xs.append(value)
                ys.append(yy + offset)
                ok.append(bool(r["success"]))
            xs_a, ys_a, ok_a = np.array(xs), np.array(ys), np.array(ok, dtype=bool)
            ax.plot(xs_a[ok_a], ys_a[ok_a], linestyle="none", marker=style["marker"], markersize=7,
                    color=style["color"], markeredgecolor=_BLACK, markeredgewidth=0.5, zorder=3,
                    label=m if ax is axes[0] else "_nolegend_")
            if np.any(~ok_a):
                ax.plot(xs_a[~ok_a], ys_a[~ok_a], linestyle="none", marker=style["marker"], markersize=7,
                        markerfacecolor="white", markeredgecolor=style["color"], markeredgewidth=1.5, zorder=3,
                        label="_nolegend_")
    axes[0].plot([], [], linestyle="none", marker="o", markersize=7, markerfacecolor="white",
                 markeredgecolor=_GREY, markeredgewidth=1.5, label="hollow: reported failure")
    for ax in axes:
        ax.set_xscale("log")
        ax.grid(axis="y", visible=False)
    axes[0].set_yticks(y, problems)
    axes[0].set_ylim(-0.7, len(problems) - 0.3)
    if clipped:
        axes[1].set_xlim(left=floor / 100)
        _mark_zero_level(axes[1], floor, axis="x", text="0")
    _label_axes(axes[0], "evaluations of $f$", "")
    _label_axes(axes[1], r"distance above the minimum $|f - f^*|$", "")
    axes[0].set_title("(a) cost", loc="left")
    axes[1].set_title("(b) accuracy", loc="left")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=min(5, len(labels)), fontsize=9)
    return fig, axes


def _pending_figure(what: str) -> tuple[Figure, Axes]:
    """A figure that says its data is being measured (only in the copy of the book ``make bench`` builds)."""
    fig, ax = _new_figure(figsize=(7.8, 1.6))
    ax.set_axis_off()
    ax.text(0.5, 0.5, f"{what}: being measured by make bench", ha="center", va="center", transform=ax.transAxes)
    return fig, ax


def plot_book_times(
    data: Mapping[str, Any] | None,
    *,
    labels: Mapping[str, str] | None = None,
) -> tuple[Figure, Axes]:
    r"""The book's build and test times, each as a fraction of one clean build.

    Bars, from the top: the clean build (1 by definition), a rebuild with
    nothing changed, the unit tests, and the execution of each page during the
    clean build; all in wall-clock seconds divided by the clean build's.

    Parameters
    ----------
    data : dict or None
        The ``data`` of the results file ``book.json`` of ``make bench``:
        ``clean_build``, ``rebuild`` and ``unit_tests`` (each with ``wall``
        seconds) and ``execution`` (page to seconds). ``None`` while ``make
        bench`` measures it (see :func:`mvcalc.bench.read_results_or_pending`)
        gives a figure that says so.
    labels : mapping of str to str, optional
        Names for the pages (by default the page's file name).

    Returns
    -------
    fig, ax : Figure, Axes
    """
    if data is None:
        return _pending_figure("build and test times")
    try:
        clean = check_positive(data["clean_build"]["wall"], "clean_build wall-clock seconds")
        bars = [("clean build", clean), ("rebuild, nothing changed", float(data["rebuild"]["wall"])),
                ("unit tests", float(data["unit_tests"]["wall"]))]
        pages = {str(k): float(v) for k, v in data["execution"].items()}
    except (KeyError, TypeError) as exc:
        raise ValueError(f"data must be the data of book.json from make bench: missing {exc}") from None
    names = dict(labels or {})
    rows = bars + [(f"executing {names.get(p, p.rsplit('/', 1)[-1])}", s) for p, s in pages.items()]
    fig, ax = _new_figure(figsize=(7.8, 0.34 * len(rows) + 1.4))
    y = np.arange(len(rows))[::-1].astype(float)
    for k, ((label, seconds), yy) in enumerate(zip(rows, y)):
        ratio = seconds / clean
        colour = PALETTE[0] if k < len(bars) else PALETTE[5]
        ax.barh(yy, ratio, height=0.7, color=mpl.colors.to_rgba(colour, 0.8), edgecolor=_BLACK, linewidth=0.6,
                hatch="" if k < len(bars) else "//")
        ax.annotate(f"{ratio:.3g}", (ratio, yy), xytext=(4, 0), textcoords="offset points", va="center",
                    fontsize=9)
    ax.set_yticks(y, [label for label, _ in rows])
    ax.set_xlim(0, max(1.0, max(s for _, s in rows) / clean) * 1.15)
    ax.grid(axis="y", visible=False)
    _label_axes(ax, "wall-clock time / time of a clean build", "")
    return fig, ax


def plot_page_weight(
    pages: Mapping[str, Mapping[str, float]] | None,
    *,
    labels: Mapping[str, str] | None = None,
) -> tuple[Figure, Axes]:
    r"""The weight of each page of the built book, side by side: its own HTML and images, and the shared files.

    Parameters
    ----------
    pages : mapping of str to dict, or None
        Page to the bytes of :func:`mvcalc.bench.page_weight` (``html``,
        ``images``, ``scripts``, ``styles``); ``None`` while ``make bench``
        measures them gives a figure that says so.
    labels : mapping of str to str, optional
        Names for the pages (by default the page's file name).

    Returns
    -------
    fig, ax : Figure, Axes
        Stacked horizontal bars in kB (1000 bytes): HTML, images, then the
        scripts and stylesheets that every page shares (hatched).
    """
    if pages is None:
        return _pending_figure("page weight")
    if not pages:
        raise ValueError("pages must hold at least one page")
    names = dict(labels or {})
    parts = [("HTML", ("html",)), ("images", ("images",)), ("scripts and stylesheets (shared)", ("scripts", "styles"))]
    fig, ax = _new_figure(figsize=(7.8, 0.36 * len(pages) + 1.6))
    y = np.arange(len(pages))[::-1].astype(float)
    try:
        sizes = np.array([[sum(float(w[k]) for k in keys) / 1000 for _, keys in parts] for w in pages.values()])
    except (KeyError, TypeError) as exc:
        raise ValueError(f"each page needs html, images, scripts and styles in bytes: missing {exc}") from None
    if np.any(sizes < 0) or not np.all(np.isfinite(sizes)):
        raise ValueError("page weights must be finite, non-negative byte counts")
    left = np.zeros(len(pages))
    for i, (label, _) in enumerate(parts):
        colour = (PALETTE[0], PALETTE[3], "#bbbbbb")[i]
        ax.barh(y, sizes[:, i], left=left, height=0.7, color=colour, edgecolor=_BLACK, linewidth=0.5,
                hatch=("", "..", "//")[i], label=label)
        left += sizes[:, i]
    ax.set_yticks(y, [names.get(p, p.rsplit("/", 1)[-1]) for p in pages])
    ax.grid(axis="y", visible=False)
    _label_axes(ax, "kB loaded by a browser (uncompressed)", "")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
    return fig, ax
