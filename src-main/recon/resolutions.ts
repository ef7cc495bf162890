// What people do with reconciliation results (reconciliation.md §7–§8): manual match (any shape),
// unmatch, adjustments (调差) and write-offs with four eyes, carry forward, refund requests, sign-off.
// Every act is checked here, not only in the UI: the actor must be a local user, an approver must be
// another local user than the maker. Each act writes its decision (keyed by the members' natural keys,
// so it survives re-runs) and an audit row in the same transaction as the change itself.
import type { Store } from '../store';
import type { WriteTx } from '../store/db';
import { audit } from '../store/audit';
import { listUsers } from '../store/settings';
import {
  adjustmentById, carryDisc, countPendingForDay, dayStatus, deactivateDecisions, decideAdjustment, deletePair, discById,
  holdingMatches, insertAdjustment, insertDecision, insertDiscRows, insertMatches, insertTask, internalItems, lineIdsForKeys,
  lineKeys, matchById, openDiscsOf, pairByItem, pairByLine, pendingAdjustments, proveDay, refreshDayFigures, resolveDisc, setDayStatus,
  setDiscAdjustment, setDiscTask, setMatchAdjustment, setMatchState, statementItems,
  type AdjustmentRow, type DiscDetail, type DiscMember, type DiscRow, type MatchView, type ProofFigures,
} from '../store/recon';
import { addDays, toShanghaiIso } from '../domain/dates';
import { formatFen } from '../domain/money';
import type { Channel } from '../domain/channels';
import { cutoffTime, loadRules, RULE_VERSION, statementDay } from './config';
import { acquirersOf } from './engine';
import { makeDisc, shapeOf } from './classify';
import { matchId, membersKey, sortKeys } from './ids';
import { assertDaysOpen } from '../close/locks';

export type ReconErrorCode = 'not_found' | 'conflict' | 'forbidden' | 'invalid_input' | 'locked';

