// Columns of the statement lines grid (ids = the server's grid column ids of statementLines).
import type { ColDef } from 'ag-grid-community';
import type { StatementLineRow } from '../../../src-main/api/contract';
import { countCol, dateCol, dateTimeCol, moneyCol, optionsOf, setCol, textCol } from '../../grid/columns';
import type { TextKey } from '../../i18n';
import type { Session } from '../../session';

type ColumnTexts = Pick<Session, 't' | 'labels'>;

type IdField =
  | 'channelTxnId'
  | 'merchantOrderNo'
  | 'refundNo'
  | 'terminalId'
  | 'refNo'
  | 'voucherNo'
  | 'payerAccount'
  | 'payerName'
  | 'remark';

/**
 * The identifiers each channel ties its lines by come first (domain.md: POS by terminal, reference
 * and voucher number; wires by payer account and remark); every other column follows, none hidden.
 */
const FIRST_IDS: Record<string, IdField[]> = {
  unionpay: ['terminalId', 'refNo', 'voucherNo', 'merchantOrderNo'],
  allinpay: ['terminalId', 'refNo', 'voucherNo', 'merchantOrderNo'],
  cash: ['merchantOrderNo', 'channelTxnId', 'remark'],
  wire: ['payerAccount', 'payerName', 'remark', 'refNo'],
};
const ID_ORDER: IdField[] = [
  'channelTxnId',
  'merchantOrderNo',
  'refundNo',
  'terminalId',
  'refNo',
  'voucherNo',
  'payerAccount',
  'payerName',
  'remark',
];
const ID_WIDTH: Record<IdField, number> = {
  channelTxnId: 220,
  merchantOrderNo: 180,
  refundNo: 180,
  terminalId: 110,
  refNo: 140,
  voucherNo: 110,
  payerAccount: 170,
  payerName: 120,
  remark: 200,
};

export function lineColumns(s: ColumnTexts, fileDate: string, channel: string): ColDef<StatementLineRow>[] {
  const { t, labels } = s;
  const texts = { selectAllLabel: t('grid.selectAll'), clearLabel: t('grid.clear') };
  const first = FIRST_IDS[channel] ?? [];
  const ids = [...first, ...ID_ORDER.filter((f) => !first.includes(f))];
  const id = (field: IdField) =>
    textCol<StatementLineRow>(field, t(`statements.col.${field}` as TextKey), {
      width: ID_WIDTH[field],
      cellClass: field === 'remark' || field === 'payerName' ? undefined : 'mono',
      tooltipField: field,
    });
  return [
    countCol<StatementLineRow>('lineNo', t('statements.col.lineNo'), {
      width: 80,
      pinned: 'left',
      // A line number, not a quantity: no thousands separator.
      valueFormatter: (p) => (p.value == null ? '' : String(p.value)),
    }),
    setCol<StatementLineRow>('kind', t('statements.col.kind'), optionsOf(labels.lineKind), texts, { width: 100 }),
    moneyCol<StatementLineRow>('amountFen', t('statements.col.amountFen'), { width: 130 }),
    moneyCol<StatementLineRow>('feeFen', t('statements.col.feeFen'), { width: 110 }),
    dateTimeCol<StatementLineRow>('occurredAt', t('statements.col.occurredAt')),
    dateCol<StatementLineRow>('businessDate', t('statements.col.businessDate'), {
      width: 120,
      // A line of another day in this day's statement (23:59:58): a timing difference to carry.
      cellClassRules: { 'cell-note': (p) => typeof p.value === 'string' && p.value !== fileDate },
      tooltipValueGetter: (p) =>
        typeof p.value === 'string' && p.value !== fileDate ? t('statements.otherDay') : null,
    }),
    ...ids.map(id),
    textCol<StatementLineRow>('status', t('statements.col.status'), { width: 110 }),
  ];
}
