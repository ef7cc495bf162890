// What every screen needs: the app facts (app.info), the language and its texts, the current local
// user (remembered in localStorage), and the names of coded values from the main side's labels.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { AppInfo, Labels, Language, SettingsView } from '../src-main/api/contract';
import { call, toApiError, type ApiError } from './api/client';
import { translator, type Translate } from './i18n';

export type AppUser = SettingsView['users'][number];

const USER_KEY = 'otd.user';
const LANG_KEY = 'otd.language';

export interface Session {
  info: AppInfo;
  lang: Language;
  t: Translate;
  labels: Labels;
  users: AppUser[];
  user: string | null;
  setUser(userId: string): void;
  setUsers(users: AppUser[]): void;
  /** Switch the language now, and save it (settings.update, as the current user). */
  setLanguage(lang: Language): void;
  /** Name of a coded value in the current language ("wechat" → 微信支付). */
  label(table: keyof Labels, code: string | null | undefined): string;
  /** Channels in the fixed order with their names in the current language. */
  channels: { code: string; name: string }[];
  /** A problem to show in the notice bar (errors from actions without a place of their own). */
  notice: ApiError | null;
  notify(error: unknown): void;
  dismissNotice(): void;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside <SessionProvider>');
  return s;
}

function stored(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function store(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // private mode: the choice lasts for this page only
  }
}

/** The language to start in before app.info answers: the last one used here, else Chinese. */
export function initialLanguage(): Language {
  return stored(LANG_KEY) === 'en' ? 'en' : 'zh';
}

export function SessionProvider(props: { info: AppInfo; users: AppUser[]; children: ReactNode }) {
  const [lang, setLang] = useState<Language>(props.info.language);
  const [users, setUsers] = useState<AppUser[]>(props.users);
  const [user, setUserState] = useState<string | null>(() => {
    const remembered = stored(USER_KEY);
    if (remembered && props.users.some((u) => u.userId === remembered)) return remembered;
    return props.users[0]?.userId ?? null;
  });
  const [notice, setNotice] = useState<ApiError | null>(null);

  const t = useMemo(() => translator(lang), [lang]);
  const labels = props.info.labels[lang];
  const channels = useMemo(
    () => props.info.channels.map((c) => ({ code: c.code, name: lang === 'zh' ? c.zh : c.en })),
    [props.info, lang],
  );

  const setUser = useCallback((userId: string) => {
    setUserState(userId);
    store(USER_KEY, userId);
  }, []);

  const notify = useCallback((error: unknown) => setNotice(toApiError(error)), []);

  const setLanguage = useCallback(
    (next: Language) => {
      if (next === lang) return;
      setLang(next);
      store(LANG_KEY, next);
      if (user) call('settings.update', { language: next, actor: user }).catch(notify);
    },
    [lang, user, notify],
  );

  const updateUsers = useCallback(
    (next: AppUser[]) => {
      setUsers(next);
      if (!user && next[0]) setUser(next[0].userId);
    },
    [user, setUser],
  );

  const value = useMemo<Session>(
    () => ({
      info: props.info,
      lang,
      t,
      labels,
      users,
      user,
      setUser,
      setUsers: updateUsers,
      setLanguage,
      label: (table, code) => {
        if (code == null) return '';
        return (labels[table] as Record<string, string>)[code] ?? code;
      },
      channels,
      notice,
      notify,
      dismissNotice: () => setNotice(null),
    }),
    [props.info, lang, t, labels, channels, users, user, setUser, updateUsers, setLanguage, notice, notify],
  );

  return <SessionContext.Provider value={value}>{props.children}</SessionContext.Provider>;
}
