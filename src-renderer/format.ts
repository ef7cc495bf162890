// Display formats. Money is an integer number of fen everywhere; it becomes text only here, with
// integer arithmetic (the yuan part and the fen part are computed separately, no float division).
// Times are shown as Asia/Shanghai wall-clock time, whatever the machine's own time zone.

/** 123450 → "¥1,234.50"; -5 → "-¥0.05". Anything that is not a safe integer fen shows as "—". */
export function formatFen(fen: number | null | undefined): string {
  if (typeof fen !== 'number' || !Number.isSafeInteger(fen)) return '—';
  const neg = fen < 0;
  const abs = Math.abs(fen);
  const yuan = String((abs - (abs % 100)) / 100).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}¥${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** 123450 → "1234.50" (what a money filter input shows for a model value). */
export function fenToYuanText(fen: number): string {
  const neg = fen < 0;
  const abs = Math.abs(fen);
  return `${neg ? '-' : ''}${(abs - (abs % 100)) / 100}.${String(abs % 100).padStart(2, '0')}`;
}

const AMOUNT = /^([+-])?(\d+)(?:\.(\d*))?$/;

/**
 * A yuan amount typed by a person ("1,234.5", "¥800", "0.01") → integer fen, exactly (string
 * arithmetic on the digits, never a float). Null when the text is not an amount or has more than
 * two decimal places that are not zeros.
 */
export function yuanTextToFen(text: string | null | undefined): number | null {
  if (text == null) return null;
  const t = text.trim().replace(/^[¥￥]/, '').replace(/[,，\s]/g, '');
  const m = AMOUNT.exec(t);
  if (!m) return null;
  const [, sign, whole = '0', frac = ''] = m;
  if (/[^0]/.test(frac.slice(2))) return null;
  const fen = BigInt(whole) * 100n + BigInt((frac.slice(0, 2) + '00').slice(0, 2));
  if (fen > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  const n = Number(fen);
  return sign === '-' ? -n : n;
}

const countFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 12345 → "12,345". */
export function formatCount(n: number | null | undefined): string {
  return typeof n === 'number' && Number.isFinite(n) ? countFormat.format(n) : '—';
}

const shanghai = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function shanghaiParts(iso: string): Record<string, string> | null {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return null;
  return Object.fromEntries(shanghai.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
}

/** An ISO timestamp → "2026-10-01 23:59:58" in Beijing time. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const p = shanghaiParts(iso);
  if (!p) return iso;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** An ISO timestamp → its business date "2026-10-01" (Beijing); a plain date is shown as it is. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const p = shanghaiParts(value);
  return p ? `${p.year}-${p.month}-${p.day}` : value;
}
