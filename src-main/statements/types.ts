// The parser contract (design/statement-formats.md, "Parser contract"), made streaming so memory does
// not grow with file size: a parser reads decoded lines (or, for small container formats, the whole
// bytes) from a StatementSource and hands statement lines to opts.emit in batches. It does no I/O of
// its own and reads no clock; the same bytes and profile give the same output.
// Money is signed integer fen (+ = money to us), times are ISO with +08:00.
import type { Channel } from '../domain/channels';

export type LineKind = 'payment' | 'refund' | 'fee' | 'settlement' | 'reversal' | 'adjustment';

export interface StatementLine {
  /** Physical line number in the file (1-based), or "sheet!row" for workbooks; with member for zips. */
  lineNo: number;
  member?: string; // zip member name, when the line came from one
  kind: LineKind;
  /** Signed fen: + money in (payment, credit), − money out (refund, debit, reversal of a credit). */
  amountFen: number;
  /** Fee the channel kept on this line, signed as printed (WeChat refunds carry a negative fee). */
  feeFen: number;
  occurredAt: string; // ISO 8601 with +08:00 (or converted from UTC)
  businessDate: string; // Asia/Shanghai day after the channel's cut-off rule
  channelTxnId: string | null; // WeChat 微信订单号, Alipay 支付宝交易号, Lakala trade_no/log_no, UnionPay queryId…
  merchantOrderNo: string | null; // 商户订单号 / out_trade_no / orderId
  refundNo: string | null; // channel refund id or merchant refund no
  originalTxnId: string | null; // a refund/void's original transaction
  terminalId: string | null;
  refNo: string | null; // 参考号
  voucherNo: string | null; // 凭证号
  batchNo: string | null;
  cardMasked: string | null;
  payerAccount: string | null;
  payerName: string | null;
  remark: string | null; // 附言/备注/:86:
  status: string | null; // as printed (SUCCESS/REFUND, 消费/撤销…)
  /** Every field of the line as printed, by header name, for the lines grid and for audit. */
  raw: Record<string, string>;
}

export interface SummaryTotals {
  /** As printed, fen; null when the file does not print that total. */
  paymentCount: number | null;
  paymentFen: number | null;
  refundCount: number | null;
  refundFen: number | null; // positive
  feeFen: number | null;
  openingBalanceFen?: number | null;
  closingBalanceFen?: number | null;
  rawText: string[]; // the summary lines as printed
}

export interface StatementHeader {
  channel: Channel;
  format: string; // e.g. wechat-tradebill-all, alipay-trade-zip, mt940, camt053.001.02, lakala-profile:v1
  variant: string | null; // e.g. legacy-2014, REFUND
  businessDate: string | null; // YYYY-MM-DD when known from content
  merchantId: string | null; // 商户号 / PID / account
  periodStart: string | null; // ISO +08:00
  periodEnd: string | null;
  currency: string;
  summary: SummaryTotals | null;
  profileVersion: string | null;
}

export interface ParseIssue {
  line: number | null;
  member?: string;
  field: string | null;
  message: string;
  code: string; // machine-readable: bad_amount, field_count, bad_time, summary_mismatch…
}

export interface Detection {
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030' | 'latin1' | 'binary';
  container: 'plain' | 'gzip' | 'zip' | 'xlsx' | 'xls' | 'xml';
  confidence: number; // 0..1 that this parser's format is right
  notes: string[];
}

export interface ParseOutcome {
  header: StatementHeader;
  lineCount: number; // statement lines emitted
  errors: ParseIssue[]; // any error means the file is refused as a whole
  warnings: ParseIssue[]; // shown, not blocking (e.g. summary mismatch the user may accept)
  /** Tie-out of the file's own totals: null when the file prints none. */
  tieOut: { ok: boolean; checks: { name: string; printed: number; computed: number; ok: boolean }[] } | null;
  detection: Detection;
  /**
   * The printed column names, in the order printedValues() returns a line's values; set by parsers
   * that have printedValues().
   */
  printedColumns?: string[];
}

/** ParseOutcome plus the lines themselves, for tests and small files (see collectParse). */
export interface ParseResult extends ParseOutcome {
  lines: StatementLine[];
}

export interface ParseOptions {
  fileName?: string; // only for messages; never used to detect anything
  expectedDate?: string; // from the request (WeChat has no date in the file)
  expectedMerchant?: string;
  profile?: unknown; // a column profile, for profile-driven formats
  /**
   * Receives statement lines in batches; the parser keeps none of them. Parsers must await it:
   * the import writes each batch to the store before the next is read, so memory stays flat.
   */
  emit: (lines: StatementLine[]) => void | Promise<void>;
  /** Lines per emit, when the receiver prefers a size (parsers that batch with LineBatcher honour it). */
  batchSize?: number;
}

export interface StatementParser {
  format: string; // family name, e.g. 'wechat-tradebill'
  channel: Channel;
  /** Cheap look at the first bytes/lines: how sure is this parser that the file is its format (0..1)? */
  sniff(head: SniffInput): number;
  parse(source: StatementSource, opts: ParseOptions): Promise<ParseOutcome>;
  /**
   * For formats whose statement lines are lines of text: a line's printed values, split again from
   * its text. With it the import keeps the file's text once (statement_text) and writes no raw
   * values per line; the lines grid reads them back with this. Null for a line that is not a row.
   */
  printedValues?(lineText: string): string[] | null;
}

export interface SniffInput {
  bytes: Uint8Array; // the first 64 KiB (decompressed for gzip); whole workbooks for xlsx/xls
  text: string; // the same, decoded with the detected encoding
  container: Detection['container'];
  encoding: Detection['encoding'];
  zipMembers?: { name: string; head: string }[]; // for zips: member names and decoded first line
}

export interface RawLine {
  lineNo: number; // 1-based physical line
  text: string; // decoded, without the line break; a BOM on line 1 removed
  bytes: Uint8Array; // the raw bytes of the line (fixed-width formats slice these)
}

/** Where a parser reads from. Implemented in source.ts for buffers and files. */
export interface StatementSource {
  readonly fileName: string;
  readonly detection: Detection;
  /** Decoded lines, streamed. Lines longer than the limit stop the stream with a LineTooLongError. */
  lines(): AsyncIterable<RawLine>;
  /** The whole (decompressed) content; for zip, xlsx and XML formats, which are small by nature. */
  bytes(): Promise<Uint8Array>;
}
