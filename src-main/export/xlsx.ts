// Writes a grid to .xlsx with exceljs's streaming writer (rows go to disk as they come, so memory
// stays flat): numbers as numbers, money in yuan with the ¥ format, a frozen bold header, autofilter,
// and every text cell neutralised against formula injection.
import ExcelJS from 'exceljs';
import { neutraliseFormula } from './safe-cell';

export type ExportColumnKind = 'text' | 'money' | 'number' | 'date' | 'datetime';

export interface ExportColumn {
  field: string;
  header: string;
  kind: ExportColumnKind;
  width?: number;
  /** Display text for coded values (channel, status…), in the export's language. */
  labels?: Record<string, string>;
}

export const YUAN_FORMAT = '"¥"#,##0.00;-"¥"#,##0.00';

export function cellValue(col: ExportColumn, raw: unknown): string | number | null {
  if (raw === null || raw === undefined || raw === '') return null;
  switch (col.kind) {
    case 'money':
      // Fen are integers; the division happens only here, at the edge, for Excel's display.
      return Number(raw) / 100;
    case 'number':
      return Number(raw);
    default: {
      const text = String(raw);
      return neutraliseFormula(col.labels?.[text] ?? text);
    }
  }
}

export async function writeXlsx(
  file: string,
  sheetName: string,
  columns: readonly ExportColumn[],
  rows: AsyncIterable<Record<string, unknown>[]>,
  onRows?: (written: number) => void,
): Promise<number> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet(sheetName.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({
    key: c.field,
    header: c.header,
    width: c.width ?? (c.kind === 'money' ? 16 : c.kind === 'datetime' ? 22 : 18),
    style: c.kind === 'money' ? { numFmt: YUAN_FORMAT } : {},
  }));
  ws.getRow(1).font = { bold: true };
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  let written = 0;
  for await (const batch of rows) {
    for (const r of batch) {
      const row: Record<string, string | number | null> = {};
      for (const c of columns) row[c.field] = cellValue(c, r[c.field]);
      ws.addRow(row).commit();
    }
    written += batch.length;
    onRows?.(written);
  }
  ws.commit();
  await wb.commit();
  return written;
}
