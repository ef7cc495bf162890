// WeChat Pay fund-flow bill (资金账单), design/statement-formats.md §1 "Fund bill".
//
// Same backtick layout as the trade bill: header, rows, summary header, summary values. Each row is
// one movement of the merchant account: 收支类型 收入/支出 gives the sign of the unsigned
// 收支金额(元), and 账户结余(元) is the running balance after it, checked on every line (the first
// line fixes the opening balance). Values may carry CR/LF written as the two characters \r and \n
// (and \1 already replaced by a space by WeChat): they are turned back. Summary counts may print
// as "20.0".
//
// Kind, from 业务类型 (the finer field) and then 业务名称:
//   扣除交易手续费, 退还交易手续费, anything with 手续费   → fee (the amount itself is the fee: feeFen stays 0)
//   退款关闭 (a refund that did not go out; money returns)  → reversal
//   退款                                                  → refund
//   提现 (the balance leaves for our bank account)          → settlement
//   交易                                                  → payment
//   充值, 企业付款, 代金券/立减/折扣, 分账                     → adjustment (account movements that are not sales)
//   anything else                                         → adjustment, with an unknown_type warning
// Ids: 微信支付业务单号 → channelTxnId, 资金流水单号 → refNo (the ledger entry's own number),
// 业务凭证号 → merchantOrderNo on payments, refundNo on refunds (WeChat: "usually the merchant order no").
import { addDays, beijingWallClockToIso, businessDate, isIsoDate } from '../../domain/dates';
import { fenToYuanText, yuanToFen } from '../../domain/money';
import {
  CompactIdSet,
  DayTally,
  IssueLog,
  LineBatcher,
  foldWidth,
  hasDecodeDamage,
  normaliseHeader,
  parseWholeCount,
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
} from '../types';

type Col =
  | 'time'
  | 'businessNo'
  | 'flowNo'
  | 'bizName'
  | 'bizType'
  | 'direction'
  | 'amount'
  | 'balance'
  | 'applicant'
  | 'remark'
  | 'voucherNo';
const COLUMNS: Record<Col, string[]> = {
  time: ['记账时间'],
  businessNo: ['微信支付业务单号'],
  flowNo: ['资金流水单号'],
  bizName: ['业务名称'],
  bizType: ['业务类型'],
  direction: ['收支类型'],
  amount: ['收支金额(元)', '收支金额'],
  balance: ['账户结余(元)', '账户结余'],
  applicant: ['资金变更提交申请人'],
  remark: ['备注'],
  voucherNo: ['业务凭证号'],
};
const REQUIRED: Col[] = ['time', 'businessNo', 'flowNo', 'bizName', 'bizType', 'direction', 'amount', 'balance'];

type SumCol = 'total' | 'inCount' | 'inAmount' | 'outCount' | 'outAmount';
const SUMMARY_COLUMNS: Record<SumCol, string> = {
  total: '资金流水总笔数',
  inCount: '收入笔数',
  inAmount: '收入金额',
  outCount: '支出笔数',
  outAmount: '支出金额',
};

const ADJUSTMENT_WORDS = /充值|企业付款|代金券|立减|折扣|分账|营销|转账/;

function kindOf(bizName: string, bizType: string): { kind: LineKind; known: boolean } {
  const both = `${bizType}|${bizName}`;
  if (both.includes('手续费')) return { kind: 'fee', known: true };
  if (bizType.includes('退款关闭')) return { kind: 'reversal', known: true };
  if (both.includes('退款')) return { kind: 'refund', known: true };
  if (both.includes('提现')) return { kind: 'settlement', known: true };
  if (bizType === '交易' || (bizType === '' && bizName === '交易')) return { kind: 'payment', known: true };
  if (ADJUSTMENT_WORDS.test(both)) return { kind: 'adjustment', known: true };
  if (bizName === '交易') return { kind: 'payment', known: false };
  return { kind: 'adjustment', known: false };
}

