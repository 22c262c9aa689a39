"""Measure what the appendix cannot measure live, and write bench/results/*.json (`make bench`).

Usage: ``python tools/bench.py [--only {gradients,book} ...] [--keep] [--toc FILE]``

The appendix *Accuracy and cost* (book/appendix-accuracy.md) runs everything
that takes a few seconds live, whenever the book is built. Two measurements take
longer, and this script makes them and writes their results files, each with
the package version, the date, the machine and the SHA-256 hash of every file
it measured (see mvcalc.bench.make_record); tests/test_bench.py fails when a
measured file has changed since:

gradients.json
    The cost and accuracy of a gradient of n variables, n = 1 to 10,000, by
    forward, central and complex-step differences and by reverse mode
    (mvcalc.bench.gradient_benchmark), timed side by side, five runs each
    (three for n > 1000).
    Measures the modules that compute the gradients.

book.json
    The book itself: a clean build (`make book` from nothing), an unchanged
    rebuild (`make book` again), the unit tests (`make unit`), the seconds each
    page took to execute, and the weight of each built page. Made in a fresh
    copy of the repository in a temporary folder (a git clone with the working
    tree's uncommitted files copied over), so that the shared _build is not
    touched; the copy links the existing .venv and tools/web/node_modules (the
    npm packages: MathJax, which typesets the equations during the build) and
    copies the validator wheel from _build instead of installing them, so environment
    set-up is not in the times. Measures every file the build and the tests read.

Everything runs once, in the order above (the copy of the book then holds the
new gradients.json). The script exits with a non-zero status, and writes no
book.json, when the build or the unit tests fail in the copy.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"

sys.path.insert(0, str(ROOT / "code"))  # the mvcalc of this repository, even outside the venv
from mvcalc import bench  # noqa: E402

#: The numbers of variables of the gradient measurement, and the runs of each
#: timing: five, but three for the largest n, where one run of the three finite
#: differences takes several seconds.
GRADIENT_NS = [1, 3, 10, 30, 100, 300, 1000, 3000, 10000]
GRADIENT_REPEAT = {n: (5 if n <= 1000 else 3) for n in GRADIENT_NS}
#: What the gradient measurement measures: the code that computes and times the gradients.
GRADIENT_FILES = [
    "code/mvcalc/__init__.py",
    "code/mvcalc/_ufuncs.py",
    "code/mvcalc/_validation.py",
    "code/mvcalc/autodiff.py",
    "code/mvcalc/bench.py",
    "code/mvcalc/derivatives.py",
    "code/mvcalc/multivariate.py",
    "requirements.txt",
    "tools/bench.py",
]

#: What the measurement of the book measures: everything the build and the tests read.
BOOK_FILES = ["_config.yml", "_toc.yml", "Makefile", "requirements.txt", "pyproject.toml", "CITATION.cff"]
BOOK_FOLDERS = ["book", "code/mvcalc", "tests", "tools"]
#: ... except the page checks and browser checks of `make test`, which it does not run.
NOT_MEASURED = ["tests/site", "tests/browser"]

# The Makefile's prerequisites that the copy borrows instead of making:
STAMP = ".venv/.installed"
WEB = "tools/web/node_modules/.package-lock.json"
BORROWED = ["_build/cffconvert"]


def log(message: str) -> None:
    print(f"bench: {message}", flush=True)


# --- gradients -------------------------------------------------------------------


def measure_gradients() -> Path:
    before = bench.hash_files(GRADIENT_FILES, root=ROOT)
    log(f"gradients of n = {', '.join(map(str, GRADIENT_NS))} variables (a minute or two)")
    start = time.perf_counter()
    rows = []
    for repeat in sorted(set(GRADIENT_REPEAT.values()), reverse=True):
        ns = [n for n in GRADIENT_NS if GRADIENT_REPEAT[n] == repeat]
        rows += bench.gradient_benchmark(ns, repeat=repeat, seed=0)
    rows.sort(key=lambda row: row["n"])
    seconds = time.perf_counter() - start
    if bench.hash_files(GRADIENT_FILES, root=ROOT) != before:
        raise SystemExit("bench: a measured file changed during the measurement; run 'make bench' again")
    notes = [
        "f is mvcalc.bench.log_partition, ln(1 + sum exp(x_i)), at a point drawn uniformly from [-1, 1]^n "
        "(numpy.random.default_rng(0)); the errors are against its exact gradient, log_partition_gradient.",
        "Each gradient and each single evaluation of f was timed 5 times (3 times for n > 1000), interleaved "
        "(mvcalc.bench.time_side_by_side), after one warm-up run, in processor time of the measuring process; "
        "the costs are run-by-run ratios.",
        f"The whole measurement took {seconds:.0f} s.",
    ]
    record = bench.make_record(
        "gradients",
        {"function": "log_partition", "ns": GRADIENT_NS, "repeat": [GRADIENT_REPEAT[n] for n in GRADIENT_NS],
         "rows": rows},
        files=GRADIENT_FILES,
        root=ROOT,
        hashes=before,
        notes=notes,
    )
    path = bench.write_results(RESULTS / "gradients.json", record)
    log(f"wrote {path.relative_to(ROOT)} ({seconds:.0f} s)")
    return path


# --- the book --------------------------------------------------------------------


def working_tree_files(root: Path) -> list[str]:
    """The files of the working tree that git would track: committed or not, never ignored."""
    if (root / ".git").exists():
        out = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=root, capture_output=True, text=True, check=True,
        ).stdout
        return sorted(f for f in out.split("\0") if f and (root / f).is_file())
    skip = {".git", ".venv", "_build", "node_modules", "__pycache__", ".pytest_cache", ".hypothesis"}
    return sorted(
        p.relative_to(root).as_posix() for p in root.rglob("*")
        if p.is_file() and not skip.intersection(p.relative_to(root).parts)
    )


def toc_files(entries: list[dict]) -> list[str]:
    """The files of toc entries in reading order, with their sections (the API reference's modules)."""
    return [f for e in entries for f in [e["file"], *toc_files(e.get("sections", []))]]


def book_inputs(files: list[str]) -> list[str]:
    return [f for f in files
            if (f in BOOK_FILES or any(f.startswith(d + "/") for d in BOOK_FOLDERS))
            and not any(f.startswith(d + "/") for d in NOT_MEASURED)]


def make_copy(target: Path) -> list[str]:
    """A fresh copy of the repository as it stands; returns the files copied."""
    files = working_tree_files(ROOT)
    if (ROOT / ".git").exists():
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(target)], check=True)
        # tracked files deleted in the working tree
        for name in subprocess.run(["git", "ls-files", "-z"], cwd=target, capture_output=True,
                                   text=True, check=True).stdout.split("\0"):
            if name and not (ROOT / name).exists():
                (target / name).unlink()
    for name in files:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    (target / ".venv").symlink_to(ROOT / ".venv")
    if (ROOT / "tools/web/node_modules").is_dir():
        (target / "tools/web/node_modules").symlink_to(ROOT / "tools/web/node_modules")
    for folder in BORROWED:
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, target / folder)
    return files


