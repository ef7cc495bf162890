// The audit log: every user decision (who, when, what, before and after), newest first, from the
// database page by page, with export.
import { useMemo } from 'react';
import type { ColDef } from 'ag-grid-community';
import type { AuditRow } from '../../../src-main/api/contract';
import { countCol, dateTimeCol, textCol } from '../../grid/columns';
import { ServerGrid } from '../../grid/ServerGrid';
import { useSession } from '../../session';

/** What a decision changed, in one line: "language: zh → en; tokenChanged: true". */
export function describeChange(before: string | null, after: string | null): string {
  const parse = (text: string | null): unknown => {
    // An explicit JSON null (a statement import's "before") is no before either.
    if (text == null || text === 'null') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  };
  const show = (v: unknown) => (v === undefined ? '∅' : typeof v === 'string' ? v : JSON.stringify(v));
  const b = parse(before);
  const a = parse(after);
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(a) && (b === undefined || isObject(b))) {
    if (b === undefined) return Object.entries(a).map(([k, v]) => `${k}: ${show(v)}`).join('; ');
    // Keys on both sides that differ, and facts only the after side records when they are set
    // (tokenChanged: true); a key only the before side has is context, not a change.
    return Object.keys(a)
      .filter((k) => (k in b ? JSON.stringify(b[k]) !== JSON.stringify(a[k]) : a[k] !== false && a[k] != null))
      .map((k) => (k in b ? `${k}: ${show(b[k])} → ${show(a[k])}` : `${k}: ${show(a[k])}`))
      .join('; ');
  }
  if (a === undefined && b === undefined) return '';
  return `${show(b)} → ${show(a)}`;
}

const REFRESH_ON: ('settings' | 'recon' | 'journal' | 'close')[] = ['settings', 'recon', 'journal', 'close'];

export function Audit() {
  const { t } = useSession();
  const columns = useMemo<ColDef<AuditRow>[]>(
    () => [
      countCol<AuditRow>('id', t('audit.col.id'), { width: 90, valueFormatter: (p) => (p.value == null ? '' : String(p.value)) }),
      dateTimeCol<AuditRow>('at', t('audit.col.at')),
      textCol<AuditRow>('userId', t('audit.col.userId'), { width: 110, cellClass: 'mono' }),
      textCol<AuditRow>('action', t('audit.col.action'), { width: 150, cellClass: 'mono' }),
      textCol<AuditRow>('entity', t('audit.col.entity'), { width: 110, cellClass: 'mono' }),
      textCol<AuditRow>('entityId', t('audit.col.entityId'), { width: 130, cellClass: 'mono' }),
      {
        // Computed here from before/after (not a server column: neither sorted nor filtered).
        colId: 'changes',
        headerName: t('audit.col.changes'),
        valueGetter: (p) => (p.data ? describeChange(p.data.before, p.data.after) : ''),
        tooltipValueGetter: (p) => (p.data ? describeChange(p.data.before, p.data.after) : ''),
        sortable: false,
        filter: false,
        flex: 1,
        minWidth: 280,
      },
      textCol<AuditRow>('reason', t('audit.col.reason'), { width: 130, tooltipField: 'reason' }),
      textCol<AuditRow>('before', t('audit.col.before'), { width: 170, cellClass: 'mono json', tooltipField: 'before' }),
      textCol<AuditRow>('after', t('audit.col.after'), { width: 170, cellClass: 'mono json', tooltipField: 'after' }),
    ],
    [t],
  );
  return (
    <div className="screen screen-fill audit" data-testid="audit">
      <div className="screen-head">
        <h1>{t('audit.title')}</h1>
      </div>
      <div className="grid-area">
        <ServerGrid<'audit.page'> op="audit.page" exportName="audit" testId="audit-grid" columnDefs={columns} refreshOn={REFRESH_ON} />
      </div>
    </div>
  );
}
