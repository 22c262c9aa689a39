"""The Makefile throws away myst-nb's execution cache when mvcalc changes.

myst-nb's cache keys on a chapter's cells only; a change in the package the
cells import would otherwise leave stale outputs in the book.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def make_key(repo: Path) -> None:
    subprocess.run(["make", "--no-print-directory", "execution-key"], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    for name in ("Makefile", "requirements.txt", "pyproject.toml", "_config.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    for folder in ("code/mvcalc", "book/_ext"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def cached(repo: Path) -> Path:
    marker = repo / "_build" / ".jupyter_cache" / "marker"
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("executed outputs")
    return marker


@pytest.mark.parametrize(
    "change",
    ["code/mvcalc/derivatives.py", "book/_ext/mvcalc_book.py", "requirements.txt", "_config.yml"],
)
def test_cache_is_cleared_when_an_input_changes(repo: Path, change: str) -> None:
    make_key(repo)
    marker = cached(repo)
    make_key(repo)
    assert marker.exists(), "nothing changed: the cache must be kept"
    with (repo / change).open("a") as f:
        f.write("\n# changed\n")
    make_key(repo)
    assert not marker.exists(), f"{change} changed but the execution cache was kept"


def test_new_data_file_clears_the_cache(repo: Path) -> None:
    make_key(repo)
    marker = cached(repo)
    (repo / "code" / "mvcalc" / "data").mkdir(exist_ok=True)
    (repo / "code" / "mvcalc" / "data" / "new.dat").write_text("1 2 3\n")
    make_key(repo)
    assert not marker.exists()
