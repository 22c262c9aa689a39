"""Every page in the theme's light and dark modes, with a screenshot of each.

The theme (pydata-sphinx-theme) keeps the reader's choice of colour mode in
``localStorage.mode``; the test sets it before the page loads, as a reader's
earlier visit would, and emulates the matching system preference. In each mode
a page fails when:

- the mode did not take (``<html data-theme>`` is not the mode asked for, or
  the page's background and text colours are not those of the mode: a dark
  background with light text in dark mode, and the reverse in light mode);
- the page flashed the other mode: an element's colours changed after it was
  first drawn, with no reader's action (the theme's buttons fade from one
  colour to another in a 0.15 s CSS transition when the mode is settled late;
  every ``transitionrun`` event of a colour property is recorded from the
  start of the page);
- a figure has transparent pixels, whose dark axis labels would vanish on the
  dark background;
- text has less contrast with what is behind it than WCAG 2's level AA asks
  (4.5:1, or 3:1 for large text), which catches text that the dark theme left
  dark. tests/browser/test_pages.py runs axe-core's full rule set, its
  contrast rule included, on every page in the default (light) mode; in dark
  mode this test computes the same ratio itself, from each text element's
  computed colour and the nearest opaque background behind it, because axe
  takes half a minute on a chapter (tens of thousands of elements) where
  this takes a second. Equations (MathML) are skipped: they carry no colour of
  their own (tests/site checks that no ``mathcolor`` or ``mathbackground`` is
  in the site), so they are drawn in the colour of the text around them.

Figures are the images of the article (not the theme's icons, such as the
Binder logo in the launch menu, which are drawn on transparent backgrounds on
purpose).

A full-page screenshot of each page in each mode is written to
``_build/screenshots`` (or ``$MVCALC_SCREENSHOTS``) for people to look at; the
fixture pages at the end prove that each check can fail.
"""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("MVCALC_SCREENSHOTS", ROOT / "_build" / "screenshots"))
MODES = ("light", "dark")


def _pages() -> list[str]:
    """The top-level pages of the toc: not the API reference's module pages,
    which are made of the same elements as its index page (test_pages.py
    checks each of them)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]


# The relative luminance of a CSS colour (WCAG 2), of the page's background
# (the first ancestor of the article's text with an opaque one) and of its text,
# and for each image in the article the number of its pixels that are not opaque.
_INSPECT = """
() => {
  const lum = (css) => {
    const m = css.match(/[\\d.]+/g).map(Number);
    const [r, g, b] = m.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return { value: 0.2126 * r + 0.7152 * g + 0.0722 * b, alpha: m.length > 3 ? m[3] : 1 };
  };
  const text = document.querySelector('main p, article p, p');
  let el = text, bg = null;
  while (el) {
    const c = lum(getComputedStyle(el).backgroundColor);
    if (c.alpha > 0.5) { bg = c.value; break; }
    el = el.parentElement;
  }
  if (bg === null) bg = 1;  // the canvas of a page with no background is white
  const images = [...document.querySelectorAll('article img, body > main img')].map(img => {
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let clear = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] < 255) clear++;
    return { src: img.getAttribute('src'), clear: clear, pixels: data.length / 4 };
  });
  return { theme: document.documentElement.dataset.theme, background: bg,
           text: text ? lum(getComputedStyle(text).color).value : null, images: images };
}
"""


# Every element with text of its own, visible and outside equations (MathML),
# whose contrast ratio with the nearest opaque background behind it is below
# WCAG 2 AA: 4.5, or 3 for large text (24 px, or 18.66 px and bold). Colours
# with transparency are blended over that background first.
_CONTRAST = """
() => {
  const parse = (css) => (css.match(/[\\d.]+/g) || []).map(Number);
  const lin = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = ([r, g, b]) => 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = parse(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const low = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT, {
    acceptNode: (el) => ['math', 'SCRIPT', 'STYLE', 'SVG', 'svg', 'NOSCRIPT'].includes(el.tagName)
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT });
  for (let el = walker.currentNode; el; el = walker.nextNode()) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility !== 'visible' || Number(style.opacity) === 0) continue;
    const bg = background(el);
    let fg = parse(style.color);
    if (fg.length === 4) fg = fg.slice(0, 3).map((v, i) => v * fg[3] + bg[i] * (1 - fg[3]));
    const [a, b] = [lum(fg), lum(bg)];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const needed = (size >= 24 || (size >= 18.66 && bold)) ? 3 : 4.5;
    if (ratio < needed) low.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}:1`);
  }
  return low;
}
"""


# Recorded from the start of each page: every CSS transition of a colour that
# starts (the element, and the property).
_RECORD_TRANSITIONS = """
window.__colourTransitions = [];
document.addEventListener('transitionrun', (e) => {
  if (/color|background|border|fill|stroke|shadow/.test(e.propertyName)) {
    const el = e.target;
    window.__colourTransitions.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ${e.propertyName}`);
  }
}, true);
"""

# Wait until every CSS transition running now has ended, so that the colours
# checked are those a reader sees once the page has settled.
_SETTLE = """
async () => {
  const running = document.getAnimations().filter(a => a instanceof CSSTransition);
  await Promise.all(running.map(a => a.finished.catch(() => null)));
}
"""


def dark_mode_faults(page, url: str, mode: str, shot: Path | None = None) -> list[str]:
    """Load ``url`` in colour ``mode`` and return every fault found (empty: a clean page)."""
    page.add_init_script(f"localStorage.setItem('mode', '{mode}');")
    page.add_init_script(_RECORD_TRANSITIONS)
    page.emulate_media(color_scheme=mode)
    page.goto(url, wait_until="load")
    # Figures below the first load lazily: load them all now, for the checks and the screenshot.
    page.evaluate(
        """async () => {
             const images = [...document.images];
             images.forEach(i => { i.loading = 'eager'; });
             await Promise.all(images.map(i => i.complete ? null
               : new Promise(done => { i.addEventListener('load', done); i.addEventListener('error', done); })));
           }"""
    )
    info = page.evaluate(_INSPECT)
    faults = []
    if info["theme"] != mode:
        faults.append(f"the page's mode is {info['theme']!r}, not {mode!r}")
    background, text = info["background"], info["text"]
    dark_page = background < 0.2 and text is not None and text > 0.4
    light_page = background > 0.7 and text is not None and text < 0.2
    if (mode == "dark" and not dark_page) or (mode == "light" and not light_page):
        faults.append(f"{mode} mode shows a background of luminance {background:.2f} and text of {text}")
    for image in info["images"]:
        if image["clear"]:
            faults.append(f"transparent figure: {image['clear']} of {image['pixels']} pixels of "
                          f"{image['src']} are not opaque")
    # Transition events are dispatched with the next frame: let two frames pass first.
    flashes = page.evaluate(
        "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(window.__colourTransitions))))"
    )
    if flashes:
        faults.append(f"the page changed colours after it was first drawn in {mode} mode (a flash of the "
                      f"other mode): {len(flashes)} colour transitions, e.g. {sorted(set(flashes))[:3]}")
    page.evaluate(_SETTLE)
    low = page.evaluate(_CONTRAST)
    if low:
        faults.append(f"text without enough contrast in {mode} mode: {len(low)} elements, e.g. {low[:3]}")
    if shot is not None:
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True, type="jpeg", quality=70)
    return faults + page.errors


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("page_name", _pages())
def test_page_in_each_mode(browser_page, site_url: str, page_name: str, mode: str) -> None:
    shot = SHOTS / f"{page_name.replace('/', '-')}-{mode}.jpg"
    shot.unlink(missing_ok=True)
    faults = dark_mode_faults(browser_page, site_url + page_name + ".html", mode, shot)
    assert faults == [], f"{page_name} in {mode} mode:\n" + "\n".join(faults)
    assert shot.stat().st_size > 10_000, f"the screenshot {shot} is empty"


# --- fixtures: each check can fail --------------------------------------------------


def _png(transparent: bool) -> str:
    """A small figure as a data: URL: dark text on white, or on nothing at all."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1.5), dpi=50)
    ax.plot([0, 1], [0, 1], color="black")
    ax.set_xlabel("x")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", transparent=transparent)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


