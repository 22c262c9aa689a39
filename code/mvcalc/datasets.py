r"""Certified reference data: the NIST Statistical Reference Datasets for regression.

The Statistical Engineering Division of the US National Institute of
Standards and Technology (NIST) publishes the *Statistical Reference Datasets*
(StRD) so that anyone can check how accurate a regression program is. Each
file holds a problem (data and a model), NIST's starting values for
nonlinear problems, and NIST's *certified* answer: the parameters, their
standard deviations and the residual sum of squares, computed in
multiple-precision arithmetic. The files are US government reference data in
the public domain; eighteen of them ship unmodified with this package, in
``mvcalc/data/nist/``, with a ``README.md`` that documents their layout.

:func:`nist` reads a file and returns a :class:`NistDataset`. The parser reads
everything from the file itself, taking the line ranges from the file's
``File Format:`` block, and accepts LF and CRLF line endings alike. The model
of each problem is written here as a Python function of ``(x, *params)`` with
numpy functions, so that it also accepts complex parameters (which the
complex-step Jacobian of :func:`mvcalc.regression.curve_fit` needs), and its
equation as printed by NIST is kept in the attribute ``equation`` of
:class:`NistDataset`.

The accuracy of an estimate :math:`q` of a certified value :math:`c` is
measured by the *log relative error*, roughly its number of correct
significant digits:

.. math::

    \operatorname{LRE}(q, c) = -\log_{10}\frac{|q - c|}{|c|}.

Examples
--------
>>> ds = nist("Misra1a")
>>> ds.n_obs, ds.n_params, ds.difficulty
(14, 2, 'lower')
>>> ds.start1, ds.start2
(array([5.e+02, 1.e-04]), array([2.5e+02, 5.0e-04]))
>>> float(ds.certified_rss)
0.12455138894
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

__all__ = [
    "LINEAR",
    "NIST_NAMES",
    "NONLINEAR",
    "NistDataset",
    "log_relative_error",
    "nist",
    "parse_nist",
]

#: The linear problems shipped with the package, in NIST's order of difficulty.
LINEAR: tuple[str, ...] = ("Norris", "Pontius", "NoInt1", "Filip", "Longley", "Wampler1")

#: The nonlinear problems shipped with the package, in NIST's order of difficulty.
NONLINEAR: tuple[str, ...] = (
    "Misra1a",
    "Chwirut2",
    "DanWood",
    "Lanczos3",
    "Gauss1",
    "Kirby2",
    "Hahn1",
    "Thurber",
    "MGH09",
    "BoxBOD",
    "Rat43",
    "Eckerle4",
)

#: Every NIST StRD problem shipped with the package.
NIST_NAMES: tuple[str, ...] = LINEAR + NONLINEAR


# --------------------------------------------------------------------------
# Log relative error
# --------------------------------------------------------------------------


def log_relative_error(estimate: Any, certified: Any, *, cap: float | None = None) -> Any:
    r"""Number of correct significant digits of ``estimate``: the log relative error.

    .. math::

        \operatorname{LRE}(q, c) =
        \begin{cases}
        -\log_{10}\dfrac{|q - c|}{|c|} & c \ne 0,\\[1ex]
        -\log_{10}|q - c| & c = 0 \text{ (absolute error)},
        \end{cases}

    clipped below at 0 (an estimate with no correct digit scores 0, as NIST
    and McCullough score it) and, when ``cap`` is given, above at ``cap``: the
    number of digits to which the certified value is known. An exact estimate
    scores ``cap``, or infinity without a cap.

    Parameters
    ----------
    estimate, certified : float or array_like
        The estimate and the certified value, of broadcastable shapes.
    cap : float, optional
        The largest score, greater than 0 (NIST certifies linear problems to
        15 digits and nonlinear ones to 11).

    Returns
    -------
    float or ndarray
        The score, elementwise; a float for scalar input.

    Examples
    --------
    >>> round(float(log_relative_error(3.14159, np.pi)), 2)
    6.07
    >>> log_relative_error([1.0, 2.5], [1.0, 2.0], cap=15)
    array([15.        ,  0.60205999])
    """
    q = _finite(estimate, "estimate")
    c = _finite(certified, "certified")
    if cap is not None:
        if isinstance(cap, bool) or not isinstance(cap, (int, float, np.integer, np.floating)):
            raise TypeError(f"cap must be a number, got {type(cap).__name__} {cap!r}")
        if not np.isfinite(cap) or cap <= 0:
            raise ValueError(f"cap must be a finite number greater than 0, got {cap!r}")
    try:
        q, c = np.broadcast_arrays(q, c)
    except ValueError as exc:
        raise ValueError(
            f"estimate and certified must have broadcastable shapes, got {q.shape} and {c.shape}"
        ) from exc
    err = np.abs(q - c)
    scale = np.where(c == 0.0, 1.0, np.abs(c))
    with np.errstate(divide="ignore"):
        lre = -np.log10(err / scale)
    lre = np.maximum(lre, 0.0)
    if cap is not None:
        lre = np.minimum(lre, float(cap))
    return float(lre) if lre.ndim == 0 else lre


def _finite(x: Any, name: str) -> np.ndarray:
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be a real number or array of them, got {x!r}")
    arr = np.asarray(x)
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"{name} must be a real number or array of real numbers, got dtype {arr.dtype}")
    arr = arr.astype(float)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or infinity), got {x!r}")
    return arr


# --------------------------------------------------------------------------
# The models, written with numpy functions so that they accept complex input
# --------------------------------------------------------------------------


def _misra1a(x: Any, b1: Any, b2: Any) -> Any:
    return b1 * (1 - np.exp(-b2 * x))


def _chwirut2(x: Any, b1: Any, b2: Any, b3: Any) -> Any:
    return np.exp(-b1 * x) / (b2 + b3 * x)


def _danwood(x: Any, b1: Any, b2: Any) -> Any:
    return b1 * x**b2


def _lanczos3(x: Any, b1: Any, b2: Any, b3: Any, b4: Any, b5: Any, b6: Any) -> Any:
    return b1 * np.exp(-b2 * x) + b3 * np.exp(-b4 * x) + b5 * np.exp(-b6 * x)


def _gauss1(x: Any, b1: Any, b2: Any, b3: Any, b4: Any, b5: Any, b6: Any, b7: Any, b8: Any) -> Any:
    return (
        b1 * np.exp(-b2 * x)
        + b3 * np.exp(-((x - b4) ** 2) / b5**2)
        + b6 * np.exp(-((x - b7) ** 2) / b8**2)
    )


def _kirby2(x: Any, b1: Any, b2: Any, b3: Any, b4: Any, b5: Any) -> Any:
    return (b1 + b2 * x + b3 * x**2) / (1 + b4 * x + b5 * x**2)


def _cubic_over_cubic(x: Any, b1: Any, b2: Any, b3: Any, b4: Any, b5: Any, b6: Any, b7: Any) -> Any:
    return (b1 + b2 * x + b3 * x**2 + b4 * x**3) / (1 + b5 * x + b6 * x**2 + b7 * x**3)


def _mgh09(x: Any, b1: Any, b2: Any, b3: Any, b4: Any) -> Any:
    return b1 * (x**2 + x * b2) / (x**2 + x * b3 + b4)


def _boxbod(x: Any, b1: Any, b2: Any) -> Any:
    return b1 * (1 - np.exp(-b2 * x))


def _rat43(x: Any, b1: Any, b2: Any, b3: Any, b4: Any) -> Any:
    return b1 / (1 + np.exp(b2 - b3 * x)) ** (1 / b4)


def _eckerle4(x: Any, b1: Any, b2: Any, b3: Any) -> Any:
    return (b1 / b2) * np.exp(-0.5 * ((x - b3) / b2) ** 2)


def _polynomial(degree: int) -> Callable[..., Any]:
    r"""The model :math:`y = B_0 + B_1x + \dots + B_dx^d`, evaluated by Horner's rule."""

    def polynomial(x: Any, *B: Any) -> Any:
        if len(B) != degree + 1:
            raise TypeError(f"this polynomial model takes {degree + 1} parameters, got {len(B)}")
        value = B[-1] + 0 * x
        for b in B[-2::-1]:
            value = value * x + b
        return value

    polynomial.__name__ = f"polynomial_degree_{degree}"
    return polynomial


