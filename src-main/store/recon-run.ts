// The reconciliation engine's SQL (the passes and their bookkeeping; recon/engine.ts drives them).
// Everything is set-based: the bulk pass matches a whole channel-day straight from the base tables
// through their indexes into recon_pair; only the few per cent left over are copied into small temp
// pools (li: internal items, ll: statement lines, lx: closed/reversed/failed items) for the further
// passes and the classification. All of it runs inside the caller's one write transaction.
import type { JsonValue, SqlValue, WriteTx } from './db';
import { ITEM_COLUMNS, LINE_COLUMNS, bulkSource, itemSource, type PassSpec } from './recon-passes';

export interface RunScope {
  channel: string;
  /** The statement day reconciled. */
  date: string;
  runId: number;
  /** `${channel}|${date}`: marks what this run resolved or expired in other runs' results. */
  runKey: string;
  ruleVersion: number;
  /** The channel's statement cut-off 'HH:MM:SS' (null = midnight): an item after it belongs to the next day. */
  cutoff: string | null;
}

export interface PoolWindow {
  /** Items of earlier days retried here: from this day (inclusive) to the day before. */
  carryFrom: string;
  /** Beijing time of day from which an item of an earlier day is a carry candidate ('00:00:00' = all). */
  carryTimeFrom: string;
  /** Items of later days offered here (wire: a credit before the platform's confirmation). */
  lookaheadTo: string | null;
  /** Acquirers' settlement credits on a bank statement: never customer wires. */
  acquirers: Acquirer[];
}

const TEMP_TABLES = ['af', 'ext', 'extl', 'li', 'll', 'lx'];

export async function dropTemp(tx: WriteTx): Promise<void> {
  for (const t of TEMP_TABLES) await tx.run(`DROP TABLE IF EXISTS temp.${t}`);
}

/**
 * Forget this channel-day's automatic results (§12: a re-run replaces them): its compact pairs, its
 * auto and suggested matches, its discrepancies; undo what it resolved or expired in other days'.
 * Returns the ids of the discrepancies removed (decisions on them are re-applied or flagged stale).
 */
export async function clearRun(tx: WriteTx, s: RunScope): Promise<string[]> {
  // Per file, only the pairs within the file's range of line ids are visited (none on a first run),
  // rather than probing the pairs for each of a million lines.
  await tx.run(
    `DELETE FROM recon_pair WHERE line_id IN (
       SELECT pr.line_id FROM statement_file f
       CROSS JOIN recon_pair pr ON pr.line_id BETWEEN (SELECT min(id) FROM statement_line WHERE file_id = f.id)
                                                  AND (SELECT max(id) FROM statement_line WHERE file_id = f.id)
       WHERE f.channel = ? AND f.business_date = ?
         AND EXISTS (SELECT 1 FROM statement_line l WHERE l.id = pr.line_id AND l.file_id = f.id))`,
    [s.channel, s.date],
  );
  await tx.run(
    `DELETE FROM recon_member WHERE match_id IN (SELECT id FROM recon_match
       WHERE channel = ? AND business_date = ? AND state IN ('auto','suggested'))`,
    [s.channel, s.date],
  );
  await tx.run("DELETE FROM recon_match WHERE channel = ? AND business_date = ? AND state IN ('auto','suggested')", [s.channel, s.date]);
  await tx.run(
    `UPDATE recon_discrepancy SET state = coalesce(resolved_ref, 'open'), resolution = NULL, resolved_ref = NULL, resolved_run = NULL
     WHERE resolved_run = ?`,
    [s.runKey],
  );
  // Discrepancies a person resolved by matching their items by hand stay (the items are matched now, the
  // run will not meet them again), and so do those a later day's run resolved (its carried item matched
  // there: this run will not meet it again either, and the later run undoes it when it runs again);
  // every other result of the run is rebuilt.
  const mine = `run_channel = ? AND run_date = ?
    AND NOT (state = 'resolved' AND (resolution = 'manual_match' OR resolved_run IS NOT NULL))`;
  const gone = await tx.all<{ id: string }>(`SELECT id FROM recon_discrepancy WHERE ${mine}`, [s.channel, s.date]);
  await tx.run(`DELETE FROM recon_disc_member WHERE disc_id IN (SELECT id FROM recon_discrepancy WHERE ${mine})`, [s.channel, s.date]);
  await tx.run(`DELETE FROM recon_discrepancy WHERE ${mine}`, [s.channel, s.date]);
  return gone.map((g) => g.id);
}

