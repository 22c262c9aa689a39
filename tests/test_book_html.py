"""Build-time fixes of the HTML (book/_ext/mvcalc_html.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("mvcalc_html", ROOT / "book" / "_ext" / "mvcalc_html.py")
mvcalc_html = importlib.util.module_from_spec(_spec)
sys.modules["mvcalc_html"] = mvcalc_html
_spec.loader.exec_module(mvcalc_html)


def test_the_static_files_digest_follows_names_and_contents(tmp_path: Path) -> None:
    """A change to a static file alone must rebuild the pages (they link it with its checksum)."""
    folder = tmp_path / "_static"
    (folder / "sub").mkdir(parents=True)
    (folder / "mvcalc.css").write_text("a { color: red }")
    (folder / "sub" / "mvcalc.js").write_text("x = 1;")
    first = mvcalc_html.static_files_digest([folder])
    assert mvcalc_html.static_files_digest([folder]) == first
    (folder / "mvcalc.css").write_text("a { color: blue }")
    changed = mvcalc_html.static_files_digest([folder])
    assert changed != first
    (folder / "sub" / "mvcalc.js").rename(folder / "sub" / "other.js")
    assert mvcalc_html.static_files_digest([folder]) != changed
