// Aggregate: vehicle orders with their sub-orders, billings, payments and refunds as synced from the
// central platform. Writes are upserts guarded by the platform's record version, so replaying a page,
// or the same record on two pages, never moves a row backwards.
import { businessDate } from '../domain/dates';
import { channelOrderSql } from '../domain/channels';
import type { BillingRecord, PaymentRecord, RefundRecord, VehicleOrderRecord } from '../central/records';
import type { ReadDb, SqlValue, WriteTx } from './db';
import { queryPage, type GridOwner, type GridSpec } from './grid';
import type { PageRequest, PageResult } from '../api/grid-types';

function upsertTail(table: string, key: string, columns: readonly string[]): string {
  const set = columns
    .filter((c) => c !== key)
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');
  return `ON CONFLICT (${key}) DO UPDATE SET ${set} WHERE excluded.version > ${table}.version`;
}

const ORDER_COLS = [
  'order_no',
  'customer_name',
  'model',
  'price_fen',
  'discount_fen',
  'status',
  'delivery_center',
  'created_at',
  'updated_at',
  'version',
] as const;
const SUB_ORDER_COLS = ['sub_order_no', 'order_no', 'kind', 'status', 'detail', 'updated_at', 'version'] as const;
const BILLING_COLS = [
  'billing_no',
  'funds_order_no',
  'order_no',
  'kind',
  'amount_due_fen',
  'status',
  'created_at',
  'updated_at',
  'version',
] as const;
const PAYMENT_COLS = [
  'payment_no',
  'billing_no',
  'order_no',
  'channel',
  'method',
  'merchant_order_no',
  'channel_txn_id',
  'terminal_id',
  'ref_no',
  'voucher_no',
  'payer_account',
  'payer_name',
  'amount_fen',
  'paid_at',
  'business_date',
  'status',
  'updated_at',
  'version',
] as const;
const REFUND_COLS = [
  'refund_no',
  'payment_no',
  'billing_no',
  'order_no',
  'channel',
  'channel_refund_id',
  'merchant_refund_no',
  'amount_fen',
  'refunded_at',
  'business_date',
  'status',
  'reason',
  'updated_at',
  'version',
] as const;

export async function upsertVehicleOrders(tx: WriteTx, records: readonly VehicleOrderRecord[]): Promise<void> {
  await tx.insertMany(
    'vehicle_order',
    ORDER_COLS,
    records.map((r) => [
      r.orderNo,
      r.customerName,
      r.model,
      r.priceFen,
      r.discountFen,
      r.status,
      r.deliveryCenter,
      r.createdAt,
      r.updatedAt,
      r.version,
    ]),
    upsertTail('vehicle_order', 'order_no', ORDER_COLS),
  );
  // Sub-orders travel inside their order and take its version.
  const subs: SqlValue[][] = records.flatMap((r) =>
    r.subOrders.map((s) => [s.subOrderNo, r.orderNo, s.kind, s.status, s.detail, s.updatedAt, r.version]),
  );
  await tx.insertMany('sub_order', SUB_ORDER_COLS, subs, upsertTail('sub_order', 'sub_order_no', SUB_ORDER_COLS));
  await refreshOrderTotals(
    tx,
    records.map((r) => r.orderNo),
  );
}

export async function upsertBillings(tx: WriteTx, records: readonly BillingRecord[]): Promise<void> {
  await tx.insertMany(
    'billing',
    BILLING_COLS,
    records.map((r) => [
      r.billingNo,
      r.fundsOrderNo,
      r.orderNo,
      r.kind,
      r.amountDueFen,
      r.status,
      r.createdAt,
      r.updatedAt,
      r.version,
    ]),
    upsertTail('billing', 'billing_no', BILLING_COLS),
  );
  await refreshOrderTotals(
    tx,
    records.map((r) => r.orderNo),
  );
}

