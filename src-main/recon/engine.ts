// The reconciliation engine (design/reconciliation.md): per channel and statement day, passes strongest
// first, then the classification of what is left, the fee check, the three-way settlement check and
// the proof; afterwards the order-completeness check. A run is one write transaction and replaces its
// own automatic results; people's decisions are kept and applied again (§12).
import type { Store } from '../store';
import type { WriteTx } from '../store/db';
import { CHANNEL_CODES, type Channel } from '../domain/channels';
import { addDays, businessDate } from '../domain/dates';
import { throwIfCancelled } from '../jobs/runner';
import { assertDaysOpen } from '../close/locks';
import { cutoffTime, loadRules, RULE_VERSION, timingFrom, type RuleSet } from './config';
import { expectedFee } from './fees';
import { matchId, sortKeys } from './ids';
import { lineKeys, poolLineKeys } from '../store/recon-keys';
import { feeOkSql, PASSES, SAME_TXN } from '../store/recon-passes';
import {
  brokenPairs, buildPools, bulkPass, clearRun, deletePairs, dropTemp, existingMatches, groupCandidates, insertMatches,
  insertPoolPairs, itemDuplicates, knownOriginals, lineDuplicates, markDone, markLxDone, poolCandidates, poolItems,
  poolLines, poolRelation, prepareScope, scoredCandidates, voidCandidates, voidedItem, wireOrderRefs,
  type Acquirer, type MatchRow, type PoolItem, type PoolLine, type RunScope, type ScoredCandidate,
} from '../store/recon-run';
import {
  clearOrderChecks, dayStatus, depositSlips, expireCarried, feeMisses, finishRun, incompleteOrders, insertDiscrepancies,
  insertRun, proveDay, reapplyDecisions, refreshDayFigures, resolveForeign, saveDay, settlementCredits, unexpire,
  type DiscRow, type ProofFigures,
} from '../store/recon-results';
import { openByType, type OpenByType } from '../store/recon';
import {
  exactSubsets, fen, greedy, itemMember, lineMember, makeDisc, peopleKeys, shapeOf, type DiscContext,
} from './classify';

export class DayLockedError extends Error {
  constructor(
    readonly channel: string,
    readonly date: string,
  ) {
    super(`${channel} ${date} is signed off as reconciled; reopen it before running it again`);
  }
}

export interface DaySummary {
  channel: Channel;
  businessDate: string;
  runId: number;
  matched: { count: number; fen: number };
  open: OpenByType;
  proof: { ok: boolean; internalFen: number; statementFen: number };
  figures: ProofFigures;
  stats: Record<string, number | string>;
}

export interface RunOptions {
  actor: string;
  rules?: RuleSet;
  signal?: AbortSignal;
  onProgress?: (phase: string, done: number, total: number) => void;
}

/** Every channel's acquirer, as bank lines name it (wire runs leave these credits to the three-way check). */
export function acquirersOf(rules: RuleSet): Acquirer[] {
  const out: Acquirer[] = [];
  for (const ch of CHANNEL_CODES) {
    const st = rules[ch].settlement;
    if (!st) continue;
    for (const name of st.payerNames) out.push({ channel: ch, name, account: null, remark: null });
    for (const account of st.payerAccounts) out.push({ channel: ch, name: null, account, remark: null });
    for (const remark of st.remarkContains) out.push({ channel: ch, name: null, account: null, remark });
  }
  return out;
}

/** Reconcile days × channels (in the fixed channel order), then check order completeness. */
export async function reconcile(
  store: Store,
  req: { from: string; to?: string; channels?: readonly Channel[] },
  opts: RunOptions,
): Promise<DaySummary[]> {
  const rules = opts.rules ?? (await loadRules(store.read));
  const channels = CHANNEL_CODES.filter((c) => !req.channels || req.channels.includes(c));
  const days: string[] = [];
  for (let d = req.from; d <= (req.to ?? req.from); d = addDays(d, 1)) days.push(d);
  await assertDaysOpen(store.read, days, `reconciling ${req.from}${req.to && req.to !== req.from ? `..${req.to}` : ''}`);
  const out: DaySummary[] = [];
  const total = days.length * channels.length;
  for (const d of days) {
    for (const ch of channels) {
      if (opts.signal) throwIfCancelled(opts.signal);
      opts.onProgress?.(`${ch} ${d}`, out.length, total);
      out.push(await reconcileDay(store, ch, d, { ...opts, rules }));
    }
  }
  await checkOrders(store, opts.actor);
  opts.onProgress?.('done', total, total);
  return out;
}

