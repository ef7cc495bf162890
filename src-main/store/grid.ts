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
  tieBreak: string; // a unique column appended to every ORDER BY (without direction) so pages are stable
  /**
   * The grid's main table. When the sort and filters touch only its columns, the page is found on
   * that table alone (its indexes cover the OFFSET walk) and only the page's rows are joined, and
   * the count runs without the join: a deep page of a million payments then costs an index walk.
   */
  base?: { table: string; alias: string };
}

export class GridRequestError extends Error {}

/** What a page query needs of the store: its read handle and its write generation (count cache). */
export interface GridOwner {
  read: ReadDb;
  generation: number;
}

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
  const main = order.length ? order.join(', ') : spec.defaultSort;
  // The tie-break follows the last term's direction so one index walk (its rowid suffix
  // included) yields the whole order, with no sort step.
  const orderBy = `${main}, ${spec.tieBreak}${/\bDESC$/i.test(main) ? ' DESC' : ''}`;
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const select = Object.entries(spec.columns)
    .map(([id, c]) => `${c.sql} AS "${id}"`)
    .join(', ');
  const used = [...where, orderBy].join(' ');
  const onBase = spec.base && [...used.matchAll(/\b([a-z]\w*)\./g)].every((m) => m[1] === spec.base!.alias);
  if (onBase) {
    const { table, alias } = spec.base!;
    return {
      rowsSql: `SELECT ${select} FROM ${spec.from} WHERE ${alias}.rowid IN (SELECT ${alias}.rowid FROM ${table} ${alias} ${whereSql} ORDER BY ${orderBy} LIMIT ? OFFSET ?) ORDER BY ${orderBy}`,
      countSql: `SELECT count(*) AS n FROM ${table} ${alias} ${whereSql}`,
      params,
      orderBy,
      whereSql,
    };
  }
  return {
    rowsSql: `SELECT ${select} FROM ${spec.from} ${whereSql} ORDER BY ${orderBy} LIMIT ? OFFSET ?`,
    countSql: `SELECT count(*) AS n FROM ${spec.from} ${whereSql}`,
    params,
    orderBy,
    whereSql,
  };
}

/**
 * Row counts of grid queries, kept until the next write: scrolling asks for the same count on every
 * block, and counting a million rows costs far more than the page itself.
 */
const countCache = new WeakMap<object, { generation: number; counts: Map<string, number> }>();

async function cachedCount(
  read: ReadDb,
  owner: { generation: number } | undefined,
  sql: string,
  params: SqlValue[],
): Promise<number> {
  const key = `${sql}\u0000${JSON.stringify(params)}`;
  let entry = owner ? countCache.get(owner) : undefined;
  if (owner && (!entry || entry.generation !== owner.generation)) {
    entry = { generation: owner.generation, counts: new Map() };
    countCache.set(owner, entry);
  }
  const hit = entry?.counts.get(key);
  if (hit !== undefined) return hit;
  const n = (await read.get<{ n: number }>(sql, params))?.n ?? 0;
  if (entry && entry.counts.size < 200) entry.counts.set(key, n);
  return n;
}

/** One page of a grid. Pass the store as `owner` to reuse row counts until the next write. */
export async function queryPage<T>(
  read: ReadDb,
  spec: GridSpec,
  req: PageRequest,
  owner?: { generation: number },
): Promise<PageResult<T>> {
  const q = buildPageQuery(spec, req);
  const limit = Math.max(0, Math.min(req.endRow - req.startRow, 1000));
  const [rows, total] = await Promise.all([
    read.all<T>(q.rowsSql, [...q.params, limit, req.startRow]),
    cachedCount(read, owner, q.countSql, q.params),
  ]);
  return { rows, total };
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
