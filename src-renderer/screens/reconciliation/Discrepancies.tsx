// The discrepancies to review: type tabs with counts and amounts, the ageing of what is open, and
// the server-side grid (sort and filter in SQL, export to Excel). Keyboard first: arrows move,
// Space selects, Enter shows the detail, letters act on the selected rows (or the focused one).
// With a channel-day chosen on the workbench, its proof, sign-off and manual matching are here too.
import { Fragment, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CellFocusedEvent, CellKeyDownEvent, GridApi } from 'ag-grid-community';
import type { ColumnFilter, DiscDetail, DiscrepancyGridRow, DiscrepancyPage } from '../../../src-main/api/contract';
import { call, toApiError, type ApiError } from '../../api/client';
import { ErrorBox } from '../../components/ErrorBox';
import { formatCount, formatFen } from '../../format';
import { ServerGrid } from '../../grid/ServerGrid';
import type { TextKey } from '../../i18n';
import { useSession } from '../../session';
import { ActionDialog, type ActionKind } from './ActionDialog';
import { AGE_CLASS } from './ageing';
import { ChannelDayBar } from './ChannelDayBar';
import { discrepancyColumns, DISC_TYPES } from './columns';
import { ManualMatch } from './ManualMatch';
import { goRecon, type ReconPlace } from './Reconciliation';

const REFRESH_ON: 'recon'[] = ['recon'];
const ACTION_KEYS: Record<string, ActionKind> = { a: 'adjust', w: 'writeoff', c: 'carry', r: 'refund' };
/** The shortcuts, as the legend on screen lists them. */
const SHORTCUTS: [string, TextKey][] = [
  ['↑ ↓', 'recon.key.move'],
  ['Space', 'recon.key.select'],
  ['Enter', 'recon.key.detail'],
  ['M', 'recon.key.match'],
  ['A', 'recon.key.adjust'],
  ['W', 'recon.key.writeoff'],
  ['C', 'recon.key.carry'],
  ['R', 'recon.key.refund'],
  ['Esc', 'recon.key.close'],
];

function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable);
}

