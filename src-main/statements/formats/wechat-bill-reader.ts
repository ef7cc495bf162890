// The layout WeChat Pay's trade bill and fund bill share (design/statement-formats.md §1): a header
// line, detail rows whose every value starts with a backtick, a summary-header line and a
// summary-values line. An answer in XML or JSON instead is WeChat's "no bill" error. This reader
// walks that layout once for both bills; what a header or a row means stays with each bill's parser.
import { SourceError } from '../source';
import { hasDecodeDamage, normaliseHeader, splitMarkedLine, trimCell } from '../text';
import type { StatementSource } from '../types';

type Err = (line: number | null, field: string | null, code: string, message: string) => void;

export interface BacktickBillSpec {
  /** The summary header is the line naming this column (总交易单数, 资金流水总笔数). */
  summaryMarker: string;
  /** Why an empty file is an error, said after "<file> is empty: ". */
  emptyReason: string;
  /** The error for an XML or JSON answer where the bill should be. */
  errorBodyMessage(body: string): string;
  /**
   * The first line, as printed and folded (normaliseHeader): false when it is not this bill's header
   * or the bill cannot be read from it (the parser has logged why); the rest is then not examined.
   */
  header(printedNames: string[], names: string[], lineNo: number, text: string): boolean;
  /**
   * A row with as many values as the header, untrimmed. A returned promise (a batch being written)
   * is awaited before the next line is read.
   */
  row(lineNo: number, fields: string[]): Promise<void> | undefined;
}

export interface BacktickBill {
  /** The header was accepted. */
  readable: boolean;
  /** The file is an error answer, not a bill. */
  errorBody: boolean;
  /** Detail rows, those cut off (wrong value count) included. */
  rows: number;
  blank: number;
  summaryHeader: string[];
  /** Trimmed; null when the summary is missing or does not fit its header. */
  summaryValues: string[] | null;
  summaryLineNo: number;
  /** The summary lines as printed. */
  summaryRaw: string[];
}

export async function readBacktickBill(
  source: StatementSource,
  spec: BacktickBillSpec,
  err: Err,
): Promise<BacktickBill> {
  let stage: 'start' | 'errorBody' | 'rows' | 'summaryValues' | 'done' = 'start';
  let width = 0;
  const errorBody: string[] = [];
  const bill: BacktickBill = {
    readable: false,
    errorBody: false,
    rows: 0,
    blank: 0,
    summaryHeader: [],
    summaryValues: null,
    summaryLineNo: 0,
    summaryRaw: [],
  };
  try {
    for await (const { lineNo, text } of source.lines()) {
      if (stage === 'errorBody') {
        if (errorBody.join('\n').length < 4096) errorBody.push(text);
        continue;
      }
      if (text.trim() === '') {
        bill.blank++;
        continue;
      }
      // Once the file is known not to be a bill, the rest is not examined line by line.
      if (stage === 'done' && !bill.readable) continue;
      if (stage !== 'start' && hasDecodeDamage(text)) {
        err(
          lineNo,
          null,
          'bad_encoding',
          `line ${lineNo} has bytes that are not valid ${source.detection.encoding}: the file was saved in another encoding or is damaged`,
        );
        continue;
      }
      switch (stage) {
        case 'start': {
          if (/^\s*[<{]/.test(text)) {
            stage = 'errorBody';
            errorBody.push(text);
            continue;
          }
          // Matched folded to half-width; kept as printed for raw lines and for messages.
          const printedNames = text.split(',').map(trimCell);
          bill.readable = spec.header(printedNames, printedNames.map(normaliseHeader), lineNo, text);
          width = printedNames.length;
          stage = bill.readable ? 'rows' : 'done';
          continue;
        }
        case 'rows': {
          const fields = splitMarkedLine(text);
          if (fields === null) {
            const names = text.split(',').map(trimCell);
            if (names.map(normaliseHeader).includes(spec.summaryMarker)) {
              bill.summaryHeader = names;
              bill.summaryLineNo = lineNo;
              bill.summaryRaw.push(text);
              stage = 'summaryValues';
            } else
              err(
                lineNo,
                null,
                'unexpected_line',
                `line ${lineNo} is neither a bill row (rows start with \`) nor the summary header: "${text.slice(0, 80)}"`,
              );
            continue;
          }
          bill.rows++;
          if (fields.length !== width) {
            err(
              lineNo,
              null,
              'field_count',
              `line ${lineNo} has ${fields.length} fields but the header has ${width}: the line is cut off or a value contains ",\`"`,
            );
            continue;
          }
          const written = spec.row(lineNo, fields);
          if (written) await written; // the import writes each batch before the next is read
          continue;
        }
        case 'summaryValues': {
          const fields = splitMarkedLine(text);
          bill.summaryRaw.push(text);
          bill.summaryLineNo = lineNo;
          if (fields === null || fields.length !== bill.summaryHeader.length) {
            err(
              lineNo,
              null,
              'field_count',
              `the summary line ${lineNo} has ${fields?.length ?? 0} values for ${bill.summaryHeader.length} summary headers`,
            );
          } else bill.summaryValues = fields.map((f) => f.trim());
          stage = 'done';
          continue;
        }
        case 'done':
          err(
            lineNo,
            null,
            'trailing_content',
            `line ${lineNo} follows the summary; a bill ends with its summary line`,
          );
          continue;
      }
    }
  } catch (e) {
    if (e instanceof SourceError) err(e.line, null, e.code, e.message);
    else throw e;
  }

  switch (stage) {
    case 'start':
      err(null, null, 'empty', `${source.fileName || 'the file'} is empty: ${spec.emptyReason}`);
      break;
    case 'errorBody':
      bill.errorBody = true;
      err(1, null, 'channel_error_body', spec.errorBodyMessage(errorBody.join('\n')));
      break;
    case 'rows':
      err(
        null,
        null,
        'missing_summary',
        `the bill ends after ${bill.rows} rows without its summary lines (${spec.summaryMarker},…): the download is incomplete`,
      );
      break;
    case 'summaryValues':
      err(
        bill.summaryLineNo,
        null,
        'missing_summary',
        'the summary header is not followed by its values line: the download is incomplete',
      );
      break;
  }
  return bill;
}