_FIXTURE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<script>document.documentElement.dataset.theme = localStorage.getItem('mode') || 'light';</script>
<style>
  html[data-theme=light] body {{ background: #fff; color: #222; }}
  html[data-theme=dark] body {{ background: #121212; color: #ddd; }}
  {extra_css}
</style></head>
<body><main><h1>{title}</h1><p>Some text of the page.</p>{body}</main></body></html>
"""


@pytest.fixture(scope="module")
def dark_fixtures(serve, tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("dark-fixtures")
    pages = {
        "clean.html": ("", f'<img src="{_png(False)}" alt="A line">'),
        "transparent.html": ("", f'<img src="{_png(True)}" alt="A line">'),
        "dark-text.html": ("html[data-theme=dark] .note { color: #333; }",
                           '<p class="note">Dark text that the dark mode forgot.</p>'),
        "no-dark-mode.html": ("html[data-theme=dark] body { background: #fff; color: #222; }", ""),
        # The mode settled only once the page is there, as the theme's deferred script did.
        "late-mode.html": ("button { transition: color 0.15s, background-color 0.15s; }"
                           "html[data-theme=dark] button { background: #333; color: #eee; }",
                           '<button>Search</button><script>const root = document.documentElement;'
                           'root.dataset.theme = "light"; getComputedStyle(document.querySelector("button")).color;'
                           'root.dataset.theme = localStorage.getItem("mode");</script>'),
    }
    for name, (css, body) in pages.items():
        (folder / name).write_text(_FIXTURE.format(title=name, extra_css=css, body=body))
    return serve(folder)


@pytest.mark.parametrize(
    ("fixture", "mode", "expected"),
    [
        ("clean.html", "light", None),
        ("clean.html", "dark", None),
        ("transparent.html", "dark", "transparent figure"),
        ("dark-text.html", "dark", "text without enough contrast in dark mode"),
        ("no-dark-mode.html", "dark", "dark mode shows a background"),
        ("late-mode.html", "dark", "a flash of the other mode"),
    ],
)
def test_the_dark_mode_checks_catch_each_fault(browser_page, dark_fixtures: str, fixture: str, mode: str,
                                                expected: str | None) -> None:
    faults = dark_mode_faults(browser_page, dark_fixtures + fixture, mode)
    if expected is None:
        assert faults == []
    else:
        assert any(expected in f for f in faults), faults
