// Alipay merchant statement, design/statement-formats.md §2.
//
// Input: the csv.zip from alipay.data.dataservice.bill.downloadurl.query (members with GBK names and
// GBK contents, in any order, each identified by its first line), or a bare member CSV.
//   #支付宝业务明细查询  业务明细 (bill_type trade): one row per payment (交易) or refund (退款)
//   #支付宝业务汇总查询  业务明细(汇总): per-store totals, a second check on the detail
//   #支付宝账务明细查询  账务明细 (bill_type signcustomer): account ledger with 收入/支出 and 余额
// Layout: `#` preamble lines (#账号：[PID0156], #起始日期：[…] 终止日期：[…], a marker line), a header
// with full-width （元）, rows whose values carry trailing tabs, `#` footer lines with the 合计 totals.
//
// Signs: 业务明细 rows give 商家实收（元） as printed (refunds are printed negative); the fee is
// 服务费（元） as printed, never made absolute. 账务明细 rows give 收入 − |支出|.
// Date: the period [起始日期, 终止日期) from the preamble; each row is dated by its 完成时间
// (账务明细: 发生时间) and flagged cross_day when it falls outside the period or the requested date.
// Merchant: 账号 is the PID followed by 0156; merchantId = the PID.
//
// Checks: 交易合计 and 退款合计 (count and Σ商家实收), or 收入合计/支出合计 for 账务明细, against the
// rows; the 汇总 member's 交易订单总笔数/退款订单总笔数/商家实收/服务费 against the detail; ids that
// Excel turned into 2.01909E+27 are refused.
import { addDays, beijingWallClockToIso, businessDate, isIsoDate } from '../../domain/dates';
import { fenToYuanText, yuanToFen } from '../../domain/money';
import { SourceError, decode, detectEncoding } from '../source';
import {
  CompactIdSet,
  IssueLog,
  LineBatcher,
  foldWidth,
  hasDecodeDamage,
  looksExcelMangled,
  normaliseHeader,
  parseWholeCount,
  splitCsvLine,
  trimCell,
} from '../text';
import type {
  Detection,
  LineKind,
  ParseOptions,
  ParseOutcome,
  SniffInput,
  StatementParser,
  StatementSource,
} from '../types';
import { ZipError, isZip, readZip } from '../zip';

const TITLE_TRADE = '#支付宝业务明细查询';
const TITLE_TRADE_SUMMARY = '#支付宝业务汇总查询';
const TITLE_LEDGER = '#支付宝账务明细查询';
const TITLE_LEDGER_SUMMARY = '#支付宝账务汇总查询';

type TradeCol =
  | 'tradeNo'
  | 'outTradeNo'
  | 'bizType'
  | 'subject'
  | 'created'
  | 'finished'
  | 'storeId'
  | 'storeName'
  | 'operator'
  | 'terminal'
  | 'counterparty'
  | 'orderAmount'
  | 'received'
  | 'alipayRedPacket'
  | 'jifenbao'
  | 'alipayDiscount'
  | 'merchantDiscount'
  | 'couponAmount'
  | 'couponName'
  | 'merchantRedPacket'
  | 'cardAmount'
  | 'refundRequestNo'
  | 'serviceFee'
  | 'profitShare'
  | 'remark';
/** Header names, folded to half-width and without the "(元)" unit suffix. */
const TRADE_COLUMNS: Record<TradeCol, string[]> = {
  tradeNo: ['支付宝交易号'],
  outTradeNo: ['商户订单号'],
  bizType: ['业务类型'],
  subject: ['商品名称'],
  created: ['创建时间'],
  finished: ['完成时间'],
  storeId: ['门店编号'],
  storeName: ['门店名称'],
  operator: ['操作员'],
  terminal: ['终端号'],
  counterparty: ['对方账户', '对方账号'],
  orderAmount: ['订单金额'],
  received: ['商家实收'],
  alipayRedPacket: ['支付宝红包'],
  jifenbao: ['集分宝'],
  alipayDiscount: ['支付宝优惠'],
  merchantDiscount: ['商家优惠'],
  couponAmount: ['券核销金额'],
  couponName: ['券名称'],
  merchantRedPacket: ['商家红包消费金额'],
  cardAmount: ['卡消费金额'],
  refundRequestNo: ['退款批次号/请求号'],
  serviceFee: ['服务费'],
  profitShare: ['分润'],
  remark: ['备注'],
};
const TRADE_REQUIRED: TradeCol[] = ['tradeNo', 'outTradeNo', 'bizType', 'finished', 'received'];
const TRADE_MONEY: TradeCol[] = [
  'orderAmount',
  'received',
  'alipayRedPacket',
  'jifenbao',
  'alipayDiscount',
  'merchantDiscount',
  'couponAmount',
  'merchantRedPacket',
  'cardAmount',
  'serviceFee',
  'profitShare',
];
const TRADE_IDS: TradeCol[] = ['tradeNo', 'outTradeNo', 'refundRequestNo'];

type LedgerCol =
  | 'flowNo'
  | 'bizNo'
  | 'outTradeNo'
  | 'subject'
  | 'time'
  | 'counterparty'
  | 'income'
  | 'outgo'
  | 'balance'
  | 'channel'
  | 'bizType'
  | 'remark'
  | 'bizBaseNo'
  | 'bizDesc';
