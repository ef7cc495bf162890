// Small hand-built central records for store and contract tests.
import type { BillingRecord, PaymentRecord, RefundRecord, VehicleOrderRecord } from '../../src-main/central/records';

export function order(no: string, over: Partial<VehicleOrderRecord> = {}): VehicleOrderRecord {
  return {
    orderNo: no,
    customerName: '王先生',
    model: 'Model Y',
    priceFen: 30000000,
    discountFen: 0,
    status: 'locked',
    deliveryCenter: 'SH01',
    createdAt: '2026-10-01T10:00:00+08:00',
    updatedAt: '2026-10-01T10:00:00+08:00',
    version: 1,
    subOrders: [
      { subOrderNo: `${no}-F`, kind: 'funds', status: 'open', detail: null, updatedAt: '2026-10-01T10:00:00+08:00' },
    ],
    ...over,
  };
}

export function billing(no: string, orderNo: string, over: Partial<BillingRecord> = {}): BillingRecord {
  return {
    billingNo: no,
    fundsOrderNo: `${orderNo}-F`,
    orderNo,
    kind: 'small_deposit',
    amountDueFen: 500000,
    status: 'paid',
    createdAt: '2026-10-01T10:00:00+08:00',
    updatedAt: '2026-10-01T10:00:00+08:00',
    version: 1,
    ...over,
  };
}

export function payment(
  no: string,
  orderNo: string,
  billingNo: string,
  over: Partial<PaymentRecord> = {},
): PaymentRecord {
  return {
    paymentNo: no,
    billingNo,
    orderNo,
    channel: 'wechat',
    method: 'app',
    merchantOrderNo: `M${no}`,
    channelTxnId: `T${no}`,
    terminalId: null,
    refNo: null,
    voucherNo: null,
    payerAccount: null,
    payerName: null,
    amountFen: 500000,
    paidAt: '2026-10-01T23:59:58+08:00',
    status: 'success',
    updatedAt: '2026-10-01T23:59:58+08:00',
    version: 1,
    ...over,
  };
}

export function refund(no: string, p: PaymentRecord, over: Partial<RefundRecord> = {}): RefundRecord {
  return {
    refundNo: no,
    paymentNo: p.paymentNo,
    billingNo: p.billingNo,
    orderNo: p.orderNo,
    channel: p.channel,
    channelRefundId: `R${no}`,
    merchantRefundNo: `MR${no}`,
    amountFen: p.amountFen,
    refundedAt: '2026-10-02T00:00:01+08:00',
    status: 'success',
    reason: '取消订单',
    updatedAt: '2026-10-02T00:00:01+08:00',
    version: 1,
    ...over,
  };
}
