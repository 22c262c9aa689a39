"""Sphinx extension for the book: the theme's icon fonts and their rules, cut down to the icons the site shows.

pydata-sphinx-theme draws its icons (the header's buttons, the sidebar's
toggles, the admonitions' symbols) with three Font Awesome 6 Free fonts:
solid (156 KiB as WOFF2), brands (118 KiB) and regular (25 KiB), each with
every one of Font Awesome's icons. The site shows about twenty of them, yet a
reader's browser downloads the solid and the brands font whole on every first
visit, at the highest priority there is, while it lays out the first screen:
on the introduction those two fonts were 268 KiB of the 425 KiB transferred.
On a phone on a slow network that delays the first paint by more than a
second: in this project's Lighthouse runs, cutting the fonts down raised the
introduction's mobile performance score from 78 to 92-95.

At the end of every HTML build, each of those fonts in the site (the WOFF2
files that browsers load and the TrueType files the theme names as their
fallback) is written again from the theme's own copy with only the glyphs the
site can show:

* the icon of every ``fa-NAME`` class that a page of the site or one of its
  scripts names (the theme's scripts add icons of their own, such as the close
  button ``fa-xmark`` of the version banner); its code point is read from the
  theme's stylesheet, the rule ``.fa-NAME:before{content:"\\f0c9"}``;
* every character of every ``content`` string and custom property of the
  site's stylesheets outside those ``.fa-*`` rules: pydata-sphinx-theme's
  admonition icons (``--pst-icon-*``) and sphinx-book-theme's ``"\\f107"``.

Glyphs, their outlines and metrics, and the fonts' names (their copyright
and licence notices among them) are kept as they are, so each icon looks the
same. Font Awesome Free's fonts are under the SIL Open Font License 1.1,
which allows modified versions, a subset being one, to be redistributed; they
declare no Reserved Font Name.

The theme's stylesheet is cut the same way. Font Awesome's rules name about
two thousand icons (``.fa-bars:before{content:"\\f0c9"}``), and the
stylesheet that holds them blocks the first paint of every page: of its 65
kB (gzipped), 20 kB were rules of icons no page shows. Those rules are
removed (see :func:`prune_icon_rules`); every other rule stays.

Each page's head preloads the two fonts that every page draws (see
:func:`preload_fonts`), so that they come with the stylesheets rather than
after the first layout.

The fonts and the stylesheet are always cut from the theme's originals, never
from the site's copy, so an icon that a later build adds is never missing.
``tests/test_book_fonts.py`` checks the reading and the cutting of the
stylesheets; ``tests/site/test_fonts.py`` checks the built fonts and
stylesheet against the theme's (every kept glyph drawn the same, every rule
of a shown icon kept, nothing the site shows left out); the browser tests
check, page by page, that each icon the browser draws is in the font it
draws it from, and that every icon element draws one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Where the theme keeps the fonts, under a theme's static folder and the site's _static.
WEBFONTS = Path("vendor") / "fontawesome" / "webfonts"
#: The files of those fonts that are cut down: what browsers load, and the theme's fallback.
FONT_SUFFIXES = (".woff2", ".ttf")
#: A rule of a stylesheet without nested blocks: its selectors and its declarations.
_RULE = re.compile(r"([^{}]*)\{([^{}]*)\}")
#: A CSS string, in double or single quotes.
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"' + r"|'((?:[^'\\]|\\.)*)'", re.S)
#: A CSS escape: up to six hexadecimal digits and one optional white space, or any other character.
_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?|\\(.)", re.S)
#: An icon class and the pseudo-element that draws it: ``.fa-bars:before``, ``.fa-bars::after``.
_ICON_SELECTOR = re.compile(r"\.(fa-[a-z0-9-]+)(?:::?(?:before|after))?")
#: The declarations of a rule that may hold an icon's character.
_CHARACTER_PROPERTY = re.compile(r"(?:^|;)\s*(content|--[\w-]+)\s*:\s*([^;]*)")
#: An icon class named in a page or a script.
_ICON_CLASS = re.compile(r"\bfa-[a-z0-9-]+")


def css_unescape(text: str) -> str:
    r"""The characters of the body of a CSS string, its escapes resolved.

    ``\f0c9`` (up to six hexadecimal digits, and the one space that may end
    them) is U+F0C9; a backslash before any other character stands for that
    character; a backslash before a newline continues the string.

    >>> css_unescape(r"\f0c9") == "\uf0c9"
    True
    >>> css_unescape(r"a\"b\\") == 'a"b\\'
    True
    """
    if not isinstance(text, str):
        raise TypeError(f"css_unescape expects a str, got {type(text).__name__}")

    def replace(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            code = int(m.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        return "" if m.group(2) == "\n" else m.group(2)

    return _ESCAPE.sub(replace, text)


def _strings(value: str) -> str:
    """Every character of every CSS string in a declaration's value."""
    return "".join(css_unescape(a or b) for a, b in _STRING.findall(value))


