// Aggregate: posting rules, the chart of accounts, journal documents with their trace, and the SAP
// export register (migration 0004, design/journal-sap.md). The services in journal/ decide; this
// module only reads and writes.
import type { ReadDb, SqlValue, WriteTx } from './db';
import { queryPage, type GridOwner, type GridSpec } from './grid';
import type { PageRequest, PageResult } from '../api/grid-types';
import { EVENT_TYPES, type GlAccount, type PostingRule, type PostingRuleFields } from '../journal/rules';
import { channelOrderSql } from '../domain/channels';

// ---------------------------------------------------------------- chart of accounts and rules

export async function listAccounts(read: ReadDb): Promise<GlAccount[]> {
  const rows = await read.all<{ account: string; name: string; open: number }>(
    'SELECT account, name, open FROM gl_account ORDER BY account',
  );
  return rows.map((r) => ({ account: r.account, name: r.name, open: r.open === 1 }));
}

export async function accountByNo(read: ReadDb, account: string): Promise<GlAccount | null> {
  const r = await read.get<{ account: string; name: string; open: number }>(
    'SELECT account, name, open FROM gl_account WHERE account = ?',
    [account],
  );
  return r ? { account: r.account, name: r.name, open: r.open === 1 } : null;
}

export async function upsertAccount(tx: WriteTx, a: GlAccount, actor: string): Promise<void> {
  await tx.run(
    `INSERT INTO gl_account (account, name, open, created_by, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (account) DO UPDATE SET name = excluded.name, open = excluded.open`,
    [a.account, a.name, a.open ? 1 : 0, actor, new Date().toISOString()],
  );
}

interface RuleRow {
  rule_key: string;
  version: number;
  event: string;
  channel: string;
  billing: string;
  dr_account: string;
  cr_account: string;
  cost_center: string;
  profit_center: string;
  doc_type: string;
  header_text: string;
  item_text: string;
  assignment: string;
  granularity: string;
  valid_from: string;
  valid_to: string | null;
  created_by: string;
  reason: string | null;
}

function toRule(r: RuleRow): PostingRule {
  return {
    key: r.rule_key,
    version: r.version,
    event: r.event as PostingRule['event'],
    channel: r.channel as PostingRule['channel'],
    billing: r.billing,
    drAccount: r.dr_account,
    crAccount: r.cr_account,
    costCenter: r.cost_center,
    profitCenter: r.profit_center,
    docType: r.doc_type,
    headerText: r.header_text,
    itemText: r.item_text,
    assignment: r.assignment,
    granularity: r.granularity as PostingRule['granularity'],
    validFrom: r.valid_from,
    createdBy: r.created_by,
  };
}

// Rules listed by event in the order of EVENT_TYPES, then in the fixed channel order.
const RULE_ORDER = `ORDER BY CASE event ${EVENT_TYPES.map((e, i) => `WHEN '${e}' THEN ${i}`).join(' ')} ELSE 99 END,
  ${channelOrderSql('channel')}, billing`;

export async function currentRules(read: ReadDb): Promise<PostingRule[]> {
  const rows = await read.all<RuleRow>(`SELECT * FROM posting_rule WHERE valid_to IS NULL ${RULE_ORDER}`);
  return rows.map(toRule);
}

export async function ruleVersion(read: ReadDb, key: string, version: number): Promise<PostingRule | null> {
  const r = await read.get<RuleRow>('SELECT * FROM posting_rule WHERE rule_key = ? AND version = ?', [key, version]);
  return r ? toRule(r) : null;
}

export interface RuleHistoryRow extends PostingRule {
  validTo: string | null;
  reason: string | null;
}

export async function ruleHistory(read: ReadDb, key: string): Promise<RuleHistoryRow[]> {
  const rows = await read.all<RuleRow>('SELECT * FROM posting_rule WHERE rule_key = ? ORDER BY version DESC', [key]);
  return rows.map((r) => ({ ...toRule(r), validTo: r.valid_to, reason: r.reason }));
}

