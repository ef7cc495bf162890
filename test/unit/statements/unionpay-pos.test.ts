import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { collectParse } from '../../../src-main/statements/collect';
import { unionpayPosParser } from '../../../src-main/statements/formats/profile-parser';
import { bufferSource } from '../../../src-main/statements/source';

const FIX = join(__dirname, '../../fixtures/statements');
const fixture = (name: string) => readFileSync(join(FIX, name));
const parse = (name: string, bytes: Uint8Array, opts = {}) =>
  collectParse(unionpayPosParser, bufferSource(name, bytes), opts);

describe('UnionPay POS acquiring detail (unionpay-pos@1)', () => {
  it('signs 消费撤销 and 退货 as outflows though printed positive, keeps leading zeros, ties out the 合计 row', async () => {
    const r = await parse('pos.csv', fixture('unionpay-pos-void-and-return.csv'));
    expect(r.errors).toEqual([]);
    expect(r.header).toMatchObject({
      channel: 'unionpay',
      businessDate: '2026-10-03', // 清算日期
      merchantId: '898310058120001',
      periodStart: '2026-10-02T23:00:00+08:00',
      periodEnd: '2026-10-03T23:00:00+08:00',
    });
    expect(r.lines.map((l) => [l.lineNo, l.kind, l.amountFen, l.status])).toEqual([
      [4, 'payment', 100000, '消费'],
      [5, 'payment', 5000000, '消费'],
      [6, 'payment', 80000, '消费'],
      [7, 'reversal', -80000, '消费撤销'],
      [8, 'refund', -20000, '退货'],
      [9, 'payment', 30000, '消费'],
    ]);
    expect(r.lines[1]).toMatchObject({
      terminalId: '00012345',
      refNo: '000123456790',
      voucherNo: '000102',
      batchNo: '000001',
      cardMasked: '622848******1234',
      merchantOrderNo: 'OTD202610030001',
      feeFen: 30000,
    });
    expect(r.lines[1]!.raw['授权码']).toBe('012346');
    expect(r.tieOut?.ok).toBe(true);
    expect(r.tieOut?.checks.map((c) => [c.name, c.printed])).toEqual([
      ['合计 交易金额', 5310000],
      ['合计 手续费', 31740],
      ['合计 清算金额', 5278260],
    ]);
    expect(r.detection.notes.join('\n')).toMatch(/lines 1–2: title rows above the header/);
    expect(r.detection.notes.join('\n')).toMatch(/line 11: footer notes/);
  });

  it('applies the 23:00 cut-off: 23:30 of the day before belongs to this 清算日期; 23:10 is flagged cross_day and kept', async () => {
    const r = await parse('pos.csv', fixture('unionpay-pos-void-and-return.csv'));
    expect(r.lines[0]).toMatchObject({ occurredAt: '2026-10-02T23:30:00+08:00', businessDate: '2026-10-03' });
    expect(r.lines[5]).toMatchObject({ occurredAt: '2026-10-03T23:10:00+08:00', businessDate: '2026-10-04' });
    expect(r.warnings).toEqual([
      expect.objectContaining({
        line: 9,
        code: 'cross_day',
        message: expect.stringMatching(/2026-10-04 \(cut-off 23:00\), not 2026-10-03/),
      }),
    ]);
  });

  it('reports a 合计 row that does not match its lines', async () => {
    const text = fixture('unionpay-pos-void-and-return.csv').toString('utf8').replace('"53,100.00"', '"53,000.00"');
    const r = await parse('pos-off.csv', Buffer.from(text));
    expect(r.errors).toEqual([
      expect.objectContaining({
        line: 10,
        field: '交易金额',
        code: 'summary_mismatch',
        message: expect.stringMatching(/53,000.00.*53,100.00.*-100.00/),
      }),
    ]);
    expect(r.tieOut?.ok).toBe(false);
  });

  it('reads the same statement from an .xlsx with text cells, numeric amounts and a merged title', async () => {
    const csv = fixture('unionpay-pos-void-and-return.csv').toString('utf8').trim().split('\n');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('POS明细');
    ws.addRow(['商户POS交易明细查询']);
    ws.mergeCells('A1:P1');
    ws.addRow([]);
    for (const line of csv.slice(2, 9)) {
      const cells = line.match(/("[^"]*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, ''));
      const row = ws.addRow(
        cells.slice(0, 16).map((c, i) => (i >= 8 && i <= 10 && /^[\d,.]+$/.test(c) ? Number(c.replace(/,/g, '')) : c)),
      );
      row.getCell(13).numFmt = '@';
    }
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
    const r = await parse('pos.xlsx', bytes);
    expect(r.errors).toEqual([]);
    expect(r.detection.container).toBe('xlsx');
    expect(r.lines.map((l) => l.amountFen)).toEqual([100000, 5000000, 80000, -80000, -20000, 30000]);
    expect(r.lines[0]).toMatchObject({ lineNo: 4, member: 'POS明细', voucherNo: '000101', terminalId: '00012345' });
  });

  it('an unknown 交易类型 is an error that says how to fix it', async () => {
    const text = fixture('unionpay-pos-void-and-return.csv').toString('utf8').replace(',退货,', ',部分退款,');
    const r = await parse('pos-type.csv', Buffer.from(text));
    expect(r.errors[0]).toMatchObject({ line: 8, field: '交易类型', code: 'unknown_type' });
    expect(r.errors[0]!.message).toMatch(/部分退款.*add it to the profile/);
  });
});
