// Aggregate: statement files and their lines, the statement calendar and the lines grid.
import type { JsonValue, ReadDb, SqlValue, WriteTx } from './db';
import type { StatementLine } from '../statements/types';
import { queryPage, type GridOwner, type GridSpec } from './grid';
import type { PageRequest, PageResult } from '../api/grid-types';
import { CHANNEL_CODES } from '../domain/channels';

export interface StatementFileRow {
  id: number;
  contentHash: string;
  fileName: string;
  channel: string;
  format: string;
  variant: string | null;
  businessDate: string;
  merchantId: string;
  source: 'import' | 'download';
  status: 'active' | 'pending' | 'superseded';
  version: number;
  lineCount: number;
  paymentCount: number;
  paymentFen: number;
  refundCount: number;
  refundFen: number;
  feeFen: number;
  netFen: number;
  tieOutOk: number | null;
  acceptedMismatch: number;
  importedAt: string;
  importedBy: string;
  downloadedAt: string | null;
  /** The import's warnings (and accepted mismatches) as JSON: ImportIssue[]. */
  warningsJson: string;
}

const FILE_SELECT = `SELECT id, content_hash AS contentHash, file_name AS fileName, channel, format, variant,
  business_date AS businessDate, merchant_id AS merchantId, source, status, version, line_count AS lineCount,
  payment_count AS paymentCount, payment_fen AS paymentFen, refund_count AS refundCount, refund_fen AS refundFen,
  fee_fen AS feeFen, net_fen AS netFen, tie_out_ok AS tieOutOk, accepted_mismatch AS acceptedMismatch,
  imported_at AS importedAt, imported_by AS importedBy, downloaded_at AS downloadedAt, warnings_json AS warningsJson
  FROM statement_file`;

export async function fileByHash(read: ReadDb, hash: string): Promise<StatementFileRow | null> {
  return (await read.get<StatementFileRow>(`${FILE_SELECT} WHERE content_hash = ?`, [hash])) ?? null;
}

export async function fileById(read: ReadDb, id: number): Promise<StatementFileRow | null> {
  return (await read.get<StatementFileRow>(`${FILE_SELECT} WHERE id = ?`, [id])) ?? null;
}

export async function filesForDay(
  read: ReadDb,
  channel: string,
  date: string,
  merchantId: string,
): Promise<StatementFileRow[]> {
  return read.all<StatementFileRow>(
    `${FILE_SELECT} WHERE channel = ? AND business_date = ? AND merchant_id = ? ORDER BY version`,
    [channel, date, merchantId],
  );
}

export async function listFiles(read: ReadDb, date?: string): Promise<StatementFileRow[]> {
  const order = `ORDER BY business_date, CASE channel ${CHANNEL_CODES.map((c, i) => `WHEN '${c}' THEN ${i}`).join(' ')} END, merchant_id, version`;
  return date
    ? read.all<StatementFileRow>(`${FILE_SELECT} WHERE business_date = ? ${order}`, [date])
    : read.all<StatementFileRow>(`${FILE_SELECT} ${order}`);
}

export interface NewStatementFile {
  contentHash: string;
  fileName: string;
  channel: string;
  format: string;
  variant: string | null;
  businessDate: string;
  merchantId: string;
  source: 'import' | 'download';
  status: 'active' | 'pending';
  lineCount: number;
  paymentCount: number;
  paymentFen: number;
  refundCount: number;
  refundFen: number;
  feeFen: number;
  netFen: number;
  tieOutOk: boolean | null;
  acceptedMismatch: boolean;
  detection: unknown;
  summary: unknown;
  warnings: unknown[];
  profileVersion: string | null;
  rawColumns: string[];
  importedBy: string;
  downloadedAt: string | null;
}

/**
 * Start a file row before its lines stream in (a streaming parser knows the header facts only at
 * the end); completeFile() fills them in inside the same transaction.
 */
export async function startFile(
  tx: WriteTx,
  f: Pick<
    NewStatementFile,
    'contentHash' | 'fileName' | 'channel' | 'format' | 'source' | 'importedBy' | 'downloadedAt'
  >,
): Promise<number> {
  const r = await tx.run(
    `INSERT INTO statement_file (content_hash, file_name, channel, format, variant, business_date, merchant_id, source,
       status, version, line_count, payment_count, payment_fen, refund_count, refund_fen, fee_fen, net_fen,
       detection_json, warnings_json, imported_at, imported_by, downloaded_at)
     VALUES (?, ?, ?, ?, NULL, '', '', ?, 'pending', 0, 0, 0, 0, 0, 0, 0, 0, '{}', '[]', ?, ?, ?)`,
    [f.contentHash, f.fileName, f.channel, f.format, f.source, new Date().toISOString(), f.importedBy, f.downloadedAt],
  );
  return r.lastID;
}

