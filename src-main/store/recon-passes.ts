// The matching passes of each channel (reconciliation.md §3), strongest first, as SQL conditions
// between an internal item `i` and a statement line `l`. Internal items are read through itemSource()
// so payments and refunds offer the same columns: for a refund, channel_txn_id is the channel's refund
// id, merchant_order_no the merchant refund no, ref_no the POS 退货 参考号 and orig_txn the original
// payment's channel id. Amounts are signed fen on both sides (+ money to us).
import type { Channel } from '../domain/channels';
import { FEE_TOLERANCE_FEN, type FeeRule } from '../recon/fees';

export interface PassSpec {
  name: string;
  /** Run over the whole day straight from the base tables (the pass that matches almost everything). */
  bulk?: boolean;
  /** Condition for payments (i.kind = 'P') and for refunds (i.kind = 'R'); null when it does not apply. */
  payment: string | null;
  refund: string | null;
}

const AMT = 'l.amount_fen = i.amount_fen AND l.kind = i.line_kind';

const txnPasses = (prefix: string, lakala = false): PassSpec[] => {
  const txn = lakala
    ? 'l.channel_txn_id IN (i.channel_txn_id, substr(i.channel_txn_id, -14))'
    : 'l.channel_txn_id = i.channel_txn_id';
  return [
    {
      name: `${prefix}.txn`,
      bulk: true,
      payment: `${txn} AND ${AMT}`,
      // WeChat and Lakala print the refund's own id; Alipay prints the original trade no with the
      // merchant's refund request no.
      refund:
        prefix === 'alipay'
          ? `l.channel_txn_id = i.orig_txn AND l.refund_no = i.merchant_order_no AND ${AMT}`
          : `${txn} AND ${AMT}`,
    },
    {
      name: `${prefix}.merchant_order`,
      payment: `l.merchant_order_no = i.merchant_order_no AND ${AMT}`,
      refund: `l.refund_no = i.merchant_order_no AND ${AMT}`,
    },
  ];
};

const posPasses: PassSpec[] = [
  {
    name: 'pos.ref',
    bulk: true,
    payment: `l.terminal_id = i.terminal_id AND l.ref_no = i.ref_no AND ${AMT}`,
    refund: `l.terminal_id = i.terminal_id AND l.ref_no = i.ref_no AND ${AMT}`,
  },
  {
    name: 'pos.voucher',
    payment: `l.terminal_id = i.terminal_id AND l.voucher_no = i.voucher_no AND ${AMT} AND l.day = i.txn_day`,
    refund: null,
  },
  { name: 'pos.order', payment: `l.merchant_order_no = i.merchant_order_no AND ${AMT}`, refund: null },
  { name: 'pos.txn', payment: `l.channel_txn_id = i.channel_txn_id AND ${AMT}`, refund: `l.channel_txn_id = i.channel_txn_id AND ${AMT}` },
];

const cashPasses: PassSpec[] = [
  // The register's receipt no. (收款单号) is the cash profile's channelTxnId.
  { name: 'cash.receipt', bulk: true, payment: `l.channel_txn_id = i.channel_txn_id AND ${AMT}`, refund: `l.channel_txn_id = i.channel_txn_id AND ${AMT}` },
  // 订单号 is the profile's merchantOrderNo.
  { name: 'cash.order', payment: `l.merchant_order_no = i.order_no AND ${AMT} AND l.day = i.txn_day`, refund: `l.merchant_order_no = i.order_no AND ${AMT} AND l.day = i.txn_day` },
];

const wirePasses: PassSpec[] = [
  {
    name: 'wire.remark',
    payment: `${AMT} AND (l.merchant_order_no = i.order_no OR instr(l.remark, i.order_no) > 0)`,
    refund: `${AMT} AND (l.merchant_order_no = i.order_no OR instr(l.remark, i.order_no) > 0)`,
  },
];

export const PASSES: Record<Channel, PassSpec[]> = {
  wechat: txnPasses('wechat'),
  alipay: txnPasses('alipay'),
  lakala: txnPasses('lakala', true),
  unionpay: posPasses,
  allinpay: posPasses,
  cash: cashPasses,
  wire: wirePasses,
};

