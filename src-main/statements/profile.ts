// Column profiles: a versioned, JSON-serialisable description of a tabular statement (CSV, .xlsx,
// .xls, or those inside a zip) that the profile parser (formats/profile-parser.ts) follows. A profile
// says where the header row is, which printed header feeds which canonical field (with aliases),
// the unit of each money column, how the sign of a line is found, how times are written, which rows
// are summaries, totals or footers, the business-day cut-off, and which self-checks apply
// (printed totals, running balance, control table such as cash deposit slips, unique ids).
// docs/column-profiles.md documents the format for the people who write profiles.
//
// This module holds the schema (zod), validation beyond the schema (regexes compile, the sign rule
// has the columns it needs…), and the pure helpers that apply a profile to text: header matching,
// money in fen, and date/time formats. It does no I/O.
import { z } from 'zod';
import { CHANNEL_CODES } from '../domain/channels';
import { beijingWallClockToIso, addDays, isIsoDate } from '../domain/dates';
import { fenText, MoneyFormatError, yuanToFen } from '../domain/money';
import { foldWidth, trimCell } from './text';
import type { LineKind } from './types';

// ---------------------------------------------------------------------------------------------
// Canonical fields

/** StatementLine text fields a column can feed directly (types.ts). */
export const LINE_TEXT_FIELDS = [
  'channelTxnId',
  'merchantOrderNo',
  'refundNo',
  'originalTxnId',
  'terminalId',
  'refNo',
  'voucherNo',
  'batchNo',
  'cardMasked',
  'payerAccount',
  'payerName',
  'remark',
  'status',
] as const;
export type LineTextField = (typeof LINE_TEXT_FIELDS)[number];

/** Money columns: converted to fen with the column's unit. */
export const MONEY_FIELDS = ['amount', 'fee', 'credit', 'debit', 'balance', 'settleAmount'] as const;
export type MoneyField = (typeof MONEY_FIELDS)[number];

/** Time columns: occurredAt (date and time in one cell) or date + time; settleDate is the file's day. */
export const TIME_FIELDS = ['occurredAt', 'date', 'time', 'settleDate'] as const;
export type TimeField = (typeof TIME_FIELDS)[number];

/**
 * Fields that are not on StatementLine but drive the parse: the type column of a type sign rule,
 * the merchant/account checked against the request, currency, and grouping fields. Every column,
 * mapped or not, is also kept in StatementLine.raw under its printed header.
 */
export const AUX_FIELDS = ['type', 'merchantId', 'currency', 'storeCode', 'category', 'operator', 'authCode'] as const;
export type AuxField = (typeof AUX_FIELDS)[number];

export const CANONICAL_FIELDS = [...LINE_TEXT_FIELDS, ...MONEY_FIELDS, ...TIME_FIELDS, ...AUX_FIELDS] as const;
export type CanonicalField = (typeof CANONICAL_FIELDS)[number];

/** Identifier fields: Excel-mangled values (2.01909E+27, or numbers past 15 digits) are refused. */
export const ID_FIELDS: ReadonlySet<CanonicalField> = new Set<CanonicalField>([
  'channelTxnId',
  'merchantOrderNo',
  'refundNo',
  'originalTxnId',
  'terminalId',
  'refNo',
  'voucherNo',
  'batchNo',
  'cardMasked',
  'payerAccount',
  'merchantId',
  'authCode',
]);

export function isMoneyField(f: CanonicalField): f is MoneyField {
  return (MONEY_FIELDS as readonly string[]).includes(f);
}
export function isTimeField(f: CanonicalField): f is TimeField {
  return (TIME_FIELDS as readonly string[]).includes(f);
}
export function isLineTextField(f: CanonicalField): f is LineTextField {
  return (LINE_TEXT_FIELDS as readonly string[]).includes(f);
}

// ---------------------------------------------------------------------------------------------
// Schema

const LINE_KINDS = [
  'payment',
  'refund',
  'fee',
  'settlement',
  'reversal',
  'adjustment',
] as const satisfies readonly LineKind[];
const lineKind = z.enum(LINE_KINDS);
const unit = z.enum(['fen', 'yuan']);
const regexText = z.string().min(1);

