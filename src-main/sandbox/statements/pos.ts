// POS acquiring statements: UnionPay (profiles/unionpay-pos-v1.json, design §4b) and Allinpay
// (profiles/allinpay-v1.json, design §5). One file per acquirer and statement day for the group
// merchant; each line also names the delivery centre's own merchant number (a column the profiles
// keep in the raw line).
//   UnionPay: GBK CSV, title rows, 清算日期/交易日期/交易时间, 交易类型 消费 / 消费撤销 / 退货 (扫码:
//     微信消费 / 支付宝消费 / 扫码撤销 / 扫码退货), yuan amounts, outflows printed negative, a 合计 row.
//     The statement day runs from 23:00 the day before to 23:00 (cut-off 23:00).
//   Allinpay: GBK CSV inside a zip, the public API's field names (trxid, reqsn, trxcode VSP001…,
//     trxamt and fee in fen, fintime yyyyMMddHHmmss, trxstatus 0000, termno, termrefnum, traceno…).
// A void (撤销) has its own reference and voucher numbers and cites the original's; a return (退货)
// is the platform refund's 参考号 on the original terminal.
import { CHANNEL_CONTRACTS, DELIVERY_CENTERS } from '../data';
import {
  addDaysTo,
  buildZip,
  compactDate,
  compactTime,
  csvRow,
  digitsFor,
  gbk,
  hhmmss,
  isoBeijing,
  billingLabel,
  signedFen,
  type Entry,
  type UnkeyedLine,
  type WriterOutput,
  yuan,
} from './common';

const DAY = 86_400_000;

/** The ids a POS line prints: its own reference, voucher and batch, and the original's reference for voids/returns. */
interface PosIds {
  terminal: string;
  refNo: string;
  voucher: string;
  batch: string;
  originalRef: string | null;
  orderNo: string;
}

function posIds(e: Entry, seedKey: string, startMs: number): PosIds {
  const p = e.payment.record;
  const terminal = p.terminalId ?? '';
  if (e.kind === 'payment') {
    return {
      terminal,
      refNo: p.refNo ?? '',
      voucher: p.voucherNo ?? '',
      batch: e.payment.facts.batchNo ?? '',
      originalRef: null,
      orderNo: p.merchantOrderNo ?? '',
    };
  }
  if (e.kind === 'reversal') {
    const voucher = digitsFor(`${seedKey}|void|${p.paymentNo}`, 6);
    return {
      terminal,
      refNo: `${hhmmss(e.atMs)}${voucher}`,
      voucher,
      batch: e.payment.facts.batchNo ?? '',
      originalRef: p.refNo,
      orderNo: p.merchantOrderNo ?? '',
    };
  }
  const refund = e.refund!.record;
  const ref = refund.channelRefundId ?? '';
  return {
    terminal: e.refund!.facts.terminalId ?? terminal,
    refNo: ref,
    voucher: ref.slice(-6),
    batch: String(Math.floor((e.atMs - startMs) / DAY) + 1).padStart(6, '0'),
    originalRef: p.refNo,
    orderNo: refund.merchantRefundNo ?? '',
  };
}

/** What the parsers read from a POS line: the acquirer's ids of the entry, signed amount, fee and time. */
function posLine(
  e: Entry,
  ids: PosIds,
  remark: string,
  at: Pick<UnkeyedLine, 'fileName' | 'member' | 'lineNo'>,
  channelTxnId: string | null,
  originalTxnId: string | null,
): UnkeyedLine {
  return {
    fileName: at.fileName,
    member: at.member,
    lineNo: at.lineNo,
    kind: e.kind,
    amountFen: signedFen(e),
    feeFen: e.feeFen,
    occurredAt: isoBeijing(e.atMs),
    channelTxnId,
    merchantOrderNo: ids.orderNo || null,
    refundNo: null,
    originalTxnId,
    terminalId: ids.terminal,
    refNo: ids.refNo,
    voucherNo: ids.voucher,
    payerAccount: null,
    payerName: null,
    remark,
  };
}

