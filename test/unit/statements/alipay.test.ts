import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { collectParse } from '../../../src-main/statements/collect';
import { alipayStatementParser } from '../../../src-main/statements/formats/alipay-zip';
import { bufferSource, sniffHead } from '../../../src-main/statements/source';
import {
  CompactIdSet,
  IssueLog,
  foldWidth,
  looksExcelMangled,
  parseWholeCount,
  splitCsvLine,
  splitMarkedLine,
  trimCell,
  unescapeLiteralBreaks,
} from '../../../src-main/statements/text';
import type { ParseIssue } from '../../../src-main/statements/types';
import { type BuildEntry, buildZip } from '../../fixtures/statements/zip-builder';

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/statements');
const fixtureText = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const DETAIL = fixtureText('alipay-trade-detail.csv');
const SUMMARY = fixtureText('alipay-trade-summary.csv');
const DETAIL_NAME = '20881234123412340156_20240315_业务明细.csv';
const SUMMARY_NAME = '20881234123412340156_20240315_业务明细(汇总).csv';
const codes = (issues: ParseIssue[]) => issues.map((i) => i.code);
const find = (issues: ParseIssue[], code: string) => issues.filter((i) => i.code === code);

/** The statement zip as Alipay sends it: GBK names without the UTF-8 flag, GBK contents, CRLF. */
function alipayZip(detail = DETAIL, summary: string | null = SUMMARY, extra: BuildEntry[] = []): Uint8Array {
  const crlf = (t: string) => t.replace(/\n/g, '\r\n');
  const entries: BuildEntry[] = [];
  // Member order varies: the 汇总 comes first here.
  if (summary !== null)
    entries.push({ name: SUMMARY_NAME, nameEncoding: 'gbk', data: crlf(summary), dataEncoding: 'gbk' });
  entries.push({ name: DETAIL_NAME, nameEncoding: 'gbk', data: crlf(detail), dataEncoding: 'gbk' }, ...extra);
  return buildZip(entries);
}

const parse = (
  bytes: Uint8Array,
  opts: { expectedDate?: string; expectedMerchant?: string } = {},
  name = 'alipay.csv.zip',
) => collectParse(alipayStatementParser, bufferSource(name, bytes), opts);

/** Replace text in a fixture and insist the text was there. */
function edit(text: string, from: string | RegExp, to: string): string {
  const out = text.replace(from, to);
  if (out === text) throw new Error(`fixture edit found nothing to replace: ${String(from)}`);
  return out;
}

