"""tools/bench_site.py (`make bench-site`): its server, its arithmetic and its report.

No network, no Lighthouse and no browser: the server is exercised over
127.0.0.1 with http.client, and the summaries and the table are built from
made-up Lighthouse reports. Oracles: gzip and the files themselves, and figures
worked out by hand.
"""

from __future__ import annotations

import gzip
import http.client
import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_site", ROOT / "tools" / "bench_site.py")
bench_site = importlib.util.module_from_spec(_spec)
sys.modules["bench_site"] = bench_site
_spec.loader.exec_module(bench_site)

FILES = {
    "index.html": ("<!DOCTYPE html><title>t</title>" + "<p>calculus</p>" * 200, "text/html; charset=utf-8", True),
    "_static/style.css": ("p { color: black; }\n" * 100, "text/css; charset=utf-8", True),
    "_static/app.js": ("console.log('x');\n" * 100, "application/javascript; charset=utf-8", True),
    "data.json": (json.dumps({"a": list(range(300))}), "application/json; charset=utf-8", True),
    "fig.svg": ("<svg xmlns='http://www.w3.org/2000/svg'>" + "<g/>" * 200 + "</svg>", "image/svg+xml", True),
    "notes.txt": ("gradient " * 200, "text/plain; charset=utf-8", True),
    "sitemap.xml": ("<urlset>" + "<url/>" * 100 + "</urlset>", "application/xml", True),
    "fig.png": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "image/png", False),
    "font.woff2": (b"wOF2" + bytes(300), "font/woff2", False),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("site")
    for name, (body, _, _) in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body if isinstance(body, bytes) else body.encode())
    (root / "book").mkdir()
    (root / "book" / "index.html").write_text("<p>a folder's index</p>")
    (root.parent / "secret.txt").write_text("outside the site")
    return root


@pytest.fixture(scope="module")
def server(site: Path):
    with bench_site.serve(site) as url:
        yield url.split("//")[1].rstrip("/")