def _no_intercept(x: Any, B1: Any) -> Any:
    return B1 * x


def _longley(x: Any, *B: Any) -> Any:
    if len(B) != 7:
        raise TypeError(f"Longley's model takes 7 parameters, got {len(B)}")
    x = np.asarray(x)
    return B[0] + sum(B[k] * x[:, k - 1] for k in range(1, 7))


_NONLINEAR_MODELS: dict[str, Callable[..., Any]] = {
    "Misra1a": _misra1a,
    "Chwirut2": _chwirut2,
    "DanWood": _danwood,
    "Lanczos3": _lanczos3,
    "Gauss1": _gauss1,
    "Kirby2": _kirby2,
    "Hahn1": _cubic_over_cubic,
    "Thurber": _cubic_over_cubic,
    "MGH09": _mgh09,
    "BoxBOD": _boxbod,
    "Rat43": _rat43,
    "Eckerle4": _eckerle4,
}

# How each linear problem's design matrix is built: ("polynomial", degree),
# ("no-intercept", 1) or ("multilinear", number of predictors).
_LINEAR_KIND: dict[str, tuple[str, int]] = {
    "Norris": ("polynomial", 1),
    "Pontius": ("polynomial", 2),
    "NoInt1": ("no-intercept", 1),
    "Filip": ("polynomial", 10),
    "Longley": ("multilinear", 6),
    "Wampler1": ("polynomial", 5),
}