export async function reconcileDay(store: Store, channel: Channel, date: string, opts: RunOptions): Promise<DaySummary> {
  const rules = opts.rules ?? (await loadRules(store.read));
  if ((await dayStatus(store.read, channel, date)) === 'reconciled') throw new DayLockedError(channel, date);
  return store.write(async (tx) => {
    try {
      return await runDay(tx, channel, date, rules, opts);
    } finally {
      await dropTemp(tx);
    }
  });
}

async function runDay(tx: WriteTx, channel: Channel, date: string, rules: RuleSet, opts: RunOptions): Promise<DaySummary> {
  const r = rules[channel];
  const started = performance.now();
  const stats: Record<string, number | string> = {};
  const lap = (name: string, t0: number) => (stats[`${name}Ms`] = Math.round(performance.now() - t0));
  const files = await tx.all<{ contentHash: string; merchantId: string }>(
    "SELECT content_hash AS contentHash, merchant_id AS merchantId FROM statement_file WHERE channel = ? AND business_date = ? AND status = 'active' ORDER BY id",
    [channel, date],
  );
  const runId = await insertRun(tx, {
    channel, date, ruleVersion: RULE_VERSION, actor: opts.actor, startedAt: new Date().toISOString(),
    inputs: { files, rules: r },
  });
  const s: RunScope = { channel, date, runId, runKey: `${channel}|${date}`, ruleVersion: RULE_VERSION, cutoff: cutoffTime(r) };
  let t = performance.now();
  await unexpire(tx, s);
  const gone = await clearRun(tx, s);
  lap('clear', t);

  const acquirers = acquirersOf(rules);
  const window = {
    carryFrom: addDays(date, -r.bufferDays),
    carryTimeFrom: `${timingFrom(r)}:00`,
    lookaheadTo: r.lookaheadDays > 0 ? addDays(date, r.lookaheadDays) : null,
    acquirers,
  };
  await prepareScope(tx, s);
  const feeOk = feeOkSql(r.fees);
  const passes = PASSES[channel];

  t = performance.now();
  for (const p of passes.filter((x) => x.bulk)) stats[`pass.${p.name}`] = await bulkPass(tx, s, p, feeOk);
  lap('bulk', t);
  await dropBrokenPairs(tx, s);

  t = performance.now();
  await buildPools(tx, s, window, r.carryAll);
  lap('pools', t);
  for (const p of passes) {
    const picked = greedy(await poolCandidates(tx, p));
    await insertPoolPairs(tx, s, p.name, picked.map((c) => [c.i, c.l]), feeOk);
    stats[`pool.${p.name}`] = picked.length;
  }

  const matches: MatchRow[] = [];
  const suggestions: MatchRow[] = [];
  if (channel === 'wire') await scoredPass(tx, s, rules, feeOk, suggestions, stats);
  await groupPass(tx, s, rules, matches, suggestions);
  await voidPass(tx, s, matches);

  t = performance.now();
  const discs = await classify(tx, s, rules);
  discs.push(...(await feeDiscs(tx, s, rules, discs.length ? discs[0]!.runId : runId)));
  const settlement = await settlementCheck(tx, s, rules, acquirers);
  matches.push(...settlement.matches);
  discs.push(...settlement.discs);
  lap('classify', t);

  // Persist the grouped and suggested matches (never re-creating one a person broke or confirmed).
  const existing = await existingMatches(tx, [...matches, ...suggestions].map((m) => m.id));
  await insertMatches(tx, [...matches, ...suggestions].filter((m) => !existing.has(m.id)));
  const suggestedFor = new Map<string, string>();
  for (const m of suggestions) for (const mem of m.members) if (!suggestedFor.has(mem.key)) suggestedFor.set(mem.key, m.id);
  for (const d of discs) d.suggestedMatch = d.members.map((m) => suggestedFor.get(m.key)).find((x) => x !== undefined) ?? null;
  await insertDiscrepancies(tx, discs);

  // Other days' items this run matched or re-classified, and carried items whose time is up.
  const carried = await tx.all<{ k: string; d: string; done: number; own: number }>('SELECT k, d, done, own FROM li WHERE own <> 1');
  const reclassified = new Set(discs.flatMap((d) => d.members.map((m) => m.key)));
  const matchedForeign = carried.filter((c) => c.done === 1 && !reclassified.has(c.k)).map((c) => c.k);
  stats.carriedMatched = await resolveForeign(tx, s, matchedForeign, 'matched');
  stats.reclassified = await resolveForeign(tx, s, carried.filter((c) => reclassified.has(c.k)).map((c) => c.k), 'reclassified');
  stats.expired = await expireCarried(tx, s, carried.filter((c) => c.own === 0 && c.done === 0 && !reclassified.has(c.k)).map((c) => c.k));
  const reapplied = await reapplyDecisions(tx, s, gone);
  stats.staleDecisions = reapplied.stale;

  t = performance.now();
  const proof = await proveDay(tx, channel, date, acquirers, s.cutoff);
  await saveDay(tx, s, proof, new Date().toISOString());
  for (const d of new Set(carried.filter((c) => c.done === 1).map((c) => c.d))) {
    if (d !== date) await refreshDayFigures(tx, channel, d, await proveDay(tx, channel, d, acquirers, s.cutoff));
  }
  lap('proof', t);
  stats.totalMs = Math.round(performance.now() - started);
  await finishRun(tx, runId, stats);
  return {
    channel,
    businessDate: date,
    runId,
    matched: { count: proof.matchedStatementCount, fen: proof.matchedStatementFen },
    open: await openByType(tx, channel, date),
    proof: { ok: proof.ok, internalFen: proof.internalFen, statementFen: proof.statementFen },
    figures: proof,
    stats,
  };
}

