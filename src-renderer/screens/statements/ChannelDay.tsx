// One channel-day: its statement files (version, state, source, who imported it and when, totals,
// tie-out, an accepted mismatch, warnings), "confirm replacement" for a new version that waits,
// and the lines of the chosen file in a server-side grid with export.
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import type { ColumnFilter, StatementFileRow } from '../../../src-main/api/contract';
import { call, onEvent, toApiError, type ApiError } from '../../api/client';
import { ErrorBox } from '../../components/ErrorBox';
import { formatCount, formatDateTime, formatFen } from '../../format';
import { ServerGrid } from '../../grid/ServerGrid';
import { useSession } from '../../session';
import { counted } from './plural';
import { lineColumns } from './columns';
import { weekday } from './month';

const REFRESH_ON: 'statements'[] = ['statements'];

interface Issue {
  line: number | null;
  field: string | null;
  message: string;
  code?: string;
  member?: string;
}

function warningsOf(f: StatementFileRow): Issue[] {
  try {
    const parsed = JSON.parse(f.warningsJson || '[]') as unknown;
    return Array.isArray(parsed) ? (parsed as Issue[]) : [];
  } catch {
    return [];
  }
}

/** The file whose lines to show: the one asked for, else the active one, else the newest. */
function defaultFile(files: StatementFileRow[], asked: number | null): StatementFileRow | null {
  return (
    files.find((f) => f.id === asked) ??
    files.find((f) => f.status === 'active') ??
    files.find((f) => f.status === 'pending') ??
    files[files.length - 1] ??
    null
  );
}

