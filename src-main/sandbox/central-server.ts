// The demo company's central platform API (docs/central-api.md) on 127.0.0.1, built on node:http.
//
// Memory: the platform does not keep records. At start it generates the dataset once and keeps, per
// feed, only an index in typed arrays (which order, which record of it, in change-sequence order).
// A page regenerates the orders it needs (each order is a pure function of seed and index), so 100k
// orders cost a few MB of index, not a heap of record objects. Records changed while the server runs
// (the `update` fault) live in a small overlay appended to the feed.
//
// Faults are decided by hashing (seed, fault, feed, cursor, limit, attempt), never by a clock or
// Math.random, so the same client requests meet the same faults; failing faults stop after the
// second attempt of a request, so a client that retries always completes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { AddressInfo } from 'node:net';
import { FEED_NAMES, type FeedName, type FeedRecordMap } from '../central/records';
import {
  DELIVERY_CENTERS,
  generateOrder,
  hashSeed,
  isoAt,
  mix32,
  type ResolvedDataConfig,
  type SandboxOrder,
} from './data';

export const FAULT_NAMES = ['500', '429', 'slow', 'drop', 'dup', 'update'] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

/** "500,slow" or "all" → the set of faults; an unknown name is refused. */
export function parseFaults(spec: string | readonly string[] | undefined): Set<FaultName> {
  const parts = (typeof spec === 'string' ? spec.split(',') : (spec ?? [])).map((s) => s.trim()).filter(Boolean);
  const out = new Set<FaultName>();
  for (const p of parts) {
    if (p === 'all') FAULT_NAMES.forEach((f) => out.add(f));
    else if ((FAULT_NAMES as readonly string[]).includes(p)) out.add(p as FaultName);
    else throw new RangeError(`unknown fault "${p}"; known: ${FAULT_NAMES.join(', ')}, all`);
  }
  return out;
}

export const DEFAULT_LIMIT = 1000;
export const MAX_LIMIT = 5000;
/** How many records the `update` fault may change per feed during one server run. */
const MAX_UPDATES_PER_FEED = 200;

// ---------------------------------------------------------------------------------------------
// The platform's state: feeds as change logs

/** Per feed: the change log. Entry seq s (1-based) is base entry s-1 or overlay entry s-1-base. */
class FeedLog<R> {
  private readonly orderIdx: Int32Array;
  private readonly slot: Uint16Array;
  private dead: Uint8Array;
  /** Sorted seqs of superseded entries (few: one per update). */
  private readonly deadSeqs: number[] = [];
  readonly overlay: R[] = [];
  /** Latest overlay seq of a record key that was changed while the server ran. */
  readonly changed = new Map<string, number>();

  constructor(orderIdx: Int32Array, slot: Uint16Array) {
    this.orderIdx = orderIdx;
    this.slot = slot;
    this.dead = new Uint8Array(orderIdx.length + 64);
  }

  get baseLength(): number {
    return this.orderIdx.length;
  }

  get length(): number {
    return this.orderIdx.length + this.overlay.length;
  }

  get live(): number {
    return this.length - this.deadSeqs.length;
  }

  isDead(seq: number): boolean {
    return this.dead[seq - 1] === 1;
  }

  base(seq: number): { order: number; slot: number } {
    return { order: this.orderIdx[seq - 1]!, slot: this.slot[seq - 1]! };
  }

  /** Live entries with a seq greater than `seq`. */
  liveAfter(seq: number): number {
    let lo = 0;
    let hi = this.deadSeqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.deadSeqs[mid]! <= seq) lo = mid + 1;
      else hi = mid;
    }
    const deadUpTo = lo;
    return this.length - seq - (this.deadSeqs.length - deadUpTo);
  }

  /** Supersede entry `seq` by a new version appended at the end; returns the new seq. */
  supersede(seq: number, key: string, record: R): number {
    this.dead[seq - 1] = 1;
    const at = this.deadSeqs.findIndex((s) => s > seq);
    this.deadSeqs.splice(at < 0 ? this.deadSeqs.length : at, 0, seq);
    this.overlay.push(record);
    const newSeq = this.length;
    if (this.dead.length < newSeq) {
      const grown = new Uint8Array(this.dead.length * 2);
      grown.set(this.dead);
      this.dead = grown;
    }
    this.changed.set(key, newSeq);
    return newSeq;
  }
}

