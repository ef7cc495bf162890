// SWIFT MT940 customer statement, design/statement-formats.md §7a.
//
// A file holds one or more statements. Each starts with :20: and ends with a "-" line, or "-}" when
// wrapped in a SWIFT envelope {1:…}{2:…}{3:…}{4:<CRLF> … -}{5:…}; some banks (old Rabobank) leave
// the terminator out and separate statements with a blank line, so a new :20: after a closing
// balance also ends the previous statement. SOH/ETX/SUB control bytes around envelopes are dropped.
//
// Tags: :20: reference · :21: · :25: account · :28C:/:28: statement number[/sequence] ·
// :60F:/:60M: opening balance · :61: entry (+ one supplementary-details line) followed by any
// number of :86: (free text, may wrap over several lines, blank lines included) · :62F:/:62M:
// closing balance · :64: closing available · :65: forward available. :13D:, :34F:, :90C:/:90D: are
// read past. A line that is none of these is an error with its number.
//
// :61: = value date YYMMDD · [entry date MMDD] · mark C | D | RC (reversal of a credit: money
// out) | RD (reversal of a debit: money in) · [funds code, one letter: "DR6,00" is D + funds code R]
// · amount with a decimal COMMA (10,00 · 380115, · 00,12 · 79,7 · 0,) · N/S/F + 3-character type
// code · customer reference (NONREF = none) · [//bank reference] · details. The entry date's year is
// the one that puts it closest to the value date (a 1231 entry for a 0102 value date is the
// previous year).
//
// Checks, per statement: opening + ΣC + ΣRD − ΣD − ΣRC = closing, else 'balance_mismatch' (the
// caller may accept it explicitly); an entry with an impossible value date (30 Feb) is an error
// with its line, and its amount still counts in the balance check so the one error is the only one.
// Between statements of the same account, a closing balance that is not the next opening balance
// is a 'balance_gap' warning (a statement is missing from the file).
//
// Lines: business date = the value date (banks book by value date); occurredAt = that day, 00:00
// Beijing. Amounts are in minor units of the statement currency (2 decimals for CNY/EUR, 0 for
// JPY…, 3 for KWD…). Kind: RC/RD → reversal; type code …CHG/…COM → fee; C → payment; D → refund
// (money out to a counterparty). Bank reference → channelTxnId, customer reference → refNo.
// The whole :86: text (as printed, lines joined by \n) → remark; payer name, payer account and an
// order number are extracted from it (unwrapped: SWIFT wraps lines at a fixed width, so the lines
// are joined without a separator) with regexes that opts.profile can replace (BankTextProfile).
// Header: businessDate = the closing-balance date when every statement closes on the same day
// (a one-day file), else null with the period; merchantId = the :25: account when there is one.
import { addDays, isIsoDate } from '../../domain/dates';
import { MoneyFormatError, yuanToFen } from '../../domain/money';
import { SourceError } from '../source';
import { IssueLog, LineBatcher } from '../text';
import type { LineKind, ParseOptions, ParseOutcome, SniffInput, StatementParser, StatementSource } from '../types';

// ---------------------------------------------------------------------------------------------
// Shared with camt053: minor units and the free-text extraction profile.

const MINOR_DIGITS: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};

/** Decimal places of a currency's minor unit (ISO 4217); 2 when not listed. */
export function minorDigits(currency: string): number {
  return MINOR_DIGITS[currency] ?? 2;
}

/**
 * Exact decimal text → integer minor units. `decimalComma` for MT940 ("79,7", "0,"), a point for
 * XML ("33.06"). Digits beyond the currency's places must be zeros. Throws MoneyFormatError.
 */
export function toMinorUnits(text: string, digits: number, decimalComma: boolean): number {
  const t = text.trim();
  const shape = decimalComma ? /^\d+(,\d*)?$/ : /^\d+(\.\d*)?$/;
  if (!shape.test(t))
    throw new MoneyFormatError(
      text,
      decimalComma ? 'expected digits with a decimal comma' : 'expected digits with a decimal point',
    );
  if (digits === 2) return decimalComma ? yuanToFen(t, { decimalComma: true }) : yuanToFen(t);
  const [whole = '0', frac = ''] = t.split(decimalComma ? ',' : '.');
  if (/[^0]/.test(frac.slice(digits))) throw new MoneyFormatError(text, `more than ${digits} decimal places`);
  const n =
    BigInt(whole) * 10n ** BigInt(digits) +
    BigInt((frac.slice(0, digits) + '0'.repeat(digits)).slice(0, digits) || '0');
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new MoneyFormatError(text, 'too large');
  return Number(n);
}