export function ChannelDay(props: {
  day: string;
  channel: string;
  fileId: number | null;
  onSelectFile: (fileId: number) => void;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t, label, labels, user } = useSession();
  const { day, channel, onClose, onChanged } = props;
  const [files, setFiles] = useState<StatementFileRow[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [openWarnings, setOpenWarnings] = useState<number | null>(null);

  const load = useCallback(async () => {
    try {
      const all = await call('statements.files', { date: day });
      setFiles(all.filter((f) => f.channel === channel));
      setError(null);
    } catch (e) {
      setError(toApiError(e, 'statements.files'));
    }
  }, [day, channel]);

  useEffect(() => {
    setFiles(null);
    void load();
  }, [load]);

  useEffect(
    () =>
      onEvent((e) => {
        if (e.type === 'data-changed' && e.scope === 'statements') void load();
      }),
    [load],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const chosen = files ? defaultFile(files, props.fileId) : null;
  const chosenId = chosen?.id ?? null;
  const baseFilter = useMemo<Record<string, ColumnFilter>>(
    () => ({ fileId: { filterType: 'number', type: 'equals', filter: chosenId ?? -1 } }),
    [chosenId],
  );
  const columns = useMemo(() => lineColumns({ t, labels }, day, channel), [t, labels, day, channel]);
  const activeVersion = files?.find((f) => f.status === 'active')?.version ?? null;
  const pending = files?.filter((f) => f.status === 'pending') ?? [];
  const weekdays = t('statements.weekdays').split(',');

  return (
    <>
      <div className="drawer-backdrop" onClick={onClose} />
      <aside
        className="drawer channel-day"
        role="dialog"
        aria-label={`${label('channel', channel)} ${day}`}
        data-testid="channel-day"
        data-day={day}
        data-channel={channel}
      >
        <header className="drawer-head">
          <h2>
            {label('channel', channel)} <span className="tnum">{day}</span>{' '}
            <span className="muted h-note">{weekdays[weekday(day)]}</span>
          </h2>
          <span className="spacer" />
          <button type="button" className="btn" onClick={onClose} data-testid="channel-day-close">
            {t('common.close')}
          </button>
        </header>
        <div className="drawer-body">
          {error && <ErrorBox error={error} onDismiss={() => setError(null)} />}
          {files === null && !error && <p className="muted">{t('common.loading')}</p>}
          {files && files.length === 0 && <p className="muted">{t('statements.noFiles')}</p>}
          {pending.map((f) => (
            <PendingVersion
              key={f.id}
              file={f}
              activeVersion={activeVersion}
              user={user}
              onReplaced={(next) => {
                setFiles(next.filter((x) => x.channel === channel));
                props.onSelectFile(f.id);
                onChanged();
              }}
            />
          ))}
          {files && files.length > 0 && (
            <section className="detail-section" data-testid="statement-files">
              <h3>
                {t('statements.files')} <span className="muted num">({files.length})</span>
                {files.length > 1 && <span className="muted h-note">{t('statements.pickFileHint')}</span>}
              </h3>
              <div className="table-scroll">
                <table className="table table-compact sd-files">
                  <thead>
                    <tr>
                      <th>{t('statements.file.version')}</th>
                      <th>{t('statements.file.name')}</th>
                      <th>{t('statements.file.imported')}</th>
                      <th className="num">{t('statements.file.payments')}</th>
                      <th className="num">{t('statements.file.refunds')}</th>
                      <th className="num">{t('statements.file.fees')}</th>
                      <th className="num">{t('statements.file.net')}</th>
                      <th>{t('statements.file.tieOut')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {files.map((f) => (
                      <FileRows
                        key={f.id}
                        file={f}
                        warnings={warningsOf(f)}
                        chosen={f.id === chosenId}
                        warningsOpen={openWarnings === f.id}
                        onToggleWarnings={() => setOpenWarnings(openWarnings === f.id ? null : f.id)}
                        onShowLines={() => props.onSelectFile(f.id)}
                      />
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          )}
          {chosen && (
            <section className="detail-section sd-lines" data-testid="statement-lines">
              <h3>
                {t('statements.linesOf', { version: chosen.version, file: chosen.fileName })}{' '}
                <span className={`status sd-file-${chosen.status}`}>{t(`statements.fileStatus.${chosen.status}`)}</span>
              </h3>
              <div className="grid-area">
                <ServerGrid<'statements.lines.page'>
                  key={chosen.id}
                  op="statements.lines.page"
                  exportName="statementLines"
                  testId="lines-grid"
                  columnDefs={columns}
                  baseFilter={baseFilter}
                  refreshOn={REFRESH_ON}
                />
              </div>
            </section>
          )}
        </div>
      </aside>
    </>
  );
}

/** A file of the channel-day: click the row to see its lines below. */
function FileRows(props: {
  file: StatementFileRow;
  warnings: Issue[];
  chosen: boolean;
  warningsOpen: boolean;
  onToggleWarnings: () => void;
  onShowLines: () => void;
}) {
  const { t } = useSession();
  const f = props.file;
  const tie =
    f.tieOutOk === null ? (
      <span className="muted" title={t('statements.tieOut.noneHint')}>
        —
      </span>
    ) : f.tieOutOk ? (
      <span className="ok-text">{t('statements.tieOut.ok')}</span>
    ) : (
      <span className="sd-mismatch">{t('statements.tieOut.bad')}</span>
    );

  return (
    <>
      <tr
        className={`sd-file ${props.chosen ? 'sd-file-chosen' : ''} ${f.status === 'superseded' ? 'row-muted' : ''}`}
        onClick={props.onShowLines}
        title={props.chosen ? undefined : t('statements.showLines')}
        data-testid={`statement-file-${f.id}`}
        data-status={f.status}
        data-version={f.version}
        aria-selected={props.chosen}
      >
        <td className="tnum">
          v{f.version} <span className={`status sd-file-${f.status}`}>{t(`statements.fileStatus.${f.status}`)}</span>
        </td>
        <td className="sd-file-name">
          <div className="mono ellipsis" title={`${f.fileName}\n${f.format}`}>
            {f.fileName}
          </div>
          <div className="muted sd-sub-line ellipsis">
            {counted(t, 'statements.lines', f.lineCount, formatCount(f.lineCount))}
            {f.merchantId && (
              <>
                {' · '}
                <span className="mono">{f.merchantId}</span>
              </>
            )}
          </div>
        </td>
        <td>
          <div>
            {t(`statements.source.${f.source}`)} · <span className="mono">{f.importedBy}</span>
          </div>
          <div className="tnum muted sd-sub-line">{formatDateTime(f.importedAt)}</div>
        </td>
        <td className="num">
          {formatFen(f.paymentFen)}
          <div className="muted sd-sub-line">
            {counted(t, 'statements.count', f.paymentCount, formatCount(f.paymentCount))}
          </div>
        </td>
        <td className="num">
          {formatFen(f.refundFen)}
          <div className="muted sd-sub-line">
            {counted(t, 'statements.count', f.refundCount, formatCount(f.refundCount))}
          </div>
        </td>
        <td className="num">{formatFen(f.feeFen)}</td>
        <td className="num sd-net">{formatFen(f.netFen)}</td>
        <td>
          {tie}
          {f.acceptedMismatch ? (
            <div className="sd-accepted sd-sub-line">{t('statements.acceptedMismatch')}</div>
          ) : null}
          {props.warnings.length > 0 && (
            <div>
              <button
                type="button"
                className="link-button sd-sub-line"
                onClick={(e) => {
                  e.stopPropagation();
                  props.onToggleWarnings();
                }}
                aria-expanded={props.warningsOpen}
              >
                {counted(t, 'statements.warningsCount', props.warnings.length)}
              </button>
            </div>
          )}
        </td>
      </tr>
      {props.warningsOpen && props.warnings.length > 0 && (
        <tr className="sd-sub">
          <td colSpan={8}>
            <IssueList issues={props.warnings} kind="warning" />
          </td>
        </tr>
      )}
    </>
  );
}

/** A new version that waits: until it is confirmed, reconciliation keeps using the active one. */
function PendingVersion(props: {
  file: StatementFileRow;
  activeVersion: number | null;
  user: string | null;
  onReplaced: (files: StatementFileRow[]) => void;
}) {
  const { t } = useSession();
  const f = props.file;
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const confirm = async (e: FormEvent) => {
    e.preventDefault();
    if (!props.user) return;
    setBusy(true);
    setError(null);
    try {
      props.onReplaced(
        await call('statements.confirmReplace', { fileId: f.id, actor: props.user, reason: reason.trim() }),
      );
    } catch (err) {
      setError(toApiError(err, 'statements.confirmReplace'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="sd-pending-box" data-testid="pending-version" data-file-id={f.id}>
      <div className="sd-pending-line">
        <span>
          {props.activeVersion === null
            ? t('statements.pendingNoActive', { version: f.version, file: f.fileName })
            : t('statements.pendingExplain', { version: f.version, file: f.fileName, active: props.activeVersion })}
        </span>
        <span className="spacer" />
        {!open && (
          <button
            type="button"
            className="btn btn-primary btn-small"
            onClick={() => setOpen(true)}
            data-testid="confirm-replace-open"
          >
            {t('statements.confirmReplace')}
          </button>
        )}
      </div>
      {open && (
        <form className="sd-replace" onSubmit={(e) => void confirm(e)} data-testid="confirm-replace">
          <p>
            {props.activeVersion === null
              ? t('statements.replaceExplainNoActive', { version: f.version })
              : t('statements.replaceExplain', { version: f.version, active: props.activeVersion })}
          </p>
          {!props.user && <div className="notice">{t('statements.needUser')}</div>}
          <div className="sd-replace-line">
            <label className="field">
              <span className="field-label">{t('statements.replaceReason')}</span>
              <input
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                minLength={2}
                maxLength={200}
                required
                placeholder={t('statements.replaceReasonHint')}
                data-testid="replace-reason"
              />
            </label>
            <button
              type="submit"
              className="btn btn-primary"
              disabled={!props.user || busy || reason.trim().length < 2}
            >
              {t('statements.confirmReplace')}
            </button>
            <button type="button" className="btn" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </button>
          </div>
          {error && <ErrorBox error={error} onDismiss={() => setError(null)} />}
        </form>
      )}
    </div>
  );
}

/**
 * The service's messages are written for the command line too: where one names a command-line
 * option ("give the date (--date)"), say instead where that is on this screen.
 */
function messageOf(i: Issue, t: ReturnType<typeof useSession>['t']): string {
  return /\(--date\)/.test(i.message)
    ? i.message.replace(/\s*\(--date\)/, ` (${t('statements.import.giveDate')})`)
    : i.message;
}

/** Errors or warnings with where they are: member, line and field. */
export function IssueList(props: { issues: Issue[]; kind: 'error' | 'warning'; limit?: number; testId?: string }) {
  const { t } = useSession();
  const limit = props.limit ?? 200;
  const shown = props.issues.slice(0, limit);
  return (
    <div className={`issues issues-${props.kind}`} data-testid={props.testId}>
      <table className="issues-table">
        <thead>
          <tr>
            <th className="issue-line">{t('statements.issue.line')}</th>
            <th className="issue-field">{t('statements.issue.field')}</th>
            <th>{props.kind === 'error' ? t('statements.issue.error') : t('statements.issue.warning')}</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((i, n) => (
            <tr key={n} data-line={i.line ?? ''}>
              <td className="issue-line tnum">{i.line ?? '—'}</td>
              <td className="issue-field">
                {i.member && <span className="muted">{i.member} · </span>}
                {i.field ?? '—'}
              </td>
              <td className="issue-message">{messageOf(i, t)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.issues.length > limit && (
        <p className="muted">{t('statements.moreIssues', { n: props.issues.length - limit })}</p>
      )}
    </div>
  );
}