/** A pair the bulk pass re-created from a match a person broke is taken apart again. */
async function dropBrokenPairs(tx: WriteTx, s: RunScope): Promise<void> {
  const broken = await brokenPairs(tx, s);
  if (broken.length === 0) return;
  const keys = await lineKeys(tx, broken.map((b) => b.lineId));
  const drop = broken.filter((b) => {
    const pair = sortKeys([keys.get(b.lineId) ?? '', b.itemKey]).join('\n');
    return pair === sortKeys(b.members).join('\n');
  });
  await deletePairs(tx, drop.map((b) => b.lineId));
}

async function scoredPass(tx: WriteTx, s: RunScope, rules: RuleSet, feeOk: string, suggestions: MatchRow[], stats: DaySummary['stats']): Promise<void> {
  const r = rules.wire;
  const cands = await scoredCandidates(tx, r.dateWindow.before, r.dateWindow.after);
  // Confirm a candidate above the threshold only when it is the single best for its line and for its
  // item (a tie at the top is ambiguous: it is suggested, never confirmed).
  const strong = cands.filter((c) => c.score >= r.autoScore);
  const best = (key: (c: ScoredCandidate) => number) => {
    const top = new Map<number, { score: number; n: number }>();
    for (const c of strong) {
      const t = top.get(key(c));
      if (!t || c.score > t.score) top.set(key(c), { score: c.score, n: 1 });
      else if (c.score === t.score) t.n++;
    }
    return top;
  };
  const byLine = best((c) => c.l);
  const byItem = best((c) => c.i);
  const isTop = (t: { score: number; n: number } | undefined, score: number) => t !== undefined && t.n === 1 && t.score === score;
  const unique = strong.filter((c) => isTop(byLine.get(c.l), c.score) && isTop(byItem.get(c.i), c.score));
  await insertPoolPairs(tx, s, 'wire.score', unique.map((c) => [c.i, c.l]), feeOk);
  stats['pool.wire.score'] = unique.length;
  const taken = new Set(unique.map((c) => c.l));
  const takenI = new Set(unique.map((c) => c.i));
  const rest = cands.filter((c) => !taken.has(c.l) && !takenI.has(c.i) && c.score >= 3);
  if (rest.length === 0) return;
  const items = new Map((await poolItems(tx, 'li', [...new Set(rest.map((c) => c.i))])).map((i) => [i.rowid, i]));
  const lines = new Map((await poolLines(tx, [...new Set(rest.map((c) => c.l))])).map((l) => [l.rowid, l]));
  const keys = await lineKeys(tx, [...lines.values()].map((l) => l.id));
  for (const c of rest) {
    const i = items.get(c.i)!;
    const l = lines.get(c.l)!;
    suggestions.push(pairMatch(s, 'wire.score', 'suggested', i, l, keys.get(l.id)!, c.score));
  }
  stats.suggestions = (Number(stats.suggestions) || 0) + rest.length;
}

