// One channel-day: its proof (internal total = matched + open internal; statement total = matched +
// open statement), who signed it off, a re-run, and Sign off, which stays disabled while the proof
// fails or an adjustment waits (the service refuses it then anyway).
import { useCallback, useEffect, useState } from 'react';
import type { OpInput, WorkbenchCell } from '../../../src-main/api/contract';
import { call, onEvent, toApiError, type ApiError } from '../../api/client';
import { ErrorBox, JobFailure } from '../../components/ErrorBox';
import { JobProgress } from '../../components/JobProgress';
import { useJob } from '../../components/useJob';
import { formatDateTime, formatFen } from '../../format';
import { useSession } from '../../session';
import { goRecon } from './Reconciliation';

type Channel = OpInput<'recon.signoff'>['channel'];

export function ChannelDayBar(props: { channel: string; date: string; month: string | null }) {
  const { t, label, user, users } = useSession();
  const { date } = props;
  const channel = props.channel as Channel;
  const [cell, setCell] = useState<WorkbenchCell | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [signing, setSigning] = useState(false);
  const rerun = useJob();

  const load = useCallback(async () => {
    try {
      const cells = await call('recon.workbench', { from: date, to: date });
      setCell(cells.find((c) => c.channel === channel) ?? null);
    } catch (e) {
      setError(toApiError(e));
    }
  }, [channel, date]);

  useEffect(() => {
    void load();
    return onEvent((e) => {
      if (e.type === 'data-changed' && e.scope === 'recon') void load();
    });
  }, [load]);

  const signOff = async () => {
    if (!user) return;
    setSigning(true);
    setError(null);
    try {
      await call('recon.signoff', { channel, date, actor: user });
    } catch (e) {
      setError(toApiError(e));
    }
    setSigning(false);
    void load();
  };

  const run = async () => {
    if (!user) return;
    await rerun.start(() => call('recon.run', { date, channels: [channel], actor: user }));
    void load();
  };

  const proof = cell?.proof ?? null;
  const internalOk = proof ? proof.internalFen === proof.matchedInternalFen + proof.openInternalFen : false;
  const statementOk = proof ? proof.statementFen === proof.matchedStatementFen + proof.openStatementFen : false;
  const signedBy = users.find((u) => u.userId === cell?.signedOffBy)?.displayName ?? cell?.signedOffBy;
  const blocker = !cell?.ran
    ? t('recon.signoff.notRun')
    : cell.status === 'reconciled'
      ? null
      : !proof?.ok
        ? t('recon.signoff.proofFails')
        : cell.pendingAdjustments > 0
          ? t('recon.signoff.pending', { n: cell.pendingAdjustments })
          : null;

  return (
    <section className="card day-bar" data-testid="channel-day" data-channel={channel} data-date={date}>
      <div className="card-head">
        <h2>
          {label('channel', channel)} · <span className="tnum">{date}</span>
        </h2>
        {cell?.status === 'reconciled' ? (
          <span className="wb-signed" data-testid="day-status">
            {t('recon.signedOffBy', { user: signedBy ?? '' })}
          </span>
        ) : (
          <span className="muted" data-testid="day-status">
            {cell?.ran ? t('recon.notSignedOff') : t('recon.cell.notRun')}
          </span>
        )}
        {cell?.ranAt && <span className="muted">{t('recon.ranAt', { at: formatDateTime(cell.ranAt) })}</span>}
        <span className="spacer" />
        <button type="button" className="btn btn-small" onClick={() => goRecon({ tab: 'workbench', month: props.month })}>
          {t('recon.backToWorkbench')}
        </button>
        <button type="button" className="btn btn-small" onClick={() => goRecon({ tab: 'discrepancies', month: props.month })}>
          {t('recon.allDays')}
        </button>
      </div>
      {proof ? (
        <div className="proof" data-testid="proof" data-ok={proof.ok ? 'true' : 'false'}>
          <ProofLine
            ok={internalOk}
            name={t('recon.proof.internal')}
            total={proof.internalFen}
            matched={proof.matchedInternalFen}
            open={proof.openInternalFen}
            testId="proof-internal"
          />
          <ProofLine
            ok={statementOk}
            name={t('recon.proof.statement')}
            total={proof.statementFen}
            matched={proof.matchedStatementFen}
            open={proof.openStatementFen}
            testId="proof-statement"
          />
          {(proof.unaccountedInternal > 0 || proof.unaccountedStatement > 0) && (
            <div className="proof-bad">
              {t('recon.proof.unaccounted', { internal: proof.unaccountedInternal, statement: proof.unaccountedStatement })}
            </div>
          )}
        </div>
      ) : (
        <p className="muted">{cell ? t('recon.proof.none') : t('common.loading')}</p>
      )}
      <div className="form-actions">
        <button type="button" className="btn" onClick={() => void run()} disabled={!user || rerun.running} data-testid="day-rerun">
          {t('recon.rerunDay')}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => void signOff()}
          disabled={!user || signing || blocker !== null || cell?.status === 'reconciled'}
          title={blocker ?? undefined}
          data-testid="day-signoff"
        >
          {t('recon.signoff')}
        </button>
        {blocker && (
          <span className="field-hint" data-testid="signoff-blocker">
            {blocker}
          </span>
        )}
        {rerun.running && rerun.job && <JobProgress job={rerun.job} cancelling={rerun.cancelling} onCancel={rerun.cancel} />}
        {rerun.job?.status === 'failed' && !rerun.running && <JobFailure title={t('recon.run.failed')} message={rerun.job.error} />}
      </div>
      {rerun.error && <ErrorBox error={rerun.error} onDismiss={rerun.clearError} />}
      {error && <ErrorBox error={error} onDismiss={() => setError(null)} testId="day-error" />}
    </section>
  );
}

function ProofLine(props: { ok: boolean; name: string; total: number; matched: number; open: number; testId: string }) {
  const { t } = useSession();
  return (
    <div className={`proof-line ${props.ok ? 'proof-ok' : 'proof-bad'}`} data-testid={props.testId} data-ok={props.ok}>
      <span className={`wb-proof ${props.ok ? 'wb-proof-ok' : 'wb-proof-bad'}`}>{props.ok ? '✓' : '✗'}</span>
      <span className="proof-name">{props.name}</span>
      <span className="num">{formatFen(props.total)}</span>
      <span className="proof-op">{props.ok ? '=' : '≠'}</span>
      <span className="muted">{t('recon.proof.matched')}</span>
      <span className="num">{formatFen(props.matched)}</span>
      <span className="proof-op">+</span>
      <span className="muted">{t('recon.proof.open')}</span>
      <span className="num">{formatFen(props.open)}</span>
    </div>
  );
}