export type FeedRecord = FeedRecordMap[FeedName];

export interface PlatformPage<F extends FeedName> {
  items: FeedRecordMap[F][];
  seqs: number[];
}

export interface SandboxSnapshot {
  orders: FeedRecordMap['orders'][];
  billings: FeedRecordMap['billings'][];
  payments: FeedRecordMap['payments'][];
  refunds: FeedRecordMap['refunds'][];
}

function recordKey(feed: FeedName, r: FeedRecord): string {
  switch (feed) {
    case 'orders':
      return (r as FeedRecordMap['orders']).orderNo;
    case 'billings':
      return (r as FeedRecordMap['billings']).billingNo;
    case 'payments':
      return (r as FeedRecordMap['payments']).paymentNo;
    case 'refunds':
      return (r as FeedRecordMap['refunds']).refundNo;
  }
}

const PICK: { [F in FeedName]: (o: SandboxOrder) => FeedRecordMap[F][] } = {
  orders: (o) => [o.order.record],
  billings: (o) => o.billings.map((x) => x.record),
  payments: (o) => o.payments.map((x) => x.record),
  refunds: (o) => o.refunds.map((x) => x.record),
};

function recordsOf<F extends FeedName>(o: SandboxOrder, feed: F): FeedRecordMap[F][] {
  return PICK[feed](o);
}

export class CentralPlatform {
  readonly logs: { [F in FeedName]: FeedLog<FeedRecordMap[F]> };
  /** Identifies this change log; cursors from another epoch are refused with 410. */
  readonly epoch: string;
  /** The platform's clock: the dataset's "now", one second later per change made while running. */
  private clockMs: number;

  constructor(
    readonly cfg: ResolvedDataConfig,
    opts: { volatile?: boolean } = {},
  ) {
    this.clockMs = cfg.nowMs;
    const base = mix32(mix32(mix32(cfg.seedHash, cfg.orders), cfg.days), hashSeed(cfg.startDate)).toString(36);
    // A run that changes records (update fault) has its own log: its cursors mean nothing to another run.
    this.epoch = opts.volatile ? `${base}${randomBytes(4).toString('hex')}` : base;
    const acc = {} as { [F in FeedName]: { ms: number[]; order: number[]; slot: number[] } };
    for (const f of FEED_NAMES) acc[f] = { ms: [], order: [], slot: [] };
    for (let i = 0; i < cfg.orders; i++) {
      const o = generateOrder(cfg, i);
      const add = (f: FeedName, atMs: number, slot: number) => {
        acc[f].ms.push(atMs);
        acc[f].order.push(i);
        acc[f].slot.push(slot);
      };
      add('orders', o.order.atMs, 0);
      o.billings.forEach((x, k) => add('billings', x.atMs, k));
      o.payments.forEach((x, k) => add('payments', x.atMs, k));
      o.refunds.forEach((x, k) => add('refunds', x.atMs, k));
    }
    const build = <F extends FeedName>(f: F): FeedLog<FeedRecordMap[F]> => {
      const a = acc[f];
      const ms = Float64Array.from(a.ms);
      const perm = new Uint32Array(ms.length);
      for (let k = 0; k < perm.length; k++) perm[k] = k;
      perm.sort((x, y) => ms[x]! - ms[y]! || x - y);
      const order = new Int32Array(perm.length);
      const slot = new Uint16Array(perm.length);
      for (let k = 0; k < perm.length; k++) {
        order[k] = a.order[perm[k]!]!;
        slot[k] = a.slot[perm[k]!]!;
      }
      return new FeedLog<FeedRecordMap[F]>(order, slot);
    };
    this.logs = {
      orders: build('orders'),
      billings: build('billings'),
      payments: build('payments'),
      refunds: build('refunds'),
    };
  }

  get nowIso(): string {
    return isoAt(this.clockMs);
  }

