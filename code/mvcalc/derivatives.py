r"""Derivatives of functions of one variable, from rise over run to machine precision.

Chapter 1 of the book derives every formula here.

All finite-difference formulas approximate :math:`f'(x)` from a few values of
:math:`f` near :math:`x`; they differ in their *truncation error* (from the
neglected terms of the Taylor series) and in their *round-off error* (from
subtracting two nearly equal floating-point numbers):

================  ===========================================  ==============  ==========================
method            formula                                      truncation      best step :math:`h`
================  ===========================================  ==============  ==========================
``"forward"``     :math:`\frac{f(x+h)-f(x)}{h}`                :math:`O(h)`    :math:`\sqrt{\varepsilon}`
``"backward"``    :math:`\frac{f(x)-f(x-h)}{h}`                :math:`O(h)`    :math:`\sqrt{\varepsilon}`
``"central"``     :math:`\frac{f(x+h)-f(x-h)}{2h}`             :math:`O(h^2)`  :math:`\varepsilon^{1/3}`
``"complex"``     :math:`\frac{\operatorname{Im} f(x+ih)}{h}`  :math:`O(h^2)`  any tiny :math:`h`
================  ===========================================  ==============  ==========================

Here :math:`\varepsilon = 2^{-52} \approx 2.2\times10^{-16}` is the machine
epsilon of double precision, and the best steps are scaled by
:math:`\max(1, |x|)`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from ._validation import check_callable, check_choice, check_finite_array, check_positive

__all__ = [
    "COMPLEX_STEP",
    "EPS",
    "METHODS",
    "ErrorV",
    "derivative",
    "finite_difference_error",
    "fit_error_v",
    "optimal_step",
    "richardson_derivative",
    "secant_slope",
]

#: The methods understood by :func:`derivative`.
METHODS: tuple[str, ...] = ("forward", "backward", "central", "complex")

#: Machine epsilon of IEEE double precision, :math:`2^{-52}`.
EPS: float = float(np.finfo(float).eps)

#: Step of the complex-step method, tiny since it suffers no cancellation.
COMPLEX_STEP: float = 1e-20


def optimal_step(method: str, x: float | np.ndarray = 1.0) -> float | np.ndarray:
    r"""Step size that balances truncation and round-off error for ``method``.

    For a function whose value and derivatives are of order one, the total
    error of a forward difference is about :math:`\frac{h}{2}|f''| +
    \frac{2\varepsilon}{h}|f|`, smallest near :math:`h = \sqrt{\varepsilon}`;
    that of a central difference is about :math:`\frac{h^2}{6}|f'''| +
    \frac{\varepsilon}{h}|f|`, smallest near :math:`h = \varepsilon^{1/3}`.
    The step is scaled by :math:`\max(1, |x|)` so that :math:`x + h` differs
    from :math:`x` in a fixed number of significant digits:

    .. math::

        h_\text{forward} = h_\text{backward} = \sqrt{\varepsilon}\,\max(1,|x|),
        \qquad h_\text{central} = \varepsilon^{1/3}\,\max(1,|x|),
        \\
        h_\text{complex} = 10^{-20}\,\max(1,|x|).

    Parameters
    ----------
    method : {"forward", "backward", "central", "complex"}
        The difference formula.
    x : float or ndarray, default 1.0
        Point (or points) at which the derivative will be taken.

    Returns
    -------
    float or ndarray
        The step, with the shape of ``x``.

    Examples
    --------
    >>> round(optimal_step("central"), 8)
    6.06e-06
    """
    check_choice(method, METHODS, "method")
    xa = check_finite_array(x, "x")
    scale = np.maximum(1.0, np.abs(xa))
    base = {
        "forward": np.sqrt(EPS),
        "backward": np.sqrt(EPS),
        "central": np.cbrt(EPS),
        "complex": COMPLEX_STEP,
    }[method]
    h = base * scale
    return float(h) if h.ndim == 0 else h


def _evaluate(f: Callable[..., Any], x: Any, args: tuple[Any, ...]) -> np.ndarray:
    """Call ``f(x, *args)`` and return the result as an array.

    numpy's floating-point warnings are silenced here because every caller
    checks the values and raises a clear error when one is not finite.
    """
    with np.errstate(all="ignore"):
        return np.asarray(f(x, *args))


def derivative(
    f: Callable[..., Any],
    x: float | np.ndarray,
    *,
    method: str = "central",
    h: float | None = None,
    args: Sequence[Any] = (),
    f0: Any = None,
) -> float | np.ndarray:
    r"""Numerical derivative :math:`f'(x)` by a finite difference or the complex step.

    .. math::

        \text{forward: } \frac{f(x+h)-f(x)}{h}, \quad
        \text{backward: } \frac{f(x)-f(x-h)}{h},
        \\
        \text{central: } \frac{f(x+h)-f(x-h)}{2h}, \quad
        \text{complex: } \frac{\operatorname{Im} f(x+ih)}{h}.

    The step actually used is the representable difference
    :math:`(x+h)-x`, which removes the error of rounding :math:`x+h`.

    Parameters
    ----------
    f : callable
        The function, called as ``f(x, *args)``. For ``method="complex"`` it
        must accept complex input and be real-analytic (write it with numpy
        functions such as ``np.sin``, not ``math.sin``, ``abs`` or ``np.real``).
    x : float or ndarray
        Point at which to differentiate. With an array, the derivative is
        taken elementwise, provided ``f`` acts elementwise.
    method : {"central", "forward", "backward", "complex"}, default "central"
        The formula; see the table in :mod:`mvcalc.derivatives`.
    h : float, optional
        Step size, a finite number greater than 0. By default
        :func:`optimal_step` for the method, scaled by :math:`\max(1, |x|)`.
    args : sequence, optional
        Extra positional arguments passed to ``f``.
    f0 : float or ndarray, optional
        The value ``f(x, *args)`` when the caller knows it already. The
        forward and backward formulas then evaluate ``f`` once instead of
        twice (a gradient of :math:`n` variables costs :math:`n+1`
        evaluations, not :math:`2n`); the other methods ignore it.

    Returns
    -------
    float or ndarray
        The approximate derivative, a float for scalar ``x``. When ``f``
        returns an array for a scalar ``x``, the derivative of each entry.

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``x`` is not real, or ``f`` cannot take
        complex input with ``method="complex"``.
    ValueError
        If ``method`` is unknown, ``x`` or ``h`` is not finite, ``h <= 0``,
        ``h`` is so small that :math:`x + h` rounds to :math:`x` (a finite
        difference would be 0/0), ``f`` returns a non-finite value, or ``f``
        discards the imaginary part of a complex input.

    Examples
    --------
    >>> import numpy as np
    >>> bool(abs(derivative(np.sin, 0.5) - np.cos(0.5)) < 1e-10)
    True
    >>> bool(derivative(np.exp, 1.0, method="complex") == np.exp(1.0))
    True
    """
    check_callable(f, "f")
    check_choice(method, METHODS, "method")
    xa = check_finite_array(x, "x")
    args = tuple(args)
    if h is None:
        step = np.asarray(optimal_step(method, xa))
    else:
        step = np.full(xa.shape, check_positive(h, "h"))

    if method == "complex":
        try:
            # math.sin and friends silently drop the imaginary part of a numpy
            # complex scalar, with a ComplexWarning: turn that into an error.
            with warnings.catch_warnings():
                warnings.simplefilter("error", np.exceptions.ComplexWarning)
                fz = _evaluate(f, xa + 1j * step, args)
        except (TypeError, np.exceptions.ComplexWarning) as exc:
            raise TypeError(
                "method='complex' evaluates f at a complex point x + ih, but f "
                f"rejected complex input ({exc}); write f with numpy functions "
                "such as np.sin instead of math.sin"
            ) from exc
        if not np.iscomplexobj(fz):
            raise ValueError(
                "method='complex' needs f to keep the imaginary part of its "
                "input, but f returned a real result; f must be analytic and "
                "must not use abs, np.real or comparisons"
            )
        d = fz.imag / step
        values = [fz]
    else:
        # Use the representable step (x + h) - x, so that the divisor is exact.
        xp = xa + step
        xm = xa - step
        lost = (xp == xa) if method == "forward" else (xm == xa) if method == "backward" else (xp == xm)
        if np.any(lost):
            where = np.unravel_index(np.argmax(lost), lost.shape) if lost.ndim else ()
            at, tiny = float(xa[where]), float(step[where])
            raise ValueError(
                f"the step h = {tiny:.3g} is lost in rounding at x = {at!r} (x + h == x in "
                "double precision, so the difference quotient would be 0/0); use a step of "
                f"at least the spacing of doubles at x, {np.spacing(abs(at)):.3g}, or h=None "
                "for the optimal step"
            )
        fx = _evaluate(f, xa, args) if f0 is None and method != "central" else np.asarray(f0)
        if method == "forward":
            fp = _evaluate(f, xp, args)
            d = (fp - fx) / (xp - xa)
            values = [fp, fx]
        elif method == "backward":
            fm = _evaluate(f, xm, args)
            d = (fx - fm) / (xa - xm)
            values = [fx, fm]
        else:  # central
            fp, fm = _evaluate(f, xp, args), _evaluate(f, xm, args)
            d = (fp - fm) / (xp - xm)
            values = [fp, fm]

    if not all(np.all(np.isfinite(v)) for v in values):
        raise ValueError(
            f"f returned a non-finite value (NaN or infinity) near x = {x!r}; "
            "the derivative needs f to be finite around the point"
        )
    d = np.asarray(d, dtype=float)
    return float(d) if d.ndim == 0 else d


def secant_slope(f: Callable[[float], float], x: float, h: float) -> float:
    r"""Slope of the secant through :math:`(x, f(x))` and :math:`(x+h, f(x+h))`.

    .. math::

        m(h) = \frac{f(x+h) - f(x)}{h}.

    Unlike :func:`derivative`, ``h`` may be negative (a secant to the left),
    but not zero: the slope at a single point is the *limit* of :math:`m(h)`
    as :math:`h \to 0`, not its value.

    Parameters
    ----------
    f : callable
        A function of one real variable.
    x : float
        The fixed point.
    h : float
        The run, non-zero and finite.

    Returns
    -------
    float
        Rise over run.

    Examples
    --------
    >>> secant_slope(lambda t: t**2, 1.0, 0.5)
    2.5
    """
    check_callable(f, "f")
    x = float(check_finite_array(x, "x"))
    h = float(check_finite_array(h, "h"))
    if h == 0.0:
        raise ValueError("h must be non-zero: a secant needs two distinct points")
    return float((f(x + h) - f(x)) / h)


def finite_difference_error(
    f: Callable[..., Any],
    dfdx: float | Callable[[float], float],
    x: float,
    hs: Sequence[float] | np.ndarray,
    *,
    method: str,
) -> np.ndarray:
    r"""Absolute error :math:`|D_h f(x) - f'(x)|` of a method for each step in ``hs``.

    Parameters
    ----------
    f : callable
        The function.
    dfdx : float or callable
        The exact derivative: its value at ``x``, or a function giving it.
    x : float
        The point.
    hs : sequence of float
        Positive step sizes.
    method : {"forward", "backward", "central", "complex"}
        The method of :func:`derivative`.

    Returns
    -------
    ndarray
        The errors, one per step, with the shape of ``hs``.

    Examples
    --------
    >>> import numpy as np
    >>> err = finite_difference_error(np.exp, np.exp, 0.0, [1e-2, 1e-3], method="forward")
    >>> bool(9 < err[0] / err[1] < 11)  # first order: error falls tenfold with h
    True
    """
    check_callable(f, "f")
    check_choice(method, METHODS, "method")
    x = float(check_finite_array(x, "x"))
    exact = float(dfdx(x)) if callable(dfdx) else float(check_finite_array(dfdx, "dfdx"))
    hs_arr = check_finite_array(hs, "hs")
    if hs_arr.size == 0:
        raise ValueError("hs must hold at least one step size")
    if np.any(hs_arr <= 0):
        raise ValueError(f"every step in hs must be greater than 0, got {hs!r}")
    errors = [abs(derivative(f, x, method=method, h=float(h)) - exact) for h in hs_arr.ravel()]
    return np.asarray(errors).reshape(hs_arr.shape)


def richardson_derivative(
    f: Callable[..., Any],
    x: float,
    *,
    h: float = 0.1,
    levels: int = 4,
    args: Sequence[Any] = (),
) -> float:
    r"""Derivative by Richardson extrapolation of central differences.

    The central difference :math:`D(h) = \frac{f(x+h)-f(x-h)}{2h}` has an
    error expansion in even powers, :math:`D(h) = f'(x) + c_1h^2 + c_2h^4 +
    \dots`. Halving the step and combining,

    .. math::

        D_{k}(h) = \frac{4^{k} D_{k-1}(h/2) - D_{k-1}(h)}{4^{k} - 1},

    cancels the :math:`h^{2k}` term, so each level gains two orders of
    accuracy from a step that is still large enough to avoid round-off.

    Parameters
    ----------
    f : callable
        The function, called as ``f(x, *args)``.
    x : float
        The point.
    h : float, default 0.1
        The largest step, greater than 0.
    levels : int, default 4
        Number of central differences (``levels >= 1``); the result has
        truncation error :math:`O(h^{2\,\text{levels}})`.
    args : sequence, optional
        Extra positional arguments passed to ``f``.

    Returns
    -------
    float
        The extrapolated derivative.

    Examples
    --------
    >>> import numpy as np
    >>> bool(abs(richardson_derivative(np.sin, 1.0) - np.cos(1.0)) < 1e-12)
    True
    """
    check_callable(f, "f")
    x = float(check_finite_array(x, "x"))
    h = check_positive(h, "h")
    if isinstance(levels, bool) or not isinstance(levels, (int, np.integer)):
        raise TypeError(f"levels must be an integer, got {type(levels).__name__} {levels!r}")
    if levels < 1:
        raise ValueError(f"levels must be at least 1, got {levels}")
    table = [derivative(f, x, method="central", h=h / 2**i, args=args) for i in range(levels)]
    for k in range(1, levels):
        table = [
            (4**k * table[i + 1] - table[i]) / (4**k - 1) for i in range(len(table) - 1)
        ]
    return float(table[0])


class ErrorV(NamedTuple):
    """Straight lines fitted to the two arms of a V of errors; see :func:`fit_error_v`."""

    #: Slope :math:`p_L` of the left arm on the log-log scale (about -1 for round-off).
    left_slope: float
    #: Intercept :math:`c_L`: the left line is :math:`\log_{10} E = p_L \log_{10} h + c_L`.
    left_intercept: float
    #: Slope :math:`p_R` of the right arm (the order of the truncation error).
    right_slope: float
    #: Intercept :math:`c_R` of the right line.
    right_intercept: float
    #: The step at which the two lines meet, an estimate of the best step.
    h_meet: float
    #: The error of both lines at ``h_meet``.
    error_meet: float


def _check_arm(arm: Any, name: str) -> tuple[float, float]:
    """Return ``(lo, hi)`` with ``0 < lo < hi``, both finite."""
    arr = check_finite_array(arm, name)
    if arr.shape != (2,):
        raise ValueError(f"{name} must be a pair (lo, hi) of steps, got {arm!r}")
    lo, hi = float(arr[0]), float(arr[1])
    if not 0 < lo < hi:
        raise ValueError(f"{name} must satisfy 0 < lo < hi, got {arm!r}")
    return lo, hi


def fit_error_v(
    hs: Sequence[float] | np.ndarray,
    errors: Sequence[float] | np.ndarray,
    *,
    left: Sequence[float],
    right: Sequence[float],
) -> ErrorV:
    r"""Fit straight lines to the two arms of a V of errors on a log-log scale.

    On each arm the error is modelled as a power of the step,
    :math:`E \approx C h^{p}`, which on a log-log scale is the straight line

    .. math::

        \log_{10} E = p \log_{10} h + c, \qquad c = \log_{10} C,

    fitted by least squares to the steps of ``hs`` that lie in ``left`` and
    in ``right``. The two lines meet where
    :math:`p_L \log_{10} h + c_L = p_R \log_{10} h + c_R`, that is at

    .. math::

        h_\text{meet} = 10^{(c_L - c_R)/(p_R - p_L)},

    which estimates the bottom of the V, the best step.

    Parameters
    ----------
    hs : array of float
        Positive steps.
    errors : array of float
        Non-negative errors, one per step (for example from
        :func:`finite_difference_error`).
    left, right : (float, float)
        The closed intervals of steps that make up the left arm (round-off)
        and the right arm (truncation). Each must hold at least two steps,
        and no error inside it may be zero (its logarithm is undefined).

    Returns
    -------
    ErrorV
        The slopes and intercepts of both lines, ``h_meet`` and the error
        ``error_meet`` of the lines there.

    Raises
    ------
    TypeError
        If an argument is not numeric.
    ValueError
        If ``hs`` and ``errors`` differ in shape or hold bad values, an arm
        is not an interval of positive steps, holds fewer than two steps or
        a zero error, or the two lines are parallel.

    Examples
    --------
    >>> import numpy as np
    >>> hs = np.logspace(-12, -1, 45)
    >>> errors = hs / 2 + 1e-16 / hs  # truncation h/2, round-off 1e-16/h
    >>> v = fit_error_v(hs, errors, left=(1e-12, 1e-10), right=(1e-4, 1e-1))
    >>> round(v.left_slope, 3), round(v.right_slope, 3)
    (-1.0, 1.0)
    >>> bool(abs(v.h_meet / np.sqrt(2e-16) - 1) < 1e-3)  # where h/2 = 1e-16/h
    True
    """
    h = check_finite_array(hs, "hs").ravel()
    e = check_finite_array(errors, "errors")
    if e.size != h.size or np.ndim(errors) != np.ndim(hs):
        raise ValueError(
            f"errors must hold one value per step: hs has shape {np.shape(hs)}, "
            f"errors has shape {np.shape(errors)}"
        )
    e = e.ravel()
    if np.any(h <= 0):
        raise ValueError("every step in hs must be greater than 0")
    if np.any(e < 0):
        raise ValueError("errors must be non-negative")
    lines = []
    for name, arm in (("left", left), ("right", right)):
        lo, hi = _check_arm(arm, name)
        inside = (h >= lo) & (h <= hi)
        if inside.sum() < 2:
            raise ValueError(
                f"the {name} arm ({lo:g}, {hi:g}) holds {int(inside.sum())} step(s) of hs; "
                "a straight line needs at least two"
            )
        if np.any(e[inside] == 0):
            raise ValueError(
                f"an error in the {name} arm ({lo:g}, {hi:g}) is exactly 0, whose logarithm "
                "is undefined; choose an arm without exact zeros"
            )
        slope, intercept = np.polyfit(np.log10(h[inside]), np.log10(e[inside]), 1)
        lines.append((float(slope), float(intercept)))
    (p_left, c_left), (p_right, c_right) = lines
    if np.isclose(p_left, p_right):
        raise ValueError(
            f"the arms have the same slope {p_left:.3g}: parallel lines do not meet"
        )
    log_h = (c_left - c_right) / (p_right - p_left)
    return ErrorV(
        left_slope=p_left,
        left_intercept=c_left,
        right_slope=p_right,
        right_intercept=c_right,
        h_meet=float(10**log_h),
        error_meet=float(10 ** (p_left * log_h + c_left)),
    )
