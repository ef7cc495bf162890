// runSync against a live sandbox: equal to the platform record by record, under every fault,
// idempotent, resumable, with clear errors and a store left whole on refusal or cancellation.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../../src-main/sandbox';
import { openStore, type Store } from '../../../src-main/store';
import { dumpCentralTables, readCentralRecords, storeTotals } from '../../../src-main/store/orders';
import { getCursor, lastSyncRun, listCursors, listSyncRuns } from '../../../src-main/store/sync-state';
import { runSync } from '../../../src-main/central/sync';
import { CentralError } from '../../../src-main/central/client';
import { JobCancelledError } from '../../../src-main/jobs/runner';
import { FEED_NAMES } from '../../../src-main/central/records';
import { differences, NO_DIFFERENCES, normalise, tempDir, testJob } from './helpers';

const FAST = { retryBaseMs: 2, maxRetries: 6 };

async function expectEqualToSandbox(store: Store, sb: SandboxHandle): Promise<void> {
  const diff = differences(normalise(sb.snapshot()), normalise(await readCentralRecords(store.read)));
  expect(diff).toEqual(NO_DIFFERENCES);
}

describe('runSync against the sandbox', () => {
  let store: Store;
  let sb: SandboxHandle | null = null;
  let tmp: Awaited<ReturnType<typeof tempDir>>;

  beforeEach(async () => {
    tmp = await tempDir();
    store = await openStore(join(tmp.dir, 'otd.db'));
  });
  afterEach(async () => {
    await store.close();
    await sb?.close();
    sb = null;
    await tmp.cleanup();
  });

  it('pulls every feed and ends equal to the platform, record by record', async () => {
    sb = await startSandbox({ seed: 101, orders: 400 });
    const job = testJob();
    let pages = 0;
    const result = await runSync(store, { url: sb.url, token: sb.token, pageSize: 250 }, job, () => pages++);
    await expectEqualToSandbox(store, sb);
    const snap = sb.snapshot();
    expect(result).toMatchObject({
      orders: 400,
      billings: snap.billings.length,
      payments: snap.payments.length,
      refunds: snap.refunds.length,
      pulled: {
        orders: 400,
        billings: snap.billings.length,
        payments: snap.payments.length,
        refunds: snap.refunds.length,
      },
    });
    expect(result.paymentsFen).toBe(
      snap.payments.filter((p) => p.status === 'success').reduce((n, p) => n + p.amountFen, 0),
    );
    expect(pages).toBe(FEED_NAMES.reduce((n, f) => n + Math.ceil(snap[f].length / 250), 0));
    // Progress: phase = feed, and each feed ends with done = total = its size.
    for (const f of FEED_NAMES) {
      const last = job.calls.filter((c) => c.phase === f).at(-1)!;
      expect(last).toEqual({ phase: f, done: snap[f].length, total: snap[f].length });
    }
    const first = job.calls.find((c) => c.phase === 'billings' && c.done > 0)!;
    expect(first.total).toBe(snap.billings.length);
    expect(await lastSyncRun(store.read)).toMatchObject({
      outcome: 'ok',
      records: result.pulled.orders + result.pulled.billings + result.pulled.payments + result.pulled.refunds,
    });
  });

  it('re-running a sync changes nothing', async () => {
    sb = await startSandbox({ seed: 102, orders: 200 });
    await runSync(store, { url: sb.url, token: sb.token, pageSize: 300 }, testJob());
    const before = await dumpCentralTables(store.read);
    const cursors = await listCursors(store.read);
    const again = await runSync(store, { url: sb.url, token: sb.token, pageSize: 300 }, testJob());
    expect(again.pulled).toEqual({ orders: 0, billings: 0, payments: 0, refunds: 0 });
    expect(await dumpCentralTables(store.read)).toEqual(before);
    expect(await listCursors(store.read)).toEqual(cursors);
    expect((await listSyncRuns(store.read)).map((r) => r.outcome)).toEqual(['ok', 'ok']);
  });

  for (const fault of ['500', 'slow', 'drop', 'dup', 'update', '429'] as const) {
    it(`ends equal to the platform with the ${fault} fault`, async () => {
      sb = await startSandbox({ seed: 103, orders: 250, faults: fault, slowMs: 30 });
      const result = await runSync(
        store,
        { url: sb.url, token: sb.token, pageSize: fault === '429' ? 150 : 60, ...FAST },
        testJob(),
      );
      expect(sb.stats().injected[fault]).toBeGreaterThan(0);
      await expectEqualToSandbox(store, sb);
      if (fault === 'dup' || fault === 'update') {
        const snap = sb.snapshot();
        expect(
          result.pulled.orders + result.pulled.billings + result.pulled.payments + result.pulled.refunds,
        ).toBeGreaterThan(snap.orders.length + snap.billings.length + snap.payments.length + snap.refunds.length);
      }
    });
  }

  it('ends equal to the platform with all faults together, and a re-run changes nothing', async () => {
    sb = await startSandbox({ seed: 104, orders: 300, faults: '500,slow,drop,dup,update,429', slowMs: 20 });
    await runSync(store, { url: sb.url, token: sb.token, pageSize: 120, ...FAST }, testJob());
    const injected = sb.stats().injected;
    for (const f of ['500', 'slow', 'drop', 'dup', 'update'] as const) expect(injected[f], f).toBeGreaterThan(0);
    await expectEqualToSandbox(store, sb);
    const dump = await dumpCentralTables(store.read);
    const again = await runSync(store, { url: sb.url, token: sb.token, pageSize: 120, ...FAST }, testJob());
    expect(again.pulled).toEqual({ orders: 0, billings: 0, payments: 0, refunds: 0 });
    expect(await dumpCentralTables(store.read)).toEqual(dump);
  });

  it('restarts a feed whose cursor the platform expired, and ends equal to it', async () => {
    sb = await startSandbox({ seed: 105, orders: 150 });
    await runSync(store, { url: sb.url, token: sb.token }, testJob());
    await sb.close();
    // The same company, but a change log of its own (a run with the update fault): old cursors expire.
    sb = await startSandbox({ seed: 105, orders: 150, faults: 'update' });
    const r = await runSync(store, { url: sb.url, token: sb.token, pageSize: 40 }, testJob());
    expect(r.pulled.orders).toBeGreaterThanOrEqual(150);
    await expectEqualToSandbox(store, sb);
  });

  it('refuses a page with a malformed record and writes nothing of it', async () => {
    sb = await startSandbox({ seed: 106, orders: 200 });
    let paymentPages = 0;
    const corrupting: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (!String(input).includes('/feeds/payments') || ++paymentPages !== 2) return res;
      const body = (await res.json()) as { items: Record<string, unknown>[] };
      body.items[3]!.amountFen = '12.50';
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const job = testJob();
    const err = await runSync(store, { url: sb.url, token: sb.token, pageSize: 100, fetchImpl: corrupting }, job).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CentralError);
    const message = (err as Error).message;
    expect(message).toMatch(/feed payments/);
    expect(message).toMatch(/page after cursor [A-Za-z0-9_-]+,/);
    expect(message).toMatch(/item 3 \(paymentNo PM\d+\)/);
    expect(message).toMatch(/field amountFen/);
    expect((err as CentralError).details).toMatchObject({ feed: 'payments', index: 3, field: 'amountFen' });
    // The first payments page is in, the second is not, and the cursor still points after the first.
    const snap = sb.snapshot();
    const totals = await storeTotals(store.read);
    expect(totals).toMatchObject({ orders: 200, billings: snap.billings.length, payments: 100 });
    const firstPage = (await (
      await fetch(`${sb.url}/api/v1/feeds/payments?limit=100`, { headers: { authorization: `Bearer ${sb.token}` } })
    ).json()) as { nextCursor: string };
    expect(await getCursor(store.read, 'payments')).toBe(firstPage.nextCursor);
    expect(await getCursor(store.read, 'refunds')).toBeNull();
    expect(await lastSyncRun(store.read)).toMatchObject({
      outcome: 'failed',
      message: expect.stringMatching(/malformed record/),
    });
    // Once the platform sends good data, the sync resumes from that page and completes.
    await runSync(store, { url: sb.url, token: sb.token, pageSize: 100 }, testJob());
    await expectEqualToSandbox(store, sb);
  });

  it('stops between pages when cancelled, keeps whole pages, and resumes to the same end', async () => {
    sb = await startSandbox({ seed: 107, orders: 300 });
    const job = testJob();
    let pages = 0;
    const err = await runSync(store, { url: sb.url, token: sb.token, pageSize: 50 }, job, () => {
      if (++pages === 3) job.controller.abort();
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobCancelledError);
    expect((await storeTotals(store.read)).orders).toBe(150);
    expect(await lastSyncRun(store.read)).toMatchObject({ outcome: 'cancelled', records: 150 });
    await runSync(store, { url: sb.url, token: sb.token, pageSize: 50 }, testJob());
    await expectEqualToSandbox(store, sb);
  });

  it('aborts a request in flight when cancelled, writing nothing of it', async () => {
    sb = await startSandbox({ seed: 108, orders: 100, faults: 'slow', slowMs: 2000 });
    const job = testJob();
    const t0 = Date.now();
    setTimeout(() => job.controller.abort(), 100);
    const err = await runSync(store, { url: sb.url, token: sb.token }, job).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobCancelledError);
    expect(Date.now() - t0).toBeLessThan(1500 + 2000); // did not wait for every slow page
    const totals = await storeTotals(store.read);
    expect([0, 100]).toContain(totals.orders); // whole pages only
    expect(totals.billings).toBe(0);
    expect(await lastSyncRun(store.read)).toMatchObject({ outcome: 'cancelled' });
  });
});

