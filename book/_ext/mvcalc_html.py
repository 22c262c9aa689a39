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
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

__all__ = ["setup"]

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


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("doctree-resolved", number_fixed_ids)
    app.connect("html-page-context", bibliography_roles, priority=100)
    app.add_css_file("mvcalc.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