const LEDGER_COLUMNS: Record<LedgerCol, string[]> = {
  flowNo: ['账务流水号'],
  bizNo: ['业务流水号'],
  outTradeNo: ['商户订单号'],
  subject: ['商品名称'],
  time: ['发生时间'],
  counterparty: ['对方账号', '对方账户'],
  income: ['收入金额'],
  outgo: ['支出金额'],
  balance: ['账户余额'],
  channel: ['交易渠道'],
  bizType: ['业务类型'],
  remark: ['备注'],
  bizBaseNo: ['业务基础订单号'],
  bizDesc: ['业务描述'],
};
const LEDGER_REQUIRED: LedgerCol[] = ['flowNo', 'time', 'income', 'outgo'];
const LEDGER_IDS: LedgerCol[] = ['flowNo', 'bizNo', 'outTradeNo', 'bizBaseNo'];

/** 账务明细 业务类型/业务描述 → kind. Alipay's list is not published (u): unknown types are flagged. */
function ledgerKind(bizType: string, desc: string): { kind: LineKind; known: boolean } {
  const t = `${bizType}|${desc}`;
  if (t.includes('退款')) return { kind: 'refund', known: true };
  if (t.includes('提现')) return { kind: 'settlement', known: true };
  if (/收费|服务费|手续费/.test(t)) return { kind: 'fee', known: true };
  if (/在线支付|交易付款|交易收款|交易|收款/.test(t)) return { kind: 'payment', known: true };
  if (/转账|充值|其他/.test(t)) return { kind: 'adjustment', known: true };
  return { kind: 'adjustment', known: false };
}

/** A header name as matched: half-width, trimmed, without the unit suffix "(元)", "(+元)", "(-元)". */
function headerKey(text: string): string {
  return normaliseHeader(text).replace(/\([+-]?元\)$/, '');
}

/** A `#` line as compared: half-width, trimmed, and without the trailing commas some exports add. */
function commentText(text: string): string {
  return normaliseHeader(text).replace(/[,\s]+$/, '');
}

