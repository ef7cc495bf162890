// The engine's results beyond the pairs: discrepancies (with their members), what a run does to other
// days' results (resolving carried items it matched, expiring TIMING items), decisions re-applied
// after a re-run, the settlement and order-completeness inputs, and the proof of a channel-day.
import type { JsonValue, ReadDb, SqlValue, WriteTx } from './db';
import { SETTLEMENT_CREDIT_SQL, type Acquirer, type RunScope } from './recon-run';
import { statementDaySql } from './recon-passes';

export type DiscType =
  | 'long' | 'short' | 'amount_differs' | 'duplicate' | 'status_differs' | 'fee_differs'
  | 'wire_without_order' | 'timing' | 'settlement_differs' | 'order_incomplete';

export const PRINCIPAL_TYPES: readonly DiscType[] = [
  'long', 'short', 'amount_differs', 'duplicate', 'status_differs', 'wire_without_order', 'timing',
];
const NOT_PRINCIPAL = "('fee_differs','settlement_differs','order_incomplete')";

export interface DiscMember {
  key: string;
  side: 'internal' | 'statement' | 'other';
  channel: string | null;
  itemDate: string;
  amountFen: number;
  lineId: number | null;
}

export interface DiscRow {
  id: string;
  type: DiscType;
  channel: string | null;
  businessDate: string;
  runChannel: string;
  runDate: string;
  amountFen: number;
  internalFen: number;
  statementFen: number;
  internalCount: number;
  statementCount: number;
  members: DiscMember[];
  keys: Record<string, JsonValue>;
  paymentNo: string | null;
  orderNo: string | null;
  channelTxnId: string | null;
  merchantOrderNo: string | null;
  terminalId: string | null;
  refNo: string | null;
  detail: string;
  state: 'open' | 'carried' | 'resolved';
  carryUntil: string | null;
  suggestedMatch: string | null;
  runId: number;
}

const DISC_COLS = [
  'id', 'type', 'channel', 'business_date', 'run_channel', 'run_date', 'amount_fen', 'internal_fen', 'statement_fen',
  'internal_count', 'statement_count', 'members_json', 'keys_json', 'payment_no', 'order_no', 'channel_txn_id',
  'merchant_order_no', 'terminal_id', 'ref_no', 'detail', 'state', 'carry_until', 'suggested_match', 'run_id',
] as const;

/**
 * Insert discrepancies. An id that already exists is kept as another run holds it, unless it is this
 * run's own row a person had resolved by a manual match since broken: then the items are open again.
 */
export async function insertDiscrepancies(tx: WriteTx, rows: readonly DiscRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.insertMany(
    'recon_discrepancy',
    DISC_COLS,
    rows.map((d) => [
      d.id, d.type, d.channel, d.businessDate, d.runChannel, d.runDate, d.amountFen, d.internalFen, d.statementFen,
      d.internalCount, d.statementCount, JSON.stringify(d.members.map((m) => m.key)), JSON.stringify(d.keys), d.paymentNo,
      d.orderNo, d.channelTxnId, d.merchantOrderNo, d.terminalId, d.refNo, d.detail, d.state, d.carryUntil,
      d.suggestedMatch, d.runId,
    ]),
    `ON CONFLICT (id) DO UPDATE SET type = excluded.type, amount_fen = excluded.amount_fen, internal_fen = excluded.internal_fen,
       statement_fen = excluded.statement_fen, detail = excluded.detail, keys_json = excluded.keys_json, state = excluded.state,
       carry_until = excluded.carry_until, resolution = NULL, resolved_ref = NULL, suggested_match = excluded.suggested_match,
       run_id = excluded.run_id
     WHERE recon_discrepancy.run_channel = excluded.run_channel AND recon_discrepancy.run_date = excluded.run_date
       AND recon_discrepancy.state = 'resolved' AND recon_discrepancy.resolution = 'manual_match'`,
  );
  const members: (SqlValue | JsonValue)[][] = rows.flatMap((d) =>
    d.members.map((m) => [d.id, m.key, m.side, m.channel, m.itemDate, m.amountFen, m.lineId]),
  );
  await tx.insertMany(
    'recon_disc_member',
    ['disc_id', 'item_key', 'side', 'channel', 'item_date', 'amount_fen', 'line_id'],
    members,
    'ON CONFLICT (disc_id, item_key) DO NOTHING',
  );
}