/** A header name, or a list of names any one of which will do (aliases). */
const nameOrAliases = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const columnSpecSchema = z
  .object({
    /** Canonical field the column feeds. Several specs may feed one field: the first present wins. */
    field: z.enum(CANONICAL_FIELDS),
    /** Printed header names, preferred first, then aliases. Compared folded (full-width → half-width), without blanks, case-insensitive. */
    headers: z.array(z.string().min(1)).min(1),
    /** The import fails, listing the headers found, when no header of a required field is present. */
    required: z.boolean().default(false),
    /** Every data row must have a value in this column. */
    nonEmpty: z.boolean().default(false),
    /** Money columns: integer fen or decimal yuan (2 dp; thousands separators allowed). */
    unit: unit.optional(),
    /** Time columns: accepted formats, e.g. "yyyyMMddHHmmss", "yyyy-MM-dd HH:mm:ss", "yyyy/M/d", "HH:mm:ss". */
    formats: z.array(z.string().min(1)).optional(),
    /** The value (when not empty) must match this regular expression (whole value). */
    pattern: regexText.optional(),
    /** The value (when not empty) must be one of these. */
    oneOf: z.array(z.string()).optional(),
    /** Text fields: when several of the headers are present, join their values with "; " (e.g. 摘要 + 附言 + 用途). */
    join: z.boolean().default(false),
  })
  .strict();

const headerLocatorSchema = z
  .object({
    /** Names that must all appear in one row for it to be the header row (each a name or a list of aliases). */
    mustInclude: z.array(nameOrAliases).min(1),
    /** How many rows from the top to search (title rows above the header are skipped). */
    searchRows: z.number().int().min(1).max(500).default(30),
  })
  .strict();

const typeRuleSchema = z.object({ kind: lineKind, direction: z.enum(['in', 'out']) }).strict();

export const signRuleSchema = z.discriminatedUnion('kind', [
  /** One signed amount column: + = money in. */
  z
    .object({
      kind: z.literal('signed'),
      positiveKind: lineKind.default('payment'),
      negativeKind: lineKind.default('refund'),
    })
    .strict(),
  /**
   * A type column (field "type") decides: each printed type maps to a line kind and a direction.
   * An unsigned amount takes the direction; a printed sign that contradicts it is an error.
   */
  z
    .object({
      kind: z.literal('type'),
      types: z.record(z.string().min(1), typeRuleSchema),
    })
    .strict(),
  /**
   * Separate credit (in, 贷/收入) and debit (out, 借/支出) columns; amount = credit − debit.
   * With allowSigned, a file that has one signed amount column instead (the user picked the columns
   * of a bank's export) is read with that sign.
   */
  z
    .object({
      kind: z.literal('debitCredit'),
      inKind: lineKind.default('payment'),
      outKind: lineKind.default('refund'),
      allowSigned: z.boolean().default(false),
    })
    .strict(),
]);

/** Named groups a summary pattern may capture; each is compared with what the lines add up to. */
export const SUMMARY_GROUPS = [
  'count',
  'amount',
  'fee',
  'credit',
  'debit',
  'net',
  'inCount',
  'inAmount',
  'outCount',
  'outAmount',
] as const;
export type SummaryGroup = (typeof SUMMARY_GROUPS)[number];

const summarySchema = z
  .object({
    /** Regular expression over the row text (non-empty cells joined by one space, width-folded). */
    pattern: regexText,
    /** Unit of the money groups. */
    unit: unit.default('yuan'),
    name: z.string().optional(),
  })
  .strict();

const preambleSchema = z
  .object({
    /** Regular expression over a title-row cell; the value is what follows it in the cell, or the next non-empty cell. */
    pattern: regexText,
    field: z.enum(['merchantId', 'currency']),
  })
  .strict();

const controlColumnSchema = z
  .object({
    field: z.enum(['key', 'date', 'amount', 'count', 'storeCode', 'account']),
    headers: z.array(z.string().min(1)).min(1),
    required: z.boolean().default(true),
    unit: unit.optional(),
    formats: z.array(z.string().min(1)).optional(),
    pattern: regexText.optional(),
  })
  .strict();

/**
 * A control table: rows of printed totals per group (cash 缴款单: one row per deposit slip). It may
 * be another sheet, or a second table below the lines in the same sheet/CSV. For each key the
 * lines whose `lineKey` field carries it must add up to `amount` and number `count`.
 */