def fetch(host: str, path: str, method: str = "GET", **headers: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(host, timeout=10)
    try:
        conn.request(method, path, headers=headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@pytest.mark.parametrize("name", sorted(FILES))
def test_the_server_gzips_text_types_as_github_pages_does(server: str, site: Path, name: str) -> None:
    _, ctype, compressed = FILES[name]
    original = (site / name).read_bytes()
    status, headers, body = fetch(server, "/" + name, **{"Accept-Encoding": "gzip, deflate, br"})
    assert status == 200
    assert headers["content-type"] == ctype
    assert headers["cache-control"] == "max-age=600"
    assert int(headers["content-length"]) == len(body)
    assert headers["etag"] and headers["last-modified"].endswith("GMT")
    if compressed:
        assert headers["content-encoding"] == "gzip"
        assert headers["vary"] == "Accept-Encoding"
        assert gzip.decompress(body) == original
        assert len(body) < len(original)
    else:
        assert "content-encoding" not in headers
        assert body == original


def test_the_server_sends_plain_bodies_to_clients_without_gzip(server: str, site: Path) -> None:
    for accept in ({}, {"Accept-Encoding": "identity"}, {"Accept-Encoding": "br, gzip;q=0"}):
        status, headers, body = fetch(server, "/_static/app.js", **accept)
        assert status == 200 and "content-encoding" not in headers, accept
        assert body == (site / "_static" / "app.js").read_bytes()


def test_the_server_answers_head_304_404_and_folders(server: str) -> None:
    status, headers, body = fetch(server, "/index.html", "HEAD", **{"Accept-Encoding": "gzip"})
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0
    _, first, _ = fetch(server, "/index.html", **{"Accept-Encoding": "gzip"})
    status, _, body = fetch(server, "/index.html", **{"Accept-Encoding": "gzip", "If-None-Match": first["etag"]})
    assert status == 304 and body == b""
    assert fetch(server, "/missing.html")[0] == 404
    assert fetch(server, "/../secret.txt")[0] == 404
    assert fetch(server, "/%2e%2e/secret.txt")[0] == 404
    status, headers, _ = fetch(server, "/book")
    assert status == 301 and headers["location"] == "/book/"
    status, _, body = fetch(server, "/book/")
    assert status == 200 and body == b"<p>a folder's index</p>"


def test_the_pages_measured_are_the_toc_of_the_book() -> None:
    pages = bench_site.toc_pages(ROOT / "_toc.yml")
    assert pages[0] == "book/intro"
    chapters = sorted(p.removesuffix(".md") for p in map(str, (ROOT / "book").glob("[0-9][0-9]-*.md")))
    assert [p for p in pages if p[5:7].isdigit()] == [str(Path(c).relative_to(ROOT)) for c in chapters]
    assert "book/bibliography" in pages and any(p.startswith("book/appendix-") for p in pages)


def test_lighthouse_is_pinned_in_its_own_npm_project() -> None:
    folder = ROOT / "tools" / "bench-site"
    package = json.loads((folder / "package.json").read_text())
    lock = json.loads((folder / "package-lock.json").read_text())
    assert package["dependencies"]["lighthouse"] == bench_site.LIGHTHOUSE_VERSION == "12.2.3"
    assert lock["packages"]["node_modules/lighthouse"]["version"] == "12.2.3"
    assert lock["packages"][""]["dependencies"] == package["dependencies"]
    # chrome-launcher is the one Lighthouse itself resolves to: a single copy.
    assert "node_modules/lighthouse/node_modules/chrome-launcher" not in lock["packages"]
    # make test installs tools/web only, which must not carry Lighthouse.
    web = json.loads((ROOT / "tools" / "web" / "package.json").read_text())
    assert "lighthouse" not in web["dependencies"]


def test_median_ratio_and_cells() -> None:
    assert bench_site.median([5, 1, 3]) == 3
    assert bench_site.median([1, 3]) == 2
    assert bench_site.median([]) is None
    assert bench_site.ratio(60, 80) == 0.75
    assert bench_site.cell(60, 80) == "60 (0.75x)"
    assert bench_site.cell(2048.0, 1024.0) == "2048 (2.00x)"
    assert bench_site.cell(None, 80) == "n/a"
    assert bench_site.cell(100, None) == "100"


def test_targets_flag_every_miss_and_only_misses() -> None:
    met = {"accessibility": 100, "best-practices": 100, "seo": 100, "mobile-performance": 90}
    assert bench_site.misses(met) == []
    # a median of an even number of runs keeps its .5, so that a miss never reads "90 < 90"
    assert bench_site.misses({**met, "mobile-performance": 89.5, "seo": 92}) == ["SEO 92 < 100", "mobile perf 89.5 < 90"]
    assert bench_site.misses({**met, "accessibility": None}) == ["a11y not measured"]
    # desktop performance and bytes have no target
    assert bench_site.misses({**met, "desktop-performance": 10, "kib": 1e6}) == []


def _lhr(perf: float | None = None, *, a11y: float | None = None, failing=(), errored=(), weight_bytes: int = 300_000) -> dict:
    """A Lighthouse report of the shape summarise_report reads."""
    audits = {
        "total-byte-weight": {"numericValue": weight_bytes, "score": 1, "scoreDisplayMode": "numeric"},
        "metrics": {"details": {"items": [{"observedFirstContentfulPaint": 2231, "observedDomContentLoaded": 702}]}},
    }
    categories = {}
    for cat, score in (("performance", perf), ("accessibility", a11y)):
        if score is None:
            continue
        refs = []
        for audit_id, audit_cat, audit_weight, audit_score, mode in failing:
            if audit_cat == cat:
                audits[audit_id] = {"title": audit_id.title(), "score": audit_score, "scoreDisplayMode": mode, "numericValue": 1000 * (1 - audit_score), "displayValue": f"{audit_score}"}
                refs.append({"id": audit_id, "weight": audit_weight})
        for audit_id in errored:
            audits[audit_id] = {"title": audit_id, "score": None, "scoreDisplayMode": "error", "errorMessage": "boom"}
            refs.append({"id": audit_id, "weight": 0})
        audits[f"{cat}-ok"] = {"title": "fine", "score": 1, "scoreDisplayMode": "binary"}
        audits[f"{cat}-na"] = {"title": "n/a", "score": None, "scoreDisplayMode": "notApplicable"}
        refs += [{"id": f"{cat}-ok", "weight": 1}, {"id": f"{cat}-na", "weight": 1}]
        categories[cat] = {"score": score, "auditRefs": refs}
    return {"lighthouseVersion": "12.2.3", "configSettings": {"formFactor": "mobile"}, "categories": categories, "audits": audits,
            "environment": {"benchmarkIndex": 1000, "hostUserAgent": "HeadlessChrome/156"}, "runWarnings": [], "timing": {"total": 12_000}}


def test_summarise_report_keeps_scores_bytes_and_failing_audits() -> None:
    lhr = _lhr(0.874, a11y=0.96, errored=["layout-shifts"], failing=[
        ("largest-contentful-paint", "performance", 25, 0.5, "numeric"),
        ("speed-index", "performance", 10, 0.95, "numeric"),  # passes: numeric audits pass at 0.9
        ("color-contrast", "accessibility", 7, 0, "binary"),
    ])
    s = bench_site.summarise_report(lhr)
    assert s["scores"] == {"performance": 87, "accessibility": 96}
    assert s["bytes"] == 300_000
    assert [a["id"] for a in s["failing"]["performance"]] == ["largest-contentful-paint"]
    assert [a["id"] for a in s["failing"]["accessibility"]] == ["color-contrast"]
    assert {a["id"] for a in s["errored"]} == {"layout-shifts"}
    assert s["observed"] == {"first_paint": 2231, "dom_content_loaded": 702}
    del lhr["audits"]["metrics"]  # a report without the metrics audit still summarises
    assert bench_site.summarise_report(lhr)["observed"] == {"first_paint": None, "dom_content_loaded": None}
    with pytest.raises(RuntimeError, match="NO_FCP"):
        bench_site.summarise_report({**lhr, "runtimeError": {"code": "NO_FCP", "message": "no paint"}})


def test_the_table_gives_medians_and_ratios_to_the_stock_median() -> None:
    def runs(perfs, desktop, a11y, kib):
        # the first mobile run has every category, the others performance alone
        mob = [bench_site.summarise_report(_lhr(p / 100, a11y=a11y / 100 if i == 0 else None, weight_bytes=kib * 1024)) for i, p in enumerate(perfs)]
        for run in mob[:1]:
            run["scores"].update({"best-practices": 100, "seo": 100})
        desk = [bench_site.summarise_report(_lhr(p / 100)) for p in desktop]
        return {"mobile": mob, "desktop": desk}

    book = {"intro": bench_site.page_figures(runs([95, 91, 99], [100, 100, 98], 100, 900))}
    book["01-ch"] = bench_site.page_figures(runs([40, 80, 60], [90, 90, 90], 96, 3000))
    stock = {name: bench_site.page_figures(runs([p], [90], 100, k)) for name, p, k in (("intro", 50, 1000), ("a", 70, 1200), ("b", 60, 1100))}
    reference = bench_site.reference_figures(stock.values())
    assert reference["mobile-performance"] == 60 and reference["kib"] == 1100
    lines = bench_site.format_table(book, stock, reference).splitlines()
    assert lines[0].startswith("| page ") and set(lines[1]) <= {"|", "-", " "}
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in lines[2:]]
    assert cells[0] == ["intro", "95 (1.58x)", "100 (1.11x)", "100 (1.00x)", "100 (1.00x)", "100 (1.00x)", "900 (0.82x)", "met"]
    assert cells[1][1] == "60 (1.00x)" and cells[1][-1] == "MISSED: a11y 96 < 100; mobile perf 60 < 90"
    assert [c[0] for c in cells[2:]] == ["stock: intro", "stock: a", "stock: b", "stock: median (= 1.00x)"]
    assert cells[-1][1] == "60" and cells[-1][6] == "1100"


def test_failing_audits_say_where_and_how_often() -> None:
    failing = [("total-blocking-time", "performance", 30, 0.2, "numeric")]
    book = {
        "intro": {"mobile": [bench_site.summarise_report(_lhr(0.9)), bench_site.summarise_report(_lhr(0.8, failing=failing))]},
        "01-ch": {"mobile": [bench_site.summarise_report(_lhr(0.5, failing=failing))] * 2},
    }
    entries = bench_site.failing_audits(book, stock_failing={"performance/total-blocking-time"})
    assert len(entries) == 1
    e = entries[0]
    assert (e["id"], e["weight"], e["stock_too"]) == ("total-blocking-time", 30, True)
    assert [(w["page"], w["form_factor"], w["runs"], w["of"]) for w in e["where"]] == [("intro", "mobile", 1, 2), ("01-ch", "mobile", 2, 2)]
    text = bench_site.format_failures(entries)
    assert "`total-blocking-time`" in text and "intro 0.2 (1/2 runs), 01-ch 0.2" in text and "stock site fails it too" in text
    assert bench_site.format_failures([]) == "No audit fails on any page of the book."


def test_an_audit_failing_everywhere_alike_is_one_line_with_an_example() -> None:
    lhr = _lhr(0.9, a11y=0.9, failing=[("errors-in-console", "accessibility", 1, 0, "binary")])
    lhr["audits"]["errors-in-console"]["details"] = {"items": [
        {"description": "Failed to load resource: 404", "sourceLocation": {"url": "http://127.0.0.1:5123/favicon.ico"}}]}
    run = bench_site.summarise_report(lhr)
    book = {page: {"mobile": [run]} for page in ("intro", "01-ch")}
    text = bench_site.format_failures(bench_site.failing_audits(book), ["intro", "01-ch"])
    assert text.splitlines()[-1] == (
        "- `errors-in-console` Errors-In-Console [weight 1]: every page (e.g. `/favicon.ico: Failed to load resource: 404`)")
    # on some of the pages only, each is named
    assert ": intro (e.g." in bench_site.format_failures(bench_site.failing_audits({"intro": book["intro"]}), ["intro", "01-ch"])


def test_runs_are_interleaved_and_named_by_page_form_factor_and_run(tmp_path: Path) -> None:
    jobs = bench_site.plan_jobs([("book", "http://h/", [("intro", "book/intro.html")]), ("stock", "http://s/", [("intro", "intro.html")])],
                                runs=3, reports=tmp_path)
    assert [str(j) for j in jobs[:5]] == ["book intro mobile run 1", "book intro desktop run 1", "stock intro mobile run 1",
                                          "stock intro desktop run 1", "book intro mobile run 2"]
    assert len(jobs) == 2 * 2 * 3
    assert len({j.output for j in jobs}) == len(jobs)
    assert jobs[0].spec() == {"id": 0, "url": "http://h/book/intro.html", "formFactor": "mobile",
                              "chromeFlags": [*bench_site.CHROME_FLAGS, "--hide-scrollbars"],
                              "categories": ["performance", "accessibility", "best-practices", "seo"],
                              "skipAudits": ["unused-css-rules", "render-blocking-resources"],
                              "output": str(tmp_path / "book" / "intro.mobile.1.json")}
    # accessibility, best practices and SEO once, in the first mobile run
    assert [j.spec()["categories"] for j in jobs[1:] if j.site == "book"] == [["performance"]] * 5


def test_chromium_reaches_no_host_but_this_one() -> None:
    for form_factor in ("mobile", "desktop"):
        flags = bench_site.chrome_flags(form_factor)
        assert "--headless=new" in flags and "--no-sandbox" in flags
        assert "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1" in flags


def test_only_the_mobile_runs_hide_the_scroll_bars(tmp_path: Path) -> None:
    # Mobile: overlay scroll bars, whose fade holds the first frame back (MOBILE_CHROME_FLAGS).
    # Desktop: classic scroll bars, which take room on the page and must stay.
    jobs = bench_site.plan_jobs([("book", "http://h/", [("intro", "book/intro.html")])], runs=1, reports=tmp_path)
    flags = {j.form_factor: j.spec()["chromeFlags"] for j in jobs}
    assert "--hide-scrollbars" in flags["mobile"]
    assert "--hide-scrollbars" not in flags["desktop"]
    assert flags["mobile"][: len(flags["desktop"])] == flags["desktop"]


def test_the_examples_in_the_script_hold() -> None:
    # tools/ is outside pytest's doctest paths: run the script's examples here.
    import doctest

    result = doctest.testmod(bench_site, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 10 and result.failed == 0


def test_the_stock_site_is_rebuilt_unless_a_complete_build_is_newer_than_the_template(tmp_path: Path) -> None:
    import os

    stock = tmp_path / "stock"
    html = stock / "_build" / "html"
    html.mkdir(parents=True)
    (html / "intro.html").write_text("<p>stock</p>")
    assert not bench_site.stock_is_current(stock)  # pages, but no record of a build that finished
    (stock / ".built").write_text("jupyter-book\n")
    assert bench_site.stock_is_current(stock)
    os.utime(stock / ".built", (0, 0))  # built before the template was installed
    assert not bench_site.stock_is_current(stock)
