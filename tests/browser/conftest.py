"""Fixtures for tests in a real browser: the built site served on 127.0.0.1,
and Debian's Chromium driven by Playwright (never a downloaded browser).

``site_url`` serves ``_build/html`` (or ``$MVCALC_HTML``) from a local HTTP
server in a thread. ``browser_page`` opens a new page whose requests to any
other host are blocked, so a test proves the page works offline, and which
records console errors and uncaught exceptions in ``page.errors``.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
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


@pytest.fixture(scope="session")
def site_url() -> Iterator[str]:
    if not (HTML / "index.html").is_file():
        pytest.fail(f"no built site in {HTML}: run 'make book' first", pytrace=False)
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: 'make browser' installs Debian's chromium", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def browser_page(browser, site_url: str):
    """A fresh page (empty storage, as a first visit) that may only reach the local site."""
    context = browser.new_context()
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    local = urlsplit(site_url).netloc

    def only_local(route) -> None:
        if urlsplit(route.request.url).netloc == local or route.request.url.startswith("data:"):
            route.continue_()
        else:
            page.errors.append(f"blocked request to the network: {route.request.url}")
            route.abort()

    page.route("**/*", only_local)
    page.on("console", lambda m: page.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(f"page error: {e}"))
    yield page
    context.close()


def run_axe(page, selector: str = "body") -> list[dict]:
    """Inject axe-core and return the violations inside ``selector``."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate("async (sel) => (await axe.run(document.querySelector(sel))).violations", selector)