/**
 * Other runs' open or carried discrepancies holding these items are resolved by this run (it matched
 * them, or re-classified them with a line of its day); the state before is kept to undo on re-run.
 */
export async function resolveForeign(tx: WriteTx, s: RunScope, itemKeys: readonly string[], resolution: 'matched' | 'reclassified'): Promise<number> {
  if (itemKeys.length === 0) return 0;
  const r = await tx.run(
    `UPDATE recon_discrepancy SET resolved_ref = state, state = 'resolved', resolution = ?, resolved_run = ?
     WHERE state IN ('open','carried') AND NOT (run_channel = ? AND run_date = ?) AND type NOT IN ${NOT_PRINCIPAL}
       AND id IN (SELECT disc_id FROM recon_disc_member WHERE item_key IN (SELECT value FROM json_each(?)))`,
    [resolution, s.runKey, s.channel, s.date, JSON.stringify(itemKeys)],
  );
  return r.changes;
}

/**
 * Carried items still without a partner whose carry ends on or before this day: a TIMING item
 * becomes a short (MISSING_IN_STATEMENT, same id), a person's carry becomes open again.
 */
export async function expireCarried(tx: WriteTx, s: RunScope, itemKeys: readonly string[]): Promise<number> {
  if (itemKeys.length === 0) return 0;
  const ids = `id IN (SELECT disc_id FROM recon_disc_member WHERE item_key IN (SELECT value FROM json_each(?)))`;
  const a = await tx.run(
    `UPDATE recon_discrepancy SET type = 'short', state = 'open', expired_run = 'T:' || ?
     WHERE type = 'timing' AND state = 'carried' AND carry_until <= ? AND ${ids}`,
    [s.runKey, s.date, JSON.stringify(itemKeys)],
  );
  const b = await tx.run(
    `UPDATE recon_discrepancy SET state = 'open', expired_run = 'C:' || ?
     WHERE type <> 'timing' AND state = 'carried' AND carry_until <= ? AND ${ids}`,
    [s.runKey, s.date, JSON.stringify(itemKeys)],
  );
  return a.changes + b.changes;
}

/** Undo expireCarried() of a run (called by clearRun's caller before the run starts over). */
export async function unexpire(tx: WriteTx, s: RunScope): Promise<void> {
  await tx.run("UPDATE recon_discrepancy SET type = 'timing', state = 'carried', expired_run = NULL WHERE expired_run = 'T:' || ?", [s.runKey]);
  await tx.run("UPDATE recon_discrepancy SET state = 'carried', expired_run = NULL WHERE expired_run = 'C:' || ?", [s.runKey]);
}

/**
 * People's decisions on this run's discrepancies, applied again after it re-created them: approved
 * adjustments and write-offs resolve, pending ones stay linked, carries carry, refund requests stay
 * linked. A decision whose discrepancy did not come back is flagged stale (never dropped).
 */
export async function reapplyDecisions(tx: WriteTx, s: RunScope, goneIds: readonly string[]): Promise<{ stale: number }> {
  const owner = 'recon_discrepancy.run_channel = ? AND recon_discrepancy.run_date = ?';
  await tx.run(
    `UPDATE recon_discrepancy SET adjustment_id = a.id,
       state = CASE WHEN a.state = 'approved' THEN 'resolved' ELSE recon_discrepancy.state END,
       resolution = CASE WHEN a.state = 'approved' THEN a.kind ELSE recon_discrepancy.resolution END
     FROM (SELECT target_id, max(id) AS id FROM recon_adjustment WHERE state IN ('proposed','approved') AND target_kind = 'discrepancy'
           GROUP BY target_id) m JOIN recon_adjustment a ON a.id = m.id
     WHERE a.target_id = recon_discrepancy.id AND ${owner}`,
    [s.channel, s.date],
  );
  await tx.run(
    `UPDATE recon_discrepancy SET state = 'carried', carry_until = json_extract(c.payload_json, '$.until')
     FROM (SELECT target_id, max(id) AS id FROM recon_decision WHERE kind = 'carry' AND active = 1 GROUP BY target_id) m
     JOIN recon_decision c ON c.id = m.id
     WHERE c.target_id = recon_discrepancy.id AND recon_discrepancy.state = 'open' AND ${owner}`,
    [s.channel, s.date],
  );
  await tx.run(
    `UPDATE recon_discrepancy SET task_id = t.id
     FROM (SELECT discrepancy_id, max(id) AS id FROM recon_task WHERE state = 'open' GROUP BY discrepancy_id) t
     WHERE t.discrepancy_id = recon_discrepancy.id AND ${owner}`,
    [s.channel, s.date],
  );
  const touched = JSON.stringify(goneIds);
  const stale = `(SELECT value FROM json_each(?) WHERE value NOT IN (SELECT id FROM recon_discrepancy))`;
  const fresh = `(SELECT id FROM recon_discrepancy WHERE run_channel = ? AND run_date = ?)`;
  const a = await tx.run(`UPDATE recon_adjustment SET stale = 1 WHERE target_kind = 'discrepancy' AND stale = 0 AND target_id IN ${stale}`, [touched]);
  const d = await tx.run(`UPDATE recon_decision SET stale = 1 WHERE stale = 0 AND target_id IN ${stale}`, [touched]);
  await tx.run(`UPDATE recon_adjustment SET stale = 0 WHERE target_kind = 'discrepancy' AND stale = 1 AND target_id IN ${fresh}`, [s.channel, s.date]);
  await tx.run(`UPDATE recon_decision SET stale = 0 WHERE stale = 1 AND target_id IN ${fresh}`, [s.channel, s.date]);
  return { stale: a.changes + d.changes };
}

