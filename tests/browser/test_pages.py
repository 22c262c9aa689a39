"""Every page of the book in headless Chromium, with the network cut off.

A page fails on a console error or uncaught exception, a failed or 4xx
request, an equation not typeset as MathML when the book was built or not drawn
as MathML, a math error (error nodes, undefined macros in red), raw TeX left
on the page, an image that did not load, an icon that its font has no glyph
for, an icon element that draws nothing, or any axe-core violation, whatever
its impact. The fixture pages in ``fixtures/`` prove that each of these checks
can fail.
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


def test_equations_need_no_script(browser_page, site_url: str) -> None:
    """The equations were typeset when the book was built: with JavaScript turned
    off, every equation of the longest chapter, the last one too, is drawn as
    MathML, and the page loads no script for its math."""
    page = browser_page
    page.context.route("**/*.js", lambda route: route.abort())
    try:
        page.goto(site_url + "book/01-what-is-calculus.html", wait_until="load")
        scripts = page.eval_on_selector_all("script[src]", "els => els.map(e => e.getAttribute('src'))")
        assert not [s for s in scripts if "mathjax" in s.lower() or "tex-" in s.lower()], scripts
        state = page.evaluate(
            """() => { const all = [...document.querySelectorAll('div.math math')];
                       const boxes = all.map(m => m.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0);
                       return {n: all.length, drawn: boxes.length,
                               display: all.length ? getComputedStyle(all[all.length - 1]).display : null}; }"""
        )
    finally:
        page.context.unroute("**/*.js")
    assert state["n"] > 50, state
    # Equations in closed solutions have no box; the others all do.
    assert state["drawn"] >= 0.8 * state["n"], state
    assert state["display"] == "block math", state


@pytest.mark.parametrize("page_name", _pages())
def test_nothing_moves_when_the_scroll_bar_comes(browser_with_scroll_bars, site_url: str, page_name: str) -> None:
    """On a desktop screen whose scroll bars take room, the header, the sidebar
    and the text are in the same place whether the page has a scroll bar or
    not. A chapter is first drawn while it is still short, with no bar; a bar
    that appeared once the rest was laid out would move them all sideways (a
    layout shift). book/_static/mvcalc.css keeps the bar's room."""
    page = browser_with_scroll_bars.new_page(viewport={"width": 1350, "height": 940})
    try:
        page.goto(site_url + page_name + ".html", wait_until="load")
        state = page.evaluate(
            """() => { const parts = ['.bd-header__inner', '.bd-sidebar-primary', '.bd-article'];
                       const boxes = () => parts.map(s => { const r = document.querySelector(s).getBoundingClientRect();
                                                             return `${s}: left ${r.left}, width ${r.width}`; });
                       const bar = window.innerWidth - document.documentElement.clientWidth;
                       const scrolls = document.documentElement.scrollHeight > window.innerHeight;
                       const withBar = boxes();
                       document.documentElement.style.overflow = 'hidden';  // no scroll bar, as while it loads
                       return {bar, scrolls, withBar, withoutBar: boxes()}; }"""
        )
    finally:
        page.close()
    assert state["bar"] > 0 and state["scrolls"], f"no scroll bar to test with: {state}"
    assert state["withoutBar"] == state["withBar"], state


#: The font file that each Font Awesome face the site declares is drawn from.
FONT_FILES = {
    "Font Awesome 6 Free 900": "fa-solid-900.woff2",
    "Font Awesome 6 Free 400": "fa-regular-400.woff2",
    "Font Awesome 6 Brands 400": "fa-brands-400.woff2",
}


@pytest.mark.parametrize(
    ("page_name", "screen"),
    [(p, (1280, 720)) for p in _pages()] + [("book/01-what-is-calculus", (412, 823))],
)
def test_each_page_draws_the_fonts_it_preloads(browser_page, site_url: str, page_name: str, screen) -> None:
    """The fonts a page's head preloads (book/_ext/mvcalc_fonts.py) are the
    fonts it draws, on a desktop's and a phone's screen: a font drawn but not
    preloaded would still come late, and one preloaded but not drawn is
    fetched for nothing. Each is fetched once, so the stylesheet's request
    used the preload."""
    page = browser_page
    page.set_viewport_size({"width": screen[0], "height": screen[1]})
    page.goto(site_url + page_name + ".html", wait_until="load")
    state = page.evaluate(
        """async () => { await document.fonts.ready;
                         const file = (url) => url.split('?')[0].split('/').pop();
                         return {preloaded: [...document.querySelectorAll('link[rel=preload][as=font]')].map(l => file(l.href)),
                                 fetched: performance.getEntriesByType('resource').map(e => file(e.name)).filter(n => /\\.(woff2?|ttf|otf)$/.test(n)),
                                 drawn: [...document.fonts].filter(f => f.status === 'loaded')
                                                           .map(f => `${f.family.replace(/"/g, '')} ${f.weight}`)}; }"""
    )
    drawn = sorted(FONT_FILES.get(face, face) for face in state["drawn"])
    assert sorted(state["preloaded"]) == drawn, state
    assert sorted(state["fetched"]) == drawn, state
    assert page.errors == []