# --------------------------------------------------------------------------
# The dataset
# --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class NistDataset:
    r"""One NIST StRD regression problem, as read from its file by :func:`parse_nist`.

    Attributes
    ----------
    name : str
        NIST's name of the problem, such as ``"Misra1a"``.
    procedure : {"linear", "nonlinear"}
        Linear or nonlinear least squares.
    difficulty : {"lower", "average", "higher"}
        NIST's level of difficulty.
    generated : bool
        True for data generated by NIST, False for observed data.
    x : ndarray, shape (n,) or (n, k)
        The predictor(s); ``(n, 6)`` for Longley, ``(n,)`` otherwise.
    y : ndarray, shape (n,)
        The response.
    model : callable
        ``model(x, *params)``, the model's prediction, written with numpy
        functions so that it accepts complex parameters.
    equation : str
        The model's equation as NIST prints it (``**`` is a power, square
        brackets are parentheses, ``e`` the error term).
    parameter_names : tuple of str
        ``("b1", "b2", ...)`` or ``("B0", "B1", ...)`` as in the file.
    start1, start2 : ndarray or None
        NIST's two starting values of a nonlinear problem (Start 1 far from
        the solution, Start 2 closer); None for a linear one.
    certified_params, certified_stderr : ndarray
        The certified parameters and their standard deviations.
    certified_rss : float
        The certified residual sum of squares :math:`\sum_i r_i^2`.
    certified_residual_sd : float
        The certified residual standard deviation
        :math:`\sqrt{\text{RSS}/(n-p)}`.
    stated_dof : int
        The degrees of freedom as the file states them (Rat43's file says 9
        where :math:`n-p = 11`; use :attr:`dof`).
    certified_r_squared : float or None
        :math:`R^2` of a linear problem, None for a nonlinear one.
    certified_digits : int
        Significant digits of the certified values: 15 (linear) or 11
        (nonlinear).
    description, reference : str
        NIST's description of the data (nonlinear files) and its source.
    """

    name: str
    procedure: str
    difficulty: str
    generated: bool
    x: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    model: Callable[..., Any] = field(repr=False)
    equation: str
    parameter_names: tuple[str, ...]
    start1: np.ndarray | None = field(repr=False)
    start2: np.ndarray | None = field(repr=False)
    certified_params: np.ndarray = field(repr=False)
    certified_stderr: np.ndarray = field(repr=False)
    certified_rss: float
    certified_residual_sd: float = field(repr=False)
    stated_dof: int = field(repr=False)
    certified_r_squared: float | None = field(repr=False)
    certified_digits: int = field(repr=False)
    description: str = field(repr=False, default="")
    reference: str = field(repr=False, default="")

    @property
    def n_obs(self) -> int:
        """Number of observations :math:`n`."""
        return int(self.y.size)

    @property
    def n_params(self) -> int:
        """Number of parameters :math:`p`."""
        return int(self.certified_params.size)

    @property
    def dof(self) -> int:
        """Degrees of freedom of the residuals, :math:`n - p`."""
        return self.n_obs - self.n_params

    @property
    def starts(self) -> dict[int, np.ndarray]:
        """NIST's starting values by number, ``{1: start1, 2: start2}`` (empty for linear problems)."""
        if self.start1 is None or self.start2 is None:
            return {}
        return {1: self.start1, 2: self.start2}

    def design_matrix(self) -> np.ndarray:
        r"""Design matrix :math:`\mathbf A` of a linear problem, :math:`\mathbf y \approx \mathbf A\mathbf B`.

        Column :math:`k` multiplies parameter :math:`B_k`: the powers
        :math:`x^0, \dots, x^d` of a polynomial, the column :math:`x` alone
        when there is no intercept (NoInt1), or a column of ones and the six
        predictors (Longley).

        Raises
        ------
        ValueError
            For a nonlinear problem.
        """
        if self.procedure != "linear":
            raise ValueError(f"{self.name} is a nonlinear problem: it has no design matrix")
        kind, k = _LINEAR_KIND[self.name]
        if kind == "polynomial":
            return np.vander(self.x, k + 1, increasing=True)
        if kind == "no-intercept":
            return self.x[:, None].copy()
        return np.column_stack([np.ones(self.n_obs), self.x])

    def digits(self, params: Any, rss: float | None = None) -> dict[str, Any]:
        r"""Correct significant digits of a fit: the log relative errors of its values.

        Parameters
        ----------
        params : array_like, shape (p,)
            Estimated parameters.
        rss : float, optional
            Estimated residual sum of squares; computed from ``params`` if
            not given.

        Returns
        -------
        dict
            ``"params"``: the LRE of each parameter; ``"min"``: the smallest
            of them; ``"rss"``: the LRE of the residual sum of squares. Each
            is capped at ``certified_digits``.
        """
        p = _finite(params, "params").ravel()
        if p.size != self.n_params:
            raise ValueError(f"{self.name} has {self.n_params} parameters, got {p.size}")
        if rss is None:
            with np.errstate(all="ignore"):
                rss = float(np.sum((self.y - self.model(self.x, *p)) ** 2))
            if not np.isfinite(rss):
                rss = 1e300
        cap = self.certified_digits
        lre = log_relative_error(p, self.certified_params, cap=cap)
        return {
            "params": lre,
            "min": float(np.min(lre)),
            "rss": log_relative_error(float(rss), self.certified_rss, cap=cap),
        }


