// Lakala statement per profiles/lakala-v1.json (design/statement-formats.md §3): UTF-8 CSV with the
// public API's field names, amounts in fen as integer strings, trade_time yyyyMMddHHmmss, log_no
// (对账单流水号, the last 14 characters of trade_no) as the statement key, and a closing
// "合计：N笔，总金额：X分" line (Σ total_amount as printed). Refunds print a positive total_amount with
// trade_type REFUND, the fee given back negative, and the original's log_no in origin_log_no.
import { CHANNEL_CONTRACTS } from '../data';
import {
  compactDate,
  compactTime,
  csvRow,
  isoBeijing,
  utf8,
  type Entry,
  type UnkeyedLine,
  type WriterOutput,
} from './common';

const HEADER = [
  'merchant_no',
  'term_no',
  'log_no',
  'trade_no',
  'out_trade_no',
  'acc_trade_no',
  'account_type',
  'trade_type',
  'trade_state',
  'total_amount',
  'fee_amount',
  'acc_settle_amount',
  'trade_time',
  'origin_log_no',
  'out_refund_no',
];

function accountType(e: Entry): string {
  const wallet = e.payment.facts.walletTxnId;
  if (wallet === null) return 'QUICKPAY';
  return wallet.startsWith('42000') ? 'WECHAT' : 'ALIPAY';
}

export function writeLakala(date: string, entries: readonly Entry[]): WriterOutput {
  const merchantId = CHANNEL_CONTRACTS.lakala.merchantId;
  const fileName = `lakala-${merchantId}-${compactDate(date)}.csv`;
  const rows = [HEADER.join(',')];
  const lines: WriterOutput['lines'] = [];
  let total = 0;
  for (const e of entries) {
    const p = e.payment.record;
    const refund = e.kind !== 'payment';
    const logNo = e.payment.facts.lakalaLogNo ?? (p.channelTxnId ?? '').slice(-14);
    const tradeNo = refund ? (e.refund?.record.channelRefundId ?? '') : (p.channelTxnId ?? '');
    const lineLog = refund ? tradeNo.slice(-14) : logNo;
    const term = p.method === 'web_qr' ? 'QR000001' : 'APP00001';
    const settle = refund ? -(e.amountFen + e.feeFen) : e.amountFen - e.feeFen;
    total += e.amountFen;
    rows.push(
      csvRow([
        merchantId,
        term,
        lineLog,
        tradeNo,
        p.merchantOrderNo ?? '',
        e.payment.facts.walletTxnId ?? '',
        accountType(e),
        refund ? 'REFUND' : 'PAY',
        'SUCCESS',
        String(e.amountFen),
        String(e.feeFen),
        String(settle),
        compactTime(e.atMs),
        refund ? logNo : '',
        refund ? (e.refund?.record.merchantRefundNo ?? '') : '',
      ]),
    );
    const line: UnkeyedLine = {
      fileName,
      member: null,
      lineNo: rows.length,
      kind: refund ? 'refund' : 'payment',
      amountFen: refund ? -e.amountFen : e.amountFen,
      feeFen: e.feeFen,
      occurredAt: isoBeijing(e.atMs),
      channelTxnId: lineLog,
      merchantOrderNo: p.merchantOrderNo,
      refundNo: refund ? (e.refund?.record.merchantRefundNo ?? null) : null,
      originalTxnId: refund ? logNo : null,
      terminalId: term,
      refNo: null,
      voucherNo: null,
      payerAccount: null,
      payerName: null,
      remark: null,
    };
    lines.push({ entry: e, line });
  }
  rows.push(`合计：${entries.length}笔，总金额：${total}分`);
  return {
    file: {
      channel: 'lakala',
      date,
      fileName,
      mediaType: 'text/csv; charset=utf-8',
      bytes: utf8(rows.join('\r\n') + '\r\n'),
    },
    lines,
  };
}
