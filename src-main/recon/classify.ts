// Pure helpers of the engine: turning pool rows into discrepancy rows (ids, members, the keys people
// search by), deterministic one-to-one assignment, and the bounded subset search of the grouped pass.
import type { JsonValue } from '../store/db';
import type { DiscMember, DiscRow, DiscType } from '../store/recon-results';
import type { PoolItem, PoolLine } from '../store/recon-run';
import { formatFen } from '../domain/money';
import { discId, type DiscClass } from './ids';

export interface DiscContext {
  channel: string;
  date: string; // the run's statement day
  runId: number;
  lineKeys: Map<number, string>;
}

const CLASS_OF: Record<DiscType, DiscClass> = {
  long: 'principal', short: 'principal', amount_differs: 'principal', duplicate: 'principal', status_differs: 'principal',
  wire_without_order: 'principal', timing: 'principal', fee_differs: 'fee', settlement_differs: 'settlement',
  order_incomplete: 'order',
};

export function itemMember(i: PoolItem, channel: string, zero = false): DiscMember {
  return { key: i.k, side: 'internal', channel, itemDate: i.d, amountFen: zero ? 0 : i.amount_fen, lineId: null };
}

export function lineMember(l: PoolLine, ctx: DiscContext): DiscMember {
  const key = ctx.lineKeys.get(l.id);
  if (!key) throw new Error(`no natural key for statement line ${l.id}`);
  return { key, side: 'statement', channel: ctx.channel, itemDate: ctx.date, amountFen: l.amount_fen, lineId: l.id };
}

/** The ids people search by, from a line and/or an item (the item's own numbers win). */
export function peopleKeys(l: PoolLine | null, i: PoolItem | null): Record<string, JsonValue> {
  const k: Record<string, JsonValue> = {};
  const put = (name: string, v: string | number | null | undefined) => {
    if (v !== null && v !== undefined && v !== '') k[name] = v;
  };
  if (l) {
    put('lineId', l.id);
    put('fileId', l.file_id);
    put('lineNo', l.line_no);
    put('channelTxnId', l.channel_txn_id);
    put('merchantOrderNo', l.merchant_order_no);
    put('refundNo', l.refund_no);
    put('originalTxnId', l.original_txn_id);
    put('terminalId', l.terminal_id);
    put('refNo', l.ref_no);
    put('voucherNo', l.voucher_no);
    put('payerAccount', l.payer_account);
    put('payerName', l.payer_name);
    put('remark', l.remark);
    put('occurredAt', l.occurred_at);
    put('lineAmountFen', l.amount_fen);
  }
  if (i) {
    put(i.kind === 'P' ? 'paymentNo' : 'refundNo', i.ref);
    put('orderNo', i.order_no);
    put('channelTxnId', i.channel_txn_id);
    put('merchantOrderNo', i.merchant_order_no);
    put('terminalId', i.terminal_id);
    put('refNo', i.ref_no);
    put('voucherNo', i.voucher_no);
    put('payerAccount', i.payer_account);
    put('at', i.at);
    put('internalAmountFen', i.amount_fen);
  }
  return k;
}

export function makeDisc(
  ctx: DiscContext,
  type: DiscType,
  members: DiscMember[],
  opts: {
    amountFen: number;
    businessDate?: string;
    keys: Record<string, JsonValue>;
    detail: string;
    state?: DiscRow['state'];
    carryUntil?: string | null;
    runChannel?: string;
    runDate?: string;
    channel?: string | null;
  },
): DiscRow {
  const side = (s: DiscMember['side']) => members.filter((m) => m.side === s);
  const str = (v: JsonValue | undefined) => (typeof v === 'string' ? v : null);
  return {
    id: discId(CLASS_OF[type], members.map((m) => m.key)),
    type,
    channel: opts.channel === undefined ? ctx.channel : opts.channel,
    businessDate: opts.businessDate ?? ctx.date,
    runChannel: opts.runChannel ?? ctx.channel,
    runDate: opts.runDate ?? ctx.date,
    amountFen: opts.amountFen,
    internalFen: side('internal').reduce((a, m) => a + m.amountFen, 0),
    statementFen: side('statement').reduce((a, m) => a + m.amountFen, 0),
    internalCount: side('internal').length,
    statementCount: side('statement').length,
    members,
    keys: opts.keys,
    paymentNo: str(opts.keys.paymentNo),
    orderNo: str(opts.keys.orderNo),
    channelTxnId: str(opts.keys.channelTxnId),
    merchantOrderNo: str(opts.keys.merchantOrderNo),
    terminalId: str(opts.keys.terminalId),
    refNo: str(opts.keys.refNo),
    detail: opts.detail,
    state: opts.state ?? 'open',
    carryUntil: opts.carryUntil ?? null,
    suggestedMatch: null,
    runId: ctx.runId,
  };
}

export const fen = formatFen;

/** One-to-one assignment in the given (already deterministic) order: each side is used once. */
export function greedy<T extends { i: number; l: number }>(candidates: readonly T[], usedI = new Set<number>(), usedL = new Set<number>()): T[] {
  const out: T[] = [];
  for (const c of candidates) {
    if (usedI.has(c.i) || usedL.has(c.l)) continue;
    usedI.add(c.i);
    usedL.add(c.l);
    out.push(c);
  }
  return out;
}

export const MAX_GROUP = 6;
const MAX_CANDIDATES = 16;

/**
 * Subsets of 2..6 candidates whose amounts add up exactly to the target (fen), in candidate order;
 * stops after `limit` solutions (two are enough to know a group is ambiguous).
 */
export function exactSubsets(target: number, amounts: readonly number[], limit = 2): number[][] {
  const n = Math.min(amounts.length, MAX_CANDIDATES);
  const out: number[][] = [];
  const pick: number[] = [];
  const walk = (start: number, rest: number) => {
    if (out.length >= limit) return;
    if (rest === 0 && pick.length >= 2) {
      out.push([...pick]);
      return;
    }
    if (pick.length === MAX_GROUP) return;
    for (let k = start; k < n && out.length < limit; k++) {
      const a = amounts[k]!;
      if (a > rest) continue;
      pick.push(k);
      walk(k + 1, rest - a);
      pick.pop();
    }
  };
  walk(0, target);
  return out;
}

export function shapeOf(internal: number, statement: number): string {
  if (internal === 0) return '0:N';
  if (statement === 0) return 'N:0';
  if (internal === 1 && statement === 1) return '1:1';
  if (internal === 1) return '1:N';
  if (statement === 1) return 'N:1';
  return 'N:M';
}
