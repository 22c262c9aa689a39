"""Lighthouse scores of the built site, as ratios to the stock Jupyter Book template (`make bench-site`).

Usage: ``python tools/bench_site.py [--runs N] [--pages PAGE ...] [--rebuild-stock]``

A benchmark, not a test. It measures with Lighthouse 12.2.3 (the npm package
pinned in tools/bench-site, run by tools/bench-site/run.mjs) and Debian's
Chromium:

* the book's own site, ``_build/html`` (``make bench-site`` runs ``make book``
  first): the introduction and every page of ``_toc.yml``;
* the stock template, built the same way in the same run: ``jupyter-book
  create`` and ``jupyter-book build --builder html`` with the book's
  jupyter-book, into ``_build/bench-site/stock`` (reused while it is newer than
  the template and the environment). It loads MathJax from a CDN; there is no
  network here, so that request fails at once (Chromium resolves no host but
  127.0.0.1): the stock site is measured as it is.

Each site is served on 127.0.0.1 as GitHub Pages serves it: gzip
``Content-Encoding`` for text types, ``Cache-Control: max-age=600``, an ETag and
a Last-Modified date. Each page gets ``--runs`` runs with Lighthouse's mobile
settings and as many with ``--preset=desktop``; accessibility, best practices
and SEO, which do not depend on timing, are measured in the first mobile run
(see run_categories). The runs are interleaved, run 1 of every page, then run
2, so that a change of load on the machine touches every page alike, and every
figure is the median of its runs. Performance is Lighthouse's default simulated
throttling; bytes are ``total-byte-weight``, the bytes transferred (compressed).

The printed table (also ``_build/bench-site/table.md``) gives each figure of the
book's pages with its ratio to the stock template: to the median of that
figure over the stock site's pages in the same run. It flags every page of the
book that misses the targets (accessibility, best practices and SEO 100, mobile
performance 90 or more), and lists each audit of the book's pages that fails,
and where. ``_build/bench-site/results.json`` holds everything: every run's
scores and failing audits, the versions of Lighthouse and Chromium, the date
and the machine; ``_build/bench-site/reports/`` keeps Lighthouse's reports.

Exit status: 0 when the benchmark ran (missed targets are reported, not fatal);
1 when some Lighthouse run failed twice (the rest is still reported); 2 when it
cannot start (no Lighthouse, Chromium or built site; the stock template does
not build).
"""

from __future__ import annotations

import argparse
import datetime as dt
import email.utils
import gzip
import http.server
import json
import os
import platform
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "_build" / "bench-site"
BOOK_HTML = ROOT / "_build" / "html"
BOOK_TOC = ROOT / "_toc.yml"
RUNNER = ROOT / "tools" / "bench-site" / "run.mjs"
LIGHTHOUSE_VERSION = "12.2.3"
CHROMIUM = Path("/usr/bin/chromium")
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
#: The form factors of the runs: Lighthouse's default (mobile) and --preset=desktop.
FORM_FACTORS = ("mobile", "desktop")
#: The figures of the table, in its order: (key, column heading).
COLUMNS = (
    ("mobile-performance", "mobile perf"),
    ("desktop-performance", "desktop perf"),
    ("accessibility", "a11y"),
    ("best-practices", "best practices"),
    ("seo", "SEO"),
    ("kib", "KiB transferred"),
)
#: What every page of the book should reach (issue 8): the least score of each.
TARGETS = {"accessibility": 100, "best-practices": 100, "seo": 100, "mobile-performance": 90}

#: Chromium's flags: headless, no first-run chatter, no traffic of its own, and
#: no host but 127.0.0.1, so that a request to the network fails at once
#: instead of waiting for a timeout.
CHROME_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
)
#: Chromium's flags for the mobile runs only, after CHROME_FLAGS.
#:
#: ``--hide-scrollbars`` (which Puppeteer and Playwright pass to every headless
#: Chromium) is there because without it a mobile run measures the harness,
#: not the page. Lighthouse loads about:blank, applies its mobile emulation,
#: then navigates; chrome-launcher disables RenderDocument (a workaround of
#: Lighthouse's), so the new page reuses about:blank's compositor. Mobile
#: emulation gives pages overlay scroll bars, and the old layer tree's fade out
#: while the new page waits for its stylesheets: the compositor draws frames of
#: that tree which the display never shows, and after a few such frames viz
#: sends it BeginFrames only once a second (``ThrottleUndrawnFrames`` in a
#: trace with the ``viz`` category). A page not ready in the first 0.2 s is
#: then shown only at about 1.2 s or 2.2 s, whatever it does: measured with
#: Chromium 156 on the stock template's pages and the book's alike, and
#: everything before that frame counts towards Lighthouse's simulated first
#: paint, LCP and Speed Index. Hidden scroll bars have no fade to draw. In
#: mobile emulation scroll bars are overlays that take no room, so the flag
#: changes nothing that the page lays out or paints. Desktop runs keep their
#: scroll bars: they take room there, and they do not fade.
#:
#: Measured in ``make bench-site RUNS=3`` on 2026-12-07: without the flag,
#: the first frame of 67 of the book's 69 mobile runs came at 2.24-2.41 s and
#: of all 12 stock runs at 2.24-2.28 s; with it, at 0.31-0.57 s and
#: 0.39-0.50 s. Ruled out on the way: Lighthouse's own waits, the pages'
#: preloads, and Chromium's PaintHolding; re-enabling RenderDocument shows the
#: page early too, but Lighthouse 12.2.3 then times DOMContentLoaded at 1-8 ms,
#: and ``--disable-frame-rate-limit`` keeps the compositor busy (chapter 1's
#: TBT went from 0.25 s to 1.2 s).
MOBILE_CHROME_FLAGS = ("--hide-scrollbars",)
#: Audits left out of every run. Both need the CSSUsage gatherer, which
#: Lighthouse runs after the page's trace (so no score depends on it) and whose
#: CSS.startRuleUsageTracking takes 20 s or more on a chapter of 40,000
#: elements, past Lighthouse's 30 s protocol timeout on a busy machine (a
#: PROTOCOL_TIMEOUT that fails the whole run). Both are diagnostics of weight 0:
#: unused-css-rules finds the theme's unused CSS (about 59 KiB, the stock
#: site's too); render-blocking-resources cannot run with this Chromium anyway.
SKIP_AUDITS = ("unused-css-rules", "render-blocking-resources")
#: A Lighthouse run of a long chapter takes a minute or two on a busy 2-core
#: machine; one that gives nothing for this long is stuck.
RUN_TIMEOUT = 600
#: Runs of each page and form factor (`make bench-site RUNS=...`).
DEFAULT_RUNS = 1

