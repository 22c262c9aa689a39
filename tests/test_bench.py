"""mvcalc.bench, tools/bench.py (what `make bench` runs) and the results files it writes.

The staleness test, ``test_results_files_match_the_code_they_measured``, fails
when a file measured by a results file in bench/results has changed since
`make bench` wrote it; ``test_the_staleness_test_fails_on_a_modified_copy``
proves that it can fail, on a copy of the results and of the files they measured.
Oracles: sympy's exact derivatives (evaluated to 30 digits), hashlib, numpy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
import math
import shutil
import sys
import time
import tomllib
import types
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import sympy as sp  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from mvcalc import bench as bench_module  # noqa: E402
from mvcalc import plotting  # noqa: E402
from mvcalc.autodiff import Value  # noqa: E402
from mvcalc.bench import (  # noqa: E402
    DERIVATIVE_BATTERY,
    FLOORS,
    GRADIENT_METHODS,
    MEASURING_ENV,
    RESULT_KEYS,
    DerivativeCase,
    Timing,
    being_measured,
    count_evaluations,
    default_step_errors,
    derivative_errors,
    describe_machine,
    describe_results,
    execution_times,
    gradient_benchmark,
    gradient_by,
    gradient_error_models,
    hash_files,
    log_partition,
    log_partition_gradient,
    machine,
    make_record,
    page_weight,
    paired_ratio,
    read_results,
    read_results_or_pending,
    sha256_file,
    stale_files,
    stale_results,
    time_call,
    time_side_by_side,
    write_results,
)
from mvcalc.derivatives import EPS, optimal_step  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
X = sp.Symbol("x", real=True)


def load_tool():
    """tools/bench.py as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("mvcalc_tools_bench", ROOT / "tools" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the staleness test ------------------------------------------------------------


def check_fresh(results_dir: Path, root: Path, skip=()) -> None:
    """Fail, naming the files, if a results file measured a file that changed since."""
    stale = stale_results(results_dir, root=root, skip=skip)
    assert not stale, (
        "results files no longer match the code they measured; run 'make bench' to measure again: "
        + "; ".join(f"{name}: {', '.join(files)}" for name, files in stale.items())
    )


def test_results_files_match_the_code_they_measured() -> None:
    # While `make bench` measures a results file (in a copy of the book), that
    # file may be stale there: the environment names it, and it is skipped.
    check_fresh(RESULTS, ROOT, skip=being_measured())


def test_the_staleness_test_fails_on_a_modified_copy(tmp_path: Path) -> None:
    copy_results = tmp_path / "bench" / "results"
    copy_results.mkdir(parents=True)
    measured = set()
    for path in sorted(RESULTS.glob("*.json")):
        shutil.copy(path, copy_results / path.name)
        measured.update(read_results(path)["files"])
    for rel in measured:
        if (ROOT / rel).is_file():
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / rel, tmp_path / rel)
    # A faithful copy gets the verdict of the original, whatever it is.
    assert stale_results(copy_results, root=tmp_path) == stale_results(RESULTS, root=ROOT)
    # Change a file that gradients.json measured, and delete another.
    record = read_results(copy_results / "gradients.json")
    changed, deleted = "code/mvcalc/autodiff.py", "code/mvcalc/multivariate.py"
    assert {changed, deleted} <= set(record["files"])
    with (tmp_path / changed).open("a") as f:
        f.write("\n# a change made after make bench\n")
    (tmp_path / deleted).unlink()
    verdict = stale_results(copy_results, root=tmp_path)
    assert f"{changed} (changed)" in verdict["gradients.json"]
    assert f"{deleted} (missing)" in verdict["gradients.json"]
    with pytest.raises(AssertionError, match=r"run 'make bench'.*gradients\.json: .*autodiff\.py \(changed\)"):
        check_fresh(copy_results, tmp_path)
    # ... but not while make bench is measuring that very file
    check_fresh(copy_results, tmp_path, skip={name for name in verdict})