/** "2019年09月16日 00:00:00" or "2019-09-16 00:00:00" → ISO +08:00, or null. */
function alipayTime(text: string): string | null {
  const m = /^(\d{4})[年\-/](\d{1,2})[月\-/](\d{1,2})日?\s*(\d{1,2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const p = (s: string) => s.padStart(2, '0');
  try {
    return beijingWallClockToIso(`${m[1]}-${p(m[2]!)}-${p(m[3]!)} ${p(m[4]!)}:${m[5]}:${m[6]}`);
  } catch {
    return null;
  }
}

interface Totals {
  count: number;
  fen: number;
  raw: string;
  line: number;
}

interface DetailResult {
  kind: 'trade' | 'ledger';
  member: string | undefined;
  account: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  tradeCount: number;
  tradeFen: number;
  refundCount: number;
  refundFen: number;
  feeFen: number;
  tradeFeeFen: number;
  orderFen: number;
  tradeOrderFen: number;
  footers: Map<string, Totals>;
  rawFooter: string[];
}

interface Ctx {
  opts: ParseOptions;
  errors: IssueLog;
  warnings: IssueLog;
  batcher: LineBatcher;
  ids: CompactIdSet;
  notes: string[];
  checks: NonNullable<ParseOutcome['tieOut']>['checks'];
}

type Line = { lineNo: number; text: string };

function sniff(head: SniffInput): number {
  for (const m of head.zipMembers ?? []) {
    const t = commentText(m.head);
    if (t.startsWith(TITLE_TRADE) || t.startsWith(TITLE_LEDGER)) return 0.95;
  }
  if (head.container === 'zip' && isZip(head.bytes)) {
    // The first local header's name (GBK): {PID}0156_{yyyyMMdd}_业务明细.csv
    const n = head.bytes[26]! | (head.bytes[27]! << 8);
    const name = decode(head.bytes.subarray(30, 30 + n), 'gb18030');
    if (/业务明细|账务明细/.test(name)) return 0.85;
    return 0;
  }
  const first = commentText(head.text.replace(/^\uFEFF/, '').split('\n', 1)[0] ?? '');
  if (first.startsWith(TITLE_TRADE) || first.startsWith(TITLE_LEDGER)) return 0.95;
  if (/支付宝交易号.*商户订单号.*业务类型/.test(foldWidth(head.text.slice(0, 2000)))) return 0.7;
  return 0;
}

async function parse(source: StatementSource, opts: ParseOptions): Promise<ParseOutcome> {
  const errors = new IssueLog();
  const warnings = new IssueLog();
  const ctx: Ctx = {
    opts,
    errors,
    warnings,
    batcher: new LineBatcher(opts.emit),
    ids: new CompactIdSet(),
    notes: [...source.detection.notes],
    checks: [],
  };
  if (opts.expectedDate !== undefined && !isIsoDate(opts.expectedDate)) {
    errors.add({
      line: null,
      field: null,
      code: 'bad_option',
      message: `the requested statement date "${opts.expectedDate}" is not a date YYYY-MM-DD`,
    });
  }
  const details: DetailResult[] = [];
  const summaries: { member: string; lines: Line[] }[] = [];
  let container: Detection['container'] = source.detection.container;
  let encoding: Detection['encoding'] = source.detection.encoding;

  try {
    if (container === 'zip' || container === 'xlsx') {
      const bytes = await source.bytes();
      if (!isZip(bytes)) throw new ZipError('zip_corrupt', `${source.fileName} is not a zip`);
      container = 'zip';
      const members = readZip(bytes);
      if (members.length === 0)
        errors.add({
          line: null,
          field: null,
          code: 'empty',
          message: 'the zip has no members: download the statement again',
        });
      for (const m of members) {
        const enc = detectEncoding(m.bytes, false);
        encoding = enc.encoding;
        const text = decode(m.bytes.subarray(enc.bom), enc.encoding);
        const lines = text.split(/\r?\n/).map((t, i) => ({ lineNo: i + 1, text: t }));
        if (lines.length > 0 && lines[lines.length - 1]!.text === '') lines.pop(); // the final line break
        const first = commentText(lines.find((l) => l.text.trim() !== '')?.text ?? '');
        if (
          first.startsWith(TITLE_TRADE_SUMMARY) ||
          first.startsWith(TITLE_LEDGER_SUMMARY) ||
          (/汇总/.test(m.name) && !hasDetailHeader(lines))
        ) {
          summaries.push({ member: m.name, lines });
        } else if (first.startsWith(TITLE_TRADE) || first.startsWith(TITLE_LEDGER)) {
          const r = await readDetail(lines, m.name, ctx);
          if (r) details.push(r);
        } else {
          warnings.add({
            line: null,
            member: m.name,
            field: null,
            code: 'unknown_member',
            message: `zip member "${m.name}" is not an Alipay 业务明细/汇总/账务明细 file (first line "${first.slice(0, 40)}"); it was not read`,
          });
        }
      }
      ctx.notes.push(`zip with ${members.length} member${members.length === 1 ? '' : 's'}`);
    } else {
      const r = await readDetail(source.lines(), undefined, ctx);
      if (r) details.push(r);
    }
  } catch (e) {
    if (e instanceof ZipError)
      errors.add({ line: null, member: e.member ?? undefined, field: null, code: e.code, message: e.message });
    else if (e instanceof SourceError) errors.add({ line: e.line, field: null, code: e.code, message: e.message });
    else throw e;
  }
  await ctx.batcher.flush();

  if (container === 'zip' && details.length === 0 && errors.count() === 0) {
    errors.add({
      line: null,
      field: null,
      code: 'missing_member',
      message: 'the zip has no 业务明细 or 账务明细 member: it is not an Alipay statement',
    });
  }

  // One statement: every detail member must name the same account and period.
  const first = details[0];
  for (const d of details.slice(1)) {
    if (d.account !== first!.account || d.periodStart !== first!.periodStart || d.periodEnd !== first!.periodEnd) {
      errors.add({
        line: null,
        member: d.member,
        field: '账号',
        code: 'member_mismatch',
        message: `member "${d.member}" is for ${d.account} ${d.periodStart}…${d.periodEnd}, not the same account and period as "${first!.member}"`,
      });
    }
  }
  const account = first?.account ?? null;
  let merchantId: string | null = null;
  if (account !== null) {
    if (/^2088\d{12}0156$/.test(account)) merchantId = account.slice(0, -4);
    else if (/^2088\d{12}$/.test(account)) merchantId = account;
    else {
      merchantId = account;
      warnings.add({
        line: 2,
        member: first?.member,
        field: '账号',
        code: 'account_format',
        message: `账号 ${account} is not a PID followed by 0156; it is used as printed`,
      });
    }
    if (
      opts.expectedMerchant !== undefined &&
      opts.expectedMerchant !== merchantId &&
      opts.expectedMerchant !== account
    ) {
      errors.add({
        line: 2,
        member: first?.member,
        field: '账号',
        code: 'merchant_mismatch',
        message: `the statement is for 账号 ${account}, not the merchant ${opts.expectedMerchant} it was imported for`,
      });
    }
  }
  const periodStart = first?.periodStart ?? null;
  const periodEnd = first?.periodEnd ?? null;
  const day = periodStart ? businessDate(periodStart) : (opts.expectedDate ?? null);
  if (periodStart && periodEnd && addDays(businessDate(periodStart), 1) !== businessDate(periodEnd)) {
    warnings.add({
      line: 3,
      member: first?.member,
      field: '起始日期',
      code: 'multi_day_period',
      message: `the statement covers ${periodStart} to ${periodEnd}, not one day`,
    });
  }
  if (opts.expectedDate !== undefined && periodStart && periodEnd) {
    const t = Date.parse(`${opts.expectedDate}T00:00:00+08:00`);
    if (t < Date.parse(periodStart) || t >= Date.parse(periodEnd)) {
      errors.add({
        line: 3,
        member: first?.member,
        field: '起始日期',
        code: 'date_mismatch',
        message: `the statement covers ${businessDate(periodStart)}, not ${opts.expectedDate} it was imported for`,
      });
    }
  }

  for (const s of summaries) checkSummaryMember(s.member, s.lines, details, ctx);

  const trade = details.filter((d) => d.kind === 'trade');
  const sumFooter = (key: string): Totals | null => {
    const all = details.map((d) => d.footers.get(key)).filter((x): x is Totals => x !== undefined);
    return all.length
      ? { count: all.reduce((a, t) => a + t.count, 0), fen: all.reduce((a, t) => a + t.fen, 0), raw: '', line: 0 }
      : null;
  };
  const isLedger = details.length > 0 && trade.length === 0;
  const payTotals = sumFooter(isLedger ? '收入合计' : '交易合计');
  const refTotals = sumFooter(isLedger ? '支出合计' : '退款合计');
  const variant = details.length === 0 ? null : isLedger ? 'signcustomer' : 'trade';
  const format = variant === null ? 'alipay-statement' : `alipay-${variant}-${container === 'zip' ? 'zip' : 'csv'}`;
  const detection: Detection = {
    ...source.detection,
    container,
    encoding,
    confidence: details.length ? 0.95 : 0,
    notes: ctx.notes,
  };
  return {
    header: {
      channel: 'alipay',
      format,
      variant,
      businessDate: day,
      merchantId: merchantId ?? opts.expectedMerchant ?? null,
      periodStart,
      periodEnd,
      currency: 'CNY',
      summary:
        payTotals || refTotals
          ? {
              paymentCount: payTotals?.count ?? null,
              paymentFen: payTotals?.fen ?? null,
              refundCount: refTotals?.count ?? null,
              refundFen: refTotals ? Math.abs(refTotals.fen) : null,
              feeFen: null,
              rawText: details.flatMap((d) => d.rawFooter),
            }
          : null,
      profileVersion: null,
    },
    lineCount: ctx.batcher.count,
    errors: errors.finish(),
    warnings: warnings.finish(),
    tieOut: ctx.checks.length ? { ok: ctx.checks.every((c) => c.ok), checks: ctx.checks } : null,
    detection,
  };
}

function hasDetailHeader(lines: Line[]): boolean {
  return lines.some((l) => {
    const t = foldWidth(l.text);
    return !t.startsWith('#') && (t.includes('支付宝交易号') || t.includes('账务流水号'));
  });
}

/** Read one 业务明细 or 账务明细 (a zip member or a whole CSV), emitting its rows. */
async function readDetail(
  lines: AsyncIterable<Line> | Iterable<Line>,
  member: string | undefined,
  ctx: Ctx,
): Promise<DetailResult | null> {
  const { errors, warnings, opts } = ctx;
  const err = (line: number | null, field: string | null, code: string, message: string) =>
    errors.add({ line, member, field, code, message });
  const warn = (line: number | null, field: string | null, code: string, message: string) =>
    warnings.add({ line, member, field, code, message });
  const where = member ? ` of "${member}"` : '';

  const r: DetailResult = {
    kind: 'trade',
    member,
    account: null,
    periodStart: null,
    periodEnd: null,
    tradeCount: 0,
    tradeFen: 0,
    refundCount: 0,
    refundFen: 0,
    feeFen: 0,
    tradeFeeFen: 0,
    orderFen: 0,
    tradeOrderFen: 0,
    footers: new Map(),
    rawFooter: [],
  };
  const st: { stage: 'preamble' | 'rows' | 'footer' } = { stage: 'preamble' };
  let header: string[] = [];
  let keys: string[] = [];
  const tradeIndex = new Map<TradeCol, number>();
  const ledgerIndex = new Map<LedgerCol, number>();
  let sawTitle = false;
  let sawAnything = false;
  let blank = 0;
  let ledgerIn = { count: 0, fen: 0 };
  let ledgerOut = { count: 0, fen: 0 };
  let prevBalance: { fen: number; amount: number; line: number } | null = null;
  let balanceOrder: 'forward' | 'reverse' | null = null;

  const inPeriod = (iso: string): boolean =>
    r.periodStart === null ||
    r.periodEnd === null ||
    (Date.parse(iso) >= Date.parse(r.periodStart) && Date.parse(iso) < Date.parse(r.periodEnd));

  let pendingEmit: Promise<void> | undefined;
  const readComment = (lineNo: number, raw: string): void => {
    const t = commentText(raw);
    if (t === TITLE_TRADE || t.startsWith(TITLE_TRADE)) {
      sawTitle = true;
      r.kind = 'trade';
      return;
    }
    if (t.startsWith(TITLE_LEDGER)) {
      sawTitle = true;
      r.kind = 'ledger';
      return;
    }
    const acc = /^#账号:\[?([^\]]*)\]?$/.exec(t);
    if (acc) {
      r.account = acc[1]!.trim();
      return;
    }
    const period = /^#起始日期:\[(.+?)\]\s*终止日期:\[(.+?)\]/.exec(t);
    if (period) {
      r.periodStart = alipayTime(period[1]!);
      r.periodEnd = alipayTime(period[2]!);
      if (!r.periodStart || !r.periodEnd)
        err(lineNo, '起始日期', 'bad_time', `the period "${t.slice(1)}" cannot be read`);
      return;
    }
    if (/^#-+.*列表(结束)?-*$/.test(t) || /^#-+$/.test(t)) {
      if (t.includes('结束')) st.stage = 'footer';
      return;
    }
    const total = /^#(交易合计|退款合计|收入合计|支出合计):/.exec(t);
    if (total) {
      r.rawFooter.push(raw.replace(/[,\s]+$/, ''));
      // Wording varies (商家实收共… / 交易金额共… / 共…): the count before 笔, the amount after the first 共.
      const m = /(\d+)\s*笔[^共]*共\s*([+-]?[\d,]+(?:\.\d+)?)\s*元/.exec(t);
      if (!m) {
        err(lineNo, total[1]!, 'bad_summary', `the ${total[1]} line "${t.slice(1)}" cannot be read`);
        return;
      }
      try {
        r.footers.set(total[1]!, { count: Number(m[1]), fen: yuanToFen(m[2]!), raw: t, line: lineNo });
      } catch {
        err(lineNo, total[1]!, 'bad_summary', `the ${total[1]} amount "${m[2]}" is not an amount`);
      }
      st.stage = 'footer';
      return;
    }
    if (/^#导出时间:/.test(t)) {
      r.rawFooter.push(t);
      return;
    }
    warn(
      lineNo,
      null,
      'unknown_comment',
      `line ${lineNo}${where} "${t.slice(0, 60)}" is not a known header or footer line; it was not read`,
    );
  };

  const mapHeader = (lineNo: number, names: string[]): boolean => {
    header = names.map(trimCell); // as printed, for raw and messages; matched by headerKey
    keys = names.map(headerKey);
    if (keys.includes('账务流水号')) r.kind = 'ledger';
    else if (keys.includes('支付宝交易号')) r.kind = 'trade';
    else {
      err(
        lineNo,
        null,
        'not_alipay',
        `line ${lineNo}${where} should be the column header (支付宝交易号,… or 账务流水号,…) but is "${header.join(',').slice(0, 60)}"`,
      );
      return false;
    }
    const columns: Record<string, string[]> = r.kind === 'trade' ? TRADE_COLUMNS : LEDGER_COLUMNS;
    const index: Map<string, number> = r.kind === 'trade' ? tradeIndex : ledgerIndex;
    const byName = new Map<string, string>();
    for (const [c, aliases] of Object.entries(columns)) for (const a of aliases) byName.set(a, c);
    let ok = true;
    keys.forEach((k, i) => {
      const c = byName.get(k);
      if (c === undefined) {
        if (k !== '')
          warn(
            lineNo,
            header[i]!,
            'unknown_column',
            `column "${header[i]}" is not a known Alipay column; it is kept in the raw line only`,
          );
      } else if (index.has(c)) {
        err(lineNo, header[i]!, 'duplicate_column', `column "${header[i]}" appears twice in the header`);
        ok = false;
      } else index.set(c, i);
    });
    const required: string[] = r.kind === 'trade' ? TRADE_REQUIRED : LEDGER_REQUIRED;
    for (const c of required) {
      if (!index.has(c)) {
        err(
          lineNo,
          columns[c]![0]!,
          'missing_column',
          `the header${where} has no ${columns[c]![0]} column; the statement cannot be read`,
        );
        ok = false;
      }
    }
    return ok;
  };

  const readRow = (lineNo: number, text: string): void => {
    const { fields, unterminatedQuote } = splitCsvLine(text);
    if (unterminatedQuote) {
      err(lineNo, null, 'field_count', `line ${lineNo}${where} has an unclosed quote: the line is cut off`);
      return;
    }
    const values = fields.map(trimCell);
    // Trailing empty cells beyond the header (some exports pad lines with commas) are harmless.
    while (values.length > header.length && values[values.length - 1] === '') values.pop();
    if (values.length !== header.length) {
      err(
        lineNo,
        null,
        'field_count',
        `line ${lineNo}${where} has ${values.length} fields but the header has ${header.length}: the line is cut off or was edited`,
      );
      return;
    }
    const raw: Record<string, string> = {};
    header.forEach((h, i) => (raw[h] = values[i]!));
    if (r.kind === 'trade') readTradeRow(lineNo, values, raw);
    else readLedgerRow(lineNo, values, raw);
  };

  const readTradeRow = (lineNo: number, values: string[], raw: Record<string, string>): void => {
    const get = (c: TradeCol): string => {
      const i = tradeIndex.get(c);
      return i === undefined ? '' : values[i]!;
    };
    const name = (c: TradeCol): string => {
      const i = tradeIndex.get(c);
      return i === undefined ? TRADE_COLUMNS[c][0]! : header[i]!;
    };
    const before = errors.count();
    for (const c of TRADE_IDS) {
      if (looksExcelMangled(get(c))) {
        err(
          lineNo,
          name(c),
          'excel_mangled',
          `${name(c)} "${get(c)}" was turned into a number by Excel and has lost digits: import the file downloaded from Alipay, not one re-saved in Excel`,
        );
      }
    }
    const type = get('bizType');
    let kind: LineKind | null = null;
    if (type === '交易') kind = 'payment';
    else if (type === '退款') kind = 'refund';
    else
      err(
        lineNo,
        name('bizType'),
        'bad_type',
        `业务类型 "${type}" is neither 交易 nor 退款; the line cannot be classified`,
      );
    const money = new Map<TradeCol, number>();
    for (const c of TRADE_MONEY) {
      if (!tradeIndex.has(c)) continue;
      const v = get(c);
      if (v === '' && c !== 'received') continue;
      try {
        money.set(c, yuanToFen(v));
      } catch {
        err(lineNo, name(c), 'bad_amount', `${name(c)} "${v}" is not an amount in yuan with at most 2 decimals`);
      }
    }
    const occurredAt = alipayTime(foldWidth(get('finished')));
    if (occurredAt === null)
      err(
        lineNo,
        name('finished'),
        'bad_time',
        `${name('finished')} "${get('finished')}" is not a time yyyy-MM-dd HH:mm:ss`,
      );
    if (get('tradeNo') === '')
      err(lineNo, name('tradeNo'), 'missing_id', '支付宝交易号 is empty; the line cannot be matched');
    if (errors.count() > before || kind === null || occurredAt === null) return;

    const received = money.get('received')!;
    const fee = money.get('serviceFee') ?? 0;
    const order = money.get('orderAmount') ?? 0;
    r.feeFen += fee;
    r.orderFen += order;
    if (kind === 'payment') {
      r.tradeCount++;
      r.tradeFen += received;
      r.tradeFeeFen += fee;
      r.tradeOrderFen += order;
      if (received < 0)
        warn(
          lineNo,
          name('received'),
          'unexpected_sign',
          `a 交易 line with negative ${name('received')} ${get('received')}: check the line`,
        );
    } else {
      r.refundCount++;
      r.refundFen += received;
      if (received > 0)
        warn(
          lineNo,
          name('received'),
          'unexpected_sign',
          `a 退款 line with positive ${name('received')} ${get('received')}: refunds are printed negative`,
        );
    }
    const tradeNo = get('tradeNo');
    const requestNo = get('refundRequestNo');
    const key = kind === 'payment' ? `P${tradeNo}` : `R${requestNo || `${tradeNo}@${get('finished')}@${received}`}`;
    const seen = ctx.ids.add(`${member ?? ''}|${key}`, lineNo);
    if (seen !== null) {
      const f = kind === 'payment' || !requestNo ? name('tradeNo') : name('refundRequestNo');
      warn(
        lineNo,
        f,
        'duplicate_id',
        `${f} ${kind === 'payment' || !requestNo ? tradeNo : requestNo} already appears on line ${seen}: the same ${kind === 'payment' ? '交易' : '退款'} is listed twice`,
      );
    }
    const day = businessDate(occurredAt);
    flagDay(lineNo, name('finished'), get('finished'), occurredAt, day);
    pendingEmit = ctx.batcher.push({
      lineNo,
      member,
      kind,
      amountFen: received,
      feeFen: fee,
      occurredAt,
      businessDate: day,
      channelTxnId: tradeNo,
      merchantOrderNo: get('outTradeNo') || null,
      refundNo: kind === 'refund' ? requestNo || null : null,
      originalTxnId: kind === 'refund' ? tradeNo : null,
      terminalId: get('terminal') || null,
      refNo: null,
      voucherNo: null,
      batchNo: null,
      cardMasked: null,
      payerAccount: get('counterparty') || null,
      payerName: null,
      remark: get('remark') || null,
      status: type,
      raw,
    });
  };

  const flagDay = (lineNo: number, field: string, printed: string, iso: string, day: string): void => {
    if (!inPeriod(iso)) {
      warn(
        lineNo,
        field,
        'cross_day',
        `${field} ${printed} is outside the statement period: kept, to be carried as a timing difference`,
      );
    } else if (opts.expectedDate !== undefined && day !== opts.expectedDate) {
      warn(
        lineNo,
        field,
        'cross_day',
        `${field} ${printed} is on ${day}, not ${opts.expectedDate}: kept, to be carried as a timing difference`,
      );
    }
  };

  const readLedgerRow = (lineNo: number, values: string[], raw: Record<string, string>): void => {
    const get = (c: LedgerCol): string => {
      const i = ledgerIndex.get(c);
      return i === undefined ? '' : values[i]!;
    };
    const name = (c: LedgerCol): string => {
      const i = ledgerIndex.get(c);
      return i === undefined ? LEDGER_COLUMNS[c][0]! : header[i]!;
    };
    const before = errors.count();
    for (const c of LEDGER_IDS) {
      if (looksExcelMangled(get(c))) {
        err(
          lineNo,
          name(c),
          'excel_mangled',
          `${name(c)} "${get(c)}" was turned into a number by Excel and has lost digits: import the file downloaded from Alipay, not one re-saved in Excel`,
        );
      }
    }
    const amountOf = (c: LedgerCol): number | null => {
      const v = get(c);
      if (v === '') return 0;
      try {
        return yuanToFen(v);
      } catch {
        err(lineNo, name(c), 'bad_amount', `${name(c)} "${v}" is not an amount in yuan with at most 2 decimals`);
        return null;
      }
    };
    const income = amountOf('income');
    const outgo = amountOf('outgo');
    const balance = ledgerIndex.has('balance') && get('balance') !== '' ? amountOf('balance') : null;
    if (income !== null && outgo !== null && income !== 0 && outgo !== 0) {
      err(
        lineNo,
        name('income'),
        'bad_amount',
        `the line has both ${name('income')} ${get('income')} and ${name('outgo')} ${get('outgo')}; one of them must be 0`,
      );
    }
    if (income !== null && income < 0)
      err(lineNo, name('income'), 'bad_amount', `${name('income')} ${get('income')} is negative`);
    const occurredAt = alipayTime(foldWidth(get('time')));
    if (occurredAt === null)
      err(lineNo, name('time'), 'bad_time', `${name('time')} "${get('time')}" is not a time yyyy-MM-dd HH:mm:ss`);
    const flowNo = get('flowNo');
    if (flowNo === '') err(lineNo, name('flowNo'), 'missing_id', '账务流水号 is empty; the line cannot be identified');
    if (errors.count() > before || income === null || outgo === null || occurredAt === null) return;

    const amount = income - Math.abs(outgo);
    if (income > 0) {
      ledgerIn = { count: ledgerIn.count + 1, fen: ledgerIn.fen + income };
    } else if (outgo !== 0) {
      ledgerOut = { count: ledgerOut.count + 1, fen: ledgerOut.fen + Math.abs(outgo) };
    }
    // Running balance: the listing order is not documented (old exports list newest first), so the
    // order is taken from the first pair that agrees and then held; a break is a warning (u).
    if (balance !== null) {
      if (prevBalance !== null) {
        const forward = prevBalance.fen + amount === balance;
        const reverse = balance + prevBalance.amount === prevBalance.fen;
        if (balanceOrder === null && (forward || reverse)) balanceOrder = forward ? 'forward' : 'reverse';
        const ok = balanceOrder === 'forward' ? forward : balanceOrder === 'reverse' ? reverse : false;
        if (!ok) {
          warn(
            lineNo,
            name('balance'),
            'balance_break',
            `${name('balance')} ${get('balance')} does not follow from line ${prevBalance.line} (${fenToYuanText(prevBalance.fen)}) with this line's ${fenToYuanText(amount)}: a line may be missing`,
          );
        }
      }
      prevBalance = { fen: balance, amount, line: lineNo };
    }
    const seen = ctx.ids.add(`${member ?? ''}|L${flowNo}`, lineNo);
    if (seen !== null)
      warn(
        lineNo,
        name('flowNo'),
        'duplicate_id',
        `账务流水号 ${flowNo} already appears on line ${seen}: the same movement is listed twice`,
      );
    const { kind, known } = ledgerKind(get('bizType'), get('bizDesc'));
    if (!known)
      warn(
        lineNo,
        name('bizType'),
        'unknown_type',
        `业务类型 "${get('bizType')}" is not a known movement; booked as ${kind}, please check`,
      );
    const day = businessDate(occurredAt);
    flagDay(lineNo, name('time'), get('time'), occurredAt, day);
    if (kind === 'refund') r.refundCount++;
    else if (kind === 'payment') r.tradeCount++;
    pendingEmit = ctx.batcher.push({
      lineNo,
      member,
      kind,
      amountFen: amount,
      feeFen: 0,
      occurredAt,
      businessDate: day,
      channelTxnId: get('bizNo') || null,
      merchantOrderNo: get('outTradeNo') || null,
      refundNo: null,
      originalTxnId: null,
      terminalId: null,
      refNo: flowNo,
      voucherNo: null,
      batchNo: null,
      cardMasked: null,
      payerAccount: get('counterparty') || null,
      payerName: null,
      remark: get('remark') || get('bizDesc') || null,
      status: get('bizType') || null,
      raw,
    });
  };

  for await (const { lineNo, text } of lines) {
    if (text.trim() === '' || /^[,\s]*$/.test(text)) {
      blank++;
      continue;
    }
    sawAnything = true;
    if (hasDecodeDamage(text)) {
      err(
        lineNo,
        null,
        'bad_encoding',
        `line ${lineNo}${where} has bytes that are not valid text in the detected encoding: the file was re-saved in another encoding or is damaged`,
      );
      continue;
    }
    if (text.trimStart().startsWith('#') || text.trimStart().startsWith('＃')) {
      readComment(lineNo, text);
      continue;
    }
    if (st.stage === 'preamble') {
      if (!sawTitle)
        warn(
          lineNo,
          null,
          'missing_preamble',
          `the file${where} has no #支付宝…查询 title lines: account and period cannot be checked`,
        );
      const { fields } = splitCsvLine(text);
      if (!mapHeader(lineNo, fields)) return null;
      st.stage = 'rows';
      continue;
    }
    if (st.stage === 'footer') {
      err(
        lineNo,
        null,
        'unexpected_line',
        `line ${lineNo}${where} is a data line after the list's end marker: the file was edited`,
      );
      continue;
    }
    readRow(lineNo, text);
    if (pendingEmit) {
      await pendingEmit; // the import writes each batch before the next is read
      pendingEmit = undefined;
    }
  }

  if (!sawAnything) {
    err(null, null, 'empty', `the file${where} is empty: download the statement again`);
    return null;
  }
  if (header.length === 0) {
    err(null, null, 'missing_header', `the file${where} has no column header: it is not a complete Alipay statement`);
    return null;
  }
  if (blank > 0) ctx.notes.push(`${blank} blank line${blank > 1 ? 's' : ''} ignored${where}`);
  if (r.account === null)
    warn(null, '账号', 'missing_account', `the file${where} has no #账号 line: the merchant cannot be checked`);

  // 合计 lines against the rows.
  const check = (
    footer: string,
    count: number,
    fen: number,
    what: string,
    required: boolean,
    signFree: boolean,
  ): void => {
    const t = r.footers.get(footer);
    if (!t) {
      if (required || count > 0)
        err(null, footer, 'missing_summary', `the file${where} has no #${footer} line: the download may be incomplete`);
      return;
    }
    const countOk = t.count === count;
    // Money out (退款合计, 支出合计) is accepted printed either signed or unsigned.
    const fenOk = t.fen === fen || (signFree && t.fen === -fen);
    ctx.checks.push({
      name: `${footer} 笔数${member ? ` (${member})` : ''}`,
      printed: t.count,
      computed: count,
      ok: countOk,
    });
    ctx.checks.push({
      name: `${footer} ${what}${member ? ` (${member})` : ''}`,
      printed: t.fen,
      computed: fen,
      ok: fenOk,
    });
    if (!countOk)
      err(
        t.line,
        footer,
        'summary_mismatch',
        `#${footer} says ${t.count} lines but the file has ${count}: the statement does not tie out`,
      );
    if (!fenOk)
      err(
        t.line,
        footer,
        'summary_mismatch',
        `#${footer} says ${fenToYuanText(t.fen)} but the lines add up to ${fenToYuanText(fen)}: the statement does not tie out`,
      );
  };
  if (r.kind === 'trade') {
    check('交易合计', r.tradeCount, r.tradeFen, '商家实收', true, false);
    check('退款合计', r.refundCount, r.refundFen, '商家实收', r.footers.size === 0, true);
  } else {
    check('收入合计', ledgerIn.count, ledgerIn.fen, '金额', true, false);
    check('支出合计', ledgerOut.count, ledgerOut.fen, '金额', true, true);
  }
  return r;
}

/** The 汇总 member: per-store totals (a 合计 row when printed), checked against the detail rows. */
function checkSummaryMember(member: string, lines: Line[], details: DetailResult[], ctx: Ctx): void {
  const err = (line: number | null, field: string | null, code: string, message: string) =>
    ctx.errors.add({ line, member, field, code, message });
  const trade = details.filter((d) => d.kind === 'trade');
  let header: string[] | null = null;
  let headerLine = 0;
  let total: { line: number; values: string[] } | null = null;
  const rows: { line: number; values: string[] }[] = [];
  for (const { lineNo, text } of lines) {
    if (text.trim() === '' || /^[,\s]*$/.test(text)) continue;
    if (text.trimStart().startsWith('#')) continue;
    const values = splitCsvLine(text).fields.map(trimCell);
    if (header === null) {
      header = values.map(headerKey);
      headerLine = lineNo;
      continue;
    }
    if (values.some((v) => v === '合计' || v === '总计')) total = { line: lineNo, values };
    else rows.push({ line: lineNo, values });
  }
  if (header === null || !header.includes('交易订单总笔数')) {
    ctx.notes.push(`summary member "${member}" has no 交易订单总笔数 column: not checked`);
    return;
  }
  if (trade.length === 0) return;
  const h = header;
  const col = (name: string) => h.indexOf(name);
  const source = total ? [total] : rows;
  const sum = (name: string, count: boolean): number | null => {
    const i = col(name);
    if (i < 0) return null;
    let s = 0;
    for (const r of source) {
      const v = r.values[i] ?? '';
      const n = count
        ? parseWholeCount(v)
        : (() => {
            try {
              return yuanToFen(v);
            } catch {
              return null;
            }
          })();
      if (n === null) {
        err(r.line, name, 'bad_amount', `${name} "${v}" in the 汇总 is not ${count ? 'a count' : 'an amount'}`);
        return null;
      }
      s += n;
    }
    return s;
  };
  const add = (f: (d: DetailResult) => number) => trade.reduce((a, d) => a + f(d), 0);
  const line = total?.line ?? headerLine;
  const exact = (name: string, computed: number) => {
    const printed = sum(name, true);
    if (printed === null) return;
    const ok = printed === computed;
    ctx.checks.push({ name: `汇总 ${name}`, printed, computed, ok });
    if (!ok)
      err(
        line,
        name,
        'summary_mismatch',
        `the 汇总 says ${name} ${printed} but the 业务明细 has ${computed}: the statement does not tie out`,
      );
  };
  exact(
    '交易订单总笔数',
    add((d) => d.tradeCount),
  );
  exact(
    '退款订单总笔数',
    add((d) => d.refundCount),
  );
  // Whether the 汇总 amounts are net of refunds is not documented (u): net or 交易-only is accepted.
  const either = (name: string, net: number, tradeOnly: number) => {
    const printed = sum(name, false);
    if (printed === null) return;
    const ok = printed === net || printed === tradeOnly;
    ctx.checks.push({
      name: `汇总 ${name}`,
      printed,
      computed: printed === tradeOnly && printed !== net ? tradeOnly : net,
      ok,
    });
    if (!ok)
      err(
        line,
        name,
        'summary_mismatch',
        `the 汇总 says ${name} ${fenToYuanText(printed)} but the 业务明细 adds up to ${fenToYuanText(net)} (交易 only ${fenToYuanText(tradeOnly)}): the statement does not tie out`,
      );
  };
  either(
    '商家实收',
    add((d) => d.tradeFen + d.refundFen),
    add((d) => d.tradeFen),
  );
  either(
    '服务费',
    add((d) => d.feeFen),
    add((d) => d.tradeFeeFen),
  );
  either(
    '订单金额',
    add((d) => d.orderFen),
    add((d) => d.tradeOrderFen),
  );
}

export const alipayStatementParser: StatementParser = {
  format: 'alipay-statement',
  channel: 'alipay',
  sniff,
  parse,
};