export interface ActiveFile {
  id: number;
  contentHash: string;
  merchantId: string;
  netFen: number;
  lineCount: number;
}

/** The day's active statement files, and what people or other runs already hold (temp af, ext, extl). */
export async function prepareScope(tx: WriteTx, s: RunScope): Promise<ActiveFile[]> {
  await dropTemp(tx);
  await tx.exec(`
    CREATE TEMP TABLE af (id INTEGER PRIMARY KEY);
    CREATE TEMP TABLE ext (k TEXT PRIMARY KEY) WITHOUT ROWID;
    CREATE TEMP TABLE extl (id INTEGER PRIMARY KEY);`);
  const files = await tx.all<ActiveFile>(
    `SELECT id, content_hash AS contentHash, merchant_id AS merchantId, net_fen AS netFen, line_count AS lineCount
     FROM statement_file WHERE channel = ? AND business_date = ? AND status = 'active' ORDER BY merchant_id, id`,
    [s.channel, s.date],
  );
  await tx.run('INSERT INTO af (id) SELECT value FROM json_each(?)', [JSON.stringify(files.map((f) => f.id))]);
  // Members of confirmed matches and of other runs' grouped matches keep their items.
  await tx.run(
    `INSERT OR IGNORE INTO ext (k) SELECT m.item_key FROM recon_match x JOIN recon_member m ON m.match_id = x.id
     WHERE x.state IN ('auto','confirmed') AND m.side = 'internal'`,
  );
  await tx.run(
    `INSERT OR IGNORE INTO extl (id) SELECT m.line_id FROM recon_match x JOIN recon_member m ON m.match_id = x.id
     WHERE x.state IN ('auto','confirmed') AND m.line_id IS NOT NULL`,
  );
  return files;
}

export interface Acquirer {
  channel: string;
  name: string | null;
  account: string | null;
  remark: string | null;
}

/**
 * A bank line (alias l) that is an acquirer's settlement (a credit, or a debit when the day's net was
 * negative) or a cash deposit, by the payer's name or account or a word in the remark; the acquirers
 * travel as one JSON parameter (the `?` here).
 */
export const SETTLEMENT_CREDIT_SQL = `(EXISTS (SELECT 1 FROM json_each(?) a WHERE
  (a.value ->> 'name' IS NOT NULL AND instr(coalesce(l.payer_name, ''), a.value ->> 'name') > 0)
  OR (a.value ->> 'account' IS NOT NULL AND l.payer_account = a.value ->> 'account')
  OR (a.value ->> 'remark' IS NOT NULL AND instr(coalesce(l.remark, ''), a.value ->> 'remark') > 0)))`;

/**
 * The bulk pass: every successful payment (or refund) of the day probes the statement lines through
 * the pass's index; the first line in file order wins, and a line already taken by an earlier item
 * is left (the later item becomes a duplicate candidate). Pairs go straight into recon_pair.
 */
export async function bulkPass(tx: WriteTx, s: RunScope, pass: PassSpec, feeOk: string): Promise<number> {
  let n = 0;
  for (const kind of ['P', 'R'] as const) {
    const cond = kind === 'P' ? pass.payment : pass.refund;
    if (!cond) continue;
    // LIMIT -1 OFFSET 0 keeps the subquery a co-routine: each item's line is looked up once.
    const r = await tx.run(
      `INSERT OR IGNORE INTO recon_pair (line_id, item_key, pass, channel, match_date, item_date, amount_fen, fee_fen, fee_ok, run_id)
       SELECT l.id, i.k, ?4, ?1, ?2, i.d, i.amount_fen, l.fee_fen, ${feeOk}, ?5
       FROM (SELECT x.*, (SELECT l.id FROM statement_line l WHERE ${cond.replace(/\bi\./g, 'x.')}
                           AND l.file_id IN (SELECT id FROM temp.af) ORDER BY l.id LIMIT 1) AS lid
             FROM (${bulkSource(kind, s.cutoff)}) x LIMIT -1 OFFSET 0) i
       JOIN statement_line l ON l.id = i.lid
       WHERE NOT EXISTS (SELECT 1 FROM temp.ext e WHERE e.k = i.k) AND NOT EXISTS (SELECT 1 FROM temp.extl e WHERE e.id = l.id)`,
      [s.channel, s.date, s.date, pass.name, s.runId],
    );
    n += r.changes;
  }
  return n;
}

