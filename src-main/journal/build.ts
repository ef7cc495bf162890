// From what happened on a business day to balanced journal documents (design/journal-sap.md §3):
// one document per (day, channel, event), one debit and one credit line per rule (day summary) or
// per source item (line granularity), split into balanced parts of at most 999 lines. Pure: the
// caller reads the sources and rules; nothing here touches the store.
import { createHash } from 'node:crypto';
import type { Channel } from '../domain/channels';
import type { JournalLine } from '../store/journal';
import type { AdjustmentSource, PaymentSource, RefundSource, StatementSource } from '../store/journal';
import {
  CHANNEL_REF_CODES, CHANNEL_TEXT, EVENT_CODES, EVENT_TYPES, MAX_DOC_LINES, expandTemplate, pickRule,
  type EventType, type PostingRule,
} from './rules';

/** Billing kinds that arrive after delivery on their own funds orders (domain.md). */
const AFTERSALES = new Set(['accessories', 'window_film', 'repair', 'leasing']);

export interface SourceItem {
  channel: Channel;
  businessDate: string;
  event: EventType;
  billing: string;
  amountFen: number; // positive in the rule's direction; negative flips debit and credit
  orderNo: string;
  sources: { source: string; amountFen: number }[];
}

export interface DaySources {
  payments: PaymentSource[];
  refunds: RefundSource[];
  fees: StatementSource[];
  settlements: StatementSource[];
  adjustments: AdjustmentSource[];
}

function traced(main: string, amountFen: number, lineId: number | null): { source: string; amountFen: number }[] {
  return lineId === null ? [{ source: main, amountFen }] : [{ source: main, amountFen }, { source: `L|${lineId}`, amountFen }];
}

/** Classify every source into an event of its channel and day. */
export function sourceItems(s: DaySources): SourceItem[] {
  const out: SourceItem[] = [];
  for (const p of s.payments) {
    const event: EventType =
      p.method === 'loan_disbursement' ? 'loan_disbursement' : AFTERSALES.has(p.billingKind) ? 'aftersales_receipt' : 'receipt';
    out.push({
      channel: p.channel as Channel, businessDate: p.businessDate, event, billing: p.billingKind, amountFen: p.amountFen,
      orderNo: p.orderNo, sources: traced(`P|${p.paymentNo}`, p.amountFen, p.lineId),
    });
  }
  for (const r of s.refunds) {
    out.push({
      channel: r.channel as Channel, businessDate: r.businessDate, event: 'refund', billing: r.billingKind, amountFen: r.amountFen,
      orderNo: r.orderNo, sources: traced(`R|${r.refundNo}`, r.amountFen, r.lineId),
    });
  }
  for (const [list, event] of [[s.fees, 'fee'], [s.settlements, 'settlement']] as const) {
    for (const l of list) {
      if (l.amountFen === 0) continue;
      out.push({
        channel: l.channel as Channel, businessDate: l.businessDate, event, billing: '', amountFen: l.amountFen, orderNo: l.orderNo,
        sources: [{ source: `L|${l.lineId}`, amountFen: l.amountFen }],
      });
    }
  }
  for (const a of s.adjustments) {
    if (a.amountFen === 0) continue;
    const long = a.amountFen > 0;
    const event: EventType = a.kind === 'adjustment' ? (long ? 'adjustment_long' : 'adjustment_short') : long ? 'writeoff_long' : 'writeoff_short';
    const amount = Math.abs(a.amountFen);
    out.push({
      channel: a.channel as Channel, businessDate: a.businessDate, event, billing: '', amountFen: amount, orderNo: a.orderNo,
      sources: [{ source: `A|${a.id}`, amountFen: amount }, ...a.decisionIds.map((d) => ({ source: `D|${d}`, amountFen: amount }))],
    });
  }
  return out;
}

export interface BuildProblem {
  businessDate: string;
  channel: string;
  event: string;
  message: string;
}

export interface BuiltDoc {
  businessDate: string;
  channel: Channel;
  event: EventType;
  part: number;
  docType: string;
  headerText: string;
  lines: JournalLine[];
  postingHash: string;
}

interface Pair {
  rule: PostingRule;
  amountFen: number;
  count: number;
  orderNo: string;
  sources: { source: string; amountFen: number }[];
}

const PAIRS_PER_DOC = Math.floor(MAX_DOC_LINES / 2);
/** NN in the reference has two digits. */
const MAX_PARTS = 99;

function mmdd(date: string): string {
  return date.slice(5, 7) + date.slice(8, 10);
}

/** Hash of what SAP would receive (texts, accounts, amounts), not of the trace behind it. */
export function postingHash(docType: string, headerText: string, lines: readonly JournalLine[]): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([docType, headerText]));
  for (const l of lines) {
    h.update(JSON.stringify([l.account, l.debitFen, l.creditFen, l.itemText, l.assignment, l.costCenter, l.profitCenter]));
  }
  return h.digest('hex');
}

