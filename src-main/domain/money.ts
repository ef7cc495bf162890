// Money is an integer number of fen. Decimal text is converted exactly, never through a float.

export class MoneyFormatError extends Error {
  constructor(
    readonly text: string,
    reason: string,
  ) {
    super(`"${text}" is not an amount: ${reason}`);
  }
}

const AMOUNT = /^([+-])?(\d+)(?:\.(\d*))?$/;

/**
 * Parse a yuan amount ("1,234.50", "-0.01", "380115.", "0.04000") into integer fen.
 * Thousands separators and surrounding blanks are accepted; digits beyond the second decimal
 * place must be zeros (WeChat prints fees as 0.04000), otherwise the text is refused.
 */
export function yuanToFen(text: string, opts: { decimalComma?: boolean } = {}): number {
  let t = text.trim().replace(/^¥|^￥/, '');
  if (opts.decimalComma) t = t.replace(/\./g, '').replace(',', '.');
  else t = t.replace(/,(?=\d{3}(\D|$))/g, '');
  const m = AMOUNT.exec(t);
  if (!m) throw new MoneyFormatError(text, 'expected digits with at most one decimal point');
  const [, sign, whole = '0', frac = ''] = m;
  const extra = frac.slice(2);
  if (/[^0]/.test(extra)) throw new MoneyFormatError(text, 'more than two decimal places');
  const fen = BigInt(whole) * 100n + BigInt((frac.slice(0, 2) + '00').slice(0, 2));
  if (fen > BigInt(Number.MAX_SAFE_INTEGER)) throw new MoneyFormatError(text, 'too large');
  const n = Number(fen);
  return sign === '-' ? -n : n;
}

/** Parse an integer fen string ("000000012345", "C000000000100", "-15"). */
export function fenText(text: string): number {
  const m = /^([CD+-])?(\d+)$/.exec(text.trim());
  if (!m) throw new MoneyFormatError(text, 'expected an integer number of fen');
  const n = Number(m[2]);
  if (!Number.isSafeInteger(n)) throw new MoneyFormatError(text, 'too large');
  return m[1] === '-' || m[1] === 'D' ? -n : n;
}

/** 123450 → "1234.50" (plain, for files such as SAP uploads). */
export function fenToYuanText(fen: number): string {
  const neg = fen < 0;
  const abs = Math.abs(fen);
  const s = `${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
  return neg ? `-${s}` : s;
}

/** 123450 → "¥1,234.50" (for people). */
export function formatFen(fen: number): string {
  const neg = fen < 0;
  const abs = Math.abs(fen);
  const yuan = String(Math.trunc(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}¥${yuan}.${String(abs % 100).padStart(2, '0')}`;
}
