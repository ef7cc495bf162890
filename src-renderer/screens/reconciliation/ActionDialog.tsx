// One resolution for one or more discrepancies: an adjustment (调差) or a write-off proposal (both
// wait for another user's approval), carry forward to a date, or a refund request. Each needs a
// reason code and a comment; the service checks every row and the dialog lists each refusal.
import { useEffect, useRef, useState } from 'react';
import type { DiscrepancyGridRow } from '../../../src-main/api/contract';
import { call, toApiError, type ApiError } from '../../api/client';
import { formatCount, formatFen } from '../../format';
import type { TextKey } from '../../i18n';
import { useSession } from '../../session';

export type ActionKind = 'adjust' | 'writeoff' | 'carry' | 'refund';

/** Reason codes a person picks from, per act (stored as the code; shown by name). */
export const REASONS: Record<ActionKind | 'match' | 'unmatch', string[]> = {
  adjust: ['fee_difference', 'rounding', 'channel_error', 'platform_error', 'other'],
  writeoff: ['small_difference', 'unrecoverable', 'other'],
  carry: ['timing', 'awaiting_statement', 'awaiting_refund', 'other'],
  refund: ['duplicate_payment', 'overpayment', 'other'],
  match: ['same_transaction', 'split_payment', 'merged_settlement', 'other'],
  unmatch: ['wrong_match', 'other'],
};

export function reasonName(t: (k: TextKey) => string, code: string): string {
  const key = `recon.reason.${code}` as TextKey;
  const name = t(key);
  return name === key ? code : name;
}

function addDay(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

export interface ActionOutcome {
  id: string;
  ok: boolean;
  error?: ApiError;
}

export function ActionDialog(props: {
  kind: ActionKind;
  rows: DiscrepancyGridRow[];
  onClose: (changed: boolean) => void;
}) {
  const { t, label, user } = useSession();
  const { kind, rows } = props;
  const [reason, setReason] = useState(REASONS[kind][0]!);
  const [comment, setComment] = useState('');
  const latest = rows.reduce((m, r) => (r.businessDate > m ? r.businessDate : m), '');
  const [until, setUntil] = useState(latest ? addDay(latest, 1) : '');
  const [busy, setBusy] = useState(false);
  const [outcomes, setOutcomes] = useState<ActionOutcome[] | null>(null);
  const commentRef = useRef<HTMLTextAreaElement>(null);
  useEffect(() => commentRef.current?.focus(), []);

  const totalFen = rows.reduce((n, r) => n + r.amountFen, 0);
  const valid = !!user && comment.trim().length >= 2 && (kind !== 'carry' || /^\d{4}-\d{2}-\d{2}$/.test(until));

  const submit = async () => {
    if (!user || !valid) return;
    setBusy(true);
    const out: ActionOutcome[] = [];
    const act = { actor: user, reasonCode: reason, comment: comment.trim() };
    for (const r of rows) {
      try {
        if (kind === 'adjust') await call('recon.adjust.propose', { discrepancyId: r.id, ...act });
        else if (kind === 'writeoff') await call('recon.writeoff', { discrepancyId: r.id, ...act });
        else if (kind === 'carry') await call('recon.carry', { discrepancyId: r.id, until, ...act });
        else await call('recon.refundRequest', { discrepancyId: r.id, ...act });
        out.push({ id: r.id, ok: true });
      } catch (e) {
        out.push({ id: r.id, ok: false, error: toApiError(e) });
      }
    }
    setBusy(false);
    setOutcomes(out);
    if (out.every((o) => o.ok)) props.onClose(true);
  };

  const failed = outcomes?.filter((o) => !o.ok) ?? [];
  const done = outcomes ? outcomes.length - failed.length : 0;

  return (
    <div className="modal-backdrop" role="presentation">
      <form
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="recon-action-title"
        data-testid="recon-action-dialog"
        data-kind={kind}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') props.onClose(done > 0);
        }}
      >
        <h2 id="recon-action-title">{t(`recon.action.${kind}.title` as TextKey)}</h2>
        <p className="muted">{t(`recon.action.${kind}.hint` as TextKey)}</p>
        <div className="modal-summary">
          <span>{t('recon.action.rows', { n: formatCount(rows.length) })}</span>
          <span className="num" data-testid="recon-action-total">
            {formatFen(totalFen)}
          </span>
        </div>
        <ul className="modal-rows">
          {rows.slice(0, 6).map((r) => (
            <li key={r.id}>
              <span>{label('discType', r.type)}</span>
              <span>{label('channel', r.channel)}</span>
              <span className="tnum">{r.businessDate}</span>
              <span className="num">{formatFen(r.amountFen)}</span>
            </li>
          ))}
          {rows.length > 6 && <li className="muted">{t('recon.action.more', { n: rows.length - 6 })}</li>}
        </ul>
        <label className="field">
          <span className="field-label">{t('recon.reasonCode')}</span>
          <select value={reason} onChange={(e) => setReason(e.target.value)} data-testid="recon-action-reason">
            {REASONS[kind].map((c) => (
              <option key={c} value={c}>
                {reasonName(t, c)}
              </option>
            ))}
          </select>
        </label>
        {kind === 'carry' && (
          <label className="field">
            <span className="field-label">{t('recon.action.until')}</span>
            <input type="date" value={until} onChange={(e) => setUntil(e.target.value)} data-testid="recon-action-until" />
          </label>
        )}
        <label className="field">
          <span className="field-label">{t('recon.comment')}</span>
          <textarea
            ref={commentRef}
            rows={3}
            value={comment}
            maxLength={500}
            onChange={(e) => setComment(e.target.value)}
            placeholder={t('recon.commentHint')}
            data-testid="recon-action-comment"
          />
        </label>
        {outcomes && failed.length > 0 && (
          <div className="error-box" role="alert" data-testid="recon-action-errors">
            <div className="error-box-text">
              <strong>{t('recon.action.partial', { done, failed: failed.length })}</strong>
              <ul className="modal-errors">
                {failed.map((f) => {
                  const r = rows.find((x) => x.id === f.id)!;
                  return (
                    <li key={f.id}>
                      {label('discType', r.type)} {r.businessDate} {formatFen(r.amountFen)}: {f.error?.message}
                    </li>
                  );
                })}
              </ul>
            </div>
          </div>
        )}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={!valid || busy} data-testid="recon-action-submit">
            {t(`recon.action.${kind}.submit` as TextKey)}
          </button>
          <button type="button" className="btn" onClick={() => props.onClose(done > 0)}>
            {outcomes ? t('common.close') : t('common.cancel')}
          </button>
          {!user && <span className="field-hint">{t('recon.needUser')}</span>}
        </div>
      </form>
    </div>
  );
}