const controlSchema = z
  .object({
    name: z.string().min(1),
    header: headerLocatorSchema,
    columns: z.array(controlColumnSchema).min(1),
    /** The line field that names the group (cash: batchNo ← 缴款单号). */
    lineKey: z.enum(CANONICAL_FIELDS),
    /** Also emit each control row as a statement line of this kind, amount negative (money leaving the channel for the bank). */
    emitAs: lineKind.nullable().default(null),
    /** Line fields that must equal the control row's field of the same name (cash: storeCode). */
    sameAs: z.array(z.enum(['storeCode'])).default([]),
  })
  .strict();

export const columnProfileSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and "-"'),
    version: z.number().int().min(1),
    channel: z.enum(CHANNEL_CODES),
    title: z.string().min(1),
    /** Free text for people: where the layout comes from, what is unconfirmed. */
    notes: z.array(z.string()).default([]),
    encoding: z.enum(['auto', 'utf-8', 'gb18030', 'utf-16le']).default('auto'),
    container: z.enum(['auto', 'csv', 'xlsx', 'xls', 'zip']).default('auto'),
    /** CSV field separator; "auto" picks among , tab | ; by the header row. */
    delimiter: z.enum(['auto', ',', '\t', '|', ';']).default('auto'),
    /** Workbooks: the sheet to read; by default every sheet whose header row is found. */
    sheet: z.string().optional(),
    header: headerLocatorSchema,
    columns: z.array(columnSpecSchema).min(1),
    sign: signRuleSchema,
    /** Rows that print totals in the columns themselves (first non-empty cell matches, e.g. "^(合计|总计)"). */
    totalRows: regexText.nullable().default(null),
    summaries: z.array(summarySchema).default([]),
    /** Rows that are known footers or notes (regexes over the row text); they are listed in the detection notes. */
    footers: z.array(regexText).default([]),
    /** Title rows above the header that carry the account or currency. */
    preamble: z.array(preambleSchema).default([]),
    /** Business-day cut-off "HH:mm" (Beijing): a line at or after it belongs to the next day. null = midnight. */
    cutoff: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
      .nullable()
      .default(null),
    /** single: one business day per file (lines of other days are flagged cross_day); range: an account statement over a period. */
    period: z.enum(['single', 'range']).default('single'),
    /** prev 余额 + in − out = 余额 on every row (bank exports). */
    balanceCheck: z.boolean().default(false),
    /** Fields whose values must be unique in the file (cash 收款单号). */
    unique: z.array(z.enum(CANONICAL_FIELDS)).default([]),
    /** Status values that mean the money moved; rows with another status are reported and not emitted. */
    statusOk: z.array(z.string()).nullable().default(null),
    /** Whether a printed total that differs from the lines is an error (refuse) or a warning. */
    summaryMismatch: z.enum(['error', 'warning']).default('error'),
    control: controlSchema.nullable().default(null),
    /** Match keys in the order reconciliation should try them (documentation for the matcher; raw holds every column). */
    matchKeys: z.array(z.string()).default([]),
  })
  .strict();

export type ColumnProfile = z.infer<typeof columnProfileSchema>;
export type ColumnProfileInput = z.input<typeof columnProfileSchema>;
export type ColumnSpec = z.infer<typeof columnSpecSchema>;
export type SignRule = z.infer<typeof signRuleSchema>;
export type ControlSpec = NonNullable<ColumnProfile['control']>;
export type ControlColumn = ControlSpec['columns'][number];

export class ProfileError extends Error {
  constructor(readonly problems: string[]) {
    super(`the column profile is not valid: ${problems.join('; ')}`);
    this.name = 'ProfileError';
  }
}

