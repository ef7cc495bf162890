// The daily download: UnionPay's statement of T-1 is ready at 14:30 Beijing time on T. While the
// app runs, the scheduler downloads every business day of the last N days (default 7) that has no
// active statement of the channel: once at start-up (catching up days the app was closed) and at
// 14:30 each day. A failure never stops it: a transient one (network, 5xx, not generated yet) is
// tried again at the next retry tick, any other at the next 14:30.
//
// All wall-clock reasoning is Asia/Shanghai (UTC+8, no DST), computed from the injected clock's
// epoch milliseconds, never from the machine's time zone. Sleeps are capped (maxSleepMs) and the
// due time re-checked on every wake, so a laptop that slept through 14:30 catches up on waking.
import { addDays } from '../domain/dates';

const HOUR = 3_600_000;
const MIN = 60_000;
const SHANGHAI_OFFSET = 8 * HOUR;
export const SCHEDULER_TIME_ZONE = 'Asia/Shanghai';

export interface SchedulerClock {
  now(): number;
  /** Call fn after ms; returns the cancel function. */
  setTimer(fn: () => void, ms: number): () => void;
}

/** The real clock; its timers do not keep the process alive. */
export const systemClock: SchedulerClock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};

/** A clock whose "now" is another's shifted by a fixed offset (the demo company's dataset time). */
export function shiftedClock(offsetMs: number, base: SchedulerClock = systemClock): SchedulerClock {
  return { now: () => base.now() + offsetMs, setTimer: (fn, ms) => base.setTimer(fn, ms) };
}

/** Business date (YYYY-MM-DD, Asia/Shanghai) of an instant. */
export function shanghaiDate(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET).toISOString().slice(0, 10);
}

/** Epoch ms of a Beijing wall time "HH:mm" on a business date. */
export function shanghaiTimeMs(date: string, hhmm: string): number {
  return Date.parse(`${date}T${hhmm}:00+08:00`);
}

/** "2026-10-02T14:30:00+08:00" */
export function shanghaiIso(ms: number): string {
  return `${new Date(ms + SHANGHAI_OFFSET).toISOString().slice(0, 19)}+08:00`;
}

/** The next daily run strictly after `nowMs`. */
export function nextDailyRun(nowMs: number, dailyAt: string): number {
  const today = shanghaiDate(nowMs);
  const at = shanghaiTimeMs(today, dailyAt);
  return at > nowMs ? at : shanghaiTimeMs(addDays(today, 1), dailyAt);
}

/**
 * The business days due at `nowMs`: from today − lookbackDays up to yesterday once today's run
 * time has passed (before it, up to the day before yesterday, whose file came out yesterday).
 */
export function dueWindow(
  nowMs: number,
  lookbackDays: number,
  dailyAt: string,
): { from: string; to: string; days: string[] } {
  const today = shanghaiDate(nowMs);
  const to = addDays(today, nowMs >= shanghaiTimeMs(today, dailyAt) ? -1 : -2);
  const from = addDays(today, -lookbackDays);
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  return { from, to, days };
}

export type RunReason = 'startup' | 'daily' | 'retry';

export interface DayResult {
  date: string;
  ok: boolean;
  /** Worth trying again at the next retry tick (network, 5xx, not generated yet). */
  retryable: boolean;
  outcome: string;
  message: string;
}

export interface SchedulerDeps {
  channel: string;
  /** Whether the channel is configured and its automatic download is on. */
  isEnabled(): Promise<boolean>;
  /** Business days in [from, to] that already have an active statement of the channel. */
  presentDays(from: string, to: string): Promise<Set<string>>;
  /** Download and import one day; a failure is a result, not a throw (a throw counts as a retryable failure). */
  download(date: string): Promise<DayResult>;
}

export interface SchedulerOptions {
  clock?: SchedulerClock;
  /** Beijing wall time of the daily run (default 14:30). */
  dailyAt?: string;
  lookbackDays?: number;
  /** Minutes between a run with transient failures and the retry (default 30). */
  retryMinutes?: number;
  /** Longest single sleep (default 5 min). */
  maxSleepMs?: number;
}

export interface SchedulerRun {
  reason: RunReason;
  startedAt: string;
  finishedAt: string | null;
  window: { from: string; to: string };
  /** Days without an active statement when the run began. */
  missing: string[];
  results: DayResult[];
  /** Why nothing was tried (not configured, automatic download off). */
  skipped: string | null;
}

export interface SchedulerState {
  channel: string;
  timeZone: typeof SCHEDULER_TIME_ZONE;
  dailyAt: string;
  lookbackDays: number;
  running: boolean;
  busy: boolean;
  /** Beijing time of the next run, +08:00. */
  nextRunAt: string | null;
  nextRunReason: RunReason | null;
  /** Days waiting for the retry tick. */
  retrying: string[];
  lastRun: SchedulerRun | null;
}

