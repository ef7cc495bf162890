// A running job: its phase, a progress bar (done/total) and a Cancel button.
import type { JobState } from '../../src-main/api/contract';
import { formatCount } from '../format';
import { phaseName } from '../i18n';
import { useSession } from '../session';

export function JobProgress(props: { job: JobState; cancelling: boolean; onCancel: () => void; testId?: string }) {
  const { t, lang } = useSession();
  const { job } = props;
  const pct = job.total > 0 ? Math.min(100, Math.round((job.done / job.total) * 100)) : null;
  return (
    <div className="job-progress" data-testid={props.testId ?? 'job-progress'}>
      <span className="job-phase">
        {t('job.phase')}: <span data-testid="job-phase">{phaseName(t, lang, job.phase)}</span>
      </span>
      <div
        className={`progress ${pct === null ? 'progress-indeterminate' : ''}`}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={job.total || undefined}
        aria-valuenow={job.total ? job.done : undefined}
      >
        <div className="progress-fill" style={{ width: pct === null ? undefined : `${pct}%` }} />
      </div>
      <span className="job-count num">
        {formatCount(job.done)}
        {job.total > 0 ? ` / ${formatCount(job.total)}` : ''}
      </span>
      <button type="button" className="btn btn-small" onClick={props.onCancel} disabled={props.cancelling}>
        {props.cancelling ? t('job.cancelling') : t('job.cancel')}
      </button>
    </div>
  );
}
