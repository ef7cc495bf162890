// kill -9 in the middle of a sync, then resume: the store ends exactly where an uninterrupted sync ends.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../../src-main/sandbox';
import { Db } from '../../../src-main/store/db';
import { openStore } from '../../../src-main/store';
import { dumpCentralTables, storeTotals } from '../../../src-main/store/orders';
import { getCursor, listCursors, listSyncRuns } from '../../../src-main/store/sync-state';
import { runSync } from '../../../src-main/central/sync';
import { tempDir, testJob } from './helpers';

const CHILD = fileURLToPath(new URL('./sync-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PAGE = 25;

let sb: SandboxHandle;
let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  tmp = await tempDir();
  // 'slow' keeps the child mid-sync long enough to be killed at a page boundary of our choosing.
  sb = await startSandbox({ seed: 77, orders: 400, faults: 'slow', slowMs: 60 });
});
afterEach(async () => {
  await sb.close();
  await tmp.cleanup();
});

/** Poll the database file (read-only) until the billings feed has a cursor. */
async function waitForBillingsCursor(file: string, child: ReturnType<typeof spawn>): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the child ended (${child.exitCode}) before it was killed`);
    if (existsSync(file)) {
      const db = await Db.openReadOnly(file).catch(() => null);
      if (db) {
        try {
          const c = await getCursor(db, 'billings').catch(() => null);
          if (c) return c;
        } finally {
          await db.close();
        }
      }
    }
    await new Promise((r) => setTimeout(r, 15));
  }
  throw new Error('the child committed no billings page within 60 s');
}

it('kill -9 mid-sync, then resume: every table equals a clean sync', async () => {
  const killedDb = join(tmp.dir, 'killed.db');
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, killedDb, sb.url, sb.token, String(PAGE)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  try {
    await waitForBillingsCursor(killedDb, child);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${(e as Error).message}\n${stderr}`);
  }
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');

  // What the killed process left: whole pages only, with the cursor that follows them.
  const store = await openStore(killedDb);
  try {
    const left = await storeTotals(store.read);
    const snap = sb.snapshot();
    expect(left.orders).toBe(snap.orders.length);
    expect(left.billings % PAGE).toBe(0);
    expect(left.billings).toBeLessThan(snap.billings.length);
    expect(left.payments).toBe(0);
    expect((await listSyncRuns(store.read))[0]).toMatchObject({ outcome: 'running' });

    // Resume in this process.
    const resumed = await runSync(store, { url: sb.url, token: sb.token, pageSize: PAGE }, testJob());
    expect(resumed.pulled.orders).toBe(0);
    expect(resumed.pulled.billings).toBe(snap.billings.length - left.billings);
    expect((await listSyncRuns(store.read)).map((r) => r.outcome)).toEqual(['ok', 'failed']);

    // A clean, uninterrupted sync into a fresh database.
    const clean = await openStore(join(tmp.dir, 'clean.db'));
    try {
      await runSync(clean, { url: sb.url, token: sb.token, pageSize: PAGE }, testJob());
      const a = await dumpCentralTables(store.read);
      const b = await dumpCentralTables(clean.read);
      for (const table of Object.keys(b) as (keyof typeof b)[]) {
        expect(a[table].length, table).toBe(b[table].length);
        expect(a[table], table).toEqual(b[table]);
      }
      expect(await listCursors(store.read)).toEqual(await listCursors(clean.read));
    } finally {
      await clean.close();
    }
  } finally {
    await store.close();
  }
});
