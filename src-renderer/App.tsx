// The shell: left navigation, a header with the company, the current user and the language, and
// the screen of the current route.
import { lazy, Suspense, useEffect } from 'react';
import { ErrorBox } from './components/ErrorBox';
import { LANGUAGES } from './i18n';
import { routeHref, useRoute, type ScreenName } from './router';
import { useSession } from './session';
import { Overview } from './screens/overview/Overview';
import { Settings } from './screens/settings/Settings';

// The grid screens carry ag-grid: loaded when first opened, so the overview appears at once.
const Orders = lazy(() => import('./screens/orders/Orders').then((m) => ({ default: m.Orders })));
const Audit = lazy(() => import('./screens/audit/Audit').then((m) => ({ default: m.Audit })));
const Statements = lazy(() => import('./screens/statements/Statements').then((m) => ({ default: m.Statements })));
const Reconciliation = lazy(() =>
  import('./screens/reconciliation/Reconciliation').then((m) => ({ default: m.Reconciliation })),
);
const Journal = lazy(() => import('./screens/journal/Journal').then((m) => ({ default: m.Journal })));
const Close = lazy(() => import('./screens/close/Close').then((m) => ({ default: m.Close })));
import type { TextKey } from './i18n';

const NAV: { section: TextKey; items: { screen: ScreenName; label: TextKey }[] }[] = [
  {
    section: 'nav.section.daily',
    items: [
      { screen: 'overview', label: 'nav.overview' },
      { screen: 'orders', label: 'nav.orders' },
      { screen: 'statements', label: 'nav.statements' },
      { screen: 'reconciliation', label: 'nav.reconciliation' },
      { screen: 'journal', label: 'nav.journal' },
      { screen: 'close', label: 'nav.close' },
    ],
  },
  {
    section: 'nav.section.admin',
    items: [
      { screen: 'audit', label: 'nav.audit' },
      { screen: 'settings', label: 'nav.settings' },
    ],
  },
];

export function App() {
  const session = useSession();
  const { t, info, lang, users, user, setUser, setLanguage, notice, dismissNotice } = session;
  const route = useRoute();

  useEffect(() => {
    document.title = t('app.title');
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [t, lang]);

  const company = info.company ? (info.company.demo ? t('app.demoCompany') : info.company.name) : null;

  return (
    <div className="app">
      <nav className="nav" aria-label="main">
        <div className="brand">
          <span className="brand-mark">OTD</span>
          <span className="brand-name">{t('app.title').replace(/^OTD\s*/, '')}</span>
        </div>
        {NAV.map((group) => (
          <div className="nav-group" key={group.section}>
            <div className="nav-section">{t(group.section)}</div>
            {group.items.map((item) => (
              <a
                key={item.screen}
                href={routeHref(item.screen)}
                className={`nav-item ${route.screen === item.screen ? 'nav-item-active' : ''}`}
                aria-current={route.screen === item.screen ? 'page' : undefined}
                data-testid={`nav-${item.screen}`}
              >
                {t(item.label)}
              </a>
            ))}
          </div>
        ))}
        <div className="nav-foot num">v{info.version}</div>
      </nav>

      <div className="main">
        <header className="topbar">
          <div className="company" data-testid="company">
            {company ?? <span className="muted">{t('app.noCompany')}</span>}
            {info.company?.demo && <span className="badge">{t('app.demoBadge')}</span>}
          </div>
          <span className="spacer" />
          <label className="topbar-field">
            <span>{t('header.user')}</span>
            <select
              value={user ?? ''}
              onChange={(e) => setUser(e.target.value)}
              data-testid="user-picker"
              disabled={users.length === 0}
            >
              {users.length === 0 && <option value="">{t('header.noUsers')}</option>}
              {!user && users.length > 0 && <option value="">{t('header.chooseUser')}</option>}
              {users.map((u) => (
                <option key={u.userId} value={u.userId}>
                  {u.displayName} ({u.userId})
                </option>
              ))}
            </select>
          </label>
          <div className="segmented" role="radiogroup" aria-label={t('header.language')} data-testid="language-switch">
            {LANGUAGES.map((l) => (
              <button
                key={l}
                type="button"
                role="radio"
                aria-checked={lang === l}
                className={`segment ${lang === l ? 'segment-active' : ''}`}
                onClick={() => setLanguage(l)}
                data-testid={`lang-${l}`}
              >
                {l === 'zh' ? '中文' : 'EN'}
              </button>
            ))}
          </div>
        </header>
        {notice && (
          <div className="notice-bar">
            <ErrorBox error={notice} onDismiss={dismissNotice} testId="notice" />
          </div>
        )}
        <main className="content">
          <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
            {route.screen === 'overview' && <Overview />}
            {route.screen === 'orders' && <Orders route={route} />}
            {route.screen === 'statements' && <Statements route={route} />}
            {route.screen === 'reconciliation' && <Reconciliation route={route} />}
            {route.screen === 'journal' && <Journal route={route} />}
            {route.screen === 'close' && <Close route={route} />}
            {route.screen === 'audit' && <Audit />}
            {route.screen === 'settings' && <Settings />}
          </Suspense>
        </main>
      </div>
    </div>
  );
}
