// Overview: the last sync, what the local store holds, counts and amounts per channel in the fixed
// channel order, and the Sync button with its progress and Cancel.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Overview as OverviewData } from '../../../src-main/api/contract';
import { call, onEvent, toApiError, type ApiError } from '../../api/client';
import { ErrorBox, JobFailure } from '../../components/ErrorBox';
import { JobProgress } from '../../components/JobProgress';
import { useJob } from '../../components/useJob';
import { formatCount, formatDateTime, formatFen } from '../../format';
import { inChannelOrder } from '../../grid/channels';
import { routeHref } from '../../router';
import type { TextKey } from '../../i18n';
import { useSession } from '../../session';

export function Overview() {
  const { t, channels } = useSession();
  const [data, setData] = useState<OverviewData | null>(null);
  const [ranged, setRanged] = useState<OverviewData | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [range, setRange] = useState<{ from: string; to: string }>({ from: '', to: '' });
  const applied = useRef<{ from?: string; to?: string }>({});
  const sync = useJob();

  const load = useCallback(async () => {
    try {
      // The totals are of the whole store; the channel table follows the business-date range.
      const chosen = applied.current;
      const [all, inRange] = await Promise.all([
        call('overview.get', {}),
        chosen.from ? call('overview.get', chosen) : Promise.resolve(null),
      ]);
      setData(all);
      setRanged(inRange);
      setError(null);
      return all;
    } catch (e) {
      setError(toApiError(e, 'overview.get'));
      return null;
    }
  }, []);

  // First load; a sync already running (started elsewhere, or before a reload) is followed here.
  const { attach } = sync;
  useEffect(() => {
    void load().then((d) => {
      if (d?.runningSync) void attach(d.runningSync).then(() => load());
    });
  }, [load, attach]);

  // A sync started elsewhere (another window) shows its progress here too.
  const followed = useRef<string | null>(null);
  followed.current = sync.running ? (sync.job?.id ?? null) : null;

  // Counts move while a sync writes its pages.
  useEffect(() => {
    let timer: number | null = null;
    const unsubscribe = onEvent((e) => {
      if (e.type === 'job' && e.job.kind === 'sync' && e.job.status === 'running' && followed.current !== e.job.id) {
        followed.current = e.job.id;
        void attach(e.job).then(() => load());
      }
      if (e.type === 'data-changed' && e.scope === 'orders' && timer === null) {
        timer = window.setTimeout(() => {
          timer = null;
          void load();
        }, 700);
      }
    });
    return () => {
      unsubscribe();
      if (timer !== null) window.clearTimeout(timer);
    };
  }, [load, attach]);

  const startSync = async () => {
    await sync.start(() => call('sync.start', {}));
    await load();
  };

  const applyRange = () => {
    applied.current = range.from && range.to ? { from: range.from, to: range.to } : {};
    void load();
  };
  const clearRange = () => {
    setRange({ from: '', to: '' });
    applied.current = {};
    void load();
  };

  const rows = inChannelOrder((ranged ?? data)?.channels ?? [], (c) => c.channel);
  const sum = rows.reduce(
    (s, r) => ({
      payments: s.payments + r.payments,
      paymentsFen: s.paymentsFen + r.paymentsFen,
      refunds: s.refunds + r.refunds,
      refundsFen: s.refundsFen + r.refundsFen,
    }),
    { payments: 0, paymentsFen: 0, refunds: 0, refundsFen: 0 },
  );
  // Counts of successful payments and refunds (the amounts are of successful ones only).
  const allChannels = data?.channels ?? [];
  const okPayments = allChannels.reduce((n, c) => n + c.payments, 0);
  const okRefunds = allChannels.reduce((n, c) => n + c.refunds, 0);
  const name = (code: string) => channels.find((c) => c.code === code)?.name ?? code;
  const last = data?.lastSync ?? null;
  const syncJob = sync.job;
  const rangeValid = (range.from === '' && range.to === '') || (range.from !== '' && range.to !== '' && range.from <= range.to);

  return (
    <div className="screen overview" data-testid="overview">
      <div className="screen-head">
        <h1>{t('overview.title')}</h1>
        <span className="spacer" />
        {sync.running && syncJob ? (
          <JobProgress job={syncJob} cancelling={sync.cancelling} onCancel={sync.cancel} testId="sync-progress" />
        ) : (
          <button type="button" className="btn btn-primary" onClick={() => void startSync()} data-testid="sync-button">
            {t('overview.sync')}
          </button>
        )}
      </div>

      {error && <ErrorBox error={error} onDismiss={() => setError(null)} />}
      {sync.error && <ErrorBox title={t('overview.syncFailed')} error={sync.error} onDismiss={sync.clearError} testId="sync-error" />}
      {syncJob && !sync.running && syncJob.status === 'failed' && (
        <JobFailure
          title={t('overview.syncFailed')}
          message={syncJob.error}
          testId="sync-error"
          action={
            <a className="btn btn-small" href={routeHref('settings')}>
              {t('overview.openSettings')}
            </a>
          }
        />
      )}
      {syncJob && !sync.running && syncJob.status === 'cancelled' && (
        <div className="notice" data-testid="sync-cancelled">
          {t('overview.syncCancelled')}
        </div>
      )}

      <div className="cards">
        <section className="card" data-testid="last-sync">
          <h2>{t('overview.lastSync')}</h2>
          {last ? (
            <dl className="facts">
              <dt>{t('overview.syncedAt')}</dt>
              <dd className="tnum">{formatDateTime(last.finishedAt ?? last.startedAt)}</dd>
              <dt>{t('overview.outcome')}</dt>
              <dd>
                <span className={`status status-${last.outcome}`} data-testid="last-sync-outcome">
                  {outcomeKey(last.outcome) ? t(outcomeKey(last.outcome)!) : last.outcome}
                </span>
              </dd>
              <dt>{t('overview.records')}</dt>
              <dd className="tnum" data-testid="last-sync-records">
                {formatCount(last.records)}
              </dd>
              {last.message && (
                <>
                  <dt>{t('overview.message')}</dt>
                  <dd className="clamp" title={last.message}>
                    {last.message}
                  </dd>
                </>
              )}
            </dl>
          ) : (
            <p className="muted">{data ? t('overview.never') : t('common.loading')}</p>
          )}
        </section>

        <section className="card card-wide" data-testid="totals">
          <h2>
            {t('overview.totals')} <span className="muted h-note">{t('overview.totalsNote')}</span>
          </h2>
          {data && (
            <div className="figures">
              <Figure label={t('overview.orders')} value={formatCount(data.totals.orders)} testId="total-orders" />
              <Figure label={t('overview.billings')} value={formatCount(data.totals.billings)} />
              <Figure
                label={t('overview.payments')}
                value={formatCount(okPayments)}
                testId="total-payments"
                note={data.totals.payments > okPayments ? t('overview.notSuccessful', { n: formatCount(data.totals.payments - okPayments) }) : undefined}
              />
              <Figure
                label={t('overview.refunds')}
                value={formatCount(okRefunds)}
                note={data.totals.refunds > okRefunds ? t('overview.notSuccessful', { n: formatCount(data.totals.refunds - okRefunds) }) : undefined}
              />
              <Figure label={t('overview.paymentsAmount')} value={formatFen(data.totals.paymentsFen)} money />
              <Figure label={t('overview.refundsAmount')} value={formatFen(data.totals.refundsFen)} money />
              <Figure
                label={t('overview.net')}
                value={formatFen(data.totals.paymentsFen - data.totals.refundsFen)}
                money
                strong
              />
            </div>
          )}
        </section>
      </div>

      <section className="card">
        <div className="card-head">
          <h2>{t('overview.byChannel')}</h2>
          <span className="muted">{ranged ? `${applied.current.from} – ${applied.current.to}` : t('overview.rangeAll')}</span>
          <span className="spacer" />
          <label className="inline-field">
            <span>{t('overview.range')}</span>
            <input
              type="date"
              value={range.from}
              onChange={(e) => setRange({ ...range, from: e.target.value })}
              aria-label={`${t('overview.range')} from`}
            />
            <span>–</span>
            <input
              type="date"
              value={range.to}
              onChange={(e) => setRange({ ...range, to: e.target.value })}
              aria-label={`${t('overview.range')} to`}
            />
          </label>
          <button type="button" className="btn btn-small" onClick={applyRange} disabled={!rangeValid}>
            {t('overview.apply')}
          </button>
          <button type="button" className="btn btn-small btn-quiet" onClick={clearRange}>
            {t('overview.clear')}
          </button>
        </div>
        {data && data.totals.orders === 0 && <p className="muted empty-hint">{t('overview.empty')}</p>}
        <table className="table" data-testid="channel-table">
          <thead>
            <tr>
              <th>{t('overview.channel')}</th>
              <th className="num">{t('overview.paymentCount')}</th>
              <th className="num">{t('overview.paymentsAmount')}</th>
              <th className="num">{t('overview.refundCount')}</th>
              <th className="num">{t('overview.refundsAmount')}</th>
              <th className="num">{t('overview.net')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.channel} data-channel={r.channel}>
                <td>{name(r.channel)}</td>
                <td className="num" data-col="payments">
                  {formatCount(r.payments)}
                </td>
                <td className="num" data-col="paymentsFen">
                  {formatFen(r.paymentsFen)}
                </td>
                <td className="num" data-col="refunds">
                  {formatCount(r.refunds)}
                </td>
                <td className="num" data-col="refundsFen">
                  {formatFen(r.refundsFen)}
                </td>
                <td className="num" data-col="netFen">
                  {formatFen(r.paymentsFen - r.refundsFen)}
                </td>
              </tr>
            ))}
          </tbody>
          {rows.length > 0 && (
            <tfoot>
              <tr>
                <th>{t('common.total')}</th>
                <td className="num">{formatCount(sum.payments)}</td>
                <td className="num">{formatFen(sum.paymentsFen)}</td>
                <td className="num">{formatCount(sum.refunds)}</td>
                <td className="num">{formatFen(sum.refundsFen)}</td>
                <td className="num">{formatFen(sum.paymentsFen - sum.refundsFen)}</td>
              </tr>
            </tfoot>
          )}
        </table>
      </section>
    </div>
  );
}

function outcomeKey(outcome: string): TextKey | null {
  switch (outcome) {
    case 'ok':
      return 'overview.outcome.ok';
    case 'failed':
      return 'overview.outcome.failed';
    case 'cancelled':
      return 'overview.outcome.cancelled';
    case 'running':
      return 'overview.outcome.running';
    default:
      return null;
  }
}

function Figure(props: { label: string; value: string; money?: boolean; strong?: boolean; testId?: string; note?: string }) {
  return (
    <div className={`figure ${props.strong ? 'figure-strong' : ''}`}>
      <div className="figure-label">{props.label}</div>
      <div className={`figure-value num ${props.money ? 'money' : ''}`} data-testid={props.testId}>
        {props.value}
      </div>
      {props.note && <div className="figure-note">{props.note}</div>}
    </div>
  );
}
