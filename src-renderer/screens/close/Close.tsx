// Month-end close (月结): the period's checklist, its channel-days, the open items with ageing and
// explanation, the chart of match rate and open amount, and the acts: the preparer's sign-off, the
// reviewer's (another user), the lock, reopening with a reason, and the close pack (a job). The
// period lives in the address (#/close?month=2026-10).
import { useCallback, useEffect, useState } from 'react';
import type { OpResult } from '../../../src-main/api/contract';
import { call, onEvent, saveJobFile, toApiError, type ApiError } from '../../api/client';
import { ErrorBox, JobFailure } from '../../components/ErrorBox';
import { JobProgress } from '../../components/JobProgress';
import { useJob } from '../../components/useJob';
import { formatCount, formatDateTime, formatFen } from '../../format';
import { inChannelOrder } from '../../grid/channels';
import { navigate, type Route } from '../../router';
import { useSession } from '../../session';
import type { TextKey } from '../../i18n';
import { latestMonth } from '../statements/Statements';
import { addMonths, isMonth } from '../statements/month';
import { percent } from '../reconciliation/Workbench';
import { CloseChart } from './CloseChart';
import './close.css';

type View = OpResult<'close.period'>;

export function Close(props: { route: Route }) {
  const { t, lang, user, channels, label } = useSession();
  // Examples name channel-days by the channel's name (支付宝 2026-10-01) and adjustments by number;
  // open items are listed in full, with type and amount, in their own card below.
  const exampleText = (key: string, example: string) => {
    if (key === 'adjustments') return `#${example}`;
    const [channel, day] = example.split(' ');
    return day ? `${label('channel', channel)} ${day}` : example;
  };
  const ordered = inChannelOrder(channels, (c) => c.code);
  const asked = props.route.params.get('month');
  const [fallback, setFallback] = useState<string | null>(null);
  const month = isMonth(asked) ? asked : fallback;
  const [view, setView] = useState<View | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [reason, setReason] = useState('');
  const [notes, setNotes] = useState<Record<string, string>>({});
  const pack = useJob();
  const [packMessage, setPackMessage] = useState<string | null>(null);

  useEffect(() => {
    if (month) return;
    let live = true;
    latestMonth().then(
      (m) => live && setFallback(m),
      (e: unknown) => live && setError(toApiError(e)),
    );
    return () => {
      live = false;
    };
  }, [month]);

  const load = useCallback(async () => {
    if (!month) return;
    try {
      setView(await call('close.period', { period: month }));
    } catch (e) {
      setError(toApiError(e, 'close.period'));
    }
  }, [month]);

  useEffect(() => {
    setView(null);
    void load();
    const off = onEvent((e) => {
      if (e.type === 'data-changed' && ['close', 'recon', 'statements', 'journal'].includes(e.scope)) void load();
    });
    return off;
  }, [load]);

  const act = async (work: () => Promise<View | unknown>) => {
    setBusy(true);
    setError(null);
    try {
      const out = await work();
      if (out && typeof out === 'object' && 'checklist' in out) setView(out as View);
      else await load();
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const makePack = async () => {
    if (!month) return;
    setPackMessage(null);
    const final = await pack.start(() => call('close.pack', { period: month, language: lang }));
    if (final?.status !== 'done') return;
    const r = final.result as { sheets: string[] };
    try {
      const saved = await saveJobFile(final.id);
      setPackMessage(`${t('close.packDone', { sheets: formatCount(r.sheets.length) })}${saved.path ? ` · ${t('close.packSaved', { path: saved.path })}` : ''}`);
    } catch (e) {
      setError(toApiError(e));
    }
  };

  const status = view?.status ?? 'open';
  const canAct = Boolean(user) && !busy && view !== null;

  return (
    <div className="screen close" data-testid="close">
      <div className="screen-head">
        <h1>{t('close.title')}</h1>
        <div className="close-month">
          <button type="button" className="btn btn-small" disabled={!month} onClick={() => month && navigate('close', { month: addMonths(month, -1) })} data-testid="close-prev">
            {t('close.prev')}
          </button>
          <label className="field">
            <span className="field-label">{t('close.month')}</span>
            <input type="month" value={month ?? ''} onChange={(e) => isMonth(e.target.value) && navigate('close', { month: e.target.value })} data-testid="close-month" />
          </label>
          <button type="button" className="btn btn-small" disabled={!month} onClick={() => month && navigate('close', { month: addMonths(month, 1) })} data-testid="close-next">
            {t('close.next')}
          </button>
        </div>
      </div>
      {error && <ErrorBox error={error} onDismiss={() => setError(null)} testId="close-error" />}
      {!user && <p className="field-hint">{t('close.needUser')}</p>}

      {view && (
        <>
          <section className="card" data-testid="close-status-card">
            <div className="card-head">
              <h2>
                {view.period} <span className={`badge close-status-${status}`} data-testid="close-status" data-status={status}>{t(`close.status.${status}` as TextKey)}</span>
              </h2>
              <span className="muted">{view.ready ? t('close.ready') : t('close.notReady')}</span>
            </div>
            <dl className="close-signatures">
              <dt>{t('close.preparedBy')}</dt>
              <dd data-testid="close-prepared-by">{view.preparedBy ? `${view.preparedBy} · ${formatDateTime(view.preparedAt)}` : '—'}</dd>
              <dt>{t('close.reviewedBy')}</dt>
              <dd data-testid="close-reviewed-by">{view.reviewedBy ? `${view.reviewedBy} · ${formatDateTime(view.reviewedAt)}` : '—'}</dd>
              <dt>{t('close.lockedBy')}</dt>
              <dd data-testid="close-locked-by">{view.lockedBy ? `${view.lockedBy} · ${formatDateTime(view.lockedAt)}` : '—'}</dd>
              {view.reopenedBy && (
                <>
                  <dt>{t('close.reopenedBy')}</dt>
                  <dd>{`${view.reopenedBy} · ${formatDateTime(view.reopenedAt)} · ${view.reopenReason ?? ''}`}</dd>
                </>
              )}
            </dl>
            <div className="form form-inline">
              <button type="button" className="btn btn-primary" disabled={!canAct || status !== 'open'}
                onClick={() => void act(() => call('close.signoff', { period: view.period, role: 'preparer', actor: user! }))} data-testid="close-sign-preparer">
                {t('close.signPreparer')}
              </button>
              <button type="button" className="btn btn-primary" disabled={!canAct || status !== 'prepared'}
                onClick={() => void act(() => call('close.signoff', { period: view.period, role: 'reviewer', actor: user! }))} data-testid="close-sign-reviewer">
                {t('close.signReviewer')}
              </button>
              <button type="button" className="btn" disabled={!canAct || status !== 'reviewed'} title={t('close.lockHint')}
                onClick={() => void act(() => call('close.lock', { period: view.period, actor: user! }))} data-testid="close-lock">
                {t('close.lock')}
              </button>
              <label className="field">
                <span className="field-label">{t('close.reopenReason')}</span>
                <input type="text" value={reason} onChange={(e) => setReason(e.target.value)} disabled={status === 'open'} className="close-reason" data-testid="close-reopen-reason" />
              </label>
              <button type="button" className="btn" disabled={!canAct || status === 'open' || reason.trim().length < 2}
                onClick={() => void act(async () => {
                  const v = await call('close.reopen', { period: view.period, actor: user!, reason });
                  setReason('');
                  return v;
                })} data-testid="close-reopen">
                {t('close.reopen')}
              </button>
              <button type="button" className="btn" disabled={pack.running} onClick={() => void makePack()} data-testid="close-pack">
                {t('close.pack')}
              </button>
            </div>
            <p className="muted">{t('close.lockHint')}</p>
            {pack.running && pack.job && <JobProgress job={pack.job} cancelling={pack.cancelling} onCancel={pack.cancel} testId="close-pack-progress" />}
            {packMessage && !pack.running && <span className="export-message" data-testid="close-pack-message">{packMessage}</span>}
            {pack.job?.status === 'failed' && !pack.running && <JobFailure title={t('close.packFailed')} message={pack.job.error} />}
            {pack.error && <ErrorBox error={pack.error} onDismiss={pack.clearError} />}
          </section>

          <section className="card" data-testid="close-checklist">
            <div className="card-head"><h2>{t('close.checklist')}</h2></div>
            <ul className="close-checks">
              {view.checklist.map((c) => (
                <li key={c.key} className={c.ok ? 'close-check-ok' : 'close-check-bad'} data-testid={`close-check-${c.key}`} data-ok={c.ok ? 'true' : 'false'}>
                  <span className="close-check-mark">{c.ok ? '✓' : '✗'}</span>
                  <span className="close-check-name">{t(`close.check.${c.key}` as TextKey)}</span>
                  <span className="muted">
                    {c.ok ? t('close.check.ok', { total: formatCount(c.total) }) : t('close.check.failing', { failing: formatCount(c.failing), total: formatCount(c.total) })}
                  </span>
                  {!c.ok && c.examples.length > 0 && c.key !== 'openItems' && (
                    <span className="close-check-examples">{c.examples.map((e) => exampleText(c.key, e)).join('，')}</span>
                  )}
                </li>
              ))}
            </ul>
          </section>

          <section className="card">
            <div className="card-head"><h2>{t('close.chart')}</h2></div>
            <CloseChart series={view.series} matchRate={t('close.chart.matchRate')} openAmount={t('close.chart.openAmount')} />
          </section>

          <section className="card">
            <div className="card-head">
              <h2>{t('close.openItems')}</h2>
              <span className="muted">
                {t('close.ageing')}: {view.ageing.map((b) => `${b.bucket} ${formatCount(b.count)} · ${formatFen(b.fen)}`).join('　')}
              </span>
            </div>
            {view.openItems.length === 0 ? (
              <p className="muted" data-testid="close-no-open-items">{t('close.noOpenItems')}</p>
            ) : (
              <div className="table-scroll">
                <table className="table table-compact" data-testid="close-open-items">
                  <thead>
                    <tr>
                      <th>{t('close.item.date')}</th>
                      <th>{t('close.item.channel')}</th>
                      <th>{t('close.item.type')}</th>
                      <th className="num">{t('close.item.amount')}</th>
                      <th className="num">{t('close.item.age')}</th>
                      <th>{t('close.item.explanation')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {view.openItems.map((i) => (
                      <tr key={i.id} data-testid="close-open-item">
                        <td>{i.businessDate}</td>
                        <td>{label('channel', i.channel)}</td>
                        <td>{label('discType', i.type)}</td>
                        <td className="num">{formatFen(i.amountFen)}</td>
                        <td className="num">{i.ageDays}</td>
                        <td>
                          {i.explanation ?? (
                            <span className="close-explain">
                              <input type="text" placeholder={t('close.item.explain')} value={notes[i.id] ?? ''}
                                onChange={(e) => setNotes({ ...notes, [i.id]: e.target.value })} disabled={status === 'locked'} />
                              <button type="button" className="btn btn-small" disabled={!canAct || (notes[i.id] ?? '').trim().length < 2}
                                onClick={() => void act(() => call('close.explain', { discrepancyId: i.id, text: notes[i.id]!, actor: user! }))}>
                                {t('close.item.save')}
                              </button>
                            </span>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>

          <section className="card">
            <div className="card-head"><h2>{t('close.days')}</h2></div>
            <div className="table-scroll">
              <table className="table table-compact close-days" data-testid="close-days">
                <thead>
                  <tr>
                    <th>{t('close.day')}</th>
                    {ordered.map((c) => <th key={c.code}>{c.name}</th>)}
                  </tr>
                </thead>
                <tbody>
                  {[...new Set(view.cells.map((c) => c.businessDate))].map((d) => (
                    <tr key={d}>
                      <td>{d}</td>
                      {ordered.map((ch) => {
                        const cell = view.cells.find((x) => x.businessDate === d && x.channel === ch.code);
                        if (!cell || !cell.active) return <td key={ch.code} className="muted">{t('close.cell.idle')}</td>;
                        return (
                          <td key={ch.code} className={cell.failing.length ? 'close-cell-bad' : 'close-cell-ok'} title={cell.failing.map((k) => t(`close.check.${k}` as TextKey)).join('\n')}>
                            {cell.failing.length ? `✗ ${cell.failing.length}` : `✓ ${cell.matchRate === null ? '' : percent(cell.matchRate)}`}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
    </div>
  );
}
