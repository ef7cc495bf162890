// The sandbox's central platform API over HTTP: auth, errors, pagination, and deterministic faults.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, parseFaults, type SandboxHandle } from '../../../src-main/sandbox';
import { FEED_NAMES, FeedPage } from '../../../src-main/central/records';

async function getJson(sb: SandboxHandle, path: string, token: string | null = sb.token) {
  const res = await fetch(`${sb.url}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

/** Read a whole feed, following cursors; returns record keys in feed order. */
async function readFeed(sb: SandboxHandle, feed: string, limit: number): Promise<{ keys: string[]; pages: number }> {
  const keys: string[] = [];
  let cursor = '';
  let pages = 0;
  for (;;) {
    const { status, body } = await getJson(
      sb,
      `/api/v1/feeds/${feed}?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(status).toBe(200);
    const page = FeedPage.parse(body);
    pages++;
    for (const it of page.items as Record<string, string>[])
      keys.push(it.orderNo && feed === 'orders' ? it.orderNo : Object.values(it)[0]!);
    expect(page.remaining).toBeDefined();
    cursor = page.nextCursor;
    if (!page.hasMore) return { keys, pages };
  }
}

describe('sandbox central API', () => {
  let sb: SandboxHandle;
  beforeAll(async () => {
    sb = await startSandbox({ port: 0, seed: 11, orders: 120 });
  });
  afterAll(async () => {
    await sb.close();
  });

  it('listens on 127.0.0.1 with a random token per run', async () => {
    expect(sb.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sb.token.length).toBeGreaterThanOrEqual(32);
    const other = await startSandbox({ seed: 11, orders: 1 });
    try {
      expect(other.token).not.toBe(sb.token);
    } finally {
      await other.close();
    }
  });

  it('answers 401 with a JSON error body without a valid token', async () => {
    for (const token of [null, 'wrong']) {
      const r = await getJson(sb, '/api/v1/ping', token);
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('pings with the service name and feed sizes', async () => {
    const r = await getJson(sb, '/api/v1/ping');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ service: 'otd-central', apiVersion: 1, feeds: { orders: { records: 120 } } });
  });

  it('refuses bad requests with a JSON error', async () => {
    expect((await getJson(sb, '/api/v1/feeds/invoices')).status).toBe(404);
    expect((await getJson(sb, '/nothing/here', null)).status).toBe(404);
    const bad = await getJson(sb, '/api/v1/feeds/orders?limit=0');
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_parameter' } } });
    expect((await getJson(sb, '/api/v1/feeds/orders?limit=5001')).status).toBe(400);
    expect((await getJson(sb, '/api/v1/feeds/orders?cursor=garbage!')).body).toMatchObject({
      error: { code: 'invalid_cursor' },
    });
    const first = FeedPage.parse((await getJson(sb, '/api/v1/feeds/orders?limit=10')).body);
    const wrongFeed = await getJson(sb, `/api/v1/feeds/payments?cursor=${first.nextCursor}`);
    expect(wrongFeed).toMatchObject({ status: 400, body: { error: { code: 'invalid_cursor' } } });
    const post = await fetch(`${sb.url}/api/v1/ping`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sb.token}` },
    });
    expect(post.status).toBe(405);
  });

  it('expires cursors of another change log with 410', async () => {
    const other = await startSandbox({ seed: 12, orders: 120 });
    try {
      const mine = FeedPage.parse((await getJson(sb, '/api/v1/feeds/orders?limit=10')).body);
      const r = await getJson(other, `/api/v1/feeds/orders?cursor=${mine.nextCursor}`);
      expect(r).toMatchObject({ status: 410, body: { error: { code: 'cursor_expired' } } });
    } finally {
      await other.close();
    }
  });

  it('pages every feed completely, once, in change order, for any page size', async () => {
    const snap = sb.snapshot();
    for (const feed of FEED_NAMES) {
      const small = await readFeed(sb, feed, 7);
      const big = await readFeed(sb, feed, 5000);
      expect(small.keys).toEqual(big.keys);
      expect(new Set(small.keys).size).toBe(snap[feed].length);
      expect(small.pages).toBe(Math.ceil(snap[feed].length / 7) || 1);
    }
    // Change order: updatedAt never decreases along the feed.
    const { body } = await getJson(sb, '/api/v1/feeds/payments?limit=5000');
    const times = (body.items as { updatedAt: string }[]).map((r) => Date.parse(r.updatedAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('answers an empty page with the same cursor at the end of a feed', async () => {
    const all = FeedPage.parse((await getJson(sb, '/api/v1/feeds/refunds?limit=5000')).body);
    expect(all.hasMore).toBe(false);
    const again = FeedPage.parse((await getJson(sb, `/api/v1/feeds/refunds?cursor=${all.nextCursor}`)).body);
    expect(again).toEqual({ items: [], nextCursor: all.nextCursor, hasMore: false, remaining: 0 });
  });
});

describe('sandbox faults', () => {
  it('parses fault lists and refuses unknown faults', () => {
    expect([...parseFaults('500, slow')]).toEqual(['500', 'slow']);
    expect(parseFaults('all').size).toBe(6);
    expect(() => parseFaults('500,meteor')).toThrow(/unknown fault "meteor"/);
  });

  /** The status of each request of a fixed request sequence (no retry logic: plain repeats). */
  async function trace(seed: number): Promise<string[]> {
    const sb = await startSandbox({ seed, orders: 80, faults: '500,429,drop,dup,update' });
    const out: string[] = [];
    try {
      let cursor = '';
      for (let i = 0; i < 40; i++) {
        let res: Response | null = null;
        try {
          res = await fetch(`${sb.url}/api/v1/feeds/billings?limit=9${cursor ? `&cursor=${cursor}` : ''}`, {
            headers: { authorization: `Bearer ${sb.token}` },
          });
          const body = (await res.json()) as { nextCursor?: string; items?: { billingNo: string; version: number }[] };
          out.push(`${res.status}:${body.items?.map((x) => `${x.billingNo}@${x.version}`).join(',') ?? ''}`);
          if (res.status === 200 && body.nextCursor) cursor = body.nextCursor;
        } catch {
          out.push(`dropped${res ? `:${res.status}` : ''}`);
        }
      }
      expect(sb.stats().injected).toMatchObject({ '500': expect.any(Number), drop: expect.any(Number) });
    } finally {
      await sb.close();
    }
    return out;
  }

  it('are deterministic for a seed and do not stop a retrying reader', async () => {
    const a = await trace(21);
    expect(await trace(21)).toEqual(a);
    expect(a.some((s) => s.startsWith('500') || s.startsWith('503'))).toBe(true);
    expect(a.some((s) => s.startsWith('dropped'))).toBe(true);
    expect(a.some((s) => s.startsWith('429'))).toBe(true);
    expect(await trace(22)).not.toEqual(a);
  });

  it('dup repeats the last record of a page at the head of the next one', async () => {
    const sb = await startSandbox({ seed: 4, orders: 60, faults: 'dup' });
    try {
      const { keys } = await readFeed(sb, 'billings', 10);
      expect(sb.stats().injected.dup).toBeGreaterThan(0);
      expect(keys.length).toBe(sb.snapshot().billings.length + sb.stats().injected.dup);
      expect(new Set(keys).size).toBe(sb.snapshot().billings.length);
    } finally {
      await sb.close();
    }
  });

  it('update re-sends a changed record later with a higher version', async () => {
    const sb = await startSandbox({ seed: 4, orders: 60, faults: 'update' });
    try {
      const seen = new Map<string, number[]>();
      let cursor = '';
      for (;;) {
        const res = await fetch(`${sb.url}/api/v1/feeds/orders?limit=10${cursor ? `&cursor=${cursor}` : ''}`, {
          headers: { authorization: `Bearer ${sb.token}` },
        });
        const page = FeedPage.parse(await res.json());
        for (const o of page.items as { orderNo: string; version: number }[])
          seen.set(o.orderNo, [...(seen.get(o.orderNo) ?? []), o.version]);
        cursor = page.nextCursor;
        if (!page.hasMore) break;
      }
      const twice = [...seen.values()].filter((v) => v.length > 1);
      expect(sb.stats().injected.update).toBeGreaterThan(0);
      expect(twice.length).toBe(sb.stats().injected.update);
      for (const v of twice) expect(v[1]).toBe(v[0]! + 1);
      const snap = new Map(sb.snapshot().orders.map((o) => [o.orderNo, o.version]));
      for (const [no, v] of seen) expect(snap.get(no)).toBe(v.at(-1));
    } finally {
      await sb.close();
    }
  });
});
