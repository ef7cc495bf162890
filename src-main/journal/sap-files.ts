// The files SAP takes (design/journal-sap.md §1, §5): the S/4HANA "Upload General Journal Entries"
// (F2548) layout as .xlsx or .csv, and a flat classic posting-key CSV (40 debit / 50 credit).
// Deterministic: documents sorted by XBLNR, no timestamps inside (the .xlsx zip entries and document
// properties carry a fixed date), amounts formatted from fen as text, so re-writing an exported batch
// gives the same bytes.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import { fenToYuanText } from '../domain/money';
import { csvCell, neutraliseFormula } from '../export/safe-cell';

export const EXPORT_FORMATS = ['f2548-xlsx', 'f2548-csv', 'posting-key-csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const FORMAT_EXTENSION: Record<ExportFormat, string> = {
  'f2548-xlsx': 'xlsx',
  'f2548-csv': 'csv',
  'posting-key-csv': 'csv',
};

export interface SapLine {
  account: string;
  debitFen: number;
  creditFen: number;
  itemText: string;
  assignment: string;
  costCenter: string;
  profitCenter: string;
}

export interface SapDoc {
  xblnr: string;
  companyCode: string;
  docType: string;
  businessDate: string; // BLDAT = BUDAT = the business day
  headerText: string;
  lines: readonly SapLine[];
}

export const CURRENCY = 'CNY';

// F2548 technical names and the descriptions of SAP's English template. A customer's own template
// may order its columns differently; these are the columns this writer fills.
export const HEADER_FIELDS = ['BUKRS', 'BLART', 'BLDAT', 'BUDAT', 'MONAT', 'BKTXT', 'WAERS', 'KURSF_EXT', 'XBLNR'] as const;
const HEADER_DESCRIPTIONS = [
  'Company Code', 'Journal Entry Type', 'Journal Entry Date', 'Posting Date', 'Posting Period', 'Document Header Text',
  'Transaction Currency', 'Exchange Rate', 'Reference Document',
];
export const LINE_FIELDS = ['BUKRS', 'HKONT', 'SGTXT', 'WRSOL', 'WRHAB', 'KOSTL', 'PRCTR', 'ZUONR'] as const;
const LINE_DESCRIPTIONS = [
  'Company Code', 'G/L Account', 'Line Item Text', 'Debit Amount', 'Credit Amount', 'Cost Center', 'Profit Center', 'Assignment',
];
const AMOUNT_COLUMN = 1 + LINE_FIELDS.indexOf('WRSOL');

/** Fixed date for the workbook's properties and zip entries: no timestamp may change the bytes. */
const FIXED_DATE = new Date(Date.UTC(2000, 0, 1));

export function sapDate(date: string): string {
  return date.replace(/-/g, '');
}

function dateCell(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

type Cell = string | number | Date | null;

/** Empty fields are empty cells (null), never empty strings. */
const text = (v: string): string | null => (v === '' ? null : neutraliseFormula(v));

function headerValues(d: SapDoc): Cell[] {
  return [
    d.companyCode, d.docType, dateCell(d.businessDate), dateCell(d.businessDate), d.businessDate.slice(5, 7),
    text(d.headerText), CURRENCY, null, d.xblnr,
  ];
}

function lineValues(d: SapDoc, l: SapLine): Cell[] {
  return [
    d.companyCode, l.account, text(l.itemText), l.debitFen > 0 ? fenToYuanText(l.debitFen) : null,
    l.creditFen > 0 ? fenToYuanText(l.creditFen) : null, text(l.costCenter), text(l.profitCenter), text(l.assignment),
  ];
}

/** Rows of one document block, as the F2548 template lays them out; column A holds the sequence. */
function* blockRows(seq: number, d: SapDoc): Generator<Cell[]> {
  yield [seq, 'Header'];
  yield [null, ...HEADER_FIELDS];
  yield [null, ...HEADER_DESCRIPTIONS];
  yield [null, ...headerValues(d)];
  yield [seq, 'Line Items'];
  const caption = new Array<Cell>(AMOUNT_COLUMN + 1).fill(null);
  caption[AMOUNT_COLUMN] = 'Transaction Currency';
  yield caption;
  yield [null, ...LINE_FIELDS];
  yield [null, ...LINE_DESCRIPTIONS];
  for (const l of d.lines) yield [null, ...lineValues(d, l)];
}

/** Write the F2548 workbook with exceljs's streaming writer; returns the sha256 of the bytes. */
export async function writeF2548Xlsx(file: string, docs: readonly SapDoc[]): Promise<string> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
  wb.created = FIXED_DATE;
  wb.modified = FIXED_DATE;
  wb.creator = 'OTD';
  wb.lastModifiedBy = 'OTD';
  const ws = wb.addWorksheet('Journal Entries');
  ws.getColumn(3).numFmt = 'yyyy-mm-dd';
  ws.getColumn(4).numFmt = 'yyyy-mm-dd';
  let seq = 0;
  for (const d of docs) {
    seq++;
    for (const values of blockRows(seq, d)) ws.addRow(values).commit();
  }
  ws.commit();
  await wb.commit();
  return fixZipTimes(file);
}

