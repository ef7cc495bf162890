// The demo company's data: a deterministic function of (seed, number of orders, days, start date).
// No clock, no Math.random: every order is generated from its own PRNG stream seeded by (seed, index),
// so any order can be generated alone, the whole set streams in constant memory, and the same inputs
// give the same records on every machine.
//
// Each generated order carries the final state of its records at the sandbox's "now" (the end of the
// last day) plus, for payments and refunds, the facts a channel statement needs (merchant id, fee,
// statement day after the channel's cut-off, settlement day, card, wallet id, bank remark, deposit
// slip...). The central feed serves the records; the statement generator (next issue) reads the facts.
import type { BillingKind, Channel, PaymentMethod, SubOrderKind } from '../domain/channels';
import { businessDate, businessDayStartMs, isIsoDate, toShanghaiIso } from '../domain/dates';
import type {
  BillingRecord,
  PaymentRecord,
  RefundRecord,
  SubOrderRecord,
  VehicleOrderRecord,
} from '../central/records';

// ---------------------------------------------------------------------------------------------
// Seeded PRNG (mulberry32 over a 32-bit seed mixed from the dataset seed and the order index)

/** FNV-1a over the seed's text, then a murmur3 finaliser: a stable 32-bit seed. */
export function hashSeed(seed: number | string): number {
  const text = String(seed);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

export function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Combine two 32-bit values into a new well-mixed 32-bit value. */
export function mix32(a: number, b: number): number {
  return fmix32((a ^ Math.imul(b + 1, 0x9e3779b1)) >>> 0);
}

export class Rng {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** n decimal digits (leading zeros allowed). */
  digits(n: number): string {
    let out = '';
    while (out.length < n) out += String(Math.floor(this.next() * 1e9)).padStart(9, '0');
    return out.slice(0, n);
  }
}

// ---------------------------------------------------------------------------------------------
// Configuration

export const DEFAULT_START_DATE = '2026-10-01';
export const DEFAULT_DAYS = 30;
export const MAX_ORDERS = 5_000_000;

export interface DataConfig {
  seed: number | string;
  orders: number;
  /** Days of history, ending at the sandbox's "now" (default 30). */
  days?: number;
  /** First business day (Asia/Shanghai), default 2026-10-01. */
  startDate?: string;
}

export interface ResolvedDataConfig {
  seed: number | string;
  seedHash: number;
  orders: number;
  days: number;
  startDate: string;
  /** 00:00 of startDate, Beijing time, epoch ms. */
  startMs: number;
  /** The sandbox's "now": 00:00 Beijing of the day after the last day. Nothing happens at or after it. */
  nowMs: number;
}

export function resolveConfig(c: DataConfig): ResolvedDataConfig {
  const days = c.days ?? DEFAULT_DAYS;
  const startDate = c.startDate ?? DEFAULT_START_DATE;
  if (!Number.isInteger(c.orders) || c.orders < 0 || c.orders > MAX_ORDERS) {
    throw new RangeError(`orders must be an integer between 0 and ${MAX_ORDERS}, got ${c.orders}`);
  }
  if (!Number.isInteger(days) || days < 1 || days > 3660) {
    throw new RangeError(`days must be an integer between 1 and 3660, got ${days}`);
  }
  if (!isIsoDate(startDate)) throw new RangeError(`startDate must be YYYY-MM-DD, got "${startDate}"`);
  if (typeof c.seed === 'number' && !Number.isFinite(c.seed)) throw new RangeError('seed must be finite');
  const startMs = businessDayStartMs(startDate);
  return {
    seed: c.seed,
    seedHash: hashSeed(c.seed),
    orders: c.orders,
    days,
    startDate,
    startMs,
    nowMs: startMs + days * DAY,
  };
}

// ---------------------------------------------------------------------------------------------
// The company: models, delivery centres, channels and their contracts

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const YUAN = 100; // fen per yuan

/** Online (app / web / wallet-scan) payments are capped at 50,000 CNY per transaction. */
export const ONLINE_CAP_FEN = 50_000 * YUAN;
export const SMALL_DEPOSIT_FEN = 5_000 * YUAN;

export const MODELS: ReadonlyArray<{ name: string; baseYuan: number }> = [
  { name: 'S5 Standard', baseYuan: 209_900 },
  { name: 'S5 Long Range', baseYuan: 239_900 },
  { name: 'S7 Long Range', baseYuan: 279_900 },
  { name: 'S7 Performance', baseYuan: 329_900 },
  { name: 'X9 Standard', baseYuan: 359_900 },
  { name: 'X9 Executive', baseYuan: 409_900 },
];

export interface DeliveryCenter {
  code: string;
  city: string;
  /** UnionPay and Allinpay acquiring merchant numbers of this centre. */
  unionpayMerchantId: string;
  allinpayMerchantId: string;
}

const CITIES = [
  ['SH01', '上海'],
  ['SH02', '上海'],
  ['BJ01', '北京'],
  ['GZ01', '广州'],
  ['SZ01', '深圳'],
  ['HZ01', '杭州'],
  ['NJ01', '南京'],
  ['CD01', '成都'],
  ['WH01', '武汉'],
  ['XA01', '西安'],
] as const;

export const DELIVERY_CENTERS: readonly DeliveryCenter[] = CITIES.map(([code, city], i) => ({
  code,
  city,
  unionpayMerchantId: `89831005999${String(i + 1).padStart(4, '0')}`,
  allinpayMerchantId: `55058104812${String(i + 1).padStart(4, '0')}`,
}));

/** POS terminals per acquirer per delivery centre; ids are 8 characters. */
export const TERMINALS_PER_CENTER = 3;
export function terminalId(acquirer: 'unionpay' | 'allinpay', centerIndex: number, n: number): string {
  return `${acquirer === 'unionpay' ? '10' : '20'}${String(centerIndex + 1).padStart(2, '0')}00${String(n + 1).padStart(2, '0')}`;
}

/** The company's own bank accounts (where wires arrive and channels settle). */
export const COLLECTION_ACCOUNT = '755912345610001'; // 招商银行上海分行营业部
export const LOAN_BANKS: ReadonlyArray<{ name: string; account: string }> = [
  { name: '招商银行股份有限公司上海分行', account: '121908765410203' },
  { name: '中国工商银行股份有限公司上海市分行', account: '1001234509000123456' },
  { name: '中国建设银行股份有限公司北京市分行', account: '11050123456700001234' },
  { name: '平安银行股份有限公司深圳分行', account: '15000098765432' },
  { name: '宁波银行股份有限公司杭州分行', account: '71010122000456789' },
];

export interface ChannelContract {
  channel: Channel;
  /** 商户号 / PID / account at the channel. POS acquirers use the centre's merchant id instead. */
  merchantId: string;
  /** Statement cut-off, hour of day in Beijing time (24 = midnight). */
  cutoffHour: number;
  /** Calendar days from the statement day to settlement into the collection account (null: no settlement). */
  settlementLagDays: number | null;
}

export const CHANNEL_CONTRACTS: Readonly<Record<Channel, ChannelContract>> = {
  wechat: { channel: 'wechat', merchantId: '1900012345', cutoffHour: 24, settlementLagDays: 1 },
  alipay: { channel: 'alipay', merchantId: '2088021109625633', cutoffHour: 24, settlementLagDays: 1 },
  lakala: { channel: 'lakala', merchantId: '822290059990123', cutoffHour: 24, settlementLagDays: 1 },
  unionpay: { channel: 'unionpay', merchantId: '898310059990000', cutoffHour: 23, settlementLagDays: 1 },
  allinpay: { channel: 'allinpay', merchantId: '550581048120000', cutoffHour: 24, settlementLagDays: 1 },
  cash: { channel: 'cash', merchantId: COLLECTION_ACCOUNT, cutoffHour: 24, settlementLagDays: null },
  wire: { channel: 'wire', merchantId: COLLECTION_ACCOUNT, cutoffHour: 24, settlementLagDays: null },
};

export type CardType = 'debit' | 'credit';

/** Fee rate in parts per million of the amount, and an optional cap in fen (debit cards). */
export function feeRule(
  channel: Channel,
  method: PaymentMethod,
  card: CardType | null,
): { ppm: number; capFen: number | null } {
  switch (channel) {
    case 'wechat':
    case 'alipay':
      return { ppm: 6000, capFen: null };
    case 'lakala':
      return { ppm: method === 'web_qr' ? 3800 : 5500, capFen: null };
    case 'unionpay':
      if (method === 'pos_scan') return { ppm: 3800, capFen: null };
      return card === 'debit' ? { ppm: 5000, capFen: 20 * YUAN } : { ppm: 6000, capFen: null };
    case 'allinpay':
      if (method === 'pos_scan') return { ppm: 3800, capFen: null };
      return card === 'debit' ? { ppm: 5500, capFen: 25 * YUAN } : { ppm: 6000, capFen: null };
    case 'cash':
    case 'wire':
      return { ppm: 0, capFen: null };
  }
}

/** round_half_up(amount × rate), capped: the fee the channel keeps (reconciliation.md §4). */
export function feeFen(amountFen: number, ppm: number, capFen: number | null): number {
  const fee = Math.floor((amountFen * ppm + 500_000) / 1_000_000);
  return capFen === null ? fee : Math.min(fee, capFen);
}

/** The statement day of a channel event: the business day after the channel's cut-off. */
export function statementDate(channel: Channel, atMs: number): string {
  return dayOf(atMs + cutoffShiftMs(channel));
}

function cutoffShiftMs(channel: Channel): number {
  return (24 - CHANNEL_CONTRACTS[channel].cutoffHour) * HOUR;
}

// ---------------------------------------------------------------------------------------------
// Generated records and statement facts

/** A record at its latest version with the epoch ms of that version's change (its updatedAt). */
export interface Timed<R> {
  record: R;
  atMs: number;
}

/** What a channel statement needs to know about a payment beyond the central record. */
export interface PaymentFacts {
  /** Merchant number at the channel (商户号 / PID / acquirer merchant / receiving account). */
  merchantId: string;
  /** Business day of the channel statement that carries it (channel cut-off applied). */
  statementDate: string;
  feeRatePpm: number;
  feeCapFen: number | null;
  /** Fee the channel keeps on this payment (0 for cash, wire and payments that never succeeded). */
  feeFen: number;
  /** Day the channel pays the net into the collection account; null for cash and wire. */
  settlementDate: string | null;
  /** WeChat/Alipay transaction id behind a Lakala QR or POS scan payment (acc_trade_no / chnltrxid). */
  walletTxnId: string | null;
  /** Lakala 对账单流水号 (14). */
  lakalaLogNo: string | null;
  cardType: CardType | null;
  cardMasked: string | null; // 6 + 4
  batchNo: string | null; // POS 批次号
  authCode: string | null; // POS 授权码 (credit cards)
  /** Cash: register receipt (收款单号), cashier, deposit slip (缴款单号) grouping a centre's day. */
  cashierId: string | null;
  depositSlipNo: string | null;
  /** Wire: the remark (附言) as the bank prints it, and our receiving account. */
  bankRemark: string | null;
  receivingAccount: string | null;
  /** POS void (撤销) time when the payment was reversed. */
  reversedAtMs: number | null;
  deliveryCenter: string;
}

export interface RefundFacts {
  merchantId: string;
  statementDate: string;
  /** Fee the channel gives back with the refund (WeChat prints it negative on refund rows). */
  feeReturnedFen: number;
  /** When the channel completed the refund (null while processing). */
  completedAtMs: number | null;
  originalChannelTxnId: string | null;
  terminalId: string | null;
}

export interface SandboxPayment extends Timed<PaymentRecord> {
  /** paidAt as epoch ms (atMs is the latest change, e.g. a void). */
  paidMs: number;
  facts: PaymentFacts;
}

export interface SandboxRefund extends Timed<RefundRecord> {
  /** refundedAt (the time the refund was requested and accepted) as epoch ms. */
  requestedMs: number;
  facts: RefundFacts;
}

export interface SandboxOrder {
  index: number;
  order: Timed<VehicleOrderRecord>;
  billings: Timed<BillingRecord>[];
  payments: SandboxPayment[];
  refunds: SandboxRefund[];
}

// ---------------------------------------------------------------------------------------------
// Names

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN =
  '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志宏晨宇浩然子轩梓涵欣怡雨桐思远俊博嘉懿若曦';
const COMPANY_WORDS = ['星澜', '启航', '云帆', '恒泰', '盛达', '锦程', '汇通', '瑞丰', '华信', '博远'];
const COMPANY_KINDS = ['科技有限公司', '贸易有限公司', '实业有限公司', '信息技术有限公司'];

function personName(rng: Rng): string {
  const s = SURNAMES[rng.int(0, SURNAMES.length - 1)]!;
  const n = rng.chance(0.6) ? 2 : 1;
  let g = '';
  for (let k = 0; k < n; k++) g += GIVEN[rng.int(0, GIVEN.length - 1)]!;
  return s + g;
}

function companyName(rng: Rng, city: string): string {
  return `${city}${rng.pick(COMPANY_WORDS)}${rng.pick(COMPANY_KINDS)}`;
}

// ---------------------------------------------------------------------------------------------
// Time helpers (all times are whole seconds, epoch ms). Generating 100k orders formats millions of
// timestamps, so the day text comes from domain/dates once per day and is cached; the time of day
// is plain arithmetic (Asia/Shanghai has no DST). A unit test holds isoAt() equal to toShanghaiIso().

const OFFSET = 8 * HOUR;
const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const dayTextCache = new Map<number, string>();

function dayNumber(ms: number): number {
  return Math.floor((ms + OFFSET) / DAY);
}

/** Business date (YYYY-MM-DD, Asia/Shanghai) of an epoch-ms time. */
export function dayOf(ms: number): string {
  const n = dayNumber(ms);
  let text = dayTextCache.get(n);
  if (text === undefined) {
    text = businessDate(toShanghaiIso(n * DAY - OFFSET));
    if (dayTextCache.size > 20_000) dayTextCache.clear();
    dayTextCache.set(n, text);
  }
  return text;
}

const timeSuffix: string[] = [];
const dayPrefixCache = new Map<number, string>();

/**
 * Same text as toShanghaiIso(ms) for whole-second times: "YYYY-MM-DDTHH:mm:ss+08:00". Built from a
 * cached day prefix and a cached time-of-day suffix, so a timestamp costs one small string node.
 */
export function isoAt(ms: number): string {
  const n = dayNumber(ms);
  let prefix = dayPrefixCache.get(n);
  if (prefix === undefined) {
    prefix = `${dayOf(ms)}T`;
    if (dayPrefixCache.size > 20_000) dayPrefixCache.clear();
    dayPrefixCache.set(n, prefix);
  }
  const s = Math.floor((ms + OFFSET - n * DAY) / 1000);
  let suffix = timeSuffix[s];
  if (suffix === undefined) {
    suffix = `${TWO[Math.floor(s / 3600)]}:${TWO[Math.floor(s / 60) % 60]}:${TWO[s % 60]}+08:00`;
    timeSuffix[s] = suffix;
  }
  return prefix + suffix;
}

function sec(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

function dayStart(ms: number): number {
  return dayNumber(ms) * DAY - OFFSET;
}

/** A time on the day of `ms` (or the next day if that window is already past) between two hours. */
function atOpeningHours(rng: Rng, ms: number, fromHour: number, toHour: number): number {
  let d = dayStart(ms);
  let t = d + fromHour * HOUR + rng.next() * (toHour - fromHour) * HOUR;
  if (t < ms) {
    const rest = d + toHour * HOUR - ms;
    if (rest > 10 * MIN) t = ms + rng.next() * rest;
    else {
      d += DAY;
      t = d + fromHour * HOUR + rng.next() * (toHour - fromHour) * HOUR;
    }
  }
  return sec(t);
}

/** Banks disburse loans on weekdays only (Saturday/Sunday move to Monday). */
function weekday(ms: number): number {
  const dow = (dayNumber(ms) + 4) % 7; // day 0 (1970-01-01) was a Thursday
  if (dow === 6) return ms + 2 * DAY;
  if (dow === 0) return ms + DAY;
  return ms;
}

/** Moves a time to within 8 minutes of the nearest following midnight (either side), never earlier than `notBefore`. */
function nearMidnight(rng: Rng, ms: number, notBefore: number): number {
  const midnight = dayStart(ms) + DAY;
  const before = midnight - rng.int(5, 8 * 60) * 1000;
  return sec(before >= notBefore ? before : midnight + rng.int(0, 8 * 60) * 1000);
}

const compactCache = new Map<number, string>();

/** YYYYMMDD of the business date. */
function ymd(ms: number): string {
  const n = dayNumber(ms);
  let text = compactCache.get(n);
  if (text === undefined) {
    text = dayOf(ms).replace(/-/g, '');
    if (compactCache.size > 20_000) compactCache.clear();
    compactCache.set(n, text);
  }
  return text;
}

function hhmmss(ms: number): string {
  const s = Math.floor(((((ms + OFFSET) % DAY) + DAY) % DAY) / 1000);
  return `${TWO[Math.floor(s / 3600)]}${TWO[Math.floor(s / 60) % 60]}${TWO[s % 60]}`;
}

// ---------------------------------------------------------------------------------------------
// One order

interface BillingPlan {
  billingNo: string;
  fundsOrderNo: string;
  kind: BillingKind;
  amountFen: number;
  createdMs: number;
  paidMs: number | null;
  cancelledMs: number | null;
  refundedMs: number | null;
}

interface SubEvent {
  atMs: number;
  /** Sub-order slot (0..3 main, 4+ after-sales funds orders) or -1 for the order's own status. */
  slot: number;
  status: string;
  detail?: string | null;
}

class OrderBuilder {
  readonly serial: string;
  private nBilling = 0;
  private nPayment = 0;
  private nRefund = 0;
  readonly billings: BillingPlan[] = [];
  readonly payments: SandboxPayment[] = [];
  readonly refunds: SandboxRefund[] = [];
  readonly events: SubEvent[] = [];

  constructor(
    readonly cfg: ResolvedDataConfig,
    readonly rng: Rng,
    readonly index: number,
    readonly orderNo: string,
    readonly customer: string,
    readonly center: DeliveryCenter,
    readonly centerIndex: number,
  ) {
    this.serial = String(index + 1).padStart(7, '0');
  }

  billing(kind: BillingKind, fundsOrderNo: string, amountFen: number, createdMs: number): BillingPlan {
    const b: BillingPlan = {
      billingNo: `BL${this.serial}${String(++this.nBilling).padStart(2, '0')}`,
      fundsOrderNo,
      kind,
      amountFen,
      createdMs,
      paidMs: null,
      cancelledMs: null,
      refundedMs: null,
    };
    this.billings.push(b);
    return b;
  }

  private nextPaymentNo(): string {
    return `PM${this.serial}${String(++this.nPayment).padStart(2, '0')}`;
  }

  private merchantOrderNo(paymentNo: string, atMs: number): string {
    return `MO${ymd(atMs)}${paymentNo.slice(2)}`;
  }

  private basePayment(
    b: BillingPlan,
    channel: Channel,
    method: PaymentMethod,
    amountFen: number,
    atMs: number,
  ): { record: PaymentRecord; facts: PaymentFacts } {
    const paymentNo = this.nextPaymentNo();
    const record: PaymentRecord = {
      paymentNo,
      billingNo: b.billingNo,
      orderNo: this.orderNo,
      channel,
      method,
      merchantOrderNo: null,
      channelTxnId: null,
      terminalId: null,
      refNo: null,
      voucherNo: null,
      payerAccount: null,
      payerName: null,
      amountFen,
      paidAt: isoAt(atMs),
      status: 'success',
      updatedAt: isoAt(atMs),
      version: 1,
    };
    const sd = statementDate(channel, atMs);
    const lag = CHANNEL_CONTRACTS[channel].settlementLagDays;
    const facts: PaymentFacts = {
      merchantId: CHANNEL_CONTRACTS[channel].merchantId,
      statementDate: sd,
      feeRatePpm: 0,
      feeCapFen: null,
      feeFen: 0,
      settlementDate: lag === null ? null : dayOf(atMs + cutoffShiftMs(channel) + lag * DAY),
      walletTxnId: null,
      lakalaLogNo: null,
      cardType: null,
      cardMasked: null,
      batchNo: null,
      authCode: null,
      cashierId: null,
      depositSlipNo: null,
      bankRemark: null,
      receivingAccount: null,
      reversedAtMs: null,
      deliveryCenter: this.center.code,
    };
    return { record, facts };
  }

  private push(p: { record: PaymentRecord; facts: PaymentFacts }, atMs: number): SandboxPayment {
    const { ppm, capFen } = feeRule(p.record.channel, p.record.method, p.facts.cardType);
    p.facts.feeRatePpm = ppm;
    p.facts.feeCapFen = capFen;
    p.facts.feeFen = p.record.status === 'closed' ? 0 : feeFen(p.record.amountFen, ppm, capFen);
    const sp: SandboxPayment = { record: p.record, atMs, paidMs: atMs, facts: p.facts };
    this.payments.push(sp);
    return sp;
  }

  private wechatTxnId(atMs: number): string {
    return `42000${this.rng.digits(5)}${ymd(atMs)}${this.rng.digits(10)}`;
  }

  private alipayTradeNo(atMs: number): string {
    return `${ymd(atMs)}2200${this.rng.digits(16)}`;
  }

  private lakalaTradeNo(atMs: number): string {
    return `${ymd(atMs)}66${this.rng.digits(22)}`;
  }

  /** App or web payment (WeChat, Alipay, Lakala); amount must be within the online cap. */
  online(
    b: BillingPlan,
    channel: 'wechat' | 'alipay' | 'lakala',
    method: 'app' | 'web_qr',
    amountFen: number,
    atMs: number,
  ): number {
    let t = atMs;
    if (this.rng.chance(0.04)) {
      // An abandoned attempt first: the platform closes it, the customer pays on a new one.
      const closed = this.basePayment(b, channel, method, amountFen, t);
      closed.record.status = 'closed';
      closed.record.merchantOrderNo = this.merchantOrderNo(closed.record.paymentNo, t);
      this.push(closed, t);
      t = sec(t + this.rng.int(2, 40) * MIN);
    }
    if (this.rng.chance(0.04)) t = nearMidnight(this.rng, t, t);
    const p = this.basePayment(b, channel, method, amountFen, t);
    p.record.merchantOrderNo = this.merchantOrderNo(p.record.paymentNo, t);
    p.record.payerName = this.customer;
    if (channel === 'wechat') p.record.channelTxnId = this.wechatTxnId(t);
    else if (channel === 'alipay') p.record.channelTxnId = this.alipayTradeNo(t);
    else {
      const tradeNo = this.lakalaTradeNo(t);
      p.record.channelTxnId = tradeNo;
      p.facts.lakalaLogNo = tradeNo.slice(-14);
      if (method === 'web_qr') p.facts.walletTxnId = this.rng.chance(0.5) ? this.wechatTxnId(t) : this.alipayTradeNo(t);
    }
    this.push(p, t);
    return t;
  }

  /** POS card swipe or wallet scan on a delivery-centre terminal; a few are voided and swiped again. */
  pos(
    b: BillingPlan,
    method: 'pos_card' | 'pos_scan',
    amountFen: number,
    atMs: number,
  ): { at: number; payment: SandboxPayment } {
    const acquirer: 'unionpay' | 'allinpay' = this.rng.chance(0.6) ? 'unionpay' : 'allinpay';
    let t = atMs;
    if (this.rng.chance(0.03)) {
      // Around UnionPay's 23:00 cut-off.
      t = sec(dayStart(t) + 22 * HOUR + 50 * MIN + this.rng.int(0, 20 * 60) * 1000);
      if (t < atMs) t = sec(t + DAY);
    }
    const terminal = terminalId(acquirer, this.centerIndex, this.rng.int(0, TERMINALS_PER_CENTER - 1));
    if (this.rng.chance(0.01)) {
      const voided = this.posPayment(b, acquirer, method, amountFen, t, terminal);
      const voidAt = sec(t + this.rng.int(1, 10) * MIN);
      voided.record.status = 'reversed';
      voided.record.version = 2;
      voided.record.updatedAt = isoAt(voidAt);
      voided.facts.reversedAtMs = voidAt;
      voided.atMs = voidAt;
      t = sec(voidAt + this.rng.int(1, 15) * MIN);
    }
    const payment = this.posPayment(b, acquirer, method, amountFen, t, terminal);
    return { at: t, payment };
  }

  private posPayment(
    b: BillingPlan,
    acquirer: 'unionpay' | 'allinpay',
    method: 'pos_card' | 'pos_scan',
    amountFen: number,
    t: number,
    terminal: string,
  ): SandboxPayment {
    const p = this.basePayment(b, acquirer, method, amountFen, t);
    const voucher = this.rng.digits(6);
    p.record.merchantOrderNo = this.merchantOrderNo(p.record.paymentNo, t);
    p.record.terminalId = terminal;
    p.record.voucherNo = voucher;
    p.record.refNo = `${hhmmss(t)}${voucher}`;
    p.record.payerName = this.customer;
    p.facts.merchantId = acquirer === 'unionpay' ? this.center.unionpayMerchantId : this.center.allinpayMerchantId;
    p.facts.batchNo = String(Math.floor((t - this.cfg.startMs) / DAY) + 1).padStart(6, '0');
    if (method === 'pos_card') {
      p.facts.cardType = this.rng.chance(0.45) ? 'debit' : 'credit';
      p.facts.cardMasked = `${this.rng.pick(['622588', '621700', '622848', '436742', '625807', '622202'])}******${this.rng.digits(4)}`;
      p.facts.authCode = p.facts.cardType === 'credit' ? this.rng.digits(6) : null;
    } else {
      const wallet = this.rng.chance(0.55) ? this.wechatTxnId(t) : this.alipayTradeNo(t);
      p.record.channelTxnId = wallet;
      p.facts.walletTxnId = wallet;
    }
    return this.push(p, t);
  }

  cash(b: BillingPlan, amountFen: number, atMs: number): number {
    const p = this.basePayment(b, 'cash', 'cash', amountFen, atMs);
    p.record.channelTxnId = `SK${p.record.paymentNo.slice(2)}`; // register receipt no.
    p.record.payerName = this.customer;
    p.facts.cashierId = `C${this.center.code}${String(this.rng.int(1, 6)).padStart(2, '0')}`;
    p.facts.depositSlipNo = `JK${this.center.code}${ymd(atMs)}`;
    p.facts.receivingAccount = COLLECTION_ACCOUNT;
    this.push(p, atMs);
    return atMs;
  }

  wire(b: BillingPlan, amountFen: number, atMs: number, payerAccount: string, payerName: string): number {
    const p = this.basePayment(b, 'wire', 'wire', amountFen, atMs);
    p.record.payerAccount = payerAccount;
    p.record.payerName = payerName;
    const r = this.rng.next();
    p.facts.bankRemark =
      r < 0.7 ? `购车款 ${this.orderNo}` : r < 0.85 ? `${this.customer} 购车款` : r < 0.95 ? `${this.orderNo}` : '货款';
    p.facts.receivingAccount = COLLECTION_ACCOUNT;
    this.push(p, atMs);
    return atMs;
  }

  loanDisbursement(
    b: BillingPlan,
    amountFen: number,
    atMs: number,
    bank: { name: string; account: string },
    contractNo: string,
  ): number {
    const p = this.basePayment(b, 'wire', 'loan_disbursement', amountFen, atMs);
    p.record.payerAccount = bank.account;
    p.record.payerName = bank.name;
    p.facts.bankRemark = `个人汽车贷款放款 ${contractNo} ${this.customer}`;
    p.facts.receivingAccount = COLLECTION_ACCOUNT;
    this.push(p, atMs);
    return atMs;
  }

  /** Refund a payment through its own channel: requested at `atMs`, completed (or failed) later. */
  refund(
    payment: SandboxPayment,
    amountFen: number,
    atMs: number,
    reason: string,
    fail = false,
  ): { completedMs: number } {
    const pr = payment.record;
    const refundNo = `RF${this.serial}${String(++this.nRefund).padStart(2, '0')}`;
    const rng = this.rng;
    const lagMs =
      pr.channel === 'wire'
        ? rng.int(4, 48) * HOUR
        : pr.channel === 'cash'
          ? rng.int(0, 30) * MIN
          : rng.int(1, 90) * MIN;
    const completedMs = sec(atMs + lagMs);
    let channelRefundId: string | null = null;
    switch (pr.channel) {
      case 'wechat':
        channelRefundId = `50${rng.digits(27)}`;
        break;
      case 'alipay':
        channelRefundId = pr.channelTxnId; // Alipay refunds carry the original trade_no
        break;
      case 'lakala':
        channelRefundId = this.lakalaTradeNo(atMs);
        break;
      case 'unionpay':
      case 'allinpay':
        channelRefundId = `${hhmmss(atMs)}${rng.digits(6)}`; // 退货 has its own 参考号
        break;
      case 'cash':
        channelRefundId = `SKR${refundNo.slice(2)}`;
        break;
      case 'wire':
        channelRefundId = null;
        break;
    }
    const done = completedMs < this.cfg.nowMs;
    const record: RefundRecord = {
      refundNo,
      paymentNo: pr.paymentNo,
      billingNo: pr.billingNo,
      orderNo: this.orderNo,
      channel: pr.channel,
      channelRefundId,
      merchantRefundNo: pr.channel === 'cash' || pr.channel === 'wire' ? null : `MR${refundNo.slice(2)}`,
      amountFen,
      refundedAt: isoAt(atMs),
      status: done ? (fail ? 'failed' : 'success') : 'processing',
      reason,
      updatedAt: isoAt(done ? completedMs : atMs),
      version: done ? 2 : 1,
    };
    const returned =
      payment.facts.feeFen === 0 ? 0 : feeFen(amountFen, payment.facts.feeRatePpm, payment.facts.feeCapFen);
    this.refunds.push({
      record,
      atMs: done ? completedMs : atMs,
      requestedMs: atMs,
      facts: {
        merchantId: payment.facts.merchantId,
        statementDate: statementDate(pr.channel, atMs),
        feeReturnedFen: fail ? 0 : Math.min(returned, payment.facts.feeFen),
        completedAtMs: done ? completedMs : null,
        originalChannelTxnId: pr.channelTxnId,
        terminalId: pr.terminalId,
      },
    });
    return { completedMs };
  }
}

function customerAccount(rng: Rng): string {
  return `${rng.pick(['6222', '6217', '6228', '6214', '6225'])}${rng.digits(15)}`;
}

function companyAccount(rng: Rng): string {
  return `${rng.pick(['1001', '3100', '7559', '1210'])}${rng.digits(rng.int(10, 14))}`;
}

const AFTER_SALES: ReadonlyArray<{ kind: BillingKind; minYuan: number; maxYuan: number }> = [
  { kind: 'accessories', minYuan: 300, maxYuan: 8_000 },
  { kind: 'window_film', minYuan: 2_000, maxYuan: 12_000 },
  { kind: 'repair', minYuan: 200, maxYuan: 30_000 },
  { kind: 'leasing', minYuan: 3_000, maxYuan: 9_000 },
];

/** Seed of order `index`'s own PRNG stream. */
export function orderSeed(cfg: ResolvedDataConfig, index: number): number {
  return mix32(cfg.seedHash, index);
}

/** Generate order `index` (0-based) of the dataset, with all its records as they stand at `cfg.nowMs`. */
export function generateOrder(cfg: ResolvedDataConfig, index: number): SandboxOrder {
  const rng = new Rng(orderSeed(cfg, index));
  const span = cfg.nowMs - cfg.startMs;
  const createdMs = sec(cfg.startMs + ((index + rng.next()) / Math.max(cfg.orders, 1)) * span);
  const centerIndex = rng.int(0, DELIVERY_CENTERS.length - 1);
  const center = DELIVERY_CENTERS[centerIndex]!;
  const model = rng.pick(MODELS);
  const priceFen = (model.baseYuan + rng.int(0, 40) * 1000) * YUAN;
  const discountFen = rng.chance(0.35) ? rng.int(2, 40) * 500 * YUAN : 0;
  const isCompany = rng.chance(0.04);
  const customer = isCompany ? companyName(rng, center.city) : personName(rng);
  const payerAccount = isCompany ? companyAccount(rng) : customerAccount(rng);
  const serial = String(index + 1).padStart(7, '0');
  const orderNo = `VO${ymd(createdMs)}${serial}`;
  const b = new OrderBuilder(cfg, rng, index, orderNo, customer, center, centerIndex);
  const agreedFen = priceFen - discountFen;

  const path = rng.next();
  const cancelEarly = path < 0.08;
  const cancelLate = !cancelEarly && path < 0.1;
  const wantsLoan = rng.chance(0.35);
  const wantsPile = rng.chance(0.85);
  const loanBank = rng.pick(LOAN_BANKS);

  // Sub-orders: 0 charging pile, 1 funds (main), 2 car loan, 3 production; 4+ after-sales funds orders.
  const subNos = [`CP${serial}`, `FO${serial}01`, `CL${serial}`, `PO${serial}`];
  const subKinds: SubOrderKind[] = ['charging_pile', 'funds', 'car_loan', 'production'];
  const subStart = [
    { status: wantsPile ? 'pending' : 'declined', detail: wantsPile ? `${center.city} 家充桩报装` : null },
    { status: 'open', detail: '整车资金单' },
    { status: wantsLoan ? 'intent' : 'none', detail: wantsLoan ? `${loanBank.name.slice(0, 4)} 贷款意向` : null },
    { status: 'pending', detail: model.name },
  ];
  const ev = b.events;

  // 小定: app payment minutes after the order is placed.
  const sd = b.billing('small_deposit', subNos[1]!, SMALL_DEPOSIT_FEN, createdMs);
  const sdChannel = rng.next();
  const sdCh: 'wechat' | 'alipay' | 'lakala' = sdChannel < 0.45 ? 'wechat' : sdChannel < 0.8 ? 'alipay' : 'lakala';
  const sdMethod: 'app' | 'web_qr' = sdCh === 'lakala' && rng.chance(0.4) ? 'web_qr' : 'app';
  sd.paidMs = b.online(sd, sdCh, sdMethod, SMALL_DEPOSIT_FEN, sec(createdMs + rng.int(1, 20) * MIN));
  const sdPayment = b.payments[b.payments.length - 1]!;

  const refundDeposits = (cancelMs: number, paymentsToRefund: SandboxPayment[]) => {
    let lastDone = cancelMs;
    for (const p of paymentsToRefund) {
      const bill = b.billings.find((x) => x.billingNo === p.record.billingNo)!;
      let r = b.refund(p, p.record.amountFen, cancelMs, '订单取消退款', rng.chance(0.03));
      if (b.refunds[b.refunds.length - 1]!.record.status === 'failed') {
        r = b.refund(p, p.record.amountFen, sec(r.completedMs + rng.int(2, 26) * HOUR), '订单取消退款(重试)');
      }
      bill.refundedMs = Math.max(bill.refundedMs ?? 0, r.completedMs);
      lastDone = Math.max(lastDone, r.completedMs);
    }
    return lastDone;
  };

  if (cancelEarly) {
    const cancelMs = sec(sd.paidMs + rng.int(12, 144) * HOUR);
    ev.push({ atMs: cancelMs, slot: -1, status: 'cancelled' });
    ev.push({ atMs: cancelMs, slot: 0, status: wantsPile ? 'cancelled' : 'declined' });
    ev.push({ atMs: cancelMs, slot: 3, status: 'cancelled' });
    if (wantsLoan) ev.push({ atMs: cancelMs, slot: 2, status: 'withdrawn' });
    const done = refundDeposits(cancelMs, [sdPayment]);
    ev.push({ atMs: done, slot: 1, status: 'closed' });
  } else {
    // 大定: the customer locks the order; large amounts go offline (POS, wire, cash) or through a Lakala web QR.
    const lockIntent = sec(sd.paidMs + rng.int(1, 240) * HOUR);
    const ldFen = (rng.chance(0.5) ? 20_000 : 50_000) * YUAN;
    const ld = b.billing('large_deposit', subNos[1]!, ldFen, lockIntent);
    const m = rng.next();
    const ldPayAt = atOpeningHours(rng, sec(lockIntent + rng.int(0, 48) * HOUR), 9, 21);
    let lockMs: number;
    if (m < 0.45) lockMs = b.pos(ld, 'pos_card', ldFen, ldPayAt).at;
    else if (m < 0.55) {
      // A wallet scan on the POS is an online payment: split at the cap.
      let t = ldPayAt;
      for (const part of splitAtCap(ldFen)) t = sec(b.pos(ld, 'pos_scan', part, t).at + rng.int(1, 4) * MIN);
      lockMs = b.payments[b.payments.length - 1]!.atMs;
    } else if (m < 0.75) lockMs = b.wire(ld, ldFen, atOpeningHours(rng, ldPayAt, 9, 17), payerAccount, customer);
    else if (m < 0.85) lockMs = b.cash(ld, ldFen, ldPayAt);
    else lockMs = b.online(ld, 'lakala', 'web_qr', ldFen, ldPayAt);
    ld.paidMs = lockMs;
    const ldPayments = b.payments.filter((p) => p.record.billingNo === ld.billingNo && p.record.status === 'success');
    ev.push({ atMs: lockMs, slot: -1, status: 'locked' });
    ev.push({ atMs: lockMs, slot: 3, status: 'scheduled' });
    if (wantsLoan) ev.push({ atMs: lockMs, slot: 2, status: 'applied', detail: `${loanBank.name} 贷款申请` });
    const loanApproved = sec(lockMs + rng.int(24, 96) * HOUR);
    if (wantsLoan) ev.push({ atMs: loanApproved, slot: 2, status: 'approved', detail: `${loanBank.name} 已审批` });
    const inProduction = sec(lockMs + rng.int(24, 72) * HOUR);
    ev.push({ atMs: inProduction, slot: 3, status: 'in_production' });
    const surveyed = sec(lockMs + rng.int(48, 120) * HOUR);
    if (wantsPile) ev.push({ atMs: surveyed, slot: 0, status: 'surveyed' });
    const produced = sec(lockMs + rng.int(7 * 24, 15 * 24) * HOUR);

    if (cancelLate) {
      const cancelMs = sec(lockMs + rng.int(48, 192) * HOUR);
      ev.push({ atMs: cancelMs, slot: -1, status: 'cancelled' });
      ev.push({ atMs: cancelMs, slot: 3, status: 'cancelled' });
      if (wantsPile) ev.push({ atMs: cancelMs, slot: 0, status: 'cancelled' });
      if (wantsLoan) ev.push({ atMs: cancelMs, slot: 2, status: 'withdrawn' });
      if (produced < cancelMs) {
        ev.push({ atMs: produced, slot: 3, status: 'completed' });
        const fp = b.billing('final_payment', subNos[1]!, agreedFen - SMALL_DEPOSIT_FEN - ldFen, produced);
        fp.cancelledMs = cancelMs;
      }
      const done = refundDeposits(cancelMs, [sdPayment, ...ldPayments]);
      ev.push({ atMs: done, slot: 1, status: 'closed' });
    } else {
      // 尾款 when the car is built: loan (down payment + bank disbursement), wire, POS swipes, or cash + POS.
      ev.push({ atMs: produced, slot: 3, status: 'completed' });
      const fpFen = agreedFen - SMALL_DEPOSIT_FEN - ldFen;
      const fp = b.billing('final_payment', subNos[1]!, fpFen, produced);
      let paidMs: number;
      if (wantsLoan) {
        const loanFen = Math.min(
          Math.floor((agreedFen * (0.4 + rng.next() * 0.3)) / (1000 * YUAN)) * 1000 * YUAN,
          fpFen - 1000 * YUAN,
        );
        const downFen = fpFen - loanFen;
        const downAt = atOpeningHours(rng, sec(produced + rng.int(0, 72) * HOUR), 9, 20);
        const downDone = rng.chance(0.6)
          ? b.pos(fp, 'pos_card', downFen, downAt).at
          : b.wire(fp, downFen, atOpeningHours(rng, downAt, 9, 17), payerAccount, customer);
        const disburseAt = atOpeningHours(rng, weekday(sec(produced + rng.int(24, 120) * HOUR)), 10, 16);
        const contractNo = `LN${ymd(loanApproved)}${serial}`;
        const loanAt = b.loanDisbursement(fp, loanFen, Math.max(disburseAt, downDone + MIN), loanBank, contractNo);
        ev.push({ atMs: loanAt, slot: 2, status: 'disbursed', detail: `${loanBank.name} 放款 ${contractNo}` });
        paidMs = Math.max(downDone, loanAt);
      } else {
        const m2 = rng.next();
        let t = atOpeningHours(rng, sec(produced + rng.int(0, 96) * HOUR), 9, 20);
        if (m2 < 0.4) {
          const two = rng.chance(0.15);
          const first = two ? Math.floor(fpFen / 2 / YUAN) * YUAN : fpFen;
          t = b.wire(fp, first, atOpeningHours(rng, t, 9, 17), payerAccount, customer);
          if (two)
            t = b.wire(
              fp,
              fpFen - first,
              atOpeningHours(rng, sec(t + rng.int(2, 30) * HOUR), 9, 17),
              payerAccount,
              customer,
            );
        } else if (m2 < 0.9) {
          // One to three card swipes, sometimes topped up with a capped wallet scan.
          const scanFen = rng.chance(0.2) ? rng.int(5, 50) * 1000 * YUAN : 0;
          const swipes = splitEvenly(fpFen - scanFen, rng.int(1, 3));
          for (const part of swipes) t = sec(b.pos(fp, 'pos_card', part, t).at + rng.int(1, 6) * MIN);
          if (scanFen > 0) t = b.pos(fp, 'pos_scan', scanFen, t).at;
          else t = b.payments[b.payments.length - 1]!.atMs;
        } else {
          const cashFen = rng.int(10, 50) * 1000 * YUAN;
          t = b.cash(fp, cashFen, t);
          t = b.pos(fp, 'pos_card', fpFen - cashFen, sec(t + rng.int(3, 20) * MIN)).at;
        }
        paidMs = t;
      }
      fp.paidMs = paidMs;
      const deliveredMs = atOpeningHours(rng, sec(paidMs + rng.int(24, 72) * HOUR), 10, 18);
      ev.push({ atMs: deliveredMs, slot: -1, status: 'delivered' });
      ev.push({ atMs: deliveredMs, slot: 3, status: 'delivered' });
      ev.push({ atMs: deliveredMs, slot: 1, status: 'settled' });
      if (wantsPile)
        ev.push({
          atMs: sec(Math.max(surveyed, deliveredMs + rng.int(-48, 120) * HOUR)),
          slot: 0,
          status: 'installed',
        });

      // After-sales billings on new funds orders.
      if (rng.chance(0.2)) {
        const n = rng.int(1, 2);
        let t = deliveredMs;
        for (let k = 0; k < n; k++) {
          t = sec(t + rng.int(3 * 24, 25 * 24) * HOUR);
          const slot = 4 + k;
          const fundsNo = `FO${serial}${String(2 + k).padStart(2, '0')}`;
          subNos.push(fundsNo);
          subKinds.push('funds');
          subStart.push({ status: 'open', detail: '售后资金单' });
          ev.push({ atMs: t, slot, status: 'open', detail: '售后资金单' });
          const spec = rng.pick(AFTER_SALES);
          const amountFen = rng.int(spec.minYuan, spec.maxYuan) * YUAN;
          const bill = b.billing(spec.kind, fundsNo, amountFen, t);
          if (rng.chance(0.9)) {
            const payAt = sec(t + rng.int(5, 72 * 60) * MIN);
            const r = rng.next();
            let paid: number;
            if (amountFen > ONLINE_CAP_FEN || r < 0.3)
              paid = b.pos(bill, 'pos_card', amountFen, atOpeningHours(rng, payAt, 9, 21)).at;
            else if (r < 0.6) paid = b.online(bill, 'wechat', 'app', amountFen, payAt);
            else if (r < 0.85) paid = b.online(bill, 'alipay', 'app', amountFen, payAt);
            else paid = b.online(bill, 'lakala', rng.chance(0.5) ? 'web_qr' : 'app', amountFen, payAt);
            bill.paidMs = paid;
            ev.push({ atMs: paid, slot, status: 'settled' });
          }
        }
      }
    }
  }

  return materialise(cfg, b, {
    orderNo,
    customer,
    model: model.name,
    priceFen,
    discountFen,
    createdMs,
    center: center.code,
    subNos,
    subKinds,
    subStart,
  });
}

function splitAtCap(amountFen: number): number[] {
  const parts: number[] = [];
  let rest = amountFen;
  while (rest > ONLINE_CAP_FEN) {
    parts.push(ONLINE_CAP_FEN);
    rest -= ONLINE_CAP_FEN;
  }
  parts.push(rest);
  return parts;
}

function splitEvenly(amountFen: number, n: number): number[] {
  const unit = Math.floor(amountFen / n / (1000 * YUAN)) * 1000 * YUAN;
  const parts = Array.from({ length: n - 1 }, () => unit);
  parts.push(amountFen - unit * (n - 1));
  return parts.filter((p) => p > 0);
}

/** Turn the plan into the records as they stand at `now` (versions count the changes up to now). */
function materialise(
  cfg: ResolvedDataConfig,
  b: OrderBuilder,
  o: {
    orderNo: string;
    customer: string;
    model: string;
    priceFen: number;
    discountFen: number;
    createdMs: number;
    center: string;
    subNos: string[];
    subKinds: SubOrderKind[];
    subStart: { status: string; detail: string | null }[];
  },
): SandboxOrder {
  const now = cfg.nowMs;
  const events = b.events.filter((e) => e.atMs < now).sort((x, y) => x.atMs - y.atMs);
  let status: VehicleOrderRecord['status'] = 'created';
  let updatedMs = o.createdMs;
  let version = 1; // one version per instant at which something changed
  const subs: { status: string; detail: string | null; updatedMs: number; exists: boolean }[] = o.subStart.map(
    (s, i) => ({
      status: s.status,
      detail: s.detail,
      updatedMs: o.createdMs,
      exists: i < 4,
    }),
  );
  for (const e of events) {
    if (e.atMs > updatedMs) version++;
    updatedMs = Math.max(updatedMs, e.atMs);
    if (e.slot < 0) {
      status = e.status as VehicleOrderRecord['status'];
      continue;
    }
    const s = subs[e.slot]!;
    s.exists = true;
    s.status = e.status;
    if (e.detail !== undefined) s.detail = e.detail;
    s.updatedMs = e.atMs;
  }
  const subOrders: SubOrderRecord[] = [];
  subs.forEach((s, i) => {
    if (!s.exists) return;
    subOrders.push({
      subOrderNo: o.subNos[i]!,
      kind: o.subKinds[i]!,
      status: s.status,
      detail: s.detail,
      updatedAt: isoAt(s.updatedMs),
    });
  });
  const order: VehicleOrderRecord = {
    orderNo: o.orderNo,
    customerName: o.customer,
    model: o.model,
    priceFen: o.priceFen,
    discountFen: o.discountFen,
    status,
    deliveryCenter: o.center,
    createdAt: isoAt(o.createdMs),
    updatedAt: isoAt(updatedMs),
    version,
    subOrders,
  };

  const billings: Timed<BillingRecord>[] = [];
  for (const bp of b.billings) {
    if (bp.createdMs >= now) continue;
    let version = 1;
    let st: BillingRecord['status'] = 'open';
    let at = bp.createdMs;
    for (const [t, s] of [
      [bp.paidMs, 'paid'],
      [bp.cancelledMs, 'cancelled'],
      [bp.refundedMs, 'refunded'],
    ] as const) {
      if (t !== null && t < now && t >= at) {
        version++;
        st = s;
        at = t;
      }
    }
    billings.push({
      atMs: at,
      record: {
        billingNo: bp.billingNo,
        fundsOrderNo: bp.fundsOrderNo,
        orderNo: o.orderNo,
        kind: bp.kind,
        amountDueFen: bp.amountFen,
        status: st,
        createdAt: isoAt(bp.createdMs),
        updatedAt: isoAt(at),
        version,
      },
    });
  }

  const payments: SandboxPayment[] = [];
  for (const p of b.payments) {
    const paidMs = p.paidMs;
    if (paidMs >= now) continue;
    if (p.record.status === 'reversed' && p.atMs >= now) {
      // The void has not happened yet at "now".
      p.record.status = 'success';
      p.record.version = 1;
      p.record.updatedAt = p.record.paidAt;
      p.facts.reversedAtMs = null;
      p.atMs = paidMs;
    }
    payments.push(p);
  }
  const refunds = b.refunds.filter((r) => r.requestedMs < now);
  return { index: b.index, order: { record: order, atMs: updatedMs }, billings, payments, refunds };
}

// ---------------------------------------------------------------------------------------------
// Streams and feeds

/** Every order of the dataset, in index (and creation) order, in constant memory. */
export function* iterateOrders(config: DataConfig | ResolvedDataConfig): Generator<SandboxOrder> {
  const cfg = 'seedHash' in config ? config : resolveConfig(config);
  for (let i = 0; i < cfg.orders; i++) yield generateOrder(cfg, i);
}

/**
 * Payment records for store benchmarks, without the HTTP server: orders are generated one after the
 * other and their payments yielded in batches until `payments` records have been produced.
 * About 2.3 payments per order: the dataset is sized at payments/2 orders and generation stops at the count.
 */
export function* generatePaymentBatches(opts: {
  seed: number | string;
  payments: number;
  batchSize?: number;
  days?: number;
  startDate?: string;
}): Generator<PaymentRecord[]> {
  const batchSize = opts.batchSize ?? 5000;
  const cfg = resolveConfig({
    seed: opts.seed,
    orders: Math.min(MAX_ORDERS, Math.ceil(opts.payments / 2) + 10),
    days: opts.days,
    startDate: opts.startDate,
  });
  let produced = 0;
  let batch: PaymentRecord[] = [];
  for (let i = 0; i < cfg.orders && produced < opts.payments; i++) {
    for (const p of generateOrder(cfg, i).payments) {
      batch.push(p.record);
      if (++produced === opts.payments) break;
      if (batch.length === batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}
