"""Checks of the book's PDF, as a reader would find it, with Poppler's tools.

`make pdf` builds ``_build/latex/mvcalc-book.pdf`` (and installs TeX Live and
Poppler, ``poppler-utils``, when they are missing). These tests read it with
``pdfinfo``, ``pdftotext`` and ``pdfimages``: the title page, the table of
contents and its page numbers, a page opening each chapter, numbered
equations, definitions, theorems, proofs, exercises and solutions, embedded
figures, the bibliography, page numbers, and no unresolved reference (``??``).

Without a PDF the tests are skipped, with the reason shown by ``make test``;
CI builds the PDF first and sets ``MVCALC_REQUIRE_PDF=1``, so that there a
missing PDF fails. ``MVCALC_PDF`` and ``MVCALC_TOC`` check a private build.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
CFF = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
TOC = Path(os.environ.get("MVCALC_TOC", ROOT / "_toc.yml"))
PDF_NAME = Path(CONFIG["latex"]["latex_documents"]["targetname"]).with_suffix(".pdf").name
PDF = Path(os.environ.get("MVCALC_PDF", ROOT / "_build" / "latex" / PDF_NAME))

if not PDF.is_file():
    reason = f"no PDF at {PDF}: 'make pdf' builds it (these checks then run in 'make test')"
    if os.environ.get("MVCALC_REQUIRE_PDF"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.slow


def poppler(tool: str, *args: str) -> str:
    exe = shutil.which(tool)
    if exe is None:
        pytest.fail(f"{tool} is missing: 'make tex' installs Debian's poppler-utils", pytrace=False)
    out = subprocess.run([exe, *args], capture_output=True, text=True, timeout=120, check=True)
    return out.stdout


@functools.lru_cache(maxsize=None)
def pages(layout: bool = False) -> tuple[str, ...]:
    """The text of every page, in order (pdftotext ends each page with a form feed)."""
    text = poppler("pdftotext", *(["-layout"] if layout else []), str(PDF), "-")
    return tuple(text.split("\f")[:-1])


def lines(page: str) -> list[str]:
    return [line.strip() for line in page.splitlines() if line.strip()]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _title_of(source: Path) -> str:
    """A chapter's title: the first level-1 heading of its source, as plain text."""
    body = source.read_text(encoding="utf-8")
    body = re.sub(r"\A---\n.*?\n---\n", "", body, flags=re.S)  # the jupytext header
    match = re.search(r"^# (.+)$", body, flags=re.M)
    assert match, f"{source}: no title"
    return re.sub(r"[`*_]", "", match.group(1)).strip()


def _chapters() -> list[tuple[int, str]]:
    toc = yaml.safe_load(TOC.read_text(encoding="utf-8"))
    files = [c["file"] for p in toc["parts"] if p.get("numbered") for c in p["chapters"]]
    return [(n, _title_of(ROOT / f"{f}.md")) for n, f in enumerate(files, start=1)]


CHAPTERS = _chapters()
NUMBERS = [n for n, _ in CHAPTERS]


def printed_number(page: str) -> int | None:
    """The page number printed in the footer: a line that is only digits, the last such."""
    numbers = [int(line) for line in lines(page) if re.fullmatch(r"\d{1,4}", line)]
    return numbers[-1] if numbers else None


@functools.lru_cache(maxsize=None)
def chapter_pages() -> dict[int, range]:
    """For each chapter, the indices (from 0) of its pages: from its opening page to the next one's."""
    text = pages()
    starts = {}
    for n, title in CHAPTERS:
        for i, page in enumerate(text):
            head = squash(" ".join(lines(page)[:8])).upper()
            if head.startswith("CHAPTER") and squash(title).upper() in head:
                starts[n] = i
                break
    assert len(starts) == len(CHAPTERS), f"no opening page for chapters {set(NUMBERS) - set(starts)}"
    ends = sorted(starts.values())[1:] + [_bibliography_page()]
    return {n: range(starts[n], end) for n, end in zip(NUMBERS, ends)}


def _bibliography_page() -> int:
    for i, page in enumerate(pages()):
        if lines(page) and lines(page)[0].upper() == "BIBLIOGRAPHY":
            return i
    return len(pages())


def chapter_text(n: int) -> str:
    return "\n".join(pages()[i] for i in chapter_pages()[n])


# --- the whole document -------------------------------------------------------------


def test_metadata() -> None:
    info = dict(
        line.split(":", 1) for line in poppler("pdfinfo", str(PDF)).splitlines() if ":" in line
    )
    assert info["Title"].strip() == CONFIG["title"] == CFF["title"]
    assert info["Author"].strip() == ", ".join(a.get("name") or f"{a['family-names']}, {a['given-names']}" for a in CFF["authors"])
    assert int(info["Pages"]) >= 4 + 5 * len(CHAPTERS)


