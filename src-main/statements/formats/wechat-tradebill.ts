// WeChat Pay trade bill (交易账单), design/statement-formats.md §1.
//
// Layout: a header line, detail rows, a summary-header line and a summary-values line. Every value
// starts with a backtick; a line is split on "," only where a backtick follows, and must have as
// many fields as the header. Columns are found by header name (with the names of older layouts as
// aliases), never by position, so ALL (27), SUCCESS (20), REFUND (29) and the legacy 24-column
// layout all go through the same code.
//
// Signs: a payment row gives +应结订单金额; a refund row (交易状态 REFUND) gives −退款金额 and
// carries its fee as printed (negative: the fee comes back). The file has no date and no merchant
// of its own; both come from the request (opts) and are checked against every row.
//
// Streaming: lines are read one at a time from source.lines() and handed on in batches (LineBatcher);
// only counters, sums, a compact id set and capped issue lists are kept, so memory stays flat.
import { addDays, beijingWallClockToIso, isIsoDate } from '../../domain/dates';
import { MoneyFormatError, fenToYuanText, yuanToFen } from '../../domain/money';
import {
  CompactIdSet,
  DayTally,
  IssueLog,
  LineBatcher,
  foldWidth,
  hasDecodeDamage,
  normaliseHeader,
  parseWholeCount,
  splitMarkedLine,
  unescapeLiteralBreaks,
} from '../text';
import { readBacktickBill } from './wechat-bill-reader';
import type {
  Detection,
  LineKind,
  ParseOptions,
  ParseOutcome,
  SniffInput,
  StatementLine,
  StatementParser,
  StatementSource,
  SummaryTotals,
} from '../types';

type Col =
  | 'time'
  | 'appId'
  | 'mchId'
  | 'subMchId'
  | 'deviceInfo'
  | 'transactionId'
  | 'outTradeNo'
  | 'openId'
  | 'tradeType'
  | 'tradeState'
  | 'bankType'
  | 'currency'
  | 'settlementTotal'
  | 'coupon'
  | 'refundApplyTime'
  | 'refundSuccessTime'
  | 'refundId'
  | 'outRefundNo'
  | 'refundFee'
  | 'couponRefund'
  | 'refundChannel'
  | 'refundStatus'
  | 'body'
  | 'attach'
  | 'fee'
  | 'rate'
  | 'totalFee'
  | 'appliedRefund'
  | 'rateRemark';

/** Header names by column; the first is today's name, the others are older layouts' names. */
const COLUMNS: Record<Col, string[]> = {
  time: ['交易时间'],
  appId: ['公众账号ID'],
  mchId: ['商户号'],
  subMchId: ['特约商户号', '子商户号'],
  deviceInfo: ['设备号'],
  transactionId: ['微信订单号'],
  outTradeNo: ['商户订单号'],
  openId: ['用户标识'],
  tradeType: ['交易类型'],
  tradeState: ['交易状态'],
  bankType: ['付款银行'],
  currency: ['货币种类'],
  settlementTotal: ['应结订单金额', '总金额'],
  coupon: ['代金券金额', '代金券或立减优惠金额', '企业红包金额'],
  refundApplyTime: ['退款申请时间'],
  refundSuccessTime: ['退款成功时间'],
  refundId: ['微信退款单号'],
  outRefundNo: ['商户退款单号'],
  refundFee: ['退款金额'],
  couponRefund: ['充值券退款金额', '代金券或立减优惠退款金额', '企业红包退款金额'],
  refundChannel: ['退款类型'],
  refundStatus: ['退款状态'],
  body: ['商品名称'],
  attach: ['商户数据包'],
  fee: ['手续费'],
  rate: ['费率'],
  totalFee: ['订单金额'],
  appliedRefund: ['申请退款金额'],
  rateRemark: ['费率备注'],
};
const LEGACY_NAMES = new Set(['总金额', '子商户号', '代金券或立减优惠金额', '企业红包金额']);

