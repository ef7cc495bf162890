// Shared by the central sync tests: job contexts, temp databases, and record-by-record comparison.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobContext } from '../../../src-main/jobs/runner';
import type { SandboxSnapshot } from '../../../src-main/sandbox';
import type { CentralRecords } from '../../../src-main/store/orders';

export interface TestJob extends JobContext {
  controller: AbortController;
  calls: { phase: string; done: number; total: number }[];
}

export function testJob(): TestJob {
  const controller = new AbortController();
  const calls: TestJob['calls'] = [];
  return {
    controller,
    signal: controller.signal,
    calls,
    progress: (phase, done, total) => calls.push({ phase, done, total }),
  };
}

export async function tempDir(): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'otd-central-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

const byKey =
  <T>(key: (x: T) => string) =>
  (a: T, b: T): number =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

/** Both sides in the same order: records by key, sub-orders by sub-order no. */
export function normalise(s: SandboxSnapshot | CentralRecords): CentralRecords {
  return {
    orders: s.orders
      .map((o) => ({ ...o, subOrders: [...o.subOrders].sort(byKey((x) => x.subOrderNo)) }))
      .sort(byKey((o) => o.orderNo)),
    billings: [...s.billings].sort(byKey((x) => x.billingNo)),
    payments: [...s.payments].sort(byKey((x) => x.paymentNo)),
    refunds: [...s.refunds].sort(byKey((x) => x.refundNo)),
  };
}

/** Records that differ, by feed (empty arrays when equal), so a failure names the records. */
export function differences(expected: CentralRecords, actual: CentralRecords): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const feeds = ['orders', 'billings', 'payments', 'refunds'] as const;
  for (const f of feeds) {
    const e = expected[f] as unknown[];
    const a = actual[f] as unknown[];
    const diffs: string[] = [];
    if (e.length !== a.length) diffs.push(`count ${a.length}, expected ${e.length}`);
    for (let i = 0; i < Math.max(e.length, a.length) && diffs.length < 5; i++) {
      const je = JSON.stringify(e[i]);
      const ja = JSON.stringify(a[i]);
      if (je !== ja) diffs.push(`#${i}: got ${ja?.slice(0, 300)} expected ${je?.slice(0, 300)}`);
    }
    out[f] = diffs;
  }
  return out;
}

export const NO_DIFFERENCES = { orders: [], billings: [], payments: [], refunds: [] };
