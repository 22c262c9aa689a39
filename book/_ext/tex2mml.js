/*
 * TeX to MathML at build time, for book/_ext/mvcalc_math.py: MathJax's own TeX
 * input (the pinned npm package in tools/web), run once per build in Node.
 *
 * Usage: node tex2mml.js MATHJAX_DIR MACROS_JSON. Then one JSON object per line
 * on standard input, {"tex": "...", "display": true|false}, and one per line back
 * on standard output, {"mml": "<math ...>...</math>"} or {"error": "message"}.
 *
 * Only the TeX packages the book uses are loaded: base, ams, newcommand,
 * configmacros (the macros of _config.yml) and boldsymbol. An undefined macro or
 * an unbalanced brace is an error, never red text in the page: noundefined and
 * autoload are not loaded, and formatError throws instead of returning merror.
 */
"use strict";
const readline = require("readline");
const [mathjaxDir, macrosJson] = process.argv.slice(2);
const packages = ["base", "ams", "newcommand", "configmacros", "boldsymbol"];

require(mathjaxDir).init({
  loader: {load: ["input/tex-base", "[tex]/ams", "[tex]/newcommand", "[tex]/configmacros", "[tex]/boldsymbol"]},
  tex: {
    packages: packages,
    macros: JSON.parse(macrosJson || "{}"),
    formatError: (jax, err) => { throw err; },
  },
  startup: {typeset: false},
}).then((MathJax) => {
  const lines = readline.createInterface({input: process.stdin, terminal: false});
  lines.on("line", (line) => {
    let reply;
    try {
      const request = JSON.parse(line);
      reply = {mml: MathJax.tex2mml(request.tex, {display: request.display})};
    } catch (err) {
      reply = {error: String(err && err.message ? err.message : err)};
    }
    process.stdout.write(JSON.stringify(reply) + "\n");
  });
  process.stdout.write(JSON.stringify({ready: MathJax.version}) + "\n");
}).catch((err) => {
  process.stdout.write(JSON.stringify({error: "MathJax did not start: " + err.message}) + "\n");
  process.exit(1);
});