/** Validate a profile (parsed JSON or an object); throws ProfileError listing every problem. */
export function validateProfile(json: unknown): ColumnProfile {
  const r = columnProfileSchema.safeParse(json);
  if (!r.success) {
    throw new ProfileError(r.error.issues.map((i) => `${i.path.join('.') || '(profile)'}: ${i.message}`));
  }
  const p = r.data;
  const problems: string[] = [];
  const has = (f: CanonicalField) => p.columns.some((c) => c.field === f);
  const checkRegex = (where: string, src: string) => {
    try {
      new RegExp(src, 'u');
    } catch (e) {
      problems.push(`${where}: not a valid regular expression (${(e as Error).message})`);
    }
  };
  p.columns.forEach((c, i) => {
    if (c.pattern) checkRegex(`columns.${i}.pattern`, c.pattern);
    if (isMoneyField(c.field) && !c.unit)
      problems.push(`columns.${i} (${c.field}): a money column needs a unit (fen or yuan)`);
    if (!isMoneyField(c.field) && c.unit) problems.push(`columns.${i} (${c.field}): only money columns have a unit`);
    if (isTimeField(c.field)) {
      if (!c.formats?.length) problems.push(`columns.${i} (${c.field}): a time column needs formats`);
      for (const f of c.formats ?? []) {
        const err = checkFormat(f, c.field);
        if (err) problems.push(`columns.${i} (${c.field}) format "${f}": ${err}`);
      }
    } else if (c.formats) problems.push(`columns.${i} (${c.field}): only time columns have formats`);
  });
  if (!has('occurredAt') && !has('date'))
    problems.push('columns: a time column is needed (occurredAt, or date with an optional time)');
  if (has('time') && !has('date')) problems.push('columns: a time column needs a date column');
  if (p.sign.kind === 'debitCredit') {
    if ((!has('credit') || !has('debit')) && !(p.sign.allowSigned && has('amount'))) {
      problems.push('sign debitCredit: needs a credit and a debit column (or allowSigned and an amount column)');
    }
  } else if (!has('amount')) problems.push(`sign ${p.sign.kind}: needs an amount column`);
  if (p.sign.kind === 'type') {
    if (!has('type')) problems.push('sign type: needs a type column (field "type")');
    if (Object.keys(p.sign.types).length === 0) problems.push('sign type: the map of types is empty');
  }
  if (p.balanceCheck && !has('balance')) problems.push('balanceCheck: needs a balance column');
  if (p.totalRows) checkRegex('totalRows', p.totalRows);
  p.summaries.forEach((s, i) => {
    checkRegex(`summaries.${i}.pattern`, s.pattern);
    try {
      const groups = namedGroups(s.pattern);
      if (groups.length === 0)
        problems.push(`summaries.${i}: the pattern captures no named group (${SUMMARY_GROUPS.join(', ')})`);
      for (const g of groups)
        if (!(SUMMARY_GROUPS as readonly string[]).includes(g)) problems.push(`summaries.${i}: unknown group "${g}"`);
    } catch {
      // reported by checkRegex
    }
  });
  p.footers.forEach((f, i) => checkRegex(`footers.${i}`, f));
  p.preamble.forEach((f, i) => checkRegex(`preamble.${i}.pattern`, f.pattern));
  if (p.control) {
    const c = p.control;
    const cf = (f: ControlColumn['field']) => c.columns.some((x) => x.field === f);
    if (!cf('key')) problems.push('control: needs a key column');
    if (!cf('amount') && !cf('count')) problems.push('control: needs an amount or a count column');
    c.columns.forEach((x, i) => {
      if (x.field === 'amount' && !x.unit) problems.push(`control.columns.${i}: the amount needs a unit`);
      if (x.field === 'date' && !x.formats?.length) problems.push(`control.columns.${i}: the date needs formats`);
      for (const f of x.formats ?? []) {
        const err = checkFormat(f, 'date');
        if (err) problems.push(`control.columns.${i} format "${f}": ${err}`);
      }
      if (x.pattern) checkRegex(`control.columns.${i}.pattern`, x.pattern);
    });
    if (!has(c.lineKey)) problems.push(`control.lineKey: no column feeds "${c.lineKey}"`);
    for (const s of c.sameAs) if (!has(s)) problems.push(`control.sameAs: no column feeds "${s}"`);
  }
  for (const u of p.unique) if (!has(u)) problems.push(`unique: no column feeds "${u}"`);
  if (p.statusOk && !has('status')) problems.push('statusOk: needs a status column');
  if (problems.length) throw new ProfileError(problems);
  return p;
}

/** validateProfile for JSON text or parsed JSON. */
export function loadProfile(json: unknown): ColumnProfile {
  if (typeof json === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (e) {
      throw new ProfileError([`not JSON: ${(e as Error).message}`]);
    }
    return validateProfile(parsed);
  }
  return validateProfile(json);
}