def stylesheet_characters(css: str) -> tuple[dict[str, set[str]], set[str]]:
    """What a stylesheet draws as text: per icon class, and outside those classes.

    Returns ``(icons, others)``. ``icons`` maps each class ``fa-NAME`` to the
    characters of the rules whose every selector is that class (or its
    ``:before``/``:after``), as Font Awesome writes its icons
    (``.fa-bars:before,.fa-navicon:before{content:"\\f0c9"}``, or the custom
    property ``--fa`` of newer releases). ``others`` holds every character of
    every ``content`` string and custom property in all the other rules: icons
    that stylesheets draw without a class, such as the theme's admonitions.
    Rules inside ``@media`` and other blocks are read like the rest.
    """
    if not isinstance(css, str):
        raise TypeError(f"stylesheet_characters expects the text of a stylesheet (str), got {type(css).__name__}")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    icons: dict[str, set[str]] = {}
    others: set[str] = set()
    for selectors, declarations in _RULE.findall(css):
        # An at-rule's prelude ("@media (...) {") ends before the rule's own selectors.
        selectors = selectors.rsplit(";", 1)[-1].strip()
        chars = set()
        for _, value in _CHARACTER_PROPERTY.findall(declarations):
            chars |= set(_strings(value))
        if not chars:
            continue
        names = [_ICON_SELECTOR.fullmatch(s.strip()) for s in selectors.split(",")]
        if names and all(names):
            for m in names:
                icons.setdefault(m.group(1), set()).update(chars)
        else:
            others |= chars
    return icons, others


def used_icon_classes(texts: Iterable[str]) -> set[str]:
    """Every ``fa-NAME`` class named in the given pages and scripts."""
    found: set[str] = set()
    for text in texts:
        found.update(_ICON_CLASS.findall(text))
    return found


def site_code_points(stylesheets: Iterable[str], pages: Iterable[str]) -> set[int]:
    """The code points that the site can draw with an icon font.

    The characters of the icon classes that ``pages`` (the site's HTML pages and
    scripts) name, as the ``stylesheets`` map them, and every character that
    the stylesheets draw outside those classes (see :func:`stylesheet_characters`).
    """
    icons: dict[str, set[str]] = {}
    chars: set[str] = set()
    for css in stylesheets:
        sheet_icons, others = stylesheet_characters(css)
        chars |= others
        for name, cs in sheet_icons.items():
            icons.setdefault(name, set()).update(cs)
    for name in used_icon_classes(pages):
        chars |= icons.get(name, set())
    return {ord(c) for c in chars}


def subset_font(source: Path, target: Path, code_points: Iterable[int]) -> None:
    """Write ``target``: the font ``source`` with only the glyphs of ``code_points``.

    The format is the source's (WOFF2 or TrueType). Glyphs, metrics, layout
    features and every name record are kept as they are; the font's
    modification date is not touched, so the same input gives the same bytes.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    font = TTFont(source, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(set(code_points)))
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(target)


def theme_webfonts(theme_dirs: Iterable[str | Path]) -> Path | None:
    """The theme's own folder of Font Awesome fonts, the first of ``theme_dirs`` that has one."""
    for folder in theme_dirs:
        candidate = Path(folder) / "static" / WEBFONTS
        if candidate.is_dir():
            return candidate
    return None


