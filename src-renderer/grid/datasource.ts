// The Infinite Row Model datasource over the API: each block the grid needs becomes one page
// operation with the grid's own sort and filter model, answered by one SQL query on the main side.
import type { IDatasource, IGetRowsParams } from 'ag-grid-community';
import type { ColumnFilter, OpResult, PageRequest, PageResult } from '../../src-main/api/contract';
import { call, toApiError, type ApiError } from '../api/client';

export type PageOp = 'orders.page' | 'payments.page' | 'audit.page' | 'statements.lines.page' | 'discrepancies.page';
export type RowOf<N extends PageOp> = OpResult<N> extends PageResult<infer R> ? R : never;

export interface GridQuery {
  sortModel: PageRequest['sortModel'];
  filterModel: Record<string, ColumnFilter>;
}

export interface DatasourceHooks {
  /** The row count of the current sort/filter (after every block). */
  onTotal(total: number): void;
  /** A failed block (null once a later block succeeds). */
  onError(error: ApiError | null): void;
  /** The query of the last block: an export uses exactly what the grid shows. */
  onQuery?(query: GridQuery): void;
  /** The whole page answer (some pages carry more than rows, e.g. the discrepancies' tab counts). */
  onPage?(page: OpResult<PageOp>): void;
}

/**
 * `baseFilter`: conditions every request carries besides the grid's own filters (the one file a
 * screen shows); the grid's filter UI never sees them, and onQuery reports the grid's own only.
 */
export function apiDatasource<N extends PageOp>(
  op: N,
  hooks: DatasourceHooks,
  baseFilter?: Record<string, ColumnFilter>,
): IDatasource {
  return {
    getRows(params: IGetRowsParams) {
      const query: GridQuery = {
        sortModel: params.sortModel.map((s) => ({ colId: s.colId, sort: s.sort })),
        filterModel: (params.filterModel ?? {}) as Record<string, ColumnFilter>,
      };
      hooks.onQuery?.(query);
      const request = {
        startRow: params.startRow,
        endRow: params.endRow,
        sortModel: query.sortModel,
        filterModel: { ...query.filterModel, ...baseFilter },
      };
      // Each page operation takes the same PageRequest; the cast only picks the overload.
      (call as (name: PageOp, input: PageRequest) => Promise<PageResult<RowOf<N>>>)(op, request).then(
        (page) => {
          hooks.onError(null);
          hooks.onTotal(page.total);
          hooks.onPage?.(page as OpResult<PageOp>);
          params.successCallback(page.rows, page.total);
        },
        (err: unknown) => {
          hooks.onError(toApiError(err, op));
          params.failCallback();
        },
      );
    },
  };
}
