// Column kinds shared by every grid: money (integer fen shown as ¥1,234.50, right-aligned, with a
// yuan filter whose input becomes exact integer fen), timestamps and business dates in Beijing time,
// identifiers with text filters, and coded values with the set filter in a fixed order.
import type { ColDef, ValueFormatterParams } from 'ag-grid-community';
import { fenToYuanText, formatCount, formatDate, formatDateTime, formatFen, yuanTextToFen } from '../format';
import { SetFilter, type SetFilterOption, type SetFilterParams } from './SetFilter';

/** The operators the server's page query understands, per filter kind. */
const TEXT_OPTIONS = ['contains', 'equals', 'startsWith', 'endsWith', 'notContains', 'notEqual', 'blank', 'notBlank'];
const SCALAR_OPTIONS = ['equals', 'notEqual', 'greaterThan', 'greaterThanOrEqual', 'lessThan', 'lessThanOrEqual', 'inRange', 'blank', 'notBlank'];
const DATE_OPTIONS = ['equals', 'greaterThan', 'lessThan', 'inRange', 'notEqual'];

const money = (p: ValueFormatterParams) => (p.value == null ? '' : formatFen(p.value as number));

export function textCol<T>(field: keyof T & string, headerName: string, extra: ColDef<T> = {}): ColDef<T> {
  return {
    colId: field,
    field: field as ColDef<T>['field'],
    headerName,
    filter: 'agTextColumnFilter',
    filterParams: { filterOptions: TEXT_OPTIONS, maxNumConditions: 2, debounceMs: 400 },
    ...extra,
  };
}

export function moneyCol<T>(field: keyof T & string, headerName: string, extra: ColDef<T> = {}): ColDef<T> {
  return {
    colId: field,
    field: field as ColDef<T>['field'],
    headerName,
    type: 'rightAligned',
    cellClass: 'num',
    valueFormatter: money,
    width: 140,
    filter: 'agNumberColumnFilter',
    filterParams: {
      filterOptions: SCALAR_OPTIONS,
      maxNumConditions: 2,
      debounceMs: 500,
      // The person types yuan ("1,234.50"); the model, and so the server, gets integer fen exactly.
      allowedCharPattern: '\\d\\-\\.,¥￥',
      numberParser: (text: string | null) => yuanTextToFen(text),
      numberFormatter: (fen: number | null) => (fen == null ? null : fenToYuanText(fen)),
    },
    ...extra,
  };
}

export function countCol<T>(field: keyof T & string, headerName: string, extra: ColDef<T> = {}): ColDef<T> {
  return {
    colId: field,
    field: field as ColDef<T>['field'],
    headerName,
    type: 'rightAligned',
    cellClass: 'num',
    valueFormatter: (p) => (p.value == null ? '' : formatCount(p.value as number)),
    width: 110,
    filter: 'agNumberColumnFilter',
    filterParams: { filterOptions: SCALAR_OPTIONS, maxNumConditions: 2, debounceMs: 500 },
    ...extra,
  };
}

const dateFilterParams = { filterOptions: DATE_OPTIONS, maxNumConditions: 1, browserDatePicker: true };

export function dateTimeCol<T>(field: keyof T & string, headerName: string, extra: ColDef<T> = {}): ColDef<T> {
  return {
    colId: field,
    field: field as ColDef<T>['field'],
    headerName,
    cellClass: 'num',
    valueFormatter: (p) => formatDateTime(p.value as string | null),
    width: 170,
    filter: 'agDateColumnFilter',
    filterParams: dateFilterParams,
    ...extra,
  };
}

export function dateCol<T>(field: keyof T & string, headerName: string, extra: ColDef<T> = {}): ColDef<T> {
  return {
    colId: field,
    field: field as ColDef<T>['field'],
    headerName,
    cellClass: 'num',
    valueFormatter: (p) => formatDate(p.value as string | null),
    width: 130,
    filter: 'agDateColumnFilter',
    filterParams: dateFilterParams,
    ...extra,
  };
}

export function setCol<T>(
  field: keyof T & string,
  headerName: string,
  options: SetFilterOption[],
  texts: Pick<SetFilterParams, 'selectAllLabel' | 'clearLabel'>,
  extra: ColDef<T> = {},
): ColDef<T> {
  const names = new Map(options.map((o) => [o.value, o.label]));
  const params: SetFilterParams = { options, ...texts };
  return {
    colId: field,
    field: field as ColDef<T>['field'],
    headerName,
    valueFormatter: (p) => (p.value == null ? '' : (names.get(String(p.value)) ?? String(p.value))),
    filter: SetFilter,
    filterParams: params,
    floatingFilter: true,
    suppressFloatingFilterButton: false,
    width: 120,
    ...extra,
  };
}

/** Coded values as set filter options, in the order of the labels table (or of `order`). */
export function optionsOf(labels: Record<string, string>, order?: readonly string[]): SetFilterOption[] {
  const codes = order ?? Object.keys(labels);
  return codes.map((value) => ({ value, label: labels[value] ?? value }));
}