# --- the sites' pages ---------------------------------------------------------


def toc_pages(toc: Path) -> list[str]:
    """The documents of a Jupyter Book ``_toc.yml``, the root first, in reading order.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d) / "_toc.yml"
    ...     _ = p.write_text("root: intro\\nparts:\\n- chapters:\\n  - file: a\\n    sections:\\n    - file: a1\\n  - url: https://x.org\\n")
    ...     toc_pages(p)
    ['intro', 'a', 'a1']
    """
    data = yaml.safe_load(toc.read_text(encoding="utf-8"))
    pages = [str(data["root"])]

    def walk(entries: Iterable[Mapping[str, Any]]) -> None:
        for entry in entries or ():
            if "file" in entry:
                pages.append(str(entry["file"]).removesuffix(".md").removesuffix(".ipynb"))
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key, ()))

    walk([{k: v for k, v in data.items() if k in ("parts", "chapters", "sections")}])
    return pages


@dataclass(frozen=True)
class Site:
    """A built site and the pages of it to measure (paths relative to ``html``)."""

    name: str
    html: Path
    pages: tuple[str, ...]


def site_from_toc(name: str, html: Path, toc: Path) -> Site:
    pages = tuple(f"{doc}.html" for doc in toc_pages(toc))
    missing = [p for p in pages if not (html / p).is_file()]
    if missing:
        raise SetupError(f"{name}: pages of {toc} missing from {html}: {', '.join(missing)}")
    return Site(name, html, pages)


class SetupError(RuntimeError):
    """The benchmark cannot run (exit status 2)."""


# --- the stock template -------------------------------------------------------


def template_dir() -> Path:
    import jupyter_book

    return Path(jupyter_book.__file__).parent / "book_template"


def stock_is_current(stock: Path) -> bool:
    """Whether the stock site in ``stock`` was built, completely, after the template and the environment last changed."""
    built = stock / ".built"  # written when a build succeeds
    if not built.is_file() or not (stock / "_build" / "html" / "intro.html").is_file():
        return False
    sources = [p for p in template_dir().rglob("*") if p.is_file()]
    stamp = ROOT / ".venv" / ".installed"
    if stamp.is_file():
        sources.append(stamp)
    return all(built.stat().st_mtime > p.stat().st_mtime for p in sources)


def shown(path: Path) -> str:
    """A path as the output names it: relative to the repository when inside it."""
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def build_stock(stock: Path, *, force: bool = False) -> Site:
    """The stock template, created and built with the book's jupyter-book (HTML builder) into ``stock``."""
    html = stock / "_build" / "html"
    source = stock / "book"
    if force or not stock_is_current(stock):
        print(f"Building the stock Jupyter Book template into {shown(stock)} ...", flush=True)
        shutil.rmtree(stock, ignore_errors=True)
        stock.mkdir(parents=True)
        log = stock / "build.log"
        with log.open("w") as out:
            for cmd in (
                [str(JUPYTER_BOOK), "create", str(source)],
                [str(JUPYTER_BOOK), "build", str(source), "--builder", "html", "--path-output", str(stock)],
            ):
                out.write(f"$ {' '.join(cmd)}\n")
                out.flush()
                done = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=stock, timeout=900, check=False)
                if done.returncode:
                    raise SetupError(f"the stock template did not build ({' '.join(cmd[:2])} failed): see {log}")
        (stock / ".built").write_text(f"jupyter-book {_jupyter_book_version()}\n")
    else:
        print(f"Reusing the stock template built in {shown(stock)} (newer than the template).", flush=True)
    return site_from_toc("stock", html, source / "_toc.yml")


# --- a static server like GitHub Pages -------------------------------------------

#: Content types by file suffix (GitHub Pages' for the files these sites hold).
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".mjs": "application/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".map": "application/json; charset=utf-8",
    ".ipynb": "application/json; charset=utf-8",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".bib": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
    ".pdf": "application/pdf",
}
#: Types sent gzip-compressed to a client that accepts it (as GitHub Pages does).
GZIP_TYPES = (
    "text/",
    "application/javascript",
    "application/json",
    "application/xml",
    "image/svg+xml",
)
CACHE_CONTROL = "max-age=600"


def content_type(path: str | Path) -> str:
    """The Content-Type header for a file, by suffix.

    >>> content_type("a/b.JS"), content_type("x.woff2"), content_type("x.unknown")
    ('application/javascript; charset=utf-8', 'font/woff2', 'application/octet-stream')
    """
    return CONTENT_TYPES.get(Path(path).suffix.lower(), "application/octet-stream")


def compressible(ctype: str) -> bool:
    """Whether GitHub Pages would gzip a response of this type.

    >>> compressible("text/html; charset=utf-8"), compressible("image/svg+xml"), compressible("image/png")
    (True, True, False)
    """
    return ctype.split(";")[0].strip().startswith(GZIP_TYPES)


def accepts_gzip(header: str | None) -> bool:
    """Whether an Accept-Encoding header admits gzip (``q=0`` refuses it).

    >>> accepts_gzip("gzip, deflate, br"), accepts_gzip("br;q=1, gzip;q=0"), accepts_gzip(None)
    (True, False, False)
    """
    for item in (header or "").split(","):
        name, _, params = item.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            q = params.strip().removeprefix("q=")
            try:
                return not params.strip().startswith("q=") or float(q) > 0
            except ValueError:
                return True
    return False