/** Pairs of this run that re-create a match a person broke: they are taken apart again. */
export async function brokenPairs(tx: WriteTx, s: RunScope): Promise<{ lineId: number; itemKey: string; members: string[] }[]> {
  const rows = await tx.all<{ lineId: number; itemKey: string; members: string }>(
    `SELECT pr.line_id AS lineId, pr.item_key AS itemKey,
            (SELECT json_group_array(m2.item_key) FROM recon_member m2 WHERE m2.match_id = x.id) AS members
     FROM recon_match x JOIN recon_member m ON m.match_id = x.id AND m.side = 'internal'
     JOIN recon_pair pr ON pr.item_key = m.item_key AND pr.channel = ? AND pr.match_date = ?
     WHERE x.state = 'broken' AND x.statement_count = 1 AND x.internal_count = 1`,
    [s.channel, s.date],
  );
  return rows.map((r) => ({ lineId: r.lineId, itemKey: r.itemKey, members: JSON.parse(r.members) as string[] }));
}

export async function deletePairs(tx: WriteTx, lineIds: readonly number[]): Promise<void> {
  await tx.run('DELETE FROM recon_pair WHERE line_id IN (SELECT value FROM json_each(?))', [JSON.stringify(lineIds)]);
}

const POOL_ITEM_COLS = [...ITEM_COLUMNS, 'own', 'done'].join(', ');

/**
 * The pools: the day's items and lines the bulk pass left, items of earlier days being carried
 * (timing window or a person's carry), items of the next day(s) (lookahead), and the day's closed,
 * reversed or failed items (for STATUS_DIFFERS).
 */
export async function buildPools(tx: WriteTx, s: RunScope, w: PoolWindow, carryAll: boolean): Promise<void> {
  await tx.exec(`
    CREATE TEMP TABLE li (${ITEM_COLUMNS.join(', ')}, own INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0, UNIQUE (k));
    CREATE TEMP TABLE lx (${ITEM_COLUMNS.join(', ')}, own INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0, UNIQUE (k));
    CREATE TEMP TABLE ll (${LINE_COLUMNS.join(', ')}, k TEXT, done INTEGER NOT NULL DEFAULT 0);`);
  const free = `AND NOT EXISTS (SELECT 1 FROM recon_pair pr WHERE pr.item_key = x.k) AND NOT EXISTS (SELECT 1 FROM temp.ext e WHERE e.k = x.k)`;
  const notResolved = `AND NOT EXISTS (SELECT 1 FROM recon_disc_member dm JOIN recon_discrepancy d ON d.id = dm.disc_id
      WHERE dm.item_key = x.k AND d.state = 'resolved' AND d.resolution IN ('adjustment','writeoff'))`;
  const ok = { P: "AND p.status = 'success'", R: "AND r.status = 'success'" };
  const notOk = { P: "AND p.status <> 'success'", R: "AND r.status <> 'success'" };
  const prevDay = addDaysSql(s.date, -1);
  for (const kind of ['P', 'R'] as const) {
    const col = kind === 'P' ? 'p.paid_at' : 'r.refunded_at';
    // The day's own items.
    await tx.run(`INSERT OR IGNORE INTO li (${POOL_ITEM_COLS}) SELECT x.*, 1, 0 FROM (${itemSource(kind, ok[kind], s.cutoff)}) x WHERE 1 ${free}`, [
      s.channel, s.date, s.date,
    ]);
    // Earlier days' items near the cut-off (or all, for cash and wire), not yet matched.
    if (w.carryFrom <= prevDay) {
      const before = s.cutoff ? `AND time(${col}, '+8 hours') < '${s.cutoff}'` : '';
      const near = carryAll ? '' : `AND time(${col}, '+8 hours') >= ?4 ${before}`;
      await tx.run(
        `INSERT OR IGNORE INTO li (${POOL_ITEM_COLS}) SELECT x.*, 0, 0 FROM (${itemSource(kind, `${ok[kind]} ${near}`, s.cutoff)}) x WHERE 1 ${free} ${notResolved}`,
        carryAll ? [s.channel, w.carryFrom, prevDay] : [s.channel, w.carryFrom, prevDay, w.carryTimeFrom],
      );
    }
    // Items a person carried to this day or later.
    const keyCol = kind === 'P' ? 'p.payment_no' : 'r.refund_no';
    await tx.run(
      `INSERT OR IGNORE INTO li (${POOL_ITEM_COLS}) SELECT x.*, 0, 0 FROM (${itemSource(
        kind,
        `${ok[kind]} AND ${keyCol} IN (SELECT substr(dm.item_key, 3) FROM recon_discrepancy d JOIN recon_disc_member dm ON dm.disc_id = d.id
           WHERE d.channel = ?1 AND d.state = 'carried' AND d.carry_until >= ?4 AND d.business_date < ?4
             AND dm.side = 'internal' AND dm.item_key LIKE '${kind}|%')`,
        s.cutoff,
      )}) x WHERE 1 ${free}`,
      [s.channel, '1900-01-01', prevDay, s.date],
    );
    if (w.lookaheadTo) {
      await tx.run(`INSERT OR IGNORE INTO li (${POOL_ITEM_COLS}) SELECT x.*, 2, 0 FROM (${itemSource(kind, ok[kind], s.cutoff)}) x WHERE 1 ${free}`, [
        s.channel, addDaysSql(s.date, 1), w.lookaheadTo,
      ]);
    }
    await tx.run(`INSERT OR IGNORE INTO lx (${POOL_ITEM_COLS}) SELECT x.*, x.d = ?4, 0 FROM (${itemSource(kind, notOk[kind], s.cutoff)}) x`, [
      s.channel, w.carryFrom, w.lookaheadTo ?? s.date, s.date,
    ]);
  }
  const settlementCredit = s.channel === 'wire' ? `AND NOT ${SETTLEMENT_CREDIT_SQL}` : '';
  await tx.run(
    `INSERT INTO ll (${LINE_COLUMNS.join(', ')}, k, done)
     SELECT l.id, l.file_id, l.line_no, l.kind, l.amount_fen, l.fee_fen, l.occurred_at, date(l.occurred_at, '+8 hours'),
            l.channel_txn_id, l.merchant_order_no, l.refund_no, l.original_txn_id, l.terminal_id, l.ref_no, l.voucher_no,
            l.batch_no, l.payer_account, l.payer_name, l.remark, l.status, NULL, 0
     FROM statement_line l
     WHERE l.file_id IN (SELECT id FROM temp.af) AND l.kind IN ('payment','refund','reversal','adjustment') ${settlementCredit}
       AND NOT EXISTS (SELECT 1 FROM recon_pair pr WHERE pr.line_id = l.id) AND NOT EXISTS (SELECT 1 FROM temp.extl e WHERE e.id = l.id)
     ORDER BY l.id`,
    s.channel === 'wire' ? [JSON.stringify(w.acquirers)] : [],
  );
}