// MS-DOS time and date of 2000-01-01 00:00 (date: (year − 1980) << 9 | month << 5 | day).
const DOS_TIME = 0;
const DOS_DATE = (20 << 9) | (1 << 5) | 1;

/**
 * The zip writer stamps each entry with the wall clock. Set every entry's time in the local headers
 * and the central directory to a fixed one (no checksum covers it), then hash the bytes.
 */
async function fixZipTimes(file: string): Promise<string> {
  const buf = await readFile(file);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error(`${file}: not a zip file`);
  const entries = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: damaged zip directory`);
    buf.writeUInt16LE(DOS_TIME, at + 12);
    buf.writeUInt16LE(DOS_DATE, at + 14);
    const local = buf.readUInt32LE(at + 42);
    if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error(`${file}: damaged zip entry`);
    buf.writeUInt16LE(DOS_TIME, local + 10);
    buf.writeUInt16LE(DOS_DATE, local + 12);
    at += 46 + buf.readUInt16LE(at + 28) + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  await writeFile(file, buf);
  return createHash('sha256').update(buf).digest('hex');
}

const BOM = '\uFEFF';

async function writeText(file: string, rows: Iterable<Cell[]>): Promise<string> {
  const out = createWriteStream(file);
  const h = createHash('sha256');
  let buf = BOM;
  const flush = async () => {
    const bytes = Buffer.from(buf, 'utf8');
    h.update(bytes);
    if (!out.write(bytes)) await once(out, 'drain');
    buf = '';
  };
  for (const r of rows) {
    buf += r.map((v) => csvCell(v instanceof Date ? sapDate(v.toISOString().slice(0, 10)) : v)).join(',') + '\r\n';
    if (buf.length > 1 << 16) await flush();
  }
  await flush();
  out.end();
  await once(out, 'finish');
  return h.digest('hex');
}

export function writeF2548Csv(file: string, docs: readonly SapDoc[]): Promise<string> {
  return writeText(
    file,
    (function* () {
      let seq = 0;
      for (const d of docs) yield* blockRows(++seq, d);
    })(),
  );
}

export const POSTING_KEY_COLUMNS = [
  'XBLNR', 'BUKRS', 'BLART', 'BLDAT', 'BUDAT', 'MONAT', 'BKTXT', 'WAERS', 'BUZEI', 'NEWBS', 'HKONT', 'WRBTR', 'SGTXT', 'KOSTL', 'PRCTR', 'ZUONR',
] as const;

/** One row per line: posting key 40 (G/L debit) or 50 (G/L credit), WRBTR always positive. */
export function writePostingKeyCsv(file: string, docs: readonly SapDoc[]): Promise<string> {
  return writeText(
    file,
    (function* () {
      yield [...POSTING_KEY_COLUMNS];
      for (const d of docs) {
        const date = sapDate(d.businessDate);
        let n = 0;
        for (const l of d.lines) {
          const debit = l.debitFen > 0;
          yield [
            d.xblnr, d.companyCode, d.docType, date, date, d.businessDate.slice(5, 7), d.headerText, CURRENCY, String(++n).padStart(3, '0'),
            debit ? '40' : '50', l.account, fenToYuanText(debit ? l.debitFen : l.creditFen), l.itemText, l.costCenter, l.profitCenter,
            l.assignment,
          ];
        }
      }
    })(),
  );
}

export function writeSapFile(format: ExportFormat, file: string, docs: readonly SapDoc[]): Promise<string> {
  switch (format) {
    case 'f2548-xlsx':
      return writeF2548Xlsx(file, docs);
    case 'f2548-csv':
      return writeF2548Csv(file, docs);
    case 'posting-key-csv':
      return writePostingKeyCsv(file, docs);
  }
}

/** sha256 of the canonical document set (for the file name): what is posted, in XBLNR order. */
export function canonicalHash(format: ExportFormat, docs: readonly SapDoc[]): string {
  const h = createHash('sha256');
  h.update(format);
  for (const d of docs) {
    h.update(JSON.stringify([d.xblnr, d.companyCode, d.docType, d.businessDate, d.headerText]));
    for (const l of d.lines) h.update(JSON.stringify([l.account, l.debitFen, l.creditFen, l.itemText, l.assignment, l.costCenter, l.profitCenter]));
  }
  return h.digest('hex');
}