export interface FeeMiss {
  lineId: number;
  itemKey: string;
  itemDate: string;
  amountFen: number;
  feeFen: number;
  method: string | null;
}

/** Pairs of this run whose fee is outside the tolerance (a partial index keeps this cheap). */
export async function feeMisses(tx: WriteTx, s: RunScope): Promise<FeeMiss[]> {
  return tx.all<FeeMiss>(
    `SELECT pr.line_id AS lineId, pr.item_key AS itemKey, pr.item_date AS itemDate, pr.amount_fen AS amountFen, pr.fee_fen AS feeFen,
            coalesce(p.method, pp.method) AS method
     FROM recon_pair pr
     LEFT JOIN payment p ON pr.item_key LIKE 'P|%' AND p.payment_no = substr(pr.item_key, 3)
     LEFT JOIN refund r ON pr.item_key LIKE 'R|%' AND r.refund_no = substr(pr.item_key, 3)
     LEFT JOIN payment pp ON pp.payment_no = r.payment_no
     WHERE pr.channel = ? AND pr.match_date = ? AND pr.fee_ok = 0 ORDER BY pr.line_id`,
    [s.channel, s.date],
  );
}

export interface BankCredit {
  lineId: number;
  day: string;
  amountFen: number;
  payerName: string | null;
  remark: string | null;
}

/**
 * Bank credits on the wire channel's active statements of the given days that the `channel`'s
 * acquirer (or, for cash, a deposit) paid in, not yet held by a confirmed or another run's match.
 */
export async function settlementCredits(tx: WriteTx, acquirers: readonly Acquirer[], from: string, to: string): Promise<{ credits: BankCredit[]; bankDays: number }> {
  const credits = await tx.all<BankCredit>(
    `SELECT l.id AS lineId, f.business_date AS day, l.amount_fen AS amountFen, l.payer_name AS payerName, l.remark
     FROM statement_file f JOIN statement_line l ON l.file_id = f.id
     WHERE f.channel = 'wire' AND f.status = 'active' AND f.business_date BETWEEN ? AND ? AND l.kind IN ('payment','refund')
       AND ${SETTLEMENT_CREDIT_SQL}
       AND NOT EXISTS (SELECT 1 FROM recon_member m JOIN recon_match x ON x.id = m.match_id AND x.state IN ('auto','confirmed')
                       WHERE m.line_id = l.id)
     ORDER BY f.business_date, l.id`,
    [from, to, JSON.stringify(acquirers)],
  );
  const days = await tx.get<{ n: number }>(
    "SELECT count(DISTINCT business_date) AS n FROM statement_file WHERE channel = 'wire' AND status = 'active' AND business_date BETWEEN ? AND ?",
    [from, to],
  );
  return { credits, bankDays: days?.n ?? 0 };
}

export interface DepositSlip {
  lineId: number;
  slipNo: string | null;
  amountFen: number;
  day: string;
}