export class ReconError extends Error {
  constructor(
    readonly code: ReconErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface Act {
  actor: string;
  reasonCode: string;
  comment: string;
}

async function requireUser(tx: WriteTx, userId: string): Promise<void> {
  if (!(await listUsers(tx)).some((u) => u.userId === userId)) {
    throw new ReconError('forbidden', `"${userId}" is not a local user of this workstation`);
  }
}

const reason = (a: { reasonCode: string; comment: string }) => `${a.reasonCode}: ${a.comment}`;

/** Recompute the stored figures of the channel-days an act touched (only days that have been run). */
async function refreshDays(tx: WriteTx, days: Iterable<[string, string]>): Promise<void> {
  const rules = await loadRules(tx);
  const acquirers = acquirersOf(rules);
  const seen = new Set<string>();
  for (const [channel, date] of days) {
    if (seen.has(`${channel}|${date}`) || !(channel in rules)) continue;
    seen.add(`${channel}|${date}`);
    const cutoff = cutoffTime(rules[channel as Channel]);
    await refreshDayFigures(tx, channel, date, await proveDay(tx, channel, date, acquirers, cutoff));
  }
}

/** New open discrepancies for items an act set free (a re-run of their day classifies them fully). */
async function freeItems(tx: WriteTx, owner: { channel: string; date: string }, members: DiscDetail['members'], why: string): Promise<void> {
  const ctx = { channel: owner.channel, date: owner.date, runId: 0, lineKeys: new Map<number, string>() };
  const rows: DiscRow[] = [];
  for (const m of members) {
    if (m.side === 'other' || m.key.startsWith('S|') || m.key.startsWith('O|')) continue;
    if (m.side === 'internal' && m.amountFen === 0) continue; // a closed or reversed item carries no money
    const line = m.side === 'statement';
    rows.push(makeDisc(ctx, line ? 'long' : 'short', [{ ...m, side: m.side as DiscMember['side'], channel: m.channel ?? owner.channel }], {
      amountFen: line ? m.amountFen : -m.amountFen, businessDate: line ? owner.date : m.itemDate,
      keys: line ? { lineId: m.lineId } : { [m.key.startsWith('P|') ? 'paymentNo' : 'refundNo']: m.key.slice(2) },
      detail: `${formatFen(m.amountFen)} ${why}`,
    }));
  }
  await insertDiscRows(tx, rows);
  // An id that already existed (the item's earlier discrepancy) is opened again.
  await tx.run(
    `UPDATE recon_discrepancy SET state = 'open', resolution = NULL, resolved_ref = NULL
     WHERE id IN (SELECT value FROM json_each(?)) AND state = 'resolved' AND resolution IN ('manual_match','matched','reclassified')`,
    [JSON.stringify(rows.map((r) => r.id))],
  );
}

/** Resolve the open discrepancies holding these items; members left outside the match become open items again. */
async function resolveHolders(tx: WriteTx, itemKeys: string[], lineIds: number[], matched: Set<string>, ref: string): Promise<void> {
  for (const id of await openDiscsOf(tx, itemKeys, lineIds)) {
    const d = (await discById(tx, id))!;
    await resolveDisc(tx, id, 'manual_match', ref);
    const rest = d.members.filter((m) => !matched.has(m.key));
    if (rest.length) await freeItems(tx, { channel: d.runChannel, date: d.runDate }, rest, 'left over when its discrepancy was matched by hand');
  }
}

export interface ManualMatchInput extends Act {
  members: string[];
  /** Accept a difference: the match is confirmed and an adjustment for the difference is proposed. */
  allowDifference?: boolean;
}

/** Manual match of any shape (§7). It must net to zero, or the difference becomes a proposed adjustment. */
export async function manualMatch(store: Store, input: ManualMatchInput): Promise<MatchView> {
  const keys = sortKeys(input.members);
  if (keys.length < 2) throw new ReconError('invalid_input', 'a match needs at least two members');
  const bad = keys.find((k) => !/^(P|R|L)\|/.test(k));
  if (bad) throw new ReconError('invalid_input', `"${bad}" is not a payment (P|…), refund (R|…) or statement line (L|…) key`);
  const id = matchId(keys);
  return store.write(async (tx) => {
    await requireUser(tx, input.actor);
    const itemKeys = keys.filter((k) => !k.startsWith('L|'));
    const lineKeyList = keys.filter((k) => k.startsWith('L|'));
    const lineIdByKey = await lineIdsForKeys(tx, lineKeyList);
    const missingLine = lineKeyList.find((k) => lineIdByKey.get(k) === null);
    if (missingLine) throw new ReconError('not_found', `${missingLine} is not a line of an active statement`);
    const lineIds = lineKeyList.map((k) => lineIdByKey.get(k)!);
    const items = await internalItems(tx, itemKeys);
    // An item's day is its channel's statement day (UnionPay's runs 23:00–23:00).
    const rules = await loadRules(tx);
    for (const it of items.values()) {
      if (it.at) it.itemDate = statementDay(rules[it.channel as Channel], it.itemDate, toShanghaiIso(Date.parse(it.at)).slice(11, 19));
    }
    const missing = itemKeys.find((k) => !items.has(k));
    if (missing) throw new ReconError('not_found', `${missing} is not a payment or refund in the store`);
    const lines = await statementItems(tx, lineIds);
    const all = [...items.values(), ...lines.values()];
    const channels = new Set(all.map((x) => x.channel));
    if (channels.size > 1) throw new ReconError('invalid_input', `the members belong to several channels (${[...channels].join(', ')})`);
    const held = await holdingMatches(tx, itemKeys, lineIds);
    if (held.length) throw new ReconError('conflict', `${held.map((h) => h.key).join(', ')} is already matched: unmatch it first`);
    const existing = await matchById(tx, id);
    if (existing && (existing.state === 'auto' || existing.state === 'confirmed')) throw new ReconError('conflict', `match ${id} is already ${existing.state}`);
    const internalFen = [...items.values()].reduce((a, x) => a + x.amountFen, 0);
    const statementFen = [...lines.values()].reduce((a, x) => a + x.amountFen, 0);
    const difference = statementFen - internalFen;
    if (difference !== 0 && !input.allowDifference) {
      throw new ReconError('conflict', `the members do not net to zero (statement ${formatFen(statementFen)}, books ${formatFen(internalFen)}): propose the difference ${formatFen(difference)} as an adjustment`);
    }
    const channel = [...channels][0]!;
    const businessDate = [...all].map((x) => x.itemDate).sort().at(-1)!;
    await assertDaysOpen(tx, all.map((x) => x.itemDate), `matching ${id}`);
    const decisionId = await insertDecision(tx, {
      kind: 'match', channel, businessDate, members: keys, membersKey: membersKey(keys), targetId: id,
      payload: { differenceFen: difference, confirmedSuggestion: existing?.state === 'suggested' }, reasonCode: input.reasonCode,
      comment: input.comment, actor: input.actor,
    });
    if (existing) await setMatchState(tx, id, 'confirmed', decisionId);
    else {
      await insertMatches(tx, [{
        id, channel, businessDate, pass: 'manual', ruleVersion: RULE_VERSION, shape: shapeOf(items.size, lines.size), state: 'confirmed',
        internalCount: items.size, internalFen, statementCount: lines.size, statementFen, feeFen: 0, score: null, runId: null,
        decisionId, adjustmentId: null,
        members: all.map((x) => ({ key: x.key, side: x.side, itemDate: x.itemDate, amountFen: x.amountFen, lineId: x.lineId })),
      }]);
    }
    let adjustmentId: number | null = null;
    if (difference !== 0) {
      adjustmentId = await insertAdjustment(tx, {
        kind: 'adjustment', targetKind: 'match', targetId: id, members: keys, channel, businessDate, amountFen: difference,
        reasonCode: input.reasonCode, comment: input.comment, maker: input.actor,
      });
      await setMatchAdjustment(tx, id, adjustmentId);
    }
    await resolveHolders(tx, itemKeys, lineIds, new Set(keys), id);
    await audit(tx, {
      userId: input.actor, action: 'recon.match', entity: 'recon_match', entityId: id,
      before: existing ? { state: existing.state } : null,
      after: { state: 'confirmed', members: keys, internalFen, statementFen, differenceFen: difference, adjustmentId },
      reason: reason(input),
    });
    await refreshDays(tx, all.map((x) => [channel, x.itemDate] as [string, string]));
    return (await matchById(tx, id))!;
  });
}

export interface UnmatchInput extends Act {
  matchId: string;
  /** For an automatic one-to-one match (kept compactly): one of its two member keys. */
  itemKey?: string;
}

/** Unmatch (§8): the match becomes broken, its members go back to the pool as open items; nothing is deleted. */
export async function unmatch(store: Store, input: UnmatchInput): Promise<MatchView> {
  return store.write(async (tx) => {
    await requireUser(tx, input.actor);
    const view = await breakMatch(tx, input);
    await audit(tx, {
      userId: input.actor, action: 'recon.unmatch', entity: 'recon_match', entityId: view.id,
      before: { state: view.previousState, members: view.match.members.map((m) => m.key) }, after: { state: 'broken' }, reason: reason(input),
    });
    await refreshDays(tx, view.match.members.map((m) => [view.match.channel, m.itemDate] as [string, string]));
    return view.match;
  });
}

async function breakMatch(tx: WriteTx, input: UnmatchInput, fromRejection = false): Promise<{ id: string; previousState: string; match: MatchView }> {
  let match = await matchById(tx, input.matchId);
  let previousState: string;
  if (match) {
    if (match.state !== 'auto' && match.state !== 'confirmed') throw new ReconError('conflict', `match ${match.id} is ${match.state}, not matched`);
    const pending = (await pendingAdjustments(tx, match.id)).filter((a) => !fromRejection || a.state === 'approved');
    if (pending.length) throw new ReconError('conflict', `match ${match.id} has adjustment ${pending[0]!.id} (${pending[0]!.state}): reject or reverse it first`);
    previousState = match.state;
  } else {
    const pair = input.itemKey ? await pairForKey(tx, input.itemKey) : null;
    if (!pair || pair.id !== input.matchId) throw new ReconError('not_found', `no match ${input.matchId}${input.itemKey ? ` holding ${input.itemKey}` : ' (name one member in itemKey for an automatic match)'}`);
    await insertMatches(tx, [{
      id: pair.id, channel: pair.row.channel, businessDate: pair.row.matchDate, pass: pair.row.pass, ruleVersion: RULE_VERSION, shape: '1:1',
      state: 'auto', internalCount: 1, internalFen: pair.row.amountFen, statementCount: 1, statementFen: pair.row.amountFen,
      feeFen: pair.row.feeFen, score: null, runId: pair.row.runId, decisionId: null, adjustmentId: null,
      members: [
        { key: pair.row.itemKey, side: 'internal', itemDate: pair.row.itemDate, amountFen: pair.row.amountFen, lineId: null },
        { key: pair.lineKey, side: 'statement', itemDate: pair.row.matchDate, amountFen: pair.row.amountFen, lineId: pair.row.lineId },
      ],
    }]);
    await deletePair(tx, pair.row.lineId);
    match = (await matchById(tx, pair.id))!;
    previousState = 'auto';
  }
  await assertDaysOpen(tx, match.members.map((m) => m.itemDate), `unmatching ${match.id}`);
  const decisionId = await insertDecision(tx, {
    kind: 'unmatch', channel: match.channel, businessDate: match.businessDate, members: match.members.map((m) => m.key),
    membersKey: membersKey(match.members.map((m) => m.key)), targetId: match.id, payload: { previousState },
    reasonCode: input.reasonCode, comment: input.comment, actor: input.actor,
  });
  await setMatchState(tx, match.id, 'broken', decisionId);
  await deactivateDecisions(tx, 'match', match.id);
  if (match.pass !== 'settlement') {
    await freeItems(tx, { channel: match.channel, date: match.businessDate },
      match.members.map((m) => ({ ...m, channel: match!.channel })), `set free by unmatching ${match.id}`);
  }
  return { id: match.id, previousState, match: (await matchById(tx, match.id))! };
}

async function pairForKey(tx: WriteTx, itemKey: string) {
  let row = itemKey.startsWith('L|') ? null : await pairByItem(tx, itemKey);
  if (!row && itemKey.startsWith('L|')) {
    const lineId = (await lineIdsForKeys(tx, [itemKey])).get(itemKey);
    row = lineId ? await pairByLine(tx, lineId) : null;
  }
  if (!row) return null;
  const lineKey = (await lineKeys(tx, [row.lineId])).get(row.lineId)!;
  return { row, lineKey, id: matchId([row.itemKey, lineKey]) };
}

/** A discrepancy a user may still act on: it exists, is not resolved and its day is not locked. */
async function unresolvedDisc(tx: WriteTx, id: string): Promise<DiscDetail> {
  const d = await discById(tx, id);
  if (!d) throw new ReconError('not_found', `no discrepancy ${id}`);
  await assertDaysOpen(tx, [d.businessDate], `changing discrepancy ${d.id}`);
  if (d.state === 'resolved') throw new ReconError('conflict', `discrepancy ${d.id} is already resolved (${d.resolution})`);
  return d;
}

export interface ProposeInput extends Act {
  discrepancyId: string;
  amountFen?: number;
}

/** Propose an adjustment (调差) or a write-off for a discrepancy: it waits for another user's approval. */
export async function propose(store: Store, kind: 'adjustment' | 'writeoff', input: ProposeInput): Promise<AdjustmentRow> {
  return store.write(async (tx) => {
    await requireUser(tx, input.actor);
    const d = await unresolvedDisc(tx, input.discrepancyId);
    const pending = await pendingAdjustments(tx, d.id);
    if (pending.length) throw new ReconError('conflict', `discrepancy ${d.id} already has ${pending[0]!.kind} ${pending[0]!.id} (${pending[0]!.state})`);
    if (input.amountFen !== undefined && input.amountFen !== d.amountFen) {
      throw new ReconError('invalid_input', `an ${kind} must cover the discrepancy exactly: ${formatFen(d.amountFen)}, not ${formatFen(input.amountFen)}`);
    }
    const members = d.members.map((m) => m.key);
    const id = await insertAdjustment(tx, {
      kind, targetKind: 'discrepancy', targetId: d.id, members, channel: d.channel, businessDate: d.businessDate, amountFen: d.amountFen,
      reasonCode: input.reasonCode, comment: input.comment, maker: input.actor,
    });
    await setDiscAdjustment(tx, d.id, id);
    await insertDecision(tx, {
      kind: kind === 'adjustment' ? 'adjust_propose' : 'writeoff_propose', channel: d.channel, businessDate: d.businessDate, members,
      membersKey: membersKey(members), targetId: d.id, payload: { adjustmentId: id, amountFen: d.amountFen },
      reasonCode: input.reasonCode, comment: input.comment, actor: input.actor,
    });
    const row = (await adjustmentById(tx, id))!;
    await audit(tx, {
      userId: input.actor, action: `recon.${kind}.propose`, entity: 'recon_adjustment', entityId: String(id),
      before: { discrepancy: d.id, state: d.state }, after: row, reason: reason(input),
    });
    return row;
  });
}

export interface DecideInput {
  adjustmentId: number;
  actor: string;
  comment?: string;
}

/** Approve or reject a proposed adjustment or write-off: only a different local user than its maker. */
export async function decide(store: Store, kind: 'adjustment' | 'writeoff', verdict: 'approved' | 'rejected', input: DecideInput): Promise<AdjustmentRow> {
  return store.write(async (tx) => {
    await requireUser(tx, input.actor);
    const a = await adjustmentById(tx, input.adjustmentId);
    if (!a) throw new ReconError('not_found', `no adjustment ${input.adjustmentId}`);
    await assertDaysOpen(tx, [a.businessDate], `deciding ${a.kind} ${a.id}`);
    if (a.kind !== kind) throw new ReconError('invalid_input', `${a.id} is a ${a.kind}, not a ${kind}`);
    if (a.state !== 'proposed') throw new ReconError('conflict', `${kind} ${a.id} is already ${a.state}`);
    if (a.maker === input.actor) {
      throw new ReconError('forbidden', `four eyes: ${input.actor} proposed ${kind} ${a.id} and cannot also ${verdict === 'approved' ? 'approve' : 'reject'} it`);
    }
    await decideAdjustment(tx, a.id, verdict, input.actor, input.comment ?? null);
    if (a.targetKind === 'discrepancy') {
      if (verdict === 'approved') {
        await resolveDisc(tx, a.targetId, kind, null);
        await setDiscAdjustment(tx, a.targetId, a.id);
      } else await setDiscAdjustment(tx, a.targetId, null);
    } else if (verdict === 'rejected') {
      // A match that does not net to zero stands only with its adjustment: rejected, it is broken again.
      await breakMatch(tx, { matchId: a.targetId, actor: input.actor, reasonCode: 'adjustment_rejected', comment: input.comment ?? '' }, true);
    }
    const decisionKind = `${kind === 'adjustment' ? 'adjust' : 'writeoff'}_${verdict === 'approved' ? 'approve' : 'reject'}`;
    await insertDecision(tx, {
      kind: decisionKind, channel: a.channel, businessDate: a.businessDate, members: a.members, membersKey: membersKey(a.members),
      targetId: a.targetId, payload: { adjustmentId: a.id }, reasonCode: null, comment: input.comment ?? null, actor: input.actor,
    });
    const after = (await adjustmentById(tx, a.id))!;
    await audit(tx, {
      userId: input.actor, action: `recon.${kind}.${verdict === 'approved' ? 'approve' : 'reject'}`, entity: 'recon_adjustment',
      entityId: String(a.id), before: { state: a.state, maker: a.maker }, after: { state: after.state, approver: after.approver },
      reason: input.comment ?? null,
    });
    if (a.channel) await refreshDays(tx, [[a.channel, a.businessDate]]);
    return after;
  });
}

export interface CarryInput extends Act {
  discrepancyId: string;
  until: string;
}

/** Carry a discrepancy forward to a date (capped per channel): its internal items are retried until then. */
export async function carry(store: Store, input: CarryInput): Promise<DiscDetail> {
  return store.write(async (tx) => {
    await requireUser(tx, input.actor);
    const d = await unresolvedDisc(tx, input.discrepancyId);
    if (!d.channel || ['fee_differs', 'settlement_differs', 'order_incomplete'].includes(d.type)) {
      throw new ReconError('invalid_input', `a ${d.type} discrepancy is not carried: it is resolved by an adjustment`);
    }
    const rules = await loadRules(tx);
    const cap = addDays(d.businessDate, rules[d.channel as Channel].carryCapDays);
    if (input.until <= d.businessDate || input.until > cap) {
      throw new ReconError('invalid_input', `carry ${d.id} to a day after ${d.businessDate} and no later than ${cap}`);
    }
    const members = d.members.map((m) => m.key);
    const decisionId = await insertDecision(tx, {
      kind: 'carry', channel: d.channel, businessDate: d.businessDate, members, membersKey: membersKey(members), targetId: d.id,
      payload: { until: input.until }, reasonCode: input.reasonCode, comment: input.comment, actor: input.actor,
    });
    await deactivateDecisions(tx, 'carry', d.id, decisionId);
    await carryDisc(tx, d.id, input.until);
    await audit(tx, {
      userId: input.actor, action: 'recon.carry', entity: 'recon_discrepancy', entityId: d.id,
      before: { state: d.state, carryUntil: d.carryUntil }, after: { state: 'carried', carryUntil: input.until }, reason: reason(input),
    });
    return (await discById(tx, d.id))!;
  });
}

export interface RefundRequestInput extends Act {
  discrepancyId: string;
}

/** Ask for a refund (or a platform correction): an outbound task; the item stays open and linked. */
export async function requestRefund(store: Store, input: RefundRequestInput): Promise<{ taskId: number; discrepancy: DiscDetail }> {
  return store.write(async (tx) => {
    await requireUser(tx, input.actor);
    const d = await unresolvedDisc(tx, input.discrepancyId);
    if (d.taskId !== null) throw new ReconError('conflict', `discrepancy ${d.id} already has task ${d.taskId}`);
    const members = d.members.map((m) => m.key);
    const taskId = await insertTask(tx, {
      kind: 'refund_request', discrepancyId: d.id, members, channel: d.channel, businessDate: d.businessDate, amountFen: d.amountFen,
      reasonCode: input.reasonCode, comment: input.comment, actor: input.actor,
    });
    await setDiscTask(tx, d.id, taskId);
    await insertDecision(tx, {
      kind: 'refund_request', channel: d.channel, businessDate: d.businessDate, members, membersKey: membersKey(members), targetId: d.id,
      payload: { taskId }, reasonCode: input.reasonCode, comment: input.comment, actor: input.actor,
    });
    await audit(tx, {
      userId: input.actor, action: 'recon.refundRequest', entity: 'recon_task', entityId: String(taskId),
      before: { discrepancy: d.id, taskId: null }, after: { discrepancy: d.id, taskId, amountFen: d.amountFen }, reason: reason(input),
    });
    return { taskId, discrepancy: (await discById(tx, d.id))! };
  });
}

/** Sign a channel-day off as reconciled: only when its proof holds now and no adjustment waits. */
export async function signOff(store: Store, input: { channel: Channel; date: string; actor: string }): Promise<ProofFigures> {
  return store.write(async (tx) => {
    await requireUser(tx, input.actor);
    await assertDaysOpen(tx, [input.date], `signing off ${input.channel} ${input.date}`);
    const status = await dayStatus(tx, input.channel, input.date);
    if (status === null) throw new ReconError('not_found', `${input.channel} ${input.date} has not been reconciled yet`);
    if (status === 'reconciled') throw new ReconError('conflict', `${input.channel} ${input.date} is already signed off`);
    const rules = await loadRules(tx);
    const proof = await proveDay(tx, input.channel, input.date, acquirersOf(rules), cutoffTime(rules[input.channel]));
    await refreshDayFigures(tx, input.channel, input.date, proof);
    if (!proof.ok) {
      throw new ReconError('conflict', `the proof of ${input.channel} ${input.date} fails (${proof.unaccountedInternal} internal and ${proof.unaccountedStatement} statement items unaccounted): run it again`);
    }
    const pending = await countPendingForDay(tx, input.channel, input.date);
    if (pending > 0) throw new ReconError('conflict', `${pending} adjustment(s) of ${input.channel} ${input.date} wait for approval`);
    await setDayStatus(tx, input.channel, input.date, 'reconciled', input.actor);
    await insertDecision(tx, {
      kind: 'signoff', channel: input.channel, businessDate: input.date, members: [], membersKey: '', targetId: `${input.channel}|${input.date}`,
      payload: { internalFen: proof.internalFen, statementFen: proof.statementFen }, reasonCode: null, comment: null, actor: input.actor,
    });
    await audit(tx, {
      userId: input.actor, action: 'recon.signoff', entity: 'recon_day', entityId: `${input.channel}|${input.date}`,
      before: { status }, after: { status: 'reconciled', proof }, reason: null,
    });
    return proof;
  });
}

/** Reopen a signed-off channel-day (its runs are refused until then). */
export async function reopen(store: Store, input: { channel: Channel; date: string } & Act): Promise<void> {
  await store.write(async (tx) => {
    await requireUser(tx, input.actor);
    await assertDaysOpen(tx, [input.date], `reopening ${input.channel} ${input.date}`);
    if ((await dayStatus(tx, input.channel, input.date)) !== 'reconciled') {
      throw new ReconError('conflict', `${input.channel} ${input.date} is not signed off`);
    }
    await setDayStatus(tx, input.channel, input.date, 'open', null);
    await insertDecision(tx, {
      kind: 'reopen', channel: input.channel, businessDate: input.date, members: [], membersKey: '', targetId: `${input.channel}|${input.date}`,
      payload: {}, reasonCode: input.reasonCode, comment: input.comment, actor: input.actor,
    });
    await audit(tx, {
      userId: input.actor, action: 'recon.reopen', entity: 'recon_day', entityId: `${input.channel}|${input.date}`,
      before: { status: 'reconciled' }, after: { status: 'open' }, reason: reason(input),
    });
  });
}
