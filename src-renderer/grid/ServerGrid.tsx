// A grid whose rows live in the database: Infinite Row Model over a page operation, sort and filter
// done in SQL by the main side, the row count of the current filter, Clear filters and Export.
// Switching the language rebuilds the grid (its texts are fixed at creation) and keeps sort and filter.
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { AgGridReact, type AgGridReactProps } from 'ag-grid-react';
import type { CellClickedEvent, ColDef, GridApi, GridReadyEvent, GridState } from 'ag-grid-community';
import type { AppEvent, ColumnFilter, OpResult } from '../../src-main/api/contract';
import { onEvent, type ApiError } from '../api/client';
import { ErrorBox } from '../components/ErrorBox';
import { formatCount } from '../format';
import { useSession } from '../session';
import { apiDatasource, type GridQuery, type PageOp, type RowOf } from './datasource';
import { ExportButton, type ExportGridName } from './ExportButton';
import { gridLocaleText } from './locale';
import { gridTheme, registerGridModules } from './setup';

registerGridModules();

type Scope = Extract<AppEvent, { type: 'data-changed' }>['scope'];

export interface ServerGridProps<N extends PageOp> {
  op: N;
  exportName: ExportGridName;
  columnDefs: ColDef<RowOf<N>>[];
  testId: string;
  /** Data-changed scopes that refresh the rows (e.g. 'orders' while a sync writes pages). */
  refreshOn?: Scope[];
  onCellClicked?: (e: CellClickedEvent<RowOf<N>>) => void;
  toolbarStart?: ReactNode;
  /** Fixed conditions of every page and of the export (memoise it: a new object reloads the rows). */
  baseFilter?: Record<string, ColumnFilter>;
  /** Every page answer as it arrives (memoise it, like baseFilter). */
  onPage?: (page: OpResult<N>) => void;
  /** The grid's API once it is ready (keyboard shortcuts, selection). */
  onGridApi?: (api: GridApi<RowOf<N>>) => void;
  /** Further grid options (row selection, keyboard handlers, row ids). */
  gridProps?: Omit<AgGridReactProps<RowOf<N>>, 'datasource' | 'columnDefs' | 'rowModelType' | 'onGridReady'>;
}

const REFRESH_EVERY_MS = 1500;

export function ServerGrid<N extends PageOp>(props: ServerGridProps<N>) {
  const { t, lang } = useSession();
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [filtered, setFiltered] = useState(false);
  const apiRef = useRef<GridApi<RowOf<N>> | null>(null);
  const queryRef = useRef<GridQuery>({ sortModel: [], filterModel: {} });

  const { baseFilter, onPage } = props;
  const datasource = useMemo(
    () =>
      apiDatasource(
        props.op,
        {
          onTotal: setTotal,
          onError: setError,
          onQuery: (q) => {
            queryRef.current = q;
            setFiltered(Object.keys(q.filterModel).length > 0);
          },
          onPage: onPage as ((page: OpResult<PageOp>) => void) | undefined,
        },
        baseFilter,
      ),
    [props.op, baseFilter, onPage],
  );

  // Refresh when the data behind the grid changes (a sync writing pages), at most every 1.5 s.
  const { refreshOn } = props;
  useEffect(() => {
    if (!refreshOn?.length) return;
    let timer: number | null = null;
    let last = 0;
    const refresh = () => {
      timer = null;
      last = Date.now();
      apiRef.current?.refreshInfiniteCache();
    };
    const unsubscribe = onEvent((e) => {
      if (e.type !== 'data-changed' || !refreshOn.includes(e.scope) || timer !== null) return;
      timer = window.setTimeout(refresh, Math.max(0, last + REFRESH_EVERY_MS - Date.now()));
    });
    return () => {
      unsubscribe();
      if (timer !== null) window.clearTimeout(timer);
    };
  }, [refreshOn]);

  // Sort and filter survive a language switch (the grid is rebuilt with its new texts).
  const initialState = useMemo<GridState>(
    () => ({ sort: { sortModel: queryRef.current.sortModel }, filter: { filterModel: queryRef.current.filterModel } }),
    [lang],
  );

  const { onGridApi } = props;
  const onGridReady = useCallback(
    (e: GridReadyEvent<RowOf<N>>) => {
      apiRef.current = e.api;
      onGridApi?.(e.api);
    },
    [onGridApi],
  );

  const defaultColDef = useMemo<ColDef<RowOf<N>>>(
    () => ({ sortable: true, resizable: true, floatingFilter: true, suppressHeaderMenuButton: true, minWidth: 70 }),
    [],
  );

  return (
    <div className="server-grid" data-testid={props.testId}>
      <div className="grid-toolbar">
        {props.toolbarStart}
        <span className="grid-total num" data-testid={`${props.testId}-total`} data-total={total ?? ''}>
          {total === null ? t('common.loading') : t('grid.total', { n: formatCount(total) })}
        </span>
        <span className="spacer" />
        {filtered && (
          <button type="button" className="btn btn-quiet" onClick={() => apiRef.current?.setFilterModel(null)}>
            {t('grid.clearFilters')}
          </button>
        )}
        <ExportButton
          grid={props.exportName}
          getQuery={() => ({ ...queryRef.current, filterModel: { ...queryRef.current.filterModel, ...baseFilter } })}
          testId={`${props.testId}-export`}
        />
      </div>
      {error && <ErrorBox title={t('grid.loadFailed')} error={error} onDismiss={() => setError(null)} />}
      <div className="grid-body">
        <AgGridReact<RowOf<N>>
          {...props.gridProps}
          key={lang}
          theme={gridTheme}
          localeText={gridLocaleText(lang)}
          rowModelType="infinite"
          datasource={datasource}
          cacheBlockSize={100}
          maxBlocksInCache={50}
          maxConcurrentDatasourceRequests={2}
          blockLoadDebounceMillis={50}
          infiniteInitialRowCount={1}
          columnDefs={props.columnDefs}
          defaultColDef={defaultColDef}
          initialState={initialState}
          onGridReady={onGridReady}
          onCellClicked={props.onCellClicked}
          tooltipShowDelay={400}
          enableCellTextSelection
          ensureDomOrder
        />
      </div>
    </div>
  );
}
