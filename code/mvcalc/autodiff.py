r"""Automatic differentiation from scratch: forward mode and reverse mode.

Chapter 3 of the book derives both. A program that computes :math:`f` is a
chain of elementary operations (``+``, ``*``, ``exp``, ``sin``, ...), each
with a derivative we know; the chain rule combines them.

*Forward mode* carries a derivative along with every value. A dual number
:math:`a + b\varepsilon`, with :math:`\varepsilon^2 = 0`, is exactly such a
pair, and every function :math:`f` extends to dual numbers so that

.. math::

    f(a + b\varepsilon) = f(a) + f'(a)\,b\,\varepsilon .

Seeding :math:`b = 1` and reading off the :math:`\varepsilon` part gives
:math:`f'(a)`: one pass per input variable (:class:`Dual`, :func:`derivative`,
:func:`grad_forward`).

*Reverse mode* first records the operations in a graph of :class:`Value`
nodes, then sweeps the graph once backwards, from the output to the inputs,
accumulating the adjoints :math:`\bar v = \partial y/\partial v` of every node
by the chain rule,

.. math::

    \bar v_i = \sum_{j\,:\,v_i \to v_j} \bar v_j\,\frac{\partial v_j}{\partial v_i},

so the whole gradient of a scalar :math:`y` costs one backward pass, however
many inputs there are (:class:`Value`, :func:`grad`).

Both number types subclass ``UfuncMixin`` of the private module ``mvcalc._ufuncs``, so a function
written once with numpy runs unchanged on floats, on :class:`Dual` numbers and
on :class:`Value` nodes:

>>> import numpy as np
>>> f = lambda x: np.sin(x) * np.exp(-x**2)
>>> x = 0.5
>>> d = f(Dual(x, 1.0))           # forward mode
>>> v = Value(x); y = f(v); y.backward()   # reverse mode
>>> bool(np.isclose(d.deriv, v.grad)), bool(np.isclose(d.value, f(x)))
(True, True)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from numbers import Real
from typing import Any

import numpy as np
from scipy.special import expit

from ._ufuncs import UfuncMixin
from ._validation import check_callable, check_finite_array

__all__ = [
    "Dual",
    "Value",
    "best_time",
    "derivative",
    "grad",
    "grad_forward",
    "lift",
    "time_gradients",
    "value_and_grad",
]


def _is_real_number(x: Any) -> bool:
    """True for Python and numpy real scalars (not bool, not complex)."""
    return isinstance(x, (Real, np.floating, np.integer)) and not isinstance(x, (bool, np.bool_))


def _check_finite_result(value: Any, op: str, arg: Any) -> None:
    """Raise a clear :class:`ValueError` when an operation overflowed."""
    if not (math.isfinite(value) if isinstance(value, float) else np.all(np.isfinite(value))):
        raise ValueError(f"{op}({arg!r}) is not finite (overflow); the result would be {value!r}")


# ============================================================================
# Forward mode: dual numbers
# ============================================================================


class Dual(UfuncMixin):
    r"""A dual number :math:`a + b\varepsilon` with :math:`\varepsilon^2 = 0`: a value and its derivative.

    Arithmetic follows from :math:`\varepsilon^2 = 0`,

    .. math::

        (a + b\varepsilon)(c + d\varepsilon) = ac + (ad + bc)\varepsilon,
        \qquad
        f(a + b\varepsilon) = f(a) + f'(a)\,b\,\varepsilon,

    so the :math:`\varepsilon` part of any composite of these operations is
    the derivative given by the chain rule. Supported: ``+ - * / **``,
    ``abs``, and the methods (and numpy functions) ``sin``, ``cos``, ``tan``,
    ``exp``, ``log``, ``sqrt``, ``tanh``, plus :meth:`sigmoid` and
    :meth:`relu`.

    Parameters
    ----------
    value : float or ndarray
        The real part :math:`a`. An array makes a dual number per entry, so
        a function of one variable can be differentiated on a whole grid at once.
    deriv : float or ndarray, default 0.0
        The :math:`\varepsilon` part :math:`b`, the derivative carried along;
        seed it with 1 to differentiate with respect to this variable. Its
        shape must broadcast with that of ``value``.

    Examples
    --------
    >>> x = Dual(3.0, 1.0)      # the variable x = 3, dx/dx = 1
    >>> y = x * x + 2 * x
    >>> y.value, y.deriv        # x^2 + 2x = 15 and its derivative 2x + 2 = 8
    (15.0, 8.0)
    """

    __slots__ = ("value", "deriv")

    def __init__(self, value: Any, deriv: Any = 0.0) -> None:
        v = check_finite_array(value, "value")
        d = check_finite_array(deriv, "deriv")
        try:
            np.broadcast_shapes(v.shape, d.shape)
        except ValueError as exc:
            raise ValueError(
                f"value and deriv of a Dual must have broadcastable shapes, got {v.shape} and {d.shape}"
            ) from exc
        self.value: Any = float(v) if v.ndim == 0 else v
        self.deriv: Any = float(d) if d.ndim == 0 else d

    @classmethod
    def _make(cls, value: Any, deriv: Any) -> Dual:
        """A dual number from trusted parts, without validation (used by the operations)."""
        out = object.__new__(cls)
        out.value, out.deriv = value, deriv
        return out

    def __repr__(self) -> str:
        return f"Dual(value={self.value!r}, deriv={self.deriv!r})"

    @staticmethod
    def _coerce(other: Any) -> Dual | None:
        """``other`` as a dual number (a constant has derivative 0), or None if impossible."""
        if isinstance(other, Dual):
            return other
        if _is_real_number(other):
            return Dual._make(float(other), 0.0)
        if isinstance(other, np.ndarray) and other.dtype.kind in "iuf":
            return Dual._make(other.astype(float), 0.0)
        return None

    # --- arithmetic -----------------------------------------------------------

    def __add__(self, other: Any) -> Dual:
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        return Dual._make(self.value + o.value, self.deriv + o.deriv)

    __radd__ = __add__

    def __neg__(self) -> Dual:
        return Dual._make(-self.value, -self.deriv)

    def __pos__(self) -> Dual:
        return self

    def __sub__(self, other: Any) -> Dual:
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        return Dual._make(self.value - o.value, self.deriv - o.deriv)

    def __rsub__(self, other: Any) -> Dual:
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        return o - self

    def __mul__(self, other: Any) -> Dual:
        r"""Product rule: :math:`(a + b\varepsilon)(c + d\varepsilon) = ac + (ad + bc)\varepsilon`."""
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        return Dual._make(self.value * o.value, self.value * o.deriv + self.deriv * o.value)

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Dual:
        r"""Quotient rule: :math:`\frac{a + b\varepsilon}{c + d\varepsilon} = \frac{a}{c} + \frac{bc - ad}{c^2}\varepsilon`."""
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        if np.any(np.asarray(o.value) == 0):
            raise ZeroDivisionError("division by a Dual whose value is 0")
        return Dual._make(self.value / o.value, (self.deriv * o.value - self.value * o.deriv) / o.value**2)

    def __rtruediv__(self, other: Any) -> Dual:
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        return o / self

    def __pow__(self, other: Any) -> Dual:
        r"""Power rule :math:`(x^p)' = p x^{p-1}` for a constant exponent; for a dual exponent
        :math:`(x^y)' = y x^{y-1} x' + x^y \ln x \; y'`."""
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        a, b = self.value, self.deriv
        if isinstance(other, Dual) and np.any(np.asarray(o.deriv) != 0):
            if np.any(np.asarray(a) <= 0):
                raise ValueError(f"x ** y with a Dual exponent needs x > 0, got x = {a!r}")
            if isinstance(a, float) and isinstance(o.value, float):
                value = _math_pow(a, o.value)
            else:
                with np.errstate(all="ignore"):
                    value = np.power(a, o.value)
            _check_finite_result(value, "pow", a)
            return Dual._make(value, value * (o.value * b / a + _lib(a).log(a) * o.deriv))
        p = o.value
        _check_power(a, p)
        with np.errstate(all="ignore"):
            value = np.power(a, p)
            slope = np.where(np.asarray(p) == 0, 0.0, p * np.power(a, p - 1.0))
        value = float(value) if np.ndim(value) == 0 else value
        slope = float(slope) if np.ndim(slope) == 0 else slope
        _check_finite_result(value, "pow", a)
        return Dual._make(value, slope * b)

    def __rpow__(self, other: Any) -> Dual:
        r"""Exponential with a constant base: :math:`(k^x)' = k^x \ln k \; x'`, for :math:`k > 0`."""
        o = self._coerce(other)
        if o is None:
            return NotImplemented
        return o**self

    def __abs__(self) -> Dual:
        r""":math:`|x|' = \operatorname{sign}(x)`, taken as 0 at :math:`x = 0`."""
        return Dual._make(abs(self.value), np.sign(self.value) * self.deriv)

    # --- elementary functions -------------------------------------------------

    def _apply(self, op: str, value: Any, slope: Any) -> Dual:
        """The dual number :math:`f(a) + f'(a)\\,b\\,\\varepsilon` from ``value`` = f(a), ``slope`` = f'(a)."""
        _check_finite_result(value, op, self.value)
        return Dual._make(value, slope * self.deriv)

    def sin(self) -> Dual:
        r""":math:`\sin' = \cos`."""
        lib = _lib(self.value)
        return self._apply("sin", lib.sin(self.value), lib.cos(self.value))

    def cos(self) -> Dual:
        r""":math:`\cos' = -\sin`."""
        lib = _lib(self.value)
        return self._apply("cos", lib.cos(self.value), -lib.sin(self.value))

    def tan(self) -> Dual:
        r""":math:`\tan' = 1 + \tan^2`."""
        t = _lib(self.value).tan(self.value)
        return self._apply("tan", t, 1.0 + t * t)

    def exp(self) -> Dual:
        r""":math:`\exp' = \exp`."""
        if isinstance(self.value, float):
            e = _math_exp(self.value)
        else:
            with np.errstate(all="ignore"):
                e = np.exp(self.value)
        return self._apply("exp", e, e)

    def log(self) -> Dual:
        r""":math:`\ln' x = 1/x`, for :math:`x > 0`."""
        _check_positive_domain(self.value, "log")
        return self._apply("log", _lib(self.value).log(self.value), 1.0 / self.value)

    def sqrt(self) -> Dual:
        r""":math:`(\sqrt x)' = \frac{1}{2\sqrt x}`, for :math:`x > 0`."""
        _check_positive_domain(self.value, "sqrt")
        s = _lib(self.value).sqrt(self.value)
        return self._apply("sqrt", s, 0.5 / s)

    def tanh(self) -> Dual:
        r""":math:`\tanh' = 1 - \tanh^2 = \operatorname{sech}^2`."""
        return self._apply("tanh", _lib(self.value).tanh(self.value), _sech2(self.value))

    def sigmoid(self) -> Dual:
        r""":math:`\sigma(x) = \frac{1}{1 + e^{-x}}`, with :math:`\sigma' = \sigma(1 - \sigma) = \sigma(x)\,\sigma(-x)`."""
        return self._apply("sigmoid", _sigmoid(self.value), _sigmoid(self.value) * _sigmoid(-self.value))

    def relu(self) -> Dual:
        r""":math:`\operatorname{relu}(x) = \max(x, 0)`, with derivative 1 for :math:`x > 0` and 0 otherwise."""
        positive = np.asarray(self.value) > 0
        value = np.where(positive, self.value, 0.0)
        slope = positive.astype(float)
        if value.ndim == 0:
            value, slope = float(value), float(slope)
        return self._apply("relu", value, slope)