/** YYYY-MM-DD plus n calendar days. */
export function addDaysSql(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

export interface Candidate {
  i: number; // li rowid
  l: number; // ll rowid
  ik: string;
  lid: number;
  dist: number; // |line day − item day| in days
}

/** Candidate pairs of one pass among the pools, best first (nearest day, then line and item order). */
export async function poolCandidates(tx: WriteTx, pass: PassSpec): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const kind of ['P', 'R'] as const) {
    const cond = kind === 'P' ? pass.payment : pass.refund;
    if (!cond) continue;
    out.push(
      ...(await tx.all<Candidate>(
        `SELECT i.rowid AS i, l.rowid AS l, i.k AS ik, l.id AS lid, abs(julianday(l.day) - julianday(i.d)) AS dist
         FROM ll l JOIN li i ON ${cond} WHERE i.kind = ? AND i.done = 0 AND l.done = 0`,
        [kind],
      )),
    );
  }
  return out.sort((a, b) => a.dist - b.dist || a.lid - b.lid || (a.ik < b.ik ? -1 : a.ik > b.ik ? 1 : 0));
}

/** Record 1:1 pairs found among the pools (li rowid, ll rowid) and take them out of the pools. */
export async function insertPoolPairs(tx: WriteTx, s: RunScope, pass: string, pairs: [number, number][], feeOk: string): Promise<void> {
  if (pairs.length === 0) return;
  const json = JSON.stringify(pairs);
  await tx.run(
    `INSERT INTO recon_pair (line_id, item_key, pass, channel, match_date, item_date, amount_fen, fee_fen, fee_ok, run_id)
     SELECT l.id, i.k, ?, ?, ?, i.d, i.amount_fen, l.fee_fen, ${feeOk}, ?
     FROM json_each(?) j JOIN li i ON i.rowid = j.value ->> 0 JOIN ll l ON l.rowid = j.value ->> 1`,
    [pass, s.channel, s.date, s.runId, json],
  );
  await markDone(tx, pairs.map((p) => p[0]), pairs.map((p) => p[1]));
}