function pairMatch(s: RunScope, pass: string, state: MatchRow['state'], i: PoolItem, l: PoolLine, lineKey: string, score: number | null): MatchRow {
  return {
    id: matchId([i.k, lineKey]), channel: s.channel, businessDate: s.date, pass, ruleVersion: s.ruleVersion, shape: '1:1', state,
    internalCount: 1, internalFen: i.amount_fen, statementCount: 1, statementFen: l.amount_fen, feeFen: l.fee_fen, score,
    runId: s.runId, decisionId: null, adjustmentId: null,
    members: [
      { key: i.k, side: 'internal', itemDate: i.d, amountFen: i.amount_fen, lineId: null },
      { key: lineKey, side: 'statement', itemDate: s.date, amountFen: l.amount_fen, lineId: l.id },
    ],
  };
}

/** Bounded 1:N and N:1 (§3): same order or payer, ≤ 6 members, exact fen sum; ambiguous → suggestions. */
async function groupPass(tx: WriteTx, s: RunScope, rules: RuleSet, matches: MatchRow[], suggestions: MatchRow[]): Promise<void> {
  const w = rules[s.channel as Channel].dateWindow;
  for (const oneIsLine of [true, false]) {
    const cands = await groupCandidates(tx, oneIsLine, s.channel, w.before, w.after);
    if (cands.length === 0) continue;
    const byOne = new Map<number, typeof cands>();
    for (const c of cands) {
      const list = byOne.get(c.one);
      if (list) list.push(c);
      else byOne.set(c.one, [c]);
    }
    const usedOther = new Set<number>();
    const autoGroups: { one: number; others: number[] }[] = [];
    const ambiguous: { one: number; others: number[] }[] = [];
    for (const one of [...byOne.keys()].sort((a, b) => a - b)) {
      const list = byOne.get(one)!.filter((c) => !usedOther.has(c.other)).sort((a, b) => (a.otherKey < b.otherKey ? -1 : 1));
      const sols = exactSubsets(Math.abs(list[0]!.oneAmount), list.map((c) => Math.abs(c.otherAmount)), 3);
      if (sols.length === 1) {
        const others = sols[0]!.map((k) => list[k]!.other);
        others.forEach((o) => usedOther.add(o));
        autoGroups.push({ one, others });
      } else {
        for (const sol of sols) ambiguous.push({ one, others: sol.map((k) => list[k]!.other) });
      }
    }
    if (autoGroups.length === 0 && ambiguous.length === 0) continue;
    const allItems = new Set<number>();
    const allLines = new Set<number>();
    for (const g of [...autoGroups, ...ambiguous]) {
      (oneIsLine ? allLines : allItems).add(g.one);
      g.others.forEach((o) => (oneIsLine ? allItems : allLines).add(o));
    }
    const items = new Map((await poolItems(tx, 'li', [...allItems])).map((i) => [i.rowid, i]));
    const lines = new Map((await poolLines(tx, [...allLines])).map((l) => [l.rowid, l]));
    const keys = await lineKeys(tx, [...lines.values()].map((l) => l.id));
    const build = (g: { one: number; others: number[] }, state: MatchRow['state']): MatchRow => {
      const is = (oneIsLine ? g.others : [g.one]).map((x) => items.get(x)!);
      const ls = (oneIsLine ? [g.one] : g.others).map((x) => lines.get(x)!);
      const members = [
        ...is.map((i) => ({ key: i.k, side: 'internal' as const, itemDate: i.d, amountFen: i.amount_fen, lineId: null })),
        ...ls.map((l) => ({ key: keys.get(l.id)!, side: 'statement' as const, itemDate: s.date, amountFen: l.amount_fen, lineId: l.id })),
      ];
      return {
        id: matchId(members.map((m) => m.key)), channel: s.channel, businessDate: s.date, pass: 'group', ruleVersion: s.ruleVersion,
        shape: shapeOf(is.length, ls.length), state, internalCount: is.length, internalFen: is.reduce((a, i) => a + i.amount_fen, 0),
        statementCount: ls.length, statementFen: ls.reduce((a, l) => a + l.amount_fen, 0), feeFen: ls.reduce((a, l) => a + l.fee_fen, 0),
        score: null, runId: s.runId, decisionId: null, adjustmentId: null, members,
      };
    };
    const broken = await existingMatches(tx, autoGroups.map((g) => build(g, 'auto').id));
    for (const g of autoGroups) {
      const m = build(g, 'auto');
      if (broken.has(m.id)) continue;
      matches.push(m);
      const iRows = oneIsLine ? g.others : [g.one];
      const lRows = oneIsLine ? [g.one] : g.others;
      await markDone(tx, iRows, lRows);
    }
    for (const g of ambiguous) suggestions.push(build(g, 'suggested'));
  }
}

