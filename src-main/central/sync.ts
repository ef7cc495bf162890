// The incremental sync: pull each feed (orders, billings, payments, refunds) page by page from the
// feed's stored cursor. Every page is validated whole before anything is written; then its records
// and the feed's next cursor commit in ONE transaction. So the store only ever holds whole pages with
// the cursor that follows them: a kill at any moment resumes from the last committed page, and since
// upserts keep the highest version, replaying a page (or the same record twice) changes nothing.
import type { z } from 'zod';
import type { Store } from '../store';
import type { WriteTx } from '../store/db';
import {
  storeTotals,
  upsertBillings,
  upsertPayments,
  upsertRefunds,
  upsertVehicleOrders,
  type StoreTotals,
} from '../store/orders';
import {
  clearCursor,
  finishSyncRun,
  getCursor,
  markInterruptedSyncRuns,
  setCursor,
  startSyncRun,
} from '../store/sync-state';
import { JobCancelledError, throwIfCancelled, type JobContext } from '../jobs/runner';
import { CentralClient, CentralError } from './client';
import { FEED_NAMES, FEEDS, type FeedName, type FeedRecordMap } from './records';

export interface SyncOptions {
  url: string;
  token: string;
  /** Records per page (1–5000, default 5000). */
  pageSize?: number;
  fetchImpl?: typeof fetch;
  /** Retries of a failed request (default 5). */
  maxRetries?: number;
  /** First backoff step in ms (default 250). */
  retryBaseMs?: number;
  /** Per-request timeout in ms (default 30 000). */
  timeoutMs?: number;
}

export interface SyncResult extends StoreTotals {
  /** Records received per feed in this run (a record sent twice counts twice). */
  pulled: Record<FeedName, number>;
}

export const DEFAULT_PAGE_SIZE = 5000;
export const MAX_PAGE_SIZE = 5000;

const SCHEMAS: { [F in FeedName]: z.ZodType<FeedRecordMap[F]> } = FEEDS;

const KEY_FIELD: { [F in FeedName]: string } = {
  orders: 'orderNo',
  billings: 'billingNo',
  payments: 'paymentNo',
  refunds: 'refundNo',
};

const UPSERT: { [F in FeedName]: (tx: WriteTx, records: readonly FeedRecordMap[F][]) => Promise<void> } = {
  orders: upsertVehicleOrders,
  billings: upsertBillings,
  payments: upsertPayments,
  refunds: upsertRefunds,
};

/** Validate a whole page; the first bad record refuses the page with feed, cursor, item and field. */
export function validatePage<F extends FeedName>(
  feed: F,
  items: readonly unknown[],
  cursor: string | null,
): FeedRecordMap[F][] {
  const schema = SCHEMAS[feed];
  const out = new Array<FeedRecordMap[F]>(items.length);
  for (let i = 0; i < items.length; i++) {
    const r = schema.safeParse(items[i]);
    if (!r.success) {
      const issue = r.error.issues[0];
      const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(record)';
      const item = items[i];
      const keyValue =
        item && typeof item === 'object' ? (item as Record<string, unknown>)[KEY_FIELD[feed]] : undefined;
      const key = typeof keyValue === 'string' ? ` (${KEY_FIELD[feed]} ${keyValue})` : '';
      throw new CentralError(
        'bad_page',
        `the central platform sent a malformed record: feed ${feed}, page after cursor ${cursor ?? '(start)'}, ` +
          `item ${i}${key}, field ${field}: ${issue?.message ?? 'invalid'}. Nothing of this page was written; ` +
          'the next sync resumes from this page',
        { feed, cursor, index: i, field, where: [{ file: `feed ${feed}`, line: i, field }] },
      );
    }
    out[i] = r.data;
  }
  return out;
}