export async function markDone(tx: WriteTx, items: readonly number[], lines: readonly number[]): Promise<void> {
  if (items.length) await tx.run('UPDATE li SET done = 1 WHERE rowid IN (SELECT value FROM json_each(?))', [JSON.stringify(items)]);
  if (lines.length) await tx.run('UPDATE ll SET done = 1 WHERE rowid IN (SELECT value FROM json_each(?))', [JSON.stringify(lines)]);
}

export interface ScoredCandidate extends Candidate {
  delta: number; // line day − item day
  score: number;
}

/**
 * The scored wire pass (§3): amount exact (required), date window, payer account's last four digits,
 * payer name in the line, the order's customer in the remark (a loan disbursement names the borrower).
 * Score: same day 2 (else 1), last four 2, payer name 1, customer 1.
 */
export async function scoredCandidates(tx: WriteTx, before: number, after: number): Promise<ScoredCandidate[]> {
  return tx.all<ScoredCandidate>(
    `SELECT i.rowid AS i, l.rowid AS l, i.k AS ik, l.id AS lid, julianday(l.day) - julianday(i.d) AS delta,
            abs(julianday(l.day) - julianday(i.d)) AS dist,
            (CASE WHEN l.day = i.d THEN 2 ELSE 1 END)
            + (CASE WHEN length(i.payer_account) >= 4 AND length(l.payer_account) >= 4
                     AND substr(i.payer_account, -4) = substr(l.payer_account, -4) THEN 2 ELSE 0 END)
            + (CASE WHEN length(i.payer_name) > 1 AND (instr(coalesce(l.payer_name, ''), i.payer_name) > 0
                     OR instr(coalesce(l.remark, ''), i.payer_name) > 0) THEN 1 ELSE 0 END)
            + (CASE WHEN length(i.customer) > 1 AND i.customer IS NOT i.payer_name
                     AND instr(coalesce(l.remark, ''), i.customer) > 0 THEN 1 ELSE 0 END) AS score
     FROM ll l JOIN li i ON l.amount_fen = i.amount_fen AND l.kind = i.line_kind
     WHERE i.done = 0 AND l.done = 0 AND julianday(l.day) - julianday(i.d) BETWEEN ? AND ?
     ORDER BY l.id, score DESC, i.k`,
    [-before, after],
  );
}

export interface GroupCandidate {
  /** The one side (a line for 1 line ↔ N items; an item for 1 item ↔ N lines). */
  one: number;
  oneAmount: number;
  oneDay: string;
  /** A candidate on the other side. */
  other: number;
  otherAmount: number;
  otherKey: string;
}

/**
 * Candidates for the bounded 1:N / N:1 search: the same order (order no. printed on the line or in
 * its remark) or, for bank lines, the same payer (last four digits and name), same sign, each smaller
 * than the one side, within the date window.
 */
export async function groupCandidates(tx: WriteTx, oneIsLine: boolean, channel: string, before: number, after: number): Promise<GroupCandidate[]> {
  const relations = ['l.merchant_order_no = i.order_no'];
  if (channel === 'wire') {
    relations.push("instr(coalesce(l.remark, ''), i.order_no) > 0");
    relations.push(`length(i.payer_account) >= 4 AND substr(l.payer_account, -4) = substr(i.payer_account, -4)
      AND (l.payer_name IS NULL OR i.payer_name IS NULL OR l.payer_name = i.payer_name)`);
  }
  const [oneA, otherA] = oneIsLine ? ['l', 'i'] : ['i', 'l'];
  const seen = new Set<string>();
  const out: GroupCandidate[] = [];
  for (const rel of relations) {
    const rows = await tx.all<GroupCandidate>(
      `SELECT ${oneA}.rowid AS one, ${oneA}.amount_fen AS oneAmount, ${oneIsLine ? 'l.day' : 'i.d'} AS oneDay,
              ${otherA}.rowid AS other, ${otherA}.amount_fen AS otherAmount, ${oneIsLine ? 'i.k' : "printf('%012d', l.id)"} AS otherKey
       FROM ll l JOIN li i ON ${rel}
       WHERE i.done = 0 AND l.done = 0 AND (i.amount_fen > 0) = (l.amount_fen > 0)
         AND abs(${otherA}.amount_fen) < abs(${oneA}.amount_fen)
         AND julianday(l.day) - julianday(i.d) BETWEEN ? AND ?`,
      [-before, after],
    );
    for (const r of rows) {
      const k = `${r.one}|${r.other}`;
      if (!seen.has(k)) {
        seen.add(k);
        out.push(r);
      }
    }
  }
  return out;
}