/** A cash statement's deposit slips (settlement lines: the cash leaving the register for the bank). */
export async function depositSlips(tx: WriteTx): Promise<DepositSlip[]> {
  return tx.all<DepositSlip>(
    `SELECT l.id AS lineId, coalesce(l.channel_txn_id, l.batch_no) AS slipNo, l.amount_fen AS amountFen, l.business_date AS day
     FROM statement_line l WHERE l.file_id IN (SELECT id FROM temp.af) AND l.kind = 'settlement' ORDER BY l.id`,
  );
}

export interface IncompleteOrder {
  orderNo: string;
  agreedFen: number;
  netPaidFen: number;
  updatedAt: string;
}

/** The billings that pay for the car itself; after-sales billings (film, repairs…) are other funds orders. */
const VEHICLE_BILLINGS = "('small_deposit','large_deposit','final_payment')";

/**
 * §9: delivered orders whose vehicle payments (小定 + 大定 + 尾款, loan included) less their refunds
 * differ from the agreed price less discounts. After-sales billings are not part of the price. The
 * order's denormalised totals settle most orders at once; only those that miss them or have after-sales
 * billings are summed per billing.
 */
export async function incompleteOrders(read: ReadDb): Promise<IncompleteOrder[]> {
  return read.all<IncompleteOrder>(
    `SELECT orderNo, agreedFen, netPaidFen, updatedAt FROM (
       SELECT o.order_no AS orderNo, o.price_fen - o.discount_fen AS agreedFen, o.updated_at AS updatedAt,
              (SELECT coalesce(sum(p.amount_fen), 0) FROM payment p JOIN billing b ON b.billing_no = p.billing_no
               WHERE p.order_no = o.order_no AND p.status = 'success' AND b.kind IN ${VEHICLE_BILLINGS})
            - (SELECT coalesce(sum(r.amount_fen), 0) FROM refund r JOIN billing b ON b.billing_no = r.billing_no
               WHERE r.order_no = o.order_no AND r.status = 'success' AND b.kind IN ${VEHICLE_BILLINGS}) AS netPaidFen
       FROM vehicle_order o
       WHERE o.status = 'delivered'
         AND (o.price_fen - o.discount_fen <> o.paid_fen - o.refunded_fen
              OR EXISTS (SELECT 1 FROM billing b WHERE b.order_no = o.order_no AND b.kind NOT IN ${VEHICLE_BILLINGS})))
     WHERE agreedFen <> netPaidFen ORDER BY orderNo`,
  );
}

/** Forget the order-completeness results (they are rebuilt whole after every run). */
export async function clearOrderChecks(tx: WriteTx): Promise<string[]> {
  const gone = await tx.all<{ id: string }>("SELECT id FROM recon_discrepancy WHERE run_channel = 'order'");
  await tx.run("DELETE FROM recon_disc_member WHERE disc_id IN (SELECT id FROM recon_discrepancy WHERE run_channel = 'order')");
  await tx.run("DELETE FROM recon_discrepancy WHERE run_channel = 'order'");
  return gone.map((g) => g.id);
}

export interface ProofFigures {
  internalCount: number;
  internalFen: number;
  statementCount: number;
  statementFen: number;
  matchedInternalCount: number;
  matchedInternalFen: number;
  matchedStatementCount: number;
  matchedStatementFen: number;
  autoStatementCount: number;
  autoStatementFen: number;
  openInternalCount: number;
  openInternalFen: number;
  openStatementCount: number;
  openStatementFen: number;
  unaccountedInternal: number;
  unaccountedStatement: number;
  ok: boolean;
}

const OPEN_DISC = `d.type NOT IN ${NOT_PRINCIPAL} AND (d.state <> 'resolved' OR d.resolution IN ('adjustment','writeoff'))`;
const IN_PAIR_ITEM = 'EXISTS (SELECT 1 FROM recon_pair pr WHERE pr.item_key = x.k)';
const IN_MATCH_ITEM = `EXISTS (SELECT 1 FROM recon_member m JOIN recon_match t ON t.id = m.match_id
  WHERE m.item_key = x.k AND t.state IN ('auto','confirmed'))`;
const IN_DISC_ITEM = `EXISTS (SELECT 1 FROM recon_disc_member dm JOIN recon_discrepancy d ON d.id = dm.disc_id
  WHERE dm.item_key = x.k AND ${OPEN_DISC})`;
const LINE_MATCH = `(SELECT max(CASE t.state WHEN 'auto' THEN 3 ELSE 2 END) FROM recon_member m JOIN recon_match t ON t.id = m.match_id
  WHERE m.line_id = l.id AND t.state IN ('auto','confirmed'))`;
