"""The icon fonts cut to the site's icons (book/_ext/mvcalc_fonts.py).

The reading of stylesheets is checked on small stylesheets written the ways
Font Awesome and the themes write theirs, and on the theme's own stylesheet
against Font Awesome's published code points. Cutting a font is checked against
the theme's original font: every kept glyph is drawn exactly as before, and
nothing else is kept.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("mvcalc_fonts", ROOT / "book" / "_ext" / "mvcalc_fonts.py")
mvcalc_fonts = importlib.util.module_from_spec(_spec)
sys.modules["mvcalc_fonts"] = mvcalc_fonts
_spec.loader.exec_module(mvcalc_fonts)

import pydata_sphinx_theme  # noqa: E402

THEME = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
THEME_CSS = THEME / "static" / "styles" / "pydata-sphinx-theme.css"
ORIGINALS = THEME / "static" / mvcalc_fonts.WEBFONTS


def test_css_escapes() -> None:
    assert mvcalc_fonts.css_unescape(r"\f0c9") == "\uf0c9"
    # The one white space that may end a hexadecimal escape belongs to it.
    assert mvcalc_fonts.css_unescape(r"\f0c9 x") == "\uf0c9x"
    assert mvcalc_fonts.css_unescape(r"\0000410") == "A0"
    assert mvcalc_fonts.css_unescape(r"\"\\\'") == "\"\\'"
    assert mvcalc_fonts.css_unescape("a\\\nb") == "ab"
    assert mvcalc_fonts.css_unescape(r"\d800\110000") == "\ufffd\ufffd"
    with pytest.raises(TypeError, match="expects a str"):
        mvcalc_fonts.css_unescape(b"\\f0c9")


def test_icon_rules_and_other_rules_are_told_apart() -> None:
    css = (
        '/* .fa-commented:before{content:"\\f000"} */'
        '.fa-bars:before,.fa-navicon:before{content:"\\f0c9"}'
        ".fa-house::after{content:'\\f015'}"
        '.fa-new{--fa:"\\e000"}'
        "@media (min-width:960px){.fa-wide:before{content:\"\\f111\"}}"
        ':root{--pst-icon-note:"\uf05a";--pst-color:#fff}'
        '.onthispage:after{content:"\\f107";font-family:Font Awesome\\ 6 Free}'
        '.fa-lg{font-size:1.25em}'
        '.fa-bars:before,.toggle:before{content:"\\f00d"}'
    )
    icons, others = mvcalc_fonts.stylesheet_characters(css)
    assert icons == {
        "fa-bars": {"\uf0c9"},
        "fa-navicon": {"\uf0c9"},
        "fa-house": {"\uf015"},
        "fa-new": {"\ue000"},
        "fa-wide": {"\uf111"},
    }
    # A rule that is not all icon selectors draws its characters for whatever matches it.
    assert others == {"\uf05a", "\uf107", "\uf00d"}
    with pytest.raises(TypeError, match="text of a stylesheet"):
        mvcalc_fonts.stylesheet_characters(None)


def test_site_code_points_are_the_named_icons_and_the_stylesheets_own() -> None:
    css = '.fa-bars:before{content:"\\f0c9"}.fa-xmark:before{content:"\\f00d"}.fa-unused:before{content:"\\f111"}'
    css += ':root{--icon:"\\f05a"}'
    pages = ['<i class="fa-solid fa-bars"></i>', 'i.classList="fa-solid fa-xmark"']
    assert mvcalc_fonts.site_code_points([css], pages) == {0xF0C9, 0xF00D, 0xF05A}


# Code points of Font Awesome 6 Free, as fontawesome.com lists them.
PUBLISHED = {
    "fa-bars": 0xF0C9,
    "fa-magnifying-glass": 0xF002,
    "fa-github": 0xF09B,
    "fa-sun": 0xF185,
    "fa-moon": 0xF186,
    "fa-circle-half-stroke": 0xF042,
    "fa-xmark": 0xF00D,
    "fa-pencil-alt": 0xF303,
}


def test_the_theme_stylesheet_is_read_as_font_awesome_publishes_it() -> None:
    icons, others = mvcalc_fonts.stylesheet_characters(THEME_CSS.read_text())
    for name, code in PUBLISHED.items():
        assert icons[name] == {chr(code)}, name
    # The admonitions' icons: --pst-icon-info-circle (a note) and --pst-icon-lightbulb (a tip).
    assert {"\uf05a", "\uf0eb"} <= others
    assert len(icons) > 1000


@pytest.mark.parametrize("name", ["fa-solid-900.woff2", "fa-brands-400.ttf"])
def test_a_cut_font_keeps_exactly_the_asked_glyphs(tmp_path: Path, name: str) -> None:
    source = ORIGINALS / name
    original = TTFont(source)
    cmap = original.getBestCmap()
    wanted = sorted(cmap)[::97][:6] + [0x41]  # six of its icons, and a letter it does not have
    target = tmp_path / name
    mvcalc_fonts.subset_font(source, target, wanted)
    cut = TTFont(target)
    assert cut.flavor == original.flavor
    assert set(cut.getBestCmap()) == set(wanted) & set(cmap)
    orig_glyphs, cut_glyphs = original.getGlyphSet(), cut.getGlyphSet()
    for code in set(wanted) & set(cmap):
        a, b = DecomposingRecordingPen(orig_glyphs), DecomposingRecordingPen(cut_glyphs)
        orig_glyphs[cmap[code]].draw(a)
        cut_glyphs[cut.getBestCmap()[code]].draw(b)
        assert a.value == b.value and a.value, hex(code)
        assert original["hmtx"][cmap[code]] == cut["hmtx"][cut.getBestCmap()[code]]
    # The licence and copyright notices stay in the font.
    names = {(r.nameID, r.toUnicode()) for r in original["name"].names if r.nameID in (0, 13, 14)}
    assert names and names <= {(r.nameID, r.toUnicode()) for r in cut["name"].names}
    assert target.stat().st_size < source.stat().st_size / 10
    # Deterministic: the same input gives the same bytes.
    again = tmp_path / ("again-" + name)
    mvcalc_fonts.subset_font(source, again, wanted)
    assert again.read_bytes() == target.read_bytes()


def test_the_icon_fonts_are_preloaded_from_the_page_folder() -> None:
    """Each page's head asks for the preloaded fonts by a path relative to the
    page, as Sphinx's pathto gives it, in CORS mode; what was there stays."""
    import posixpath

    def pathto(target: str, resource: int = 0) -> str:  # Sphinx's, for the page book/api/nn
        assert resource == 1
        return posixpath.relpath(target, "book/api")

    context = {"pathto": pathto, "metatags": '<meta name="description" content="x" />'}
    mvcalc_fonts.preload_fonts(None, "book/api/nn", "page.html", context, None)
    head = context["metatags"]
    assert head.startswith('<meta name="description" content="x" />')
    for name in mvcalc_fonts.PRELOADED_FONTS:
        assert (ORIGINALS / name).is_file(), name
        link = (f'<link rel="preload" href="../../_static/vendor/fontawesome/webfonts/{name}" '
                'as="font" type="font/woff2" crossorigin="anonymous" />')
        assert head.count(link) == 1, head
    assert head.count("<link") == len(mvcalc_fonts.PRELOADED_FONTS) == 2


