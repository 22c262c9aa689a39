// Lighthouse runs for `make bench-site`, driven by tools/bench_site.py.
//
// Usage: node run.mjs JOBS.json
//
// JOBS.json: {"chromePath": "/usr/bin/chromium", "jobs": [{"id", "url", "formFactor": "mobile"|"desktop",
// "chromeFlags": [...], "categories": [...], "skipAudits": [...], "output": "path.json"}, ...]}.
//
// Each job does what `lighthouse URL --output=json --output-path=OUTPUT
// --only-categories=... --skip-audits=... --chrome-flags=...
// --disable-full-page-screenshot [--preset=desktop]` does (cli/run.js of the same package): a fresh Chromium
// (chromePath) launched by chrome-launcher, one Lighthouse navigation, the
// JSON report written, Chromium killed. All the jobs run in this one process,
// so that Node loads Lighthouse once rather than once a run (several seconds
// each on a slow machine). After each job one JSON line goes to stdout:
// {"id", "ok": true, "seconds"} or {"id", "ok": false, "error"}.

import fs from 'node:fs';

import * as ChromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';

const {chromePath, jobs} = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));

/** @type {ChromeLauncher.LaunchedChrome | undefined} */
let chrome;

function stop() {
  try {
    chrome?.kill();
  } finally {
    process.exit(143);
  }
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

for (const job of jobs) {
  const started = Date.now();
  try {
    chrome = await ChromeLauncher.launch({chromePath, chromeFlags: job.chromeFlags, logLevel: 'silent'});
    const flags = {
      port: chrome.port,
      output: 'json',
      onlyCategories: job.categories,
      skipAudits: job.skipAudits,
      disableFullPageScreenshot: true,
      logLevel: 'error',
    };
    const result = await lighthouse(job.url, flags, job.formFactor === 'desktop' ? desktopConfig : undefined);
    if (!result) throw new Error('Lighthouse returned no result');
    fs.writeFileSync(job.output, result.report);
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(JSON.stringify({id: job.id, ok: true, seconds}) + '\n');
  } catch (err) {
    const error = err instanceof Error ? (err.friendlyMessage || err.message) : String(err);
    process.stdout.write(JSON.stringify({id: job.id, ok: false, error}) + '\n');
  } finally {
    try {
      chrome?.kill();
    } catch {
      // already gone
    }
    chrome = undefined;
  }
}