/** A reversal line and the payment line it cancels net to zero, with the reversed payment if known. */
async function voidPass(tx: WriteTx, s: RunScope, matches: MatchRow[]): Promise<void> {
  const pairs = greedy((await voidCandidates(tx)).map((c) => ({ i: c.v, l: c.p })));
  if (pairs.length === 0) return;
  const lines = new Map((await poolLines(tx, pairs.flatMap((p) => [p.i, p.l]))).map((l) => [l.rowid, l]));
  const keys = await lineKeys(tx, [...lines.values()].map((l) => l.id));
  for (const p of pairs) {
    const v = lines.get(p.i)!;
    const pay = lines.get(p.l)!;
    const item = await voidedItem(tx, p.l);
    const members = [
      ...(item ? [{ key: item.k, side: 'internal' as const, itemDate: item.d, amountFen: 0, lineId: null }] : []),
      { key: keys.get(pay.id)!, side: 'statement' as const, itemDate: s.date, amountFen: pay.amount_fen, lineId: pay.id },
      { key: keys.get(v.id)!, side: 'statement' as const, itemDate: s.date, amountFen: v.amount_fen, lineId: v.id },
    ];
    matches.push({
      id: matchId(members.map((m) => m.key)), channel: s.channel, businessDate: s.date, pass: 'void', ruleVersion: s.ruleVersion,
      shape: shapeOf(item ? 1 : 0, 2), state: 'auto', internalCount: item ? 1 : 0, internalFen: 0, statementCount: 2,
      statementFen: 0, feeFen: pay.fee_fen + v.fee_fen, score: null, runId: s.runId, decisionId: null, adjustmentId: null, members,
    });
    await markDone(tx, [], [p.i, p.l]);
    if (item) await markLxDone(tx, [item.rowid]);
  }
}

