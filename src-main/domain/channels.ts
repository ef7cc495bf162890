// The seven channels, always in this order (domain.md). Every list, grid and export uses CHANNELS.

export const CHANNEL_CODES = ['wechat', 'alipay', 'lakala', 'unionpay', 'allinpay', 'cash', 'wire'] as const;
export type Channel = (typeof CHANNEL_CODES)[number];

export const CHANNELS: ReadonlyArray<{ code: Channel; zh: string; en: string }> = [
  { code: 'wechat', zh: '微信支付', en: 'WeChat Pay' },
  { code: 'alipay', zh: '支付宝', en: 'Alipay' },
  { code: 'lakala', zh: '拉卡拉', en: 'Lakala' },
  { code: 'unionpay', zh: '银联POS', en: 'UnionPay POS' },
  { code: 'allinpay', zh: '通联', en: 'Allinpay' },
  { code: 'cash', zh: '现金', en: 'Cash' },
  { code: 'wire', zh: '电汇', en: 'Wire transfer' },
];

export function channelRank(code: string): number {
  const i = CHANNEL_CODES.indexOf(code as Channel);
  return i < 0 ? CHANNEL_CODES.length : i;
}

/** SQL expression ordering a channel column in the fixed channel order. */
export function channelOrderSql(column: string): string {
  return `CASE ${column} ${CHANNEL_CODES.map((c, i) => `WHEN '${c}' THEN ${i}`).join(' ')} ELSE 99 END`;
}

export const PAYMENT_METHODS = ['app', 'web_qr', 'pos_card', 'pos_scan', 'cash', 'wire', 'loan_disbursement'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const BILLING_KINDS = [
  'small_deposit',
  'large_deposit',
  'final_payment',
  'accessories',
  'window_film',
  'repair',
  'leasing',
] as const;
export type BillingKind = (typeof BILLING_KINDS)[number];

export const SUB_ORDER_KINDS = ['charging_pile', 'funds', 'car_loan', 'production'] as const;
export type SubOrderKind = (typeof SUB_ORDER_KINDS)[number];

export const ORDER_STATUSES = ['created', 'locked', 'delivered', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
