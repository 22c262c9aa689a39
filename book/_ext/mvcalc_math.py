"""Equations as MathML, typeset when the book is built, not in the reader's browser.

Sphinx's default HTML math renderer leaves TeX in the page for MathJax to typeset
in the browser. On a phone that costs seconds: MathJax's start-up alone, parsing
its script and finding a chapter's thousand equations, blocks the page for
longer than a second and a half of a mobile CPU, before a single equation is
drawn. This extension registers another renderer, ``mvcalc_mathml``
(``html_math_renderer`` in ``_config.yml``): at build time MathJax's own TeX
input, run in Node (``tex2mml.js`` beside this file, MathJax from the pinned npm
package in ``tools/web``), turns each equation into MathML, which Chromium,
Firefox and Safari draw natively. The page carries no script for its math at all.

What the browser draws is MathML Core, the part of MathML that the browsers
implement, so the MathML that MathJax writes is adjusted to it here:

- ``mathvariant`` other than ``normal`` is not in MathML Core: bold, bold italic,
  double-struck, script, sans-serif, ... letters and digits become the Unicode
  mathematical alphanumeric characters they stand for (``\\mathbf{x}`` is
  U+1D431, ``\\mathbb{R}`` is U+211D), as MathML Core recommends.
- ``columnspacing`` and ``rowspacing`` of ``mtable`` are not in MathML Core
  either: they become padding on each cell. Each cell that is not centred
  carries its own ``columnalign``, which Firefox and Safari read and a rule of
  ``mvcalc.css`` makes Chromium follow, so the ``=`` signs of an ``aligned``
  block still line up.
- A prime is not a superscript (``f'`` is drawn as ``f′``, not a tiny raised
  mark), since a math font's prime is already raised.
- MathJax's private ``data-mjx-*`` attributes are dropped.
- The TeX is kept, in an ``annotation`` (``application/x-tex``) that is not drawn,
  for readers' tools that copy TeX and for the site checks in ``tests/site``.

A TeX error (an undefined macro, a missing brace) is a Sphinx warning at the
equation's source line, so the strict build (``-W``) fails on it; the page then
keeps the TeX as text, which the browser tests also catch. The font is Latin
Modern Math (``_static/fonts``, see ``tools/mathfont.py``), so the equations look
the same on every system, including those with no math font of their own.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
ET.register_namespace("", MATHML_NS)
ROOT = Path(__file__).resolve().parents[2]
MATHJAX_DIR = ROOT / "tools" / "web" / "node_modules" / "mathjax"
SCRIPT = Path(__file__).with_name("tex2mml.js")


class TexError(ValueError):
    """MathJax could not read an equation's TeX."""