describe('Alipay 业务明细 zip', () => {
  it('reads the GBK zip: members by first line, PID, day, signs, fees, both checks', async () => {
    const r = await parse(alipayZip(), { expectedDate: '2024-03-15', expectedMerchant: '2088123412341234' });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.header).toMatchObject({
      channel: 'alipay',
      format: 'alipay-trade-zip',
      variant: 'trade',
      businessDate: '2024-03-15',
      merchantId: '2088123412341234',
      periodStart: '2024-03-15T00:00:00+08:00',
      periodEnd: '2024-03-16T00:00:00+08:00',
    });
    expect(r.detection).toMatchObject({ container: 'zip', encoding: 'gb18030' });
    expect(r.lines.map((l) => [l.lineNo, l.kind, l.amountFen, l.feeFen, l.businessDate])).toEqual([
      [6, 'payment', 500000, 3000, '2024-03-15'],
      [7, 'payment', 199000, 1194, '2024-03-15'],
      [8, 'refund', -500000, -3000, '2024-03-15'],
      [9, 'payment', 9999, 60, '2024-03-15'],
    ]);
    const refund = r.lines[2]!;
    expect(refund).toMatchObject({
      member: DETAIL_NAME,
      channelTxnId: '2024031522001400001000000001',
      originalTxnId: '2024031522001400001000000001',
      refundNo: 'RF202403150001',
      merchantOrderNo: 'SD202403150001',
      occurredAt: '2024-03-15T15:00:00+08:00',
      status: '退款',
      remark: '客户取消',
    });
    // Trailing tabs are trimmed; full-width headers are kept as printed in raw.
    expect(r.lines[0]!.raw['支付宝交易号']).toBe('2024031522001400001000000001');
    expect(r.lines[0]!.raw['商家实收（元）']).toBe('5000.00');
    expect(r.lines[3]!.raw['商品名称']).toBe('贴膜 "极光"版');
    expect(r.header.summary).toMatchObject({ paymentCount: 3, paymentFen: 708999, refundCount: 1, refundFen: 500000 });
    expect(r.tieOut?.ok).toBe(true);
    expect(r.tieOut?.checks.map((c) => c.name)).toEqual([
      `交易合计 笔数 (${DETAIL_NAME})`,
      `交易合计 商家实收 (${DETAIL_NAME})`,
      `退款合计 笔数 (${DETAIL_NAME})`,
      `退款合计 商家实收 (${DETAIL_NAME})`,
      '汇总 交易订单总笔数',
      '汇总 退款订单总笔数',
      '汇总 商家实收',
      '汇总 服务费',
      '汇总 订单金额',
    ]);
  });

  it('awaits the store before returning', async () => {
    let finished = 0;
    const out = await alipayStatementParser.parse(bufferSource('a.zip', alipayZip()), {
      emit: async (b) => {
        await new Promise((r) => setTimeout(r, 20));
        finished += b.length;
      },
    });
    expect(finished).toBe(4);
    expect(out.lineCount).toBe(4);
  });

  it('refuses a zip whose 合计 lines do not match the rows (alipay-gbk-footer-mismatch.zip)', async () => {
    const detail = edit(DETAIL, '#交易合计：3笔，商家实收共7089.99元', '#交易合计：4笔，商家实收共7189.99元');
    const r = await parse(alipayZip(detail), {}, 'alipay-gbk-footer-mismatch.zip');
    const mismatch = find(r.errors, 'summary_mismatch');
    expect(mismatch.map((e) => [e.line, e.field, e.member])).toEqual([
      [11, '交易合计', DETAIL_NAME],
      [11, '交易合计', DETAIL_NAME],
    ]);
    expect(mismatch[0]!.message).toContain('4');
    expect(mismatch[1]!.message).toContain('7189.99');
    expect(mismatch[1]!.message).toContain('7089.99');
    expect(r.tieOut?.ok).toBe(false);
  });

  it('checks the 汇总 member against the detail', async () => {
    const summary = edit(SUMMARY, /^合计,,3,1,2099.99,2089.99/m, '合计,,3,2,2099.99,2089.98');
    const r = await parse(alipayZip(DETAIL, summary));
    expect(find(r.errors, 'summary_mismatch').map((e) => [e.field, e.member])).toEqual([
      ['退款订单总笔数', SUMMARY_NAME],
      ['商家实收', SUMMARY_NAME],
    ]);
  });

  it('reads older 合计 wording (交易金额共…) and an unsigned refund total', async () => {
    const detail = edit(
      edit(
        DETAIL,
        '#交易合计：3笔，商家实收共7089.99元，商家优惠共10.00元',
        '#交易合计：3笔，交易金额共7089.99元，优惠金额共10.00元',
      ),
      '#退款合计：1笔，商家实收退款共-5000.00元',
      '#退款合计：1笔，退款金额共5000.00元',
    );
    const r = await parse(alipayZip(detail, null));
    expect(r.errors).toEqual([]);
    expect(r.tieOut?.ok).toBe(true);
  });

  it('reports a missing 合计 line and a cut-off row', async () => {
    const lines = DETAIL.split('\n');
    lines[6] = lines[6]!.split(',').slice(0, 14).join(',');
    const detail = lines.filter((l) => !l.startsWith('#退款合计')).join('\n');
    const r = await parse(alipayZip(detail, null));
    expect(find(r.errors, 'field_count')).toEqual([
      expect.objectContaining({ line: 7, member: DETAIL_NAME, message: expect.stringContaining('14 fields') }),
    ]);
    expect(find(r.errors, 'missing_summary')).toEqual([expect.objectContaining({ field: '退款合计' })]);
  });

  it('keeps a row completed after the period and flags it cross_day', async () => {
    const detail = edit(DETAIL, '2024-03-15 23:59:50,2024-03-15 23:59:59', '2024-03-15 23:59:50,2024-03-16 00:00:03');
    const r = await parse(alipayZip(detail, null), { expectedDate: '2024-03-15' });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      expect.objectContaining({ code: 'cross_day', line: 9, field: '完成时间', member: DETAIL_NAME }),
    ]);
    expect(r.lines[3]!.businessDate).toBe('2024-03-16');
  });

  it('warns about a payment listed twice', async () => {
    const lines = DETAIL.split('\n');
    lines.splice(6, 0, lines[5]!);
    const detail = edit(
      lines.join('\n'),
      '#交易合计：3笔，商家实收共7089.99元',
      '#交易合计：4笔，商家实收共12089.99元',
    );
    const r = await parse(alipayZip(detail, null));
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      expect.objectContaining({
        code: 'duplicate_id',
        line: 7,
        field: '支付宝交易号',
        message: expect.stringContaining('line 6'),
      }),
    ]);
    expect(r.lines).toHaveLength(5);
  });

  it('refuses a statement of another merchant or another day', async () => {
    const r = await parse(alipayZip(), { expectedDate: '2024-03-16', expectedMerchant: '2088000000000000' });
    expect(codes(r.errors).sort()).toEqual(['date_mismatch', 'merchant_mismatch']);
    expect(find(r.errors, 'merchant_mismatch')[0]).toMatchObject({ field: '账号', line: 2 });
  });

  it('reports bad amounts, bad times and an unknown 业务类型', async () => {
    const lines = DETAIL.split('\n');
    lines[5] = lines[5]!.replace(',5000.00,5000.00,', ',5000.00,5000.001,');
    lines[6] = lines[6]!.replace('2024-03-15 10:00:09', '2024/3/15 10:00');
    lines[8] = lines[8]!.replace('交易\t', '冻结\t');
    const r = await parse(alipayZip(lines.join('\n'), null));
    expect(find(r.errors, 'bad_amount')).toEqual([expect.objectContaining({ line: 6, field: '商家实收（元）' })]);
    expect(find(r.errors, 'bad_time')).toEqual([expect.objectContaining({ line: 7, field: '完成时间' })]);
    expect(find(r.errors, 'bad_type')).toEqual([
      expect.objectContaining({ line: 9, field: '业务类型', message: expect.stringContaining('冻结') }),
    ]);
  });

  it('passes zip refusals through as parse errors naming the member', async () => {
    const encrypted = alipayZip(DETAIL, SUMMARY, [
      { name: '密码.csv', nameEncoding: 'gbk', data: 'x', encrypted: true },
    ]);
    const r = await parse(encrypted);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'zip_encrypted', member: '密码.csv' })]);
    expect(r.lines).toHaveLength(0);
    const traversal = await parse(alipayZip(DETAIL, SUMMARY, [{ name: '../../evil.csv', data: 'x' }]));
    expect(codes(traversal.errors)).toEqual(['zip_path']);
  });

  it('warns about a member it does not know and refuses a zip without a detail member', async () => {
    const r = await parse(alipayZip(DETAIL, SUMMARY, [{ name: 'readme.txt', data: 'hello' }]));
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'unknown_member', member: 'readme.txt' })]);
    const none = await parse(buildZip([{ name: 'readme.txt', data: 'hello' }]));
    expect(codes(none.errors)).toEqual(['missing_member']);
  });

  it('sniffs the zip from its GBK member names and the CSV from its first line', async () => {
    const zipSource = bufferSource('a.zip', alipayZip(DETAIL, null));
    const zipHead = zipSource.detection.container === 'zip' ? await zipSource.bytes() : new Uint8Array();
    expect(
      alipayStatementParser.sniff({
        bytes: zipHead.subarray(0, 65536),
        text: '',
        container: 'zip',
        encoding: 'binary',
      }),
    ).toBeGreaterThanOrEqual(0.8);
    expect(
      alipayStatementParser.sniff({
        bytes: new Uint8Array(),
        text: '',
        container: 'zip',
        encoding: 'binary',
        zipMembers: [{ name: DETAIL_NAME, head: '#支付宝业务明细查询' }],
      }),
    ).toBeGreaterThanOrEqual(0.9);
    const csv = bufferSource('a.csv', iconv.encode(DETAIL, 'gbk'));
    const head = await sniffHead(csv);
    expect(
      alipayStatementParser.sniff({ ...head, container: 'plain', encoding: csv.detection.encoding }),
    ).toBeGreaterThanOrEqual(0.9);
    const wechat = bufferSource('w.csv', readFileSync(join(FIXTURES, 'wechat-all-with-refund.csv')));
    expect(alipayStatementParser.sniff({ ...(await sniffHead(wechat)), container: 'plain', encoding: 'utf-8' })).toBe(
      0,
    );
  });
});