def site_texts(outdir: Path) -> list[str]:
    """The text of every HTML page and every script of the site at ``outdir``: where icon classes are named."""
    static = outdir / "_static"
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(outdir.rglob("*.html"))]
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(static.rglob("*.js"))]
    return texts


def subset_site_fonts(outdir: Path, originals: Path, texts: list[str] | None = None) -> dict[str, tuple[int, int]]:
    """Cut every icon font of the site at ``outdir`` from its original in ``originals``.

    ``texts`` are the site's pages and scripts (:func:`site_texts`, read when
    not given). Returns, for each font file written, its size before and after
    in bytes.
    """
    static = outdir / "_static"
    stylesheets = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(static.rglob("*.css"))]
    code_points = site_code_points(stylesheets, site_texts(outdir) if texts is None else texts)
    sizes: dict[str, tuple[int, int]] = {}
    for source in sorted(originals.iterdir()):
        target = static / WEBFONTS / source.name
        if source.suffix in FONT_SUFFIXES and target.exists():
            subset_font(source, target, code_points)
            sizes[source.name] = (source.stat().st_size, target.stat().st_size)
    return sizes


def prune_icon_rules(css: str, used: Iterable[str]) -> str:
    """``css`` without the rules that draw icons no page shows.

    A rule that draws icons is one whose every selector is an icon class (or
    its ``:before``/``:after``) and that sets a character (see
    :func:`stylesheet_characters`): ``.fa-bars:before,.fa-navicon:before
    {content:"\\f0c9"}``. Of such a rule, the selectors of the classes in
    ``used`` are kept, and the rule is dropped when none is left. Every other
    rule (the sizes, animations and styles of Font Awesome among them),
    comments and at-rules are kept as they are. A source-map comment is
    dropped when anything was removed, since the map no longer fits.

    >>> prune_icon_rules('.fa-a:before,.fa-b:before{content:"a"}.fa-c:before{content:"c"}.fa-lg{x:1}', {"fa-b"})
    '.fa-b:before{content:"a"}.fa-lg{x:1}'
    """
    if not isinstance(css, str):
        raise TypeError(f"prune_icon_rules expects the text of a stylesheet (str), got {type(css).__name__}")
    if isinstance(used, str):
        raise TypeError("prune_icon_rules expects the used icon classes as a set of names, not one str")
    used = set(used)

    def prune(m: re.Match[str]) -> str:
        selectors, declarations = m.group(1), m.group(2)
        # What comes before the rule's own selectors: an at-rule's prelude, a comment.
        comment_end = selectors.rfind("*/")
        cut = max(selectors.rfind(";") + 1, comment_end + 2 if comment_end >= 0 else 0)
        prelude, own = selectors[:cut], selectors[cut:]
        if "/*" in own or not _CHARACTER_PROPERTY.search(declarations):
            return m.group(0)
        parts = own.split(",")
        names = [_ICON_SELECTOR.fullmatch(part.strip()) for part in parts]
        if not all(names):
            return m.group(0)
        # White space before the selectors (a new line after a comment, say) stays.
        lead = own[: len(own) - len(own.lstrip())]
        kept = [part.strip() for part, name in zip(parts, names) if name.group(1) in used]
        if not kept:
            return prelude + lead
        return prelude + lead + ",".join(kept) + "{" + declarations + "}"

    pruned = _RULE.sub(prune, css)
    if pruned != css:
        # A block whose every rule was removed, such as "@media (...){}", goes too.
        pruned = re.sub(r"@(?:media|supports)[^{};]*\{\s*\}", "", pruned)
        pruned = re.sub(r"\n?/\*# sourceMappingURL=[^*]*\*/\s*$", "\n", pruned)
    return pruned