def test_title_page_has_title_authors_version_and_date() -> None:
    first = squash(pages()[0])
    assert squash(CFF["title"]) in first
    for author in CFF["authors"]:
        assert (author.get("name") or author["family-names"]) in first
    assert f"Version {CFF['version']}" in first
    released = date.fromisoformat(str(CFF["date-released"]))
    assert f"{released.day} {released.strftime('%B %Y')}" in first


def test_table_of_contents_lists_each_chapter_at_its_page() -> None:
    spans = chapter_pages()
    front = pages(layout=True)[: spans[NUMBERS[0]].start]  # title page, contents, introduction
    assert any("CONTENTS" in p.upper() for p in front), "no table of contents before the first chapter"
    toc = "\n".join(front)
    for n, title in CHAPTERS:
        match = re.search(rf"^\s*{n}\s+{re.escape(title)}\s+(\d+)\s*$", toc, flags=re.M)
        assert match, f"chapter {n} ({title!r}) is not in the table of contents"
        assert printed_number(pages()[spans[n].start]) == int(match.group(1)), f"chapter {n}: wrong page in the contents"
    assert re.search(r"^\s*Bibliography\s+\d+\s*$", toc, flags=re.M), "no bibliography in the contents"


def test_no_unresolved_reference() -> None:
    text = "\n".join(pages())
    assert "??" not in text, "an unresolved cross-reference (??)"
    assert not re.search(r"\[\?+\]", text), "an unresolved citation ([?])"


def test_every_page_after_the_contents_is_numbered_in_sequence() -> None:
    text = pages()
    first = chapter_pages()[NUMBERS[0]].start
    start = printed_number(text[first])
    assert start is not None, "the first chapter's opening page has no page number"
    for i in range(first, len(text)):
        if lines(text[i]):  # a page left blank on purpose carries nothing
            assert printed_number(text[i]) == start + i - first, f"page {i + 1} of the PDF: wrong or no page number"


def test_bibliography_lists_the_works_cited() -> None:
    bib = "\n".join(pages()[_bibliography_page():])
    # "[Spi08] Michael Spivak. Calculus. ...": the first author's surname
    firsts = re.findall(r"^\[[A-Za-z+]+\d{2}[a-z]?\]\s+(?:[\w.-]+\s+)*?([\w-]{2,})(?:,| and|\.)", bib, flags=re.M)
    assert firsts, "no entry in the bibliography"
    text = "\n".join(pages()[: _bibliography_page()])
    for surname in firsts:
        assert re.search(rf"{surname}(?:\s+et\s+al\.|\s+and\s+[\w-]+)?,?\s+\[?\d{{4}}", text), f"{surname}: listed but not cited"


# --- each chapter -------------------------------------------------------------------


@pytest.mark.parametrize("n", NUMBERS)
def test_chapter_opens_a_page_with_its_title(n: int) -> None:
    page = pages()[chapter_pages()[n].start]
    assert lines(page)[0].upper() == "CHAPTER"


@pytest.mark.parametrize("n", NUMBERS)
def test_chapter_has_numbered_equations(n: int) -> None:
    numbers = set(re.findall(rf"\({n}\.(\d+)\)", chapter_text(n)))
    assert len(numbers) >= 5, f"chapter {n}: equations ({n}.k) found: {sorted(numbers, key=int)}"
    # equations are numbered from 1 in each chapter, as on the site
    assert "1" in numbers


@pytest.mark.parametrize("n", NUMBERS)
def test_chapter_has_definitions_theorems_proofs_exercises_and_solutions(n: int) -> None:
    text = squash(chapter_text(n))
    assert f"Definition {n}.1" in text, f"chapter {n}: no Definition {n}.1"
    assert f"Theorem {n}.1" in text, f"chapter {n}: no Theorem {n}.1"
    assert "Proof." in text, f"chapter {n}: no proof"
    exercises = set(re.findall(rf"(?<!to )Exercise {n}\.(\d+)", text))
    solutions = set(re.findall(rf"Solution to Exercise {n}\.(\d+)", text))
    assert len(exercises) >= 5, f"chapter {n}: exercises {sorted(exercises)}"
    assert exercises <= solutions, f"chapter {n}: exercises without a solution: {sorted(exercises - solutions)}"
    assert re.search(rf"Fig\. {n}\.1\b", text), f"chapter {n}: no caption 'Fig. {n}.1'"


@functools.lru_cache(maxsize=None)
def images() -> list[tuple[int, int, int]]:
    """(page from 1, width, height) of every image embedded in the PDF."""
    found = []
    for line in poppler("pdfimages", "-list", str(PDF)).splitlines()[2:]:
        cols = line.split()
        if len(cols) > 4 and cols[2] == "image":
            found.append((int(cols[0]), int(cols[3]), int(cols[4])))
    return found


@pytest.mark.parametrize("n", NUMBERS)
def test_chapter_has_embedded_figures(n: int) -> None:
    span = chapter_pages()[n]
    figures = [im for im in images() if span.start + 1 <= im[0] <= span.stop and im[1] >= 300 and im[2] >= 150]
    assert len(figures) >= 5, f"chapter {n}: {len(figures)} figures embedded, at least 5 expected"
