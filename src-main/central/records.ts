// Records of the central platform's change feed (docs/central-api.md). The sync validates every
// record with these schemas before anything is written, so a malformed feed is refused, not stored.
import { z } from 'zod';
import { BILLING_KINDS, CHANNEL_CODES, ORDER_STATUSES, PAYMENT_METHODS, SUB_ORDER_KINDS } from '../domain/channels';

const fen = z.number().int().safe();
const isoWithOffset = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/, 'ISO 8601 timestamp with offset');
const id = z.string().trim().min(1).max(64);
const optionalId = z.string().trim().max(64).nullable();

export const SubOrderRecord = z.object({
  subOrderNo: id,
  kind: z.enum(SUB_ORDER_KINDS),
  status: z.string().min(1).max(32),
  detail: z.string().max(200).nullable(),
  updatedAt: isoWithOffset,
});

export const VehicleOrderRecord = z.object({
  orderNo: id,
  customerName: z.string().min(1).max(100),
  model: z.string().min(1).max(60),
  priceFen: fen.nonnegative(),
  discountFen: fen.nonnegative(),
  status: z.enum(ORDER_STATUSES),
  deliveryCenter: z.string().max(20).nullable(),
  createdAt: isoWithOffset,
  updatedAt: isoWithOffset,
  version: z.number().int().positive(),
  subOrders: z.array(SubOrderRecord).max(20),
});

export const BillingRecord = z.object({
  billingNo: id,
  fundsOrderNo: id,
  orderNo: id,
  kind: z.enum(BILLING_KINDS),
  amountDueFen: fen.nonnegative(),
  status: z.enum(['open', 'paid', 'cancelled', 'refunded']),
  createdAt: isoWithOffset,
  updatedAt: isoWithOffset,
  version: z.number().int().positive(),
});

export const PaymentRecord = z.object({
  paymentNo: id,
  billingNo: id,
  orderNo: id,
  channel: z.enum(CHANNEL_CODES),
  method: z.enum(PAYMENT_METHODS),
  merchantOrderNo: optionalId,
  channelTxnId: optionalId,
  terminalId: optionalId,
  refNo: optionalId,
  voucherNo: optionalId,
  payerAccount: optionalId,
  payerName: z.string().max(100).nullable(),
  amountFen: fen.positive(),
  paidAt: isoWithOffset,
  status: z.enum(['success', 'closed', 'reversed']),
  updatedAt: isoWithOffset,
  version: z.number().int().positive(),
});

export const RefundRecord = z.object({
  refundNo: id,
  paymentNo: id,
  billingNo: id,
  orderNo: id,
  channel: z.enum(CHANNEL_CODES),
  channelRefundId: optionalId,
  merchantRefundNo: optionalId,
  amountFen: fen.positive(),
  refundedAt: isoWithOffset,
  status: z.enum(['success', 'processing', 'failed']),
  reason: z.string().max(200).nullable(),
  updatedAt: isoWithOffset,
  version: z.number().int().positive(),
});

export type SubOrderRecord = z.infer<typeof SubOrderRecord>;
export type VehicleOrderRecord = z.infer<typeof VehicleOrderRecord>;
export type BillingRecord = z.infer<typeof BillingRecord>;
export type PaymentRecord = z.infer<typeof PaymentRecord>;
export type RefundRecord = z.infer<typeof RefundRecord>;

/** The four feeds, in the order a sync pulls them (parents before children). */
export const FEEDS = {
  orders: VehicleOrderRecord,
  billings: BillingRecord,
  payments: PaymentRecord,
  refunds: RefundRecord,
} as const;
export type FeedName = keyof typeof FEEDS;
export const FEED_NAMES = Object.keys(FEEDS) as FeedName[];

export interface FeedRecordMap {
  orders: VehicleOrderRecord;
  billings: BillingRecord;
  payments: PaymentRecord;
  refunds: RefundRecord;
}

/** One page of a feed, as the API returns it. */
export const FeedPage = z.object({
  items: z.array(z.unknown()).max(10000),
  nextCursor: z.string().min(1).max(200),
  hasMore: z.boolean(),
  /** Records after nextCursor when the page was answered (for progress; may grow while paging). */
  remaining: z.number().int().nonnegative().optional(),
});
export type FeedPage = z.infer<typeof FeedPage>;