type SumCol =
  'count' | 'settlementTotal' | 'refundTotal' | 'couponRefundTotal' | 'feeTotal' | 'orderTotal' | 'appliedRefundTotal';
const SUMMARY_COLUMNS: Record<SumCol, string[]> = {
  count: ['总交易单数'],
  settlementTotal: ['应结订单总金额', '总交易额'],
  refundTotal: ['退款总金额', '总退款金额'],
  couponRefundTotal: ['充值券退款总金额', '总代金券或立减优惠退款金额', '总企业红包退款金额'],
  feeTotal: ['手续费总金额'],
  orderTotal: ['订单总金额'],
  appliedRefundTotal: ['申请退款总金额'],
};
/** Which detail column each summary total adds up. */
const SUMMED: Record<Exclude<SumCol, 'count'>, Col> = {
  settlementTotal: 'settlementTotal',
  refundTotal: 'refundFee',
  couponRefundTotal: 'couponRefund',
  feeTotal: 'fee',
  orderTotal: 'totalFee',
  appliedRefundTotal: 'appliedRefund',
};
const MONEY_COLS: Col[] = [
  'settlementTotal',
  'coupon',
  'refundFee',
  'couponRefund',
  'fee',
  'totalFee',
  'appliedRefund',
];

type Variant = 'ALL' | 'SUCCESS' | 'REFUND' | 'legacy-2014';

const HEADER_HINT = /交易时间.*商户号.*微信订单号/;

