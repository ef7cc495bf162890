// `npm test`: everything — type-check, lint, unit tests (Vitest) and UI tests (Playwright in
// Chromium, and the Electron window where its binary exists) — then one closing line with the
// counts summed over all suites: "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureChromium } from './chromium.js';

const bin = (name) => join('node_modules', '.bin', name);
const tmp = mkdtempSync(join(tmpdir(), 'otd-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
const only = process.argv[2]; // optional: unit | e2e

function step(label, cmd, args, env = {}) {
  console.log(`\n== ${label}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

if (!only) {
  for (const [label, cmd, args] of [
    ['type-check', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']],
    ['lint', bin('eslint'), ['.']],
  ]) {
    if (step(label, cmd, args) === 0) totals.passed += 1;
    else totals.failed += 1;
  }
}

if (!only || only === 'unit') {
  const out = join(tmp, 'vitest.json');
  const status = step('unit tests (Vitest)', bin('vitest'), [
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${out}`,
  ]);
  if (existsSync(out)) {
    const r = JSON.parse(readFileSync(out, 'utf8'));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
    totals.skipped += r.numPendingTests + r.numTodoTests;
    // A suite that failed to load has no tests but must still count as a failure.
    if (status !== 0 && r.numFailedTests === 0) totals.failed += Math.max(1, r.numFailedTestSuites);
  } else if (status !== 0) totals.failed += 1;
}

if (!only || only === 'e2e') {
  let chromium = null;
  try {
    chromium = ensureChromium();
  } catch (e) {
    console.error(String(e));
  }
  if (!chromium) totals.failed += 1;
  else {
    const out = join(tmp, 'playwright.json');
    const status = step('UI tests (Playwright)', bin('playwright'), ['test', '--reporter=list,json'], {
      OTD_CHROMIUM: chromium,
      PLAYWRIGHT_JSON_OUTPUT_NAME: out,
    });
    if (existsSync(out)) {
      const s = JSON.parse(readFileSync(out, 'utf8')).stats;
      totals.passed += s.expected + s.flaky;
      totals.failed += s.unexpected;
      totals.skipped += s.skipped;
      if (status !== 0 && s.unexpected === 0) totals.failed += 1;
    } else if (status !== 0) totals.failed += 1;
  }
}

const line = `${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`;
writeFileSync(join(tmp, 'summary.txt'), line + '\n');
if (process.env.OTD_SUMMARY_FILE) writeFileSync(process.env.OTD_SUMMARY_FILE, line + '\n');
console.log(`\n${line}`);
process.exit(totals.failed > 0 ? 1 : 0);
