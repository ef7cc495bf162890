// The orders aggregate's upserts: the platform's version decides, totals follow the rows.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../src-main/store';
import {
  dumpCentralTables,
  orderPicture,
  readCentralRecords,
  storeTotals,
  upsertBillings,
  upsertPayments,
  upsertRefunds,
  upsertVehicleOrders,
} from '../../../src-main/store/orders';
import {
  getCursor,
  listCursors,
  markInterruptedSyncRuns,
  setCursor,
  startSyncRun,
  lastSyncRun,
} from '../../../src-main/store/sync-state';
import { generateOrder, resolveConfig, type SandboxOrder } from '../../../src-main/sandbox/data';

/** A delivered order with a refund-free history, from the sandbox's generator. */
function sampleOrder(): SandboxOrder {
  const cfg = resolveConfig({ seed: 'store-test', orders: 200 });
  for (let i = 0; i < cfg.orders; i++) {
    const o = generateOrder(cfg, i);
    if (o.order.record.status === 'delivered' && o.payments.length >= 3 && o.refunds.length === 0) return o;
  }
  throw new Error('no delivered order in the sample');
}

describe('store/orders upserts', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore(':memory:');
  });
  afterEach(async () => {
    await store.close();
  });

  it('inserts a whole order and derives its totals', async () => {
    const o = sampleOrder();
    await store.write(async (tx) => {
      await upsertVehicleOrders(tx, [o.order.record]);
      await upsertBillings(
        tx,
        o.billings.map((b) => b.record),
      );
      await upsertPayments(
        tx,
        o.payments.map((p) => p.record),
      );
    });
    const pic = await orderPicture(store.read, o.order.record.orderNo);
    const paid = o.payments.filter((p) => p.record.status === 'success').reduce((n, p) => n + p.record.amountFen, 0);
    expect(pic?.order.paidFen).toBe(paid);
    expect(pic?.subOrders).toHaveLength(o.order.record.subOrders.length);
    // A delivered order is complete: agreed price less discount = net paid on its vehicle billings;
    // after-sales billings come on top.
    const vehicleKinds = ['small_deposit', 'large_deposit', 'final_payment'];
    const afterSalesPaid = o.payments
      .filter((p) => p.record.status === 'success')
      .filter(
        (p) => !vehicleKinds.includes(o.billings.find((b) => b.record.billingNo === p.record.billingNo)!.record.kind),
      )
      .reduce((n, p) => n + p.record.amountFen, 0);
    expect(pic!.outstandingFen + afterSalesPaid).toBe(0);
    const totals = await storeTotals(store.read);
    expect(totals).toMatchObject({
      orders: 1,
      billings: o.billings.length,
      payments: o.payments.length,
      paymentsFen: paid,
    });
  });

  it('keeps the highest version: an older record never overwrites a newer one', async () => {
    const o = sampleOrder();
    const v5 = { ...o.order.record, version: 5, deliveryCenter: 'BJ01', updatedAt: '2026-11-02T10:00:00+08:00' };
    const v4 = { ...o.order.record, version: 4, deliveryCenter: 'GZ01', updatedAt: '2026-11-01T10:00:00+08:00' };
    await store.write((tx) => upsertVehicleOrders(tx, [v5]));
    await store.write((tx) => upsertVehicleOrders(tx, [v4]));
    let stored = (await readCentralRecords(store.read)).orders[0]!;
    expect(stored.version).toBe(5);
    expect(stored.deliveryCenter).toBe('BJ01');
    // Equal version: unchanged too (a duplicate delivery).
    await store.write((tx) => upsertVehicleOrders(tx, [{ ...v5, deliveryCenter: 'XA01' }]));
    stored = (await readCentralRecords(store.read)).orders[0]!;
    expect(stored.deliveryCenter).toBe('BJ01');
    // Newer: applied, sub-orders included.
    const v6 = { ...v5, version: 6, subOrders: v5.subOrders.map((s) => ({ ...s, status: 'audited' })) };
    await store.write((tx) => upsertVehicleOrders(tx, [v6]));
    stored = (await readCentralRecords(store.read)).orders[0]!;
    expect(stored.version).toBe(6);
    expect(stored.subOrders.every((s) => s.status === 'audited')).toBe(true);
  });

  it('applies the highest version when the same record appears twice in one batch', async () => {
    const o = sampleOrder();
    const p = o.payments.find((x) => x.record.status === 'success')!.record;
    await store.write(async (tx) => {
      await upsertVehicleOrders(tx, [o.order.record]);
      await upsertPayments(tx, [
        { ...p, version: 2, status: 'reversed' },
        { ...p, version: 1, status: 'success' },
      ]);
    });
    const [row] = (await readCentralRecords(store.read)).payments;
    expect(row).toMatchObject({ version: 2, status: 'reversed' });
    expect((await orderPicture(store.read, p.orderNo))?.order.paidFen).toBe(0);
  });

  it('moves the order totals when a payment is reversed or refunded', async () => {
    const o = sampleOrder();
    const p = o.payments.find((x) => x.record.status === 'success')!.record;
    await store.write(async (tx) => {
      await upsertVehicleOrders(tx, [o.order.record]);
      await upsertPayments(tx, [p]);
    });
    expect((await orderPicture(store.read, p.orderNo))?.order.paidFen).toBe(p.amountFen);
    await store.write((tx) =>
      upsertRefunds(tx, [
        {
          refundNo: 'RF-T-1',
          paymentNo: p.paymentNo,
          billingNo: p.billingNo,
          orderNo: p.orderNo,
          channel: p.channel,
          channelRefundId: null,
          merchantRefundNo: null,
          amountFen: 100,
          refundedAt: '2026-10-20T23:59:30+08:00',
          status: 'success',
          reason: 'test',
          updatedAt: '2026-10-20T23:59:30+08:00',
          version: 1,
        },
      ]),
    );
    expect((await orderPicture(store.read, p.orderNo))?.order.refundedFen).toBe(100);
    expect((await dumpCentralTables(store.read)).refund[0]).toMatchObject({ business_date: '2026-10-20' });
    await store.write((tx) => upsertPayments(tx, [{ ...p, version: 2, status: 'reversed' }]));
    expect((await orderPicture(store.read, p.orderNo))?.order.paidFen).toBe(0);
  });

  it('keeps cursors per feed and marks runs a crash left running', async () => {
    expect(await getCursor(store.read, 'payments')).toBeNull();
    await store.write(async (tx) => {
      await setCursor(tx, 'payments', 'c1');
      await setCursor(tx, 'orders', 'o9');
      await setCursor(tx, 'payments', 'c2');
      await startSyncRun(tx);
    });
    expect(await listCursors(store.read)).toEqual([
      { entity: 'orders', cursor: 'o9' },
      { entity: 'payments', cursor: 'c2' },
    ]);
    expect(await store.write((tx) => markInterruptedSyncRuns(tx))).toBe(1);
    expect(await lastSyncRun(store.read)).toMatchObject({
      outcome: 'failed',
      message: expect.stringMatching(/interrupted/),
    });
  });
});