function namedGroups(pattern: string): string[] {
  return [...pattern.matchAll(/\(\?<([A-Za-z][A-Za-z0-9]*)>/g)].map((m) => m[1]!);
}

/** "lakala" v1 → "lakala-profile:v1" (StatementHeader.format), "lakala@1" (profileVersion). */
export function profileFormat(p: Pick<ColumnProfile, 'id' | 'version'>): string {
  return `${p.id}-profile:v${p.version}`;
}
export function profileVersionTag(p: Pick<ColumnProfile, 'id' | 'version'>): string {
  return `${p.id}@${p.version}`;
}

// ---------------------------------------------------------------------------------------------
// Header matching

/** A header as compared: width-folded, blanks removed (CCB pads with spaces, 币　　种), lower-case. */
export function headerKey(text: string): string {
  return foldWidth(trimCell(text))
    .replace(/[\s\u3000]+/g, '')
    .toLowerCase();
}

export interface ColumnMapping {
  /** For each canonical field, the column indexes that feed it (more than one only for join). */
  byField: Map<CanonicalField, { spec: ColumnSpec; indexes: number[] }>;
  /** The header as printed for each column (for raw and messages); unnamed columns get "#n". */
  names: string[];
  missingRequired: { field: CanonicalField; headers: string[] }[];
}

/** True when every mustInclude entry is among the row's cells. Returns the share of profile headers present too. */
export function headerRowScore(
  cells: string[],
  locator: { mustInclude: (string | string[])[] },
  columns: { headers: string[] }[],
): number {
  const keys = new Set(cells.map(headerKey).filter(Boolean));
  if (keys.size === 0) return 0;
  for (const need of locator.mustInclude) {
    const options = Array.isArray(need) ? need : [need];
    if (!options.some((o) => keys.has(headerKey(o)))) return 0;
  }
  const known = columns.filter((c) => c.headers.some((h) => keys.has(headerKey(h)))).length;
  return columns.length ? known / columns.length : 1;
}

/** How many mustInclude entries a row has (for the "header not found" report). */
export function headerRowHits(cells: string[], locator: { mustInclude: (string | string[])[] }): number {
  const keys = new Set(cells.map(headerKey).filter(Boolean));
  return locator.mustInclude.filter((need) => (Array.isArray(need) ? need : [need]).some((o) => keys.has(headerKey(o))))
    .length;
}

export function mapColumns(cells: string[], columns: ColumnSpec[]): ColumnMapping {
  const keys = cells.map(headerKey);
  const names = cells.map((c, i) => trimCell(c) || `#${i + 1}`);
  const seen = new Map<string, number>();
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    if (k > 1) names[i] = `${n} (${k})`;
  }
  const byField = new Map<CanonicalField, { spec: ColumnSpec; indexes: number[] }>();
  const used = new Set<number>();
  for (const spec of columns) {
    if (byField.has(spec.field)) continue; // an earlier spec for the field was found
    const indexes: number[] = [];
    for (const h of spec.headers) {
      const k = headerKey(h);
      const idx = keys.findIndex((x, i) => x === k && !used.has(i));
      if (idx >= 0) {
        indexes.push(idx);
        if (!spec.join) break;
      }
    }
    if (indexes.length) {
      for (const i of indexes) used.add(i);
      byField.set(spec.field, { spec, indexes });
    }
  }
  const missingRequired: ColumnMapping['missingRequired'] = [];
  const requiredFields = new Set(columns.filter((c) => c.required).map((c) => c.field));
  for (const f of requiredFields) {
    if (!byField.has(f)) {
      missingRequired.push({ field: f, headers: columns.filter((c) => c.field === f).flatMap((c) => c.headers) });
    }
  }
  return { byField, names, missingRequired };
}

// ---------------------------------------------------------------------------------------------
// Money

const EMPTY_MONEY = /^(|-|--|—)$/;

/** True for what a debit/credit/fee cell prints when there is nothing: blank, "-", "--". */
export function isEmptyMoney(text: string): boolean {
  return EMPTY_MONEY.test(text.trim());
}

/** Money text in the column's unit → signed integer fen; throws MoneyFormatError with a reason. */
export function moneyToFen(text: string, u: 'fen' | 'yuan'): number {
  const t = foldWidth(text).trim();
  if (u === 'yuan') return yuanToFen(t);
  // Fen columns are integers; correctly grouped thousands separators are allowed ("12,345").
  const plain = /^[+-]?\d{1,3}(,\d{3})+$/.test(t) ? t.replace(/,/g, '') : t;
  if (/^[+-]?\d+\.\d*$/.test(plain))
    throw new MoneyFormatError(
      text,
      'this column is in fen (whole numbers); a decimal point means the file is in yuan or the profile is wrong',
    );
  return fenText(plain);
}

