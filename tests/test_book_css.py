"""The site's stylesheets with their @import rules inlined (book/_ext/mvcalc_css.py).

Inlining is checked on small stylesheets: the imported text comes where the
import stood, its relative references still name the same files, nested
imports are followed, and every import whose meaning inlining would change is
refused with a message that says why. The last test inlines the theme's own
``theme.css`` as the build does.
"""

from __future__ import annotations

import importlib.util
import posixpath
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("mvcalc_css", ROOT / "book" / "_ext" / "mvcalc_css.py")
mvcalc_css = importlib.util.module_from_spec(_spec)
sys.modules["mvcalc_css"] = mvcalc_css
_spec.loader.exec_module(mvcalc_css)

import pydata_sphinx_theme  # noqa: E402
import sphinx  # noqa: E402

THEME_STATIC = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"


@pytest.mark.parametrize(
    ("reference", "source", "target", "expected"),
    [
        ('url("file.png")', "_static", "_static/styles", 'url("../file.png")'),
        ("url(file.png)", "_static", "_static/styles", "url(../file.png)"),
        ("url( 'a/b.svg#icon' )", "_static/x", "_static", "url('x/a/b.svg#icon')"),
        ("url(../f.woff2?v=1)", "_static/x/y", "_static/z", "url(../x/f.woff2?v=1)"),
        # Not a path relative to the stylesheet: left alone.
        ("url(data:image/png;base64,AAAA)", "_static", "_static/styles", "url(data:image/png;base64,AAAA)"),
        ("url(https://example.org/a.png)", "_static", "_static/styles", "url(https://example.org/a.png)"),
        ("url(/a.png)", "_static", "_static/styles", "url(/a.png)"),
        ("url(#filter)", "_static", "_static/styles", "url(#filter)"),
    ],
)
def test_relative_references_still_name_the_same_file(reference: str, source: str, target: str, expected: str) -> None:
    assert mvcalc_css.rebase_urls(f"a{{b:{reference}}}", source, target) == f"a{{b:{expected}}}"
    # What the moved reference names, read from target, is what the original named from source.
    path = reference.split("(", 1)[1].strip(" )'\"")
    moved = expected.split("(", 1)[1].strip(" )'\"").split("?")[0].split("#")[0]
    if not mvcalc_css._NOT_RELATIVE.match(path):
        path = path.split("?")[0].split("#")[0]
        assert posixpath.normpath(posixpath.join(target, moved)) == posixpath.normpath(posixpath.join(source, path))


def test_rebase_urls_checks_its_arguments() -> None:
    with pytest.raises(TypeError, match="source_dir as a str"):
        mvcalc_css.rebase_urls("", Path("_static"), "_static")


def _reader(files: dict[str, str]):
    return files.get


def test_an_import_is_replaced_by_the_imported_text_where_it_stood() -> None:
    files = {
        "_static/basic.css": '@charset "utf-8";\ndiv{background:url(file.png)}',
        "_static/styles/more.css": "@import url('../basic.css');\np{margin:0}",
    }
    css = '/* @import "ignored.css"; */\n@import "../basic.css";\n@import url(more.css);\nbody{color:red}'
    inlined = mvcalc_css.inline_imports(css, "_static/styles/theme.css", _reader(files))
    assert inlined == (
        '/* @import "ignored.css"; */\n'
        "div{background:url(../file.png)}\n"
        "div{background:url(../file.png)}\np{margin:0}\n"
        "body{color:red}"
    )
    # A stylesheet with no import is returned as it is.
    assert mvcalc_css.inline_imports("a{b:c}", "x.css", _reader({})) == "a{b:c}"


@pytest.mark.parametrize(
    ("css", "message"),
    [
        ('@import "print.css" print;', "has the condition 'print'"),
        ('@import url(a.css) layer(base);', "has the condition 'layer(base)'"),
        ('@import "https://example.org/a.css";', "not a path relative to the stylesheet"),
        ('@import "missing.css";', "names _static/missing.css, which the site does not have"),
        ('@import "loop.css";', "is a cycle: _static/theme.css -> _static/loop.css -> _static/theme.css"),
    ],
)
def test_an_import_that_cannot_be_inlined_is_refused_with_the_reason(css: str, message: str) -> None:
    files = {"_static/loop.css": '@import "theme.css";', "_static/a.css": "a{}", "_static/print.css": "a{}"}
    with pytest.raises(mvcalc_css.UninlinableImport, match=message.replace("(", r"\(").replace(")", r"\)")):
        mvcalc_css.inline_imports(css, "_static/theme.css", _reader(files))


def test_inline_imports_checks_its_arguments() -> None:
    with pytest.raises(TypeError, match="as str"):
        mvcalc_css.inline_imports(b"a{}", "x.css", _reader({}))
    with pytest.raises(TypeError, match="read to be a function"):
        mvcalc_css.inline_imports("a{}", "x.css", {})


def test_the_theme_stylesheet_is_inlined_with_sphinx_basic_css(tmp_path: Path) -> None:
    static = tmp_path / "_static"
    (static / "styles").mkdir(parents=True)
    theme_css = (THEME_STATIC / "styles" / "theme.css").read_text()
    assert '@import "../basic.css"' in theme_css
    (static / "styles" / "theme.css").write_text(theme_css)
    # Sphinx's template of basic.css (the build renders its few theme variables).
    basic = (Path(sphinx.__file__).parent / "themes" / "basic" / "static" / "basic.css.jinja").read_text()
    (static / "basic.css").write_text(basic)
    (static / "plain.css").write_text("a{b:c}")
    assert mvcalc_css.inline_site_imports(tmp_path) == ["_static/styles/theme.css"]
    inlined = (static / "styles" / "theme.css").read_text()
    assert "@import" not in inlined.split("*/", 1)[-1]
    assert "url(../file.png)" in inlined and "url(file.png)" not in inlined
    assert inlined.replace("url(../file.png)", "url(file.png)") == theme_css.replace('@import "../basic.css";', basic)
    # Inlining again changes nothing: there is nothing left to inline.
    assert mvcalc_css.inline_site_imports(tmp_path) == []