def _lib(x: Any) -> Any:
    """The :mod:`math` module for a float (fast, and it returns floats), numpy for arrays."""
    return math if isinstance(x, float) else np


def _math_exp(x: float) -> float:
    """:func:`math.exp`, with an overflow reported as a clear :class:`ValueError`."""
    try:
        return math.exp(x)
    except OverflowError:
        raise ValueError(f"exp({x!r}) is not finite (overflow)") from None


def _sech2(x: Any) -> Any:
    r""":math:`\operatorname{sech}^2 x = 1/\cosh^2 x`, the derivative of :math:`\tanh`.

    Equal to :math:`1 - \tanh^2 x`, but free of its cancellation when
    :math:`\tanh x` is close to :math:`\pm 1` (for :math:`|x| > 710`,
    :math:`\cosh x` overflows and the result is 0, as it should be).
    """
    if isinstance(x, float):
        return 0.0 if abs(x) > 700.0 else 1.0 / math.cosh(x) ** 2
    with np.errstate(over="ignore"):
        c = np.cosh(x)
    out = 1.0 / (c * c)
    return float(out) if np.ndim(out) == 0 else out


def _sigmoid(x: Any) -> Any:
    """The logistic function on floats or arrays, without overflow."""
    if isinstance(x, float):
        if x >= 0:
            return 1.0 / (1.0 + math.exp(-x))
        e = math.exp(x)
        return e / (1.0 + e)
    s = expit(x)
    return float(s) if np.ndim(s) == 0 else s


