"""Code blocks with fewer elements (book/_ext/mvcalc_html.py): the spans of
tokens that Pygments draws as plain text are taken off.

The classes are checked against the CSS that Pygments itself writes for each
style (the stylesheet the site serves), and the unwrapping against Pygments'
own highlighting of real code: the text of a block is unchanged, and so is
every span that is drawn differently from plain text. The digest of the static
files, which rebuilds the pages when one of them changes, is checked too.
"""

from __future__ import annotations

import html
import importlib.util
import math
import re
import sys
from pathlib import Path

import pytest
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("mvcalc_html", ROOT / "book" / "_ext" / "mvcalc_html.py")
mvcalc_html = importlib.util.module_from_spec(_spec)
sys.modules["mvcalc_html"] = mvcalc_html
_spec.loader.exec_module(mvcalc_html)

# The theme's two styles (pydata-sphinx-theme's pygments_light_style and pygments_dark_style).
STYLES = ("a11y-high-contrast-light", "a11y-high-contrast-dark")

CODE = '''\
import numpy as np


def central(f, x: float, h: float = 1e-5) -> float:
    """(f(x + h) - f(x - h)) / 2h, with <, > and & in a docstring."""
    if h <= 0:
        raise ValueError(f"h must be positive, got {h!r}")
    return (f(x + h) - f(x - h)) / (2 * h)  # O(h**2)
'''


def _rules(style: str) -> dict[str, str]:
    """Pygments' own CSS for ``style``: the declarations of each token class ('' for the block)."""
    css = HtmlFormatter(style=style).get_style_defs(".highlight")
    rules = {}
    for selector, body in re.findall(r"^\.highlight(?: \.([\w-]+))? \{([^}]*)\}", css, re.M):
        rules[selector] = body.strip()
    return rules


def _colour(declarations: str) -> str | None:
    match = re.search(r"(?<![-\w])color: (#\w+)", declarations)
    return match.group(1).lower() if match else None


@pytest.mark.parametrize("style", STYLES)
def test_plain_classes_are_drawn_as_plain_text_in_pygments_css(style: str) -> None:
    """Each class found has no rule of its own in the style's CSS, or one that
    only sets the block's own colour; every other class of the CSS sets something else."""
    rules = _rules(style)
    base = _colour(rules[""])
    plain = mvcalc_html.plain_token_classes(style)
    assert plain, style
    for cls, declarations in rules.items():
        if not cls:
            continue
        drawn_plain = set(re.findall(r"([\w-]+):", declarations)) == {"color"} and _colour(declarations) == base
        assert (cls in plain) == drawn_plain, (style, cls, declarations)


def test_both_styles_together_take_the_classes_plain_in_each() -> None:
    both = mvcalc_html.plain_token_classes(*STYLES)
    assert both == mvcalc_html.plain_token_classes(STYLES[0]) & mvcalc_html.plain_token_classes(STYLES[1])
    # Names and punctuation, the commonest tokens of the book's code; never keywords or strings.
    assert {"n", "p"} <= both
    assert not {"k", "s", "s2", "mi", "o", "c1"} & both


def test_a_style_is_needed() -> None:
    with pytest.raises(ValueError, match="at least one Pygments style"):
        mvcalc_html.plain_token_classes()


def _block() -> str:
    return highlight(CODE, PythonLexer(), HtmlFormatter(wrapcode=False))


