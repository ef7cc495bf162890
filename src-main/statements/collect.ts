// Runs a parser and keeps its lines: for tests and for previews of small files.
import type { ParseOptions, ParseResult, StatementLine, StatementParser, StatementSource } from './types';

export async function collectParse(
  parser: StatementParser,
  source: StatementSource,
  opts: Omit<ParseOptions, 'emit'> = {},
): Promise<ParseResult> {
  const lines: StatementLine[] = [];
  const outcome = await parser.parse(source, {
    ...opts,
    emit: (batch) => {
      lines.push(...batch);
    },
  });
  return { ...outcome, lines };
}