export function paymentRow(r: PaymentRecord): SqlValue[] {
  return [
    r.paymentNo,
    r.billingNo,
    r.orderNo,
    r.channel,
    r.method,
    r.merchantOrderNo,
    r.channelTxnId,
    r.terminalId,
    r.refNo,
    r.voucherNo,
    r.payerAccount,
    r.payerName,
    r.amountFen,
    r.paidAt,
    businessDate(r.paidAt),
    r.status,
    r.updatedAt,
    r.version,
  ];
}

export async function upsertPayments(tx: WriteTx, records: readonly PaymentRecord[]): Promise<void> {
  await tx.insertMany(
    'payment',
    PAYMENT_COLS,
    records.map(paymentRow),
    upsertTail('payment', 'payment_no', PAYMENT_COLS),
  );
  await refreshOrderTotals(
    tx,
    records.map((r) => r.orderNo),
  );
}

export async function upsertRefunds(tx: WriteTx, records: readonly RefundRecord[]): Promise<void> {
  await tx.insertMany(
    'refund',
    REFUND_COLS,
    records.map((r) => [
      r.refundNo,
      r.paymentNo,
      r.billingNo,
      r.orderNo,
      r.channel,
      r.channelRefundId,
      r.merchantRefundNo,
      r.amountFen,
      r.refundedAt,
      businessDate(r.refundedAt),
      r.status,
      r.reason,
      r.updatedAt,
      r.version,
    ]),
    upsertTail('refund', 'refund_no', REFUND_COLS),
  );
  await refreshOrderTotals(
    tx,
    records.map((r) => r.orderNo),
  );
}

/** Recompute the denormalised paid/due/refunded totals of the given orders. */
export async function refreshOrderTotals(tx: WriteTx, orderNos: readonly string[]): Promise<void> {
  const unique = [...new Set(orderNos)];
  for (let i = 0; i < unique.length; i += 5000) {
    await tx.run(
      `UPDATE vehicle_order SET
         due_fen = (SELECT coalesce(sum(amount_due_fen), 0) FROM billing b
                    WHERE b.order_no = vehicle_order.order_no AND b.status <> 'cancelled'),
         paid_fen = (SELECT coalesce(sum(amount_fen), 0) FROM payment p
                     WHERE p.order_no = vehicle_order.order_no AND p.status = 'success'),
         payment_count = (SELECT count(*) FROM payment p
                          WHERE p.order_no = vehicle_order.order_no AND p.status = 'success'),
         refunded_fen = (SELECT coalesce(sum(amount_fen), 0) FROM refund r
                         WHERE r.order_no = vehicle_order.order_no AND r.status = 'success')
       WHERE order_no IN (SELECT value FROM json_each(?))`,
      [JSON.stringify(unique.slice(i, i + 5000))],
    );
  }
}

export interface StoreTotals {
  orders: number;
  billings: number;
  payments: number;
  refunds: number;
  paymentsFen: number;
  refundsFen: number;
}

/** Totals in the store (the sync CLI prints these). */
export async function storeTotals(read: ReadDb): Promise<StoreTotals> {
  const row = await read.get<StoreTotals>(
    `SELECT (SELECT count(*) FROM vehicle_order) AS orders,
            (SELECT count(*) FROM billing) AS billings,
            (SELECT count(*) FROM payment) AS payments,
            (SELECT count(*) FROM refund) AS refunds,
            (SELECT coalesce(sum(amount_fen), 0) FROM payment WHERE status = 'success') AS paymentsFen,
            (SELECT coalesce(sum(amount_fen), 0) FROM refund WHERE status = 'success') AS refundsFen`,
  );
  return row!;
}

export interface ChannelTotals {
  channel: string;
  payments: number;
  paymentsFen: number;
  refunds: number;
  refundsFen: number;
}