/** Minor units → "1234.50" in the currency's places (for messages). */
export function minorText(n: number, digits: number): string {
  const neg = n < 0;
  const abs = Math.abs(n);
  if (digits === 0) return `${neg ? '-' : ''}${abs}`;
  const f = 10 ** digits;
  return `${neg ? '-' : ''}${Math.trunc(abs / f)}.${String(abs % f).padStart(digits, '0')}`;
}

/** Regexes (source text) over bank free text (:86:, camt Ustrd…); capture group 1, or the match. */
export interface BankTextProfile {
  orderNo?: string | string[];
  account?: string | string[];
  payerName?: string | string[];
}

export const DEFAULT_BANK_TEXT_PROFILE: Required<BankTextProfile> = {
  // An order number: two capitals and 8+ digits, standing alone (not the tail of an IBAN).
  orderNo: ['(?<![A-Za-z0-9])[A-Z]{2}\\d{8,}(?![A-Za-z0-9])'],
  // A run of 10–30 digits standing alone (Chinese bank accounts and cards), else an IBAN.
  account: [
    '(?<![A-Za-z0-9])\\d{10,30}(?![A-Za-z0-9])',
    '(?<![A-Za-z0-9])[A-Z]{2}\\d{2}[A-Z0-9]{11,30}(?![A-Za-z0-9])',
  ],
  // A name after a payer keyword, up to a separator, a double space, a number (street, postcode) or
  // the next Chinese keyword (账号, 附言…);
  // German structured ?32.
  payerName: [
    '(?<![A-Za-z])(?:AUFTRAGGEBER|OD|NAME|PAYER|ORDERING PARTY|付款人户名|付款人名称|付款方户名|付款方名称|付款人|付款方|对方户名|对方名称|对方账户名|户名)\\s*[:：]\\s*([^;；?\\n]+?)(?=\\s{2,}|\\s\\d|\\s+(?:账号|帐号|账户|帐户|卡号|附言|用途|摘要|备注)|[;；?\\n]|$)',
    '\\?32([^?]+)',
  ],
};

export interface CompiledBankText {
  orderNo: RegExp[];
  account: RegExp[];
  payerName: RegExp[];
}

/** Compile a profile (unknown input from the caller) over the defaults; problems are returned, not thrown. */
export function compileBankTextProfile(profile: unknown): { compiled: CompiledBankText; problems: string[] } {
  const problems: string[] = [];
  const given: Record<string, unknown> =
    profile !== null && typeof profile === 'object' ? (profile as Record<string, unknown>) : {};
  if (profile !== undefined && profile !== null && typeof profile !== 'object')
    problems.push('the profile must be an object { orderNo, account, payerName } of regexes');
  const compile = (key: keyof BankTextProfile): RegExp[] => {
    const flags = key === 'payerName' ? '' : 'g'; // ids: every match is tried (extractOrderNo, extractAccount)
    const v = given[key];
    const sources =
      v === undefined
        ? DEFAULT_BANK_TEXT_PROFILE[key]
        : typeof v === 'string'
          ? [v]
          : Array.isArray(v) && v.every((x) => typeof x === 'string')
            ? (v as string[])
            : null;
    if (sources === null) {
      problems.push(`profile.${key} must be a regex text or a list of them`);
      return (DEFAULT_BANK_TEXT_PROFILE[key] as string[]).map((s) => new RegExp(s, flags));
    }
    const out: RegExp[] = [];
    for (const s of sources) {
      try {
        out.push(new RegExp(s, flags));
      } catch (e) {
        problems.push(`profile.${key} "${s}" is not a valid regular expression (${(e as Error).message})`);
      }
    }
    return out;
  };
  return {
    compiled: { orderNo: compile('orderNo'), account: compile('account'), payerName: compile('payerName') },
    problems,
  };
}

/** The first pattern's capture group 1 (or whole match), trimmed; null when none matches. */
export function extractFirst(patterns: RegExp[], text: string): string | null {
  for (const re of patterns) {
    const m = re.exec(text);
    if (!m) continue;
    const v = (m[1] ?? m[0]).trim();
    if (v !== '') return v;
  }
  return null;
}

/**
 * The first order number in the text: every match of every pattern in turn, skipping values that
 * are valid IBANs (a German IBAN is two letters and 20 digits, which an order-number pattern such
 * as [A-Z]{2}\d{8,} would otherwise take).
 */
export function extractOrderNo(patterns: RegExp[], text: string): string | null {
  for (const re of patterns) {
    const g = re.global ? re : new RegExp(re.source, `${re.flags}g`);
    for (const m of text.matchAll(g)) {
      const v = (m[1] ?? m[0]).trim();
      if (v !== '' && !isValidIban(v)) return v;
    }
  }
  return null;
}

