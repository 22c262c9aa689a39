"""Checks of the built site, _build/html, run by `make test` after the strict build.

A Sphinx build can succeed and still publish a page with a traceback, a warning
printed by a cell, TeX that was never typeset, an image without alt text
or a script fetched from the network. These tests read every page for those.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
# A chapter author may check a private build: MVCALC_HTML and MVCALC_TOC.
HTML = Path(os.environ.get("MVCALC_HTML", ROOT / "_build" / "html"))
TOC = Path(os.environ.get("MVCALC_TOC", ROOT / "_toc.yml"))

if not (HTML / "index.html").exists():
    pytest.fail(f"no built site in {HTML}: run 'make book' first", pytrace=False)


def _toc_files(entries: list[dict]) -> list[str]:
    """The files of toc entries in reading order, with their sections (the API reference's modules)."""
    return [f for e in entries for f in [e["file"], *_toc_files(e.get("sections", []))]]


def _toc_pages() -> list[str]:
    toc = yaml.safe_load(TOC.read_text())
    files = [toc["root"]] + [f for p in toc["parts"] for f in _toc_files(p["chapters"])]
    return files


# Every page gets the general checks (no traceback, no raw TeX, links, alt
# text, valid HTML); the chapters, and only they, also get the chapter checks
# (figures, numbered equations, exercises, citation, downloads), which the
# reference pages (notation, glossary, API reference, bibliography) do not have.
PAGES = _toc_pages()
CHAPTERS = [p for p in PAGES if re.match(r"book/\d\d-", p)]


def soup(page: str) -> BeautifulSoup:
    return BeautifulSoup((HTML / f"{page}.html").read_text(encoding="utf-8"), "html.parser")


def article(page: str) -> BeautifulSoup:
    body = soup(page).find("article")
    assert body is not None, f"{page}: no <article> element"
    return body


def prose_text(node) -> str:
    """Text of a page outside code, math and scripts: what a reader reads as prose.

    The signatures of the API reference (``dt.sig``) are code too: a default
    value may be a matplotlib label such as ``'step size $h$'``.
    """
    node = BeautifulSoup(str(node), "html.parser")
    for tag in node.select("script, style, pre, code, .math, .highlight, .cell_input, .sig"):
        tag.decompose()
    return node.get_text(" ")


@pytest.mark.parametrize("page", PAGES)
def test_page_exists(page: str) -> None:
    assert (HTML / f"{page}.html").is_file()


@pytest.mark.parametrize("page", PAGES)
def test_no_traceback_or_warning_text(page: str) -> None:
    # prose and every cell output; not source code shown on purpose
    body = article(page)
    text = prose_text(body) + " ".join(o.get_text(" ") for o in body.select(".cell_output"))
    for bad in ("Traceback (most recent call last)", "Warning:", "DeprecationWarning", "RuntimeWarning", "UserWarning"):
        assert bad not in text, f"{page} shows {bad!r}"
    assert not re.search(r"\bWarning\b", text), f"{page} shows the word 'Warning'"
    assert not article(page).select(".output.stderr, .output.traceback, .system-message, .problematic"), page


@pytest.mark.parametrize("page", PAGES)
def test_no_raw_tex_outside_math(page: str) -> None:
    """TeX that did not become a math element stays on the page as raw text."""
    text = prose_text(article(page))
    assert "$" not in text.replace("US$", ""), f"{page}: a '$' outside math (unclosed or unparsed math?)"
    leftover = re.findall(r"\\[a-zA-Z]+", text)
    assert not leftover, f"{page}: TeX commands outside math: {sorted(set(leftover))[:10]}"


def tex_of(element) -> str:
    """The TeX of a typeset equation: its annotation (book/_ext/mvcalc_math.py)."""
    annotation = element.select_one('annotation[encoding="application/x-tex"]')
    assert annotation is not None, f"an equation without its TeX: {str(element)[:200]}"
    return annotation.get_text()


@pytest.mark.parametrize("page", PAGES)
def test_math_is_well_formed(page: str) -> None:
    """Every equation's TeX has balanced braces and \\left/\\right pairs, and uses known macros."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    macros = set(config["sphinx"]["config"]["mathjax3_config"]["tex"]["macros"])
    for el in article(page).select(".math"):
        tex = tex_of(el)
        depth = 0
        for ch in re.sub(r"\\[{}]", "", tex):
            depth += {"{": 1, "}": -1}.get(ch, 0)
            assert depth >= 0, f"{page}: unbalanced '}}' in {tex!r}"
        assert depth == 0, f"{page}: unbalanced '{{' in {tex!r}"
        assert len(re.findall(r"\\left\b", tex)) == len(re.findall(r"\\right\b", tex)), tex
        for name in re.findall(r"\\([a-zA-Z]+)", tex):
            assert name not in {"dd", "R", "eps", "bigO"} or name in macros


@pytest.mark.parametrize("page", PAGES)
def test_math_is_mathml_core(page: str) -> None:
    """Every equation is one MathML element, typeset when the book was built, in
    the part of MathML that browsers draw (MathML Core): no ``mathvariant`` but
    ``normal``, no MathJax attributes, no colours of its own."""
    for el in article(page).select(".math"):
        maths = el.find_all("math", recursive=False)
        assert len(maths) == 1, f"{page}: {str(el)[:200]}"
        math = maths[0]
        assert math.get("xmlns") == "http://www.w3.org/1998/Math/MathML", page
        assert (math.get("display") == "block") == (el.name == "div"), f"{page}: {str(el)[:200]}"
        for node in math.find_all(True):
            assert not [a for a in node.attrs if a.startswith("data-mjx")], f"{page}: {node}"
            assert node.get("mathvariant") in (None, "normal"), f"{page}: {node}"
            assert "mathcolor" not in node.attrs and "mathbackground" not in node.attrs, f"{page}: {node}"
        assert not el.select(".mvcalc-math-error"), f"{page}: an equation left as TeX: {el.get_text()[:200]}"


@pytest.mark.parametrize("page", PAGES)
def test_scripts_are_served_by_the_site(page: str) -> None:
    """Pages render offline: every script and stylesheet comes from the site, and
    none is for the math, which needs no script."""
    html = soup(page)
    scripts = [s["src"] for s in html.find_all("script", src=True)]
    assert not [s for s in scripts if "mathjax" in s.lower() or "tex-" in s.lower()], f"{page}: a script for the math"
    for src in scripts:
        assert not urlsplit(src).scheme, f"{page}: script from the network: {src}"
        target = (HTML / page).parent / urlsplit(src).path
        assert target.resolve().is_file(), f"{page}: script {src} is missing from the site"
    for link in html.find_all("link", rel="stylesheet"):
        assert not urlsplit(link["href"]).scheme, f"{page}: stylesheet from the network: {link['href']}"


# Sphinx's search tools and the whole search index, which the theme loads on
# every page for a search-as-you-type that is off (book/_templates/layout.html).
SEARCH_SCRIPTS = re.compile(r"(^|/)(searchindex|searchtools|language_data)\.js(\?|$)")


@pytest.mark.parametrize("page", PAGES + ["genindex"])
def test_pages_load_no_search_index(page: str) -> None:
    """Only the search page loads the search index (50 kB compressed) and Sphinx's search tools."""
    scripts = [s["src"] for s in soup(page).find_all("script", src=True)]
    assert not [s for s in scripts if SEARCH_SCRIPTS.search(s)], f"{page}: {scripts}"


def test_the_search_page_loads_the_search_index() -> None:
    scripts = [s["src"] for s in soup("search").find_all("script", src=True)]
    assert {m.group(2) for s in scripts if (m := SEARCH_SCRIPTS.search(s))} == {"searchindex", "searchtools", "language_data"}


@pytest.mark.parametrize("page", CHAPTERS)
def test_code_blocks_carry_no_spans_of_plain_text(page: str) -> None:
    """Tokens drawn as plain text (names, punctuation) have no span of their own
    (book/_ext/mvcalc_html.py); the others keep theirs, so the code is still highlighted."""
    blocks = article(page).select("div.highlight > pre")
    assert blocks, f"{page}: no code blocks"
    plain = [span for pre in blocks for span in pre.find_all("span", class_=["n", "p", "w", "nn", "nx", "pm"])]
    assert plain == [], f"{page}: {plain[:3]}"
    assert any(pre.find("span", class_="k") for pre in blocks), f"{page}: no keyword highlighted"


# --- no MathJax in the site ---------------------------------------------------------


def test_the_site_ships_no_mathjax() -> None:
    """MathJax runs when the book is built, not in the browser: the site has none of it."""
    assert not (HTML / "mathjax").exists()
    assert not list(HTML.rglob("tex-chtml*.js")), "MathJax's script is in the site"


# --- meta descriptions ----------------------------------------------------------------


def description_problems(pages: dict[str, str]) -> list[str]:
    """What is wrong with the meta descriptions of ``pages`` (name: HTML)."""
    problems, seen = [], {}
    for name, text in pages.items():
        metas = BeautifulSoup(text, "html.parser").find_all("meta", attrs={"name": "description"})
        if len(metas) != 1:
            problems.append(f"{name}: {len(metas)} meta descriptions")
            continue
        content = " ".join(metas[0].get("content", "").split())
        if not 50 <= len(content) <= 160:
            problems.append(f"{name}: description of {len(content)} characters, not 50 to 160")
        if content in seen:
            problems.append(f"{name}: the same description as {seen[content]}")
        seen.setdefault(content, name)
    return problems


def test_pages_have_meta_descriptions(site_pages: dict[Path, str]) -> None:
    """Each page has one description of its own, as long as search engines show (50 to 160 characters).

    Every page of the site (the fixture site_pages): the book's, and those
    Sphinx generates (search, the indices); not the redirect that Jupyter Book
    writes as index.html.
    """
    pages = {f.relative_to(HTML).as_posix(): text for f, text in site_pages.items()}
    assert {f"{p}.html" for p in PAGES + ["search", "genindex"]} <= set(pages)
    assert description_problems(pages) == []


def test_the_description_check_finds_missing_short_and_repeated_descriptions() -> None:
    good = "A description that is long enough to be shown, and says what the page is."
    pages = {
        "a": f'<meta name="description" content="{good}">',
        "b": f'<meta name="description" content="{good}">',
        "c": '<meta name="description" content="Too short.">',
        "d": "<title>no description</title>",
    }
    assert description_problems(pages) == [
        "b: the same description as a", "c: description of 10 characters, not 50 to 160", "d: 0 meta descriptions",
    ]


# --- figures: sized, compressed, opaque -----------------------------------------------


def img_size_problems(page: Path) -> list[str]:
    """Images of ``page``'s article without width and height, or whose size is not the file's."""
    from PIL import Image

    body = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("article")
    problems = []
    for img in body.find_all("img") if body else []:
        src = img.get("src", "")
        width, height = img.get("width", ""), img.get("height", "")
        if not (width.isdigit() and height.isdigit()):
            problems.append(f"{src}: no width and height")
            continue
        path = page.parent / urlsplit(src).path
        if path.suffix.lower() in (".png", ".jpg", ".jpeg", ".gif", ".webp") and path.is_file():
            with Image.open(path) as im:
                if im.size != (int(width), int(height)):
                    problems.append(f"{src}: width and height {width}x{height}, but the image is {im.size[0]}x{im.size[1]}")
    return problems


@pytest.mark.parametrize("page", PAGES)
def test_images_have_width_and_height(page: str) -> None:
    """The browser reserves each figure's space before it arrives: the text does not jump."""
    assert img_size_problems(HTML / f"{page}.html") == []


def figure_problems(path: Path) -> list[str]:
    """Why a figure PNG would vanish in dark mode, or was not recompressed."""
    from PIL import Image

    with Image.open(path) as im:
        if "transparency" in im.info:
            return ["a transparent colour"]
        if im.mode in ("RGBA", "LA", "PA"):
            alpha = im.getchannel("A")
            clear = sum(alpha.histogram()[:255])
            if clear:
                return [f"{clear} transparent pixels"]
            return ["an alpha channel that no pixel uses (not recompressed)"]
    return []


def test_figures_are_opaque_and_compressed() -> None:
    """No figure has a transparent background, on which dark text would vanish in dark mode."""
    figures = sorted((HTML / "_images").glob("*.png"))
    assert figures, "no figures in _images"
    problems = {p.name: figure_problems(p) for p in figures}
    assert {name: why for name, why in problems.items() if why} == {}


def test_the_figure_checks_find_transparency_and_a_missing_size(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGBA", (4, 2), (0, 0, 0, 0)).save(tmp_path / "clear.png")
    Image.new("RGBA", (4, 2), (255, 255, 255, 255)).save(tmp_path / "opaque-rgba.png")
    Image.new("RGB", (4, 2), (255, 255, 255)).save(tmp_path / "rgb.png")
    assert figure_problems(tmp_path / "clear.png") == ["8 transparent pixels"]
    assert figure_problems(tmp_path / "opaque-rgba.png") == ["an alpha channel that no pixel uses (not recompressed)"]
    assert figure_problems(tmp_path / "rgb.png") == []
    (tmp_path / "page.html").write_text(
        '<article><img src="rgb.png" alt="a"><img src="rgb.png" width="4" height="2" alt="b">'
        '<img src="rgb.png" width="8" height="4" alt="c"></article>'
    )
    assert img_size_problems(tmp_path / "page.html") == [
        "rgb.png: no width and height", "rgb.png: width and height 8x4, but the image is 4x2"
    ]


@pytest.mark.parametrize("page", PAGES)
def test_images_have_alt_text_and_exist(page: str) -> None:
    for img in article(page).find_all("img"):
        assert img.get("alt", "").strip(), f"{page}: image {img.get('src')} has no alt text"
        src = urlsplit(img["src"])
        if not src.scheme and not img["src"].startswith("data:"):
            assert ((HTML / page).parent / src.path).resolve().is_file(), f"{page}: missing {img['src']}"


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_figures_are_captioned(page: str) -> None:
    figures = article(page).select("figure")
    assert len(figures) >= 5, f"{page}: {len(figures)} figures, at least 5 expected"
    for fig in figures:
        assert fig.find("figcaption") and fig.find("figcaption").get_text(strip=True), f"{page}: uncaptioned figure"


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_has_numbered_equations_proofs_and_exercises(page: str) -> None:
    body = article(page)
    assert len(body.select(".eqno")) >= 5, f"{page}: fewer than 5 numbered equations"
    assert body.select(".proof.definition, div.definition"), f"{page}: no definition"
    assert body.select(".proof.theorem, div.theorem"), f"{page}: no theorem"
    assert len(body.select(".exercise")) >= 5, f"{page}: fewer than 5 exercises"
    assert len(body.select(".solution")) >= 5, f"{page}: fewer than 5 solutions"


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_ends_with_its_citation(page: str) -> None:
    html = soup(page)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    url = config["html"]["baseurl"].rstrip("/") + f"/{page}.html"
    bib = [pre.get_text() for pre in article(page).find_all("pre") if "@incollection{" in pre.get_text()]
    assert len(bib) == 1, f"{page}: no BibTeX block"
    h1 = article(page).find("h1")
    for extra in h1.select(".section-number, .headerlink"):
        extra.decompose()
    title = h1.get_text().strip()
    assert f"title     = {{{title}}}" in bib[0]
    assert url in bib[0]
    meta = {m["name"]: m["content"] for m in html.find_all("meta", attrs={"name": True})}
    assert meta.get("citation_public_url") == url
    assert meta.get("citation_title") == title


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_offers_binder_and_downloads(page: str) -> None:
    html = str(soup(page))
    assert "mybinder.org/v2/gh/" in html and f"urlpath=lab/tree/{page}.md" in html
    assert f"_sources/{page}" in html, f"{page}: no source download"


# --- internal links and anchors ----------------------------------------------------


def broken_links(site: Path, page: Path) -> list[str]:
    """Links of ``page`` (a file of the site ``site``) to a missing file or anchor."""
    html = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    faults = []
    for a in html.find_all("a", href=True):
        href = a["href"]
        parts = urlsplit(href)
        if parts.scheme or href.startswith(("mailto:", "javascript:")):
            continue
        target = page if not parts.path else (page.parent / parts.path).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            faults.append(f"{href}: no such file")
            continue
        if parts.fragment and target.suffix == ".html":
            ids = _ids(target)
            if parts.fragment not in ids:
                faults.append(f"{href}: no anchor #{parts.fragment} in {target.name}")
    return faults


@functools.lru_cache(maxsize=None)
def _ids(path: Path) -> frozenset[str]:
    html = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return frozenset(el["id"] for el in html.find_all(id=True)) | frozenset(
        el["name"] for el in html.find_all("a", attrs={"name": True})
    )


@pytest.mark.parametrize("page", PAGES + ["search", "genindex"])
def test_internal_links_and_anchors_resolve(page: str) -> None:
    assert broken_links(HTML, HTML / f"{page}.html") == []


def test_the_link_check_finds_a_broken_anchor_and_file(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text('<p id="here"><a href="#here">ok</a> <a href="b.html#there">anchor</a> <a href="c.html">file</a></p>')
    (tmp_path / "b.html").write_text('<p id="elsewhere">b</p>')
    faults = broken_links(tmp_path, tmp_path / "a.html")
    assert faults == ["b.html#there: no anchor #there in b.html", "c.html: no such file"]


# --- HTML validity: the Nu Html Checker (vnu), the validator behind validator.w3.org,
# run offline from its pinned npm package (tools/web) with the machine's Java --------

VNU = ROOT / "tools" / "web" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def validate(paths: list[Path]) -> list[str]:
    """Errors that vnu reports for ``paths``, as 'file:line: message'."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is missing: 'make browser' installs a Java runtime for the HTML validator", pytrace=False)
    if not VNU.is_file():
        pytest.fail(f"{VNU} is missing: 'make web' installs tools/web", pytrace=False)
    out = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", "--exit-zero-always", *map(str, paths)],
        capture_output=True, text=True, timeout=300,
    )
    messages = json.loads(out.stderr or out.stdout)["messages"]
    return [f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']}" for m in messages if m["type"] == "error"]


def test_pages_are_valid_html() -> None:
    pages = [HTML / f"{p}.html" for p in PAGES] + [HTML / "search.html", HTML / "genindex.html"]
    assert validate(pages) == []


def test_the_validator_finds_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p><div>block in p</div><span foo=bar>x</span></p></body></html>')
    errors = validate([bad])
    assert errors and all(e.startswith("bad.html") for e in errors)


# --- downloads: each chapter as an executed notebook and as its source, the book as a PDF --


def notebook_problems(path: Path) -> list[str]:
    """What makes a downloaded notebook fall short of the chapter as published."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    outputs = [o for c in code for o in c.get("outputs", [])]
    problems = []
    if not any("image/png" in o.get("data", {}) for o in outputs):
        problems.append("no image/png output (was it executed?)")
    errors = [o.get("ename", "?") for o in outputs if o.get("output_type") == "error"]
    if errors:
        problems.append(f"error outputs: {errors}")
    if any(c.get("outputs") and c.get("execution_count") is None for c in code):
        problems.append("a cell with outputs but no execution count")
    return problems


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_downloads_are_the_executed_notebook_and_the_source(page: str) -> None:
    """The download menu's .ipynb carries the outputs the page shows; the .md is the source."""
    html = soup(page)
    links = {a.get_text(strip=True): a["href"] for a in html.select(".dropdown-download-buttons a[href]")}
    assert ".ipynb" in links and ".md" in links, f"{page}: download menu {links}"
    base = (HTML / page).parent
    notebook = (base / urlsplit(links[".ipynb"]).path).resolve()
    source = (base / urlsplit(links[".md"]).path).resolve()
    assert notebook == (HTML / "_sources" / f"{page}.ipynb").resolve() and notebook.is_file(), notebook
    assert source.is_file() and source.read_text(encoding="utf-8") == (ROOT / f"{page}.md").read_text(encoding="utf-8")
    assert notebook_problems(notebook) == [], f"{page}.ipynb: {notebook_problems(notebook)}"
    # as many cells with outputs as the page shows (at least)
    shown = len(article(page).select("div.cell .cell_output"))
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    assert sum(1 for c in nb["cells"] if c.get("outputs")) >= shown


def test_the_notebook_check_finds_a_notebook_without_outputs(tmp_path: Path) -> None:
    bare = tmp_path / "bare.ipynb"
    bare.write_text(json.dumps({"cells": [{"cell_type": "code", "source": "1", "outputs": [], "execution_count": None, "metadata": {}}]}))
    failed = tmp_path / "failed.ipynb"
    failed.write_text(json.dumps({"cells": [{"cell_type": "code", "source": "1", "execution_count": 1, "metadata": {}, "outputs": [
        {"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo="}, "metadata": {}},
        {"output_type": "error", "ename": "ValueError", "evalue": "", "traceback": []},
    ]}]}))
    assert notebook_problems(bare) == ["no image/png output (was it executed?)"]
    assert notebook_problems(failed) == ["error outputs: ['ValueError']"]


def _pdf_name() -> str:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    return Path(config["latex"]["latex_documents"]["targetname"]).with_suffix(".pdf").name


@pytest.mark.parametrize("page", PAGES + ["search", "genindex"])
def test_every_page_links_the_book_pdf_when_the_site_has_it(page: str) -> None:
    """`make pdf` then `make book`: the PDF is in the site and in every page's download menu.

    Without it (no `make pdf`), no page may link to it.
    """
    pdf = HTML / _pdf_name()
    html = soup(page)
    targets = [
        ((HTML / page).parent / urlsplit(a["href"]).path).resolve()
        for a in html.find_all("a", href=True)
        if not urlsplit(a["href"]).scheme and urlsplit(a["href"]).path.endswith(".pdf")
    ]
    if pdf.is_file():
        assert pdf.read_bytes()[:5] == b"%PDF-", f"{pdf} is not a PDF"
        menu = [a for a in html.select(".dropdown-download-buttons a[href]") if a["href"].endswith(_pdf_name())]
        assert menu, f"{page}: no link to the book's PDF in the download menu"
        assert pdf.resolve() in targets
    else:
        assert targets == [], f"{page} links to a PDF that the site does not have: {targets}"


def test_introduction_cites_the_whole_book() -> None:
    """The introduction's BibTeX entry for the book, made from CITATION.cff (see tests/test_citation.py)."""
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    blocks = [pre.get_text() for pre in article(PAGES[0]).find_all("pre") if "@book{" in pre.get_text()]
    assert len(blocks) == 1, f"{PAGES[0]}: {len(blocks)} @book entries"
    for line in (
        f"title     = {{{cff['title']}}},",
        f"version   = {{{cff['version']}}},",
        f"year      = {{{str(cff['date-released'])[:4]}}},",
        f"url       = {{{config['html']['baseurl']}}},",
    ):
        assert line in blocks[0], f"{PAGES[0]}: the book's BibTeX lacks {line!r}"