/** Fill in the header facts and totals; the version is the next for its channel-day-merchant. */
export async function completeFile(
  tx: WriteTx,
  id: number,
  f: Omit<
    NewStatementFile,
    'contentHash' | 'fileName' | 'channel' | 'source' | 'status' | 'importedBy' | 'downloadedAt'
  >,
): Promise<{ version: number }> {
  const v = await tx.get<{ v: number }>(
    `SELECT coalesce(max(version), 0) + 1 AS v FROM statement_file
     WHERE channel = (SELECT channel FROM statement_file WHERE id = ?) AND business_date = ? AND merchant_id = ? AND id <> ?`,
    [id, f.businessDate, f.merchantId, id],
  );
  const version = v?.v ?? 1;
  await tx.run(
    `UPDATE statement_file SET format = ?, variant = ?, business_date = ?, merchant_id = ?, version = ?, line_count = ?,
       payment_count = ?, payment_fen = ?, refund_count = ?, refund_fen = ?, fee_fen = ?, net_fen = ?, tie_out_ok = ?,
       accepted_mismatch = ?, detection_json = ?, summary_json = ?, warnings_json = ?, profile_version = ?,
       raw_columns_json = ?
     WHERE id = ?`,
    [
      f.format,
      f.variant,
      f.businessDate,
      f.merchantId,
      version,
      f.lineCount,
      f.paymentCount,
      f.paymentFen,
      f.refundCount,
      f.refundFen,
      f.feeFen,
      f.netFen,
      f.tieOutOk === null ? null : f.tieOutOk ? 1 : 0,
      f.acceptedMismatch ? 1 : 0,
      JSON.stringify(f.detection),
      f.summary === null ? null : JSON.stringify(f.summary),
      JSON.stringify(f.warnings),
      f.profileVersion,
      JSON.stringify(f.rawColumns),
      id,
    ],
  );
  return { version };
}

// The columns a batch of lines sends per line; file_id and channel go once per batch.
const LINE_COLS = [
  'line_no',
  'member',
  'business_date',
  'kind',
  'amount_fen',
  'fee_fen',
  'occurred_at',
  'channel_txn_id',
  'merchant_order_no',
  'refund_no',
  'original_txn_id',
  'terminal_id',
  'ref_no',
  'voucher_no',
  'batch_no',
  'card_masked',
  'payer_account',
  'payer_name',
  'remark',
  'status',
] as const;

/**
 * Write a batch of lines in one statement: rows travel as one JSON text spread by jsonb_each, whose
 * rows come out as JSONB so that reading their values needs no second parse (~3× cheaper). A column
 * that is empty on every line of the batch is written as NULL rather than sent in each row (most
 * channels leave half of the columns empty).
 *
 * printed: the names of the lines' printed values (raw), filled in as new names appear; the values
 * go to raw_json as an array in that order, the names once on the file (raw_columns_json). Null when
 * the file's text is kept (statement_text) and a line's printed values are read back from it.
 * Returns the names (empty when null).
 */
export async function insertLines(
  tx: WriteTx,
  fileId: number,
  channel: string,
  lines: readonly StatementLine[],
  printed: string[] | null = [],
): Promise<string[]> {
  if (lines.length === 0) return printed ?? [];
  const used = new Array<boolean>(LINE_COLS.length).fill(false);
  const index = printed ? new Map(printed.map((c, i) => [c, i])) : null;
  const rows: (SqlValue | JsonValue)[][] = new Array(lines.length);
  for (let r = 0; r < lines.length; r++) {
    const l = lines[r]!;
    const row: (SqlValue | JsonValue)[] = [
      l.lineNo,
      l.member ?? null,
      l.businessDate,
      l.kind,
      l.amountFen,
      l.feeFen,
      l.occurredAt,
      l.channelTxnId,
      l.merchantOrderNo,
      l.refundNo,
      l.originalTxnId,
      l.terminalId,
      l.refNo,
      l.voucherNo,
      l.batchNo,
      l.cardMasked,
      l.payerAccount,
      l.payerName,
      l.remark,
      l.status,
    ];
    for (let c = 0; c < row.length; c++) if (row[c] !== null) used[c] = true;
    if (index && printed) {
      const values: (string | null)[] = new Array<string | null>(index.size).fill(null);
      for (const [k, v] of Object.entries(l.raw)) {
        let i = index.get(k);
        if (i === undefined) {
          i = printed.push(k) - 1;
          index.set(k, i);
        }
        values[i] = v;
      }
      row.push(values);
    }
    rows[r] = row;
  }
  // Columns empty on every line leave the rows (a quarter less JSON to write and to read).
  const keep: number[] = [];
  for (let i = 0; i <= LINE_COLS.length; i++) if (i === LINE_COLS.length ? index : used[i]) keep.push(i);
  if (keep.length < rows[0]!.length) {
    for (const row of rows) {
      for (let k = 0; k < keep.length; k++) row[k] = row[keep[k]!]!;
      row.length = keep.length;
    }
  }
  const at = (i: number) => keep.indexOf(i);
  const select = LINE_COLS.map((c, i) => (used[i] ? `value ->> ${at(i)}` : 'NULL'));
  const sql = `INSERT INTO statement_line (file_id, channel, ${LINE_COLS.join(', ')}, raw_json)
    SELECT ?1, ?2, ${select.join(', ')}, ${index ? `value -> ${at(LINE_COLS.length)}` : 'NULL'} FROM jsonb_each(?3)`;
  await tx.run(sql, [fileId, channel, JSON.stringify(rows)]);
  return printed ?? [];
}