def test_the_theme_folder_is_found_in_the_theme_dirs(tmp_path: Path) -> None:
    assert mvcalc_fonts.theme_webfonts([tmp_path, THEME]) == ORIGINALS
    assert mvcalc_fonts.theme_webfonts([tmp_path]) is None


def test_pruning_keeps_only_the_rules_of_used_icons() -> None:
    css = (
        '@charset "UTF-8";.fa-a:before,.fa-b:before{content:"\\f000"}'
        '.fa-c::after{content:"\\f001"}'
        "/* a comment */\n.fa-d{--fa:'\\e000'}"
        "@media (min-width:960px){.fa-e:before{content:\"\\f002\"}}"
        "@media print{.fa-b:before{content:\"\\f003\"}}"
        '.fa-lg{font-size:1.25em}.fa-spin{animation:spin 2s}'
        '.fa-a:before,.toggle:before{content:"\\f004"}'
        ':root{--pst-icon-note:"\\f05a"}'
        "\n/*# sourceMappingURL=theme.css.map*/"
    )
    pruned = mvcalc_fonts.prune_icon_rules(css, {"fa-b", "fa-d", "fa-lg"})
    assert pruned == (
        '@charset "UTF-8";.fa-b:before{content:"\\f000"}'
        "/* a comment */\n.fa-d{--fa:'\\e000'}"
        '@media print{.fa-b:before{content:"\\f003"}}'
        '.fa-lg{font-size:1.25em}.fa-spin{animation:spin 2s}'
        '.fa-a:before,.toggle:before{content:"\\f004"}'
        ':root{--pst-icon-note:"\\f05a"}\n'
    )
    icons, others = mvcalc_fonts.stylesheet_characters(pruned)
    assert icons == {"fa-b": {"\uf000", "\uf003"}, "fa-d": {"\ue000"}}
    assert others == mvcalc_fonts.stylesheet_characters(css)[1]
    # Nothing to remove: the stylesheet, its source map among it, is left exactly as it was.
    assert mvcalc_fonts.prune_icon_rules(css, {"fa-a", "fa-b", "fa-c", "fa-d", "fa-e"}) == css
    with pytest.raises(TypeError, match="text of a stylesheet"):
        mvcalc_fonts.prune_icon_rules(b".fa-a{}", set())
    with pytest.raises(TypeError, match="set of names"):
        mvcalc_fonts.prune_icon_rules(css, "fa-a")


