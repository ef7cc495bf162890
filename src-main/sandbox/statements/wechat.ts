// WeChat Pay trade bill, bill_type ALL (design/statement-formats.md §1): a header line, one row per
// payment (SUCCESS) or refund (REFUND), a summary header and a summary line; every value starts with
// a backtick. UTF-8, as the v3 API returns it. The day is 00:00–23:59:59 by pay-success time, or by
// the time a refund was accepted; the fee is printed per line with five decimals, negative on refunds.
import { CHANNEL_CONTRACTS } from '../data';
import {
  billingLabel,
  compactDate,
  digitsFor,
  isoBeijing,
  openIdFor,
  ratePercent,
  utf8,
  wallClock,
  yuan,
  yuan5,
  type Entry,
  type UnkeyedLine,
  type WriterOutput,
} from './common';

const HEADER = [
  '交易时间',
  '公众账号ID',
  '商户号',
  '特约商户号',
  '设备号',
  '微信订单号',
  '商户订单号',
  '用户标识',
  '交易类型',
  '交易状态',
  '付款银行',
  '货币种类',
  '应结订单金额',
  '代金券金额',
  '微信退款单号',
  '商户退款单号',
  '退款金额',
  '充值券退款金额',
  '退款类型',
  '退款状态',
  '商品名称',
  '商户数据包',
  '手续费',
  '费率',
  '订单金额',
  '申请退款金额',
  '费率备注',
];
const SUMMARY_HEADER = [
  '总交易单数',
  '应结订单总金额',
  '退款总金额',
  '充值券退款总金额',
  '手续费总金额',
  '订单总金额',
  '申请退款总金额',
];
const APP_ID = 'wx8a3c5e7f9b1d2e4f';
const BANKS = ['CMB_DEBIT', 'ICBC_DEBIT', 'CCB_CREDIT', 'ABC_DEBIT', 'BOC_CREDIT', 'CMB_CREDIT', 'OTHERS'];

const mark = (values: readonly string[]) => values.map((v) => `\`${v}`).join(',');

export function writeWechat(date: string, entries: readonly Entry[], seedKey: string): WriterOutput {
  const merchantId = CHANNEL_CONTRACTS.wechat.merchantId;
  const fileName = `wechat-tradebill-${merchantId}-${compactDate(date)}-ALL.csv`;
  const rows: string[] = [HEADER.join(',')];
  const lines: WriterOutput['lines'] = [];
  let settlement = 0;
  let refundTotal = 0;
  let fees = 0;
  let orderTotal = 0;
  for (const e of entries) {
    const p = e.payment.record;
    const isRefund = e.kind !== 'payment';
    const refund = e.refund?.record ?? null;
    const txn = p.channelTxnId ?? '';
    const refundId = refund?.channelRefundId ?? '';
    const payAmount = isRefund ? 0 : e.amountFen;
    const refundAmount = isRefund ? e.amountFen : 0;
    settlement += payAmount;
    orderTotal += payAmount;
    refundTotal += refundAmount;
    fees += e.feeFen;
    const openId = openIdFor(`${seedKey}|${p.payerName ?? ''}|${p.orderNo}`);
    const bank = BANKS[Number(digitsFor(`${seedKey}|bank|${p.paymentNo}`, 2)) % BANKS.length]!;
    rows.push(
      mark([
        wallClock(e.atMs),
        APP_ID,
        merchantId,
        '0',
        '',
        txn,
        p.merchantOrderNo ?? '',
        openId,
        'APP',
        isRefund ? 'REFUND' : 'SUCCESS',
        bank,
        'CNY',
        yuan(payAmount),
        '0.00',
        isRefund ? refundId : '0',
        isRefund ? (refund?.merchantRefundNo ?? '') : '0',
        yuan(refundAmount),
        '0.00',
        isRefund ? 'ORIGINAL' : '',
        isRefund ? 'SUCCESS' : '',
        billingLabel(e.billingKind),
        p.orderNo,
        yuan5(e.feeFen),
        ratePercent(e.payment.facts.feeRatePpm),
        yuan(payAmount),
        yuan(refundAmount),
        '',
      ]),
    );
    const line: UnkeyedLine = {
      fileName,
      member: null,
      lineNo: rows.length,
      kind: isRefund ? 'refund' : 'payment',
      amountFen: isRefund ? -e.amountFen : e.amountFen,
      feeFen: e.feeFen,
      occurredAt: isoBeijing(e.atMs),
      channelTxnId: isRefund ? refundId : txn,
      merchantOrderNo: p.merchantOrderNo,
      refundNo: isRefund ? refundId : null,
      originalTxnId: isRefund ? txn : null,
      terminalId: null,
      refNo: isRefund ? (refund?.merchantRefundNo ?? null) : null,
      voucherNo: null,
      payerAccount: openId,
      payerName: null,
      remark: billingLabel(e.billingKind),
    };
    lines.push({ entry: e, line });
  }
  rows.push(SUMMARY_HEADER.join(','));
  rows.push(
    mark([
      String(entries.length),
      yuan(settlement),
      yuan(refundTotal),
      '0.00',
      yuan5(fees),
      yuan(orderTotal),
      yuan(refundTotal),
    ]),
  );
  return {
    file: {
      channel: 'wechat',
      date,
      fileName,
      mediaType: 'text/csv; charset=utf-8',
      bytes: utf8(rows.join('\r\n') + '\r\n'),
    },
    lines,
  };
}