/** Store one chunk of a file's kept text (see statements/kept-text.ts). */
export async function insertTextChunk(
  tx: WriteTx,
  fileId: number,
  chunk: { firstLine: number; lineCount: number; encoding: string; body: Buffer },
): Promise<void> {
  await tx.run(
    'INSERT INTO statement_text (file_id, first_line, line_count, encoding, body) VALUES (?, ?, ?, ?, ?)',
    [fileId, chunk.firstLine, chunk.lineCount, chunk.encoding, chunk.body],
  );
}

export interface PrintedLineSource {
  lineId: number;
  fileId: number;
  lineNo: number;
  format: string;
  /** The file's printed column names (raw_columns_json). */
  columns: string[];
  /** The line's printed values as stored on the line, when they were (formats without kept text). */
  rawValues: (string | null)[] | null;
  /** The kept-text chunk that holds the line, when the file's text was kept. */
  chunk: { firstLine: number; lineCount: number; encoding: string; body: Buffer } | null;
}

/** What it takes to show lines' printed values: their stored values, or the chunks of kept text that hold them. */
export async function printedLineSources(read: ReadDb, lineIds: readonly number[]): Promise<PrintedLineSource[]> {
  if (lineIds.length === 0) return [];
  const rows = await read.all<{
    lineId: number;
    fileId: number;
    lineNo: number;
    format: string;
    cols: string | null;
    raw: string | null;
    firstLine: number | null;
    lineCount: number | null;
    encoding: string | null;
  }>(
    `SELECT l.id AS lineId, l.file_id AS fileId, l.line_no AS lineNo, f.format, f.raw_columns_json AS cols,
            l.raw_json AS raw, t.first_line AS firstLine, t.line_count AS lineCount, t.encoding
     FROM json_each(?) j CROSS JOIN statement_line l ON l.id = j.value CROSS JOIN statement_file f ON f.id = l.file_id
     LEFT JOIN statement_text t ON l.raw_json IS NULL AND t.file_id = l.file_id
       AND t.first_line = (SELECT max(first_line) FROM statement_text WHERE file_id = l.file_id AND first_line <= l.line_no)
     ORDER BY j.key`,
    [JSON.stringify(lineIds)],
  );
  // A page of lines shares a handful of chunks: each is read once.
  const bodies = new Map<string, Buffer>();
  for (const r of rows) {
    if (r.firstLine === null) continue;
    const key = `${r.fileId}:${r.firstLine}`;
    if (bodies.has(key)) continue;
    const b = await read.get<{ body: Buffer }>('SELECT body FROM statement_text WHERE file_id = ? AND first_line = ?', [
      r.fileId,
      r.firstLine,
    ]);
    if (b) bodies.set(key, b.body);
  }
  return rows.map((r) => {
    const body = r.firstLine === null ? undefined : bodies.get(`${r.fileId}:${r.firstLine}`);
    return {
      lineId: r.lineId,
      fileId: r.fileId,
      lineNo: r.lineNo,
      format: r.format,
      columns: JSON.parse(r.cols ?? '[]') as string[],
      rawValues: r.raw === null ? null : (JSON.parse(r.raw) as (string | null)[]),
      chunk:
        body && r.firstLine !== null
          ? { firstLine: r.firstLine, lineCount: r.lineCount!, encoding: r.encoding!, body }
          : null,
    };
  });
}

/** Make a pending version the active one; the previous active file becomes superseded. */
export async function activateFile(tx: WriteTx, id: number): Promise<{ superseded: number | null }> {
  const f = await tx.get<{ channel: string; business_date: string; merchant_id: string }>(
    'SELECT channel, business_date, merchant_id FROM statement_file WHERE id = ?',
    [id],
  );
  if (!f) throw new Error(`no statement file ${id}`);
  const old = await tx.get<{ id: number }>(
    "SELECT id FROM statement_file WHERE channel = ? AND business_date = ? AND merchant_id = ? AND status = 'active'",
    [f.channel, f.business_date, f.merchant_id],
  );
  if (old) await tx.run("UPDATE statement_file SET status = 'superseded' WHERE id = ?", [old.id]);
  await tx.run("UPDATE statement_file SET status = 'active' WHERE id = ?", [id]);
  return { superseded: old?.id ?? null };
}

