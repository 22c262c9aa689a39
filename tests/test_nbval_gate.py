"""The nbval gate itself: a chapter with a failing cell must fail the run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"


def run_gate(chapter: Path, outdir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / "run_nbval.py"), "--outdir", str(outdir), str(chapter)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )


@pytest.mark.slow
def test_failing_chapter_fails_and_is_named(tmp_path: Path) -> None:
    result = run_gate(FIXTURES / "failing-chapter.md", tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    # The report names the chapter, the cell and the error.
    assert "failing-chapter.ipynb::Cell 1" in out, out
    assert "ZeroDivisionError" in out, out
    assert "1 failed" in out, out


@pytest.mark.slow
def test_passing_chapter_passes(tmp_path: Path) -> None:
    result = run_gate(FIXTURES / "passing-chapter.md", tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "2 passed" in out, out


def test_gate_rejects_a_file_without_code_cells(tmp_path: Path) -> None:
    md = tmp_path / "prose.md"
    md.write_text("# Only prose\n\nNo cells here.\n")
    result = run_gate(md, tmp_path / "out")
    assert result.returncode != 0
    assert "no code cells" in result.stderr