class _Files:
    """File bodies read once, and their gzip form compressed once, shared by the threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, int, int, bool], bytes] = {}

    def body(self, path: Path, *, gzipped: bool) -> bytes:
        st = path.stat()
        key = (str(path), st.st_mtime_ns, st.st_size, gzipped)
        with self._lock:
            cached = self._cache.get(key)
        if cached is None:
            data = path.read_bytes()
            # mtime=0: the same file always gives the same bytes, like a CDN's cache.
            cached = gzip.compress(data, compresslevel=6, mtime=0) if gzipped else data
            with self._lock:
                self._cache[key] = cached
        return cached


class PagesHandler(http.server.BaseHTTPRequestHandler):
    """GET and HEAD of static files as GitHub Pages serves them: gzip, ETag, max-age=600."""

    protocol_version = "HTTP/1.1"  # keep-alive, as a browser gets from a real server
    server_version = "bench-site"
    sys_version = ""
    root: Path
    files: _Files

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self._respond(body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(body=False)

    def _error(self, status: int, message: str, *, body: bool) -> None:
        data = f"<!DOCTYPE html><title>{status}</title><p>{message}</p>\n".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _respond(self, *, body: bool) -> None:
        url_path = unquote(urlsplit(self.path).path)
        target = (self.root / url_path.lstrip("/")).resolve()
        if target != self.root and self.root not in target.parents:
            return self._error(404, "Not found", body=body)
        if target.is_dir():
            if not url_path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", url_path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            target = target / "index.html"
        if not target.is_file():
            return self._error(404, "File not found", body=body)
        ctype = content_type(target)
        gzipped = compressible(ctype) and accepts_gzip(self.headers.get("Accept-Encoding"))
        data = self.files.body(target, gzipped=gzipped)
        st = target.stat()
        etag = '"%x-%x%s"' % (st.st_mtime_ns, st.st_size, "-gz" if gzipped else "")
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", CACHE_CONTROL)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        if compressible(ctype):
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Last-Modified", email.utils.formatdate(st.st_mtime, usegmt=True))
        self.send_header("ETag", etag)
        self.send_header("Cache-Control", CACHE_CONTROL)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        if body:
            self.wfile.write(data)
        return None


class PagesServer(http.server.ThreadingHTTPServer):
    daemon_threads = True


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) like GitHub Pages; yields the base URL."""
    handler = type("Handler", (PagesHandler,), {"root": Path(directory).resolve(), "files": _Files()})
    server = PagesServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name=f"serve {directory}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# --- Lighthouse -------------------------------------------------------------------


def run_categories(form_factor: str, run: int) -> tuple[str, ...]:
    """The categories of a run. Accessibility, best practices and SEO do not
    depend on timing: the first mobile run of a page measures them with
    performance, as a plain ``lighthouse URL`` does (Lighthouse gathers them
    after the page's trace has ended, so they do not change its performance
    figures); the other runs measure performance alone, which saves a minute a
    run on a long chapter.

    >>> run_categories("mobile", 1), run_categories("mobile", 2), run_categories("desktop", 1)
    (('performance', 'accessibility', 'best-practices', 'seo'), ('performance',), ('performance',))
    """
    return CATEGORIES if form_factor == "mobile" and run == 1 else ("performance",)


def chrome_flags(form_factor: str) -> tuple[str, ...]:
    """Chromium's flags for a run of this form factor: CHROME_FLAGS, then MOBILE_CHROME_FLAGS on mobile.

    >>> chrome_flags("mobile")[-1], "--hide-scrollbars" in chrome_flags("desktop")
    ('--hide-scrollbars', False)
    """
    return CHROME_FLAGS + (MOBILE_CHROME_FLAGS if form_factor == "mobile" else ())


@dataclass(frozen=True)
class Job:
    """One Lighthouse run: a page of a site, a form factor and the number of the run."""

    id: int
    site: str
    page: str
    form_factor: str
    run: int
    url: str
    output: Path

    def spec(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "formFactor": self.form_factor,
            "chromeFlags": list(chrome_flags(self.form_factor)),
            "categories": list(run_categories(self.form_factor, self.run)),
            "skipAudits": list(SKIP_AUDITS),
            "output": str(self.output),
        }

    def __str__(self) -> str:
        return f"{self.site} {self.page} {self.form_factor} run {self.run}"


def plan_jobs(
    sites: Sequence[tuple[str, str, Sequence[tuple[str, str]]]],
    *,
    runs: int,
    reports: Path,
) -> list[Job]:
    """Every Lighthouse run, interleaved: run 1 of every page of every site, then run 2, ...

    ``sites`` holds (site name, base URL, [(page label, path), ...]).

    >>> jobs = plan_jobs([("s", "http://h/", [("a", "a.html"), ("b", "b.html")])], runs=2, reports=Path("r"))
    >>> [str(j) for j in jobs][:3], len(jobs)
    (['s a mobile run 1', 's a desktop run 1', 's b mobile run 1'], 8)
    """
    jobs: list[Job] = []
    for run in range(1, runs + 1):
        for site, base_url, pages in sites:
            for label, path in pages:
                for ff in FORM_FACTORS:
                    name = f"{label.replace('/', '__')}.{ff}.{run}.json"
                    jobs.append(Job(len(jobs), site, label, ff, run, base_url + path, reports / site / name))
    return jobs


def is_failing(audit: Mapping[str, Any]) -> bool:
    """Whether a Lighthouse audit fails: a binary audit below 1, a numeric one below 0.9 (its report's "pass").

    An audit that Lighthouse could not run (mode "error") is not a failure of
    the page: :func:`summarise_report` keeps those apart.

    >>> is_failing({"score": 0, "scoreDisplayMode": "binary"}), is_failing({"score": 0.95, "scoreDisplayMode": "numeric"})
    (True, False)
    >>> is_failing({"score": None, "scoreDisplayMode": "notApplicable"}), is_failing({"score": 0.5, "scoreDisplayMode": "metricSavings"})
    (False, True)
    """
    mode = audit.get("scoreDisplayMode")
    score = audit.get("score")
    if mode in ("notApplicable", "manual", "informative", "error") or score is None:
        return False
    return score < (1 if mode == "binary" else 0.9)