function centerMerchant(e: Entry, acquirer: 'unionpay' | 'allinpay'): string {
  const c = DELIVERY_CENTERS.find((x) => x.code === e.payment.facts.deliveryCenter);
  return c ? (acquirer === 'unionpay' ? c.unionpayMerchantId : c.allinpayMerchantId) : '';
}

function isWechatWallet(e: Entry): boolean {
  return (e.payment.facts.walletTxnId ?? '').startsWith('42000');
}

// ---------------------------------------------------------------------------------------------
// UnionPay

const UNIONPAY_HEADER = [
  '清算日期',
  '交易日期',
  '交易时间',
  '商户编号',
  '终端编号',
  '卡号',
  '卡类型',
  '交易类型',
  '交易金额',
  '手续费',
  '清算金额',
  '参考号',
  '凭证号',
  '批次号',
  '授权码',
  '原参考号',
  '订单号',
  '门店商户号',
  '备注',
];

function unionpayType(e: Entry): string {
  const scan = e.payment.record.method === 'pos_scan';
  if (e.kind === 'payment') return scan ? (isWechatWallet(e) ? '微信消费' : '支付宝消费') : '消费';
  if (e.kind === 'reversal') return scan ? '扫码撤销' : '消费撤销';
  return scan ? '扫码退货' : '退货';
}

function cardType(e: Entry): string {
  const f = e.payment.facts;
  if (e.payment.record.method === 'pos_scan') return isWechatWallet(e) ? '微信' : '支付宝';
  return f.cardType === 'credit' ? '贷记卡' : '借记卡';
}

export function writeUnionpay(date: string, entries: readonly Entry[], seedKey: string, startMs: number): WriterOutput {
  const merchantId = CHANNEL_CONTRACTS.unionpay.merchantId;
  const fileName = `unionpay-pos-${merchantId}-${compactDate(date)}.csv`;
  const ymd = compactDate(date);
  const rows = ['商户POS交易明细查询', `商户编号：${merchantId},清算日期：${date}`, UNIONPAY_HEADER.join(',')];
  const lines: WriterOutput['lines'] = [];
  const sum = { amount: 0, fee: 0, settle: 0 };
  for (const e of entries) {
    const ids = posIds(e, seedKey, startMs);
    const sign = e.kind === 'payment' ? 1 : -1;
    const amount = sign * e.amountFen;
    const settle = amount - e.feeFen;
    sum.amount += amount;
    sum.fee += e.feeFen;
    sum.settle += settle;
    const f = e.payment.facts;
    const remark = e.payment.record.method === 'pos_scan' ? (f.walletTxnId ?? '') : billingLabel(e.billingKind);
    rows.push(
      csvRow([
        ymd,
        compactTime(e.atMs).slice(0, 8),
        hhmmss(e.atMs),
        merchantId,
        ids.terminal,
        f.cardMasked ?? '',
        cardType(e),
        unionpayType(e),
        yuan(amount),
        yuan(e.feeFen),
        yuan(settle),
        ids.refNo,
        ids.voucher,
        ids.batch,
        e.kind === 'payment' ? (f.authCode ?? '') : '',
        ids.originalRef ?? '',
        ids.orderNo,
        centerMerchant(e, 'unionpay'),
        remark,
      ]),
    );
    lines.push({
      entry: e,
      line: posLine(e, ids, remark, { fileName, member: null, lineNo: rows.length }, null, ids.originalRef),
    });
  }
  rows.push(
    csvRow([
      '合计',
      `${entries.length}笔`,
      '',
      '',
      '',
      '',
      '',
      '',
      yuan(sum.amount),
      yuan(sum.fee),
      yuan(sum.settle),
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
    ]),
  );
  rows.push(`制表：收单系统 ${addDaysTo(date, 1)} 06:00:00`);
  return {
    file: {
      channel: 'unionpay',
      date,
      fileName,
      mediaType: 'text/csv; charset=gbk',
      bytes: gbk(rows.join('\r\n') + '\r\n'),
    },
    lines,
  };
}

