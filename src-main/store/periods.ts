// Aggregate: close periods (migration 0005). The services in close/ decide what a checklist needs and
// who may sign; this file only reads and writes the rows. A period is 'YYYY-MM' of business days.
import type { ReadDb, WriteTx } from './db';
import { channelOrderSql } from '../domain/channels';

export type PeriodStatus = 'open' | 'prepared' | 'reviewed' | 'locked';

export interface PeriodRow {
  period: string;
  status: PeriodStatus;
  preparedBy: string | null;
  preparedAt: string | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
  lockedBy: string | null;
  lockedAt: string | null;
  reopenedBy: string | null;
  reopenedAt: string | null;
  reopenReason: string | null;
}

const PERIOD_SELECT = `SELECT period, status, prepared_by AS preparedBy, prepared_at AS preparedAt, reviewed_by AS reviewedBy,
  reviewed_at AS reviewedAt, locked_by AS lockedBy, locked_at AS lockedAt, reopened_by AS reopenedBy, reopened_at AS reopenedAt,
  reopen_reason AS reopenReason FROM close_period`;

/** The period's row; a period nobody has signed yet is open. */
export async function periodRow(read: ReadDb, period: string): Promise<PeriodRow> {
  return (
    (await read.get<PeriodRow>(`${PERIOD_SELECT} WHERE period = ?`, [period])) ?? {
      period, status: 'open', preparedBy: null, preparedAt: null, reviewedBy: null, reviewedAt: null, lockedBy: null,
      lockedAt: null, reopenedBy: null, reopenedAt: null, reopenReason: null,
    }
  );
}

export async function listPeriods(read: ReadDb): Promise<PeriodRow[]> {
  return read.all<PeriodRow>(`${PERIOD_SELECT} ORDER BY period DESC`);
}

/** Which of these periods are locked. */
export async function lockedAmong(read: ReadDb, periods: readonly string[]): Promise<string[]> {
  const rows = await read.all<{ period: string }>(
    "SELECT period FROM close_period WHERE status = 'locked' AND period IN (SELECT value FROM json_each(?)) ORDER BY period",
    [JSON.stringify(periods)],
  );
  return rows.map((r) => r.period);
}

export async function savePeriod(tx: WriteTx, row: PeriodRow, checklist: unknown): Promise<void> {
  await tx.run(
    `INSERT INTO close_period (period, status, prepared_by, prepared_at, reviewed_by, reviewed_at, locked_by, locked_at, reopened_by,
       reopened_at, reopen_reason, checklist_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (period) DO UPDATE SET status = excluded.status, prepared_by = excluded.prepared_by, prepared_at = excluded.prepared_at,
       reviewed_by = excluded.reviewed_by, reviewed_at = excluded.reviewed_at, locked_by = excluded.locked_by,
       locked_at = excluded.locked_at, reopened_by = excluded.reopened_by, reopened_at = excluded.reopened_at,
       reopen_reason = excluded.reopen_reason, checklist_json = excluded.checklist_json`,
    [row.period, row.status, row.preparedBy, row.preparedAt, row.reviewedBy, row.reviewedAt, row.lockedBy, row.lockedAt, row.reopenedBy,
      row.reopenedAt, row.reopenReason, JSON.stringify(checklist)],
  );
}

/** Successful internal payments and refunds per channel-day (the days that need a statement). */
export async function internalActivity(read: ReadDb, from: string, to: string): Promise<{ channel: string; businessDate: string; n: number }[]> {
  return read.all(
    `SELECT channel, business_date AS businessDate, sum(n) AS n FROM (
       SELECT channel, business_date, count(*) AS n FROM payment WHERE business_date BETWEEN ?1 AND ?2 AND status = 'success'
       GROUP BY channel, business_date
       UNION ALL
       SELECT channel, business_date, count(*) FROM refund WHERE business_date BETWEEN ?1 AND ?2 AND status = 'success'
       GROUP BY channel, business_date)
     GROUP BY channel, business_date`,
    [from, to],
  );
}

/** Match-rate inputs per day over all channels that were run. */
export async function dailyMatchFigures(read: ReadDb, from: string, to: string): Promise<{ businessDate: string; statementCount: number; autoCount: number }[]> {
  return read.all(
    `SELECT business_date AS businessDate, sum(statement_count) AS statementCount, sum(auto_statement_count) AS autoCount
     FROM recon_day WHERE business_date BETWEEN ? AND ? GROUP BY business_date ORDER BY business_date`,
    [from, to],
  );
}