def summarise_report(lhr: Mapping[str, Any]) -> dict[str, Any]:
    """What the benchmark keeps of one Lighthouse report: its categories' scores
    (0-100), the bytes transferred, the failing audits of each category, and
    the audits that Lighthouse could not run."""
    if lhr.get("runtimeError"):
        err = lhr["runtimeError"]
        raise RuntimeError(f"Lighthouse runtime error {err.get('code')}: {err.get('message')}")
    scores: dict[str, int] = {}
    failing: dict[str, list[dict[str, Any]]] = {}
    errored: list[dict[str, str]] = []
    for cat, category in lhr["categories"].items():
        if category.get("score") is None:
            raise RuntimeError(f"Lighthouse gave no {cat} score")
        scores[cat] = round(category["score"] * 100)
        failing[cat] = []
        for ref in category["auditRefs"]:
            audit = lhr["audits"][ref["id"]]
            if audit.get("scoreDisplayMode") == "error":
                errored.append({"id": ref["id"], "error": audit.get("errorMessage", "")})
            elif is_failing(audit):
                failing[cat].append(
                    {
                        "id": ref["id"],
                        "title": audit.get("title", ref["id"]),
                        "score": audit.get("score"),
                        "weight": ref.get("weight", 0),
                        "numericValue": audit.get("numericValue"),
                        "displayValue": audit.get("displayValue", ""),
                        "examples": audit_examples(audit),
                    }
                )
    weight = lhr["audits"].get("total-byte-weight", {})
    env = lhr.get("environment", {})
    items = ((lhr["audits"].get("metrics") or {}).get("details") or {}).get("items") or [{}]
    return {
        "form_factor": lhr.get("configSettings", {}).get("formFactor"),
        "scores": scores,
        "bytes": int(weight["numericValue"]) if weight.get("numericValue") is not None else None,
        # what Chromium did in the unthrottled load that the simulation starts from (ms)
        "observed": {
            "first_paint": items[0].get("observedFirstContentfulPaint"),
            "dom_content_loaded": items[0].get("observedDomContentLoaded"),
        },
        "failing": failing,
        "errored": errored,
        "benchmarkIndex": env.get("benchmarkIndex"),
        "lighthouseVersion": lhr.get("lighthouseVersion"),
        "userAgent": env.get("hostUserAgent"),
        "warnings": list(lhr.get("runWarnings", [])),
        "seconds": round(lhr.get("timing", {}).get("total", 0) / 1000, 1),
    }


def audit_examples(audit: Mapping[str, Any], limit: int = 2) -> list[str]:
    """What an audit found, briefly: the first items of its details (an element, a message, a URL).

    URLs on 127.0.0.1 lose their origin, which changes with each run.

    >>> audit_examples({"details": {"items": [{"description": "Failed to load resource: 404",
    ...     "sourceLocation": {"url": "http://127.0.0.1:4000/favicon.ico"}}, {"node": {"snippet": "<img src=a.png>"}}]}})
    ['/favicon.ico: Failed to load resource: 404', '<img src=a.png>']
    """
    out = []
    for item in (audit.get("details") or {}).get("items", [])[:limit]:
        if not isinstance(item, Mapping):
            continue
        node = item.get("node") if isinstance(item.get("node"), Mapping) else {}
        url = (item.get("sourceLocation") or {}).get("url") or item.get("url") or ""
        text = node.get("snippet") or ": ".join(str(x) for x in (url, item.get("description")) if x)
        if text:
            text = re.sub(r"https?://127\.0\.0\.1:\d+", "", text)
            out.append(text if len(text) <= 120 else text[:117] + "...")
    return out


class RunnerFailed(RuntimeError):
    """The Node runner died or hung."""


def _kill_chromium_under(folder: Path) -> None:
    """End the Chromium processes whose profile lies in ``folder`` (left by a runner that was killed)."""
    needle = f"--user-data-dir={folder}".encode()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if needle in (proc / "cmdline").read_bytes():
                os.kill(int(proc.name), 9)
        except (OSError, ProcessLookupError):
            pass


def run_jobs(jobs: Sequence[Job], *, timeout: float, on_result) -> None:
    """Run ``jobs`` with tools/bench-site/run.mjs, calling ``on_result(job, summary, error)`` after each.

    One Node process runs the jobs one after the other. A job that gives no
    result within ``timeout`` seconds (or whose runner dies) is reported as an
    error, the runner and its Chromium are ended, and a new runner goes on with
    the jobs left.
    """
    pending = list(jobs)
    while pending:
        with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
            tmp_path = Path(tmp)
            spec = tmp_path / "jobs.json"
            spec.write_text(
                json.dumps({"chromePath": str(CHROMIUM), "jobs": [j.spec() for j in pending]}),
                encoding="utf-8",
            )
            for job in pending:
                job.output.parent.mkdir(parents=True, exist_ok=True)
                job.output.unlink(missing_ok=True)
            stderr = (tmp_path / "stderr.txt").open("w+")
            # TMPDIR: chrome-launcher puts each Chromium profile there.
            env = {**os.environ, "TMPDIR": tmp, "CHROME_PATH": str(CHROMIUM)}
            proc = subprocess.Popen(
                ["node", str(RUNNER), str(spec)],
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
                env=env,
                start_new_session=True,
            )
            lines: queue.Queue[str | None] = queue.Queue()

            def read(stream=proc.stdout) -> None:
                for line in stream:
                    lines.put(line)
                lines.put(None)

            reader = threading.Thread(target=read, daemon=True)
            reader.start()
            by_id = {j.id: j for j in pending}
            done: set[int] = set()
            try:
                while len(done) < len(pending):
                    current = next(j for j in pending if j.id not in done)
                    try:
                        line = lines.get(timeout=timeout)
                    except queue.Empty:
                        raise RunnerFailed(f"no result within {timeout:.0f} s") from None
                    if line is None:
                        proc.wait(timeout=30)
                        stderr.seek(0)
                        tail = " | ".join(stderr.read().strip().splitlines()[-3:])
                        raise RunnerFailed(f"the Lighthouse runner exited with status {proc.returncode}: {tail}")
                    try:
                        message = json.loads(line)
                        job = by_id[message["id"]]
                    except (ValueError, KeyError):
                        continue  # not a line of ours
                    done.add(job.id)
                    if not message.get("ok"):
                        on_result(job, None, message.get("error") or "unknown error")
                        continue
                    try:
                        summary = summarise_report(json.loads(job.output.read_text(encoding="utf-8")))
                    except (OSError, ValueError, KeyError, RuntimeError) as exc:
                        on_result(job, None, str(exc))
                    else:
                        on_result(job, summary, None)
                pending = []
            except RunnerFailed as exc:
                on_result(current, None, str(exc))
                done.add(current.id)
                pending = [j for j in pending if j.id not in done]
            finally:
                if proc.poll() is None:
                    proc.terminate()
                    try:
                        proc.wait(timeout=15)
                    except subprocess.TimeoutExpired:
                        os.killpg(proc.pid, 9)
                        proc.wait()
                _kill_chromium_under(tmp_path)
                reader.join(timeout=5)
                if proc.stdout:
                    proc.stdout.close()
                stderr.close()


