// A business day that produces every journal event: 小定 and 大定 receipts, a loan disbursement by
// wire, an after-sales receipt, a refund, channel fees, a withdrawal to the bank, an approved 长款
// adjustment and an approved 短款 write-off (reconciled and decided through the real services).
import type { Store } from '../../../src-main/store';
import { upsertBillings, upsertPayments, upsertRefunds, upsertVehicleOrders } from '../../../src-main/store/orders';
import { openDiscrepancies } from '../../../src-main/store/recon-score';
import { decide, propose } from '../../../src-main/recon/resolutions';
import type { PaymentRecord } from '../../../src-main/central/records';
import type { BillingKind } from '../../../src-main/domain/channels';
import { billing, line, newStore, order, payment, refund, run, statement } from '../recon/helpers';

export const DAY = '2026-10-01';
const NOON = '2026-10-01T12:00:00+08:00';

export async function seedPayments(store: Store, list: { p: PaymentRecord; kind: BillingKind }[]): Promise<void> {
  await store.write(async (tx) => {
    await upsertVehicleOrders(tx, [...new Set(list.map((x) => x.p.orderNo))].map((n) => order(n)));
    await upsertBillings(tx, list.map((x) => billing(x.p.billingNo, x.p.orderNo, { kind: x.kind, amountDueFen: x.p.amountFen })));
    await upsertPayments(tx, list.map((x) => x.p));
  });
}

/** The day with every event (into the given store, or a new one in memory), its discrepancy decisions done. */
export async function everyEventDay(store?: Store): Promise<Store> {
  store ??= await newStore();
  const small1 = payment('P1', 'O1', 'B1', { paidAt: NOON, amountFen: 500000 });
  const small2 = payment('P2', 'O2', 'B2', { paidAt: NOON, amountFen: 500000 });
  const short = payment('P3', 'O3', 'B3', { paidAt: NOON, amountFen: 20000 });
  const large = payment('P4', 'O4', 'B4', {
    channel: 'unionpay', method: 'pos_card', paidAt: NOON, amountFen: 5000000, merchantOrderNo: null, channelTxnId: null,
    terminalId: 'T001', refNo: 'R0001',
  });
  const loan = payment('P5', 'O5', 'B5', {
    channel: 'wire', method: 'loan_disbursement', paidAt: NOON, amountFen: 20000000, merchantOrderNo: null, channelTxnId: null,
  });
  const after = payment('P6', 'O6', 'B6', { channel: 'alipay', paidAt: NOON, amountFen: 128800 });
  const lakalaShort = payment('P7', 'O7', 'B7', { channel: 'lakala', paidAt: NOON, amountFen: 15000 });
  await seedPayments(store, [
    { p: small1, kind: 'small_deposit' },
    { p: small2, kind: 'small_deposit' },
    { p: short, kind: 'small_deposit' },
    { p: large, kind: 'large_deposit' },
    { p: loan, kind: 'final_payment' },
    { p: after, kind: 'accessories' },
    { p: lakalaShort, kind: 'small_deposit' },
  ]);
  const rf = refund('RF1', small2, { refundedAt: NOON, amountFen: 500000 });
  await store.write((tx) => upsertRefunds(tx, [rf]));
  await statement(store, 'wechat', DAY, [
    line({ amountFen: 500000, feeFen: 3000, channelTxnId: 'TP1', merchantOrderNo: 'MP1', occurredAt: NOON }),
    line({ amountFen: 500000, feeFen: 3000, channelTxnId: 'TP2', merchantOrderNo: 'MP2', occurredAt: NOON }),
    line({ amountFen: -500000, kind: 'refund', channelTxnId: 'RRF1', refundNo: 'MRRF1', originalTxnId: 'TP2', occurredAt: NOON }),
    line({ amountFen: 10000, channelTxnId: 'TLONG', merchantOrderNo: 'MLONG', occurredAt: NOON }),
    line({ amountFen: -494000, kind: 'settlement', occurredAt: NOON }),
  ]);
  await run(store, 'wechat', DAY);
  const open = await openDiscrepancies(store.read, { date: DAY, channel: 'wechat' });
  const longD = open.find((d) => d.type === 'long');
  const shortD = open.find((d) => d.type === 'short');
  if (!longD || !shortD) throw new Error(`fixture: expected a long and a short, got ${open.map((d) => d.type).join(', ')}`);
  const adj = await propose(store, 'adjustment', { discrepancyId: longD.id, actor: 'zhang.kj', reasonCode: 'unexplained', comment: '长款待查' });
  await decide(store, 'adjustment', 'approved', { adjustmentId: adj.id, actor: 'li.fh' });
  const wo = await propose(store, 'writeoff', { discrepancyId: shortD.id, actor: 'zhang.kj', reasonCode: 'unexplained', comment: '短款核销' });
  await decide(store, 'writeoff', 'approved', { adjustmentId: wo.id, actor: 'li.fh' });
  // Lakala: a 短款 adjusted (pending investigation) and a 长款 written off to other income.
  await statement(store, 'lakala', DAY, [line({ amountFen: 800, channelTxnId: 'TLK-LONG', merchantOrderNo: 'MLK-LONG', occurredAt: NOON })]);
  await run(store, 'lakala', DAY);
  const lk = await openDiscrepancies(store.read, { date: DAY, channel: 'lakala' });
  const lkLong = lk.find((d) => d.type === 'long');
  const lkShort = lk.find((d) => d.type === 'short');
  if (!lkLong || !lkShort) throw new Error(`fixture: expected a lakala long and short, got ${lk.map((d) => d.type).join(', ')}`);
  const adj2 = await propose(store, 'adjustment', { discrepancyId: lkShort.id, actor: 'zhang.kj', reasonCode: 'unexplained', comment: '短款待查' });
  await decide(store, 'adjustment', 'approved', { adjustmentId: adj2.id, actor: 'li.fh' });
  const wo2 = await propose(store, 'writeoff', { discrepancyId: lkLong.id, actor: 'zhang.kj', reasonCode: 'unexplained', comment: '长款核销' });
  await decide(store, 'writeoff', 'approved', { adjustmentId: wo2.id, actor: 'li.fh' });
  return store;
}
