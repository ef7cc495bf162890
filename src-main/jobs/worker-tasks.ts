// The tasks a worker thread can run. Each takes plain data (structured-clone safe) and reports
// progress through the callback.
import { Db } from '../store/db';
import { allRows, buildPageQuery } from '../store/grid';
import { EXPORTABLE_GRIDS, exportColumns, type ExportableGridName } from '../export/grids';
import { writeXlsx } from '../export/xlsx';
import type { Language } from '../domain/labels';
import type { PageRequest } from '../api/grid-types';
import type { WorkerProgress } from './worker-pool';

export interface ExportGridInput {
  dbFile: string;
  grid: ExportableGridName;
  request: Omit<PageRequest, 'startRow' | 'endRow'>;
  language: Language;
  outFile: string;
}

async function exportGrid(input: ExportGridInput, progress: (p: WorkerProgress) => void) {
  const db = await Db.openReadOnly(input.dbFile);
  try {
    const def = EXPORTABLE_GRIDS[input.grid];
    const count = buildPageQuery(def.spec, input.request);
    const total = (await db.get<{ n: number }>(count.countSql, count.params))?.n ?? 0;
    const rows = await writeXlsx(
      input.outFile,
      def.sheet[input.language],
      exportColumns(input.grid, input.language),
      allRows<Record<string, unknown>>(db, def.spec, input.request),
      (done) => progress({ phase: 'writing', done, total }),
    );
    return { rows, file: input.outFile };
  } finally {
    await db.close();
  }
}

export const TASKS = {
  exportGrid,
};

export type TaskName = keyof typeof TASKS;
export type TaskInput<N extends TaskName> = Parameters<(typeof TASKS)[N]>[0];
export type TaskOutput<N extends TaskName> = Awaited<ReturnType<(typeof TASKS)[N]>>;
