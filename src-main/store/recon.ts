// Aggregate: reconciliation results and decisions as the screens, the CLI and the resolution services
// read and change them. The engine's own SQL is in recon-run.ts and recon-results.ts (re-exported
// here); natural keys in recon-keys.ts.
import type { ReadDb, WriteTx } from './db';
import type { DiscRow } from './recon-results';
import { lineKeys as lineKeysOf } from './recon-keys';
import { CHANNEL_CODES } from '../domain/channels';
import { buildPageQuery, queryPage, type GridOwner, type GridSpec } from './grid';
import type { PageRequest, PageResult } from '../api/grid-types';

export * from './recon-keys';
export * from './recon-results';
export { SETTLEMENT_CREDIT_SQL, insertMatches, type Acquirer, type MatchRow, type MatchMemberRow } from './recon-run';

/** The discrepancy types the run summary reports, in this order (order completeness is per order, not per day). */
export const SUMMARY_TYPES = [
  'long', 'short', 'amount_differs', 'duplicate', 'status_differs', 'fee_differs', 'wire_without_order', 'timing',
  'settlement_differs',
] as const;
export type SummaryType = (typeof SUMMARY_TYPES)[number];
export type OpenByType = Record<SummaryType, { count: number; fen: number }>;

/** Open (and carried) discrepancies of a channel-day by type; fen is the sum of their amounts' magnitudes. */
export async function openByType(read: ReadDb, channel: string, date: string): Promise<OpenByType> {
  const rows = await read.all<{ type: SummaryType; n: number; fen: number }>(
    `SELECT type, count(*) AS n, coalesce(sum(abs(amount_fen)), 0) AS fen FROM recon_discrepancy
     WHERE channel = ? AND business_date = ? AND state IN ('open','carried') GROUP BY type`,
    [channel, date],
  );
  const out = Object.fromEntries(SUMMARY_TYPES.map((t) => [t, { count: 0, fen: 0 }])) as OpenByType;
  for (const r of rows) if (r.type in out) out[r.type] = { count: r.n, fen: r.fen };
  return out;
}

// ---------------------------------------------------------------------------------------------
// Items, matches and discrepancies by id or natural key


export interface ItemInfo {
  key: string;
  side: 'internal' | 'statement';
  channel: string;
  itemDate: string;
  /** Books amount for internal items (0 unless successful), signed line amount for lines. */
  amountFen: number;
  status: string | null;
  lineId: number | null;
  orderNo: string | null;
  /** When it happened (internal items), for the channel's statement day. */
  at: string | null;
}

/** Internal items by key (P|…, R|…): channel, day, signed books amount. */
export async function internalItems(read: ReadDb, keys: readonly string[]): Promise<Map<string, ItemInfo>> {
  const rows = await read.all<ItemInfo>(
    `SELECT 'P|' || p.payment_no AS key, 'internal' AS side, p.channel, p.business_date AS itemDate,
            CASE WHEN p.status = 'success' THEN p.amount_fen ELSE 0 END AS amountFen, p.status, NULL AS lineId, p.order_no AS orderNo,
            p.paid_at AS at
     FROM json_each(?) j CROSS JOIN payment p ON p.payment_no = substr(j.value, 3) WHERE j.value LIKE 'P|%'
     UNION ALL
     SELECT 'R|' || r.refund_no, 'internal', r.channel, r.business_date,
            CASE WHEN r.status = 'success' THEN -r.amount_fen ELSE 0 END, r.status, NULL, r.order_no, r.refunded_at
     FROM json_each(?) j CROSS JOIN refund r ON r.refund_no = substr(j.value, 3) WHERE j.value LIKE 'R|%'`,
    [JSON.stringify(keys), JSON.stringify(keys)],
  );
  return new Map(rows.map((r) => [r.key, r]));
}

