// The statement calendar: the days of a month × the seven channels in their fixed order. Each cell
// says what is there (missing, downloaded, imported, superseded, a new version waiting) with the
// active statement's line count and net amount; a cell with files opens its channel-day.
import type { CalendarCell } from '../../../src-main/api/contract';
import { formatCount, formatFen } from '../../format';
import { inChannelOrder } from '../../grid/channels';
import { useSession } from '../../session';
import { counted } from './plural';
import { daysOf, weekday } from './month';

export const cellKey = (day: string, channel: string) => `${day}|${channel}`;

export function Calendar(props: {
  month: string;
  cells: CalendarCell[] | null;
  selected: { day: string; channel: string } | null;
  onOpen: (day: string, channel: string) => void;
}) {
  const { t, label, channels } = useSession();
  const ordered = inChannelOrder(channels, (c) => c.code);
  const days = daysOf(props.month);
  const byKey = new Map((props.cells ?? []).map((c) => [cellKey(c.businessDate, c.channel), c]));
  const weekdays = t('statements.weekdays').split(',');

  // Month totals per channel: active statements only (what reconciliation will use).
  const totals = ordered.map((ch) => {
    const cells = days.map((d) => byKey.get(cellKey(d, ch.code))).filter((c): c is CalendarCell => !!c);
    return {
      code: ch.code,
      days: cells.filter((c) => c.activeFileIds.length > 0).length,
      lines: cells.reduce((n, c) => n + c.lineCount, 0),
      netFen: cells.reduce((n, c) => n + c.netFen, 0),
    };
  });

  return (
    <div className="cal-scroll">
      <table className="table cal" data-testid="statement-calendar" data-month={props.month}>
        <colgroup>
          <col className="cal-col-day" />
          {ordered.map((c) => (
            <col key={c.code} />
          ))}
        </colgroup>
        <thead>
          <tr>
            <th>{t('statements.day')}</th>
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
              <tr key={day} className={wd === 0 || wd === 6 ? 'cal-weekend' : undefined}>
                <th className="cal-day tnum" scope="row">
                  {day.slice(5)} <span className="cal-weekday">{weekdays[wd]}</span>
                </th>
                {ordered.map((ch) => {
                  const cell = byKey.get(cellKey(day, ch.code));
                  const state = cell?.state ?? 'missing';
                  const testId = `cal-cell-${day}-${ch.code}`;
                  const selected = props.selected?.day === day && props.selected.channel === ch.code;
                  if (!cell || state === 'missing') {
                    return (
                      <td key={ch.code} className="cal-td">
                        <span className="cal-missing" data-testid={testId} data-state="missing">
                          {props.cells ? label('statementState', 'missing') : ''}
                        </span>
                      </td>
                    );
                  }
                  const hasActive = cell.activeFileIds.length > 0;
                  return (
                    <td key={ch.code} className="cal-td">
                      <button
                        type="button"
                        className={`cal-cell cal-${state} ${selected ? 'cal-selected' : ''}`}
                        onClick={() => props.onOpen(day, ch.code)}
                        data-testid={testId}
                        data-state={state}
                        data-lines={cell.lineCount}
                        data-net-fen={cell.netFen}
                        aria-pressed={selected}
                        title={`${ch.name} ${day} · ${label('statementState', state)}${cell.files > 1 ? ` · ${counted(t, 'statements.filesCount', cell.files)}` : ''}`}
                      >
                        <span className="cal-state">{label('statementState', state)}</span>
                        {hasActive ? (
                          <span className="cal-figures">
                            <span className="cal-lines">
                              {counted(t, 'statements.lines', cell.lineCount, formatCount(cell.lineCount))}
                            </span>
                            <span className={`cal-net num ${cell.netFen < 0 ? 'cal-negative' : ''}`}>
                              {formatFen(cell.netFen)}
                            </span>
                          </span>
                        ) : (
                          <span className="cal-figures muted">{t('statements.noActive')}</span>
                        )}
                      </button>
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <th>{t('statements.monthTotal')}</th>
            {totals.map((s) => (
              <td key={s.code} className="cal-total" data-channel={s.code} data-net-fen={s.netFen}>
                {s.days === 0 ? (
                  <span className="cal-missing">—</span>
                ) : (
                  <>
                    <div className="cal-total-count">
                      {counted(t, 'statements.daysWithStatement', s.days)} ·{' '}
                      {counted(t, 'statements.lines', s.lines, formatCount(s.lines))}
                    </div>
                    <div className="cal-net num">{formatFen(s.netFen)}</div>
                  </>
                )}
              </td>
            ))}
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

/** How many cells of each state the month has: the legend doubles as a summary. */
export function stateCounts(cells: CalendarCell[]): Record<CalendarCell['state'], number> {
  const out: Record<CalendarCell['state'], number> = {
    missing: 0,
    downloaded: 0,
    imported: 0,
    superseded: 0,
    pending: 0,
  };
  for (const c of cells) out[c.state]++;
  return out;
}