const IN_DISC_LINE = `EXISTS (SELECT 1 FROM recon_disc_member dm JOIN recon_discrepancy d ON d.id = dm.disc_id
  WHERE dm.line_id = l.id AND ${OPEN_DISC})`;

interface Tally {
  n: number;
  fen: number;
  pn: number;
  pfen: number;
}

/**
 * The proof of a channel-day (§12): every successful internal item of the day, and every principal
 * line of its active statements, is in exactly one bucket, matched or open (an adjusted or written-off
 * item counts as open: it is explained, not matched); then internal = matched + open and statement =
 * matched + open. Pairs are counted from one walk of the day's lines (a pair holds one line and one
 * item, both unique), so the million pair-matched items need no probe each; the few items in grouped
 * or confirmed matches and in discrepancies are checked one by one for a second bucket. A pair whose
 * item is no longer a successful item of the day makes the counts disagree: the proof fails.
 */
export async function proveDay(
  read: ReadDb,
  channel: string,
  date: string,
  acquirers: readonly Acquirer[],
  cutoff: string | null,
): Promise<ProofFigures> {
  // The day's items by statement day (UnionPay's runs 23:00–23:00).
  const pDay = statementDaySql('p.business_date', 'p.paid_at', cutoff);
  const rDay = statementDaySql('r.business_date', 'r.refunded_at', cutoff);
  const range = (a: string) => (cutoff ? `${a}.business_date BETWEEN date(?2, '-1 day') AND ?2` : `${a}.business_date = ?2`);
  const it = (await read.get<{ n: number; fen: number }>(
    `SELECT count(*) AS n, coalesce(sum(a), 0) AS fen
     FROM (SELECT p.amount_fen AS a FROM payment p INDEXED BY payment_day_channel
           WHERE p.channel = ?1 AND ${range('p')} AND p.status = 'success' ${cutoff ? `AND ${pDay} = ?2` : ''}
           UNION ALL SELECT -r.amount_fen FROM refund r INDEXED BY refund_day_channel
           WHERE r.channel = ?1 AND ${range('r')} AND r.status = 'success' ${cutoff ? `AND ${rDay} = ?2` : ''})`,
    [channel, date],
  ))!;
  // Statement side (a bank statement's settlement credits are proven by the three-way check instead).
  const credit = channel === 'wire' && acquirers.length ? `AND NOT ${SETTLEMENT_CREDIT_SQL}` : '';
  const params = credit ? [channel, date, JSON.stringify(acquirers)] : [channel, date];
  const st = (await read.get<Tally & { ipn: number; ipfen: number }>(
    `SELECT count(*) AS n, coalesce(sum(l.amount_fen), 0) AS fen, count(pr.line_id) AS pn,
            coalesce(sum(CASE WHEN pr.line_id IS NOT NULL THEN l.amount_fen END), 0) AS pfen,
            coalesce(sum(pr.item_date = f.business_date), 0) AS ipn,
            coalesce(sum(CASE WHEN pr.item_date = f.business_date THEN pr.amount_fen END), 0) AS ipfen
     FROM statement_file f JOIN statement_line l ON l.file_id = f.id LEFT JOIN recon_pair pr ON pr.line_id = l.id
     WHERE f.channel = ? AND f.business_date = ? AND f.status = 'active' AND l.kind IN ('payment','refund','reversal','adjustment') ${credit}`,
    params,
  ))!;
  // Items of this day held by other statement days' pairs (carried, or offered a day early).
  const cross = (await read.get<{ n: number; fen: number }>(
    `SELECT count(*) AS n, coalesce(sum(amount_fen), 0) AS fen FROM recon_pair
     WHERE channel = ? AND item_date = ? AND item_date <> match_date`,
    [channel, date],
  ))!;
  const few = await read.all<{ a: number; p: number; m: number; o: number }>(
    `SELECT x.a, ${IN_PAIR_ITEM} AS p, ${IN_MATCH_ITEM} AS m, ${IN_DISC_ITEM} AS o
     FROM (SELECT 'P|' || p.payment_no AS k, p.amount_fen AS a
           FROM (SELECT m.item_key AS k FROM recon_member m WHERE m.side = 'internal' AND m.item_date = ?2
                 UNION SELECT dm.item_key FROM recon_disc_member dm WHERE dm.channel = ?1 AND dm.item_date = ?2 AND dm.side = 'internal') s
           CROSS JOIN payment p ON p.payment_no = substr(s.k, 3)
           WHERE s.k LIKE 'P|%' AND p.channel = ?1 AND ${pDay} = ?2 AND p.status = 'success'
           UNION ALL
           SELECT 'R|' || r.refund_no, -r.amount_fen
           FROM (SELECT m.item_key AS k FROM recon_member m WHERE m.side = 'internal' AND m.item_date = ?2
                 UNION SELECT dm.item_key FROM recon_disc_member dm WHERE dm.channel = ?1 AND dm.item_date = ?2 AND dm.side = 'internal') s
           CROSS JOIN refund r ON r.refund_no = substr(s.k, 3)
           WHERE s.k LIKE 'R|%' AND r.channel = ?1 AND ${rDay} = ?2 AND r.status = 'success') x`,
    [channel, date],
  );
  const fi = tallyFew(few);
  // CROSS JOIN keeps the few member lines as the outer loop (SQLite does not reorder it).
  const fewLines = await read.all<{ a: number; p: number; m: number | null; o: number }>(
    `SELECT l.amount_fen AS a, EXISTS (SELECT 1 FROM recon_pair pr WHERE pr.line_id = l.id) AS p, ${LINE_MATCH} AS m, ${IN_DISC_LINE} AS o
     FROM (SELECT line_id AS id FROM recon_member WHERE line_id IS NOT NULL
           UNION SELECT line_id FROM recon_disc_member WHERE line_id IS NOT NULL) s
     CROSS JOIN statement_line l ON l.id = s.id CROSS JOIN statement_file f ON f.id = l.file_id
     WHERE f.channel = ? AND f.business_date = ? AND f.status = 'active' AND l.kind IN ('payment','refund','reversal','adjustment') ${credit}`,
    params,
  );
  const fl = tallyFew(fewLines.map((r) => ({ ...r, m: r.m ?? 0 })));
  const pairedItems = st.ipn + cross.n;
  const pairedItemsFen = st.ipfen + cross.fen;
  const unaccountedInternal = it.n - pairedItems - fi.outsidePairs + fi.doubles;
  const unaccountedStatement = st.n - st.pn - fl.outsidePairs + fl.doubles;
  const p: ProofFigures = {
    internalCount: it.n, internalFen: it.fen, statementCount: st.n, statementFen: st.fen,
    matchedInternalCount: pairedItems + fi.matchedCount, matchedInternalFen: pairedItemsFen + fi.matchedFen,
    matchedStatementCount: st.pn + fl.matchedCount, matchedStatementFen: st.pfen + fl.matchedFen,
    autoStatementCount: st.pn + fl.autoCount, autoStatementFen: st.pfen + fl.autoFen,
    openInternalCount: fi.openCount, openInternalFen: fi.openFen, openStatementCount: fl.openCount, openStatementFen: fl.openFen,
    unaccountedInternal, unaccountedStatement, ok: false,
  };
  p.ok = unaccountedInternal === 0 && unaccountedStatement === 0 &&
    p.internalFen === p.matchedInternalFen + p.openInternalFen && p.statementFen === p.matchedStatementFen + p.openStatementFen;
  return p;
}

