"""Every page of the book in headless Chromium, with the network cut off:
equations render (MathJax served by the site itself), no TeX is left raw,
no MathJax error, no console error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]


@pytest.mark.parametrize("page_name", _pages())
def test_page_renders_offline(browser_page, site_url: str, page_name: str) -> None:
    page = browser_page
    page.goto(site_url + page_name + ".html", wait_until="load")
    n_math = page.locator("article .math").count()
    if n_math:
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise")
        rendered = page.locator("article mjx-container").count()
        assert rendered >= n_math, f"{page_name}: {rendered} of {n_math} equations rendered"
        assert page.locator("mjx-merror").count() == 0, f"{page_name}: MathJax reported a TeX error"
    # no TeX left as text anywhere a reader sees
    text = page.evaluate(
        """() => { const a = document.querySelector('article').cloneNode(true);
                 a.querySelectorAll('pre, code, script, style, mjx-container').forEach(e => e.remove());
                 return a.textContent; }"""
    )
    leftover = re.findall(r"\\\(|\\\)|\\\[|\\\]|\$\$|\\frac|\\mathrm|\\begin", text)
    assert not leftover, f"{page_name}: raw TeX on the page: {leftover[:5]}"
    assert page.errors == [], f"{page_name}: {page.errors}"
