// Turns an ag-grid Infinite Row Model request (rows, sort model, filter model) into one SQL page
// query. Column names come only from the grid's own column spec and every value is a bound parameter,
// so a hostile filter model can neither inject SQL nor reach a column the grid does not show.
import type { ReadDb, SqlValue } from './db';
import type { ColumnFilter, PageRequest, PageResult } from '../api/grid-types';

export type ColumnType = 'text' | 'number' | 'date' | 'set';

export interface GridSpec {
  from: string; // table or join, fixed by the store module
  where?: string; // fixed condition (with its own params)
  whereParams?: SqlValue[];
  columns: Record<string, { sql: string; type: ColumnType }>;
  defaultSort: string; // ORDER BY text used when the grid asks for no sort
  tieBreak: string; // unique column(s) appended to every ORDER BY so pages are stable
}

export class GridRequestError extends Error {}

function escapeLike(v: string): string {
  return v.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function condition(sql: string, type: ColumnType, f: ColumnFilter, params: SqlValue[]): string {
  if ('conditions' in f && f.conditions) {
    const parts = f.conditions.map((c) => condition(sql, type, c, params));
    return `(${parts.join(f.operator === 'OR' ? ' OR ' : ' AND ')})`;
  }
  if (f.filterType === 'set') {
    if (f.values.length === 0) return '0';
    params.push(...f.values);
    return `${sql} IN (${f.values.map(() => '?').join(',')})`;
  }
  const op = f.type;
  if (op === 'blank') return `(${sql} IS NULL OR ${sql} = '')`;
  if (op === 'notBlank') return `(${sql} IS NOT NULL AND ${sql} <> '')`;
  if (f.filterType === 'text') {
    const v = String(f.filter ?? '');
    switch (op) {
      case 'contains':
        params.push(`%${escapeLike(v)}%`);
        return `${sql} LIKE ? ESCAPE '\\'`;
      case 'notContains':
        params.push(`%${escapeLike(v)}%`);
        return `${sql} NOT LIKE ? ESCAPE '\\'`;
      case 'startsWith':
        params.push(`${escapeLike(v)}%`);
        return `${sql} LIKE ? ESCAPE '\\'`;
      case 'endsWith':
        params.push(`%${escapeLike(v)}`);
        return `${sql} LIKE ? ESCAPE '\\'`;
      case 'equals':
        params.push(v);
        return `${sql} = ?`;
      case 'notEqual':
        params.push(v);
        return `${sql} <> ?`;
    }
  }
  const [a, b] =
    f.filterType === 'number' ? [f.filter, f.filterTo] : f.filterType === 'date' ? [f.dateFrom, f.dateTo] : [];
  const cmp: Record<string, string> = {
    equals: '=',
    notEqual: '<>',
    lessThan: '<',
    lessThanOrEqual: '<=',
    greaterThan: '>',
    greaterThanOrEqual: '>=',
  };
  // Dates compare on the calendar day so "equals 2026-10-03" means the whole business day.
  const col = f.filterType === 'date' ? `substr(${sql}, 1, 10)` : sql;
  const norm = (v: unknown) => (f.filterType === 'date' ? String(v).slice(0, 10) : (v as number));
  if (op in cmp && a != null) {
    params.push(norm(a));
    return `${col} ${cmp[op]} ?`;
  }
  if (op === 'inRange' && a != null && b != null) {
    params.push(norm(a), norm(b));
    return `${col} BETWEEN ? AND ?`;
  }
  throw new GridRequestError(`filter "${op}" is not supported for a ${type} column`);
}

export function buildPageQuery(spec: GridSpec, req: Omit<PageRequest, 'startRow' | 'endRow'>) {
  const params: SqlValue[] = [...(spec.whereParams ?? [])];
  const where: string[] = spec.where ? [`(${spec.where})`] : [];
  for (const [colId, f] of Object.entries(req.filterModel ?? {})) {
    const col = spec.columns[colId];
    if (!col) throw new GridRequestError(`the grid has no column "${colId}" to filter on`);
    where.push(condition(col.sql, col.type, f, params));
  }
  const order = (req.sortModel ?? []).map((s) => {
    const col = spec.columns[s.colId];
    if (!col) throw new GridRequestError(`the grid has no column "${s.colId}" to sort on`);
    return `${col.sql} ${s.sort === 'desc' ? 'DESC' : 'ASC'}`;
  });
  const orderBy = `${order.length ? order.join(', ') : spec.defaultSort}, ${spec.tieBreak}`;
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const select = Object.entries(spec.columns)
    .map(([id, c]) => `${c.sql} AS "${id}"`)
    .join(', ');
  return {
    rowsSql: `SELECT ${select} FROM ${spec.from} ${whereSql} ORDER BY ${orderBy} LIMIT ? OFFSET ?`,
    countSql: `SELECT count(*) AS n FROM ${spec.from} ${whereSql}`,
    params,
    orderBy,
    whereSql,
  };
}

export async function queryPage<T>(read: ReadDb, spec: GridSpec, req: PageRequest): Promise<PageResult<T>> {
  const q = buildPageQuery(spec, req);
  const limit = Math.max(0, Math.min(req.endRow - req.startRow, 1000));
  const [rows, count] = await Promise.all([
    read.all<T>(q.rowsSql, [...q.params, limit, req.startRow]),
    read.get<{ n: number }>(q.countSql, q.params),
  ]);
  return { rows, total: count?.n ?? 0 };
}

/** Every row in grid order, in pages, for exports; stops early when the signal is aborted. */
export async function* allRows<T>(
  read: ReadDb,
  spec: GridSpec,
  req: Omit<PageRequest, 'startRow' | 'endRow'>,
  pageSize = 5000,
): AsyncGenerator<T[]> {
  const q = buildPageQuery(spec, req);
  for (let offset = 0; ; offset += pageSize) {
    const rows = await read.all<T>(q.rowsSql, [...q.params, pageSize, offset]);
    if (rows.length) yield rows;
    if (rows.length < pageSize) return;
  }
}