/** Close the current version (if any) and insert the next one; returns the new version number. */
export async function insertRuleVersion(
  tx: WriteTx,
  key: string,
  r: PostingRuleFields,
  actor: string,
  reason: string,
): Promise<number> {
  const now = new Date().toISOString();
  const prev = await tx.get<{ v: number | null }>('SELECT max(version) AS v FROM posting_rule WHERE rule_key = ?', [key]);
  const version = (prev?.v ?? 0) + 1;
  await tx.run('UPDATE posting_rule SET valid_to = ? WHERE rule_key = ? AND valid_to IS NULL', [now, key]);
  await tx.run(
    `INSERT INTO posting_rule (rule_key, version, event, channel, billing, dr_account, cr_account, cost_center,
       profit_center, doc_type, header_text, item_text, assignment, granularity, valid_from, created_by, created_at, reason)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      key, version, r.event, r.channel, r.billing, r.drAccount, r.crAccount, r.costCenter, r.profitCenter, r.docType,
      r.headerText, r.itemText, r.assignment, r.granularity, now, actor, now, reason,
    ],
  );
  return version;
}

// ---------------------------------------------------------------- what journals are made from

export interface PaymentSource {
  channel: string;
  businessDate: string;
  paymentNo: string;
  orderNo: string;
  billingKind: string;
  method: string;
  amountFen: number;
  lineId: number | null; // the statement line it was matched to, when matched
}

/** Successful internal payments of the days, with the billing kind and the matched statement line. */
export async function paymentSources(read: ReadDb, from: string, to: string): Promise<PaymentSource[]> {
  return read.all<PaymentSource>(
    `SELECT p.channel, p.business_date AS businessDate, p.payment_no AS paymentNo, p.order_no AS orderNo,
            coalesce(b.kind, '') AS billingKind, p.method, p.amount_fen AS amountFen,
            coalesce(rp.line_id, (SELECT m.line_id FROM recon_member m JOIN recon_match x ON x.id = m.match_id
               WHERE x.state IN ('confirmed','auto') AND m.match_id IN (SELECT match_id FROM recon_member WHERE item_key = 'P|' || p.payment_no)
                 AND m.line_id IS NOT NULL ORDER BY m.line_id LIMIT 1)) AS lineId
       FROM payment p
       LEFT JOIN billing b ON b.billing_no = p.billing_no
       LEFT JOIN recon_pair rp ON rp.item_key = 'P|' || p.payment_no
      WHERE p.business_date BETWEEN ? AND ? AND p.status = 'success'
      ORDER BY p.business_date, p.channel, p.payment_no`,
    [from, to],
  );
}

export interface RefundSource {
  channel: string;
  businessDate: string;
  refundNo: string;
  orderNo: string;
  billingKind: string;
  amountFen: number;
  lineId: number | null;
}

export async function refundSources(read: ReadDb, from: string, to: string): Promise<RefundSource[]> {
  return read.all<RefundSource>(
    `SELECT r.channel, r.business_date AS businessDate, r.refund_no AS refundNo, r.order_no AS orderNo,
            coalesce(b.kind, '') AS billingKind, r.amount_fen AS amountFen, rp.line_id AS lineId
       FROM refund r
       LEFT JOIN billing b ON b.billing_no = r.billing_no
       LEFT JOIN recon_pair rp ON rp.item_key = 'R|' || r.refund_no
      WHERE r.business_date BETWEEN ? AND ? AND r.status = 'success'
      ORDER BY r.business_date, r.channel, r.refund_no`,
    [from, to],
  );
}

export interface StatementSource {
  channel: string;
  businessDate: string; // the statement day (the active file's day)
  lineId: number;
  orderNo: string;
  amountFen: number;
}

/** Fees the channels kept, line by line, from the active statement files (fee lines and fees printed on lines). */
export async function feeSources(read: ReadDb, from: string, to: string): Promise<StatementSource[]> {
  return read.all<StatementSource>(
    `SELECT f.channel, f.business_date AS businessDate, l.id AS lineId, coalesce(l.merchant_order_no, '') AS orderNo,
            l.fee_fen + CASE WHEN l.kind = 'fee' THEN -l.amount_fen ELSE 0 END AS amountFen
       FROM statement_file f JOIN statement_line l ON l.file_id = f.id
      WHERE f.status = 'active' AND f.business_date BETWEEN ? AND ?
        AND (l.fee_fen <> 0 OR l.kind = 'fee')
      ORDER BY f.business_date, f.channel, l.id`,
    [from, to],
  );
}

/** Withdrawals to the bank printed in the channels' statements (money leaving the clearing account). */
export async function settlementSources(read: ReadDb, from: string, to: string): Promise<StatementSource[]> {
  return read.all<StatementSource>(
    `SELECT f.channel, f.business_date AS businessDate, l.id AS lineId, '' AS orderNo, -l.amount_fen AS amountFen
       FROM statement_file f JOIN statement_line l ON l.file_id = f.id
      WHERE f.status = 'active' AND f.business_date BETWEEN ? AND ? AND l.kind = 'settlement'
      ORDER BY f.business_date, f.channel, l.id`,
    [from, to],
  );
}

export interface AdjustmentSource {
  id: number;
  kind: 'adjustment' | 'writeoff';
  channel: string;
  businessDate: string;
  amountFen: number; // signed: + the money side has more than the books (长款)
  orderNo: string;
  decisionIds: number[];
}

/** Approved adjustments and write-offs with the decisions (proposal, approval) behind them. */
export async function adjustmentSources(read: ReadDb, from: string, to: string): Promise<AdjustmentSource[]> {
  const rows = await read.all<{ id: number; kind: 'adjustment' | 'writeoff'; channel: string; businessDate: string; amountFen: number; orderNo: string | null; decisions: string | null }>(
    `SELECT a.id, a.kind, a.channel, a.business_date AS businessDate, a.amount_fen AS amountFen,
            (SELECT d.order_no FROM recon_discrepancy d WHERE d.id = a.target_id) AS orderNo,
            (SELECT group_concat(x.id) FROM recon_decision x
              WHERE x.target_id = a.target_id AND x.kind IN ('adjust_propose','adjust_approve','writeoff_propose','writeoff_approve')) AS decisions
       FROM recon_adjustment a
      WHERE a.state = 'approved' AND a.channel IS NOT NULL AND a.business_date BETWEEN ? AND ?
      ORDER BY a.business_date, a.channel, a.id`,
    [from, to],
  );
  return rows.map((r) => ({
    id: r.id, kind: r.kind, channel: r.channel, businessDate: r.businessDate, amountFen: r.amountFen, orderNo: r.orderNo ?? '',
    decisionIds: r.decisions ? r.decisions.split(',').map(Number).sort((a, b) => a - b) : [],
  }));
}

/** Channel-days whose reconciliation is signed off (journals of other days export only with a warning). */
export async function signedOffDays(read: ReadDb, from: string, to: string): Promise<Set<string>> {
  const rows = await read.all<{ channel: string; business_date: string }>(
    "SELECT channel, business_date FROM recon_day WHERE status = 'reconciled' AND business_date BETWEEN ? AND ?",
    [from, to],
  );
  return new Set(rows.map((r) => `${r.channel}|${r.business_date}`));
}

// ---------------------------------------------------------------- journal documents

export interface JournalLine {
  lineNo: number;
  account: string;
  debitFen: number;
  creditFen: number;
  itemText: string;
  assignment: string;
  costCenter: string;
  profitCenter: string;
  ruleKey: string;
  ruleVersion: number;
  sources: { source: string; amountFen: number }[];
}

export interface JournalDoc {
  id: number;
  xblnr: string;
  companyCode: string;
  businessDate: string;
  channel: string;
  event: string;
  part: number;
  version: number;
  kind: 'entry' | 'reversal';
  reversesId: number | null;
  docType: string;
  headerText: string;
  status: 'draft' | 'exported' | 'reversed';
  contentHash: string;
  lineCount: number;
  debitFen: number;
  creditFen: number;
}

export type NewJournalDoc = Omit<JournalDoc, 'id' | 'lineCount' | 'debitFen' | 'creditFen'> & { lines: JournalLine[] };

const DOC_COLUMNS = `id, xblnr, company_code AS companyCode, business_date AS businessDate, channel, event, part, version,
  kind, reverses_id AS reversesId, doc_type AS docType, header_text AS headerText, status, content_hash AS contentHash,
  line_count AS lineCount, debit_fen AS debitFen, credit_fen AS creditFen`;

/** Documents of one (day, channel, event), every version, oldest first. */
export async function docsOfGroup(read: ReadDb, date: string, channel: string, event: string): Promise<JournalDoc[]> {
  return read.all<JournalDoc>(
    `SELECT ${DOC_COLUMNS} FROM journal_doc WHERE business_date = ? AND channel = ? AND event = ? ORDER BY version, kind, part`,
    [date, channel, event],
  );
}

export async function docsInRange(read: ReadDb, from: string, to: string): Promise<JournalDoc[]> {
  return read.all<JournalDoc>(
    `SELECT ${DOC_COLUMNS} FROM journal_doc WHERE business_date BETWEEN ? AND ? ORDER BY xblnr`,
    [from, to],
  );
}

export async function docsByIds(read: ReadDb, ids: readonly number[]): Promise<JournalDoc[]> {
  if (ids.length === 0) return [];
  return read.all<JournalDoc>(
    `SELECT ${DOC_COLUMNS} FROM journal_doc WHERE id IN (SELECT value FROM json_each(?)) ORDER BY xblnr`,
    [JSON.stringify(ids)],
  );
}

/** The lines of documents (without their trace), by document id, in line order. */
export async function linesOfDocs(read: ReadDb, ids: readonly number[]): Promise<Map<number, JournalLine[]>> {
  const out = new Map<number, JournalLine[]>();
  if (ids.length === 0) return out;
  const rows = await read.all<Omit<JournalLine, 'sources'> & { docId: number }>(
    `SELECT doc_id AS docId, line_no AS lineNo, account, debit_fen AS debitFen, credit_fen AS creditFen, item_text AS itemText,
            assignment, cost_center AS costCenter, profit_center AS profitCenter, rule_key AS ruleKey, rule_version AS ruleVersion
       FROM journal_line WHERE doc_id IN (SELECT value FROM json_each(?)) ORDER BY doc_id, line_no`,
    [JSON.stringify(ids)],
  );
  for (const { docId, ...l } of rows) {
    let list = out.get(docId);
    if (!list) out.set(docId, (list = []));
    list.push({ ...l, sources: [] });
  }
  return out;
}

export interface TraceRow {
  lineNo: number;
  source: string;
  amountFen: number;
}

export async function docByXblnr(read: ReadDb, xblnr: string): Promise<JournalDoc | null> {
  return (await read.get<JournalDoc>(`SELECT ${DOC_COLUMNS} FROM journal_doc WHERE xblnr = ?`, [xblnr])) ?? null;
}

export async function traceOfDoc(read: ReadDb, docId: number): Promise<TraceRow[]> {
  return read.all<TraceRow>(
    'SELECT line_no AS lineNo, source, amount_fen AS amountFen FROM journal_trace WHERE doc_id = ? ORDER BY line_no, source',
    [docId],
  );
}

export async function insertDoc(tx: WriteTx, d: NewJournalDoc, actor: string): Promise<number> {
  const debit = d.lines.reduce((s, l) => s + l.debitFen, 0);
  const credit = d.lines.reduce((s, l) => s + l.creditFen, 0);
  const { lastID } = await tx.run(
    `INSERT INTO journal_doc (xblnr, company_code, business_date, channel, event, part, version, kind, reverses_id, doc_type,
       header_text, status, content_hash, line_count, debit_fen, credit_fen, created_by, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      d.xblnr, d.companyCode, d.businessDate, d.channel, d.event, d.part, d.version, d.kind, d.reversesId, d.docType,
      d.headerText, d.status, d.contentHash, d.lines.length, debit, credit, actor, new Date().toISOString(),
    ],
  );
  await tx.insertMany(
    'journal_line',
    ['doc_id', 'line_no', 'account', 'debit_fen', 'credit_fen', 'item_text', 'assignment', 'cost_center', 'profit_center', 'rule_key', 'rule_version', 'source_count'],
    d.lines.map((l) => [
      lastID, l.lineNo, l.account, l.debitFen, l.creditFen, l.itemText, l.assignment, l.costCenter, l.profitCenter, l.ruleKey,
      l.ruleVersion, l.sources.length,
    ]),
  );
  const trace: SqlValue[][] = [];
  for (const l of d.lines) for (const s of l.sources) trace.push([lastID, l.lineNo, s.source, s.amountFen]);
  await tx.insertMany('journal_trace', ['doc_id', 'line_no', 'source', 'amount_fen'], trace);
  return lastID;
}

