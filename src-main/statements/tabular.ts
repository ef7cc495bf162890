// Rows of cells from tabular statement files, whatever the container: CSV (streamed line by line
// from source.lines(), quoted fields, fields spanning lines), .xlsx (exceljs), legacy .xls BIFF
// (SheetJS), and those same files inside a zip. Every cell comes back as text: leading zeros are
// kept, numbers are written as Excel shows them (15 significant digits), date serials become
// "yyyy-MM-dd HH:mm:ss" (or the date or the time alone), merged-away cells are empty.
//
// Reading .xls: the npm package `xlsx@0.18.5` is the last SheetJS release on the npm registry; it
// is unmaintained there and has known advisories (prototype pollution CVE-2023-30533, ReDoS
// CVE-2024-22363). SheetJS publishes newer releases only on its own CDN; `@e965/xlsx` republishes
// those official builds unchanged on npm (0.20.3, Apache-2.0, no dependencies), which includes the
// fixes for both advisories. It is loaded lazily, only for .xls files, so nothing else pays for it.
// Only the BIFF reader is used, on bytes that already carry the OLE2 magic (HTML is refused first).
//
// A file that is an HTML page (or Excel 2003 XML) saved under an .xls name, as many bank portals
// produce, is refused with a message that says how to get a real workbook.
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { bufferSource, decode } from './source';
import { hasDecodeDamage, splitCsvLine, trimCell } from './text';
import type { Detection, StatementSource } from './types';
import { listZip, readZip, ZIP_MAX_RATIO, ZIP_MAX_TOTAL_BYTES, ZIP_RATIO_FLOOR_BYTES, ZipError } from './zip';

export type TableContainer = 'csv' | 'xlsx' | 'xls';
export type TabularErrorCode =
  | 'html_as_xls'
  | 'xml_spreadsheet'
  | 'binary'
  | 'wrong_container'
  | 'xls_encrypted'
  | 'xls_corrupt'
  | 'xlsx_corrupt'
  | 'xls_reader_missing'
  | 'nested_zip';

export class TabularError extends Error {
  constructor(
    readonly code: TabularErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TabularError';
  }
}

export interface TableRow {
  /** CSV: physical line where the record starts; workbook: the sheet's row number (1-based). */
  lineNo: number;
  /** Cell texts, trimmed of blanks, tabs and backticks; ="0123" (Excel text trick in CSV) unwrapped. */
  cells: string[];
  /** Workbooks: which cells were stored as numbers (their text is Excel's 15-digit rendering). */
  numeric: boolean[] | null;
  /** CSV: the physical line(s) as decoded; workbook: the non-empty cells joined by one space. */
  text: string;
  /** The row's bytes could not be decoded in the file's encoding (replacement characters). */
  decodeError: string | null;
}

export interface Table {
  /** Sheet name, zip member name, or "member!sheet"; null for a plain CSV. */
  name: string | null;
  container: TableContainer;
  encoding: Detection['encoding'];
  rows(): AsyncIterable<TableRow>;
}

export interface OpenOptions {
  container: 'auto' | 'csv' | 'xlsx' | 'xls' | 'zip';
  encoding: 'auto' | 'utf-8' | 'gb18030' | 'utf-16le';
  /** A fixed separator, or a chooser given the first decoded lines (the profile knows its header). */
  delimiter: string | ((sample: string[]) => string);
}

export interface OpenedTables {
  tables: Table[];
  container: Detection['container'];
  encoding: Detection['encoding'];
  notes: string[];
}

const MAX_RECORD_LINES = 200; // a quoted field may span lines, but not without end

/** Open every table of a statement file. Throws TabularError/ZipError for files that cannot be read. */
export async function openTables(source: StatementSource, opts: OpenOptions): Promise<OpenedTables> {
  return openInner(source, opts, null);
}

