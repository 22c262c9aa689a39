"""Every page of the book in headless Chromium, with the network cut off.

A page fails on a console error or uncaught exception, a failed or 4xx
request, MathJax not loading, a MathJax error (error nodes, undefined macros in
red, TeX left untypeset), an image that did not load, or any axe-core
violation, whatever its impact. The fixture pages in ``fixtures/`` prove that
each of these checks can fail.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"


def _toc_files(entries: list[dict]) -> list[str]:
    """The files of toc entries in reading order, with their sections (the API reference's modules)."""
    return [f for e in entries for f in [e["file"], *_toc_files(e.get("sections", []))]]


def _pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [toc["root"]] + [f for part in toc["parts"] for f in _toc_files(part["chapters"])]


@pytest.mark.parametrize("page_name", _pages() + ["search", "genindex"])
def test_page_is_clean(check_page, site_url: str, page_name: str) -> None:
    faults = check_page(site_url + page_name + ".html")
    assert faults == [], f"{page_name}:\n" + "\n".join(faults)


def _chapter_words() -> list[tuple[str, str]]:
    """For each chapter, the longest word of its title, which search must find there."""
    import re

    pairs = []
    for page in _pages():
        text = (ROOT / f"{page}.md").read_text()
        title = re.search(r"^# (.+)$", text, re.M).group(1)
        word = max(re.findall(r"[A-Za-z]+", title), key=len)
        pairs.append((page, word))
    return pairs


@pytest.mark.parametrize(("page_name", "word"), _chapter_words())
def test_search_finds_each_page_by_its_title(browser_page, site_url: str, page_name: str, word: str) -> None:
    page = browser_page
    page.goto(site_url + f"search.html?q={word}", wait_until="load")
    page.wait_for_function(
        "() => document.querySelector('.search-summary') && "
        "!document.querySelector('.search-summary').textContent.includes('Searching')",
        timeout=30000,
    )
    links = page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(e => e.getAttribute('href'))")
    assert any(page_name.split("/")[-1] in link for link in links), f"search for {word!r}: {links}"
    assert page.errors == []


def test_equations_are_typeset_as_they_come_into_view(browser_page, site_url: str) -> None:
    """MathJax typesets lazily: the last displayed equation of the longest chapter waits until it is scrolled to."""
    page = browser_page
    page.goto(site_url + "book/01-what-is-calculus.html", wait_until="load")
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.document", timeout=15000)
    page.evaluate("() => MathJax.startup.promise")
    last = "[...document.querySelectorAll('div.math')].filter(m => m.offsetParent !== null).pop()"
    assert page.evaluate(f"() => !!{last}.querySelector('mjx-lazy')"), "the last equation was typeset before it came into view"
    page.evaluate(f"() => {last}.scrollIntoView()")
    page.wait_for_function(
        f"() => {{ const m = {last}; return m.querySelector('mjx-container mjx-math') && !m.querySelector('mjx-lazy'); }}",
        timeout=15000,
    )
    assert page.errors == []


@pytest.fixture(scope="module")
def fixture_url(serve, site_dir: Path, tmp_path_factory) -> str:
    """The fixture pages, served beside the site's own MathJax."""
    folder = tmp_path_factory.mktemp("fixtures")
    for page in FIXTURES.glob("*.html"):
        shutil.copy(page, folder / page.name)
    (folder / "mathjax").symlink_to(site_dir / "mathjax")
    return serve(folder)


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("clean.html", None),
        ("broken-equation.html", "raw TeX on the page"),
        ("tex-error.html", "MathJax errors"),
        ("lazy-untypeset.html", "only 0 of 1 equations typeset"),
        ("undefined-macro.html", "MathJax errors"),
        ("missing-image.html", "images that did not load"),
        ("axe-violation.html", "axe image-alt"),
        ("console-error.html", "console error"),
    ],
)
def test_the_checks_catch_each_fault(check_page, fixture_url: str, fixture: str, expected: str | None) -> None:
    faults = check_page(fixture_url + fixture)
    if expected is None:
        assert faults == []
    else:
        assert any(expected in f for f in faults), faults