# --------------------------------------------------------------------------
# The parser
# --------------------------------------------------------------------------

_NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_RANGE = re.compile(
    r"(Starting Values|Certified Values|Data)\s*\(lines\s+(\d+)\s+to\s+(\d+)\s*\)", re.IGNORECASE
)


def _block(lines: list[str], start: int, stop: int, what: str) -> list[str]:
    """Lines ``start`` to ``stop`` of the file, counting from 1, both included."""
    if not 1 <= start <= stop <= len(lines):
        raise ValueError(
            f"the {what} block (lines {start} to {stop}) lies outside the file's {len(lines)} lines"
        )
    return lines[start - 1 : stop]


def _header_text(lines: list[str], key: str) -> str:
    """The text of a header field such as ``Description:``, up to the next blank line."""
    for i, line in enumerate(lines):
        if line.startswith(key):
            out = [line[len(key):].strip()]
            for more in lines[i + 1:]:
                if not more.strip():
                    break
                out.append(more.strip())
            return " ".join(out)
    return ""


def _search(pattern: str, text: str, what: str, name: str) -> re.Match[str]:
    m = re.search(pattern, text, re.MULTILINE | re.IGNORECASE)
    if m is None:
        raise ValueError(f"{name}: could not find the {what} in the file")
    return m


