r"""Measuring mvcalc: timings with their spread, the machine, and results that know when they are stale.

The appendix of the book, *Accuracy and cost*, measures the package. What runs
in a few seconds runs live whenever the book is built; what takes longer (a
gradient of ten thousand variables, the build of the book itself) is measured
by ``make bench``, which writes *results files* (``bench/results/*.json``)
that the appendix reads. This module holds the tools of both:

- **Timing.** :func:`time_call` times a function over repeated runs and
  :func:`time_side_by_side` times several functions *interleaved*, run by run,
  so that a slow spell of the machine slows all of them alike; both read
  the processor time of this process by default, which other programs
  competing for the machine do not inflate. A :class:`Timing` reports the median and the interquartile range of the runs,
  and :func:`paired_ratio` the ratio of two timings run by run: a figure shows
  such ratios, never a lone absolute time, which would say more about the
  machine than about the method.
- **The machine.** :func:`machine` describes the computer and the software
  stack, and :func:`describe_machine` says it in words.
- **Results files.** :func:`make_record` wraps measured data with the package
  version, the date, the machine and the SHA-256 hash of every file measured;
  :func:`stale_files` and :func:`stale_results` name the files that changed
  since, so that a test fails when a results file no longer matches the code
  it measured.
- **What the appendix measures.** A battery of functions with known
  derivatives (:data:`DERIVATIVE_BATTERY`, :func:`derivative_errors`); the
  cost and accuracy of a gradient by four methods
  (:func:`gradient_benchmark`, on :func:`log_partition`); the weight of a
  built page (:func:`page_weight`) and the execution times in a build log
  (:func:`execution_times`).

The floors that each method of differentiation can reach in double precision
(:data:`FLOORS`) are those derived in chapter 1: about
:math:`\sqrt{\varepsilon}` for a forward difference, :math:`\varepsilon^{2/3}`
for a central difference and :math:`\varepsilon` for the complex step.
"""

from __future__ import annotations

import datetime as _dt
import gc
import hashlib
import json
import math
import os
import platform
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

import numpy as np

from ._validation import check_callable, check_choice, check_finite_array, check_int, check_positive
from .derivatives import EPS, finite_difference_error

__all__ = [
    "DERIVATIVE_BATTERY",
    "DERIVATIVE_METHODS",
    "FLOORS",
    "GRADIENT_BASELINES",
    "GRADIENT_METHODS",
    "MEASURING_ENV",
    "RESULT_KEYS",
    "TIMERS",
    "DerivativeCase",
    "Timing",
    "being_measured",
    "count_evaluations",
    "default_step_errors",
    "derivative_errors",
    "describe_machine",
    "describe_results",
    "execution_times",
    "gradient_benchmark",
    "gradient_by",
    "gradient_error_models",
    "hash_files",
    "log_partition",
    "log_partition_gradient",
    "machine",
    "make_record",
    "page_weight",
    "paired_ratio",
    "read_results",
    "read_results_or_pending",
    "sha256_file",
    "stale_files",
    "stale_results",
    "time_call",
    "time_side_by_side",
    "write_results",
]



# ============================================================================
# Timing
# ============================================================================