/** Statement lines by id (their natural keys computed). */
export async function statementItems(read: ReadDb, lineIds: readonly number[]): Promise<Map<number, ItemInfo>> {
  const keys = await lineKeysOf(read, lineIds);
  const rows = await read.all<{ id: number; channel: string; date: string; amountFen: number; status: string | null; orderNo: string | null }>(
    `SELECT l.id, f.channel, f.business_date AS date, l.amount_fen AS amountFen, f.status, l.merchant_order_no AS orderNo
     FROM json_each(?) j CROSS JOIN statement_line l ON l.id = j.value CROSS JOIN statement_file f ON f.id = l.file_id`,
    [JSON.stringify(lineIds)],
  );
  return new Map(rows.map((r) => [r.id, {
    key: keys.get(r.id)!, side: 'statement' as const, channel: r.channel, itemDate: r.date, amountFen: r.amountFen,
    status: r.status, lineId: r.id, orderNo: r.orderNo, at: null,
  }]));
}

export interface HoldingMatch {
  key: string;
  matchId: string | null; // null for a compact pair (its id is computed by the caller)
  pairLineId: number | null;
  pairItemKey: string | null;
  state: string;
}

/** Active matches (pairs, auto, confirmed) holding any of these items (lines by id). */
export async function holdingMatches(read: ReadDb, itemKeys: readonly string[], lineIds: readonly number[]): Promise<HoldingMatch[]> {
  return read.all<HoldingMatch>(
    `SELECT pr.item_key AS key, NULL AS matchId, pr.line_id AS pairLineId, pr.item_key AS pairItemKey, 'auto' AS state
       FROM json_each(?1) j CROSS JOIN recon_pair pr ON pr.item_key = j.value
     UNION ALL SELECT 'line:' || pr.line_id, NULL, pr.line_id, pr.item_key, 'auto'
       FROM json_each(?2) j CROSS JOIN recon_pair pr ON pr.line_id = j.value
     UNION ALL SELECT m.item_key, m.match_id, NULL, NULL, x.state
       FROM json_each(?1) j CROSS JOIN recon_member m ON m.item_key = j.value JOIN recon_match x ON x.id = m.match_id
       WHERE x.state IN ('auto','confirmed')
     UNION ALL SELECT 'line:' || m.line_id, m.match_id, NULL, NULL, x.state
       FROM json_each(?2) j CROSS JOIN recon_member m ON m.line_id = j.value JOIN recon_match x ON x.id = m.match_id
       WHERE x.state IN ('auto','confirmed')`,
    [JSON.stringify(itemKeys), JSON.stringify(lineIds)],
  );
}

export interface MatchView {
  id: string;
  channel: string;
  businessDate: string;
  pass: string;
  ruleVersion: number;
  shape: string;
  state: string;
  stale: number;
  internalCount: number;
  internalFen: number;
  statementCount: number;
  statementFen: number;
  feeFen: number;
  score: number | null;
  adjustmentId: number | null;
  members: { key: string; side: string; itemDate: string; amountFen: number; lineId: number | null }[];
}

const MATCH_SELECT = `SELECT id, channel, business_date AS businessDate, pass, rule_version AS ruleVersion, shape, state, stale,
  internal_count AS internalCount, internal_fen AS internalFen, statement_count AS statementCount, statement_fen AS statementFen,
  fee_fen AS feeFen, score, adjustment_id AS adjustmentId FROM recon_match`;

export async function matchById(read: ReadDb, id: string): Promise<MatchView | null> {
  const m = await read.get<Omit<MatchView, 'members'>>(`${MATCH_SELECT} WHERE id = ?`, [id]);
  if (!m) return null;
  const members = await read.all<MatchView['members'][number]>(
    `SELECT item_key AS key, side, item_date AS itemDate, amount_fen AS amountFen, line_id AS lineId FROM recon_member
     WHERE match_id = ? ORDER BY item_key`,
    [id],
  );
  return { ...m, members };
}