def _math_pow(a: float, p: float) -> float:
    """:math:`a^p` for floats (checked by :func:`_check_power`), overflow as a clear error."""
    try:
        return math.pow(a, p)
    except OverflowError:
        raise ValueError(f"pow({a!r}, {p!r}) is not finite (overflow)") from None
    except ValueError:  # 0 to a negative power
        raise ZeroDivisionError(f"0.0 to the negative power {p!r}") from None


def _check_positive_domain(x: Any, op: str) -> None:
    if (x <= 0) if isinstance(x, float) else np.any(np.asarray(x) <= 0):
        raise ValueError(f"{op} needs a positive argument (its derivative must exist), got {x!r}")


def _check_power(a: Any, p: Any) -> None:
    """Check that :math:`a^p` and its derivative :math:`p a^{p-1}` are real and finite."""
    if isinstance(a, float) and isinstance(p, float) and a > 0:
        return
    a_arr, p_arr = np.asarray(a), np.asarray(p)
    integer = p_arr == np.round(p_arr)
    if np.any((a_arr < 0) & ~integer):
        raise ValueError(f"a negative number to a non-integer power is not real: {a!r} ** {p!r}")
    if np.any((a_arr == 0) & (p_arr < 1) & (p_arr != 0)):
        raise ValueError(f"x ** {p!r} has no finite derivative at x = 0")


# ============================================================================
# Reverse mode: a graph of Value nodes
# ============================================================================


