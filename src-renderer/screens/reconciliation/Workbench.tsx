// The workbench: the business days of a month × the seven channels in their fixed order. Each cell
// shows the auto-match rate, the open discrepancies (count and amount), the proof and the sign-off;
// a cell opens that channel-day's discrepancies. Reconciliation of a day or a range runs as a job
// with progress and Cancel. The demo company can import its sandbox statements here first.
import { useEffect, useState } from 'react';
import type { DemoStatementsResult, WorkbenchCell } from '../../../src-main/api/contract';
import { call, toApiError } from '../../api/client';
import { ErrorBox, JobFailure } from '../../components/ErrorBox';
import { JobProgress } from '../../components/JobProgress';
import { useJob } from '../../components/useJob';
import { formatCount, formatFen } from '../../format';
import { inChannelOrder } from '../../grid/channels';
import { useSession } from '../../session';
import { latestMonth } from '../statements/Statements';
import { addMonths, daysOf, isMonth, monthTitle, weekday } from '../statements/month';
import { useMonthCells } from '../statements/useMonthCells';
import { goRecon, type ReconPlace } from './Reconciliation';

/** "98.5%" with one decimal, "100%" when whole. */
export function percent(rate: number): string {
  const tenths = Math.floor(rate * 1000) / 10;
  return `${Number.isInteger(tenths) ? tenths : tenths.toFixed(1)}%`;
}

const RELOAD_SCOPES = ['recon', 'statements'];