export class DownloadScheduler {
  private readonly clock: SchedulerClock;
  private readonly dailyAt: string;
  private readonly lookbackDays: number;
  private readonly retryMs: number;
  private readonly maxSleepMs: number;
  private running = false;
  private current: Promise<void> | null = null;
  private cancelTimer: (() => void) | null = null;
  private next: { at: number; reason: RunReason; daily: number } | null = null;
  private readonly retrying = new Set<string>();
  private lastRun: SchedulerRun | null = null;

  constructor(
    private readonly deps: SchedulerDeps,
    opts: SchedulerOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.dailyAt = opts.dailyAt ?? '14:30';
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(this.dailyAt))
      throw new RangeError(`dailyAt must be HH:mm, got "${this.dailyAt}"`);
    this.lookbackDays = opts.lookbackDays ?? 7;
    if (!Number.isInteger(this.lookbackDays) || this.lookbackDays < 1)
      throw new RangeError('lookbackDays must be a positive integer');
    this.retryMs = (opts.retryMinutes ?? 30) * MIN;
    this.maxSleepMs = opts.maxSleepMs ?? 5 * MIN;
  }

  /** Start: catch up at once, then wake for every daily run. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.launch('startup');
  }

  /** Stop waking; waits for a run in progress to finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.next = null;
    await this.current;
  }

  /** Resolves when no run is in progress (tests, shutdown). */
  async whenIdle(): Promise<void> {
    while (this.current) await this.current;
  }

  state(): SchedulerState {
    return {
      channel: this.deps.channel,
      timeZone: SCHEDULER_TIME_ZONE,
      dailyAt: this.dailyAt,
      lookbackDays: this.lookbackDays,
      running: this.running,
      busy: this.current !== null,
      nextRunAt: this.next ? shanghaiIso(this.next.at) : null,
      nextRunReason: this.next?.reason ?? null,
      retrying: [...this.retrying].sort(),
      lastRun: this.lastRun ? { ...this.lastRun, results: [...this.lastRun.results] } : null,
    };
  }

  private launch(reason: RunReason): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.next = null;
    const run = this.runOnce(reason).finally(() => {
      this.current = null;
      if (this.running) this.arm();
    });
    this.current = run;
  }

  private async runOnce(reason: RunReason): Promise<void> {
    const now = this.clock.now();
    const window = dueWindow(now, this.lookbackDays, this.dailyAt);
    const run: SchedulerRun = {
      reason,
      startedAt: shanghaiIso(now),
      finishedAt: null,
      window: { from: window.from, to: window.to },
      missing: [],
      results: [],
      skipped: null,
    };
    this.lastRun = run;
    try {
      if (!(await this.deps.isEnabled())) {
        run.skipped = `the ${this.deps.channel} download is not configured or its automatic download is off`;
        return;
      }
      const present = await this.deps.presentDays(window.from, window.to);
      run.missing = window.days.filter((d) => !present.has(d));
      // Days that left the window are no longer tried.
      for (const d of this.retrying) if (d < window.from) this.retrying.delete(d);
      const todo = reason === 'retry' ? run.missing.filter((d) => this.retrying.has(d)) : run.missing;
      for (const date of todo) {
        if (!this.running) break;
        let result: DayResult;
        try {
          result = await this.deps.download(date);
        } catch (e) {
          result = {
            date,
            ok: false,
            retryable: true,
            outcome: 'failed',
            message: e instanceof Error ? e.message : String(e),
          };
        }
        run.results.push(result);
        if (!result.ok && result.retryable) this.retrying.add(date);
        else this.retrying.delete(date);
      }
      for (const d of this.retrying) if (!run.missing.includes(d)) this.retrying.delete(d);
    } catch (e) {
      run.skipped = `the run failed before downloading: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      run.finishedAt = shanghaiIso(this.clock.now());
    }
  }

  private arm(): void {
    const now = this.clock.now();
    const daily = nextDailyRun(now, this.dailyAt);
    this.next =
      this.retrying.size > 0 && now + this.retryMs < daily
        ? { at: now + this.retryMs, reason: 'retry', daily }
        : { at: daily, reason: 'daily', daily };
    this.sleep();
  }

  private sleep(): void {
    const due = this.next;
    if (!due || !this.running) return;
    const wait = Math.max(0, Math.min(due.at - this.clock.now(), this.maxSleepMs));
    this.cancelTimer = this.clock.setTimer(() => {
      this.cancelTimer = null;
      if (!this.running) return;
      const now = this.clock.now();
      // A machine that slept through both a retry tick and the daily time wakes into the daily run.
      if (now >= due.daily) this.launch('daily');
      else if (now >= due.at) this.launch(due.reason);
      else this.sleep();
    }, wait);
  }
}