export interface OpenItemRow {
  id: string;
  type: string;
  channel: string | null;
  businessDate: string;
  amountFen: number;
  state: 'open' | 'carried';
  carryUntil: string | null;
  detail: string;
  adjustmentId: number | null;
  taskId: number | null;
  /** Whole days from the item's business day to the period's last day. */
  ageDays: number;
  note: string | null;
  noteBy: string | null;
  decisionKind: string | null;
  decisionComment: string | null;
}

/** Items still open (or carried) at the end of the period, with what people said about them. */
export async function openItemsOf(read: ReadDb, from: string, to: string): Promise<OpenItemRow[]> {
  return read.all<OpenItemRow>(
    `SELECT d.id, d.type, d.channel, d.business_date AS businessDate, d.amount_fen AS amountFen, d.state, d.carry_until AS carryUntil,
            d.detail, d.adjustment_id AS adjustmentId, d.task_id AS taskId,
            CAST(julianday(?2) - julianday(d.business_date) AS INTEGER) AS ageDays,
            e.text AS note, e.actor AS noteBy, c.kind AS decisionKind, c.comment AS decisionComment
     FROM recon_discrepancy d
     LEFT JOIN close_explanation e ON e.id = (SELECT max(id) FROM close_explanation x WHERE x.discrepancy_id = d.id)
     LEFT JOIN recon_decision c ON c.id = (SELECT max(id) FROM recon_decision y WHERE y.target_id = d.id AND y.active = 1
       AND y.kind IN ('carry','refund_request','adjust_propose','writeoff_propose'))
     WHERE d.business_date BETWEEN ?1 AND ?2 AND d.state IN ('open','carried')
     ORDER BY d.business_date, ${channelOrderSql('d.channel')}, d.id`,
    [from, to],
  );
}

export async function discrepancyDay(read: ReadDb, id: string): Promise<{ businessDate: string; state: string } | null> {
  return (await read.get<{ businessDate: string; state: string }>(
    'SELECT business_date AS businessDate, state FROM recon_discrepancy WHERE id = ?', [id],
  )) ?? null;
}

export async function insertExplanation(tx: WriteTx, e: { discrepancyId: string; period: string; text: string; actor: string }): Promise<number> {
  const r = await tx.run(
    'INSERT INTO close_explanation (discrepancy_id, period, text, actor, at) VALUES (?, ?, ?, ?, ?)',
    [e.discrepancyId, e.period, e.text, e.actor, new Date().toISOString()],
  );
  return r.lastID;
}

export interface PeriodAdjustmentRow {
  id: number;
  kind: string;
  channel: string | null;
  businessDate: string;
  amountFen: number;
  reasonCode: string;
  comment: string;
  state: string;
  maker: string;
  madeAt: string;
  approver: string | null;
  decidedAt: string | null;
}

export async function adjustmentsOf(read: ReadDb, from: string, to: string): Promise<PeriodAdjustmentRow[]> {
  return read.all<PeriodAdjustmentRow>(
    `SELECT id, kind, channel, business_date AS businessDate, amount_fen AS amountFen, reason_code AS reasonCode, comment, state, maker,
            made_at AS madeAt, approver, decided_at AS decidedAt
     FROM recon_adjustment WHERE business_date BETWEEN ? AND ? ORDER BY business_date, ${channelOrderSql('channel')}, id`,
    [from, to],
  );
}

export interface TrailRow {
  at: string;
  actor: string;
  action: string;
  channel: string | null;
  businessDate: string | null;
  target: string | null;
  reason: string | null;
}

/** The people's acts on the period: reconciliation decisions dated in it and the close's own acts. */
export async function auditTrailOf(read: ReadDb, period: string, from: string, to: string): Promise<TrailRow[]> {
  return read.all<TrailRow>(
    `SELECT at, actor, action, channel, businessDate, target, reason FROM (
       SELECT at, actor, 'recon.' || kind AS action, channel, business_date AS businessDate, target_id AS target,
              trim(coalesce(reason_code, '') || ' ' || coalesce(comment, '')) AS reason
       FROM recon_decision WHERE business_date BETWEEN ?2 AND ?3
       UNION ALL
       SELECT at, user_id, action, NULL, NULL, entity_id, reason FROM audit_log WHERE entity = 'close_period' AND entity_id = ?1
       UNION ALL
       SELECT a.at, a.user_id, a.action, NULL, NULL, a.entity_id, a.reason FROM audit_log a
       WHERE a.entity = 'close_explanation' AND a.entity_id IN (SELECT discrepancy_id FROM close_explanation WHERE period = ?1))
     ORDER BY at, action`,
    [period, from, to],
  );
}
