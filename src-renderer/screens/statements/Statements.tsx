// Statements (对账单): the import with its preview, the statement calendar of a month (days × the
// seven channels), and a channel-day's files and lines. The month, day, channel and file live in
// the address (#/statements?month=2026-10&day=2026-10-03&channel=lakala), like the order picture.
import { useCallback, useEffect, useState } from 'react';
import type { CalendarCell } from '../../../src-main/api/contract';
import { call, toApiError } from '../../api/client';
import { ErrorBox } from '../../components/ErrorBox';
import { navigate, type Route } from '../../router';
import { useSession } from '../../session';
import { Calendar, stateCounts } from './Calendar';
import { ChannelDay } from './ChannelDay';
import { ImportPanel } from './ImportPanel';
import { addMonths, isMonth, monthTitle, shanghaiToday } from './month';
import { useMonthCells } from './useMonthCells';
import './statements.css';

const STATES: CalendarCell['state'][] = ['imported', 'downloaded', 'pending', 'superseded', 'missing'];

/**
 * The month to show first: that of the latest statement file; with none yet, that of the latest
 * business day in the synced data; with no data at all, this month in Beijing.
 */
export async function latestMonth(): Promise<string> {
  const files = await call('statements.files', {});
  const latestFile = files.reduce((m, f) => (f.businessDate > m ? f.businessDate : m), '');
  if (latestFile) return latestFile.slice(0, 7);
  const page = await call('payments.page', {
    startRow: 0,
    endRow: 1,
    sortModel: [{ colId: 'businessDate', sort: 'desc' }],
    filterModel: {},
  });
  const latestPayment = page.rows[0]?.businessDate;
  return latestPayment ? latestPayment.slice(0, 7) : shanghaiToday().slice(0, 7);
}

// New files (an import here or elsewhere, a download): the calendar follows.
const RELOAD_SCOPES = ['statements'];

export function Statements(props: { route: Route }) {
  const { t, lang, label } = useSession();
  const params = props.route.params;
  const monthParam = params.get('month');
  const day = params.get('day');
  const channel = params.get('channel');
  const fileParam = Number(params.get('file')) || null;
  const [fallback, setFallback] = useState<string | null>(null);
  const month = isMonth(monthParam) ? monthParam : fallback;
  const { cells, error, setError, reload: load } = useMonthCells(
    month,
    'statements.calendar',
    (from, to) => call('statements.calendar', { from, to }),
    RELOAD_SCOPES,
  );

  useEffect(() => {
    if (month) return;
    let live = true;
    latestMonth().then(
      (m) => live && setFallback(m),
      (e: unknown) => {
        if (!live) return;
        setError(toApiError(e, 'statements.files'));
        setFallback(shanghaiToday().slice(0, 7));
      },
    );
    return () => {
      live = false;
    };
  }, [month]);


  const go = (p: { month?: string | null; day?: string | null; channel?: string | null; file?: number | null }) =>
    navigate('statements', {
      month: p.month ?? month,
      day: p.day,
      channel: p.channel,
      file: p.file ? String(p.file) : null,
    });
  const close = useCallback(() => navigate('statements', { month }), [month]);
  const counts = cells ? stateCounts(cells) : null;

  return (
    <div className="screen statements" data-testid="statements">
      <div className="screen-head">
        <h1>{t('statements.title')}</h1>
        <span className="spacer" />
      </div>
      {error && <ErrorBox error={error} onDismiss={() => setError(null)} />}

      <ImportPanel
        onImported={() => void load()}
        onOpenDay={(d, c) => go({ month: d.slice(0, 7), day: d, channel: c })}
      />

      <section className="card" data-testid="calendar-card">
        <div className="card-head cal-head">
          <h2>{t('statements.calendar')}</h2>
          {month && (
            <span className="cal-month" data-testid="calendar-month" data-month={month}>
              {monthTitle(month, lang)}
            </span>
          )}
          <span className="spacer" />
          {counts && (
            <span className="cal-legend" data-testid="calendar-legend">
              {STATES.map((s) => (
                <span key={s} className={`cal-legend-item cal-${s}`}>
                  <span className="cal-swatch" />
                  {label('statementState', s)} <span className="num">{counts[s]}</span>
                </span>
              ))}
            </span>
          )}
          <span className="cal-nav">
            <button
              type="button"
              className="btn btn-small"
              onClick={() => month && go({ month: addMonths(month, -1) })}
              disabled={!month}
              aria-label={t('statements.prevMonth')}
              title={t('statements.prevMonth')}
            >
              ‹
            </button>
            <input
              type="month"
              value={month ?? ''}
              onChange={(e) => isMonth(e.target.value) && go({ month: e.target.value })}
              aria-label={t('statements.month')}
              data-testid="calendar-month-input"
            />
            <button
              type="button"
              className="btn btn-small"
              onClick={() => month && go({ month: addMonths(month, 1) })}
              disabled={!month}
              aria-label={t('statements.nextMonth')}
              title={t('statements.nextMonth')}
            >
              ›
            </button>
          </span>
        </div>
        {month ? (
          <Calendar
            month={month}
            cells={cells}
            selected={day && channel ? { day, channel } : null}
            onOpen={(d, c) => go({ day: d, channel: c })}
          />
        ) : (
          <p className="muted">{t('common.loading')}</p>
        )}
      </section>

      {day && channel && /^\d{4}-\d{2}-\d{2}$/.test(day) && (
        <ChannelDay
          key={`${day}|${channel}`}
          day={day}
          channel={channel}
          fileId={fileParam}
          onSelectFile={(id) => go({ month: day.slice(0, 7), day, channel, file: id })}
          onClose={close}
          onChanged={() => void load()}
        />
      )}
    </div>
  );
}