export function Workbench(props: { place: ReconPlace }) {
  const { t, lang, channels, user, info } = useSession();
  const ordered = inChannelOrder(channels, (c) => c.code);
  const [fallback, setFallback] = useState<string | null>(null);
  const month = isMonth(props.place.month) ? props.place.month : fallback;
  const { cells, error, setError, reload: load } = useMonthCells(
    month,
    'recon.workbench',
    (from, to) => call('recon.workbench', { from, to }),
    RELOAD_SCOPES,
  );
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const run = useJob();
  const demo = useJob();
  const [runMessage, setRunMessage] = useState<string | null>(null);
  const [demoMessage, setDemoMessage] = useState<string | null>(null);

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

  // The run range follows the month shown (a person may narrow it to one day).
  useEffect(() => {
    if (!month) return;
    const days = daysOf(month);
    setFrom(days[0]!);
    setTo(days[days.length - 1]!);
  }, [month]);


  const startRun = async () => {
    if (!user) return;
    setRunMessage(null);
    const final = await run.start(() => call('recon.run', { date: from, to, actor: user }));
    if (final?.status === 'done') {
      const n = Array.isArray(final.result) ? final.result.length : 0;
      setRunMessage(t('recon.run.done', { n: formatCount(n) }));
    }
    void load();
  };

  const importDemo = async () => {
    if (!user) return;
    setDemoMessage(null);
    const final = await demo.start(() => call('demo.statements.import', { from, to, actor: user }));
    if (final?.status === 'done') {
      const r = final.result as DemoStatementsResult;
      setDemoMessage(
        t('recon.demo.done', {
          files: formatCount(r.files),
          imported: formatCount(r.imported),
          duplicate: formatCount(r.duplicate),
          pending: formatCount(r.pending),
          rejected: formatCount(r.rejected),
        }),
      );
    }
    void load();
  };

  const byKey = new Map((cells ?? []).map((c) => [`${c.businessDate}|${c.channel}`, c]));
  const days = month ? daysOf(month) : [];
  const weekdays = t('recon.weekdays').split(',');
  const validRange = /^\d{4}-\d{2}-\d{2}$/.test(from) && /^\d{4}-\d{2}-\d{2}$/.test(to) && from <= to;
  const busy = run.running || demo.running;

  const totals = ordered.map((ch) => {
    const list = days.map((d) => byKey.get(`${d}|${ch.code}`)).filter((c): c is WorkbenchCell => !!c && c.ran);
    return {
      code: ch.code,
      ran: list.length,
      open: list.reduce((n, c) => n + c.openCount, 0),
      openFen: list.reduce((n, c) => n + c.openFen, 0),
      failing: list.filter((c) => c.proof && !c.proof.ok).length,
      signed: list.filter((c) => c.status === 'reconciled').length,
    };
  });

  return (
    <>
      {error && <ErrorBox error={error} onDismiss={() => setError(null)} />}
      <section className="card" data-testid="recon-run-card">
        <div className="card-head">
          <h2>{t('recon.run.title')}</h2>
          <span className="muted">{t('recon.run.hint')}</span>
        </div>
        <div className="form form-inline recon-run">
          <label className="field">
            <span className="field-label">{t('recon.run.from')}</span>
            <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="recon-run-from" />
          </label>
          <label className="field">
            <span className="field-label">{t('recon.run.to')}</span>
            <input type="date" value={to} onChange={(e) => setTo(e.target.value)} data-testid="recon-run-to" />
          </label>
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => void startRun()}
            disabled={!user || !validRange || busy}
            data-testid="recon-run"
          >
            {t('recon.run.start')}
          </button>
          {info.company?.demo && (
            <button
              type="button"
              className="btn"
              onClick={() => void importDemo()}
              disabled={!user || !validRange || busy}
              title={t('recon.demo.hint')}
              data-testid="recon-demo-import"
            >
              {t('recon.demo.import')}
            </button>
          )}
          {!user && <span className="field-hint">{t('recon.needUser')}</span>}
        </div>
        {run.running && run.job && (
          <JobProgress job={run.job} cancelling={run.cancelling} onCancel={run.cancel} testId="recon-run-progress" />
        )}
        {demo.running && demo.job && (
          <JobProgress job={demo.job} cancelling={demo.cancelling} onCancel={demo.cancel} testId="recon-demo-progress" />
        )}
        {runMessage && !run.running && (
          <span className="export-message" data-testid="recon-run-message">
            {runMessage}
          </span>
        )}
        {run.job?.status === 'cancelled' && !run.running && <span className="muted">{t('job.cancelled')}</span>}
        {run.job?.status === 'failed' && !run.running && (
          <JobFailure title={t('recon.run.failed')} message={run.job.error} testId="recon-run-failed" />
        )}
        {run.error && <ErrorBox error={run.error} onDismiss={run.clearError} />}
        {demoMessage && !demo.running && (
          <span className="export-message" data-testid="recon-demo-message">
            {demoMessage}
          </span>
        )}
        {demo.job?.status === 'failed' && !demo.running && (
          <JobFailure title={t('recon.demo.failed')} message={demo.job.error} />
        )}
        {demo.error && <ErrorBox error={demo.error} onDismiss={demo.clearError} />}
      </section>

      <section className="card" data-testid="workbench-card">
        <div className="card-head">
          <h2>{t('recon.workbench')}</h2>
          {month && (
            <span className="wb-month" data-testid="workbench-month" data-month={month}>
              {monthTitle(month, lang)}
            </span>
          )}
          <span className="spacer" />
          <span className="wb-legend">
            <span className="wb-proof wb-proof-ok">✓</span> {t('recon.proof.ok')}
            <span className="wb-proof wb-proof-bad">✗</span> {t('recon.proof.fails')}
            <span className="wb-signed">{t('recon.signedOff')}</span>
          </span>
          <span className="wb-nav">
            <button
              type="button"
              className="btn btn-small"
              onClick={() => month && goRecon({ tab: 'workbench', month: addMonths(month, -1) })}
              disabled={!month}
              aria-label={t('recon.prevMonth')}
              title={t('recon.prevMonth')}
            >
              ‹
            </button>
            <input
              type="month"
              value={month ?? ''}
              onChange={(e) => isMonth(e.target.value) && goRecon({ tab: 'workbench', month: e.target.value })}
              aria-label={t('recon.month')}
            />
            <button
              type="button"
              className="btn btn-small"
              onClick={() => month && goRecon({ tab: 'workbench', month: addMonths(month, 1) })}
              disabled={!month}
              aria-label={t('recon.nextMonth')}
              title={t('recon.nextMonth')}
            >
              ›
            </button>
          </span>
        </div>
        <div className="wb-scroll">
          <table className="table wb" data-testid="workbench">
            <colgroup>
              <col className="wb-col-day" />
              {ordered.map((c) => (
                <col key={c.code} />
              ))}
            </colgroup>
            <thead>
              <tr>
                <th>{t('recon.day')}</th>
                {ordered.map((c) => (
                  <th key={c.code} data-channel={c.code}>
                    {c.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {days.map((day) => {
                const wd = weekday(day);
                return (
                  <tr key={day} className={wd === 0 || wd === 6 ? 'wb-weekend' : undefined}>
                    <th className="wb-day tnum" scope="row">
                      {day.slice(5)} <span className="wb-weekday">{weekdays[wd]}</span>
                    </th>
                    {ordered.map((ch) => (
                      <td key={ch.code} className="wb-td">
                        <WorkbenchCellView
                          cell={byKey.get(`${day}|${ch.code}`) ?? null}
                          loaded={cells !== null}
                          title={`${ch.name} ${day}`}
                          testId={`wb-cell-${day}-${ch.code}`}
                          onOpen={() => goRecon({ tab: 'discrepancies', month, channel: ch.code, date: day })}
                        />
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
            <tfoot>
              <tr>
                <th>{t('recon.monthTotal')}</th>
                {totals.map((s) => (
                  <td key={s.code} className="wb-total" data-channel={s.code}>
                    {s.ran === 0 ? (
                      <span className="wb-missing">—</span>
                    ) : (
                      <>
                        <div>{t('recon.total.days', { n: s.ran, signed: s.signed })}</div>
                        <div className={s.open ? 'wb-open' : 'muted'}>
                          {t('recon.cell.open', { n: formatCount(s.open) })} <span className="num">{formatFen(s.openFen)}</span>
                        </div>
                        {s.failing > 0 && <div className="wb-bad">{t('recon.total.failing', { n: s.failing })}</div>}
                      </>
                    )}
                  </td>
                ))}
              </tr>
            </tfoot>
          </table>
        </div>
      </section>
    </>
  );
}

function WorkbenchCellView(props: {
  cell: WorkbenchCell | null;
  loaded: boolean;
  title: string;
  testId: string;
  onOpen: () => void;
}) {
  const { t } = useSession();
  const c = props.cell;
  if (!c || (!c.ran && c.statementFiles === 0)) {
    return (
      <span className="wb-missing" data-testid={props.testId} data-ran="false">
        {props.loaded ? t('recon.cell.noStatement') : ''}
      </span>
    );
  }
  if (!c.ran) {
    return (
      <button type="button" className="wb-cell wb-notrun" onClick={props.onOpen} data-testid={props.testId} data-ran="false" title={props.title}>
        <span className="wb-state">{t('recon.cell.notRun')}</span>
      </button>
    );
  }
  const ok = c.proof?.ok ?? false;
  return (
    <button
      type="button"
      className={`wb-cell ${c.openCount ? 'wb-has-open' : 'wb-clean'} ${ok ? '' : 'wb-failing'}`}
      onClick={props.onOpen}
      data-testid={props.testId}
      data-ran="true"
      data-proof={ok ? 'ok' : 'fails'}
      data-open={c.openCount}
      data-status={c.status ?? ''}
      title={`${props.title} · ${ok ? t('recon.proof.ok') : t('recon.proof.fails')}`}
    >
      <span className="wb-line">
        <span className={`wb-proof ${ok ? 'wb-proof-ok' : 'wb-proof-bad'}`} aria-label={ok ? t('recon.proof.ok') : t('recon.proof.fails')}>
          {ok ? '✓' : '✗'}
        </span>
        <span className="wb-rate num">{c.matchRate === null ? '—' : percent(c.matchRate)}</span>
        {c.status === 'reconciled' && <span className="wb-signed">{t('recon.signedOff')}</span>}
      </span>
      {c.openCount > 0 ? (
        <span className="wb-line wb-open">
          <span>{t('recon.cell.open', { n: formatCount(c.openCount) })}</span>
          <span className="num">{formatFen(c.openFen)}</span>
        </span>
      ) : (
        <span className="wb-line muted">{t('recon.cell.noOpen')}</span>
      )}
      {c.pendingAdjustments > 0 && (
        <span className="wb-line wb-pending">{t('recon.cell.pending', { n: c.pendingAdjustments })}</span>
      )}
    </button>
  );
}