describe('Alipay CSV without the zip', () => {
  it('reads a bare 业务明细 CSV in GBK', async () => {
    const r = await parse(iconv.encode(DETAIL.replace(/\n/g, '\r\n'), 'gbk'), {}, 'detail.csv');
    expect(r.errors).toEqual([]);
    expect(r.header).toMatchObject({
      format: 'alipay-trade-csv',
      merchantId: '2088123412341234',
      businessDate: '2024-03-15',
    });
    expect(r.detection.encoding).toBe('gb18030');
    expect(r.lines.map((l) => l.amountFen)).toEqual([500000, 199000, -500000, 9999]);
    expect(r.lines[0]!.member).toBeUndefined();
    expect(r.tieOut?.ok).toBe(true);
  });

  it('refuses ids that Excel turned into 2.02403E+27', async () => {
    const r = await parse(Buffer.from(fixtureText('alipay-excel-mangled.csv'), 'utf8'), {}, 'mangled.csv');
    expect(find(r.errors, 'excel_mangled')).toEqual([
      expect.objectContaining({ line: 6, field: '支付宝交易号', message: expect.stringContaining('Excel') }),
    ]);
    expect(r.lines).toHaveLength(0);
  });

  it('reports an empty file', async () => {
    const r = await parse(new Uint8Array(0), {}, 'empty.csv');
    expect(codes(r.errors)).toEqual(['empty']);
  });

  it('reports text that is not an Alipay statement', async () => {
    const r = await parse(Buffer.from('hello,world\n1,2\n'), {}, 'other.csv');
    expect(codes(r.errors)).toEqual(['not_alipay']);
    expect(codes(r.warnings)).toEqual(['missing_preamble']);
  });
});

