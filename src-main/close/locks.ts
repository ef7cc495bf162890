// A locked period is read-only (reconciliation.md §8): every service that changes something dated
// in it calls assertDaysOpen first, inside or before its write, and is refused with code 'locked'.
import type { ReadDb } from '../store/db';
import { lockedAmong } from '../store/periods';
import { AppError } from '../api/errors';

export class PeriodLockedError extends AppError {
  constructor(readonly periods: readonly string[], what: string) {
    super('locked', `${what} is refused: period ${periods.join(', ')} is closed and locked; reopen it (with a reason) first`, {
      periods: [...periods],
    });
  }
}

/** 'YYYY-MM' of a business day. */
export const periodOf = (date: string): string => date.slice(0, 7);

/** Refuse when any of these business days lies in a locked period. */
export async function assertDaysOpen(read: ReadDb, days: Iterable<string | null | undefined>, what = 'the change'): Promise<void> {
  const periods = [...new Set([...days].filter((d): d is string => Boolean(d)).map(periodOf))];
  if (periods.length === 0) return;
  const locked = await lockedAmong(read, periods);
  if (locked.length) throw new PeriodLockedError(locked, what);
}

/** Every business day from..to (inclusive), for checking a range. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** A statement import of a locked day: the refusal as an import issue (an import never throws for a bad file). */
export async function lockedDayIssues(read: ReadDb, date: string | null): Promise<{ line: null; field: null; code: 'locked'; message: string }[]> {
  try {
    await assertDaysOpen(read, [date], `importing a statement of ${date}`);
    return [];
  } catch (e) {
    if (e instanceof PeriodLockedError) return [{ line: null, field: null, code: 'locked', message: e.message }];
    throw e;
  }
}
