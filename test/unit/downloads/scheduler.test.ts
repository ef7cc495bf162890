// The 14:30 UnionPay scheduler with an injected clock. The machine's zone is set to Los Angeles for
// the whole file: every wall-clock decision must still be Beijing time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DownloadScheduler,
  dueWindow,
  nextDailyRun,
  shanghaiDate,
  type DayResult,
  type SchedulerClock,
} from '../../../src-main/statements/scheduler';

const savedTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'America/Los_Angeles';
});
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

const bj = (wall: string) => Date.parse(`${wall}+08:00`); // "2026-10-08T14:30:00" Beijing → epoch ms

class FakeClock implements SchedulerClock {
  private timers: { at: number; fn: () => void; live: boolean }[] = [];
  constructor(public t: number) {}
  now = () => this.t;
  setTimer = (fn: () => void, ms: number) => {
    const timer = { at: this.t + ms, fn, live: true };
    this.timers.push(timer);
    return () => {
      timer.live = false;
    };
  };
  pending(): number {
    return this.timers.filter((t) => t.live).length;
  }
  /** Let time pass up to `target`, firing every timer when it is due and letting each run finish. */
  async advanceTo(target: number, settle: () => Promise<void>): Promise<void> {
    for (;;) {
      await settle();
      const due = this.timers.filter((t) => t.live && t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      due.live = false;
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = target;
    await settle();
  }
  /** A machine waking from sleep: the clock has jumped, the pending timer fires late, once. */
  async wakeAt(target: number, settle: () => Promise<void>): Promise<void> {
    this.t = target;
    const next = this.timers.filter((t) => t.live).sort((a, b) => a.at - b.at)[0];
    if (next) {
      next.live = false;
      next.fn();
    }
    await settle();
  }
}

/** A channel whose days become present when downloaded; `answers` scripts failures per date. */
function fakeChannel(present: string[] = []) {
  const have = new Set(present);
  const calls: string[] = [];
  const answers = new Map<string, Array<Omit<DayResult, 'date'> | 'throw'>>();
  let enabled = true;
  return {
    calls,
    answers,
    setEnabled: (v: boolean) => {
      enabled = v;
    },
    deps: {
      channel: 'unionpay',
      isEnabled: async () => enabled,
      presentDays: async (from: string, to: string) => new Set([...have].filter((d) => d >= from && d <= to)),
      download: async (date: string): Promise<DayResult> => {
        calls.push(date);
        const scripted = answers.get(date)?.shift();
        if (scripted === 'throw') throw new Error('disk full');
        if (scripted) return { date, ...scripted };
        have.add(date);
        return { date, ok: true, retryable: false, outcome: 'imported', message: 'ok' };
      },
    },
  };
}

describe('Beijing wall time from any machine zone', () => {
  it('computes the day, the due window and the next 14:30 in Asia/Shanghai', () => {
    // The zone really is not Beijing here: local hours differ from Beijing hours.
    expect(new Date(bj('2026-10-08T14:30:00')).getHours()).toBe(23);
    expect(new Date(bj('2026-10-08T14:30:00')).getTimezoneOffset()).toBe(420);

    // 00:30 in Beijing is still the previous evening in Los Angeles.
    expect(shanghaiDate(bj('2026-10-08T00:30:00'))).toBe('2026-10-08');
    expect(dueWindow(bj('2026-10-08T00:30:00'), 7, '14:30')).toMatchObject({ from: '2026-10-01', to: '2026-10-06' });
    expect(dueWindow(bj('2026-10-08T14:29:59'), 7, '14:30').to).toBe('2026-10-06');
    expect(dueWindow(bj('2026-10-08T14:30:00'), 7, '14:30').to).toBe('2026-10-07');
    expect(dueWindow(bj('2026-10-08T14:30:00'), 7, '14:30').days).toHaveLength(7);
    expect(nextDailyRun(bj('2026-10-08T14:29:59'), '14:30')).toBe(bj('2026-10-08T14:30:00'));
    expect(nextDailyRun(bj('2026-10-08T14:30:00'), '14:30')).toBe(bj('2026-10-09T14:30:00'));
    expect(nextDailyRun(bj('2026-12-31T20:00:00'), '14:30')).toBe(bj('2027-01-01T14:30:00'));
  });
});

describe('DownloadScheduler', () => {
  it('catches up missing days at start-up, then downloads yesterday at 14:30', async () => {
    const clock = new FakeClock(bj('2026-10-08T09:00:00'));
    const ch = fakeChannel(['2026-10-03']);
    const s = new DownloadScheduler(ch.deps, { clock });
    const settle = () => s.whenIdle();
    s.start();
    await settle();
    // Before 14:30 the newest file due is the one of the day before yesterday.
    expect(ch.calls).toEqual(['2026-10-01', '2026-10-02', '2026-10-04', '2026-10-05', '2026-10-06']);
    expect(s.state()).toMatchObject({
      running: true,
      nextRunAt: '2026-10-08T14:30:00+08:00',
      nextRunReason: 'daily',
      timeZone: 'Asia/Shanghai',
    });
    expect(s.state().lastRun).toMatchObject({ reason: 'startup', window: { from: '2026-10-01', to: '2026-10-06' } });

    await clock.advanceTo(bj('2026-10-08T14:29:59'), settle);
    expect(ch.calls).toHaveLength(5);
    await clock.advanceTo(bj('2026-10-08T14:30:00'), settle);
    expect(ch.calls.slice(5)).toEqual(['2026-10-07']);
    expect(s.state()).toMatchObject({
      nextRunAt: '2026-10-09T14:30:00+08:00',
      lastRun: { reason: 'daily', missing: ['2026-10-07'] },
    });

    await clock.advanceTo(bj('2026-10-09T14:30:00'), settle);
    expect(ch.calls.slice(6)).toEqual(['2026-10-08']);
    await s.stop();
    expect(clock.pending()).toBe(0);
    expect(s.state().running).toBe(false);
  });

  it('retries a transient failure at the next tick; a failure or a throw never stops it', async () => {
    const clock = new FakeClock(bj('2026-10-08T15:00:00'));
    const ch = fakeChannel(['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05']);
    ch.answers.set('2026-10-06', [{ ok: false, retryable: false, outcome: 'failed', message: 'bad signature' }]);
    ch.answers.set('2026-10-07', [{ ok: false, retryable: true, outcome: 'failed', message: 'network' }, 'throw']);
    const s = new DownloadScheduler(ch.deps, { clock, retryMinutes: 30 });
    const settle = () => s.whenIdle();
    s.start();
    await settle();
    expect(ch.calls).toEqual(['2026-10-06', '2026-10-07']);
    expect(s.state()).toMatchObject({
      retrying: ['2026-10-07'],
      nextRunReason: 'retry',
      nextRunAt: '2026-10-08T15:30:00+08:00',
    });

    // The retry tick tries only the transient failure; it throws this time, which counts as transient.
    await clock.advanceTo(bj('2026-10-08T15:30:00'), settle);
    expect(ch.calls.slice(2)).toEqual(['2026-10-07']);
    expect(s.state().lastRun?.results[0]).toMatchObject({ date: '2026-10-07', ok: false, message: 'disk full' });
    await clock.advanceTo(bj('2026-10-08T16:00:00'), settle);
    expect(ch.calls.slice(3)).toEqual(['2026-10-07']);
    expect(s.state()).toMatchObject({ retrying: [], nextRunReason: 'daily', nextRunAt: '2026-10-09T14:30:00+08:00' });

    // The definitive failure of 10-06 waits for the next 14:30, which also brings 10-08.
    await clock.advanceTo(bj('2026-10-09T14:30:00'), settle);
    expect(ch.calls.slice(4)).toEqual(['2026-10-06', '2026-10-08']);
    await s.stop();
  });

  it('does nothing while the channel is not configured, and starts when it is', async () => {
    const clock = new FakeClock(bj('2026-10-08T09:00:00'));
    const ch = fakeChannel();
    ch.setEnabled(false);
    const s = new DownloadScheduler(ch.deps, { clock, lookbackDays: 3 });
    const settle = () => s.whenIdle();
    s.start();
    await settle();
    expect(ch.calls).toEqual([]);
    expect(s.state().lastRun?.skipped).toMatch(/not configured/);
    ch.setEnabled(true);
    await clock.advanceTo(bj('2026-10-08T14:30:00'), settle);
    expect(ch.calls).toEqual(['2026-10-05', '2026-10-06', '2026-10-07']);
    await s.stop();
  });

  it('runs the daily download on waking when the machine slept through 14:30', async () => {
    const clock = new FakeClock(bj('2026-10-08T09:00:00'));
    const ch = fakeChannel(['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06']);
    const s = new DownloadScheduler(ch.deps, { clock });
    const settle = () => s.whenIdle();
    s.start();
    await settle();
    expect(ch.calls).toEqual([]);
    await clock.wakeAt(bj('2026-10-08T21:10:00'), settle);
    expect(ch.calls).toEqual(['2026-10-07']);
    expect(s.state().lastRun?.reason).toBe('daily');
    await s.stop();
  });
});
