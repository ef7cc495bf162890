// Approvals (four eyes): adjustments (调差) and write-offs wait here until a different local user
// approves or rejects them. The service refuses the maker as approver; the refusal is shown on the
// row, in words, with the way out (switch the current user at the top right).
import { useCallback, useEffect, useState } from 'react';
import type { AdjustmentRow } from '../../../src-main/api/contract';
import { call, onEvent, toApiError, type ApiError } from '../../api/client';
import { ErrorBox } from '../../components/ErrorBox';
import { formatDateTime, formatFen } from '../../format';
import { errorTitle, type TextKey } from '../../i18n';
import { useSession } from '../../session';
import { reasonName } from './ActionDialog';
import { memberName } from './Discrepancies';

type StateFilter = AdjustmentRow['state'] | 'all';
const FILTERS: StateFilter[] = ['proposed', 'approved', 'rejected', 'all'];

export function Approvals() {
  const { t, label, user, users } = useSession();
  const [filter, setFilter] = useState<StateFilter>('proposed');
  const [rows, setRows] = useState<AdjustmentRow[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [comments, setComments] = useState<Record<number, string>>({});
  const [rowErrors, setRowErrors] = useState<Record<number, ApiError>>({});
  const [busy, setBusy] = useState<number | null>(null);

  const load = useCallback(async () => {
    try {
      setRows(await call('recon.adjustments', filter === 'all' ? {} : { state: filter }));
      setError(null);
    } catch (e) {
      setError(toApiError(e));
    }
  }, [filter]);

  useEffect(() => {
    void load();
    return onEvent((e) => {
      if (e.type === 'data-changed' && e.scope === 'recon') void load();
    });
  }, [load]);

  const nameOf = (id: string | null) => (id ? (users.find((u) => u.userId === id)?.displayName ?? id) : '');

  const decide = async (a: AdjustmentRow, verdict: 'approve' | 'reject') => {
    if (!user) return;
    setBusy(a.id);
    setRowErrors(({ [a.id]: _gone, ...rest }) => rest);
    const comment = comments[a.id]?.trim() || undefined;
    try {
      if (a.kind === 'adjustment') {
        if (verdict === 'approve') await call('recon.adjust.approve', { adjustmentId: a.id, actor: user, comment });
        else await call('recon.adjust.reject', { adjustmentId: a.id, actor: user, comment: comment ?? '' });
      } else if (verdict === 'approve') await call('recon.writeoff.approve', { adjustmentId: a.id, actor: user, comment });
      else await call('recon.writeoff.reject', { adjustmentId: a.id, actor: user, comment: comment ?? '' });
    } catch (e) {
      setRowErrors((m) => ({ ...m, [a.id]: toApiError(e) }));
    }
    setBusy(null);
    void load();
  };

  const mine = (rows ?? []).filter((r) => r.state === 'proposed' && r.maker === user).length;

  return (
    <section className="card approvals" data-testid="approvals">
      <div className="card-head">
        <h2>{t('recon.approvals.title')}</h2>
        <span className="muted">{t('recon.approvals.hint')}</span>
        <span className="spacer" />
        <div className="segmented" role="radiogroup" aria-label={t('recon.approvals.filter')}>
          {FILTERS.map((f) => (
            <button
              key={f}
              type="button"
              role="radio"
              aria-checked={filter === f}
              className={`segment ${filter === f ? 'segment-active' : ''}`}
              onClick={() => setFilter(f)}
              data-testid={`approvals-filter-${f}`}
            >
              {f === 'all' ? t('recon.approvals.all') : label('adjustmentState', f)}
            </button>
          ))}
        </div>
      </div>
      <p className="approvals-user" data-testid="approvals-user">
        {t('recon.approvals.current', { user: user ? `${nameOf(user)} (${user})` : '—' })}
        {mine > 0 && <span className="wb-pending"> · {t('recon.approvals.yours', { n: mine })}</span>}
      </p>
      {error && <ErrorBox error={error} onDismiss={() => setError(null)} />}
      {Object.entries(rowErrors).map(([id, err]) => (
        <ErrorBox
          key={id}
          error={err}
          title={`#${id} · ${err.code === 'forbidden' ? t('recon.approvals.fourEyes') : errorTitle(t, err.code)}`}
          onDismiss={() => setRowErrors(({ [Number(id)]: _gone, ...rest }) => rest)}
          testId="approval-error"
        />
      ))}
      {rows && rows.length === 0 && <p className="muted">{t('recon.approvals.none')}</p>}
      {rows && rows.length > 0 && (
        <div className="table-scroll">
          <table className="table approvals-table" data-testid="approvals-table">
            <thead>
              <tr>
                <th className="num">#</th>
                <th>{t('recon.approvals.kind')}</th>
                <th>{t('recon.approvals.channelDay')}</th>
                <th className="num">{t('recon.amount')}</th>
                <th>{t('recon.reasonCode')}</th>
                <th>{t('recon.comment')}</th>
                <th>{t('recon.approvals.maker')}</th>
                <th>{t('recon.col.state')}</th>
                <th>{t('recon.approvals.decision')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => {
                const own = a.maker === user;
                return (
                  <tr key={a.id} data-testid="approval-row" data-id={a.id} data-state={a.state} data-maker={a.maker}>
                      <td className="num">{a.id}</td>
                      <td>
                        {label('adjustmentKind', a.kind)}
                        <div className="muted approvals-target" title={a.members.join('\n')}>
                          {t(`recon.approvals.target.${a.targetKind}` as TextKey)} {a.members.slice(0, 2).map(memberName).join(' + ')}
                          {a.members.length > 2 ? ' …' : ''}
                        </div>
                      </td>
                      <td className="nw">
                        {label('channel', a.channel)}
                        <div className="muted approvals-time">{a.businessDate}</div>
                      </td>
                      <td className="num">{formatFen(a.amountFen)}</td>
                      <td className="nw">{reasonName(t, a.reasonCode)}</td>
                      <td className="approvals-comment">{a.comment}</td>
                      <td className="nw">
                        {nameOf(a.maker)}
                        <div className="muted approvals-time">{formatDateTime(a.madeAt)}</div>
                      </td>
                      <td>
                        <span className={`adj-state adj-${a.state}`}>{label('adjustmentState', a.state)}</span>
                        {a.approver && (
                          <div className="muted">
                            {nameOf(a.approver)}
                            <div className="approvals-time">{formatDateTime(a.decidedAt)}</div>
                            {a.decisionComment && <div>{a.decisionComment}</div>}
                          </div>
                        )}
                      </td>
                      <td>
                        {a.state === 'proposed' ? (
                          <div className="approvals-decide">
                            <input
                              value={comments[a.id] ?? ''}
                              onChange={(e) => setComments((m) => ({ ...m, [a.id]: e.target.value }))}
                              placeholder={t('recon.approvals.commentHint')}
                              maxLength={500}
                              aria-label={t('recon.comment')}
                              data-testid="approval-comment"
                            />
                            <button
                              type="button"
                              className="btn btn-small btn-primary"
                              onClick={() => void decide(a, 'approve')}
                              disabled={!user || busy === a.id}
                              title={own ? t('recon.approvals.ownHint') : undefined}
                              data-testid="approval-approve"
                            >
                              {t('recon.approvals.approve')}
                            </button>
                            <button
                              type="button"
                              className="btn btn-small"
                              onClick={() => void decide(a, 'reject')}
                              disabled={!user || busy === a.id || (comments[a.id]?.trim().length ?? 0) < 2}
                              title={t('recon.approvals.rejectNeedsComment')}
                              data-testid="approval-reject"
                            >
                              {t('recon.approvals.reject')}
                            </button>
                            {own && <div className="field-hint">{t('recon.approvals.ownHint')}</div>}
                          </div>
                        ) : null}
                      </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
