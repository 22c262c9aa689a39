"""Fixtures for tests in a real browser: a site served on 127.0.0.1, and
Debian's Chromium driven by Playwright (never a downloaded browser).

``serve(directory)`` serves a folder from a local HTTP server in a thread;
``site_url`` serves the built book (``_build/html``, or ``$MVCALC_HTML``).
``browser_page`` is a fresh page (empty storage, as on a first visit) whose
requests to any other host are blocked, so a test proves that the page works
offline; it records console errors, uncaught exceptions and failed requests in
``page.errors``. ``check_page`` loads a page and returns every fault the book's
pages must not have.
"""

from __future__ import annotations

import functools
import http.server
import os
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
HTML = Path(os.environ.get("MVCALC_HTML", ROOT / "_build" / "html"))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / "tools" / "web" / "node_modules" / "axe-core" / "axe.min.js"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class SiteServer(http.server.ThreadingHTTPServer):
    """The test server: threads that do not outlive it, and no report of a dropped connection.

    A browser drops a connection whenever it stops wanting a response (the
    test navigated on, or closed its page while a file was being sent), and
    ``socketserver`` then printed a traceback of ``BrokenPipeError`` or
    ``ConnectionResetError`` into the test log, as if the site had failed.
    Those are the client's doing; any other exception is still reported.
    """

    daemon_threads = True

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[[Path], str]]:
    servers = []

    def start(directory: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(directory))
        server = SiteServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_dir() -> Path:
    if not (HTML / "index.html").is_file():
        pytest.fail(f"no built site in {HTML}: run 'make book' first", pytrace=False)
    return HTML


@pytest.fixture(scope="session")
def site_url(serve, site_dir: Path) -> str:
    return serve(site_dir)


@pytest.fixture(scope="session")
def playwright_driver():
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: 'make browser' installs Debian's chromium", pytrace=False)
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: 'make web' installs tools/web", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_driver):
    b = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield b
    b.close()


@pytest.fixture(scope="session")
def browser_with_scroll_bars(playwright_driver):
    """Chromium with the scroll bars of a desktop on Linux or Windows, which take
    room from the page. Playwright hides them in headless mode
    (``--hide-scrollbars``), so ``browser`` never has them."""
    b = playwright_driver.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, ignore_default_args=["--hide-scrollbars"]
    )
    yield b
    b.close()


@pytest.fixture
def browser_page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]

    def only_local(route) -> None:
        host = urlsplit(route.request.url).hostname
        if host == "127.0.0.1" or route.request.url.startswith("data:"):
            route.continue_()
        else:
            page.errors.append(f"blocked request to the network: {route.request.url}")
            route.abort()

    def on_response(response) -> None:
        if response.status >= 400:
            page.errors.append(f"HTTP {response.status} for {response.url}")

    page.route("**/*", only_local)
    page.on("console", lambda m: page.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(f"uncaught exception: {e}"))
    page.on("requestfailed", lambda r: page.errors.append(f"request failed: {r.url} ({r.failure})"))
    page.on("response", on_response)
    yield page
    context.close()


