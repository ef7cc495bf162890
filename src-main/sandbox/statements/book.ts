// The statement book: every line each channel prints for each statement day of the sandbox dataset,
// derived from the central data (sandbox/data.ts) plus the injected anomalies.
//
// Base lines of channel c on statement day D (the channel's cut-off applied, data.ts statementDate):
//   - each payment that succeeded (or was later voided) whose facts.statementDate is D;
//   - the POS void (撤销) of a reversed payment, on the statement day of the void;
//   - each successful refund whose facts.statementDate is D (the day the refund was accepted).
// Closed payments and failed or still-processing refunds moved no money: no channel prints them.
//
// Anomalies (ANOMALY_KINDS) are planned per day: each kind goes to one channel, chosen by rotating
// over the channels the kind applies to from a hash of (seed, day, kind), falling through to the
// next channel when one has no suitable line. A day's plan depends only on that day's base lines and
// the dataset, never on another day's plan, so any statement can be rendered on its own; the only
// link between days is a late landing, which leaves day D's statement and enters D+1's.
import type { BillingKind, Channel } from '../../domain/channels';
import {
  CHANNEL_CONTRACTS,
  COLLECTION_ACCOUNT,
  feeFen,
  feeRule,
  iterateOrders,
  resolveConfig,
  statementDate,
  type DataConfig,
  type ResolvedDataConfig,
  type SandboxPayment,
  type SandboxRefund,
} from '../data';
import {
  addDaysTo,
  cutoffMs,
  dayStartMs,
  hhmmss,
  isoBeijing,
  rngFor,
  signedFen,
  compactDate,
  type Entry,
} from './common';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** How long a reconciliation retries an unmatched wire (reconciliation.md §5: buffer_days 5 for wire). */
const WIRE_RETRY_DAYS = 5;

export const ANOMALY_KINDS = [
  'missing_line',
  'extra_line',
  'amount_differs',
  'duplicate',
  'unrecorded_refund',
  'fee_differs',
  'late_landing',
  'wire_no_order',
  'wire_unknown_payer',
] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

/** The channels each kind may be injected into, in the fixed channel order. */
export const ANOMALY_CHANNELS: Readonly<Record<AnomalyKind, readonly Channel[]>> = {
  missing_line: ['wechat', 'alipay', 'lakala', 'unionpay', 'allinpay', 'cash', 'wire'],
  extra_line: ['wechat', 'alipay', 'lakala', 'unionpay', 'allinpay', 'cash'],
  amount_differs: ['wechat', 'alipay', 'lakala', 'unionpay', 'allinpay', 'cash', 'wire'],
  // The cash template refuses a receipt number twice: a duplicate cannot be written in it.
  duplicate: ['wechat', 'alipay', 'lakala', 'unionpay', 'allinpay', 'wire'],
  unrecorded_refund: ['wechat', 'alipay', 'lakala', 'unionpay', 'allinpay', 'cash'],
  fee_differs: ['wechat', 'alipay', 'lakala', 'unionpay', 'allinpay'],
  late_landing: ['wechat', 'alipay', 'lakala', 'unionpay', 'allinpay', 'wire'],
  wire_no_order: ['wire'],
  wire_unknown_payer: ['wire'],
};

/** Channels that settle their statement's net into the collection account (T+1). */
export const ACQUIRERS: Readonly<Partial<Record<Channel, { name: string; account: string }>>> = {
  wechat: { name: '财付通支付科技有限公司', account: '110060149018000385' },
  alipay: { name: '支付宝（中国）网络技术有限公司', account: '1202020919900003526' },
  lakala: { name: '拉卡拉支付股份有限公司', account: '110907584910601' },
  unionpay: { name: '银联商务股份有限公司', account: '31001510800059606666' },
  allinpay: { name: '通联支付网络服务股份有限公司', account: '310066726018150002399' },
};

export interface StatementBookConfig extends DataConfig {
  /** true (default): every kind; false: none; or the kinds to inject. */
  anomalies?: boolean | readonly AnomalyKind[];
}