class Value(UfuncMixin):
    r"""A scalar node of a computational graph, for reverse-mode differentiation.

    Every operation on ``Value`` objects returns a new node that remembers its
    parents and the *local* derivative :math:`\partial v/\partial u` with
    respect to each parent, evaluated on the way forward. :meth:`backward`
    then applies the chain rule once, from the output back to the leaves.

    Supported: ``+ - * / **`` (with numbers or other ``Value`` objects),
    ``abs``, and the methods (and numpy functions) ``exp``, ``log``,
    ``sin``, ``cos``, ``tan``, ``sqrt``, ``tanh``, plus :meth:`sigmoid` and
    :meth:`relu`. Any other numpy function raises :class:`TypeError`.

    Parameters
    ----------
    data : float
        The node's value, a finite real number.
    label : str, optional
        A name, shown by graph drawings.

    Attributes
    ----------
    data : float
        The value.
    grad : float
        :math:`\partial y/\partial(\text{this node})` after ``y.backward()``;
        0.0 before any backward pass.
    parents : tuple of Value
        The nodes this one was computed from (empty for a leaf).
    local_grads : tuple of float
        :math:`\partial(\text{this node})/\partial(\text{parent})` for each parent.
    op : str
        The operation that made the node (``""`` for a leaf).

    Examples
    --------
    >>> x, y = Value(2.0, label="x"), Value(3.0, label="y")
    >>> z = x * y + x
    >>> z.backward()
    >>> z.data, x.grad, y.grad      # dz/dx = y + 1, dz/dy = x
    (8.0, 4.0, 2.0)
    """

    __slots__ = ("data", "grad", "parents", "local_grads", "op", "label")

    def __init__(self, data: float, *, label: str = "") -> None:
        if not _is_real_number(data):
            raise TypeError(f"data of a Value must be a real number, got {type(data).__name__} {data!r}")
        if not np.isfinite(data):
            raise ValueError(f"data of a Value must be finite, got {data!r}")
        if not isinstance(label, str):
            raise TypeError(f"label must be a string, got {type(label).__name__} {label!r}")
        self.data = float(data)
        self.grad = 0.0
        self.parents: tuple[Value, ...] = ()
        self.local_grads: tuple[float, ...] = ()
        self.op = ""
        self.label = label

    @classmethod
    def _make(cls, data: float, parents: tuple[Value, ...], local_grads: tuple[float, ...], op: str) -> Value:
        """A new node of the graph; ``local_grads[i]`` is d(node)/d(parents[i])."""
        if not math.isfinite(data):
            args = ", ".join(repr(p.data) for p in parents)
            raise ValueError(f"{op}({args}) is not finite: the result would be {data!r}")
        out = object.__new__(cls)
        out.data, out.grad, out.op, out.label = float(data), 0.0, op, ""
        out.parents, out.local_grads = parents, local_grads
        return out

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    # --- coercion ---------------------------------------------------------------

    @staticmethod
    def _coerce(other: Any) -> Value | None:
        """``other`` as a node: a number becomes a constant leaf; None if impossible."""
        if isinstance(other, Value):
            return other
        if _is_real_number(other):
            return Value(float(other))
        return None

    def _binary(self, other: Any, ufunc: np.ufunc, reflected: bool) -> Any:
        """Apply ``ufunc`` to this node and ``other``; an array gives an array of nodes."""
        if isinstance(other, np.ndarray) and other.ndim > 0 and other.dtype.kind in "iufO":
            me = np.empty((), dtype=object)
            me[()] = self
            return ufunc(other, me) if reflected else ufunc(me, other)
        return NotImplemented

    # --- arithmetic -------------------------------------------------------------

    def __add__(self, other: Any) -> Any:
        o = self._coerce(other)
        if o is None:
            return self._binary(other, np.add, False)
        return Value._make(self.data + o.data, (self, o), (1.0, 1.0), "+")

    def __radd__(self, other: Any) -> Any:
        o = self._coerce(other)
        if o is None:
            return self._binary(other, np.add, True)
        return o + self

    def __mul__(self, other: Any) -> Any:
        o = self._coerce(other)
        if o is None:
            return self._binary(other, np.multiply, False)
        return Value._make(self.data * o.data, (self, o), (o.data, self.data), "*")

    def __rmul__(self, other: Any) -> Any:
        o = self._coerce(other)
        if o is None:
            return self._binary(other, np.multiply, True)
        return o * self

    def __neg__(self) -> Value:
        return Value._make(-self.data, (self,), (-1.0,), "neg")

    def __pos__(self) -> Value:
        return self

    def __sub__(self, other: Any) -> Any:
        o = self._coerce(other)
        if o is None:
            return self._binary(other, np.subtract, False)
        return Value._make(self.data - o.data, (self, o), (1.0, -1.0), "-")

    def __rsub__(self, other: Any) -> Any:
        o = self._coerce(other)
        if o is None:
            return self._binary(other, np.subtract, True)
        return o - self

    def __truediv__(self, other: Any) -> Any:
        o = self._coerce(other)
        if o is None:
            return self._binary(other, np.true_divide, False)
        if o.data == 0:
            raise ZeroDivisionError("division by a Value whose data is 0")
        return Value._make(self.data / o.data, (self, o), (1.0 / o.data, -self.data / o.data**2), "/")

    def __rtruediv__(self, other: Any) -> Any:
        o = self._coerce(other)
        if o is None:
            return self._binary(other, np.true_divide, True)
        return o / self

    def __pow__(self, other: Any) -> Any:
        r""":math:`x^p` with local derivatives :math:`p x^{p-1}` and, for a ``Value`` exponent, :math:`x^p \ln x`."""
        o = self._coerce(other)
        if o is None:
            return self._binary(other, np.power, False)
        a, p = self.data, o.data
        if isinstance(other, Value):
            if a <= 0:
                raise ValueError(f"x ** y with a Value exponent needs x > 0, got x = {a!r}")
            value = _math_pow(a, p)
            return Value._make(value, (self, o), (p * _math_pow(a, p - 1), value * math.log(a)), "**")
        _check_power(a, p)
        value = _math_pow(a, p)
        slope = 0.0 if p == 0 else p * _math_pow(a, p - 1)
        return Value._make(value, (self,), (slope,), f"**{p:g}")

    def __rpow__(self, other: Any) -> Any:
        o = self._coerce(other)
        if o is None:
            return self._binary(other, np.power, True)
        return o**self

    def __abs__(self) -> Value:
        r""":math:`|x|`, with local derivative :math:`\operatorname{sign}(x)` (0 at :math:`x = 0`)."""
        sign = 1.0 if self.data > 0 else (-1.0 if self.data < 0 else 0.0)
        return Value._make(abs(self.data), (self,), (sign,), "abs")

    # --- elementary functions ---------------------------------------------------

    def _unary(self, op: str, value: float, slope: float) -> Value:
        return Value._make(value, (self,), (slope,), op)

    def exp(self) -> Value:
        r""":math:`e^x`, local derivative :math:`e^x`."""
        e = _math_exp(self.data)
        return self._unary("exp", e, e)

    def log(self) -> Value:
        r""":math:`\ln x`, local derivative :math:`1/x`, for :math:`x > 0`."""
        _check_positive_domain(self.data, "log")
        return self._unary("log", math.log(self.data), 1.0 / self.data)

    def sin(self) -> Value:
        r""":math:`\sin x`, local derivative :math:`\cos x`."""
        return self._unary("sin", math.sin(self.data), math.cos(self.data))

    def cos(self) -> Value:
        r""":math:`\cos x`, local derivative :math:`-\sin x`."""
        return self._unary("cos", math.cos(self.data), -math.sin(self.data))

    def tan(self) -> Value:
        r""":math:`\tan x`, local derivative :math:`1 + \tan^2 x`."""
        t = math.tan(self.data)
        return self._unary("tan", t, 1.0 + t * t)

    def sqrt(self) -> Value:
        r""":math:`\sqrt x`, local derivative :math:`\frac{1}{2\sqrt x}`, for :math:`x > 0`."""
        _check_positive_domain(self.data, "sqrt")
        s = math.sqrt(self.data)
        return self._unary("sqrt", s, 0.5 / s)

    def tanh(self) -> Value:
        r""":math:`\tanh x`, local derivative :math:`\operatorname{sech}^2 x = 1 - \tanh^2 x`."""
        return self._unary("tanh", math.tanh(self.data), _sech2(self.data))

    def sigmoid(self) -> Value:
        r""":math:`\sigma(x) = 1/(1 + e^{-x})`, local derivative :math:`\sigma(1 - \sigma) = \sigma(x)\,\sigma(-x)`."""
        return self._unary("sigmoid", _sigmoid(self.data), _sigmoid(self.data) * _sigmoid(-self.data))

    def relu(self) -> Value:
        r""":math:`\max(x, 0)`, local derivative 1 for :math:`x > 0`, else 0."""
        return self._unary("relu", max(self.data, 0.0), 1.0 if self.data > 0 else 0.0)

    # --- the backward pass ------------------------------------------------------

    def topological_order(self) -> list[Value]:
        """Every node this one depends on, each after all of its parents; this node last.

        A depth-first search with an explicit stack instead of recursion, so
        that graphs of any depth (a chain of a million operations, say) stay
        within Python's recursion limit.
        """
        order: list[Value] = []
        visited: set[int] = set()
        stack: list[tuple[Value, bool]] = [(self, False)]
        while stack:
            node, parents_done = stack.pop()
            if parents_done:
                order.append(node)  # all of its parents are already in `order`
                continue
            if id(node) in visited:
                continue
            visited.add(id(node))
            stack.append((node, True))  # revisit it once its parents are done
            stack.extend((p, False) for p in node.parents if id(p) not in visited)
        return order

    def backward(self) -> None:
        r"""Set ``node.grad`` to :math:`\partial(\text{self})/\partial(\text{node})` for every node of the graph.

        The adjoints are accumulated from the output back to the leaves, in
        reverse topological order, by the chain rule

        .. math::

            \bar u = \sum_{v\,:\,u \to v} \bar v\,\frac{\partial v}{\partial u},
            \qquad \bar y = 1.

        **A second call gives the same gradients, not twice them.** Each call
        first sets the ``grad`` of every node of this graph to 0, then seeds
        ``self.grad = 1``: ``grad`` always holds the derivative of the output
        most recently differentiated. (PyTorch and micrograd accumulate
        instead, and need the gradients zeroed by hand.) To get the gradient of
        a sum of outputs, differentiate the sum: ``(y1 + y2).backward()``.

        Examples
        --------
        >>> x = Value(3.0)
        >>> y = x * x
        >>> y.backward(); y.backward()
        >>> x.grad                       # dy/dx = 2x = 6, not 12
        6.0
        """
        order = self.topological_order()
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in zip(node.parents, node.local_grads):
                parent.grad += local * node.grad