# --- medians, ratios, targets -----------------------------------------------------


def median(values: Sequence[float]) -> float | None:
    """The median, or None for no values (an even count averages the middle two).

    >>> median([3, 1, 2]), median([1, 2, 3, 10]), median([])
    (2, 2.5, None)
    """
    return statistics.median(values) if values else None


def page_figures(runs: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, float | None]:
    """The table's figures of one page: medians over its runs.

    ``runs`` maps a form factor to that page's run summaries, failed runs
    left out. Accessibility, best practices, SEO and bytes are the mobile runs'.

    >>> def run(**scores): return {"scores": scores, "bytes": 2048}
    >>> f = page_figures({"mobile": [run(performance=70, seo=92), run(performance=90), run(performance=80)]})
    >>> f["mobile-performance"], f["seo"], f["desktop-performance"], f["kib"]
    (80, 92, None, 2)
    """
    figures: dict[str, float | None] = {
        "mobile-performance": median([r["scores"]["performance"] for r in runs.get("mobile", ())]),
        "desktop-performance": median([r["scores"]["performance"] for r in runs.get("desktop", ())]),
    }
    for cat in ("accessibility", "best-practices", "seo"):
        figures[cat] = median([r["scores"][cat] for r in runs.get("mobile", ()) if cat in r["scores"]])
    b = median([r["bytes"] for r in runs.get("mobile", ()) if r.get("bytes") is not None])
    figures["kib"] = None if b is None else round(b / 1024)
    return figures


def reference_figures(pages: Iterable[Mapping[str, float | None]]) -> dict[str, float | None]:
    """The stock reference: each figure's median over the stock site's pages.

    >>> reference_figures([{"seo": 90, "kib": 900}, {"seo": 92, "kib": None}, {"seo": 91, "kib": 1000}])["seo"]
    91
    """
    pages = list(pages)
    return {key: median([p[key] for p in pages if p.get(key) is not None]) for key, _ in COLUMNS}


def first_paint_line(runs_by_site: Mapping[str, Mapping[str, Mapping[str, Sequence[Mapping[str, Any]]]]]) -> str:
    """When Chromium showed the first frame in the mobile runs, site by site.

    Lighthouse simulates a slow phone from an unthrottled load, and counts in
    its first contentful paint and Speed Index whatever happened before the
    first frame was shown in that load. This line gives that moment (the
    observed first contentful paint) beside the moment the page was parsed
    (the observed DOMContentLoaded): medians over each site's mobile runs,
    with their range.

    >>> run = lambda fp, dcl: {"observed": {"first_paint": fp, "dom_content_loaded": dcl}}
    >>> first_paint_line({"book": {"a": {"mobile": [run(2230, 700), run(1240, 650)]}, "b": {"mobile": [run(2250, 800)]}},
    ...                   "stock": {"c": {"mobile": [run(2240, 900)], "desktop": [run(400, 900)]}}})
    'First frame shown in the mobile runs (observed first contentful paint, before simulation): book 2.23 s (1.24-2.25 s, 3 runs; DOMContentLoaded 0.70 s); stock 2.24 s (1 run; DOMContentLoaded 0.90 s).'
    """
    parts = []
    for site, pages in runs_by_site.items():
        observed = [r.get("observed") or {} for by_ff in pages.values() for r in by_ff.get("mobile", [])]
        paints = sorted(o["first_paint"] for o in observed if o.get("first_paint") is not None)
        loaded = [o["dom_content_loaded"] for o in observed if o.get("dom_content_loaded") is not None]
        if not paints:
            continue
        spread = f"{paints[0] / 1000:.2f}-{paints[-1] / 1000:.2f} s, " if len(paints) > 1 else ""
        dcl = f"; DOMContentLoaded {median(loaded) / 1000:.2f} s" if loaded else ""
        parts.append(f"{site} {median(paints) / 1000:.2f} s ({spread}{len(paints)} run{'s' if len(paints) > 1 else ''}{dcl})")
    return "First frame shown in the mobile runs (observed first contentful paint, before simulation): " + "; ".join(parts) + "."


def ratio(value: float | None, reference: float | None) -> float | None:
    """``value / reference``, None when either is missing or the reference is 0.

    >>> ratio(45, 90), ratio(1, 0), ratio(None, 3)
    (0.5, None, None)
    """
    if value is None or not reference:
        return None
    return value / reference


def misses(figures: Mapping[str, float | None], targets: Mapping[str, float] = TARGETS) -> list[str]:
    """The targets a page misses, e.g. ``['mobile perf 71 < 90']``; a figure not measured misses too.

    >>> misses({"accessibility": 100, "best-practices": 96, "seo": 100, "mobile-performance": 91})
    ['best practices 96 < 100']
    """
    labels = dict(COLUMNS)
    out = []
    for key, least in targets.items():
        value = figures.get(key)
        if value is None:
            out.append(f"{labels[key]} not measured")
        elif value < least:
            out.append(f"{labels[key]} {_num(value)} < {least}")
    return out


