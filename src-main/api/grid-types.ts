// The grid page protocol shared by the renderer's datasources and the store (ag-grid's own shapes).
import { z } from 'zod';

const simple = z.discriminatedUnion('filterType', [
  z.object({
    filterType: z.literal('text'),
    type: z.string().max(30),
    filter: z.string().max(200).nullish(),
  }),
  z.object({
    filterType: z.literal('number'),
    type: z.string().max(30),
    filter: z.number().finite().nullish(),
    filterTo: z.number().finite().nullish(),
  }),
  z.object({
    filterType: z.literal('date'),
    type: z.string().max(30),
    dateFrom: z.string().max(30).nullish(),
    dateTo: z.string().max(30).nullish(),
  }),
  z.object({ filterType: z.literal('set'), values: z.array(z.string().max(100)).max(200) }),
]);

const combined = z.object({
  filterType: z.enum(['text', 'number', 'date']),
  operator: z.enum(['AND', 'OR']),
  conditions: z.array(simple).max(5),
});

export const ColumnFilter = z.union([combined, simple]);
export type ColumnFilter =
  | (z.infer<typeof simple> & { conditions?: undefined })
  | z.infer<typeof combined>;

export const PageRequest = z.object({
  startRow: z.number().int().min(0),
  endRow: z.number().int().min(0),
  sortModel: z.array(z.object({ colId: z.string().max(60), sort: z.enum(['asc', 'desc']) })).max(5).default([]),
  filterModel: z.record(z.string().max(60), ColumnFilter).default({}),
});
export type PageRequest = z.infer<typeof PageRequest>;

export interface PageResult<T> {
  rows: T[];
  total: number;
}