# ============================================================================
# Convenience: derivatives and gradients of ordinary functions
# ============================================================================


def _scalar_output(out: Any, name: str) -> Any:
    """Unwrap a 0-d array; reject arrays with entries, which have no gradient."""
    if isinstance(out, np.ndarray):
        if out.ndim != 0:
            raise ValueError(
                f"{name}: f must return a scalar, got an array of shape {out.shape}; "
                "a gradient exists only for a scalar output (differentiate each entry, or their sum)"
            )
        out = out[()]
    return out


def grad(f: Callable[[Any], Any]) -> Callable[[Any], np.ndarray]:
    r"""The gradient :math:`\nabla f` of a scalar function, by reverse mode.

    Returns a function that, at a point :math:`\mathbf x`, makes a
    :class:`Value` leaf for each entry, evaluates :math:`f` on them once,
    and runs one :meth:`Value.backward` pass:

    .. math::

        \nabla f(\mathbf x) = \left(\frac{\partial f}{\partial x_1}, \dots,
        \frac{\partial f}{\partial x_n}\right)^{\mathsf T}.

    Parameters
    ----------
    f : callable
        ``f(x)`` returning a scalar. ``x`` is passed as a numpy array of
        :class:`Value` objects with the shape of the point (a single
        ``Value`` for a scalar point), so ``f`` may index it (``x[0]``),
        sum it (``np.sum(x)``, ``x @ w``) and apply numpy functions to it.

    Returns
    -------
    callable
        ``g(x)``, the gradient at ``x`` as a float array with the shape of
        ``x`` (a float for scalar ``x``).

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``x`` is not real, or ``f`` returns
        something other than a number or a ``Value``, or uses an operation
        ``Value`` does not support.
    ValueError
        If ``x`` is empty or not finite, or ``f`` returns an array.

    Examples
    --------
    >>> import numpy as np
    >>> g = grad(lambda v: v[0]**2 * v[1] + np.sin(v[1]))
    >>> np.round(g([3.0, 0.0]), 12)     # (2 x y, x^2 + cos y)
    array([ 0., 10.])
    """
    check_callable(f, "f")

    @functools.wraps(f)
    def gradient_of_f(x: Any) -> Any:
        _, g = _value_and_grad(f, x, "grad")
        return g

    return gradient_of_f