def test_the_theme_stylesheet_pruned_keeps_every_shown_icon_and_every_other_rule() -> None:
    css = THEME_CSS.read_text()
    used = set(PUBLISHED) | {"fa-lg", "fa-solid"}
    pruned = mvcalc_fonts.prune_icon_rules(css, used)
    icons, others = mvcalc_fonts.stylesheet_characters(pruned)
    original_icons, original_others = mvcalc_fonts.stylesheet_characters(css)
    assert icons == {name: original_icons[name] for name in PUBLISHED}
    assert others == original_others
    # Each rule that is not an icon's is still there, character for character.
    for rule in (".fa-lg{", ".fa-solid,.fas{", ".fa-spin{", "@font-face{", ".bd-header{"):
        assert pruned.count(rule) == css.count(rule) > 0, rule
    assert len(pruned) < 0.85 * len(css)


def test_the_site_stylesheet_is_cut_from_the_theme_original(tmp_path: Path) -> None:
    site = tmp_path / "html"
    (site / "_static" / "styles").mkdir(parents=True)
    (site / "_static" / "styles" / "pydata-sphinx-theme.css").write_text(".fa-bars:before{content:\"\\f0c9\"}")
    (site / "_static" / "plain.css").write_text("a{color:red}")
    (site / "index.html").write_text('<i class="fa-solid fa-moon"></i>')
    sizes = mvcalc_fonts.prune_site_icon_rules(site, [tmp_path / "none", THEME / "static"])
    assert list(sizes) == ["styles/pydata-sphinx-theme.css"]
    icons, _ = mvcalc_fonts.stylesheet_characters((site / "_static" / "styles" / "pydata-sphinx-theme.css").read_text())
    # The site's copy had only fa-bars; the theme's original has fa-moon, which the page shows.
    assert icons == {"fa-moon": {"\uf186"}}
    assert (site / "_static" / "plain.css").read_text() == "a{color:red}"
