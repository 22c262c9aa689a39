/*
 * The end of the book's MathJax file (see `make mathjax`): MathJax 3.2.2's
 * tex-chtml.js, followed by two more of MathJax's own components, the TeX
 * extension boldsymbol (\boldsymbol, which the chapters use) and ui/lazy
 * (equations are typeset when they come near the viewport), then this.
 *
 * The site serves that one file and the CHTML fonts, not the folder of
 * components that MathJax would otherwise fetch on demand. So:
 *
 * - The loader is told that the two components are already here; a TeX macro
 *   of any other extension (which MathJax would autoload) fails to load and
 *   shows as a MathJax error, which the browser tests catch.
 * - The contextual menu offers nothing that needs a component the site does
 *   not have: the accessibility explorer and collapsible math (a11y/*, with the
 *   speech rule engine) and the SVG renderer. It treats them as MathJax's menu
 *   treats a build without a loader: those items are disabled and never
 *   loaded, even when a reader's saved menu settings ask for them. The hidden
 *   MathML that screen readers read (a11y/assistive-mml) is in tex-chtml.js.
 */
(function () {
  "use strict";
  MathJax.loader.preLoad("[tex]/boldsymbol", "ui/lazy");

  var Menu = MathJax._.ui.menu.Menu.Menu;
  Menu.prototype.checkLoadableItems = function () {
    var menu = this.menu;
    for (var name in this.jax) {
      if (!this.jax[name]) {
        menu.findID("Settings", "Renderer", name).disable();
      }
    }
    ["Activate", "AutoCollapse", "Collapsible"].forEach(function (id) {
      menu.findID("Accessibility", id).disable();
    });
  };
  Menu.prototype.loadComponent = function (name) {
    console.warn("MathJax component " + name + " is not part of this site");
  };
})();