def _num(value: float | None) -> str:
    """A figure as the table shows it: a whole number as it is, a median of an even count with its .5.

    >>> _num(90), _num(89.5), _num(None)
    ('90', '89.5', 'n/a')
    """
    if value is None:
        return "n/a"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def cell(value: float | None, reference: float | None = None) -> str:
    """A table cell: the figure, and its ratio to the stock reference when one is given.

    >>> cell(92, 100), cell(1234, 600), cell(None, 90), cell(100)
    ('92 (0.92x)', '1234 (2.06x)', 'n/a', '100')
    """
    text = _num(value)
    r = ratio(value, reference)
    return text if reference is None or r is None else f"{text} ({r:.2f}x)"


def markdown_table(rows: Sequence[Sequence[str]]) -> str:
    """Rows (the first is the heading) as an aligned Markdown table."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows]
    lines.insert(1, "| " + " | ".join("-" * w for w in widths) + " |")
    return "\n".join(lines)


def format_table(
    book: Mapping[str, Mapping[str, float | None]],
    stock: Mapping[str, Mapping[str, float | None]],
    reference: Mapping[str, float | None],
    *,
    targets: Mapping[str, float] = TARGETS,
) -> str:
    """The table: the book's pages with ratios to ``reference``, then the stock pages and the reference."""
    rows = [["page", *(label for _, label in COLUMNS), "targets"]]
    for page, figures in book.items():
        missed = misses(figures, targets)
        rows.append([page, *(cell(figures.get(key), reference.get(key)) for key, _ in COLUMNS), "MISSED: " + "; ".join(missed) if missed else "met"])
    for page, figures in stock.items():
        rows.append([f"stock: {page}", *(cell(figures.get(key)) for key, _ in COLUMNS), ""])
    rows.append(["stock: median (= 1.00x)", *(cell(reference.get(key)) for key, _ in COLUMNS), ""])
    return markdown_table(rows)