// ---------------------------------------------------------------------------------------------
// Allinpay

const ALLINPAY_HEADER = [
  'cusid',
  'trxid',
  'reqsn',
  'oldtrxid',
  'trxcode',
  'trxamt',
  'fee',
  'fintime',
  'trxstatus',
  'termno',
  'termrefnum',
  'traceno',
  'termbatchid',
  'cardno',
  'chnltrxid',
  'cusmerid',
  'trxreserved',
];

/** VSP001 card / VSP501 WeChat / VSP511 Alipay; +1 void, +2 refund. */
function allinpayCode(e: Entry): string {
  const base = e.payment.record.method === 'pos_card' ? 1 : isWechatWallet(e) ? 501 : 511;
  const n = base + (e.kind === 'reversal' ? 1 : e.kind === 'refund' ? 2 : 0);
  return `VSP${String(n).padStart(3, '0')}`;
}

/** 收银宝交易单号: the day of the line, the platform's payment or refund serial, and the line kind. */
function trxid(e: Entry, atMs: number): string {
  const serial = e.kind === 'refund' ? e.refund!.record.refundNo.slice(2) : e.payment.record.paymentNo.slice(2);
  const digits = serial.replace(/\D/g, '').padStart(9, '0');
  return `${compactTime(atMs).slice(0, 8)}${digits}${e.kind === 'payment' ? 1 : e.kind === 'reversal' ? 2 : 3}`;
}

export function writeAllinpay(date: string, entries: readonly Entry[], seedKey: string, startMs: number): WriterOutput {
  const merchantId = CHANNEL_CONTRACTS.allinpay.merchantId;
  const ymd = compactDate(date);
  const fileName = `allinpay-${merchantId}-${ymd}.zip`;
  const member = `${merchantId}_${ymd}_交易明细.csv`;
  // The header is the member's first line: detection reads only the first line of each zip member.
  const rows = [ALLINPAY_HEADER.join(',')];
  const lines: WriterOutput['lines'] = [];
  let amountSum = 0;
  let feeSum = 0;
  for (const e of entries) {
    const ids = posIds(e, seedKey, startMs);
    const p = e.payment.record;
    const id = trxid(e, e.atMs);
    const original = e.kind === 'payment' ? '' : trxid({ ...e, kind: 'payment' }, e.payment.paidMs);
    const remark = `${billingLabel(e.billingKind)} ${p.payerName ?? ''}`.trim();
    amountSum += e.amountFen;
    feeSum += e.feeFen;
    rows.push(
      csvRow([
        merchantId,
        id,
        ids.orderNo,
        original,
        allinpayCode(e),
        String(e.amountFen),
        String(e.feeFen),
        compactTime(e.atMs),
        '0000',
        ids.terminal,
        ids.refNo,
        ids.voucher,
        ids.batch,
        e.payment.facts.cardMasked ?? '',
        e.payment.facts.walletTxnId ?? '',
        centerMerchant(e, 'allinpay'),
        remark,
      ]),
    );
    lines.push({
      entry: e,
      line: posLine(e, ids, remark, { fileName, member, lineNo: rows.length }, id, original || null),
    });
  }
  rows.push(
    csvRow([
      '合计',
      `${entries.length}笔`,
      '',
      '',
      '',
      String(amountSum),
      String(feeSum),
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
    ]),
  );
  rows.push(`导出时间：${addDaysTo(date, 1)} 06:30:00`);
  const bytes = buildZip(
    [{ name: member, nameEncoding: 'gbk', data: gbk(rows.join('\r\n') + '\r\n') }],
    addDaysTo(date, 1),
  );
  return { file: { channel: 'allinpay', date, fileName, mediaType: 'application/zip', bytes }, lines };
}
