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

const LINE_COLS = [
  'file_id',
  'line_no',
  'member',
  'channel',
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
  'raw_json',
] as const;

const RAW_JSON = new Set(['raw_json']);

/**
 * Write a batch of lines. Each line's printed values are kept as an array; their names are stored
 * once on the file (raw_columns_json) instead of on every line, which halves what is written.
 * Returns the column names seen, for the file row.
 */
export async function insertLines(
  tx: WriteTx,
  fileId: number,
  channel: string,
  lines: readonly StatementLine[],
  rawColumns: string[] = [],
): Promise<string[]> {
  const index = new Map(rawColumns.map((c, i) => [c, i]));
  const rows: (SqlValue | JsonValue)[][] = lines.map((l) => {
    const values: (string | null)[] = new Array<string | null>(index.size).fill(null);
    for (const [k, v] of Object.entries(l.raw)) {
      let i = index.get(k);
      if (i === undefined) {
        i = rawColumns.push(k) - 1;
        index.set(k, i);
      }
      values[i] = v;
    }
    return [
      fileId,
      l.lineNo,
      l.member ?? null,
      channel,
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
      values,
    ];
  });
  await tx.insertMany('statement_line', LINE_COLS, rows, '', RAW_JSON);
  return rawColumns;
}

/** A line's printed values by name, for the lines grid's detail and for audit. */
export async function lineRaw(read: ReadDb, lineId: number): Promise<Record<string, string | null> | null> {
  const row = await read.get<{ raw: string; cols: string | null }>(
    'SELECT l.raw_json AS raw, f.raw_columns_json AS cols FROM statement_line l JOIN statement_file f ON f.id = l.file_id WHERE l.id = ?',
    [lineId],
  );
  if (!row) return null;
  const names = JSON.parse(row.cols ?? '[]') as string[];
  const values = JSON.parse(row.raw) as (string | null)[];
  return Object.fromEntries(values.map((v, i) => [names[i] ?? `#${i + 1}`, v]));
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