# --- Unicode mathematical alphanumeric characters ------------------------------
# The offsets in the Unicode block U+1D400-1D7FF of each variant's A, a, Alpha,
# alpha and 0 (None: the variant has no such letters there), and the letters
# that live elsewhere, in the Letterlike Symbols block (the "holes").
_LATIN_START = {
    "bold": 0x1D400, "italic": 0x1D434, "bold-italic": 0x1D468, "script": 0x1D49C,
    "bold-script": 0x1D4D0, "fraktur": 0x1D504, "double-struck": 0x1D538,
    "bold-fraktur": 0x1D56C, "sans-serif": 0x1D5A0, "bold-sans-serif": 0x1D5D4,
    "sans-serif-italic": 0x1D608, "sans-serif-bold-italic": 0x1D63C, "monospace": 0x1D670,
}
_GREEK_START = {
    "bold": 0x1D6A8, "italic": 0x1D6E2, "bold-italic": 0x1D71C,
    "bold-sans-serif": 0x1D756, "sans-serif-bold-italic": 0x1D790,
}
_DIGIT_START = {
    "bold": 0x1D7CE, "double-struck": 0x1D7D8, "sans-serif": 0x1D7E2,
    "bold-sans-serif": 0x1D7EC, "monospace": 0x1D7F6,
}
_HOLES = {
    ("italic", "h"): "\u210E",
    ("script", "B"): "\u212C", ("script", "E"): "\u2130", ("script", "F"): "\u2131",
    ("script", "H"): "\u210B", ("script", "I"): "\u2110", ("script", "L"): "\u2112",
    ("script", "M"): "\u2133", ("script", "R"): "\u211B", ("script", "e"): "\u212F",
    ("script", "g"): "\u210A", ("script", "o"): "\u2134",
    ("fraktur", "C"): "\u212D", ("fraktur", "H"): "\u210C", ("fraktur", "I"): "\u2111",
    ("fraktur", "R"): "\u211C", ("fraktur", "Z"): "\u2128",
    ("double-struck", "C"): "\u2102", ("double-struck", "H"): "\u210D",
    ("double-struck", "N"): "\u2115", ("double-struck", "P"): "\u2119",
    ("double-struck", "Q"): "\u211A", ("double-struck", "R"): "\u211D",
    ("double-struck", "Z"): "\u2124",
}
# Greek in the order of the Unicode block: capitals Alpha..Omega (with the
# capital theta symbol after Rho), nabla, then small alpha..omega, partial and
# the six variant forms.
_GREEK_CAPITALS = "ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡϴΣΤΥΦΧΨΩ∇"
_GREEK_SMALL = "αβγδεζηθικλμνξοπρςστυφχψω∂ϵϑϰϕϱϖ"


def styled_char(char: str, variant: str) -> str | None:
    """The Unicode mathematical alphanumeric character for ``char`` in ``variant``.

    For example ``styled_char("x", "bold")`` is U+1D431 (bold small x) and
    ``styled_char("R", "double-struck")`` is U+211D. None when Unicode has no
    such character (a bold plus sign, say, or a script digit).
    """
    if (variant, char) in _HOLES:
        return _HOLES[(variant, char)]
    if "A" <= char <= "Z" and variant in _LATIN_START:
        return chr(_LATIN_START[variant] + ord(char) - ord("A"))
    if "a" <= char <= "z" and variant in _LATIN_START:
        return chr(_LATIN_START[variant] + 26 + ord(char) - ord("a"))
    if "0" <= char <= "9" and variant in _DIGIT_START:
        return chr(_DIGIT_START[variant] + ord(char) - ord("0"))
    if variant in _GREEK_START:
        if char in _GREEK_CAPITALS:
            return chr(_GREEK_START[variant] + _GREEK_CAPITALS.index(char))
        if char in _GREEK_SMALL:
            return chr(_GREEK_START[variant] + len(_GREEK_CAPITALS) + _GREEK_SMALL.index(char))
    return None