function sniff(head: SniffInput): number {
  const text = head.text.replace(/^\uFEFF/, '');
  const first = text.split('\n', 1)[0] ?? '';
  const h = foldWidth(first);
  if (HEADER_HINT.test(h) && h.includes('交易状态')) return 0.95;
  if (HEADER_HINT.test(h)) return 0.8;
  // WeChat's "no bill" answers are ours to report, though they are not a bill.
  if (/^\s*[<{]/.test(text) && /No Bill Exist|NO_STATEMENT_EXIST|downloadbill|bill_date|return_code/i.test(text))
    return 0.5;
  return 0;
}

interface Ctx {
  opts: ParseOptions;
  errors: IssueLog;
  warnings: IssueLog;
}

async function parse(source: StatementSource, opts: ParseOptions): Promise<ParseOutcome> {
  const errors = new IssueLog();
  const warnings = new IssueLog();
  const ctx: Ctx = { opts, errors, warnings };
  const batcher = new LineBatcher(opts.emit, opts.batchSize);
  const notes = [...source.detection.notes];
  const err = (line: number | null, field: string | null, code: string, message: string) =>
    errors.add({ line, field, code, message });
  const warn = (line: number | null, field: string | null, code: string, message: string) =>
    warnings.add({ line, field, code, message });

  if (opts.expectedDate !== undefined && !isIsoDate(opts.expectedDate)) {
    err(null, null, 'bad_option', `the requested bill date "${opts.expectedDate}" is not a date YYYY-MM-DD`);
  }

  let header: string[] = [];
  let index = new Map<Col, number>();
  // Set by the header callback (a plain annotation would narrow it to null here).
  let variant = null as Variant | null;
  let refundRows = 0;
  const sums = new Map<Col, number>();
  const ids = new CompactIdSet();
  const days = new DayTally();
  let merchantId: string | null = null;
  let merchantLine = 0;

  // Column positions (−1 when absent) and printed names, fixed once the header is read.
  const pos = {} as Record<Col, number>;
  const printed = {} as Record<Col, string>;
  const moneyCols: Col[] = [];
  const get = (fields: string[], c: Col): string => {
    const i = pos[c];
    return i < 0 ? '' : fields[i]!;
  };
  // Plain amounts ("7598.74", "-0.60", "45.59000") are read digit by digit; anything else goes
  // through yuanToFen, which accepts the rarer forms and explains what is wrong.
  const toFen = (text: string): number => plainYuanToFen(text) ?? yuanToFen(text);
  // Sums of the amount columns, by their place in moneyCols.
  let moneySums: number[] = [];
  // A busy bill has a dozen lines per second: the last converted time is reused, and a time on the
  // day already checked only needs its clock checked.
  let lastTime = { text: '', iso: '' };
  let checkedDay = '';
  const expectedDate = opts.expectedDate;
  const expectedMerchant = opts.expectedMerchant;

  // A returned promise is the batch being written: the reader waits for it before reading on.
  const parseRow = (lineNo: number, fields: string[]): Promise<void> | undefined => {
    for (let i = 0; i < fields.length; i++) fields[i] = fields[i]!.trim();
    const errorsBefore = errors.total;

    const state = get(fields, 'tradeState');
    let kind: LineKind;
    if (state === 'SUCCESS') kind = 'payment';
    else if (state === 'REFUND') kind = 'refund';
    else if (state === 'REVOKED') {
      kind = 'payment';
      warn(
        lineNo,
        printed.tradeState,
        'revoked',
        `payment ${get(fields, 'transactionId')} was later revoked (交易状态 REVOKED): check that its refund is in the refund bill`,
      );
    } else {
      err(
        lineNo,
        printed.tradeState,
        'bad_status',
        `交易状态 "${state}" is not SUCCESS, REFUND or REVOKED; the line cannot be classified`,
      );
      return;
    }
    if (kind === 'refund') {
      refundRows++;
      if (pos.refundFee < 0) {
        err(
          lineNo,
          printed.tradeState,
          'bad_status',
          'a refund row in a bill without refund columns (SUCCESS bill?): download the ALL or REFUND bill',
        );
        return;
      }
    }

    // Money: every amount column is checked, even those the line does not use, because they feed the totals.
    let settlement = 0;
    let refundFee = 0;
    let fee = 0;
    for (let m = 0; m < moneyCols.length; m++) {
      const c = moneyCols[m]!;
      const text = fields[pos[c]]!;
      if (text === '' && c !== 'settlementTotal' && c !== 'fee') continue;
      try {
        const fen = toFen(text);
        moneySums[m]! += fen;
        if (c === 'settlementTotal') settlement = fen;
        else if (c === 'refundFee') refundFee = fen;
        else if (c === 'fee') fee = fen;
      } catch (e) {
        const why =
          e instanceof MoneyFormatError && /decimal places/.test(e.message)
            ? 'has non-zero digits beyond whole fen'
            : 'is not an amount';
        err(lineNo, printed[c], 'bad_amount', `${printed[c]} "${text}" ${why}; the bill is damaged or was edited`);
      }
    }

    // Time: a payment is dated by 交易时间; a refund by when it was accepted (退款申请时间 when printed).
    let occurredAt = '';
    const timeCol: Col = kind === 'refund' && get(fields, 'refundApplyTime') !== '' ? 'refundApplyTime' : 'time';
    const timeText = get(fields, timeCol);
    if (timeText === lastTime.text) occurredAt = lastTime.iso;
    else if (checkedDay !== '' && timeText.startsWith(checkedDay) && isClockAfterDay(timeText)) {
      occurredAt = `${checkedDay}T${timeText.slice(11)}+08:00`;
      lastTime = { text: timeText, iso: occurredAt };
    } else {
      try {
        occurredAt = beijingWallClockToIso(foldWidth(timeText));
        lastTime = { text: timeText, iso: occurredAt };
        checkedDay = occurredAt.slice(0, 10);
      } catch {
        err(
          lineNo,
          printed[timeCol],
          'bad_time',
          `${printed[timeCol]} "${timeText}" is not a time yyyy-MM-dd HH:mm:ss`,
        );
      }
    }
    if (timeCol !== 'time' && get(fields, 'time') !== '') {
      try {
        beijingWallClockToIso(foldWidth(get(fields, 'time')));
      } catch {
        err(
          lineNo,
          printed.time,
          'bad_time',
          `${printed.time} "${get(fields, 'time')}" is not a time yyyy-MM-dd HH:mm:ss`,
        );
      }
    }

    const currency = get(fields, 'currency');
    if (currency !== '' && currency !== 'CNY') {
      err(lineNo, printed.currency, 'currency', `货币种类 ${currency}: only CNY bills are supported`);
    }

    // Merchant: one file, one merchant; and the one that was asked for.
    const mch = get(fields, 'mchId');
    if (merchantId === null) {
      merchantId = mch;
      merchantLine = lineNo;
    } else if (mch !== merchantId) {
      err(
        lineNo,
        printed.mchId,
        'merchant_mismatch',
        `商户号 ${mch} differs from ${merchantId} on line ${merchantLine}: the file mixes merchants`,
      );
    }
    if (expectedMerchant !== undefined && mch !== expectedMerchant && get(fields, 'subMchId') !== expectedMerchant) {
      err(
        lineNo,
        printed.mchId,
        'merchant_mismatch',
        `商户号 ${mch} is not the merchant ${expectedMerchant} this bill was requested for`,
      );
    }

    const transactionId = get(fields, 'transactionId');
    const refundId = kind === 'refund' ? get(fields, 'refundId') : '';
    if (transactionId === '')
      err(lineNo, printed.transactionId, 'missing_id', '微信订单号 is empty; the line cannot be matched');
    if (kind === 'refund' && refundId === '')
      err(lineNo, printed.refundId, 'missing_id', '微信退款单号 is empty on a refund line');

    if (errors.total > errorsBefore) return;

    const seen = ids.add(kind === 'refund' ? `R${refundId}` : `P${transactionId}`, lineNo);
    if (seen !== null) {
      const f = kind === 'refund' ? printed.refundId : printed.transactionId;
      warn(
        lineNo,
        f,
        'duplicate_id',
        `${f} ${kind === 'refund' ? refundId : transactionId} already appears on line ${seen}: the same ${kind} is listed twice`,
      );
    }

    // beijingWallClockToIso has checked that its +08:00 date is the Asia/Shanghai business day.
    const day = occurredAt.slice(0, 10);
    days.add(day);
    if (expectedDate !== undefined && day !== expectedDate) {
      warn(
        lineNo,
        printed[timeCol],
        'cross_day',
        `${printed[timeCol]} ${timeText} is on ${day}, not the bill date ${expectedDate}: kept, to be carried as a timing difference`,
      );
    }
    const refundStatus = get(fields, 'refundStatus');
    if (kind === 'refund' && refundStatus !== '' && refundStatus !== 'SUCCESS' && refundStatus !== 'PROCESSING') {
      warn(
        lineNo,
        printed.refundStatus,
        'refund_status',
        `refund ${refundId} has 退款状态 ${refundStatus} (as of the bill's generation): check whether the money actually went out`,
      );
    }

    const line = new TradeBillLine(header, fields);
    line.lineNo = lineNo;
    line.kind = kind;
    line.amountFen = kind === 'refund' ? -refundFee : settlement;
    line.feeFen = fee;
    line.occurredAt = occurredAt;
    line.businessDate = day;
    line.channelTxnId = kind === 'refund' ? refundId : transactionId;
    line.merchantOrderNo = get(fields, 'outTradeNo') || null;
    line.refundNo = kind === 'refund' ? refundId : null;
    line.originalTxnId = kind === 'refund' ? transactionId : null;
    line.terminalId = get(fields, 'deviceInfo') || null;
    line.refNo = kind === 'refund' ? get(fields, 'outRefundNo') || null : null;
    line.payerAccount = get(fields, 'openId') || null;
    line.remark = unescapeLiteralBreaks(get(fields, 'body')) || null;
    line.status = state;
    return batcher.push(line);
  };

  const readHeader = (printedNames: string[], names: string[], lineNo: number, text: string): boolean => {
    if (!names.includes('交易时间') || !names.includes('商户号')) {
      err(
        lineNo,
        null,
        'not_tradebill',
        `line ${lineNo} is not a WeChat Pay trade bill header (expected 交易时间,公众账号ID,商户号,…)${hasDecodeDamage(text) ? '; the text does not decode: check the file encoding' : ''}`,
      );
      return false;
    }
    const mapped = mapHeader(names, printedNames, lineNo, ctx);
    if (!mapped) return false;
    header = printedNames;
    index = mapped.index;
    variant = mapped.variant;
    for (const c of Object.keys(COLUMNS) as Col[]) {
      pos[c] = index.get(c) ?? -1;
      printed[c] = pos[c] >= 0 ? printedNames[pos[c]]! : COLUMNS[c][0]!;
    }
    moneyCols.push(...MONEY_COLS.filter((c) => pos[c] >= 0));
    moneySums = moneyCols.map(() => 0);
    notes.push(`variant ${variant}, ${names.length} columns`);
    return true;
  };

  const bill = await readBacktickBill(
    source,
    {
      summaryMarker: '总交易单数',
      emptyReason: 'WeChat Pay answers "no bill" with an error body, so an empty file is a failed download',
      errorBodyMessage: (body) =>
        `WeChat Pay returned an error instead of a bill: ${describeErrorBody(body)}. Check the bill date (bills are ready after 10:00 on T+1 and kept 3 months) and download again.`,
      header: readHeader,
      row: parseRow,
    },
    err,
  );
  const { rows, blank, summaryHeader, summaryValues, summaryLineNo, summaryRaw } = bill;
  await batcher.flush();
  moneyCols.forEach((c, m) => sums.set(c, moneySums[m]!));

  let summary: SummaryTotals | null = null;
  let tieOut: ParseOutcome['tieOut'] = null;
  if (summaryValues) {
    const result = checkSummary(
      summaryHeader,
      summaryValues,
      summaryLineNo,
      { rows, refundRows, sums, index, header },
      ctx,
    );
    summary = { ...result.summary, rawText: summaryRaw };
    tieOut = result.tieOut;
  }

  const dayEntries = days.entries();
  if (opts.expectedDate === undefined && dayEntries.length > 1) {
    warn(
      null,
      '交易时间',
      'multiple_days',
      `the bill spans ${dayEntries.length} days (${dayEntries.map(([d, n]) => `${d}: ${n}`).join(', ')}); give the bill date to flag the lines of other days`,
    );
  }
  const day = opts.expectedDate ?? days.majority();
  if (blank > 0) notes.push(`${blank} blank line${blank > 1 ? 's' : ''} ignored`);
  const detection: Detection = {
    ...source.detection,
    confidence: variant ? 0.95 : bill.errorBody ? 0.5 : 0,
    notes,
  };
  return {
    header: {
      channel: 'wechat',
      format: variant
        ? `wechat-tradebill-${variant === 'legacy-2014' ? 'legacy' : variant.toLowerCase()}`
        : 'wechat-tradebill',
      variant,
      businessDate: day,
      merchantId: merchantId ?? opts.expectedMerchant ?? null,
      periodStart: day ? `${day}T00:00:00+08:00` : null,
      periodEnd: day ? `${addDays(day, 1)}T00:00:00+08:00` : null,
      currency: 'CNY',
      summary,
      profileVersion: null,
    },
    lineCount: batcher.count,
    printedColumns: header,
    errors: errors.finish(),
    warnings: warnings.finish(),
    tieOut,
    detection,
  };
}

function mapHeader(
  names: string[],
  printedNames: string[],
  lineNo: number,
  ctx: Ctx,
): { index: Map<Col, number>; variant: Variant } | null {
  const byName = new Map<string, Col>();
  for (const [col, aliases] of Object.entries(COLUMNS) as [Col, string[]][])
    for (const a of aliases) byName.set(a, col);
  const index = new Map<Col, number>();
  let ok = true;
  names.forEach((n, i) => {
    const col = byName.get(n);
    const shown = printedNames[i]!;
    if (col === undefined) {
      ctx.warnings.add({
        line: lineNo,
        field: shown,
        code: 'unknown_column',
        message: `column "${shown}" is not a known trade bill column; it is kept in the raw line only`,
      });
    } else if (index.has(col)) {
      ctx.errors.add({
        line: lineNo,
        field: shown,
        code: 'duplicate_column',
        message: `column "${shown}" appears twice in the header`,
      });
      ok = false;
    } else index.set(col, i);
  });
  let variant: Variant;
  if (index.has('refundApplyTime')) variant = 'REFUND';
  else if (names.some((n) => LEGACY_NAMES.has(n)) && !index.has('totalFee')) variant = 'legacy-2014';
  else if (index.has('refundId')) variant = 'ALL';
  else variant = 'SUCCESS';
  const required: Col[] = ['time', 'mchId', 'transactionId', 'outTradeNo', 'tradeState', 'settlementTotal', 'fee'];
  if (variant !== 'SUCCESS') required.push('refundId', 'outRefundNo', 'refundFee');
  for (const c of required) {
    if (!index.has(c)) {
      ctx.errors.add({
        line: lineNo,
        field: COLUMNS[c][0]!,
        code: 'missing_column',
        message: `the header has no ${COLUMNS[c].join('/')} column; the bill cannot be read`,
      });
      ok = false;
    }
  }
  return ok ? { index, variant } : null;
}

function checkSummary(
  names: string[],
  values: string[],
  lineNo: number,
  data: { rows: number; refundRows: number; sums: Map<Col, number>; index: Map<Col, number>; header: string[] },
  ctx: Ctx,
): { summary: Omit<SummaryTotals, 'rawText'>; tieOut: NonNullable<ParseOutcome['tieOut']> } {
  const byName = new Map<string, SumCol>();
  for (const [col, aliases] of Object.entries(SUMMARY_COLUMNS) as [SumCol, string[]][])
    for (const a of aliases) byName.set(a, col);
  const printed = new Map<SumCol, { fen: number; name: string }>();
  let count: number | null = null;
  names.forEach((n, i) => {
    const col = byName.get(normaliseHeader(n));
    const text = values[i] ?? '';
    if (col === undefined) {
      ctx.warnings.add({
        line: lineNo,
        field: n,
        code: 'unknown_column',
        message: `summary column "${n}" is not known; it is not checked`,
      });
      return;
    }
    if (col === 'count') {
      count = parseWholeCount(text);
      if (count === null)
        ctx.errors.add({ line: lineNo, field: n, code: 'bad_amount', message: `${n} "${text}" is not a count` });
      return;
    }
    try {
      printed.set(col, { fen: yuanToFen(text), name: n });
    } catch {
      ctx.errors.add({ line: lineNo, field: n, code: 'bad_amount', message: `${n} "${text}" is not an amount` });
    }
  });

  const checks: { name: string; printed: number; computed: number; ok: boolean }[] = [];
  if (count !== null) {
    // Whether refund rows count in 总交易单数 is not documented: either reading is accepted.
    const ok = count === data.rows || count === data.rows - data.refundRows;
    checks.push({ name: '总交易单数', printed: count, computed: data.rows, ok });
    if (!ok) {
      ctx.warnings.add({
        line: lineNo,
        field: '总交易单数',
        code: 'summary_count_mismatch',
        message: `总交易单数 says ${count} but the bill has ${data.rows} rows (${data.refundRows} of them refunds): the bill may be incomplete`,
      });
    }
  }
  for (const [col, p] of printed) {
    const detail = SUMMED[col as Exclude<SumCol, 'count'>];
    const i = data.index.get(detail);
    if (i === undefined) continue;
    const computed = data.sums.get(detail) ?? 0;
    const ok = computed === p.fen;
    checks.push({ name: p.name, printed: p.fen, computed, ok });
    if (!ok) {
      ctx.errors.add({
        line: lineNo,
        field: p.name,
        code: 'summary_mismatch',
        message: `${p.name} says ${fenToYuanText(p.fen)} but the ${data.header[i]} column adds up to ${fenToYuanText(computed)}: the bill does not tie out`,
      });
    }
  }
  const refundFen = printed.get('refundTotal')?.fen;
  return {
    summary: {
      paymentCount: count,
      paymentFen: printed.get('settlementTotal')?.fen ?? null,
      refundCount: null,
      refundFen: refundFen === undefined ? null : Math.abs(refundFen),
      feeFen: printed.get('feeTotal')?.fen ?? null,
    },
    tieOut: { ok: checks.every((c) => c.ok), checks },
  };
}

/** "20002 No Bill Exist" from WeChat's XML (v2) or JSON (v3) error answer. */
function describeErrorBody(body: string): string {
  const pick = (tag: string): string | null => {
    const xml = new RegExp(`<${tag}>\\s*(?:<!\\[CDATA\\[)?([^<\\]]*)`).exec(body);
    if (xml?.[1]) return xml[1].trim();
    const json = new RegExp(`"${tag}"\\s*:\\s*"?([^",}]*)`).exec(body);
    return json?.[1] ? json[1].trim() : null;
  };
  const code = pick('error_code') ?? pick('err_code') ?? pick('code');
  const msg = pick('return_msg') ?? pick('err_code_des') ?? pick('message');
  const text = [code, msg].filter((x): x is string => !!x).join(' ');
  return text || `"${body.slice(0, 120)}"`;
}

export const wechatTradeBillParser: StatementParser = {
  format: 'wechat-tradebill',
  channel: 'wechat',
  sniff,
  parse,
  printedValues: (text) => splitMarkedLine(text)?.map((v) => v.trim()) ?? null,
};

/**
 * A bill row as a statement line. Its printed values by header name are built only when asked for:
 * the import reads them back from the kept file, so a million rows need not carry 27 keys each.
 */
class TradeBillLine implements StatementLine {
  lineNo = 0;
  kind: LineKind = 'payment';
  amountFen = 0;
  feeFen = 0;
  occurredAt = '';
  businessDate = '';
  channelTxnId: string | null = null;
  merchantOrderNo: string | null = null;
  refundNo: string | null = null;
  originalTxnId: string | null = null;
  terminalId: string | null = null;
  refNo: string | null = null;
  voucherNo = null;
  batchNo = null;
  cardMasked = null;
  payerAccount: string | null = null;
  payerName = null;
  remark: string | null = null;
  status: string | null = null;
  constructor(
    private readonly names: readonly string[],
    private readonly values: readonly string[],
  ) {}
  get raw(): Record<string, string> {
    const raw: Record<string, string> = {};
    for (let i = 0; i < this.names.length; i++) raw[this.names[i]!] = this.values[i]!;
    return raw;
  }
}

/** "7598.74", "-0.60", "45.59000", "380115." → fen; null for any other form (yuanToFen decides those). */
function plainYuanToFen(text: string): number | null {
  const n = text.length;
  let i = text.charCodeAt(0) === 0x2d ? 1 : 0;
  const start = i;
  let whole = 0;
  for (; i < n; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) break;
    whole = whole * 10 + d;
  }
  if (i === start || i - start > 13) return null; // 13 digits of yuan stay a safe integer of fen
  let frac = 0;
  if (i < n) {
    if (text.charCodeAt(i) !== 0x2e) return null;
    for (let k = 0, j = i + 1; j < n; j++, k++) {
      const d = text.charCodeAt(j) - 0x30;
      if (d < 0 || d > 9) return null;
      if (k === 0) frac = d * 10;
      else if (k === 1) frac += d;
      else if (d !== 0) return null;
    }
  }
  const fen = whole * 100 + frac;
  return start ? -fen : fen;
}

/** "yyyy-MM-dd HH:mm:ss" whose clock part is a real time (the day part is checked by the caller). */
function isClockAfterDay(text: string): boolean {
  if (text.length !== 19 || text.charCodeAt(10) !== 0x20 || text.charCodeAt(13) !== 0x3a || text.charCodeAt(16) !== 0x3a)
    return false;
  const two = (at: number): number => {
    const a = text.charCodeAt(at) - 0x30;
    const b = text.charCodeAt(at + 1) - 0x30;
    return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : 99;
  };
  return two(11) < 24 && two(14) < 60 && two(17) < 60;
}
