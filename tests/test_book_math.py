"""The book's equations: TeX to MathML Core at build time (book/_ext/mvcalc_math.py).

The Unicode mathematical alphanumerics are checked against the Unicode
Character Database's own names (``unicodedata``), the MathML against what a
browser needs, and the converter end to end through MathJax in Node.
"""

from __future__ import annotations

import importlib.util
import string
import sys
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("mvcalc_math", ROOT / "book" / "_ext" / "mvcalc_math.py")
mvcalc_math = importlib.util.module_from_spec(_spec)
sys.modules["mvcalc_math"] = mvcalc_math
_spec.loader.exec_module(mvcalc_math)

NS = "{http://www.w3.org/1998/Math/MathML}"

# The words of a character's Unicode name that name each variant.
NAME = {
    "bold": "BOLD", "italic": "ITALIC", "bold-italic": "BOLD ITALIC", "script": "SCRIPT",
    "bold-script": "BOLD SCRIPT", "fraktur": "FRAKTUR", "double-struck": "DOUBLE-STRUCK",
    "bold-fraktur": "BOLD FRAKTUR", "sans-serif": "SANS-SERIF", "bold-sans-serif": "SANS-SERIF BOLD",
    "sans-serif-italic": "SANS-SERIF ITALIC", "sans-serif-bold-italic": "SANS-SERIF BOLD ITALIC",
    "monospace": "MONOSPACE",
}


def _expected_name(char: str, variant: str) -> str:
    words = NAME[variant]
    if char in string.ascii_uppercase:
        return f"{words} CAPITAL {char}"
    if char in string.ascii_lowercase:
        return f"{words} SMALL {char.upper()}"
    assert char in string.digits, char
    return f"{words} DIGIT {unicodedata.name(char).split()[-1]}"


@pytest.mark.parametrize("variant", sorted(NAME))
def test_styled_letters_are_the_unicode_characters_of_their_names(variant: str) -> None:
    """Every Latin letter: the character whose Unicode name is, say, MATHEMATICAL
    BOLD SMALL X, or, for the letters Unicode encoded earlier (the "holes":
    double-struck R, script L, italic h, ...), a Letterlike Symbol of that shape."""
    for char in string.ascii_letters:
        styled = mvcalc_math.styled_char(char, variant)
        assert styled is not None, (char, variant)
        name = unicodedata.name(styled)
        if name.startswith("MATHEMATICAL "):
            assert name == "MATHEMATICAL " + _expected_name(char, variant), (char, variant, name)
        else:
            # A hole: U+2100-214F, and the reserved code point in the block is unassigned.
            assert 0x2100 <= ord(styled) <= 0x214F, (char, variant, name)
            assert ("PLANCK" in name and char == "h") or _shape_word(variant) in name, (char, variant, name)


def _shape_word(variant: str) -> str:
    return {"script": "SCRIPT", "fraktur": "BLACK-LETTER", "double-struck": "DOUBLE-STRUCK"}[variant]


@pytest.mark.parametrize("variant", ["bold", "double-struck", "sans-serif", "bold-sans-serif", "monospace"])
def test_styled_digits(variant: str) -> None:
    for char in string.digits:
        name = unicodedata.name(mvcalc_math.styled_char(char, variant))
        assert name == "MATHEMATICAL " + _expected_name(char, variant)


@pytest.mark.parametrize("variant", ["bold", "italic", "bold-italic"])
def test_styled_greek(variant: str) -> None:
    """Every Greek letter and variant form the book can use, bold or italic:
    MATHEMATICAL BOLD SMALL THETA for a bold theta, and so on."""
    for char in mvcalc_math._GREEK_CAPITALS + mvcalc_math._GREEK_SMALL:
        name = unicodedata.name(mvcalc_math.styled_char(char, variant))
        base = unicodedata.name(char)
        if char == "∇":
            assert name == f"MATHEMATICAL {NAME[variant]} NABLA"
        elif char == "∂":
            assert name == f"MATHEMATICAL {NAME[variant]} PARTIAL DIFFERENTIAL"
        else:
            # GREEK SMALL LETTER THETA -> MATHEMATICAL BOLD SMALL THETA;
            # GREEK THETA SYMBOL -> MATHEMATICAL BOLD THETA SYMBOL.
            words = base.replace("GREEK ", "").replace("LETTER ", "")
            if "CAPITAL THETA SYMBOL" in base:
                words = "CAPITAL THETA SYMBOL"
            if base == "GREEK LUNATE EPSILON SYMBOL":
                words = "EPSILON SYMBOL"
            assert name == f"MATHEMATICAL {NAME[variant]} {words}", (char, base, name)


def test_no_styled_form_is_none() -> None:
    assert mvcalc_math.styled_char("+", "bold") is None
    assert mvcalc_math.styled_char("1", "script") is None
    assert mvcalc_math.styled_char("α", "double-struck") is None


def _core(mathml: str, tex: str = "x") -> ET.Element:
    return ET.fromstring(mvcalc_math.to_mathml_core(mathml, tex))


