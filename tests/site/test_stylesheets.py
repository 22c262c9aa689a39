"""The site's stylesheets: none waits for another (book/_ext/mvcalc_css.py).

A stylesheet that imports another makes the browser fetch the two one after
the other before it paints anything. The build inlines every import of the
site's stylesheets; this checks the built site.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HTML = Path(os.environ.get("MVCALC_HTML", ROOT / "_build" / "html"))

if not (HTML / "index.html").exists():
    pytest.fail(f"no built site in {HTML}: run 'make book' first", pytrace=False)


def test_no_stylesheet_of_the_site_imports_another() -> None:
    for sheet in sorted((HTML / "_static").rglob("*.css")):
        text = re.sub(r"/\*.*?\*/", "", sheet.read_text(), flags=re.S)
        assert "@import" not in text, f"{sheet.relative_to(HTML)} imports another stylesheet: book/_ext/mvcalc_css.py inlines it"
    # The theme's theme.css was an @import of basic.css: it now holds basic.css's rules.
    theme = (HTML / "_static" / "styles" / "theme.css").read_text()
    assert "div.sphinxsidebarwrapper" in theme and "url(../file.png)" in theme