@pytest.mark.parametrize("screen", [(412, 823), (1350, 940)], ids=["phone", "desktop"])
@pytest.mark.parametrize("page_name", _pages())
def test_only_figures_on_the_first_screen_load_with_the_page(browser_page, site_url: str, page_name: str, screen) -> None:
    """A figure below the first screen loads lazily, when the reader nears it,
    so that a phone does not fetch it with the page; one on the first screen
    does not wait (book/_ext/mvcalc_html.py decides from the page's lead)."""
    page = browser_page
    page.set_viewport_size({"width": screen[0], "height": screen[1]})
    page.goto(site_url + page_name + ".html", wait_until="load")
    figures = page.evaluate(
        """() => [...document.querySelectorAll('article img')].map(i => (
             {src: i.getAttribute('src').split('/').pop(), top: Math.round(i.getBoundingClientRect().top + window.scrollY),
              lazy: i.loading === 'lazy'}))"""
    )
    wrong = [f for f in figures if f["lazy"] == (f["top"] < screen[1])]
    assert wrong == [], f"lazy on the first screen, or eager below it ({screen[1]} px): {wrong}"
    assert page.errors == []


def _tab_stops(page) -> dict:
    return page.evaluate(
        """() => { const blocks = [...document.querySelectorAll('.bd-article div.highlight > pre')];
                   const skippable = blocks.filter(b => getComputedStyle(b).contentVisibility === 'auto').length;
                   const tab = blocks.map(b => b.tabIndex);
                   const scrolls = blocks.map(b => { b.style.contentVisibility = 'visible';
                       const s = b.scrollWidth > b.clientWidth || b.scrollHeight > b.clientHeight;
                       b.style.contentVisibility = ''; return s; });
                   return {n: blocks.length, skippable, scrolling: scrolls.filter(Boolean).length,
                           missing: blocks.filter((b, i) => scrolls[i] && tab[i] !== 0).length}; }"""
    )


def test_code_blocks_that_scroll_are_tab_stops(browser_page, site_url: str) -> None:
    """On a phone's screen, every code block of the longest chapter that scrolls
    sideways is a tab stop, so the keyboard can scroll it: those far below the
    first screen too, which the browser has not laid out (content-visibility:
    auto), and still after the window is resized, when the theme checks again
    (book/_static/mvcalc.js)."""
    page = browser_page
    page.set_viewport_size({"width": 412, "height": 823})
    page.goto(site_url + "book/01-what-is-calculus.html", wait_until="load")
    page.wait_for_timeout(1000)
    state = _tab_stops(page)
    assert state["n"] > 50 and state["skippable"] > 0.8 * state["n"], state
    assert state["scrolling"] > 20, state
    assert state["missing"] == 0, state
    page.set_viewport_size({"width": 360, "height": 740})
    page.wait_for_timeout(1500)
    state = _tab_stops(page)
    assert state["scrolling"] > 20 and state["missing"] == 0, state
    assert page.errors == []


def test_copy_buttons_are_made_once_the_page_has_loaded(browser_page, axe, site_url: str) -> None:
    """In the longest chapter, on a phone's screen, no code block has a copy
    button when the page has been read (DOMContentLoaded), where
    sphinx-copybutton would have made them all at once; book/_static/mvcalc.js
    makes them after the page has loaded, and soon every block has its own,
    which copies its code (by sphinx-copybutton's script) and passes axe."""
    page = browser_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size({"width": 412, "height": 823})
    page.add_init_script(
        "document.addEventListener('DOMContentLoaded', () => {"
        " window.buttonsWhenRead = document.querySelectorAll('button.copybtn').length; });"
    )
    page.goto(site_url + "book/01-what-is-calculus.html", wait_until="load")
    assert page.evaluate("() => window.buttonsWhenRead") == 0
    page.wait_for_function(
        "() => document.querySelectorAll('button.copybtn').length === document.querySelectorAll('div.highlight pre').length",
        timeout=10000,
    )
    state = page.evaluate(
        """() => {
             const blocks = [...document.querySelectorAll('div.highlight pre')];
             const wrong = blocks.filter(b => { const n = b.nextElementSibling;
               return !(n && n.matches('button.copybtn') && n.dataset.clipboardTarget === '#' + b.id); });
             return {blocks: blocks.length, ids: new Set(blocks.map(b => b.id)).size, wrong: wrong.length};
           }"""
    )
    assert state["blocks"] > 50 and state["ids"] == state["blocks"] and state["wrong"] == 0, state
    block = page.locator("div.highlight pre").nth(10)
    button = block.locator("xpath=following-sibling::button[1]")
    block.scroll_into_view_if_needed()
    block.hover()
    button.click()
    expect_text = block.inner_text().rstrip("\n")
    page.wait_for_function("(text) => navigator.clipboard.readText().then(t => t === text)", arg=expect_text, timeout=5000)
    assert button.get_attribute("data-tooltip") == "Copied!"
    assert axe(page, f"#{block.get_attribute('id')} + button") == []
    assert page.errors == []


