// The demo company's data: deterministic, realistic enough to reconcile, and fast.
import { describe, expect, it, vi } from 'vitest';
import {
  CHANNEL_CONTRACTS,
  ONLINE_CAP_FEN,
  SMALL_DEPOSIT_FEN,
  feeFen,
  generateOrder,
  generatePaymentBatches,
  isoAt,
  iterateOrders,
  resolveConfig,
  statementDate,
  type SandboxOrder,
} from '../../../src-main/sandbox/data';
import { BillingRecord, PaymentRecord, RefundRecord, VehicleOrderRecord } from '../../../src-main/central/records';
import { businessDate, toShanghaiIso } from '../../../src-main/domain/dates';

const VEHICLE_KINDS = new Set(['small_deposit', 'large_deposit', 'final_payment']);

function all(seed: number | string, orders: number, days?: number): SandboxOrder[] {
  return [...iterateOrders({ seed, orders, days })];
}

describe('sandbox data is deterministic', () => {
  it('same seed → same data; different seed → different data', () => {
    const a = JSON.stringify(all(42, 300));
    expect(JSON.stringify(all(42, 300))).toBe(a);
    expect(JSON.stringify(all(43, 300))).not.toBe(a);
    expect(JSON.stringify(all('42', 300))).toBe(a); // the seed is hashed as text
  });

  it('any order can be generated alone and equals the streamed one', () => {
    const cfg = resolveConfig({ seed: 9, orders: 500 });
    const streamed = all(9, 500);
    for (const i of [0, 1, 250, 499]) expect(generateOrder(cfg, i)).toEqual(streamed[i]);
  });

  it('does not read the clock', () => {
    const before = JSON.stringify(all(5, 100));
    const spy = vi.spyOn(Date, 'now').mockReturnValue(Date.parse('2031-01-01T00:00:00Z'));
    try {
      expect(JSON.stringify(all(5, 100))).toBe(before);
    } finally {
      spy.mockRestore();
    }
    expect(spy).not.toHaveBeenCalled();
  });

  it('formats timestamps exactly as domain/dates does', () => {
    const cfg = resolveConfig({ seed: 1, orders: 1 });
    for (let k = 0; k < 5000; k++) {
      const ms =
        cfg.startMs - 86_400_000 + Math.floor((((k * 2654435761) % 4294967296) / 4294967296) * 90 * 86_400) * 1000;
      expect(isoAt(ms)).toBe(toShanghaiIso(ms));
    }
    expect(isoAt(Date.parse('2026-10-01T23:59:59+08:00'))).toBe('2026-10-01T23:59:59+08:00');
    expect(isoAt(Date.parse('2026-10-02T00:00:00+08:00'))).toBe('2026-10-02T00:00:00+08:00');
  });

  it('refuses impossible configurations', () => {
    expect(() => resolveConfig({ seed: 1, orders: -1 })).toThrow(/orders/);
    expect(() => resolveConfig({ seed: 1, orders: 10, days: 0 })).toThrow(/days/);
    expect(() => resolveConfig({ seed: 1, orders: 10, startDate: '2026-02-30' })).toThrow(/startDate/);
  });
});

