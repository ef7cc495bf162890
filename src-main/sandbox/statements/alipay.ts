// Alipay merchant statement (design/statement-formats.md §2): a csv.zip with the 业务明细 member and its
// 业务明细(汇总) member, GBK member names without the UTF-8 flag and GBK contents, `#` header and footer
// lines, values with trailing tabs. Rows are dated by 完成时间 (a refund: when it was accepted);
// refunds print negative 订单金额/商家实收/服务费 with the original's 支付宝交易号 and 创建时间.
import { CHANNEL_CONTRACTS } from '../data';
import {
  addDaysTo,
  billingLabel,
  buildZip,
  chineseDate,
  compactDate,
  digitsFor,
  gbk,
  isoBeijing,
  wallClock,
  yuan,
  type Entry,
  type UnkeyedLine,
  type WriterOutput,
} from './common';

const DETAIL_HEADER = [
  '支付宝交易号',
  '商户订单号',
  '业务类型',
  '商品名称',
  '创建时间',
  '完成时间',
  '门店编号',
  '门店名称',
  '操作员',
  '终端号',
  '对方账户',
  '订单金额（元）',
  '商家实收（元）',
  '支付宝红包（元）',
  '集分宝（元）',
  '支付宝优惠（元）',
  '商家优惠（元）',
  '券核销金额（元）',
  '券名称',
  '商家红包消费金额（元）',
  '卡消费金额（元）',
  '退款批次号/请求号',
  '服务费（元）',
  '分润（元）',
  '备注',
];
const SUMMARY_HEADER = [
  '门店编号',
  '门店名称',
  '交易订单总笔数',
  '退款订单总笔数',
  '订单金额（元）',
  '商家实收（元）',
  '支付宝优惠（元）',
  '商家优惠（元）',
  '卡消费金额（元）',
  '服务费（元）',
  '分润（元）',
  '实收净额（元）',
];
const RULE = '-----------------------------------------';
const STORE = { id: 'APP001', name: '官方App' };

/** Alipay's buyer column: the name's last character and a masked phone, "*三(138****0000)". */
function counterparty(name: string, key: string): string {
  const d = digitsFor(`phone|${key}`, 6);
  return `*${name.slice(-1)}(13${d.slice(0, 1)}****${d.slice(2, 6)})`;
}

export function writeAlipay(date: string, entries: readonly Entry[], seedKey: string): WriterOutput {
  const pid = CHANNEL_CONTRACTS.alipay.merchantId;
  const account = `${pid}0156`;
  const ymd = compactDate(date);
  const fileName = `${account}_${ymd}.csv.zip`;
  const detailName = `${account}_${ymd}_业务明细.csv`;
  const summaryName = `${account}_${ymd}_业务明细(汇总).csv`;
  const next = addDaysTo(date, 1);
  const minute = String(Number(digitsFor(`${seedKey}|alipay-export|${date}`, 2)) % 60).padStart(2, '0');
  const exported = `${chineseDate(next)} 05:${minute}:17`;
  const preamble = (title: string, list: string) => [
    title,
    `#账号：[${account}]`,
    `#起始日期：[${chineseDate(date)} 00:00:00]   终止日期：[${chineseDate(next)} 00:00:00]`,
    `#${RULE}${list}${RULE}`,
  ];
  const rows = preamble('#支付宝业务明细查询', '业务明细列表');
  rows.push(DETAIL_HEADER.join(','));
  const lines: WriterOutput['lines'] = [];
  const t = { count: 0, fen: 0, order: 0, fee: 0 };
  const r = { count: 0, fen: 0, order: 0, fee: 0 };
  for (const e of entries) {
    const p = e.payment.record;
    const refund = e.kind !== 'payment';
    const amount = refund ? -e.amountFen : e.amountFen;
    const tradeNo = p.channelTxnId ?? '';
    const created = e.payment.paidMs - (5 + (Number(digitsFor(`${seedKey}|created|${p.paymentNo}`, 2)) % 50)) * 1000;
    const requestNo = refund ? (e.refund?.record.merchantRefundNo ?? '') : '';
    const who = counterparty(p.payerName ?? '客户', `${seedKey}|${p.orderNo}`);
    const s = refund ? r : t;
    s.count++;
    s.fen += amount;
    s.order += amount;
    s.fee += e.feeFen;
    rows.push(
      [
        `${tradeNo}\t`,
        `${p.merchantOrderNo ?? ''}\t`,
        `${refund ? '退款' : '交易'}\t`,
        billingLabel(e.billingKind),
        wallClock(created),
        wallClock(e.atMs),
        `${STORE.id}\t`,
        `${STORE.name}\t`,
        '\t',
        '\t',
        `${who}\t`,
        yuan(amount),
        yuan(amount),
        '0.00',
        '0.00',
        '0.00',
        '0.00',
        '0.00',
        '',
        '0.00\t',
        '0.00',
        `${requestNo}\t`,
        yuan(e.feeFen),
        '0.00',
        refund ? '退款' : '',
      ].join(','),
    );
    const line: UnkeyedLine = {
      fileName,
      member: detailName,
      lineNo: rows.length,
      kind: refund ? 'refund' : 'payment',
      amountFen: amount,
      feeFen: e.feeFen,
      occurredAt: isoBeijing(e.atMs),
      channelTxnId: tradeNo,
      merchantOrderNo: p.merchantOrderNo,
      refundNo: refund ? requestNo || null : null,
      originalTxnId: refund ? tradeNo : null,
      terminalId: null,
      refNo: null,
      voucherNo: null,
      payerAccount: who,
      payerName: null,
      remark: refund ? '退款' : null,
    };
    lines.push({ entry: e, line });
  }
  rows.push(`#${RULE}业务明细列表结束${RULE}`);
  rows.push(`#交易合计：${t.count}笔，商家实收共${yuan(t.fen)}元，商家优惠共0.00元`);
  rows.push(`#退款合计：${r.count}笔，商家实收退款共${yuan(r.fen)}元，商家优惠退款共0.00元`);
  rows.push(`#导出时间：[${exported}]`);

  const net = t.fen + r.fen;
  const fee = t.fee + r.fee;
  const totals = [
    String(t.count),
    String(r.count),
    yuan(t.order + r.order),
    yuan(net),
    '0.00',
    '0.00',
    '0.00',
    yuan(fee),
    '0.00',
    yuan(net - fee),
  ];
  const summary = preamble('#支付宝业务汇总查询', '业务汇总列表');
  summary.push(SUMMARY_HEADER.join(','));
  summary.push([`${STORE.id}\t`, `${STORE.name}\t`, ...totals].join(','));
  summary.push(['合计', '', ...totals].join(','));
  summary.push(`#${RULE}业务汇总列表结束${RULE}`);
  summary.push(`#导出时间：[${exported}]`);

  const bytes = buildZip(
    [
      { name: detailName, nameEncoding: 'gbk', data: gbk(rows.join('\r\n') + '\r\n') },
      { name: summaryName, nameEncoding: 'gbk', data: gbk(summary.join('\r\n') + '\r\n') },
    ],
    next,
  );
  return { file: { channel: 'alipay', date, fileName, mediaType: 'application/zip', bytes }, lines };
}
