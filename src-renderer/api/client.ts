// The renderer's only door to the main side: typed calls of the contract's operations, the event
// stream, and saving a finished export. Under Electron it goes through window.otd (the preload's
// bridge); in web mode over HTTP to the local server, with the per-run token taken once from the
// address (#token=…), kept in sessionStorage and removed from the address bar.
import type { AppEvent, ErrorCode, JobState, OpInput, OpName, OpResult, OtdBridge, WireError } from '../../src-main/api/contract';

declare global {
  interface Window {
    otd?: OtdBridge;
  }
}

/** An operation that failed: the server's code and message, kept together for display. */
export class ApiError extends Error {
  readonly code: ErrorCode | 'network';
  readonly op: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(op: string, error: WireError | { code: 'network'; message: string; details?: Record<string, unknown> }) {
    super(error.message);
    this.name = 'ApiError';
    this.code = error.code;
    this.op = op;
    this.details = error.details;
  }
}

/** Any thrown value as an ApiError (so every error shown to a person has a code and a message). */
export function toApiError(err: unknown, op = ''): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(op, { code: 'internal', message: err instanceof Error ? err.message : String(err) });
}

type Reply = { ok: true; result: unknown } | { ok: false; error: WireError };

const TOKEN_KEY = 'otd.token';
let webToken: string | null | undefined;

/**
 * Web mode: the token arrives in the fragment (#token=…, never sent to a server). Read it once,
 * keep it for this tab in sessionStorage and take it out of the address bar and history.
 */
export function takeTokenFromAddress(): void {
  if (window.otd || webToken !== undefined) return;
  const hash = window.location.hash.replace(/^#/, '');
  const parts = hash.split('&');
  const tokenPart = parts.find((p) => p.startsWith('token='));
  if (tokenPart !== undefined) {
    const value = decodeURIComponent(tokenPart.slice('token='.length));
    try {
      window.sessionStorage.setItem(TOKEN_KEY, value);
    } catch {
      // storage disabled: the token lives in memory for this page only
    }
    webToken = value;
    const rest = parts.filter((p) => p !== tokenPart).join('&');
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${rest ? `#${rest}` : ''}`);
    return;
  }
  try {
    webToken = window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    webToken = null;
  }
}

function token(): string {
  if (webToken === undefined) takeTokenFromAddress();
  return webToken ?? '';
}

async function webCall(name: string, input: unknown): Promise<Reply> {
  let res: Response;
  try {
    res = await fetch(`/api/op/${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-otd-token': token() },
      body: JSON.stringify(input ?? {}),
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(name, {
      code: 'network',
      message: `the workstation service cannot be reached (${e instanceof Error ? e.message : String(e)})`,
    });
  }
  const text = await res.text();
  try {
    const body = JSON.parse(text) as Reply;
    if (typeof body === 'object' && body !== null && 'ok' in body) return body;
  } catch {
    // fall through: not our JSON
  }
  throw new ApiError(name, { code: 'network', message: `unexpected answer from the service (HTTP ${res.status})` });
}

/** Call one operation of the contract; resolves with its result or rejects with an ApiError. */
export async function call<N extends OpName>(name: N, input: OpInput<N>): Promise<OpResult<N>> {
  let reply: Reply;
  try {
    reply = window.otd ? await window.otd.call(name, input) : await webCall(name, input);
  } catch (e) {
    throw toApiError(e, name);
  }
  if (!reply.ok) throw new ApiError(name, reply.error);
  return reply.result as OpResult<N>;
}

// ---- events ---------------------------------------------------------------------------------

type Listener = (event: AppEvent) => void;
const listeners = new Set<Listener>();
let sourceStarted = false;

function ensureSource(): void {
  if (sourceStarted) return;
  sourceStarted = true;
  const deliver = (event: AppEvent) => listeners.forEach((l) => l(event));
  if (window.otd) {
    window.otd.onEvent(deliver);
    return;
  }
  const source = new EventSource(`/api/events?token=${encodeURIComponent(token())}`);
  source.onmessage = (m: MessageEvent<string>) => {
    try {
      deliver(JSON.parse(m.data) as AppEvent);
    } catch {
      // a malformed event is ignored; the next one carries the current state again
    }
  };
  // EventSource reconnects by itself after a dropped connection; jobs also poll (followJob).
  window.addEventListener('pagehide', () => source.close());
}

/** Listen to events from the main side; returns the unsubscribe. One stream serves the page. */
export function onEvent(listener: Listener): () => void {
  listeners.add(listener);
  ensureSource();
  return () => {
    listeners.delete(listener);
  };
}

/**
 * Follow a job until it ends: progress from the event stream, and a slow poll in case an event
 * was missed (a reconnecting stream). Resolves with the final state, whatever the outcome.
 */
export function followJob(job: JobState, onUpdate: (job: JobState) => void, pollMs = 1500): Promise<JobState> {
  if (job.status !== 'running') return Promise.resolve(job);
  return new Promise((resolve, reject) => {
    let finished = false;
    const finish = (state: JobState) => {
      if (finished) return;
      onUpdate(state);
      if (state.status === 'running') return;
      finished = true;
      unsubscribe();
      window.clearInterval(timer);
      resolve(state);
    };
    const unsubscribe = onEvent((e) => {
      if (e.type === 'job' && e.job.id === job.id) finish(e.job);
    });
    const timer = window.setInterval(() => {
      const fail = (err: ApiError) => {
        if (finished) return;
        finished = true;
        unsubscribe();
        window.clearInterval(timer);
        reject(err);
      };
      call('jobs.get', { jobId: job.id }).then(
        (state) => {
          if (state) finish(state);
          else fail(new ApiError('jobs.get', { code: 'not_found', message: `the service no longer knows job ${job.id} (was it restarted?)` }));
        },
        (err: unknown) => fail(toApiError(err, 'jobs.get')),
      );
    }, pollMs);
  });
}

// ---- files ----------------------------------------------------------------------------------

/** Save a finished export: a save dialog under Electron, a browser download in web mode. */
export async function saveJobFile(jobId: string): Promise<{ saved: boolean; path?: string }> {
  if (window.otd) return window.otd.saveJobFile(jobId);
  const a = document.createElement('a');
  a.href = `/api/download/${encodeURIComponent(jobId)}?token=${encodeURIComponent(token())}`;
  a.download = '';
  a.hidden = true;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  return { saved: true };
}