describe('sandbox data is realistic', () => {
  const cfg = resolveConfig({ seed: 2026, orders: 3000 });
  const orders = all(2026, 3000);
  const payments = orders.flatMap((o) => o.payments);
  const billings = orders.flatMap((o) => o.billings);
  const refunds = orders.flatMap((o) => o.refunds);

  it('every record matches the central API contract and lies before the sandbox clock', () => {
    for (const o of orders) {
      expect(VehicleOrderRecord.safeParse(o.order.record).success).toBe(true);
      expect(Date.parse(o.order.record.updatedAt)).toBeLessThan(cfg.nowMs);
      expect(o.order.atMs).toBe(Date.parse(o.order.record.updatedAt));
    }
    for (const b of billings) {
      expect(BillingRecord.safeParse(b.record).success).toBe(true);
      expect(b.atMs).toBe(Date.parse(b.record.updatedAt));
    }
    for (const p of payments) {
      expect(PaymentRecord.safeParse(p.record).success).toBe(true);
      expect(p.atMs).toBe(Date.parse(p.record.updatedAt));
      expect(p.atMs).toBeLessThan(cfg.nowMs);
    }
    for (const r of refunds) expect(RefundRecord.safeParse(r.record).success).toBe(true);
    expect(new Set(payments.map((p) => p.record.paymentNo)).size).toBe(payments.length);
  });

  it('has the order mix: prices, discounts, sub-orders, statuses that moved', () => {
    const statuses = new Set(orders.map((o) => o.order.record.status));
    expect([...statuses].sort()).toEqual(['cancelled', 'created', 'delivered', 'locked']);
    for (const o of orders) {
      const r = o.order.record;
      expect(r.priceFen).toBeGreaterThanOrEqual(200_000_00);
      expect(r.priceFen).toBeLessThanOrEqual(450_000_00);
      expect(r.subOrders.map((s) => s.kind).slice(0, 4)).toEqual(['charging_pile', 'funds', 'car_loan', 'production']);
      if (r.status === 'created') expect(r.version).toBe(1);
      if (r.status === 'delivered') expect(r.version).toBeGreaterThanOrEqual(4);
    }
    expect(orders.filter((o) => o.order.record.discountFen > 0).length).toBeGreaterThan(500);
    expect(
      orders.some((o) => o.order.record.subOrders.some((s) => s.kind === 'car_loan' && s.status === 'disbursed')),
    ).toBe(true);
    expect(orders.some((o) => o.order.record.subOrders.filter((s) => s.kind === 'funds').length > 1)).toBe(true);
  });

  it('every delivered vehicle is fully paid: deposits + final payment − refunds = price − discount', () => {
    const delivered = orders.filter((o) => o.order.record.status === 'delivered');
    expect(delivered.length).toBeGreaterThan(500);
    for (const o of delivered) {
      const kindOf = new Map(o.billings.map((b) => [b.record.billingNo, b.record.kind]));
      const paid = o.payments
        .filter((p) => p.record.status === 'success' && VEHICLE_KINDS.has(kindOf.get(p.record.billingNo)!))
        .reduce((n, p) => n + p.record.amountFen, 0);
      const refunded = o.refunds
        .filter((r) => r.record.status === 'success')
        .reduce((n, r) => n + r.record.amountFen, 0);
      expect(paid - refunded).toBe(o.order.record.priceFen - o.order.record.discountFen);
    }
  });

  it('pays small deposits in the app and large amounts offline, never above the online cap', () => {
    const kindOf = new Map(billings.map((b) => [b.record.billingNo, b.record.kind]));
    for (const p of payments) {
      const r = p.record;
      if (r.method === 'app' || r.method === 'web_qr' || r.method === 'pos_scan')
        expect(r.amountFen).toBeLessThanOrEqual(ONLINE_CAP_FEN);
      if (kindOf.get(r.billingNo) === 'small_deposit') {
        expect(r.amountFen).toBe(SMALL_DEPOSIT_FEN);
        expect(['wechat', 'alipay', 'lakala']).toContain(r.channel);
      }
      if (r.channel === 'wechat' && r.status === 'success') expect(r.channelTxnId).toMatch(/^42000\d{23}$/);
      if (r.channel === 'alipay' && r.status === 'success') expect(r.channelTxnId).toMatch(/^\d{28}$/);
      if (r.channel === 'unionpay' || r.channel === 'allinpay') {
        expect(r.terminalId).toMatch(/^[0-9A-Z]{8}$/);
        expect(r.refNo).toMatch(/^\d{12}$/);
        expect(r.voucherNo).toMatch(/^\d{6}$/);
      }
      if (r.method === 'wire' || r.method === 'loan_disbursement') {
        expect(r.channel).toBe('wire');
        expect(r.payerAccount).toMatch(/^\d{12,20}$/);
        expect(r.payerName).toBeTruthy();
      }
      if (r.method === 'app' || r.method === 'web_qr') expect(r.merchantOrderNo).toMatch(/^MO\d{17}$/);
    }
    const methods = new Set(payments.map((p) => `${p.record.channel}/${p.record.method}`));
    for (const m of [
      'wechat/app',
      'alipay/app',
      'lakala/app',
      'lakala/web_qr',
      'unionpay/pos_card',
      'unionpay/pos_scan',
      'allinpay/pos_card',
      'cash/cash',
      'wire/wire',
      'wire/loan_disbursement',
    ])
      expect(methods).toContain(m);
    const statuses = new Set(payments.map((p) => p.record.status));
    expect([...statuses].sort()).toEqual(['closed', 'reversed', 'success']);
    const kinds = new Set(billings.map((b) => b.record.kind));
    expect(kinds.size).toBe(7);
  });

  it('has cancellations refunded through the original channel, and payments around midnight', () => {
    const byNo = new Map(payments.map((p) => [p.record.paymentNo, p.record]));
    expect(refunds.length).toBeGreaterThan(100);
    for (const r of refunds) {
      const p = byNo.get(r.record.paymentNo)!;
      expect(r.record.channel).toBe(p.channel);
      expect(r.record.amountFen).toBeLessThanOrEqual(p.amountFen);
      expect(orders[Number(r.record.orderNo.slice(-7)) - 1]!.order.record.status).toBe('cancelled');
    }
    const nearMidnight = payments.filter((p) => {
      const t = p.record.paidAt.slice(11, 16);
      return t >= '23:50' || t <= '00:10';
    });
    expect(nearMidnight.length).toBeGreaterThan(20);
  });

  it('keeps the facts a channel statement needs', () => {
    for (const p of payments) {
      const { facts, record } = p;
      if (record.status === 'closed') expect(facts.feeFen).toBe(0);
      else expect(facts.feeFen).toBe(feeFen(record.amountFen, facts.feeRatePpm, facts.feeCapFen));
      expect(facts.statementDate).toBe(statementDate(record.channel, p.paidMs));
      if (record.channel === 'cash' || record.channel === 'wire') expect(facts.settlementDate).toBeNull();
      else expect(facts.settlementDate! > facts.statementDate).toBe(true);
      if (record.method === 'pos_card') expect(facts.cardMasked).toMatch(/^\d{6}\*{6}\d{4}$/);
      if (record.channel === 'cash') expect(facts.depositSlipNo).toMatch(/^JK/);
    }
    // UnionPay's day ends at 23:00: a 23:30 payment belongs to the next statement.
    const late = Date.parse('2026-10-05T23:30:00+08:00');
    expect(statementDate('unionpay', late)).toBe('2026-10-06');
    expect(statementDate('wechat', late)).toBe('2026-10-05');
    expect(CHANNEL_CONTRACTS.unionpay.cutoffHour).toBe(23);
    expect(businessDate(toShanghaiIso(late))).toBe('2026-10-05');
  });
});

describe('sandbox data is fast and streams', () => {
  // Speed is measured by the sync benchmark (npm run bench), not here: this checks the volume only.
  it('generates 30k orders lazily with their payments', () => {
    let orders = 0;
    let payments = 0;
    for (const o of iterateOrders({ seed: 1, orders: 30_000 })) {
      orders++;
      payments += o.payments.length;
    }
    expect(orders).toBe(30_000);
    expect(payments).toBeGreaterThan(60_000);
  });

  it('yields exactly the requested number of payment records in batches', () => {
    let n = 0;
    let batches = 0;
    for (const b of generatePaymentBatches({ seed: 3, payments: 12_345, batchSize: 1000 })) {
      expect(b.length).toBeLessThanOrEqual(1000);
      n += b.length;
      batches++;
    }
    expect(n).toBe(12_345);
    expect(batches).toBe(13);
  });
});