describe('Alipay 账务明细 (signcustomer)', () => {
  const LEDGER = fixtureText('alipay-signcustomer.csv');

  it('combines 收入/支出 into one signed amount, maps kinds and checks the footers', async () => {
    const r = await parse(iconv.encode(LEDGER, 'gbk'), { expectedDate: '2024-03-15' }, 'ledger.csv');
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.header).toMatchObject({
      format: 'alipay-signcustomer-csv',
      variant: 'signcustomer',
      merchantId: '2088123412341234',
    });
    expect(r.lines.map((l) => [l.kind, l.amountFen, l.refNo])).toEqual([
      ['payment', 500000, '20240315100001'],
      ['fee', -3000, '20240315100002'],
      ['refund', -500000, '20240315100003'],
      ['settlement', -900000, '20240315100004'],
    ]);
    expect(r.header.summary).toMatchObject({ paymentCount: 1, paymentFen: 500000, refundCount: 3, refundFen: 1403000 });
    expect(r.tieOut?.ok).toBe(true);
  });

  it('reads the 账务明细 inside a zip and warns when the balance does not follow', async () => {
    const ledger = edit(LEDGER, ',9970.00,', ',9971.00,');
    const zip = buildZip([
      { name: '20881234123412340156_20240315_账务明细.csv', nameEncoding: 'gbk', data: ledger, dataEncoding: 'gbk' },
    ]);
    const r = await parse(zip);
    expect(r.header.format).toBe('alipay-signcustomer-zip');
    expect(r.errors).toEqual([]);
    expect(find(r.warnings, 'balance_break').map((w) => w.line)).toEqual([8, 9]);
  });

  it('refuses a line with both 收入 and 支出 and a footer that does not add up', async () => {
    const ledger = edit(
      edit(LEDGER, ',5000.00,0.00,15000.00,', ',5000.00,-1.00,15000.00,'),
      '#收入合计：1笔，共5000.00元',
      '#收入合计：2笔，共5000.00元',
    );
    const r = await parse(Buffer.from(ledger, 'utf8'), {}, 'ledger.csv');
    expect(find(r.errors, 'bad_amount')).toEqual([expect.objectContaining({ line: 6, field: '收入金额（+元）' })]);
    expect(codes(r.errors)).toContain('summary_mismatch');
  });
});

