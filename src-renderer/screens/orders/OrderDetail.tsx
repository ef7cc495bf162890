// The whole picture of one vehicle order (orders.get): the order, its sub-orders, billings with
// due/paid/refunded, payments with every channel identifier, refunds, and the balance: agreed price
// against net paid, with the difference highlighted when a delivered order is not square.
import { useEffect, useState, type ReactNode } from 'react';
import type { OrderPicture } from '../../../src-main/api/contract';
import { call, toApiError, type ApiError } from '../../api/client';
import { ErrorBox } from '../../components/ErrorBox';
import { formatDate, formatDateTime, formatFen } from '../../format';
import { useSession } from '../../session';

export function OrderDetail(props: { orderNo: string; onClose: () => void }) {
  const { t, label } = useSession();
  const [picture, setPicture] = useState<OrderPicture | null | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const { orderNo, onClose } = props;

  useEffect(() => {
    let live = true;
    setPicture(undefined);
    setError(null);
    call('orders.get', { orderNo }).then(
      (p) => live && setPicture(p),
      (e: unknown) => live && setError(toApiError(e, 'orders.get')),
    );
    return () => {
      live = false;
    };
  }, [orderNo]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const o = picture?.order;
  const incident = !!picture && picture.order.status === 'delivered' && picture.outstandingFen !== 0;
  const dash = (v: string | null | undefined) => (v ? v : <span className="muted">—</span>);

  return (
    <>
      <div className="drawer-backdrop" onClick={onClose} />
      <aside className="drawer" role="dialog" aria-label={`${t('detail.title')} ${orderNo}`} data-testid="order-detail">
        <header className="drawer-head">
          <h2>
            {t('detail.title')} <span className="mono">{orderNo}</span>
          </h2>
          {o && <span className={`status status-${o.status}`}>{label('orderStatus', o.status)}</span>}
          <span className="spacer" />
          <button type="button" className="btn" onClick={onClose} data-testid="order-detail-close">
            {t('common.close')}
          </button>
        </header>
        <div className="drawer-body">
          {error && <ErrorBox error={error} />}
          {picture === undefined && !error && <p className="muted">{t('detail.loading')}</p>}
          {picture === null && <p className="muted">{t('detail.notFound', { orderNo })}</p>}
          {picture && o && (
            <>
              <dl className="facts facts-row">
                <Fact term={t('detail.customer')}>{o.customerName}</Fact>
                <Fact term={t('detail.model')}>{o.model}</Fact>
                <Fact term={t('detail.deliveryCenter')}>{dash(o.deliveryCenter)}</Fact>
                <Fact term={t('detail.createdAt')}>
                  <span className="tnum">{formatDateTime(o.createdAt)}</span>
                </Fact>
                <Fact term={t('detail.updatedAt')}>
                  <span className="tnum">{formatDateTime(o.updatedAt)}</span>
                </Fact>
              </dl>

              <section className={`balance ${incident ? 'balance-incident' : ''}`} data-testid="order-balance">
                <Amount label={t('detail.price')} fen={o.priceFen} />
                <Amount label={t('detail.discount')} fen={o.discountFen} />
                <Amount label={t('detail.agreed')} fen={picture.agreedFen} testId="balance-agreed" />
                <Amount label={t('detail.netPaid')} fen={picture.netPaidFen} testId="balance-net-paid" />
                <Amount
                  label={t('detail.outstanding')}
                  fen={picture.outstandingFen}
                  testId="balance-outstanding"
                  alert={incident}
                  note={picture.outstandingFen === 0 ? t('detail.settled') : undefined}
                />
                {incident && (
                  <p className="balance-warning" role="alert" data-testid="balance-incident">
                    {t('detail.outstandingDelivered')}
                  </p>
                )}
              </section>

              <Section title={t('detail.subOrders')} count={picture.subOrders.length} testId="detail-sub-orders">
                <table className="table table-compact">
                  <thead>
                    <tr>
                      <th>{t('detail.kind')}</th>
                      <th>{t('detail.subOrderNo')}</th>
                      <th>{t('orders.col.status')}</th>
                      <th>{t('detail.detail')}</th>
                      <th>{t('detail.updatedAt')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {picture.subOrders.map((s) => (
                      <tr key={s.subOrderNo}>
                        <td>{label('subOrderKind', s.kind)}</td>
                        <td className="mono">{s.subOrderNo}</td>
                        <td>{label('subOrderStatus', s.status)}</td>
                        <td>{dash(s.detail)}</td>
                        <td className="tnum">{formatDateTime(s.updatedAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </Section>

              <Section title={t('detail.billings')} count={picture.billings.length} testId="detail-billings">
                <table className="table table-compact">
                  <thead>
                    <tr>
                      <th>{t('detail.billingKind')}</th>
                      <th>{t('detail.billingNo')}</th>
                      <th>{t('detail.fundsOrderNo')}</th>
                      <th className="num">{t('detail.due')}</th>
                      <th className="num">{t('detail.paid')}</th>
                      <th className="num">{t('detail.refunded')}</th>
                      <th>{t('orders.col.status')}</th>
                      <th>{t('detail.billedAt')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {picture.billings.map((b) => (
                      <tr key={b.billingNo}>
                        <td>{label('billingKind', b.kind)}</td>
                        <td className="mono">{b.billingNo}</td>
                        <td className="mono">{b.fundsOrderNo}</td>
                        <td className="num">{formatFen(b.amountDueFen)}</td>
                        <td className="num">{formatFen(b.paidFen)}</td>
                        <td className="num">{formatFen(b.refundedFen)}</td>
                        <td>{label('billingStatus', b.status)}</td>
                        <td className="tnum">{formatDateTime(b.createdAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                  {picture.billings.length > 1 && (
                    <tfoot>
                      <tr>
                        <th colSpan={3}>{t('common.total')}</th>
                        <td className="num">{formatFen(sum(picture.billings.filter((b) => b.status !== 'cancelled'), (b) => b.amountDueFen))}</td>
                        <td className="num">{formatFen(sum(picture.billings, (b) => b.paidFen))}</td>
                        <td className="num">{formatFen(sum(picture.billings, (b) => b.refundedFen))}</td>
                        <td colSpan={2} />
                      </tr>
                    </tfoot>
                  )}
                </table>
              </Section>

              <Section title={t('detail.payments')} count={picture.payments.length} testId="detail-payments">
                <table className="table table-compact">
                  <thead>
                    <tr>
                      <th>{t('payments.col.paymentNo')}</th>
                      <th>{t('payments.col.billingKind')}</th>
                      <th>{t('payments.col.channel')}</th>
                      <th>{t('payments.col.method')}</th>
                      <th className="num">{t('payments.col.amountFen')}</th>
                      <th>{t('payments.col.paidAt')}</th>
                      <th>{t('payments.col.status')}</th>
                      <th className="ids-head">{t('detail.channelIds')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {picture.payments.map((p) => (
                      <tr key={p.paymentNo} className={p.status !== 'success' ? 'row-muted' : undefined}>
                        <td className="mono">{p.paymentNo}</td>
                        <td>{label('billingKind', p.billingKind)}</td>
                        <td>{label('channel', p.channel)}</td>
                        <td>{label('method', p.method)}</td>
                        <td className="num">{formatFen(p.amountFen)}</td>
                        <td className="tnum">{formatDateTime(p.paidAt)}</td>
                        <td>{label('paymentStatus', p.status)}</td>
                        <td className="ids">
                          <ChannelIds
                            ids={[
                              [t('payments.col.merchantOrderNo'), p.merchantOrderNo],
                              [t('payments.col.channelTxnId'), p.channelTxnId],
                              [t('payments.col.terminalId'), p.terminalId],
                              [t('payments.col.refNo'), p.refNo],
                              [t('payments.col.voucherNo'), p.voucherNo],
                              [t('payments.col.payerAccount'), p.payerAccount],
                              [t('payments.col.payerName'), p.payerName],
                            ]}
                          />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                  {picture.payments.length > 1 && (
                    <tfoot>
                      <tr>
                        <th colSpan={4}>{t('detail.successfulTotal')}</th>
                        <td className="num">{formatFen(sum(picture.payments.filter((p) => p.status === 'success'), (p) => p.amountFen))}</td>
                        <td colSpan={3} />
                      </tr>
                    </tfoot>
                  )}
                </table>
              </Section>

              <Section title={t('detail.refunds')} count={picture.refunds.length} testId="detail-refunds">
                <div className="table-scroll">
                  <table className="table table-compact">
                    <thead>
                      <tr>
                        <th>{t('detail.refundNo')}</th>
                        <th>{t('detail.paymentNo')}</th>
                        <th>{t('payments.col.channel')}</th>
                        <th className="num">{t('detail.amount')}</th>
                        <th>{t('detail.refundedAt')}</th>
                        <th>{t('payments.col.businessDate')}</th>
                        <th>{t('payments.col.status')}</th>
                        <th>{t('detail.channelRefundId')}</th>
                        <th>{t('detail.merchantRefundNo')}</th>
                        <th>{t('detail.reason')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {picture.refunds.map((r) => (
                        <tr key={r.refundNo} className={r.status !== 'success' ? 'row-muted' : undefined}>
                          <td className="mono">{r.refundNo}</td>
                          <td className="mono">{r.paymentNo}</td>
                          <td>{label('channel', r.channel)}</td>
                          <td className="num">{formatFen(r.amountFen)}</td>
                          <td className="tnum">{formatDateTime(r.refundedAt)}</td>
                          <td className="tnum">{formatDate(r.businessDate)}</td>
                          <td>{label('refundStatus', r.status)}</td>
                          <td className="mono">{dash(r.channelRefundId)}</td>
                          <td className="mono">{dash(r.merchantRefundNo)}</td>
                          <td>{dash(r.reason)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </Section>
            </>
          )}
        </div>
      </aside>
    </>
  );
}

function sum<T>(items: readonly T[], fen: (item: T) => number): number {
  return items.reduce((s, i) => s + fen(i), 0);
}

/** The identifiers that tie a payment to the channel's statement line; only those it has. */
function ChannelIds(props: { ids: [label: string, value: string | null][] }) {
  const present = props.ids.filter((x): x is [string, string] => !!x[1]);
  if (present.length === 0) return <span className="muted">—</span>;
  return (
    <>
      {present.map(([name, value]) => (
        <span className="id-pair" key={name}>
          <span className="id-label">{name}</span> <span className="mono">{value}</span>
        </span>
      ))}
    </>
  );
}

function Fact(props: { term: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{props.term}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

function Amount(props: { label: string; fen: number; testId?: string; alert?: boolean; note?: string }) {
  return (
    <div className={`amount ${props.alert ? 'amount-alert' : ''}`}>
      <div className="amount-label">{props.label}</div>
      <div className="amount-value num" data-testid={props.testId} data-fen={props.fen}>
        {formatFen(props.fen)}
      </div>
      {props.note && <div className="amount-note">{props.note}</div>}
    </div>
  );
}

function Section(props: { title: string; count: number; testId: string; children: ReactNode }) {
  const { t } = useSession();
  return (
    <section className="detail-section" data-testid={props.testId}>
      <h3>
        {props.title} <span className="muted num">({props.count})</span>
      </h3>
      {props.count === 0 ? <p className="muted">{t('detail.noRows')}</p> : props.children}
    </section>
  );
}
