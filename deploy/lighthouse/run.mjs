// Runs Lighthouse over a list of pages in one Chromium and one Node process, writing each JSON
// report to the path the plan names. Starting Node with Lighthouse and a browser costs several
// seconds; doing it once for all pages keeps the check inside CI's time budget.
//
// Usage: node run.mjs < plan.json, where the plan is
//   {"chromePath": "/usr/bin/chromium", "chromeFlags": ["--headless=new", ...],
//    "categories": ["performance", ...],
//    "runs": [{"url": "...", "formFactor": "mobile" | "desktop", "output": "/path.json",
//              "skipAudits": ["..."]}]}
// redink/ops/lighthouse.py writes the plan and reads the reports; this file only drives the browser.
import {readFileSync, writeFileSync} from 'node:fs';

import * as chromeLauncher from 'chrome-launcher';
import lighthouse, {desktopConfig} from 'lighthouse';

const PAGE_ERRORS = new Set([
  'ERRORED_DOCUMENT_REQUEST',
  'FAILED_DOCUMENT_REQUEST',
  'CHROME_INTERSTITIAL_ERROR',
  'INVALID_URL',
]);

const plan = JSON.parse(readFileSync(0, 'utf8'));
const chrome = await chromeLauncher.launch({
  chromePath: plan.chromePath,
  chromeFlags: plan.chromeFlags,
});

let failed = 0;
try {
  for (const run of plan.runs) {
    const started = Date.now();
    const flags = {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: plan.categories,
      skipAudits: run.skipAudits?.length ? run.skipAudits : undefined,
      // The screenshot of the whole page feeds no score and costs about two seconds a page.
      disableFullPageScreenshot: true,
      // Lighthouse waits for a second of quiet after the load. Our pages send their last
      // request (the reading beacon) as their deferred scripts run, before the load ends, so
      // half a second of quiet is enough and each page's run is shorter.
      pauseAfterFcpMs: 500,
      pauseAfterLoadMs: 500,
      networkQuietThresholdMs: 500,
      cpuQuietThresholdMs: 500,
    };
    // Mobile is Lighthouse's default configuration; desktop is its own preset.
    const config = run.formFactor === 'desktop' ? desktopConfig : undefined;
    try {
      let result = await lighthouse(run.url, flags, config);
      // Chromium now and then fails to record a page load's trace (NO_NAVSTART and kin): that
      // run is tried once more. A page that answered with an error or not at all is not.
      if (result?.lhr.runtimeError && !PAGE_ERRORS.has(result.lhr.runtimeError.code)) {
        process.stderr.write(`lighthouse: ${run.url}: ${result.lhr.runtimeError.code}, once more\n`);
        result = await lighthouse(run.url, flags, config);
      }
      if (!result) throw new Error('Lighthouse returned no report');
      writeFileSync(run.output, result.report);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stderr.write(`lighthouse: ${run.formFactor} ${run.url} (${seconds} s)\n`);
    } catch (error) {
      // One page that cannot be audited should not hide the others' results.
      failed += 1;
      process.stderr.write(`lighthouse: ${run.formFactor} ${run.url} failed: ${error.message}\n`);
    }
  }
} finally {
  await chrome.kill();
}
process.exitCode = failed ? 1 : 0;
