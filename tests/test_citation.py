"""The book's citation metadata: CITATION.cff, .zenodo.json and the book's BibTeX.

- ``CITATION.cff`` validates against the Citation File Format schema of its
  ``cff-version``, taken from the pinned release of the format's validator,
  cffconvert (``make unit`` downloads it; see CFFCONVERT_WHEEL in the
  Makefile), checked as ``cffconvert --validate`` checks it: JSON Schema
  draft 7 with formats.
- ``.zenodo.json``, which Zenodo reads when it mints a DOI for a release, is
  valid JSON with the fields Zenodo knows, and agrees with ``CITATION.cff``
  (title, creators, version, date, licence, abstract, keywords).
- The introduction's BibTeX entry for the whole book (the ``cite-this-book``
  directive) is made from ``CITATION.cff``, parses as BibTeX, and is the one
  on the built page when there is a built site.
"""

from __future__ import annotations

import copy
import datetime
import json
import os
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator, FormatChecker

ROOT = Path(__file__).resolve().parents[1]
CFF = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
ZENODO_PATH = ROOT / ".zenodo.json"
CFFCONVERT_WHEEL = ROOT / "_build" / "cffconvert" / "cffconvert-2.0.0-py3-none-any.whl"
HTML = Path(os.environ.get("MVCALC_HTML", ROOT / "_build" / "html"))

sys.path.insert(0, str(ROOT / "book" / "_ext"))
from mvcalc_book import book_citation  # noqa: E402


# --- CITATION.cff ---------------------------------------------------------------------


def cff_schema(version: str) -> dict[str, Any]:
    if not CFFCONVERT_WHEEL.is_file():
        pytest.fail(f"{CFFCONVERT_WHEEL} is missing: 'make unit' downloads the pinned validator", pytrace=False)
    with zipfile.ZipFile(CFFCONVERT_WHEEL) as wheel:
        return json.loads(wheel.read(f"cffconvert/schemas/{version}/schema.json"))


def _as_json(value: Any) -> Any:
    """YAML's dates as the strings they are in the file (the schema checks their format)."""
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def cff_errors(data: dict[str, Any]) -> list[str]:
    """The schema's complaints about a CITATION.cff, as 'path: message'."""
    schema = cff_schema(str(data.get("cff-version", "1.2.0")))
    validator = Draft7Validator(schema, format_checker=FormatChecker())
    return sorted(
        f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in validator.iter_errors(_as_json(data))
    )


def test_citation_cff_validates() -> None:
    assert CFF["cff-version"] == "1.2.0"
    assert cff_errors(CFF) == []


def test_the_validator_finds_errors() -> None:
    bad = copy.deepcopy(CFF)
    del bad["authors"]
    bad["date-released"] = "25/11/2026"
    bad["license"] = "CC-BY"
    bad["titel"] = "a typo"
    errors = "\n".join(cff_errors(bad))
    assert "'authors' is a required property" in errors
    assert "date-released" in errors
    assert "license" in errors
    assert "titel" in errors


def test_citation_cff_agrees_with_the_book() -> None:
    assert CFF["title"] == CONFIG["title"]
    assert CFF["url"] == CONFIG["html"]["baseurl"]
    assert CFF["repository-code"] == CONFIG["repository"]["url"]


# --- .zenodo.json ---------------------------------------------------------------------

#: The fields of Zenodo's deposit metadata (its REST API's "metadata" object).
ZENODO_FIELDS = {
    "upload_type", "publication_type", "image_type", "publication_date", "title", "creators",
    "description", "access_right", "license", "embargo_date", "access_conditions", "doi",
    "prereserve_doi", "keywords", "notes", "related_identifiers", "contributors", "references",
    "communities", "grants", "journal_title", "journal_volume", "journal_issue", "journal_pages",
    "conference_title", "conference_acronym", "conference_dates", "conference_place",
    "conference_url", "conference_session", "conference_session_part", "imprint_publisher",
    "imprint_isbn", "imprint_place", "partof_title", "partof_pages", "thesis_supervisors",
    "thesis_university", "subjects", "version", "language", "locations", "dates", "method",
}


