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
- Every page has a meta description, for search engines and link previews:
  a page with a source sets it in its front matter (``myst: html_meta:
  description:``); the pages Sphinx generates (search, index) take theirs from
  ``mvcalc_meta_descriptions`` in ``_config.yml``. A page without one is a
  build warning, so an error in the book's strict build.
"""

from __future__ import annotations

import html
import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

__all__ = ["setup"]

logger = logging.getLogger(__name__)

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


# --- meta descriptions -------------------------------------------------------------------


def check_description(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """html-page-context: every page has a meta description (see the module's docstring)."""
    metatags = context.get("metatags", "")
    if re.search(r'<meta\b[^>]*\bname="description"', metatags):
        return
    text = app.config.mvcalc_meta_descriptions.get(pagename)
    if text:
        context["metatags"] = metatags + f'\n<meta name="description" content="{html.escape(text)}" />'
    else:
        logger.warning(
            f"{pagename}: no meta description; set `myst: html_meta: description:` in the page's "
            "front matter (or, for a generated page, mvcalc_meta_descriptions in _config.yml)",
            location=pagename if pagename in app.env.all_docs else None,
        )


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("mvcalc_meta_descriptions", {}, "html", types=[dict])
    app.connect("doctree-resolved", number_fixed_ids)
    app.connect("html-page-context", bibliography_roles, priority=100)
    app.connect("html-page-context", check_description, priority=100)
    app.add_css_file("mvcalc.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
