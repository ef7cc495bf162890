// HTTP client of the central platform API (docs/central-api.md): bearer auth, JSON, retries with
// exponential backoff and jitter on network errors, timeouts, 429 and 5xx (Retry-After honoured),
// no retry on 401/403/404, and errors a person can act on.
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { AppError, type ErrorCode } from '../api/errors';
import { JobCancelledError } from '../jobs/runner';
import { FeedPage, type FeedName } from './records';

export type CentralErrorReason =
  | 'unauthorized' // 401/403: the token
  | 'not_central' // 404, not JSON, not our API
  | 'unreachable' // connection refused, DNS, timeouts, dropped connections after every retry
  | 'server_error' // 5xx / 429 after every retry
  | 'bad_request' // 400: a client bug or a cursor from another feed
  | 'cursor_expired' // 410: restart the feed
  | 'bad_page'; // a page or record that does not match the contract

const CODE_OF: Record<CentralErrorReason, ErrorCode> = {
  unauthorized: 'forbidden',
  not_central: 'invalid_input',
  unreachable: 'unavailable',
  server_error: 'unavailable',
  bad_request: 'internal',
  cursor_expired: 'conflict',
  bad_page: 'rejected_file',
};

export class CentralError extends AppError {
  constructor(
    readonly reason: CentralErrorReason,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(CODE_OF[reason], message, { reason, ...details });
  }
}

export interface CentralClientOptions {
  url: string;
  token: string;
  fetchImpl?: typeof fetch;
  /** Retries after the first attempt (default 5). */
  maxRetries?: number;
  /** First backoff step in ms (default 250; doubles per retry, capped at 10 s, with jitter). */
  retryBaseMs?: number;
  /** Per-request timeout in ms (default 30 s). */
  timeoutMs?: number;
  /** Cancels requests and backoff sleeps (JobCancelledError). */
  signal?: AbortSignal;
}

export const PingResponse = z.object({
  service: z.literal('otd-central'),
  apiVersion: z.literal(1),
  company: z.string().optional(),
  serverTime: z.string().optional(),
});
export type PingResponse = z.infer<typeof PingResponse>;

export interface FeedPageResult {
  items: unknown[];
  nextCursor: string;
  hasMore: boolean;
  /** Records after nextCursor when the page was answered (null if the server did not say). */
  remaining: number | null;
}

const MAX_RETRY_AFTER_MS = 60_000;
const MAX_BACKOFF_MS = 10_000;

