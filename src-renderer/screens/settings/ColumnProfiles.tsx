// Settings: the statement column profiles (issue 4 — Lakala has no public file spec, so a renamed
// column is configuration, not code). The profile in effect is shown as header-name → field rows
// and as its whole JSON; both edit one draft. The service validates a save with the profile schema
// and lists every problem; a save or a reset needs a reason and is audited under the current user.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { OpResult } from '../../../src-main/api/contract';
import { call, toApiError, type ApiError } from '../../api/client';
import { ErrorBox } from '../../components/ErrorBox';
import { useSession } from '../../session';

type ProfileView = OpResult<'profiles.list'>[number];
type Draft = { columns?: { field?: unknown; headers?: unknown; required?: unknown }[]; header?: { mustInclude?: unknown } };

const pretty = (v: unknown) => JSON.stringify(v, null, 2);
const splitNames = (text: string) =>
  text
    .split('|')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** Rename header names where the header row looks for them too, so a rename in one row is enough. */
function renameInHeaderRow(draft: Draft, renames: Map<string, string>): Draft['header'] {
  const must = draft.header?.mustInclude;
  if (!Array.isArray(must) || renames.size === 0) return draft.header;
  const swap = (n: unknown) => (typeof n === 'string' ? (renames.get(n) ?? n) : n);
  return { ...draft.header, mustInclude: must.map((n) => (Array.isArray(n) ? n.map(swap) : swap(n))) };
}

export function ColumnProfiles() {
  const { t } = useSession();
  const [views, setViews] = useState<ProfileView[] | null>(null);
  const [selected, setSelected] = useState('lakala');
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    call('profiles.list', {}).then(setViews, (e: unknown) => setError(toApiError(e, 'profiles.list')));
  }, []);

  const view = views?.find((v) => v.id === selected) ?? null;
  return (
    <section className="card column-profiles" data-testid="column-profiles">
      <h2>{t('profiles.title')}</h2>
      <p className="field-hint">{t('profiles.hint')}</p>
      {error && <ErrorBox error={error} onDismiss={() => setError(null)} />}
      {views && (
        <label className="field">
          <span className="field-label">{t('profiles.profile')}</span>
          <select value={selected} onChange={(e) => setSelected(e.target.value)} data-testid="profile-select">
            {views.map((v) => (
              <option key={v.id} value={v.id}>
                {v.id} — {v.title}
              </option>
            ))}
          </select>
        </label>
      )}
      {view && (
        <ProfileEditor
          key={view.id}
          view={view}
          onChanged={(next) => setViews((vs) => vs?.map((v) => (v.id === next.id ? next : v)) ?? null)}
        />
      )}
    </section>
  );
}

