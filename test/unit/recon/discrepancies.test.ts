// Every discrepancy type (reconciliation.md §6) on small hand-built days, TIMING across days (§5),
// the three-way settlement check (§10) and order completeness (§9).
import { describe, expect, it } from 'vitest';
import { billing, discs, line, newStore, order, pairs, payment, run, seed, statement } from './helpers';
import { upsertBillings } from '../../../src-main/store/orders';
import { checkOrders } from '../../../src-main/recon/engine';

const D = '2026-10-01';
const D1 = '2026-10-02';
const at = (hm: string, day = D) => `${day}T${hm}:00+08:00`;
const types = async (store: Parameters<typeof discs>[0]) => (await discs(store)).map((d) => [d.type, d.amount_fen]);

describe('discrepancies', () => {
  it('长款 and 短款: a line with no internal item, an internal item with no line', async () => {
    const store = await newStore();
    await seed(store, [payment('P1', 'O1', 'B1', { paidAt: at('10:00'), amountFen: 500000 })]);
    await statement(store, 'wechat', D, [line({ amountFen: 800000, channelTxnId: 'T-UNKNOWN', merchantOrderNo: 'M-UNKNOWN' })]);
    const out = await run(store, 'wechat');
    expect(await types(store)).toEqual([['long', 800000], ['short', -500000]]);
    expect(out.open.long).toEqual({ count: 1, fen: 800000 });
    expect(out.open.short).toEqual({ count: 1, fen: 500000 });
    expect(out.proof).toEqual({ ok: true, internalFen: 500000, statementFen: 800000 });
    const long = (await discs(store)).find((d) => d.type === 'long')!;
    expect(JSON.parse(long.keys_json)).toMatchObject({ channelTxnId: 'T-UNKNOWN', merchantOrderNo: 'M-UNKNOWN', lineNo: 1 });
    expect(JSON.parse(long.members_json)).toEqual(['L|wechat|2026-10-01|P|T-UNKNOWN']);
  });

  it('AMOUNT_DIFFERS: the same transaction id with another amount', async () => {
    const store = await newStore();
    await seed(store, [payment('P1', 'O1', 'B1', { paidAt: at('10:00'), amountFen: 500000 })]);
    await statement(store, 'wechat', D, [line({ amountFen: 499000, feeFen: 2994, channelTxnId: 'TP1', merchantOrderNo: 'MP1' })]);
    await run(store, 'wechat');
    expect(await types(store)).toEqual([['amount_differs', -1000]]);
    const d = (await discs(store))[0]!;
    expect(JSON.parse(d.members_json).sort()).toEqual(['L|wechat|2026-10-01|P|TP1', 'P|P1']);
  });

  it('DUPLICATE: the same id twice on the statement, and two internal payments for one transaction', async () => {
    const store = await newStore();
    await seed(store, [
      payment('P1', 'O1', 'B1', { paidAt: at('10:00'), channelTxnId: 'TX1', merchantOrderNo: 'MX1' }),
      payment('P2', 'O2', 'B2', { paidAt: at('10:05'), channelTxnId: 'TX2', merchantOrderNo: 'MX2' }),
      payment('P3', 'O2', 'B2', { paidAt: at('10:06'), channelTxnId: 'TX2', merchantOrderNo: 'MX2' }),
    ]);
    await statement(store, 'wechat', D, [
      line({ amountFen: 500000, feeFen: 3000, channelTxnId: 'TX1', merchantOrderNo: 'MX1' }),
      line({ amountFen: 500000, feeFen: 3000, channelTxnId: 'TX1', merchantOrderNo: 'MX1' }),
      line({ amountFen: 500000, feeFen: 3000, channelTxnId: 'TX2', merchantOrderNo: 'MX2' }),
    ]);
    await run(store, 'wechat');
    const d = await discs(store);
    expect(d.map((x) => [x.type, x.amount_fen, JSON.parse(x.members_json)]).sort((a, b) => Number(a[1]) - Number(b[1]))).toEqual([
      ['duplicate', -500000, ['P|P3']],
      ['duplicate', 500000, ['L|wechat|2026-10-01|P|TX1#2']],
    ]);
  });

  it('STATUS_DIFFERS: a line for a payment the platform closed, and a refund only the channel made', async () => {
    const store = await newStore();
    const paid = payment('P1', 'O1', 'B1', { paidAt: at('09:00'), channelTxnId: 'TX1', merchantOrderNo: 'MX1' });
    await seed(store, [paid, payment('P2', 'O2', 'B2', { paidAt: at('10:00'), channelTxnId: 'TX2', merchantOrderNo: 'MX2', status: 'closed' })]);
    await statement(store, 'wechat', D, [
      line({ amountFen: 500000, feeFen: 3000, channelTxnId: 'TX1', merchantOrderNo: 'MX1' }),
      line({ amountFen: 500000, feeFen: 3000, channelTxnId: 'TX2', merchantOrderNo: 'MX2' }),
      line({ amountFen: -500000, feeFen: -3000, kind: 'refund', channelTxnId: 'WXR9', refundNo: 'WXR9', originalTxnId: 'TX1', merchantOrderNo: 'MX1' }),
    ]);
    const out = await run(store, 'wechat');
    expect(await types(store)).toEqual([['status_differs', -500000], ['status_differs', 500000]]);
    expect(out.open.status_differs).toEqual({ count: 2, fen: 1000000 });
    expect(out.proof.ok).toBe(true);
  });

  it('FEE_DIFFERS beyond 1 fen per line; a 1-fen difference is within tolerance', async () => {
    const store = await newStore();
    await seed(store, [
      payment('P1', 'O1', 'B1', { paidAt: at('09:00'), amountFen: 123456 }), // 0.6 % = 740.7 → 741
      payment('P2', 'O2', 'B2', { paidAt: at('09:10'), amountFen: 123456 }),
    ]);
    await statement(store, 'wechat', D, [
      line({ amountFen: 123456, feeFen: 742, channelTxnId: 'TP1' }),
      line({ amountFen: 123456, feeFen: 750, channelTxnId: 'TP2' }),
    ]);
    const out = await run(store, 'wechat');
    expect(await types(store)).toEqual([['fee_differs', -9]]);
    expect(out.matched.count).toBe(2);
    expect(out.open.fee_differs).toEqual({ count: 1, fen: 9 });
  });

  it('不明来款: a bank credit that names no order and matches nothing', async () => {
    const store = await newStore();
    await statement(store, 'wire', D, [line({ amountFen: 1234500, remark: '往来款', payerName: '某某公司', channelTxnId: 'BK9' })]);
    const out = await run(store, 'wire');
    expect(await types(store)).toEqual([['wire_without_order', 1234500]]);
    expect(out.open.wire_without_order.count).toBe(1);
  });

  it('a wire short by a bank charge is AMOUNT_DIFFERS; another payer\'s credit naming the order is not', async () => {
    const store = await newStore();
    const wire = { channel: 'wire' as const, method: 'wire' as const, channelTxnId: null, merchantOrderNo: null, paidAt: at('10:00') };
    await seed(store, [
      payment('P1', 'VO1', 'B1', { ...wire, amountFen: 5000000, payerAccount: '6222000011112222', payerName: '王伟' }),
      payment('P2', 'VO2', 'B2', { ...wire, amountFen: 2000000, payerAccount: '6222000033334444', payerName: '李娜' }),
    ]);
    await statement(store, 'wire', D, [
      line({ amountFen: 4999000, remark: '购车款 VO1', payerAccount: '6222000011112222', payerName: '王伟', channelTxnId: 'BK1' }),
      line({ amountFen: 2888800, remark: '购车款 VO2', payerAccount: '6230000099998888', payerName: '褚某', channelTxnId: 'BK2' }),
    ]);
    await run(store, 'wire');
    expect((await discs(store)).map((d) => [d.type, d.amount_fen, (JSON.parse(d.members_json) as string[]).sort()])).toEqual([
      ['amount_differs', -1000, ['L|wire|2026-10-01|P|BK1', 'P|P1']],
      ['long', 2888800, ['L|wire|2026-10-01|P|BK2']],
      ['timing', -2000000, ['P|P2']],
    ]);
  });

  it('TIMING near the cut-off: carried, matched by the next day\'s statement, cleared automatically', async () => {
    const store = await newStore();
    await seed(store, [payment('P1', 'O1', 'B1', { paidAt: at('23:58'), channelTxnId: 'TX1' })]);
    await statement(store, 'wechat', D, []);
    const d0 = await run(store, 'wechat', D);
    expect((await discs(store)).map((d) => [d.type, d.state, d.carry_until])).toEqual([['timing', 'carried', '2026-10-04']]);
    expect(d0.open.timing).toEqual({ count: 1, fen: 500000 });
    await statement(store, 'wechat', D1, [line({ amountFen: 500000, feeFen: 3000, channelTxnId: 'TX1', occurredAt: at('00:00:01'.slice(0, 5), D1), businessDate: D1 })]);
    const d1 = await run(store, 'wechat', D1);
    expect(await discs(store)).toEqual([]);
    expect((await discs(store, "state = 'resolved'")).map((d) => [d.type])).toEqual([['timing']]);
    expect((await pairs(store)).map((p) => p.item_key)).toEqual(['P|P1']);
    expect(d1.proof.ok).toBe(true);
    // The first day's figures now count the item as matched.
    const day = await store.read.get<{ matched_internal_fen: number; proof_ok: number }>(
      "SELECT matched_internal_fen, proof_ok FROM recon_day WHERE channel = 'wechat' AND business_date = ?", [D]);
    expect(day).toEqual({ matched_internal_fen: 500000, proof_ok: 1 });
    // Re-running the second day gives the same result; re-running the first leaves the match alone.
    await run(store, 'wechat', D1);
    await run(store, 'wechat', D);
    expect(await discs(store)).toEqual([]);
    expect((await pairs(store)).map((p) => p.item_key)).toEqual(['P|P1']);
  });

  it('TIMING that never arrives becomes 短款 after the buffer days (same id); statement lines are never carried', async () => {
    const store = await newStore();
    await seed(store, [payment('P1', 'O1', 'B1', { paidAt: at('23:58'), channelTxnId: 'TX1' })]);
    await statement(store, 'wechat', D, [line({ amountFen: 100, channelTxnId: 'TL', merchantOrderNo: 'ML' })]);
    await run(store, 'wechat', D);
    const [timing] = (await discs(store)).filter((d) => d.type === 'timing');
    for (const day of ['2026-10-02', '2026-10-03']) await run(store, 'wechat', day);
    expect((await discs(store)).map((d) => d.type).sort()).toEqual(['long', 'timing']);
    await run(store, 'wechat', '2026-10-04');
    const after = await discs(store);
    expect(after.map((d) => [d.type, d.state]).sort()).toEqual([['long', 'open'], ['short', 'open']]);
    expect(after.find((d) => d.type === 'short')!.id).toBe(timing!.id);
    // Undone and redone by a re-run of the expiring day.
    await run(store, 'wechat', '2026-10-04');
    expect((await discs(store)).map((d) => d.type).sort()).toEqual(['long', 'short']);
  });

  it('three-way check: the day\'s net arrives as the acquirer\'s bank credit the next day; short by 1 yuan → SETTLEMENT_DIFFERS', async () => {
    for (const credited of [497000, 496900]) {
      const store = await newStore();
      await seed(store, [payment('P1', 'O1', 'B1', { paidAt: at('10:00'), channelTxnId: 'TX1' })]);
      await statement(store, 'wechat', D, [line({ amountFen: 500000, feeFen: 3000, channelTxnId: 'TX1' })]);
      await statement(store, 'wire', D1, [
        line({ amountFen: credited, payerName: '财付通支付科技有限公司', remark: '微信支付结算', channelTxnId: 'BKS1', occurredAt: at('09:00', D1), businessDate: D1 }),
      ]);
      await run(store, 'wechat', D);
      const wire = await run(store, 'wire', D1);
      const settled = await store.read.all<{ pass: string; internal_fen: number; statement_fen: number }>(
        "SELECT pass, internal_fen, statement_fen FROM recon_match WHERE pass = 'settlement'");
      if (credited === 497000) {
        expect(settled).toEqual([{ pass: 'settlement', internal_fen: 497000, statement_fen: 497000 }]);
        expect(await discs(store)).toEqual([]);
      } else {
        expect(settled).toEqual([]);
        expect(await types(store)).toEqual([['settlement_differs', -100]]);
      }
      // The acquirer's credit is never taken for a customer's wire.
      expect(wire.open.wire_without_order.count + wire.open.long.count).toBe(0);
      expect(wire.proof).toEqual({ ok: true, internalFen: 0, statementFen: 0 });
    }
  });

  it('cash: each deposit slip reaches the bank; a slip with no credit is SETTLEMENT_DIFFERS', async () => {
    const store = await newStore();
    const cash = { channel: 'cash' as const, method: 'cash' as const, merchantOrderNo: null, paidAt: at('10:00') };
    await seed(store, [
      payment('P1', 'VO1', 'B1', { ...cash, channelTxnId: 'SK1', amountFen: 1000000 }),
      payment('P2', 'VO2', 'B2', { ...cash, channelTxnId: 'SK2', amountFen: 500000 }),
    ]);
    await statement(store, 'cash', D, [
      line({ amountFen: 1000000, channelTxnId: 'SK1', merchantOrderNo: 'VO1', batchNo: 'JK1' }),
      line({ amountFen: 500000, channelTxnId: 'SK2', merchantOrderNo: 'VO2', batchNo: 'JK2' }),
      line({ amountFen: -1000000, kind: 'settlement', channelTxnId: 'JK1' }),
      line({ amountFen: -500000, kind: 'settlement', channelTxnId: 'JK2' }),
    ]);
    await statement(store, 'wire', D, [line({ amountFen: 1000000, remark: '现金缴款 JK1', payerName: '本公司', channelTxnId: 'BKC1' })]);
    // A slip may be credited the next day: with only day D's bank statement nothing is said about JK2.
    await run(store, 'cash', D);
    expect(await types(store)).toEqual([]);
    await statement(store, 'wire', D1, [], '755912345610001');
    const out = await run(store, 'cash', D);
    expect(out.proof.ok).toBe(true);
    expect(await store.read.all("SELECT pass, internal_fen FROM recon_match WHERE pass = 'settlement'")).toEqual([{ pass: 'settlement', internal_fen: 1000000 }]);
    expect(await types(store)).toEqual([['settlement_differs', -500000]]);
  });

  it('a POS void: the payment line and its 撤销 net to zero with the reversed payment; no discrepancy', async () => {
    const store = await newStore();
    const pos = { channel: 'unionpay' as const, method: 'pos_card' as const, channelTxnId: null, merchantOrderNo: null, terminalId: 'T1' };
    await seed(store, [payment('P1', 'O1', 'B1', { ...pos, paidAt: at('10:00'), refNo: 'R1', voucherNo: 'V1', status: 'reversed' })]);
    await statement(store, 'unionpay', D, [
      line({ amountFen: 500000, terminalId: 'T1', refNo: 'R1', voucherNo: 'V1' }),
      line({ amountFen: -500000, kind: 'reversal', terminalId: 'T1', refNo: 'R2', voucherNo: 'V2', originalTxnId: 'V1' }),
    ]);
    const out = await run(store, 'unionpay');
    expect(await discs(store)).toEqual([]);
    expect(await store.read.all('SELECT pass, shape, statement_fen FROM recon_match')).toEqual([{ pass: 'void', shape: '1:N', statement_fen: 0 }]);
    expect(out.proof).toEqual({ ok: true, internalFen: 0, statementFen: 0 });
  });

  it('ORDER_INCOMPLETE: a delivered order whose payments less refunds miss the agreed price', async () => {
    const store = await newStore();
    const o1 = order('VO1', { status: 'delivered', priceFen: 1000000, discountFen: 0 });
    const o2 = order('VO2', { status: 'delivered', priceFen: 500000, discountFen: 0 });
    await seed(store, [payment('P1', 'VO1', 'B1', { amountFen: 900000 }), payment('P2', 'VO2', 'B2', { amountFen: 500000 })], [], [o1, o2]);
    expect(await checkOrders(store, 'zhang.kj')).toBe(1);
    const d = await discs(store);
    expect(d.map((x) => [x.type, x.amount_fen, JSON.parse(x.keys_json).orderNo])).toEqual([['order_incomplete', -100000, 'VO1']]);
  });

  it('ORDER_INCOMPLETE counts the car\'s billings only: after-sales (window film) is another funds order', async () => {
    const store = await newStore();
    const complete = order('VO1', { status: 'delivered', priceFen: 500000, discountFen: 0 });
    const short = order('VO2', { status: 'delivered', priceFen: 600000, discountFen: 0 });
    await seed(store, [
      payment('P1', 'VO1', 'B1'), payment('P2', 'VO2', 'B2'),
      payment('P3', 'VO1', 'BF1', { amountFen: 80000 }), payment('P4', 'VO2', 'BF2', { amountFen: 100000 }),
    ], [], [complete, short]);
    // After delivery: window film on both, its own funds order; on VO2 it makes the total look like the price.
    await store.write((tx) => upsertBillings(tx, [
      billing('BF1', 'VO1', { kind: 'window_film', amountDueFen: 80000, fundsOrderNo: 'VO1-F2', version: 2 }),
      billing('BF2', 'VO2', { kind: 'window_film', amountDueFen: 100000, fundsOrderNo: 'VO2-F2', version: 2 }),
    ]));
    expect(await store.read.all("SELECT billing_no FROM billing WHERE kind = 'window_film' ORDER BY 1")).toEqual([{ billing_no: 'BF1' }, { billing_no: 'BF2' }]);
    await checkOrders(store, 'zhang.kj');
    expect((await discs(store)).map((x) => [x.type, x.amount_fen, JSON.parse(x.keys_json).orderNo])).toEqual([['order_incomplete', -100000, 'VO2']]);
  });
});
