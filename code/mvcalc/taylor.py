r"""Taylor series and linearisation: exact Taylor coefficients by Taylor-mode arithmetic.

Chapter 4 of the book derives everything here.

The Taylor series of :math:`f` about :math:`x_0` is

.. math::

    f(x_0 + t) = \sum_{k=0}^{\infty} c_k t^k, \qquad c_k = \frac{f^{(k)}(x_0)}{k!}.

A :class:`Jet` holds the first :math:`d+1` coefficients
:math:`(c_0, \dots, c_d)` of such a series, and its arithmetic is the
arithmetic of power series truncated after :math:`t^d`. Evaluating a function
written with numpy functions on the jet of the variable,
:math:`x_0 + t`, therefore gives the Taylor coefficients of the function
exactly (up to floating-point rounding): no symbolic algebra, and no step size
to choose. This is *Taylor-mode* automatic differentiation (Griewank and
Walther, *Evaluating Derivatives*, 2nd ed., SIAM 2008, chapter 13); a jet of
order 1 is the dual number of chapter 3.

Every elementary function :math:`b = \varphi(a)` of a series :math:`a` is
computed by a recurrence obtained from a differential equation that
:math:`\varphi` satisfies; for example :math:`b = e^{a}` satisfies
:math:`b' = a'b`, which gives

.. math::

    b_0 = e^{a_0}, \qquad b_k = \frac{1}{k}\sum_{j=1}^{k} j\,a_j\,b_{k-j}.

The multivariate models :func:`linearise` and :func:`quadratic_model` take
their derivatives from :mod:`mvcalc.multivariate`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from numbers import Real
from typing import Any

import numpy as np

from ._ufuncs import UfuncMixin
from ._validation import check_callable, check_finite_array
from .multivariate import gradient, hessian, jacobian

__all__ = [
    "Jet",
    "LinearModel",
    "QuadraticModel",
    "TaylorPolynomial",
    "linearise",
    "observed_order",
    "quadratic_model",
    "remainder_bound",
    "taylor_coefficients",
    "taylor_polynomial",
]


def _check_order(order: Any, name: str = "order") -> int:
    """Return ``order`` if it is an integer of at least 0."""
    if isinstance(order, (bool, np.bool_)) or not isinstance(order, (int, np.integer)):
        raise TypeError(f"{name} must be a non-negative integer, got {type(order).__name__} {order!r}")
    if order < 0:
        raise ValueError(f"{name} must be a non-negative integer (0, 1, 2, ...), got {order}")
    return int(order)


def _check_scalar(x: Any, name: str) -> float:
    """Return ``x`` as a finite float, or raise if it is not a real number."""
    arr = check_finite_array(x, name)
    if arr.ndim != 0:
        raise ValueError(f"{name} must be a single real number, got an array of shape {arr.shape}")
    return float(arr)


class Jet(UfuncMixin):
    r"""A truncated Taylor series :math:`a(t) = a_0 + a_1 t + \dots + a_d t^d + O(t^{d+1})`.

    Arithmetic on jets is arithmetic on power series, with every power above
    :math:`t^d` dropped. If ``x = Jet.variable(x0, d)`` is the series of the
    identity, :math:`x_0 + t`, then ``f(x)`` is the series of
    :math:`f(x_0 + t)`, whose coefficients are
    :math:`a_k = f^{(k)}(x_0)/k!`, for any ``f`` built from the operations
    below. With :math:`d = 1`, a jet is a dual number :math:`a_0 + a_1\epsilon`
    with :math:`\epsilon^2 = 0`.

    Supported: ``+ - * /`` with jets and real numbers, ``**`` with an integer,
    a real or a jet exponent, ``abs`` away from 0, and the numpy functions
    ``np.exp``, ``np.log``, ``np.sin``, ``np.cos``, ``np.tan``, ``np.tanh``,
    ``np.sqrt`` (also ``np.square``, ``np.reciprocal``, ``np.negative``).
    Any other numpy function raises :class:`TypeError` naming it.
    Operations with a numpy array act elementwise and give an array of jets.

    Parameters
    ----------
    coefficients : array_like, shape (d + 1,)
        The coefficients :math:`a_0, \dots, a_d`, real and finite.

    Raises
    ------
    ValueError
        At an operation outside its domain, such as the logarithm of a series
        whose value :math:`a_0` is not positive, or a division by a series with
        :math:`a_0 = 0`.

    Examples
    --------
    >>> import numpy as np
    >>> x = Jet.variable(0.0, 4)          # 0 + t
    >>> np.exp(x).coefficients            # 1 + t + t^2/2 + t^3/6 + t^4/24
    array([1.        , 1.        , 0.5       , 0.16666667, 0.04166667])
    >>> (1 / (1 - x)).coefficients        # the geometric series
    array([1., 1., 1., 1., 1.])
    """

    __slots__ = ("_c",)

    def __init__(self, coefficients: Any) -> None:
        c = check_finite_array(coefficients, "coefficients")
        if c.ndim != 1 or c.size == 0:
            raise ValueError(
                f"coefficients must be a non-empty 1-D array (a_0, ..., a_d), got shape {c.shape}"
            )
        self._c = c
        self._c.flags.writeable = False

    @classmethod
    def _raw(cls, c: np.ndarray) -> Jet:
        """A jet from an array the caller has built, without checks."""
        jet = object.__new__(cls)
        jet._c = c
        jet._c.flags.writeable = False
        return jet

    @classmethod
    def variable(cls, x0: float, order: int) -> Jet:
        r"""The jet of the independent variable about ``x0``: :math:`x_0 + t`.

        Examples
        --------
        >>> Jet.variable(2.0, 3).coefficients
        array([2., 1., 0., 0.])
        """
        x0 = _check_scalar(x0, "x0")
        d = _check_order(order)
        c = np.zeros(d + 1)
        c[0] = x0
        if d >= 1:
            c[1] = 1.0
        return cls._raw(c)

    @classmethod
    def constant(cls, value: float, order: int) -> Jet:
        r"""The jet of a constant: :math:`c + 0t + \dots + 0t^d`."""
        value = _check_scalar(value, "value")
        c = np.zeros(_check_order(order) + 1)
        c[0] = value
        return cls._raw(c)

    # ------------------------------------------------------------------
    # Reading a jet
    # ------------------------------------------------------------------

    @property
    def coefficients(self) -> np.ndarray:
        r"""The coefficients :math:`(a_0, \dots, a_d)`, a read-only array."""
        return self._c

    @property
    def order(self) -> int:
        """The truncation order :math:`d`: the highest power of :math:`t` kept."""
        return self._c.size - 1

    @property
    def value(self) -> float:
        r"""The value :math:`a_0 = a(0)`."""
        return float(self._c[0])

    def derivatives(self) -> np.ndarray:
        r"""The derivatives :math:`a^{(k)}(0) = k!\,a_k`, for :math:`k = 0, \dots, d`.

        Examples
        --------
        >>> import numpy as np
        >>> np.sin(Jet.variable(0.0, 4)).derivatives()   # sin, cos, -sin, -cos, sin at 0
        array([ 0.,  1.,  0., -1.,  0.])
        """
        return self._c * np.array([math.factorial(k) for k in range(self._c.size)], dtype=float)

    def __repr__(self) -> str:
        return f"Jet({np.array2string(self._c, separator=', ')})"

    def __str__(self) -> str:
        text = f"{self._c[0]:g}"
        for k, a in enumerate(self._c[1:], start=1):
            power = "t" if k == 1 else f"t^{k}"
            text += f" {'-' if a < 0 else '+'} {abs(a):g} {power}"
        return text + f" + O(t^{self.order + 1})"

    # ------------------------------------------------------------------
    # Things a jet refuses, with a message that says why
    # ------------------------------------------------------------------

    def __float__(self) -> float:
        raise TypeError(
            "a Jet is a whole truncated series, not one number: use numpy functions "
            "(np.sin, np.exp, ...) rather than math.sin or float(), and jet.value "
            "for the value a_0"
        )

    def _compare(self, other: Any) -> bool:
        raise TypeError(
            "a Jet cannot be compared with <, <=, > or >=: a Taylor series of a "
            "function defined by cases (a branch on x) is not defined by the "
            "operations of a Jet; compare jet.value if you mean the value"
        )

    __lt__ = __le__ = __gt__ = __ge__ = _compare

    def __bool__(self) -> bool:
        raise TypeError("the truth value of a Jet is ambiguous; use jet.value")

    # ------------------------------------------------------------------
    # Helpers for the operations
    # ------------------------------------------------------------------

    def _coerce(self, other: Any) -> Jet | np.ndarray | None:
        """``other`` as a jet of this order, an ndarray (elementwise), or None."""
        if isinstance(other, Jet):
            return other
        if isinstance(other, np.ndarray):
            if other.ndim == 0:
                return self._coerce(other.item())
            return other
        if isinstance(other, (Real, np.integer, np.floating)):
            value = float(other)
            if not math.isfinite(value):
                raise ValueError(f"a Jet cannot be combined with the non-finite number {other!r}")
            c = np.zeros_like(self._c)
            c[0] = value
            return Jet._raw(c)
        return None

    def _pair(self, other: Jet) -> tuple[np.ndarray, np.ndarray]:
        """Coefficients of ``self`` and ``other``, truncated to the lower order."""
        d = min(self._c.size, other._c.size)
        return self._c[:d], other._c[:d]

    def _binary(self, other: Any, op: Callable[[Jet, Jet], Jet], name: str) -> Any:
        b = self._coerce(other)
        if b is None:
            return NotImplemented
        if isinstance(b, np.ndarray):
            if b.dtype != object and not np.issubdtype(b.dtype, np.number):
                return NotImplemented
            out = np.empty(b.shape, dtype=object)
            for idx in np.ndindex(b.shape):
                out[idx] = getattr(self, name)(b[idx])
            return out
        return op(self, b)

    # ------------------------------------------------------------------
    # Arithmetic
    # ------------------------------------------------------------------

    def __pos__(self) -> Jet:
        return self

    def __neg__(self) -> Jet:
        return Jet._raw(-self._c)

    def _add(self, other: Jet) -> Jet:
        a, b = self._pair(other)
        return Jet._raw(a + b)

    def __add__(self, other: Any) -> Any:
        return self._binary(other, Jet._add, "__add__")

    def __radd__(self, other: Any) -> Any:
        return self._binary(other, Jet._add, "__radd__")

    def __sub__(self, other: Any) -> Any:
        return self._binary(other, lambda a, b: a._add(-b), "__sub__")

    def __rsub__(self, other: Any) -> Any:
        return self._binary(other, lambda a, b: (-a)._add(b), "__rsub__")

    def _mul(self, other: Jet) -> Jet:
        r"""Cauchy product: :math:`c_k = \sum_{j=0}^{k} a_j b_{k-j}`."""
        a, b = self._pair(other)
        return Jet._raw(np.convolve(a, b)[: a.size])

    def __mul__(self, other: Any) -> Any:
        return self._binary(other, Jet._mul, "__mul__")

    def __rmul__(self, other: Any) -> Any:
        return self._binary(other, Jet._mul, "__rmul__")

    def _div(self, other: Jet) -> Jet:
        r"""Quotient :math:`c = a/b` from :math:`cb = a`: :math:`c_k = (a_k - \sum_{j=1}^{k} b_j c_{k-j})/b_0`."""
        a, b = self._pair(other)
        if b[0] == 0.0:
            raise ValueError(
                "division by a Jet whose value is 0: the point is a pole or a "
                "removable singularity of the quotient, outside the domain of a Taylor expansion"
            )
        c = np.empty_like(a)
        for k in range(a.size):
            c[k] = (a[k] - b[1 : k + 1] @ c[k - 1 :: -1][:k]) / b[0]
        return Jet._raw(c)

    def __truediv__(self, other: Any) -> Any:
        return self._binary(other, Jet._div, "__truediv__")

    def __rtruediv__(self, other: Any) -> Any:
        return self._binary(other, lambda a, b: b._div(a), "__rtruediv__")

    def __abs__(self) -> Jet:
        a0 = float(self._c[0])
        if a0 == 0.0 and self.order >= 1:
            raise ValueError("abs has no Taylor series at 0 (it has a corner there): the Jet's value is 0")
        return -self if a0 < 0 else self

    # ------------------------------------------------------------------
    # Powers
    # ------------------------------------------------------------------

    def _integer_power(self, n: int) -> Jet:
        """:math:`a^n` for an integer :math:`n` by repeated squaring (any sign of :math:`a_0`)."""
        if n < 0:
            return Jet.constant(1.0, self.order)._div(self._integer_power(-n))
        result = Jet.constant(1.0, self.order)
        base = self
        while n:
            if n & 1:
                result = result._mul(base)
            n >>= 1
            if n:
                base = base._mul(base)
        return result

    def _real_power(self, r: float) -> Jet:
        r"""Power :math:`b = a^r` from :math:`a\,b' = r\,a'\,b`.

        .. math::

            b_0 = a_0^r, \qquad
            b_k = \frac{1}{k\,a_0}\sum_{j=1}^{k} \bigl(r j - (k - j)\bigr)\,a_j\,b_{k-j}.
        """
        a = self._c
        a0 = float(a[0])
        if a0 < 0.0:
            raise ValueError(
                f"a negative number to the non-integer power {r:g} is not real: "
                f"the Jet's value is {a0:g}, outside the domain (0, inf)"
            )
        if a0 == 0.0:
            if self.order == 0 and r > 0:
                return Jet._raw(np.zeros(1))
            raise ValueError(
                f"x**{r:g} has no Taylor series at x = 0 (a derivative is infinite there): "
                "the Jet's value is 0, on the boundary of the domain"
            )
        b = np.empty_like(a)
        b[0] = a0**r
        for k in range(1, a.size):
            j = np.arange(1, k + 1)
            b[k] = ((r * j - (k - j)) * a[1 : k + 1]) @ b[k - 1 :: -1][:k] / (k * a0)
        return Jet._raw(b)

    def __pow__(self, other: Any) -> Any:
        if isinstance(other, Jet):
            if not np.any(other._c[1:]):  # a constant exponent
                return self ** other.value
            if self._c[0] <= 0.0:
                raise ValueError(
                    "a**b with a Jet exponent b is exp(b log a), which needs a > 0, "
                    f"but the base's value is {self._c[0]:g}"
                )
            return (other * self.log()).exp()
        if isinstance(other, np.ndarray) and other.ndim > 0:
            return self._binary(other, Jet.__pow__, "__pow__")
        if isinstance(other, np.ndarray):
            other = other.item()
        if isinstance(other, (bool, np.bool_)) or not isinstance(other, (Real, np.integer, np.floating)):
            return NotImplemented
        r = float(other)
        if not math.isfinite(r):
            raise ValueError(f"a Jet cannot be raised to the non-finite power {other!r}")
        if r.is_integer() and abs(r) <= 2**31:
            return self._integer_power(int(r))
        return self._real_power(r)

    def __rpow__(self, other: Any) -> Any:
        base = self._coerce(other)
        if base is None:
            return NotImplemented
        if isinstance(base, np.ndarray):
            return self._binary(other, Jet.__rpow__, "__rpow__")
        return base**self

    # ------------------------------------------------------------------
    # Elementary functions, each from the differential equation it satisfies
    # ------------------------------------------------------------------

    def exp(self) -> Jet:
        r"""Exponential :math:`b = e^a`, from :math:`b' = a'b`.

        .. math::

            b_0 = e^{a_0}, \qquad b_k = \frac{1}{k}\sum_{j=1}^{k} j\,a_j\,b_{k-j}.
        """
        a = self._c
        try:
            b0 = math.exp(a[0])
        except OverflowError:
            raise ValueError(f"exp overflows at the Jet's value {a[0]:g}") from None
        b = np.empty_like(a)
        b[0] = b0
        ja = np.arange(a.size) * a
        for k in range(1, a.size):
            b[k] = ja[1 : k + 1] @ b[k - 1 :: -1][:k] / k
        return Jet._raw(b)

    def log(self) -> Jet:
        r"""Natural logarithm :math:`b = \log a`, from :math:`a\,b' = a'`.

        .. math::

            b_0 = \log a_0, \qquad
            b_k = \frac{1}{a_0}\Bigl(a_k - \frac{1}{k}\sum_{j=1}^{k-1} j\,b_j\,a_{k-j}\Bigr).
        """
        a = self._c
        a0 = float(a[0])
        if a0 <= 0.0:
            raise ValueError(
                f"log needs a positive argument, but the Jet's value is {a0:g}: "
                "the point is outside the domain (0, inf) of log"
            )
        b = np.empty_like(a)
        b[0] = math.log(a0)
        for k in range(1, a.size):
            jb = np.arange(1, k) * b[1:k]
            b[k] = (a[k] - jb @ a[k - 1 : 0 : -1] / k) / a0
        return Jet._raw(b)

    def _sin_cos(self) -> tuple[Jet, Jet]:
        r"""Sine and cosine together, from :math:`s' = a'c` and :math:`c' = -a's`.

        .. math::

            s_k = \frac{1}{k}\sum_{j=1}^{k} j\,a_j\,c_{k-j}, \qquad
            c_k = -\frac{1}{k}\sum_{j=1}^{k} j\,a_j\,s_{k-j}.
        """
        a = self._c
        s, c = np.empty_like(a), np.empty_like(a)
        s[0], c[0] = math.sin(a[0]), math.cos(a[0])
        ja = np.arange(a.size) * a
        for k in range(1, a.size):
            s[k] = ja[1 : k + 1] @ c[k - 1 :: -1][:k] / k
            c[k] = -(ja[1 : k + 1] @ s[k - 1 :: -1][:k]) / k
        return Jet._raw(s), Jet._raw(c)

    def sin(self) -> Jet:
        r"""Sine :math:`s = \sin a`, computed together with :math:`c = \cos a`.

        .. math::

            s_0 = \sin a_0, \qquad s_k = \frac{1}{k}\sum_{j=1}^{k} j\,a_j\,c_{k-j}.
        """
        return self._sin_cos()[0]

    def cos(self) -> Jet:
        r"""Cosine :math:`c = \cos a`, computed together with :math:`s = \sin a`.

        .. math::

            c_0 = \cos a_0, \qquad c_k = -\frac{1}{k}\sum_{j=1}^{k} j\,a_j\,s_{k-j}.
        """
        return self._sin_cos()[1]

    def _tan_like(self, sign: float) -> Jet:
        r"""Tangent (``sign = 1``) or hyperbolic tangent (``sign = -1``).

        Both satisfy :math:`b' = (1 + \sigma b^2)\,a'`, with :math:`\sigma = \pm 1`.
        With :math:`w = 1 + \sigma b^2` (whose value :math:`w_0` is
        :math:`1/\cos^2 a_0` or :math:`1/\cosh^2 a_0`, computed so, without
        cancellation),

        .. math::

            b_k = \frac{1}{k}\sum_{j=1}^{k} j\,a_j\,w_{k-j}, \qquad
            w_k = \sigma \sum_{i=0}^{k} b_i\,b_{k-i}\quad(k \ge 1).
        """
        a = self._c
        b, w = np.empty_like(a), np.empty_like(a)
        if sign > 0:
            b[0], w[0] = math.tan(a[0]), 1.0 / math.cos(a[0]) ** 2
        else:
            # 1 - tanh^2 = sech^2, computed without the cancellation of 1 - b_0^2
            b[0], w[0] = math.tanh(a[0]), 1.0 / math.cosh(min(abs(a[0]), 355.0)) ** 2
        ja = np.arange(a.size) * a
        for k in range(1, a.size):
            b[k] = ja[1 : k + 1] @ w[k - 1 :: -1][:k] / k
            w[k] = sign * (b[: k + 1] @ b[k::-1])
        return Jet._raw(b)

    def tan(self) -> Jet:
        r"""Tangent :math:`b = \tan a`, from :math:`b' = (1 + b^2)a'`.

        .. math::

            b_k = \frac{1}{k}\sum_{j=1}^{k} j\,a_j\,w_{k-j}, \qquad w = 1 + b^2.
        """
        if math.cos(self._c[0]) == 0.0:  # pragma: no cover - no double is an odd multiple of pi/2
            raise ValueError("tan has a pole at the Jet's value")
        return self._tan_like(1.0)

    def tanh(self) -> Jet:
        r"""Hyperbolic tangent :math:`b = \tanh a`, from :math:`b' = (1 - b^2)a'`.

        .. math::

            b_k = \frac{1}{k}\sum_{j=1}^{k} j\,a_j\,w_{k-j}, \qquad w = 1 - b^2.
        """
        return self._tan_like(-1.0)

    def sqrt(self) -> Jet:
        r"""Square root :math:`b = \sqrt a`, from :math:`b^2 = a`.

        .. math::

            b_0 = \sqrt{a_0}, \qquad
            b_k = \frac{1}{2b_0}\Bigl(a_k - \sum_{j=1}^{k-1} b_j\,b_{k-j}\Bigr).
        """
        a = self._c
        a0 = float(a[0])
        if a0 < 0.0:
            raise ValueError(
                f"sqrt needs a non-negative argument, but the Jet's value is {a0:g}: "
                "the point is outside the domain [0, inf) of sqrt"
            )
        if a0 == 0.0:
            if self.order == 0:
                return Jet._raw(np.zeros(1))
            raise ValueError(
                "sqrt has no Taylor series at 0 (its derivative is infinite there): "
                "the Jet's value is 0, on the boundary of the domain"
            )
        b = np.empty_like(a)
        b[0] = math.sqrt(a0)
        for k in range(1, a.size):
            b[k] = (a[k] - b[1:k] @ b[k - 1 : 0 : -1]) / (2.0 * b[0])
        return Jet._raw(b)


# ----------------------------------------------------------------------
# Taylor coefficients and polynomials of a function of one variable
# ----------------------------------------------------------------------


def _as_jet_result(out: Any, order: int) -> np.ndarray:
    """The coefficients of what ``f`` returned: a jet, a constant, or an array of them."""
    if isinstance(out, Jet):
        return out.coefficients[: order + 1].copy()
    if isinstance(out, np.ndarray) and out.dtype == object:
        if out.ndim == 0:
            return _as_jet_result(out.item(), order)
        cols = [_as_jet_result(v, order) for v in out.ravel()]
        return np.stack(cols, axis=-1).reshape((order + 1, *out.shape))
    if isinstance(out, (Real, np.integer, np.floating, np.ndarray)) and not isinstance(out, (bool, np.bool_)):
        arr = np.asarray(out, dtype=float)
        coeffs = np.zeros((order + 1, *arr.shape))
        coeffs[0] = arr
        return coeffs
    raise TypeError(
        f"f must return a number or a Jet when called on a Jet, got {type(out).__name__} {out!r}"
    )


def taylor_coefficients(f: Callable[[Any], Any], x0: float, order: int) -> np.ndarray:
    r"""Taylor coefficients :math:`c_k = f^{(k)}(x_0)/k!` for :math:`k = 0, \dots, \text{order}`.

    ``f`` is evaluated once, on the jet :math:`x_0 + t` (:meth:`Jet.variable`),
    so that

    .. math::

        f(x_0 + t) = c_0 + c_1 t + c_2 t^2 + \dots + c_d t^d + O(t^{d+1})

    with every :math:`c_k` exact up to rounding: there is no step size and no
    truncation error.

    Parameters
    ----------
    f : callable
        A function of one variable written with the operations that
        :class:`Jet` supports: ``+ - * / **`` and numpy's ``exp``, ``log``,
        ``sin``, ``cos``, ``tan``, ``tanh``, ``sqrt``.
    x0 : float
        The point of expansion, inside the domain of ``f``.
    order : int
        The highest power :math:`d \ge 0`.

    Returns
    -------
    ndarray, shape (order + 1,)
        :math:`c_0, \dots, c_d`. If ``f`` returns an array (of jets), shape
        ``(order + 1, *f_shape)``.

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``order`` is not an integer, or ``f`` uses an
        operation a jet does not support (``math.sin``, a comparison,
        ``np.arctan``, ...).
    ValueError
        If ``order`` is negative, ``x0`` is not finite, or ``x0`` is outside
        the domain of ``f`` or at a point where ``f`` has no Taylor series
        (``log`` of a non-positive number, ``sqrt`` at 0, a pole, ...).

    Examples
    --------
    >>> import numpy as np
    >>> taylor_coefficients(np.cos, 0.0, 6)   # 1 - x^2/2 + x^4/24 - x^6/720
    array([ 1.        ,  0.        , -0.5       ,  0.        ,  0.04166667,
            0.        , -0.00138889])
    >>> taylor_coefficients(lambda x: 1 / x, 1.0, 4)
    array([ 1., -1.,  1., -1.,  1.])
    """
    check_callable(f, "f")
    x0 = _check_scalar(x0, "x0")
    order = _check_order(order)
    x = Jet.variable(x0, order)
    try:
        with np.errstate(all="ignore"):
            out = f(x)
    except TypeError as exc:
        raise TypeError(
            f"f uses an operation that a Jet does not support ({exc}); write f with "
            "+ - * / ** and np.exp, np.log, np.sin, np.cos, np.tan, np.tanh, np.sqrt"
        ) from exc
    except ValueError as exc:
        raise ValueError(f"f has no Taylor series about x0 = {x0!r}: {exc}") from exc
    coeffs = _as_jet_result(out, order)
    if not np.all(np.isfinite(coeffs)):
        raise ValueError(
            f"the Taylor coefficients of f about x0 = {x0!r} are not finite "
            "(overflow, or x0 at a singularity of f)"
        )
    return coeffs


class TaylorPolynomial:
    r"""The Taylor polynomial :math:`p_d(x) = \sum_{k=0}^{d} c_k (x - x_0)^k`, a callable.

    Made by :func:`taylor_polynomial`; evaluated by Horner's rule,
    :math:`p = c_0 + u(c_1 + u(c_2 + \dots + u\,c_d))` with :math:`u = x - x_0`.

    Attributes
    ----------
    coefficients : ndarray, shape (order + 1,)
        :math:`c_0, \dots, c_d`.
    x0 : float
        The point of expansion.
    order : int
        The degree :math:`d` (the highest power kept; some top coefficients may be 0).
    """

    def __init__(self, coefficients: np.ndarray, x0: float) -> None:
        self.coefficients = np.asarray(coefficients, dtype=float)
        self.x0 = float(x0)
        self.order = self.coefficients.size - 1

    def __call__(self, x: Any) -> Any:
        if isinstance(x, Jet):
            u = x - self.x0
        else:
            u = check_finite_array(x, "x") - self.x0
        p = self.coefficients[-1] + 0 * u
        for c in self.coefficients[-2::-1]:
            p = p * u + c
        if isinstance(p, np.ndarray) and p.ndim == 0:
            return float(p)
        return p

    def __repr__(self) -> str:
        return (
            f"TaylorPolynomial(order={self.order}, x0={self.x0!r}, "
            f"coefficients={np.array2string(self.coefficients, separator=', ', precision=6)})"
        )


def taylor_polynomial(f: Callable[[Any], Any], x0: float, order: int) -> TaylorPolynomial:
    r"""The Taylor polynomial of degree ``order`` of ``f`` about ``x0``, as a callable.

    .. math::

        p_d(x) = \sum_{k=0}^{d} \frac{f^{(k)}(x_0)}{k!}(x - x_0)^k,

    with the coefficients from :func:`taylor_coefficients`.

    Parameters
    ----------
    f, x0, order
        As in :func:`taylor_coefficients`; ``f`` must return a scalar.

    Returns
    -------
    TaylorPolynomial
        Call it on a number or an array of numbers (or a :class:`Jet`).

    Examples
    --------
    >>> import numpy as np
    >>> p = taylor_polynomial(np.exp, 0.0, 10)
    >>> bool(abs(p(1.0) - np.e) < 3e-8)        # the remainder 1/11! is about 2.5e-8
    True
    >>> p(np.array([0.0, 0.5])).round(6)
    array([1.      , 1.648721])
    """
    coeffs = taylor_coefficients(f, x0, order)
    if coeffs.ndim != 1:
        raise ValueError(f"f must return a scalar for a Taylor polynomial, got shape {coeffs.shape[1:]}")
    return TaylorPolynomial(coeffs, float(x0))


def remainder_bound(M: float, x: Any, x0: float, n: int) -> Any:
    r"""Lagrange bound on the error of the Taylor polynomial of degree :math:`n`.

    If :math:`|f^{(n+1)}| \le M` between :math:`x_0` and :math:`x`, Taylor's
    theorem with the Lagrange remainder gives

    .. math::

        |f(x) - p_n(x)| \le \frac{M\,|x - x_0|^{n+1}}{(n+1)!}.

    Parameters
    ----------
    M : float
        A bound, at least 0, on :math:`|f^{(n+1)}|` over the interval between
        ``x0`` and ``x``.
    x : float or array_like
        Point(s) at which the error is bounded.
    x0 : float
        The point of expansion.
    n : int
        Degree of the polynomial, at least 0.

    Returns
    -------
    float or ndarray
        The bound, with the shape of ``x``; ``inf`` only if the bound itself
        exceeds the largest float.

    Examples
    --------
    >>> remainder_bound(1.0, 0.5, 0.0, 4)    # cos to degree 4 at 0.5: 0.5^5/5!
    0.0002604166666666667
    >>> remainder_bound(1.0, 100.0, 0.0, 200)  # 100^201/201!: neither part is a float
    6.308e+24
    """
    M = _check_scalar(M, "M")
    if M < 0:
        raise ValueError(f"M bounds an absolute value, so it must be at least 0, got {M!r}")
    xa = check_finite_array(x, "x")
    x0 = _check_scalar(x0, "x0")
    n = _check_order(n, "n")
    distance, k = np.abs(xa - x0), n + 1
    with np.errstate(all="ignore"):
        # In logarithms, neither k! nor the power can overflow on the way.
        log_m = math.log(M) if M > 0 else -math.inf
        bound = np.exp(log_m + k * np.log(distance) - math.lgamma(k + 1))
        if k <= 170:  # k! is a float: the formula as written, exact to rounding
            direct = M * distance**k / math.factorial(k)
            bound = np.where(np.isfinite(direct), direct, bound)
    return float(bound) if bound.ndim == 0 else bound


def observed_order(hs: Any, errors: Any) -> float:
    r"""Order :math:`p` of an error :math:`E(h) \approx C h^p`: the slope of :math:`\log E` against :math:`\log h`.

    The slope of the least-squares line through the points
    :math:`(\log h_i, \log E_i)`,

    .. math::

        p = \frac{\sum_i (\ell_i - \bar\ell)(e_i - \bar e)}{\sum_i (\ell_i - \bar\ell)^2},
        \qquad \ell_i = \log h_i,\; e_i = \log E_i.

    Parameters
    ----------
    hs : array_like
        Step sizes, at least two distinct positive values.
    errors : array_like
        The errors, positive, one per step.

    Returns
    -------
    float
        The measured order.

    Examples
    --------
    >>> import numpy as np
    >>> hs = np.array([1e-1, 1e-2, 1e-3])
    >>> round(observed_order(hs, 3 * hs**2), 10)
    2.0
    """
    h = check_finite_array(hs, "hs").ravel()
    e = check_finite_array(errors, "errors").ravel()
    if h.shape != e.shape:
        raise ValueError(f"hs and errors must have one error per step, got {h.size} steps and {e.size} errors")
    if np.unique(h).size < 2:
        raise ValueError("hs must hold at least two distinct step sizes")
    if np.any(h <= 0) or np.any(e <= 0):
        raise ValueError("every step and every error must be greater than 0 (their logarithms are fitted)")
    return float(np.polyfit(np.log(h), np.log(e), 1)[0])


# ----------------------------------------------------------------------
# Models of functions of several variables
# ----------------------------------------------------------------------


def _model_point(x0: Any) -> tuple[np.ndarray, bool]:
    """The point as a 1-D array, and whether it was given as a scalar."""
    xa = check_finite_array(x0, "x0")
    if xa.ndim == 0:
        return xa.reshape(1), True
    if xa.ndim != 1 or xa.size == 0:
        raise ValueError(f"x0 must be a number or a non-empty 1-D array of shape (n,), got shape {xa.shape}")
    return xa, False


def _model_value(F: Callable[[Any], Any], x0: np.ndarray, scalar: bool, name: str) -> np.ndarray:
    with np.errstate(all="ignore"):
        value = np.asarray(F(float(x0[0]) if scalar else x0.copy()), dtype=float)
    if not np.all(np.isfinite(value)):
        raise ValueError(
            f"{name}(x0) is not finite at x0 = {x0[0] if scalar else x0!r}: "
            f"x0 is outside the domain of {name}"
        )
    if value.ndim > 1:
        raise ValueError(f"{name} must return a scalar or a 1-D array, got shape {value.shape}")
    return value


def _displacement(x: Any, x0: np.ndarray, scalar: bool) -> np.ndarray:
    """:math:`\\Delta\\mathbf x = \\mathbf x - \\mathbf x_0` with a last axis of length n."""
    xa = check_finite_array(x, "x")
    if scalar:
        return (xa - x0[0])[..., None]
    if xa.ndim == 0 or xa.shape[-1] != x0.size:
        raise ValueError(
            f"x must have a last axis of length {x0.size} (points of the same space as x0), got shape {xa.shape}"
        )
    return xa - x0


def _output(out: np.ndarray) -> Any:
    return float(out) if out.ndim == 0 else out


class LinearModel:
    r"""The linearisation :math:`\mathbf L(\mathbf x) = \mathbf F(\mathbf x_0) + \mathbf J(\mathbf x - \mathbf x_0)`.

    Made by :func:`linearise`. Call it on a point, or on an array of points
    along its last axis (shape ``(..., n)``; any shape when ``x0`` is a
    number).

    Attributes
    ----------
    x0 : float or ndarray, shape (n,)
        The point of tangency.
    value : float or ndarray, shape (m,)
        :math:`\mathbf F(\mathbf x_0)`.
    jacobian : ndarray, shape (m, n)
        :math:`\mathbf J` at :math:`\mathbf x_0` (shape ``(1, n)`` for a scalar ``F``).
    """

    def __init__(self, x0: np.ndarray, scalar_input: bool, value: np.ndarray, jac: np.ndarray) -> None:
        self._x0, self._scalar = x0, scalar_input
        self.x0: Any = float(x0[0]) if scalar_input else x0
        self.value: Any = _output(value)
        self.jacobian = jac

    def __call__(self, x: Any) -> Any:
        dx = _displacement(x, self._x0, self._scalar)
        out = np.asarray(self.value) + dx @ self.jacobian.T
        if np.ndim(self.value) == 0:
            out = out[..., 0]
        return _output(out)

    def __repr__(self) -> str:
        return f"LinearModel(x0={self.x0!r}, value={self.value!r}, jacobian={self.jacobian.tolist()!r})"


def linearise(F: Callable[[Any], Any], x0: Any) -> LinearModel:
    r"""First-order Taylor model of :math:`\mathbf F` about :math:`\mathbf x_0`.

    .. math::

        \mathbf F(\mathbf x_0 + \Delta\mathbf x)
        = \mathbf F(\mathbf x_0) + \mathbf J\,\Delta\mathbf x + O(\|\Delta\mathbf x\|^2),

    with :math:`\mathbf J` from :func:`mvcalc.multivariate.jacobian` by the
    complex step (exact to rounding). In one variable this is the tangent
    line :math:`f(x_0) + f'(x_0)(x - x_0)`.

    Parameters
    ----------
    F : callable
        :math:`\mathbb R^n \to \mathbb R^m` (or to :math:`\mathbb R`), written
        with numpy functions that accept complex input; a function of a
        number when ``x0`` is a number.
    x0 : float or array_like, shape (n,)
        The point, inside the domain of ``F``.

    Returns
    -------
    LinearModel
        A callable with attributes ``x0``, ``value`` and ``jacobian``.

    Raises
    ------
    TypeError
        If ``F`` is not callable or cannot take complex input.
    ValueError
        If ``x0`` is not finite or not 1-D, or ``F(x0)`` is not finite.

    Examples
    --------
    >>> import numpy as np
    >>> L = linearise(np.sqrt, 4.0)           # 2 + (x - 4)/4
    >>> L(4.4)
    2.1
    >>> polar = lambda p: np.array([p[0] * np.cos(p[1]), p[0] * np.sin(p[1])])
    >>> np.round(linearise(polar, [1.0, 0.0])([1.1, 0.1]), 6)
    array([1.1, 0.1])
    """
    check_callable(F, "F")
    xa, scalar = _model_point(x0)
    value = _model_value(F, xa, scalar, "F")
    G = (lambda v: F(v[0])) if scalar else F
    J = jacobian(G, xa, method="complex")
    return LinearModel(xa, scalar, value, J)


class QuadraticModel:
    r"""The second-order model :math:`q(\mathbf x) = f + \nabla f^{\mathsf T}\Delta\mathbf x + \tfrac12\Delta\mathbf x^{\mathsf T}\mathbf H\Delta\mathbf x`.

    Made by :func:`quadratic_model`, with :math:`\Delta\mathbf x = \mathbf x -
    \mathbf x_0`. Call it on a point or an array of points (shape
    ``(..., n)``; any shape when ``x0`` is a number).

    Attributes
    ----------
    x0 : float or ndarray, shape (n,)
        The point of expansion.
    value : float
        :math:`f(\mathbf x_0)`.
    gradient : ndarray, shape (n,)
        :math:`\nabla f(\mathbf x_0)`, so that :math:`\mathbf J_f = \nabla f^{\mathsf T}`.
    hessian : ndarray, shape (n, n)
        :math:`\mathbf H` at :math:`\mathbf x_0`.
    """

    def __init__(self, x0: np.ndarray, scalar_input: bool, value: float, grad: np.ndarray, H: np.ndarray) -> None:
        self._x0, self._scalar = x0, scalar_input
        self.x0: Any = float(x0[0]) if scalar_input else x0
        self.value = value
        self.gradient = grad
        self.hessian = H

    def __call__(self, x: Any) -> Any:
        dx = _displacement(x, self._x0, self._scalar)
        out = self.value + dx @ self.gradient + 0.5 * np.einsum("...i,ij,...j->...", dx, self.hessian, dx)
        return _output(np.asarray(out))

    def __repr__(self) -> str:
        return (
            f"QuadraticModel(x0={self.x0!r}, value={self.value!r}, "
            f"gradient={self.gradient.tolist()!r}, hessian={self.hessian.tolist()!r})"
        )


def quadratic_model(f: Callable[[Any], Any], x0: Any) -> QuadraticModel:
    r"""Second-order Taylor model of a scalar :math:`f` about :math:`\mathbf x_0`.

    .. math::

        f(\mathbf x_0 + \Delta\mathbf x) = f(\mathbf x_0) + \mathbf J_f\,\Delta\mathbf x
        + \tfrac12\,\Delta\mathbf x^{\mathsf T}\mathbf H\,\Delta\mathbf x
        + O(\|\Delta\mathbf x\|^3),

    with :math:`\mathbf J_f = \nabla f^{\mathsf T}` from
    :func:`mvcalc.multivariate.gradient` (complex step) and :math:`\mathbf H`
    from :func:`mvcalc.multivariate.hessian` (central differences, accurate
    to about :math:`10^{-8}` relative).

    Parameters
    ----------
    f : callable
        :math:`\mathbb R^n \to \mathbb R`, written with numpy functions that
        accept complex input; a function of a number when ``x0`` is a number.
    x0 : float or array_like, shape (n,)
        The point, inside the domain of ``f``.

    Returns
    -------
    QuadraticModel
        A callable with attributes ``x0``, ``value``, ``gradient``, ``hessian``.

    Raises
    ------
    TypeError
        If ``f`` is not callable or cannot take complex input.
    ValueError
        If ``x0`` is not finite, ``f(x0)`` is not finite or not a scalar.

    Examples
    --------
    >>> import numpy as np
    >>> q = quadratic_model(lambda v: v[0]**2 - v[1]**2, [0.0, 0.0])   # a saddle
    >>> np.round(q.hessian, 6)
    array([[ 2.,  0.],
           [ 0., -2.]])
    >>> round(q([1.0, 2.0]), 6)
    -3.0
    """
    check_callable(f, "f")
    xa, scalar = _model_point(x0)
    value = _model_value(f, xa, scalar, "f")
    if value.ndim != 0:
        raise ValueError(f"f must return a scalar for a quadratic model, got shape {value.shape}")
    g = (lambda v: f(v[0])) if scalar else f
    grad = gradient(g, xa, method="complex")
    H = hessian(g, xa)
    return QuadraticModel(xa, scalar, float(value), grad, H)
