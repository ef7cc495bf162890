// Orders and payments: two server-side grids (vehicle orders, payments). Clicking an order number
// opens the order's whole picture beside the grid.
import { useMemo } from 'react';
import type { OrderGridRow, PaymentGridRow } from '../../../src-main/api/contract';
import { ServerGrid } from '../../grid/ServerGrid';
import { navigate, type Route } from '../../router';
import { useSession } from '../../session';
import { orderColumns, paymentColumns } from './columns';
import { OrderDetail } from './OrderDetail';

type Tab = 'orders' | 'payments';
const REFRESH_ON: ('orders' | 'statements')[] = ['orders'];

export function Orders(props: { route: Route }) {
  const { t, labels, channels } = useSession();
  const tab: Tab = props.route.params.get('tab') === 'payments' ? 'payments' : 'orders';
  const orderNo = props.route.params.get('order');
  const open = (no: string) => navigate('orders', { tab, order: no });
  const close = () => navigate('orders', { tab });

  // Column definitions depend on the language (headers, coded value names) only.
  const orderCols = useMemo(() => orderColumns({ t, labels, channels }), [t, labels, channels]);
  const paymentCols = useMemo(() => paymentColumns({ t, labels, channels }), [t, labels, channels]);

  return (
    <div className="screen screen-fill orders" data-testid="orders">
      <div className="screen-head">
        <h1>{t('orders.title')}</h1>
        <div className="tabs" role="tablist">
          <button
            type="button"
            role="tab"
            aria-selected={tab === 'orders'}
            className={`tab ${tab === 'orders' ? 'tab-active' : ''}`}
            onClick={() => navigate('orders', { tab: 'orders' })}
          >
            {t('orders.tab.orders')}
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={tab === 'payments'}
            className={`tab ${tab === 'payments' ? 'tab-active' : ''}`}
            onClick={() => navigate('orders', { tab: 'payments' })}
          >
            {t('orders.tab.payments')}
          </button>
        </div>
      </div>
      <div className="grid-area">
        {tab === 'orders' ? (
          <ServerGrid<'orders.page'>
            key="orders"
            op="orders.page"
            exportName="orders"
            testId="orders-grid"
            columnDefs={orderCols}
            refreshOn={REFRESH_ON}
            onCellClicked={(e) => {
              const row = e.data as OrderGridRow | undefined;
              if (e.column.getColId() === 'orderNo' && row) open(row.orderNo);
            }}
          />
        ) : (
          <ServerGrid<'payments.page'>
            key="payments"
            op="payments.page"
            exportName="payments"
            testId="payments-grid"
            columnDefs={paymentCols}
            refreshOn={REFRESH_ON}
            onCellClicked={(e) => {
              const row = e.data as PaymentGridRow | undefined;
              if (e.column.getColId() === 'orderNo' && row) open(row.orderNo);
            }}
          />
        )}
        {orderNo && <OrderDetail orderNo={orderNo} onClose={close} />}
      </div>
    </div>
  );
}