export interface CalendarCell {
  businessDate: string;
  channel: string;
  state: 'missing' | 'downloaded' | 'imported' | 'superseded' | 'pending';
  files: number;
  lineCount: number;
  netFen: number;
  activeFileIds: number[];
}

/** Business days × the seven channels: what is there for each cell. */
export async function calendar(read: ReadDb, from: string, to: string): Promise<CalendarCell[]> {
  const rows = await read.all<{
    businessDate: string;
    channel: string;
    files: number;
    active: number;
    pending: number;
    downloaded: number;
    lineCount: number;
    netFen: number;
    activeIds: string | null;
  }>(
    `SELECT business_date AS businessDate, channel, count(*) AS files,
            sum(status = 'active') AS active, sum(status = 'pending') AS pending,
            sum(status = 'active' AND source = 'download') AS downloaded,
            coalesce(sum(CASE WHEN status = 'active' THEN line_count END), 0) AS lineCount,
            coalesce(sum(CASE WHEN status = 'active' THEN net_fen END), 0) AS netFen,
            group_concat(CASE WHEN status = 'active' THEN id END) AS activeIds
     FROM statement_file WHERE business_date BETWEEN ? AND ? GROUP BY business_date, channel`,
    [from, to],
  );
  const byKey = new Map(rows.map((r) => [`${r.businessDate}|${r.channel}`, r]));
  const cells: CalendarCell[] = [];
  for (let d = from; d <= to; d = nextDay(d)) {
    for (const channel of CHANNEL_CODES) {
      const r = byKey.get(`${d}|${channel}`);
      const state: CalendarCell['state'] = !r
        ? 'missing'
        : r.pending > 0
          ? 'pending'
          : r.active === 0
            ? 'superseded'
            : r.downloaded > 0
              ? 'downloaded'
              : 'imported';
      cells.push({
        businessDate: d,
        channel,
        state,
        files: r?.files ?? 0,
        lineCount: r?.lineCount ?? 0,
        netFen: r?.netFen ?? 0,
        activeFileIds: r?.activeIds ? r.activeIds.split(',').map(Number) : [],
      });
    }
  }
  return cells;
}

function nextDay(d: string): string {
  return new Date(Date.parse(`${d}T00:00:00Z`) + 86400000).toISOString().slice(0, 10);
}

export const STATEMENT_LINE_GRID: GridSpec = {
  from: 'statement_line l JOIN statement_file f ON f.id = l.file_id',
  columns: {
    id: { sql: 'l.id', type: 'number' },
    fileId: { sql: 'l.file_id', type: 'number' },
    lineNo: { sql: 'l.line_no', type: 'number' },
    channel: { sql: 'l.channel', type: 'set' },
    fileDate: { sql: 'f.business_date', type: 'date' },
    businessDate: { sql: 'l.business_date', type: 'date' },
    kind: { sql: 'l.kind', type: 'set' },
    amountFen: { sql: 'l.amount_fen', type: 'number' },
    feeFen: { sql: 'l.fee_fen', type: 'number' },
    occurredAt: { sql: 'l.occurred_at', type: 'date' },
    channelTxnId: { sql: 'l.channel_txn_id', type: 'text' },
    merchantOrderNo: { sql: 'l.merchant_order_no', type: 'text' },
    refundNo: { sql: 'l.refund_no', type: 'text' },
    terminalId: { sql: 'l.terminal_id', type: 'text' },
    refNo: { sql: 'l.ref_no', type: 'text' },
    voucherNo: { sql: 'l.voucher_no', type: 'text' },
    payerAccount: { sql: 'l.payer_account', type: 'text' },
    payerName: { sql: 'l.payer_name', type: 'text' },
    remark: { sql: 'l.remark', type: 'text' },
    status: { sql: 'l.status', type: 'text' },
  },
  defaultSort: 'l.file_id, l.line_no',
  tieBreak: 'l.id',
  base: { table: 'statement_line', alias: 'l' },
};

export interface StatementLineRow {
  id: number;
  fileId: number;
  lineNo: number;
  channel: string;
  fileDate: string;
  businessDate: string;
  kind: string;
  amountFen: number;
  feeFen: number;
  occurredAt: string;
  channelTxnId: string | null;
  merchantOrderNo: string | null;
  refundNo: string | null;
  terminalId: string | null;
  refNo: string | null;
  voucherNo: string | null;
  payerAccount: string | null;
  payerName: string | null;
  remark: string | null;
  status: string | null;
}

export function pageStatementLines(db: GridOwner, req: PageRequest): Promise<PageResult<StatementLineRow>> {
  return queryPage(db.read, STATEMENT_LINE_GRID, req, db);
}
