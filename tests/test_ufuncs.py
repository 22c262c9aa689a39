"""The numpy dispatch shared by mvcalc's number types, on a toy type."""

from __future__ import annotations

import numpy as np
import pytest

from mvcalc._ufuncs import BINARY, UNARY, UfuncMixin


class Tagged(UfuncMixin):
    """A number that records which method each numpy function called."""

    def __init__(self, value):
        self.value, self.calls = value, []

    def _op(self, name, other=None):
        self.calls.append(name)
        return self

    def __getattr__(self, name):
        if name in {m for m in UNARY.values()} | {m for pair in BINARY.values() for m in pair}:
            return lambda *a: self._op(name, *a)
        raise AttributeError(name)


@pytest.mark.parametrize("ufunc", [u for u in UNARY if UNARY[u] not in ("_square", "_reciprocal")])
def test_unary_ufuncs_call_their_method(ufunc):
    t = Tagged(1.0)
    assert ufunc(t) is t
    assert t.calls == [UNARY[ufunc]]


@pytest.mark.parametrize("ufunc", list(BINARY))
def test_binary_ufuncs_dispatch_forward_and_reflected(ufunc):
    t = Tagged(1.0)
    ufunc(t, 2.0)
    ufunc(2.0, t)
    assert t.calls == list(BINARY[ufunc])


def test_unsupported_ufunc_is_named():
    with pytest.raises(TypeError, match="np.arctan2 is not supported"):
        np.arctan2(Tagged(1.0), 2.0)
    with pytest.raises(TypeError, match="np.floor is not supported"):
        np.floor(Tagged(1.0))