/** Per-channel counts and amounts in the fixed channel order (overview screen). */
export async function channelTotals(read: ReadDb, from?: string, to?: string): Promise<ChannelTotals[]> {
  const range = from && to ? 'AND business_date BETWEEN ? AND ?' : '';
  const params = from && to ? [from, to, from, to] : [];
  return read.all<ChannelTotals>(
    `WITH p AS (SELECT channel, count(*) AS n, sum(amount_fen) AS fen FROM payment
                WHERE status = 'success' ${range} GROUP BY channel),
          r AS (SELECT channel, count(*) AS n, sum(amount_fen) AS fen FROM refund
                WHERE status = 'success' ${range} GROUP BY channel),
          c(channel) AS (VALUES ('wechat'),('alipay'),('lakala'),('unionpay'),('allinpay'),('cash'),('wire'))
     SELECT c.channel, coalesce(p.n, 0) AS payments, coalesce(p.fen, 0) AS paymentsFen,
            coalesce(r.n, 0) AS refunds, coalesce(r.fen, 0) AS refundsFen
     FROM c LEFT JOIN p USING (channel) LEFT JOIN r USING (channel)
     ORDER BY ${channelOrderSql('c.channel')}`,
    params,
  );
}

export const PAYMENT_GRID: GridSpec = {
  from: 'payment p JOIN billing b ON b.billing_no = p.billing_no',
  columns: {
    paymentNo: { sql: 'p.payment_no', type: 'text' },
    orderNo: { sql: 'p.order_no', type: 'text' },
    billingKind: { sql: 'b.kind', type: 'set' },
    channel: { sql: 'p.channel', type: 'set' },
    method: { sql: 'p.method', type: 'set' },
    amountFen: { sql: 'p.amount_fen', type: 'number' },
    paidAt: { sql: 'p.paid_at', type: 'date' },
    businessDate: { sql: 'p.business_date', type: 'date' },
    status: { sql: 'p.status', type: 'set' },
    merchantOrderNo: { sql: 'p.merchant_order_no', type: 'text' },
    channelTxnId: { sql: 'p.channel_txn_id', type: 'text' },
    terminalId: { sql: 'p.terminal_id', type: 'text' },
    refNo: { sql: 'p.ref_no', type: 'text' },
    voucherNo: { sql: 'p.voucher_no', type: 'text' },
    payerAccount: { sql: 'p.payer_account', type: 'text' },
    payerName: { sql: 'p.payer_name', type: 'text' },
  },
  defaultSort: 'p.paid_at DESC',
  tieBreak: 'p.rowid', // every index ends in the rowid, so the index alone gives the full order
  base: { table: 'payment', alias: 'p' },
};

export const ORDER_GRID: GridSpec = {
  from: 'vehicle_order o',
  columns: {
    orderNo: { sql: 'o.order_no', type: 'text' },
    customerName: { sql: 'o.customer_name', type: 'text' },
    model: { sql: 'o.model', type: 'set' },
    status: { sql: 'o.status', type: 'set' },
    deliveryCenter: { sql: 'o.delivery_center', type: 'text' },
    priceFen: { sql: 'o.price_fen', type: 'number' },
    discountFen: { sql: 'o.discount_fen', type: 'number' },
    dueFen: { sql: 'o.due_fen', type: 'number' },
    paidFen: { sql: 'o.paid_fen', type: 'number' },
    refundedFen: { sql: 'o.refunded_fen', type: 'number' },
    outstandingFen: { sql: '(o.price_fen - o.discount_fen - o.paid_fen + o.refunded_fen)', type: 'number' },
    paymentCount: { sql: 'o.payment_count', type: 'number' },
    createdAt: { sql: 'o.created_at', type: 'date' },
  },
  defaultSort: 'o.created_at DESC',
  tieBreak: 'o.rowid',
  base: { table: 'vehicle_order', alias: 'o' },
};

export interface PaymentGridRow {
  paymentNo: string;
  orderNo: string;
  billingKind: string;
  channel: string;
  method: string;
  amountFen: number;
  paidAt: string;
  businessDate: string;
  status: string;
  merchantOrderNo: string | null;
  channelTxnId: string | null;
  terminalId: string | null;
  refNo: string | null;
  voucherNo: string | null;
  payerAccount: string | null;
  payerName: string | null;
}

export interface OrderGridRow {
  orderNo: string;
  customerName: string;
  model: string;
  status: string;
  deliveryCenter: string | null;
  priceFen: number;
  discountFen: number;
  dueFen: number;
  paidFen: number;
  refundedFen: number;
  outstandingFen: number;
  paymentCount: number;
  createdAt: string;
}