/** What is left becomes discrepancies (§6), in a fixed order of precedence. */
async function classify(tx: WriteTx, s: RunScope, rules: RuleSet): Promise<DiscRow[]> {
  const channel = s.channel as Channel;
  const r = rules[channel];
  const items = await poolItems(tx, 'li');
  const lines = await poolLines(tx);
  const lx = await poolItems(tx, 'lx');
  const byItem = new Map(items.map((i) => [i.rowid, i]));
  const byLine = new Map(lines.map((l) => [l.rowid, l]));
  const byLx = new Map(lx.map((i) => [i.rowid, i]));
  const ctx: DiscContext = { channel, date: s.date, runId: s.runId, lineKeys: await poolLineKeys(tx, channel, s.date) };
  const usedI = new Set<number>();
  const usedL = new Set<number>();
  const out: DiscRow[] = [];

  // AMOUNT_DIFFERS: the same transaction on both sides, another amount.
  // A wire names only an order, not a payment (§4): a credit is the payment's only when it is the same
  // payer's and short by the bank's charge; anything else on the order is a credit of its own.
  const wireShort = channel === 'wire'
    ? ' AND l.amount_fen < i.amount_fen AND (l.payer_account IS NULL OR i.payer_account IS NULL OR l.payer_account = i.payer_account)'
    : '';
  const rel: { i: number; l: number }[] = [];
  for (const cond of SAME_TXN[channel]) rel.push(...(await poolRelation(tx, cond, 'li', `AND i.line_kind = l.kind AND l.amount_fen <> i.amount_fen${wireShort}`)));
  rel.sort((a, b) => byLine.get(a.l)!.id - byLine.get(b.l)!.id || (byItem.get(a.i)!.k < byItem.get(b.i)!.k ? -1 : 1));
  for (const p of greedy(rel, usedI, usedL)) {
    const i = byItem.get(p.i)!;
    const l = byLine.get(p.l)!;
    const diff = l.amount_fen - i.amount_fen;
    const bankCharge = channel === 'wire' && diff < 0 ? ' (a payer-bank charge? suggest a fee adjustment)' : '';
    out.push(makeDisc(ctx, 'amount_differs', [itemMember(i, channel), lineMember(l, ctx)], {
      amountFen: diff, keys: peopleKeys(l, i),
      detail: `statement ${fen(l.amount_fen)} vs books ${fen(i.amount_fen)}: difference ${fen(diff)}${bankCharge}`,
    }));
  }

  // STATUS_DIFFERS: a line for a payment the platform closed or reversed (or a refund it failed).
  const st: { i: number; l: number }[] = [];
  for (const cond of SAME_TXN[channel]) st.push(...(await poolRelation(tx, cond, 'lx')));
  const usedX = new Set<number>();
  for (const p of greedy(st.filter((x) => !usedL.has(x.l)), usedX, usedL)) {
    const x = byLx.get(p.i)!;
    const l = byLine.get(p.l)!;
    out.push(makeDisc(ctx, 'status_differs', [itemMember(x, channel, true), lineMember(l, ctx)], {
      amountFen: l.amount_fen, keys: peopleKeys(l, x),
      detail: `the statement has ${fen(l.amount_fen)} for ${x.k.slice(2)}, which the platform marks ${x.status}`,
    }));
  }
  // …or a refund or void on the statement only, for a payment the platform knows.
  for (const k of await knownOriginals(tx, channel)) {
    if (usedL.has(k.l)) continue;
    usedL.add(k.l);
    const l = byLine.get(k.l)!;
    out.push(makeDisc(ctx, 'status_differs', [lineMember(l, ctx)], {
      amountFen: l.amount_fen, keys: { ...peopleKeys(l, null), paymentNo: k.paymentNo },
      detail: `a ${l.kind} of ${fen(l.amount_fen)} on the statement for payment ${k.paymentNo}, none in the books`,
    }));
  }

  // DUPLICATE: the same id twice on the statement, or two internal items for one transaction.
  const wechatLike = ['wechat', 'alipay', 'lakala'].includes(channel);
  for (const lr of await lineDuplicates(tx, wechatLike)) {
    if (usedL.has(lr)) continue;
    usedL.add(lr);
    const l = byLine.get(lr)!;
    out.push(makeDisc(ctx, 'duplicate', [lineMember(l, ctx)], {
      amountFen: l.amount_fen, keys: peopleKeys(l, null), detail: `the statement carries this transaction again (${fen(l.amount_fen)})`,
    }));
  }
  for (const ir of await itemDuplicates(tx, channel)) {
    if (usedI.has(ir)) continue;
    usedI.add(ir);
    const i = byItem.get(ir)!;
    out.push(makeDisc(ctx, 'duplicate', [itemMember(i, channel)], {
      amountFen: -i.amount_fen, businessDate: i.d, keys: peopleKeys(null, i),
      detail: `a second internal ${i.kind === 'P' ? 'payment' : 'refund'} for one transaction (${fen(i.amount_fen)})`,
    }));
  }

  // Lines nobody claims: 长款 (MISSING_INTERNALLY), or a bank credit naming no order (不明来款).
  const named = channel === 'wire' ? new Set(await wireOrderRefs(tx)) : null;
  for (const l of lines) {
    if (usedL.has(l.rowid)) continue;
    usedL.add(l.rowid);
    const unknown = named !== null && l.amount_fen > 0 && !named.has(l.rowid);
    out.push(makeDisc(ctx, unknown ? 'wire_without_order' : 'long', [lineMember(l, ctx)], {
      amountFen: l.amount_fen, keys: peopleKeys(l, null),
      detail: unknown ? `a bank credit of ${fen(l.amount_fen)} that names no order` : `${fen(l.amount_fen)} on the statement, nothing in the books`,
    }));
  }

  // The day's own items nobody claims: TIMING near the cut-off (or always for cash and wire), else 短款.
  const from = `${timingFrom(r)}:00`;
  const cutoff = cutoffTime(r) ?? '24:00:00';
  for (const i of items) {
    if (usedI.has(i.rowid) || i.own !== 1) continue;
    const timing = r.carryAll || (i.hm >= from && i.hm < cutoff);
    const until = addDays(i.d, r.bufferDays);
    out.push(makeDisc(ctx, timing ? 'timing' : 'short', [itemMember(i, channel)], {
      amountFen: -i.amount_fen, businessDate: i.d, keys: peopleKeys(null, i),
      state: timing ? 'carried' : 'open', carryUntil: timing ? until : null,
      detail: timing
        ? `${fen(i.amount_fen)} at ${i.hm} near the cut-off: retried against the statements up to ${until}`
        : `${fen(i.amount_fen)} in the books, not on the statement`,
    }));
  }
  return out;
}