@dataclass(frozen=True, init=False)
class Timing:
    r"""Seconds per call measured over repeated runs, summarised by the median and quartiles.

    A run calls the function ``number`` times; ``times`` holds the seconds
    *per call* of each run. The median is the summary, because a run slowed by
    other work on the machine moves it far less than it moves the mean, and the
    spread is the interquartile range relative to the median,

    .. math::

        \text{spread} = \frac{q_{3/4} - q_{1/4}}{q_{1/2}}.

    Parameters
    ----------
    times : sequence of float
        Seconds per call, one per run, finite and non-negative.
    number : int, default 1
        Calls per run.

    Examples
    --------
    >>> t = Timing([1.0, 2.0, 3.0, 4.0, 100.0])
    >>> t.median, t.q1, t.q3, t.spread
    (3.0, 2.0, 4.0, 0.6666666666666666)
    """

    times: tuple[float, ...]
    number: int = 1

    def __init__(self, times: Sequence[float], number: int = 1) -> None:
        arr = check_finite_array(times, "times").ravel()
        if arr.size == 0:
            raise ValueError("times must hold at least one run")
        if np.any(arr < 0):
            raise ValueError(f"times must be non-negative seconds, got {list(arr)}")
        object.__setattr__(self, "times", tuple(float(t) for t in arr))
        object.__setattr__(self, "number", check_int(number, "number", 1))

    @property
    def runs(self) -> int:
        """The number of runs."""
        return len(self.times)

    @property
    def median(self) -> float:
        """The median of the runs, in seconds per call."""
        return float(np.median(self.times))

    @property
    def q1(self) -> float:
        """The lower quartile of the runs."""
        return float(np.percentile(self.times, 25))

    @property
    def q3(self) -> float:
        """The upper quartile of the runs."""
        return float(np.percentile(self.times, 75))

    @property
    def spread(self) -> float:
        """The interquartile range relative to the median (0 for a single run)."""
        return (self.q3 - self.q1) / self.median if self.median > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        """The timing as a dict for a JSON results file (the runs and the summary)."""
        return {
            "median": self.median,
            "q1": self.q1,
            "q3": self.q3,
            "min": min(self.times),
            "max": max(self.times),
            "runs": self.runs,
            "number": self.number,
            "times": list(self.times),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Timing:
        """The timing recorded by :meth:`as_dict`.

        Examples
        --------
        >>> t = Timing([0.5, 0.25], number=4)
        >>> Timing.from_dict(t.as_dict()) == t
        True
        """
        if not isinstance(d, Mapping) or "times" not in d:
            raise ValueError(f"a timing needs its 'times', got {d!r}")
        return cls(d["times"], d.get("number", 1))


#: The clocks a timing can read. ``"cpu"``, the processor time of this process
#: (:func:`time.process_time`), which other programs competing for the machine
#: do not inflate; ``"wall"``, the elapsed time (:func:`time.perf_counter`).
TIMERS: tuple[str, ...] = ("cpu", "wall")


def _clock(timer: str) -> Callable[[], float]:
    return time.process_time if timer == "cpu" else time.perf_counter


def _run(func: Callable[[], Any], number: int, timer: str = "cpu", collect: bool = True) -> float:
    """Seconds per call of ``number`` calls of ``func``.

    With ``collect``, the garbage collector runs during the calls as it would
    in any program, after a collection of the young generations before them,
    so that every run starts with the same count of new objects (a full
    collection would cost a tenth of a second in a busy notebook); without
    it, the collector is paused during the calls, as :mod:`timeit` does.
    """
    clock = _clock(timer)
    enabled = gc.isenabled()
    if collect:
        gc.collect(1)
        gc.enable()
    else:
        gc.disable()
    try:
        start = clock()
        for _ in range(number):
            func()
        elapsed = clock() - start
    finally:
        if enabled:
            gc.enable()
        else:
            gc.disable()
    return elapsed / number


def _calibrate(func: Callable[[], Any], min_time: float, timer: str = "cpu", collect: bool = True) -> int:
    """Calls per run so that a run lasts at least ``min_time`` seconds.

    The first call is also the warm-up (imports, caches), and is not kept.
    """
    number = 1
    while True:
        if _run(func, number, timer, collect) * number >= min_time or number >= 2**20:
            return number
        number *= 2


def time_call(
    func: Callable[[], Any],
    *,
    repeat: int = 7,
    number: int | None = None,
    min_time: float = 0.02,
    timer: str = "cpu",
    collect: bool = True,
) -> Timing:
    r"""Time ``func()`` over ``repeat`` runs; see :class:`Timing`.

    Parameters
    ----------
    func : callable
        A function of no arguments (wrap a call in a ``lambda``).
    repeat : int, default 7
        Number of runs kept (at least 1). One more run before them warms up
        caches and is discarded.
    number : int, optional
        Calls per run. By default the smallest power of two that makes a run
        last at least ``min_time`` seconds, so that the clock's resolution
        does not matter.
    min_time : float, default 0.02
        Shortest run, in seconds, when ``number`` is chosen automatically.
    timer : {"cpu", "wall"}, default "cpu"
        The clock, see :data:`TIMERS`.
    collect : bool, default True
        Let the garbage collector run, as in :func:`time_side_by_side`.

    Returns
    -------
    Timing

    Examples
    --------
    >>> t = time_call(lambda: sum(range(100)), repeat=3)
    >>> t.runs, t.number >= 1, t.median > 0
    (3, True, True)
    """
    return time_side_by_side(
        {"f": func}, repeat=repeat, number=number, min_time=min_time, timer=timer, collect=collect
    )["f"]


def time_side_by_side(
    funcs: Mapping[str, Callable[[], Any]],
    *,
    repeat: int = 7,
    number: int | Mapping[str, int] | None = None,
    min_time: float = 0.02,
    timer: str = "cpu",
    collect: bool = True,
) -> dict[str, Timing]:
    r"""Time several functions in one run, interleaved: run :math:`r` of each, then run :math:`r+1` of each.

    A machine's speed drifts (other programs, the CPU's clock, its caches), and
    timing one function after another would charge that drift to whichever
    came later. Interleaving exposes every function to the same conditions, so
    that run :math:`r` of one is comparable with run :math:`r` of another
    (see :func:`paired_ratio`). The order within a round is rotated from round
    to round.

    Parameters
    ----------
    funcs : mapping of str to callable
        Names and functions of no arguments.
    repeat : int, default 7
        Runs of each function (at least 1), after one warm-up run each.
    number : int or mapping of str to int, optional
        Calls per run, for all or for each function; by default calibrated
        as in :func:`time_call`.
    min_time : float, default 0.02
        Shortest run in seconds when calibrating.
    timer : {"cpu", "wall"}, default "cpu"
        The clock (:data:`TIMERS`). By default the processor time of this
        process, which is what a computation costs however busy the machine
        is; the elapsed time also counts the time other programs had the
        processor, and any time waiting for input or output.
    collect : bool, default True
        Let Python's garbage collector run during the calls, as it does in
        any program (after collecting the young generations before each run,
        so that runs start alike). Code that allocates many objects, such as reverse mode
        on a graph of ``Value`` nodes, pays for their collection; ``False``
        pauses the collector, as :mod:`timeit` does, and leaves that cost out.

    Returns
    -------
    dict of str to Timing
        In the order of ``funcs``.

    Raises
    ------
    TypeError
        If a function is not callable or an argument has the wrong type.
    ValueError
        If ``funcs`` is empty, ``repeat < 1``, ``min_time <= 0`` or ``timer`` is unknown.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.ones(1000)
    >>> t = time_side_by_side({"sum": lambda: x.sum(), "sort": lambda: np.sort(x)}, repeat=3)
    >>> list(t), [v.runs for v in t.values()]
    (['sum', 'sort'], [3, 3])
    """
    if not isinstance(funcs, Mapping):
        raise TypeError(f"funcs must be a mapping of names to functions, got {type(funcs).__name__}")
    if not funcs:
        raise ValueError("funcs must hold at least one function to time")
    for name, func in funcs.items():
        check_callable(func, f"funcs[{name!r}]")
    repeat = check_int(repeat, "repeat", 1)
    min_time = check_positive(min_time, "min_time")
    check_choice(timer, TIMERS, "timer")
    if not isinstance(collect, (bool, np.bool_)):
        raise TypeError(f"collect must be True or False, got {type(collect).__name__} {collect!r}")
    names = list(funcs)
    numbers: dict[str, int] = {}
    for name in names:
        given = number.get(name) if isinstance(number, Mapping) else number
        if given is None:
            numbers[name] = _calibrate(funcs[name], min_time, timer, collect)
        else:
            numbers[name] = check_int(given, "number", 1)
            _run(funcs[name], 1, timer, collect)  # warm-up
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(repeat):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            times[name].append(_run(funcs[name], numbers[name], timer, collect))
    return {name: Timing(times[name], numbers[name]) for name in names}


def paired_ratio(numerator: Timing, denominator: Timing) -> dict[str, float]:
    r"""The ratio of two timings taken side by side, run by run: median and quartiles.

    For runs :math:`r = 1, \dots, R` of :func:`time_side_by_side`, the ratios
    :math:`\rho_r = t^{(a)}_r / t^{(b)}_r` compare measurements made at nearly
    the same moment, so a slow spell of the machine cancels out of them.

    Parameters
    ----------
    numerator, denominator : Timing
        With the same number of runs, all of ``denominator``'s positive.

    Returns
    -------
    dict
        ``median``, ``q1`` and ``q3`` of the run-by-run ratios.

    Examples
    --------
    >>> paired_ratio(Timing([2.0, 4.0, 6.0]), Timing([1.0, 2.0, 2.0]))
    {'median': 2.0, 'q1': 2.0, 'q3': 2.5}
    """
    for name, t in (("numerator", numerator), ("denominator", denominator)):
        if not isinstance(t, Timing):
            raise TypeError(f"{name} must be a Timing, got {type(t).__name__}")
    if numerator.runs != denominator.runs:
        raise ValueError(
            f"paired ratios need the same number of runs, got {numerator.runs} and {denominator.runs}"
        )
    b = np.asarray(denominator.times)
    if np.any(b <= 0):
        raise ValueError("the denominator's times must all be greater than 0")
    rho = np.asarray(numerator.times) / b
    return {
        "median": float(np.median(rho)),
        "q1": float(np.percentile(rho, 25)),
        "q3": float(np.percentile(rho, 75)),
    }


# ============================================================================
# The machine
# ============================================================================


def _cpu_model() -> str:
    """The processor's model name, from /proc/cpuinfo where there is one."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.lower().startswith(("model name", "hardware", "cpu model")):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown processor"


def _memory_gib() -> float | None:
    """Physical memory in GiB, where the system says."""
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (AttributeError, ValueError, OSError):  # pragma: no cover - not POSIX
        return None


def machine() -> dict[str, Any]:
    """Describe the computer and the software stack a measurement ran on.

    Returns
    -------
    dict
        ``cpu`` (the processor's model name), ``logical_cpus`` (the system's),
        ``usable_cpus`` (those this process may run on), ``memory_gib``,
        ``os``, ``architecture``, ``python``, the versions of ``numpy``,
        ``scipy`` and ``matplotlib``, and ``load_average``: the system's
        one-minute load average when the description was taken (a load above
        the number of usable CPUs means that other work competed for them).

    Examples
    --------
    >>> m = machine()
    >>> m["logical_cpus"] >= 1 and m["python"].count(".") == 2
    True
    """
    import matplotlib
    import scipy

    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        usable = os.cpu_count() or 1
    try:
        load = round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):  # pragma: no cover - not POSIX
        load = None
    return {
        "cpu": _cpu_model(),
        "logical_cpus": os.cpu_count() or 1,
        "usable_cpus": usable,
        "memory_gib": _memory_gib(),
        "os": f"{platform.system()} {platform.release()}",
        "architecture": platform.machine(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "matplotlib": matplotlib.__version__,
        "load_average": load,
    }


def describe_machine(m: Mapping[str, Any]) -> str:
    """A one-line description of a :func:`machine` record.

    Examples
    --------
    >>> describe_machine({"cpu": "Acme 9", "usable_cpus": 2, "memory_gib": 8.0,
    ...                   "os": "Linux 6.1", "architecture": "x86_64",
    ...                   "python": "3.11.7", "numpy": "2.1.0"})
    '2 CPUs (Acme 9), 8 GiB of memory, Linux 6.1 on x86_64, Python 3.11.7, numpy 2.1.0'
    """
    if not isinstance(m, Mapping):
        raise TypeError(f"m must be a machine description (a dict), got {type(m).__name__}")
    missing = [k for k in ("cpu", "usable_cpus", "os", "architecture", "python", "numpy") if k not in m]
    if missing:
        raise ValueError(f"the machine description lacks {', '.join(missing)}")
    cpus = int(m["usable_cpus"])
    memory = m.get("memory_gib")
    parts = [f"{cpus} CPU{'s' if cpus != 1 else ''} ({m['cpu']})"]
    if memory:
        parts.append(f"{memory:g} GiB of memory")
    parts += [f"{m['os']} on {m['architecture']}", f"Python {m['python']}", f"numpy {m['numpy']}"]
    return ", ".join(parts)


# ============================================================================
# Results files and their staleness
# ============================================================================

#: The keys of every results file written by :func:`make_record`.
RESULT_KEYS: tuple[str, ...] = ("name", "mvcalc_version", "date", "machine", "files", "notes", "data")

_HEX64 = re.compile(r"[0-9a-f]{64}")


def sha256_file(path: str | os.PathLike[str]) -> str:
    """The SHA-256 hash of a file's bytes, in hexadecimal.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d) / "a.txt"
    ...     _ = p.write_bytes(b"abc")
    ...     sha256_file(p)[:16]
    'ba7816bf8f01cfea'
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"no file {p} to hash")
    digest = hashlib.sha256()
    with p.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def hash_files(paths: Iterable[str | os.PathLike[str]], *, root: str | os.PathLike[str]) -> dict[str, str]:
    """SHA-256 hashes of files, keyed by their path relative to ``root`` (POSIX, sorted).

    Parameters
    ----------
    paths : iterable of path
        Files inside ``root``, absolute or relative to ``root``.
    root : path
        The directory the keys are relative to (the repository).

    Returns
    -------
    dict of str to str

    Raises
    ------
    ValueError
        If no path is given, or a path lies outside ``root``.
    FileNotFoundError
        If a path is not a file.
    """
    base = Path(root).resolve()
    if not base.is_dir():
        raise ValueError(f"root must be a directory, got {root!r}")
    hashes: dict[str, str] = {}
    for path in paths:
        p = Path(path)
        p = (p if p.is_absolute() else base / p).resolve()
        try:
            key = p.relative_to(base).as_posix()
        except ValueError:
            raise ValueError(f"{path} lies outside the root {base}") from None
        hashes[key] = sha256_file(p)
    if not hashes:
        raise ValueError("paths must name at least one file: a results file measures something")
    return dict(sorted(hashes.items()))


