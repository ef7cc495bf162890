// Renderer entry: take the web token from the address, ask the main side who we are (app.info,
// settings), then show the app — or a clear error when the service refuses or cannot be reached.
import { StrictMode, useCallback, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { AppInfo } from '../src-main/api/contract';
import { call, takeTokenFromAddress, toApiError, type ApiError } from './api/client';
import { App } from './App';
import { ErrorView } from './components/ErrorBox';
import { translator } from './i18n';
import { SessionProvider, initialLanguage, type AppUser } from './session';
import './styles.css';

takeTokenFromAddress();
// A new address with a token pasted into this tab only changes the fragment: start again with it.
window.addEventListener('hashchange', () => {
  if (/(^#|&)token=/.test(window.location.hash)) window.location.reload();
});

type BootState = { kind: 'loading' } | { kind: 'error'; error: ApiError } | { kind: 'ready'; info: AppInfo; users: AppUser[] };

function Boot() {
  const [state, setState] = useState<BootState>({ kind: 'loading' });

  const load = useCallback(async () => {
    setState({ kind: 'loading' });
    try {
      const [info, settings] = await Promise.all([call('app.info', {}), call('settings.get', {})]);
      setState({ kind: 'ready', info, users: settings.users });
    } catch (e) {
      setState({ kind: 'error', error: toApiError(e) });
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  if (state.kind === 'ready') {
    return (
      <SessionProvider info={state.info} users={state.users}>
        <App />
      </SessionProvider>
    );
  }
  const t = translator(initialLanguage());
  document.title = t('app.title');
  if (state.kind === 'loading') {
    return (
      <div className="boot" data-testid="boot-loading">
        <p className="muted">{t('app.loading')}</p>
      </div>
    );
  }
  const hint =
    state.error.code === 'forbidden'
      ? t('app.wrongTokenHint')
      : state.error.code === 'network'
        ? t('app.unreachableHint')
        : null;
  return (
    <div className="boot" data-testid="boot-error">
      <div className="boot-card">
        <h1>{t('app.cannotStart')}</h1>
        <ErrorView error={state.error} t={t} />
        {hint && <p className="boot-hint">{hint}</p>}
        <button type="button" className="btn" onClick={() => void load()}>
          {t('app.retry')}
        </button>
      </div>
    </div>
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <Boot />
  </StrictMode>,
);
