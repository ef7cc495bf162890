// `npm run bench`: every benchmark, each against a baseline measured in the same run. Prints the
// figures and ratios and writes them, dated, to docs/benchmarks.md (the README links it).
// Sizes can be lowered for a quick look: BENCH_SCALE=0.1 npm run bench.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchResult } from './common';
import { benchSync } from './sync.bench';
import { benchGrid } from './grid.bench';
import { benchImport } from './import.bench';
import { benchRecon } from './recon.bench';
import { benchJournal } from './journal.bench';

const scale = Number(process.env.BENCH_SCALE ?? 1);
const only = process.argv.slice(2);

const BENCHES: [string, () => Promise<BenchResult>][] = [
  ['sync', () => benchSync()],
  ['grid', () => benchGrid(Math.round(1_000_000 * scale))],
  ['import', () => benchImport(Math.round(1_000_000 * scale))],
  ['recon', () => benchRecon(Math.round(1_000_000 * scale))],
  ['journal', () => benchJournal(Math.round(100_000 * scale))],
];

const results: BenchResult[] = [];
for (const [name, run] of BENCHES) {
  if (only.length && !only.includes(name)) continue;
  process.stderr.write(`bench ${name}…\n`);
  const r = await run();
  results.push(r);
  console.log(`\n${r.name}`);
  for (const [k, v] of Object.entries(r.figures)) console.log(`  ${k.padEnd(40)} ${v}`);
  for (const q of r.ratios) {
    const verdict =
      q.target === undefined
        ? ''
        : q.ratio <= q.target
          ? `  (target ≤ ${q.target}: met)`
          : `  (target ≤ ${q.target}: NOT met)`;
    console.log(`  ratio ${q.label.padEnd(34)} ${q.ratio}${verdict}`);
  }
}

const date = new Date().toISOString().slice(0, 10);
const lines = [
  '# Benchmark figures',
  '',
  `Measured ${date} with \`npm run bench\`${scale !== 1 ? ` (BENCH_SCALE=${scale})` : ''} on ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}.`,
  'Ratios are ours ÷ the baseline measured in the same run (lower is better).',
  '',
];
for (const r of results) {
  lines.push(`## ${r.name}`, '', '| figure | value |', '|---|---|');
  for (const [k, v] of Object.entries(r.figures)) lines.push(`| ${k} | ${v} |`);
  for (const q of r.ratios)
    lines.push(`| **ratio** ${q.label}${q.target !== undefined ? ` (target ≤ ${q.target})` : ''} | **${q.ratio}** |`);
  lines.push('');
}
if (!only.length && scale === 1)
  writeFileSync(join(import.meta.dirname, '..', '..', 'docs', 'benchmarks.md'), lines.join('\n'));