export interface PoolItem {
  rowid: number;
  k: string;
  kind: 'P' | 'R';
  ref: string;
  d: string;
  at: string;
  amount_fen: number;
  status: string;
  order_no: string;
  channel_txn_id: string | null;
  merchant_order_no: string | null;
  terminal_id: string | null;
  ref_no: string | null;
  voucher_no: string | null;
  payer_account: string | null;
  payer_name: string | null;
  method: string | null;
  hm: string;
  own: number;
}

export interface PoolLine {
  rowid: number;
  id: number;
  file_id: number;
  line_no: number;
  kind: string;
  amount_fen: number;
  fee_fen: number;
  occurred_at: string;
  day: string;
  channel_txn_id: string | null;
  merchant_order_no: string | null;
  refund_no: string | null;
  original_txn_id: string | null;
  terminal_id: string | null;
  ref_no: string | null;
  voucher_no: string | null;
  payer_account: string | null;
  payer_name: string | null;
  remark: string | null;
}

const POOL_CHUNK = 20_000;

/**
 * A pool's rows (rowid and every column) in key order, read as one JSON text per chunk: node-sqlite3
 * spends about a microsecond on every value it hands over, twenty times what JSON.parse needs. The
 * key (k or id) is unique in its pool, so the chunks follow each other by it.
 */
async function readPool<T>(tx: WriteTx, table: 'li' | 'lx' | 'll', key: 'k' | 'id', where: string, params: SqlValue[]): Promise<T[]> {
  const cols = ['rowid', ...(table === 'll' ? [...LINE_COLUMNS, 'k'] : ITEM_COLUMNS), ...(table === 'll' ? [] : ['own']), 'done'];
  const obj = `json_object(${cols.map((c) => `'${c}', ${c}`).join(', ')})`;
  const out: T[] = [];
  let after: SqlValue = null;
  for (;;) {
    const chunk: { j: string; n: number; last: SqlValue } | undefined = await tx.get<{ j: string; n: number; last: SqlValue }>(
      `SELECT json_group_array(json(o) ORDER BY key) AS j, count(*) AS n, max(key) AS last
       FROM (SELECT ${obj} AS o, ${key} AS key FROM ${table} WHERE ${where} AND (? IS NULL OR ${key} > ?) ORDER BY ${key} LIMIT ${POOL_CHUNK})`,
      [...params, after, after],
    );
    if (!chunk || chunk.n === 0) return out;
    for (const row of JSON.parse(chunk.j) as T[]) out.push(row);
    if (chunk.n < POOL_CHUNK) return out;
    after = chunk.last;
  }
}

export async function poolItems(tx: WriteTx, table: 'li' | 'lx', rowids?: readonly number[]): Promise<PoolItem[]> {
  return rowids
    ? readPool<PoolItem>(tx, table, 'k', 'rowid IN (SELECT value FROM json_each(?))', [JSON.stringify(rowids)])
    : readPool<PoolItem>(tx, table, 'k', 'done = 0', []);
}

export async function poolLines(tx: WriteTx, rowids?: readonly number[]): Promise<PoolLine[]> {
  return rowids
    ? readPool<PoolLine>(tx, 'll', 'id', 'rowid IN (SELECT value FROM json_each(?))', [JSON.stringify(rowids)])
    : readPool<PoolLine>(tx, 'll', 'id', 'done = 0', []);
}

/** Relations between the pools by one SQL condition over i (li or lx) and l (ll), open rows only. */
export async function poolRelation(tx: WriteTx, cond: string, itemTable: 'li' | 'lx' = 'li', extra = ''): Promise<{ i: number; l: number }[]> {
  return tx.all<{ i: number; l: number }>(
    `SELECT i.rowid AS i, l.rowid AS l FROM ll l JOIN ${itemTable} i ON ${cond}
     WHERE i.done = 0 AND l.done = 0 ${extra} ORDER BY l.id, i.k`,
  );
}

/** Reversal lines and the payment lines they cancel (POS 撤销 and channels' REVOKED), open ones only. */
export async function voidCandidates(tx: WriteTx): Promise<{ v: number; p: number }[]> {
  return tx.all<{ v: number; p: number }>(
    `SELECT v.rowid AS v, p.rowid AS p FROM ll v JOIN ll p ON p.amount_fen = -v.amount_fen AND p.kind = 'payment'
     WHERE v.kind = 'reversal' AND v.done = 0 AND p.done = 0
       AND ((v.terminal_id IS NOT NULL AND p.terminal_id = v.terminal_id
             AND (v.original_txn_id IS NULL OR v.original_txn_id IN (p.ref_no, p.voucher_no, p.channel_txn_id)))
         OR (v.terminal_id IS NULL AND (v.original_txn_id = p.channel_txn_id OR v.channel_txn_id = p.channel_txn_id)))
     ORDER BY v.id, p.id`,
  );
}

