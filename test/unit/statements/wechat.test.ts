import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { collectParse } from '../../../src-main/statements/collect';
import { wechatFundFlowParser } from '../../../src-main/statements/formats/wechat-fundflow';
import { wechatTradeBillParser } from '../../../src-main/statements/formats/wechat-tradebill';
import { bufferSource, fileSource, sniffHead } from '../../../src-main/statements/source';
import type { ParseIssue, StatementParser, StatementSource } from '../../../src-main/statements/types';
import { writeWechatBill } from '../../fixtures/statements/make-wechat-bill';

const here = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(here, '../../..');
const FIXTURES = join(REPO, 'test/fixtures/statements');
const SAMPLES = resolve(REPO, '../shared/samples');
const HAVE_SAMPLES = existsSync(join(SAMPLES, 'wxjava_tradebill_ALL.csv'));
if (!HAVE_SAMPLES)
  console.warn(`[wechat.test] ${SAMPLES} is absent: the tests against real WeChat samples are skipped`);

const fixture = (name: string) => readFileSync(join(FIXTURES, name));
const fixtureText = (name: string) => fixture(name).toString('utf8');
const trade = (
  bytes: Uint8Array | string,
  opts: { expectedDate?: string; expectedMerchant?: string } = {},
  name = 'bill.csv',
) =>
  collectParse(
    wechatTradeBillParser,
    bufferSource(name, typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes),
    opts,
  );
const fund = (bytes: Uint8Array | string, opts: { expectedDate?: string } = {}) =>
  collectParse(
    wechatFundFlowParser,
    bufferSource('fund.csv', typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes),
    opts,
  );
const codes = (issues: ParseIssue[]) => issues.map((i) => i.code);
const find = (issues: ParseIssue[], code: string) => issues.filter((i) => i.code === code);

async function sniffScore(parser: StatementParser, source: StatementSource): Promise<number> {
  const head = await sniffHead(source);
  return parser.sniff({ ...head, container: source.detection.container, encoding: source.detection.encoding });
}