function pairLines(p: Pair, ch: Channel, date: string, firstLineNo: number): JournalLine[] {
  const vars = { ch: CHANNEL_TEXT[ch], date: mmdd(date), count: p.count, order: p.orderNo };
  const positive = p.amountFen > 0;
  const amount = Math.abs(p.amountFen);
  const common = {
    itemText: expandTemplate(p.rule.itemText, vars),
    assignment: expandTemplate(p.rule.assignment, vars),
    costCenter: p.rule.costCenter,
    profitCenter: p.rule.profitCenter,
    ruleKey: p.rule.key,
    ruleVersion: p.rule.version,
    sources: p.sources,
  };
  const debit = positive ? p.rule.drAccount : p.rule.crAccount;
  const credit = positive ? p.rule.crAccount : p.rule.drAccount;
  return [
    { ...common, lineNo: firstLineNo, account: debit, debitFen: amount, creditFen: 0 },
    { ...common, lineNo: firstLineNo + 1, account: credit, debitFen: 0, creditFen: amount },
  ];
}

/**
 * Build the documents of the given items. Every item needs exactly one rule (the most specific);
 * an item without one is reported, never guessed.
 */
export function buildDocs(items: readonly SourceItem[], rules: readonly PostingRule[]): { docs: BuiltDoc[]; problems: BuildProblem[] } {
  const groups = new Map<string, SourceItem[]>();
  for (const it of items) {
    const k = `${it.businessDate}|${it.channel}|${it.event}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(it);
  }
  const docs: BuiltDoc[] = [];
  const problems: BuildProblem[] = [];
  const keys = [...groups.keys()].sort();
  for (const k of keys) {
    const group = groups.get(k)!;
    const { businessDate, channel, event } = group[0]!;
    const pairs: Pair[] = [];
    const byRule = new Map<string, Pair>();
    const missing = new Set<string>();
    for (const it of group) {
      const rule = pickRule(rules, event, channel, it.billing || '*');
      if (!rule) {
        missing.add(it.billing || '*');
        continue;
      }
      if (rule.granularity === 'line') {
        pairs.push({ rule, amountFen: it.amountFen, count: 1, orderNo: it.orderNo, sources: it.sources });
        continue;
      }
      let p = byRule.get(rule.key);
      if (!p) {
        byRule.set(rule.key, (p = { rule, amountFen: 0, count: 0, orderNo: '', sources: [] }));
        pairs.push(p);
      }
      p.amountFen += it.amountFen;
      p.count++;
      p.sources.push(...it.sources);
    }
    for (const b of missing) {
      problems.push({ businessDate, channel, event, message: `no posting rule for ${event} / ${channel} / billing ${b}` });
    }
    const posting = pairs.filter((p) => p.amountFen !== 0);
    if (posting.length === 0) continue;
    // Stable order: by rule, then by order number (line granularity), so a re-run gives the same lines.
    posting.sort((a, b) => (a.rule.key < b.rule.key ? -1 : a.rule.key > b.rule.key ? 1 : a.orderNo < b.orderNo ? -1 : a.orderNo > b.orderNo ? 1 : 0));
    const head = posting[0]!.rule;
    const count = group.length;
    const headerText = expandTemplate(head.headerText, { ch: CHANNEL_TEXT[channel], date: mmdd(businessDate), count, order: '' });
    const parts = Math.ceil(posting.length / PAIRS_PER_DOC);
    if (parts > MAX_PARTS) {
      problems.push({
        businessDate, channel, event,
        message: `${posting.length * 2} lines need ${parts} documents, the reference numbers at most ${MAX_PARTS}: book this event per day, not per line`,
      });
    }
    for (let i = 0, part = 1; i < posting.length; i += PAIRS_PER_DOC, part++) {
      const lines = posting.slice(i, i + PAIRS_PER_DOC).flatMap((p, j) => pairLines(p, channel, businessDate, 1 + 2 * j));
      docs.push({ businessDate, channel, event, part, docType: head.docType, headerText, lines, postingHash: postingHash(head.docType, headerText, lines) });
    }
  }
  return { docs, problems };
}

/** CC YYMMDD EE NN V (design §5): V is the version digit, a reversal turns it into a letter (0→A). */
export function xblnr(channel: Channel, date: string, event: EventType, part: number, version: number, reversal = false): string {
  const v = reversal ? String.fromCharCode(65 + version) : String(version);
  return `${CHANNEL_REF_CODES[channel]}${date.slice(2, 4)}${date.slice(5, 7)}${date.slice(8, 10)}${EVENT_CODES[event]}${String(part).padStart(2, '0')}${v}`;
}

export const MAX_VERSION = 9;

export function isEventType(v: string): v is EventType {
  return (EVENT_TYPES as readonly string[]).includes(v);
}