describe('runSync errors a person can act on', () => {
  let store: Store;
  const servers: Server[] = [];
  beforeEach(async () => {
    store = await openStore(':memory:');
  });
  afterEach(async () => {
    await store.close();
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  });

  async function serve(status: number, type: string, body: string): Promise<string> {
    const s = createServer((_req, res) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    });
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  }

  it('a wrong token: "the central platform rejected the token", without retrying', async () => {
    const sb = await startSandbox({ seed: 1, orders: 5 });
    try {
      const err = await runSync(store, { url: sb.url, token: 'not-the-token', ...FAST }, testJob()).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CentralError);
      expect((err as CentralError).reason).toBe('unauthorized');
      expect((err as Error).message).toMatch(
        /the central platform rejected the token \(GET .*\/api\/v1\/ping answered 401/,
      );
      expect(sb.stats().requests).toBe(1);
      expect(await lastSyncRun(store.read)).toMatchObject({
        outcome: 'failed',
        message: expect.stringMatching(/rejected the token/),
      });
    } finally {
      await sb.close();
    }
  });

  it('a URL that is not the API: 404, not JSON, or some other JSON', async () => {
    const notFound = await serve(404, 'text/html', '<html>Not Found</html>');
    await expect(runSync(store, { url: notFound, token: 't', ...FAST }, testJob())).rejects.toThrow(
      /the URL does not point to a central platform API \(GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/ping answered 404\)/,
    );
    const html = await serve(200, 'text/html', '<!doctype html><title>Welcome</title>');
    await expect(runSync(store, { url: html, token: 't', ...FAST }, testJob())).rejects.toThrow(
      /the URL does not point to a central platform API \(.* answered 200 with text\/html, not JSON\)/,
    );
    const otherJson = await serve(200, 'application/json', '{"status":"UP"}');
    await expect(runSync(store, { url: otherJson, token: 't', ...FAST }, testJob())).rejects.toThrow(
      /not a central platform ping/,
    );
    await expect(runSync(store, { url: 'ftp://example', token: 't' }, testJob())).rejects.toThrow(
      /not an http\(s\) URL/,
    );
  });

  it('an unreachable port: "cannot reach …: ECONNREFUSED" after the retries', async () => {
    const url = await serve(200, 'application/json', '{}');
    await new Promise((r) => servers.pop()!.close(r));
    const err = await runSync(store, { url, token: 't', maxRetries: 2, retryBaseMs: 1 }, testJob()).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CentralError);
    expect((err as Error).message).toMatch(
      new RegExp(`cannot reach ${url.replace(/[.]/g, '\\.')}: ECONNREFUSED \\(3 attempts\\)`),
    );
    expect((err as CentralError).code).toBe('unavailable');
  });

  it('a server that keeps failing: the status after the retries', async () => {
    const url = await serve(503, 'application/json', '{"error":{"code":"unavailable","message":"maintenance"}}');
    await expect(runSync(store, { url, token: 't', maxRetries: 2, retryBaseMs: 1 }, testJob())).rejects.toThrow(
      /the central platform failed: GET .*\/api\/v1\/ping answered 503 \(maintenance\) \(3 attempts\)/,
    );
  });
});