def test_results_files_describe_their_measurement() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    names = sorted(p.name for p in RESULTS.glob("*.json"))
    # the first time make bench measures book.json, the copy of the book it tests has none yet
    expected = sorted({"book.json", "gradients.json"} - {n for n in being_measured() if n not in names})
    assert names == expected, names
    for name in names:
        record = read_results(RESULTS / name)
        assert record["name"] == name.removesuffix(".json")
        assert record["mvcalc_version"] == version
        assert dt.datetime.fromisoformat(record["date"]).tzinfo is not None
        assert record["notes"] and describe_results(record).startswith("measured on ")
        assert set(record["machine"]) >= {"cpu", "usable_cpus", "python", "numpy", "load_average"}
    tool = load_tool()
    gradients = read_results(RESULTS / "gradients.json")
    assert set(gradients["files"]) == set(tool.GRADIENT_FILES)
    assert [r["n"] for r in gradients["data"]["rows"]] == tool.GRADIENT_NS
    for row in gradients["data"]["rows"]:
        n = row["n"]
        assert row["evaluations"] == {"forward": n + 1, "central": 2 * n, "complex": n, "reverse": 1}
    if "book.json" not in names:
        return
    book = read_results(RESULTS / "book.json")
    assert {"_config.yml", "_toc.yml", "code/mvcalc/bench.py", "book/appendix-accuracy.md"} <= set(book["files"])
    assert not any(f.startswith("bench/") for f in book["files"]), "book.json must not measure the results"
    data = book["data"]
    assert data["clean_build"]["returncode"] == data["rebuild"]["returncode"] == data["unit_tests"]["returncode"] == 0
    assert "failed" not in data["unit_tests"]["summary"] and "passed" in data["unit_tests"]["summary"]
    assert "book/appendix-accuracy" in data["pages"] and "book/appendix-accuracy" in data["execution"]


# --- Timing ------------------------------------------------------------------------


def test_timing_summary_matches_numpy() -> None:
    times = [0.3, 0.1, 0.4, 0.15, 0.9, 0.2]
    t = Timing(times, number=10)
    assert t.median == np.median(times)
    assert t.q1 == np.percentile(times, 25) and t.q3 == np.percentile(times, 75)
    assert math.isclose(t.spread, (t.q3 - t.q1) / t.median)
    assert t.runs == 6 and t.number == 10
    d = t.as_dict()
    assert d["min"] == 0.1 and d["max"] == 0.9 and d["times"] == times
    assert Timing.from_dict(json.loads(json.dumps(d))) == t
    assert Timing([0.0]).spread == 0.0


@pytest.mark.parametrize(
    ("times", "number", "error", "match"),
    [
        ([], 1, ValueError, "at least one run"),
        ([0.1, -0.2], 1, ValueError, "non-negative"),
        ([0.1, float("nan")], 1, ValueError, "finite"),
        (["fast"], 1, TypeError, "real number"),
        ([0.1], 0, ValueError, "number must be at least 1"),
        ([0.1], 1.5, TypeError, "number must be an integer"),
        ([0.1], True, TypeError, "number must be an integer"),
    ],
)
def test_timing_validation(times, number, error, match) -> None:
    with pytest.raises(error, match=match):
        Timing(times, number)


def test_timing_from_dict_validation() -> None:
    with pytest.raises(ValueError, match="needs its 'times'"):
        Timing.from_dict({"median": 1.0})


def test_side_by_side_interleaves_and_rotates() -> None:
    calls: list[str] = []
    funcs = {name: (lambda name=name: calls.append(name)) for name in "abc"}
    timings = time_side_by_side(funcs, repeat=3, number=1)
    assert calls[:3] == ["a", "b", "c"]  # one warm-up call each
    assert calls[3:] == ["a", "b", "c", "b", "c", "a", "c", "a", "b"]
    assert [t.runs for t in timings.values()] == [3, 3, 3]


def test_calibration_makes_runs_long_enough(monkeypatch) -> None:
    # a clock that advances by exactly 1 ms per call of the timed function
    clock = {"now": 0.0}

    def tick() -> None:
        clock["now"] += 0.001

    fake = types.SimpleNamespace(perf_counter=lambda: clock["now"], process_time=lambda: clock["now"])
    monkeypatch.setattr(bench_module, "time", fake)
    for timer in ("cpu", "wall"):
        t = time_call(tick, repeat=3, min_time=0.005, timer=timer)
        assert t.number == 8  # 1, 2 and 4 calls last less than 5 ms; 8 calls last 8 ms
        assert np.allclose(t.times, 0.001, rtol=1e-9)


def test_garbage_collection_during_runs_is_a_choice() -> None:
    import gc

    states = []
    probe = lambda: states.append(gc.isenabled())  # noqa: E731
    gc.disable()
    try:
        time_call(probe, repeat=2, number=1, collect=True)
        assert states and all(states) and not gc.isenabled()  # on during the runs, restored after
        states.clear()
        gc.enable()
        time_call(probe, repeat=2, number=1, collect=False)
        assert states and not any(states) and gc.isenabled()
    finally:
        gc.enable()