export async function runSync(
  store: Store,
  opts: SyncOptions,
  job: JobContext,
  onPage?: () => void,
): Promise<SyncResult> {
  throwIfCancelled(job.signal);
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(opts.pageSize ?? DEFAULT_PAGE_SIZE)));
  const client = new CentralClient({
    url: opts.url,
    token: opts.token,
    fetchImpl: opts.fetchImpl,
    maxRetries: opts.maxRetries,
    retryBaseMs: opts.retryBaseMs,
    timeoutMs: opts.timeoutMs,
    signal: job.signal,
  });
  const runId = await store.write(async (tx) => {
    await markInterruptedSyncRuns(tx);
    return startSyncRun(tx);
  });
  const pulled: Record<FeedName, number> = { orders: 0, billings: 0, payments: 0, refunds: 0 };
  const total = () => FEED_NAMES.reduce((n, f) => n + pulled[f], 0);
  try {
    job.progress('connecting', 0, 0);
    await client.ping();
    for (const feed of FEED_NAMES) await syncFeed(store, client, feed, pageSize, job, pulled, onPage);
    await store.write((tx) => finishSyncRun(tx, runId, 'ok', total(), null));
    return { ...(await storeTotals(store.read)), pulled };
  } catch (err) {
    const cancelled = err instanceof JobCancelledError || job.signal.aborted;
    const message = cancelled ? 'cancelled by the user' : err instanceof Error ? err.message : String(err);
    await store
      .write((tx) => finishSyncRun(tx, runId, cancelled ? 'cancelled' : 'failed', total(), message))
      .catch(() => undefined);
    throw cancelled && !(err instanceof JobCancelledError) ? new JobCancelledError() : err;
  }
}

async function syncFeed<F extends FeedName>(
  store: Store,
  client: CentralClient,
  feed: F,
  pageSize: number,
  job: JobContext,
  pulled: Record<FeedName, number>,
  onPage: (() => void) | undefined,
): Promise<void> {
  let cursor = await getCursor(store.read, feed);
  let restarted = false;
  let idlePages = 0;
  let done = 0;
  job.progress(feed, 0, 0);
  // Pipelined: while page N is written (SQLite works on its own thread), page N+1 is already being
  // fetched. Only the write commits a cursor, so a prefetched page that is never written is simply
  // fetched again by the next run.
  const fetchPage = (after: string | null) => {
    const p = client.feedPage(feed, after, pageSize);
    p.catch(() => undefined); // awaited below, or abandoned when this feed stops on an error
    return p;
  };
  let pending = fetchPage(cursor);
  for (;;) {
    throwIfCancelled(job.signal);
    let page;
    try {
      page = await pending;
    } catch (e) {
      // The platform no longer knows our cursor: start the feed again. Upserts keep the highest
      // version, so re-reading what we have changes nothing and nothing newer is missed.
      if (e instanceof CentralError && e.reason === 'cursor_expired' && cursor !== null && !restarted) {
        restarted = true;
        cursor = null;
        await store.write((tx) => clearCursor(tx, feed));
        pending = fetchPage(null);
        continue;
      }
      throw e;
    }
    const records = validatePage(feed, page.items, cursor);
    const next = page.nextCursor;
    if (page.hasMore) pending = fetchPage(next);
    throwIfCancelled(job.signal);
    if (records.length > 0 || next !== cursor) {
      await store.write(async (tx) => {
        if (records.length > 0) await UPSERT[feed](tx, records);
        await setCursor(tx, feed, next);
      });
    }
    pulled[feed] += records.length;
    done += records.length;
    job.progress(feed, done, done + (page.remaining ?? (page.hasMore ? 1 : 0)));
    if (records.length > 0) onPage?.();
    if (!page.hasMore) return;
    idlePages = records.length === 0 && next === cursor ? idlePages + 1 : 0;
    if (idlePages >= 3) {
      throw new CentralError(
        'bad_page',
        `the ${feed} feed keeps saying there is more but sends nothing after cursor ${cursor ?? '(start)'}; try again later`,
        { feed, cursor },
      );
    }
    cursor = next;
  }
}
