// Profile-driven statement parsers (design/statement-formats.md §3–§7c): one StatementParser built
// from column profiles (profile.ts) for every tabular format whose layout we describe rather than
// hard-code — Lakala, UnionPay POS acquiring detail, Allinpay, our cash template, Chinese bank
// Excel/CSV exports.
//
// Every physical row ends up as exactly one of: a title row above the header (noted), the header,
// a statement line, a known summary/totals/footer row (its totals checked), a control-table row
// (cash deposit slips, checked against the lines), a blank row, or an error naming its line, the
// header as printed and what to do. Nothing is dropped silently.
//
// Streaming: CSV rows come one at a time from source.lines(); only counters, sums, capped issue
// lists, a compact id set (unique fields) and per-group sums (control tables) are kept, so memory
// stays flat however long the file is. Lines go to opts.emit in batches. Workbooks are small by
// nature and are read whole by tabular.ts.
import { Unzip, UnzipInflate } from 'fflate';
import type { Channel } from '../../domain/channels';
import { addDays } from '../../domain/dates';
import { MoneyFormatError } from '../../domain/money';
import { allinpayProfiles, bankProfiles, cashProfiles, lakalaProfiles, unionpayPosProfiles } from '../profiles';
import {
  businessDayOf,
  headerKey,
  headerRowHits,
  headerRowScore,
  ID_FIELDS,
  isEmptyMoney,
  isMoneyField,
  loadProfile,
  mapColumns,
  moneyToFen,
  parseWallClock,
  ProfileError,
  profileFormat,
  profileVersionTag,
  wallClockIso,
  type CanonicalField,
  type ColumnMapping,
  type ColumnProfile,
  type ControlColumn,
  type ControlSpec,
  type LineTextField,
  type MoneyField,
  type SummaryGroup,
  type WallClock,
} from '../profile';
import { SourceError } from '../source';
import {
  disguisedWorkbook,
  guessDelimiter,
  openTables,
  TabularError,
  type OpenedTables,
  type Table,
  type TableRow,
} from '../tabular';
import { CompactIdSet, foldWidth, IssueLog, looksExcelMangled, parseWholeCount } from '../text';
import type {
  Detection,
  LineKind,
  ParseIssue,
  ParseOptions,
  ParseOutcome,
  SniffInput,
  StatementHeader,
  StatementLine,
  StatementParser,
  StatementSource,
  SummaryTotals,
} from '../types';
import { readZip, ZipError } from '../zip';

const BATCH = 2000;
const LINE_TEXT: readonly LineTextField[] = [
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
];
const CURRENCY_OK = new Set(['', 'cny', 'rmb', '人民币', '156', '人民币元']);

export interface ProfileParserDef {
  /** Family name (StatementParser.format), e.g. 'lakala-profile'. */
  format: string;
  channel: Channel;
  /** Built-in profiles tried in order; the one whose header fits best is used. */
  profiles: ColumnProfile[];
}

export function createProfileParser(def: ProfileParserDef): StatementParser {
  return {
    format: def.format,
    channel: def.channel,
    sniff: (head) => sniffProfiles(def.profiles, head),
    parse: (source, opts) => parseWithProfiles(def, source, opts),
  };
}

// ---------------------------------------------------------------------------------------------
// Sniffing: by header names in the content, never the file name.

function sniffProfiles(profiles: ColumnProfile[], head: SniffInput): number {
  let best = 0;
  for (const p of profiles) best = Math.max(best, sniffProfile(p, head));
  return best;
}

function containerAllowed(p: ColumnProfile, c: Detection['container']): boolean {
  if (p.container === 'auto') return true;
  if (p.container === 'csv') return c === 'plain';
  if (p.container === 'zip') return c === 'zip';
  return p.container === c;
}

