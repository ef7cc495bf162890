// Statement lines as the file printed them, by column name, for the lines grid and for audit: from
// the values stored on the line, or — for text formats, whose files are kept once — split again from
// the line's text by the parser that read it.
import type { ReadDb } from '../store/db';
import { printedLineSources } from '../store/statements';
import { chunkLines } from './kept-text';
import { PARSERS } from './registry';
import type { StatementParser } from './types';

export interface PrintedLine {
  lineId: number;
  lineNo: number;
  values: Record<string, string | null>;
}

/** The parser of a stored format ("wechat-tradebill-all" was read by "wechat-tradebill"). */
function parserOf(format: string): StatementParser | undefined {
  let best: StatementParser | undefined;
  for (const p of PARSERS) {
    if ((format === p.format || format.startsWith(`${p.format}-`)) && p.format.length > (best?.format.length ?? -1))
      best = p;
  }
  return best;
}

/** Printed values of the given lines, in the order asked; lines that do not exist are left out. */
export async function printedLines(read: ReadDb, lineIds: readonly number[]): Promise<PrintedLine[]> {
  const out: PrintedLine[] = [];
  const texts = new Map<Buffer, string[]>(); // inflated chunk → its lines, for a page sharing chunks
  for (const s of await printedLineSources(read, lineIds)) {
    let values = s.rawValues;
    if (values === null && s.chunk) {
      let lines = texts.get(s.chunk.body);
      if (!lines) {
        lines = chunkLines(s.chunk);
        texts.set(s.chunk.body, lines);
      }
      const text = lines[s.lineNo - s.chunk.firstLine];
      values = text === undefined ? null : (parserOf(s.format)?.printedValues?.(text) ?? null);
    }
    if (values === null) throw new Error(`statement line ${s.lineId} has lost its printed values`);
    out.push({
      lineId: s.lineId,
      lineNo: s.lineNo,
      values: Object.fromEntries(values.map((v, i) => [s.columns[i] ?? `#${i + 1}`, v])),
    });
  }
  return out;
}