# --- MathJax's MathML, adjusted to MathML Core ------------------------------------
_TOKENS = {"mi", "mn", "mo", "mtext", "ms"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _lengths(value: str | None, count: int, default: str) -> list[str]:
    """An mtable list attribute ("0em 2em") for ``count`` columns or rows: the
    last entry repeats, as MathML specifies."""
    items = (value or default).split()
    return [items[min(i, len(items) - 1)] for i in range(count)]


def _half(length: str) -> str:
    if length.endswith("em") or length.endswith("ex") or length.endswith("pt"):
        number, unit = length[:-2], length[-2:]
        return f"{float(number) / 2:g}{unit}"
    return "0"


def _apply_variant(element: ET.Element, inherited: str | None) -> None:
    variant = element.attrib.pop("mathvariant", None) or inherited
    name = _local(element.tag)
    if name in _TOKENS:
        if variant and variant != "normal":
            text = element.text or ""
            styled = [styled_char(c, variant) for c in text]
            if name != "mtext" and text and all(s is not None for s in styled):
                element.text = "".join(styled)  # type: ignore[arg-type]
            elif name == "mtext" or len(text) != 1:
                # Words in a bold or sans-serif face: CSS says it, as MathML Core
                # allows on any element.
                css = {"bold": "font-weight:bold", "italic": "font-style:italic",
                       "bold-italic": "font-weight:bold;font-style:italic",
                       "sans-serif": "font-family:sans-serif",
                       "monospace": "font-family:monospace"}.get(variant)
                if css:
                    element.set("style", css)
            # Otherwise a single symbol that Unicode has no styled form of (a
            # bold "+"), which MathML Core draws as it is.
        elif variant == "normal" and name == "mi" and len(element.text or "") == 1:
            element.set("mathvariant", "normal")  # the one value MathML Core keeps
        return
    for child in element:
        _apply_variant(child, variant)


def _layout_tables(root: ET.Element) -> None:
    for table in root.iter(f"{{{MATHML_NS}}}mtable"):
        rows = [r for r in table if _local(r.tag) in {"mtr", "mlabeledtr"}]
        columns = max((len(list(r)) for r in rows), default=0)
        align = _lengths(table.attrib.pop("columnalign", None), columns, "center")
        spacing = _lengths(table.attrib.pop("columnspacing", None), max(columns - 1, 1), "0.8em")
        row_spacing = _lengths(table.attrib.pop("rowspacing", None), max(len(rows) - 1, 1), "1ex")
        for i, row in enumerate(rows):
            top = _half(row_spacing[i - 1]) if i > 0 else "0"
            bottom = _half(row_spacing[i]) if i < len(rows) - 1 else "0"
            for j, cell in enumerate(row):
                left = _half(spacing[j - 1]) if j > 0 else "0"
                right = _half(spacing[j]) if j < columns - 1 else "0"
                cell_align = cell.get("columnalign") or align[j]
                if cell_align != "center":
                    # Firefox and Safari read the attribute; Chromium, which
                    # does not, the rule for it in mvcalc.css.
                    cell.set("columnalign", cell_align)
                cell.set("style", f"padding:{top} {right} {bottom} {left}")


_PRIMES = {"\u2032", "\u2033", "\u2034", "\u2057"}


def _unraise_primes(root: ET.Element) -> None:
    """``f'`` is ``<msup><mi>f</mi><mo>′</mo></msup>`` in MathJax's MathML, which
    Chromium draws as a tiny prime high above the f. The prime character is
    already raised in a math font, so it follows its base on the line instead,
    as MathML Core's examples write it."""
    for parent in root.iter():
        for index, child in enumerate(list(parent)):
            if _local(child.tag) != "msup" or len(child) != 2:
                continue
            base, script = child
            if _local(script.tag) == "mo" and (script.text or "") and set(script.text or "") <= _PRIMES:
                mrow = ET.Element(f"{{{MATHML_NS}}}mrow")
                mrow.extend([base, script])
                parent.remove(child)
                parent.insert(index, mrow)


def _strip_private(root: ET.Element) -> None:
    for element in root.iter():
        for key in [k for k in element.attrib if k.startswith("data-mjx-")]:
            del element.attrib[key]


def to_mathml_core(mathml: str, tex: str) -> str:
    """MathJax's MathML for ``tex``, adjusted to MathML Core, as one line of HTML.

    Styled letters become Unicode mathematical alphanumerics, table alignment and
    spacing become CSS, MathJax's private attributes go, and the TeX is kept in a
    ``semantics`` annotation that browsers do not draw.
    """
    root = ET.fromstring(mathml)
    _strip_private(root)
    _apply_variant(root, None)
    _layout_tables(root)
    _unraise_primes(root)
    children = list(root)
    for child in children:
        root.remove(child)
    semantics = ET.SubElement(root, f"{{{MATHML_NS}}}semantics")
    if len(children) == 1 and _local(children[0].tag) == "mrow":
        semantics.append(children[0])
    else:
        mrow = ET.SubElement(semantics, f"{{{MATHML_NS}}}mrow")
        mrow.extend(children)
    annotation = ET.SubElement(semantics, f"{{{MATHML_NS}}}annotation", encoding="application/x-tex")
    annotation.text = tex
    for element in root.iter():
        # MathJax pretty-prints; whitespace between elements means nothing in MathML.
        if _local(element.tag) not in _TOKENS | {"annotation"}:
            element.text = None
        element.tail = None
    return ET.tostring(root, encoding="unicode", short_empty_elements=False)


# --- the Node process --------------------------------------------------------------
class Converter:
    """TeX to MathML Core through one MathJax process in Node, with a cache."""

    def __init__(self, macros: dict[str, Any]):
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("the book's equations are typeset by MathJax in Node.js: install Node.js (node and npm)")
        if not (MATHJAX_DIR / "package.json").is_file():
            raise RuntimeError(f"MathJax is missing from {MATHJAX_DIR}: run 'make book', which installs it with npm")
        self._process = subprocess.Popen(
            [node, str(SCRIPT), str(MATHJAX_DIR), json.dumps(macros)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8",
        )
        ready = self._read()
        if "ready" not in ready:
            raise RuntimeError(f"MathJax did not start in Node: {ready.get('error')}")
        self.version: str = ready["ready"]
        self._cache: dict[tuple[str, bool], str] = {}

    def _read(self) -> dict[str, Any]:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("MathJax's Node process ended unexpectedly")
        return json.loads(line)

    def __call__(self, tex: str, display: bool) -> str:
        key = (tex, display)
        if key not in self._cache:
            assert self._process.stdin is not None
            self._process.stdin.write(json.dumps({"tex": tex, "display": display}) + "\n")
            self._process.stdin.flush()
            reply = self._read()
            if "error" in reply:
                raise TexError(reply["error"])
            self._cache[key] = to_mathml_core(reply["mml"], tex)
        return self._cache[key]

    def close(self) -> None:
        """End the Node process (it exits when its input closes)."""
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.close()
        self._process.wait(timeout=30)
        self._process.stdout.close()


def _converter(app: Sphinx) -> Converter:
    converter = getattr(app, "_mvcalc_mathml", None)
    if converter is None:
        macros = (app.config.mathjax3_config or {}).get("tex", {}).get("macros", {})
        converter = Converter(macros)
        app._mvcalc_mathml = converter  # type: ignore[attr-defined]
    return converter


def _render(self: Any, node: nodes.Element, tex: str, display: bool) -> str:
    try:
        return _converter(self.builder.app)(tex, display)
    except TexError as error:
        logger.warning("TeX error in an equation: %s: %s", error, tex.strip(),
                       location=node, type="mvcalc", subtype="math")
        # The TeX stays on the page, where the browser tests find it.
        return '<span class="mvcalc-math-error">' + self.encode(tex) + "</span>"


def visit_math(self: Any, node: nodes.Element) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate nohighlight"))
    self.body.append(_render(self, node, node.astext(), display=False))
    self.body.append("</span>")
    raise nodes.SkipNode


def visit_displaymath(self: Any, node: nodes.Element) -> None:
    # A displayed equation wider than the column scrolls sideways (mvcalc.css),
    # so it must be reachable from the keyboard, as MathJax's output was.
    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight", tabindex="0"))
    if node["number"]:
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    tex = node.astext()
    if not node.get("nowrap"):
        # As Sphinx's MathJax renderer: blank lines separate equations, aligned
        # together; an equation with a line break is a split.
        parts = [part for part in tex.split("\n\n") if part.strip()]
        parts = [r"\begin{split}" + p + r"\end{split}" if r"\\" in p else p for p in parts]
        tex = parts[0] if len(parts) == 1 else (
            r"\begin{aligned}" + r"\\".join(parts) + r"\end{aligned}")
    self.body.append(_render(self, node, tex, display=True))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def _close(app: Sphinx, exception: Exception | None) -> None:
    converter = getattr(app, "_mvcalc_mathml", None)
    if converter is not None:
        converter.close()
        app._mvcalc_mathml = None  # type: ignore[attr-defined]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_html_math_renderer("mvcalc_mathml", (visit_math, None), (visit_displaymath, None))
    app.connect("build-finished", _close)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": False}
