"""Sphinx extension for the book's downloads: the PDF and the executed notebooks.

Loaded by ``mvcalc_book``. It does five things.

The PDF's preamble
    The LaTeX builder (``make pdf``) gets the MathJax macros of ``_config.yml``
    (``mathjax3_config.tex.macros``) as LaTeX commands, generated from that one
    source, so a macro added for the site works in the PDF too; and the title
    page gets the version and date of ``CITATION.cff``, and the PDF's metadata
    its title, authors and keywords.

The PDF's structure
    Proofs (which sphinx-proof writes as a malformed box in LaTeX), figures
    inside boxes, unnumbered chapters such as the bibliography, and the
    references, which go into the bibliography page: see ``_latex_structure``.

Executed notebooks for download
    myst-nb writes each chapter as a notebook to ``_build/jupyter_execute``,
    which the theme's download button copies to ``_sources``. With
    ``execute_notebooks: cache``, when a chapter is read again and its outputs
    come from the cache, myst-nb writes the notebook *before* the cached
    outputs are merged into it: the download had no outputs. After each read,
    the notebook is completed from the cache.

The PDF in the site
    When the PDF exists beside the HTML output (``_build/latex/mvcalc-book.pdf``
    for ``_build/html``), the HTML build copies it into the site and every page
    links to it from the download menu of the top bar. When it does not, no page
    links to it, so that the site never has a broken link.

The book's PDF link in the text
    ``book_pdf_link`` nodes, which the ``cite-this-book`` directive leaves in
    the introduction, become a link to the site's own copy of the PDF when
    there is one, and otherwise to the published one.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import nbformat
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

__all__ = ["latex_macros", "setup"]

logger = logging.getLogger(__name__)

# --- the PDF's preamble ------------------------------------------------------------


def latex_macros(macros: dict[str, Any]) -> str:
    r"""LaTeX definitions of MathJax macros.

    ``macros`` is ``mathjax3_config["tex"]["macros"]``: each value is the
    replacement text, or ``[text, n]`` for a macro of ``n`` arguments, or
    ``[text, n, default]`` when the first argument is optional. Each macro is
    (re)defined, whether or not a LaTeX package already defines the name, so
    that it means in the PDF exactly what it means on the site.

    >>> print(latex_macros({"R": "\\mathbb{R}", "vb": ["\\mathbf{#1}", 1]}))
    \providecommand{\R}{}\renewcommand{\R}{\mathbb{R}}
    \providecommand{\vb}{}\renewcommand{\vb}[1]{\mathbf{#1}}
    """
    lines = []
    for name, value in macros.items():
        if not name.isalpha():
            raise ValueError(f"MathJax macro {name!r}: LaTeX names are letters only")
        if isinstance(value, str):
            body, spec = value, ""
        elif isinstance(value, (list, tuple)) and len(value) in (2, 3):
            body, spec = value[0], f"[{int(value[1])}]"
            if len(value) == 3:
                spec += f"[{value[2]}]"
        else:
            raise ValueError(f"MathJax macro {name!r}: unsupported definition {value!r}")
        lines.append(f"\\providecommand{{\\{name}}}{{}}\\renewcommand{{\\{name}}}{spec}{{{body}}}")
    return "\n".join(lines)


def _tex_escape(text: str) -> str:
    from sphinx.util.texescape import escape

    return escape(str(text))


def _configure_latex(app: Sphinx, config: Any) -> None:
    """config-inited: the preamble, and the title page's version and date."""
    from mvcalc_book import _author_names, load_citation  # the same folder

    macros = (config.mathjax3_config or {}).get("tex", {}).get("macros", {})
    cff_path = Path(app.confdir) / "CITATION.cff"
    cff = load_citation(cff_path)

    # The title page: Sphinx's \sphinxmaketitle prints \title, \author, the
    # release ("Version 0.1.0") and the date.
    if not config.release:
        config.release = config.version = str(cff["version"])
    if not config.today:
        from datetime import date

        released = date.fromisoformat(str(cff["date-released"]))
        config.today = f"{released.day} {released.strftime('%B %Y')}"
    elements = dict(config.latex_elements)
    elements.setdefault("releasename", "Version")
    authors = ", ".join(_author_names(cff["authors"]))
    keywords = ", ".join(cff.get("keywords", []))
    preamble = [
        elements.get("preamble", ""),
        "% The MathJax macros of _config.yml (book/_ext/mvcalc_downloads.py)",
        latex_macros(macros),
        LATEX_ENVIRONMENTS,
        "\\newcounter{mvcalcsecnumdepth}",
        "% The PDF's metadata, from CITATION.cff",
        "\\AtBeginDocument{\\hypersetup{"
        f"pdftitle={{{_tex_escape(cff['title'])}}}, pdfauthor={{{_tex_escape(authors)}}}, "
        f"pdfsubject={{Version {_tex_escape(cff['version'])}}}, pdfkeywords={{{_tex_escape(keywords)}}}}}}}",
    ]
    elements["preamble"] = "\n".join(p for p in preamble if p)
    config.latex_elements = elements


# sphinx-jupyterbook-latex's class (jupyterBook.cls) loads the bbm package for
# a few macros (\RR, \NN, ...) that the book does not use; in Debian, bbm comes
# only with texlive-fonts-extra, 1.4 GB. A two-line stand-in in the LaTeX
# folder maps its one command to amssymb's \mathbb instead.
BBM_STANDIN = r"""\NeedsTeXFormat{LaTeX2e}
\ProvidesPackage{bbm}[2026/01/01 stand-in written by book/_ext/mvcalc_downloads.py]
\providecommand{\mathbbm}[1]{\mathbb{#1}}
"""


def _write_latex_support(app: Sphinx) -> None:
    """builder-inited: files that the LaTeX build needs beside the .tex."""
    if app.builder.name != "latex":
        return
    out = Path(app.outdir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bbm.sty").write_text(BBM_STANDIN, encoding="utf-8")


class mvcalc_proof(nodes.General, nodes.Element):
    """A proof in the PDF: "Proof." in italics, the argument, and a closing square."""


def _visit_proof_latex(self: Any, node: nodes.Element) -> None:
    self.body.append("\n\\begin{mvcalcproof}\n")


def _depart_proof_latex(self: Any, node: nodes.Element) -> None:
    self.body.append("\n\\end{mvcalcproof}\n")


LATEX_ENVIRONMENTS = r"""% Proofs (sphinx-proof's {prf:proof}), see _latex_structure
\newenvironment{mvcalcproof}{\par\medskip}{\par\medskip}
\newcommand{\mvcalcqed}{\nobreak\hfill\ensuremath{\square}}
% A figure inside a box (a solution that plots, say) cannot float: there it
% stays in place, centred, with its numbered caption.
\makeatletter
\newcommand{\mvcalcinlinefigures}{%
  \renewenvironment{figure}[1][]{\par\medskip\begin{center}\def\@captype{figure}}{\end{center}\par\medskip}}
\makeatother
\AddToHook{env/sphinxadmonition/begin}{\mvcalcinlinefigures}"""


def _latex_structure(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """doctree-resolved, for the PDF: what Sphinx's LaTeX writer gets wrong for this book.

    - sphinx-proof writes a proof as an admonition without a title, which the
      LaTeX writer turns into a box whose title swallows the first command of
      the proof: here a proof is plain text, "Proof." in italics, ending in a square.
    - Chapters outside a numbered part of the toc (the bibliography) are
      unnumbered in the PDF, as on the site.
    - The references, which Sphinx moves to a chapter of their own at the very
      end, go into the page that holds the ``{bibliography}`` directive.
    - The introduction, which follows the table of contents without a chapter
      heading, does not carry "Contents" in its running head.
    """
    if app.builder.name != "latex":
        return
    from sphinx import addnodes
    from sphinx.builders.latex.nodes import thebibliography

    try:
        from sphinx_proof.nodes import proof_node
    except ImportError:  # pragma: no cover - sphinx-proof is in the pins
        proof_node = None
    if proof_node is not None:
        for node in list(doctree.findall(proof_node)):
            body = mvcalc_proof()
            inner = node[0] if len(node) == 1 and isinstance(node[0], nodes.admonition) else node
            children = list(inner.children)
            inner.clear()
            body.extend(children)
            first = body.next_node(nodes.paragraph)
            if first is not None and first.children and isinstance(first[0], nodes.Text):
                head, sep, rest = first[0].astext().partition(". ")
                if sep and head.istitle() and " " not in head:  # "Proof. By ..."
                    first.replace(first[0], nodes.Text(rest))
                    first.insert(0, nodes.Text(" "))
                    first.insert(0, nodes.emphasis(text=head + "."))
            # The closing square ends the last paragraph, or stands on its own
            # line after a displayed equation.
            last = body[-1] if len(body) else None
            qed = nodes.raw("", "\\mvcalcqed", format="latex")
            if isinstance(last, nodes.paragraph):
                last += qed
            else:
                body += nodes.paragraph("", "", qed)
            node.replace_self(body)

    env = app.env
    numbered = True
    files = list(doctree.findall(addnodes.start_of_file))
    for node in files:
        doc = node["docname"]
        has_numbers = bool(env.toc_secnumbers.get(doc))
        if has_numbers != numbered:
            tex = (
                "\\setcounter{secnumdepth}{\\value{mvcalcsecnumdepth}}"
                if has_numbers
                else "\\setcounter{mvcalcsecnumdepth}{\\value{secnumdepth}}\\setcounter{secnumdepth}{-1}"
            )
            node.parent.insert(node.parent.index(node), nodes.raw("", tex + "\n", format="latex"))
            numbered = has_numbers

    cite = env.domains.get("cite") if hasattr(env, "domains") else None
    bib_docs = {key.docname for key in getattr(cite, "bibliographies", {})} if cite else set()
    homes = [n for n in files if n["docname"] in bib_docs]
    bibs = list(doctree.findall(thebibliography))
    if len(homes) == 1 and len(bibs) == 1:
        home = homes[0]
        section = home.next_node(nodes.section) or home
        bib = bibs[0]
        bib.parent.remove(bib)
        # Within a group: no new chapter and no second entry in the contents.
        section += nodes.raw(
            "",
            "\\begingroup\\renewcommand{\\chapter}[2]{}\\renewcommand{\\addcontentsline}[3]{}"
            "\\renewcommand{\\cleardoublepage}{}\\renewcommand{\\clearpage}{}\n",
            format="latex",
        )
        section += bib
        section += nodes.raw("", "\\endgroup\n", format="latex")

    doctree.insert(0, nodes.raw("", "\\markboth{}{}\n", format="latex"))


# --- executed notebooks for download ----------------------------------------------------


def _has_outputs(nb: Any) -> bool:
    return any(cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")


def _complete_executed_notebook(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read: put the cached outputs into the notebook that myst-nb wrote."""
    nb_config = getattr(app.env, "mystnb_config", None)
    if nb_config is None or nb_config.execution_mode != "cache":
        return
    docname = app.env.docname
    path = Path(nb_config.output_folder, *f"{docname}.ipynb".split("/"))
    if not path.is_file():
        return  # not a notebook
    nb = nbformat.read(path, as_version=4)
    if _has_outputs(nb) or not any(c.cell_type == "code" for c in nb.cells):
        return
    from jupyter_cache import get_cache

    try:
        _, merged = get_cache(nb_config.execution_cache_path).merge_match_into_notebook(nb)
    except KeyError:
        return  # not in the cache: the notebook was not executed
    nbformat.write(merged, path)


# --- the PDF in the site ----------------------------------------------------------------


def _pdf_name(app: Sphinx) -> str:
    """The PDF's file name, from latex_documents (Jupyter Book sets it from _config.yml)."""
    documents = app.config.latex_documents
    target = documents[0][1] if documents else "book.tex"
    return Path(target).with_suffix(".pdf").name


def _built_pdf(app: Sphinx) -> Path:
    """Where ``make pdf`` leaves the PDF: the latex folder beside the HTML output."""
    return Path(app.outdir).parent / "latex" / _pdf_name(app)


def _is_html(app: Sphinx) -> bool:
    return app.builder.format == "html"


def _note_pdf(app: Sphinx, env: Any, added: set, changed: set, removed: set) -> list[str]:
    """env-get-outdated: when the PDF appears or goes, every page is written again."""
    if not _is_html(app):
        return []
    available = _built_pdf(app).is_file()
    if getattr(env, "mvcalc_pdf_available", None) == available:
        return []
    env.mvcalc_pdf_available = available
    return sorted(env.found_docs - added - changed - removed)


def _pdf_available(app: Sphinx) -> bool:
    return _is_html(app) and getattr(app.env, "mvcalc_pdf_available", False)


def _pdf_button(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """html-page-context, after the theme's buttons: the PDF in the download menu."""
    if not _pdf_available(app) or "header_buttons" not in context:
        return
    button = {
        "type": "link",
        "url": context["pathto"](_pdf_name(app), 1),
        "text": "book .pdf",
        "tooltip": "Download the whole book as a PDF",
        "icon": "fas fa-book",
        "label": "download-book-pdf-button",
    }
    buttons = context["header_buttons"]
    for group in buttons:
        if group.get("label") == "download-buttons":
            group["buttons"].insert(0, button)
            return
    # Pages without a source (search, index) have no download menu: add one.
    buttons.insert(0, {
        "type": "group",
        "tooltip": "Download",
        "icon": "fas fa-download",
        "buttons": [button],
        "label": "download-buttons",
    })


def _copy_pdf(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: the site serves the PDF that its pages link to, and only that."""
    if exception is not None or not _is_html(app):
        return
    target = Path(app.outdir) / _pdf_name(app)
    if _pdf_available(app):
        shutil.copyfile(_built_pdf(app), target)
        logger.info(f"copied the book's PDF into the site: {target}")
    elif target.exists():
        target.unlink()


# --- the book's PDF link in the text ---------------------------------------------------


class book_pdf_link(nodes.General, nodes.Element):
    """Where the text links to the book's PDF; resolved per builder."""


def _resolve_pdf_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """doctree-resolved: the site's own PDF, or else the published one."""
    online = (app.config.html_baseurl or "").rstrip("/") + "/" + _pdf_name(app)
    for node in list(doctree.findall(book_pdf_link)):
        para = nodes.paragraph()
        if _pdf_available(app):
            uri = relative_uri(app.builder.get_target_uri(docname), _pdf_name(app))
            para += nodes.Text("The whole book as one PDF, with numbered pages: ")
            para += nodes.reference(_pdf_name(app), _pdf_name(app), refuri=uri)
            para += nodes.Text(" (also in the download menu at the top of every page).")
        elif app.config.html_baseurl:
            para += nodes.Text("The whole book as one PDF, with numbered pages: ")
            para += nodes.reference(online, online, refuri=online)
            para += nodes.Text(".")
        else:
            node.parent.remove(node)
            continue
        node.replace_self(para)


def _skip(self: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(book_pdf_link, html=(_skip, None), latex=(_skip, None), text=(_skip, None))
    app.add_node(mvcalc_proof, latex=(_visit_proof_latex, _depart_proof_latex), html=(_skip, None), text=(_skip, None))
    app.connect("config-inited", _configure_latex)
    app.connect("builder-inited", _write_latex_support)
    app.connect("doctree-read", _complete_executed_notebook)
    app.connect("env-get-outdated", _note_pdf)
    app.connect("doctree-resolved", _resolve_pdf_links)
    app.connect("doctree-resolved", _latex_structure)
    # After sphinx-book-theme's header buttons (priority 501).
    app.connect("html-page-context", _pdf_button, priority=510)
    app.connect("build-finished", _copy_pdf)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