/** Buckets of the few items outside plain pairs: p = in a pair, m = in a match (3 = auto), o = open. */
function tallyFew(rows: readonly { a: number; p: number; m: number; o: number }[]) {
  const t = { outsidePairs: 0, doubles: 0, matchedCount: 0, matchedFen: 0, autoCount: 0, autoFen: 0, openCount: 0, openFen: 0 };
  for (const r of rows) {
    const buckets = (r.p ? 1 : 0) + (r.m ? 1 : 0) + (r.o ? 1 : 0);
    if (!r.p && buckets > 0) t.outsidePairs++;
    if (buckets > 1) t.doubles++;
    if (!r.p && r.m) {
      t.matchedCount++;
      t.matchedFen += r.a;
      if (r.m === 3 || r.m === 1) {
        t.autoCount++;
        t.autoFen += r.a;
      }
    }
    if (!r.p && !r.m && r.o) {
      t.openCount++;
      t.openFen += r.a;
    }
  }
  return t;
}

export async function saveDay(tx: WriteTx, s: RunScope, p: ProofFigures, ranAt: string): Promise<void> {
  await tx.run(
    `INSERT INTO recon_day (channel, business_date, run_id, ran_at, internal_count, internal_fen, statement_count, statement_fen,
       matched_internal_count, matched_internal_fen, matched_statement_count, matched_statement_fen, auto_statement_count,
       auto_statement_fen, open_internal_count, open_internal_fen, open_statement_count, open_statement_fen,
       unaccounted_internal, unaccounted_statement, proof_ok, status)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')
     ON CONFLICT (channel, business_date) DO UPDATE SET run_id = excluded.run_id, ran_at = excluded.ran_at,
       internal_count = excluded.internal_count, internal_fen = excluded.internal_fen, statement_count = excluded.statement_count,
       statement_fen = excluded.statement_fen, matched_internal_count = excluded.matched_internal_count,
       matched_internal_fen = excluded.matched_internal_fen, matched_statement_count = excluded.matched_statement_count,
       matched_statement_fen = excluded.matched_statement_fen, auto_statement_count = excluded.auto_statement_count,
       auto_statement_fen = excluded.auto_statement_fen, open_internal_count = excluded.open_internal_count,
       open_internal_fen = excluded.open_internal_fen, open_statement_count = excluded.open_statement_count,
       open_statement_fen = excluded.open_statement_fen, unaccounted_internal = excluded.unaccounted_internal,
       unaccounted_statement = excluded.unaccounted_statement, proof_ok = excluded.proof_ok`,
    [
      s.channel, s.date, s.runId, ranAt, p.internalCount, p.internalFen, p.statementCount, p.statementFen,
      p.matchedInternalCount, p.matchedInternalFen, p.matchedStatementCount, p.matchedStatementFen, p.autoStatementCount,
      p.autoStatementFen, p.openInternalCount, p.openInternalFen, p.openStatementCount, p.openStatementFen,
      p.unaccountedInternal, p.unaccountedStatement, p.ok ? 1 : 0,
    ],
  );
}