def test_the_cpu_clock_ignores_waiting_and_the_wall_clock_does_not() -> None:
    nap = lambda: time.sleep(0.01)  # noqa: E731 - sleeping uses no processor time
    assert time_call(nap, repeat=2, number=1, timer="cpu").median < 0.005
    assert time_call(nap, repeat=2, number=1, timer="wall").median >= 0.01
    per = time_side_by_side({"x": lambda: None}, repeat=2, number={"x": 5})
    assert per["x"].number == 5


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"funcs": {}}, ValueError, "at least one function"),
        ({"funcs": [lambda: 1]}, TypeError, "mapping"),
        ({"funcs": {"a": 3}}, TypeError, "callable"),
        ({"funcs": {"a": lambda: 1}, "repeat": 0}, ValueError, "repeat must be at least 1"),
        ({"funcs": {"a": lambda: 1}, "min_time": -1.0}, ValueError, "min_time"),
        ({"funcs": {"a": lambda: 1}, "number": 0}, ValueError, "number must be at least 1"),
        ({"funcs": {"a": lambda: 1}, "timer": "sundial"}, ValueError, "unknown timer"),
        ({"funcs": {"a": lambda: 1}, "collect": "yes"}, TypeError, "collect must be True or False"),
    ],
)
def test_side_by_side_validation(kwargs, error, match) -> None:
    funcs = kwargs.pop("funcs")
    with pytest.raises(error, match=match):
        time_side_by_side(funcs, **kwargs)


def test_paired_ratio() -> None:
    a, b = Timing([2.0, 6.0, 3.0, 40.0]), Timing([1.0, 2.0, 1.0, 4.0])
    rho = np.array([2.0, 3.0, 3.0, 10.0])
    assert paired_ratio(a, b) == {"median": np.median(rho), "q1": np.percentile(rho, 25), "q3": np.percentile(rho, 75)}
    with pytest.raises(ValueError, match="same number of runs"):
        paired_ratio(a, Timing([1.0]))
    with pytest.raises(ValueError, match="greater than 0"):
        paired_ratio(Timing([1.0]), Timing([0.0]))
    with pytest.raises(TypeError, match="numerator must be a Timing"):
        paired_ratio(1.0, b)


# --- the machine, hashes, results files ---------------------------------------------


def test_machine_description() -> None:
    m = machine()
    assert m["usable_cpus"] >= 1 and m["logical_cpus"] >= m["usable_cpus"]
    assert m["numpy"] == np.__version__
    text = describe_machine(m)
    assert f"Python {m['python']}" in text and f"numpy {np.__version__}" in text
    with pytest.raises(ValueError, match="lacks cpu"):
        describe_machine({k: v for k, v in m.items() if k != "cpu"})
    with pytest.raises(TypeError, match="machine description"):
        describe_machine("a laptop")


