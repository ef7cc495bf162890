// Columns of the two grids of the Orders screen (ids = the server's grid column ids).
import type { ColDef } from 'ag-grid-community';
import type { OrderGridRow, PaymentGridRow } from '../../../src-main/api/contract';
import { channelOptions } from '../../grid/channels';
import { countCol, dateCol, dateTimeCol, moneyCol, optionsOf, setCol, textCol } from '../../grid/columns';
import type { Session } from '../../session';

type ColumnTexts = Pick<Session, 't' | 'labels' | 'channels'>;

export function orderColumns(s: ColumnTexts): ColDef<OrderGridRow>[] {
  const { t, labels } = s;
  const texts = { selectAllLabel: t('grid.selectAll'), clearLabel: t('grid.clear') };
  return [
    textCol<OrderGridRow>('orderNo', t('orders.col.orderNo'), { width: 170, pinned: 'left', cellClass: 'cell-link mono', tooltipValueGetter: () => t('grid.openOrderHint') }),
    textCol<OrderGridRow>('customerName', t('orders.col.customerName'), { width: 170, tooltipField: 'customerName' }),
    textCol<OrderGridRow>('model', t('orders.col.model'), { width: 160 }),
    setCol<OrderGridRow>('status', t('orders.col.status'), optionsOf(labels.orderStatus), texts, { width: 110 }),
    textCol<OrderGridRow>('deliveryCenter', t('orders.col.deliveryCenter'), { width: 135 }),
    moneyCol<OrderGridRow>('priceFen', t('orders.col.priceFen')),
    moneyCol<OrderGridRow>('discountFen', t('orders.col.discountFen'), { width: 120 }),
    moneyCol<OrderGridRow>('dueFen', t('orders.col.dueFen')),
    moneyCol<OrderGridRow>('paidFen', t('orders.col.paidFen')),
    moneyCol<OrderGridRow>('refundedFen', t('orders.col.refundedFen'), { width: 120 }),
    moneyCol<OrderGridRow>('outstandingFen', t('orders.col.outstandingFen'), {
      // A delivered order that is short (or over-paid) is a finance incident.
      cellClassRules: {
        'cell-alert': (p) => p.data?.status === 'delivered' && typeof p.value === 'number' && p.value !== 0,
      },
    }),
    countCol<OrderGridRow>('paymentCount', t('orders.col.paymentCount'), { width: 100 }),
    dateTimeCol<OrderGridRow>('createdAt', t('orders.col.createdAt')),
  ];
}

export function paymentColumns(s: ColumnTexts): ColDef<PaymentGridRow>[] {
  const { t, labels } = s;
  const texts = { selectAllLabel: t('grid.selectAll'), clearLabel: t('grid.clear') };
  return [
    textCol<PaymentGridRow>('paymentNo', t('payments.col.paymentNo'), { width: 170, pinned: 'left', cellClass: 'mono' }),
    textCol<PaymentGridRow>('orderNo', t('payments.col.orderNo'), { width: 170, cellClass: 'cell-link mono', tooltipValueGetter: () => t('grid.openOrderHint') }),
    setCol<PaymentGridRow>('billingKind', t('payments.col.billingKind'), optionsOf(labels.billingKind), texts, { width: 110 }),
    setCol<PaymentGridRow>('channel', t('payments.col.channel'), channelOptions(s.channels), texts, { width: 120 }),
    setCol<PaymentGridRow>('method', t('payments.col.method'), optionsOf(labels.method), texts, { width: 120 }),
    moneyCol<PaymentGridRow>('amountFen', t('payments.col.amountFen')),
    dateTimeCol<PaymentGridRow>('paidAt', t('payments.col.paidAt')),
    dateCol<PaymentGridRow>('businessDate', t('payments.col.businessDate')),
    setCol<PaymentGridRow>('status', t('payments.col.status'), optionsOf(labels.paymentStatus), texts, { width: 100 }),
    textCol<PaymentGridRow>('merchantOrderNo', t('payments.col.merchantOrderNo'), { width: 180, cellClass: 'mono' }),
    textCol<PaymentGridRow>('channelTxnId', t('payments.col.channelTxnId'), { width: 200, cellClass: 'mono' }),
    textCol<PaymentGridRow>('terminalId', t('payments.col.terminalId'), { width: 110, cellClass: 'mono' }),
    textCol<PaymentGridRow>('refNo', t('payments.col.refNo'), { width: 130, cellClass: 'mono' }),
    textCol<PaymentGridRow>('voucherNo', t('payments.col.voucherNo'), { width: 110, cellClass: 'mono' }),
    textCol<PaymentGridRow>('payerAccount', t('payments.col.payerAccount'), { width: 170, cellClass: 'mono' }),
    textCol<PaymentGridRow>('payerName', t('payments.col.payerName'), { width: 110 }),
  ];
}