/** Drafts only: an exported document is never deleted or changed. */
export async function deleteDraftDocs(tx: WriteTx, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  const json = JSON.stringify(ids);
  const exported = await tx.get<{ n: number }>(
    "SELECT count(*) AS n FROM journal_doc WHERE id IN (SELECT value FROM json_each(?)) AND status <> 'draft'",
    [json],
  );
  if (exported?.n) throw new Error('refusing to delete an exported journal document');
  await tx.run('DELETE FROM journal_trace WHERE doc_id IN (SELECT value FROM json_each(?))', [json]);
  await tx.run('DELETE FROM journal_line WHERE doc_id IN (SELECT value FROM json_each(?))', [json]);
  await tx.run('DELETE FROM journal_doc WHERE id IN (SELECT value FROM json_each(?))', [json]);
}

export async function markReversed(tx: WriteTx, id: number): Promise<void> {
  await tx.run("UPDATE journal_doc SET status = 'reversed' WHERE id = ? AND status = 'exported'", [id]);
}

// ---------------------------------------------------------------- export register

export interface ExportBatch {
  id: number;
  fileName: string;
  format: string;
  scope: string;
  dateFrom: string;
  dateTo: string;
  documents: number;
  lines: number;
  debitFen: number;
  creditFen: number;
  sha256: string;
  createdBy: string;
  createdAt: string;
  sapBatchId: string | null;
  status: string;
}

