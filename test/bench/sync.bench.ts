// Sync throughput: runSync from the sandbox (20k orders by default, served by a child process) into a
// fresh SQLite file, against
// a baseline measured in the same run: the same pages fetched over HTTP and JSON.parse'd, nothing
// validated or stored. The ratio is therefore what validation + the store cost on top of the wire.
//   node --import tsx test/bench/sync.bench.ts [orders]
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openStore } from '../../src-main/store';
import { runSync } from '../../src-main/central/sync';
import { FEED_NAMES } from '../../src-main/central/records';
import { round, timeOnce, type BenchResult } from './common';

const PAGE_SIZE = 5000;

/** Every page of every feed, fetched and parsed, nothing else. Returns the number of records. */
async function rawPull(url: string, token: string): Promise<number> {
  let n = 0;
  for (const feed of FEED_NAMES) {
    let cursor = '';
    for (;;) {
      const res = await fetch(`${url}/api/v1/feeds/${feed}?limit=${PAGE_SIZE}${cursor ? `&cursor=${cursor}` : ''}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const page = JSON.parse(await res.text()) as { items: unknown[]; nextCursor: string; hasMore: boolean };
      n += page.items.length;
      cursor = page.nextCursor;
      if (!page.hasMore) break;
    }
  }
  return n;
}

/** The sandbox in a child process, as a real platform would be: its CPU is not on our event loop. */
async function startRemoteSandbox(orders: number): Promise<{ url: string; token: string; close(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./sandbox-child.ts', import.meta.url)), 'bench', String(orders)],
    {
      cwd: fileURLToPath(new URL('../../', import.meta.url)),
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the sandbox child exited (${code}) before it listened`)));
  });
  lines.close();
  const { url, token } = JSON.parse(first) as { url: string; token: string };
  return {
    url,
    token,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function benchSync(orders = 20_000): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'otd-bench-sync-'));
  const sb = await startRemoteSandbox(orders);
  try {
    await rawPull(sb.url, sb.token); // warm the server, the JIT and the connection pool
    const baseline = await timeOnce(() => rawPull(sb.url, sb.token));
    const store = await openStore(join(dir, 'bench.db'));
    const controller = new AbortController();
    const ours = await timeOnce(() =>
      runSync(
        store,
        { url: sb.url, token: sb.token, pageSize: PAGE_SIZE },
        { signal: controller.signal, progress: () => undefined },
      ),
    );
    await store.close();
    const records = FEED_NAMES.reduce((n, f) => n + ours.value.pulled[f], 0);
    if (records !== baseline.value) throw new Error(`sync pulled ${records} records, the raw pull ${baseline.value}`);
    return {
      name: `sync of ${orders.toLocaleString('en')} orders (${records.toLocaleString('en')} records) from the sandbox`,
      figures: {
        records,
        'page size': PAGE_SIZE,
        'sync (s)': round(ours.ms / 1000, 2),
        'sync records/s': Math.round(records / (ours.ms / 1000)),
        'raw fetch + JSON.parse (s)': round(baseline.ms / 1000, 2),
        'raw records/s': Math.round(records / (baseline.ms / 1000)),
      },
      ratios: [
        {
          label: 'sync / raw fetch + parse',
          ours: ours.ms,
          baseline: baseline.ms,
          ratio: round(ours.ms / baseline.ms, 2),
        },
      ],
    };
  } finally {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const orders = process.argv[2] ? Number(process.argv[2]) : undefined;
  benchSync(orders).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