/** 0.6–0.95 when a row of the file is this profile's header (more known columns = higher). */
function rowsScore(p: ColumnProfile, lines: string[]): number {
  const delimiters = p.delimiter === 'auto' ? [',', '\t', '|', ';'] : [p.delimiter];
  let best = 0;
  for (const line of lines.slice(0, p.header.searchRows)) {
    for (const d of delimiters) {
      const cells = line.split(d).map((c) => c.replace(/^[\s"'`=]+|[\s"'`]+$/g, ''));
      const s = headerRowScore(cells, p.header, p.columns);
      if (s > 0) best = Math.max(best, 0.6 + 0.35 * s);
      else if (p.control && headerRowScore(cells, p.control.header, []) > 0) best = Math.max(best, 0.5);
    }
  }
  return best;
}

/** Header names found anywhere in a bag of strings (a workbook's strings): weaker evidence. */
function bagScore(p: ColumnProfile, strings: string[]): number {
  const s = headerRowScore(strings, p.header, p.columns);
  return s > 0 ? 0.5 + 0.3 * s : 0;
}

function sniffProfile(p: ColumnProfile, head: SniffInput): number {
  if (head.container === 'plain' || head.container === 'xml') {
    const disguise = disguisedWorkbook(head.text);
    if (disguise) {
      // A web page (or Excel 2003 XML) saved as .xls that carries our headers: claim it, so that the
      // parse refuses it with a message saying how to get a real workbook.
      const cells = head.text
        .split(/<[^>]*>/)
        .map((c) => unescapeXml(c.replace(/&nbsp;/g, ' ')).trim())
        .filter(Boolean);
      return bagScore(p, cells) > 0 ? 0.45 : 0;
    }
    if (head.container === 'xml') return 0;
    if (!containerAllowed(p, 'plain')) return 0;
    return rowsScore(p, head.text.split(/\r?\n/));
  }
  if (!containerAllowed(p, head.container)) {
    // A zip may hold the profile's csv/xlsx members.
    if (!(head.container === 'zip' && p.container !== 'csv')) return 0;
  }
  if (head.container === 'xlsx') return bagScore(p, xlsxHeadStrings(head.bytes));
  if (head.container === 'xls') return xlsHeadScore(p, head.bytes);
  if (head.container === 'zip') {
    let best = 0;
    for (const m of head.zipMembers ?? []) best = Math.max(best, rowsScore(p, [m.head]));
    if (best === 0) {
      try {
        for (const m of readZip(head.bytes)) {
          const text = new TextDecoder('utf-8').decode(m.bytes.subarray(0, 16384));
          const gbk = new TextDecoder('gb18030').decode(m.bytes.subarray(0, 16384));
          best = Math.max(best, rowsScore(p, text.split(/\r?\n/)), rowsScore(p, gbk.split(/\r?\n/)));
        }
      } catch {
        // The zip is larger than the sniff window: the first lines of its members decided.
      }
    }
    return best;
  }
  return 0;
}

/** Strings from the start of an .xlsx (shared strings and inline strings), from a possibly cut prefix. */
export function xlsxHeadStrings(bytes: Uint8Array): string[] {
  const parts: string[] = [];
  const decoder = new TextDecoder('utf-8');
  const uz = new Unzip((file) => {
    if (!/^xl\/(sharedStrings\.xml|worksheets\/sheet\d+\.xml)$/.test(file.name)) return;
    let size = 0;
    file.ondata = (err, data) => {
      if (err || size > 1 << 20) return;
      size += data.length;
      parts.push(decoder.decode(data, { stream: true }));
    };
    file.start();
  });
  uz.register(UnzipInflate);
  try {
    uz.push(bytes, false);
  } catch {
    // A cut member at the end of the window: what was inflated so far is enough.
  }
  const xml = parts.join('');
  const out: string[] = [];
  for (const m of xml.matchAll(/<t(?:\s[^>]*)?>([^<]*)<\/t>/g)) out.push(unescapeXml(m[1]!));
  return out;
}

function unescapeXml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => {
    const k = e.toLowerCase();
    if (k === 'amp') return '&';
    if (k === 'lt') return '<';
    if (k === 'gt') return '>';
    if (k === 'quot') return '"';
    if (k === 'apos') return "'";
    return String.fromCodePoint(k.startsWith('#x') ? parseInt(k.slice(2), 16) : parseInt(k.slice(1), 10));
  });
}

/** .xls (BIFF8) stores Chinese strings as UTF-16LE: look for the header names' bytes. */
function xlsHeadScore(p: ColumnProfile, bytes: Uint8Array): number {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const present = (name: string) =>
    buf.includes(Buffer.from(name, 'utf16le')) || buf.includes(Buffer.from(name, 'latin1'));
  for (const need of p.header.mustInclude) {
    const options = Array.isArray(need) ? need : [need];
    if (!options.some(present)) return 0;
  }
  const known = p.columns.filter((c) => c.headers.some(present)).length;
  return 0.5 + 0.3 * (p.columns.length ? known / p.columns.length : 1);
}

// ---------------------------------------------------------------------------------------------
// Parsing

interface Issues {
  errors: IssueLog;
  warnings: IssueLog;
  notes: string[];
}

function issue(
  line: number | null,
  member: string | null,
  field: string | null,
  code: string,
  message: string,
): ParseIssue {
  return member ? { line, member, field, code, message } : { line, field, code, message };
}

function emptyHeader(channel: Channel, format: string, p: ColumnProfile | null): StatementHeader {
  return {
    channel,
    format: p ? profileFormat(p) : format,
    variant: p ? p.id : null,
    businessDate: null,
    merchantId: null,
    periodStart: null,
    periodEnd: null,
    currency: 'CNY',
    summary: null,
    profileVersion: p ? profileVersionTag(p) : null,
  };
}

function failed(
  def: ProfileParserDef,
  source: StatementSource,
  p: ColumnProfile | null,
  errors: ParseIssue[],
  notes: string[] = [],
): ParseOutcome {
  return {
    header: emptyHeader(def.channel, def.format, p),
    lineCount: 0,
    errors,
    warnings: [],
    tieOut: null,
    detection: { ...source.detection, confidence: 0, notes: [...source.detection.notes, ...notes] },
  };
}

function fatalIssue(e: unknown): ParseIssue | null {
  if (e instanceof TabularError || e instanceof ZipError || e instanceof SourceError) {
    return issue(
      e instanceof SourceError ? e.line : null,
      e instanceof ZipError ? e.member : null,
      null,
      e.code,
      e.message,
    );
  }
  return null;
}

interface TableScan {
  table: Table;
  headerLine: number | null;
  headerScore: number;
  controlLine: number | null;
  /** The row with most of the header's names, for the "header not found" report. */
  closest: { line: number; cells: string[]; hits: number } | null;
  /** The first row that could not be decoded: a header hidden by a wrong encoding. */
  decodeError: { line: number; message: string } | null;
}

async function scanTable(p: ColumnProfile, table: Table): Promise<TableScan> {
  const scan: TableScan = {
    table,
    headerLine: null,
    headerScore: 0,
    controlLine: null,
    closest: null,
    decodeError: null,
  };
  const limit = Math.max(p.header.searchRows, p.control?.header.searchRows ?? 0);
  let n = 0;
  for await (const row of table.rows()) {
    n++;
    if (row.decodeError && !scan.decodeError) scan.decodeError = { line: row.lineNo, message: row.decodeError };
    if (scan.headerLine === null) {
      const s = headerRowScore(row.cells, p.header, p.columns);
      if (s > 0 && n <= p.header.searchRows) {
        scan.headerLine = row.lineNo;
        scan.headerScore = s;
      } else {
        const hits = headerRowHits(row.cells, p.header);
        if (hits > 0 && (!scan.closest || hits > scan.closest.hits))
          scan.closest = { line: row.lineNo, cells: row.cells, hits };
      }
    }
    if (p.control && scan.controlLine === null && scan.headerLine === null && n <= p.control.header.searchRows) {
      if (headerRowScore(row.cells, p.control.header, []) > 0) scan.controlLine = row.lineNo;
    }
    if (n >= limit || (scan.headerLine !== null && (scan.controlLine !== null || !p.control))) break;
  }
  return scan;
}

function delimiterChooser(p: ColumnProfile): (sample: string[]) => string {
  return (sample) => {
    if (p.delimiter !== 'auto') return p.delimiter;
    for (const line of sample.slice(0, p.header.searchRows)) {
      for (const d of [',', '\t', '|', ';']) {
        const cells = line.split(d).map((c) => c.replace(/^[\s"'`=]+|[\s"'`]+$/g, ''));
        if (headerRowScore(cells, p.header, p.columns) > 0) return d;
        if (p.control && headerRowScore(cells, p.control.header, []) > 0) return d;
      }
    }
    return guessDelimiter(sample);
  };
}

async function parseWithProfiles(
  def: ProfileParserDef,
  source: StatementSource,
  opts: ParseOptions,
): Promise<ParseOutcome> {
  let candidates = def.profiles;
  if (opts.profile !== undefined) {
    try {
      const p = loadProfile(opts.profile);
      if (p.channel !== def.channel) {
        return failed(def, source, null, [
          issue(null, null, null, 'bad_profile', `profile "${p.id}" is for channel ${p.channel}, not ${def.channel}`),
        ]);
      }
      candidates = [p];
    } catch (e) {
      if (e instanceof ProfileError)
        return failed(def, source, null, [issue(null, null, null, 'bad_profile', e.message)]);
      throw e;
    }
  }

  // Choose the profile whose header row is found, best coverage first.
  let chosen: { p: ColumnProfile; opened: OpenedTables; scans: TableScan[]; score: number } | null = null;
  let closestReport: { p: ColumnProfile; scans: TableScan[]; hits: number } | null = null;
  let lastFatal: ParseIssue | null = null;
  let encodingProblem: ParseIssue | null = null;
  for (const p of candidates) {
    let opened: OpenedTables;
    try {
      opened = await openTables(source, {
        container: p.container,
        encoding: p.encoding,
        delimiter: delimiterChooser(p),
      });
    } catch (e) {
      const f = fatalIssue(e);
      if (!f) throw e;
      lastFatal = f;
      continue;
    }
    const scans: TableScan[] = [];
    for (const t of opened.tables) {
      if (p.sheet && t.name !== null && t.name.split('!').pop() !== p.sheet) continue;
      scans.push(await scanTable(p, t));
    }
    const score = Math.max(0, ...scans.map((s) => s.headerScore));
    const hasControlOnly = scans.some((s) => s.controlLine !== null);
    if ((score > 0 || hasControlOnly) && (!chosen || score > chosen.score)) chosen = { p, opened, scans, score };
    const hits = Math.max(0, ...scans.map((s) => s.closest?.hits ?? 0));
    if (!closestReport || hits > closestReport.hits) closestReport = { p, scans, hits };
    const undecodable = scans.find((s) => s.decodeError);
    if (undecodable?.decodeError && score === 0) {
      encodingProblem ??= issue(
        undecodable.decodeError.line,
        undecodable.table.name,
        null,
        'bad_encoding',
        undecodable.decodeError.message,
      );
    }
  }
  if (!chosen) {
    if (encodingProblem)
      return failed(def, source, candidates.length === 1 ? candidates[0]! : null, [
        encodingProblem,
        headerNotFound(closestReport),
      ]);
    if (lastFatal && (!closestReport || closestReport.hits === 0))
      return failed(def, source, candidates.length === 1 ? candidates[0]! : null, [lastFatal]);
    return failed(def, source, closestReport?.p ?? null, [headerNotFound(closestReport)]);
  }
  return new ProfileRun(def, chosen.p, source, opts, chosen.opened, chosen.scans, chosen.score).run();
}

function headerNotFound(report: { p: ColumnProfile; scans: TableScan[] } | null): ParseIssue {
  if (!report) return issue(null, null, null, 'missing_header', 'the file has no rows to read');
  const { p, scans } = report;
  const wanted = p.header.mustInclude.map((n) => (Array.isArray(n) ? n.join('/') : n)).join(', ');
  const closest = scans
    .map((s) => ({ s, c: s.closest }))
    .filter((x) => x.c)
    .sort((a, b) => b.c!.hits - a.c!.hits)[0];
  const where = closest
    ? ` The closest row is line ${closest.c!.line}${closest.s.table.name ? ` of ${closest.s.table.name}` : ''}, with: ${closest.c!.cells.filter(Boolean).join(' | ')}.`
    : scans.length
      ? ' No row has any of these names.'
      : ' The file has no sheet or table to read.';
  return issue(
    closest?.c?.line ?? null,
    closest?.s.table.name ?? null,
    null,
    'missing_header',
    `no header row with ${wanted} in the first ${p.header.searchRows} rows (profile ${p.title}, ${profileVersionTag(p)}).${where} Check that this is a ${p.title} file, or adjust the profile's header names.`,
  );
}

// Per-table sums, compared with the totals the table prints.
interface Sums {
  count: number;
  amount: number; // Σ amount column as printed
  fee: number;
  credit: number;
  debit: number;
  settleAmount: number;
  net: number;
  inCount: number;
  inAmount: number;
  outCount: number;
  outAmount: number;
}

function newSums(): Sums {
  return {
    count: 0,
    amount: 0,
    fee: 0,
    credit: 0,
    debit: 0,
    settleAmount: 0,
    net: 0,
    inCount: 0,
    inAmount: 0,
    outCount: 0,
    outAmount: 0,
  };
}

interface Check {
  name: string;
  printed: number;
  computed: number;
  ok: boolean;
}

interface ControlRow {
  line: number;
  member: string | null;
  amountFen: number | null;
  count: number | null;
  storeCode: string | null;
  amountHeader: string;
  countHeader: string;
}

interface BalanceTrack {
  prev: { balance: number; amount: number; line: number } | null;
  first: { balance: number; amount: number } | null;
  last: { balance: number; amount: number } | null;
  fwd: { line: number; expected: number; printed: number }[];
  fwdCount: number;
  revCount: number;
  swapCount: number;
  rows: number;
}

const BREAK_CAP = 100;

class ProfileRun {
  private readonly issues: Issues = { errors: new IssueLog(100), warnings: new IssueLog(100), notes: [] };
  private batch: StatementLine[] = [];
  private lineCount = 0;
  private readonly totals = newSums();
  private readonly checks: Check[] = [];
  private readonly printedSummary: Partial<Record<SummaryGroup, number>> = {};
  private readonly rawSummary: string[] = [];
  private merchantId: string | null = null;
  private readonly merchantsSeen = new Set<string>();
  private settleDate: string | null = null;
  private readonly settleDatesSeen = new Set<string>();
  private readonly days = new Map<string, { count: number; refs: { line: number; member: string | null }[] }>();
  private readonly uniques = new Map<CanonicalField, CompactIdSet>();
  private readonly controlRows = new Map<string, ControlRow>();
  private controlSeen = false;
  private mainSeen = false;
  private readonly groupSums = new Map<
    string,
    { fen: number; count: number; firstLine: number; member: string | null; stores: Set<string> }
  >();
  private opening: number | null = null;
  private closing: number | null = null;
  private newestFirst = false;
  private readonly typeMap: Map<string, { kind: LineKind; direction: 'in' | 'out' }>;
  private notSettled = 0;
  private readonly totalRowsRe: RegExp | null;
  private readonly footerRes: RegExp[];

  constructor(
    private readonly def: ProfileParserDef,
    private readonly p: ColumnProfile,
    private readonly source: StatementSource,
    private readonly opts: ParseOptions,
    private readonly opened: OpenedTables,
    private readonly scans: TableScan[],
    private readonly score: number,
  ) {
    this.typeMap = new Map(
      p.sign.kind === 'type' ? Object.entries(p.sign.types).map(([k, v]) => [headerKey(k), v]) : [],
    );
    this.totalRowsRe = p.totalRows ? cachedRe(p.totalRows) : null;
    this.footerRes = p.footers.map(cachedRe);
  }

  private err(line: number | null, member: string | null, field: string | null, code: string, message: string): void {
    this.issues.errors.add(issue(line, member, field, code, message));
  }
  private warn(line: number | null, member: string | null, field: string | null, code: string, message: string): void {
    this.issues.warnings.add(issue(line, member, field, code, message));
  }

  private async push(line: StatementLine): Promise<void> {
    this.batch.push(line);
    this.lineCount++;
    if (this.batch.length >= BATCH) await this.flush();
  }
  private async flush(): Promise<void> {
    if (!this.batch.length) return;
    const out = this.batch;
    this.batch = [];
    // emit may be async (the import service writes to the store): wait for it before reading on.
    await this.opts.emit(out);
  }

  async run(): Promise<ParseOutcome> {
    const { p } = this;
    const notes = this.issues.notes;
    notes.push(`profile ${profileVersionTag(p)} (${p.title})`, ...this.opened.notes);
    for (const scan of this.scans) {
      if (scan.headerLine === null && scan.controlLine === null) {
        const what = scan.table.name
          ? `${this.opened.container === 'zip' ? 'member' : 'sheet'} "${scan.table.name}"`
          : 'the file';
        if (this.opened.container === 'zip') {
          this.warn(
            null,
            scan.table.name,
            null,
            'member_ignored',
            `${what} has no ${p.title} header row; it was not read`,
          );
        } else notes.push(`${what} has no ${p.title} header row; not read`);
        continue;
      }
      try {
        await this.readTable(scan);
      } catch (e) {
        const f = fatalIssue(e);
        if (!f) throw e;
        this.issues.errors.add(f);
      }
    }
    await this.flush();
    this.finishControl();
    return this.outcome();
  }

  // ------------------------------------------------------------------ table

  private async readTable(scan: TableScan): Promise<void> {
    const { p } = this;
    const member = scan.table.name;
    const sums = newSums();
    const tableChecks: { name: string; group: keyof Sums; printed: number; line: number; field: string | null }[] = [];
    const balance: BalanceTrack = {
      prev: null,
      first: null,
      last: null,
      fwd: [],
      fwdCount: 0,
      revCount: 0,
      swapCount: 0,
      rows: 0,
    };
    let state: 'pre' | 'main' | 'control' = 'pre';
    let mapping: ColumnMapping | null = null;
    let headerCells: string[] = [];
    let control: {
      spec: ControlSpec;
      map: Map<ControlColumn['field'], { col: ControlColumn; index: number; name: string }>;
    } | null = null;
    const preRows: number[] = [];
    let blankRows = 0;
    const footerRows: number[] = [];
    let badRows = 0;

    for await (const row of scan.table.rows()) {
      const text = foldWidth(row.text).trim();
      const blank = row.cells.every((c) => c === '');
      // The main header: where the scan found it, or after a control table that came first.
      const mainHeader =
        (state === 'pre' && row.lineNo === scan.headerLine) ||
        (state === 'control' && !this.mainSeen && headerRowScore(row.cells, p.header, p.columns) > 0);
      if (state === 'pre' || mainHeader) {
        if (mainHeader) {
          mapping = mapColumns(row.cells, p.columns);
          headerCells = row.cells;
          if (mapping.missingRequired.length) {
            const missing = mapping.missingRequired.map((m) => m.headers.join(' / ')).join('; ');
            this.err(
              row.lineNo,
              member,
              null,
              'missing_header',
              `required column(s) missing: ${missing}. The header row (line ${row.lineNo}) has: ${row.cells.filter(Boolean).join(' | ')}. Export the statement with these columns, or adjust the profile ${profileVersionTag(p)}.`,
            );
            return; // the file is refused; reading its rows would only repeat the same problem
          }
          const signProblem = signColumnsMissing(p, mapping);
          if (signProblem) {
            this.err(
              row.lineNo,
              member,
              null,
              'missing_header',
              `${signProblem}. The header row (line ${row.lineNo}) has: ${row.cells.filter(Boolean).join(' | ')}.`,
            );
            return;
          }
          this.lastMapping = mapping;
          this.mainSeen = true;
          state = 'main';
          continue;
        }
        if (p.control && row.lineNo === scan.controlLine) {
          control = this.openControl(row, member, p.control);
          if (!control) return;
          state = 'control';
          continue;
        }
        if (blank) {
          blankRows++;
          continue;
        }
        this.preambleRow(row);
        if (this.summaryRow(row, text, member, tableChecks)) continue;
        preRows.push(row.lineNo);
        continue;
      }
      if (blank) {
        blankRows++;
        continue;
      }
      if (row.decodeError) {
        this.err(row.lineNo, member, null, 'bad_encoding', row.decodeError);
        continue;
      }
      if (p.control && state === 'main' && headerRowScore(row.cells, p.control.header, []) > 0) {
        control = this.openControl(row, member, p.control);
        if (!control) return;
        state = 'control';
        continue;
      }
      if (state === 'main' && sameHeader(row.cells, headerCells)) {
        notes(this.issues, `line ${row.lineNo}${member ? ` of ${member}` : ''}: the header repeated (page break)`);
        continue;
      }
      if (this.summaryRow(row, text, member, tableChecks)) continue;
      if (this.totalRowsRe && this.totalRowsRe.test(row.cells.find((c) => c !== '') ?? '')) {
        if (state === 'main' && mapping) this.totalsRow(row, text, member, mapping, tableChecks);
        else this.rawSummary.push(text);
        continue;
      }
      if (this.footerRes.some((re) => re.test(text))) {
        if (footerRows.length < 1000) footerRows.push(row.lineNo);
        continue;
      }
      if (state === 'control' && control) await this.controlRow(row, member, control);
      else if (mapping && !(await this.dataRow(row, member, mapping, sums, balance))) badRows++;
    }

    const where = member ? ` of ${member}` : '';
    if (preRows.length) notes(this.issues, `${rangeText(preRows)}${where}: title rows above the header`);
    if (footerRows.length) notes(this.issues, `${rangeText(footerRows)}${where}: footer notes`);
    if (blankRows) notes(this.issues, `${blankRows} blank row(s)${where}`);
    this.finishBalance(balance, member);
    for (const c of tableChecks) {
      const computed = sums[c.group];
      const ok = computed === c.printed;
      this.checks.push({ name: c.name, printed: c.printed, computed, ok });
      if (!ok) {
        const isCount = c.group === 'count' || c.group === 'inCount' || c.group === 'outCount';
        const show = (n: number) => (isCount ? String(n) : fenYuan(n));
        const msg = `${c.name}: the file prints ${show(c.printed)} but its lines add up to ${show(computed)}${isCount ? ' lines' : ''} (difference ${show(c.printed - computed)}). ${badRows ? `${badRows} line(s) above have errors and are not counted; fix those first.` : 'A line may be missing or altered: get the statement again, or accept the difference explicitly.'}`;
        if (p.summaryMismatch === 'error') this.err(c.line, member, c.field, 'summary_mismatch', msg);
        else this.warn(c.line, member, c.field, 'summary_mismatch', msg);
      }
    }
    for (const k of Object.keys(sums) as (keyof Sums)[]) this.totals[k] += sums[k];
  }

  private preambleRow(row: TableRow): void {
    for (const rule of this.p.preamble) {
      const re = cachedRe(rule.pattern);
      for (let i = 0; i < row.cells.length; i++) {
        const cell = foldWidth(row.cells[i]!);
        const m = re.exec(cell);
        if (!m) continue;
        let value = cell.slice(m.index + m[0].length).trim();
        if (!value) value = row.cells.slice(i + 1).find((c) => c !== '') ?? '';
        if (!value) continue;
        if (rule.field === 'merchantId' && this.merchantId === null) this.merchantId = value;
        if (rule.field === 'currency' && !CURRENCY_OK.has(headerKey(value))) {
          this.err(
            row.lineNo,
            null,
            cell,
            'currency',
            `the statement is in ${value}; only CNY (人民币) statements are supported`,
          );
        }
      }
    }
  }

  /** A summary line (regex with named groups): records the printed totals to check at the end of the table. */
  private summaryRow(
    row: TableRow,
    text: string,
    member: string | null,
    tableChecks: { name: string; group: keyof Sums; printed: number; line: number; field: string | null }[],
  ): boolean {
    for (const s of this.p.summaries) {
      const m = cachedRe(s.pattern).exec(text);
      if (!m) continue;
      this.rawSummary.push(text);
      for (const [g, v] of Object.entries(m.groups ?? {})) {
        if (v === undefined) continue;
        const group = g as SummaryGroup;
        const isCount = group === 'count' || group === 'inCount' || group === 'outCount';
        let n: number | null;
        try {
          n = isCount ? parseWholeCount(v.replace(/,/g, '')) : moneyToFen(v, s.unit);
        } catch {
          n = null;
        }
        if (n === null) {
          this.err(
            row.lineNo,
            member,
            s.name ?? group,
            'bad_summary',
            `the summary value "${v}" (${group}) is not a ${isCount ? 'count' : 'amount'}`,
          );
          continue;
        }
        if (group === 'outAmount') n = Math.abs(n);
        this.printedSummary[group] = (this.printedSummary[group] ?? 0) + n;
        tableChecks.push({
          name: `${s.name ?? 'summary'} ${group}`,
          group,
          printed: n,
          line: row.lineNo,
          field: s.name ?? null,
        });
      }
      return true;
    }
    return false;
  }

  /** A 合计 row: each money column it fills is the column's printed total. */
  private totalsRow(
    row: TableRow,
    text: string,
    member: string | null,
    mapping: ColumnMapping,
    tableChecks: { name: string; group: keyof Sums; printed: number; line: number; field: string | null }[],
  ): void {
    this.rawSummary.push(text);
    for (const [field, m] of mapping.byField) {
      if (!isMoneyField(field) || field === 'balance') continue;
      const idx = m.indexes[0]!;
      const v = row.cells[idx] ?? '';
      if (isEmptyMoney(v)) continue;
      const header = mapping.names[idx]!;
      try {
        const fen = moneyToFen(v, m.spec.unit ?? 'yuan');
        tableChecks.push({ name: `合计 ${header}`, group: field, printed: fen, line: row.lineNo, field: header });
      } catch (e) {
        this.err(row.lineNo, member, header, 'bad_summary', `the total ${moneyMessage(e, v)}`);
      }
    }
    const count = /(\d[\d,]*)\s*(笔|条|items?)/i.exec(text);
    if (count) {
      const n = parseWholeCount(count[1]!.replace(/,/g, ''));
      if (n !== null)
        tableChecks.push({ name: '合计 笔数', group: 'count', printed: n, line: row.lineNo, field: null });
    }
  }

  // ------------------------------------------------------------------ data rows

  /** Reads one data row; returns false when the row had an error (and was not emitted). */
  private async dataRow(
    row: TableRow,
    member: string | null,
    mapping: ColumnMapping,
    sums: Sums,
    balance: BalanceTrack,
  ): Promise<boolean> {
    const { p } = this;
    const line = row.lineNo;
    let bad = false;
    const fail = (field: string | null, code: string, message: string) => {
      bad = true;
      this.err(line, member, field, code, message);
    };
    const headerOf = (f: CanonicalField) => {
      const m = mapping.byField.get(f);
      return m ? mapping.names[m.indexes[0]!]! : f;
    };
    const value = (f: CanonicalField): string => {
      const m = mapping.byField.get(f);
      if (!m) return '';
      if (m.indexes.length === 1) return row.cells[m.indexes[0]!] ?? '';
      return m.indexes
        .map((i) => row.cells[i] ?? '')
        .filter(Boolean)
        .join('; ');
    };

    // Field count (CSV): values beyond the header are data we cannot place.
    if (
      row.numeric === null &&
      row.cells.length > mapping.names.length &&
      row.cells.slice(mapping.names.length).some((c) => c !== '')
    ) {
      fail(
        null,
        'field_count',
        `the line has ${row.cells.length} fields but the header has ${mapping.names.length}: a value probably contains the separator without quotes`,
      );
      return false;
    }
    // A row with no amount and no date is not a statement line: say so rather than list every missing field.
    const substantive = substantiveFields(mapping);
    if (substantive.every((f) => value(f) === '' || (isMoneyField(f) && isEmptyMoney(value(f))))) {
      fail(
        null,
        'unknown_row',
        `this row is neither a statement line (no amount, no date) nor a known total or footer: "${row.text.slice(0, 120)}"`,
      );
      return false;
    }

    const raw: Record<string, string> = {};
    const width = Math.max(mapping.names.length, row.cells.length);
    for (let i = 0; i < width; i++) raw[mapping.names[i] ?? `#${i + 1}`] = row.cells[i] ?? '';

    // Per-column rules.
    for (const [field, m] of mapping.byField) {
      const v = value(field);
      const h = headerOf(field);
      if (v === '' || (isMoneyField(field) && isEmptyMoney(v))) {
        if (m.spec.nonEmpty) fail(h, 'missing_value', `${h} is empty; every line needs it`);
        continue;
      }
      if (m.spec.pattern && !cachedRe(`^(?:${m.spec.pattern})$`).test(v)) {
        fail(h, 'bad_value', `"${v}" is not a valid ${h} (expected ${m.spec.pattern})`);
      }
      if (m.spec.oneOf && !m.spec.oneOf.includes(v))
        fail(h, 'bad_value', `"${v}" is not a valid ${h}; use one of ${m.spec.oneOf.join(', ')}`);
      if (ID_FIELDS.has(field)) {
        const idx = m.indexes[0]!;
        const lossy = row.numeric?.[idx] === true && v.replace(/\D/g, '').length > 15;
        if (looksExcelMangled(v) || lossy) {
          fail(
            h,
            'excel_mangled',
            `${h} "${v}" was turned into a number by Excel and has lost digits; export the statement again (or format the column as text before saving) — it cannot be matched as it is`,
          );
        }
      }
    }

    // Time.
    let wall: WallClock | null = null;
    const occ = value('occurredAt');
    if (mapping.byField.has('occurredAt') && occ) {
      wall = parseWallClock(occ, mapping.byField.get('occurredAt')!.spec.formats ?? []);
      if (!wall || !wall.date) {
        fail(
          headerOf('occurredAt'),
          'bad_time',
          `"${occ}" is not a date and time in the form ${(mapping.byField.get('occurredAt')!.spec.formats ?? []).join(' or ')}`,
        );
        wall = null;
      }
    } else if (mapping.byField.has('date') && value('date')) {
      const d = parseWallClock(value('date'), mapping.byField.get('date')!.spec.formats ?? []);
      if (!d || !d.date)
        fail(
          headerOf('date'),
          'bad_time',
          `"${value('date')}" is not a date in the form ${(mapping.byField.get('date')!.spec.formats ?? []).join(' or ')}`,
        );
      else {
        wall = { date: d.date, time: d.time };
        const t = value('time');
        if (mapping.byField.has('time') && t) {
          const tt = parseWallClock(t, mapping.byField.get('time')!.spec.formats ?? []);
          if (!tt || tt.time === null || tt.date)
            fail(
              headerOf('time'),
              'bad_time',
              `"${t}" is not a time in the form ${(mapping.byField.get('time')!.spec.formats ?? []).join(' or ')}`,
            );
          else wall = { date: d.date, time: tt.time };
        }
      }
    } else {
      fail(
        headerOf(mapping.byField.has('occurredAt') ? 'occurredAt' : 'date'),
        'missing_value',
        `the line has no ${headerOf(mapping.byField.has('occurredAt') ? 'occurredAt' : 'date')}; every line needs its date`,
      );
    }

    // Settle date (the file's day).
    const sd = value('settleDate');
    if (mapping.byField.has('settleDate') && sd) {
      const w = parseWallClock(sd, mapping.byField.get('settleDate')!.spec.formats ?? []);
      if (!w || !w.date)
        fail(
          headerOf('settleDate'),
          'bad_time',
          `"${sd}" is not a date in the form ${(mapping.byField.get('settleDate')!.spec.formats ?? []).join(' or ')}`,
        );
      else {
        if (this.settleDate === null) this.settleDate = w.date;
        else if (w.date !== this.settleDate && !this.settleDatesSeen.has(w.date)) {
          this.warn(
            line,
            member,
            headerOf('settleDate'),
            'settle_date_mixed',
            `${headerOf('settleDate')} ${w.date} differs from ${this.settleDate} on the first line: the file covers more than one day`,
          );
        }
        this.settleDatesSeen.add(w.date);
      }
    }

    // Money.
    const money: Partial<Record<MoneyField, number>> = {};
    for (const f of ['amount', 'fee', 'credit', 'debit', 'balance', 'settleAmount'] as const) {
      const m = mapping.byField.get(f);
      if (!m) continue;
      const v = value(f);
      if (isEmptyMoney(v)) continue;
      try {
        money[f] = moneyToFen(v, m.spec.unit ?? 'yuan');
      } catch (e) {
        fail(headerOf(f), 'bad_amount', moneyMessage(e, v));
      }
    }

    // Sign.
    let amountFen = 0;
    let kind: LineKind = 'payment';
    const typeText = value('type');
    if (p.sign.kind === 'signed') {
      if (money.amount === undefined) {
        if (!bad)
          fail(headerOf('amount'), 'missing_value', `${headerOf('amount')} is empty; every line needs an amount`);
      } else {
        amountFen = money.amount;
        kind = amountFen < 0 ? p.sign.negativeKind : p.sign.positiveKind;
      }
    } else if (p.sign.kind === 'type') {
      const rule = this.typeMap.get(headerKey(typeText));
      if (!typeText)
        fail(
          headerOf('type'),
          'missing_value',
          `${headerOf('type')} is empty; the type decides whether the line is money in or out`,
        );
      else if (!rule) {
        fail(
          headerOf('type'),
          'unknown_type',
          `${headerOf('type')} "${typeText}" is not a known type (known: ${Object.keys(p.sign.types).join(', ')}); add it to the profile with its direction`,
        );
      } else if (money.amount === undefined) {
        if (!bad)
          fail(headerOf('amount'), 'missing_value', `${headerOf('amount')} is empty; every line needs an amount`);
      } else {
        const printed = money.amount;
        kind = rule.kind;
        if (rule.direction === 'in') {
          if (printed < 0)
            fail(
              headerOf('amount'),
              'sign_conflict',
              `${headerOf('type')} "${typeText}" is money in, but ${headerOf('amount')} is negative (${fenYuan(printed)}); the file or the profile's type map is wrong`,
            );
          amountFen = printed;
        } else amountFen = printed > 0 ? -printed : printed; // 撤销/退货 are outflows even when printed positive
      }
    } else if (p.sign.allowSigned && !mapping.byField.has('credit') && !mapping.byField.has('debit')) {
      if (money.amount === undefined) {
        if (!bad)
          fail(headerOf('amount'), 'missing_value', `${headerOf('amount')} is empty; every line needs an amount`);
      } else {
        amountFen = money.amount;
        kind = amountFen < 0 ? p.sign.outKind : p.sign.inKind;
      }
    } else {
      const credit = money.credit ?? 0;
      const debitRaw = money.debit ?? 0;
      const debit = Math.abs(debitRaw); // some banks print the 借 column negative; it is an outflow either way
      amountFen = credit - debit;
      kind = amountFen < 0 ? p.sign.outKind : p.sign.inKind;
      if (credit !== 0 && debit !== 0) {
        this.warn(
          line,
          member,
          null,
          'both_sides',
          `the line has both ${headerOf('credit')} ${fenYuan(credit)} and ${headerOf('debit')} ${fenYuan(debit)}; it is taken as the net ${fenYuan(amountFen)}`,
        );
      }
    }

    // Status filter: rows that moved no money are reported and not emitted.
    const status = value('status') || (p.sign.kind === 'type' ? typeText : '');
    if (
      !bad &&
      p.statusOk &&
      mapping.byField.has('status') &&
      !p.statusOk.some((s) => headerKey(s) === headerKey(status))
    ) {
      this.notSettled++;
      this.warn(
        line,
        member,
        headerOf('status'),
        'not_settled',
        `${headerOf('status')} is "${status}", not ${p.statusOk.join('/')}: the line moved no money and is not imported`,
      );
      return true;
    }

    // Currency.
    const cur = value('currency');
    if (cur && !CURRENCY_OK.has(headerKey(cur)))
      fail(
        headerOf('currency'),
        'currency',
        `${headerOf('currency')} is ${cur}; only CNY (人民币) lines are supported`,
      );

    // Merchant.
    const merchant = value('merchantId');
    if (merchant) {
      if (this.merchantId === null) this.merchantId = merchant;
      if (!this.merchantsSeen.has(merchant)) {
        this.merchantsSeen.add(merchant);
        if (this.opts.expectedMerchant && merchant !== this.opts.expectedMerchant) {
          fail(
            headerOf('merchantId'),
            'merchant_mismatch',
            `${headerOf('merchantId')} ${merchant} is not the merchant ${this.opts.expectedMerchant} this statement was requested for`,
          );
        } else if (merchant !== this.merchantId) {
          this.warn(
            line,
            member,
            headerOf('merchantId'),
            'merchant_mixed',
            `${headerOf('merchantId')} ${merchant} differs from ${this.merchantId} on the first line`,
          );
        }
      }
    }

    // Unique fields.
    for (const f of p.unique) {
      const v = value(f);
      if (!v) continue;
      let set = this.uniques.get(f);
      if (!set) this.uniques.set(f, (set = new CompactIdSet()));
      const first = set.add(`${v}`, line);
      if (first !== null)
        fail(
          headerOf(f),
          'duplicate',
          `${headerOf(f)} ${v} appears twice (first on line ${first}); each must be unique`,
        );
    }

    // Balance.
    if (p.balanceCheck) {
      if (money.balance === undefined) {
        if (!bad)
          fail(
            headerOf('balance'),
            'missing_value',
            `${headerOf('balance')} is empty; a bank statement line needs its balance`,
          );
      }
    }

    if (bad || !wall) {
      balance.prev = null; // do not chain a balance across a broken line
      return false;
    }
    if (p.balanceCheck && money.balance !== undefined) this.trackBalance(balance, money.balance, amountFen, line);

    const occurredAt = wallClockIso(wall);
    const bday = businessDayOf(wall, p.cutoff);
    this.tallyDay(bday, line, member);

    sums.count++;
    sums.amount += money.amount ?? 0;
    sums.fee += money.fee ?? 0;
    sums.credit += money.credit ?? 0;
    sums.debit += money.debit ?? 0;
    sums.settleAmount += money.settleAmount ?? 0;
    sums.net += amountFen;
    if (amountFen >= 0) {
      sums.inCount++;
      sums.inAmount += amountFen;
    } else {
      sums.outCount++;
      sums.outAmount += -amountFen;
    }

    if (p.control) {
      const key = value(p.control.lineKey);
      if (key) {
        let g = this.groupSums.get(key);
        if (!g) this.groupSums.set(key, (g = { fen: 0, count: 0, firstLine: line, member, stores: new Set() }));
        g.fen += amountFen;
        g.count++;
        const store = value('storeCode');
        if (store) g.stores.add(store);
      }
    }

    const out: StatementLine = {
      lineNo: line,
      kind,
      amountFen,
      feeFen: money.fee ?? 0,
      occurredAt,
      businessDate: bday,
      channelTxnId: null,
      merchantOrderNo: null,
      refundNo: null,
      originalTxnId: null,
      terminalId: null,
      refNo: null,
      voucherNo: null,
      batchNo: null,
      cardMasked: null,
      payerAccount: null,
      payerName: null,
      remark: null,
      status: status || null,
      raw,
    };
    if (member) out.member = member;
    for (const f of LINE_TEXT) {
      if (f === 'status') continue;
      const v = value(f);
      if (v) out[f] = v;
    }
    await this.push(out);
    return true;
  }

  private trackBalance(b: BalanceTrack, bal: number, amount: number, line: number): void {
    b.rows++;
    if (b.prev) {
      const expected = b.prev.balance + amount;
      if (expected !== bal) {
        b.fwdCount++;
        if (b.fwd.length < BREAK_CAP) b.fwd.push({ line, expected, printed: bal });
      }
      // Newest first: the previous row happened after this one.
      if (bal + b.prev.amount !== b.prev.balance) b.revCount++;
      if (b.prev.balance - amount !== bal) b.swapCount++;
    }
    b.prev = { balance: bal, amount, line };
    b.first ??= { balance: bal, amount };
    b.last = { balance: bal, amount };
  }

  private finishBalance(b: BalanceTrack, member: string | null): void {
    if (!this.p.balanceCheck || b.rows === 0) return;
    const bal = this.mappingHeader('balance');
    if (b.fwdCount === 0) {
      this.opening ??= b.first!.balance - b.first!.amount;
      this.closing = b.last!.balance;
      return;
    }
    if (b.revCount === 0 && b.rows > 1) {
      this.newestFirst = true;
      notes(
        this.issues,
        `rows are listed newest first${member ? ` in ${member}` : ''}; the running balance was checked in that order`,
      );
      this.opening ??= b.last!.balance - b.last!.amount;
      this.closing = b.first!.balance;
      return;
    }
    if (this.p.sign.kind === 'debitCredit' && b.swapCount === 0 && b.rows > 1) {
      this.err(
        null,
        member,
        bal,
        'balance_sign',
        `the running ${bal} only adds up if ${this.mappingHeader('debit')} is money in and ${this.mappingHeader('credit')} money out: this bank uses the columns the other way round. Fix the profile's debit/credit columns before importing.`,
      );
      return;
    }
    for (const br of b.fwd) {
      this.err(
        br.line,
        member,
        bal,
        'balance_mismatch',
        `${bal} ${fenYuan(br.printed)} does not follow from the line before: previous ${bal} plus this line's amount is ${fenYuan(br.expected)} (difference ${fenYuan(br.printed - br.expected)}). A line is missing or the export was filtered; export the full statement again.`,
      );
    }
    if (b.fwdCount > b.fwd.length) {
      this.err(
        null,
        member,
        bal,
        'balance_mismatch',
        `${b.fwdCount - b.fwd.length} more ${bal} breaks; only the first ${b.fwd.length} are listed`,
      );
    }
  }

  private lastMapping: ColumnMapping | null = null;
  /** The header as printed in the file for a field (or the profile's preferred name). */
  private mappingHeader(field: CanonicalField): string {
    const m = this.lastMapping?.byField.get(field);
    if (m && this.lastMapping) return this.lastMapping.names[m.indexes[0]!]!;
    return this.p.columns.find((c) => c.field === field)?.headers[0] ?? field;
  }

  private tallyDay(day: string, line: number, member: string | null): void {
    let d = this.days.get(day);
    if (!d) {
      if (this.days.size >= 400) return;
      this.days.set(day, (d = { count: 0, refs: [] }));
    }
    d.count++;
    if (d.refs.length < 100) d.refs.push({ line, member });
  }

  // ------------------------------------------------------------------ control table (cash slips)

  private openControl(row: TableRow, member: string | null, spec: ControlSpec) {
    const map = new Map<ControlColumn['field'], { col: ControlColumn; index: number; name: string }>();
    const keys = row.cells.map(headerKey);
    const missing: string[] = [];
    for (const col of spec.columns) {
      const idx = keys.findIndex((k) => col.headers.some((h) => headerKey(h) === k));
      if (idx >= 0) map.set(col.field, { col, index: idx, name: row.cells[idx]! });
      else if (col.required) missing.push(col.headers.join(' / '));
    }
    this.controlSeen = true;
    if (missing.length) {
      this.err(
        row.lineNo,
        member,
        null,
        'missing_header',
        `the ${spec.name} table (line ${row.lineNo}) lacks required column(s): ${missing.join('; ')}. It has: ${row.cells.filter(Boolean).join(' | ')}.`,
      );
      return null;
    }
    return { spec, map };
  }

  private async controlRow(
    row: TableRow,
    member: string | null,
    control: {
      spec: ControlSpec;
      map: Map<ControlColumn['field'], { col: ControlColumn; index: number; name: string }>;
    },
  ): Promise<void> {
    const { spec, map } = control;
    const line = row.lineNo;
    const get = (f: ControlColumn['field']) => {
      const m = map.get(f);
      return m ? (row.cells[m.index] ?? '') : '';
    };
    const name = (f: ControlColumn['field']) => map.get(f)?.name ?? f;
    let bad = false;
    const fail = (field: string | null, code: string, message: string) => {
      bad = true;
      this.err(line, member, field, code, message);
    };
    const key = get('key');
    if (!key) {
      fail(name('key'), 'missing_value', `${name('key')} is empty; every ${spec.name} row needs it`);
      return;
    }
    for (const [, m] of map) {
      const v = row.cells[m.index] ?? '';
      if (m.col.required && !v) fail(m.name, 'missing_value', `${m.name} is empty on ${spec.name} ${key}`);
      if (v && m.col.pattern && !cachedRe(`^(?:${m.col.pattern})$`).test(v))
        fail(m.name, 'bad_value', `"${v}" is not a valid ${m.name} (expected ${m.col.pattern})`);
    }
    let amountFen: number | null = null;
    if (map.has('amount') && get('amount')) {
      try {
        amountFen = moneyToFen(get('amount'), map.get('amount')!.col.unit ?? 'yuan');
      } catch (e) {
        fail(name('amount'), 'bad_amount', moneyMessage(e, get('amount')));
      }
    }
    let count: number | null = null;
    if (map.has('count') && get('count')) {
      count = parseWholeCount(get('count'));
      if (count === null) fail(name('count'), 'bad_value', `"${get('count')}" is not a whole number of lines`);
    }
    let date: WallClock | null = null;
    if (map.has('date') && get('date')) {
      date = parseWallClock(get('date'), map.get('date')!.col.formats ?? []);
      if (!date || !date.date) {
        fail(
          name('date'),
          'bad_time',
          `"${get('date')}" is not a date in the form ${(map.get('date')!.col.formats ?? []).join(' or ')}`,
        );
        date = null;
      }
    }
    const prior = this.controlRows.get(key);
    if (prior) {
      fail(
        name('key'),
        'duplicate',
        `${spec.name} ${key} appears twice (first on line ${prior.line}${prior.member && prior.member !== member ? ` of ${prior.member}` : ''})`,
      );
      return;
    }
    this.rawSummary.push(foldWidth(row.text).trim());
    this.controlRows.set(key, {
      line,
      member,
      amountFen,
      count,
      storeCode: get('storeCode') || null,
      amountHeader: name('amount'),
      countHeader: name('count'),
    });
    if (bad || !spec.emitAs || amountFen === null || !date) return;
    const raw: Record<string, string> = {};
    for (const [, m] of map) raw[m.name] = row.cells[m.index] ?? '';
    const account = get('account');
    const out: StatementLine = {
      lineNo: line,
      kind: spec.emitAs,
      amountFen: -amountFen,
      feeFen: 0,
      occurredAt: wallClockIso({ date: date.date, time: null }),
      businessDate: date.date,
      channelTxnId: key,
      merchantOrderNo: null,
      refundNo: null,
      originalTxnId: null,
      terminalId: null,
      refNo: null,
      voucherNo: null,
      batchNo: key,
      cardMasked: null,
      payerAccount: account || null,
      payerName: null,
      remark: spec.name,
      status: spec.name,
      raw,
    };
    if (member) out.member = member;
    await this.push(out);
  }

  private finishControl(): void {
    const spec = this.p.control;
    if (!spec) return;
    if (!this.controlSeen) {
      if (this.groupSums.size)
        notes(
          this.issues,
          `no ${spec.name} table in this file: the ${this.groupSums.size} ${spec.name} number(s) on the lines were not checked against slips`,
        );
      return;
    }
    const lineKeyHeader = this.p.columns.find((c) => c.field === spec.lineKey)?.headers[0] ?? spec.lineKey;
    if (!this.mainSeen) {
      this.warn(
        null,
        null,
        null,
        'slips_unchecked',
        `the file holds only the ${spec.name} table (${this.controlRows.size} row(s)) and no lines: the slips were read but could not be checked against the lines; import the file that has both`,
      );
      return;
    }
    for (const [key, c] of this.controlRows) {
      const g = this.groupSums.get(key) ?? { fen: 0, count: 0, firstLine: 0, member: null, stores: new Set<string>() };
      if (c.amountFen !== null) {
        const ok = g.fen === c.amountFen;
        this.checks.push({ name: `${spec.name} ${key} ${c.amountHeader}`, printed: c.amountFen, computed: g.fen, ok });
        if (!ok) {
          this.err(
            c.line,
            c.member,
            c.amountHeader,
            'summary_mismatch',
            `${spec.name} ${key}: ${c.amountHeader} ${fenYuan(c.amountFen)}, but the ${g.count} line(s) with ${lineKeyHeader} ${key} add up to ${fenYuan(g.fen)} (difference ${fenYuan(c.amountFen - g.fen)}). Find the missing or wrong receipt, or correct the slip.`,
          );
        }
      }
      if (c.count !== null) {
        const ok = g.count === c.count;
        this.checks.push({ name: `${spec.name} ${key} ${c.countHeader}`, printed: c.count, computed: g.count, ok });
        if (!ok) {
          this.err(
            c.line,
            c.member,
            c.countHeader,
            'summary_mismatch',
            `${spec.name} ${key}: ${c.countHeader} ${c.count}, but ${g.count} line(s) carry ${lineKeyHeader} ${key}.`,
          );
        }
      }
      for (const f of spec.sameAs) {
        if (f === 'storeCode' && c.storeCode && g.stores.size && (g.stores.size > 1 || !g.stores.has(c.storeCode))) {
          this.err(
            c.line,
            c.member,
            null,
            'control_mismatch',
            `${spec.name} ${key} is for ${c.storeCode}, but its lines are from ${[...g.stores].join(', ')}`,
          );
        }
      }
    }
    for (const [key, g] of this.groupSums) {
      if (!this.controlRows.has(key)) {
        this.err(
          g.firstLine,
          g.member,
          lineKeyHeader,
          'summary_mismatch',
          `${g.count} line(s) carry ${lineKeyHeader} ${key} (first on line ${g.firstLine}) but the ${spec.name} table has no such slip; add the slip or correct the number`,
        );
      }
    }
  }

  // ------------------------------------------------------------------ outcome

  private outcome(): ParseOutcome {
    const { p, opts } = this;
    const header = emptyHeader(this.def.channel, this.def.format, p);
    header.merchantId = this.merchantId;
    const dayList = [...this.days.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const majority =
      dayList.reduce<[string, number] | null>(
        (best, [d, v]) => (!best || v.count > best[1] ? [d, v.count] : best),
        null,
      )?.[0] ?? null;
    if (p.period === 'single') {
      const own = this.settleDate ?? majority;
      header.businessDate = own ?? opts.expectedDate ?? null;
      const statementDay = opts.expectedDate ?? own;
      if (header.businessDate) {
        const d = header.businessDate;
        header.periodStart = p.cutoff ? `${addDays(d, -1)}T${p.cutoff}:00+08:00` : `${d}T00:00:00+08:00`;
        header.periodEnd = p.cutoff ? `${d}T${p.cutoff}:00+08:00` : `${addDays(d, 1)}T00:00:00+08:00`;
      }
      if (statementDay) {
        for (const [day, v] of dayList) {
          if (day === statementDay) continue;
          for (const r of v.refs) {
            this.warn(
              r.line,
              r.member,
              null,
              'cross_day',
              `this line belongs to business day ${day}${p.cutoff ? ` (cut-off ${p.cutoff})` : ''}, not ${statementDay}: kept, and carried as a timing difference`,
            );
          }
          if (v.count > v.refs.length)
            this.warn(null, null, null, 'cross_day', `${v.count - v.refs.length} more lines of ${day} are not listed`);
        }
      }
    } else if (dayList.length) {
      const first = dayList[0]![0];
      const last = dayList[dayList.length - 1]![0];
      header.businessDate = first === last ? first : null;
      header.periodStart = `${first}T00:00:00+08:00`;
      header.periodEnd = `${addDays(last, 1)}T00:00:00+08:00`;
      if (first !== last) notes(this.issues, `the statement covers ${first} to ${last}`);
    }

    const ps = this.printedSummary;
    const anyPrinted = Object.keys(ps).length > 0 || this.rawSummary.length > 0;
    if (anyPrinted || this.opening !== null) {
      const summary: SummaryTotals = {
        paymentCount: ps.inCount ?? null,
        paymentFen: ps.inAmount ?? null,
        refundCount: ps.outCount ?? null,
        refundFen: ps.outAmount ?? null,
        feeFen: ps.fee ?? null,
        rawText: this.rawSummary.slice(0, 1000),
      };
      if (this.opening !== null) {
        summary.openingBalanceFen = this.opening;
        summary.closingBalanceFen = this.closing;
      }
      header.summary = summary;
    }
    if (this.notSettled)
      notes(
        this.issues,
        `${this.notSettled} line(s) with a status other than ${p.statusOk?.join('/')} were not imported (see warnings)`,
      );
    if (this.newestFirst) header.variant = `${p.id} (newest first)`;

    const errors = this.issues.errors.finish();
    const warnings = this.issues.warnings.finish();
    return {
      header,
      lineCount: this.lineCount,
      errors,
      warnings,
      tieOut: this.checks.length ? { ok: this.checks.every((c) => c.ok), checks: this.checks } : null,
      detection: {
        encoding: this.opened.encoding,
        container: this.opened.container,
        confidence: Math.round((0.6 + 0.35 * this.score) * 100) / 100,
        notes: [...this.source.detection.notes, ...this.issues.notes],
      },
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/** The sign rule's columns that the header lacks, as a message; null when all are there. */
function signColumnsMissing(p: ColumnProfile, mapping: ColumnMapping): string | null {
  const has = (f: CanonicalField) => mapping.byField.has(f);
  const names = (f: CanonicalField) =>
    p.columns
      .filter((c) => c.field === f)
      .flatMap((c) => c.headers)
      .join(' / ');
  if (p.sign.kind === 'debitCredit') {
    if (has('credit') && has('debit')) return null;
    if (p.sign.allowSigned && has('amount') && !has('credit') && !has('debit')) return null;
    return `the amounts cannot be read: the file needs both a money-in column (${names('credit')}) and a money-out column (${names('debit')})${p.sign.allowSigned ? `, or one signed amount column (${names('amount')})` : ''}`;
  }
  if (!has('amount')) return `the amount column is missing (${names('amount')})`;
  if (p.sign.kind === 'type' && !has('type'))
    return `the transaction type column is missing (${names('type')}); it decides whether a line is money in or out`;
  if (!has('occurredAt') && !has('date'))
    return `the date column is missing (${[names('occurredAt'), names('date')].filter(Boolean).join(' / ')})`;
  return null;
}

const substantiveCache = new WeakMap<ColumnMapping, CanonicalField[]>();
/** The fields without which a row cannot be a statement line: money and date columns. */
function substantiveFields(mapping: ColumnMapping): CanonicalField[] {
  let f = substantiveCache.get(mapping);
  if (!f)
    substantiveCache.set(
      mapping,
      (f = [...mapping.byField.keys()].filter((x) => isMoneyField(x) || x === 'occurredAt' || x === 'date')),
    );
  return f;
}

const reCache = new Map<string, RegExp>();
/** Profile regexes are compiled once (they are validated by profile.ts). */
function cachedRe(src: string): RegExp {
  let re = reCache.get(src);
  if (!re) {
    re = new RegExp(src, 'u');
    if (reCache.size < 1000) reCache.set(src, re);
  }
  return re;
}

function notes(issues: Issues, text: string): void {
  if (issues.notes.length < 200) issues.notes.push(text);
}

function sameHeader(cells: string[], header: string[]): boolean {
  if (!header.length || cells.length < 2 || headerKey(cells[0] ?? '') !== headerKey(header[0] ?? '')) return false;
  const a = cells.map(headerKey).filter(Boolean).join('|');
  const b = header.map(headerKey).filter(Boolean).join('|');
  return a === b;
}

function rangeText(lines: number[]): string {
  if (lines.length === 1) return `line ${lines[0]}`;
  const contiguous = lines.every((l, i) => i === 0 || l === lines[i - 1]! + 1);
  return contiguous
    ? `lines ${lines[0]}–${lines[lines.length - 1]}`
    : `lines ${lines.slice(0, 20).join(', ')}${lines.length > 20 ? '…' : ''}`;
}

/** Fen → "1,234.50" for messages. */
function fenYuan(fen: number): string {
  const neg = fen < 0;
  const abs = Math.abs(fen);
  const yuan = String(Math.trunc(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

function moneyMessage(e: unknown, v: string): string {
  if (e instanceof MoneyFormatError)
    return `${e.message}; correct the amount in the file or check the column's unit in the profile`;
  return `"${v}" is not an amount (${(e as Error).message})`;
}

// ---------------------------------------------------------------------------------------------
// The parsers

const PROFILE_FAMILIES: readonly ProfileParserDef[] = [
  { format: 'lakala-profile', channel: 'lakala', profiles: lakalaProfiles },
  { format: 'unionpay-pos-profile', channel: 'unionpay', profiles: unionpayPosProfiles },
  { format: 'allinpay-profile', channel: 'allinpay', profiles: allinpayProfiles },
  { format: 'cash-register-profile', channel: 'cash', profiles: cashProfiles },
  { format: 'bank-excel-profile', channel: 'wire', profiles: bankProfiles },
];

/**
 * Every profile-driven parser, in channel order, with built-in profiles replaced (by id) by the
 * user's edited ones (Settings → statement column profiles; statements/edited-profiles.ts).
 */
export function profileParsersWith(edited: ReadonlyMap<string, ColumnProfile>): StatementParser[] {
  return PROFILE_FAMILIES.map((def) =>
    createProfileParser({ ...def, profiles: def.profiles.map((p) => edited.get(p.id) ?? p) }),
  );
}

/** Every profile-driven parser over the built-in profiles, in channel order. */
export const PROFILE_PARSERS: readonly StatementParser[] = profileParsersWith(new Map());
export const [lakalaParser, unionpayPosParser, allinpayParser, cashParser, bankExcelParser] = PROFILE_PARSERS as [
  StatementParser,
  StatementParser,
  StatementParser,
  StatementParser,
  StatementParser,
];
