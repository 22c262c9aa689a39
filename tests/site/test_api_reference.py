"""The API reference (book/api/) documents every public name of mvcalc.

autodoc documents what a module's ``__all__`` lists and what has a docstring;
a public module left out of the reference, a name missing from ``__all__``'s
page, or a public method without a docstring would silently vanish from it.
These tests compare the built pages with the modules themselves: a new public
function without documentation fails here.
"""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

import mvcalc

ROOT = Path(__file__).resolve().parents[2]
HTML = Path(os.environ.get("MVCALC_HTML", ROOT / "_build" / "html"))
TOC = Path(os.environ.get("MVCALC_TOC", ROOT / "_toc.yml"))
API = "book/api"

if not (HTML / "index.html").exists():
    pytest.fail(f"no built site in {HTML}: run 'make book' first", pytrace=False)

#: The public modules: every module of the package whose name has no leading underscore.
MODULES = sorted(m.name for m in pkgutil.iter_modules(mvcalc.__path__) if not m.name.startswith("_"))


def public_names(module_name: str) -> list[str]:
    """The dotted names that the reference must document for a module.

    Each name of its ``__all__``, and for a class each public method and
    property that the class itself defines (not those a base class or
    ``NamedTuple`` gives it).
    """
    module = importlib.import_module(f"mvcalc.{module_name}")
    assert hasattr(module, "__all__"), f"mvcalc.{module_name} has no __all__: what is public?"
    names = []
    for name in module.__all__:
        obj = getattr(module, name)
        names.append(f"{module.__name__}.{name}")
        if inspect.isclass(obj):
            for attr, value in vars(obj).items():
                if attr.startswith("_") or attr in getattr(obj, "_fields", ()):
                    continue
                if inspect.isfunction(value) or isinstance(value, (property, classmethod, staticmethod)):
                    names.append(f"{module.__name__}.{name}.{attr}")
    return names


def undocumented(page: Path, names: list[str]) -> list[str]:
    """The names of ``names`` with no entry (an element whose id is the name) on ``page``."""
    html = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    ids = {el["id"] for el in html.find_all(id=True)}
    return [name for name in names if name not in ids]


def test_every_public_module_has_a_page_in_the_toc() -> None:
    toc = yaml.safe_load(TOC.read_text())
    reference = [c for p in toc["parts"] for c in p["chapters"] if c["file"] == f"{API}/index"]
    assert len(reference) == 1, f"{API}/index is not in the table of contents"
    pages = [s["file"] for s in reference[0].get("sections", [])]
    assert sorted(pages) == [f"{API}/{m}" for m in MODULES], "one page per public module, no more"


@pytest.mark.parametrize("module_name", MODULES)
def test_every_public_name_is_documented(module_name: str) -> None:
    page = HTML / API / f"{module_name}.html"
    assert page.is_file(), f"no page for mvcalc.{module_name}"
    assert undocumented(page, public_names(module_name)) == []


@pytest.mark.parametrize("module_name", MODULES)
def test_module_page_links_to_the_chapter_that_introduces_it(module_name: str) -> None:
    """The page's first paragraph links to a chapter or an appendix."""
    article = BeautifulSoup((HTML / API / f"{module_name}.html").read_text(encoding="utf-8"), "html.parser").find("article")
    first = article.find("p")
    targets = {
        (HTML / API / urlsplit(a["href"]).path).resolve().relative_to(HTML.resolve()).with_suffix("").as_posix()
        for a in first.find_all("a", href=True)
        if not urlsplit(a["href"]).scheme and urlsplit(a["href"]).path
    }
    chapters = {t for t in targets if re.fullmatch(r"book/(\d\d|appendix)-[a-z-]+", t)}
    assert chapters, f"mvcalc.{module_name}: the first paragraph links to no chapter ({sorted(targets)})"


def test_the_check_finds_an_undocumented_name(tmp_path: Path) -> None:
    page = tmp_path / "derivatives.html"
    page.write_text('<dl><dt id="mvcalc.derivatives.derivative">derivative</dt></dl>')
    names = ["mvcalc.derivatives.derivative", "mvcalc.derivatives.secant_slope"]
    assert undocumented(page, names) == ["mvcalc.derivatives.secant_slope"]


def test_public_names_include_methods_of_classes() -> None:
    names = public_names("autodiff")
    assert "mvcalc.autodiff.Value.backward" in names
    assert "mvcalc.autodiff.Value" in names