function ProfileEditor(props: { view: ProfileView; onChanged: (v: ProfileView) => void }) {
  const { t, user } = useSession();
  const { view } = props;
  const inEffect = view.edited ?? view.shipped;
  const [text, setText] = useState(() => pretty(inEffect));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const parsed = useMemo((): { draft: Draft | null; error: string | null } => {
    try {
      const v: unknown = JSON.parse(text);
      return typeof v === 'object' && v !== null && !Array.isArray(v)
        ? { draft: v as Draft, error: null }
        : { draft: null, error: 'not an object' };
    } catch (e) {
      return { draft: null, error: (e as Error).message };
    }
  }, [text]);
  const columns = Array.isArray(parsed.draft?.columns) ? parsed.draft.columns : [];
  const changed = text !== pretty(inEffect);

  const editHeaders = (index: number, value: string) => {
    const draft = parsed.draft;
    if (!draft || !Array.isArray(draft.columns)) return;
    const before = Array.isArray(draft.columns[index]?.headers) ? (draft.columns[index].headers as unknown[]) : [];
    const after = splitNames(value);
    const renames = new Map<string, string>();
    before.forEach((old, j) => {
      if (typeof old === 'string' && after[j] !== undefined && after[j] !== old && !before.includes(after[j]))
        renames.set(old, after[j]);
    });
    const next = draft.columns.map((c, i) => (i === index ? { ...c, headers: after } : c));
    setText(pretty({ ...draft, header: renameInHeaderRow(draft, renames), columns: next }));
    setMessage(null);
  };

  const run = async (opName: 'profiles.save' | 'profiles.reset') => {
    if (!user || !parsed.draft) return;
    setBusy(true);
    setMessage(null);
    setError(null);
    try {
      let next, edited, unchanged;
      if (opName === 'profiles.save') {
        next = await call('profiles.save', { id: view.id, profile: parsed.draft as Record<string, unknown>, actor: user, reason });
        // The service returns the profile in effect; the same version means it kept what it had.
        unchanged = next.version === (view.edited ?? view.shipped).version;
        edited = unchanged ? view.edited : next;
      } else {
        next = await call('profiles.reset', { id: view.id, actor: user, reason });
        unchanged = !view.edited;
        edited = null;
      }
      setMessage(unchanged ? t('profiles.unchanged') : t('common.saved'));
      setText(pretty(next));
      setReason('');
      props.onChanged({ ...view, edited });
    } catch (err) {
      setError(toApiError(err, opName));
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run('profiles.save');
  };

  const problems = Array.isArray(error?.details?.['problems']) ? (error.details['problems'] as string[]) : [];
  return (
    <form className="form" onSubmit={submit} data-testid={`profile-${view.id}`}>
      <span className="muted" data-testid="profile-in-use">
        {view.edited
          ? t('profiles.inUse.edited', { version: view.edited.version, shipped: view.shipped.version })
          : t('profiles.inUse.shipped', { version: view.shipped.version })}
      </span>
      {columns.length > 0 && (
        <table className="table table-compact profile-columns" data-testid="profile-columns">
          <thead>
            <tr>
              <th>{t('profiles.col.headers')}</th>
              <th>{t('profiles.col.field')}</th>
            </tr>
          </thead>
          <tbody>
            {columns.map((c, i) => (
              <tr key={i} data-field={String(c.field)}>
                <td>
                  <input
                    value={Array.isArray(c.headers) ? c.headers.join(' | ') : ''}
                    onChange={(e) => editHeaders(i, e.target.value)}
                    spellCheck={false}
                    className="mono"
                    aria-label={`${t('profiles.col.headers')}: ${String(c.field)}`}
                    data-testid={`profile-headers-${i}`}
                  />
                </td>
                <td className="mono">
                  → {String(c.field)}
                  {c.required === true && <span className="muted"> · {t('profiles.required')}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <details>
        <summary>{t('profiles.json')}</summary>
        <textarea
          className="mono column-profiles-json"
          rows={16}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setMessage(null);
          }}
          spellCheck={false}
          data-testid="profile-json"
        />
      </details>
      {parsed.error && (
        <p className="notice" role="alert" data-testid="profile-json-error">
          {t('profiles.jsonInvalid', { error: parsed.error })}
        </p>
      )}
      <label className="field">
        <span className="field-label">{t('profiles.reason')}</span>
        <input
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder={t('profiles.reasonPlaceholder')}
          maxLength={500}
          data-testid="profile-reason"
        />
      </label>
      <div className="form-actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={!user || busy || !changed || !parsed.draft || reason.trim() === ''}
          data-testid="profile-save"
        >
          {t('common.save')}
        </button>
        <button
          type="button"
          className="btn"
          disabled={!user || busy || !view.edited || reason.trim() === ''}
          onClick={() => void run('profiles.reset')}
          data-testid="profile-reset"
        >
          {t('profiles.reset')}
        </button>
        {message && <span className="ok-text">{message}</span>}
      </div>
      {problems.length > 0 ? (
        <div className="error-box" role="alert" data-testid="profile-problems">
          <div className="error-box-text">
            <strong>{t('profiles.problems')}</strong>
            <ul className="profile-problems">
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </div>
        </div>
      ) : (
        error && <ErrorBox error={error} onDismiss={() => setError(null)} />
      )}
    </form>
  );
}