def run_timed(cmd: list[str], cwd: Path, env: dict[str, str], logfile: Path) -> dict[str, float | int]:
    """Run a command, its output to ``logfile``; wall-clock and CPU seconds (of it and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with logfile.open("w") as out:
        status = subprocess.run(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT).returncode
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": round(wall, 2), "cpu": round(cpu, 2), "returncode": status}


#: Where a log shows the cause of a failed build: the cell of a page that failed to execute.
_CAUSE = re.compile(r"Executing notebook failed|An error occurred while executing the following cell")


def failure_excerpt(lines: list[str], tail: int = 40, cause: int = 60) -> list[str]:
    """The lines of a failed step's log to show: the failing cell, if any, then the end of the log.

    The end of a failed build is Jupyter Book's traceback, which names the
    page but not the cell; the cell and its traceback come earlier.
    """
    start = next((i for i, line in enumerate(lines) if _CAUSE.search(line)), None)
    if start is None or start >= len(lines) - tail:
        return lines[-tail:]
    return lines[start:start + cause] + ["[...]"] + lines[-tail:]


def fail(what: str, logfile: Path, keep: Path | None) -> None:
    lines = logfile.read_text(errors="replace").splitlines()
    print("\n".join(failure_excerpt(lines)), file=sys.stderr)
    where = f"; the copy is kept in {keep}" if keep else ""
    raise SystemExit(f"bench: {what} failed in the copy of the book (log above){where}")


def pytest_summary(logfile: Path) -> str:
    for line in reversed(logfile.read_text(errors="replace").splitlines()):
        if " in " in line and ("passed" in line or "failed" in line):
            return line.strip("= ").strip()
    return "no pytest summary found"


def measure_book(keep: bool, toc: Path | None = None) -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="mvcalc-bench-"))
    repo = tmp / "repo"
    try:
        log(f"copying the repository to {repo}")
        files = make_copy(repo)
        if toc is not None:
            log(f"building the copy with the table of contents {toc}")
            shutil.copy(toc, repo / "_toc.yml")
        hashes = bench.hash_files(book_inputs(files), root=repo)
        env = {k: v for k, v in os.environ.items() if k not in {"MVCALC_HTML", "MVCALC_TOC", "PYTHONPATH"}}
        env["PYTHONPATH"] = str(repo / "code")  # the copy's mvcalc, not the editable install's
        env["MVCALC_BENCH_MEASURING"] = "book.json"
        borrowed = ["-o", STAMP] + (["-o", WEB] if (repo / WEB).is_file() else [])
        make = ["make", "--no-print-directory", *borrowed]
        steps = {}
        for key, target, what in (
            ("clean_build", "book", "a clean build (make book)"),
            ("rebuild", "book", "a rebuild with nothing changed (make book)"),
            ("unit_tests", "unit", "the unit tests (make unit)"),
        ):
            log(f"timing {what}")
            logfile = tmp / f"{key}.log"
            steps[key] = run_timed([*make, target], repo, env, logfile)
            log(f"  {steps[key]['wall']:.0f} s wall-clock, {steps[key]['cpu']:.0f} s CPU")
            if steps[key]["returncode"] != 0:
                fail(what, logfile, tmp if keep else None)
            if key == "clean_build":
                executed = bench.execution_times(logfile.read_text(errors="replace"), root=repo)
            if key == "rebuild":
                steps[key]["executed"] = sorted(bench.execution_times(logfile.read_text(errors="replace"), root=repo))
            if key == "unit_tests":
                steps[key]["summary"] = pytest_summary(logfile)
        toc = yaml.safe_load((repo / "_toc.yml").read_text())
        pages = [toc["root"]] + [f for part in toc["parts"] for f in toc_files(part["chapters"])]
        html = repo / "_build" / "html"
        weights = {page: bench.page_weight(html, page) for page in pages}
        site = sum(p.stat().st_size for p in html.rglob("*") if p.is_file())
        data = {**steps, "execution": executed, "pages": weights, "site_bytes": site}
        notes = [
            "Measured in a fresh copy of the repository (a git clone with the working tree's uncommitted "
            "files copied over), once each: a clean build takes minutes, so there is no spread to report.",
            "The copy links the existing .venv and npm packages (tools/web/node_modules) and copies the "
            "validator wheel from _build, so creating the environment is not in the times.",
            "Wall-clock and CPU seconds; CPU seconds count the processes that the step started and waited for.",
            "The unit tests are make unit (tests and doctests); nbval, the site checks and the browser "
            "checks of make test are not timed.",
            "Page weight: the page's HTML, its images and the scripts and stylesheets it links, uncompressed, "
            "each file once; not what scripts load later.",
        ]
        if toc is not None:
            notes.append("The copy was built with a table of contents given to tools/bench.py (--toc); "
                         "_toc.yml's recorded hash is that file's.")
        record = bench.make_record("book", data, files=[], root=repo, hashes=hashes, notes=notes)
        path = bench.write_results(RESULTS / "book.json", record)
        log(f"wrote {path.relative_to(ROOT)}")
        return path
    finally:
        if keep:
            log(f"kept the copy in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=["gradients", "book"],
                        help="measure only this (repeatable); by default everything")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy of the book")
    parser.add_argument("--toc", type=Path, help="build the copy with this _toc.yml instead of the repository's")
    args = parser.parse_args(argv)
    only = args.only or ["gradients", "book"]
    start = time.perf_counter()
    if "gradients" in only:
        measure_gradients()
    if "book" in only:
        measure_book(args.keep, args.toc.resolve() if args.toc else None)
    log(f"done in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
