// The business day is the calendar day in Asia/Shanghai (UTC+8 all year, no DST since 1991).
// It is derived from a timestamp, never from the machine's clock or time zone.

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/** Business date (YYYY-MM-DD) of an ISO timestamp that carries an offset or Z. */
export function businessDate(isoTimestamp: string): string {
  const ms = Date.parse(isoTimestamp);
  if (Number.isNaN(ms) || !/(Z|[+-]\d\d:?\d\d)$/.test(isoTimestamp)) {
    throw new Error(`timestamp "${isoTimestamp}" has no offset; refusing to guess a business day`);
  }
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** A Beijing wall-clock time "YYYY-MM-DD HH:mm:ss" (as statements print it) → ISO with +08:00. */
export function beijingWallClockToIso(text: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a time of the form YYYY-MM-DD HH:mm:ss`);
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms) || businessDate(iso) !== `${m[1]}-${m[2]}-${m[3]}`) {
    throw new Error(`"${text}" is not a real date and time`);
  }
  return iso;
}

/** Milliseconds since epoch → ISO timestamp written in +08:00. */
export function toShanghaiIso(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19) + '+08:00';
}

/** Start of a business day as epoch milliseconds. */
export function businessDayStartMs(date: string): number {
  if (!isIsoDate(date)) throw new Error(`"${date}" is not a date YYYY-MM-DD`);
  return Date.parse(`${date}T00:00:00+08:00`);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86400000).toISOString().slice(0, 10);
}

export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}