async function openInner(source: StatementSource, opts: OpenOptions, member: string | null): Promise<OpenedTables> {
  const { container } = source.detection;
  const notes: string[] = [];
  const want = opts.container;
  const refuse = (what: string) =>
    new TabularError(
      'wrong_container',
      `${source.fileName}${member ? ` (${member})` : ''} is ${what}, but this profile reads ${want} files`,
    );

  if (container === 'zip') {
    if (member !== null)
      throw new TabularError('nested_zip', `zip member "${member}" is itself a zip; unpack it first`);
    if (want !== 'auto' && want !== 'zip') throw refuse('a zip');
    const members = readZip(await source.bytes());
    const tables: Table[] = [];
    let encoding: Detection['encoding'] = 'binary';
    for (const m of members) {
      const inner = bufferSource(m.name, m.bytes);
      const opened = await openInner(inner, { ...opts, container: 'auto' }, m.name);
      tables.push(...opened.tables);
      if (encoding === 'binary') encoding = opened.encoding;
      notes.push(...opened.notes.map((n) => `${m.name}: ${n}`));
    }
    notes.unshift(`zip with ${members.length} member(s): ${members.map((m) => m.name).join(', ')}`);
    return { tables, container: 'zip', encoding, notes };
  }
  if (container === 'xlsx') {
    if (want !== 'auto' && want !== 'xlsx' && !(want === 'zip' && member)) throw refuse('an Excel workbook (.xlsx)');
    const tables = await xlsxTables(await source.bytes(), member);
    return { tables, container: 'xlsx', encoding: 'binary', notes };
  }
  if (container === 'xls') {
    if (want !== 'auto' && want !== 'xls' && !(want === 'zip' && member))
      throw refuse('an Excel 97-2003 workbook (.xls)');
    const tables = await xlsTables(await source.bytes(), member);
    return { tables, container: 'xls', encoding: 'binary', notes };
  }
  // Plain text (or XML): first make sure it is not a web page posing as a workbook.
  const head = await firstLines(source, 40);
  const disguise = disguisedWorkbook(head.join('\n'));
  if (disguise) throw disguise;
  if (container === 'xml') {
    throw new TabularError(
      'wrong_container',
      `${source.fileName} is an XML document, not a table; import it as the format it is (camt.053?)`,
    );
  }
  if (source.detection.encoding === 'binary') {
    throw new TabularError(
      'binary',
      `${source.fileName} is binary data, not a CSV file nor a workbook (damaged or another format)`,
    );
  }
  if (want !== 'auto' && want !== 'csv' && !(want === 'zip' && member)) throw refuse('a text (CSV) file');
  const enc = effectiveEncoding(source.detection.encoding, opts.encoding);
  if (enc !== source.detection.encoding)
    notes.push(`decoded as ${enc} as the profile says (detected ${source.detection.encoding})`);
  const delimiter = typeof opts.delimiter === 'string' ? opts.delimiter : opts.delimiter(head);
  notes.push(`field separator ${delimiter === '\t' ? 'tab' : `"${delimiter}"`}`);
  return { tables: [csvTable(source, member, enc, delimiter)], container: 'plain', encoding: enc, notes };
}

function effectiveEncoding(detected: Detection['encoding'], wanted: OpenOptions['encoding']): Detection['encoding'] {
  if (wanted === 'auto') return detected;
  if (detected === 'utf-16le' || detected === 'utf-16be') return detected; // a BOM is authoritative
  return wanted === 'utf-8' ? 'utf-8' : wanted === 'gb18030' ? 'gb18030' : detected;
}

async function firstLines(source: StatementSource, n: number): Promise<string[]> {
  const out: string[] = [];
  for await (const l of source.lines()) {
    out.push(l.text);
    if (out.length >= n) break;
  }
  return out;
}

