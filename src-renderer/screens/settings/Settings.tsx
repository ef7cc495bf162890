// Settings: the central platform's address and token (write-only: only whether one is set and
// where it is kept are shown), the database location, the language, and the local users.
import { useEffect, useState, type FormEvent } from 'react';
import type { Language, SettingsView } from '../../../src-main/api/contract';
import { call, toApiError, type ApiError } from '../../api/client';
import { ErrorBox } from '../../components/ErrorBox';
import { LANGUAGES } from '../../i18n';
import { useSession } from '../../session';
import { DownloadCredentials } from './DownloadCredentials';
import { ColumnProfiles } from './ColumnProfiles';

export function Settings() {
  const { t, info, user, setUsers, setLanguage, lang } = useSession();
  const [view, setView] = useState<SettingsView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [url, setUrl] = useState('');
  const [token, setToken] = useState('');
  const [savedCentral, setSavedCentral] = useState(false);
  const [busy, setBusy] = useState(false);
  const [newUser, setNewUser] = useState({ userId: '', displayName: '' });
  const [userMessage, setUserMessage] = useState<string | null>(null);
  const [userError, setUserError] = useState<ApiError | null>(null);

  useEffect(() => {
    call('settings.get', {}).then(
      (v) => {
        setView(v);
        setUrl(v.centralUrl);
      },
      (e: unknown) => setError(toApiError(e, 'settings.get')),
    );
  }, []);

  const saveCentral = async (e: FormEvent) => {
    e.preventDefault();
    if (!user || !view) return;
    setBusy(true);
    setSavedCentral(false);
    setError(null);
    try {
      const input: { actor: string; centralUrl?: string; token?: string } = { actor: user };
      if (url.trim() !== view.centralUrl) input.centralUrl = url.trim();
      if (token.trim()) input.token = token.trim();
      const next = await call('settings.update', input);
      setView(next);
      setUrl(next.centralUrl);
      setToken('');
      setSavedCentral(true);
    } catch (err) {
      setError(toApiError(err, 'settings.update'));
    } finally {
      setBusy(false);
    }
  };

  const addUser = async (e: FormEvent) => {
    e.preventDefault();
    setUserMessage(null);
    setUserError(null);
    const userId = newUser.userId.trim();
    try {
      // The very first user bootstraps the workstation and is its own actor.
      const users = await call('users.add', { userId, displayName: newUser.displayName.trim(), actor: user ?? userId });
      setUsers(users);
      setView((v) => (v ? { ...v, users } : v));
      setNewUser({ userId: '', displayName: '' });
      setUserMessage(t('settings.userAdded', { userId }));
    } catch (err) {
      setUserError(toApiError(err, 'users.add'));
    }
  };

  const changed = !!view && (url.trim() !== view.centralUrl || token.trim() !== '');
  const noUsers = view !== null && view.users.length === 0;

  return (
    <div className="screen settings" data-testid="settings">
      <div className="screen-head">
        <h1>{t('settings.title')}</h1>
      </div>
      {error && <ErrorBox error={error} onDismiss={() => setError(null)} />}
      {!user && !noUsers && <div className="notice">{t('settings.needUser')}</div>}

      <div className="settings-grid">
        <section className="card">
          <h2>{t('settings.central')}</h2>
          <form className="form" onSubmit={(e) => void saveCentral(e)} data-testid="central-form">
            <label className="field">
              <span className="field-label">{t('settings.centralUrl')}</span>
              <input
                type="url"
                value={url}
                onChange={(e) => setUrl(e.target.value)}
                placeholder="https://otd.example.com"
                spellCheck={false}
                data-testid="central-url"
              />
            </label>
            <div className="field">
              <span className="field-label">{t('settings.token')}</span>
              <div className="field-line">
                <span className={`status ${view?.hasToken ? 'status-ok' : 'status-missing'}`} data-testid="token-state">
                  {view ? (view.hasToken ? t('settings.tokenSet') : t('settings.tokenNotSet')) : '…'}
                </span>
                {view && (
                  <span className="muted">
                    {t('settings.tokenKeptIn')}: {t(`settings.tokenStorage.${view.tokenStorage}`)}
                  </span>
                )}
              </div>
              <input
                type="password"
                value={token}
                onChange={(e) => setToken(e.target.value)}
                placeholder={t('settings.tokenPlaceholder')}
                autoComplete="new-password"
                spellCheck={false}
                data-testid="central-token"
              />
              <span className="field-hint">{t('settings.tokenWriteOnly')}</span>
            </div>
            <div className="form-actions">
              <button type="submit" className="btn btn-primary" disabled={!user || !changed || busy} data-testid="central-save">
                {t('common.save')}
              </button>
              {savedCentral && <span className="ok-text">{t('common.saved')}</span>}
            </div>
          </form>
        </section>

        <section className="card">
          <h2>{t('settings.language')}</h2>
          <div className="segmented" role="radiogroup" aria-label={t('settings.language')}>
            {LANGUAGES.map((l: Language) => (
              <button
                key={l}
                type="button"
                role="radio"
                aria-checked={lang === l}
                className={`segment ${lang === l ? 'segment-active' : ''}`}
                onClick={() => setLanguage(l)}
              >
                {t(`lang.${l}`)}
              </button>
            ))}
          </div>

          <h2 className="card-subhead">{t('settings.database')}</h2>
          <dl className="facts">
            <dt>{t('settings.dbFile')}</dt>
            <dd className="mono path" data-testid="db-file">
              {view?.dbFile ?? info.dbFile}
            </dd>
            <dt>{t('settings.dataDir')}</dt>
            <dd className="mono path">{info.dataDir}</dd>
            <dt>{t('settings.mode')}</dt>
            <dd>{t(`settings.mode.${info.mode}`)}</dd>
            <dt>{t('settings.version')}</dt>
            <dd className="num">{info.version}</dd>
          </dl>
        </section>

        <section className="card">
          <h2>{t('settings.users')}</h2>
          {noUsers && <div className="notice">{t('settings.firstUser')}</div>}
          {view && view.users.length > 0 && (
            <table className="table table-compact" data-testid="users-table">
              <thead>
                <tr>
                  <th>{t('settings.userId')}</th>
                  <th>{t('settings.displayName')}</th>
                </tr>
              </thead>
              <tbody>
                {view.users.map((u) => (
                  <tr key={u.userId}>
                    <td className="mono">{u.userId}</td>
                    <td>{u.displayName}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <form className="form form-inline" onSubmit={(e) => void addUser(e)}>
            <label className="field">
              <span className="field-label">{t('settings.userId')}</span>
              <input
                value={newUser.userId}
                onChange={(e) => setNewUser({ ...newUser, userId: e.target.value })}
                pattern="[\w.@\-]+"
                title={t('settings.userIdHint')}
                maxLength={40}
                required
                spellCheck={false}
                data-testid="new-user-id"
              />
            </label>
            <label className="field">
              <span className="field-label">{t('settings.displayName')}</span>
              <input
                value={newUser.displayName}
                onChange={(e) => setNewUser({ ...newUser, displayName: e.target.value })}
                maxLength={60}
                required
                data-testid="new-user-name"
              />
            </label>
            <button type="submit" className="btn" disabled={!user && !noUsers}>
              {t('settings.addUser')}
            </button>
          </form>
          {userMessage && <p className="ok-text">{userMessage}</p>}
          {userError && <ErrorBox error={userError} onDismiss={() => setUserError(null)} />}
        </section>

        <DownloadCredentials />
        <ColumnProfiles />
      </div>
    </div>
  );
}