def value_and_grad(f: Callable[[Any], Any]) -> Callable[[Any], tuple[float, Any]]:
    r"""Like :func:`grad`, but the function returns :math:`(f(\mathbf x), \nabla f(\mathbf x))` from the same pass.

    Examples
    --------
    >>> value, g = value_and_grad(lambda v: v[0] * v[1])([2.0, 5.0])
    >>> value, g
    (10.0, array([5., 2.]))
    """
    check_callable(f, "f")

    @functools.wraps(f)
    def both(x: Any) -> tuple[float, Any]:
        return _value_and_grad(f, x, "value_and_grad")

    return both


def lift(x: Any, number_type: Callable[[float], Any] = Value) -> np.ndarray:
    r"""The numbers of ``x`` as ``number_type`` objects, in an object array of the same shape.

    Both modes of automatic differentiation begin by lifting the point
    :math:`\mathbf x` into their own arithmetic, element by element,

    .. math::

        u_{i} = T(x_{i}) \quad\text{for every index } i,

    where :math:`T` is :class:`Value` for reverse mode (a leaf of the graph)
    and a dual number :math:`x_i + \dot x_i\,\varepsilon` for forward mode.
    A function written with numpy then runs unchanged on the result.

    Parameters
    ----------
    x : array_like
        The point: real and finite, of any shape (a scalar too).
    number_type : callable, default Value
        Makes one number of the new type from a Python float, for example
        ``Value`` or ``lambda t: Dual(t, 1.0)``.

    Returns
    -------
    numpy.ndarray of object
        ``number_type(float(x[i]))`` at every index ``i``, with the shape
        of ``x`` (a 0-d array for a scalar ``x``).

    Raises
    ------
    TypeError
        If ``x`` is not real, or ``number_type`` is not callable.
    ValueError
        If ``x`` is not finite.

    Examples
    --------
    >>> leaves = lift([3.0, 0.5])
    >>> leaves.shape, [leaf.data for leaf in leaves]
    ((2,), [3.0, 0.5])
    >>> lift([[1.0, 2.0]], lambda t: Dual(t, 1.0))[0, 1]
    Dual(value=2.0, deriv=1.0)
    """
    check_callable(number_type, "number_type")
    xa = check_finite_array(x, "x")
    out = np.empty(xa.shape, dtype=object)
    for index in np.ndindex(xa.shape):
        out[index] = number_type(float(xa[index]))
    return out


