"""Sphinx extension for the book: the "cite this chapter" block.

``:::{cite-this-chapter}`` renders how to cite the page it stands on: a
formatted reference and a BibTeX entry with the chapter's stable address. The
metadata comes from one place, ``CITATION.cff`` at the repository root (title
of the book, authors, version, date, licence), plus the chapter's own title
and label, and the site's address from ``html_baseurl`` in ``_config.yml``, so
nothing is retyped per chapter.

``:::{cite-this-book}`` does the same for the whole book, from the same
``CITATION.cff`` and the site's address: a formatted reference and a BibTeX
``@book`` entry, and a link to the book's PDF (see ``mvcalc_downloads``, which
this extension loads: the PDF's preamble and the executed notebooks for
download).

It also adds Highwire Press ``citation_*`` meta tags to each chapter page, which
reference managers and scholarly search engines read, and removes the repeated
inline scripts that would otherwise raise errors in the browser's console.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

__all__ = ["book_citation", "chapter_citation", "load_citation", "setup"]


def load_citation(path: Path) -> dict[str, Any]:
    """Read ``CITATION.cff`` and check the fields the citation needs."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    for key in ("title", "authors", "version", "date-released"):
        if key not in data:
            raise ValueError(f"{path} lacks the field {key!r} needed to cite a chapter")
    return data


def _author_names(authors: list[dict[str, str]]) -> list[str]:
    names = []
    for a in authors:
        if "name" in a:  # an entity, such as "The mvcalc authors"
            names.append(a["name"])
        else:
            names.append(f"{a['family-names']}, {a['given-names']}")
    return names


def chapter_citation(cff: dict[str, Any], title: str, label: str, url: str) -> dict[str, str]:
    """Return the formatted reference, the BibTeX entry and its key for a chapter.

    Parameters
    ----------
    cff : dict
        The contents of ``CITATION.cff``.
    title : str
        The chapter's title.
    label : str
        The chapter's label, such as ``what-is-calculus``; it makes the key.
    url : str
        The chapter's stable address.
    """
    year = str(cff["date-released"])[:4]
    names = _author_names(cff["authors"])
    key = "mvcalc" + year + re.sub(r"[^a-z0-9]", "", label.lower())
    # An entity's name is braced so that BibTeX does not split it into names.
    bib_authors = " and ".join(
        "{" + n + "}" if "," not in n else n for n in names
    )
    bibtex = "\n".join(
        [
            f"@incollection{{{key},",
            f"  author    = {{{bib_authors}}},",
            f"  title     = {{{title}}},",
            f"  booktitle = {{{cff['title']}}},",
            f"  year      = {{{year}}},",
            f"  version   = {{{cff['version']}}},",
            f"  note      = {{Version {cff['version']}}},",
            f"  url       = {{{url}}},",
            "}",
        ]
    )
    stop = "" if title[-1] in ".?!" else "."
    text = (
        f"{' and '.join(names)} ({year}). {title}{stop} "
        f"In {cff['title']}, version {cff['version']}. {url}"
    )
    return {"key": key, "bibtex": bibtex, "text": text, "year": year}


def book_citation(cff: dict[str, Any], url: str) -> dict[str, str]:
    """Return the formatted reference, the BibTeX entry and its key for the whole book.

    Parameters
    ----------
    cff : dict
        The contents of ``CITATION.cff``.
    url : str
        The book's address (``html.baseurl``).
    """
    year = str(cff["date-released"])[:4]
    names = _author_names(cff["authors"])
    key = "mvcalc" + year
    bib_authors = " and ".join(
        "{" + n + "}" if "," not in n else n for n in names
    )
    lines = [
        f"@book{{{key},",
        f"  author    = {{{bib_authors}}},",
        f"  title     = {{{cff['title']}}},",
        f"  year      = {{{year}}},",
        f"  version   = {{{cff['version']}}},",
        f"  note      = {{Version {cff['version']}}},",
        f"  url       = {{{url}}},",
    ]
    if cff.get("doi"):
        lines.append(f"  doi       = {{{cff['doi']}}},")
    bibtex = "\n".join(lines + ["}"])
    doi = f" https://doi.org/{cff['doi']}" if cff.get("doi") else ""
    text = (
        f"{' and '.join(names)} ({year}). {cff['title']}, "
        f"version {cff['version']}.{doi} {url}"
    )
    return {"key": key, "bibtex": bibtex, "text": text, "year": year}


