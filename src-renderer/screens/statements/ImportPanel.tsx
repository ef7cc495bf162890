// Import statements: pick files, a folder or a zip, or drop them here. Each file is read in the
// browser and previewed first (statements.import with dryRun): what was detected, the totals, the
// tie-out, and every error and warning with its line. The user may set the channel or the business
// day of a file, and must tick explicitly to accept a file that does not tie out. "Import" then
// writes the files that have no errors and shows what happened to each.
import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import type { ImportReport, OpInput } from '../../../src-main/api/contract';
import { call, saveJobFile, toApiError, type ApiError } from '../../api/client';
import { ErrorBox, JobFailure } from '../../components/ErrorBox';
import { JobProgress } from '../../components/JobProgress';
import { useJob } from '../../components/useJob';
import { formatCount, formatFen } from '../../format';
import { inChannelOrder } from '../../grid/channels';
import { useSession } from '../../session';
import { counted } from './plural';
import { IssueList } from './ChannelDay';
import { chunks, formatBytes, fromDrop, fromInput, MAX_FILE_BYTES, readBase64, type Picked } from './files';

/** Errors the user may accept explicitly: the file's own totals disagree (import.ts MISMATCH_CODES). */
const MISMATCH_CODES = new Set(['summary_mismatch', 'balance_mismatch', 'entry_detail_mismatch']);
const COLUMNS = 11;

type Channel = NonNullable<OpInput<'statements.import'>['channel']>;

interface Entry {
  key: number;
  name: string;
  size: number;
  base64: string | null;
  readError: string | null;
  tooLarge: boolean;
  /** Overrides: '' = as detected from the file. */
  channel: string;
  date: string;
  accept: boolean;
  preview: ImportReport[] | null;
  result: ImportReport[] | null;
}

const belongs = (r: ImportReport, e: Entry) => r.file === e.name || r.file.startsWith(`${e.name}/`);
const clean = (r: ImportReport) => r.status === 'preview' && r.errors.length === 0;
/** Previewed without errors, and not imported yet (a cancelled import may have written some). */
const importable = (e: Entry) => !e.result && !!e.preview?.some(clean);
const hasMismatch = (e: Entry) =>
  !!e.preview?.some(
    (r) =>
      r.errors.some((i) => i.code && MISMATCH_CODES.has(i.code)) ||
      r.warnings.some((i) => i.code && MISMATCH_CODES.has(i.code)),
  );

let nextKey = 1;