def _value_and_grad(f: Callable[[Any], Any], x: Any, name: str) -> tuple[float, Any]:
    xa = check_finite_array(x, "x")
    if xa.size == 0:
        raise ValueError(f"{name}: x must hold at least one number, got an empty array of shape {xa.shape}")
    leaves = lift(xa, Value)
    out = _scalar_output(f(leaves if xa.ndim > 0 else leaves[()]), name)
    if isinstance(out, Value):
        out.backward()
        value = out.data
    elif _is_real_number(out):  # f does not depend on x: its gradient is 0
        for leaf in leaves.flat:
            leaf.grad = 0.0
        value = float(out)
    else:
        raise TypeError(
            f"{name}: f must return a number or a Value, got {type(out).__name__} {out!r}"
        )
    g = np.array([leaf.grad for leaf in leaves.flat], dtype=float).reshape(xa.shape)
    return value, (float(g) if xa.ndim == 0 else g)


def derivative(f: Callable[[Any], Any]) -> Callable[[Any], Any]:
    r"""The derivative :math:`f'` of a function of one variable, by forward mode.

    Returns a function that evaluates :math:`f` once on the dual number
    :math:`x + 1\varepsilon` and reads off the :math:`\varepsilon` part,

    .. math::

        f(x + \varepsilon) = f(x) + f'(x)\,\varepsilon .

    Parameters
    ----------
    f : callable
        ``f(x)`` for a real ``x``, written with arithmetic and numpy
        functions. It may return a vector (a numpy array), whose entries are
        then differentiated each.

    Returns
    -------
    callable
        ``df(x)``: :math:`f'(x)` as a float for scalar ``x``; for an array
        ``x``, the derivative at each entry (``f`` must then act elementwise).

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``x`` is not real, or ``f`` returns
        something other than a number, a ``Dual`` or an array of them.
    ValueError
        If ``x`` is not finite.

    Examples
    --------
    >>> import numpy as np
    >>> df = derivative(lambda x: np.sin(2 * x**5 + 3 * x) / np.exp(7 * x))
    >>> round(df(0.5), 12)      # sympy: -0.210466258132461...
    -0.210466258132
    >>> np.round(derivative(np.sin)(np.array([0.0, np.pi])), 12)
    array([ 1., -1.])
    """
    check_callable(f, "f")

    @functools.wraps(f)
    def df(x: Any) -> Any:
        xa = check_finite_array(x, "x")
        seed = Dual(float(xa) if xa.ndim == 0 else xa, 1.0 if xa.ndim == 0 else np.ones_like(xa))
        return _dual_part(f(seed), xa.shape)

    return df


def _dual_part(out: Any, shape: tuple[int, ...]) -> Any:
    """The derivative carried by ``out``: a Dual, a constant, or an array of them."""
    if isinstance(out, Dual):
        d = np.broadcast_to(out.deriv, np.broadcast_shapes(np.shape(out.value), np.shape(out.deriv)))
    elif _is_real_number(out):
        d = np.zeros(shape)
    elif isinstance(out, np.ndarray) and out.dtype.kind in "iuf":
        d = np.zeros(out.shape)
    elif isinstance(out, np.ndarray) and out.dtype == object:
        parts = [_dual_part(o, ()) for o in out.flat]
        if any(np.ndim(p) != 0 for p in parts):
            raise TypeError("f returned an array of array-valued Duals; return one Dual or an array of scalar ones")
        d = np.array(parts, dtype=float).reshape(out.shape)
    else:
        raise TypeError(f"f must return a number, a Dual or an array of them, got {type(out).__name__} {out!r}")
    d = np.array(d, dtype=float)
    return float(d) if d.ndim == 0 else d


def grad_forward(f: Callable[[Any], Any]) -> Callable[[Any], np.ndarray]:
    r"""The gradient of a scalar function by forward mode: one pass per variable.

    Pass :math:`j` seeds :math:`x_j + \varepsilon` and every other
    :math:`x_i + 0\varepsilon`, and reads off
    :math:`\partial f/\partial x_j`. A gradient of :math:`n` variables costs
    :math:`n` evaluations of :math:`f` on dual numbers, against one forward
    and one backward pass for :func:`grad`.

    Parameters
    ----------
    f : callable
        ``f(x)`` for ``x`` a 1-D array (of :class:`Dual` objects), returning a scalar.

    Returns
    -------
    callable
        ``g(x)``, the gradient at ``x``, shape ``(n,)``.

    Examples
    --------
    >>> import numpy as np
    >>> grad_forward(lambda v: v[0]**2 * v[1] + np.sin(v[1]))([3.0, 0.0])
    array([ 0., 10.])
    """
    check_callable(f, "f")

    @functools.wraps(f)
    def gradient_of_f(x: Any) -> np.ndarray:
        xa = check_finite_array(x, "x")
        if xa.ndim != 1 or xa.size == 0:
            raise ValueError(f"grad_forward: x must be a non-empty 1-D array of shape (n,), got shape {xa.shape}")
        g = np.empty(xa.size)
        for j in range(xa.size):
            seeded = lift(xa, lambda t: Dual._make(t, 0.0))
            seeded[j] = Dual._make(float(xa[j]), 1.0)
            out = _scalar_output(f(seeded), "grad_forward")
            if isinstance(out, Dual):
                if np.ndim(out.deriv) != 0:
                    raise ValueError("grad_forward: f must return a scalar")
                g[j] = out.deriv
            elif _is_real_number(out):
                g[j] = 0.0
            else:
                raise TypeError(f"grad_forward: f must return a number or a Dual, got {type(out).__name__} {out!r}")
        return g

    return gradient_of_f