/**
 * Ids that name the same transaction on both sides whatever the amount (one equality each, so every
 * condition joins through an index): a shared one with different amounts is AMOUNT_DIFFERS; a line
 * sharing it with a closed or reversed payment is STATUS_DIFFERS.
 */
export const SAME_TXN: Record<Channel, string[]> = {
  wechat: ['l.channel_txn_id = i.channel_txn_id', 'l.merchant_order_no = i.merchant_order_no'],
  alipay: ['l.channel_txn_id = i.channel_txn_id', 'l.merchant_order_no = i.merchant_order_no'],
  lakala: ['l.channel_txn_id = i.channel_txn_id', 'l.channel_txn_id = substr(i.channel_txn_id, -14)', 'l.merchant_order_no = i.merchant_order_no'],
  unionpay: ['l.terminal_id = i.terminal_id AND l.ref_no = i.ref_no', 'l.merchant_order_no = i.merchant_order_no'],
  allinpay: ['l.terminal_id = i.terminal_id AND l.ref_no = i.ref_no', 'l.merchant_order_no = i.merchant_order_no'],
  cash: ['l.channel_txn_id = i.channel_txn_id'],
  wire: ['l.merchant_order_no = i.order_no', "instr(coalesce(l.remark, ''), i.order_no) > 0"],
};

/** The columns of itemSource(), shared by the pools. */
export const ITEM_COLUMNS = [
  'k', 'kind', 'ref', 'd', 'at', 'amount_fen', 'status', 'ok', 'line_kind', 'order_no', 'channel_txn_id',
  'merchant_order_no', 'terminal_id', 'ref_no', 'voucher_no', 'orig_txn', 'payer_account', 'payer_name',
  'method', 'txn_day', 'hm', 'customer',
] as const;

/**
 * The statement day of an internal item: its business day, or the next one when it happened at or
 * after the channel's cut-off ('HH:MM:SS' Beijing time; null = midnight). UnionPay's day runs 23:00–23:00.
 */
export function statementDaySql(dateCol: string, timeCol: string, cutoff: string | null): string {
  return cutoff ? `(CASE WHEN time(${timeCol}, '+8 hours') >= '${cutoff}' THEN date(${dateCol}, '+1 day') ELSE ${dateCol} END)` : dateCol;
}

/** Items whose statement day lies in ?2 … ?3 (a channel with a cut-off also reads the day before). */
function dayRange(a: string, dateCol: string, timeCol: string, cutoff: string | null): string {
  return cutoff
    ? `${a}.${dateCol} BETWEEN date(?2, '-1 day') AND ?3 AND ${statementDaySql(`${a}.${dateCol}`, `${a}.${timeCol}`, cutoff)} BETWEEN ?2 AND ?3`
    : `${a}.${dateCol} BETWEEN ?2 AND ?3`;
}

/**
 * Payments and refunds of one channel whose statement day lies in a range, as internal items (d is
 * the statement day). `where` is an extra condition on p (payments) or r (refunds). INDEXED BY:
 * without statistics the planner would walk the channel's index over every day.
 */
export function itemSource(kind: 'P' | 'R', where = '', cutoff: string | null = null): string {
  if (kind === 'P') {
    return `SELECT 'P|' || p.payment_no AS k, 'P' AS kind, p.payment_no AS ref, ${statementDaySql('p.business_date', 'p.paid_at', cutoff)} AS d,
        p.paid_at AS at, p.amount_fen AS amount_fen, p.status, p.status = 'success' AS ok, 'payment' AS line_kind, p.order_no,
        p.channel_txn_id, p.merchant_order_no, p.terminal_id, p.ref_no, p.voucher_no, NULL AS orig_txn,
        p.payer_account, p.payer_name, p.method, date(p.paid_at, '+8 hours') AS txn_day, time(p.paid_at, '+8 hours') AS hm,
        (SELECT o.customer_name FROM vehicle_order o WHERE o.order_no = p.order_no) AS customer
      FROM payment p INDEXED BY payment_day_channel WHERE p.channel = ?1 AND ${dayRange('p', 'business_date', 'paid_at', cutoff)} ${where}`;
  }
  return `SELECT 'R|' || r.refund_no AS k, 'R' AS kind, r.refund_no AS ref, ${statementDaySql('r.business_date', 'r.refunded_at', cutoff)} AS d,
      r.refunded_at AS at, -r.amount_fen AS amount_fen, r.status, r.status = 'success' AS ok, 'refund' AS line_kind, r.order_no,
      r.channel_refund_id AS channel_txn_id, r.merchant_refund_no AS merchant_order_no, pp.terminal_id,
      r.channel_refund_id AS ref_no, NULL AS voucher_no, pp.channel_txn_id AS orig_txn, pp.payer_account,
      pp.payer_name, pp.method, date(r.refunded_at, '+8 hours') AS txn_day, time(r.refunded_at, '+8 hours') AS hm,
      (SELECT o.customer_name FROM vehicle_order o WHERE o.order_no = r.order_no) AS customer
    FROM refund r INDEXED BY refund_day_channel LEFT JOIN payment pp ON pp.payment_no = r.payment_no
    WHERE r.channel = ?1 AND ${dayRange('r', 'business_date', 'refunded_at', cutoff)} ${where}`;
}