/**
 * The first account number in the text: every match of every pattern in turn, skipping two letters
 * followed by digits only (OT2025010600001) unless that is a valid IBAN (DE58740618130100033626):
 * order numbers look like German IBANs, and only the checksum tells them apart.
 */
export function extractAccount(patterns: RegExp[], text: string): string | null {
  for (const re of patterns) {
    const g = re.global ? re : new RegExp(re.source, `${re.flags}g`);
    for (const m of text.matchAll(g)) {
      const v = (m[1] ?? m[0]).trim();
      if (v !== '' && (!/^[A-Z]{2}\d+$/.test(v) || isValidIban(v))) return v;
    }
  }
  return null;
}

/** ISO 13616 check: country, check digits, BBAN; mod 97 of the rearranged number is 1. */
export function isValidIban(text: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(text)) return false;
  const rearranged = text.slice(4) + text.slice(0, 4);
  let rest = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const digits = code >= 65 ? String(code - 55) : ch;
    for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  }
  return rest === 1;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

// A statement repeats a handful of dates on every entry: remember the answers (bounded).
const dateMemo = new Map<string, string | null>();
function memo(key: string, compute: () => string | null): string | null {
  const hit = dateMemo.get(key);
  if (hit !== undefined || dateMemo.has(key)) return hit ?? null;
  if (dateMemo.size > 10_000) dateMemo.clear();
  const v = compute();
  dateMemo.set(key, v);
  return v;
}

/** YYMMDD → YYYY-MM-DD (years 80–99 are 19xx), or null when not a real day. */
function swiftDate(yymmdd: string): string | null {
  return memo(`s${yymmdd}`, () => swiftDateUncached(yymmdd));
}

function swiftDateUncached(yymmdd: string): string | null {
  if (!/^\d{6}$/.test(yymmdd)) return null;
  const yy = Number(yymmdd.slice(0, 2));
  const d = `${yy >= 80 ? 19 : 20}${yymmdd.slice(0, 2)}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4, 6)}`;
  return isIsoDate(d) ? d : null;
}

/** MMDD placed in the year (around `near`) that puts it closest to `near`. */
function nearestDate(near: string, mmdd: string): string | null {
  return memo(`n${near}${mmdd}`, () => nearestDateUncached(near, mmdd));
}

function nearestDateUncached(near: string, mmdd: string): string | null {
  const y = Number(near.slice(0, 4));
  const base = Date.parse(`${near}T00:00:00Z`);
  let best: string | null = null;
  let bestDiff = Infinity;
  for (const year of [y - 1, y, y + 1]) {
    const d = `${year}-${mmdd.slice(0, 2)}-${mmdd.slice(2, 4)}`;
    if (!isIsoDate(d)) continue;
    const diff = Math.abs(Date.parse(`${d}T00:00:00Z`) - base);
    if (diff < bestDiff) {
      best = d;
      bestDiff = diff;
    }
  }
  return best;
}

const isRef = (s: string): boolean => s !== '' && s.toUpperCase() !== 'NONREF';

// ---------------------------------------------------------------------------------------------
// Sniff