export interface PairRow {
  lineId: number;
  itemKey: string;
  pass: string;
  channel: string;
  matchDate: string;
  itemDate: string;
  amountFen: number;
  feeFen: number;
  runId: number;
}

const PAIR_SELECT = `SELECT line_id AS lineId, item_key AS itemKey, pass, channel, match_date AS matchDate, item_date AS itemDate,
  amount_fen AS amountFen, fee_fen AS feeFen, run_id AS runId FROM recon_pair`;

export async function pairByItem(read: ReadDb, itemKey: string): Promise<PairRow | null> {
  return (await read.get<PairRow>(`${PAIR_SELECT} WHERE item_key = ?`, [itemKey])) ?? null;
}

export async function pairByLine(read: ReadDb, lineId: number): Promise<PairRow | null> {
  return (await read.get<PairRow>(`${PAIR_SELECT} WHERE line_id = ?`, [lineId])) ?? null;
}

export async function deletePair(tx: WriteTx, lineId: number): Promise<void> {
  await tx.run('DELETE FROM recon_pair WHERE line_id = ?', [lineId]);
}

export async function setMatchState(tx: WriteTx, id: string, state: string, decisionId: number | null): Promise<void> {
  await tx.run('UPDATE recon_match SET state = ?, decision_id = coalesce(?, decision_id) WHERE id = ?', [state, decisionId, id]);
}

export async function setMatchAdjustment(tx: WriteTx, id: string, adjustmentId: number | null): Promise<void> {
  await tx.run('UPDATE recon_match SET adjustment_id = ? WHERE id = ?', [adjustmentId, id]);
}

export interface DiscDetail {
  id: string;
  type: string;
  channel: string | null;
  businessDate: string;
  runChannel: string;
  runDate: string;
  amountFen: number;
  internalFen: number;
  statementFen: number;
  state: string;
  carryUntil: string | null;
  resolution: string | null;
  adjustmentId: number | null;
  taskId: number | null;
  suggestedMatch: string | null;
  detail: string;
  keys: Record<string, unknown>;
  members: { key: string; side: string; channel: string | null; itemDate: string; amountFen: number; lineId: number | null }[];
}

export async function discById(read: ReadDb, id: string): Promise<DiscDetail | null> {
  const d = await read.get<Omit<DiscDetail, 'keys' | 'members'> & { keysJson: string }>(
    `SELECT id, type, channel, business_date AS businessDate, run_channel AS runChannel, run_date AS runDate, amount_fen AS amountFen,
            internal_fen AS internalFen, statement_fen AS statementFen, state, carry_until AS carryUntil, resolution,
            adjustment_id AS adjustmentId, task_id AS taskId, suggested_match AS suggestedMatch, detail, keys_json AS keysJson
     FROM recon_discrepancy WHERE id = ?`,
    [id],
  );
  if (!d) return null;
  const members = await read.all<DiscDetail['members'][number]>(
    `SELECT item_key AS key, side, channel, item_date AS itemDate, amount_fen AS amountFen, line_id AS lineId
     FROM recon_disc_member WHERE disc_id = ? ORDER BY item_key`,
    [id],
  );
  const { keysJson, ...rest } = d;
  return { ...rest, keys: JSON.parse(keysJson) as Record<string, unknown>, members };
}

/** Open or carried principal discrepancies holding any of these items (lines by id). */
export async function openDiscsOf(read: ReadDb, itemKeys: readonly string[], lineIds: readonly number[]): Promise<string[]> {
  const rows = await read.all<{ id: string }>(
    `SELECT DISTINCT d.id FROM recon_discrepancy d JOIN recon_disc_member dm ON dm.disc_id = d.id
     WHERE d.state IN ('open','carried') AND d.type NOT IN ('fee_differs','settlement_differs','order_incomplete')
       AND (dm.item_key IN (SELECT value FROM json_each(?)) OR dm.line_id IN (SELECT value FROM json_each(?)))
     ORDER BY d.id`,
    [JSON.stringify(itemKeys), JSON.stringify(lineIds)],
  );
  return rows.map((r) => r.id);
}