/** The reversed or closed internal payment behind a voided line, if the platform knows it. */
export async function voidedItem(tx: WriteTx, lineRowid: number): Promise<{ rowid: number; k: string; d: string } | undefined> {
  return tx.get<{ rowid: number; k: string; d: string }>(
    `SELECT x.rowid, x.k, x.d FROM ll l JOIN lx x ON x.kind = 'P' AND x.done = 0
       AND ((x.terminal_id = l.terminal_id AND x.ref_no = l.ref_no) OR x.channel_txn_id = l.channel_txn_id)
     WHERE l.rowid = ? ORDER BY x.k LIMIT 1`,
    [lineRowid],
  );
}

export async function markLxDone(tx: WriteTx, rowids: readonly number[]): Promise<void> {
  if (rowids.length) await tx.run('UPDATE lx SET done = 1 WHERE rowid IN (SELECT value FROM json_each(?))', [JSON.stringify(rowids)]);
}

export interface MatchMemberRow {
  key: string;
  side: 'internal' | 'statement';
  itemDate: string;
  amountFen: number;
  lineId: number | null;
}

export interface MatchRow {
  id: string;
  channel: string;
  businessDate: string;
  pass: string;
  ruleVersion: number;
  shape: string;
  state: 'auto' | 'suggested' | 'confirmed' | 'broken';
  internalCount: number;
  internalFen: number;
  statementCount: number;
  statementFen: number;
  feeFen: number;
  score: number | null;
  runId: number | null;
  decisionId: number | null;
  adjustmentId: number | null;
  members: MatchMemberRow[];
}

/** Ids among these that already exist, with their state (a broken match is never re-created). */
export async function existingMatches(tx: WriteTx, ids: readonly string[]): Promise<Map<string, string>> {
  const rows = await tx.all<{ id: string; state: string }>(
    'SELECT id, state FROM recon_match WHERE id IN (SELECT value FROM json_each(?))',
    [JSON.stringify(ids)],
  );
  return new Map(rows.map((r) => [r.id, r.state]));
}

export async function insertMatches(tx: WriteTx, rows: readonly MatchRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.insertMany(
    'recon_match',
    ['id', 'channel', 'business_date', 'pass', 'rule_version', 'shape', 'state', 'internal_count', 'internal_fen',
      'statement_count', 'statement_fen', 'fee_fen', 'score', 'run_id', 'decision_id', 'adjustment_id'],
    rows.map((r) => [r.id, r.channel, r.businessDate, r.pass, r.ruleVersion, r.shape, r.state, r.internalCount, r.internalFen,
      r.statementCount, r.statementFen, r.feeFen, r.score, r.runId, r.decisionId, r.adjustmentId]),
  );
  const members: (SqlValue | JsonValue)[][] = rows.flatMap((r) =>
    r.members.map((m) => [r.id, m.key, m.side, m.itemDate, m.amountFen, m.lineId]),
  );
  await tx.insertMany('recon_member', ['match_id', 'item_key', 'side', 'item_date', 'amount_fen', 'line_id'], members);
}

const AF = '(SELECT id FROM temp.af)';

/**
 * Open lines whose id another line of the day also carries, where that other line is matched or
 * comes first: the channel printed (or charged) the same transaction twice.
 */
export async function lineDuplicates(tx: WriteTx, byMerchantOrder: boolean): Promise<number[]> {
  const taken = 'AND (o.id < l.id OR EXISTS (SELECT 1 FROM recon_pair pr WHERE pr.line_id = o.id))';
  const conds = [
    `l.channel_txn_id IS NOT NULL AND EXISTS (SELECT 1 FROM statement_line o WHERE o.channel_txn_id = l.channel_txn_id
       AND o.refund_no IS l.refund_no AND o.kind = l.kind AND o.id <> l.id AND o.file_id IN ${AF} ${taken})`,
    `l.terminal_id IS NOT NULL AND l.ref_no IS NOT NULL AND EXISTS (SELECT 1 FROM statement_line o WHERE o.terminal_id = l.terminal_id
       AND o.ref_no = l.ref_no AND o.kind = l.kind AND o.id <> l.id AND o.file_id IN ${AF} ${taken})`,
  ];
  if (byMerchantOrder) {
    conds.push(`l.merchant_order_no IS NOT NULL AND EXISTS (SELECT 1 FROM statement_line o WHERE o.merchant_order_no = l.merchant_order_no
       AND o.kind = l.kind AND o.id <> l.id AND o.file_id IN ${AF} ${taken})`);
  }
  const out = new Set<number>();
  for (const c of conds) {
    for (const r of await tx.all<{ l: number }>(`SELECT l.rowid AS l FROM ll l WHERE l.done = 0 AND ${c}`)) out.add(r.l);
  }
  return [...out];
}

