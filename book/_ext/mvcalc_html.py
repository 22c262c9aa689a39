"""Sphinx extension for the book: fixes to the HTML that other extensions emit.

- sphinx-proof and sphinx-exercise give every box the same fixed ``id``
  (``proof``, ``proof-content``, ``exercise-content``, ``solution-content``), so
  a page with several boxes repeats ids, which is invalid HTML and confuses
  assistive technology. Each repeated id is numbered here; proofs, which
  sphinx-proof styles by id, get the class ``mvcalc-proof`` (styled in
  ``book/_static/mvcalc.css``).
- sphinxcontrib-bibtex renders the bibliography as ``role="list"`` whose
  entries have the deprecated role ``doc-biblioentry``, not ``listitem``: axe's
  ``aria-required-children`` (critical). Entries get ``role="listitem"``.
- pydata-sphinx-theme gives an entry of the sidebar that has pages under it
  (the API reference, with a page per module) a ``<summary>`` toggle holding
  only a chevron icon: axe's ``summary-name`` (serious). Each toggle gets an
  ``aria-label`` naming the entry whose pages it shows or hides.
- Figures: myst-nb writes each PNG that a cell draws to its output folder
  (``_build/jupyter_execute``), and Sphinx copies it into the site as it is:
  RGBA, and without a size in the page, so the text jumps when it arrives.
  Each such PNG is recompressed losslessly once (RGB when every pixel is
  opaque, zlib's best settings; the pixels are checked to be unchanged), and
  every ``<img>`` of a page gets ``width`` and ``height`` (its size in pixels,
  as the theme showed it before), so that the browser reserves its space and
  the text does not move when it arrives; the theme scales a figure down to
  the width of the column, keeping its aspect ratio. Every figure loads
  lazily, when the reader nears it, except one in the lead of a page (before
  its first section), which may be on the first screen: a chapter's first
  figure lies 2,000 to 10,000 px down, and was fetched with the page for
  nothing (up to 95 KiB on a phone).
- Every page has a meta description, for search engines and link previews:
  a page with a source sets it in its front matter (``myst: html_meta:
  description:``); the pages Sphinx generates (search, index) take theirs from
  ``mvcalc_meta_descriptions`` in ``_config.yml``. A page without one is a
  build warning, so an error in the book's strict build.
- Scripts do not hold up the first paint: Sphinx and its extensions (doctools,
  copybutton, togglebutton, sphinx-design's tabs, sphinx-book-theme) add their
  scripts to the ``<head>`` without ``defer``, so the browser stops reading the
  page until each has arrived and run, and a phone on a slow network shows
  nothing for a second or more. None of them is needed before the page is read
  (each waits for the document to be ready), so each gets ``defer``: it loads
  in parallel and runs, in the same order, once the page is parsed. Only
  ``documentation_options.js`` stays as it is, since inline scripts of the
  page use what it defines as soon as they run; and the search page, whose
  own inline script needs doctools.js at once, keeps its scripts as they were.
- Code blocks carry fewer elements: Pygments wraps every token of a code block
  in a ``<span>`` with its class, and the browser styles and lays out each one
  (chapter 1 has 8,600 of them). A token whose class is drawn exactly as plain
  text of the block, in the light and in the dark colour scheme that the theme
  uses (names and punctuation in its high-contrast styles), loses its span; the
  classes are found from the two Pygments styles, so the page looks the same.
- Paragraphs, list items and the API reference's signatures carry an
  estimate of their height in a phone's column (``style="--mvcalc-lines: N"``, from the length of their text),
  which ``book/_static/mvcalc.css`` gives them on a phone while the browser
  skips their layout off screen (``content-visibility: auto``). It runs high
  on purpose: a placeholder lower than its paragraph let the paragraph's
  links reach past it, over whatever came next, and contrast checkers
  (Lighthouse's axe) then measured a link against the wrong background.
- Copy buttons are made a few at a time once the page has loaded
  (``book/_static/mvcalc.js``), not all at once as the page is read:
  sphinx-copybutton's selector (``copybutton_selector``) is set here to match
  nothing, so that its script makes no buttons itself but still copies the
  code for each button the book makes.
- A change to a static file alone (``mvcalc.css``, ``mvcalc.js``) rebuilds the
  pages: Sphinx copies static files only when it writes some page, and each
  page links its stylesheets and scripts with their checksum (``?v=``), so
  otherwise ``make book`` left the old file and the old links in the site.
"""