export function pagePayments(db: GridOwner, req: PageRequest): Promise<PageResult<PaymentGridRow>> {
  return queryPage(db.read, PAYMENT_GRID, req, db);
}

export function pageOrders(db: GridOwner, req: PageRequest): Promise<PageResult<OrderGridRow>> {
  return queryPage(db.read, ORDER_GRID, req, db);
}

export interface OrderPicture {
  order: Omit<OrderGridRow, 'outstandingFen'> & { updatedAt: string };
  subOrders: { subOrderNo: string; kind: string; status: string; detail: string | null; updatedAt: string }[];
  billings: {
    billingNo: string;
    fundsOrderNo: string;
    kind: string;
    amountDueFen: number;
    status: string;
    createdAt: string;
    paidFen: number;
    refundedFen: number;
  }[];
  payments: PaymentGridRow[];
  refunds: {
    refundNo: string;
    paymentNo: string;
    billingNo: string;
    channel: string;
    channelRefundId: string | null;
    merchantRefundNo: string | null;
    amountFen: number;
    refundedAt: string;
    businessDate: string;
    status: string;
    reason: string | null;
  }[];
  /** Agreed price less discount, what has been paid net of refunds, and the difference. */
  agreedFen: number;
  netPaidFen: number;
  outstandingFen: number;
}

export async function orderPicture(read: ReadDb, orderNo: string): Promise<OrderPicture | null> {
  const order = await read.get<OrderPicture['order']>(
    `SELECT order_no AS orderNo, customer_name AS customerName, model, status, delivery_center AS deliveryCenter,
            price_fen AS priceFen, discount_fen AS discountFen, due_fen AS dueFen, paid_fen AS paidFen,
            refunded_fen AS refundedFen, payment_count AS paymentCount, created_at AS createdAt, updated_at AS updatedAt
     FROM vehicle_order WHERE order_no = ?`,
    [orderNo],
  );
  if (!order) return null;
  const [subOrders, billings, payments, refunds] = await Promise.all([
    read.all<OrderPicture['subOrders'][number]>(
      `SELECT sub_order_no AS subOrderNo, kind, status, detail, updated_at AS updatedAt FROM sub_order
       WHERE order_no = ? ORDER BY CASE kind WHEN 'funds' THEN 0 WHEN 'car_loan' THEN 1 WHEN 'charging_pile' THEN 2 ELSE 3 END, sub_order_no`,
      [orderNo],
    ),
    read.all<OrderPicture['billings'][number]>(
      `SELECT b.billing_no AS billingNo, b.funds_order_no AS fundsOrderNo, b.kind, b.amount_due_fen AS amountDueFen,
              b.status, b.created_at AS createdAt,
              (SELECT coalesce(sum(amount_fen), 0) FROM payment p WHERE p.billing_no = b.billing_no AND p.status = 'success') AS paidFen,
              (SELECT coalesce(sum(amount_fen), 0) FROM refund r WHERE r.billing_no = b.billing_no AND r.status = 'success') AS refundedFen
       FROM billing b WHERE b.order_no = ? ORDER BY b.created_at, b.billing_no`,
      [orderNo],
    ),
    read.all<PaymentGridRow>(
      `SELECT ${Object.entries(PAYMENT_GRID.columns)
        .map(([id, c]) => `${c.sql} AS "${id}"`)
        .join(', ')}
       FROM ${PAYMENT_GRID.from} WHERE p.order_no = ? ORDER BY p.paid_at, p.payment_no`,
      [orderNo],
    ),
    read.all<OrderPicture['refunds'][number]>(
      `SELECT refund_no AS refundNo, payment_no AS paymentNo, billing_no AS billingNo, channel,
              channel_refund_id AS channelRefundId, merchant_refund_no AS merchantRefundNo, amount_fen AS amountFen,
              refunded_at AS refundedAt, business_date AS businessDate, status, reason
       FROM refund WHERE order_no = ? ORDER BY refunded_at, refund_no`,
      [orderNo],
    ),
  ]);
  const agreedFen = order.priceFen - order.discountFen;
  const netPaidFen = order.paidFen - order.refundedFen;
  return {
    order,
    subOrders,
    billings,
    payments,
    refunds,
    agreedFen,
    netPaidFen,
    outstandingFen: agreedFen - netPaidFen,
  };
}