export async function resolveDisc(tx: WriteTx, id: string, resolution: string, ref: string | null): Promise<void> {
  await tx.run(
    "UPDATE recon_discrepancy SET state = 'resolved', resolution = ?, resolved_ref = ? WHERE id = ?",
    [resolution, ref, id],
  );
}

export async function setDiscAdjustment(tx: WriteTx, id: string, adjustmentId: number | null): Promise<void> {
  await tx.run('UPDATE recon_discrepancy SET adjustment_id = ? WHERE id = ?', [adjustmentId, id]);
}

export async function carryDisc(tx: WriteTx, id: string, until: string): Promise<void> {
  await tx.run("UPDATE recon_discrepancy SET state = 'carried', carry_until = ? WHERE id = ?", [until, id]);
}

export async function setDiscTask(tx: WriteTx, id: string, taskId: number): Promise<void> {
  await tx.run('UPDATE recon_discrepancy SET task_id = ? WHERE id = ?', [taskId, id]);
}

/** Write new discrepancy rows (a person's act freed items: they are open again until the next run). */
export { insertDiscrepancies as insertDiscRows } from './recon-results';
export type { DiscRow };

// ---------------------------------------------------------------------------------------------
// Decisions, adjustments, tasks

export interface NewDecision {
  kind: string;
  channel: string | null;
  businessDate: string | null;
  members: string[];
  membersKey: string;
  targetId: string | null;
  payload: unknown;
  reasonCode: string | null;
  comment: string | null;
  actor: string;
}

