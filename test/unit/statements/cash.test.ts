import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { collectParse } from '../../../src-main/statements/collect';
import { cashParser } from '../../../src-main/statements/formats/profile-parser';
import { bufferSource } from '../../../src-main/statements/source';

const ROOT = join(__dirname, '../../..');
const FIX = join(ROOT, 'test/fixtures/statements');
const fixture = (name: string) => readFileSync(join(FIX, name));
const parse = (name: string, bytes: Uint8Array, opts = {}) => collectParse(cashParser, bufferSource(name, bytes), opts);

describe('cash register template (cash-register@1)', () => {
  it('reads 收款明细 with a 缴款单 table below it; each slip ties out and becomes a settlement line', async () => {
    const r = await parse('cash.csv', fixture('cash-register-with-slips.csv'));
    expect(r.errors).toEqual([]);
    expect(r.detection.encoding).toBe('utf-8');
    expect(r.header).toMatchObject({ channel: 'cash', businessDate: '2026-10-03', format: 'cash-register-profile:v1' });
    expect(r.lines.map((l) => [l.lineNo, l.kind, l.amountFen, l.batchNo])).toEqual([
      [2, 'payment', 500000, 'JK0001'],
      [3, 'payment', 12000000, 'JK0001'],
      [4, 'refund', -20000, 'JK0001'],
      [5, 'payment', 30000, null],
      [8, 'settlement', -12480000, 'JK0001'],
    ]);
    expect(r.lines[0]).toMatchObject({
      channelTxnId: 'SK0001',
      merchantOrderNo: 'OTD20261003000123',
      occurredAt: '2026-10-03T10:15:00+08:00',
      businessDate: '2026-10-03',
    });
    expect(r.lines[0]!.raw['收银员工号']).toBe('000123');
    expect(r.lines[2]!.remark).toBe('退款:客户改选配'.replace(':', '：'));
    expect(r.lines[4]).toMatchObject({
      channelTxnId: 'JK0001',
      payerAccount: '0456',
      businessDate: '2026-10-03',
      occurredAt: '2026-10-03T00:00:00+08:00',
    });
    expect(r.tieOut).toEqual({
      ok: true,
      checks: [
        { name: '缴款单 JK0001 金额', printed: 12480000, computed: 12480000, ok: true },
        { name: '缴款单 JK0001 笔数', printed: 3, computed: 3, ok: true },
      ],
    });
  });

  it('slip mismatch: Σ明细 ≠ 金额, count ≠ 笔数, another centre, and a slip number with no slip (summary_mismatch)', async () => {
    const r = await parse('cash-register-slip-mismatch.csv', fixture('cash-register-slip-mismatch.csv'));
    const found = r.errors.map((e) => [e.line, e.code, e.field]);
    expect(found).toEqual([
      [8, 'summary_mismatch', '金额'],
      [8, 'summary_mismatch', '笔数'],
      [9, 'control_mismatch', null],
      [5, 'summary_mismatch', '缴款单号'],
    ]);
    expect(r.errors[0]!.message).toMatch(
      /缴款单 JK0001: 金额 125,500.00, but the 2 line\(s\) with 缴款单号 JK0001 add up to 125,000.00 \(difference 500.00\)/,
    );
    expect(r.errors[1]!.message).toMatch(/笔数 3, but 2 line/);
    expect(r.errors[2]!.message).toMatch(/JK0002 is for DC0101, but its lines are from DC0102/);
    expect(r.errors[3]!.message).toMatch(/缴款单号 JK0009 .*no such slip/);
    expect(r.tieOut?.ok).toBe(false);
  });

  it('duplicate 收款单号, bad 款项, three-decimal amount, impossible time, 合计 row, other-day line — any column order', async () => {
    const r = await parse('cash-bad.csv', fixture('cash-register-duplicate-and-bad-rows.csv'));
    const codes = r.errors.map((e) => `${e.line}:${e.code}:${e.field}`);
    expect(codes).toEqual([
      '3:bad_value:款项',
      '4:bad_amount:金额',
      '4:duplicate:收款单号',
      '5:bad_time:收款时间',
      '7:summary_mismatch:金额',
    ]);
    expect(r.errors.find((e) => e.code === 'duplicate')!.message).toMatch(/SK0001 appears twice \(first on line 2\)/);
    expect(r.errors.find((e) => e.code === 'bad_value')!.message).toMatch(/use one of 小定, 大定, 尾款, 其他/);
    expect(r.errors.find((e) => e.code === 'bad_amount')!.message).toMatch(/more than two decimal places/);
    expect(r.warnings.map((w) => `${w.line}:${w.code}`)).toEqual(['6:settle_date_mixed', '6:cross_day']);
    expect(r.lines.map((l) => l.lineNo)).toEqual([2, 6]);
  });

  it('refuses a GBK CSV (the template is UTF-8) with a message that says how to save it', async () => {
    const gbk = iconv.encode(
      fixture('cash-register-with-slips.csv')
        .toString('utf8')
        .replace(/^\uFEFF/, ''),
      'gbk',
    );
    const r = await parse('cash-gbk.csv', gbk);
    expect(r.lineCount).toBe(0);
    expect(r.errors[0]!.code).toBe('bad_encoding');
    expect(r.errors[0]!.message).toMatch(/not UTF-8.*GBK.*CSV UTF-8/);
  });

  it('reads a workbook whose times are real Excel dates and whose slips are on their own sheet', async () => {
    const wb = new ExcelJS.Workbook();
    const notes = wb.addWorksheet('说明');
    notes.addRow(['填写说明']);
    const d = wb.addWorksheet('收款明细');
    d.addRow([
      '业务日期',
      '交付中心编码',
      '收款时间',
      '订单号',
      '款项',
      '金额',
      '收银员工号',
      '收款单号',
      '缴款单号',
      '备注',
    ]);
    d.addRow([
      new Date(Date.UTC(2026, 9, 3)),
      'DC0101',
      new Date(Date.UTC(2026, 9, 3, 10, 15, 0)),
      'OTD1',
      '小定',
      5000,
      '000123',
      'SK1',
      'JK1',
      null,
    ]);
    d.getCell('A2').numFmt = 'yyyy-mm-dd';
    d.getCell('C2').numFmt = 'yyyy-mm-dd hh:mm:ss';
    d.addRow(['2026-10-03', 'DC0101', '2026-10-03 10:30:00', 'OTD2', '尾款', 1234.5, '000123', 'SK2', 'JK1', null]);
    const s = wb.addWorksheet('缴款单');
    s.addRow(['缴款单号', '缴款日期', '交付中心编码', '存入账号后四位', '金额', '笔数']);
    s.addRow(['JK1', new Date(Date.UTC(2026, 9, 3)), 'DC0101', '0456', 6234.5, 2]);
    s.getCell('B2').numFmt = 'yyyy-mm-dd';
    const r = await parse('cash.xlsx', new Uint8Array(await wb.xlsx.writeBuffer()));
    expect(r.errors).toEqual([]);
    expect(r.lines.map((l) => [l.member, l.lineNo, l.amountFen, l.occurredAt])).toEqual([
      ['收款明细', 2, 500000, '2026-10-03T10:15:00+08:00'],
      ['收款明细', 3, 123450, '2026-10-03T10:30:00+08:00'],
      ['缴款单', 2, -623450, '2026-10-03T00:00:00+08:00'],
    ]);
    expect(r.tieOut?.ok).toBe(true);
    expect(r.detection.notes.join('\n')).toMatch(/sheet "说明" has no .* header row; not read/);
  });

  describe('shipped templates (resources/templates, made by scripts/make-cash-template.ts)', () => {
    it('the .xlsx template imports as one receipt and one slip that tie out', async () => {
      const r = await parse(
        'cash-register-template.xlsx',
        readFileSync(join(ROOT, 'resources/templates/cash-register-template.xlsx')),
      );
      expect(r.errors).toEqual([]);
      expect(r.lines.map((l) => [l.member, l.kind, l.amountFen])).toEqual([
        ['收款明细', 'payment', 500000],
        ['缴款单', 'settlement', -500000],
      ]);
      expect(r.lines[0]!.raw['收银员工号']).toBe('000123');
      expect(r.lines[1]!.payerAccount).toBe('0456');
      expect(r.tieOut?.ok).toBe(true);
    });

    it('the .csv template is UTF-8 with a BOM and imports as one receipt', async () => {
      const bytes = readFileSync(join(ROOT, 'resources/templates/cash-register-template.csv'));
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const r = await parse('cash-register-template.csv', bytes);
      expect(r.errors).toEqual([]);
      expect(r.lines).toHaveLength(1);
      expect(r.lines[0]).toMatchObject({
        amountFen: 500000,
        channelTxnId: 'SK202610030001',
        batchNo: 'JK202610030001',
      });
      expect(r.detection.notes.join('\n')).toMatch(/no 缴款单 table in this file/);
    });
  });
});

