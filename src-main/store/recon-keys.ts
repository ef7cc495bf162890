// Natural keys of reconciliation items (migration 0003's header lists them). Internal items are keyed
// by the platform's numbers; a statement line by its channel, statement day, kind and the id the
// channel gives it (a repeat of the same id gets #2, #3… in line order), else by file hash and line
// number. The engine never computes line keys for the million lines it matches in bulk: only for the
// few it reports, and when a person's decision names a line.
import type { ReadDb } from './db';

/** One letter per statement line kind, in line keys. */
export const KIND_LETTER_SQL = (col: string) =>
  `CASE ${col} WHEN 'payment' THEN 'P' WHEN 'refund' THEN 'R' WHEN 'reversal' THEN 'V' WHEN 'fee' THEN 'F' WHEN 'settlement' THEN 'S' ELSE 'A' END`;

const LETTER_KIND: Record<string, string> = { P: 'payment', R: 'refund', V: 'reversal', F: 'fee', S: 'settlement', A: 'adjustment' };

const isPos = (a: string) => `${a}.channel IN ('unionpay','allinpay') AND ${a}.terminal_id IS NOT NULL AND ${a}.ref_no IS NOT NULL`;

/** The channel's id of a line (NULL when it has none), from the columns of line alias `a`. */
export function kidSql(a: string): string {
  const txn = `CASE WHEN ${a}.refund_no IS NULL OR ${a}.refund_no = ${a}.channel_txn_id THEN ${a}.channel_txn_id
    ELSE ${a}.channel_txn_id || '/' || ${a}.refund_no END`;
  return `(CASE WHEN ${isPos(a)} THEN ${a}.terminal_id || '/' || ${a}.ref_no
    WHEN ${a}.channel = 'wire' THEN coalesce(${a}.channel_txn_id, 'R:' || ${a}.ref_no)
    ELSE ${txn} END)`;
}

interface LineKeyRow {
  id: number;
  channel: string;
  date: string;
  kind: string;
  letter: string;
  kid: string | null;
  fallback: string;
  txn: string | null;
  terminal: string | null;
  ref: string | null;
  pos: number;
}

const LINE_ROW = `SELECT l.id, f.channel, f.business_date AS date, l.kind, ${KIND_LETTER_SQL('l.kind')} AS letter,
  ${kidSql('l')} AS kid, '@' || substr(f.content_hash, 1, 16) || ':' || coalesce(l.member || ':', '') || l.line_no AS fallback,
  l.channel_txn_id AS txn, l.terminal_id AS terminal, l.ref_no AS ref,
  (${isPos('l')}) AS pos
  FROM statement_line l JOIN statement_file f ON f.id = l.file_id`;

/**
 * Natural keys of the given lines. A repeated id is numbered in line order among the lines of the
 * same statement day that carry it, found through the id's own index (never a scan of the day).
 */
export async function lineKeys(read: ReadDb, lineIds: readonly number[]): Promise<Map<number, string>> {
  const rows: LineKeyRow[] = [];
  for (let i = 0; i < lineIds.length; i += 5000) {
    rows.push(...(await read.all<LineKeyRow>(`${LINE_ROW} WHERE l.id IN (SELECT value FROM json_each(?))`, [JSON.stringify(lineIds.slice(i, i + 5000))])));
  }
  const txns = new Set<string>();
  const pos = new Map<string, [string, string]>();
  const wireDays = new Set<string>();
  for (const r of rows) {
    if (r.kid === null) continue;
    if (r.pos) pos.set(`${r.terminal}/${r.ref}`, [r.terminal!, r.ref!]);
    else if (r.txn !== null) txns.add(r.txn);
    else wireDays.add(r.date);
  }
  // Peers: the lines of active files that carry one of these ids (json_each drives the index probe).
  const peerSql = (join: string) => `SELECT l.id, f.channel, f.business_date AS date, l.kind, '' AS letter,
      ${kidSql('l')} AS kid, '' AS fallback, l.channel_txn_id AS txn, l.terminal_id AS terminal, l.ref_no AS ref,
      (${isPos('l')}) AS pos
    FROM json_each(?) j JOIN statement_line l ON ${join}
    JOIN statement_file f ON f.id = l.file_id AND f.status = 'active'`;
  const peers: LineKeyRow[] = [];
  const txnList = [...txns];
  for (let i = 0; i < txnList.length; i += 5000) {
    peers.push(...(await read.all<LineKeyRow>(peerSql('l.channel_txn_id = j.value'), [JSON.stringify(txnList.slice(i, i + 5000))])));
  }
  const posList = [...pos.values()];
  for (let i = 0; i < posList.length; i += 5000) {
    peers.push(...(await read.all<LineKeyRow>(
      peerSql('l.terminal_id = j.value ->> 0 AND l.ref_no = j.value ->> 1'),
      [JSON.stringify(posList.slice(i, i + 5000))],
    )));
  }
  for (const d of wireDays) {
    peers.push(...(await read.all<LineKeyRow>(
      `${LINE_ROW} WHERE f.channel = 'wire' AND f.business_date = ? AND f.status = 'active' AND l.channel_txn_id IS NULL`,
      [d],
    )));
  }
  const groups = new Map<string, number[]>();
  const seen = new Set<number>();
  for (const p of peers) {
    if (p.kid === null || seen.has(p.id)) continue;
    seen.add(p.id);
    const g = `${p.channel}|${p.date}|${p.kind}|${p.kid}`;
    const list = groups.get(g);
    if (list) list.push(p.id);
    else groups.set(g, [p.id]);
  }
  for (const list of groups.values()) list.sort((a, b) => a - b);
  const out = new Map<number, string>();
  for (const r of rows) {
    let tail = r.fallback;
    if (r.kid !== null) {
      const n = groups.get(`${r.channel}|${r.date}|${r.kind}|${r.kid}`)?.indexOf(r.id) ?? 0;
      tail = n > 0 ? `${r.kid}#${n + 1}` : r.kid;
    }
    out.set(r.id, `L|${r.channel}|${r.date}|${r.letter}|${tail}`);
  }
  return out;
}

