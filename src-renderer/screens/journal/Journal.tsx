// Journals for SAP: generate a day's or a month's journals, check the validation report and the
// debit/credit totals, browse the lines (from the database page by page), export in a chosen SAP
// format; configure posting rules; the export register with re-writing a batch's file.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { AgGridReact } from 'ag-grid-react';
import type { ColDef, GridApi, IDatasource } from 'ag-grid-community';
import type {
  ExportBatch, JobState, JournalExportResult, JournalLineGridRow, JournalPreview, JournalRulesView, OpInput, PostingRule,
  PostingRuleFields,
} from '../../../src-main/api/contract';
import { call, onEvent, saveJobFile, toApiError, type ApiError } from '../../api/client';
import { ErrorBox, JobFailure } from '../../components/ErrorBox';
import { JobProgress } from '../../components/JobProgress';
import { useJob } from '../../components/useJob';
import { countCol, moneyCol, textCol } from '../../grid/columns';
import { gridTheme, registerGridModules } from '../../grid/setup';
import { formatCount, formatDateTime, formatFen } from '../../format';
import type { TextKey } from '../../i18n';
import { navigate, type Route } from '../../router';
import { useSession } from '../../session';

registerGridModules();

const TABS = ['preview', 'rules', 'register'] as const;
type Tab = (typeof TABS)[number];
const FORMATS = ['f2548-xlsx', 'f2548-csv', 'posting-key-csv'] as const;
type Format = (typeof FORMATS)[number];

function yesterday(): string {
  return new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);
}

export function Journal(props: { route: Route }) {
  const { t } = useSession();
  const tab: Tab = (TABS as readonly string[]).includes(props.route.params.get('tab') ?? '') ? (props.route.params.get('tab') as Tab) : 'preview';
  return (
    <div className={`screen journal ${tab === 'preview' ? 'screen-fill' : ''}`} data-testid="journal">
      <div className="screen-head">
        <h1>{t('journal.title')}</h1>
        <div className="tabs" role="tablist">
          {TABS.map((x) => (
            <button
              key={x}
              type="button"
              role="tab"
              aria-selected={tab === x}
              className={`tab ${tab === x ? 'tab-active' : ''}`}
              onClick={() => navigate('journal', { tab: x })}
              data-testid={`journal-tab-${x}`}
            >
              {t(`journal.tab.${x}` as TextKey)}
            </button>
          ))}
        </div>
      </div>
      {tab === 'preview' && <Preview />}
      {tab === 'rules' && <Rules />}
      {tab === 'register' && <Register />}
    </div>
  );
}

function useExportJob() {
  const { t } = useSession();
  const job = useJob();
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const run = async (starter: () => Promise<JobState>) => {
    setMessage(null);
    setError(null);
    const final = await job.start(starter);
    if (!final || final.status !== 'done') return;
    const r = final.result as JournalExportResult;
    try {
      await saveJobFile(final.id);
    } catch (e) {
      setError(toApiError(e));
    }
    setMessage(
      r.rewritten
        ? t('journal.rewritten', { id: r.registerId, file: r.fileName })
        : t('journal.exported', { documents: formatCount(r.documents), lines: formatCount(r.lines), file: r.fileName, id: r.registerId }),
    );
  };
  return { job, message, error, setError, run };
}

function ExportStatus(props: { x: ReturnType<typeof useExportJob> }) {
  const { t } = useSession();
  const { job, message, error, setError } = props.x;
  return (
    <>
      {job.job && job.running && <JobProgress job={job.job} cancelling={job.cancelling} onCancel={job.cancel} />}
      {job.job?.status === 'failed' && <JobFailure title={t('journal.exportFailed')} message={job.job.error} testId="journal-export-error" />}
      {job.error && <ErrorBox error={job.error} onDismiss={job.clearError} testId="journal-export-error" />}
      {error && <ErrorBox error={error} onDismiss={() => setError(null)} />}
      {message && (
        <p className="ok" role="status" data-testid="journal-export-done">
          {message}
        </p>
      )}
    </>
  );
}