def _chapters() -> list[str]:
    return [p for p in _pages() if Path(p).name[:2].isdigit() or Path(p).name.startswith("appendix")]


@pytest.mark.parametrize("page_name", _pages())
def test_no_paragraph_is_taller_than_its_estimate(browser_page, site_url: str, page_name: str) -> None:
    """At the width of the narrowest phones (320 px), every paragraph, list
    item and API signature of a page, laid out, is no taller than the estimate of its height
    that the build gives it (book/_ext/mvcalc_html.py), which the browser uses
    while it skips the element's layout (book/_static/mvcalc.css): otherwise
    its links would reach past its placeholder, and a contrast checker would
    measure them against whatever is drawn there."""
    page = browser_page
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(site_url + page_name + ".html", wait_until="load")
    page.add_style_tag(content=".bd-article * { content-visibility: visible !important; }")
    state = page.evaluate(
        """() => {
             const all = [...document.querySelectorAll('.bd-article :is(p, li, dt.sig):not([aria-live], table *)')];
             const estimated = all.filter(e => e.style.getPropertyValue('--mvcalc-lines'));
             const over = [];
             for (const e of estimated) {
               if (!e.checkVisibility()) continue;  // a closed solution's, say
               const cs = getComputedStyle(e);
               const line = cs.lineHeight === 'normal' ? 1.2 * parseFloat(cs.fontSize) : parseFloat(cs.lineHeight);
               const lines = Number(e.style.getPropertyValue('--mvcalc-lines'));
               // The height of its content: what contain-intrinsic-block-size stands for.
               const height = e.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
               if (height > lines * line + 0.5) over.push(`${e.tagName} ${Math.round(height)} px > ${lines} lines: ${e.textContent.trim().slice(0, 60)}`);
             }
             return {all: all.length, estimated: estimated.length, over};
           }"""
    )
    assert state["estimated"] == state["all"], state
    if page_name in _chapters():
        assert state["all"] > 20, state
    assert state["over"] == [], "\n".join(state["over"])
    assert page.errors == []


#: Phones' screens in CSS pixels: the narrowest, Lighthouse's, and the largest common ones.
PHONE_SCREENS = [(320, 640), (412, 823), (412, 915), (430, 932)]


@pytest.mark.parametrize("page_name", [p for p in _chapters() if Path(p).name[:2].isdigit()])
def test_learning_goals_fill_a_phones_first_screen(browser_page, site_url: str, page_name: str) -> None:
    """On a phone, book/_static/mvcalc.css skips the layout of every section
    after a chapter's learning goals while it is off screen, which is safe
    only if none of them is on the first screen: drawn first at its
    placeholder height and then at its own, it would move under the reader.
    So the section after the learning goals starts below the first screen of
    each of PHONE_SCREENS."""
    page = browser_page
    page.set_viewport_size({"width": PHONE_SCREENS[0][0], "height": PHONE_SCREENS[0][1]})
    page.goto(site_url + page_name + ".html", wait_until="load")
    for width, height in PHONE_SCREENS:
        page.set_viewport_size({"width": width, "height": height})
        top = page.evaluate(
            "() => document.querySelector('.bd-article section#learning-goals ~ section')"
            "?.getBoundingClientRect().top ?? null"
        )
        assert top is not None, "no section after one with id learning-goals"
        assert top > height, f"at {width} x {height} the section after the learning goals starts at {top:.0f} px"
    assert page.errors == []


@pytest.fixture(scope="module")
def fixture_url(serve, site_dir: Path, tmp_path_factory) -> str:
    """The fixture pages, served on their own."""
    folder = tmp_path_factory.mktemp("fixtures")
    for page in FIXTURES.glob("*.html"):
        shutil.copy(page, folder / page.name)
    # missing-icon.html and icon-without-rule.html draw with the site's icon font.
    shutil.copy(site_dir / "_static" / "vendor" / "fontawesome" / "webfonts" / "fa-solid-900.woff2", folder)
    return serve(folder)


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("clean.html", None),
        ("broken-equation.html", "raw TeX on the page"),
        ("broken-equation.html", "only 0 of 1 equations typeset"),
        ("tex-error.html", "math errors"),
        ("untypeset.html", "only 0 of 1 equations typeset"),
        ("undefined-macro.html", "math errors"),
        ("not-mathml.html", "only 0 of 1 equations drawn as MathML"),
        ("missing-image.html", "images that did not load"),
        ("axe-violation.html", "axe image-alt"),
        ("console-error.html", "console error"),
        # The menu icon is in the font; only the atom is reported.
        ("missing-icon.html", "icons missing from their font: U+F5D2 not in fa-solid-900.woff2"),
        # The menu icon has its rule; only the atom is reported.
        ("icon-without-rule.html", "icon elements that draw nothing: ['fa-solid fa-atom']"),
    ],
)
def test_the_checks_catch_each_fault(check_page, fixture_url: str, fixture: str, expected: str | None) -> None:
    faults = check_page(fixture_url + fixture)
    if expected is None:
        assert faults == []
    else:
        assert any(expected in f for f in faults), faults