/** An anomaly as planned; the manifest entry is made from it once the files are written. */
export interface Injected {
  id: string;
  kind: AnomalyKind;
  channel: Channel;
  /** The day it was injected for: the internal item's statement day, or the statement day of an invented line. */
  businessDate: string;
  /** The statement that shows it (a late landing: the next day's). */
  statementDate: string;
  description: string;
  /** The platform's record behind it; null when the line has none (extra, unrecorded refund, wires). */
  internal: { payment: SandboxPayment; refund: SandboxRefund | null } | null;
  /** The line as the statement prints it; null when the line is missing. */
  entry: Entry | null;
  /** Duplicate: the first of the two lines. */
  counterpart: Entry | null;
  /** Amount or fee differs: what the line would print without the anomaly. */
  contract: { amountFen: number; feeFen: number } | null;
  /** Printed minus contract (amount or fee), fen; null when not a difference of one value. */
  deltaFen: number | null;
}

interface DayPlan {
  anomalies: Injected[];
  removed: Map<Channel, Set<Entry>>;
  replaced: Map<Entry, Entry>;
  added: Map<Channel, Entry[]>;
  /** Late landings: lines that leave this day's statement and appear in the next day's. */
  carried: Map<Channel, Entry[]>;
}

const PERSON_NAMES = [
  '周子轩',
  '吴若曦',
  '郑浩然',
  '冯嘉懿',
  '陈思远',
  '褚欣怡',
  '卫梓涵',
  '蒋雨桐',
  '沈俊博',
  '韩晨宇',
];