const tmp = mkdtempSync(join(tmpdir(), 'otd-wechat-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('WeChat trade bill: layouts', () => {
  it('reads an ALL bill with a refund: signs, fees, ids, totals', async () => {
    const r = await trade(fixture('wechat-all-with-refund.csv'), {
      expectedDate: '2024-03-15',
      expectedMerchant: '1900000109',
    });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.header).toMatchObject({
      channel: 'wechat',
      format: 'wechat-tradebill-all',
      variant: 'ALL',
      businessDate: '2024-03-15',
      merchantId: '1900000109',
      periodStart: '2024-03-15T00:00:00+08:00',
      periodEnd: '2024-03-16T00:00:00+08:00',
      currency: 'CNY',
    });
    expect(r.header.summary).toMatchObject({ paymentCount: 4, paymentFen: 709999, refundFen: 500000, feeFen: 1260 });
    expect(r.lineCount).toBe(4);
    expect(r.lines.map((l) => [l.lineNo, l.kind, l.amountFen, l.feeFen])).toEqual([
      [2, 'payment', 500000, 3000],
      [3, 'payment', 200000, 1200],
      [4, 'payment', 9999, 60],
      [5, 'refund', -500000, -3000],
    ]);
    const refund = r.lines[3]!;
    expect(refund).toMatchObject({
      channelTxnId: '50300020240315000000000000001',
      refundNo: '50300020240315000000000000001',
      originalTxnId: '4200002024031400000000000009',
      merchantOrderNo: 'SD202403140009',
      refNo: 'RF202403150001',
      status: 'REFUND',
      occurredAt: '2024-03-15T16:45:00+08:00',
      businessDate: '2024-03-15',
    });
    const first = r.lines[0]!;
    expect(first).toMatchObject({
      channelTxnId: '4200002024031500000000000001',
      merchantOrderNo: 'SD202403150001',
      terminalId: 'APP-01',
      refundNo: null,
    });
    // A comma not followed by a backtick stays inside the value.
    expect(r.lines[1]!.raw['商品名称']).toBe('小定, 含配件');
    expect(Object.keys(first.raw)).toHaveLength(27);
    expect(r.tieOut?.ok).toBe(true);
    expect(r.tieOut?.checks.map((c) => c.name)).toEqual([
      '总交易单数',
      '应结订单总金额',
      '退款总金额',
      '充值券退款总金额',
      '手续费总金额',
      '订单总金额',
      '申请退款总金额',
    ]);
    expect(r.detection).toMatchObject({ encoding: 'utf-8', container: 'plain', confidence: 0.95 });
  });

  it('reads a SUCCESS bill (20 columns) saved as GBK, with full-width text kept as printed', async () => {
    const gbk = iconv.encode(fixtureText('wechat-success.csv'), 'gbk');
    const r = await trade(gbk, {}, 'wechat-success-gbk.csv');
    expect(r.errors).toEqual([]);
    expect(r.detection.encoding).toBe('gb18030');
    expect(r.header.variant).toBe('SUCCESS');
    expect(r.lines.map((l) => [l.kind, l.amountFen, l.feeFen])).toEqual([
      ['payment', 100000, 600],
      ['payment', 48050, 288],
    ]);
    expect(r.lines[0]!.raw['商品名称']).toBe('小定（黑色）');
    expect(r.header.summary).toMatchObject({ paymentCount: 2, paymentFen: 148050, feeFen: 888, refundFen: null });
    expect(r.tieOut?.ok).toBe(true);
  });

  it('reads a REFUND bill (29 columns), dating refunds by when they were accepted', async () => {
    const r = await trade(fixture('wechat-refund.csv'), { expectedDate: '2024-03-15' });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.header.format).toBe('wechat-tradebill-refund');
    expect(r.lines.map((l) => [l.kind, l.amountFen, l.feeFen, l.occurredAt])).toEqual([
      ['refund', -100000, -600, '2024-03-15T11:00:00+08:00'],
      ['refund', -25000, -150, '2024-03-15T23:59:59+08:00'],
    ]);
    expect(r.lines[1]!.raw['退款成功时间']).toBe('2024-03-16 00:00:07');
    expect(r.tieOut?.ok).toBe(true);
  });

  it('reads the legacy 24-column layout with full-width colons in times and a refund', async () => {
    const r = await trade(fixture('wechat-legacy-with-refund.csv'));
    expect(r.errors).toEqual([]);
    expect(r.header).toMatchObject({
      variant: 'legacy-2014',
      format: 'wechat-tradebill-legacy',
      merchantId: '10000100',
      businessDate: '2014-11-10',
    });
    expect(r.lines.map((l) => [l.kind, l.amountFen, l.feeFen, l.occurredAt])).toEqual([
      ['payment', 1000, 6, '2014-11-10T16:33:45+08:00'],
      ['refund', -400, -2, '2014-11-10T17:01:02+08:00'],
    ]);
    // The refund repeats its original's 微信订单号: no duplicate warning, they are different events.
    expect(r.warnings).toEqual([]);
    expect(r.lines[1]!.raw['总金额']).toBe('0.00');
    expect(r.tieOut?.checks.map((c) => [c.name, c.ok])).toEqual([
      ['总交易单数', true],
      ['总交易额', true],
      ['总退款金额', true],
      ['总代金券或立减优惠退款金额', true],
      ['手续费总金额', true],
    ]);
  });

  it('strips a BOM, accepts CRLF and ignores blank lines', async () => {
    const text =
      '\uFEFF' +
      fixtureText('wechat-all-with-refund.csv')
        .replace(/\n/g, '\r\n')
        .replace(/(\r\n)(`2024-03-15 14)/, '$1\r\n  \r\n$2') +
      '\r\n\r\n';
    const r = await trade(text);
    expect(r.errors).toEqual([]);
    expect(r.lines.map((l) => l.amountFen)).toEqual([500000, 200000, 9999, -500000]);
    expect(r.lines.map((l) => l.lineNo)).toEqual([2, 3, 6, 7]);
    expect(r.lines[0]!.raw['费率备注']).toBe('');
    expect(r.detection.notes).toContain('byte order mark removed');
    expect(r.detection.notes.some((n) => /4 blank lines ignored/.test(n))).toBe(true);
  });

  it('sniffs its own header and nothing else', async () => {
    expect(
      await sniffScore(wechatTradeBillParser, bufferSource('a', fixture('wechat-all-with-refund.csv'))),
    ).toBeGreaterThanOrEqual(0.9);
    expect(
      await sniffScore(
        wechatTradeBillParser,
        bufferSource('a', iconv.encode(fixtureText('wechat-success.csv'), 'gbk')),
      ),
    ).toBeGreaterThanOrEqual(0.9);
    expect(await sniffScore(wechatTradeBillParser, bufferSource('a', fixture('wechat-fundflow.csv')))).toBe(0);
    expect(await sniffScore(wechatTradeBillParser, bufferSource('a', fixture('alipay-trade-detail.csv')))).toBe(0);
    expect(
      await sniffScore(wechatFundFlowParser, bufferSource('a', fixture('wechat-fundflow.csv'))),
    ).toBeGreaterThanOrEqual(0.9);
    expect(await sniffScore(wechatFundFlowParser, bufferSource('a', fixture('wechat-all-with-refund.csv')))).toBe(0);
    expect(await sniffScore(wechatTradeBillParser, bufferSource('a', fixture('wechat-error-body-no-bill.xml')))).toBe(
      0.5,
    );
  });
});

describe('WeChat trade bill: date, merchant and duplicates', () => {
  it('keeps a line of another day and flags it cross_day', async () => {
    const r = await trade(fixture('wechat-all-cross-day.csv'), { expectedDate: '2024-03-15' });
    expect(r.errors).toEqual([]);
    expect(r.lines.map((l) => l.businessDate)).toEqual(['2024-03-14', '2024-03-15']);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatchObject({ code: 'cross_day', line: 2, field: '交易时间' });
    expect(r.warnings[0]!.message).toContain('2024-03-14');
    expect(r.header.businessDate).toBe('2024-03-15');
  });

  it('without a requested date, says the bill spans several days', async () => {
    const r = await trade(fixture('wechat-all-cross-day.csv'));
    expect(codes(r.warnings)).toEqual(['multiple_days']);
    expect(r.lines).toHaveLength(2);
  });

  it('refuses a bill of another merchant', async () => {
    const r = await trade(fixture('wechat-all-with-refund.csv'), { expectedMerchant: '1900000999' });
    expect(find(r.errors, 'merchant_mismatch')).toHaveLength(4);
    expect(r.errors[0]).toMatchObject({ line: 2, field: '商户号' });
    expect(r.errors[0]!.message).toContain('1900000999');
  });

  it('warns about an id listed twice and keeps both lines', async () => {
    const r = await trade(fixture('wechat-all-duplicate-id.csv'));
    expect(r.errors).toEqual([]);
    expect(r.lines).toHaveLength(2);
    expect(r.warnings).toEqual([
      expect.objectContaining({
        code: 'duplicate_id',
        line: 3,
        field: '微信订单号',
        message: expect.stringContaining('line 2'),
      }),
    ]);
  });
});

describe('WeChat trade bill: bad input', () => {
  it('reports a truncated line (wrong field count) with its line number', async () => {
    const r = await trade(fixture('wechat-all-truncated-line.csv'));
    expect(find(r.errors, 'field_count')).toEqual([
      expect.objectContaining({ line: 3, message: expect.stringContaining('27') }),
    ]);
    expect(r.lines.map((l) => l.lineNo)).toEqual([2]);
    // The summary then no longer ties out either.
    expect(codes(r.errors)).toContain('summary_mismatch');
  });

  it('reports a bad amount and a fee with non-zero digits beyond the fen', async () => {
    const r = await trade(fixture('wechat-all-bad-amount.csv'));
    const bad = find(r.errors, 'bad_amount');
    expect(bad.map((i) => [i.line, i.field])).toEqual([
      [2, '应结订单金额'],
      [3, '手续费'],
    ]);
    expect(bad[0]!.message).toContain('1OO.00');
    expect(bad[1]!.message).toContain('beyond whole fen');
    expect(r.lines).toHaveLength(0);
  });

  it('reports bad times (wrong format, impossible date)', async () => {
    const r = await trade(fixture('wechat-all-bad-time.csv'));
    expect(find(r.errors, 'bad_time').map((i) => [i.line, i.field])).toEqual([
      [2, '交易时间'],
      [3, '交易时间'],
    ]);
    expect(r.errors[1]!.message).toContain('2024-02-30');
  });

  it('reports an XML error body as a channel error, not an empty bill', async () => {
    const r = await trade(fixture('wechat-error-body-no-bill.xml'));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.code).toBe('channel_error_body');
    expect(r.errors[0]!.message).toContain('20002 No Bill Exist');
    expect(r.lineCount).toBe(0);
  });

  it('reports a JSON (v3) error body', async () => {
    const r = await trade(fixture('wechat-error-body-no-statement.json'));
    expect(codes(r.errors)).toEqual(['channel_error_body']);
    expect(r.errors[0]!.message).toContain('NO_STATEMENT_EXIST');
  });

  it('reports an empty file and a file of blank lines as empty', async () => {
    expect(codes((await trade('')).errors)).toEqual(['empty']);
    expect(codes((await trade('\n\r\n  \n')).errors)).toEqual(['empty']);
  });

  it('reports a download cut before the summary', async () => {
    const r = await trade(fixture('wechat-all-missing-summary.csv'));
    expect(codes(r.errors)).toEqual(['missing_summary']);
    expect(r.tieOut).toBeNull();
    expect(r.lines).toHaveLength(1);
  });

  it('reports GBK bytes inside a file detected as UTF-8 (wrong encoding)', async () => {
    // UTF-8 for the first 64 KiB (what detection looks at), then a line saved as GBK.
    const lines = fixtureText('wechat-all-with-refund.csv').split('\n');
    const row = lines[1]!;
    const body: string[] = [];
    for (let i = 0; i < 250; i++)
      body.push(row.replace('4200002024031500000000000001', `42000020240315${String(i).padStart(14, '0')}`));
    const gbkRow = iconv.encode(
      row
        .replace('4200002024031500000000000001', '4200002024031599999999999999')
        .replace('小定 Model Y', '小定（黑色）') + '\n',
      'gbk',
    );
    const bytes = Buffer.concat([
      Buffer.from(lines[0] + '\n' + body.join('\n') + '\n', 'utf8'),
      gbkRow,
      Buffer.from(lines.slice(6).join('\n'), 'utf8'),
    ]);
    const r = await trade(bytes);
    expect(r.detection.encoding).toBe('utf-8');
    expect(find(r.errors, 'bad_encoding')).toEqual([expect.objectContaining({ line: 252 })]);
  });

  it('reports a file in an unreadable encoding as not a trade bill', async () => {
    const r = await trade(iconv.encode(fixtureText('wechat-all-with-refund.csv'), 'utf-16be'));
    expect(r.lines).toHaveLength(0);
    expect(codes(r.errors)).toEqual(['not_tradebill']);
    expect(r.errors[0]!.message).toContain('encoding');
  });

  it('reports a status it does not know and a currency other than CNY', async () => {
    const text = fixtureText('wechat-all-with-refund.csv')
      .replace('`APP,`SUCCESS,`CMB_DEBIT,`CNY', '`APP,`CLOSED,`CMB_DEBIT,`CNY')
      .replace('`JSAPI,`SUCCESS,`OTHERS,`CNY', '`JSAPI,`SUCCESS,`OTHERS,`USD');
    const r = await trade(text);
    expect(find(r.errors, 'bad_status')).toEqual([expect.objectContaining({ line: 2, field: '交易状态' })]);
    expect(find(r.errors, 'currency')).toEqual([expect.objectContaining({ line: 4, field: '货币种类' })]);
  });

  it('reports a header without a required column', async () => {
    const text = fixtureText('wechat-all-with-refund.csv').replace(',手续费,', ',服务费,');
    const r = await trade(text);
    expect(find(r.errors, 'missing_column')).toEqual([expect.objectContaining({ field: '手续费' })]);
    expect(find(r.warnings, 'unknown_column')).toEqual([expect.objectContaining({ field: '服务费' })]);
    expect(r.lines).toHaveLength(0);
  });
});

describe('WeChat trade bill: streaming', () => {
  it('hands lines on in batches of 2000 and ties out a generated bill', async () => {
    const path = join(tmp, 'bill-4500.csv');
    const written = await writeWechatBill(path, 4500, { crlf: true, bom: true });
    const batches: number[] = [];
    let amount = 0;
    let fee = 0;
    const out = await wechatTradeBillParser.parse(await fileSource(path), {
      expectedDate: '2024-03-15',
      emit: (b) => {
        batches.push(b.length);
        for (const l of b) {
          amount += l.amountFen;
          fee += l.feeFen;
        }
      },
    });
    expect(out.errors).toEqual([]);
    expect(out.warnings).toEqual([]);
    expect(batches).toEqual([2000, 2000, 500]);
    expect(out.lineCount).toBe(4500);
    expect(amount).toBe(written.settlementFen - written.refundFen);
    expect(fee).toBe(written.feeFen);
    expect(out.tieOut?.ok).toBe(true);
  });

  it('awaits each batch before reading on, and the last one before returning', async () => {
    const path = join(tmp, 'bill-slow-store.csv');
    await writeWechatBill(path, 4100);
    let inFlight = 0;
    let overlapped = false;
    const done: number[] = [];
    const out = await wechatTradeBillParser.parse(await fileSource(path), {
      emit: async (b) => {
        if (inFlight > 0) overlapped = true;
        inFlight++;
        await new Promise((r) => setTimeout(r, 20)); // a slow store write
        inFlight--;
        done.push(b.length);
      },
    });
    expect(overlapped).toBe(false);
    expect(done).toEqual([2000, 2000, 100]);
    expect(out.lineCount).toBe(4100);
    const slowFund = { finished: false };
    await wechatFundFlowParser.parse(bufferSource('f', fixture('wechat-fundflow.csv')), {
      emit: async () => {
        await new Promise((r) => setTimeout(r, 20));
        slowFund.finished = true;
      },
    });
    expect(slowFund.finished).toBe(true);
  });

  it('lists the first 100 cross-day lines and counts the rest, keeping every line', async () => {
    const path = join(tmp, 'bill-other-day.csv');
    await writeWechatBill(path, 3000, { date: '2024-03-14' });
    let n = 0;
    const out = await wechatTradeBillParser.parse(await fileSource(path), {
      expectedDate: '2024-03-15',
      emit: (b) => {
        n += b.length;
      },
    });
    expect(n).toBe(3000);
    expect(out.errors).toEqual([]);
    expect(out.warnings).toHaveLength(101);
    expect(out.warnings[0]).toMatchObject({ code: 'cross_day', line: 2 });
    expect(out.warnings[100]).toMatchObject({
      code: 'cross_day',
      line: null,
      message: expect.stringContaining('2900 more'),
    });
  });

  it('writes a GBK bill the parser reads the same way', async () => {
    const path = join(tmp, 'bill-gbk.csv');
    const written = await writeWechatBill(path, 300, { encoding: 'gbk' });
    let n = 0;
    const out = await wechatTradeBillParser.parse(await fileSource(path), {
      emit: (b) => {
        n += b.length;
      },
    });
    expect(out.detection.encoding).toBe('gb18030');
    expect(out.errors).toEqual([]);
    expect(n).toBe(written.lines);
  });

  // Default 250k lines keeps the suite quick; STATEMENT_BIG_LINES=1000000 runs the full million.
  const big = Number(process.env.STATEMENT_BIG_LINES ?? 250_000);
  it(`parses a ${big}-line bill with flat memory`, async () => {
    const path = join(tmp, 'bill-big.csv');
    const written = await writeWechatBill(path, big);
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    let count = 0;
    let largest = 0;
    const out = await wechatTradeBillParser.parse(await fileSource(path), {
      expectedDate: '2024-03-15',
      emit: (b) => {
        count += b.length;
        largest = Math.max(largest, b.length);
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      },
    });
    rmSync(path);
    expect(out.errors).toEqual([]);
    expect(count).toBe(written.lines);
    expect(largest).toBe(2000);
    expect(out.tieOut?.ok).toBe(true);
    // Holding the lines would take about 1.5 KB each (hundreds of MB); streaming stays near flat.
    expect(peak - base).toBeLessThan(120 * 1024 * 1024);
  }, 180_000);
});

describe('WeChat fund bill', () => {
  it('reads signs from 收支类型, checks the running balance and maps kinds', async () => {
    const r = await fund(fixture('wechat-fundflow.csv'), { expectedDate: '2024-03-15' });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.lines.map((l) => [l.kind, l.amountFen, l.status])).toEqual([
      ['payment', 500000, '收入'],
      ['fee', -3000, '支出'],
      ['refund', -500000, '支出'],
      ['fee', 3000, '收入'],
      ['settlement', -90000, '支出'],
    ]);
    expect(r.lines[2]).toMatchObject({
      refundNo: 'RF202403150001',
      merchantOrderNo: null,
      refNo: '1900000109202403150000000003',
      channelTxnId: '50300020240315000000000000001',
    });
    // Literal \r\n in a value is turned back into a line break.
    expect(r.lines[2]!.remark).toBe('退款总金额5000.00元;含手续费30.00元\r\n客户取消');
    expect(r.header.summary).toMatchObject({
      paymentCount: 2,
      paymentFen: 503000,
      refundCount: 3,
      refundFen: 593000,
      openingBalanceFen: 100000,
      closingBalanceFen: 10000,
    });
    // Counts printed as "5.0" are read as 5.
    expect(r.tieOut?.checks.map((c) => [c.name, c.printed, c.ok])).toEqual([
      ['资金流水总笔数', 5, true],
      ['收入笔数', 2, true],
      ['收入金额', 503000, true],
      ['支出笔数', 3, true],
      ['支出金额', 593000, true],
    ]);
  });

  it('reports a break in the running balance once, at the line that breaks it', async () => {
    const r = await fund(fixture('wechat-fundflow-balance-break.csv'));
    expect(r.errors).toEqual([
      expect.objectContaining({
        code: 'balance_break',
        line: 5,
        field: '账户结余(元)',
        message: expect.stringContaining('1000.00'),
      }),
    ]);
    expect(r.lines).toHaveLength(5);
  });

  it('reports an unknown 收支类型, a bad amount and a truncated line', async () => {
    const lines = fixtureText('wechat-fundflow.csv').split('\n');
    lines[1] = lines[1]!.replace('`收入,', '`入账,');
    lines[2] = lines[2]!.replace('`30.00,', '`30.0x,');
    lines[5] = lines[5]!.split(',`').slice(0, 8).join(',`');
    const r = await fund(lines.join('\n'));
    expect(find(r.errors, 'bad_direction')).toEqual([expect.objectContaining({ line: 2, field: '收支类型' })]);
    expect(find(r.errors, 'bad_amount')).toEqual([expect.objectContaining({ line: 3, field: '收支金额(元)' })]);
    expect(find(r.errors, 'field_count')).toEqual([expect.objectContaining({ line: 6 })]);
  });

  it('reports an error body and an empty file', async () => {
    expect(codes((await fund(fixture('wechat-error-body-no-bill.xml'))).errors)).toEqual(['channel_error_body']);
    expect(codes((await fund('')).errors)).toEqual(['empty']);
  });

  it('flags lines of another day and warns on duplicate flow numbers', async () => {
    const lines = fixtureText('wechat-fundflow.csv').split('\n');
    lines[5] = lines[5]!
      .replace('`2024-03-15 17:00:00', '`2024-03-16 00:00:02')
      .replace('1900000109202403150000000005', '1900000109202403150000000004');
    const r = await fund(lines.join('\n'), { expectedDate: '2024-03-15' });
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => [w.code, w.line])).toEqual([
      ['duplicate_id', 6],
      ['cross_day', 6],
    ]);
  });
});

describe.skipIf(!HAVE_SAMPLES)('real WeChat samples (../shared/samples)', () => {
  const sample = (name: string) => readFileSync(join(SAMPLES, name));

  it('wxjava ALL: one row of 6.00 whose summary claims 48 rows: reported, not accepted', async () => {
    const r = await trade(sample('wxjava_tradebill_ALL.csv'));
    expect(r.lines.map((l) => [l.kind, l.amountFen, l.feeFen, l.occurredAt])).toEqual([
      ['payment', 600, 4, '2019-07-25T08:35:41+08:00'],
    ]);
    expect(find(r.errors, 'summary_mismatch').map((e) => e.field)).toEqual([
      '应结订单总金额',
      '退款总金额',
      '手续费总金额',
      '订单总金额',
      '申请退款总金额',
    ]);
    expect(find(r.warnings, 'summary_count_mismatch')).toEqual([
      expect.objectContaining({ field: '总交易单数', message: expect.stringContaining('48') }),
    ]);
    expect(r.tieOut?.ok).toBe(false);
  });

  it('wxjava legacy 2014: full-width colons, 5-field summary, ties out', async () => {
    const r = await trade(sample('wxjava_tradebill_ALL_legacy2014.csv'));
    expect(r.errors).toEqual([]);
    expect(r.header.variant).toBe('legacy-2014');
    expect(r.lines.map((l) => [l.amountFen, l.occurredAt])).toEqual([
      [1, '2014-11-10T16:33:45+08:00'],
      [1, '2014-11-10T16:46:14+08:00'],
    ]);
    expect(r.tieOut?.ok).toBe(true);
  });

  it('wxjava REFUND: one refund of 0.01 whose summary claims 4 refunds of 2.02', async () => {
    const r = await trade(sample('wxjava_tradebill_REFUND.csv'));
    expect(r.lines.map((l) => [l.kind, l.amountFen, l.refundNo])).toEqual([['refund', -1, 'xxxx']]);
    expect(find(r.errors, 'summary_mismatch').map((e) => e.field)).toEqual([
      '退款总金额',
      '手续费总金额',
      '申请退款总金额',
    ]);
    expect(r.tieOut?.ok).toBe(false);
  });

  it('v3 fund bill (gzip): two 支出 rows, summary says three: reported', async () => {
    const source = bufferSource('wechat_v3_fundflowbill.csv.gz', sample('wechat_v3_fundflowbill.csv.gz'));
    expect(await sniffScore(wechatFundFlowParser, source)).toBeGreaterThanOrEqual(0.9);
    const r = await collectParse(wechatFundFlowParser, source);
    expect(r.detection.notes).toContain('gzip decompressed');
    expect(r.lines.map((l) => [l.kind, l.amountFen])).toEqual([
      ['refund', -1],
      ['refund', -1],
    ]);
    expect(r.lines[0]!.remark).toBe('退款总金额0.01元;含手续费0.00元');
    expect(find(r.errors, 'summary_mismatch').map((e) => e.field)).toEqual(['资金流水总笔数', '收入笔数', '收入金额']);
    expect(find(r.errors, 'balance_break')).toEqual([]);
  });
});