def zenodo() -> dict[str, Any]:
    return json.loads(ZENODO_PATH.read_text(encoding="utf-8"))


def test_zenodo_json_uses_fields_zenodo_knows() -> None:
    meta = zenodo()
    assert set(meta) <= ZENODO_FIELDS, f"unknown fields: {sorted(set(meta) - ZENODO_FIELDS)}"
    for field in ("upload_type", "title", "creators", "description", "access_right", "license"):
        assert meta.get(field), f".zenodo.json lacks {field}"
    assert meta["upload_type"] == "publication" and meta["publication_type"] == "book"
    assert meta["access_right"] == "open"
    for creator in meta["creators"]:
        assert set(creator) <= {"name", "affiliation", "orcid", "gnd"} and creator["name"]
    for rel in meta.get("related_identifiers", []):
        assert {"identifier", "relation"} <= set(rel)


def _cff_name(author: dict[str, str]) -> str:
    return author.get("name") or f"{author['family-names']}, {author['given-names']}"


def test_zenodo_json_agrees_with_citation_cff() -> None:
    meta = zenodo()
    assert meta["title"] == CFF["title"]
    assert [c["name"] for c in meta["creators"]] == [_cff_name(a) for a in CFF["authors"]]
    assert meta["version"] == str(CFF["version"])
    assert meta["publication_date"] == str(CFF["date-released"])
    assert meta["license"].lower() == CFF["license"].lower()
    assert " ".join(meta["description"].split()) == " ".join(CFF["abstract"].split())
    assert meta["keywords"] == CFF["keywords"]
    for a, c in zip(CFF["authors"], meta["creators"]):
        if a.get("orcid"):
            assert a["orcid"].endswith(c.get("orcid", "missing"))
    assert CFF["url"] in [r["identifier"] for r in meta.get("related_identifiers", [])]


# --- the book's BibTeX ------------------------------------------------------------------


def test_book_bibtex_is_made_from_citation_cff_and_parses() -> None:
    from pybtex.database import parse_string

    url = CONFIG["html"]["baseurl"]
    cite = book_citation(CFF, url)
    year = str(CFF["date-released"])[:4]
    entry = parse_string(cite["bibtex"], "bibtex").entries[cite["key"]]
    assert entry.type == "book"
    assert entry.fields["title"] == CFF["title"]
    assert entry.fields["year"] == year
    assert entry.fields["url"] == url
    assert entry.fields["version"] == str(CFF["version"])
    authors = [str(p) for p in entry.persons["author"]]
    assert authors == ["{" + _cff_name(a) + "}" if "name" in a else _cff_name(a) for a in CFF["authors"]]
    assert cite["text"].startswith(f"{_cff_name(CFF['authors'][0])}") and f"({year})" in cite["text"]
    assert cite["text"].endswith(url)


def test_book_bibtex_with_a_doi() -> None:
    cff = dict(CFF, doi="10.5281/zenodo.1234567")
    cite = book_citation(cff, CONFIG["html"]["baseurl"])
    assert "  doi       = {10.5281/zenodo.1234567}," in cite["bibtex"]
    assert "https://doi.org/10.5281/zenodo.1234567" in cite["text"]


def test_introduction_shows_the_book_bibtex() -> None:
    page = HTML / "book" / "intro.html"
    if not page.is_file():
        pytest.skip(f"no built introduction at {page}: 'make book' builds it")
    sources = [ROOT / "book" / "intro.md", ROOT / "CITATION.cff", *sorted((ROOT / "book" / "_ext").glob("*.py"))]
    if page.stat().st_mtime < max(p.stat().st_mtime for p in sources):
        # `make test` runs the unit tests before it builds the book
        pytest.skip(f"{page} is older than its sources: 'make book' rebuilds it")
    from bs4 import BeautifulSoup

    html = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    blocks = [pre.get_text() for pre in html.find_all("pre") if "@book{" in pre.get_text()]
    assert len(blocks) == 1, "the introduction has no (or more than one) @book entry"
    assert blocks[0].strip() == book_citation(CFF, CONFIG["html"]["baseurl"])["bibtex"].strip()
    text = " ".join(html.get_text(" ").split())
    assert re.search(r"To cite the whole book", text)