function byTimeThenKey(a: Entry, b: Entry): number {
  return a.atMs - b.atMs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

export class StatementBook {
  readonly cfg: ResolvedDataConfig;
  readonly kinds: readonly AnomalyKind[];
  readonly firstDay: string;
  readonly lastDay: string;
  private readonly base = new Map<string, Entry[]>();
  private readonly paymentsByChannel = new Map<Channel, SandboxPayment[]>();
  private readonly refundedFen = new Map<string, number>();
  private readonly billingKinds = new Map<string, BillingKind>();
  private readonly orders: { orderNo: string; createdMs: number; amounts: Set<number> }[] = [];
  private readonly wirePayers: { name: string; account: string; paidMs: number }[] = [];
  private readonly plans = new Map<string, DayPlan>();
  private readonly finals = new Map<string, Entry[]>();

  constructor(config: StatementBookConfig) {
    this.cfg = resolveConfig(config);
    const a = config.anomalies ?? true;
    this.kinds = a === true ? ANOMALY_KINDS : a === false ? [] : ANOMALY_KINDS.filter((k) => a.includes(k));
    this.firstDay = this.cfg.startDate;
    this.lastDay = addDaysTo(this.cfg.startDate, this.cfg.days - 1);
    for (const o of iterateOrders(this.cfg)) {
      const amounts = new Set<number>();
      for (const b of o.billings) {
        this.billingKinds.set(b.record.billingNo, b.record.kind);
        amounts.add(b.record.amountDueFen);
      }
      for (const p of o.payments) amounts.add(p.record.amountFen);
      this.orders.push({ orderNo: o.order.record.orderNo, createdMs: Date.parse(o.order.record.createdAt), amounts });
      for (const p of o.payments) {
        if (p.record.status === 'closed') continue;
        const ch = p.record.channel;
        const list = this.paymentsByChannel.get(ch);
        if (list) list.push(p);
        else this.paymentsByChannel.set(ch, [p]);
        this.push(ch, p.facts.statementDate, this.paymentEntry(p));
        if (p.record.status === 'reversed' && p.facts.reversedAtMs !== null) {
          this.push(ch, statementDate(ch, p.facts.reversedAtMs), {
            kind: 'reversal',
            atMs: p.facts.reversedAtMs,
            amountFen: p.record.amountFen,
            feeFen: -p.facts.feeFen,
            payment: p,
            refund: null,
            billingKind: this.kindOf(p.record.billingNo),
            anomalyId: null,
            key: `V|${p.record.paymentNo}`,
          });
        }
        if (ch === 'wire' && p.record.method === 'wire' && p.record.payerAccount && p.record.payerName) {
          this.wirePayers.push({ name: p.record.payerName, account: p.record.payerAccount, paidMs: p.paidMs });
        }
      }
      for (const r of o.refunds) {
        if (r.record.status === 'failed') continue;
        this.refundedFen.set(r.record.paymentNo, (this.refundedFen.get(r.record.paymentNo) ?? 0) + r.record.amountFen);
        if (r.record.status !== 'success') continue;
        const p = o.payments.find((x) => x.record.paymentNo === r.record.paymentNo);
        if (!p) continue;
        this.push(r.record.channel, r.facts.statementDate, {
          kind: 'refund',
          atMs: r.requestedMs,
          amountFen: r.record.amountFen,
          feeFen: -r.facts.feeReturnedFen,
          payment: p,
          refund: r,
          billingKind: this.kindOf(p.record.billingNo),
          anomalyId: null,
          key: `R|${r.record.refundNo}`,
        });
      }
    }
    for (const list of this.base.values()) list.sort(byTimeThenKey);
    for (const list of this.paymentsByChannel.values())
      list.sort((x, y) => x.paidMs - y.paidMs || (x.record.paymentNo < y.record.paymentNo ? -1 : 1));
  }

  /** Business days of the dataset, first to last. */
  days(): string[] {
    const out: string[] = [];
    for (let d = this.firstDay; d <= this.lastDay; d = addDaysTo(d, 1)) out.push(d);
    return out;
  }

  inRange(date: string): boolean {
    return date >= this.firstDay && date <= this.lastDay;
  }

  /** The lines of channel c's statement for day D without any anomaly. */
  baseLines(channel: Channel, date: string): readonly Entry[] {
    return this.base.get(`${channel}|${date}`) ?? [];
  }

  /** The lines of channel c's statement for day D as written: base lines with the anomalies applied. */
  lines(channel: Channel, date: string): readonly Entry[] {
    const k = `${channel}|${date}`;
    let out = this.finals.get(k);
    if (out) return out;
    out = [];
    if (this.inRange(date)) {
      const plan = this.plan(date);
      const removed = plan.removed.get(channel);
      for (const e of this.baseLines(channel, date)) {
        if (removed?.has(e)) continue;
        out.push(plan.replaced.get(e) ?? e);
      }
      out.push(...(plan.added.get(channel) ?? []));
      const prev = addDaysTo(date, -1);
      if (this.inRange(prev)) out.push(...(this.plan(prev).carried.get(channel) ?? []));
      out.sort(byTimeThenKey);
    }
    this.finals.set(k, out);
    return out;
  }

  /** Anomalies that touch day D: injected for D, or landing in D's statements from the day before. */
  anomaliesFor(date: string): Injected[] {
    if (!this.inRange(date)) return [];
    const prev = addDaysTo(date, -1);
    const carriedIn = this.inRange(prev) ? this.plan(prev).anomalies.filter((a) => a.statementDate === date) : [];
    return [...carriedIn, ...this.plan(date).anomalies];
  }

  /** What a channel's statement of day D nets to (Σ signed amounts − Σ fees): what it settles. */
  netOf(channel: Channel, date: string): number {
    let net = 0;
    for (const e of this.lines(channel, date)) net += signedFen(e) - e.feeFen;
    return net;
  }

  // ------------------------------------------------------------------ construction helpers

  private push(channel: Channel, date: string, e: Entry): void {
    const k = `${channel}|${date}`;
    const list = this.base.get(k);
    if (list) list.push(e);
    else this.base.set(k, [e]);
  }

  private kindOf(billingNo: string): BillingKind {
    return this.billingKinds.get(billingNo) ?? 'accessories';
  }

  private paymentEntry(p: SandboxPayment): Entry {
    return {
      kind: 'payment',
      atMs: p.paidMs,
      amountFen: p.record.amountFen,
      feeFen: p.facts.feeFen,
      payment: p,
      refund: null,
      billingKind: this.kindOf(p.record.billingNo),
      anomalyId: null,
      key: `P|${p.record.paymentNo}`,
    };
  }

  // ------------------------------------------------------------------ planning

  private plan(date: string): DayPlan {
    let plan = this.plans.get(date);
    if (plan) return plan;
    plan = { anomalies: [], removed: new Map(), replaced: new Map(), added: new Map(), carried: new Map() };
    this.plans.set(date, plan);
    const used = new Set<string>();
    for (const kind of this.kinds) {
      const channels = ANOMALY_CHANNELS[kind];
      const start = rngFor(`${this.cfg.seedHash}|rotate|${date}|${kind}`).int(0, channels.length - 1);
      for (let i = 0; i < channels.length; i++) {
        const channel = channels[(start + i) % channels.length]!;
        const rng = rngFor(`${this.cfg.seedHash}|${date}|${kind}|${channel}`);
        const injected = this.inject(kind, channel, date, rng, plan, used);
        if (injected) {
          plan.anomalies.push(injected);
          break;
        }
      }
    }
    return plan;
  }

  /** Payments of the day that are safe to alter: successful, not voided, well before the cut-off. */
  private plain(channel: Channel, date: string, used: Set<string>, opts: { orderInRemark?: boolean } = {}): Entry[] {
    const end = cutoffMs(date, CHANNEL_CONTRACTS[channel].cutoffHour) - 30 * MIN;
    return this.baseLines(channel, date).filter(
      (e) =>
        e.kind === 'payment' &&
        e.payment.record.status === 'success' &&
        e.atMs < end &&
        !used.has(e.key) &&
        (!opts.orderInRemark || (e.payment.facts.bankRemark ?? '').includes(e.payment.record.orderNo)) &&
        (channel !== 'wire' || this.singularWire(e, date)),
    );
  }

  /**
   * A wire the bank statement alone tells apart: no other wire of its order for the same amount within
   * the days a reconciliation retries it. Otherwise nothing shows which credit belongs to which payment,
   * and an anomaly on one of them could not be attributed.
   */
  private singularWire(e: Entry, date: string): boolean {
    for (let n = -WIRE_RETRY_DAYS; n <= WIRE_RETRY_DAYS; n++) {
      for (const o of this.baseLines('wire', addDaysTo(date, n))) {
        if (o !== e && o.amountFen === e.amountFen && o.payment.record.orderNo === e.payment.record.orderNo) return false;
      }
    }
    return true;
  }

  private inject(
    kind: AnomalyKind,
    channel: Channel,
    date: string,
    rng: ReturnType<typeof rngFor>,
    plan: DayPlan,
    used: Set<string>,
  ): Injected | null {
    const id = `${date}/${channel}/${kind}`;
    const make = (
      rest: Omit<Injected, 'id' | 'kind' | 'channel' | 'businessDate' | 'statementDate'> & { statementDate?: string },
    ): Injected => ({
      id,
      kind,
      channel,
      businessDate: date,
      statementDate: rest.statementDate ?? date,
      description: rest.description,
      internal: rest.internal,
      entry: rest.entry,
      counterpart: rest.counterpart,
      contract: rest.contract,
      deltaFen: rest.deltaFen,
    });
    const remove = (e: Entry) => {
      used.add(e.key);
      let set = plan.removed.get(channel);
      if (!set) plan.removed.set(channel, (set = new Set()));
      set.add(e);
    };
    const add = (map: Map<Channel, Entry[]>, e: Entry) => {
      const list = map.get(channel);
      if (list) list.push(e);
      else map.set(channel, [e]);
    };

    switch (kind) {
      case 'missing_line': {
        const t = pickOf(rng, this.plain(channel, date, used));
        if (!t) return null;
        remove(t);
        return make({
          description: `payment ${t.payment.record.paymentNo} (${t.amountFen} fen) is not in the statement`,
          internal: { payment: t.payment, refund: null },
          entry: null,
          counterpart: null,
          contract: null,
          deltaFen: null,
        });
      }
      case 'amount_differs': {
        const t = pickOf(rng, this.plain(channel, date, used, { orderInRemark: channel === 'wire' }));
        if (!t) return null;
        let delta: number;
        if (channel === 'wire')
          delta = -rng.int(1, 5) * 500; // the payer's bank kept a charge
        else {
          delta = rng.int(1, 200) * 100 * (rng.chance(0.5) ? 1 : -1);
          if (t.amountFen + delta <= 0) delta = -delta;
        }
        const amountFen = t.amountFen + delta;
        const { ppm, capFen } = feeRule(channel, t.payment.record.method, t.payment.facts.cardType);
        const m: Entry = { ...t, amountFen, feeFen: ppm === 0 ? 0 : feeFen(amountFen, ppm, capFen), anomalyId: id };
        used.add(t.key);
        plan.replaced.set(t, m);
        return make({
          description: `payment ${t.payment.record.paymentNo}: the statement prints ${amountFen} fen, the platform has ${t.amountFen}`,
          internal: { payment: t.payment, refund: null },
          entry: m,
          counterpart: null,
          contract: { amountFen: t.amountFen, feeFen: t.feeFen },
          deltaFen: delta,
        });
      }
      case 'duplicate': {
        const t = pickOf(rng, this.plain(channel, date, used, { orderInRemark: channel === 'wire' }));
        if (!t) return null;
        used.add(t.key);
        const d: Entry = { ...t, key: `${t.key}#dup`, anomalyId: id };
        add(plan.added, d);
        return make({
          description: `payment ${t.payment.record.paymentNo} is in the statement twice`,
          internal: { payment: t.payment, refund: null },
          entry: d,
          counterpart: t,
          contract: null,
          deltaFen: null,
        });
      }
      case 'fee_differs': {
        const t = pickOf(
          rng,
          this.plain(channel, date, used).filter((e) => e.feeFen > 0),
        );
        if (!t) return null;
        const wrong = wrongFee(channel, t, rng);
        const m: Entry = { ...t, feeFen: wrong, anomalyId: id };
        used.add(t.key);
        plan.replaced.set(t, m);
        return make({
          description: `payment ${t.payment.record.paymentNo}: fee ${wrong} fen printed, the contract gives ${t.feeFen}`,
          internal: { payment: t.payment, refund: null },
          entry: m,
          counterpart: null,
          contract: { amountFen: t.amountFen, feeFen: t.feeFen },
          deltaFen: wrong - t.feeFen,
        });
      }
      case 'late_landing': {
        const next = addDaysTo(date, 1);
        if (!this.inRange(next)) return null; // the next statement is beyond the dataset
        const cut = cutoffMs(date, CHANNEL_CONTRACTS[channel].cutoffHour);
        const candidates = this.baseLines(channel, date).filter(
          (e) =>
            e.kind === 'payment' &&
            e.payment.record.status === 'success' &&
            !used.has(e.key) &&
            (channel === 'wire' ? this.singularWire(e, date) : e.atMs >= cut - 10 * MIN && e.atMs < cut),
        );
        const t = candidates[candidates.length - 1];
        if (!t) return null;
        remove(t);
        const atMs =
          channel === 'wire' ? dayStartMs(next) + 9 * HOUR + rng.int(0, 120) * MIN : cut + rng.int(1, 600) * 1000;
        const moved: Entry = { ...t, atMs, anomalyId: id };
        add(plan.carried, moved);
        return make({
          statementDate: next,
          description: `payment ${t.payment.record.paymentNo} at ${isoBeijing(t.atMs)} lands in the statement of ${next} (channel time ${isoBeijing(atMs)}): a timing difference`,
          internal: { payment: t.payment, refund: null },
          entry: moved,
          counterpart: null,
          contract: null,
          deltaFen: null,
        });
      }
      case 'extra_line': {
        const e = this.extraLine(channel, date, rng, id);
        if (!e) return null;
        add(plan.added, e);
        return make({
          description: `a ${e.amountFen} fen payment the platform has no record of (长款)`,
          internal: null,
          entry: e,
          counterpart: null,
          contract: null,
          deltaFen: null,
        });
      }
      case 'unrecorded_refund': {
        const e = this.unrecordedRefund(channel, date, rng, id, used);
        if (!e) return null;
        used.add(`P|${e.payment.record.paymentNo}`);
        add(plan.added, e);
        return make({
          description: `a ${e.amountFen} fen refund of payment ${e.payment.record.paymentNo} that the platform has not recorded`,
          internal: null,
          entry: e,
          counterpart: null,
          contract: null,
          deltaFen: null,
        });
      }
      case 'wire_no_order':
      case 'wire_unknown_payer': {
        const e = kind === 'wire_no_order' ? this.wireNoOrder(date, rng, id) : this.wireUnknownPayer(date, rng, id);
        if (!e) return null;
        add(plan.added, e);
        return make({
          description:
            kind === 'wire_no_order'
              ? `a ${e.amountFen} fen wire from ${e.payment.record.payerName} with no order number and no internal item`
              : `a ${e.amountFen} fen wire for ${e.payment.record.orderNo} from an account the platform does not know (${e.payment.record.payerAccount})`,
          internal: null,
          entry: e,
          counterpart: null,
          contract: null,
          deltaFen: null,
        });
      }
    }
  }

  /** A time on day D well inside the channel's statement day (10:00–cut-off minus 2 hours, at most 20:00). */
  private daytime(channel: Channel, date: string, rng: ReturnType<typeof rngFor>): number {
    const last = Math.min(20, CHANNEL_CONTRACTS[channel].cutoffHour - 2);
    return dayStartMs(date) + 10 * HOUR + rng.int(0, (last - 10) * 3600) * 1000;
  }

  private extraLine(channel: Channel, date: string, rng: ReturnType<typeof rngFor>, id: string): Entry | null {
    const pool = this.baseLines(channel, date).filter((e) => e.kind === 'payment');
    const template = pickOf(rng, pool)?.payment ?? this.paymentsByChannel.get(channel)?.[0];
    if (!template) return null;
    const atMs = this.daytime(channel, date, rng);
    const online = channel === 'wechat' || channel === 'alipay' || channel === 'lakala';
    const amountFen =
      channel === 'cash'
        ? rng.int(2, 30) * 10_000
        : online
          ? rng.chance(0.5)
            ? 500_000
            : rng.int(100, 5000) * 100
          : rng.int(1, 50) * 100_000;
    const p = this.fabricatePayment(template, channel, date, atMs, amountFen, rng, 'X');
    return {
      kind: 'payment',
      atMs,
      amountFen,
      feeFen: p.facts.feeFen,
      payment: p,
      refund: null,
      billingKind: channel === 'cash' ? 'accessories' : this.kindOf(template.record.billingNo),
      anomalyId: id,
      key: `P|${p.record.paymentNo}`,
    };
  }

  /** A copy of a real payment with the ids a channel would give a payment the platform never saw. */
  private fabricatePayment(
    template: SandboxPayment,
    channel: Channel,
    date: string,
    atMs: number,
    amountFen: number,
    rng: ReturnType<typeof rngFor>,
    tag: string,
  ): SandboxPayment {
    const ymd = compactDate(date);
    const serial = `9${rng.digits(8)}`; // platform serials are 7 digits below 5,000,001: never 9xxxxxxxx
    const record = { ...template.record };
    const facts = { ...template.facts };
    record.paymentNo = `PM${tag}${serial}`;
    record.amountFen = amountFen;
    record.paidAt = isoBeijing(atMs);
    record.updatedAt = record.paidAt;
    record.status = 'success';
    record.version = 1;
    record.merchantOrderNo = channel === 'cash' || channel === 'wire' ? null : `MO${ymd}${serial}`;
    facts.statementDate = date;
    facts.reversedAtMs = null;
    const { ppm, capFen } = feeRule(channel, record.method, facts.cardType);
    facts.feeFen = ppm === 0 ? 0 : feeFen(amountFen, ppm, capFen);
    switch (channel) {
      case 'wechat':
        record.channelTxnId = `42000${rng.digits(5)}${ymd}${rng.digits(10)}`;
        break;
      case 'alipay':
        record.channelTxnId = `${ymd}2200${rng.digits(16)}`;
        break;
      case 'lakala': {
        const tradeNo = `${ymd}66${rng.digits(22)}`;
        record.channelTxnId = tradeNo;
        facts.lakalaLogNo = tradeNo.slice(-14);
        if (facts.walletTxnId !== null) facts.walletTxnId = `42000${rng.digits(5)}${ymd}${rng.digits(10)}`;
        break;
      }
      case 'unionpay':
      case 'allinpay': {
        const voucher = rng.digits(6);
        record.voucherNo = voucher;
        record.refNo = `${hhmmss(atMs)}${voucher}`;
        facts.batchNo = String(Math.floor((atMs - this.cfg.startMs) / DAY) + 1).padStart(6, '0');
        if (record.method === 'pos_scan') {
          record.channelTxnId = `42000${rng.digits(5)}${ymd}${rng.digits(10)}`;
          facts.walletTxnId = record.channelTxnId;
        } else if (facts.cardMasked !== null)
          facts.cardMasked = `${facts.cardMasked.slice(0, 6)}******${rng.digits(4)}`;
        break;
      }
      case 'cash':
        record.channelTxnId = `SK${serial}`;
        facts.depositSlipNo = `JK${facts.deliveryCenter}${ymd}`;
        break;
      case 'wire':
        record.channelTxnId = null;
        break;
    }
    return { record, facts, atMs, paidMs: atMs };
  }

  private unrecordedRefund(
    channel: Channel,
    date: string,
    rng: ReturnType<typeof rngFor>,
    id: string,
    used: Set<string>,
  ): Entry | null {
    const start = dayStartMs(date);
    const latest = cutoffMs(date, CHANNEL_CONTRACTS[channel].cutoffHour) - 2 * HOUR;
    const originals = (this.paymentsByChannel.get(channel) ?? []).filter(
      (p) =>
        p.record.status === 'success' &&
        p.facts.statementDate <= date &&
        p.facts.statementDate >= addDaysTo(date, -20) &&
        p.paidMs + HOUR < latest &&
        !used.has(`P|${p.record.paymentNo}`) &&
        (this.refundedFen.get(p.record.paymentNo) ?? 0) < p.record.amountFen,
    );
    const p = pickOf(rng, originals);
    if (!p) return null;
    const remaining = p.record.amountFen - (this.refundedFen.get(p.record.paymentNo) ?? 0);
    const half = Math.floor(remaining / 2 / 100) * 100;
    const amountFen = rng.chance(0.5) || half < 100 ? remaining : half;
    const from = Math.max(start + 9 * HOUR, p.paidMs + HOUR);
    const atMs = from + rng.int(0, Math.max(0, Math.floor((latest - from) / 1000))) * 1000;
    const ymd = compactDate(date);
    const serial = `9${rng.digits(8)}`;
    let channelRefundId: string | null;
    switch (channel) {
      case 'wechat':
        channelRefundId = `50${rng.digits(27)}`;
        break;
      case 'alipay':
        channelRefundId = p.record.channelTxnId;
        break;
      case 'lakala':
        channelRefundId = `${ymd}66${rng.digits(22)}`;
        break;
      case 'unionpay':
      case 'allinpay':
        channelRefundId = `${hhmmss(atMs)}${rng.digits(6)}`;
        break;
      case 'cash':
        channelRefundId = `SKR${serial}`;
        break;
      default:
        channelRefundId = null;
    }
    const returned =
      p.facts.feeFen === 0 ? 0 : Math.min(p.facts.feeFen, feeFen(amountFen, p.facts.feeRatePpm, p.facts.feeCapFen));
    const refund: SandboxRefund = {
      record: {
        refundNo: `RFX${serial}`,
        paymentNo: p.record.paymentNo,
        billingNo: p.record.billingNo,
        orderNo: p.record.orderNo,
        channel,
        channelRefundId,
        merchantRefundNo: channel === 'cash' ? null : `MR${serial}`,
        amountFen,
        refundedAt: isoBeijing(atMs),
        status: 'success',
        reason: '客户申请退款',
        updatedAt: isoBeijing(atMs),
        version: 1,
      },
      atMs,
      requestedMs: atMs,
      facts: {
        merchantId: p.facts.merchantId,
        statementDate: date,
        feeReturnedFen: returned,
        completedAtMs: atMs,
        originalChannelTxnId: p.record.channelTxnId,
        terminalId: p.record.terminalId,
      },
    };
    return {
      kind: 'refund',
      atMs,
      amountFen,
      feeFen: -returned,
      payment: p,
      refund,
      billingKind: this.kindOf(p.record.billingNo),
      anomalyId: id,
      key: `R|${refund.record.refundNo}`,
    };
  }

  /** Amounts of wires the platform knows around day D: an invented wire must equal none of them. */
  private wireAmountsNear(date: string): Set<number> {
    const out = new Set<number>();
    for (const d of [addDaysTo(date, -1), date, addDaysTo(date, 1)])
      for (const e of this.baseLines('wire', d)) out.add(e.amountFen);
    return out;
  }

  private wireEntry(
    template: SandboxPayment | undefined,
    date: string,
    rng: ReturnType<typeof rngFor>,
    id: string,
    over: { amountFen: number; payerName: string; payerAccount: string; remark: string; orderNo: string },
  ): Entry {
    const atMs = dayStartMs(date) + 10 * HOUR + rng.int(0, 6 * 3600) * 1000;
    const serial = `9${rng.digits(8)}`;
    const p: SandboxPayment = {
      record: {
        paymentNo: `PMW${serial}`,
        billingNo: template?.record.billingNo ?? `BLW${serial}`,
        orderNo: over.orderNo,
        channel: 'wire',
        method: 'wire',
        merchantOrderNo: null,
        channelTxnId: null,
        terminalId: null,
        refNo: null,
        voucherNo: null,
        payerAccount: over.payerAccount,
        payerName: over.payerName,
        amountFen: over.amountFen,
        paidAt: isoBeijing(atMs),
        status: 'success',
        updatedAt: isoBeijing(atMs),
        version: 1,
      },
      atMs,
      paidMs: atMs,
      facts: {
        merchantId: COLLECTION_ACCOUNT,
        statementDate: date,
        feeRatePpm: 0,
        feeCapFen: null,
        feeFen: 0,
        settlementDate: null,
        walletTxnId: null,
        lakalaLogNo: null,
        cardType: null,
        cardMasked: null,
        batchNo: null,
        authCode: null,
        cashierId: null,
        depositSlipNo: null,
        bankRemark: over.remark,
        receivingAccount: COLLECTION_ACCOUNT,
        reversedAtMs: null,
        deliveryCenter: template?.facts.deliveryCenter ?? 'SH01',
      },
    };
    return {
      kind: 'payment',
      atMs,
      amountFen: over.amountFen,
      feeFen: 0,
      payment: p,
      refund: null,
      billingKind: 'final_payment',
      anomalyId: id,
      key: `P|${p.record.paymentNo}`,
    };
  }

  private wireNoOrder(date: string, rng: ReturnType<typeof rngFor>, id: string): Entry | null {
    const end = dayStartMs(date) + DAY;
    const payers = this.wirePayers.filter((w) => w.paidMs < end);
    const payer = pickOf(rng, payers) ?? pickOf(rng, this.wirePayers);
    if (!payer) return null;
    const near = this.wireAmountsNear(date);
    let amountFen = rng.int(10, 3000) * 100 + rng.int(1, 99);
    while (near.has(amountFen)) amountFen += 1;
    const remark = rng.pick(['转账', '汇款', `${payer.name}转账`, '往来款']);
    return this.wireEntry(this.paymentsByChannel.get('wire')?.[0], date, rng, id, {
      amountFen,
      payerName: payer.name,
      payerAccount: payer.account,
      remark,
      orderNo: '',
    });
  }

  private wireUnknownPayer(date: string, rng: ReturnType<typeof rngFor>, id: string): Entry | null {
    const end = dayStartMs(date) + DAY;
    const order = pickOf(
      rng,
      this.orders.filter((o) => o.createdMs < end),
    );
    if (!order) return null;
    const near = this.wireAmountsNear(date);
    let amountFen = rng.int(1, 50) * 100_000 + 88_800;
    while (order.amounts.has(amountFen) || near.has(amountFen)) amountFen += 100;
    // Personal accounts in the dataset start 6222/6217/6228/6214/6225, companies 1001/3100/7559/1210.
    const payerAccount = `6230${rng.digits(15)}`;
    const payerName = rng.pick(PERSON_NAMES);
    return this.wireEntry(this.paymentsByChannel.get('wire')?.[0], date, rng, id, {
      amountFen,
      payerName,
      payerAccount,
      remark: `购车款 ${order.orderNo}`,
      orderNo: order.orderNo,
    });
  }
}

function pickOf<T>(rng: ReturnType<typeof rngFor>, items: readonly T[]): T | undefined {
  return items.length === 0 ? undefined : rng.pick(items);
}

/** A fee beyond the 1-fen tolerance of every rule that could apply to the payment. */
function wrongFee(channel: Channel, e: Entry, rng: ReturnType<typeof rngFor>): number {
  const method = e.payment.record.method;
  const cards = method === 'pos_card' ? (['debit', 'credit'] as const) : ([null] as const);
  const ruleFees = cards.map((c) => {
    const r = feeRule(channel, method, c);
    return feeFen(e.amountFen, r.ppm, r.capFen);
  });
  const up = rng.chance(0.7);
  let delta = Math.max(5, Math.round(e.feeFen * (0.2 + rng.next() * 0.5)));
  for (;;) {
    const wrong = up || e.feeFen - delta < 0 ? e.feeFen + delta : e.feeFen - delta;
    if (ruleFees.every((f) => Math.abs(wrong - f) > 1)) return wrong;
    delta += 3;
  }
}