async function feeDiscs(tx: WriteTx, s: RunScope, rules: RuleSet, runId: number): Promise<DiscRow[]> {
  const misses = await feeMisses(tx, s);
  if (misses.length === 0) return [];
  const keys = await lineKeys(tx, misses.map((m) => m.lineId));
  const ctx: DiscContext = { channel: s.channel, date: s.date, runId, lineKeys: keys };
  return misses.map((m) => {
    const expected = expectedFee(rules[s.channel as Channel].fees, m.method, m.amountFen, m.feeFen);
    const lineKey = keys.get(m.lineId)!;
    const itemNo = m.itemKey.slice(2);
    return makeDisc(ctx, 'fee_differs', [
      { key: m.itemKey, side: 'internal', channel: s.channel, itemDate: m.itemDate, amountFen: m.amountFen, lineId: null },
      { key: lineKey, side: 'statement', channel: s.channel, itemDate: s.date, amountFen: m.amountFen, lineId: m.lineId },
    ], {
      amountFen: expected - m.feeFen,
      keys: { [m.itemKey.startsWith('P|') ? 'paymentNo' : 'refundNo']: itemNo, lineId: m.lineId, feeFen: m.feeFen, expectedFeeFen: expected },
      detail: `fee ${fen(m.feeFen)} where the contract gives ${fen(expected)} (tolerance 1 fen)`,
    });
  });
}

/**
 * The three-way check (§10): the day's statement net (per merchant file) arrives as the acquirer's
 * credit on the bank statement `lagDays` later; a cash deposit slip as a bank credit within the lag.
 */
