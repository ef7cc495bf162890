// Manual matching of a channel-day: the open internal items (payments, refunds; the surrounding days
// too) beside the open statement lines, with running sums and the difference. Match only when the
// chosen items net to zero; otherwise the difference can become an adjustment proposal (it then
// waits for another user's approval). The engine's suggestions preselect their members. A match made
// here can be undone at once (unmatch), with its reason.
import { useCallback, useEffect, useState } from 'react';
import type { Candidate, MatchView, OpInput, OpResult } from '../../../src-main/api/contract';
import { call, onEvent, toApiError, type ApiError } from '../../api/client';
import { ErrorBox } from '../../components/ErrorBox';
import { formatCount, formatFen } from '../../format';
import { useSession } from '../../session';
import { reasonName, REASONS } from './ActionDialog';
import { memberName } from './Discrepancies';

type Candidates = OpResult<'recon.candidates'>;

export function ManualMatch(props: { channel: string; date: string; onClose: () => void }) {
  const { t, user } = useSession();
  const { channel, date } = props;
  const [data, setData] = useState<Candidates | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [reason, setReason] = useState(REASONS.match[0]!);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [made, setMade] = useState<MatchView[]>([]);
  const [message, setMessage] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const r = await call('recon.candidates', { channel: channel as OpInput<'recon.candidates'>['channel'], date });
      setData(r);
      // Items matched elsewhere meanwhile leave the selection.
      const keys = new Set([...r.internal, ...r.statement].map((c) => c.key));
      setPicked((p) => new Set([...p].filter((k) => keys.has(k))));
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

  const toggle = (key: string) =>
    setPicked((p) => {
      const next = new Set(p);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  const internal = dedupe(data?.internal ?? []);
  const statement = dedupe(data?.statement ?? []);
  const sum = (list: Candidate[]) => list.filter((c) => picked.has(c.key)).reduce((n, c) => n + c.amountFen, 0);
  const internalFen = sum(internal);
  const statementFen = sum(statement);
  const difference = statementFen - internalFen;
  const count = picked.size;
  const commentOk = comment.trim().length >= 2;
  const canAct = !!user && count >= 2 && commentOk && !busy;

  const match = async (allowDifference: boolean) => {
    if (!user || !canAct) return;
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      const m = await call('recon.match', {
        members: [...picked],
        allowDifference,
        actor: user,
        reasonCode: reason,
        comment: comment.trim(),
      });
      setMade((list) => [m, ...list]);
      setPicked(new Set());
      setMessage(
        m.adjustmentId !== null
          ? t('recon.match.doneWithAdjustment', { id: m.adjustmentId, fen: formatFen(m.statementFen - m.internalFen) })
          : t('recon.match.done', { n: m.members.length }),
      );
    } catch (e) {
      setError(toApiError(e));
    }
    setBusy(false);
  };

  const unmatch = async (m: MatchView) => {
    if (!user) return;
    setError(null);
    try {
      const comment2 = comment.trim().length >= 2 ? comment.trim() : t('recon.match.undoComment');
      await call('recon.unmatch', { matchId: m.id, actor: user, reasonCode: 'wrong_match', comment: comment2 });
      setMade((list) => list.filter((x) => x.id !== m.id));
      setMessage(t('recon.match.undone'));
    } catch (e) {
      setError(toApiError(e));
    }
  };

  return (
    <section className="card match" data-testid="manual-match">
      <div className="card-head">
        <h2>{t('recon.match.title')}</h2>
        <span className="muted">{t('recon.match.hint')}</span>
        <span className="spacer" />
        <button type="button" className="btn btn-small" onClick={props.onClose} data-testid="match-close">
          {t('recon.match.back')}
        </button>
      </div>
      {error && <ErrorBox error={error} onDismiss={() => setError(null)} testId="match-error" />}
      {message && (
        <div className="export-message" data-testid="match-message">
          {message}
        </div>
      )}

      {data && data.suggestions.length > 0 && (
        <div className="match-suggestions" data-testid="match-suggestions">
          <strong>{t('recon.match.suggestions')}</strong>
          {data.suggestions.map((s) => (
            <button
              key={s.id}
              type="button"
              className="btn btn-small"
              onClick={() => setPicked(new Set(s.members.map((m) => m.key)))}
              title={s.members.map((m) => memberName(m.key)).join(' + ')}
            >
              {t('recon.match.suggestion', { n: s.members.length, fen: formatFen(s.statementFen) })}
            </button>
          ))}
        </div>
      )}

      <div className="match-sides">
        <CandidateList
          title={t('recon.proof.internal')}
          list={internal}
          picked={picked}
          onToggle={toggle}
          testId="match-internal"
          empty={t('recon.match.noInternal')}
        />
        <CandidateList
          title={t('recon.proof.statement')}
          list={statement}
          picked={picked}
          onToggle={toggle}
          testId="match-statement"
          empty={t('recon.match.noStatement')}
        />
      </div>

      <div className="match-sums" data-testid="match-sums" data-difference={difference} data-count={count}>
        <span>
          {t('recon.match.pickedInternal')} <b className="num" data-testid="sum-internal">{formatFen(internalFen)}</b>
        </span>
        <span>
          {t('recon.match.pickedStatement')} <b className="num" data-testid="sum-statement">{formatFen(statementFen)}</b>
        </span>
        <span className={difference === 0 ? 'match-zero' : 'match-diff'}>
          {t('recon.match.difference')} <b className="num" data-testid="sum-difference">{formatFen(difference)}</b>
          {count >= 2 && difference === 0 && ` ✓ ${t('recon.match.nets')}`}
        </span>
        <span className="muted">{t('recon.match.count', { n: formatCount(count) })}</span>
      </div>

      <div className="form form-inline">
        <label className="field">
          <span className="field-label">{t('recon.reasonCode')}</span>
          <select value={reason} onChange={(e) => setReason(e.target.value)} data-testid="match-reason">
            {REASONS.match.map((c) => (
              <option key={c} value={c}>
                {reasonName(t, c)}
              </option>
            ))}
          </select>
        </label>
        <label className="field match-comment">
          <span className="field-label">{t('recon.comment')}</span>
          <input value={comment} maxLength={500} onChange={(e) => setComment(e.target.value)} placeholder={t('recon.commentHint')} data-testid="match-comment" />
        </label>
        <button
          type="button"
          className="btn btn-primary"
          disabled={!canAct || difference !== 0}
          onClick={() => void match(false)}
          data-testid="match-submit"
          title={difference !== 0 ? t('recon.match.mustNet') : undefined}
        >
          {t('recon.match.submit')}
        </button>
        <button
          type="button"
          className="btn"
          disabled={!canAct || difference === 0}
          onClick={() => void match(true)}
          data-testid="match-adjust"
        >
          {difference === 0 ? t('recon.match.toAdjustment') : t('recon.match.withAdjustment', { fen: formatFen(difference) })}
        </button>
      </div>
      {!user && <span className="field-hint">{t('recon.needUser')}</span>}

      {made.length > 0 && (
        <div className="match-made" data-testid="match-made">
          <strong>{t('recon.match.made')}</strong>
          <ul>
            {made.map((m) => (
              <li key={m.id}>
                <span className="mono">{m.members.map((x) => memberName(x.key)).join(' + ')}</span>{' '}
                <span className="num">{formatFen(m.statementFen)}</span>
                {m.adjustmentId !== null && <span className="wb-pending"> {t('recon.match.adjustmentPending', { id: m.adjustmentId })}</span>}{' '}
                <button type="button" className="btn btn-small" onClick={() => void unmatch(m)} data-testid="match-undo">
                  {t('recon.match.undo')}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

/** A member may sit in two discrepancies (a line and its duplicate): it is offered once. */
function dedupe(list: Candidate[]): Candidate[] {
  const seen = new Set<string>();
  return list.filter((c) => (seen.has(c.key) ? false : (seen.add(c.key), true)));
}

function CandidateList(props: {
  title: string;
  list: Candidate[];
  picked: Set<string>;
  onToggle: (key: string) => void;
  testId: string;
  empty: string;
}) {
  const { t, label } = useSession();
  const total = props.list.reduce((n, c) => n + c.amountFen, 0);
  return (
    <div className="match-side" data-testid={props.testId}>
      <div className="match-side-head">
        <strong>{props.title}</strong>
        <span className="muted">{t('recon.match.openItems', { n: props.list.length })}</span>
        <span className="spacer" />
        <span className="num">{formatFen(total)}</span>
      </div>
      {props.list.length === 0 ? (
        <p className="muted">{props.empty}</p>
      ) : (
        <table className="table table-compact">
          <thead>
            <tr>
              <th />
              <th>{t('recon.member')}</th>
              <th>{t('recon.col.type')}</th>
              <th>{t('recon.col.businessDate')}</th>
              <th className="num">{t('recon.amount')}</th>
            </tr>
          </thead>
          <tbody>
            {props.list.map((c) => (
              <tr key={c.key} className={props.picked.has(c.key) ? 'match-picked' : undefined} data-key={c.key}>
                <td>
                  <input
                    type="checkbox"
                    checked={props.picked.has(c.key)}
                    onChange={() => props.onToggle(c.key)}
                    aria-label={memberName(c.key)}
                    data-testid="match-pick"
                  />
                </td>
                <td className="mono" title={c.key}>
                  {memberName(c.key)}
                </td>
                <td>{label('discType', c.type)}</td>
                <td className="tnum">{c.itemDate}</td>
                <td className="num">{formatFen(c.amountFen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