def test_variants_become_characters_and_the_tex_is_kept() -> None:
    root = _core(
        '<math xmlns="http://www.w3.org/1998/Math/MathML"><mrow data-mjx-texclass="ORD">'
        '<mi mathvariant="bold">x</mi></mrow><mi mathvariant="double-struck">R</mi>'
        '<mn mathvariant="bold">0</mn><mi mathvariant="normal">d</mi><mi>diag</mi>'
        '<mtext mathvariant="bold">if</mtext></math>',
        r"\vb{x}\R\mathbf{0}\dd\operatorname{diag}",
    )
    text = "".join(e.text or "" for e in root.iter() if e.tag != NS + "annotation")
    assert text == "\U0001D431\u211D\U0001D7CEddiagif"
    assert [e.get("mathvariant") for e in root.iter() if e.get("mathvariant")] == ["normal"]
    assert not [k for e in root.iter() for k in e.attrib if k.startswith("data-mjx")]
    (semantics,) = list(root)
    assert semantics.tag == NS + "semantics"
    annotation = semantics[-1]
    assert annotation.get("encoding") == "application/x-tex"
    assert annotation.text == r"\vb{x}\R\mathbf{0}\dd\operatorname{diag}"
    assert [e for e in root.iter(NS + "mtext")][0].get("style") == "font-weight:bold"


def test_aligned_columns_and_spacing_become_cell_attributes() -> None:
    """aligned: columnalign="right left", columnspacing 0em, rowspacing 3pt."""
    root = _core(
        '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block"><mtable displaystyle="true" '
        'columnalign="right left" columnspacing="0em 2em" rowspacing="3pt">'
        "<mtr><mtd><mi>a</mi></mtd><mtd><mo>=</mo><mi>b</mi></mtd><mtd><mi>c</mi></mtd></mtr>"
        "<mtr><mtd><mi>d</mi></mtd><mtd><mo>=</mo><mi>e</mi></mtd><mtd><mi>f</mi></mtd></mtr></mtable></math>"
    )
    table = next(root.iter(NS + "mtable"))
    assert not {"columnalign", "columnspacing", "rowspacing"} & set(table.attrib)
    cells = [[c for c in row] for row in table]
    # The last value of a list repeats: the third column is left-aligned too.
    assert [c.get("columnalign") for c in cells[0]] == ["right", "left", "left"]
    assert [c.get("style") for c in cells[0]] == [
        "padding:0 0em 1.5pt 0", "padding:0 1em 1.5pt 0em", "padding:0 0 1.5pt 1em"]
    assert [c.get("style") for c in cells[1]][0] == "padding:1.5pt 0em 0 0"


def test_a_centred_cell_has_no_columnalign() -> None:
    root = _core('<math xmlns="http://www.w3.org/1998/Math/MathML"><mtable><mtr><mtd><mn>1</mn></mtd>'
                 "<mtd><mn>2</mn></mtd></mtr></mtable></math>")
    assert [c.get("columnalign") for c in root.iter(NS + "mtd")] == [None, None]


def test_a_prime_follows_its_base() -> None:
    root = _core('<math xmlns="http://www.w3.org/1998/Math/MathML"><msup><mi>f</mi><mo>\u2032</mo></msup>'
                 "<msup><mi>x</mi><mn>2</mn></msup></math>", "f'x^2")
    assert [e.tag[len(NS):] for e in root.iter()] == [
        "math", "semantics", "mrow", "mrow", "mi", "mo", "msup", "mi", "mn", "annotation"]


# --- MathJax in Node, end to end ---------------------------------------------------------

@pytest.fixture(scope="module")
def converter():
    if not (mvcalc_math.MATHJAX_DIR / "package.json").is_file():
        pytest.fail("MathJax is missing from tools/web: 'make web' installs it", pytrace=False)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    conv = mvcalc_math.Converter(config["sphinx"]["config"]["mathjax3_config"]["tex"]["macros"])
    yield conv
    conv.close()


def test_the_book_macros_and_packages(converter) -> None:
    """The macros of _config.yml and \\boldsymbol, with the rules above applied."""
    root = ET.fromstring(converter(r"\vb{x}^\T \boldsymbol{\theta} \in \R^n", display=False))
    text = "".join(e.text or "" for e in root.iter() if e.tag != NS + "annotation")
    assert text == "\U0001D431\U0001D5B3\U0001D73D\u2208\u211Dn"
    assert root.get("display") is None
    block = ET.fromstring(converter(r"\deriv{f}{x}", display=True))
    assert block.get("display") == "block"
    assert next(block.iter(NS + "mfrac")) is not None


@pytest.mark.parametrize(
    ("tex", "message"),
    [(r"\frac{1}{", "Missing close brace"), (r"\foo x", r"Undefined control sequence \foo"),
     (r"x^{2}^{3}", "Double exponent"), (r"\cancel{x}", r"Undefined control sequence \cancel")],
)
def test_tex_errors_are_errors(converter, tex: str, message: str) -> None:
    """An error is raised, never drawn: no red macro names, no merror, and no
    package fetched on demand (\\cancel is not one the book loads)."""
    with pytest.raises(mvcalc_math.TexError, match=message.replace("\\", "\\\\").split(":")[0]):
        converter(tex, display=False)


def test_the_converter_caches_and_outlives_an_error(converter) -> None:
    first = converter("a+b", display=False)
    with pytest.raises(mvcalc_math.TexError):
        converter(r"\frac{", display=False)
    assert converter("a+b", display=False) is first
    assert "<mi>c</mi>" in converter("c", display=False)
