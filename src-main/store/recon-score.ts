// Reads for the sandbox scorer (recon/score.ts) and the `otd discrepancies` listing: the discrepancy
// records the runs of some statement days produced, and whether given members are matched together.
import type { ReadDb } from './db';
import { lineIdsForKeys } from './recon-keys';

export interface ProducedDiscrepancy {
  id: string;
  type: string;
  channel: string | null;
  runChannel: string;
  runDate: string;
  businessDate: string;
  state: string;
  resolution: string | null;
  amountFen: number;
  members: string[];
}

/**
 * The discrepancies the channel runs of these statement days produced, whatever became of them since
 * (a carried item a later run matched still was a reconciling item of its day), except those a later
 * run superseded by classifying their items again and the open items a person's unmatch set free (run
 * 0: not a run's finding). Order-completeness results (also run 0) are per order, not per run day:
 * they come along when their order's business day is one of the days.
 */
export async function producedDiscrepancies(read: ReadDb, runDates: readonly string[]): Promise<ProducedDiscrepancy[]> {
  const rows = await read.all<Omit<ProducedDiscrepancy, 'members'> & { membersJson: string }>(
    `SELECT id, type, channel, run_channel AS runChannel, run_date AS runDate, business_date AS businessDate, state, resolution,
            amount_fen AS amountFen, members_json AS membersJson
     FROM recon_discrepancy
     WHERE (run_date IN (SELECT value FROM json_each(?1)) OR (run_channel = 'order' AND business_date IN (SELECT value FROM json_each(?1))))
       AND coalesce(resolution, '') <> 'reclassified'
       AND (run_id <> 0 OR run_channel = 'order')
     ORDER BY run_date, run_channel, type, id`,
    [JSON.stringify(runDates)],
  );
  return rows.map(({ membersJson, ...r }) => ({ ...r, members: JSON.parse(membersJson) as string[] }));
}

/**
 * Whether these members (P|…, R|… and L|… keys) are held together by one active match: an automatic
 * one-to-one pair, or a match (auto or confirmed) that holds every one of them.
 */
export async function matchedTogether(read: ReadDb, members: readonly string[]): Promise<boolean> {
  const items = members.filter((k) => !k.startsWith('L|'));
  const lineKeys = members.filter((k) => k.startsWith('L|'));
  const lineIds = await lineIdsForKeys(read, lineKeys);
  if (lineKeys.some((k) => lineIds.get(k) === null)) return false;
  const ids = lineKeys.map((k) => lineIds.get(k)!);
  if (items.length === 1 && ids.length === 1) {
    const pair = await read.get<{ n: number }>(
      'SELECT count(*) AS n FROM recon_pair WHERE item_key = ? AND line_id = ?',
      [items[0]!, ids[0]!],
    );
    if (pair && pair.n > 0) return true;
  }
  const row = await read.get<{ n: number }>(
    `SELECT count(*) AS n FROM recon_match t WHERE t.state IN ('auto','confirmed')
       AND (SELECT count(*) FROM recon_member m WHERE m.match_id = t.id
            AND (m.item_key IN (SELECT value FROM json_each(?1)) OR m.line_id IN (SELECT value FROM json_each(?2)))) = ?3`,
    [JSON.stringify(items), JSON.stringify(ids), items.length + ids.length],
  );
  return (row?.n ?? 0) > 0;
}

export interface OpenDiscrepancy {
  id: string;
  type: string;
  channel: string | null;
  businessDate: string;
  runDate: string;
  state: string;
  amountFen: number;
  internalFen: number;
  statementFen: number;
  /** Whole days since the business day (Beijing calendar). */
  ageDays: number;
  carryUntil: string | null;
  adjustmentId: number | null;
  taskId: number | null;
  detail: string;
  keys: Record<string, unknown>;
  members: { key: string; side: string; itemDate: string; amountFen: number }[];
}

/** Open and carried discrepancies (optionally of one business day and/or channel), oldest first. */
export async function openDiscrepancies(
  read: ReadDb,
  filter: { date?: string; channel?: string },
): Promise<OpenDiscrepancy[]> {
  const rows = await read.all<Omit<OpenDiscrepancy, 'keys' | 'members'> & { keysJson: string }>(
    `SELECT id, type, channel, business_date AS businessDate, run_date AS runDate, state, amount_fen AS amountFen,
            internal_fen AS internalFen, statement_fen AS statementFen,
            CAST(julianday('now', '+8 hours', 'start of day') - julianday(business_date) AS INTEGER) AS ageDays,
            carry_until AS carryUntil, adjustment_id AS adjustmentId, task_id AS taskId, detail, keys_json AS keysJson
     FROM recon_discrepancy
     WHERE state IN ('open','carried') AND (?1 IS NULL OR business_date = ?1) AND (?2 IS NULL OR channel = ?2)
     ORDER BY business_date, channel, type, id`,
    [filter.date ?? null, filter.channel ?? null],
  );
  const members = await read.all<{ discId: string; key: string; side: string; itemDate: string; amountFen: number }>(
    `SELECT dm.disc_id AS discId, dm.item_key AS key, dm.side, dm.item_date AS itemDate, dm.amount_fen AS amountFen
     FROM json_each(?) j CROSS JOIN recon_disc_member dm ON dm.disc_id = j.value ORDER BY dm.disc_id, dm.item_key`,
    [JSON.stringify(rows.map((r) => r.id))],
  );
  const byDisc = new Map<string, OpenDiscrepancy['members']>();
  for (const { discId, ...m } of members) {
    const list = byDisc.get(discId);
    if (list) list.push(m);
    else byDisc.set(discId, [m]);
  }
  return rows.map(({ keysJson, ...r }) => ({
    ...r,
    keys: JSON.parse(keysJson) as Record<string, unknown>,
    members: byDisc.get(r.id) ?? [],
  }));
}