function Preview() {
  const { t, user, label } = useSession();
  const [mode, setMode] = useState<'day' | 'month'>('day');
  const [date, setDate] = useState(yesterday);
  const [period, setPeriod] = useState(() => yesterday().slice(0, 7));
  const [format, setFormat] = useState<Format>('f2548-xlsx');
  const [preview, setPreview] = useState<JournalPreview | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const exporter = useExportJob();
  const scope = mode === 'day' ? { date } : { period };
  const valid = mode === 'day' ? /^\d{4}-\d{2}-\d{2}$/.test(date) : /^\d{4}-\d{2}$/.test(period);

  const generate = async () => {
    if (!user) return;
    setBusy(true);
    setError(null);
    try {
      setPreview(await call('journal.generate', { scope, actor: user }));
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const doExport = async () => {
    if (!user) return;
    await exporter.run(() => call('journal.export', { scope, format, actor: user }));
    // The register changed the statuses: show them.
    setPreview(await call('journal.generate', { scope, actor: user }).catch(() => preview));
  };

  const errors = preview?.problems.filter((p) => p.severity === 'error') ?? [];
  const warnings = preview?.problems.filter((p) => p.severity === 'warning') ?? [];

  return (
    <>
      {!user && <p className="muted">{t('journal.needUser')}</p>}
      {error && <ErrorBox error={error} onDismiss={() => setError(null)} testId="journal-error" />}
      <section className="card">
        <div className="form form-inline">
          <div className="segmented" role="radiogroup">
            {(['day', 'month'] as const).map((m) => (
              <button key={m} type="button" role="radio" aria-checked={mode === m} className={`segment ${mode === m ? 'segment-active' : ''}`} onClick={() => setMode(m)} data-testid={`journal-mode-${m}`}>
                {t(m === 'day' ? 'journal.scope.day' : 'journal.scope.month')}
              </button>
            ))}
          </div>
          {mode === 'day' ? (
            <label className="field">
              <span className="field-label">{t('journal.scope.date')}</span>
              <input type="date" value={date} onChange={(e) => setDate(e.target.value)} data-testid="journal-date" />
            </label>
          ) : (
            <label className="field">
              <span className="field-label">{t('journal.scope.period')}</span>
              <input type="month" value={period} onChange={(e) => setPeriod(e.target.value)} data-testid="journal-period" />
            </label>
          )}
          <button type="button" className="btn btn-primary" disabled={!user || !valid || busy} onClick={() => void generate()} data-testid="journal-generate">
            {t('journal.generate')}
          </button>
          <label className="field">
            <span className="field-label">{t('journal.format')}</span>
            <select value={format} onChange={(e) => setFormat(e.target.value as Format)} data-testid="journal-format">
              {FORMATS.map((f) => (
                <option key={f} value={f}>
                  {t(`journal.format.${f}` as TextKey)}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="btn"
            disabled={!user || !preview || errors.length > 0 || exporter.job.running}
            onClick={() => void doExport()}
            data-testid="journal-export"
          >
            {t('journal.export')}
          </button>
        </div>
        <ExportStatus x={exporter} />
      </section>
      {preview && (
        <section className="card" data-testid="journal-report">
          <div className="card-head">
            <h2>{t('journal.report.title')}</h2>
            <span className="num" data-testid="journal-totals">
              {t('journal.totals.documents')} {formatCount(preview.totals.documents)} · {t('journal.totals.lines')} {formatCount(preview.totals.lines)} ·{' '}
              {t('journal.totals.debit')} <span data-testid="journal-debit">{formatFen(preview.totals.debitFen)}</span> · {t('journal.totals.credit')}{' '}
              <span data-testid="journal-credit">{formatFen(preview.totals.creditFen)}</span> ·{' '}
              {preview.totals.debitFen === preview.totals.creditFen ? t('journal.totals.balanced') : t('journal.totals.unbalanced')}
            </span>
          </div>
          {preview.problems.length === 0 ? (
            <p className="ok">{t('journal.report.none')}</p>
          ) : (
            <>
              <p className={errors.length ? 'error-text' : 'muted'}>
                {errors.length > 0 && t('journal.report.errors', { n: errors.length })} {warnings.length > 0 && t('journal.report.warnings', { n: warnings.length })}
              </p>
              <table className="table table-compact" data-testid="journal-problems">
                <thead>
                  <tr>
                    <th>{t('journal.report.severity')}</th>
                    <th>{t('journal.report.doc')}</th>
                    <th>{t('journal.report.line')}</th>
                    <th>{t('journal.report.field')}</th>
                    <th>{t('journal.report.message')}</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.problems.slice(0, 200).map((p, i) => (
                    <tr key={i} className={p.severity === 'error' ? 'row-error' : ''}>
                      <td>{t(p.severity === 'error' ? 'journal.report.error' : 'journal.report.warning')}</td>
                      <td className="mono">{p.xblnr ?? `${label('channel', p.channel)} ${p.businessDate}`}</td>
                      <td className="num">{p.lineNo ?? ''}</td>
                      <td className="mono">{p.field}</td>
                      <td>
                        {p.field === 'recon'
                          ? t('journal.report.provisional', { channel: label('channel', p.channel), date: p.businessDate })
                          : p.message}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </section>
      )}
      {preview && <LinesGrid from={preview.from} to={preview.to} />}
    </>
  );
}

/** The scope's journal lines, page by page from the database (Infinite Row Model). */
function LinesGrid(props: { from: string; to: string }) {
  const { t, label } = useSession();
  const apiRef = useRef<GridApi<JournalLineGridRow> | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const columns = useMemo<ColDef<JournalLineGridRow>[]>(
    () => [
      textCol<JournalLineGridRow>('xblnr', t('journal.col.xblnr'), { width: 150, cellClass: 'mono' }),
      textCol<JournalLineGridRow>('businessDate', t('journal.col.businessDate'), { width: 120 }),
      textCol<JournalLineGridRow>('channel', t('journal.col.channel'), { width: 110, valueFormatter: (p) => (p.value ? label('channel', String(p.value)) : '') }),
      textCol<JournalLineGridRow>('event', t('journal.col.event'), { width: 120, valueFormatter: (p) => (p.value ? t(`journal.event.${String(p.value)}` as TextKey) : '') }),
      textCol<JournalLineGridRow>('status', t('journal.col.status'), { width: 100, valueFormatter: (p) => (p.value ? t(`journal.status.${String(p.value)}` as TextKey) : '') }),
      countCol<JournalLineGridRow>('lineNo', t('journal.col.lineNo'), { width: 70 }),
      textCol<JournalLineGridRow>('account', t('journal.col.account'), { width: 120, cellClass: 'mono' }),
      textCol<JournalLineGridRow>('accountName', t('journal.col.accountName'), { width: 170, sortable: false, filter: false }),
      // A line is either a debit or a credit: the other side stays blank, as in SAP.
      moneyCol<JournalLineGridRow>('debitFen', t('journal.col.debit'), { valueFormatter: (p) => (p.value ? formatFen(Number(p.value)) : '') }),
      moneyCol<JournalLineGridRow>('creditFen', t('journal.col.credit'), { valueFormatter: (p) => (p.value ? formatFen(Number(p.value)) : '') }),
      textCol<JournalLineGridRow>('itemText', t('journal.col.itemText'), { width: 200 }),
      textCol<JournalLineGridRow>('assignment', t('journal.col.assignment'), { width: 140, cellClass: 'mono' }),
      textCol<JournalLineGridRow>('ruleKey', t('journal.col.rule'), { width: 200, cellClass: 'mono' }),
    ],
    [t, label],
  );
  const datasource = useMemo<IDatasource>(
    () => ({
      getRows(params) {
        call('journal.lines.page', {
          from: props.from,
          to: props.to,
          startRow: params.startRow,
          endRow: params.endRow,
          sortModel: params.sortModel.map((s) => ({ colId: s.colId, sort: s.sort })),
          filterModel: params.filterModel ?? {},
        }).then(
          (page) => {
            setError(null);
            params.successCallback(page.rows, page.total);
          },
          (e: unknown) => {
            setError(toApiError(e));
            params.failCallback();
          },
        );
      },
    }),
    [props.from, props.to],
  );
  useEffect(
    () =>
      onEvent((e) => {
        if (e.type === 'data-changed' && e.scope === 'journal') apiRef.current?.refreshInfiniteCache();
      }),
    [],
  );
  return (
    <div className="grid-area" data-testid="journal-grid">
      {error && <ErrorBox error={error} onDismiss={() => setError(null)} />}
      <AgGridReact<JournalLineGridRow>
        theme={gridTheme}
        rowModelType="infinite"
        datasource={datasource}
        columnDefs={columns}
        cacheBlockSize={200}
        onGridReady={(e) => {
          apiRef.current = e.api;
        }}
      />
    </div>
  );
}

const RULE_FIELDS = ['drAccount', 'crAccount', 'costCenter', 'profitCenter', 'docType', 'headerText', 'itemText', 'assignment'] as const;
const FIELD_LABEL: Record<(typeof RULE_FIELDS)[number], TextKey> = {
  drAccount: 'journal.rules.dr',
  crAccount: 'journal.rules.cr',
  costCenter: 'journal.rules.costCenter',
  profitCenter: 'journal.rules.profitCenter',
  docType: 'journal.rules.docType',
  headerText: 'journal.rules.headerText',
  itemText: 'journal.rules.itemText',
  assignment: 'journal.rules.assignment',
};

/** The fields a person edits (the version and its dates are the store's). */
function editable(r: PostingRule): PostingRuleFields & { key: string } {
  return {
    key: r.key, event: r.event, channel: r.channel, billing: r.billing, drAccount: r.drAccount, crAccount: r.crAccount,
    costCenter: r.costCenter, profitCenter: r.profitCenter, docType: r.docType, headerText: r.headerText, itemText: r.itemText,
    assignment: r.assignment, granularity: r.granularity,
  };
}

function Rules() {
  const { t, user, label } = useSession();
  const [view, setView] = useState<JournalRulesView | null>(null);
  const [editing, setEditing] = useState<PostingRuleFields & { key: string } | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const load = useCallback(() => {
    call('journal.rules.list', {}).then(setView, (e: unknown) => setError(toApiError(e)));
  }, []);
  useEffect(load, [load]);
  const accountName = (a: string) => view?.accounts.find((x) => x.account === a)?.name ?? '';

  const save = async () => {
    if (!editing || !user) return;
    setError(null);
    try {
      const { key, ...rule } = editing;
      const r = await call('journal.rules.save', { rule: rule as OpInput<'journal.rules.save'>['rule'], actor: user, reason });
      setSaved(t('journal.rules.saved', { key, version: r.version }));
      setEditing(null);
      setReason('');
      load();
    } catch (e) {
      setError(toApiError(e));
    }
  };

  return (
    <section className="card" data-testid="journal-rules">
      <p className="muted">{t('journal.rules.hint')}</p>
      {!user && <p className="muted">{t('journal.needUser')}</p>}
      {error && <ErrorBox error={error} onDismiss={() => setError(null)} testId="journal-rule-error" />}
      {saved && (
        <p className="ok" role="status" data-testid="journal-rule-saved">
          {saved}
        </p>
      )}
      {editing && (
        <div className="form" data-testid="journal-rule-form" ref={(el) => el?.scrollIntoView({ block: 'nearest' })}>
          <h2 className="mono">{editing.key}</h2>
          <div className="form form-inline">
            {RULE_FIELDS.map((f) => (
              <label className="field" key={f}>
                <span className="field-label">{t(FIELD_LABEL[f])}</span>
                {f === 'drAccount' || f === 'crAccount' ? (
                  <select value={editing[f]} onChange={(e) => setEditing({ ...editing, [f]: e.target.value })} data-testid={`rule-${f}`}>
                    {view?.accounts.map((a) => (
                      <option key={a.account} value={a.account} disabled={!a.open}>
                        {a.account} {a.name}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input value={editing[f]} onChange={(e) => setEditing({ ...editing, [f]: e.target.value })} data-testid={`rule-${f}`} />
                )}
              </label>
            ))}
            <label className="field">
              <span className="field-label">{t('journal.rules.granularity')}</span>
              <select value={editing.granularity} onChange={(e) => setEditing({ ...editing, granularity: e.target.value as 'day' | 'line' })} data-testid="rule-granularity">
                <option value="day">{t('journal.rules.granularity.day')}</option>
                <option value="line">{t('journal.rules.granularity.line')}</option>
              </select>
            </label>
            <label className="field">
              <span className="field-label">{t('journal.rules.reason')}</span>
              <input value={reason} onChange={(e) => setReason(e.target.value)} data-testid="rule-reason" />
            </label>
            <button type="button" className="btn btn-primary" disabled={!user || reason.trim() === ''} onClick={() => void save()} data-testid="rule-save">
              {t('journal.rules.save')}
            </button>
            <button type="button" className="btn" onClick={() => setEditing(null)}>
              {t('journal.rules.cancel')}
            </button>
          </div>
        </div>
      )}
      <table className="table table-compact">
        <thead>
          <tr>
            <th>{t('journal.col.event')}</th>
            <th>{t('journal.col.channel')}</th>
            <th>{t('journal.rules.billing')}</th>
            <th>{t('journal.rules.dr')}</th>
            <th>{t('journal.rules.cr')}</th>
            <th>{t('journal.rules.itemText')}</th>
            <th>{t('journal.rules.granularity')}</th>
            <th>{t('journal.rules.version')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {view?.rules.map((r: PostingRule) => (
            <tr key={r.key} data-testid={`rule-row-${r.key}`}>
              <td>{t(`journal.event.${r.event}` as TextKey)}</td>
              <td>{r.channel === '*' ? t('journal.rules.any') : label('channel', r.channel)}</td>
              <td>{r.billing === '*' ? t('journal.rules.any') : label('billingKind', r.billing)}</td>
              <td className="mono" title={accountName(r.drAccount)}>
                {r.drAccount} {accountName(r.drAccount)}
              </td>
              <td className="mono" title={accountName(r.crAccount)}>
                {r.crAccount} {accountName(r.crAccount)}
              </td>
              <td>{r.itemText}</td>
              <td>{t(`journal.rules.granularity.${r.granularity}` as TextKey)}</td>
              <td className="num">v{r.version}</td>
              <td>
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => {
                    setSaved(null);
                    setEditing(editable(r));
                  }}
                  data-testid={`rule-edit-${r.key}`}
                >
                  {t('journal.rules.edit')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Register() {
  const { t } = useSession();
  const [rows, setRows] = useState<ExportBatch[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const exporter = useExportJob();
  useEffect(() => {
    call('journal.register', { limit: 100 }).then(setRows, (e: unknown) => setError(toApiError(e)));
  }, [exporter.message]);
  return (
    <section className="card" data-testid="journal-register">
      {error && <ErrorBox error={error} onDismiss={() => setError(null)} />}
      <ExportStatus x={exporter} />
      {rows && rows.length === 0 && <p className="muted">{t('journal.register.none')}</p>}
      {rows && rows.length > 0 && (
        <table className="table table-compact">
          <thead>
            <tr>
              <th>{t('journal.register.id')}</th>
              <th>{t('journal.register.file')}</th>
              <th>{t('journal.register.format')}</th>
              <th>{t('journal.register.scope')}</th>
              <th>{t('journal.register.documents')}</th>
              <th>{t('journal.totals.lines')}</th>
              <th>{t('journal.totals.debit')}</th>
              <th>{t('journal.register.by')}</th>
              <th>{t('journal.register.at')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((b) => (
              <tr key={b.id} data-testid={`register-row-${b.id}`}>
                <td className="num">{b.id}</td>
                <td className="mono">{b.fileName}</td>
                <td>{t(`journal.format.${b.format}` as TextKey)}</td>
                <td>{b.scope}</td>
                <td className="num">{formatCount(b.documents)}</td>
                <td className="num">{formatCount(b.lines)}</td>
                <td className="num">{formatFen(b.debitFen)}</td>
                <td>{b.createdBy}</td>
                <td>{formatDateTime(b.createdAt)}</td>
                <td>
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={exporter.job.running}
                    onClick={() => void exporter.run(() => call('journal.rewrite', { registerId: b.id }))}
                    data-testid={`register-rewrite-${b.id}`}
                  >
                    {t('journal.register.rewrite')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