describe('cash: slips before the details, or slips alone', () => {
  const details = [
    '业务日期,交付中心编码,收款时间,订单号,款项,金额,收银员工号,收款单号,缴款单号,备注',
    '2026-10-03,DC0101,2026-10-03 10:15:00,OTD1,大定,5000.00,000123,SK1,JK1,',
  ];
  const slips = ['缴款单号,缴款日期,交付中心编码,存入账号后四位,金额,笔数', 'JK1,2026-10-03,DC0101,0456,5000.00,1'];

  it('a CSV with the 缴款单 table first and the 收款明细 below still ties out', async () => {
    const r = await parse('slips-first.csv', Buffer.from([...slips, '', ...details].join('\n')));
    expect(r.errors).toEqual([]);
    expect(r.lines.map((l) => [l.lineNo, l.kind, l.amountFen])).toEqual([
      [2, 'settlement', -500000],
      [5, 'payment', 500000],
    ]);
    expect(r.tieOut?.ok).toBe(true);
  });

  it('a slips-only file is read but flagged as unchecked', async () => {
    const r = await parse('slips-only.csv', Buffer.from(slips.join('\n')));
    expect(r.errors).toEqual([]);
    expect(r.lines.map((l) => [l.kind, l.amountFen, l.payerAccount])).toEqual([['settlement', -500000, '0456']]);
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'slips_unchecked' })]);
  });
});