def _text(block: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", block))


def test_unwrapping_keeps_the_text_and_every_styled_span() -> None:
    block = _block()
    plain = mvcalc_html.plain_token_classes(*STYLES)
    body = "<p>before</p>\n" + block + '<p><span class="n">outside</span></p>'
    out = mvcalc_html.unwrap_plain_tokens(body, plain)
    assert _text(out) == _text(body)
    assert '<p><span class="n">outside</span></p>' in out  # nothing changes outside code blocks
    styled_before = [s for s in re.findall(r'<span class="([\w-]+)">', block) if s not in plain]
    styled_after = re.findall(r'<span class="([\w-]+)">', out.split("<p>")[1])
    assert styled_after == styled_before
    assert not set(styled_after) & plain
    assert "<span></span>" not in out
    # The escaped characters of the code stay escaped.
    assert "&lt;" in out and "&amp;" in out
    # It is worth doing: most of the spans of real code are names and punctuation.
    assert out.count("<span") < 0.6 * block.count("<span")


def test_no_classes_change_nothing() -> None:
    block = _block()
    assert mvcalc_html.unwrap_plain_tokens(block, frozenset()) == block


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


# --- estimated heights of paragraphs and list items -----------------------------------------

_LINES = re.compile(r' style="--mvcalc-lines: (\d+)"')


def _estimates(body: str) -> list[int]:
    return [int(n) for n in _LINES.findall(mvcalc_html.estimate_lines(body))]


def test_estimates_are_inserted_and_nothing_else_changes() -> None:
    body = (
        '<section id="s">\n<p class="x">Some <em>text</em> &amp; a <a href="#e">link</a>.</p>\n'
        '<ul class="simple">\n<li><p>An item.</p>\n<ul>\n<li>Inner</li>\n</ul>\n</li>\n</ul>\n'
        '<p style="margin: 0">Styled already.</p>\n<img alt="" src="a.png"/>\n</section>'
    )
    out = mvcalc_html.estimate_lines(body)
    assert _LINES.sub("", out) == body
    # Every <p> and <li> without a style of its own, in document order of their start tags.
    assert len(_LINES.findall(out)) == 4
    assert '<p style="margin: 0">' in out
    assert out.startswith('<section id="s">\n<p class="x" style="--mvcalc-lines: 2">')


def test_estimates_grow_with_text_and_blocks_and_ignore_tex_annotations() -> None:
    per_line = mvcalc_html.CHARS_PER_LINE
    assert _estimates("<p>word</p>") == [2]
    # Three lines' worth of characters, stretched (words do not fill a line), plus one.
    assert _estimates("<p>" + "x" * (3 * per_line) + "</p>") == [math.ceil(3 * mvcalc_html.STRETCH) + 1]
    # White space counts once, as the browser draws it.
    assert _estimates("<p>a" + " " * 500 + "b</p>") == [2]
    # The TeX of an equation is not drawn; the equation adds half a line.
    tex = "<annotation encoding='application/x-tex'>" + "x" * 500 + "</annotation>"
    assert _estimates(f"<p><math><semantics><mi>x</mi>{tex}</semantics></math></p>") == [2]
    assert _estimates("<p>" + "<math><mi>x</mi></math>" * 4 + "</p>") == [4]
    # A displayed equation in a list item, a line break, and code, a line per line.
    assert _estimates('<li>a<div class="math">x</div></li>') == [2 + mvcalc_html.BLOCK_LINES]
    assert _estimates("<p>a<br/>b</p>") == [3]
    assert _estimates("<li><pre>a\nb\nc\n</pre></li>") == [1 + 1 + 3]
    # An item holds what its paragraphs hold.
    assert _estimates("<li><p>" + "x" * (2 * per_line) + "</p></li>") == [math.ceil(2 * mvcalc_html.STRETCH) + 1] * 2


def test_estimates_cover_api_signatures_only_among_terms() -> None:
    # a signature of the API reference is estimated like a paragraph in a list
    per_line = mvcalc_html.CHARS_PER_LINE - mvcalc_html.CHARS_FEWER_PER_LEVEL
    sig = "f(" + "x, " * per_line + ")"
    body = f'<dl class="py function"><dt class="sig sig-object py" id="f">{sig}</dt><dd><p>a</p></dd></dl>'
    assert _estimates(body) == [math.ceil(mvcalc_html.STRETCH * len(sig) / per_line) + 1, 2]
    # other terms (a glossary's, a field list's) are not
    assert _estimates("<dl><dt>term</dt><dd><p>a</p></dd></dl>") == [2]


def test_estimates_need_a_page_body() -> None:
    with pytest.raises(TypeError, match="HTML of a page body"):
        mvcalc_html.estimate_lines(None)


def test_estimates_allow_for_narrower_columns_and_skip_live_regions() -> None:
    text = "x" * 200
    top, = _estimates(f"<p>{text}</p>")
    in_box = _estimates(f'<div class="admonition"><p>{text}</p></div>')
    in_list_in_box = _estimates(f'<div class="proof admonition"><ul><li>{text}</li></ul></div>')
    assert top < in_box[0] < in_list_in_box[0]
    # After the box closes, the column is as wide as before.
    assert _estimates(f'<div class="admonition"><p>a</p></div><div><p>{text}</p></div>')[1] == top
    assert _estimates(f'<p role="status" aria-live="polite">{text}</p>') == []
    assert _estimates(f'<table><tr><td><p>{text}</p><ul><li>a</li></ul></td></tr></table><p>b</p>') == [2]


# --- figures: which load lazily --------------------------------------------------------


def test_the_lead_ends_where_the_first_section_begins() -> None:
    lead = '<section id="page"><h1>Title</h1><p>The lead, with a figure: <img src="a.png"></p>'
    body = lead + '<section id="goals"><p>Goals</p></section><section id="next"><img src="b.png"></section></section>'
    assert mvcalc_html.lead_end(body) == len(lead)
    assert mvcalc_html.lead_end(body) > body.index("a.png") and mvcalc_html.lead_end(body) < body.index("b.png")
    # a page without sections is all lead; code that shows a section tag is escaped in a page, so it does not count
    single = '<section id="page"><h1>Title</h1><pre>&lt;section&gt;</pre><img src="a.png"></section>'
    assert mvcalc_html.lead_end(single) == len(single)
