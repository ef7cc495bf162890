// Long work (sync, import, reconcile, export) runs as a job: it reports progress (phase, done/total),
// can be cancelled through its AbortSignal, and ends done, failed or cancelled. Jobs write through
// Store.write transactions, so cancelling between transactions never leaves half a write behind.
import { randomUUID } from 'node:crypto';

export type JobStatus = 'running' | 'done' | 'failed' | 'cancelled';

export interface JobState {
  id: string;
  kind: string;
  status: JobStatus;
  phase: string;
  done: number;
  total: number;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  result: unknown;
}

export interface JobContext {
  signal: AbortSignal;
  progress(phase: string, done: number, total: number): void;
}

export class JobCancelledError extends Error {
  constructor() {
    super('cancelled by the user');
  }
}

/** Throws JobCancelledError when the job was cancelled; call it between units of work. */
export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new JobCancelledError();
}

const PROGRESS_EVERY_MS = 100;

export class JobRunner {
  private readonly jobs = new Map<
    string,
    { state: JobState; controller: AbortController; promise: Promise<unknown> }
  >();

  constructor(private readonly emit: (state: JobState) => void = () => undefined) {}

  start<T>(kind: string, work: (ctx: JobContext) => Promise<T>): JobState {
    const controller = new AbortController();
    const state: JobState = {
      id: randomUUID(),
      kind,
      status: 'running',
      phase: 'starting',
      done: 0,
      total: 0,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      error: null,
      result: null,
    };
    let lastEmit = 0;
    const ctx: JobContext = {
      signal: controller.signal,
      progress: (phase, done, total) => {
        const phaseChanged = phase !== state.phase;
        Object.assign(state, { phase, done, total });
        const now = Date.now();
        if (phaseChanged || now - lastEmit >= PROGRESS_EVERY_MS || done === total) {
          lastEmit = now;
          this.emit({ ...state });
        }
      },
    };
    const promise = Promise.resolve()
      .then(() => work(ctx))
      .then(
        (result) => {
          Object.assign(state, { status: 'done', result, phase: 'done' });
          return result;
        },
        (err: unknown) => {
          const cancelled = controller.signal.aborted;
          Object.assign(state, {
            status: cancelled ? 'cancelled' : 'failed',
            error: cancelled ? 'cancelled by the user' : err instanceof Error ? err.message : String(err),
          });
          throw err;
        },
      )
      .finally(() => {
        state.finishedAt = new Date().toISOString();
        this.emit({ ...state });
      });
    promise.catch(() => undefined); // the outcome is in the state; wait() rethrows for callers who ask
    this.jobs.set(state.id, { state, controller, promise });
    this.emit({ ...state });
    return { ...state };
  }

  cancel(id: string): boolean {
    const job = this.jobs.get(id);
    if (!job || job.state.status !== 'running') return false;
    job.controller.abort();
    return true;
  }

  get(id: string): JobState | null {
    const job = this.jobs.get(id);
    return job ? { ...job.state } : null;
  }

  list(): JobState[] {
    return [...this.jobs.values()].map((j) => ({ ...j.state }));
  }

  /** Resolves with the job's result; rejects with its error (or JobCancelledError). */
  async wait<T>(id: string): Promise<T> {
    const job = this.jobs.get(id);
    if (!job) throw new Error(`no job ${id}`);
    return (await job.promise) as T;
  }

  /** Cancel everything still running and wait for it to settle (app shutdown). */
  async shutdown(): Promise<void> {
    for (const j of this.jobs.values()) if (j.state.status === 'running') j.controller.abort();
    await Promise.allSettled([...this.jobs.values()].map((j) => j.promise));
  }
}
