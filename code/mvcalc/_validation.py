"""Input checks shared by every module of :mod:`mvcalc`.

Each helper raises :class:`TypeError` when the *kind* of an argument is wrong
and :class:`ValueError` when its *value* is wrong, with a message that names
the argument, says what was received and what is expected.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from numbers import Real
from typing import Any

import numpy as np

__all__ = [
    "check_callable",
    "check_choice",
    "check_finite_array",
    "check_positive",
]


def check_callable(f: Any, name: str = "f") -> Callable[..., Any]:
    """Return ``f`` if it is callable, otherwise raise :class:`TypeError`."""
    if not callable(f):
        raise TypeError(
            f"{name} must be a callable such as a function or a lambda, "
            f"got {type(f).__name__} {f!r}"
        )
    return f


def check_choice(value: Any, choices: Sequence[str], name: str) -> str:
    """Return ``value`` if it is one of ``choices``, otherwise raise an error."""
    if not isinstance(value, str):
        raise TypeError(
            f"{name} must be a string, one of {', '.join(map(repr, choices))}; "
            f"got {type(value).__name__} {value!r}"
        )
    if value not in choices:
        raise ValueError(
            f"unknown {name} {value!r}: expected one of "
            f"{', '.join(map(repr, choices))}"
        )
    return value


def check_finite_array(x: Any, name: str = "x") -> np.ndarray:
    """Convert ``x`` to a float array, checking that it is real and finite.

    Raises
    ------
    TypeError
        If ``x`` is not numeric (strings, objects, complex numbers).
    ValueError
        If any entry of ``x`` is NaN or infinite.
    """
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be a real number or array of them, got {x!r}")
    try:
        arr = np.asarray(x)
    except Exception as exc:  # pragma: no cover - numpy raises on odd objects
        raise TypeError(f"{name} must be a real number or array of them: {exc}") from exc
    if arr.dtype == bool or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(
            f"{name} must be a real number or array of real numbers, "
            f"got {type(x).__name__} with dtype {arr.dtype}"
        )
    arr = arr.astype(float)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or infinity), got {x!r}")
    return arr


def check_positive(value: Any, name: str) -> float:
    """Return ``value`` as a float if it is a finite real number > 0."""
    if isinstance(value, bool) or not isinstance(value, (Real, np.floating, np.integer)):
        raise TypeError(f"{name} must be a positive real number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number greater than 0, got {value!r}")
    return value


def check_int(value: Any, name: str, minimum: int) -> int:
    """Return ``value`` as an int if it is an integer of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)
