"""Sphinx extension for the book: fixes to the HTML that other extensions emit.

- sphinx-proof and sphinx-exercise give every box the same fixed ``id``
  (``proof``, ``proof-content``, ``exercise-content``, ``solution-content``), so
  a page with several boxes repeats ids, which is invalid HTML and confuses
  assistive technology. Each repeated id is numbered here; proofs, which
  sphinx-proof styles by id, get the class ``mvcalc-proof`` (styled in
  ``book/_static/mvcalc.css``).
- sphinxcontrib-bibtex renders the bibliography as ``role="list"`` whose
  entries have the deprecated role ``doc-biblioentry``, not ``listitem``: axe's
  ``aria-required-children`` (critical). Entries get ``role="listitem"``.
- pydata-sphinx-theme gives an entry of the sidebar that has pages under it
  (the API reference, with a page per module) a ``<summary>`` toggle holding
  only a chevron icon: axe's ``summary-name`` (serious). Each toggle gets an
  ``aria-label`` naming the entry whose pages it shows or hides.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

__all__ = ["label_toc_toggles", "setup"]

#: Fixed ids that the box directives give to every box they make.
FIXED_IDS = ("proof", "proof-content", "exercise-content", "solution-content")


def number_fixed_ids(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    counts: dict[str, int] = {}
    for node in doctree.findall(nodes.Element):
        ids = node.get("ids", [])
        for i, ident in enumerate(ids):
            if ident in FIXED_IDS:
                counts[ident] = counts.get(ident, 0) + 1
                ids[i] = f"{ident}-{counts[ident]}"
                if ident == "proof":
                    node["classes"].append("mvcalc-proof")


def bibliography_roles(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def label_toc_toggles(html: str) -> str:
    """Give each unnamed ``<summary>`` of a sidebar's HTML an ``aria-label``.

    >>> label_toc_toggles('<li><a href="api.html">API reference</a><details><summary><i></i></summary></details></li>')
    '<li><a href="api.html">API reference</a><details><summary aria-label="Pages of API reference"><i></i></summary></details></li>'
    """
    if "<summary" not in html:
        return html
    from bs4 import BeautifulSoup  # a dependency of pydata-sphinx-theme

    soup = BeautifulSoup(html, "html.parser")
    for summary in soup.select("details > summary"):
        if summary.get_text(strip=True) or summary.get("aria-label"):
            continue
        entry = summary.parent.parent
        link = entry.find("a", recursive=False) if entry is not None else None
        name = link.get_text(" ", strip=True) if link is not None else "this section"
        summary["aria-label"] = f"Pages of {name}"
    return str(soup)


def _label_sidebar_toggles(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """html-page-context, after the theme's (priority 500): wrap its sidebar generator."""
    generate = context.get("generate_toctree_html")
    if generate is None:
        return

    def generate_labelled(kind: str, *args: Any, **kwargs: Any) -> Any:
        out = generate(kind, *args, **kwargs)
        return label_toc_toggles(str(out)) if kind == "sidebar" else out

    context["generate_toctree_html"] = generate_labelled


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("doctree-resolved", number_fixed_ids)
    app.connect("html-page-context", bibliography_roles, priority=100)
    app.connect("html-page-context", _label_sidebar_toggles, priority=600)
    app.add_css_file("mvcalc.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