def run_axe(page, selector: str = "html") -> list[dict]:
    """Inject axe-core and return the violations inside ``selector``, of any impact."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate("async (sel) => (await axe.run(document.querySelector(sel))).violations", selector)


@pytest.fixture
def axe() -> Callable[..., list[dict]]:
    """``run_axe``, for tests that check part of a page."""
    return run_axe


# Text that only raw, untypeset TeX shows.
RAW_TEX = r"\\\(|\\\)|\\\[|\\\]|\$\$|\\frac|\\mathrm|\\begin\{|\\left|\\sum|\\int"


def _check_page(page, url: str) -> list[str]:
    """Load ``url`` and return every fault found; an empty list is a clean page."""
    page.goto(url, wait_until="load")
    faults: list[str] = []
    if page.locator(".math").count():
        # Equations are MathML, typeset when the book was built
        # (book/_ext/mvcalc_math.py): each .math holds one <math>, which
        # Chromium lays out as MathML, with no error node and nothing in red.
        state = page.evaluate(
            """() => {
                const math = [...document.querySelectorAll('.math')];
                const typeset = math.filter(m => m.querySelector(':scope > math, :scope > .eqno ~ math'));
                const drawn = typeset.map(m => m.querySelector('math'))
                    .filter(m => getComputedStyle(m).display.includes('math'));
                const errors = document.querySelectorAll('merror').length;
                const red = document.querySelectorAll('math [mathcolor="red"], math [style*="color: red"], math [style*="color:red"]').length;
                return {n: math.length, typeset: typeset.length, drawn: drawn.length, errors, red};
            }"""
        )
        if state["errors"] or state["red"]:
            faults.append(f"math errors: {state['errors']} error nodes, {state['red']} undefined macros shown in red")
        if state["typeset"] < state["n"]:
            faults.append(f"only {state['typeset']} of {state['n']} equations typeset")
        if state["drawn"] < state["typeset"]:
            faults.append(f"only {state['drawn']} of {state['typeset']} equations drawn as MathML")
    text = page.evaluate(
        """() => { const a = document.body.cloneNode(true);
                 a.querySelectorAll('pre, code, script, style, annotation, .highlight').forEach(e => e.remove());
                 return a.textContent; }"""
    )
    import re

    leftover = sorted(set(re.findall(RAW_TEX, text)))
    if leftover:
        faults.append(f"raw TeX on the page: {leftover}")
    # Figures load lazily, as the reader nears them: load them all now.
    broken = page.evaluate(
        """async () => {
             const images = [...document.images];
             images.forEach(i => { i.loading = 'eager'; });
             await Promise.all(images.map(i => i.complete ? null
               : new Promise(done => { i.addEventListener('load', done); i.addEventListener('error', done); })));
             return images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src'));
           }"""
    )
    if broken:
        faults.append(f"images that did not load: {broken}")
    faults += _missing_icons(page)
    violations = run_axe(page)
    for v in violations:
        targets = [n["target"] for n in v["nodes"]][:3]
        faults.append(f"axe {v['id']} ({v['impact']}): {v['help']} at {targets}")
    faults += page.errors
    return faults


# Every character that the page draws in a ::before or ::after with a web font
# (the theme's Font Awesome icons), and the font file that draws it: the face
# of the first family of the element's font-family that the page declares,
# with the element's weight and style.
ICONS_JS = """async () => {
  await document.fonts.ready;
  const unquote = s => s.trim().replace(/^["']|["']$/g, '').replace(/\\\\/g, '');
  const faces = [];
  const walk = (rules, base) => {
    for (const r of rules) {
      if (r instanceof CSSFontFaceRule) {
        const m = /url\\(\\s*["']?([^"')]+)["']?\\s*\\)/.exec(r.style.getPropertyValue('src'));
        if (m) faces.push({family: unquote(r.style.getPropertyValue('font-family')),
                           weight: r.style.getPropertyValue('font-weight') || '400',
                           style: r.style.getPropertyValue('font-style') || 'normal',
                           url: new URL(m[1], base).href});
      } else if (r.cssRules) walk(r.cssRules, base);
    }
  };
  for (const s of document.styleSheets) {
    try { walk(s.cssRules, s.href || document.baseURI); } catch (e) { /* another origin's sheet */ }
  }
  const families = new Set(faces.map(f => f.family));
  const drawn = {}, faceless = [];
  for (const el of document.querySelectorAll('body *')) {
    for (const pseudo of ['::before', '::after']) {
      const cs = getComputedStyle(el, pseudo);
      const m = /^"((?:[^"\\\\]|\\\\.)*)"$/.exec(cs.content);
      if (!m || !m[1]) continue;
      const family = cs.fontFamily.split(',').map(unquote).find(f => families.has(f));
      if (!family) continue;
      const face = faces.find(f => f.family === family && String(f.weight) === cs.fontWeight && f.style === cs.fontStyle);
      const text = m[1].replace(/\\\\(.)/g, '$1');
      if (!face) { faceless.push(`${family} ${cs.fontWeight} ${cs.fontStyle}`); continue; }
      drawn[face.url] = (drawn[face.url] || '') + text;
    }
  }
  // An element styled as a Font Awesome icon whose ::before draws nothing:
  // its icon's rule is missing from the stylesheets.
  const blank = [];
  for (const el of document.querySelectorAll('.fa, .fas, .far, .fab, .fa-solid, .fa-regular, .fa-brands')) {
    if (!/^"(?:[^"\\\\]|\\\\.)+"$/.test(getComputedStyle(el, '::before').content)) blank.push(el.className);
  }
  return {drawn, faceless, blank};
}"""

_FONT_CMAPS: dict[bytes, set[int]] = {}


def _missing_icons(page) -> list[str]:
    """A character drawn with a web font (an icon) that the font has no glyph for, or an icon drawn with no character."""
    from io import BytesIO

    from fontTools.ttLib import TTFont

    state = page.evaluate(ICONS_JS)
    faults = [f"icons with no font face: {sorted(set(state['faceless']))}"] if state["faceless"] else []
    if state["blank"]:
        faults.append(f"icon elements that draw nothing: {sorted(set(state['blank']))}")
    for url, text in sorted(state["drawn"].items()):
        body = page.request.get(url).body()
        if body not in _FONT_CMAPS:
            _FONT_CMAPS[body] = set(TTFont(BytesIO(body)).getBestCmap())
        missing = sorted({ord(c) for c in text if not c.isspace()} - _FONT_CMAPS[body])
        if missing:
            codes = ", ".join(f"U+{c:04X}" for c in missing)
            faults.append(f"icons missing from their font: {codes} not in {url.rsplit('/', 1)[-1]}")
    return faults


@pytest.fixture
def check_page(browser_page) -> Callable[[str], list[str]]:
    return functools.partial(_check_page, browser_page)
