// Reconciliation (对账): the workbench (business days × the seven channels), the discrepancies to
// review with manual matching, and the approvals of adjustments and write-offs (four eyes). What is
// shown lives in the address (#/reconciliation?tab=discrepancies&channel=wechat&date=2026-10-03&match=1).
import { useEffect, useState } from 'react';
import { call, onEvent } from '../../api/client';
import { navigate, type Route } from '../../router';
import { useSession } from '../../session';
import { Approvals } from './Approvals';
import { Discrepancies } from './Discrepancies';
import { Workbench } from './Workbench';
import type { TextKey } from '../../i18n';
import './recon.css';

export type ReconTab = 'workbench' | 'discrepancies' | 'approvals';
const TABS: ReconTab[] = ['workbench', 'discrepancies', 'approvals'];

export interface ReconPlace {
  tab: ReconTab;
  month: string | null;
  channel: string | null;
  date: string | null;
  match: boolean;
}

export function placeOf(route: Route): ReconPlace {
  const p = route.params;
  const tab = TABS.find((x) => x === p.get('tab')) ?? 'workbench';
  const date = p.get('date');
  return {
    tab,
    month: p.get('month'),
    channel: p.get('channel'),
    date: date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : null,
    match: p.get('match') === '1',
  };
}

export function goRecon(p: Partial<ReconPlace> & { tab: ReconTab }): void {
  navigate('reconciliation', {
    tab: p.tab,
    month: p.month,
    channel: p.channel,
    date: p.date,
    match: p.match ? '1' : null,
  });
}

/** How many proposals wait for a reviewer (the tab shows it; decisions elsewhere update it). */
function usePendingCount(): number | null {
  const [n, setN] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    const load = () =>
      call('recon.adjustments', { state: 'proposed' }).then(
        (rows) => live && setN(rows.length),
        () => live && setN(null),
      );
    void load();
    const off = onEvent((e) => {
      if (e.type === 'data-changed' && e.scope === 'recon') void load();
    });
    return () => {
      live = false;
      off();
    };
  }, []);
  return n;
}

export function Reconciliation(props: { route: Route }) {
  const { t } = useSession();
  const place = placeOf(props.route);
  const pending = usePendingCount();

  return (
    <div className={`screen recon ${place.tab === 'discrepancies' ? 'screen-fill' : ''}`} data-testid="reconciliation">
      <div className="screen-head">
        <h1>{t('recon.title')}</h1>
        <div className="tabs" role="tablist">
          {TABS.map((tab) => (
            <button
              key={tab}
              type="button"
              role="tab"
              aria-selected={place.tab === tab}
              className={`tab ${place.tab === tab ? 'tab-active' : ''}`}
              onClick={() => goRecon({ tab, month: place.month })}
              data-testid={`recon-tab-${tab}`}
            >
              {t(`recon.tab.${tab}` as TextKey)}
              {tab === 'approvals' && pending ? (
                <span className="recon-count" data-testid="pending-count">
                  {pending}
                </span>
              ) : null}
            </button>
          ))}
        </div>
      </div>
      {place.tab === 'workbench' && <Workbench place={place} />}
      {place.tab === 'discrepancies' && <Discrepancies place={place} />}
      {place.tab === 'approvals' && <Approvals />}
    </div>
  );
}