def test_hashes_agree_with_hashlib(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.py").write_bytes(b"print(1)\n")
    (tmp_path / "a.txt").write_bytes(b"")
    assert sha256_file(tmp_path / "a.txt") == hashlib.sha256(b"").hexdigest()
    hashes = hash_files([tmp_path / "sub" / "b.py", "a.txt"], root=tmp_path)
    assert list(hashes) == ["a.txt", "sub/b.py"]
    assert hashes["sub/b.py"] == hashlib.sha256(b"print(1)\n").hexdigest()
    with pytest.raises(ValueError, match="outside the root"):
        hash_files([ROOT / "pyproject.toml"], root=tmp_path)
    with pytest.raises(FileNotFoundError, match="no file"):
        hash_files(["missing.py"], root=tmp_path)
    with pytest.raises(ValueError, match="at least one file"):
        hash_files([], root=tmp_path)
    with pytest.raises(ValueError, match="root must be a directory"):
        hash_files(["a.txt"], root=tmp_path / "a.txt")


def test_record_round_trip_and_staleness(tmp_path: Path) -> None:
    code = tmp_path / "code.py"
    code.write_text("x = 1\n")
    record = make_record("demo", {"t": [1.0, None]}, files=[code], root=tmp_path, notes=["a note"])
    assert tuple(record) == RESULT_KEYS
    path = write_results(tmp_path / "results" / "demo.json", record)
    assert read_results(path) == record
    assert stale_files(record, root=tmp_path) == []
    assert stale_results(tmp_path / "results", root=tmp_path) == {}
    code.write_text("x = 2\n")
    assert stale_files(record, root=tmp_path) == ["code.py (changed)"]
    assert stale_results(tmp_path / "results", root=tmp_path) == {"demo.json": ["code.py (changed)"]}
    assert stale_results(tmp_path / "results", root=tmp_path, skip=["demo.json"]) == {}
    code.unlink()
    assert stale_files(record, root=tmp_path) == ["code.py (missing)"]


def test_record_validation(tmp_path: Path) -> None:
    (tmp_path / "f.py").write_text("")
    with pytest.raises(ValueError, match="lower-case file stem"):
        make_record("Bad Name", {}, files=["f.py"], root=tmp_path)
    with pytest.raises(TypeError, match="notes must be a sequence of strings"):
        make_record("ok", {}, files=["f.py"], root=tmp_path, notes="one string")
    with pytest.raises(ValueError, match="SHA-256 hex digest"):
        make_record("ok", {}, files=[], root=tmp_path, hashes={"f.py": "not a hash"})
    record = make_record("ok", {"x": float("nan")}, files=["f.py"], root=tmp_path)
    with pytest.raises(ValueError, match="NaN or an infinity"):
        write_results(tmp_path / "ok.json", record)
    with pytest.raises(ValueError, match="lacks data"):
        write_results(tmp_path / "ok.json", {k: v for k, v in record.items() if k != "data"})
    (tmp_path / "list.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="JSON object"):
        read_results(tmp_path / "list.json")
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(ValueError, match="not valid JSON"):
        read_results(tmp_path / "broken.json")
    (tmp_path / "other.json").write_text('{"name": "x"}')
    with pytest.raises(ValueError, match="lacks mvcalc_version"):
        read_results(tmp_path / "other.json")
    bad = dict(record, data={}, files={"f.py": "abc"})
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    with pytest.raises(ValueError, match="SHA-256 hash"):
        read_results(tmp_path / "bad.json")
    with pytest.raises(FileNotFoundError, match="make bench"):
        read_results(tmp_path / "none.json")
    with pytest.raises(ValueError, match="'files' mapping"):
        stale_files({"files": 3}, root=tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="no results files"):
        stale_results(tmp_path / "empty", root=tmp_path)


def test_pending_results_only_while_being_measured(tmp_path: Path, monkeypatch) -> None:
    missing = tmp_path / "book.json"
    monkeypatch.delenv(MEASURING_ENV, raising=False)
    assert being_measured() == set()
    with pytest.raises(FileNotFoundError, match="make bench"):
        read_results_or_pending(missing)
    monkeypatch.setenv(MEASURING_ENV, "gradients.json, book.json")
    assert being_measured() == {"gradients.json", "book.json"}
    assert read_results_or_pending(missing) is None
    with pytest.raises(FileNotFoundError):
        read_results_or_pending(tmp_path / "other.json")


def test_describe_results() -> None:
    record = {"date": "2026-03-04T23:30:00-02:00", "mvcalc_version": "9.9",
              "machine": {"cpu": "Z", "usable_cpus": 4, "os": "Linux 6", "architecture": "arm64",
                          "python": "3.12.1", "numpy": "2.0.0", "load_average": None}}
    text = describe_results(record)
    assert text.startswith("measured on 5 March 2026 at 01:30 UTC with mvcalc 9.9 on 4 CPUs (Z)")
    assert "load average" not in text
    with pytest.raises(ValueError, match="'date'"):
        describe_results({"date": "2026-01-01"})


# --- derivatives ---------------------------------------------------------------------

SYMPY_BATTERY = [
    sp.exp(X), sp.sin(X), sp.cos(X), sp.log(X), sp.sqrt(X), sp.tanh(X), 1 / (1 + sp.exp(-X)),
    1 / (1 + X**2), X**5 - 3 * X, sp.exp(-(X**2)), sp.exp(sp.sin(X)), sp.sin(2 * X**5 + 3 * X) / sp.exp(7 * X),
]


@pytest.mark.parametrize(("case", "expr"), list(zip(DERIVATIVE_BATTERY, SYMPY_BATTERY)), ids=lambda c: getattr(c, "name", ""))
def test_battery_derivatives_against_sympy(case: DerivativeCase, expr: sp.Expr) -> None:
    x = sp.Float(case.x, 30)
    assert math.isclose(case.f(case.x), float(expr.evalf(30, subs={X: x})), rel_tol=1e-14)
    exact = float(sp.diff(expr, X).evalf(30, subs={X: x}))
    assert math.isclose(case.dfdx(case.x), exact, rel_tol=1e-14)
    assert exact != 0
    # and it takes a complex argument, as the complex step needs
    assert np.iscomplexobj(case.f(case.x + 1e-20j))


def test_battery_is_complete() -> None:
    assert len(DERIVATIVE_BATTERY) == len(SYMPY_BATTERY) == 12
    assert len({c.name for c in DERIVATIVE_BATTERY}) == 12


def test_floors() -> None:
    assert FLOORS == {"forward": math.sqrt(EPS), "central": EPS ** (2 / 3), "complex": EPS}


def test_derivative_errors_follow_the_error_models() -> None:
    hs = np.array([1e-2, 1e-3])
    err = derivative_errors(hs)
    assert set(err) == {"forward", "central", "complex"}
    assert all(e.shape == (12, 2) for e in err.values())
    # truncation: first order for forward differences, second for central and complex
    assert np.all(np.abs(np.log10(err["forward"][:, 0] / err["forward"][:, 1]) - 1) < 0.15)
    assert np.all(np.abs(np.log10(err["central"][:, 0] / err["central"][:, 1]) - 2) < 0.15)
    tiny = derivative_errors([1e-20], methods=["complex"])["complex"]
    assert np.all(tiny <= 2 * EPS)


@pytest.mark.parametrize(
    ("hs", "kwargs", "error", "match"),
    [
        ([1e-16], {}, ValueError, "x \\+ h == x"),
        ([], {}, ValueError, "at least one step"),
        ([-1e-3], {}, ValueError, "greater than 0"),
        ([1e-3], {"methods": "central"}, TypeError, "sequence of method names"),
        ([1e-3], {"methods": ["sideways"]}, ValueError, "unknown method"),
        ([1e-3], {"battery": []}, ValueError, "at least one DerivativeCase"),
        ([1e-3], {"battery": [np.sin]}, TypeError, "DerivativeCase"),
        ([1e-3], {"battery": [DerivativeCase("cos", np.cos, lambda x: -np.sin(x), 0.0)]}, ValueError, "f'\\(x\\) = 0"),
    ],
)
def test_derivative_errors_validation(hs, kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        derivative_errors(hs, **kwargs)


def test_default_step_errors_sit_near_the_floors() -> None:
    err = default_step_errors()
    for m, e in err.items():
        assert e.shape == (12,) and np.all(e <= 4 * FLOORS[m]), m
    # the default step is derivative()'s own: the same errors as finite_difference_error at optimal_step
    case = DERIVATIVE_BATTERY[3]
    same = derivative_errors([optimal_step("central", case.x)], methods=["central"], battery=[case])["central"]
    assert same[0, 0] == err["central"][3]
    with pytest.raises(TypeError, match="sequence of method names"):
        default_step_errors(methods="forward")
    with pytest.raises(ValueError, match="unknown method"):
        default_step_errors(methods=["upward"])
    with pytest.raises(TypeError, match="DerivativeCase"):
        default_step_errors(battery=[np.sin])
    with pytest.raises(ValueError, match="f'\\(x\\) = 0"):
        default_step_errors(battery=[DerivativeCase("cos", np.cos, lambda x: -np.sin(x), 0.0)])


def test_complex_step_needs_no_minimum_step() -> None:
    assert derivative_errors([1e-300], methods=["complex"])["complex"].shape == (12, 1)


# --- gradients -------------------------------------------------------------------------


def test_log_partition_against_sympy() -> None:
    xs = sp.symbols("x0:4", real=True)
    expr = sp.log(1 + sum(sp.exp(v) for v in xs))
    point = [0.3, -0.7, 1.1, -0.2]
    subs = {v: sp.Float(p, 30) for v, p in zip(xs, point)}
    assert math.isclose(log_partition(np.array(point)), float(expr.evalf(30, subs=subs)), rel_tol=1e-15)
    exact = [float(sp.diff(expr, v).evalf(30, subs=subs)) for v in xs]
    assert np.allclose(log_partition_gradient(point), exact, rtol=1e-15, atol=0)


def test_log_partition_gradient_does_not_overflow() -> None:
    g = log_partition_gradient([1000.0, 1000.0])
    assert np.allclose(g, [0.5, 0.5])
    assert np.allclose(log_partition_gradient([-1000.0]), [0.0])


@pytest.mark.parametrize("bad", [np.zeros((2, 2)), np.zeros(0)])
def test_log_partition_validation(bad) -> None:
    with pytest.raises(ValueError, match="non-empty 1-D array"):
        log_partition(bad)
    with pytest.raises(ValueError, match="non-empty 1-D array"):
        log_partition_gradient(bad)


def test_log_partition_runs_on_values_and_complex_numbers() -> None:
    x = np.array([0.5, -0.25])
    leaves = np.array([Value(0.5), Value(-0.25)], dtype=object)
    out = log_partition(leaves)
    out.backward()
    assert np.allclose([v.grad for v in leaves], log_partition_gradient(x), rtol=1e-15)
    assert np.iscomplexobj(log_partition(x + 1e-20j))


@pytest.mark.parametrize("method", GRADIENT_METHODS)
def test_gradient_by_each_method(method: str) -> None:
    x = np.random.default_rng(1).uniform(-1, 1, 7)
    g = gradient_by(method, log_partition, x)
    tol = {"forward": 1e-6, "central": 1e-9, "complex": 1e-15, "reverse": 1e-15}[method]
    assert np.allclose(g, log_partition_gradient(x), rtol=tol, atol=0)


def test_gradient_by_validation() -> None:
    with pytest.raises(ValueError, match="unknown method"):
        gradient_by("adjoint", log_partition, np.ones(2))
    with pytest.raises(TypeError, match="callable"):
        gradient_by("reverse", 3, np.ones(2))
    with pytest.raises(TypeError, match="callable"):
        count_evaluations("reverse", None, np.ones(2))


@settings(deadline=None, max_examples=15)
@given(st.integers(min_value=1, max_value=25))
def test_evaluation_counts(n: int) -> None:
    x = np.linspace(-1, 1, n)
    counts = {m: count_evaluations(m, log_partition, x) for m in GRADIENT_METHODS}
    assert counts == {"forward": n + 1, "central": 2 * n, "complex": n, "reverse": 1}


def test_gradient_benchmark_rows() -> None:
    rows = gradient_benchmark([1, 5], repeat=2, min_time=0.001)
    assert [r["n"] for r in rows] == [1, 5]
    for r in rows:
        assert set(r) == {"n", "timer", "f", "gradient_norm", "evaluations", "error", "timings", "cost",
                          "versus_reverse"}
        assert r["timer"] == "cpu"
        x = np.random.default_rng(0).uniform(-1.0, 1.0, 1) if r["n"] == 1 else None
        if x is not None:
            assert r["f"] == log_partition(x) and r["gradient_norm"] == np.max(log_partition_gradient(x))
        assert r["error"]["complex"] < 1e-15 and r["error"]["reverse"] < 1e-15
        assert 1e-13 < r["error"]["central"] < 1e-8 and 1e-10 < r["error"]["forward"] < 1e-5
        assert set(r["timings"]) == {"f on float", "f on complex", "f on Value", "gradient forward",
                                     "gradient central", "gradient complex", "gradient reverse"}
        assert all(t["runs"] == 2 for t in r["timings"].values())
        assert all(c["q1"] <= c["median"] <= c["q3"] for c in r["cost"].values())
        assert r["versus_reverse"]["reverse"] == {"median": 1.0, "q1": 1.0, "q3": 1.0}
    json.dumps(rows, allow_nan=False)  # storable as it is
    only = gradient_benchmark([3], methods=["central"], repeat=1, min_time=0.001)[0]
    assert set(only["timings"]) == {"f on float", "gradient central"} and "versus_reverse" not in only


def test_gradient_error_models() -> None:
    rows = gradient_benchmark([1, 50], methods=["forward", "central"], repeat=1, min_time=0.001)
    models = gradient_error_models(rows)
    for m in ("forward", "central"):
        ratio = np.array([r["error"][m] for r in rows]) / models[m]
        assert np.all((ratio > 0.01) & (ratio < 3)), (m, ratio)
    with pytest.raises(ValueError, match="needs f and gradient_norm"):
        gradient_error_models([{"f": 1.0}])
    with pytest.raises(ValueError, match="is 0"):
        gradient_error_models([{"f": 1.0, "gradient_norm": 0.0}])
    with pytest.raises(ValueError, match="at least one"):
        gradient_error_models([])


@pytest.mark.parametrize(
    ("ns", "kwargs", "error", "match"),
    [
        ([0], {}, ValueError, "at least 1"),
        ([2.5], {}, ValueError, "whole numbers"),
        ([], {}, ValueError, "whole numbers"),
        ([2], {"methods": "reverse"}, TypeError, "sequence of method names"),
        ([2], {"methods": ["symbolic"]}, ValueError, "unknown method"),
        ([2], {"repeat": 0}, ValueError, "repeat must be at least 1"),
        ([2], {"seed": -1}, ValueError, "seed must be at least 0"),
        ([2], {"exact": lambda x: np.zeros_like(x)}, ValueError, "exact gradient is zero"),
        ([2], {"f": "log"}, TypeError, "callable"),
    ],
)
def test_gradient_benchmark_validation(ns, kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        gradient_benchmark(ns, repeat=kwargs.pop("repeat", 1), min_time=0.001, **kwargs)


# --- the book itself ---------------------------------------------------------------------


def test_page_weight_counts_each_local_file_once(tmp_path: Path) -> None:
    (tmp_path / "book").mkdir()
    (tmp_path / "_static").mkdir()
    (tmp_path / "_images").mkdir()
    (tmp_path / "_static" / "a.js").write_bytes(b"x" * 100)
    (tmp_path / "_static" / "s.css").write_bytes(b"y" * 30)
    (tmp_path / "_images" / "f%20g.png").write_bytes(b"z" * 7)
    page = (
        '<html><head><script src="../_static/a.js?v=1"></script><script src="../_static/a.js"></script>'
        '<script src="https://cdn.example.org/x.js"></script><script>inline()</script>'
        '<link rel="stylesheet" href="../_static/s.css"><link rel="icon" href="../_static/a.js"></head>'
        '<body><img src="../_images/f%2520g.png" alt="f"><img src="data:image/png;base64,AAAA" alt="d"></body></html>'
    )
    (tmp_path / "book" / "p.html").write_text(page)
    w = page_weight(tmp_path, "book/p")
    assert w == {"html": len(page), "images": 7, "scripts": 100, "styles": 30, "total": len(page) + 137}
    (tmp_path / "_static" / "s.css").unlink()
    with pytest.raises(FileNotFoundError, match="which the site lacks"):
        page_weight(tmp_path, "book/p")
    with pytest.raises(FileNotFoundError, match="no page"):
        page_weight(tmp_path, "book/q")
    with pytest.raises(TypeError, match="page name"):
        page_weight(tmp_path, "")


def test_execution_times_from_a_build_log() -> None:
    log = (
        "\x1b[01mreading sources... \x1b[39;49;00m\n"
        "/tmp/r/book/01-a.md: Executing notebook using local CWD [mystnb]\n"
        "/tmp/r/book/01-a.md: Executed notebook in 17.66 seconds [mystnb]\n"
        "/tmp/r/book/appendix-b.md: Executed notebook in 3.5 seconds [mystnb]\n"
        "/tmp/r/book/02-c.md: Using cached notebook: ID=3 [mystnb]\n"
    )
    assert execution_times(log) == {"/tmp/r/book/01-a": 17.66, "/tmp/r/book/appendix-b": 3.5}
    assert execution_times(log, root="/tmp/r") == {"book/01-a": 17.66, "book/appendix-b": 3.5}
    assert execution_times("nothing executed") == {}
    with pytest.raises(TypeError, match="text of a build log"):
        execution_times(None)


def test_the_tool_measures_the_inputs_of_the_book(tmp_path: Path) -> None:
    tool = load_tool()
    files = ["README.md", "_config.yml", "book/intro.md", "bench/results/book.json", "code/mvcalc/bench.py",
             "tests/test_bench.py", "tools/bench.py", ".github/workflows/publish.yml", "code/other.py",
             "tests/browser/test_pages.py", "tests/site/test_rendered_pages.py"]
    assert tool.book_inputs(files) == ["_config.yml", "book/intro.md", "code/mvcalc/bench.py",
                                       "tests/test_bench.py", "tools/bench.py"]
    for name in ("a.txt", "_build/html/x.html", ".venv/bin/python", "sub/__pycache__/m.pyc", "sub/m.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    assert tool.working_tree_files(tmp_path) == ["a.txt", "sub/m.py"]
    assert set(tool.GRADIENT_FILES) <= set(tool.working_tree_files(ROOT))


def test_the_tool_reports_a_failed_step(tmp_path: Path) -> None:
    tool = load_tool()
    logfile = tmp_path / "step.log"
    status = tool.run_timed([sys.executable, "-c", "import sys; print('boom'); sys.exit(3)"], tmp_path, {}, logfile)
    assert status["returncode"] == 3 and status["wall"] >= 0 and status["cpu"] >= 0
    with pytest.raises(SystemExit, match="failed in the copy"):
        tool.fail("a step", logfile, None)
    # a failed build: the failing cell, which comes long before the end of the log, is shown too
    cell = ["WARNING: Executing notebook failed: CellExecutionError", "assert filip_qr.min_digits > 7.5",
            "AssertionError"]
    lines = ["reading sources"] * 100 + cell + ["Traceback (most recent call last):"] * 100
    excerpt = tool.failure_excerpt(lines)
    assert excerpt[:3] == cell and excerpt[-40:] == lines[-40:]
    assert tool.failure_excerpt(["a", "b"]) == ["a", "b"]
    logfile.write_text("...\n===== 12 passed, 1 skipped in 3.21s =====\n")
    assert tool.pytest_summary(logfile) == "12 passed, 1 skipped in 3.21s"


# --- figures -----------------------------------------------------------------------------


def _close(fig) -> None:
    plt.close(fig)


def test_plot_battery_errors() -> None:
    hs = np.logspace(-12, -2, 6)
    errors = {"forward": np.tile(hs, (3, 1)), "complex": np.zeros((3, 6))}
    fig, ax = plotting.plot_battery_errors(hs, errors, floors={"forward": 1e-8, "complex": EPS})
    assert len(ax.get_legend().get_texts()) == 2
    assert ax.get_ylim()[0] < EPS / 10  # the zeros are shown, on their own level
    assert fig.get_facecolor() == (1.0, 1.0, 1.0, 1.0)
    _close(fig)
    with pytest.raises(ValueError, match="shape"):
        plotting.plot_battery_errors(hs, {"forward": np.ones(6)})
    with pytest.raises(ValueError, match="not among"):
        plotting.plot_battery_errors(hs, errors, floors={"central": 1e-11})
    with pytest.raises(ValueError, match="non-negative"):
        plotting.plot_battery_errors(hs, {"forward": -np.ones((1, 6))})
    with pytest.raises(ValueError, match="at least one method"):
        plotting.plot_battery_errors(hs, {})


def test_plot_battery_floors() -> None:
    fig, ax = plotting.plot_battery_floors(["a", "b"], {"forward": [1e-8, 2e-9], "complex": [0.0, 1e-16]},
                                           floors={"forward": 1.5e-8, "complex": EPS})
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    assert ax.get_yticks()[0] > ax.get_yticks()[1]  # the first function at the top
    _close(fig)
    with pytest.raises(ValueError, match="one error per function"):
        plotting.plot_battery_floors(["a"], {"forward": [1.0, 2.0]})
    with pytest.raises(ValueError, match="at least one function"):
        plotting.plot_battery_floors([], {"forward": []})


def test_plot_gradient_benchmark() -> None:
    rows = gradient_benchmark([1, 4], repeat=1, min_time=0.001)
    fig, axes = plotting.plot_gradient_benchmark(rows, floors={"forward": 1.5e-8}, models={"model": [1e-8, 1e-7]})
    assert len(axes) == 2 and axes[0].get_xscale() == "log"
    _close(fig)
    with pytest.raises(ValueError, match="one value per row"):
        plotting.plot_gradient_benchmark(rows, models={"model": [1.0]})
    with pytest.raises(ValueError, match="missing"):
        plotting.plot_gradient_benchmark([{"n": 1}])
    with pytest.raises(ValueError, match="at least one measurement"):
        plotting.plot_gradient_benchmark([])


def test_plot_solver_comparison() -> None:
    rows = [
        {"problem": "P", "method": "ours", "success": True, "f evals": 10, "f - f*": 0.0},
        {"problem": "P", "method": "theirs", "success": False, "f evals": 100, "f - f*": 1e-3},
        {"problem": "Q", "method": "ours", "success": True, "f evals": 5, "f - f*": -1e-14},
    ]
    fig, axes = plotting.plot_solver_comparison(rows)
    assert [t.get_text() for t in axes[0].get_yticklabels()] == ["P", "Q"]
    _close(fig)
    with pytest.raises(ValueError, match="compare_with_scipy"):
        plotting.plot_solver_comparison([{"problem": "P"}])
    with pytest.raises(ValueError, match="at least one run"):
        plotting.plot_solver_comparison([])


BOOK_DATA = {
    "clean_build": {"wall": 200.0}, "rebuild": {"wall": 4.0}, "unit_tests": {"wall": 70.0},
    "execution": {"book/01-a": 20.0, "book/appendix-b": 5.0},
}


def test_plot_book_times() -> None:
    fig, ax = plotting.plot_book_times(BOOK_DATA, labels={"book/01-a": "chapter 1"})
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["clean build", "rebuild, nothing changed", "unit tests", "executing chapter 1",
                      "executing appendix-b"]
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths == sorted([1.0, 0.02, 0.35, 0.1, 0.025])
    _close(fig)
    with pytest.raises(ValueError, match="book.json"):
        plotting.plot_book_times({"clean_build": {"wall": 1.0}})
    with pytest.raises(ValueError, match="greater than 0"):
        plotting.plot_book_times({**BOOK_DATA, "clean_build": {"wall": 0.0}})


def test_plot_page_weight() -> None:
    pages = {"book/a": {"html": 1000, "images": 2000, "scripts": 3000, "styles": 500},
             "book/b": {"html": 10, "images": 0, "scripts": 3000, "styles": 500}}
    fig, ax = plotting.plot_page_weight(pages)
    assert sorted(p.get_width() for p in ax.patches) == sorted([1.0, 0.01, 2.0, 0.0, 3.5, 3.5])
    _close(fig)
    with pytest.raises(ValueError, match="missing"):
        plotting.plot_page_weight({"book/a": {"html": 1}})
    with pytest.raises(ValueError, match="at least one page"):
        plotting.plot_page_weight({})


def test_book_figures_while_being_measured() -> None:
    for helper in (plotting.plot_book_times, plotting.plot_page_weight):
        fig, ax = helper(None)
        assert "being measured by make bench" in ax.texts[0].get_text()
        _close(fig)