class CiteThisBook(SphinxDirective):
    """The ``cite-this-book`` directive: takes no arguments and no content."""

    has_content = False
    required_arguments = 0
    optional_arguments = 0

    def run(self) -> list[nodes.Node]:
        from mvcalc_downloads import book_pdf_link  # the same folder

        baseurl = self.env.config.html_baseurl
        if not baseurl:
            raise self.error("cite-this-book needs html.baseurl in _config.yml")
        cff_path = Path(self.env.app.confdir) / "CITATION.cff"
        self.env.note_dependency(str(cff_path))
        cff = load_citation(cff_path)
        url = baseurl.rstrip("/") + "/"
        cite = book_citation(cff, url)
        intro = nodes.paragraph(text="To cite the whole book, please use:")
        ref = nodes.paragraph(classes=["mvcalc-citation"])
        ref += nodes.Text(cite["text"].rsplit(url, 1)[0])
        ref += nodes.reference(url, url, refuri=url)
        bib = nodes.literal_block(cite["bibtex"], cite["bibtex"], language="bibtex")
        return [intro, ref, bib, book_pdf_link()]


class CiteThisChapter(SphinxDirective):
    """The ``cite-this-chapter`` directive: takes no arguments and no content."""

    has_content = False
    required_arguments = 0
    optional_arguments = 0

    def run(self) -> list[nodes.Node]:
        env = self.env
        config = env.config
        baseurl = config.html_baseurl
        if not baseurl:
            raise self.error("cite-this-chapter needs html.baseurl in _config.yml")
        section = self.state.document.next_node(nodes.section)
        if section is None:
            raise self.error("cite-this-chapter must stand in a page with a title")
        title = section[0].astext()
        # The chapter's label is the MyST target `(label)=` above its title.
        target = self.state.document.next_node(nodes.target)
        if target is not None and (target.get("names") or target.get("refid")):
            label = (target.get("names") or [target["refid"]])[0]
        else:
            label = re.sub(r"^[0-9]+-", "", Path(env.docname).name)
        cff_path = Path(env.app.confdir) / "CITATION.cff"
        env.note_dependency(str(cff_path))
        cff = load_citation(cff_path)
        url = baseurl.rstrip("/") + "/" + env.docname + ".html"
        cite = chapter_citation(cff, title, label, url)
        env.mvcalc_citations = getattr(env, "mvcalc_citations", {})
        env.mvcalc_citations[env.docname] = {
            "title": title,
            "book": cff["title"],
            "authors": _author_names(cff["authors"]),
            "year": cite["year"],
            "url": url,
        }

        intro = nodes.paragraph(text="To cite this chapter, please use:")
        ref = nodes.paragraph(classes=["mvcalc-citation"])
        ref += nodes.Text(cite["text"].rsplit(url, 1)[0])
        ref += nodes.reference(url, url, refuri=url)
        bib = nodes.literal_block(cite["bibtex"], cite["bibtex"], language="bibtex")
        note = nodes.paragraph(
            text=(
                f"The book as a whole is described in CITATION.cff in the repository; "
                f"the text is licensed under {cff.get('license', 'the licence in LICENSE')}."
            )
        )
        return [intro, ref, bib, note]


def _purge(app: Sphinx, env: Any, docname: str) -> None:
    getattr(env, "mvcalc_citations", {}).pop(docname, None)


def _merge(app: Sphinx, env: Any, docnames: list[str], other: Any) -> None:
    env.mvcalc_citations = getattr(env, "mvcalc_citations", {})
    env.mvcalc_citations.update(getattr(other, "mvcalc_citations", {}))


def _dedupe_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Drop repeated inline scripts.

    sphinx-thebe adds its configuration script (``const THEBE_JS_URL = ...``)
    once per read of the sources, and Jupyter Book reads them twice, so a page
    declared the same constants twice: a SyntaxError in every browser console.
    """
    seen: set[tuple[str, str]] = set()
    unique = []
    for js in context["script_files"]:
        key = (str(getattr(js, "filename", js) or ""), str(getattr(js, "attributes", {}).get("body", "")))
        if key in seen:
            continue
        seen.add(key)
        unique.append(js)
    # In place: the list is the builder's own, to which later handlers of this
    # event still add their scripts.
    context["script_files"][:] = unique


def _meta_tags(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    cite = getattr(app.env, "mvcalc_citations", {}).get(pagename)
    if not cite:
        return
    from html import escape

    tags = [
        f'<meta name="citation_title" content="{escape(cite["title"])}" />',
        f'<meta name="citation_inbook_title" content="{escape(cite["book"])}" />',
        f'<meta name="citation_publication_date" content="{escape(cite["year"])}" />',
        f'<meta name="citation_public_url" content="{escape(cite["url"])}" />',
    ]
    tags += [f'<meta name="citation_author" content="{escape(a)}" />' for a in cite["authors"]]
    context["metatags"] = context.get("metatags", "") + "\n" + "\n".join(tags)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("cite-this-chapter", CiteThisChapter)
    app.add_directive("cite-this-book", CiteThisBook)
    # The PDF's preamble, the PDF in the site, executed notebooks for download.
    app.setup_extension("mvcalc_downloads")
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    # Early (priority < 500): html-page-context stops at the first handler that
    # returns a template name, as some themes do.
    app.connect("html-page-context", _meta_tags, priority=100)
    app.connect("html-page-context", _dedupe_scripts, priority=100)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
