// Screens live in the address fragment (#/orders?tab=payments&order=…), so a screen can be
// reloaded, linked and opened straight by tests, the same under file:// (Electron) and http (web).
import { useEffect, useState } from 'react';

export type ScreenName = 'overview' | 'orders' | 'statements' | 'reconciliation' | 'journal' | 'close' | 'audit' | 'settings';
const SCREENS: ScreenName[] = ['overview', 'orders', 'statements', 'reconciliation', 'journal', 'close', 'audit', 'settings'];

export interface Route {
  screen: ScreenName;
  params: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const screen = SCREENS.find((s) => s === path) ?? 'overview';
  return { screen, params: new URLSearchParams(query) };
}

export function routeHref(screen: ScreenName, params: Record<string, string | null | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const qs = q.toString();
  return `#/${screen}${qs ? `?${qs}` : ''}`;
}

export function navigate(screen: ScreenName, params: Record<string, string | null | undefined> = {}): void {
  window.location.hash = routeHref(screen, params);
}

export function useRoute(): Route {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return parseRoute(hash);
}
