// Every grid that can be exported: its store spec and its columns in both languages. The export task
// reads rows in the grid's current sort and filter, exactly as the user sees them.
import type { GridSpec } from '../store/grid';
import { ORDER_GRID, PAYMENT_GRID } from '../store/orders';
import { AUDIT_GRID } from '../store/audit';
import { STATEMENT_LINE_GRID } from '../store/statements';
import { DISCREPANCY_GRID } from '../store/recon';
import { LABELS, type Language } from '../domain/labels';
import type { ExportColumn, ExportColumnKind } from './xlsx';

type Col = [field: string, zh: string, en: string, kind: ExportColumnKind, labels?: keyof (typeof LABELS)['zh']];

interface ExportableGrid {
  spec: GridSpec;
  sheet: { zh: string; en: string };
  columns: Col[];
}

export const EXPORTABLE_GRIDS = {
  orders: {
    spec: ORDER_GRID,
    sheet: { zh: '车辆订单', en: 'Vehicle orders' },
    columns: [
      ['orderNo', '订单号', 'Order no', 'text'],
      ['customerName', '客户', 'Customer', 'text'],
      ['model', '车型', 'Model', 'text'],
      ['status', '状态', 'Status', 'text', 'orderStatus'],
      ['deliveryCenter', '交付中心', 'Delivery centre', 'text'],
      ['priceFen', '车价', 'Price', 'money'],
      ['discountFen', '优惠', 'Discount', 'money'],
      ['dueFen', '账单应收', 'Billed', 'money'],
      ['paidFen', '已收', 'Paid', 'money'],
      ['refundedFen', '已退', 'Refunded', 'money'],
      ['outstandingFen', '未收', 'Outstanding', 'money'],
      ['paymentCount', '收款笔数', 'Payments', 'number'],
      ['createdAt', '下单时间', 'Created at', 'datetime'],
    ],
  },
  payments: {
    spec: PAYMENT_GRID,
    sheet: { zh: '收款明细', en: 'Payments' },
    columns: [
      ['paymentNo', '收款单号', 'Payment no', 'text'],
      ['orderNo', '订单号', 'Order no', 'text'],
      ['billingKind', '款项', 'Billing', 'text', 'billingKind'],
      ['channel', '渠道', 'Channel', 'text', 'channel'],
      ['method', '支付方式', 'Method', 'text', 'method'],
      ['amountFen', '金额', 'Amount', 'money'],
      ['paidAt', '支付时间', 'Paid at', 'datetime'],
      ['businessDate', '业务日期', 'Business date', 'date'],
      ['status', '状态', 'Status', 'text', 'paymentStatus'],
      ['merchantOrderNo', '商户订单号', 'Merchant order no', 'text'],
      ['channelTxnId', '渠道交易号', 'Channel txn id', 'text'],
      ['terminalId', '终端号', 'Terminal', 'text'],
      ['refNo', '参考号', 'Reference no', 'text'],
      ['voucherNo', '凭证号', 'Voucher no', 'text'],
      ['payerAccount', '付款账号', 'Payer account', 'text'],
      ['payerName', '付款人', 'Payer', 'text'],
    ],
  },
  statementLines: {
    spec: STATEMENT_LINE_GRID,
    sheet: { zh: '对账单明细', en: 'Statement lines' },
    columns: [
      ['fileId', '文件', 'File', 'number'],
      ['lineNo', '行号', 'Line', 'number'],
      ['channel', '渠道', 'Channel', 'text', 'channel'],
      ['fileDate', '对账单日期', 'Statement date', 'date'],
      ['businessDate', '业务日期', 'Business date', 'date'],
      ['kind', '类型', 'Kind', 'text', 'lineKind'],
      ['amountFen', '金额', 'Amount', 'money'],
      ['feeFen', '手续费', 'Fee', 'money'],
      ['occurredAt', '交易时间', 'Time', 'datetime'],
      ['channelTxnId', '渠道交易号', 'Channel txn id', 'text'],
      ['merchantOrderNo', '商户订单号', 'Merchant order no', 'text'],
      ['refundNo', '退款单号', 'Refund no', 'text'],
      ['terminalId', '终端号', 'Terminal', 'text'],
      ['refNo', '参考号', 'Reference no', 'text'],
      ['voucherNo', '凭证号', 'Voucher no', 'text'],
      ['payerAccount', '付款账号', 'Payer account', 'text'],
      ['payerName', '付款人', 'Payer', 'text'],
      ['remark', '附言/备注', 'Remark', 'text'],
      ['status', '状态', 'Status', 'text'],
    ],
  },
  discrepancies: {
    spec: DISCREPANCY_GRID,
    sheet: { zh: '差错', en: 'Discrepancies' },
    columns: [
      ['type', '差错类型', 'Type', 'text', 'discType'],
      ['channel', '渠道', 'Channel', 'text', 'channel'],
      ['businessDate', '业务日期', 'Business date', 'date'],
      ['amountFen', '差额', 'Amount', 'money'],
      ['internalFen', '平台金额', 'Books', 'money'],
      ['statementFen', '渠道金额', 'Statement', 'money'],
      ['state', '状态', 'State', 'text', 'discState'],
      ['ageDays', '账龄(天)', 'Age (days)', 'number'],
      ['carryUntil', '挂账至', 'Carried until', 'date'],
      ['paymentNo', '收款单号', 'Payment no', 'text'],
      ['orderNo', '订单号', 'Order no', 'text'],
      ['channelTxnId', '渠道交易号', 'Channel txn id', 'text'],
      ['merchantOrderNo', '商户订单号', 'Merchant order no', 'text'],
      ['terminalId', '终端号', 'Terminal', 'text'],
      ['refNo', '参考号', 'Reference no', 'text'],
      ['detail', '说明', 'Detail', 'text'],
      ['resolution', '处理方式', 'Resolution', 'text', 'resolution'],
      ['id', '差错编号', 'Discrepancy id', 'text'],
    ],
  },
  audit: {
    spec: AUDIT_GRID,
    sheet: { zh: '审计日志', en: 'Audit log' },
    columns: [
      ['id', '序号', 'No', 'number'],
      ['at', '时间', 'At', 'datetime'],
      ['userId', '用户', 'User', 'text'],
      ['action', '操作', 'Action', 'text'],
      ['entity', '对象', 'Entity', 'text'],
      ['entityId', '对象编号', 'Entity id', 'text'],
      ['before', '变更前', 'Before', 'text'],
      ['after', '变更后', 'After', 'text'],
      ['reason', '原因', 'Reason', 'text'],
    ],
  },
} satisfies Record<string, ExportableGrid>;

export type ExportableGridName = keyof typeof EXPORTABLE_GRIDS;
export const EXPORTABLE_GRID_NAMES = Object.keys(EXPORTABLE_GRIDS) as [ExportableGridName, ...ExportableGridName[]];

export function exportColumns(grid: ExportableGridName, lang: Language): ExportColumn[] {
  return (EXPORTABLE_GRIDS[grid].columns as Col[]).map(([field, zh, en, kind, labels]) => ({
    field,
    header: lang === 'zh' ? zh : en,
    kind,
    labels: labels ? (LABELS[lang][labels] as Record<string, string>) : undefined,
  }));
}