def make_record(
    name: str,
    data: Any,
    *,
    files: Iterable[str | os.PathLike[str]],
    root: str | os.PathLike[str],
    notes: Sequence[str] = (),
    hashes: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Wrap measured data as a results file: what, when, on what, and of which files.

    Parameters
    ----------
    name : str
        The name of the measurement (the file's stem, ``"gradients"``).
    data : JSON-serialisable
        The measurements.
    files : iterable of path
        The files the measurement measured (its code, or the whole book).
    root : path
        The repository; file names are recorded relative to it.
    notes : sequence of str
        How the measurement was made, in words, for the reader.
    hashes : mapping of str to str, optional
        Hashes already taken (for example before a long measurement, or of a
        copy of the repository), used instead of hashing ``files`` now.

    Returns
    -------
    dict
        With the keys of :data:`RESULT_KEYS`: ``mvcalc_version``, ``date``
        (UTC, ISO 8601), ``machine`` (see :func:`machine`) and ``files``
        (path to SHA-256).
    """
    from . import __version__

    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name):
        raise ValueError(f"name must be a lower-case file stem such as 'gradients', got {name!r}")
    if isinstance(notes, str) or not all(isinstance(n, str) for n in notes):
        raise TypeError("notes must be a sequence of strings")
    if hashes is None:
        recorded = hash_files(files, root=root)
    else:
        recorded = {str(k): str(v) for k, v in sorted(hashes.items())}
        if not recorded or not all(_HEX64.fullmatch(v) for v in recorded.values()):
            raise ValueError("hashes must map at least one file to a SHA-256 hex digest")
    return {
        "name": name,
        "mvcalc_version": __version__,
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "files": recorded,
        "notes": list(notes),
        "data": data,
    }


def write_results(path: str | os.PathLike[str], record: Mapping[str, Any]) -> Path:
    """Write a record of :func:`make_record` as JSON (strict: no NaN or infinity).

    Raises
    ------
    ValueError
        If the record lacks a key of :data:`RESULT_KEYS` or holds a NaN or an
        infinity (store ``None`` for a missing number).
    """
    missing = [k for k in RESULT_KEYS if k not in record]
    if missing:
        raise ValueError(f"the record lacks {', '.join(missing)}: make it with make_record")
    try:
        text = json.dumps(record, indent=1, allow_nan=False)
    except ValueError as exc:
        raise ValueError(f"the record holds a NaN or an infinity, which JSON cannot store ({exc}); use None") from exc
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text + "\n", encoding="utf-8")
    return p


def read_results(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a results file written by :func:`write_results`, checking its form.

    Raises
    ------
    FileNotFoundError
        If there is no such file (``make bench`` writes it).
    ValueError
        If the file is not a results file.
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"no results file {p}: run 'make bench' to measure and write it")
    try:
        record = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{p} is not valid JSON: {exc}") from exc
    if not isinstance(record, dict):
        raise ValueError(f"{p} must hold a JSON object, got {type(record).__name__}")
    missing = [k for k in RESULT_KEYS if k not in record]
    if missing:
        raise ValueError(f"{p} lacks {', '.join(missing)}: is it a results file of make bench?")
    files = record["files"]
    if not isinstance(files, dict) or not files or not all(
        isinstance(v, str) and _HEX64.fullmatch(v) for v in files.values()
    ):
        raise ValueError(f"{p}: 'files' must map each measured file to its SHA-256 hash")
    return record


#: The environment variable that ``make bench`` sets, in the copy of the book
#: it builds, to the names of the results files it is measuring.
MEASURING_ENV = "MVCALC_BENCH_MEASURING"


def being_measured() -> set[str]:
    """Names of the results files that ``make bench`` is measuring right now (see :data:`MEASURING_ENV`)."""
    return {n.strip() for n in os.environ.get(MEASURING_ENV, "").split(",") if n.strip()}


def read_results_or_pending(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """Like :func:`read_results`, but ``None`` for a missing file that ``make bench`` is measuring.

    ``make bench`` times the build of a copy of the book, whose appendix reads
    the very results file being measured: the first time, that file does not
    exist yet. Only then, when the file is missing and named in the
    environment variable :data:`MEASURING_ENV`, this gives ``None``; anywhere
    else a missing file is an error, so a book can never be built without it.

    Raises
    ------
    FileNotFoundError
        If the file is missing and not being measured.
    """
    p = Path(path)
    if not p.is_file() and p.name in being_measured():
        return None
    return read_results(p)


def stale_files(record: Mapping[str, Any], *, root: str | os.PathLike[str]) -> list[str]:
    """The measured files of a results record that changed or vanished since it was written.

    Parameters
    ----------
    record : dict
        From :func:`read_results` or :func:`make_record`.
    root : path
        The repository the file names are relative to.

    Returns
    -------
    list of str
        ``"path (changed)"`` or ``"path (missing)"`` for each such file;
        empty when the record is up to date.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     code = pathlib.Path(d) / "code.py"
    ...     _ = code.write_text("x = 1\\n")
    ...     record = make_record("demo", {"t": 1.0}, files=[code], root=d)
    ...     fresh = stale_files(record, root=d)
    ...     _ = code.write_text("x = 2\\n")
    ...     fresh, stale_files(record, root=d)
    ([], ['code.py (changed)'])
    """
    if not isinstance(record, Mapping) or not isinstance(record.get("files"), Mapping):
        raise ValueError("record must be a results record with a 'files' mapping")
    base = Path(root)
    stale = []
    for rel, digest in record["files"].items():
        p = base / rel
        if not p.is_file():
            stale.append(f"{rel} (missing)")
        elif sha256_file(p) != digest:
            stale.append(f"{rel} (changed)")
    return stale


def stale_results(
    results_dir: str | os.PathLike[str],
    *,
    root: str | os.PathLike[str],
    skip: Iterable[str] = (),
) -> dict[str, list[str]]:
    """Every results file of a folder whose measured files changed since ``make bench``.

    Parameters
    ----------
    results_dir : path
        The folder of results files (``bench/results``).
    root : path
        The repository.
    skip : iterable of str
        Names of results files not to check (``"book.json"`` while ``make
        bench`` is measuring it).

    Returns
    -------
    dict of str to list of str
        File name to its stale measured files; empty when all are up to date.

    Raises
    ------
    FileNotFoundError
        If the folder holds no results file.
    """
    folder = Path(results_dir)
    paths = sorted(folder.glob("*.json"))
    if not paths:
        raise FileNotFoundError(f"no results files in {folder}: run 'make bench'")
    skipped = set(skip)
    out = {}
    for p in paths:
        if p.name in skipped:
            continue
        stale = stale_files(read_results(p), root=root)
        if stale:
            out[p.name] = stale
    return out


def describe_results(record: Mapping[str, Any]) -> str:
    """When, with what and on what a results record was measured, in one sentence.

    Examples
    --------
    >>> describe_results({"date": "2026-01-31T09:05:00+00:00", "mvcalc_version": "0.1.0",
    ...     "machine": {"cpu": "Acme 9", "usable_cpus": 1, "memory_gib": 4, "os": "Linux 6.1",
    ...                 "architecture": "x86_64", "python": "3.11.7", "numpy": "2.1.0",
    ...                 "load_average": 0.5}})
    'measured on 31 January 2026 at 09:05 UTC with mvcalc 0.1.0 on 1 CPU (Acme 9), 4 GiB of memory, Linux 6.1 on x86_64, Python 3.11.7, numpy 2.1.0 (load average 0.5)'
    """
    if not isinstance(record, Mapping) or not all(k in record for k in ("date", "mvcalc_version", "machine")):
        raise ValueError("record must be a results record with 'date', 'mvcalc_version' and 'machine'")
    when = _dt.datetime.fromisoformat(record["date"]).astimezone(_dt.timezone.utc)
    text = (
        f"measured on {when.day} {when:%B %Y} at {when:%H:%M} UTC with mvcalc "
        f"{record['mvcalc_version']} on {describe_machine(record['machine'])}"
    )
    load = record["machine"].get("load_average")
    if load is not None:
        text += f" (load average {load:g})"
    return text


# ============================================================================
# Derivatives: a battery of functions with known derivatives
# ============================================================================

#: The methods of :func:`derivative_errors`.
DERIVATIVE_METHODS: tuple[str, ...] = ("forward", "central", "complex")

#: The smallest relative error each method can reach in double precision, up
#: to a factor of order one: :math:`\sqrt{\varepsilon}`, :math:`\varepsilon^{2/3}`
#: and :math:`\varepsilon` (chapter 1 derives them).
FLOORS: dict[str, float] = {
    "forward": math.sqrt(EPS),
    "central": EPS ** (2.0 / 3.0),
    "complex": EPS,
}


class DerivativeCase(NamedTuple):
    """A function, its exact derivative and the point at which to differentiate it."""

    #: The function written in TeX, for tables and legends.
    name: str
    #: The function, written with numpy functions so that it takes complex input.
    f: Callable[[Any], Any]
    #: Its exact derivative (a real function).
    dfdx: Callable[[float], float]
    #: The point.
    x: float


def _beast(x: Any) -> Any:
    return np.sin(2 * x**5 + 3 * x) / np.exp(7 * x)


def _beast_prime(x: float) -> float:
    u = 2 * x**5 + 3 * x
    return (np.cos(u) * (10 * x**4 + 3) - 7 * np.sin(u)) * np.exp(-7 * x)


#: Smooth functions with closed-form derivatives, from the everyday to
#: chapter 1's "beast"; the tests check every derivative against sympy.
DERIVATIVE_BATTERY: tuple[DerivativeCase, ...] = (
    DerivativeCase(r"$e^x$", np.exp, np.exp, 1.0),
    DerivativeCase(r"$\sin x$", np.sin, np.cos, 1.0),
    DerivativeCase(r"$\cos x$", np.cos, lambda x: -np.sin(x), 0.6),
    DerivativeCase(r"$\ln x$", np.log, lambda x: 1 / x, 2.0),
    DerivativeCase(r"$\sqrt{x}$", np.sqrt, lambda x: 0.5 / np.sqrt(x), 3.0),
    DerivativeCase(r"$\tanh x$", np.tanh, lambda x: 1 / np.cosh(x) ** 2, 0.5),
    DerivativeCase(r"$1/(1+e^{-x})$", lambda x: 1 / (1 + np.exp(-x)),
                   lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2, 0.3),
    DerivativeCase(r"$1/(1+x^2)$", lambda x: 1 / (1 + x**2), lambda x: -2 * x / (1 + x**2) ** 2, 0.7),
    DerivativeCase(r"$x^5-3x$", lambda x: x**5 - 3 * x, lambda x: 5 * x**4 - 3, 1.3),
    DerivativeCase(r"$e^{-x^2}$", lambda x: np.exp(-(x**2)), lambda x: -2 * x * np.exp(-(x**2)), 0.8),
    DerivativeCase(r"$e^{\sin x}$", lambda x: np.exp(np.sin(x)), lambda x: np.cos(x) * np.exp(np.sin(x)), 0.9),
    DerivativeCase(r"$\sin(2x^5+3x)/e^{7x}$", _beast, _beast_prime, 0.5),
)


def derivative_errors(
    hs: Sequence[float] | np.ndarray,
    *,
    methods: Sequence[str] = DERIVATIVE_METHODS,
    battery: Sequence[DerivativeCase] = DERIVATIVE_BATTERY,
) -> dict[str, np.ndarray]:
    r"""Relative errors :math:`|D_h f(x) - f'(x)|/|f'(x)|` over a battery of functions and steps.

    Each error comes from :func:`mvcalc.derivatives.finite_difference_error`.

    Parameters
    ----------
    hs : array of float
        Positive steps; for the finite differences, each large enough that
        :math:`x + h \ne x` in double precision (about :math:`10^{-15}` or more
        for the battery).
    methods : sequence of str, default ("forward", "central", "complex")
        Methods of :func:`mvcalc.derivatives.derivative`.
    battery : sequence of DerivativeCase, default DERIVATIVE_BATTERY
        The functions; none may have :math:`f'(x) = 0`.

    Returns
    -------
    dict of str to ndarray
        For each method, an array of shape ``(len(battery), len(hs))``.

    Examples
    --------
    >>> err = derivative_errors([1e-6, 1e-3], methods=["central"])
    >>> err["central"].shape
    (12, 2)
    """
    h = check_finite_array(hs, "hs").ravel()
    if h.size == 0 or np.any(h <= 0):
        raise ValueError("hs must hold at least one step, every step greater than 0")
    if isinstance(methods, str) or not methods:
        raise TypeError("methods must be a non-empty sequence of method names such as ['forward', 'central']")
    for m in methods:
        check_choice(m, ("forward", "backward", "central", "complex"), "method")
    if not battery:
        raise ValueError("battery must hold at least one DerivativeCase")
    for case in battery:
        if not isinstance(case, DerivativeCase):
            raise TypeError(f"battery must hold DerivativeCase entries, got {type(case).__name__}")
        if any(m != "complex" for m in methods) and np.any(case.x + h == case.x):
            raise ValueError(
                f"the smallest steps vanish next to x = {case.x} of {case.name}: x + h == x in double "
                f"precision for h <= {h[case.x + h == case.x].max():.1e}, so a finite difference would "
                "divide 0 by 0; use larger steps"
            )
    out = {}
    for m in methods:
        rows = []
        for case in battery:
            exact = float(case.dfdx(case.x))
            if exact == 0:
                raise ValueError(f"{case.name}: f'(x) = 0 at x = {case.x}, so a relative error is undefined")
            rows.append(finite_difference_error(case.f, exact, case.x, h, method=m) / abs(exact))
        out[m] = np.array(rows)
    return out


def default_step_errors(
    *,
    methods: Sequence[str] = DERIVATIVE_METHODS,
    battery: Sequence[DerivativeCase] = DERIVATIVE_BATTERY,
) -> dict[str, np.ndarray]:
    r"""Relative error of each method at its default step, :func:`mvcalc.derivatives.optimal_step`, over a battery.

    This is what :func:`mvcalc.derivatives.derivative` gives when it is
    called without a step, as the book's code calls it.

    Returns
    -------
    dict of str to ndarray
        For each method, one relative error per function of ``battery``.

    Examples
    --------
    >>> err = default_step_errors(methods=["complex"])
    >>> bool(np.all(err["complex"] <= EPS))
    True
    """
    from .derivatives import derivative

    if isinstance(methods, str) or not methods:
        raise TypeError("methods must be a non-empty sequence of method names such as ['forward', 'central']")
    for m in methods:
        check_choice(m, ("forward", "backward", "central", "complex"), "method")
    if not battery or not all(isinstance(c, DerivativeCase) for c in battery):
        raise TypeError("battery must be a non-empty sequence of DerivativeCase entries")
    out = {}
    for m in methods:
        errs = []
        for case in battery:
            exact = float(case.dfdx(case.x))
            if exact == 0:
                raise ValueError(f"{case.name}: f'(x) = 0 at x = {case.x}, so a relative error is undefined")
            errs.append(abs(derivative(case.f, case.x, method=m) - exact) / abs(exact))
        out[m] = np.array(errs)
    return out


# ============================================================================
# Gradients: cost and accuracy by four methods
# ============================================================================

#: The methods of :func:`gradient_by`: three finite differences of
#: :func:`mvcalc.multivariate.gradient`, and reverse mode with
#: :func:`mvcalc.autodiff.grad`.
GRADIENT_METHODS: tuple[str, ...] = ("forward", "central", "complex", "reverse")

#: The arithmetic of one evaluation of :math:`f` that each method's cost is
#: measured against: forward and central differences evaluate :math:`f` on
#: floats, the complex step on complex numbers, reverse mode on ``Value``
#: nodes that record the graph.
GRADIENT_BASELINES: dict[str, str] = {
    "forward": "float",
    "central": "float",
    "complex": "complex",
    "reverse": "Value",
}


def log_partition(x: Any) -> Any:
    r"""The log-partition function :math:`f(\mathbf x) = \ln\bigl(1 + \sum_{i=1}^n e^{x_i}\bigr)`.

    It normalises a softmax over :math:`n+1` classes whose first logit is
    fixed at 0 (multinomial logistic regression), and its gradient is the
    vector of the other classes' probabilities, see
    :func:`log_partition_gradient`. Every partial derivative depends on every
    variable. Written with numpy functions, it runs on floats, on complex
    numbers and on :class:`mvcalc.autodiff.Value` nodes.

    Parameters
    ----------
    x : array_like, shape (n,)
        The logits, a non-empty 1-D array (of floats, complex numbers or ``Value`` objects).

    Examples
    --------
    >>> import numpy as np
    >>> bool(np.isclose(log_partition(np.zeros(3)), np.log(4.0)))
    True
    """
    xa = np.asarray(x)
    if xa.ndim != 1 or xa.size == 0:
        raise ValueError(f"x must be a non-empty 1-D array of shape (n,), got shape {xa.shape}")
    return np.log(1 + np.sum(np.exp(xa)))


def log_partition_gradient(x: Any) -> np.ndarray:
    r"""The exact gradient of :func:`log_partition`: softmax probabilities.

    .. math::

        \frac{\partial f}{\partial x_i} = \frac{e^{x_i}}{1 + \sum_{j=1}^n e^{x_j}}.

    Examples
    --------
    >>> log_partition_gradient([0.0, 0.0, 0.0])
    array([0.25, 0.25, 0.25])
    """
    xa = check_finite_array(x, "x")
    if xa.ndim != 1 or xa.size == 0:
        raise ValueError(f"x must be a non-empty 1-D array of shape (n,), got shape {xa.shape}")
    shift = max(0.0, float(xa.max()))  # exp(x - shift) cannot overflow
    e = np.exp(xa - shift)
    return e / (np.exp(-shift) + e.sum())


def gradient_by(method: str, f: Callable[[Any], Any], x: Any) -> np.ndarray:
    """The gradient of ``f`` at ``x`` by one of :data:`GRADIENT_METHODS`.

    ``"forward"``, ``"central"`` and ``"complex"`` call
    :func:`mvcalc.multivariate.gradient` with that method and its default
    step; ``"reverse"`` calls :func:`mvcalc.autodiff.grad`.

    Examples
    --------
    >>> import numpy as np
    >>> g = gradient_by("reverse", log_partition, np.zeros(3))
    >>> np.round(g, 12)
    array([0.25, 0.25, 0.25])
    """
    from .autodiff import grad
    from .multivariate import gradient

    check_choice(method, GRADIENT_METHODS, "method")
    check_callable(f, "f")
    if method == "reverse":
        return grad(f)(x)
    return gradient(f, x, method=method)


def count_evaluations(method: str, f: Callable[[Any], Any], x: Any) -> int:
    r"""How many times a gradient by ``method`` evaluates ``f``.

    Forward differences take :math:`n+1` evaluations, central differences
    :math:`2n`, the complex step :math:`n` and reverse mode one (on ``Value``
    nodes, followed by one backward pass through the recorded graph).

    Examples
    --------
    >>> import numpy as np
    >>> [count_evaluations(m, log_partition, np.zeros(5)) for m in GRADIENT_METHODS]
    [6, 10, 5, 1]
    """
    return _counted_gradient(method, f, x)[1]


def _counted_gradient(method: str, f: Callable[[Any], Any], x: Any) -> tuple[np.ndarray, int]:
    """The gradient by ``method`` and the number of evaluations of ``f`` it made."""
    check_callable(f, "f")
    calls = 0

    def counted(v: Any) -> Any:
        nonlocal calls
        calls += 1
        return f(v)

    return gradient_by(method, counted, x), calls


def gradient_benchmark(
    ns: Sequence[int],
    *,
    f: Callable[[Any], Any] = log_partition,
    exact: Callable[[Any], np.ndarray] = log_partition_gradient,
    methods: Sequence[str] = GRADIENT_METHODS,
    repeat: int = 5,
    min_time: float = 0.02,
    seed: int = 0,
    timer: str = "cpu",
) -> list[dict[str, Any]]:
    r"""Cost and accuracy of the gradient of a function of :math:`n` variables, for each :math:`n`.

    For each :math:`n`, at a point :math:`\mathbf x` drawn uniformly from
    :math:`[-1, 1]^n` (``numpy.random.default_rng(seed)``), it records

    - the number of evaluations of :math:`f` each method makes
      (:func:`count_evaluations`);
    - the relative error of each method in the largest component,
      :math:`\lVert \mathbf g - \nabla f\rVert_\infty / \lVert\nabla f\rVert_\infty`;
    - timings, side by side in one interleaved run
      (:func:`time_side_by_side`), of each gradient and of one evaluation of
      :math:`f` on floats, on complex numbers and on ``Value`` nodes;
    - the cost of each gradient as the run-by-run ratio (:func:`paired_ratio`)
      of its time to that of one evaluation in its own arithmetic
      (:data:`GRADIENT_BASELINES`), and to that of reverse mode.

    Parameters
    ----------
    ns : sequence of int
        Numbers of variables, each at least 1.
    f, exact : callable
        The function (written with numpy functions, so that it runs on
        floats, complex numbers and ``Value`` nodes) and its exact gradient.
    methods : sequence of str, default GRADIENT_METHODS
        Methods of :func:`gradient_by`.
    repeat : int, default 5
        Runs of each timing.
    min_time : float, default 0.02
        Shortest run in seconds (short calls are repeated within a run).
    seed : int, default 0
        Seed of the random point.
    timer : {"cpu", "wall"}, default "cpu"
        The clock of :func:`time_side_by_side`.

    Returns
    -------
    list of dict
        One dict per :math:`n` with the keys ``n``, ``f`` (the value
        :math:`f(\mathbf x)`), ``gradient_norm`` (:math:`\lVert\nabla
        f(\mathbf x)\rVert_\infty`), ``evaluations``, ``error``, ``timings`` (name to :meth:`Timing.as_dict`), ``cost``
        (method to :func:`paired_ratio` against one evaluation) and
        ``versus_reverse`` (method to :func:`paired_ratio` against reverse
        mode, when reverse mode is among the methods).

    Examples
    --------
    >>> rows = gradient_benchmark([2, 4], repeat=1, min_time=0.001)
    >>> [r["evaluations"]["central"] for r in rows]
    [4, 8]
    >>> all(r["error"]["reverse"] < 1e-15 for r in rows)
    True
    """
    check_callable(f, "f")
    check_callable(exact, "exact")
    sizes = check_finite_array(ns, "ns").ravel()
    if sizes.size == 0 or np.any(sizes < 1) or np.any(sizes != np.round(sizes)):
        raise ValueError(f"ns must hold whole numbers of variables of at least 1, got {ns!r}")
    if isinstance(methods, str) or not methods:
        raise TypeError("methods must be a non-empty sequence of method names")
    for m in methods:
        check_choice(m, GRADIENT_METHODS, "method")
    repeat = check_int(repeat, "repeat", 1)
    seed = check_int(seed, "seed", 0)
    from .autodiff import lift

    rng = np.random.default_rng(seed)
    rows = []
    for n in (int(s) for s in sizes):
        x = rng.uniform(-1.0, 1.0, n)
        xc = x.astype(complex)
        g_exact = np.asarray(exact(x), dtype=float)
        scale = float(np.max(np.abs(g_exact)))
        if not scale > 0:
            raise ValueError("the exact gradient is zero at the point: a relative error is undefined")
        errors, evaluations = {}, {}
        for m in methods:
            g, evaluations[m] = _counted_gradient(m, f, x)
            errors[m] = float(np.max(np.abs(g - g_exact)) / scale)
        jobs: dict[str, Callable[[], Any]] = {}
        baselines = {GRADIENT_BASELINES[m] for m in methods}
        if "float" in baselines:
            jobs["f on float"] = lambda x=x: f(x)
        if "complex" in baselines:
            jobs["f on complex"] = lambda xc=xc: f(xc)
        if "Value" in baselines:
            # on fresh Value leaves, recording the graph as reverse mode does
            jobs["f on Value"] = lambda x=x: f(lift(x))
        for m in methods:
            jobs[f"gradient {m}"] = lambda m=m, x=x: gradient_by(m, f, x)
        timings = time_side_by_side(jobs, repeat=repeat, min_time=min_time, timer=timer)
        cost = {m: paired_ratio(timings[f"gradient {m}"], timings[f"f on {GRADIENT_BASELINES[m]}"]) for m in methods}
        row: dict[str, Any] = {
            "n": n,
            "timer": timer,
            "f": float(np.real(f(x))),
            "gradient_norm": scale,
            "evaluations": evaluations,
            "error": errors,
            "timings": {k: t.as_dict() for k, t in timings.items()},
            "cost": cost,
        }
        if "reverse" in methods:
            row["versus_reverse"] = {
                m: paired_ratio(timings[f"gradient {m}"], timings["gradient reverse"]) for m in methods
            }
        rows.append(row)
    return rows


def gradient_error_models(rows: Sequence[Mapping[str, Any]]) -> dict[str, np.ndarray]:
    r"""The round-off models of the relative error of a gradient by finite differences.

    At the default step each partial derivative of a forward difference
    carries a rounding error of about :math:`2\varepsilon|f|/h` with
    :math:`h = \sqrt{\varepsilon}`, and of a central difference about
    :math:`\varepsilon|f|/h` with :math:`h = \varepsilon^{1/3}`, so that

    .. math::

        \frac{\lVert \mathbf g - \nabla f\rVert_\infty}{\lVert\nabla f\rVert_\infty}
        \approx \frac{2\sqrt{\varepsilon}\,|f|}{\lVert\nabla f\rVert_\infty}
        \ \text{(forward)}, \qquad
        \approx \frac{\varepsilon^{2/3}\,|f|}{\lVert\nabla f\rVert_\infty}
        \ \text{(central)}.

    Parameters
    ----------
    rows : sequence of dict
        From :func:`gradient_benchmark`, each with ``f`` and ``gradient_norm``.

    Returns
    -------
    dict of str to ndarray
        ``"forward"`` and ``"central"``: one predicted relative error per row.

    Examples
    --------
    >>> m = gradient_error_models([{"f": 1.0, "gradient_norm": 0.5}])
    >>> bool(np.isclose(m["forward"][0], 4 * np.sqrt(EPS)))
    True
    """
    try:
        scale = np.array([abs(float(r["f"])) / float(r["gradient_norm"]) for r in rows])
    except (KeyError, TypeError) as exc:
        raise ValueError(f"each row needs f and gradient_norm, as from gradient_benchmark: missing {exc}") from None
    except ZeroDivisionError:
        raise ValueError("a gradient_norm is 0: the relative error is undefined") from None
    if scale.size == 0:
        raise ValueError("rows must hold at least one measurement")
    return {"forward": 2 * math.sqrt(EPS) * scale, "central": EPS ** (2.0 / 3.0) * scale}


# ============================================================================
# The book itself: page weight and execution times
# ============================================================================


class _Assets(HTMLParser):
    """Collect the images, scripts and stylesheets a page loads."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "img" and a.get("src"):
            self.found.append(("images", a["src"]))
        elif tag == "script" and a.get("src"):
            self.found.append(("scripts", a["src"]))
        elif tag == "link" and "stylesheet" in a.get("rel", "").split() and a.get("href"):
            self.found.append(("styles", a["href"]))


def page_weight(html_dir: str | os.PathLike[str], page: str) -> dict[str, int]:
    """Bytes a reader's browser loads for one page of a built site, by kind.

    Counts the page's HTML, the images it shows, and the scripts and
    stylesheets it links, each file once; files from other sites and
    ``data:`` addresses are not counted, nor what scripts fetch later (the
    fonts and extensions MathJax loads, for example).

    Parameters
    ----------
    html_dir : path
        The built site (``_build/html``).
    page : str
        The page's name without ``.html``, as in ``_toc.yml`` (``"book/intro"``).

    Returns
    -------
    dict of str to int
        ``html``, ``images``, ``scripts``, ``styles`` and ``total`` in bytes.

    Raises
    ------
    FileNotFoundError
        If the page, or a local file it links, is missing.
    """
    site = Path(html_dir).resolve()
    if not isinstance(page, str) or not page:
        raise TypeError(f"page must be a page name such as 'book/intro', got {page!r}")
    path = site / f"{page}.html"
    if not path.is_file():
        raise FileNotFoundError(f"no page {path}: build the book first")
    parser = _Assets()
    parser.feed(path.read_text(encoding="utf-8"))
    weight = {"html": path.stat().st_size, "images": 0, "scripts": 0, "styles": 0}
    seen: set[Path] = set()
    for kind, ref in parser.found:
        parts = urlsplit(ref)
        if parts.scheme or parts.netloc or ref.startswith("data:"):
            continue
        target = (path.parent / unquote(parts.path)).resolve()
        if target in seen:
            continue
        if not target.is_file():
            raise FileNotFoundError(f"{page} links {ref}, which the site lacks ({target})")
        seen.add(target)
        weight[kind] += target.stat().st_size
    weight["total"] = sum(weight.values())
    return weight


_EXECUTED = re.compile(r"(\S+?)\.(?:md|ipynb): Executed notebook in ([0-9.]+) seconds")


def execution_times(log: str, *, root: str | os.PathLike[str] | None = None) -> dict[str, float]:
    """Seconds each notebook took to execute, read from a Jupyter Book build log.

    Parameters
    ----------
    log : str
        The build's output (myst-nb reports ``<file>: Executed notebook in
        <s> seconds`` for each notebook it executes).
    root : path, optional
        Strip this directory from the file names, leaving ``book/intro``.

    Returns
    -------
    dict of str to float
        Page name to seconds, in the order of the log.

    Examples
    --------
    >>> execution_times("/r/book/01-a.md: Executed notebook in 17.66 seconds [mystnb]", root="/r")
    {'book/01-a': 17.66}
    """
    if not isinstance(log, str):
        raise TypeError(f"log must be the text of a build log, got {type(log).__name__}")
    prefix = None if root is None else Path(root).resolve().as_posix().rstrip("/") + "/"
    out = {}
    for name, seconds in _EXECUTED.findall(re.sub(r"\x1b\[[0-9;]*m", "", log)):
        if prefix and name.startswith(prefix):
            name = name[len(prefix):]
        out[name] = float(seconds)
    return out