def prune_site_icon_rules(outdir: Path, theme_static: Iterable[Path], texts: list[str] | None = None) -> dict[str, tuple[int, int]]:
    """Rewrite each stylesheet of the site at ``outdir`` that draws icons with only the icons its pages show.

    A stylesheet is always pruned from the theme's original (the first of
    ``theme_static``, the themes' static folders, that has the same path),
    so an icon that a later build shows is never missing; a stylesheet no
    theme has is pruned from the site's copy. Returns, for each file
    rewritten, its size before and after in bytes.
    """
    static = outdir / "_static"
    used = used_icon_classes(site_texts(outdir) if texts is None else texts)
    folders = [Path(f) for f in theme_static]
    sizes: dict[str, tuple[int, int]] = {}
    for sheet in sorted(static.rglob("*.css")):
        rel = sheet.relative_to(static)
        source = next((f / rel for f in folders if (f / rel).is_file()), sheet)
        original = source.read_text(encoding="utf-8")
        if not stylesheet_characters(original)[0]:
            continue
        pruned = prune_icon_rules(original, used)
        sheet.write_text(pruned, encoding="utf-8")
        sizes[rel.as_posix()] = (len(original.encode()), len(pruned.encode()))
    return sizes


#: The icon fonts that every page draws on its first screen, from the theme's header: the
#: solid one for its buttons (search, colour mode, download, full screen) and the brands one
#: for the repository button's ``fa-github``. No page draws the regular one.
PRELOADED_FONTS = ("fa-solid-900.woff2", "fa-brands-400.woff2")


def preload_fonts(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """html-page-context: ask for the page's icon fonts in its head, with the stylesheets.

    Without this the browser finds out that it needs a font only when it lays
    out an icon, after every stylesheet has arrived and the page has been
    parsed; it then fetches the font, and lays the page out again once it has
    come. Until then each icon is blank and takes the width of a character of
    another font, so the search button's label, say, moves when the font
    arrives. Asked for with the stylesheets, the fonts (9 kB together) are there
    for the first layout. ``crossorigin`` because browsers fetch fonts in CORS
    mode, and a preload must be fetched in the same mode to be used.
    ``tests/browser/test_pages.py`` checks that each page draws exactly these
    fonts and fetches each once.
    """
    pathto = context.get("pathto")
    if pathto is None:
        return
    links = "".join(
        f'\n<link rel="preload" href="{pathto("_static/" + (WEBFONTS / name).as_posix(), 1)}" '
        'as="font" type="font/woff2" crossorigin="anonymous" />'
        for name in PRELOADED_FONTS
    )
    context["metatags"] = context.get("metatags", "") + links


def _subset_fonts(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: the site's icon fonts, and the stylesheet rules of its icons, cut to what it shows."""
    if exception is not None or app.builder.format != "html":
        return
    theme = getattr(app.builder, "theme", None)
    theme_dirs = theme.get_theme_dirs() if theme is not None else []
    outdir = Path(app.outdir)
    texts = site_texts(outdir)
    originals = theme_webfonts(theme_dirs)
    if originals is None:
        logger.warning("mvcalc_fonts: the theme has no Font Awesome fonts in static/%s; nothing to subset", WEBFONTS)
        return
    sizes = subset_site_fonts(outdir, originals, texts)
    before = sum(b for b, _ in sizes.values())
    after = sum(a for _, a in sizes.values())
    logger.info(f"mvcalc_fonts: {len(sizes)} icon fonts cut to the site's icons, {before // 1024} KiB to {after // 1024} KiB")
    rules = prune_site_icon_rules(outdir, [Path(d) / "static" for d in theme_dirs], texts)
    for name, (before, after) in rules.items():
        logger.info(f"mvcalc_fonts: {name}: the rules of icons no page shows removed, {before // 1024} KiB to {after // 1024} KiB")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", preload_fonts)
    app.connect("build-finished", _subset_fonts)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