  /** Live entries after `afterSeq`, at most `limit`, with their records. */
  page<F extends FeedName>(feed: F, afterSeq: number, limit: number): PlatformPage<F> {
    const log = this.logs[feed];
    const seqs: number[] = [];
    for (let s = afterSeq + 1; s <= log.length && seqs.length < limit; s++) if (!log.isDead(s)) seqs.push(s);
    return { seqs, items: this.records(feed, seqs) };
  }

  private records<F extends FeedName>(feed: F, seqs: readonly number[]): FeedRecordMap[F][] {
    const log = this.logs[feed];
    const out = new Array<FeedRecordMap[F]>(seqs.length);
    // Group by order so each order is generated once and dropped at once: only the records the
    // page needs stay alive (retaining whole generated orders makes the GC the bottleneck).
    const byOrder = new Map<number, number[]>();
    seqs.forEach((seq, pos) => {
      if (seq > log.baseLength) out[pos] = log.overlay[seq - log.baseLength - 1]!;
      else {
        const { order } = log.base(seq);
        const list = byOrder.get(order);
        if (list) list.push(pos);
        else byOrder.set(order, [pos]);
      }
    });
    for (const [order, positions] of byOrder) {
      const recs = recordsOf(generateOrder(this.cfg, order), feed);
      for (const pos of positions) out[pos] = recs[log.base(seqs[pos]!).slot]!;
    }
    return out;
  }

  remainingAfter(feed: FeedName, seq: number): number {
    return this.logs[feed].liveAfter(seq);
  }

  feedLength(feed: FeedName): number {
    return this.logs[feed].length;
  }

  updatesMade(feed: FeedName): number {
    return this.logs[feed].overlay.length;
  }

  /**
   * Change the record at `seq` as the platform would while a client pages: a new version with a new
   * change sequence at the end of the feed. `pick` (0..1) chooses what changes.
   */
  update(feed: FeedName, seq: number, pick: number): FeedRecord {
    const log = this.logs[feed] as FeedLog<FeedRecord>;
    const [current] = this.records(feed, [seq]);
    if (!current) throw new Error(`no entry ${seq} in feed ${feed}`);
    this.clockMs += 1000;
    const stamp = { version: current.version + 1, updatedAt: isoAt(this.clockMs) };
    let next: FeedRecord;
    if (feed === 'orders') {
      const o = current as FeedRecordMap['orders'];
      const others = DELIVERY_CENTERS.filter((c) => c.code !== o.deliveryCenter);
      next = { ...o, ...stamp, deliveryCenter: others[Math.floor(pick * others.length)]!.code };
    } else if (feed === 'refunds' && (current as FeedRecordMap['refunds']).status === 'processing') {
      next = { ...(current as FeedRecordMap['refunds']), ...stamp, status: 'success' };
    } else {
      // The platform re-sent the record (a callback replayed, a bill re-pushed): only the version moves.
      next = { ...current, ...stamp };
    }
    log.supersede(seq, recordKey(feed, next), next);
    return next;
  }