/** Update the stored figures of a day another run touched (only when that day has been run). */
export async function refreshDayFigures(tx: WriteTx, channel: string, date: string, p: ProofFigures): Promise<void> {
  await tx.run(
    `UPDATE recon_day SET internal_count = ?, internal_fen = ?, statement_count = ?, statement_fen = ?,
       matched_internal_count = ?, matched_internal_fen = ?, matched_statement_count = ?, matched_statement_fen = ?,
       auto_statement_count = ?, auto_statement_fen = ?, open_internal_count = ?, open_internal_fen = ?,
       open_statement_count = ?, open_statement_fen = ?, unaccounted_internal = ?, unaccounted_statement = ?, proof_ok = ?
     WHERE channel = ? AND business_date = ?`,
    [
      p.internalCount, p.internalFen, p.statementCount, p.statementFen, p.matchedInternalCount, p.matchedInternalFen,
      p.matchedStatementCount, p.matchedStatementFen, p.autoStatementCount, p.autoStatementFen, p.openInternalCount,
      p.openInternalFen, p.openStatementCount, p.openStatementFen, p.unaccountedInternal, p.unaccountedStatement, p.ok ? 1 : 0,
      channel, date,
    ],
  );
}

export async function insertRun(
  tx: WriteTx,
  r: { channel: string; date: string; ruleVersion: number; actor: string; startedAt: string; inputs: unknown },
): Promise<number> {
  const res = await tx.run(
    `INSERT INTO recon_run (channel, business_date, rule_version, actor, started_at, finished_at, inputs_json, stats_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, '{}')`,
    [r.channel, r.date, r.ruleVersion, r.actor, r.startedAt, r.startedAt, JSON.stringify(r.inputs)],
  );
  return res.lastID;
}

export async function finishRun(tx: WriteTx, runId: number, stats: unknown): Promise<void> {
  await tx.run('UPDATE recon_run SET finished_at = ?, stats_json = ? WHERE id = ?', [new Date().toISOString(), JSON.stringify(stats), runId]);
}

/** A reconciled (signed-off) day refuses re-runs until it is reopened. */
export async function dayStatus(read: ReadDb, channel: string, date: string): Promise<'open' | 'reconciled' | null> {
  const r = await read.get<{ status: 'open' | 'reconciled' }>('SELECT status FROM recon_day WHERE channel = ? AND business_date = ?', [channel, date]);
  return r?.status ?? null;
}