export function Discrepancies(props: { place: ReconPlace }) {
  const { t, labels, channels, label } = useSession();
  const { channel, date, month } = props.place;
  const [type, setType] = useState<string | null>(null);
  const [openOnly, setOpenOnly] = useState(true);
  const [page, setPage] = useState<DiscrepancyPage | null>(null);
  const [selected, setSelected] = useState<DiscrepancyGridRow[]>([]);
  const [focused, setFocused] = useState<DiscrepancyGridRow | null>(null);
  const [detailId, setDetailId] = useState<string | null>(null);
  const [action, setAction] = useState<{ kind: ActionKind; rows: DiscrepancyGridRow[] } | null>(null);
  const apiRef = useRef<GridApi<DiscrepancyGridRow> | null>(null);
  // The focused row as the keyboard handlers must see it at once (state follows for the buttons).
  const focusedRef = useRef<DiscrepancyGridRow | null>(null);

  const columns = useMemo(() => discrepancyColumns({ t, labels, channels }), [t, labels, channels]);
  const baseFilter = useMemo(() => {
    const f: Record<string, ColumnFilter> = {};
    if (type) f.type = { filterType: 'set', values: [type] };
    if (openOnly) f.state = { filterType: 'set', values: ['open', 'carried'] };
    if (channel) f.channel = { filterType: 'set', values: [channel] };
    if (date) f.businessDate = { filterType: 'date', type: 'equals', dateFrom: date };
    return f;
  }, [type, openOnly, channel, date]);
  const onPage = useCallback((p: DiscrepancyPage) => setPage(p), []);
  const onGridApi = useCallback((api: GridApi<DiscrepancyGridRow>) => {
    apiRef.current = api;
  }, []);

  // Targets of an act: the selected rows, else the focused one.
  const targets = useCallback((): DiscrepancyGridRow[] => {
    const api = apiRef.current;
    const rows = api ? api.getSelectedRows() : [];
    if (rows.length) return rows;
    return focusedRef.current ? [focusedRef.current] : [];
  }, []);

  const startAction = useCallback(
    (kind: ActionKind) => {
      const rows = targets();
      if (!rows.length) return;
      setAction({ kind, rows: kind === 'refund' ? rows.slice(0, 1) : rows });
    },
    [targets],
  );

  const openMatch = useCallback(() => {
    const row = focusedRef.current ?? targets()[0];
    const ch = row?.channel ?? channel;
    const d = row?.businessDate ?? date;
    if (ch && d) goRecon({ tab: 'discrepancies', month, channel: ch, date: d, match: true });
  }, [targets, channel, date, month]);

  // Letters act wherever the focus is on this screen, except while typing or in a dialog.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || action) return;
      if (e.key === 'Escape') {
        setDetailId(null);
        return;
      }
      if (props.place.match) return;
      const k = e.key.toLowerCase();
      if (k === 'm') {
        e.preventDefault();
        openMatch();
      } else if (ACTION_KEYS[k]) {
        e.preventDefault();
        startAction(ACTION_KEYS[k]);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [action, openMatch, startAction, props.place.match]);

  const onCellKeyDown = useCallback((e: CellKeyDownEvent<DiscrepancyGridRow>) => {
    const ev = e.event as KeyboardEvent | null;
    if (!ev || !e.data) return;
    if (ev.key === ' ') {
      ev.preventDefault();
      e.node.setSelected(!e.node.isSelected());
    } else if (ev.key === 'Enter') {
      setDetailId(e.data.id);
    }
  }, []);

  const lastCell = useRef<{ rowIndex: number; colId: string } | null>(null);
  const onCellFocused = useCallback((e: CellFocusedEvent<DiscrepancyGridRow>) => {
    if (e.rowIndex == null) return;
    const col = e.column;
    if (col && typeof col !== 'string') lastCell.current = { rowIndex: e.rowIndex, colId: col.getColId() };
    focusedRef.current = e.api.getDisplayedRowAtIndex(e.rowIndex)?.data ?? null;
    setFocused(focusedRef.current);
  }, []);

  const gridProps = useMemo(
    () => ({
      rowSelection: { mode: 'multiRow' as const, checkboxes: true, headerCheckbox: false, enableClickSelection: false },
      getRowId: (p: { data: DiscrepancyGridRow }) => p.data.id,
      onCellKeyDown,
      onCellFocused,
      onSelectionChanged: (e: { api: GridApi<DiscrepancyGridRow> }) => setSelected(e.api.getSelectedRows()),
    }),
    [onCellKeyDown, onCellFocused],
  );

  const counts = new Map((page?.typeCounts ?? []).map((c) => [c.type, c]));
  const all = (page?.typeCounts ?? []).reduce((a, c) => ({ count: a.count + c.count, fen: a.fen + c.fen }), { count: 0, fen: 0 });

  if (props.place.match && channel && date) {
    return (
      <>
        <ChannelDayBar channel={channel} date={date} month={month} />
        <ManualMatch
          channel={channel}
          date={date}
          onClose={() => goRecon({ tab: 'discrepancies', month, channel, date })}
        />
      </>
    );
  }

  return (
    <>
      {channel && date && <ChannelDayBar channel={channel} date={date} month={month} />}
      <div className="disc-tabs" role="tablist" data-testid="disc-type-tabs">
        <button
          type="button"
          role="tab"
          aria-selected={type === null}
          className={`disc-tab ${type === null ? 'disc-tab-active' : ''}`}
          onClick={() => setType(null)}
          data-testid="disc-tab-all"
          data-count={all.count}
        >
          <span>{t('recon.tab.allTypes')}</span>
          <span className="disc-tab-count num">{formatCount(all.count)}</span>
          <span className="disc-tab-fen num">{formatFen(all.fen)}</span>
        </button>
        {DISC_TYPES.filter((ty) => counts.has(ty) || type === ty).map((ty) => {
          const c = counts.get(ty) ?? { count: 0, fen: 0 };
          return (
            <button
              key={ty}
              type="button"
              role="tab"
              aria-selected={type === ty}
              className={`disc-tab ${type === ty ? 'disc-tab-active' : ''}`}
              onClick={() => setType(ty)}
              data-testid={`disc-tab-${ty}`}
              data-count={c.count}
            >
              <span>{label('discType', ty)}</span>
              <span className="disc-tab-count num">{formatCount(c.count)}</span>
              <span className="disc-tab-fen num">{formatFen(c.fen)}</span>
            </button>
          );
        })}
        <span className="spacer" />
        <label className="disc-openonly">
          <input type="checkbox" checked={openOnly} onChange={(e) => setOpenOnly(e.target.checked)} data-testid="disc-open-only" />
          {t('recon.openOnly')}
        </label>
      </div>

      <div className="disc-strip">
        <span className="disc-ageing" data-testid="disc-ageing">
          <span className="muted">{t('recon.ageing')}</span>
          {(page?.ageing ?? []).map((b, i) => (
            <span key={b.bucket} className={`age-chip ${AGE_CLASS[i]?.cls ?? ''}`} data-bucket={b.bucket} data-count={b.count}>
              {t('recon.ageing.days', { range: b.bucket })} <b className="num">{formatCount(b.count)}</b>{' '}
              <span className="num">{formatFen(b.fen)}</span>
            </span>
          ))}
        </span>
        <span className="spacer" />
        <span className="disc-keys" data-testid="disc-shortcuts" aria-label={t('recon.shortcuts')}>
          {SHORTCUTS.map(([k, what]) => (
            <span key={k} className="disc-key">
              <kbd>{k}</kbd> {t(what)}
            </span>
          ))}
        </span>
      </div>

      <div className="disc-actions">
        <span className="muted" data-testid="disc-selected" data-count={selected.length}>
          {selected.length
            ? t('recon.selected', {
                n: formatCount(selected.length),
                fen: formatFen(selected.reduce((n, r) => n + r.amountFen, 0)),
              })
            : t('recon.selectHint')}
        </span>
        <button type="button" className="btn btn-small" onClick={() => startAction('carry')} disabled={!selected.length && !focused} data-testid="bulk-carry">
          {t('recon.action.carry.button')} <kbd>C</kbd>
        </button>
        <button type="button" className="btn btn-small" onClick={() => startAction('writeoff')} disabled={!selected.length && !focused} data-testid="bulk-writeoff">
          {t('recon.action.writeoff.button')} <kbd>W</kbd>
        </button>
        <button type="button" className="btn btn-small" onClick={() => startAction('adjust')} disabled={!selected.length && !focused} data-testid="bulk-adjust">
          {t('recon.action.adjust.button')} <kbd>A</kbd>
        </button>
        <button type="button" className="btn btn-small" onClick={() => startAction('refund')} disabled={!selected.length && !focused} data-testid="bulk-refund">
          {t('recon.action.refund.button')} <kbd>R</kbd>
        </button>
        <button type="button" className="btn btn-small" onClick={openMatch} disabled={!focused && !(channel && date)} data-testid="open-match">
          {t('recon.match.open')} <kbd>M</kbd>
        </button>
        {selected.length > 0 && (
          <button type="button" className="btn btn-small btn-quiet" onClick={() => apiRef.current?.deselectAll()}>
            {t('recon.clearSelection')}
          </button>
        )}
      </div>

      <div className="grid-area disc-area">
        <ServerGrid<'discrepancies.page'>
          op="discrepancies.page"
          exportName="discrepancies"
          testId="disc-grid"
          columnDefs={columns}
          refreshOn={REFRESH_ON}
          baseFilter={baseFilter}
          onPage={onPage}
          onGridApi={onGridApi}
          gridProps={gridProps}
          onCellClicked={(e) => {
            if (e.data && e.column.getColId() === 'type') setDetailId(e.data.id);
          }}
        />
        {detailId && (
          <DiscDetailPanel
            id={detailId}
            onClose={() => setDetailId(null)}
            onMatch={(ch, d) => goRecon({ tab: 'discrepancies', month, channel: ch, date: d, match: true })}
          />
        )}
      </div>
      {action && (
        <ActionDialog
          kind={action.kind}
          rows={action.rows}
          onClose={(changed) => {
            setAction(null);
            if (changed) apiRef.current?.deselectAll();
            // Back to the grid where the person was, so the keyboard goes on from there.
            const cell = lastCell.current;
            if (cell) apiRef.current?.setFocusedCell(cell.rowIndex, cell.colId);
          }}
        />
      )}
    </>
  );
}

