"""The site's icon fonts (book/_ext/mvcalc_fonts.py), checked against the theme's originals.

Each Font Awesome font in the built site is a cut of the theme's own: it holds
the icon of every Font Awesome class on the site's pages (the classes read here
from the pages with Beautiful Soup, their code points from the theme's
stylesheet, and the font chosen as Font Awesome chooses it: brands for
``fa-brands``, regular for ``fa-regular``, solid otherwise) and the theme's
admonition icons, each glyph drawn exactly as in the original with the same
advance, and it is less than a fifth of the original's size. The site's copy
of the theme's stylesheet keeps the rule of every icon the pages show, and
only those of Font Awesome's icons. The browser tests check the other side:
every icon a page draws is in the font it is drawn from.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[2]
HTML = Path(os.environ.get("MVCALC_HTML", ROOT / "_build" / "html"))
_spec = importlib.util.spec_from_file_location("mvcalc_fonts", ROOT / "book" / "_ext" / "mvcalc_fonts.py")
mvcalc_fonts = importlib.util.module_from_spec(_spec)
sys.modules["mvcalc_fonts"] = mvcalc_fonts
_spec.loader.exec_module(mvcalc_fonts)

import pydata_sphinx_theme  # noqa: E402

THEME = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
ORIGINALS = THEME / mvcalc_fonts.WEBFONTS
SITE_FONTS = HTML / "_static" / mvcalc_fonts.WEBFONTS
FONT_FILES = sorted(p.name for p in ORIGINALS.iterdir() if p.suffix in mvcalc_fonts.FONT_SUFFIXES)

if not (HTML / "index.html").exists():
    pytest.fail(f"no built site in {HTML}: run 'make book' first", pytrace=False)


def _font_for(classes: set[str]) -> str:
    """The file stem of the font that Font Awesome 6 draws an element's icon with."""
    if classes & {"fa-brands", "fab"}:
        return "fa-brands-400"
    if classes & {"fa-regular", "far"}:
        return "fa-regular-400"
    return "fa-solid-900"


def _shown_icons() -> dict[str, set[int]]:
    """For each font (file stem), the code points of the icons that the site's pages show with it."""
    icons, _ = mvcalc_fonts.stylesheet_characters((THEME / "styles" / "pydata-sphinx-theme.css").read_text())
    shown: dict[str, set[int]] = {}
    for page in HTML.rglob("*.html"):
        for tag in BeautifulSoup(page.read_text(), "html.parser").find_all(class_=True):
            classes = set(tag.get("class"))
            for name in classes & set(icons):
                shown.setdefault(_font_for(classes), set()).update(ord(c) for c in icons[name])
    return shown


def _drawing(font: TTFont, code: int) -> list:
    glyphs = font.getGlyphSet()
    pen = DecomposingRecordingPen(glyphs)
    glyphs[font.getBestCmap()[code]].draw(pen)
    return pen.value


@pytest.mark.parametrize("name", FONT_FILES)
def test_each_icon_font_is_a_small_cut_of_the_theme_font(name: str) -> None:
    original, site = TTFont(ORIGINALS / name), TTFont(SITE_FONTS / name)
    kept = set(site.getBestCmap())
    assert kept <= set(original.getBestCmap())
    for code in kept:
        assert _drawing(site, code) == _drawing(original, code), f"U+{code:04X} drawn differently"
        assert site["hmtx"][site.getBestCmap()[code]] == original["hmtx"][original.getBestCmap()[code]]
    assert (SITE_FONTS / name).stat().st_size < (ORIGINALS / name).stat().st_size / 5


def test_every_icon_on_the_pages_is_in_its_font() -> None:
    shown = _shown_icons()
    # The header's menu (solid) and repository (brands) buttons are on every page.
    assert 0xF0C9 in shown["fa-solid-900"] and 0xF09B in shown["fa-brands-400"]
    for stem, codes in shown.items():
        for suffix in mvcalc_fonts.FONT_SUFFIXES:
            missing = codes - set(TTFont(SITE_FONTS / (stem + suffix)).getBestCmap())
            assert not missing, f"{stem}{suffix} lacks " + ", ".join(f"U+{c:04X}" for c in sorted(missing))


def test_the_theme_icons_drawn_by_stylesheets_are_in_the_solid_font() -> None:
    css = (THEME / "styles" / "pydata-sphinx-theme.css").read_text()
    _, others = mvcalc_fonts.stylesheet_characters(css)
    admonitions = {ord(c) for c in others if 0xE000 <= ord(c) <= 0xF8FF}
    # A note's and a tip's icon, at least (info-circle and lightbulb).
    assert {0xF05A, 0xF0EB} <= admonitions
    solid = set(TTFont(ORIGINALS / "fa-solid-900.woff2").getBestCmap())
    for suffix in mvcalc_fonts.FONT_SUFFIXES:
        site = set(TTFont(SITE_FONTS / ("fa-solid-900" + suffix)).getBestCmap())
        assert admonitions & solid <= site


def test_the_site_stylesheet_keeps_the_rule_of_every_icon_the_pages_show() -> None:
    original = (THEME / "styles" / "pydata-sphinx-theme.css").read_text()
    site = (HTML / "_static" / "styles" / "pydata-sphinx-theme.css").read_text()
    theme_icons, theme_others = mvcalc_fonts.stylesheet_characters(original)
    site_icons, site_others = mvcalc_fonts.stylesheet_characters(site)
    classes = set()
    for page in HTML.rglob("*.html"):
        for tag in BeautifulSoup(page.read_text(), "html.parser").find_all(class_=True):
            classes.update(tag.get("class"))
    shown = classes & set(theme_icons)
    assert {"fa-bars", "fa-github", "fa-magnifying-glass"} <= shown
    for name in shown:
        assert site_icons.get(name) == theme_icons[name], f"{name}: its rule is missing from the site's stylesheet"
    assert site_others == theme_others
    # The rules of the other two thousand icons are gone, and nothing else.
    assert len(site_icons) < 100 < 1000 < len(theme_icons)
    assert len(site) < 0.85 * len(original)


def test_every_page_preloads_the_icon_fonts_from_the_site(site_pages: dict[Path, str]) -> None:
    """Each page's head asks for each preloaded font once, in CORS mode, at a
    path that is the site's copy of that font (so the browser uses the preload
    for the stylesheet's request of it). Every page of the site (the fixture
    site_pages): not the redirect that Jupyter Book writes as index.html."""
    assert len(site_pages) > 20
    for page, text in site_pages.items():
        head = BeautifulSoup(text, "html.parser").head
        preloads = head.find_all("link", rel="preload", attrs={"as": "font"})
        targets = sorted((page.parent / link["href"]).resolve() for link in preloads)
        want = sorted((SITE_FONTS / name).resolve() for name in mvcalc_fonts.PRELOADED_FONTS)
        assert targets == want, f"{page.relative_to(HTML)}: {[link['href'] for link in preloads]}"
        assert all(t.is_file() for t in targets), page
        assert all(link.get("crossorigin") == "anonymous" and link.get("type") == "font/woff2" for link in preloads), page
