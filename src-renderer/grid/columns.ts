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

/** A row key as ag-grid's field path type (our rows are flat, so every key is a valid path). */
const asField = <T,>(field: string) => field as unknown as NonNullable<ColDef<T>['field']>;

const money = (p: ValueFormatterParams) => (p.value == null ? '' : formatFen(p.value as number));

export function textCol<T>(field: keyof T & string, headerName: string, extra: ColDef<T> = {}): ColDef<T> {
  return {
    colId: field,
    field: asField<T>(field),
    headerName,
    filter: 'agTextColumnFilter',
    filterParams: { filterOptions: TEXT_OPTIONS, maxNumConditions: 2, debounceMs: 400 },
    ...extra,
  };
}

export function moneyCol<T>(field: keyof T & string, headerName: string, extra: ColDef<T> = {}): ColDef<T> {
  return {
    colId: field,
    field: asField<T>(field),
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
    field: asField<T>(field),
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
// A date picker does not fit a floating filter cell: the cell shows the filter as text, and its
// button opens the full date filter.
const dateFloating = { floatingFilterComponent: 'agReadOnlyFloatingFilter' } as const;

export function dateTimeCol<T>(field: keyof T & string, headerName: string, extra: ColDef<T> = {}): ColDef<T> {
  return {
    colId: field,
    field: asField<T>(field),
    headerName,
    cellClass: 'tnum',
    valueFormatter: (p) => formatDateTime(p.value as string | null),
    width: 170,
    filter: 'agDateColumnFilter',
    filterParams: dateFilterParams,
    ...dateFloating,
    ...extra,
  };
}

export function dateCol<T>(field: keyof T & string, headerName: string, extra: ColDef<T> = {}): ColDef<T> {
  return {
    colId: field,
    field: asField<T>(field),
    headerName,
    cellClass: 'tnum',
    valueFormatter: (p) => formatDate(p.value as string | null),
    width: 140,
    filter: 'agDateColumnFilter',
    filterParams: dateFilterParams,
    ...dateFloating,
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
    field: asField<T>(field),
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
