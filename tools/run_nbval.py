"""Execute MyST Markdown chapters with nbval, reading them through jupytext.

Usage: ``python tools/run_nbval.py [--outdir DIR] CHAPTER.md [CHAPTER.md ...]``

Each chapter is converted in memory by jupytext and written as a notebook into
``--outdir`` (default ``_build/nbval``, which git ignores; nothing converted is
committed), keeping its name, then ``pytest --nbval-lax`` runs every cell of
every notebook. A cell that raises fails the run, and pytest's report names the
chapter and the cell (``01-what-is-calculus.ipynb::Cell 7``). Exits with
pytest's status; "no tests collected" (status 5) is a failure too.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat


def convert(sources: list[Path], outdir: Path) -> list[Path]:
    """Write each MyST source as a notebook in ``outdir``; return their paths."""
    outdir.mkdir(parents=True, exist_ok=True)
    for stale in outdir.glob("*.ipynb"):
        stale.unlink()
    notebooks = []
    for src in sources:
        if src.suffix != ".md":
            raise SystemExit(f"run_nbval: {src} is not a MyST Markdown (.md) chapter")
        nb = jupytext.read(src)
        if not any(cell.cell_type == "code" for cell in nb.cells):
            raise SystemExit(f"run_nbval: {src} has no code cells; is its jupytext header missing?")
        target = outdir / (src.stem + ".ipynb")
        nbformat.write(nb, target)
        notebooks.append(target)
    return notebooks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="+", type=Path, help="MyST Markdown chapters")
    parser.add_argument("--outdir", type=Path, default=Path("_build/nbval"))
    args = parser.parse_args(argv)
    notebooks = convert(args.chapters, args.outdir)
    cmd = [
        sys.executable, "-m", "pytest",
        "--nbval-lax",            # run every cell, fail on any error
        "--nbval-current-env",    # the kernel uses this environment's Python
        "--nbval-cell-timeout=600",
        "-o", "addopts=",         # not the unit tests' options (doctests, ...)
        "-p", "no:cacheprovider",
        "--rootdir", str(args.outdir),
        *map(str, notebooks),
    ]
    print("run_nbval:", " ".join(cmd), flush=True)
    status = subprocess.call(cmd)
    if status == 5:
        print("run_nbval: pytest collected no tests: counted as a failure", file=sys.stderr)
        return 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
