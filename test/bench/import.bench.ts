// Import of a 1M-line WeChat bill through the real service — content hash, format detection, every
// line parsed and checked (integer fen, time and business day, duplicate ids, tie-out to the printed
// totals), every line written with its normalised columns and the indexes reconciliation looks lines
// up by (file, channel transaction id, merchant order no, terminal+reference), and the file's text
// kept once as deflated chunks for the lines grid, all in one transaction — against Debian's sqlite3
// CLI `.import` of the same detail lines as plain CSV into a bare table (no index, no parsing, no
// checks), in the same run; with the import's peak RSS.
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeWechatBill } from '../fixtures/statements/make-wechat-bill';
import { round, type BenchResult } from './common';

async function plainCsv(bill: string, out: string, lines: number): Promise<void> {
  // The same detail lines without WeChat's backtick decoration, for the CLI's CSV reader.
  const w = createWriteStream(out);
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(bill) })) {
    if (n <= lines) w.write(`${line.replace(/(^|,)`/g, '$1')}\n`);
    n++;
  }
  await new Promise<void>((ok) => w.end(ok));
}

export async function benchImport(lines = 1_000_000): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'otd-bench-import-'));
  try {
    const bill = join(dir, 'wechat-all.csv');
    await writeWechatBill(bill, lines, { date: '2024-03-15' });
    const csv = join(dir, 'plain.csv');
    await plainCsv(bill, csv, lines);

    const t = performance.now();
    execFileSync('sqlite3', [join(dir, 'cli.sqlite'), '.mode csv', `.import ${csv} statement_line_raw`]);
    const cliMs = performance.now() - t;

    const child = execFileSync(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'import-child.ts'), bill, join(dir, 'ours.sqlite'), '2024-03-15'],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      },
    );
    const ours = JSON.parse(child.trim().split('\n').at(-1)!) as {
      ms: number;
      closeMs: number;
      maxRssMb: number;
      status: string;
      lines: number;
    };
    if (ours.status !== 'imported' || ours.lines !== lines) throw new Error(`benchmark import failed: ${child}`);
    return {
      name: `import of a ${lines.toLocaleString('en')}-line WeChat bill (${round(statSync(bill).size / 1048576, 0)} MB)`,
      figures: {
        'ours (s)': round(ours.ms / 1000, 1),
        'then checkpoint and close (s)': round(ours.closeMs / 1000, 1),
        'sqlite3 CLI .import (s)': round(cliMs / 1000, 1),
        'lines/s (ours)': Math.round(lines / (ours.ms / 1000)),
        'peak RSS (MB)': round(ours.maxRssMb, 0),
      },
      ratios: [
        {
          label: 'import / sqlite3 .import',
          ours: ours.ms,
          baseline: cliMs,
          ratio: round(ours.ms / cliMs, 2),
          target: 1.5,
        },
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
