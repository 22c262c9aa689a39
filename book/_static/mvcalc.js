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

/* Copy buttons, made a few at a time once the page has loaded.

   sphinx-copybutton puts a button, with its icon drawn in SVG, after every
   code block as soon as the page is read, all in one go: in chapter 1, 98
   buttons and 588 elements that the browser must parse, style and lay out
   while the reader waits for the page to answer (in three sets of paired
   Lighthouse runs of chapter 1 on a phone, they added 160 to 240 ms to its
   Total Blocking Time). Here the book makes the same buttons, with
   sphinx-copybutton's own markup, icon and words, once the page has loaded,
   eight at a time whenever the browser is idle, in tasks too small to hold
   up the reader. copybutton.js, told to make no buttons itself (its
   selector matches nothing: book/_ext/mvcalc_html.py), still does the
   copying, for every button with the class copybtn, whenever it was made.
   They start after the tab stops' listeners above are in place: a new button
   changes the page, which makes the theme check the code blocks' tab stops
   again, and the book's correction must follow that check. */
(() => {
  "use strict";
  const PER_TASK = 8;
  const idle = window.requestIdleCallback || ((step) => setTimeout(step, 1));
  const blocks = [...document.querySelectorAll("div.highlight pre")];
  // The globals of sphinx-copybutton's copybutton.js, which runs before this script.
  if (blocks.length === 0 || typeof iconCopy === "undefined") return;
  let next = 0;
  const makeSome = () => {
    for (const end = Math.min(next + PER_TASK, blocks.length); next < end; next++) {
      const block = blocks[next];
      if (!block.id) block.id = `codecell${next}`;
      block.insertAdjacentHTML("afterend",
        `<button class="copybtn o-tooltip--left" data-tooltip="${messages[locale].copy}" data-clipboard-target="#${block.id}">${iconCopy}</button>`);
    }
    if (next < blocks.length) idle(makeSome);
  };
  window.addEventListener("load", () => setTimeout(() => idle(makeSome)));
})();
