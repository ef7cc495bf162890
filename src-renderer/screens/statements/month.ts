// Months and business days as plain text (YYYY-MM, YYYY-MM-DD). Day arithmetic runs in UTC on the
// date text itself, so the machine's own time zone never shifts a day; the only clock reading is
// today's date in Beijing, and it is the last resort for the month to show.

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DAY_MS = 86_400_000;

export function isMonth(text: string | null | undefined): text is string {
  return !!text && MONTH.test(text);
}

/** Every calendar day of a month, in order. */
export function daysOf(month: string): string[] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const first = Date.UTC(y, m - 1, 1);
  const next = Date.UTC(y, m, 1);
  const days: string[] = [];
  for (let t = first; t < next; t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: string): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}

export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 + n, 1)).toISOString().slice(0, 7);
}

/** "2026年10月" / "October 2026". */
export function monthTitle(month: string, lang: 'zh' | 'en'): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', {
    year: 'numeric',
    month: 'long',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, 1)));
}

/** Today's business date (Beijing). */
export function shanghaiToday(): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());
}
