// Every matching pass of every channel on small hand-built days (reconciliation.md §3).
import { describe, expect, it } from 'vitest';
import { discs, line, newStore, pairs, payment, refund, run, seed, statement } from './helpers';

const D = '2026-10-01';
const at = (hm: string, day = D) => `${day}T${hm}:00+08:00`;

describe('matching passes', () => {
  it('WeChat: transaction id, refund id, then merchant order no. for a lost callback', async () => {
    const store = await newStore();
    const p1 = payment('P1', 'O1', 'B1', { paidAt: at('10:00'), amountFen: 500000 });
    const p2 = payment('P2', 'O2', 'B2', { paidAt: at('11:00'), amountFen: 300000, channelTxnId: null }); // lost callback
    const r1 = refund('R1', p1, { refundedAt: at('12:00'), amountFen: 200000, channelRefundId: 'WXR1' });
    await seed(store, [p1, p2], [r1]);
    await statement(store, 'wechat', D, [
      line({ amountFen: 500000, feeFen: 3000, channelTxnId: 'TP1', merchantOrderNo: 'MP1' }),
      line({ amountFen: 300000, feeFen: 1800, channelTxnId: 'WX-LATE', merchantOrderNo: 'MP2' }),
      line({ amountFen: -200000, feeFen: -1200, kind: 'refund', channelTxnId: 'WXR1', refundNo: 'WXR1', merchantOrderNo: 'MP1' }),
    ]);
    const out = await run(store, 'wechat');
    expect((await pairs(store)).map((p) => [p.item_key, p.pass])).toEqual([
      ['P|P1', 'wechat.txn'], ['P|P2', 'wechat.merchant_order'], ['R|R1', 'wechat.txn'],
    ]);
    expect(await discs(store)).toEqual([]);
    expect(out.proof).toEqual({ ok: true, internalFen: 600000, statementFen: 600000 });
    expect(out.matched).toEqual({ count: 3, fen: 600000 });
  });

  it('Alipay: trade no., refunds by the merchant refund request no.', async () => {
    const store = await newStore();
    const p = payment('P1', 'O1', 'B1', { channel: 'alipay', paidAt: at('09:00'), channelTxnId: '2026100122001' });
    const r = refund('R1', p, { refundedAt: at('15:00'), amountFen: 100000, channelRefundId: '2026100122001', merchantRefundNo: 'MR1' });
    const r2 = refund('R2', p, { refundedAt: at('16:00'), amountFen: 100000, channelRefundId: '2026100122001', merchantRefundNo: 'MR2' });
    await seed(store, [p], [r, r2]);
    await statement(store, 'alipay', D, [
      line({ amountFen: 500000, feeFen: 3000, channelTxnId: '2026100122001', merchantOrderNo: 'MP1' }),
      line({ amountFen: -100000, kind: 'refund', channelTxnId: '2026100122001', refundNo: 'MR2', originalTxnId: '2026100122001' }),
      line({ amountFen: -100000, kind: 'refund', channelTxnId: '2026100122001', refundNo: 'MR1', originalTxnId: '2026100122001' }),
    ]);
    await run(store, 'alipay');
    expect((await pairs(store)).map((p) => [p.line_id, p.item_key, p.pass])).toEqual([
      [1, 'P|P1', 'alipay.txn'], [2, 'R|R2', 'alipay.txn'], [3, 'R|R1', 'alipay.txn'],
    ]);
    expect(await discs(store)).toEqual([]);
  });

  it('Lakala: the statement log no. is the trade no.\'s last 14; then merchant order no. + amount', async () => {
    const store = await newStore();
    const a = payment('P1', 'O1', 'B1', { channel: 'lakala', paidAt: at('09:00'), channelTxnId: '202610016612345678901234' });
    const b = payment('P2', 'O2', 'B2', { channel: 'lakala', paidAt: at('09:30'), channelTxnId: null, merchantOrderNo: 'MO2' });
    await seed(store, [a, b]);
    await statement(store, 'lakala', D, [
      line({ amountFen: 500000, channelTxnId: '45678901234'.padStart(14, '2'), merchantOrderNo: 'MP1' }),
      line({ amountFen: 500000, channelTxnId: '99999999999999', merchantOrderNo: 'MO2' }),
    ]);
    // '202610016612345678901234'.slice(-14) === '12345678901234'
    await store.write((tx) => tx.run("UPDATE statement_line SET channel_txn_id = '12345678901234' WHERE line_no = 1"));
    await run(store, 'lakala');
    expect((await pairs(store)).map((p) => [p.item_key, p.pass])).toEqual([['P|P1', 'lakala.txn'], ['P|P2', 'lakala.merchant_order']]);
  });

  it('UnionPay and Allinpay: terminal + 参考号 + amount, then terminal + 凭证号 + amount + day; refunds by their own 参考号', async () => {
    for (const channel of ['unionpay', 'allinpay'] as const) {
      const store = await newStore();
      const fee = channel === 'unionpay' ? 2000 : 2500; // debit-card caps: 20 and 25 yuan
      const pos = { channel, method: 'pos_card' as const, channelTxnId: null, merchantOrderNo: null, terminalId: '10010001' };
      const a = payment('P1', 'O1', 'B1', { ...pos, paidAt: at('10:00'), refNo: '100000123456', voucherNo: '123456', amountFen: 2000000 });
      const b = payment('P2', 'O2', 'B2', { ...pos, paidAt: at('11:00'), refNo: '110000654321', voucherNo: '654321', amountFen: 3000000 });
      const r = refund('R1', a, { refundedAt: at('15:00'), amountFen: 500000, channelRefundId: '150000777777', merchantRefundNo: null });
      await seed(store, [a, b], [r]);
      await statement(store, channel, D, [
        line({ amountFen: 2000000, feeFen: fee, terminalId: '10010001', refNo: '100000123456', voucherNo: '123456' }),
        // The acquirer printed another 参考号 for the second swipe: the voucher no. and day still tie it.
        line({ amountFen: 3000000, feeFen: fee, terminalId: '10010001', refNo: '999999999999', voucherNo: '654321', occurredAt: at('11:00') }),
        line({ amountFen: -500000, kind: 'refund', terminalId: '10010001', refNo: '150000777777', originalTxnId: '123456' }),
      ]);
      await run(store, channel);
      expect((await pairs(store)).map((p) => [p.item_key, p.pass])).toEqual([['P|P1', 'pos.ref'], ['P|P2', 'pos.voucher'], ['R|R1', 'pos.ref']]);
      expect(await discs(store)).toEqual([]);
    }
  });

  it('Cash: the register receipt no. (收款单号, the profile\'s channelTxnId), then order + amount + day', async () => {
    const store = await newStore();
    const cash = { channel: 'cash' as const, method: 'cash' as const, merchantOrderNo: null };
    const a = payment('P1', 'VO1', 'B1', { ...cash, channelTxnId: 'SK001', paidAt: at('10:00'), amountFen: 1000000 });
    const b = payment('P2', 'VO2', 'B2', { ...cash, channelTxnId: 'SK002', paidAt: at('11:00'), amountFen: 2000000 });
    await seed(store, [a, b]);
    await statement(store, 'cash', D, [
      line({ amountFen: 1000000, channelTxnId: 'SK001', merchantOrderNo: 'VO1' }),
      line({ amountFen: 2000000, channelTxnId: 'SK-TYPO', merchantOrderNo: 'VO2', occurredAt: at('11:05') }),
    ]);
    await run(store, 'cash');
    expect((await pairs(store)).map((p) => [p.item_key, p.pass])).toEqual([['P|P1', 'cash.receipt'], ['P|P2', 'cash.order']]);
  });

  it('Wire: order no. in the remark + amount; then a unique scored candidate; an ambiguous one is only suggested', async () => {
    const store = await newStore();
    const wire = { channel: 'wire' as const, method: 'wire' as const, channelTxnId: null, merchantOrderNo: null };
    const a = payment('P1', 'VO20261001A', 'B1', { ...wire, paidAt: at('10:00'), amountFen: 5000000, payerAccount: '6222000011112222', payerName: '王伟' });
    const b = payment('P2', 'VO20261001B', 'B2', { ...wire, paidAt: at('10:00'), amountFen: 7000000, payerAccount: '6222000033334444', payerName: '李娜' });
    const c1 = payment('P3', 'VO20261001C', 'B3', { ...wire, paidAt: at('10:00'), amountFen: 9000000, payerAccount: '6217000055556666', payerName: '张三' });
    const c2 = payment('P4', 'VO20261001D', 'B4', { ...wire, paidAt: at('10:00'), amountFen: 9000000, payerAccount: '6217000077776666', payerName: '赵四' });
    await seed(store, [a, b, c1, c2]);
    await statement(store, 'wire', D, [
      line({ amountFen: 5000000, remark: '购车款 VO20261001A', payerAccount: '6222000011112222', channelTxnId: 'BK1' }),
      line({ amountFen: 7000000, remark: '货款', payerAccount: '6222000033334444', payerName: '李娜', channelTxnId: 'BK2' }),
      line({ amountFen: 9000000, remark: '货款', payerAccount: '9999000000006666', channelTxnId: 'BK3' }),
    ]);
    await run(store, 'wire');
    expect((await pairs(store)).map((p) => [p.item_key, p.pass])).toEqual([['P|P1', 'wire.remark'], ['P|P2', 'wire.score']]);
    const suggested = await store.read.all<{ pass: string; state: string; n: number }>(
      "SELECT x.pass, x.state, count(*) AS n FROM recon_match x JOIN recon_member m ON m.match_id = x.id WHERE x.state = 'suggested' GROUP BY x.id ORDER BY x.id",
    );
    expect(suggested).toEqual([{ pass: 'wire.score', state: 'suggested', n: 2 }, { pass: 'wire.score', state: 'suggested', n: 2 }]);
    const open = await discs(store);
    // The 9,000,000 credit names no order: it stays 不明来款, linked to a suggestion, until a person
    // picks P3 or P4 (both wait as TIMING: wires are carried).
    expect(open.map((d) => d.type).sort()).toEqual(['timing', 'timing', 'wire_without_order']);
    expect(open.find((d) => d.type === 'wire_without_order')!.suggested_match).not.toBeNull();
  });

  it('Wire: one credit for two billings of one order (1:N, exact sum) is matched; two ways to make the sum only suggest', async () => {
    const store = await newStore();
    const wire = { channel: 'wire' as const, method: 'wire' as const, channelTxnId: null, merchantOrderNo: null, paidAt: at('10:00') };
    await seed(store, [
      payment('P1', 'VO1', 'B1', { ...wire, amountFen: 2000000 }),
      payment('P2', 'VO1', 'B2', { ...wire, amountFen: 3000000 }),
      payment('P3', 'VO2', 'B3', { ...wire, amountFen: 1000000 }),
      payment('P4', 'VO2', 'B4', { ...wire, amountFen: 1000000 }),
      payment('P5', 'VO2', 'B5', { ...wire, amountFen: 1000000 }),
    ]);
    await statement(store, 'wire', D, [
      line({ amountFen: 5000000, remark: '购车款 VO1', channelTxnId: 'BK1' }),
      line({ amountFen: 2000000, remark: '购车款 VO2', channelTxnId: 'BK2' }),
    ]);
    await run(store, 'wire');
    const m = await store.read.all<{ pass: string; shape: string; state: string; internal_fen: number; statement_fen: number }>(
      'SELECT pass, shape, state, internal_fen, statement_fen FROM recon_match ORDER BY state, id',
    );
    expect(m.filter((x) => x.state === 'auto')).toEqual([{ pass: 'group', shape: 'N:1', state: 'auto', internal_fen: 5000000, statement_fen: 5000000 }]);
    expect(m.filter((x) => x.state === 'suggested').length).toBe(3);
  });
});
