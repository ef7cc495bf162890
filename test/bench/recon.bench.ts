// Reconciliation of one WeChat channel-day (n payments, 1% refunds, about n statement lines with
// known anomalies): the engine's whole run including persisting its results, against (a) pandas merges
// plus the equivalent classification on the same rows exported to CSV (merge + classify timed, not
// the CSV read, nothing written back) and (b) the bare indexed join in SQLite, all in the same run.
// The engine runs in a child process so its peak RSS is its own.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildReconBenchDb, BENCH_DAY, type BenchExpect } from './recon-data';
import { round, type BenchResult } from './common';

interface ChildReport {
  joinMs: number;
  joinCpuMs: number;
  join: { pairs: number; equal: number };
  engineMs: number;
  engineCpuMs: number;
  maxRssMb: number;
  matched: number;
  proofOk: boolean;
  stats: Record<string, number | string>;
  types: Record<string, number>;
}

interface PandasReport {
  readMs: number;
  ms: number;
  cpuMs: number;
  pairs: number;
  [type: string]: number;
}

/** Debian's python3 (python3-pandas), whatever python3 is first on PATH. */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function exportCsv(db: string, sql: string, out: string): void {
  execFileSync('sqlite3', ['-csv', '-header', db, `.output ${out}`, sql]);
}

/** The engine must have found exactly the anomalies the data holds, else the timing means nothing. */
function check(e: BenchExpect, r: ChildReport): void {
  const want: Record<string, number> = {
    short: e.short, long: e.long, amount_differs: e.amountDiffers, duplicate: e.duplicate, timing: e.timing,
    fee_differs: e.feeDiffers, status_differs: e.statusDiffers,
  };
  const wrong = Object.entries(want).filter(([t, n]) => (r.types[t] ?? 0) !== n);
  if (wrong.length || !r.proofOk) {
    throw new Error(`recon benchmark: the engine's results differ from the data: ${JSON.stringify({ want, got: r.types, proofOk: r.proofOk })}`);
  }
}

export async function benchRecon(n = 1_000_000): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'otd-bench-recon-'));
  try {
    const db = join(dir, 'recon.sqlite');
    const t = performance.now();
    const { store, expect } = await buildReconBenchDb(db, n);
    await store.close();
    const buildMs = performance.now() - t;

    const items = join(dir, 'items.csv');
    const lines = join(dir, 'lines.csv');
    exportCsv(
      db,
      `SELECT 'P|' || payment_no AS k, 'payment' AS kind, channel_txn_id, merchant_order_no, amount_fen, time(paid_at, '+8 hours') AS hm
       FROM payment WHERE business_date = '${BENCH_DAY}' AND channel = 'wechat' AND status = 'success'
       UNION ALL SELECT 'R|' || refund_no, 'refund', channel_refund_id, merchant_refund_no, -amount_fen, time(refunded_at, '+8 hours')
       FROM refund WHERE business_date = '${BENCH_DAY}' AND channel = 'wechat' AND status = 'success'`,
      items,
    );
    exportCsv(
      db,
      `SELECT l.id, l.kind, l.channel_txn_id, l.merchant_order_no, l.refund_no, l.original_txn_id, l.amount_fen, l.fee_fen
       FROM statement_line l JOIN statement_file f ON f.id = l.file_id
       WHERE f.channel = 'wechat' AND f.business_date = '${BENCH_DAY}' AND f.status = 'active' ORDER BY l.id`,
      lines,
    );
    const pandas = JSON.parse(
      execFileSync(PYTHON, [join(import.meta.dirname, 'recon_pandas.py'), items, lines], { encoding: 'utf8' }).trim(),
    ) as PandasReport;

    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'recon-child.ts'), db, BENCH_DAY],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    const ours = JSON.parse(out.trim().split('\n').at(-1)!) as ChildReport;
    check(expect, ours);

    const s = (ms: number) => round(ms / 1000, 2);
    const phases = Object.fromEntries(
      Object.entries(ours.stats)
        .filter(([k]) => k.endsWith('Ms') && k !== 'totalMs')
        .map(([k, v]) => [`  engine phase ${k.slice(0, -2)} (s)`, s(Number(v))]),
    );
    return {
      name: `reconciliation of one WeChat channel-day: ${n.toLocaleString('en')} payments + ${expect.refunds.toLocaleString('en')} refunds × ${expect.lines.toLocaleString('en')} statement lines`,
      figures: {
        'engine, whole run incl. persisting (s)': s(ours.engineMs),
        ...phases,
        'pandas merge + classification (s)': s(pandas.ms),
        'pandas CSV read, not compared (s)': s(pandas.readMs),
        'SQLite bare indexed join (s)': s(ours.joinMs),
        // On a shared machine wall time swings with the load; CPU time (all threads) much less.
        'CPU s: engine / pandas / bare join': `${s(ours.engineCpuMs)} / ${s(pandas.cpuMs)} / ${s(ours.joinCpuMs)}`,
        'CPU ratio engine / pandas': round(ours.engineCpuMs / pandas.cpuMs, 2),
        'engine peak RSS (MB)': round(ours.maxRssMb, 0),
        'pairs matched (engine / pandas / join)': `${ours.matched} / ${pandas.pairs} / ${ours.join.equal}`,
        'discrepancies (engine)': Object.entries(ours.types).map(([k, v]) => `${k} ${v}`).join(', '),
        'test data build (s)': s(buildMs),
      },
      ratios: [
        { label: 'engine / pandas', ours: ours.engineMs, baseline: pandas.ms, ratio: round(ours.engineMs / pandas.ms, 2), target: 1 },
        { label: 'engine / bare join', ours: ours.engineMs, baseline: ours.joinMs, ratio: round(ours.engineMs / ours.joinMs, 2) },
        { label: 'engine / 10 s budget', ours: ours.engineMs, baseline: 10_000, ratio: round(ours.engineMs / 10_000, 2), target: 1 },
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