/**
 * Open refund and reversal lines whose original payment the platform knows (by the original's channel
 * id, the merchant order no. or, on a POS, the original line's 参考号/凭证号): the refund or void
 * happened on one side only (STATUS_DIFFERS).
 */
export async function knownOriginals(tx: WriteTx, channel: string): Promise<{ l: number; paymentNo: string }[]> {
  const rows = await tx.all<{ l: number; paymentNo: string }>(
    `SELECT l.rowid AS l, p.payment_no AS paymentNo FROM ll l JOIN payment p ON p.channel_txn_id = l.original_txn_id AND p.channel = ?1
       WHERE l.done = 0 AND l.amount_fen < 0
     UNION SELECT l.rowid, p.payment_no FROM ll l JOIN payment p ON p.channel_txn_id = l.channel_txn_id AND p.channel = ?1
       WHERE l.done = 0 AND l.amount_fen < 0
     UNION SELECT l.rowid, p.payment_no FROM ll l JOIN payment p ON p.merchant_order_no = l.merchant_order_no AND p.channel = ?1
       WHERE l.done = 0 AND l.amount_fen < 0
     UNION SELECT l.rowid, substr(pr.item_key, 3) FROM ll l
       JOIN statement_line o ON o.terminal_id = l.terminal_id AND o.kind = 'payment' AND o.file_id IN ${AF}
         AND (o.ref_no = l.original_txn_id OR o.voucher_no = l.original_txn_id)
       JOIN recon_pair pr ON pr.line_id = o.id AND pr.item_key LIKE 'P|%'
       WHERE l.done = 0 AND l.amount_fen < 0 AND l.terminal_id IS NOT NULL
     ORDER BY 1, 2`,
    [channel],
  );
  const first = new Map<number, string>();
  for (const r of rows) if (!first.has(r.l)) first.set(r.l, r.paymentNo);
  return [...first].map(([l, paymentNo]) => ({ l, paymentNo }));
}

/**
 * Open items of the day sharing their channel id or merchant order no. with another successful
 * payment of the channel that is matched or comes first: two internal items for one transaction.
 */
export async function itemDuplicates(tx: WriteTx, channel: string): Promise<number[]> {
  const other = (col: string) => `EXISTS (SELECT 1 FROM payment p WHERE p.${col} = i.${col} AND p.channel = ?1 AND p.status = 'success'
      AND 'P|' || p.payment_no <> i.k
      AND ('P|' || p.payment_no < i.k OR EXISTS (SELECT 1 FROM recon_pair pr WHERE pr.item_key = 'P|' || p.payment_no)))`;
  const rows = await tx.all<{ i: number }>(
    `SELECT i.rowid AS i FROM li i WHERE i.done = 0 AND i.own = 1 AND i.kind = 'P'
       AND ((i.channel_txn_id IS NOT NULL AND ${other('channel_txn_id')})
         OR (i.merchant_order_no IS NOT NULL AND ${other('merchant_order_no')}))`,
    [channel],
  );
  return rows.map((r) => r.i);
}

/** Open bank lines that name an order (a number the parser found, or one of the pool's orders in the remark). */
export async function wireOrderRefs(tx: WriteTx): Promise<number[]> {
  const rows = await tx.all<{ l: number }>(
    `SELECT l.rowid AS l FROM ll l WHERE l.done = 0 AND (l.merchant_order_no IS NOT NULL
       OR EXISTS (SELECT 1 FROM li i WHERE instr(coalesce(l.remark, ''), i.order_no) > 0)
       OR EXISTS (SELECT 1 FROM recon_pair pr JOIN payment p ON p.payment_no = substr(pr.item_key, 3)
                  WHERE pr.line_id IN (SELECT o.id FROM statement_line o WHERE o.file_id IN ${AF} AND o.id <> l.id)
                    AND instr(coalesce(l.remark, ''), p.order_no) > 0 LIMIT 1))`,
  );
  return rows.map((r) => r.l);
}