describe('shared text helpers (text.ts)', () => {
  it('folds full-width forms and trims channel decoration', () => {
    expect(foldWidth('订单金额（元）：１２３')).toBe('订单金额(元):123');
    expect(foldWidth('\u3000abc')).toBe(' abc');
    expect(trimCell('`4200000001\t ')).toBe('4200000001');
    expect(trimCell('\t 小定 \t')).toBe('小定');
  });

  it('splits CSV honouring double quotes, and reports an unclosed quote', () => {
    expect(splitCsvLine('a,"b,c",d')).toEqual({ fields: ['a', 'b,c', 'd'], unterminatedQuote: false });
    expect(splitCsvLine('"say ""hi""",x')).toEqual({ fields: ['say "hi"', 'x'], unterminatedQuote: false });
    expect(splitCsvLine('a,"b"\t,c').fields).toEqual(['a', 'b\t', 'c']);
    expect(splitCsvLine('贴膜 "极光"版,1').fields).toEqual(['贴膜 "极光"版', '1']);
    expect(splitCsvLine('a,,').fields).toEqual(['a', '', '']);
    expect(splitCsvLine('a,"open').unterminatedQuote).toBe(true);
  });

  it('splits backtick lines only where a backtick follows the comma', () => {
    expect(splitMarkedLine('`a,`b, c,`')).toEqual(['a', 'b, c', '']);
    expect(splitMarkedLine('交易时间,商户号')).toBeNull();
  });

  it('unescapes literal line breaks, reads whole counts, spots Excel-mangled ids', () => {
    expect(unescapeLiteralBreaks('a\\r\\nb\\nc')).toBe('a\r\nb\nc');
    expect(parseWholeCount('20.0')).toBe(20);
    expect(parseWholeCount('20')).toBe(20);
    expect(parseWholeCount('20.5')).toBeNull();
    expect(parseWholeCount('-1')).toBeNull();
    expect(looksExcelMangled('2.01909E+27')).toBe(true);
    expect(looksExcelMangled('2019091622001458860515315453')).toBe(false);
  });

  it('caps an issue list per code and says how many more there were', () => {
    const log = new IssueLog(3);
    for (let i = 1; i <= 10; i++) log.add({ line: i, field: null, code: 'cross_day', message: 'x' });
    log.add({ line: 11, field: null, code: 'bad_time', message: 'y' });
    const out = log.finish();
    expect(out.map((i) => [i.code, i.line])).toEqual([
      ['cross_day', 1],
      ['cross_day', 2],
      ['cross_day', 3],
      ['bad_time', 11],
      ['cross_day', null],
    ]);
    expect(out[4]!.message).toContain('7 more');
    expect(log.total).toBe(11);
  });

  it('remembers ids compactly across growth and finds every repeat', () => {
    const ids = new CompactIdSet();
    let repeats = 0;
    for (let i = 0; i < 50_000; i++) if (ids.add(`4200000${i}`, i + 1) !== null) repeats++;
    expect(repeats).toBe(0);
    expect(ids.add('42000000', 99)).toBe(1);
    expect(ids.add('420000049999', 99)).toBe(50_000);
    expect(ids.add('R42000000', 99)).toBeNull();
  });
});