export interface CentralRecords {
  orders: VehicleOrderRecord[];
  billings: BillingRecord[];
  payments: PaymentRecord[];
  refunds: RefundRecord[];
}

/**
 * Every central record as the store holds it, in the feed's shape, ordered by key (sub-orders by
 * sub-order no.). Diagnostics and tests compare this with what the platform says it has.
 */
export async function readCentralRecords(read: ReadDb): Promise<CentralRecords> {
  const [orders, subs, billings, payments, refunds] = await Promise.all([
    read.all<Omit<VehicleOrderRecord, 'subOrders'>>(
      `SELECT order_no AS orderNo, customer_name AS customerName, model, price_fen AS priceFen,
              discount_fen AS discountFen, status, delivery_center AS deliveryCenter, created_at AS createdAt,
              updated_at AS updatedAt, version
       FROM vehicle_order ORDER BY order_no`,
    ),
    read.all<VehicleOrderRecord['subOrders'][number] & { orderNo: string }>(
      `SELECT order_no AS orderNo, sub_order_no AS subOrderNo, kind, status, detail, updated_at AS updatedAt
       FROM sub_order ORDER BY order_no, sub_order_no`,
    ),
    read.all<BillingRecord>(
      `SELECT billing_no AS billingNo, funds_order_no AS fundsOrderNo, order_no AS orderNo, kind,
              amount_due_fen AS amountDueFen, status, created_at AS createdAt, updated_at AS updatedAt, version
       FROM billing ORDER BY billing_no`,
    ),
    read.all<PaymentRecord>(
      `SELECT payment_no AS paymentNo, billing_no AS billingNo, order_no AS orderNo, channel, method,
              merchant_order_no AS merchantOrderNo, channel_txn_id AS channelTxnId, terminal_id AS terminalId,
              ref_no AS refNo, voucher_no AS voucherNo, payer_account AS payerAccount, payer_name AS payerName,
              amount_fen AS amountFen, paid_at AS paidAt, status, updated_at AS updatedAt, version
       FROM payment ORDER BY payment_no`,
    ),
    read.all<RefundRecord>(
      `SELECT refund_no AS refundNo, payment_no AS paymentNo, billing_no AS billingNo, order_no AS orderNo, channel,
              channel_refund_id AS channelRefundId, merchant_refund_no AS merchantRefundNo, amount_fen AS amountFen,
              refunded_at AS refundedAt, status, reason, updated_at AS updatedAt, version
       FROM refund ORDER BY refund_no`,
    ),
  ]);
  const byOrder = new Map<string, VehicleOrderRecord['subOrders']>();
  for (const { orderNo, ...s } of subs) {
    const list = byOrder.get(orderNo);
    if (list) list.push(s);
    else byOrder.set(orderNo, [s]);
  }
  return {
    orders: orders.map((o) => ({ ...o, subOrders: byOrder.get(o.orderNo) ?? [] })),
    billings,
    payments,
    refunds,
  };
}

/** Every row of the central tables, all columns, in primary-key order (for exact comparisons). */
export async function dumpCentralTables(
  read: ReadDb,
): Promise<Record<'vehicle_order' | 'sub_order' | 'billing' | 'payment' | 'refund', Record<string, unknown>[]>> {
  const [vehicle_order, sub_order, billing, payment, refund] = await Promise.all([
    read.all('SELECT * FROM vehicle_order ORDER BY order_no'),
    read.all('SELECT * FROM sub_order ORDER BY sub_order_no'),
    read.all('SELECT * FROM billing ORDER BY billing_no'),
    read.all('SELECT * FROM payment ORDER BY payment_no'),
    read.all('SELECT * FROM refund ORDER BY refund_no'),
  ]);
  return { vehicle_order, sub_order, billing, payment, refund };
}