/** A discrepancy in full: its members (each side), the ids people search by, and what was decided. */
function DiscDetailPanel(props: { id: string; onClose: () => void; onMatch: (channel: string, date: string) => void }) {
  const { t, label } = useSession();
  const [d, setD] = useState<DiscDetail | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let live = true;
    setD(null);
    call('recon.discrepancy', { id: props.id }).then(
      (r) => live && setD(r),
      (e: unknown) => live && setError(toApiError(e)),
    );
    return () => {
      live = false;
    };
  }, [props.id]);

  return (
    <aside className="detail-panel disc-detail" data-testid="disc-detail" aria-label={t('recon.detail')}>
      <div className="card-head">
        <h2>{d ? label('discType', d.type) : t('recon.detail')}</h2>
        <span className="spacer" />
        <button type="button" className="btn btn-small" onClick={props.onClose}>
          {t('common.close')} <kbd>Esc</kbd>
        </button>
      </div>
      {error && <ErrorBox error={error} />}
      {d && (
        <>
          <dl className="facts">
            <dt>{t('recon.col.channel')}</dt>
            <dd>{label('channel', d.channel)}</dd>
            <dt>{t('recon.col.businessDate')}</dt>
            <dd className="tnum">{d.businessDate}</dd>
            <dt>{t('recon.col.amountFen')}</dt>
            <dd className="num">{formatFen(d.amountFen)}</dd>
            <dt>{t('recon.col.internalFen')}</dt>
            <dd className="num">{formatFen(d.internalFen)}</dd>
            <dt>{t('recon.col.statementFen')}</dt>
            <dd className="num">{formatFen(d.statementFen)}</dd>
            <dt>{t('recon.col.state')}</dt>
            <dd>
              {label('discState', d.state)}
              {d.resolution ? ` · ${label('resolution', d.resolution)}` : ''}
              {d.carryUntil ? ` · ${t('recon.carriedUntil', { date: d.carryUntil })}` : ''}
            </dd>
            {d.adjustmentId !== null && (
              <>
                <dt>{t('recon.adjustment')}</dt>
                <dd className="num">#{d.adjustmentId}</dd>
              </>
            )}
            {d.taskId !== null && (
              <>
                <dt>{t('recon.refundTask')}</dt>
                <dd className="num">#{d.taskId}</dd>
              </>
            )}
            <dt>{t('recon.col.detail')}</dt>
            <dd>{d.detail}</dd>
          </dl>
          <h3>{t('recon.members')}</h3>
          <table className="table table-compact">
            <thead>
              <tr>
                <th>{t('recon.side')}</th>
                <th>{t('recon.member')}</th>
                <th>{t('recon.col.businessDate')}</th>
                <th className="num">{t('recon.amount')}</th>
              </tr>
            </thead>
            <tbody>
              {d.members.map((m) => (
                <tr key={m.key}>
                  <td>{t(`recon.side.${m.side}` as TextKey)}</td>
                  <td className="mono">{memberName(m.key)}</td>
                  <td className="tnum">{m.itemDate}</td>
                  <td className="num">{formatFen(m.amountFen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t('recon.keys')}</h3>
          <dl className="facts disc-keys-list">
            {Object.entries(d.keys).map(([k, v]) => (
              <Fragment key={k}>
                <dt>{k}</dt>
                <dd className="mono">{typeof v === 'number' && /Fen$/.test(k) ? formatFen(v) : String(v)}</dd>
              </Fragment>
            ))}
          </dl>
          {d.channel && d.state !== 'resolved' && (
            <div className="form-actions">
              <button type="button" className="btn" onClick={() => props.onMatch(d.channel!, d.runDate)}>
                {t('recon.match.open')} <kbd>M</kbd>
              </button>
            </div>
          )}
        </>
      )}
    </aside>
  );
}

/** "P|PAY…" → "PAY…"; a statement line "L|wechat|2026-10-03|P|4200…" → "4200…" (its own id). */
export function memberName(key: string): string {
  const parts = key.split('|');
  return parts[0] === 'L' ? parts.slice(4).join('|') : parts.slice(1).join('|');
}
