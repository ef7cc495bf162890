// A month's cells over days × channels (the statement calendar, the reconciliation workbench):
// loaded for the month's days, kept only while that month is still the one shown, and reloaded at
// most every 0.7 s when the main side says data of the given scopes changed.
import { useCallback, useEffect, useRef, useState } from 'react';
import { onEvent, toApiError, type ApiError } from '../../api/client';
import { daysOf } from './month';

export function useMonthCells<T>(
  month: string | null,
  opName: string,
  fetch: (from: string, to: string) => Promise<T>,
  scopes: readonly string[],
) {
  const [cells, setCells] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const fetchRef = useRef(fetch);
  fetchRef.current = fetch;
  const shown = useRef<string | null>(null);
  const load = useCallback(async () => {
    if (!month) return;
    const days = daysOf(month);
    try {
      const result = await fetchRef.current(days[0]!, days[days.length - 1]!);
      if (shown.current === month) setCells(result);
      setError(null);
    } catch (e) {
      setError(toApiError(e, opName));
    }
  }, [month, opName]);

  useEffect(() => {
    shown.current = month;
    setCells(null);
    void load();
  }, [load, month]);

  const scopeList = scopes.join(',');
  useEffect(() => {
    const wanted = scopeList.split(',');
    let timer: number | null = null;
    const unsubscribe = onEvent((e) => {
      if (e.type !== 'data-changed' || !wanted.includes(e.scope) || timer !== null) return;
      timer = window.setTimeout(() => {
        timer = null;
        void load();
      }, 700);
    });
    return () => {
      unsubscribe();
      if (timer !== null) window.clearTimeout(timer);
    };
  }, [load, scopeList]);

  return { cells, error, setError, reload: load };
}