function sniff(head: SniffInput): number {
  if (head.container !== 'plain') return 0;
  const text = head.text.replace(/[\x01\x03]/g, '');
  const envelope = /\{1:F\d{2}[A-Z0-9]{12}/.test(text) && /\{2:[IO]94[02]/.test(text);
  const has = (re: RegExp) => re.test(text);
  const tag20 = has(/^:20:/m);
  const tag25 = has(/^:25:/m);
  const balance = has(/^:6[02][FM]:[CD]\d{6}[A-Z]{3}\d+,\d*/m);
  if (envelope && (tag20 || balance)) return 0.97;
  if (tag20 && tag25 && balance) return 0.95;
  if (tag20 && (tag25 || has(/^:28C?:/m)) && has(/^:6[01]/m)) return 0.85;
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Parse

interface Balance {
  tag: string;
  mark: 'C' | 'D';
  date: string | null; // null when the printed date is impossible
  currency: string;
  minor: number; // signed: D = negative
  lineNo: number;
  text: string;
}

interface Statement {
  ref: string | null;
  account: string | null;
  seq: string | null;
  firstLine: number;
  lastLine: number;
  opening: Balance | null;
  closing: Balance | null;
  credits: number; // ΣC
  debits: number; // ΣD
  reversedCredits: number; // ΣRC
  reversedDebits: number; // ΣRD
  entries: number;
}

interface Field {
  tag: string;
  lineNo: number;
  lastLine: number;
  lines: string[];
}

interface PendingEntry {
  field: Field;
  info: string[]; // :86: lines as printed, across every :86: of the entry
  infoUnwrapped: string[]; // one per :86: field, its lines joined without separator
}

const BALANCE_RE = /^([CD])(\d{6})([A-Z]{3})(\d+,\d*)$/;
const ENTRY_RE = /^(\d{6})(\d{4})?(RC|RD|C|D)([A-Z])?(\d{1,15},\d*)([NSF][A-Z0-9]{3})(.*)$/;

async function parse(source: StatementSource, opts: ParseOptions): Promise<ParseOutcome> {
  const errors = new IssueLog();
  const warnings = new IssueLog();
  const err = (line: number | null, field: string | null, code: string, message: string) =>
    errors.add({ line, field, code, message });
  const warn = (line: number | null, field: string | null, code: string, message: string) =>
    warnings.add({ line, field, code, message });
  const notes = [...source.detection.notes];
  const out = new LineBatcher(opts.emit);
  const { compiled: texts, problems } = compileBankTextProfile(opts.profile);
  for (const p of problems) err(null, null, 'bad_profile', p);
  const expectedDate = opts.expectedDate !== undefined && isIsoDate(opts.expectedDate) ? opts.expectedDate : null;
  if (opts.expectedDate !== undefined && expectedDate === null) {
    err(null, null, 'bad_option', `the requested statement date "${opts.expectedDate}" is not a date YYYY-MM-DD`);
  }

  let stmt = null as Statement | null;
  let field = null as Field | null;
  let pending = null as PendingEntry | null;
  let envelopeSeen = false;
  let separators = 0;
  let statementCount = 0;
  const closingDates = new Set<string>();
  const accounts = new Set<string>();
  const currencies = new Set<string>();
  let firstOpening = null as Balance | null;
  let lastClosing = null as Balance | null;
  let minDate = null as string | null;
  let maxDate = null as string | null;
  const rawBalances: string[] = [];
  const checks: NonNullable<ParseOutcome['tieOut']>['checks'] = [];
  const lastClosingByAccount = new Map<string, { closing: Balance; name: string }>();
  const dayCount = new Map<string, number>();

  const describe = (s: Statement) =>
    `statement ${s.ref ?? '(no :20:)'}${s.seq ? ` no. ${s.seq}` : ''}${s.account ? ` of account ${s.account}` : ''} (lines ${s.firstLine}–${s.lastLine})`;
  const digitsOf = (s: Statement | null) => minorDigits(s?.opening?.currency ?? s?.closing?.currency ?? 'EUR');
  const money = (n: number, s: Statement | null) => minorText(n, digitsOf(s));

  const parseBalance = (f: Field): Balance | null => {
    const text = f.lines.join('').trim();
    const m = BALANCE_RE.exec(text);
    if (!m) {
      err(
        f.lineNo,
        `:${f.tag}:`,
        'bad_balance',
        `line ${f.lineNo}: balance :${f.tag}: "${text}" is not C/D, date YYMMDD, currency and an amount with a decimal comma (e.g. C200101EUR444,29)`,
      );
      return null;
    }
    const [, mark, yymmdd, currency, amountText] = m as unknown as [string, 'C' | 'D', string, string, string];
    const date = swiftDate(yymmdd);
    if (date === null)
      err(
        f.lineNo,
        `:${f.tag}:`,
        'bad_date',
        `line ${f.lineNo}: the date ${yymmdd} of balance :${f.tag}: is not a real day (YYMMDD)`,
      );
    let minor: number;
    try {
      minor = toMinorUnits(amountText, minorDigits(currency), true);
    } catch {
      err(
        f.lineNo,
        `:${f.tag}:`,
        'bad_amount',
        `line ${f.lineNo}: the amount ${amountText} of balance :${f.tag}: has more decimals than ${currency} allows or is not a number`,
      );
      return null;
    }
    currencies.add(currency);
    if (rawBalances.length < 400) rawBalances.push(`:${f.tag}:${text}`);
    return { tag: f.tag, mark, date, currency, minor: mark === 'D' ? -minor : minor, lineNo: f.lineNo, text };
  };

  const noteDay = (d: string | null) => {
    if (d === null) return;
    if (minDate === null || d < minDate) minDate = d;
    if (maxDate === null || d > maxDate) maxDate = d;
  };

  /** Parse the pending :61: with its :86: text, count it, and emit it. */
  const flushEntry = async (): Promise<void> => {
    const p = pending;
    pending = null;
    if (!p || !stmt) return;
    const s = stmt;
    const f = p.field;
    const first = (f.lines[0] ?? '').trim();
    const supplementary = f.lines
      .slice(1)
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .join(' ');
    const m = ENTRY_RE.exec(first);
    if (!m) {
      const decimalPoint = /^\d{6}(\d{4})?R?[CD][A-Z]?\d+\.\d+/.test(first);
      err(
        f.lineNo,
        ':61:',
        decimalPoint ? 'bad_amount' : 'bad_entry',
        decimalPoint
          ? `line ${f.lineNo}: the :61: amount uses a decimal point; MT940 amounts use a decimal comma ("${first}")`
          : `line ${f.lineNo}: the :61: entry "${first}" does not read as value date YYMMDD, [entry date MMDD], C/D/RC/RD, amount with a decimal comma, type code (e.g. NTRF), reference; its amount is not counted`,
      );
      return;
    }
    const [, valueText, entryText, mark, fundsCode, amountText, typeCode, rest] = m as unknown as [
      string,
      string,
      string | undefined,
      'C' | 'D' | 'RC' | 'RD',
      string | undefined,
      string,
      string,
      string,
    ];
    let amount: number;
    try {
      amount = toMinorUnits(amountText, digitsOf(s), true);
    } catch {
      err(
        f.lineNo,
        ':61:',
        'bad_amount',
        `line ${f.lineNo}: the :61: amount ${amountText} has more decimal places than the currency allows`,
      );
      return;
    }
    // Count it in the balance check even when another part of the line is wrong: one error, not two.
    s.entries++;
    if (mark === 'C') s.credits += amount;
    else if (mark === 'D') s.debits += amount;
    else if (mark === 'RC') s.reversedCredits += amount;
    else s.reversedDebits += amount;

    const valueDate = swiftDate(valueText);
    if (valueDate === null) {
      err(
        f.lineNo,
        ':61:',
        'bad_date',
        `line ${f.lineNo}: the value date ${valueText} of this entry (${mark} ${amountText}) is not a real day (20${valueText.slice(0, 2)}-${valueText.slice(2, 4)}-${valueText.slice(4, 6)}); ask the bank for a corrected statement`,
      );
      return;
    }
    let entryDate: string | null = null;
    if (entryText !== undefined) {
      entryDate = nearestDate(valueDate, entryText);
      if (entryDate === null) {
        err(
          f.lineNo,
          ':61:',
          'bad_date',
          `line ${f.lineNo}: the entry date ${entryText} (MMDD) of this entry is not a real day`,
        );
        return;
      }
    }
    // Customer reference, bank reference after //, details.
    let customerRef = rest;
    let bankRef = '';
    let details = '';
    const slash = rest.indexOf('//');
    if (slash >= 0) {
      customerRef = rest.slice(0, slash);
      const after = rest.slice(slash + 2);
      const sp = after.search(/\s/);
      bankRef = (sp >= 0 ? after.slice(0, sp) : after).slice(0, 16);
      details = after.slice(bankRef.length).trim();
    } else if (rest.length > 16) {
      // Old layouts write details on the same line after the 16-character reference, separated by
      // blanks (Rabobank); a longer reference without blanks is kept whole (ASN Bank writes IBANs).
      const gap = /\s{2,}/.exec(rest);
      if (gap) {
        customerRef = rest.slice(0, gap.index);
        details = rest.slice(gap.index).trim();
      }
    }
    customerRef = customerRef.trim();
    if (supplementary) details = details ? `${details} ${supplementary}` : supplementary;

    // As printed, without the fixed-width padding at line ends and blank lines around the text.
    const remark = p.info.length
      ? p.info
          .map((l) => l.trimEnd())
          .join('\n')
          .trim() || null
      : details || null;
    const searchText = [...p.infoUnwrapped, details].filter((t) => t !== '').join('\n');
    const sign = mark === 'C' || mark === 'RD' ? 1 : -1;
    const kind: LineKind =
      mark === 'RC' || mark === 'RD'
        ? 'reversal'
        : /(CHG|COM)$/.test(typeCode)
          ? 'fee'
          : mark === 'C'
            ? 'payment'
            : 'refund';
    noteDay(valueDate);
    dayCount.set(valueDate, (dayCount.get(valueDate) ?? 0) + 1);
    if (expectedDate !== null && valueDate !== expectedDate) {
      warn(
        f.lineNo,
        ':61:',
        'cross_day',
        `line ${f.lineNo}: value date ${valueDate} is not the statement date ${expectedDate}: kept, to be carried as a timing difference`,
      );
    }
    const raw: Record<string, string> = {
      ':61:': f.lines.join('\n'),
      valueDate,
      entryDate: entryDate ?? '',
      mark,
      fundsCode: fundsCode ?? '',
      amount: amountText,
      currency: s.opening?.currency ?? s.closing?.currency ?? '',
      typeCode,
      customerRef,
      bankRef,
      details,
      ':86:': p.info.join('\n'),
      ':20:': s.ref ?? '',
      ':25:': s.account ?? '',
      ':28C:': s.seq ?? '',
    };
    await out.push({
      lineNo: f.lineNo,
      kind,
      amountFen: sign * amount,
      feeFen: 0,
      occurredAt: `${valueDate}T00:00:00+08:00`,
      businessDate: valueDate,
      channelTxnId: isRef(bankRef) ? bankRef : null,
      merchantOrderNo: extractOrderNo(texts.orderNo, searchText),
      refundNo: null,
      originalTxnId: null,
      terminalId: null,
      refNo: isRef(customerRef) ? customerRef : null,
      voucherNo: null,
      batchNo: null,
      cardMasked: null,
      payerAccount: extractAccount(texts.account, searchText),
      payerName: extractFirst(texts.payerName, searchText),
      remark,
      status: mark,
      raw,
    });
  };

  const closeStatement = async (how: 'terminator' | 'next' | 'eof'): Promise<void> => {
    await flushEntry();
    const s = stmt;
    stmt = null;
    if (!s) return;
    statementCount++;
    const name = describe(s);
    if (!s.opening)
      err(s.firstLine, ':60F:', 'missing_balance', `${name} has no opening balance :60F:/:60M:; it cannot be checked`);
    if (!s.closing) {
      err(
        s.lastLine,
        ':62F:',
        'missing_balance',
        how === 'eof'
          ? `${name} ends without its closing balance :62F:: the file is cut off. Download it again.`
          : `${name} has no closing balance :62F:/:62M:; it cannot be checked`,
      );
    }
    if (s.account !== null) accounts.add(s.account);
    if (s.opening && !firstOpening) firstOpening = s.opening;
    if (s.closing) {
      lastClosing = s.closing;
      if (s.closing.date) closingDates.add(s.closing.date);
    }
    noteDay(s.opening?.date ?? null);
    noteDay(s.closing?.date ?? null);
    if (!s.opening || !s.closing) return;
    if (s.opening.currency !== s.closing.currency) {
      err(
        s.closing.lineNo,
        `:${s.closing.tag}:`,
        'mixed_currency',
        `${name}: the opening balance is in ${s.opening.currency} but the closing balance in ${s.closing.currency}`,
      );
      return;
    }
    const computed = s.opening.minor + s.credits + s.reversedDebits - s.debits - s.reversedCredits;
    const ok = computed === s.closing.minor;
    if (checks.length < 1000)
      checks.push({
        name: `${s.ref ?? '?'}${s.seq ? ` ${s.seq}` : ''} closing balance`,
        printed: s.closing.minor,
        computed,
        ok,
      });
    if (!ok) {
      const cur = s.closing.currency;
      const rev =
        s.reversedDebits || s.reversedCredits
          ? ` + reversed debits ${money(s.reversedDebits, s)} − reversed credits ${money(s.reversedCredits, s)}`
          : '';
      err(
        s.closing.lineNo,
        `:${s.closing.tag}:`,
        'balance_mismatch',
        `${name} does not balance: opening ${money(s.opening.minor, s)} ${cur} (line ${s.opening.lineNo}) + credits ${money(s.credits, s)} − debits ${money(s.debits, s)}${rev} = ${money(computed, s)}, but the closing balance :${s.closing.tag}: on line ${s.closing.lineNo} is ${money(s.closing.minor, s)} (difference ${money(s.closing.minor - computed, s)}). An entry is missing or the file was edited: ask the bank for the statement again, or accept the difference explicitly.`,
      );
    }
    const key = `${s.account ?? ''}|${s.closing.currency}`;
    const prev = lastClosingByAccount.get(key);
    if (prev && prev.closing.minor !== s.opening.minor) {
      warn(
        s.opening.lineNo,
        `:${s.opening.tag}:`,
        'balance_gap',
        `${name} opens at ${money(s.opening.minor, s)} but the previous ${prev.name} closed at ${money(prev.closing.minor, s)}: a statement between them is missing from the file`,
      );
    }
    lastClosingByAccount.set(key, { closing: s.closing, name });
  };

  const finishField = async (): Promise<void> => {
    const f = field;
    field = null;
    if (!f) return;
    const value = f.lines.join('\n').trim();
    if (f.tag === '20') {
      if (stmt) await closeStatement('next');
      stmt = {
        ref: value || null,
        account: null,
        seq: null,
        firstLine: f.lineNo,
        lastLine: f.lastLine,
        opening: null,
        closing: null,
        credits: 0,
        debits: 0,
        reversedCredits: 0,
        reversedDebits: 0,
        entries: 0,
      };
      return;
    }
    if (!stmt) {
      err(
        f.lineNo,
        `:${f.tag}:`,
        'unexpected_line',
        `line ${f.lineNo}: tag :${f.tag}: outside a statement (a statement starts with :20:); the file is cut off or damaged`,
      );
      return;
    }
    stmt.lastLine = Math.max(stmt.lastLine, f.lastLine);
    switch (f.tag) {
      case '21':
      case '13D':
      case '34F':
      case '90C':
      case '90D':
        return;
      case '25':
        stmt.account = value || null;
        return;
      case '28C':
      case '28':
        stmt.seq = value || null;
        return;
      case '60F':
      case '60M': {
        if (stmt.opening) {
          err(
            f.lineNo,
            `:${f.tag}:`,
            'duplicate_balance',
            `line ${f.lineNo}: ${describe(stmt)} already has an opening balance on line ${stmt.opening.lineNo}`,
          );
          return;
        }
        if (stmt.entries > 0 || pending)
          err(f.lineNo, `:${f.tag}:`, 'unexpected_line', `line ${f.lineNo}: the opening balance comes after entries`);
        stmt.opening = parseBalance(f);
        return;
      }
      case '61':
        await flushEntry();
        if (stmt.closing)
          err(
            f.lineNo,
            ':61:',
            'unexpected_line',
            `line ${f.lineNo}: an entry after the closing balance (line ${stmt.closing.lineNo}) of ${describe(stmt)}`,
          );
        pending = { field: f, info: [], infoUnwrapped: [] };
        return;
      case '86':
        if (pending) {
          pending.info.push(...f.lines);
          pending.infoUnwrapped.push(f.lines.join(''));
        }
        // Otherwise statement-level information (after :62F:, or before the first :61:): kept in
        // no line, but it is a known part of the statement.
        return;
      case '62F':
      case '62M': {
        await flushEntry();
        if (stmt.closing) {
          err(
            f.lineNo,
            `:${f.tag}:`,
            'duplicate_balance',
            `line ${f.lineNo}: ${describe(stmt)} already has a closing balance on line ${stmt.closing.lineNo}`,
          );
          return;
        }
        stmt.closing = parseBalance(f);
        return;
      }
      case '64':
      case '65':
        await flushEntry();
        parseBalance(f); // validated and kept as printed; not part of the check
        return;
      default:
        warn(
          f.lineNo,
          `:${f.tag}:`,
          'unknown_tag',
          `line ${f.lineNo}: tag :${f.tag}: is not an MT940 statement tag; it was not read`,
        );
    }
  };

  /** Read past {1:…}{2:…}{3:{…}}{4: and trailers {5:{…}}; returns the rest of the line, or null when damaged. */
  const consumeBlocks = (s: string, lineNo: number): { rest: string; opened: boolean } | null => {
    let i = 0;
    let opened = false;
    while (i < s.length && s[i] === '{') {
      const m = /^\{([0-9A-Za-z]{1,3}):/.exec(s.slice(i));
      if (!m) return null;
      if (m[1] === '4') {
        opened = true;
        i += m[0].length;
        break;
      }
      let depth = 0;
      let j = i;
      for (; j < s.length; j++) {
        if (s[j] === '{') depth++;
        else if (s[j] === '}') {
          depth--;
          if (depth === 0) break;
        }
      }
      if (depth !== 0) return null;
      if (m[1] === '2' && !/^\{2:[IO]9[45][02]/.test(s.slice(i))) {
        warn(
          lineNo,
          '{2:}',
          'message_type',
          `line ${lineNo}: the SWIFT envelope says message type ${s.slice(i + 4, i + 7)}, not 940; read as MT940`,
        );
      }
      i = j + 1;
    }
    return { rest: s.slice(i), opened };
  };

  const contentLine = async (lineNo: number, s: string): Promise<void> => {
    if (s.trim() === '') {
      if (field && field.tag === '86') {
        field.lines.push('');
        field.lastLine = lineNo;
      } else separators++;
      return;
    }
    if (/^:940:\s*$/.test(s) && !stmt) return; // Rabobank's file header
    const tm = /^:(\d{2}[A-Z]?):(.*)$/.exec(s);
    if (tm) {
      await finishField();
      field = { tag: tm[1]!, lineNo, lastLine: lineNo, lines: [tm[2]!] };
      return;
    }
    if (field && (field.tag === '86' || field.tag === '61')) {
      field.lines.push(s);
      field.lastLine = lineNo;
      return;
    }
    err(
      lineNo,
      null,
      'unexpected_line',
      `line ${lineNo} is not an MT940 tag (:20:, :25:, :61:, :86:, …) nor the continuation of an :86:/:61: text: "${s.slice(0, 60)}"`,
    );
  };

  const physicalLine = async (lineNo: number, text: string): Promise<void> => {
    // SOH, ETX, SUB and other control bytes around envelopes are transport, not content.
    let s = text.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '');
    for (let guard = 0; guard < 100; guard++) {
      if (s.startsWith('{')) {
        const r = consumeBlocks(s, lineNo);
        if (r === null) {
          err(
            lineNo,
            null,
            'bad_envelope',
            `line ${lineNo}: the SWIFT envelope "${s.slice(0, 60)}" is not closed properly`,
          );
          return;
        }
        if (r.opened) envelopeSeen = true;
        s = r.rest;
        if (s.trim() === '') return;
        continue;
      }
      if (s.startsWith('-}') || s.trim() === '-' || (s.trim() === '}' && envelopeSeen)) {
        await finishField();
        if (s.trim() !== '}') await closeStatement('terminator');
        s = s.startsWith('-}') ? s.slice(2) : '';
        if (s.trim() === '') return;
        continue;
      }
      await contentLine(lineNo, s);
      return;
    }
  };

  try {
    for await (const { lineNo, text } of source.lines()) await physicalLine(lineNo, text);
  } catch (e) {
    if (e instanceof SourceError) err(e.line, null, e.code, e.message);
    else throw e;
  }
  await finishField();
  if (stmt) await closeStatement('eof');
  await out.flush();

  if (statementCount === 0 && errors.count() === 0) {
    err(null, null, 'empty', 'the file holds no MT940 statement (no :20: … :62F:)');
  }
  if (currencies.size > 1) {
    err(
      null,
      null,
      'mixed_currency',
      `the file mixes currencies (${[...currencies].join(', ')}); import one currency's statements at a time`,
    );
  }
  if (accounts.size > 1) {
    warn(
      null,
      ':25:',
      'multiple_accounts',
      `the file holds statements of ${accounts.size} accounts (${[...accounts].slice(0, 5).join(', ')}); the lines keep their account in raw[':25:']`,
    );
  }
  const businessDate = closingDates.size === 1 ? [...closingDates][0]! : null;
  if (expectedDate === null && businessDate !== null) {
    for (const [d, n] of dayCount) {
      if (d !== businessDate)
        warn(
          null,
          ':61:',
          'cross_day',
          `${n} entr${n > 1 ? 'ies have' : 'y has'} value date ${d}, not the statement date ${businessDate}: kept, to be carried as a timing difference`,
        );
    }
  }
  if (separators > 0)
    notes.push(`${separators} blank or transport-only line${separators > 1 ? 's' : ''} between statements`);
  notes.push(`${statementCount} statement${statementCount === 1 ? '' : 's'}`);
  const first = firstOpening;
  const last = lastClosing;
  const currency = currencies.size === 1 ? [...currencies][0]! : (first?.currency ?? 'CNY');
  const startDay = minDate;
  const endDay = maxDate;

  return {
    header: {
      channel: 'wire',
      format: 'mt940',
      variant: envelopeSeen ? 'swift-envelope' : null,
      businessDate,
      merchantId: accounts.size === 1 ? [...accounts][0]! : null,
      periodStart: startDay ? `${startDay}T00:00:00+08:00` : null,
      periodEnd: endDay ? `${addDays(endDay, 1)}T00:00:00+08:00` : null,
      currency,
      summary: statementCount
        ? {
            paymentCount: null,
            paymentFen: null,
            refundCount: null,
            refundFen: null,
            feeFen: null,
            openingBalanceFen: first ? first.minor : null,
            closingBalanceFen: last ? last.minor : null,
            rawText: rawBalances,
          }
        : null,
      profileVersion: null,
    },
    lineCount: out.count,
    errors: errors.finish(),
    warnings: warnings.finish(),
    tieOut: checks.length ? { ok: checks.every((c) => c.ok), checks } : null,
    detection: { ...source.detection, confidence: statementCount > 0 ? 0.95 : 0, notes },
  };
}

export const mt940Parser: StatementParser = { format: 'mt940', channel: 'wire', sniff, parse };
