// Columns of the discrepancy grid (ids = the server's DISCREPANCY_GRID column ids). Space is the
// screen's own key (select the row), so the grid's cells do not act on it themselves.
import type { ColDef } from 'ag-grid-community';
import type { DiscrepancyGridRow } from '../../../src-main/api/contract';
import { countCol, dateCol, moneyCol, optionsOf, setCol, textCol } from '../../grid/columns';
import { channelOptions } from '../../grid/channels';
import type { Session } from '../../session';
import { AGE_CLASS } from './ageing';

type ColumnTexts = Pick<Session, 't' | 'labels' | 'channels'>;

/** Discrepancy types in the order of design/reconciliation.md §6. */
export const DISC_TYPES = [
  'short', 'long', 'amount_differs', 'fee_differs', 'status_differs', 'duplicate', 'wire_without_order', 'timing',
  'settlement_differs', 'order_incomplete',
] as const;

export function discrepancyColumns(s: ColumnTexts): ColDef<DiscrepancyGridRow>[] {
  const { t, labels, channels } = s;
  const texts = { selectAllLabel: t('grid.selectAll'), clearLabel: t('grid.clear') };
  const cols: ColDef<DiscrepancyGridRow>[] = [
    setCol<DiscrepancyGridRow>('type', t('recon.col.type'), optionsOf(labels.discType, DISC_TYPES), texts, {
      width: 150,
      pinned: 'left',
    }),
    setCol<DiscrepancyGridRow>('channel', t('recon.col.channel'), channelOptions(channels), texts, { width: 110 }),
    dateCol<DiscrepancyGridRow>('businessDate', t('recon.col.businessDate'), { width: 130, sort: 'desc' }),
    moneyCol<DiscrepancyGridRow>('amountFen', t('recon.col.amountFen'), {
      width: 140,
      cellClassRules: { 'cell-negative': (p) => typeof p.value === 'number' && p.value < 0 },
    }),
    moneyCol<DiscrepancyGridRow>('internalFen', t('recon.col.internalFen'), { width: 140 }),
    moneyCol<DiscrepancyGridRow>('statementFen', t('recon.col.statementFen'), { width: 140 }),
    countCol<DiscrepancyGridRow>('ageDays', t('recon.col.ageDays'), {
      width: 100,
      cellClassRules: Object.fromEntries(
        AGE_CLASS.map(({ cls, min }, i) => [
          cls,
          (p: { value: unknown }) =>
            typeof p.value === 'number' && p.value >= min && (i === AGE_CLASS.length - 1 || p.value < AGE_CLASS[i + 1]!.min),
        ]),
      ),
    }),
    setCol<DiscrepancyGridRow>('state', t('recon.col.state'), optionsOf(labels.discState), texts, { width: 100 }),
    dateCol<DiscrepancyGridRow>('carryUntil', t('recon.col.carryUntil'), { width: 120 }),
    textCol<DiscrepancyGridRow>('paymentNo', t('recon.col.paymentNo'), { width: 190, cellClass: 'mono', tooltipField: 'paymentNo' }),
    textCol<DiscrepancyGridRow>('orderNo', t('recon.col.orderNo'), { width: 170, cellClass: 'mono', tooltipField: 'orderNo' }),
    textCol<DiscrepancyGridRow>('channelTxnId', t('recon.col.channelTxnId'), {
      width: 210,
      cellClass: 'mono',
      tooltipField: 'channelTxnId',
    }),
    textCol<DiscrepancyGridRow>('merchantOrderNo', t('recon.col.merchantOrderNo'), {
      width: 180,
      cellClass: 'mono',
      tooltipField: 'merchantOrderNo',
    }),
    textCol<DiscrepancyGridRow>('terminalId', t('recon.col.terminalId'), { width: 110, cellClass: 'mono' }),
    textCol<DiscrepancyGridRow>('refNo', t('recon.col.refNo'), { width: 130, cellClass: 'mono' }),
    setCol<DiscrepancyGridRow>('resolution', t('recon.col.resolution'), optionsOf(labels.resolution), texts, { width: 110 }),
    textCol<DiscrepancyGridRow>('detail', t('recon.col.detail'), { width: 320, tooltipField: 'detail' }),
  ];
  return cols.map((c) => ({
    ...c,
    suppressKeyboardEvent: (p) => p.event.key === ' ' && !p.editing,
  }));
}