export async function insertDecision(tx: WriteTx, d: NewDecision): Promise<number> {
  const r = await tx.run(
    `INSERT INTO recon_decision (kind, channel, business_date, members_json, members_key, target_id, payload_json, reason_code,
       comment, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [d.kind, d.channel, d.businessDate, JSON.stringify(d.members), d.membersKey, d.targetId, JSON.stringify(d.payload ?? {}),
      d.reasonCode, d.comment, d.actor, new Date().toISOString()],
  );
  return r.lastID;
}

export async function deactivateDecisions(tx: WriteTx, kind: string, targetId: string, exceptId?: number): Promise<void> {
  await tx.run('UPDATE recon_decision SET active = 0 WHERE kind = ? AND target_id = ? AND id <> ?', [kind, targetId, exceptId ?? -1]);
}

export interface AdjustmentRow {
  id: number;
  kind: 'adjustment' | 'writeoff';
  targetKind: 'discrepancy' | 'match';
  targetId: string;
  members: string[];
  channel: string | null;
  businessDate: string;
  amountFen: number;
  reasonCode: string;
  comment: string;
  state: 'proposed' | 'approved' | 'rejected';
  maker: string;
  madeAt: string;
  approver: string | null;
  decidedAt: string | null;
  decisionComment: string | null;
  stale: number;
}

export async function insertAdjustment(
  tx: WriteTx,
  a: Pick<AdjustmentRow, 'kind' | 'targetKind' | 'targetId' | 'members' | 'channel' | 'businessDate' | 'amountFen' | 'reasonCode' | 'comment' | 'maker'>,
): Promise<number> {
  const r = await tx.run(
    `INSERT INTO recon_adjustment (kind, target_kind, target_id, members_json, members_key, channel, business_date, amount_fen,
       reason_code, comment, state, maker, made_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'proposed', ?, ?)`,
    [a.kind, a.targetKind, a.targetId, JSON.stringify(a.members), [...a.members].sort().join('\n'), a.channel, a.businessDate,
      a.amountFen, a.reasonCode, a.comment, a.maker, new Date().toISOString()],
  );
  return r.lastID;
}

export async function adjustmentById(read: ReadDb, id: number): Promise<AdjustmentRow | null> {
  const r = await read.get<Omit<AdjustmentRow, 'members'> & { membersJson: string }>(
    `SELECT id, kind, target_kind AS targetKind, target_id AS targetId, members_json AS membersJson, channel, business_date AS businessDate,
            amount_fen AS amountFen, reason_code AS reasonCode, comment, state, maker, made_at AS madeAt, approver,
            decided_at AS decidedAt, decision_comment AS decisionComment, stale
     FROM recon_adjustment WHERE id = ?`,
    [id],
  );
  if (!r) return null;
  const { membersJson, ...rest } = r;
  return { ...rest, members: JSON.parse(membersJson) as string[] };
}

/** Adjustments and write-offs for the approvals view: one state (or all), newest first. */
export async function listAdjustments(read: ReadDb, state: AdjustmentRow['state'] | null, limit: number): Promise<AdjustmentRow[]> {
  const rows = await read.all<Omit<AdjustmentRow, 'members'> & { membersJson: string }>(
    `SELECT id, kind, target_kind AS targetKind, target_id AS targetId, members_json AS membersJson, channel, business_date AS businessDate,
            amount_fen AS amountFen, reason_code AS reasonCode, comment, state, maker, made_at AS madeAt, approver,
            decided_at AS decidedAt, decision_comment AS decisionComment, stale
     FROM recon_adjustment WHERE ?1 IS NULL OR state = ?1 ORDER BY id DESC LIMIT ?2`,
    [state, limit],
  );
  return rows.map(({ membersJson, ...r }) => ({ ...r, members: JSON.parse(membersJson) as string[] }));
}

export async function pendingAdjustments(read: ReadDb, targetId: string): Promise<AdjustmentRow[]> {
  const ids = await read.all<{ id: number }>(
    "SELECT id FROM recon_adjustment WHERE target_id = ? AND state IN ('proposed','approved') ORDER BY id",
    [targetId],
  );
  const out: AdjustmentRow[] = [];
  for (const { id } of ids) out.push((await adjustmentById(read, id))!);
  return out;
}

export async function decideAdjustment(tx: WriteTx, id: number, state: 'approved' | 'rejected', approver: string, comment: string | null): Promise<void> {
  await tx.run(
    "UPDATE recon_adjustment SET state = ?, approver = ?, decided_at = ?, decision_comment = ? WHERE id = ? AND state = 'proposed'",
    [state, approver, new Date().toISOString(), comment, id],
  );
}

export async function insertTask(
  tx: WriteTx,
  t: { kind: 'refund_request' | 'platform_correction'; discrepancyId: string; members: string[]; channel: string | null; businessDate: string;
    amountFen: number; reasonCode: string; comment: string; actor: string },
): Promise<number> {
  const r = await tx.run(
    `INSERT INTO recon_task (kind, discrepancy_id, members_json, channel, business_date, amount_fen, reason_code, comment, state,
       requested_by, requested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)`,
    [t.kind, t.discrepancyId, JSON.stringify(t.members), t.channel, t.businessDate, t.amountFen, t.reasonCode, t.comment, t.actor,
      new Date().toISOString()],
  );
  return r.lastID;
}

export async function countPendingForDay(read: ReadDb, channel: string, date: string): Promise<number> {
  const r = await read.get<{ n: number }>(
    `SELECT count(*) AS n FROM recon_adjustment WHERE state = 'proposed' AND channel = ? AND business_date = ?`,
    [channel, date],
  );
  return r?.n ?? 0;
}

export async function setDayStatus(tx: WriteTx, channel: string, date: string, status: 'open' | 'reconciled', actor: string | null): Promise<void> {
  await tx.run(
    `UPDATE recon_day SET status = ?, signed_off_by = ?, signed_off_at = ? WHERE channel = ? AND business_date = ?`,
    [status, actor, actor ? new Date().toISOString() : null, channel, date],
  );
}

// ---------------------------------------------------------------------------------------------
// Screens: the workbench (days × channels), the discrepancy grid, candidates for manual matching


export interface WorkbenchCell {
  businessDate: string;
  channel: string;
  /** Active statement files of the day. */
  statementFiles: number;
  ran: boolean;
  ranAt: string | null;
  status: 'open' | 'reconciled' | null;
  signedOffBy: string | null;
  statementCount: number;
  internalCount: number;
  /** Auto-matched statement lines ÷ statement lines (count), 0..1; null before the first run. */
  matchRate: number | null;
  matchedFen: number;
  openCount: number;
  openFen: number;
  carriedCount: number;
  pendingAdjustments: number;
  proof: {
    ok: boolean; internalFen: number; statementFen: number; unaccountedInternal: number; unaccountedStatement: number;
    // The two equations people check: internal = matched + open internal; statement = matched + open statement.
    matchedInternalFen: number; openInternalFen: number; matchedStatementFen: number; openStatementFen: number;
  } | null;
}

export async function workbench(read: ReadDb, from: string, to: string): Promise<WorkbenchCell[]> {
  const [days, open, files, pending] = await Promise.all([
    read.all<Record<string, number | string | null>>(
      `SELECT channel, business_date, ran_at, status, signed_off_by, statement_count, internal_count, auto_statement_count,
              matched_statement_fen, internal_fen, statement_fen, unaccounted_internal, unaccounted_statement, proof_ok,
              matched_internal_fen, open_internal_fen, open_statement_fen
       FROM recon_day WHERE business_date BETWEEN ? AND ?`,
      [from, to],
    ),
    read.all<{ channel: string; business_date: string; n: number; fen: number; carried: number }>(
      `SELECT channel, business_date, count(*) AS n, coalesce(sum(abs(amount_fen)), 0) AS fen, sum(state = 'carried') AS carried
       FROM recon_discrepancy WHERE business_date BETWEEN ? AND ? AND state IN ('open','carried') AND channel IS NOT NULL
       GROUP BY channel, business_date`,
      [from, to],
    ),
    read.all<{ channel: string; business_date: string; n: number }>(
      `SELECT channel, business_date, count(*) AS n FROM statement_file WHERE business_date BETWEEN ? AND ? AND status = 'active'
       GROUP BY channel, business_date`,
      [from, to],
    ),
    read.all<{ channel: string; business_date: string; n: number }>(
      `SELECT channel, business_date, count(*) AS n FROM recon_adjustment WHERE state = 'proposed' AND business_date BETWEEN ? AND ?
       GROUP BY channel, business_date`,
      [from, to],
    ),
  ]);
  const key = (c: unknown, d: unknown) => `${String(c)}|${String(d)}`;
  const dayBy = new Map(days.map((r) => [key(r.channel, r.business_date), r]));
  const openBy = new Map(open.map((r) => [key(r.channel, r.business_date), r]));
  const filesBy = new Map(files.map((r) => [key(r.channel, r.business_date), r.n]));
  const pendingBy = new Map(pending.map((r) => [key(r.channel, r.business_date), r.n]));
  const out: WorkbenchCell[] = [];
  for (let d = from; d <= to; d = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)) {
    for (const ch of CHANNEL_CODES) {
      const r = dayBy.get(key(ch, d));
      const o = openBy.get(key(ch, d));
      const n = (x: unknown) => Number(x ?? 0);
      out.push({
        businessDate: d, channel: ch, statementFiles: filesBy.get(key(ch, d)) ?? 0, ran: r !== undefined,
        ranAt: r ? String(r.ran_at) : null, status: r ? (r.status as 'open' | 'reconciled') : null,
        signedOffBy: r?.signed_off_by ? String(r.signed_off_by) : null, statementCount: n(r?.statement_count),
        internalCount: n(r?.internal_count),
        matchRate: r ? (n(r.statement_count) === 0 ? 1 : n(r.auto_statement_count) / n(r.statement_count)) : null,
        matchedFen: n(r?.matched_statement_fen), openCount: o?.n ?? 0, openFen: o?.fen ?? 0, carriedCount: o?.carried ?? 0,
        pendingAdjustments: pendingBy.get(key(ch, d)) ?? 0,
        proof: r
          ? { ok: n(r.proof_ok) === 1, internalFen: n(r.internal_fen), statementFen: n(r.statement_fen),
              unaccountedInternal: n(r.unaccounted_internal), unaccountedStatement: n(r.unaccounted_statement),
              matchedInternalFen: n(r.matched_internal_fen), openInternalFen: n(r.open_internal_fen),
              matchedStatementFen: n(r.matched_statement_fen), openStatementFen: n(r.open_statement_fen) }
          : null,
      });
    }
  }
  return out;
}

export const DISCREPANCY_GRID: GridSpec = {
  from: 'recon_discrepancy d',
  columns: {
    id: { sql: 'd.id', type: 'text' },
    type: { sql: 'd.type', type: 'set' },
    channel: { sql: 'd.channel', type: 'set' },
    businessDate: { sql: 'd.business_date', type: 'date' },
    amountFen: { sql: 'd.amount_fen', type: 'number' },
    internalFen: { sql: 'd.internal_fen', type: 'number' },
    statementFen: { sql: 'd.statement_fen', type: 'number' },
    state: { sql: 'd.state', type: 'set' },
    ageDays: { sql: "CAST(julianday('now', '+8 hours', 'start of day') - julianday(d.business_date) AS INTEGER)", type: 'number' },
    carryUntil: { sql: 'd.carry_until', type: 'date' },
    paymentNo: { sql: 'd.payment_no', type: 'text' },
    orderNo: { sql: 'd.order_no', type: 'text' },
    channelTxnId: { sql: 'd.channel_txn_id', type: 'text' },
    merchantOrderNo: { sql: 'd.merchant_order_no', type: 'text' },
    terminalId: { sql: 'd.terminal_id', type: 'text' },
    refNo: { sql: 'd.ref_no', type: 'text' },
    detail: { sql: 'd.detail', type: 'text' },
    resolution: { sql: 'd.resolution', type: 'set' },
    adjustmentId: { sql: 'd.adjustment_id', type: 'number' },
    taskId: { sql: 'd.task_id', type: 'number' },
    suggestedMatch: { sql: 'd.suggested_match', type: 'text' },
    members: { sql: 'd.members_json', type: 'text' },
    keys: { sql: 'd.keys_json', type: 'text' },
  },
  defaultSort: 'd.business_date DESC',
  tieBreak: 'd.rowid',
  base: { table: 'recon_discrepancy', alias: 'd' },
};

export interface DiscrepancyGridRow {
  id: string;
  type: string;
  channel: string | null;
  businessDate: string;
  amountFen: number;
  internalFen: number;
  statementFen: number;
  state: string;
  ageDays: number;
  carryUntil: string | null;
  paymentNo: string | null;
  orderNo: string | null;
  channelTxnId: string | null;
  merchantOrderNo: string | null;
  terminalId: string | null;
  refNo: string | null;
  detail: string;
  resolution: string | null;
  adjustmentId: number | null;
  taskId: number | null;
  suggestedMatch: string | null;
  members: string;
  keys: string;
}

export const AGE_BUCKETS = ['0-1', '2-3', '4-7', '8-30', '>30'] as const;

export interface DiscrepancyPage extends PageResult<DiscrepancyGridRow> {
  /** Count and amount (magnitude) per type under the same filters except the type filter (the tabs). */
  typeCounts: { type: string; count: number; fen: number }[];
  /** Ageing of the filtered rows: 0–1, 2–3, 4–7, 8–30, >30 days (§11). */
  ageing: { bucket: (typeof AGE_BUCKETS)[number]; count: number; fen: number }[];
}

export async function pageDiscrepancies(db: GridOwner, req: PageRequest): Promise<DiscrepancyPage> {
  const page = await queryPage<DiscrepancyGridRow>(db.read, DISCREPANCY_GRID, req, db);
  const { type: _tab, ...others } = req.filterModel ?? {};
  const tabs = buildPageQuery(DISCREPANCY_GRID, { sortModel: [], filterModel: others });
  const all = buildPageQuery(DISCREPANCY_GRID, { sortModel: [], filterModel: req.filterModel ?? {} });
  const age = DISCREPANCY_GRID.columns.ageDays!.sql;
  const [typeCounts, ageing] = await Promise.all([
    db.read.all<{ type: string; count: number; fen: number }>(
      `SELECT d.type, count(*) AS count, coalesce(sum(abs(d.amount_fen)), 0) AS fen FROM recon_discrepancy d ${tabs.whereSql}
       GROUP BY d.type ORDER BY d.type`,
      tabs.params,
    ),
    db.read.all<{ bucket: (typeof AGE_BUCKETS)[number]; count: number; fen: number }>(
      `SELECT CASE WHEN a <= 1 THEN '0-1' WHEN a <= 3 THEN '2-3' WHEN a <= 7 THEN '4-7' WHEN a <= 30 THEN '8-30' ELSE '>30' END AS bucket,
              count(*) AS count, coalesce(sum(abs(amt)), 0) AS fen
       FROM (SELECT ${age} AS a, d.amount_fen AS amt FROM recon_discrepancy d ${all.whereSql}) GROUP BY bucket`,
      all.params,
    ),
  ]);
  return {
    ...page,
    typeCounts,
    ageing: AGE_BUCKETS.map((b) => ageing.find((x) => x.bucket === b) ?? { bucket: b, count: 0, fen: 0 }),
  };
}

export interface Candidate {
  key: string;
  side: 'internal' | 'statement';
  itemDate: string;
  amountFen: number;
  lineId: number | null;
  discrepancyId: string;
  type: string;
  state: string;
  suggestedMatch: string | null;
  keys: Record<string, unknown>;
}

/**
 * Items a person may match by hand on a channel-day: the open and carried members of its principal
 * discrepancies (internal items of the surrounding days too), with the engine's suggestions.
 */
export async function candidates(read: ReadDb, channel: string, date: string, before: number, after: number): Promise<{ internal: Candidate[]; statement: Candidate[]; suggestions: MatchView[] }> {
  const day = (n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
  const rows = await read.all<Omit<Candidate, 'keys'> & { keysJson: string }>(
    `SELECT dm.item_key AS key, dm.side, dm.item_date AS itemDate, dm.amount_fen AS amountFen, dm.line_id AS lineId,
            d.id AS discrepancyId, d.type, d.state, d.suggested_match AS suggestedMatch, d.keys_json AS keysJson
     FROM recon_discrepancy d JOIN recon_disc_member dm ON dm.disc_id = d.id
     WHERE d.channel = ? AND d.business_date BETWEEN ? AND ? AND d.state IN ('open','carried')
       AND d.type NOT IN ('fee_differs','settlement_differs','order_incomplete') AND dm.side IN ('internal','statement')
     ORDER BY dm.side, dm.item_date, dm.item_key`,
    [channel, day(-before), day(after)],
  );
  const list = rows.map(({ keysJson, ...r }) => ({ ...r, keys: JSON.parse(keysJson) as Record<string, unknown> }));
  const sugIds = await read.all<{ id: string }>(
    "SELECT id FROM recon_match WHERE channel = ? AND business_date = ? AND state = 'suggested' ORDER BY id",
    [channel, date],
  );
  const suggestions: MatchView[] = [];
  for (const s of sugIds) suggestions.push((await matchById(read, s.id))!);
  return {
    internal: list.filter((c) => c.side === 'internal' && c.itemDate <= day(after)),
    statement: list.filter((c) => c.side === 'statement' && c.itemDate === date),
    suggestions,
  };
}