export function ImportPanel(props: { onImported: () => void; onOpenDay: (day: string, channel: string) => void }) {
  const { t, user, channels } = useSession();
  const job = useJob();
  const [entries, setEntries] = useState<Entry[]>([]);
  const ref = useRef<Entry[]>([]);
  const [stage, setStage] = useState<'preview' | 'done'>('preview');
  const [dragging, setDragging] = useState(false);
  const [stopped, setStopped] = useState<'cancelled' | 'failed' | null>(null);
  // Files dropped or chosen with no current user: refused, since every decision is audited under one.
  const [refused, setRefused] = useState(false);
  const filesInput = useRef<HTMLInputElement | null>(null);
  const folderInput = useRef<HTMLInputElement | null>(null);

  const update = (fn: (list: Entry[]) => Entry[]) => {
    ref.current = fn(ref.current);
    setEntries(ref.current);
  };
  const patch = (key: number, p: Partial<Entry>) =>
    update((list) => list.map((e) => (e.key === key ? { ...e, ...p } : e)));

  /** Run the import for these entries (grouped by their overrides, in calls that fit the limits). */
  const run = async (keys: number[], dryRun: boolean): Promise<boolean> => {
    if (!user) return false;
    setStopped(null);
    const list = ref.current.filter((e) => keys.includes(e.key) && e.base64 !== null);
    const groups = new Map<string, Entry[]>();
    for (const e of list) {
      const k = `${e.channel}|${e.date}|${e.accept}`;
      groups.set(k, [...(groups.get(k) ?? []), e]);
    }
    for (const group of groups.values()) {
      const first = group[0]!;
      for (const chunk of chunks(group.map((e) => ({ e, base64: e.base64! })))) {
        const final = await job.start(() =>
          call('statements.import', {
            files: chunk.map(({ e, base64 }) => ({ name: e.name, contentBase64: base64 })),
            channel: first.channel ? (first.channel as Channel) : undefined,
            date: first.date || undefined,
            acceptMismatch: first.accept,
            dryRun,
            actor: user,
          }),
        );
        if (!final || final.status !== 'done') {
          if (final) setStopped(final.status === 'cancelled' ? 'cancelled' : 'failed');
          return false;
        }
        const reports = (final.result ?? []) as ImportReport[];
        for (const { e } of chunk) {
          const mine = reports.filter((r) => belongs(r, e));
          patch(e.key, dryRun ? { preview: mine, result: null } : { result: mine });
        }
      }
    }
    return true;
  };

  const add = async (picked: Picked[]) => {
    if (picked.length === 0) return;
    if (!user) {
      setRefused(true);
      return;
    }
    setRefused(false);
    if (stage === 'done') {
      update(() => []);
      setStage('preview');
    }
    const fresh: Entry[] = picked.map((p) => ({
      key: nextKey++,
      name: p.name,
      size: p.file.size,
      base64: null,
      readError: null,
      tooLarge: p.file.size > MAX_FILE_BYTES,
      channel: '',
      date: '',
      accept: false,
      preview: null,
      result: null,
    }));
    // A file of the same name replaces the one listed (a corrected file dropped again).
    const names = new Set(fresh.map((e) => e.name));
    update((list) => [...list.filter((e) => !names.has(e.name)), ...fresh]);
    await Promise.all(
      picked.map(async (p, i) => {
        const e = fresh[i]!;
        if (e.tooLarge) return;
        try {
          patch(e.key, { base64: await readBase64(p.file) });
        } catch (err) {
          patch(e.key, { readError: err instanceof Error ? err.message : String(err) });
        }
      }),
    );
    await run(
      fresh.map((e) => e.key),
      true,
    );
  };

  const change = async (key: number, p: Partial<Pick<Entry, 'channel' | 'date' | 'accept'>>) => {
    patch(key, { ...p, preview: null });
    await run([key], true);
  };

  const commit = async () => {
    const keys = ref.current.filter(importable).map((e) => e.key);
    const ok = await run(keys, false);
    props.onImported();
    if (ok) setStage('done');
  };

  const clear = () => {
    update(() => []);
    setStage('preview');
    setStopped(null);
    job.clearError();
  };

  const reading = entries.some((e) => e.base64 === null && !e.readError && !e.tooLarge);
  const busy = job.running || reading;

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (!user) {
      setRefused(true);
      return;
    }
    if (busy) return;
    void fromDrop(e.dataTransfer).then(add);
  };

  const ready = entries.filter(importable);
  const withErrors = entries.filter(
    (e) => e.tooLarge || e.readError || e.preview?.some((r) => r.status === 'rejected'),
  );
  const duplicates = entries.filter((e) => e.preview?.length && e.preview.every((r) => r.status === 'duplicate'));
  const results = entries.flatMap((e) => e.result ?? e.preview ?? []);

  return (
    <section className="card import" data-testid="import">
      <div className="card-head">
        <h2>{t('statements.import.title')}</h2>
        <span className="muted">{t('statements.import.formats')}</span>
      </div>
      <div
        className={`drop-zone ${dragging ? 'drop-zone-active' : ''} ${busy ? 'drop-zone-busy' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="import-drop"
      >
        <span>{t('statements.import.drop')}</span>
        <button type="button" className="btn" onClick={() => filesInput.current?.click()} disabled={busy || !user}>
          {t('statements.import.chooseFiles')}
        </button>
        <button type="button" className="btn" onClick={() => folderInput.current?.click()} disabled={busy || !user}>
          {t('statements.import.chooseFolder')}
        </button>
        <input
          ref={filesInput}
          type="file"
          multiple
          hidden
          data-testid="import-files"
          onChange={(e) => {
            const picked = fromInput(e.target.files);
            e.target.value = '';
            void add(picked);
          }}
        />
        <input
          ref={(el) => {
            folderInput.current = el;
            if (el) el.webkitdirectory = true;
          }}
          type="file"
          multiple
          hidden
          data-testid="import-folder"
          onChange={(e) => {
            const picked = fromInput(e.target.files);
            e.target.value = '';
            void add(picked);
          }}
        />
      </div>
      {refused && !user ? (
        <div className="error-box" role="alert" data-testid="import-refused">
          {t('statements.import.refusedNoUser')}
        </div>
      ) : (
        !user && <div className="notice">{t('statements.needUser')}</div>
      )}

      {entries.length > 0 && (
        <div className="import-bar" data-testid="import-bar">
          {stage === 'preview' ? (
            <span data-testid="import-summary">
              {t('statements.import.summary', {
                files: entries.length,
                ready: ready.length,
                errors: withErrors.length,
                duplicates: duplicates.length,
              })}
            </span>
          ) : (
            <span data-testid="import-summary">
              {t('statements.import.doneSummary', {
                imported: results.filter((r) => r.status === 'imported').length,
                duplicates: results.filter((r) => r.status === 'duplicate').length,
                rejected: results.filter((r) => r.status === 'rejected').length,
              })}
            </span>
          )}
          <span className="spacer" />
          {job.running && job.job ? (
            <JobProgress job={job.job} cancelling={job.cancelling} onCancel={job.cancel} testId="import-progress" />
          ) : stage === 'preview' ? (
            <>
              <button
                type="button"
                className="btn btn-primary"
                onClick={() => void commit()}
                disabled={busy || ready.length === 0 || !user}
                data-testid="import-commit"
              >
                {counted(t, 'statements.import.commit', ready.length)}
              </button>
              <button type="button" className="btn" onClick={clear} disabled={busy}>
                {t('statements.import.clear')}
              </button>
            </>
          ) : (
            <button type="button" className="btn" onClick={clear} data-testid="import-again">
              {t('statements.import.again')}
            </button>
          )}
        </div>
      )}
      {stopped === 'cancelled' && <div className="notice">{t('statements.import.cancelled')}</div>}
      {stopped === 'failed' && job.job?.status === 'failed' && (
        <JobFailure title={t('statements.import.failed')} message={job.job.error} onDismiss={() => setStopped(null)} />
      )}
      {job.error && <ErrorBox title={t('statements.import.failed')} error={job.error} onDismiss={job.clearError} />}

      {entries.length > 0 && (
        <div className="table-scroll">
          <table
            className="table table-compact import-table"
            data-testid={stage === 'done' ? 'import-results' : 'import-preview'}
          >
            <colgroup>
              <col className="ic-channel" />
              <col className="ic-format" />
              <col className="ic-date" />
              <col className="ic-merchant" />
              <col className="ic-lines" />
              <col className="ic-money" />
              <col className="ic-money" />
              <col className="ic-fee" />
              <col className="ic-money" />
              <col className="ic-tie" />
              <col className="ic-status" />
            </colgroup>
            <thead>
              <tr>
                <th>{t('statements.report.channel')}</th>
                <th>{t('statements.report.format')}</th>
                <th>{t('statements.report.date')}</th>
                <th>{t('statements.report.merchant')}</th>
                <th className="num">{t('statements.report.lines')}</th>
                <th className="num">{t('statements.report.payments')}</th>
                <th className="num">{t('statements.report.refunds')}</th>
                <th className="num">{t('statements.report.fees')}</th>
                <th className="num">{t('statements.report.net')}</th>
                <th>{t('statements.report.tieOut')}</th>
                <th>{t('statements.report.status')}</th>
              </tr>
            </thead>
            {entries.map((e) => (
              <tbody key={e.key} className="import-entry" data-testid="import-entry" data-file={e.name}>
                <tr className="import-entry-head">
                  <td colSpan={COLUMNS}>
                    <div className="import-entry-line">
                      <span className="mono import-file-name" title={e.name}>
                        {e.name}
                      </span>
                      <span className="muted">{formatBytes(e.size)}</span>
                      {e.tooLarge && <span className="sd-mismatch">{t('statements.import.tooLarge')}</span>}
                      {e.readError && <span className="sd-mismatch">{e.readError}</span>}
                      {!e.tooLarge && !e.readError && e.base64 === null && (
                        <span className="muted">{t('statements.import.reading')}</span>
                      )}
                      {e.base64 !== null && e.preview === null && e.result === null && (
                        <span className="muted">
                          {job.running ? t('statements.import.previewing') : t('statements.import.notPreviewed')}
                        </span>
                      )}
                      {e.base64 !== null &&
                        e.preview === null &&
                        e.result === null &&
                        !job.running &&
                        stage === 'preview' && (
                          <button
                            type="button"
                            className="btn btn-small"
                            onClick={() => void run([e.key], true)}
                            disabled={busy || !user}
                            data-testid="import-retry"
                          >
                            {t(stopped || job.error ? 'statements.import.retry' : 'statements.import.preview')}
                          </button>
                        )}
                      <span className="spacer" />
                      {stage === 'preview' && e.base64 !== null && (
                        <Overrides
                          entry={e}
                          channels={inChannelOrder(channels, (c) => c.code)}
                          disabled={busy}
                          onChange={(p) => void change(e.key, p)}
                        />
                      )}
                    </div>
                  </td>
                </tr>
                {(e.result ?? e.preview ?? []).map((r, i) => (
                  <ReportRows
                    key={`${r.file}-${i}`}
                    report={r}
                    member={r.file === e.name ? null : r.file.slice(e.name.length + 1)}
                    accepted={e.accept}
                    stage={stage}
                    onOpenDay={stage === 'done' ? props.onOpenDay : undefined}
                  />
                ))}
              </tbody>
            ))}
          </table>
        </div>
      )}

      <CashTemplate />
    </section>
  );
}

function Overrides(props: {
  entry: Entry;
  channels: { code: string; name: string }[];
  disabled: boolean;
  onChange: (p: Partial<Pick<Entry, 'channel' | 'date' | 'accept'>>) => void;
}) {
  const { t } = useSession();
  const e = props.entry;
  return (
    <span className="import-overrides">
      <label className="inline-field">
        <span>{t('statements.import.channel')}</span>
        <select
          value={e.channel}
          onChange={(ev) => props.onChange({ channel: ev.target.value })}
          disabled={props.disabled}
          data-testid="override-channel"
        >
          <option value="">{t('statements.import.auto')}</option>
          {props.channels.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label className="inline-field">
        <span>{t('statements.import.date')}</span>
        <input
          type="date"
          value={e.date}
          onChange={(ev) => props.onChange({ date: ev.target.value })}
          disabled={props.disabled}
          data-testid="override-date"
        />
      </label>
      {(hasMismatch(e) || e.accept) && (
        <label className="inline-field import-accept">
          <input
            type="checkbox"
            checked={e.accept}
            onChange={(ev) => props.onChange({ accept: ev.target.checked })}
            disabled={props.disabled}
            data-testid="override-accept"
          />
          <span>{t('statements.import.accept')}</span>
        </label>
      )}
    </span>
  );
}

function ReportRows(props: {
  report: ImportReport;
  member: string | null;
  accepted: boolean;
  stage: 'preview' | 'done';
  onOpenDay?: (day: string, channel: string) => void;
}) {
  const { t, label } = useSession();
  const r = props.report;
  // A refused file's totals would be of its good lines only: they mean nothing, so none are shown.
  const known = r.status !== 'rejected';
  const dash = <span className="muted">—</span>;
  const failing = r.tieOut?.checks.filter((c) => !c.ok) ?? [];
  const tieTitle = r.tieOut
    ? r.tieOut.checks
        .map((c) => `${c.ok ? '✓' : '✗'} ${c.name}: ${showCheck(c.name, c.printed)} / ${showCheck(c.name, c.computed)}`)
        .join('\n')
    : t('statements.tieOut.noneHint');
  let status: ReactNode;
  switch (r.status) {
    case 'preview':
      status = r.errors.length ? (
        <span className="sd-mismatch">{t('statements.result.willReject')}</span>
      ) : r.warnings.length ? (
        <span className="sd-pending">{counted(t, 'statements.result.readyWithWarnings', r.warnings.length)}</span>
      ) : (
        <span className="ok-text">{t('statements.result.ready')}</span>
      );
      break;
    case 'imported':
      status =
        r.state === 'pending' ? (
          <span className="sd-pending">{t('statements.result.importedPending', { version: r.version ?? '' })}</span>
        ) : (
          <span className="ok-text">{t('statements.result.imported', { version: r.version ?? '' })}</span>
        );
      break;
    case 'duplicate':
      status = (
        <span className="muted">
          {t(props.stage === 'preview' ? 'statements.result.duplicatePreview' : 'statements.result.duplicate', {
            version: r.version ?? '',
          })}
        </span>
      );
      break;
    default:
      // In the preview nothing has been written yet: the file will not be imported.
      status = (
        <span className="sd-mismatch">
          {props.stage === 'preview' ? t('statements.result.willReject') : t('statements.result.rejected')}
        </span>
      );
  }
  const open =
    props.onOpenDay && r.businessDate && r.channel && r.status !== 'rejected'
      ? () => props.onOpenDay!(r.businessDate!, r.channel!)
      : null;
  return (
    <>
      {props.member && (
        <tr className="import-member">
          <td colSpan={COLUMNS} className="mono">
            {props.member}
          </td>
        </tr>
      )}
      <tr
        className="import-report"
        data-testid="import-report"
        data-status={r.status}
        data-channel={r.channel ?? ''}
        data-file={r.file}
      >
        <td data-col="channel">{r.channel ? label('channel', r.channel) : dash}</td>
        <td
          className="mono import-format"
          title={
            r.format
              ? `${r.format}${r.detection ? ` · ${r.detection.encoding} · ${r.detection.container}` : ''}`
              : undefined
          }
        >
          {r.format ?? dash}
        </td>
        <td className="tnum" data-col="date">
          {r.businessDate ?? dash}
        </td>
        <td className="mono import-id" title={r.merchantId ?? undefined}>
          {r.merchantId ?? dash}
        </td>
        <td className="num" data-col="lines">
          {known ? formatCount(r.lines) : dash}
        </td>
        <td className="num" data-col="payments">
          {known ? (
            <>
              {formatFen(r.payments.fen)}
              <div className="muted">
                {counted(t, 'statements.count', r.payments.count, formatCount(r.payments.count))}
              </div>
            </>
          ) : (
            dash
          )}
        </td>
        <td className="num" data-col="refunds">
          {known ? (
            <>
              {formatFen(r.refunds.fen)}
              <div className="muted">
                {counted(t, 'statements.count', r.refunds.count, formatCount(r.refunds.count))}
              </div>
            </>
          ) : (
            dash
          )}
        </td>
        <td className="num" data-col="fees">
          {known ? formatFen(r.feesFen) : dash}
        </td>
        <td className="num import-net" data-col="net">
          {known ? formatFen(r.netFen) : dash}
        </td>
        <td title={tieTitle} data-col="tieOut">
          {r.tieOut === null ? (
            dash
          ) : r.tieOut.ok ? (
            <span className="ok-text">{t('statements.tieOut.ok')}</span>
          ) : (
            <span className="sd-mismatch">
              {t('statements.tieOut.bad')}
              {props.accepted && r.errors.every((i) => !i.code || !MISMATCH_CODES.has(i.code))
                ? ` · ${t('statements.tieOut.accepted')}`
                : ''}
            </span>
          )}
        </td>
        <td data-col="status">
          {status}
          {open && (
            <div>
              <button type="button" className="link-button import-open" onClick={open}>
                {t('statements.result.open')}
              </button>
            </div>
          )}
        </td>
      </tr>
      {(r.errors.length > 0 || r.warnings.length > 0 || failing.length > 0) && (
        <tr className="import-issues">
          <td colSpan={COLUMNS}>
            {r.errors.length > 0 && <IssueList issues={r.errors} kind="error" limit={50} testId="import-errors" />}
            {r.warnings.length > 0 && (
              <IssueList issues={r.warnings} kind="warning" limit={50} testId="import-warnings" />
            )}
          </td>
        </tr>
      )}
    </>
  );
}

/** A tie-out figure: a count of lines, or an amount in fen. */
function showCheck(name: string, n: number): string {
  return /count|笔|单数|条数/i.test(name) ? formatCount(n) : formatFen(n);
}

/** The cash register template, for the cashiers of the delivery centres. */
function CashTemplate() {
  const { t } = useSession();
  const job = useJob();
  const [message, setMessage] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<ApiError | null>(null);
  const get = async (format: 'xlsx' | 'csv') => {
    setMessage(null);
    setSaveError(null);
    const final = await job.start(() => call('statements.cashTemplate', { format }));
    if (!final || final.status !== 'done') return;
    try {
      const saved = await saveJobFile(final.id);
      setMessage(
        saved.path
          ? t('grid.exportSaved', { path: saved.path })
          : saved.saved
            ? t('statements.cash.downloaded')
            : t('grid.exportNotSaved'),
      );
    } catch (e) {
      setSaveError(toApiError(e));
    }
  };
  return (
    <div className="cash-template" data-testid="cash-template">
      <span className="cash-template-text">{t('statements.cash.explain')}</span>
      <button
        type="button"
        className="btn btn-small"
        onClick={() => void get('xlsx')}
        disabled={job.running}
        data-testid="cash-template-xlsx"
      >
        {t('statements.cash.xlsx')}
      </button>
      <button
        type="button"
        className="btn btn-small"
        onClick={() => void get('csv')}
        disabled={job.running}
        data-testid="cash-template-csv"
      >
        {t('statements.cash.csv')}
      </button>
      {message && <span className="export-message">{message}</span>}
      {job.job?.status === 'failed' && <JobFailure title={t('statements.cash.failed')} message={job.job.error} />}
      {job.error && <ErrorBox title={t('statements.cash.failed')} error={job.error} onDismiss={job.clearError} />}
      {saveError && (
        <ErrorBox title={t('statements.cash.failed')} error={saveError} onDismiss={() => setSaveError(null)} />
      )}
    </div>
  );
}