function sniff(head: SniffInput): number {
  const first = foldWidth(head.text.replace(/^\uFEFF/, '').split('\n', 1)[0] ?? '');
  if (first.includes('记账时间') && first.includes('资金流水单号') && first.includes('收支类型')) return 0.95;
  if (first.includes('记账时间') && first.includes('资金流水单号')) return 0.8;
  return 0;
}

async function parse(source: StatementSource, opts: ParseOptions): Promise<ParseOutcome> {
  const errors = new IssueLog();
  const warnings = new IssueLog();
  const err = (line: number | null, field: string | null, code: string, message: string) =>
    errors.add({ line, field, code, message });
  const warn = (line: number | null, field: string | null, code: string, message: string) =>
    warnings.add({ line, field, code, message });
  const batcher = new LineBatcher(opts.emit);
  const notes = [...source.detection.notes];
  if (opts.expectedDate !== undefined && !isIsoDate(opts.expectedDate)) {
    err(null, null, 'bad_option', `the requested bill date "${opts.expectedDate}" is not a date YYYY-MM-DD`);
  }

  let header: string[] = [];
  const index = new Map<Col, number>();
  let inCount = 0;
  let inFen = 0;
  let outCount = 0;
  let outFen = 0;
  let balance: number | null = null;
  let opening: number | null = null;
  let balanceLine = 0;
  const ids = new CompactIdSet();
  const days = new DayTally();

  // A returned promise is the batch being written: the reader waits for it before reading on.
  const parseRow = (lineNo: number, fields: string[]): Promise<void> | undefined => {
    const raw: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) raw[header[i]!] = unescapeLiteralBreaks(fields[i]!.trim());
    const get = (c: Col): string => {
      const i = index.get(c);
      return i === undefined ? '' : raw[header[i]!]!;
    };
    const name = (c: Col): string => {
      const i = index.get(c);
      return i === undefined ? COLUMNS[c][0]! : header[i]!;
    };
    let bad = false;

    const direction = get('direction');
    let sign = 0;
    if (direction === '收入') sign = 1;
    else if (direction === '支出') sign = -1;
    else {
      err(
        lineNo,
        name('direction'),
        'bad_direction',
        `收支类型 "${direction}" is neither 收入 nor 支出; the sign of the line is unknown`,
      );
      bad = true;
    }
    let amount = 0;
    try {
      amount = yuanToFen(get('amount'));
      if (amount < 0) {
        err(
          lineNo,
          name('amount'),
          'bad_amount',
          `${name('amount')} "${get('amount')}" is negative; the bill prints it unsigned with 收支类型 giving the direction`,
        );
        bad = true;
      }
    } catch {
      err(
        lineNo,
        name('amount'),
        'bad_amount',
        `${name('amount')} "${get('amount')}" is not an amount in yuan with at most 2 decimals`,
      );
      bad = true;
    }
    let printedBalance: number | null = null;
    try {
      printedBalance = yuanToFen(get('balance'));
    } catch {
      err(lineNo, name('balance'), 'bad_amount', `${name('balance')} "${get('balance')}" is not an amount`);
      bad = true;
    }
    let occurredAt = '';
    try {
      occurredAt = beijingWallClockToIso(foldWidth(get('time')));
    } catch {
      err(lineNo, name('time'), 'bad_time', `${name('time')} "${get('time')}" is not a time yyyy-MM-dd HH:mm:ss`);
      bad = true;
    }
    const flowNo = get('flowNo');
    if (flowNo === '') {
      err(lineNo, name('flowNo'), 'missing_id', '资金流水单号 is empty; the line cannot be identified');
      bad = true;
    }
    if (bad) {
      // Resume the balance chain from what this line prints, so one bad line gives one error.
      if (printedBalance !== null) {
        balance = printedBalance;
        balanceLine = lineNo;
      }
      return;
    }

    const signed = sign * amount;
    if (sign > 0) {
      inCount++;
      inFen += amount;
    } else {
      outCount++;
      outFen += amount;
    }
    if (balance === null) opening = printedBalance! - signed;
    else if (balance + signed !== printedBalance) {
      err(
        lineNo,
        name('balance'),
        'balance_break',
        `${name('balance')} ${fenToYuanText(printedBalance!)} does not follow from line ${balanceLine} (${fenToYuanText(balance)} ${sign > 0 ? '+' : '−'} ${fenToYuanText(amount)} = ${fenToYuanText(balance + signed)}): a line is missing or out of order`,
      );
    }
    balance = printedBalance;
    balanceLine = lineNo;

    const seen = ids.add(flowNo, lineNo);
    if (seen !== null)
      warn(
        lineNo,
        name('flowNo'),
        'duplicate_id',
        `资金流水单号 ${flowNo} already appears on line ${seen}: the same movement is listed twice`,
      );

    const { kind, known } = kindOf(get('bizName'), get('bizType'));
    if (!known) {
      warn(
        lineNo,
        name('bizType'),
        'unknown_type',
        `业务名称 "${get('bizName')}" / 业务类型 "${get('bizType')}" is not a known movement; booked as ${kind}, please check`,
      );
    }
    const day = businessDate(occurredAt);
    days.add(day);
    if (opts.expectedDate !== undefined && day !== opts.expectedDate) {
      warn(
        lineNo,
        name('time'),
        'cross_day',
        `${name('time')} ${get('time')} is on ${day}, not the bill date ${opts.expectedDate}: kept, to be carried as a timing difference`,
      );
    }
    const voucher = get('voucherNo') || null;
    const line: StatementLine = {
      lineNo,
      kind,
      amountFen: signed,
      feeFen: 0,
      occurredAt,
      businessDate: day,
      channelTxnId: get('businessNo') || null,
      merchantOrderNo: kind === 'refund' ? null : voucher,
      refundNo: kind === 'refund' ? voucher : null,
      originalTxnId: null,
      terminalId: null,
      refNo: flowNo,
      voucherNo: null,
      batchNo: null,
      cardMasked: null,
      payerAccount: null,
      payerName: null,
      remark: get('remark') || null,
      status: direction,
      raw,
    };
    return batcher.push(line);
  };

  const readHeader = (printedNames: string[], names: string[], lineNo: number, text: string): boolean => {
    if (!names.includes('记账时间')) {
      err(
        lineNo,
        null,
        'not_fundflow',
        `line ${lineNo} is not a WeChat Pay fund bill header (expected 记账时间,微信支付业务单号,资金流水单号,…)${hasDecodeDamage(text) ? '; the text does not decode: check the file encoding' : ''}`,
      );
      return false;
    }
    const byName = new Map<string, Col>();
    for (const [c, aliases] of Object.entries(COLUMNS) as [Col, string[]][]) for (const a of aliases) byName.set(a, c);
    let ok = true;
    names.forEach((n, i) => {
      const c = byName.get(n);
      const shown = printedNames[i]!;
      if (c === undefined)
        warn(
          lineNo,
          shown,
          'unknown_column',
          `column "${shown}" is not a known fund bill column; it is kept in the raw line only`,
        );
      else if (index.has(c)) {
        err(lineNo, shown, 'duplicate_column', `column "${shown}" appears twice in the header`);
        ok = false;
      } else index.set(c, i);
    });
    for (const c of REQUIRED) {
      if (!index.has(c)) {
        err(
          lineNo,
          COLUMNS[c][0]!,
          'missing_column',
          `the header has no ${COLUMNS[c][0]} column; the bill cannot be read`,
        );
        ok = false;
      }
    }
    header = printedNames;
    return ok;
  };

  const bill = await readBacktickBill(
    source,
    {
      summaryMarker: SUMMARY_COLUMNS.total,
      emptyReason: 'a fund bill always has a header and a summary',
      errorBodyMessage: (body) =>
        `WeChat Pay returned an error instead of a fund bill: "${body.replace(/\n/g, ' ').slice(0, 160)}". Check the bill date and account type and download again.`,
      header: readHeader,
      row: parseRow,
    },
    err,
  );
  const { rows, blank, summaryHeader, summaryValues, summaryLineNo, summaryRaw } = bill;
  await batcher.flush();

  // Summary: every printed figure is a hard check (the fund bill documents what each one counts).
  let tieOut: ParseOutcome['tieOut'] = null;
  const printed = new Map<SumCol, number>();
  if (summaryValues) {
    const values = summaryValues;
    const computed: Record<SumCol, number> = { total: rows, inCount, inAmount: inFen, outCount, outAmount: outFen };
    const checks: NonNullable<ParseOutcome['tieOut']>['checks'] = [];
    summaryHeader.forEach((n, i) => {
      const col = (Object.keys(SUMMARY_COLUMNS) as SumCol[]).find((k) => SUMMARY_COLUMNS[k] === normaliseHeader(n));
      const text = values[i] ?? '';
      if (!col) {
        warn(summaryLineNo, n, 'unknown_column', `summary column "${n}" is not known; it is not checked`);
        return;
      }
      const isCount = col === 'total' || col === 'inCount' || col === 'outCount';
      let value: number | null = null;
      if (isCount) value = parseWholeCount(text);
      else {
        try {
          value = yuanToFen(text);
        } catch {
          value = null;
        }
      }
      if (value === null) {
        err(summaryLineNo, n, 'bad_amount', `${n} "${text}" is not ${isCount ? 'a count' : 'an amount'}`);
        return;
      }
      printed.set(col, value);
      const ok = value === computed[col];
      checks.push({ name: n, printed: value, computed: computed[col], ok });
      if (!ok) {
        const show = (v: number) => (isCount ? String(v) : fenToYuanText(v));
        err(
          summaryLineNo,
          n,
          'summary_mismatch',
          `${n} says ${show(value)} but the lines give ${show(computed[col])}: the bill does not tie out`,
        );
      }
    });
    tieOut = { ok: checks.every((c) => c.ok), checks };
  }

  const dayEntries = days.entries();
  if (opts.expectedDate === undefined && dayEntries.length > 1) {
    warn(
      null,
      '记账时间',
      'multiple_days',
      `the bill spans ${dayEntries.length} days (${dayEntries.map(([d, n]) => `${d}: ${n}`).join(', ')}); give the bill date to flag the lines of other days`,
    );
  }
  const day = opts.expectedDate ?? days.majority();
  if (blank > 0) notes.push(`${blank} blank line${blank > 1 ? 's' : ''} ignored`);
  const detection: Detection = { ...source.detection, confidence: header.length ? 0.95 : 0, notes };
  return {
    header: {
      channel: 'wechat',
      format: 'wechat-fundflow',
      variant: null,
      businessDate: day,
      merchantId: opts.expectedMerchant ?? null,
      periodStart: day ? `${day}T00:00:00+08:00` : null,
      periodEnd: day ? `${addDays(day, 1)}T00:00:00+08:00` : null,
      currency: 'CNY',
      summary: summaryValues
        ? {
            // The fund bill totals money in and money out, not payments and refunds: 收入 is reported
            // as payment*, 支出 as refund*; rawText keeps the printed lines.
            paymentCount: printed.get('inCount') ?? null,
            paymentFen: printed.get('inAmount') ?? null,
            refundCount: printed.get('outCount') ?? null,
            refundFen: printed.get('outAmount') ?? null,
            feeFen: null,
            openingBalanceFen: opening,
            closingBalanceFen: balance,
            rawText: summaryRaw,
          }
        : null,
      profileVersion: null,
    },
    lineCount: batcher.count,
    errors: errors.finish(),
    warnings: warnings.finish(),
    tieOut,
    detection,
  };
}

export const wechatFundFlowParser: StatementParser = {
  format: 'wechat-fundflow',
  channel: 'wechat',
  sniff,
  parse,
};