def best_time(
    job: Callable[[], Any],
    *,
    repeat: int = 3,
    min_seconds: float = 1e-3,
    timer: Callable[[], float] | None = None,
) -> float:
    r"""Seconds that one call of ``job()`` takes: the best of ``repeat`` timed runs.

    A job of a few microseconds cannot be timed reliably by one call: the
    clock's resolution and the state of the caches dominate. So each run calls
    ``job`` :math:`k` times in a row, with :math:`k = 1, 2, 4, \dots` doubled
    until a run lasts at least ``min_seconds``, and divides by :math:`k`. The clock is the processor time of this process,
    :func:`time.process_time`, not the wall clock: other programs running on
    the machine then hardly change the result, and a long job is not
    penalised for being interrupted more often than a short one. The best
    run is the least disturbed; :class:`timeit.Timer` pauses the garbage
    collector while it times.

    Parameters
    ----------
    job : callable
        Called with no arguments.
    repeat : int, default 3
        Number of timed runs (at least 1).
    min_seconds : float, default 1e-3
        Shortest duration of a run.
    timer : callable, optional
        The clock, :func:`time.process_time` by default (a test may pass a fake one).

    Returns
    -------
    float
        The time of one call, in seconds.

    Examples
    --------
    >>> t = best_time(lambda: sum(range(100)))
    >>> bool(0 < t < 1e-3)
    True
    """
    from time import process_time
    from timeit import Timer

    check_callable(job, "job")
    if isinstance(repeat, bool) or not isinstance(repeat, (int, np.integer)) or repeat < 1:
        raise ValueError(f"repeat must be an integer of at least 1, got {repeat!r}")
    if not _is_real_number(min_seconds) or not 0 <= min_seconds < 10:
        raise ValueError(f"min_seconds must be a number in [0, 10), got {min_seconds!r}")
    clock = Timer(job, timer=process_time if timer is None else timer)
    number = 1
    while clock.timeit(number) < min_seconds and number < 2**20:
        number *= 2
    return min(clock.repeat(repeat=int(repeat), number=number)) / number


def time_gradients(f: Callable[[Any], Any], x: Any, *, repeat: int = 3) -> dict[str, float]:
    r"""Seconds taken by evaluations of ``f`` and by its gradient in three ways.

    Each time is the processor time of one call, the best of ``repeat`` runs
    measured by :func:`best_time` (a run repeats a fast job until it lasts a
    millisecond, so that jobs of a few microseconds are timed reliably too).
    The keys:

    - ``"f on floats"``, ``"f on Values"``, ``"f on Duals"``: one evaluation
      of :math:`f(\mathbf x)` on each number type (on ``Value`` objects this
      records the graph);
    - ``"reverse mode"``: :func:`grad`, one recorded evaluation and one backward pass;
    - ``"forward mode"``: :func:`grad_forward`, :math:`n` evaluations on dual numbers;
    - ``"central differences"``: :func:`mvcalc.multivariate.gradient`,
      :math:`2n` evaluations on floats.

    The cost of a gradient *relative to one evaluation by the same machinery*
    is then ``t["reverse mode"] / t["f on Values"]`` and so on.

    Parameters
    ----------
    f : callable
        A scalar function of a 1-D array, written with numpy functions.
    x : array_like, shape (n,)
        The point.
    repeat : int, default 3
        Number of runs of each (at least 1).

    Returns
    -------
    dict of str to float

    Examples
    --------
    >>> import numpy as np
    >>> t = time_gradients(lambda v: np.sum(np.sin(v)), np.ones(4), repeat=1)
    >>> len(t), all(v > 0 for v in t.values())
    (6, True)
    """
    from .multivariate import gradient

    check_callable(f, "f")
    xa = check_finite_array(x, "x")
    if xa.ndim != 1 or xa.size == 0:
        raise ValueError(f"x must be a non-empty 1-D array of shape (n,), got shape {xa.shape}")
    if isinstance(repeat, bool) or not isinstance(repeat, (int, np.integer)) or repeat < 1:
        raise ValueError(f"repeat must be an integer of at least 1, got {repeat!r}")

    jobs = {
        "f on floats": lambda: f(xa),
        "f on Values": lambda: f(lift(xa, Value)),
        "f on Duals": lambda: f(lift(xa, lambda t: Dual._make(t, 1.0))),
        "reverse mode": lambda: grad(f)(xa),
        "forward mode": lambda: grad_forward(f)(xa),
        "central differences": lambda: gradient(f, xa),
    }
    return {name: best_time(job, repeat=int(repeat)) for name, job in jobs.items()}
