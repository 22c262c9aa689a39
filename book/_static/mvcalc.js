/* Code blocks that scroll sideways are tab stops, so that a reader with a
   keyboard can scroll them (axe: scrollable-region-focusable).

   pydata-sphinx-theme decides this when the page has loaded, and again when
   the window is resized or the main content changes: each <pre> that scrolls
   gets tabIndex 0, each other -1. But the book skips the layout of a code
   block while it is off screen (content-visibility: auto, in mvcalc.css), and
   a block that has not been laid out does not scroll, so the theme's check
   would take the tab stop from every code block below the first screen.
   Here, a block keeps its tab stop until it has been laid out; then it is
   decided by the theme's own test, each time the browser lays it out
   (contentvisibilityautostatechange), and after each of the theme's checks. */
(() => {
  "use strict";
  const scrolls = (el) => el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight;
  const laidOut = new WeakSet();

  document.addEventListener("contentvisibilityautostatechange", (event) => {
    const block = event.target;
    if (block.tagName !== "PRE") return;
    if (event.skipped) {
      laidOut.delete(block);
    } else {
      laidOut.add(block);
      block.tabIndex = scrolls(block) ? 0 : -1;
    }
  }, true);

  // Right after each of the theme's own checks: on load, and 300 ms after the
  // window is resized or the page's main element changes (an interactive
  // figure, say). The listeners are added after the theme's (its own are added
  // on load), so that, with the same delay, each of these runs just after it.
  const restore = () => {
    for (const block of document.querySelectorAll(".bd-article div.highlight > pre")) {
      if (getComputedStyle(block).contentVisibility !== "auto") continue;  // the theme's check holds
      block.tabIndex = laidOut.has(block) && !scrolls(block) ? -1 : 0;
    }
  };
  let timer;
  const restoreLater = () => {
    clearTimeout(timer);
    timer = setTimeout(restore, 300);
  };
  window.addEventListener("load", () => setTimeout(() => {
    restore();
    window.addEventListener("resize", restoreLater);
    const main = document.getElementById("main-content");
    if (main) new MutationObserver(restoreLater).observe(main, {subtree: true, childList: true});
  }));
})();
