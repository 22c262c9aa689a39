"""The sandpit game of chapter 2, played in headless Chromium on the built page.

The page must work with no kernel and no network: the game's script reads the
pits that mvcalc exported at build time, draws them on a canvas, and is played
by mouse (clicks on the canvas) and by keyboard (coordinate inputs, Enter, the
Probe and Reveal buttons). The tests check that probes are counted, that each
shows its depth and a downhill arrow, that a win is recognised, that the probes
run out, that Reveal draws the pit, that the JavaScript evaluates the pits
exactly as Python does, that axe-core finds no serious or critical
accessibility violation in the game or the chapter, and that the console stays
free of errors throughout.

Fixtures (``site_dir``, ``serve``, ``browser_page``) come from ``conftest.py``:
the site is read from ``$MVCALC_HTML`` (default ``<repo>/_build/html``) and
served on 127.0.0.1 from a thread; Chromium is Debian's, at /usr/bin/chromium.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mvcalc.multivariate import PITS, pit

ROOT = Path(__file__).resolve().parents[2]
PAGE = "book/02-multivariate-calculus.html"
AXE = ROOT / "tools" / "web" / "node_modules" / "axe-core" / "axe.min.js"
ARROW_BLUE = (0, 114, 178)  # the arrow's colour in sandpit.js, Okabe-Ito blue
SAND = (234, 220, 188)  # the hidden pit's colour in sandpit.js


@pytest.fixture(scope="module")
def chapter_url(serve, site_dir: Path) -> str:
    if not (site_dir / PAGE).is_file():
        pytest.fail(f"{site_dir / PAGE} is missing: build the book first ('make book')", pytrace=False)
    return serve(site_dir) + PAGE


@pytest.fixture
def game(browser_page, chapter_url: str):
    """The chapter page, loaded, with the game ready; yields the Playwright page."""
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(chapter_url, wait_until="load")
    page.wait_for_selector("#sandpit-game[data-ready='true']", timeout=15000)
    yield page
    assert page.errors == [], "console errors or failed requests:\n" + "\n".join(page.errors)


def state(page) -> dict:
    return page.evaluate("() => window.MvcalcSandpit.state()")


def click_at(page, x: float, y: float) -> None:
    """Click the canvas at the world point (x, y), in metres."""
    px, py = page.evaluate("([x, y]) => window.MvcalcSandpit.toCanvasPixel(x, y)", [x, y])
    sx, sy = state(page)["scale"]
    page.click("#sandpit-canvas", position={"x": px * sx, "y": py * sy})


def probe_by_keyboard(page, x: float, y: float) -> None:
    """Type the coordinates and press Enter, as a keyboard user does."""
    page.focus("#sandpit-x")
    page.keyboard.press("Control+A")
    page.keyboard.type(f"{x}")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "sandpit-y"
    page.keyboard.press("Control+A")
    page.keyboard.type(f"{y}")
    page.keyboard.press("Enter")


def pixel(page, px: float, py: float) -> tuple[int, int, int]:
    return tuple(page.evaluate(
        "([x, y]) => Array.from(document.getElementById('sandpit-canvas').getContext('2d')"
        ".getImageData(Math.round(x), Math.round(y), 1, 1).data.slice(0, 3))", [px, py]))


def near(colour, target, tol: int = 40) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(colour, target))


def far_from_minimum(name: str) -> list[float]:
    """A corner point of the pit, well away from its deepest point."""
    x_min, _ = pit(name).minimum()
    corners = [[-2.5, -2.5], [-2.5, 2.5], [2.5, -2.5], [2.5, 2.5]]
    return max(corners, key=lambda c: np.hypot(c[0] - x_min[0], c[1] - x_min[1]))


def run_axe(page, selector: str) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "async (sel) => (await axe.run(document.querySelector(sel))).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target)}))",
        selector,
    )


# --------------------------------------------------------------------------


def test_the_page_has_the_game_and_its_pits(game):
    page = game
    data = page.evaluate("() => window.MvcalcSandpit.data")
    assert set(data["pits"]) == set(PITS)
    assert page.locator("#sandpit-canvas[role='img'][aria-label]").count() == 1
    assert page.locator("#sandpit-status[aria-live='polite']").count() == 1
    for control in ("sandpit-x", "sandpit-y", "sandpit-pit"):
        assert page.locator(f"label[for='{control}']").count() == 1
    s = state(page)
    assert s["pit"] == "bowl" and s["probes"] == [] and not s["revealed"]
    assert "New game" in page.text_content("#sandpit-status")
    # the hidden pit shows sand only: no depth information before a probe
    assert near(pixel(page, 240, 230), SAND, 25)
    # the script is loaded on this page only, from the book's own static files
    assert page.locator("script[src$='_static/sandpit/sandpit.js']").count() == 1


@pytest.mark.parametrize("name", sorted(PITS))
def test_javascript_and_python_evaluate_the_same_pits(game, name):
    page = game
    P = pit(name)
    points = np.random.default_rng(11).uniform(P.bounds[:, 0], P.bounds[:, 1], (40, 2))
    js = page.evaluate(
        "([name, pts]) => pts.map(p => [window.MvcalcSandpit.depth(name, p), window.MvcalcSandpit.gradient(name, p)])",
        [name, points.tolist()],
    )
    depths = np.array([d for d, _ in js])
    grads = np.array([g for _, g in js])
    np.testing.assert_allclose(depths, P.depth(points), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(grads, P.gradient(points), rtol=1e-12, atol=1e-13)
    x_min, f_min = P.minimum()
    data = page.evaluate("(name) => window.MvcalcSandpit.data.pits[name]", name)
    assert data["minimum"]["x"] == x_min.tolist() and data["minimum"]["depth"] == f_min
    assert data["tol"] == P.tol and data["max_probes"] == P.max_probes


def test_play_by_clicks_until_a_win(game):
    page = game
    start = far_from_minimum("bowl")
    click_at(page, *start)
    s = state(page)
    assert len(s["probes"]) == 1 and page.text_content("#sandpit-count") == "1"
    first = s["probes"][0]
    assert np.hypot(first["x"] - start[0], first["y"] - start[1]) < 0.02  # clicks are rounded to 1 cm
    # the depth and the downhill arrow are those of Python's pit
    assert first["depth"] == pytest.approx(pit("bowl").depth([first["x"], first["y"]]), abs=1e-12)
    np.testing.assert_allclose(first["downhill"], -pit("bowl").gradient([first["x"], first["y"]]), atol=1e-12)
    assert not first["found"] and not s["found"]
    # shown in the page: the reading in the log and the status, the arrow on the canvas
    log = page.locator("#sandpit-log li")
    assert log.count() == 1
    reading = f"{first['depth']:.3f}".replace("-", "\u2212")
    assert reading in log.first.text_content() and "downhill towards the" in log.first.text_content()
    assert reading in page.text_content("#sandpit-status")
    (x0, y0), (x1, y1) = first["pixel"], first["arrowEnd"]
    assert np.hypot(x1 - x0, y1 - y0) > 20
    arrow_pixel = pixel(page, (x0 + 2 * x1) / 3, (y0 + 2 * y1) / 3)
    assert near(arrow_pixel, ARROW_BLUE), arrow_pixel
    # the arrow points downhill: the floor is lower a little way along it
    d = np.array(first["downhill"]) / np.linalg.norm(first["downhill"])
    assert pit("bowl").depth(np.array([first["x"], first["y"]]) + 0.05 * d) < first["depth"]
    # now the deepest point
    x_min, _ = pit("bowl").minimum()
    click_at(page, *x_min)
    s = state(page)
    assert len(s["probes"]) == 2 and s["probes"][1]["found"] and s["found"]
    assert "You found the deepest point in 2 probes" in page.text_content("#sandpit-status")
    # a win ends the game and reveals the pit; further clicks are not counted
    assert s["over"] and s["revealed"]
    assert not near(pixel(page, 60, 40), SAND, 25)
    click_at(page, 0.0, 0.0)
    assert len(state(page)["probes"]) == 2
    assert "game is over" in page.text_content("#sandpit-status")


def test_play_by_keyboard_until_a_win(game):
    page = game
    # choose the pit with the keyboard
    page.focus("#sandpit-pit")
    page.keyboard.press("ArrowDown")
    assert page.eval_on_selector("#sandpit-pit", "e => e.value") == "wells"
    assert state(page)["pit"] == "wells"
    assert page.text_content("#sandpit-max") == str(PITS["wells"]["max_probes"])
    start = far_from_minimum("wells")
    probe_by_keyboard(page, *start)
    s = state(page)
    assert len(s["probes"]) == 1 and page.text_content("#sandpit-count") == "1"
    assert s["probes"][0]["x"] == start[0] and s["probes"][0]["y"] == start[1]
    assert s["probes"][0]["depth"] == pytest.approx(pit("wells").depth(start), abs=1e-12)
    # a point outside the pit is refused, not counted
    probe_by_keyboard(page, 7.5, 0.0)
    assert len(state(page)["probes"]) == 1
    assert "outside the pit" in page.text_content("#sandpit-status")
    # the Probe button, pressed from the keyboard, probes too
    page.fill("#sandpit-x", "0.5")
    page.fill("#sandpit-y", "-0.5")
    page.focus("#sandpit-probe")
    page.keyboard.press("Enter")
    assert len(state(page)["probes"]) == 2
    x_min, _ = pit("wells").minimum()
    probe_by_keyboard(page, round(x_min[0], 2), round(x_min[1], 2))
    s = state(page)
    assert s["found"] and len(s["probes"]) == 3 and s["revealed"]
    assert "You found the deepest point in 3 probes" in page.text_content("#sandpit-status")
    assert page.locator("#sandpit-log li").count() == 3


def test_probes_run_out(game):
    page = game
    page.select_option("#sandpit-pit", "ripples")
    limit = PITS["ripples"]["max_probes"]
    start = far_from_minimum("ripples")
    for i in range(limit):
        probe_by_keyboard(page, start[0], round(start[1] + 0.01 * i * np.sign(-start[1]), 2))
        assert page.text_content("#sandpit-count") == str(i + 1)
    s = state(page)
    assert s["probesLeft"] == 0 and not s["found"] and s["over"] and s["revealed"]
    assert "No probes left" in page.text_content("#sandpit-status")
    probe_by_keyboard(page, 0.0, 0.0)
    assert len(state(page)["probes"]) == limit
    # New game starts afresh
    page.click("#sandpit-new")
    s = state(page)
    assert s["probes"] == [] and not s["revealed"] and page.text_content("#sandpit-count") == "0"


def test_reveal_draws_the_pit_and_the_probes(game):
    page = game
    click_at(page, -2.0, 2.0)
    before = pixel(page, 60, 40)
    assert near(before, SAND, 25)
    page.focus("#sandpit-reveal")
    page.keyboard.press("Enter")
    s = state(page)
    assert s["revealed"] and s["over"] and len(s["probes"]) == 1
    assert "Revealed: the deepest point is at" in page.text_content("#sandpit-status")
    # the colour map: the floor near the deepest point is darker than at a high corner
    x_min, _ = pit("bowl").minimum()
    bottom = page.evaluate("([x, y]) => window.MvcalcSandpit.toCanvasPixel(x, y)", [x_min[0] + 0.5, x_min[1]])
    corner = page.evaluate("([x, y]) => window.MvcalcSandpit.toCanvasPixel(x, y)", [-2.9, 2.9])
    assert sum(pixel(page, *bottom)) < sum(pixel(page, *corner)) - 100
    # the probe and its arrow are still drawn on top
    p = s["probes"][0]
    assert near(pixel(page, *(np.array(p["pixel"]) + 2 * np.array(p["arrowEnd"])) / 3), ARROW_BLUE)


def test_no_serious_accessibility_violations(game):
    page = game
    click_at(page, -2.0, 2.0)
    probe_by_keyboard(page, 1.0, -1.0)
    problems = []
    for selector in ("#sandpit-game", "article"):
        for v in run_axe(page, selector):
            if v["impact"] in ("serious", "critical"):
                problems.append(f"{selector}: {v['id']} ({v['impact']}): {v['help']} at {v['nodes'][:3]}")
    page.click("#sandpit-reveal")
    for v in run_axe(page, "#sandpit-game"):
        if v["impact"] in ("serious", "critical"):
            problems.append(f"after reveal: {v['id']} ({v['impact']}): {v['help']} at {v['nodes'][:3]}")
    assert problems == [], "axe-core violations:\n" + "\n".join(problems)