/** Retryable failure of one attempt. */
class TransientError extends Error {
  constructor(
    message: string,
    readonly kind: 'network' | 'timeout' | 'status',
    readonly retryAfterMs: number | null = null,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

/** The API root: trailing slashes and a trailing /api/v1 are accepted and removed. */
export function normaliseBaseUrl(url: string): string {
  const trimmed = url.trim();
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    throw new CentralError('not_central', `"${trimmed}" is not a URL (expected e.g. https://central.example.com)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new CentralError('not_central', `"${trimmed}" is not an http(s) URL`);
  }
  return trimmed.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
}

function networkCode(err: unknown): string {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (e && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    const rec = e as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof rec.code === 'string' && !rec.code.startsWith('UND_ERR_')) return rec.code;
    if (Array.isArray(rec.errors) && rec.errors.length > 0) {
      const inner = networkCode(rec.errors[0]);
      if (inner) return inner;
    }
    if (typeof rec.code === 'string') return rec.code;
    e = rec.cause;
  }
  return err instanceof Error ? err.message : String(err);
}

function retryAfterMs(header: string | null): number | null {
  if (header === null) return null;
  const t = header.trim();
  if (/^\d+$/.test(t)) return Math.min(Number(t) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(t);
  return Number.isNaN(at) ? null : Math.min(Math.max(0, at - Date.now()), MAX_RETRY_AFTER_MS);
}

function errorMessageOf(body: unknown): string | null {
  if (body && typeof body === 'object' && 'error' in body) {
    const e = (body as { error: unknown }).error;
    if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') {
      return (e as { message: string }).message;
    }
  }
  return null;
}

function errorCodeOf(body: unknown): string | null {
  if (body && typeof body === 'object' && 'error' in body) {
    const e = (body as { error: unknown }).error;
    if (e && typeof e === 'object' && typeof (e as { code?: unknown }).code === 'string')
      return (e as { code: string }).code;
  }
  return null;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export class CentralClient {
  readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  private readonly timeoutMs: number;
  private readonly signal: AbortSignal | undefined;
  private readonly auth: string;

  constructor(opts: CentralClientOptions) {
    this.baseUrl = normaliseBaseUrl(opts.url);
    this.fetchImpl = opts.fetchImpl ?? fetch;
    this.maxRetries = Math.max(0, opts.maxRetries ?? 5);
    this.retryBaseMs = Math.max(0, opts.retryBaseMs ?? 250);
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.signal = opts.signal;
    this.auth = `Bearer ${opts.token}`;
  }

  /** Checks the URL and the token: a central platform answers its ping. */
  async ping(): Promise<PingResponse> {
    const body = await this.get('/api/v1/ping');
    const parsed = PingResponse.safeParse(body);
    if (!parsed.success) {
      throw new CentralError(
        'not_central',
        `the URL does not point to a central platform API (${this.baseUrl}/api/v1/ping answered JSON that is not a central platform ping)`,
      );
    }
    return parsed.data;
  }

  /** One page of a feed after `cursor` (null = from the beginning). Items are not validated here. */
  async feedPage(feed: FeedName, cursor: string | null, limit: number): Promise<FeedPageResult> {
    const q = new URLSearchParams({ limit: String(limit) });
    if (cursor !== null) q.set('cursor', cursor);
    const body = await this.get(`/api/v1/feeds/${feed}?${q.toString()}`);
    const parsed = FeedPage.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CentralError(
        'bad_page',
        `the ${feed} feed answered a page that does not match the API (after cursor ${cursor ?? '(start)'}: ` +
          `${issue ? `${issue.path.join('.') || 'page'}: ${issue.message}` : 'invalid'}); nothing of it was written`,
        { feed, cursor },
      );
    }
    return {
      items: parsed.data.items,
      nextCursor: parsed.data.nextCursor,
      hasMore: parsed.data.hasMore,
      remaining: parsed.data.remaining ?? null,
    };
  }

  private throwIfCancelled(): void {
    if (this.signal?.aborted) throw new JobCancelledError();
  }

  /** GET with retries; returns the parsed JSON body of a 2xx answer. */
  private async get(pathAndQuery: string): Promise<unknown> {
    const url = `${this.baseUrl}${pathAndQuery}`;
    const label = `GET ${url.replace(/\?.*$/, '')}`;
    for (let attempt = 0; ; attempt++) {
      this.throwIfCancelled();
      try {
        return await this.once(url, label);
      } catch (err) {
        if (!(err instanceof TransientError)) throw err;
        if (attempt >= this.maxRetries) throw this.finalError(err, label, attempt + 1);
        const backoff = Math.min(MAX_BACKOFF_MS, this.retryBaseMs * 2 ** attempt);
        const jittered = backoff / 2 + Math.random() * (backoff / 2);
        const wait = err.retryAfterMs !== null ? Math.max(err.retryAfterMs, jittered) : jittered;
        try {
          await sleep(wait, undefined, { signal: this.signal });
        } catch {
          throw new JobCancelledError();
        }
      }
    }
  }

  private finalError(err: TransientError, label: string, attempts: number): CentralError {
    const tries = attempts === 1 ? '' : ` (${attempts} attempts)`;
    if (err.kind === 'status') {
      return new CentralError('server_error', `the central platform failed: ${label} answered ${err.message}${tries}`, {
        status: err.status,
      });
    }
    if (err.kind === 'timeout') {
      return new CentralError(
        'unreachable',
        `cannot reach ${this.baseUrl}: no answer within ${this.timeoutMs} ms${tries}`,
      );
    }
    return new CentralError('unreachable', `cannot reach ${this.baseUrl}: ${err.message}${tries}`);
  }

  private async once(url: string, label: string): Promise<unknown> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = this.signal ? AbortSignal.any([this.signal, timeout]) : timeout;
    const aborted = (e: unknown): never => {
      if (this.signal?.aborted) throw new JobCancelledError();
      if (timeout.aborted) throw new TransientError('timeout', 'timeout');
      throw new TransientError(networkCode(e), 'network');
    };
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method: 'GET',
        headers: { authorization: this.auth, accept: 'application/json' },
        signal,
      });
    } catch (e) {
      return aborted(e);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      // The connection went away mid-body: retry.
      return aborted(e);
    }
    const json = parseJson(text);
    const serverSays = json.ok ? errorMessageOf(json.value) : null;

    if (res.status === 401 || res.status === 403) {
      throw new CentralError(
        'unauthorized',
        `the central platform rejected the token (${label} answered ${res.status}${serverSays ? `: ${serverSays}` : ''}); ` +
          'check the token in Settings',
        { status: res.status },
      );
    }
    if (res.status === 404) {
      throw new CentralError(
        'not_central',
        `the URL does not point to a central platform API (${label} answered 404)`,
        {
          status: 404,
        },
      );
    }
    if (res.status === 429 || res.status >= 500) {
      throw new TransientError(
        `${res.status}${serverSays ? ` (${serverSays})` : ''}`,
        'status',
        retryAfterMs(res.headers.get('retry-after')),
        res.status,
      );
    }
    if (res.status === 410 && json.ok && errorCodeOf(json.value) === 'cursor_expired') {
      throw new CentralError('cursor_expired', serverSays ?? 'the cursor expired', { status: 410 });
    }
    if (!json.ok) {
      const type = res.headers.get('content-type') ?? 'no content type';
      throw new CentralError(
        'not_central',
        `the URL does not point to a central platform API (${label} answered ${res.status} with ${type}, not JSON)`,
        { status: res.status },
      );
    }
    if (res.status < 200 || res.status >= 300) {
      throw new CentralError(
        res.status === 400 ? 'bad_request' : 'not_central',
        `the central platform refused the request: ${label} answered ${res.status}${serverSays ? `: ${serverSays}` : ''}`,
        { status: res.status },
      );
    }
    return json.value;
  }
}