async function settlementCheck(tx: WriteTx, s: RunScope, rules: RuleSet, all: Acquirer[]): Promise<{ matches: MatchRow[]; discs: DiscRow[] }> {
  const channel = s.channel as Channel;
  const st = rules[channel].settlement;
  const out = { matches: [] as MatchRow[], discs: [] as DiscRow[] };
  if (!st || channel === 'wire') return out;
  const mine = all.filter((a) => a.channel === channel);
  const ctx: DiscContext = { channel, date: s.date, runId: s.runId, lineKeys: new Map() };
  const bankFrom = channel === 'cash' ? s.date : addDays(s.date, st.lagDays);
  const bankTo = addDays(s.date, st.lagDays);
  const { credits, bankDays } = await settlementCredits(tx, mine, bankFrom, bankTo);
  if (bankDays === 0) return out; // the bank statement is not there yet: nothing to say
  // The expected side: per merchant file net (cards, wallets) or per deposit slip (cash).
  const expected: { key: string; amountFen: number; lineId: number | null; label: string; ref: string | null }[] = [];
  if (channel === 'cash') {
    const slips = await depositSlips(tx);
    const keys = await lineKeys(tx, slips.map((x) => x.lineId));
    for (const x of slips) expected.push({ key: keys.get(x.lineId)!, amountFen: -x.amountFen, lineId: x.lineId, label: `deposit slip ${x.slipNo ?? x.lineId}`, ref: x.slipNo });
  } else {
    const files = await tx.all<{ merchantId: string; netFen: number }>(
      'SELECT f.merchant_id AS merchantId, f.net_fen AS netFen FROM statement_file f WHERE f.id IN (SELECT id FROM temp.af) ORDER BY f.merchant_id, f.id',
    );
    for (const f of files) {
      if (f.netFen === 0) continue;
      expected.push({ key: `S|${channel}|${s.date}${f.merchantId ? `|${f.merchantId}` : ''}`, amountFen: f.netFen, lineId: null, label: `net of ${f.merchantId || channel}`, ref: null });
    }
  }
  if (expected.length === 0) return out;
  const bankKeys = await lineKeys(tx, credits.map((c) => c.lineId));
  const used = new Set<number>();
  const unmatched: typeof expected = [];
  for (const e of expected) {
    const c =
      credits.find((x) => !used.has(x.lineId) && x.amountFen === e.amountFen && e.ref !== null && (x.remark ?? '').includes(e.ref)) ??
      credits.find((x) => !used.has(x.lineId) && x.amountFen === e.amountFen);
    if (!c) {
      unmatched.push(e);
      continue;
    }
    used.add(c.lineId);
    const members = [
      { key: e.key, side: 'internal' as const, itemDate: s.date, amountFen: e.amountFen, lineId: e.lineId },
      { key: bankKeys.get(c.lineId)!, side: 'statement' as const, itemDate: c.day, amountFen: c.amountFen, lineId: c.lineId },
    ];
    out.matches.push({
      id: matchId(members.map((m) => m.key)), channel, businessDate: s.date, pass: 'settlement', ruleVersion: s.ruleVersion,
      shape: '1:1', state: 'auto', internalCount: 1, internalFen: e.amountFen, statementCount: 1, statementFen: c.amountFen,
      feeFen: 0, score: null, runId: s.runId, decisionId: null, adjustmentId: null, members,
    });
  }
  // A slip may still be credited on a later day of the window: say nothing until its last bank day is in.
  const windowDays = Math.round((Date.parse(bankTo) - Date.parse(bankFrom)) / 86_400_000) + 1;
  if (unmatched.length === 0 || bankDays < windowDays) return out;
  // What the bank paid in that no expectation claimed, against what is still expected.
  const spare = credits.filter((c) => !used.has(c.lineId) && c.day === bankTo);
  const members = [
    ...unmatched.map((e) => ({ key: e.key, side: 'other' as const, channel, itemDate: s.date, amountFen: e.amountFen, lineId: e.lineId })),
    ...spare.map((c) => ({ key: bankKeys.get(c.lineId)!, side: 'other' as const, channel: 'wire', itemDate: c.day, amountFen: c.amountFen, lineId: c.lineId })),
  ];
  const expectedFen = unmatched.reduce((a, e) => a + e.amountFen, 0);
  const creditFen = spare.reduce((a, c) => a + c.amountFen, 0);
  out.discs.push(makeDisc(ctx, 'settlement_differs', members, {
    amountFen: creditFen - expectedFen,
    keys: { expectedFen, creditFen, bankDate: bankTo, expected: unmatched.map((e) => e.label), bankLineIds: spare.map((c) => c.lineId) },
    detail: `${unmatched.map((e) => `${e.label} ${fen(e.amountFen)}`).join(', ')} not credited on ${bankTo}` +
      (spare.length ? `; the acquirer paid ${fen(creditFen)} instead` : ''),
  }));
  return out;
}

/** §9 for every delivered order, rebuilt whole after each run (decisions on them re-applied). */
export async function checkOrders(store: Store, _actor: string): Promise<number> {
  return store.write(async (tx) => {
    const gone = await clearOrderChecks(tx);
    const orders = await incompleteOrders(tx);
    const ctx: DiscContext = { channel: 'order', date: '', runId: 0, lineKeys: new Map() };
    const discs = orders.map((o) =>
      makeDisc(ctx, 'order_incomplete', [{ key: `O|${o.orderNo}`, side: 'other', channel: null, itemDate: businessDate(o.updatedAt), amountFen: o.netPaidFen, lineId: null }], {
        amountFen: o.netPaidFen - o.agreedFen, businessDate: businessDate(o.updatedAt), channel: null, runChannel: 'order', runDate: '',
        keys: { orderNo: o.orderNo, agreedFen: o.agreedFen, netPaidFen: o.netPaidFen },
        detail: `delivered with ${fen(o.netPaidFen)} paid net against ${fen(o.agreedFen)} agreed (${o.netPaidFen < o.agreedFen ? 'short' : 'over'})`,
      }),
    );
    await insertDiscrepancies(tx, discs);
    await reapplyDecisions(tx, { channel: 'order', date: '', runId: 0, runKey: 'order|', ruleVersion: RULE_VERSION, cutoff: null }, gone);
    return discs.length;
  });
}