// ---------------------------------------------------------------------------------------------
// Dates and times

interface CompiledFormat {
  re: RegExp;
  parts: ('y' | 'M' | 'd' | 'H' | 'm' | 's')[];
}

const TOKEN = /yyyy|MM|M|dd|d|HH|H|mm|ss/g;
const formatCache = new Map<string, CompiledFormat>();

function compileFormat(fmt: string): CompiledFormat {
  const cached = formatCache.get(fmt);
  if (cached) return cached;
  const parts: CompiledFormat['parts'] = [];
  let src = '';
  let last = 0;
  for (const m of fmt.matchAll(TOKEN)) {
    src += escapeRe(fmt.slice(last, m.index));
    const tok = m[0];
    const part =
      tok[0] === 'y'
        ? 'y'
        : tok[0] === 'M'
          ? 'M'
          : tok[0] === 'd'
            ? 'd'
            : tok[0] === 'H'
              ? 'H'
              : tok[0] === 'm'
                ? 'm'
                : 's';
    parts.push(part);
    src += tok === 'yyyy' ? '(\\d{4})' : tok.length === 2 ? '(\\d{2})' : '(\\d{1,2})';
    last = m.index + tok.length;
  }
  src += escapeRe(fmt.slice(last));
  const out = { re: new RegExp(`^${src}$`), parts };
  formatCache.set(fmt, out);
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function checkFormat(fmt: string, field: TimeField | 'date'): string | null {
  const { parts } = compileFormat(fmt);
  const set = new Set(parts);
  if (parts.length !== set.size) return 'a part appears twice';
  const hasDate = set.has('y') && set.has('M') && set.has('d');
  const hasTime = set.has('H') && set.has('m');
  const anyDate = set.has('y') || set.has('M') || set.has('d');
  if (field === 'time') return hasTime && !anyDate ? null : 'a time format needs HH and mm (and no date parts)';
  if (field === 'occurredAt') return hasDate && hasTime ? null : 'needs yyyy, MM, dd, HH and mm';
  return hasDate ? null : 'needs yyyy, MM and dd';
}

export interface WallClock {
  date: string; // YYYY-MM-DD
  time: string | null; // HH:mm:ss, null when the column prints no time
}

/** Excel serials are turned into these by tabular.ts; they are accepted whatever the profile says. */
const CANONICAL_FORMATS = ['yyyy-MM-dd HH:mm:ss', 'yyyy-MM-dd', 'HH:mm:ss'];

/** Parse a date, time or date-time cell with the given formats. Returns null when none fits. */
export function parseWallClock(text: string, formats: string[]): WallClock | null {
  const t = foldWidth(text).trim();
  for (const fmt of [...formats, ...CANONICAL_FORMATS]) {
    const { re, parts } = compileFormat(fmt);
    const m = re.exec(t);
    if (!m) continue;
    const v: Partial<Record<CompiledFormat['parts'][number], string>> = {};
    parts.forEach((p, i) => (v[p] = m[i + 1]!));
    let date = '';
    if (v.y && v.M && v.d) {
      date = `${v.y}-${v.M.padStart(2, '0')}-${v.d.padStart(2, '0')}`;
      if (!isIsoDate(date)) return null;
    }
    let time: string | null = null;
    if (v.H !== undefined && v.m !== undefined) {
      const H = Number(v.H);
      const mi = Number(v.m);
      const s = v.s !== undefined ? Number(v.s) : 0;
      if (H > 23 || mi > 59 || s > 59) return null;
      time = `${String(H).padStart(2, '0')}:${String(mi).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
    }
    if (!date && !time) continue;
    return { date, time };
  }
  return null;
}

/** ISO +08:00 of a Beijing wall clock; a missing time is midnight. */
export function wallClockIso(w: WallClock): string {
  return beijingWallClockToIso(`${w.date} ${w.time ?? '00:00:00'}`);
}

/** The business day of a Beijing wall clock under a cut-off "HH:mm" (null = midnight). */
export function businessDayOf(w: WallClock, cutoff: string | null): string {
  if (!cutoff || w.time === null) return w.date;
  return w.time >= `${cutoff}:00` ? addDays(w.date, 1) : w.date;
}