from __future__ import annotations

import html
import math
import os
import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

__all__ = ["estimate_lines", "label_toc_toggles", "optimise_png", "plain_token_classes", "static_files_digest", "unwrap_plain_tokens", "setup"]

logger = logging.getLogger(__name__)

#: Fixed ids that the box directives give to every box they make.
FIXED_IDS = ("proof", "proof-content", "exercise-content", "solution-content")


def number_fixed_ids(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    counts: dict[str, int] = {}
    for node in doctree.findall(nodes.Element):
        ids = node.get("ids", [])
        for i, ident in enumerate(ids):
            if ident in FIXED_IDS:
                counts[ident] = counts.get(ident, 0) + 1
                ids[i] = f"{ident}-{counts[ident]}"
                if ident == "proof":
                    node["classes"].append("mvcalc-proof")


def bibliography_roles(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def label_toc_toggles(html: str) -> str:
    """Give each unnamed ``<summary>`` of a sidebar's HTML an ``aria-label``.

    >>> label_toc_toggles('<li><a href="api.html">API reference</a><details><summary><i></i></summary></details></li>')
    '<li><a href="api.html">API reference</a><details><summary aria-label="Pages of API reference"><i></i></summary></details></li>'
    """
    if "<summary" not in html:
        return html
    from bs4 import BeautifulSoup  # a dependency of pydata-sphinx-theme

    soup = BeautifulSoup(html, "html.parser")
    for summary in soup.select("details > summary"):
        if summary.get_text(strip=True) or summary.get("aria-label"):
            continue
        entry = summary.parent.parent
        link = entry.find("a", recursive=False) if entry is not None else None
        name = link.get_text(" ", strip=True) if link is not None else "this section"
        summary["aria-label"] = f"Pages of {name}"
    return str(soup)


def _label_sidebar_toggles(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """html-page-context, after the theme's (priority 500): wrap its sidebar generator."""
    generate = context.get("generate_toctree_html")
    if generate is None:
        return

    def generate_labelled(kind: str, *args: Any, **kwargs: Any) -> Any:
        out = generate(kind, *args, **kwargs)
        return label_toc_toggles(str(out)) if kind == "sidebar" else out

    context["generate_toctree_html"] = generate_labelled


# --- figures: compressed, sized, lazily loaded --------------------------------------


def optimise_png(path: Path) -> bool:
    """Recompress matplotlib's RGBA PNG in place, losslessly; return whether it changed.

    An RGBA image whose every pixel is opaque becomes RGB (matplotlib writes
    RGBA even for an opaque figure), and the PNG is written with Pillow's
    ``optimize`` (zlib's best compression). The new file replaces the old only
    when it is smaller and decodes to exactly the same pixels. A PNG with
    transparent pixels keeps them. An image that is not RGBA (one done
    already) is left alone, so each figure is recompressed once.
    """
    from io import BytesIO

    from PIL import Image, ImageChops

    with Image.open(path) as im:
        if im.mode != "RGBA":
            return False
        im.load()
        info = {k: v for k, v in im.info.items() if k == "dpi"}
        before = path.stat().st_size
        out = im
        if im.getchannel("A").getextrema() == (255, 255):
            out = im.convert("RGB")
        buffer = BytesIO()
        out.save(buffer, "PNG", optimize=True, **info)
        data = buffer.getvalue()
        if len(data) >= before:
            return False
        with Image.open(BytesIO(data)) as check:
            same = ImageChops.difference(im.convert("RGBA"), check.convert("RGBA")).getbbox() is None
        if not same:  # pragma: no cover - Pillow's PNG codec is lossless
            raise RuntimeError(f"recompressing {path} changed its pixels")
    stat = path.stat()
    tmp = path.with_suffix(".png.tmp")
    tmp.write_bytes(data)
    # The same pixels, so the same time of modification: Sphinx records these
    # files as dependencies of their page, and a newer time would make the
    # next build read the page again (a rebuild with nothing changed would
    # never be quick).
    os.utime(tmp, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.replace(tmp, path)
    return True


@lru_cache(maxsize=None)
def _image_size(path: str, mtime: float) -> tuple[int, int] | None:
    """The size in pixels of a raster image file, or None if Pillow cannot read it."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            return im.size
    except OSError:
        return None


def _nb_output_folder(app: Sphinx) -> Path | None:
    nb_config = getattr(app.env, "mystnb_config", None)
    folder = getattr(nb_config, "output_folder", None)
    return Path(folder).resolve() if folder else None


def lead_end(body: str) -> int:
    """Where the lead of a page's body ends: the offset of its first section inside the page's own.

    A page's body is one ``<section>`` (the page) holding its title, a lead,
    and its sections. Only the lead can be on the first screen; the whole
    body is lead when the page has no sections.

    >>> lead_end('<section id="p"><h1>T</h1><p>Lead</p><section id="a"><p>A</p></section></section>')
    37
    >>> body = '<section id="p"><h1>T</h1><p>Only a lead</p></section>'
    >>> lead_end(body) == len(body)
    True
    """
    starts = [m.start() for m in re.finditer(r"<section\b", body)]
    return starts[1] if len(starts) > 1 else len(body)


def size_figures(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """html-page-context: compress the page's figures and put their sizes into its ``<img>``s."""
    body = context.get("body")
    if not body or "<img" not in body or not hasattr(app.builder, "images"):
        return
    sources = {dest: Path(app.srcdir, src).resolve() for src, dest in app.builder.images.items()}
    output_folder = _nb_output_folder(app)
    lead = lead_end(body)
    seen = 0

    def sized(match: re.Match) -> str:
        nonlocal seen
        tag = match.group(0)
        src = re.search(r'\ssrc="([^"]+)"', tag)
        if not src or re.search(r"\s(width|height)=", tag):
            return tag
        name = html.unescape(src.group(1)).rsplit("/", 1)[-1]
        path = sources.get(name)
        if path is None or not path.is_file():
            return tag
        if output_folder is not None and path.suffix == ".png" and output_folder in path.parents:
            optimise_png(path)
        size = _image_size(str(path), path.stat().st_mtime)
        if size is None:
            return tag
        seen += 1
        extra = f' width="{size[0]}" height="{size[1]}"'
        # the first figure of the lead may be the largest paint of the first screen: not lazy
        if seen > 1 or match.start() >= lead:
            extra += ' loading="lazy"'
        extra += ' decoding="async"'
        return re.sub(r"\s*/?>$", lambda end: extra + end.group(0), tag, count=1)

    context["body"] = re.sub(r"<img\b[^>]*>", sized, body)


# --- code blocks ---------------------------------------------------------------------------


@lru_cache(maxsize=None)
def plain_token_classes(*styles: str) -> frozenset[str]:
    """The Pygments classes that every one of ``styles`` draws exactly as its plain text.

    A token type whose style (colour, background, bold, italic, underline, font)
    is that of ``Token.Text`` in each style; its short class is the one Pygments
    writes into the HTML (``n`` for ``Name``). ``Token`` itself, whose class is
    empty, is left out.

    Raises
    ------
    pygments.util.ClassNotFound
        When a style is not installed.
    """
    from pygments.styles import get_style_by_name
    from pygments.token import STANDARD_TYPES, Token

    if not styles:
        raise ValueError("plain_token_classes needs at least one Pygments style name")
    plain = None
    for name in styles:
        style = get_style_by_name(name)
        base = style.style_for_token(Token.Text)
        same = {cls for ttype, cls in STANDARD_TYPES.items() if cls and style.style_for_token(ttype) == base}
        plain = same if plain is None else plain & same
    return frozenset(plain)


_HIGHLIGHT_PRE = re.compile(r'(<div class="highlight"><pre>)(.*?)(</pre>)', re.S)


def unwrap_plain_tokens(body: str, classes: frozenset[str] | set[str]) -> str:
    """Take the span off every token of a Pygments code block whose class is in ``classes``.

    Only inside ``<div class="highlight"><pre>``; the token's text stays as it
    was (still escaped), and the empty ``<span></span>`` that Pygments puts at
    the start of each block goes too.
    """
    if not classes:
        return body
    token = re.compile(r'<span class="(?:' + "|".join(sorted(map(re.escape, classes))) + r')">([^<]*)</span>')

    def plain(match: re.Match) -> str:
        code = token.sub(r"\1", match.group(2)).removeprefix("<span></span>")
        return match.group(1) + code + match.group(3)

    return _HIGHLIGHT_PRE.sub(plain, body)


def plain_code(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """html-page-context: code blocks without the spans of their plain-text tokens."""
    body = context.get("body")
    if not body or '<div class="highlight"><pre>' not in body:
        return
    styles = tuple(sorted({str(context[key]) for key in ("theme_pygments_light_style", "theme_pygments_dark_style")
                           if context.get(key)})) or (app.config.pygments_style or "sphinx",)
    context["body"] = unwrap_plain_tokens(body, plain_token_classes(*styles))


# --- placeholder heights of paragraphs laid out only near the screen ---------------------

#: Characters in a line of text at the narrowest column the book is read in
#: (a 320 px phone: about 36 in the article, 28 in a box, 24 in a list in a
#: box), taken lower so that estimates run high; and how many fewer there are
#: for each box or list that the element is in, down to the least.
CHARS_PER_LINE = 28
CHARS_FEWER_PER_LEVEL = 8
CHARS_LEAST = 10
#: Lines of a paragraph estimated from its characters are stretched by this
#: much: words do not fill a line, and inline code is wider than text.
STRETCH = 1.15
#: Lines that an element's estimate adds for each block inside it that its text
#: does not measure (a displayed equation, a figure, a table), and for each
#: inline equation (a fraction or a sum can be taller than its line).
BLOCK_LINES = 4
INLINE_MATH_LINES = 0.5
#: Elements that get an estimate (and the signatures of the API reference's
#: entries, ``<dt class="sig">``), and the blocks counted inside them.
_ESTIMATED = ("p", "li")
_BLOCKS = ("img", "table", "figure")
#: What narrows the column: lists, quotations, boxes (admonitions, proofs,
#: exercises and solutions, dropdowns, cards), and the bibliography's and
#: footnotes' entries beside their labels, by their tag or class.
_NARROWING_TAGS = ("ul", "ol", "dl", "blockquote")
_NARROWING_CLASSES = ("admonition", "dropdown", "sd-card", "citation", "footnote")


class _LineEstimator(HTMLParser):
    """Reads a page body and notes, for each ``<p>``, ``<li>`` and ``<dt class="sig">``, an estimate of its height in lines."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self._open: list[list] = []  # [tag, end of its start tag, characters, extra lines, characters a line]
        self._narrowing: list[str | None] = []  # for each open <div> (or narrowing tag), whether it narrows
        self._skip = 0  # depth inside <annotation> (the TeX of an equation, not drawn)
        self._pre = 0  # depth inside <pre>
        self._tables = 0  # depth inside <table>, whose cells are never skipped
        self.estimates: list[tuple[int, int]] = []  # (offset of the start tag's ">", lines)

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = next((v or "" for k, v in attrs if k == "class"), "").split()
        extra = 0.0
        if tag == "annotation":
            self._skip += 1
        elif tag == "math":
            extra = INLINE_MATH_LINES
        elif tag == "br":
            extra = 1.0
        elif tag in _BLOCKS or (tag == "div" and "math" in classes):
            extra = BLOCK_LINES
        elif tag == "pre":
            self._pre += 1
            extra = 1.0  # and a line for each of its lines, counted in handle_data
        if extra:
            for entry in self._open:
                entry[3] += extra
        if tag == "div":
            self._narrowing.append("div" if any(c in classes for c in _NARROWING_CLASSES) else None)
        elif tag in _NARROWING_TAGS:
            self._narrowing.append(tag)
        if tag == "table":
            self._tables += 1
        estimated = tag in _ESTIMATED or (tag == "dt" and "sig" in classes)
        if estimated and not self._tables and not any(k in ("style", "aria-live") for k, _ in attrs):
            start = self._offset()
            text = self.get_starttag_text() or ""
            end = start + len(text) - (2 if text.endswith("/>") else 1)
            levels = sum(1 for n in self._narrowing if n)
            per_line = max(CHARS_LEAST, CHARS_PER_LINE - CHARS_FEWER_PER_LEVEL * levels)
            self._open.append([tag, end, 0, 0.0, per_line])

    def handle_endtag(self, tag: str) -> None:
        if tag == "annotation":
            self._skip = max(0, self._skip - 1)
        elif tag == "pre":
            self._pre = max(0, self._pre - 1)
        elif tag == "table":
            self._tables = max(0, self._tables - 1)
        elif tag == "div" or tag in _NARROWING_TAGS:
            if self._narrowing:
                self._narrowing.pop()
        if tag in _ESTIMATED or tag == "dt":
            # Close the innermost element of this name (and any left open inside it).
            for i in range(len(self._open) - 1, -1, -1):
                if self._open[i][0] == tag:
                    for _, end, chars, extra, per_line in self._open[i:]:
                        self.estimates.append((end, math.ceil(STRETCH * chars / per_line + extra) + 1))
                    del self._open[i:]
                    break

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        for entry in self._open:
            if self._pre:  # code does not wrap: a line of its own for each line
                entry[3] += data.count("\n")
            else:
                entry[2] += len(" ".join(data.split()))


def estimate_lines(body: str) -> str:
    """Give each paragraph, list item and API signature of ``body`` an estimate of its height.

    The estimate is written into each ``<p>``, ``<li>`` and ``<dt class="sig">``
    (the signature of an entry of the API reference) as
    ``style="--mvcalc-lines: N"``. N is the element's characters (its text,
    without the TeX annotations of its equations) over the characters of a
    line (:data:`CHARS_PER_LINE`, and :data:`CHARS_FEWER_PER_LEVEL` fewer for
    each box or list it is in), stretched by :data:`STRETCH`, plus
    :data:`BLOCK_LINES` for each displayed equation, figure or table in it,
    :data:`INLINE_MATH_LINES` for each inline equation and a line for each
    line break and each line of code, rounded up, plus one. On a phone,
    ``book/_static/mvcalc.css`` takes it as the height of the element while
    the browser skips its layout (``content-visibility: auto``); the browser
    tests check that no element of any page is taller than its estimate at a
    phone's width. An element that already has a ``style``, a live region
    (``aria-live``: the sandpit's status, whose text its script writes) and an
    element in a table (never skipped) are left as they are; nothing else of
    the body changes.

    >>> estimate_lines('<p>Short.</p>')
    '<p style="--mvcalc-lines: 2">Short.</p>'
    """
    if not isinstance(body, str):
        raise TypeError(f"estimate_lines expects the HTML of a page body (str), got {type(body).__name__}")
    parser = _LineEstimator(body)
    parser.feed(body)
    parser.close()
    out, last = [], 0
    for end, lines in sorted(parser.estimates):
        out += [body[last:end], f' style="--mvcalc-lines: {lines}"']
        last = end
    out.append(body[last:])
    return "".join(out)


def placeholder_heights(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """html-page-context: each paragraph, list item and API signature of the page with an estimate of its height."""
    body = context.get("body")
    if body and ("<p" in body or "<li" in body):
        context["body"] = estimate_lines(body)


# --- meta descriptions -------------------------------------------------------------------


def check_description(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """html-page-context: every page has a meta description (see the module's docstring)."""
    metatags = context.get("metatags", "")
    if re.search(r'<meta\b[^>]*\bname="description"', metatags):
        return
    text = app.config.mvcalc_meta_descriptions.get(pagename)
    if text:
        context["metatags"] = metatags + f'\n<meta name="description" content="{html.escape(text)}" />'
    else:
        logger.warning(
            f"{pagename}: no meta description; set `myst: html_meta: description:` in the page's "
            "front matter (or, for a generated page, mvcalc_meta_descriptions in _config.yml)",
            location=pagename if pagename in app.env.all_docs else None,
        )


# Scripts that must run as soon as the parser meets them: inline scripts of the
# page read DOCUMENTATION_OPTIONS, which this one defines.
_SYNCHRONOUS_SCRIPTS = {"_static/documentation_options.js"}


def defer_scripts(app: Sphinx, pagename: str, templatename: str,
                  context: dict[str, Any], doctree: Any) -> None:
    """Give ``defer`` to every script file of the page's head that has neither
    ``defer`` nor ``async`` (inline scripts, with no file, are left alone).

    Not on the search page, whose template calls doctools.js's ``_ready`` from an
    inline script as the page is parsed."""
    from sphinx.builders.html._assets import _JavaScript

    if pagename == "search":
        return

    scripts = []
    for script in context.get("script_files", []):
        attributes = dict(getattr(script, "attributes", {}))
        filename = str(getattr(script, "filename", script))
        if (filename and filename not in _SYNCHRONOUS_SCRIPTS and "body" not in attributes
                and "defer" not in attributes and "async" not in attributes):
            attributes["defer"] = "defer"
            script = _JavaScript(script.filename, priority=script.priority, **attributes)
        scripts.append(script)
    context["script_files"][:] = scripts


# --- static files ---------------------------------------------------------------------------


def static_files_digest(folders: list[Path]) -> str:
    """A digest of the names and contents of every file under ``folders``."""
    import hashlib

    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _note_static_files(app: Sphinx, env: Any, added: set, changed: set, removed: set) -> list[str]:
    """env-get-outdated: when a file of ``html_static_path`` changes, every page is written again."""
    if app.builder.format != "html":
        return []
    folders = [Path(app.confdir, entry) for entry in app.config.html_static_path]
    digest = static_files_digest([f for f in folders if f.is_dir()])
    if getattr(env, "mvcalc_static_digest", None) == digest:
        return []
    env.mvcalc_static_digest = digest
    return sorted(env.found_docs - added - changed - removed)


#: sphinx-copybutton's ``copybutton_selector`` for the book: no element, so
#: that copybutton.js makes no buttons (book/_static/mvcalc.js makes them).
COPYBUTTON_SELECTOR = ":not(*)"


def _lazy_copy_buttons(app: Sphinx, config: Any) -> None:
    """config-inited, before sphinx-copybutton's own (priority 500) reads the selector."""
    config.copybutton_selector = COPYBUTTON_SELECTOR


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _lazy_copy_buttons, priority=400)
    app.add_config_value("mvcalc_meta_descriptions", {}, "html", types=[dict])
    app.connect("doctree-resolved", number_fixed_ids)
    app.connect("html-page-context", bibliography_roles, priority=100)
    app.connect("html-page-context", _label_sidebar_toggles, priority=600)
    app.connect("html-page-context", size_figures, priority=100)
    app.connect("html-page-context", plain_code, priority=100)
    app.connect("html-page-context", placeholder_heights, priority=100)
    app.connect("html-page-context", check_description, priority=100)
    # After every extension has added its scripts (sphinx-thebe's at 500).
    app.connect("html-page-context", defer_scripts, priority=900)
    app.connect("env-get-outdated", _note_static_files)
    app.add_css_file("mvcalc.css")
    app.add_js_file("mvcalc.js", defer="defer")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
