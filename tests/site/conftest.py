"""Fixtures for the checks of the built site's files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HTML = Path(os.environ.get("MVCALC_HTML", ROOT / "_build" / "html"))


@pytest.fixture(scope="session")
def site_pages() -> dict[Path, str]:
    """Every page of the site, by path, with its text: the book's and those Sphinx
    generates (search, the indices); not the files under folders that start
    with ``_`` (sources, downloads), nor the redirect that Jupyter Book writes
    as index.html."""
    files = [f for f in sorted(HTML.rglob("*.html")) if not any(part.startswith("_") for part in f.relative_to(HTML).parts)]
    texts = {f: f.read_text(encoding="utf-8") for f in files}
    return {f: text for f, text in texts.items() if 'http-equiv="Refresh"' not in text}