export interface ParsedLineKey {
  channel: string;
  date: string;
  kind: string;
  kid: string | null;
  ordinal: number;
  hash16: string | null;
  member: string | null;
  lineNo: number | null;
}

export function parseLineKey(key: string): ParsedLineKey | null {
  const m = /^L\|([a-z]+)\|(\d{4}-\d{2}-\d{2})\|([PRVFSA])\|(.+)$/.exec(key);
  if (!m) return null;
  const [, channel, date, letter, rest] = m as unknown as [string, string, string, string, string];
  const kind = LETTER_KIND[letter]!;
  if (rest.startsWith('@')) {
    const parts = rest.slice(1).split(':');
    const lineNo = Number(parts.at(-1));
    if (parts.length < 2 || !Number.isInteger(lineNo)) return null;
    return { channel, date, kind, kid: null, ordinal: 0, hash16: parts[0]!, member: parts.length > 2 ? parts.slice(1, -1).join(':') : null, lineNo };
  }
  const hashAt = rest.lastIndexOf('#');
  const ordinal = hashAt > 0 && /^\d+$/.test(rest.slice(hashAt + 1)) ? Number(rest.slice(hashAt + 1)) - 1 : 0;
  const kid = ordinal > 0 ? rest.slice(0, hashAt) : rest;
  return { channel, date, kind, kid, ordinal, hash16: null, member: null, lineNo: null };
}

/**
 * The line each key names in the day's active statement files (null when none does any more, e.g.
 * after a new version of the file replaced it). Searches by the id's own columns, through indexes.
 */
export async function lineIdsForKeys(read: ReadDb, keys: readonly string[]): Promise<Map<string, number | null>> {
  const out = new Map<string, number | null>();
  for (const key of new Set(keys)) {
    out.set(key, null);
    const p = parseLineKey(key);
    if (!p) continue;
    let where: string;
    let params: (string | number)[];
    if (p.hash16 !== null) {
      where = "substr(f.content_hash, 1, 16) = ? AND l.line_no = ? AND coalesce(l.member, '') = ?";
      params = [p.hash16, p.lineNo!, p.member ?? ''];
    } else if (/^(unionpay|allinpay)$/.test(p.channel) && p.kid!.includes('/')) {
      const [terminal, ...ref] = p.kid!.split('/');
      where = 'l.terminal_id = ? AND l.ref_no = ?';
      params = [terminal!, ref.join('/')];
    } else if (p.channel === 'wire' && p.kid!.startsWith('R:')) {
      where = 'l.ref_no = ?';
      params = [p.kid!.slice(2)];
    } else {
      where = 'l.channel_txn_id = ?';
      params = [p.kid!.split('/')[0]!];
    }
    const ids = await read.all<{ id: number }>(
      `SELECT l.id FROM statement_line l JOIN statement_file f ON f.id = l.file_id
       WHERE f.status = 'active' AND f.channel = ? AND f.business_date = ? AND l.kind = ? AND ${where}`,
      [p.channel, p.date, p.kind, ...params],
    );
    const keysOf = await lineKeys(read, ids.map((r) => r.id));
    const rows = [...keysOf].map(([id, k]) => ({ id, k }));
    out.set(key, rows.find((r) => r.k === key)?.id ?? null);
  }
  return out;
}

/** Internal item keys: P|payment_no, R|refund_no. */
export const paymentKeySql = (a: string) => `('P|' || ${a}.payment_no)`;
export const refundKeySql = (a: string) => `('R|' || ${a}.refund_no)`;

/**
 * Keys of the line pool (temp ll) of one statement day. Lines whose id no other line of the day
 * carries take the plain key at once; the few sharing an id are numbered by lineKeys().
 */
export async function poolLineKeys(read: ReadDb, channel: string, date: string): Promise<Map<number, string>> {
  const af = '(SELECT id FROM temp.af)';
  const rows = await read.all<{ id: number; kid: string | null; fallback: string; letter: string; shared: number }>(
    `SELECT l.id, ${kidSql('l')} AS kid, '@' || substr(f.content_hash, 1, 16) || ':' || coalesce(l.member || ':', '') || l.line_no AS fallback,
            ${KIND_LETTER_SQL('l.kind')} AS letter,
            CASE WHEN ${isPos('l')} THEN EXISTS (SELECT 1 FROM statement_line o WHERE o.terminal_id = l.terminal_id AND o.ref_no = l.ref_no
                                                 AND o.id <> l.id AND o.file_id IN ${af})
                 WHEN l.channel_txn_id IS NOT NULL THEN EXISTS (SELECT 1 FROM statement_line o WHERE o.channel_txn_id = l.channel_txn_id
                                                 AND o.id <> l.id AND o.file_id IN ${af})
                 ELSE ${kidSql('l')} IS NOT NULL END AS shared
     FROM temp.ll p CROSS JOIN statement_line l ON l.id = p.id CROSS JOIN statement_file f ON f.id = l.file_id`,
  );
  const out = new Map<number, string>();
  const shared: number[] = [];
  for (const r of rows) {
    if (r.shared) shared.push(r.id);
    else out.set(r.id, `L|${channel}|${date}|${r.letter}|${r.kid ?? r.fallback}`);
  }
  for (const [id, k] of await lineKeys(read, shared)) out.set(id, k);
  return out;
}