def failing_audits(runs_by_page: Mapping[str, Mapping[str, Sequence[Mapping[str, Any]]]], stock_failing: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Every audit that fails in some run of some page, with where.

    ``runs_by_page`` maps a page to its runs by form factor. The result has one
    entry per (category, audit), with, for each page (and form factor, for
    performance) where it failed, in how many of the runs it failed and the
    displayed value of the median failing run; ``stock_failing`` holds
    "category/audit" keys that fail on the stock site too.
    """
    stock_failing = set(stock_failing)
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for page, by_ff in runs_by_page.items():
        for form_factor, all_runs in by_ff.items():
            for cat in CATEGORIES:
                runs = [r for r in all_runs if cat in r["failing"]]
                seen: dict[str, list[Mapping[str, Any]]] = {}
                for run in runs:
                    for audit in run["failing"][cat]:
                        seen.setdefault(audit["id"], []).append(audit)
                for audit_id, fails in seen.items():
                    entry = found.setdefault(
                        (cat, audit_id),
                        {
                            "category": cat,
                            "id": audit_id,
                            "title": fails[0]["title"],
                            "weight": fails[0]["weight"],
                            "stock_too": f"{cat}/{audit_id}" in stock_failing,
                            "examples": fails[0].get("examples", []),
                            "where": [],
                        },
                    )
                    ordered = sorted(fails, key=lambda a: a.get("numericValue") or 0)
                    entry["where"].append(
                        {
                            "page": page,
                            "form_factor": form_factor if cat == "performance" else None,
                            "runs": len(fails),
                            "of": len(runs),
                            "value": ordered[(len(ordered) - 1) // 2].get("displayValue", ""),
                        }
                    )
    order = {c: i for i, c in enumerate(CATEGORIES)}
    return sorted(found.values(), key=lambda e: (order[e["category"]], -e["weight"], e["id"]))


def format_failures(entries: Sequence[Mapping[str, Any]], pages: Sequence[str] = ()) -> str:
    """The failing audits as a Markdown list: by category, first those that count toward the score.

    Each audit names the pages where it fails ("every page" when it fails on
    all of ``pages`` with one value), with, for performance, the value of each
    page on mobile and on desktop (diagnostics: on mobile, and whether desktop
    fails too), and for the other categories an example of what fails.
    """
    if not entries:
        return "No audit fails on any page of the book."
    lines: list[str] = []
    current = None
    for e in entries:
        perf, weighted = e["category"] == "performance", bool(e["weight"])
        heading = f"{e['category']}, " + ("counting toward the score" if weighted else "weight 0 (diagnostics: no effect on the score)")
        if heading != current:
            current = heading
            lines += ["", f"{heading}:"]
        tags = [f"weight {e['weight']:g}"] if weighted else []
        if e["stock_too"]:
            tags.append("the stock site fails it too")
        groups: dict[str | None, list[Mapping[str, Any]]] = {}
        for w in e["where"]:
            groups.setdefault(w["form_factor"], []).append(w)
        parts = []
        for ff, where in groups.items():
            if perf and not weighted and ff == "desktop" and "mobile" in groups:
                same = [w["page"] for w in where] == [w["page"] for w in groups["mobile"]]
                parts.append("desktop too" if same else "desktop: " + ", ".join(w["page"] for w in where))
                continue
            values = {w["value"].replace("Potential savings of ", "saves ") for w in where} if perf else {""}
            flaky = [w for w in where if w["runs"] < w["of"]]
            if pages and [w["page"] for w in where] == list(pages) and len(values) == 1 and not flaky:
                text = f"every page{' ' + next(iter(values)) if next(iter(values)) else ''}"
            else:
                texts = []
                for w in where:
                    t = w["page"] + (" " + w["value"].replace("Potential savings of ", "saves ") if perf and w["value"] else "")
                    texts.append(t + (f" ({w['runs']}/{w['of']} runs)" if w["runs"] < w["of"] else ""))
                text = ", ".join(texts)
            parts.append((f"{ff}: " if ff else "") + text)
        line = f"- `{e['id']}` {e['title']}" + (f" [{'; '.join(tags)}]" if tags else "") + ": " + "; ".join(parts)
        if not perf and e.get("examples"):
            line += " (e.g. " + "; ".join(f"`{x}`" for x in e["examples"]) + ")"
        lines.append(line)
    return "\n".join(lines).lstrip("\n")


def short_labels(pages: Sequence[str]) -> dict[str, str]:
    """Page paths to labels: the document names, less a folder that all of them share.

    >>> short_labels(["book/intro.html", "book/01-a.html"]), short_labels(["intro.html", "markdown.html"])
    ({'book/intro.html': 'intro', 'book/01-a.html': '01-a'}, {'intro.html': 'intro', 'markdown.html': 'markdown'})
    """
    names = [p.removesuffix(".html") for p in pages]
    heads = {n.split("/", 1)[0] for n in names}
    if len(heads) == 1 and all("/" in n for n in names):
        names = [n.split("/", 1)[1] for n in names]
    return dict(zip(pages, names, strict=True))


# --- the run ------------------------------------------------------------------------


def chromium_version() -> str:
    try:
        done = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unknown ({exc})"
    return done.stdout.strip() or "unknown"


def describe_machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "hostname": socket.gethostname(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    try:
        info["node"] = subprocess.run(["node", "--version"], capture_output=True, text=True, timeout=30, check=False).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        pass
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory"] = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    except OSError:
        pass
    return info


def check_setup() -> None:
    if not shutil.which("node"):
        raise SetupError("node is missing: Lighthouse 12 needs Node.js 18.16 or later")
    pkg = RUNNER.parent / "node_modules" / "lighthouse" / "package.json"
    try:
        version = json.loads(pkg.read_text())["version"]
    except (OSError, ValueError, KeyError):
        raise SetupError(f"Lighthouse is not installed in {RUNNER.parent.relative_to(ROOT)}: run 'make bench-site'") from None
    if version != LIGHTHOUSE_VERSION:
        raise SetupError(f"Lighthouse {version} is installed, {LIGHTHOUSE_VERSION} is pinned: run 'make bench-site'")
    if not CHROMIUM.is_file():
        raise SetupError(f"{CHROMIUM} is missing: 'make browser' installs Debian's chromium")
    if not JUPYTER_BOOK.is_file():
        raise SetupError(f"{JUPYTER_BOOK} is missing: run this script with the book's .venv/bin/python")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help=f"runs of each page and form factor (default {DEFAULT_RUNS}); the median is reported")
    parser.add_argument("--pages", nargs="+", default=None, metavar="PAGE", help="measure only these pages of the book, e.g. intro 01-what-is-calculus (default: all of _toc.yml)")
    parser.add_argument("--html", type=Path, default=BOOK_HTML, help="the book's built site (default _build/html)")
    parser.add_argument("--out", type=Path, default=OUT, help="where the results go (default _build/bench-site)")
    parser.add_argument("--rebuild-stock", action="store_true", help="rebuild the stock template even when it is current")
    parser.add_argument("--timeout", type=float, default=RUN_TIMEOUT, help=f"seconds a Lighthouse run may take (default {RUN_TIMEOUT})")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    out = args.out.resolve()
    started = time.monotonic()
    date = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    try:
        check_setup()
        if not (args.html / "index.html").is_file():
            raise SetupError(f"no built site in {args.html}: run 'make book' first")
        book = site_from_toc("book", args.html.resolve(), BOOK_TOC)
        if args.pages:
            labels = short_labels(book.pages)
            wanted = {p.removesuffix(".html") for p in args.pages}
            unknown = wanted - set(labels.values())
            if unknown:
                raise SetupError(f"not pages of _toc.yml: {', '.join(sorted(unknown))} (pages: {', '.join(labels.values())})")
            book = Site(book.name, book.html, tuple(p for p in book.pages if labels[p] in wanted))
        stock = build_stock(out / "stock", force=args.rebuild_stock)
    except (SetupError, subprocess.TimeoutExpired) as exc:
        print(f"bench-site: cannot run: {exc}", file=sys.stderr)
        return 2

    chromium = chromium_version()
    labels = {site.name: short_labels(site.pages) for site in (book, stock)}
    runs: dict[str, dict[str, dict[str, list[dict[str, Any]]]]] = {
        site.name: {labels[site.name][p]: {} for p in site.pages} for site in (book, stock)
    }
    errors: list[str] = []
    reports = out / "reports"
    shutil.rmtree(reports, ignore_errors=True)
    load = os.getloadavg()
    with serve(book.html) as book_url, serve(stock.html) as stock_url:
        plan = [
            (site.name, url, [(labels[site.name][p], p) for p in site.pages])
            for site, url in ((book, book_url), (stock, stock_url))
        ]
        jobs = plan_jobs(plan, runs=args.runs, reports=reports)
        print(
            f"Lighthouse {LIGHTHOUSE_VERSION} with {chromium}: {len(book.pages)} pages of the book and {len(stock.pages)} of the "
            f"stock template, {args.runs} run(s) of each on mobile and on desktop: {len(jobs)} Lighthouse runs "
            f"(load average {load[0]:.1f}).",
            flush=True,
        )
        if load[0] > (os.cpu_count() or 1) / 2:
            print("  The machine is busy: performance scores will be lower and noisier than on an idle machine.", flush=True)
        progress = {"done": 0, "total": len(jobs), "retry": False, "since": time.monotonic()}
        failed: list[Job] = []

        def record(job: Job, summary: dict[str, Any] | None, error: str | None) -> None:
            progress["done"] += 1
            now = time.monotonic()
            where = f"[{'retry ' if progress['retry'] else ''}{progress['done']}/{progress['total']}] {job}"
            seconds, progress["since"] = now - progress["since"], now
            if summary is None:
                if progress["retry"]:
                    errors.append(f"{job}: {error}")
                else:
                    failed.append(job)
                print(f"{where}: FAILED ({'again' if progress['retry'] else 'to be retried'}) after {seconds:.0f} s: {error}", flush=True)
                return
            runs[job.site][job.page].setdefault(job.form_factor, []).append(summary)
            scores = " ".join(f"{k} {v}" for k, v in summary["scores"].items())
            size = f", {summary['bytes'] / 1024:.0f} KiB" if summary.get("bytes") is not None else ""
            print(f"{where}: {scores}{size} ({seconds:.0f} s)", flush=True)

        run_jobs(jobs, timeout=args.timeout, on_result=record)
        if failed:
            print(f"Retrying {len(failed)} failed run(s) once.", flush=True)
            progress.update(done=0, total=len(failed), retry=True)
            retry, failed[:] = list(failed), []
            run_jobs(retry, timeout=args.timeout, on_result=record)
    load_end = os.getloadavg()

    book_runs, stock_runs = runs["book"], runs["stock"]
    book_figures = {page: page_figures(r) for page, r in book_runs.items()}
    stock_figures = {page: page_figures(r) for page, r in stock_runs.items()}
    reference = reference_figures(stock_figures.values())
    stock_failures = failing_audits(stock_runs)
    failures = failing_audits(book_runs, {f"{e['category']}/{e['id']}" for e in stock_failures})
    all_runs = [r for site in runs.values() for by_ff in site.values() for rs in by_ff.values() for r in rs]
    errored = sorted({a["id"] for r in all_runs for a in r["errored"]})
    bench_index = median([r["benchmarkIndex"] for r in all_runs if r.get("benchmarkIndex")])
    user_agents = sorted({r["userAgent"] for r in all_runs if r.get("userAgent")})
    elapsed = time.monotonic() - started
    missed_pages = [page for page, figures in book_figures.items() if misses(figures)]
    table = format_table(book_figures, stock_figures, reference)
    lines = [
        f"# make bench-site, {date.isoformat()}",
        "",
        f"Lighthouse {LIGHTHOUSE_VERSION} with {chromium}; {args.runs} run(s) of each page on mobile and on desktop, "
        "accessibility, best practices and SEO in the first mobile run (they do not depend on timing); every figure is the "
        "median of its runs. "
        f"{len(jobs)} runs in {elapsed / 60:.1f} minutes; load average {load[0]:.1f} at the start, {load_end[0]:.1f} at the end; "
        f"Lighthouse's benchmark index of the machine {_num(bench_index)} (median).",
        "",
        "Both sites are served on 127.0.0.1 as GitHub Pages serves them (gzip, Cache-Control: max-age=600). Performance is "
        "Lighthouse's simulated throttling (mobile: a slow 4G network and a 4x slower CPU; desktop: --preset=desktop); "
        "KiB transferred is total-byte-weight (compressed, mobile runs). "
        f"Audits not run (weight 0, see SKIP_AUDITS in tools/bench_site.py): {', '.join(SKIP_AUDITS)}.",
        "Ratios (in brackets) are to the stock Jupyter Book template, built with the same jupyter-book and measured in the same "
        f"run: a figure of a page of the book divided by that figure's median over the stock site's {len(stock_figures)} pages "
        "(last row). Above 1.00x is better for a score, heavier for KiB. The stock site loads MathJax from a CDN, which fails "
        "here (no network), as it would offline.",
        "",
        table,
        "",
        f"Targets, on every page of the book: accessibility, best practices and SEO 100, mobile performance {TARGETS['mobile-performance']} or more. "
        + (f"Missed on {len(missed_pages)} of {len(book_figures)} pages: {', '.join(missed_pages)}." if missed_pages else "Every page meets them."),
        "",
        first_paint_line(runs) + " Mobile runs hide Chromium's scroll bars: with them this Chromium shows a mobile run's "
        "first frame only at about 1.2 s or 2.2 s, however early the page is ready, on both sites (see MOBILE_CHROME_FLAGS "
        "in tools/bench_site.py).",
        "",
        "## Failing audits of the book's pages",
        "",
        "Audits below 100 (numeric audits below 90, Lighthouse's pass); for performance, the value of the median failing run, "
        "and the runs that failed when not all did.",
        "",
        format_failures(failures, list(book_figures)),
    ]
    if errored:
        lines += [
            "",
            f"Lighthouse {LIGHTHOUSE_VERSION} could not run these audits with this Chromium (not failures of the pages; no effect "
            f"on the scores unless a weighted audit is named): {', '.join(errored)}.",
        ]
    if errors:
        lines += ["", f"## {len(errors)} Lighthouse run(s) failed twice (figures from the other runs)", "", *(f"- {e}" for e in errors)]
    text = "\n".join(lines) + "\n"

    out.mkdir(parents=True, exist_ok=True)
    (out / "table.md").write_text(text, encoding="utf-8")
    results = {
        "date": date.isoformat(),
        "seconds": round(elapsed, 1),
        "lighthouse": LIGHTHOUSE_VERSION,
        "chromium": chromium,
        "user_agents": user_agents,
        "benchmark_index": bench_index,
        "first_paint": first_paint_line(runs),
        "machine": {**describe_machine(), "load_average": {"start": list(load), "end": list(load_end)}},
        "runs": args.runs,
        "categories": {"mobile run 1": list(CATEGORIES), "other runs": ["performance"]},
        "chrome_flags": {"all": list(CHROME_FLAGS), "mobile": list(MOBILE_CHROME_FLAGS)},
        "skipped_audits": list(SKIP_AUDITS),
        "server": {"gzip": list(GZIP_TYPES), "cache_control": CACHE_CONTROL},
        "targets": TARGETS,
        "reference": {"what": "each figure's median over the stock site's pages", "figures": reference},
        "book": {
            "html": str(book.html),
            "pages": {page: {"figures": book_figures[page], "misses": misses(book_figures[page]), "runs": r} for page, r in book_runs.items()},
        },
        "stock": {
            "html": str(stock.html),
            "jupyter_book": _jupyter_book_version(),
            "pages": {page: {"figures": stock_figures[page], "runs": r} for page, r in stock_runs.items()},
        },
        "failing_audits": {"book": failures, "stock": stock_failures},
        "errored_audits": errored,
        "errors": errors,
    }
    (out / "results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print()
    print(text, end="")
    where = shown(out)
    print(f"\nWritten: {where}/table.md and {where}/results.json (Lighthouse's reports in {where}/reports).")
    if errors:
        print(f"bench-site: {len(errors)} Lighthouse run(s) failed twice: see above", file=sys.stderr)
        return 1
    return 0


def _jupyter_book_version() -> str:
    from importlib.metadata import version

    return version("jupyter-book")


if __name__ == "__main__":
    sys.exit(main())