  /** Every record as it stands now (tests compare a synced store with this). */
  snapshot(): SandboxSnapshot {
    const out: SandboxSnapshot = { orders: [], billings: [], payments: [], refunds: [] };
    for (let i = 0; i < this.cfg.orders; i++) {
      const o = generateOrder(this.cfg, i);
      for (const f of FEED_NAMES) {
        const log = this.logs[f] as FeedLog<FeedRecord>;
        const list = out[f] as FeedRecord[];
        for (const r of recordsOf(o, f) as FeedRecord[]) {
          const changedSeq = log.changed.get(recordKey(f, r));
          list.push(changedSeq === undefined ? r : log.overlay[changedSeq - log.baseLength - 1]!);
        }
      }
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Cursors: opaque to clients; base64url of "epoch.feed.seq"

export function encodeCursor(epoch: string, feed: FeedName, seq: number): string {
  return Buffer.from(`${epoch}.${feed}.${seq}`).toString('base64url');
}

type CursorResult = { ok: true; seq: number } | { ok: false; status: 400 | 410; code: string; message: string };

export function decodeCursor(text: string, epoch: string, feed: FeedName, feedLength: number): CursorResult {
  const m = /^([a-z0-9]+)\.([a-z]+)\.(\d{1,12})$/.exec(
    /^[A-Za-z0-9_-]{1,200}$/.test(text) ? Buffer.from(text, 'base64url').toString('utf8') : '',
  );
  if (!m) return { ok: false, status: 400, code: 'invalid_cursor', message: 'the cursor is not one this API issued' };
  if (m[2] !== feed) {
    return {
      ok: false,
      status: 400,
      code: 'invalid_cursor',
      message: `the cursor belongs to the ${m[2]} feed, not ${feed}`,
    };
  }
  const seq = Number(m[3]);
  if (m[1] !== epoch || seq > feedLength) {
    return {
      ok: false,
      status: 410,
      code: 'cursor_expired',
      message: 'the cursor refers to a change log this platform no longer has; restart the feed without a cursor',
    };
  }
  return { ok: true, seq };
}

// ---------------------------------------------------------------------------------------------
// HTTP

export interface FaultStats {
  requests: number;
  injected: Record<FaultName, number>;
}

export interface CentralServerOptions {
  platform: CentralPlatform;
  token: string;
  faults?: Set<FaultName>;
  /** Upper bound of the `slow` delay in ms (default 150). */
  slowMs?: number;
  /** Other APIs on the same port (the channels' download APIs): returns true when it served the request. */
  mount?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export interface CentralServer {
  server: Server;
  stats(): FaultStats;
}

function faultHash(...parts: number[]): number {
  let h = 0x2545f491;
  for (const p of parts) h = mix32(h, p >>> 0);
  return h / 4294967296;
}

const FAULT_CODES: Record<FaultName, number> = { '500': 1, '429': 2, slow: 3, drop: 4, dup: 5, update: 6 };
const FEED_CODES: Record<FeedName, number> = { orders: 1, billings: 2, payments: 3, refunds: 4 };

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: { code, message } }, headers);
}

export function createCentralServer(opts: CentralServerOptions): CentralServer {
  const { platform } = opts;
  const faults = opts.faults ?? new Set<FaultName>();
  const slowMs = opts.slowMs ?? 150;
  const expected = Buffer.from(`Bearer ${opts.token}`);
  const attempts = new Map<string, number>();
  const seedHash = platform.cfg.seedHash;
  const stats: FaultStats = { requests: 0, injected: { '500': 0, '429': 0, slow: 0, drop: 0, dup: 0, update: 0 } };

  const authorised = (req: IncomingMessage): boolean => {
    const got = Buffer.from(req.headers.authorization ?? '');
    return got.length === expected.length && timingSafeEqual(got, expected);
  };

  const roll = (fault: FaultName, feed: FeedName, seq: number, limit: number, attempt: number): number =>
    faultHash(seedHash, FAULT_CODES[fault], FEED_CODES[feed], seq, limit, attempt);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.requests++;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/\/+$/, '');
    if (!path.startsWith('/api/v1/')) return sendError(res, 404, 'not_found', `no such resource: ${url.pathname}`);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendError(res, 405, 'method_not_allowed', 'this API is read-only: use GET', { allow: 'GET, HEAD' });
    }
    if (!authorised(req)) {
      return sendError(res, 401, 'unauthorized', 'missing or invalid bearer token', {
        'www-authenticate': 'Bearer realm="otd-central"',
      });
    }

    if (path === '/api/v1/ping') {
      return sendJson(res, 200, {
        service: 'otd-central',
        apiVersion: 1,
        company: 'Demo EV Company (sandbox)',
        serverTime: platform.nowIso,
        feeds: Object.fromEntries(FEED_NAMES.map((f) => [f, { records: platform.logs[f].live }])),
        limits: { defaultLimit: DEFAULT_LIMIT, maxLimit: MAX_LIMIT },
      });
    }
    if (path === '/api/v1/_sandbox/snapshot') return sendJson(res, 200, platform.snapshot());

    const feedMatch = /^\/api\/v1\/feeds\/([a-z]+)$/.exec(path);
    if (!feedMatch) return sendError(res, 404, 'not_found', `no such resource: ${url.pathname}`);
    const feed = feedMatch[1] as FeedName;
    if (!(FEED_NAMES as readonly string[]).includes(feed)) {
      return sendError(res, 404, 'not_found', `no feed "${feedMatch[1]}"; feeds: ${FEED_NAMES.join(', ')}`);
    }
    const limitText = url.searchParams.get('limit');
    const limit = limitText === null ? DEFAULT_LIMIT : /^\d{1,6}$/.test(limitText) ? Number(limitText) : NaN;
    if (!(limit >= 1 && limit <= MAX_LIMIT)) {
      return sendError(
        res,
        400,
        'invalid_parameter',
        `limit must be an integer from 1 to ${MAX_LIMIT}, got "${limitText}"`,
      );
    }
    const cursorText = url.searchParams.get('cursor');
    let afterSeq = 0;
    if (cursorText !== null && cursorText !== '') {
      const c = decodeCursor(cursorText, platform.epoch, feed, platform.feedLength(feed));
      if (!c.ok) return sendError(res, c.status, c.code, c.message);
      afterSeq = c.seq;
    }

    const key = `${feed}:${afterSeq}:${limit}`;
    const attempt = attempts.get(key) ?? 0;
    attempts.set(key, attempt + 1);

    if (faults.has('slow')) {
      stats.injected.slow++;
      await delay(Math.floor(roll('slow', feed, afterSeq, limit, attempt) * slowMs));
    }
    // Failing faults hit at most the first two attempts of a request, so retrying always gets through.
    if (attempt < 2) {
      if (faults.has('429') && roll('429', feed, afterSeq, limit, attempt) < 0.15) {
        stats.injected['429']++;
        return sendError(res, 429, 'rate_limited', 'too many requests; retry after the delay in Retry-After', {
          'retry-after': '1',
        });
      }
      if (faults.has('500') && roll('500', feed, afterSeq, limit, attempt) < 0.3) {
        stats.injected['500']++;
        const unavailable = roll('500', feed, afterSeq, limit, attempt + 100) < 0.3;
        return unavailable
          ? sendError(res, 503, 'unavailable', 'the platform is busy; retry later', { 'retry-after': '0' })
          : sendError(res, 500, 'internal', 'an internal error occurred; retry later');
      }
    }

    const page = platform.page(feed, afterSeq, limit);
    let cursorSeq = page.seqs.at(-1) ?? afterSeq;
    if (faults.has('dup') && page.seqs.length >= 2 && roll('dup', feed, afterSeq, limit, attempt) < 0.3) {
      // The next page starts again with this page's last record.
      stats.injected.dup++;
      cursorSeq = page.seqs[page.seqs.length - 2]!;
    }
    const pageBody = (): Buffer => {
      const remaining = platform.remainingAfter(feed, cursorSeq);
      return Buffer.from(
        JSON.stringify({
          items: page.items,
          nextCursor: encodeCursor(platform.epoch, feed, cursorSeq),
          hasMore: remaining > 0,
          remaining,
        }),
      );
    };

    if (attempt < 2 && faults.has('drop') && roll('drop', feed, afterSeq, limit, attempt) < 0.25) {
      // Headers and half the body, then the connection goes away.
      stats.injected.drop++;
      const bytes = pageBody();
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(bytes.length) });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
      return;
    }

    // The page is answered as it was read; the update fault then changes one of its records, which
    // re-appears later in the feed with a new version and a new change sequence.
    const remainingBefore = platform.remainingAfter(feed, cursorSeq);
    if (
      faults.has('update') &&
      remainingBefore > 0 &&
      page.seqs.length > 0 &&
      platform.updatesMade(feed) < MAX_UPDATES_PER_FEED &&
      roll('update', feed, afterSeq, limit, attempt) < 0.35
    ) {
      stats.injected.update++;
      const k = Math.floor(roll('update', feed, afterSeq, limit, attempt + 100) * page.seqs.length);
      platform.update(feed, page.seqs[k]!, roll('update', feed, afterSeq, limit, attempt + 200));
    }
    const bytes = pageBody();
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(bytes.length),
      'cache-control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  }

  const server = createServer((req, res) => {
    if (opts.mount?.(req, res)) return;
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'internal', err instanceof Error ? err.message : String(err));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  return { server, stats: () => ({ requests: stats.requests, injected: { ...stats.injected } }) };
}

export async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}