def parse_nist(text: str) -> NistDataset:
    r"""Parse the text of a NIST StRD regression file (LF or CRLF line endings).

    The line ranges of the starting values, the certified values and the data
    are read from the file's ``File Format:`` block, never assumed. Counts are
    checked against the header: as many data lines as ``Observations``, as many
    parameter rows as ``Parameters``.

    Parameters
    ----------
    text : str
        The whole file.

    Returns
    -------
    NistDataset

    Raises
    ------
    TypeError
        If ``text`` is not a string.
    ValueError
        If the text is not a NIST StRD regression file of a problem that
        :mod:`mvcalc.datasets` knows, or its counts disagree with its header.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be the file's contents as a str, got {type(text).__name__}")
    # splitlines() accepts "\n", "\r\n" and "\r"; strip trailing blanks of each line
    lines = [line.rstrip() for line in text.splitlines()]
    if not lines or not lines[0].startswith("NIST/ITL StRD"):
        raise ValueError("not a NIST StRD file: the first line should be 'NIST/ITL StRD'")
    head = "\n".join(lines[:60])
    name = _search(r"^Dataset Name:\s+(\S+)", head, "dataset name", "file").group(1)
    procedure_text = _search(r"^Procedure:\s+(.*)$", head, "procedure", name).group(1)
    if "nonlinear" in procedure_text.lower():
        procedure = "nonlinear"
    elif "linear" in procedure_text.lower():
        procedure = "linear"
    else:  # pragma: no cover - every StRD regression file names one of the two
        raise ValueError(f"{name}: unknown procedure {procedure_text!r}")
    if procedure == "nonlinear" and name not in _NONLINEAR_MODELS:
        raise ValueError(f"{name}: no model is known for this nonlinear problem")
    if procedure == "linear" and name not in _LINEAR_KIND:
        raise ValueError(f"{name}: no design is known for this linear problem")

    # the File Format block: line ranges, counting from 1
    ranges: dict[str, tuple[int, int]] = {}
    for line in lines[:12]:
        for m in _RANGE.finditer(line):
            ranges[m.group(1).lower()] = (int(m.group(2)), int(m.group(3)))
    needed = ["certified values", "data"] + (["starting values"] if procedure == "nonlinear" else [])
    for key in needed:
        if key not in ranges:
            raise ValueError(f"{name}: the File Format block gives no range for {key!r}")

    n_obs = int(_search(r"^\s*(\d+)\s+Observations", head, "number of observations", name).group(1))
    level = _search(r"^\s*(Lower|Average|Higher)\s+Level of Difficulty", head, "difficulty", name)
    difficulty = level.group(1).lower()
    kind = _search(r"^\s*(Observed|Generated)\s+Data", head, "kind of data", name).group(1)
    n_params = int(_search(r"^\s*(\d+)\s+Parameters?\b", head, "number of parameters", name).group(1))

    # the model's equation: from the line "y = ..." to the next blank line
    eq_lines: list[str] = []
    model_at = next(i for i, line in enumerate(lines) if line.startswith("Model:"))
    for line in lines[model_at:60]:
        if eq_lines and not line.strip():
            break
        if eq_lines or re.match(r"^\s*y\s*=", line):
            eq_lines.append(line.strip())
    if not eq_lines:
        raise ValueError(f"{name}: could not find the model's equation")
    equation = " ".join(" ".join(eq_lines).split())

    certified = _block(lines, *ranges["certified values"], "certified values")
    cert_text = "\n".join(certified)
    start1 = start2 = None
    r_squared = None
    if procedure == "nonlinear":
        rows = re.findall(
            rf"^\s*(b\d+)\s*=\s*({_NUM})\s+({_NUM})\s+({_NUM})\s+({_NUM})\s*$", cert_text, re.MULTILINE
        )
        starting = _block(lines, *ranges["starting values"], "starting values")
        if len(starting) != len(rows):
            raise ValueError(
                f"{name}: {len(starting)} lines of starting values but {len(rows)} parameter rows"
            )
        names = tuple(r[0] for r in rows)
        values = np.array([[float(v) for v in r[1:]] for r in rows]).reshape(-1, 4)
        start1, start2 = values[:, 0].copy(), values[:, 1].copy()
        params, stderr = values[:, 2].copy(), values[:, 3].copy()
        rss = float(_search(rf"Residual Sum of Squares:\s*({_NUM})", cert_text, "RSS", name).group(1))
        resid_sd = float(
            _search(rf"Residual Standard Deviation:\s*({_NUM})", cert_text, "residual SD", name).group(1)
        )
        dof = int(_search(r"Degrees of Freedom:\s*(\d+)", cert_text, "degrees of freedom", name).group(1))
        stated_n = int(_search(r"Number of Observations:\s*(\d+)", cert_text, "observations", name).group(1))
        if stated_n != n_obs:
            raise ValueError(f"{name}: the header says {n_obs} observations, the certified block {stated_n}")
        digits = 11
    else:
        rows = re.findall(rf"^\s*(B\d+)\s+({_NUM})\s+({_NUM})\s*$", cert_text, re.MULTILINE)
        names = tuple(r[0] for r in rows)
        values = np.array([[float(v) for v in r[1:]] for r in rows]).reshape(-1, 2)
        params, stderr = values[:, 0].copy(), values[:, 1].copy()
        resid_sd = float(
            _search(rf"^\s*Standard Deviation\s+({_NUM})\s*$", cert_text, "residual SD", name).group(1)
        )
        r_squared = float(_search(rf"R-Squared\s+({_NUM})", cert_text, "R-squared", name).group(1))
        anova = _search(rf"^\s*Residual\s+(\d+)\s+({_NUM})\s+({_NUM})\s*$", cert_text, "ANOVA residual row", name)
        dof, rss = int(anova.group(1)), float(anova.group(2))
        digits = 15
    if len(rows) != n_params:
        raise ValueError(f"{name}: the header announces {n_params} parameters, the file certifies {len(rows)}")

    data_lo, data_hi = ranges["data"]
    data_lines = _block(lines, data_lo, data_hi, "data")
    header = lines[data_lo - 2] if data_lo >= 2 else ""
    if not header.startswith("Data:"):
        raise ValueError(f"{name}: line {data_lo - 1} should be the data's column header 'Data: y x ...'")
    n_cols = len(header.split()) - 1
    try:
        table = np.array([[float(v) for v in line.split()] for line in data_lines])
    except ValueError as exc:
        raise ValueError(f"{name}: a data line is not a row of numbers ({exc})") from exc
    if table.shape != (n_obs, n_cols):
        raise ValueError(
            f"{name}: expected {n_obs} data lines of {n_cols} numbers, got shape {table.shape}"
        )
    y = table[:, 0].copy()
    x = table[:, 1].copy() if n_cols == 2 else table[:, 1:].copy()

    if procedure == "nonlinear":
        model = _NONLINEAR_MODELS[name]
    else:
        design, k = _LINEAR_KIND[name]
        model = {"polynomial": lambda: _polynomial(k), "no-intercept": lambda: _no_intercept,
                 "multilinear": lambda: _longley}[design]()
    arrays = [x, y, params, stderr] + ([start1, start2] if start1 is not None else [])
    for arr in arrays:
        arr.setflags(write=False)
    return NistDataset(
        name=name,
        procedure=procedure,
        difficulty=difficulty,
        generated=kind.lower() == "generated",
        x=x,
        y=y,
        model=model,
        equation=equation,
        parameter_names=names,
        start1=start1,
        start2=start2,
        certified_params=params,
        certified_stderr=stderr,
        certified_rss=rss,
        certified_residual_sd=resid_sd,
        stated_dof=dof,
        certified_r_squared=r_squared,
        certified_digits=digits,
        description=_header_text(lines, "Description:"),
        reference=_header_text(lines, "Reference:"),
    )


def _resolve(name: Any) -> str:
    if not isinstance(name, str):
        raise TypeError(f"name must be a string such as 'Misra1a', got {type(name).__name__} {name!r}")
    by_lower = {n.lower(): n for n in NIST_NAMES}
    if name.lower() not in by_lower:
        raise ValueError(f"unknown NIST dataset {name!r}: expected one of {', '.join(NIST_NAMES)}")
    return by_lower[name.lower()]


@lru_cache(maxsize=None)
def _load(name: str) -> NistDataset:
    raw = resources.files("mvcalc").joinpath("data", "nist", f"{name}.dat").read_bytes()
    return parse_nist(raw.decode("ascii"))


def nist(name: str) -> NistDataset:
    r"""A NIST StRD regression problem shipped with :mod:`mvcalc`, read from its file.

    Parameters
    ----------
    name : str
        One of :data:`NIST_NAMES` (case does not matter): the linear problems
        Norris, Pontius, NoInt1, Filip, Longley, Wampler1 and the nonlinear
        problems Misra1a, Chwirut2, DanWood, Lanczos3, Gauss1, Kirby2, Hahn1,
        Thurber, MGH09, BoxBOD, Rat43, Eckerle4.

    Returns
    -------
    NistDataset
        The data, the model as a callable ``model(x, *params)``, NIST's two
        starting values (nonlinear problems) and the certified values. Its
        arrays are read-only; the same object is returned on every call.

    Examples
    --------
    >>> ds = nist("Norris")
    >>> ds.procedure, ds.n_obs, ds.parameter_names
    ('linear', 36, ('B0', 'B1'))
    >>> ds.equation
    'y = B0 + B1*x + e'
    """
    return _load(_resolve(name))