/** The few columns the bulk passes read (no date arithmetic on a million rows without a cut-off). */
export function bulkSource(kind: 'P' | 'R', cutoff: string | null): string {
  if (kind === 'P') {
    return `SELECT 'P|' || p.payment_no AS k, ${statementDaySql('p.business_date', 'p.paid_at', cutoff)} AS d, p.amount_fen AS amount_fen,
        p.method, 'payment' AS line_kind, p.order_no, p.channel_txn_id, p.merchant_order_no, p.terminal_id, p.ref_no, p.voucher_no,
        NULL AS orig_txn
      FROM payment p INDEXED BY payment_day_channel
      WHERE p.channel = ?1 AND ${dayRange('p', 'business_date', 'paid_at', cutoff)} AND p.status = 'success'`;
  }
  return `SELECT 'R|' || r.refund_no AS k, ${statementDaySql('r.business_date', 'r.refunded_at', cutoff)} AS d, -r.amount_fen AS amount_fen,
      pp.method, 'refund' AS line_kind, r.order_no, r.channel_refund_id AS channel_txn_id, r.merchant_refund_no AS merchant_order_no,
      pp.terminal_id, r.channel_refund_id AS ref_no, NULL AS voucher_no, pp.channel_txn_id AS orig_txn
    FROM refund r INDEXED BY refund_day_channel LEFT JOIN payment pp ON pp.payment_no = r.payment_no
    WHERE r.channel = ?1 AND ${dayRange('r', 'business_date', 'refunded_at', cutoff)} AND r.status = 'success'`;
}

/** Statement-line columns of the line pool (same names as statement_line, plus the line's day). */
export const LINE_COLUMNS = [
  'id', 'file_id', 'line_no', 'kind', 'amount_fen', 'fee_fen', 'occurred_at', 'day', 'channel_txn_id',
  'merchant_order_no', 'refund_no', 'original_txn_id', 'terminal_id', 'ref_no', 'voucher_no', 'batch_no',
  'payer_account', 'payer_name', 'remark', 'status',
] as const;

/**
 * The same test as SQL over an item `i` (method, amount_fen) and a line `l` (fee_fen), for the bulk
 * pass. Rule values are validated numbers and payment-method codes, never free text.
 */
export function feeOkSql(rules: readonly FeeRule[]): string {
  const A = 'abs(i.amount_fen)';
  const expected = (r: FeeRule) => {
    const fee = `((${A} * ${Math.trunc(r.ppm)} + 500000) / 1000000)`;
    return r.capFen === undefined ? fee : `min(${fee}, ${Math.trunc(r.capFen)})`;
  };
  const when = (r: FeeRule) => (r.method === undefined ? '' : `i.method = '${r.method.replace(/[^a-z_]/g, '')}' AND `);
  if (rules.length === 0) return `(abs(l.fee_fen) <= ${FEE_TOLERANCE_FEN})`;
  const pay = rules.map((r) => `(${when(r)}abs(l.fee_fen - ${expected(r)}) <= ${FEE_TOLERANCE_FEN})`).join(' OR ');
  const ref = rules.map((r) => `(${when(r)}abs(l.fee_fen + ${expected(r)}) <= ${FEE_TOLERANCE_FEN})`).join(' OR ');
  return `(CASE WHEN i.amount_fen < 0 THEN (abs(l.fee_fen) <= ${FEE_TOLERANCE_FEN} OR ${ref}) ELSE (${pay}) END)`;
}
