"""Let numpy functions run on mvcalc's number types (``Dual``, ``Value``, ``Jet``).

A function written once with numpy, ``lambda x: np.sin(x) * np.exp(-x**2)``,
should run unchanged on floats, on dual numbers (forward mode), on ``Value``
nodes (reverse mode) and on truncated Taylor series (``Jet``). numpy makes this
possible through its ``__array_ufunc__`` protocol: when a ufunc such as
``np.sin`` meets an object that defines ``__array_ufunc__``, numpy hands the
call to that object instead of converting it to an array.

:class:`UfuncMixin` implements the protocol once: it maps each supported ufunc
to a method of the same meaning (``np.sin`` to ``.sin()``, ``np.add`` to
``__add__``), so a number type only defines those methods. A ufunc the type
does not support raises a :class:`TypeError` that names it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["UNARY", "BINARY", "UfuncMixin"]

#: numpy ufuncs of one argument and the method each one calls.
UNARY: dict[np.ufunc, str] = {
    np.negative: "__neg__",
    np.positive: "__pos__",
    np.sin: "sin",
    np.cos: "cos",
    np.tan: "tan",
    np.exp: "exp",
    np.log: "log",
    np.sqrt: "sqrt",
    np.tanh: "tanh",
    np.square: "_square",
    np.reciprocal: "_reciprocal",
    np.absolute: "__abs__",
}

#: numpy ufuncs of two arguments and the (forward, reflected) methods they call.
BINARY: dict[np.ufunc, tuple[str, str]] = {
    np.add: ("__add__", "__radd__"),
    np.subtract: ("__sub__", "__rsub__"),
    np.multiply: ("__mul__", "__rmul__"),
    np.true_divide: ("__truediv__", "__rtruediv__"),
    np.power: ("__pow__", "__rpow__"),
}


class UfuncMixin:
    """Dispatch numpy ufuncs to methods; see the module's docstring."""

    # Make numpy defer to this type in mixed operations such as ndarray * Dual.
    __array_priority__ = 1000

    def _square(self) -> Any:
        return self * self

    def _reciprocal(self) -> Any:
        return 1.0 / self

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if method != "__call__" or kwargs.get("out") is not None:
            return NotImplemented
        name = ufunc.__name__
        if len(inputs) == 1 and ufunc in UNARY:
            op = getattr(inputs[0], UNARY[ufunc], None)
            if op is None:
                raise TypeError(f"np.{name} is not supported by {type(self).__name__}")
            return op()
        if len(inputs) == 2 and ufunc in BINARY:
            a, b = inputs
            forward, reflected = BINARY[ufunc]
            if isinstance(a, UfuncMixin):
                result = getattr(a, forward)(b)
            else:
                result = getattr(b, reflected)(a)
            if result is NotImplemented:
                raise TypeError(f"np.{name} is not supported between {type(a).__name__} and {type(b).__name__}")
            return result
        raise TypeError(
            f"np.{name} is not supported by {type(self).__name__}; supported: "
            + ", ".join(sorted(f"np.{u.__name__}" for u in [*UNARY, *BINARY]))
        )