/** HTML or Excel 2003 XML under a workbook's name: the error to raise, or null. */
export function disguisedWorkbook(text: string): TabularError | null {
  const t = text
    .replace(/^\uFEFF/, '')
    .trimStart()
    .slice(0, 4096);
  if (
    /^(<!doctype\s+html|<html|<head|<body|<meta|<table|<style|<\?xml[^>]*>\s*<html)/i.test(t) ||
    /^MIME-Version:.*[\s\S]*multipart\/related/i.test(t) ||
    (/<table[\s>]/i.test(t) && /<t[dh][\s>]/i.test(t))
  ) {
    return new TabularError(
      'html_as_xls',
      'this file is a web page (HTML) saved with an Excel name, not a workbook — many bank portals export it this way. Open it in Excel, choose Save As → Excel Workbook (.xlsx), and import the saved file.',
    );
  }
  if (/urn:schemas-microsoft-com:office:spreadsheet/i.test(t)) {
    return new TabularError(
      'xml_spreadsheet',
      'this file is an Excel 2003 XML spreadsheet, not a workbook this workstation reads. Open it in Excel, choose Save As → Excel Workbook (.xlsx), and import the saved file.',
    );
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// CSV

/** Cell text as compared and stored: blanks and decoration trimmed, Excel's ="0123" unwrapped. */
export function cleanCell(raw: string): string {
  let t = trimCell(raw);
  const m = /^="(.*)"$/s.exec(t);
  if (m) t = trimCell(m[1]!.replace(/""/g, '"'));
  return t;
}

function csvTable(
  source: StatementSource,
  member: string | null,
  encoding: Detection['encoding'],
  delimiter: string,
): Table {
  const redecode = encoding !== source.detection.encoding;
  return {
    name: member,
    container: 'csv',
    encoding,
    rows: async function* (): AsyncGenerator<TableRow> {
      let pending: { lineNo: number; text: string; lines: number; decodeError: string | null } | null = null;
      for await (const raw of source.lines()) {
        let text = raw.text;
        let decodeError: string | null = null;
        if (redecode) {
          if (encoding === 'utf-8') {
            try {
              text = new TextDecoder('utf-8', { fatal: true }).decode(raw.bytes);
            } catch {
              text = decode(raw.bytes, 'utf-8');
              decodeError = notUtf8Message(raw.bytes);
            }
          } else
            text = iconv.decode(Buffer.from(raw.bytes.buffer, raw.bytes.byteOffset, raw.bytes.byteLength), encoding);
          if (raw.lineNo === 1) text = text.replace(/^\uFEFF/, '');
        }
        if (!decodeError && hasDecodeDamage(text)) {
          decodeError =
            encoding === 'utf-8' ? notUtf8Message(raw.bytes) : `the line contains bytes that are not valid ${encoding}`;
        }
        if (pending) {
          pending.text += `\n${text}`;
          pending.lines++;
          pending.decodeError ??= decodeError;
        } else pending = { lineNo: raw.lineNo, text, lines: 1, decodeError };
        const split = splitCsvLine(pending.text, delimiter);
        if (split.unterminatedQuote && pending.lines < MAX_RECORD_LINES) continue;
        const cells = split.fields.map(cleanCell);
        yield {
          lineNo: pending.lineNo,
          cells,
          numeric: null,
          text: pending.text,
          decodeError: split.unterminatedQuote
            ? `a quoted field opened on this line is never closed`
            : pending.decodeError,
        };
        pending = null;
      }
      if (pending) {
        const split = splitCsvLine(pending.text, delimiter);
        yield {
          lineNo: pending.lineNo,
          cells: split.fields.map(cleanCell),
          numeric: null,
          text: pending.text,
          decodeError: split.unterminatedQuote
            ? 'a quoted field opened on this line is never closed (the file ends inside it)'
            : pending.decodeError,
        };
      }
    },
  };
}

function notUtf8Message(bytes: Uint8Array): string {
  const gbk = iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'gb18030');
  const looksChinese = /[\u4e00-\u9fff]/.test(gbk) && !gbk.includes('\ufffd');
  return looksChinese
    ? 'this line is not UTF-8; it looks like GBK/GB18030 (Excel\'s "CSV" on Chinese Windows). Save the file as "CSV UTF-8" and import it again.'
    : 'this line is not valid UTF-8; the file is damaged or in another encoding. Save it as "CSV UTF-8" and import it again.';
}

/** Pick the separator that splits the sample's widest consistent rows (used when no header decides). */
export function guessDelimiter(sample: string[]): string {
  let best = ',';
  let bestScore = 0;
  for (const d of [',', '\t', '|', ';']) {
    const counts = sample.filter((l) => l.trim()).map((l) => splitCsvLine(l, d).fields.length);
    if (!counts.length) continue;
    const max = Math.max(...counts);
    const score = max > 1 ? counts.filter((c) => c === max).length * max : 0;
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Workbook cells

/** A number as Excel shows it in General format (15 significant digits, no float noise). */
export function numberText(n: number, numFmt?: string | null): string {
  if (!Number.isFinite(n)) return String(n);
  let s = Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(15)));
  // "000000"-style formats print leading zeros (凭证号 stored as a number): restore them.
  if (numFmt && /^0+$/.test(numFmt) && Number.isInteger(n) && n >= 0) s = s.padStart(numFmt.length, '0');
  return s;
}

/** True for a number format that shows a date or time (outside quoted text and [colour] tags). */
export function isDateFormat(fmt: string | null | undefined): boolean {
  if (!fmt || /^general$/i.test(fmt) || fmt === '@') return false;
  const bare = fmt
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[(?!h\]|m\]|s\])[^\]]*\]/gi, '');
  return /[ymdhs]/i.test(bare) && !/^[#0.,%E+\-\s]*$/i.test(bare);
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** Wall-clock text of a date held as UTC fields (exceljs and Excel serials have no zone). */
function wallText(ms: number, hasTime: boolean, dateOnlyAllowed: boolean): string {
  const d = new Date(Math.round(ms / 1000) * 1000);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (date === '1899-12-30' || date === '1899-12-31') return time; // a time-only cell (serial < 1)
  if (!hasTime && dateOnlyAllowed && time === '00:00:00') return date;
  return `${date} ${time}`;
}

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/** An Excel date serial → wall-clock text; date1904 workbooks count from 1904-01-01. */
export function serialText(serial: number, fmt: string | null | undefined, date1904 = false): string {
  const days = serial + (date1904 ? 1462 : 0);
  const ms = EXCEL_EPOCH_MS + Math.round(days * 86400) * 1000;
  return wallText(ms, /h|s/i.test((fmt ?? '').replace(/"[^"]*"/g, '')), true);
}

function rowText(cells: string[]): string {
  return cells.filter((c) => c !== '').join(' ');
}

function checkZipSizes(bytes: Uint8Array): void {
  let total = 0;
  for (const e of listZip(bytes)) {
    if (e.encrypted)
      throw new ZipError(
        'zip_encrypted',
        'the workbook is password-protected; save it without a password and import it again',
        e.name,
      );
    total += e.uncompressedSize;
    if (total > ZIP_MAX_TOTAL_BYTES)
      throw new ZipError(
        'zip_bomb',
        'the workbook declares more than 256 MiB of content; refused as a possible zip bomb',
        e.name,
      );
    if (e.uncompressedSize > ZIP_RATIO_FLOOR_BYTES && e.uncompressedSize > e.compressedSize * ZIP_MAX_RATIO) {
      throw new ZipError(
        'zip_bomb',
        `workbook part "${e.name}" expands more than ${ZIP_MAX_RATIO}:1; refused as a possible zip bomb`,
        e.name,
      );
    }
  }
}

type ExcelValue = ExcelJS.CellValue;

function excelCellText(value: ExcelValue, numFmt: string | undefined): { text: string; numeric: boolean } {
  if (value === null || value === undefined) return { text: '', numeric: false };
  if (typeof value === 'number') return { text: numberText(value, numFmt), numeric: true };
  if (typeof value === 'string') return { text: value, numeric: false };
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE', numeric: false };
  if (value instanceof Date) {
    return {
      text: wallText(value.getTime(), /h|s/i.test((numFmt ?? '').replace(/"[^"]*"/g, '')), true),
      numeric: false,
    };
  }
  if ('richText' in value) return { text: value.richText.map((r) => r.text).join(''), numeric: false };
  if ('error' in value) return { text: String(value.error), numeric: false };
  if ('hyperlink' in value) return { text: String(value.text), numeric: false };
  if ('result' in value) {
    const r = value.result;
    if (r === undefined) return { text: '', numeric: false };
    return excelCellText(r as ExcelValue, numFmt);
  }
  if ('formula' in value || 'sharedFormula' in value) return { text: '', numeric: false };
  return { text: '', numeric: false };
}

async function xlsxTables(bytes: Uint8Array, member: string | null): Promise<Table[]> {
  checkZipSizes(bytes);
  const wb = new ExcelJS.Workbook();
  try {
    // exceljs's declared parameter type is its own Buffer alias; a Node Buffer is what it reads.
    await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ExcelJS.Buffer);
  } catch (e) {
    throw new TabularError(
      'xlsx_corrupt',
      `the workbook cannot be read (${(e as Error).message}); open it in Excel, save it again as .xlsx and retry`,
    );
  }
  const tables: Table[] = [];
  wb.eachSheet((ws) => {
    const name = member ? `${member}!${ws.name}` : ws.name;
    tables.push({
      name,
      container: 'xlsx',
      encoding: 'binary',
      rows: async function* (): AsyncGenerator<TableRow> {
        const last = ws.rowCount;
        const width = ws.columnCount;
        for (let r = 1; r <= last; r++) {
          const row = ws.getRow(r);
          const cells: string[] = [];
          const numeric: boolean[] = [];
          for (let c = 1; c <= width; c++) {
            const cell = row.getCell(c);
            if (cell.isMerged && cell.master.address !== cell.address) {
              cells.push('');
              numeric.push(false);
              continue;
            }
            const { text, numeric: isNum } = excelCellText(cell.value, cell.numFmt);
            cells.push(cleanCell(text));
            numeric.push(isNum);
          }
          while (cells.length && cells[cells.length - 1] === '') {
            cells.pop();
            numeric.pop();
          }
          yield { lineNo: r, cells, numeric, text: rowText(cells), decodeError: null };
        }
      },
    });
  });
  return tables;
}

// SheetJS is typed loosely; these are the parts we read.
interface SheetCell {
  t: 'b' | 'e' | 'n' | 'd' | 's' | 'z';
  v?: string | number | boolean | Date;
  w?: string;
  z?: string | number;
}
interface SheetLike {
  [address: string]: unknown;
}
interface WorkbookLike {
  SheetNames: string[];
  Sheets: Record<string, SheetLike>;
  Workbook?: { WBProps?: { date1904?: boolean } };
}

let xlsReader: Promise<{
  read: (data: Uint8Array) => WorkbookLike;
  decodeRange: (ref: string) => { s: { r: number; c: number }; e: { r: number; c: number } };
  encodeCell: (a: { r: number; c: number }) => string;
}> | null = null;

function loadXlsReader() {
  xlsReader ??= (async () => {
    let mod: typeof import('@e965/xlsx');
    try {
      mod = await import('@e965/xlsx');
    } catch {
      throw new TabularError(
        'xls_reader_missing',
        'reading Excel 97-2003 (.xls) files needs the package @e965/xlsx, which is not installed',
      );
    }
    const cp = await import('@e965/xlsx/dist/cpexcel');
    mod.set_cptable(cp);
    return {
      read: (data: Uint8Array) =>
        mod.read(data, {
          type: 'buffer',
          cellDates: false,
          cellNF: true,
          cellHTML: false,
          cellFormula: false,
          dense: false,
        }) as unknown as WorkbookLike,
      decodeRange: (ref: string) => mod.utils.decode_range(ref),
      encodeCell: (a: { r: number; c: number }) => mod.utils.encode_cell(a),
    };
  })();
  return xlsReader;
}

async function xlsTables(bytes: Uint8Array, member: string | null): Promise<Table[]> {
  const reader = await loadXlsReader();
  let wb: WorkbookLike;
  try {
    wb = reader.read(bytes);
  } catch (e) {
    const msg = (e as Error).message;
    if (/password|encrypt/i.test(msg)) {
      throw new TabularError(
        'xls_encrypted',
        'the workbook is password-protected; open it in Excel, remove the password, save it and import it again',
      );
    }
    throw new TabularError(
      'xls_corrupt',
      `the .xls workbook cannot be read (${msg}); open it in Excel, save it as .xlsx and import that`,
    );
  }
  const date1904 = Boolean(wb.Workbook?.WBProps?.date1904);
  return wb.SheetNames.map((sheetName) => {
    const ws = wb.Sheets[sheetName] ?? {};
    return {
      name: member ? `${member}!${sheetName}` : sheetName,
      container: 'xls' as const,
      encoding: 'binary' as const,
      rows: async function* (): AsyncGenerator<TableRow> {
        const ref = ws['!ref'];
        if (typeof ref !== 'string') return;
        const range = reader.decodeRange(ref);
        for (let r = 0; r <= range.e.r; r++) {
          const cells: string[] = [];
          const numeric: boolean[] = [];
          for (let c = 0; c <= range.e.c; c++) {
            const cell = ws[reader.encodeCell({ r, c })] as SheetCell | undefined;
            const fmt = typeof cell?.z === 'string' ? cell.z : undefined;
            let text = '';
            let isNum = false;
            if (cell && cell.v !== undefined) {
              if (cell.t === 'n' && typeof cell.v === 'number') {
                if (isDateFormat(fmt)) text = serialText(cell.v, fmt, date1904);
                else {
                  text = numberText(cell.v, fmt);
                  isNum = true;
                }
              } else if (cell.t === 'b') text = cell.v ? 'TRUE' : 'FALSE';
              else if (cell.t === 'e') text = cell.w ?? '#ERROR';
              else if (cell.v instanceof Date) text = wallText(cell.v.getTime(), true, true);
              else text = String(cell.v);
            }
            cells.push(cleanCell(text));
            numeric.push(isNum);
          }
          while (cells.length && cells[cells.length - 1] === '') {
            cells.pop();
            numeric.pop();
          }
          yield { lineNo: r + 1, cells, numeric, text: rowText(cells), decodeError: null };
        }
      },
    };
  });
}
