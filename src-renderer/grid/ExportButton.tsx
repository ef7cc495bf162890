// Export a grid to Excel exactly as it is shown (its sort and filter, the current language):
// starts the export job, shows its progress with Cancel, then saves the file.
import { useState } from 'react';
import { call, saveJobFile, toApiError, type ApiError } from '../api/client';
import { ErrorBox, JobFailure } from '../components/ErrorBox';
import { JobProgress } from '../components/JobProgress';
import { useJob } from '../components/useJob';
import { formatCount } from '../format';
import { useSession } from '../session';
import type { GridQuery } from './datasource';

export type ExportGridName = 'orders' | 'payments' | 'audit' | 'statementLines' | 'discrepancies';

export function ExportButton(props: { grid: ExportGridName; getQuery: () => GridQuery; testId?: string }) {
  const { t, lang } = useSession();
  const job = useJob();
  const [message, setMessage] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<ApiError | null>(null);
  const [dismissed, setDismissed] = useState<string | null>(null);

  const run = async () => {
    setMessage(null);
    setSaveError(null);
    const query = props.getQuery();
    const final = await job.start(() => call('export.grid', { grid: props.grid, ...query, language: lang }));
    if (!final || final.status !== 'done') return;
    const rows = (final.result as { rows?: number } | null)?.rows ?? 0;
    try {
      const saved = await saveJobFile(final.id);
      setMessage(
        `${t('grid.exported', { n: formatCount(rows) })}${
          saved.path ? ` · ${t('grid.exportSaved', { path: saved.path })}` : saved.saved ? '' : ` · ${t('grid.exportNotSaved')}`
        }`,
      );
    } catch (e) {
      setSaveError(toApiError(e));
    }
  };

  const failed = job.job && job.job.status === 'failed' && job.job.id !== dismissed ? job.job : null;
  return (
    <div className="export" data-testid={props.testId ?? 'export'}>
      {job.running && job.job ? (
        <JobProgress job={job.job} cancelling={job.cancelling} onCancel={job.cancel} testId="export-progress" />
      ) : (
        <button type="button" className="btn" onClick={() => void run()}>
          {t('grid.export')}
        </button>
      )}
      {message && !job.running && (
        <span className="export-message" data-testid="export-message">
          {message}
        </span>
      )}
      {job.job?.status === 'cancelled' && !job.running && <span className="export-message">{t('job.cancelled')}</span>}
      {failed && (
        <JobFailure title={t('grid.exportFailed')} message={failed.error} onDismiss={() => setDismissed(failed.id)} />
      )}
      {job.error && <ErrorBox title={t('grid.exportFailed')} error={job.error} onDismiss={job.clearError} />}
      {saveError && <ErrorBox title={t('grid.exportFailed')} error={saveError} onDismiss={() => setSaveError(null)} />}
    </div>
  );
}