const BATCH_COLUMNS = `id, file_name AS fileName, format, scope, date_from AS dateFrom, date_to AS dateTo, documents, lines,
  debit_fen AS debitFen, credit_fen AS creditFen, sha256, created_by AS createdBy, created_at AS createdAt,
  sap_batch_id AS sapBatchId, status`;

export async function insertBatch(
  tx: WriteTx,
  b: Omit<ExportBatch, 'id' | 'createdAt' | 'sapBatchId' | 'status'>,
  docs: readonly { id: number; xblnr: string }[],
): Promise<number> {
  const { lastID } = await tx.run(
    `INSERT INTO journal_export_batch (file_name, format, scope, date_from, date_to, documents, lines, debit_fen, credit_fen, sha256, created_by, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [b.fileName, b.format, b.scope, b.dateFrom, b.dateTo, b.documents, b.lines, b.debitFen, b.creditFen, b.sha256, b.createdBy, new Date().toISOString()],
  );
  await tx.insertMany('journal_export_doc', ['doc_id', 'batch_id', 'xblnr'], docs.map((d) => [d.id, lastID, d.xblnr]));
  await tx.run(
    "UPDATE journal_doc SET status = 'exported' WHERE status = 'draft' AND id IN (SELECT doc_id FROM journal_export_doc WHERE batch_id = ?)",
    [lastID],
  );
  return lastID;
}

export async function batchById(read: ReadDb, id: number): Promise<ExportBatch | null> {
  return (await read.get<ExportBatch>(`SELECT ${BATCH_COLUMNS} FROM journal_export_batch WHERE id = ?`, [id])) ?? null;
}

export async function listBatches(read: ReadDb, limit: number): Promise<ExportBatch[]> {
  return read.all<ExportBatch>(`SELECT ${BATCH_COLUMNS} FROM journal_export_batch ORDER BY id DESC LIMIT ?`, [limit]);
}

export async function docIdsOfBatch(read: ReadDb, batchId: number): Promise<number[]> {
  const rows = await read.all<{ id: number }>('SELECT doc_id AS id FROM journal_export_doc WHERE batch_id = ? ORDER BY xblnr', [batchId]);
  return rows.map((r) => r.id);
}

/** The batches that already hold some of these documents. */
export async function batchesOfDocs(read: ReadDb, ids: readonly number[]): Promise<ExportBatch[]> {
  if (ids.length === 0) return [];
  return read.all<ExportBatch>(
    `SELECT ${BATCH_COLUMNS} FROM journal_export_batch WHERE id IN
       (SELECT batch_id FROM journal_export_doc WHERE doc_id IN (SELECT value FROM json_each(?))) ORDER BY id`,
    [JSON.stringify(ids)],
  );
}

export interface DayExportStatus {
  businessDate: string;
  channel: string;
  documents: number; // current documents (drafts, exported, and reversals)
  exported: number;
  drafts: number;
  allExported: boolean;
}

/**
 * Per business day and channel: whether its journals have reached SAP (every document exported).
 * The close helper checks this before it locks a period.
 */
export async function journalExportStatus(read: ReadDb, from: string, to: string): Promise<DayExportStatus[]> {
  const rows = await read.all<{ businessDate: string; channel: string; documents: number; exported: number; drafts: number }>(
    `SELECT business_date AS businessDate, channel, count(*) AS documents,
            sum(status <> 'draft') AS exported, sum(status = 'draft') AS drafts
       FROM journal_doc WHERE business_date BETWEEN ? AND ?
      GROUP BY business_date, channel
      ORDER BY business_date, ${channelOrderSql('channel')}`,
    [from, to],
  );
  return rows.map((r) => ({ ...r, allExported: r.drafts === 0 }));
}

// ---------------------------------------------------------------- preview grid

export function journalLineGrid(from: string, to: string): GridSpec {
  return {
    from: 'journal_line l JOIN journal_doc d ON d.id = l.doc_id',
    where: 'd.business_date BETWEEN ? AND ?',
    whereParams: [from, to],
    columns: {
      xblnr: { sql: 'd.xblnr', type: 'text' },
      businessDate: { sql: 'd.business_date', type: 'date' },
      channel: { sql: 'd.channel', type: 'set' },
      event: { sql: 'd.event', type: 'set' },
      status: { sql: 'd.status', type: 'set' },
      kind: { sql: 'd.kind', type: 'set' },
      version: { sql: 'd.version', type: 'number' },
      lineNo: { sql: 'l.line_no', type: 'number' },
      account: { sql: 'l.account', type: 'text' },
      accountName: { sql: '(SELECT name FROM gl_account g WHERE g.account = l.account)', type: 'text' },
      debitFen: { sql: 'l.debit_fen', type: 'number' },
      creditFen: { sql: 'l.credit_fen', type: 'number' },
      itemText: { sql: 'l.item_text', type: 'text' },
      assignment: { sql: 'l.assignment', type: 'text' },
      costCenter: { sql: 'l.cost_center', type: 'text' },
      profitCenter: { sql: 'l.profit_center', type: 'text' },
      ruleKey: { sql: 'l.rule_key', type: 'text' },
      ruleVersion: { sql: 'l.rule_version', type: 'number' },
      sourceCount: { sql: 'l.source_count', type: 'number' },
    },
    defaultSort: 'd.xblnr, l.line_no',
    tieBreak: 'l.doc_id, l.line_no',
  };
}

export interface JournalLineGridRow {
  xblnr: string;
  businessDate: string;
  channel: string;
  event: string;
  status: string;
  kind: string;
  version: number;
  lineNo: number;
  account: string;
  accountName: string | null;
  debitFen: number;
  creditFen: number;
  itemText: string;
  assignment: string;
  costCenter: string;
  profitCenter: string;
  ruleKey: string;
  ruleVersion: number;
  sourceCount: number;
}

export function pageJournalLines(db: GridOwner, from: string, to: string, req: PageRequest): Promise<PageResult<JournalLineGridRow>> {
  return queryPage(db.read, journalLineGrid(from, to), req, db);
}

export interface JournalTotals {
  documents: number;
  lines: number;
  debitFen: number;
  creditFen: number;
  drafts: number;
}

export async function journalTotals(read: ReadDb, from: string, to: string): Promise<JournalTotals> {
  const r = await read.get<JournalTotals>(
    `SELECT count(*) AS documents, coalesce(sum(line_count), 0) AS lines, coalesce(sum(debit_fen), 0) AS debitFen,
            coalesce(sum(credit_fen), 0) AS creditFen, coalesce(sum(status = 'draft'), 0) AS drafts
       FROM journal_doc WHERE business_date BETWEEN ? AND ?`,
    [from, to],
  );
  return r ?? { documents: 0, lines: 0, debitFen: 0, creditFen: 0, drafts: 0 };
}
