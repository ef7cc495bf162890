import { zipSync } from 'fflate';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { collectParse } from '../../../src-main/statements/collect';
import { allinpayParser, unionpayPosParser } from '../../../src-main/statements/formats/profile-parser';
import { bufferSource } from '../../../src-main/statements/source';
import { readZip } from '../../../src-main/statements/zip';

// allinpay-gbk.zip, built here: the detail CSV (GBK, API field names) plus a summary member that has
// no detail header. The layout is unconfirmed (design/statement-formats.md §5); this is the profile's.
const HEADER =
  'cusid,appid,trxid,chnltrxid,reqsn,trxcode,trxamt,fee,fintime,trxstatus,termno,termrefnum,traceno,termbatchid,cardno,trxreserved';
const ROWS = [
  '56058104816TUEE,00000051,2026100300001,,OTD202610030101,VSP001,1000000,3800,20261003093015,0000,00012001,000987654321,000011,000003,622848******0011,大定 刷卡',
  '56058104816TUEE,00000051,2026100300002,4200002026100312345,OTD202610030102,VSP501,500000,1900,20261003101200,0000,00012001,,,,,小定 微信',
  '56058104816TUEE,00000051,2026100300003,4200002026100312345,OTD202610030102,VSP503,500000,-1900,20261003150000,0000,00012001,,,,,退款',
  '56058104816TUEE,00000051,2026100300004,,OTD202610030103,VSP001,300000,1140,20261003160000,3045,00012001,000987654322,000012,000003,622848******0022,余额不足',
];

function allinpayZip(rows = ROWS): Uint8Array {
  const detail = iconv.encode([HEADER, ...rows].join('\r\n') + '\r\n', 'gbk');
  const summary = iconv.encode('商户号,交易笔数,交易金额\r\n56058104816TUEE,3,1000000\r\n', 'gbk');
  return zipSync({ '56058104816TUEE_20261003_detail.csv': detail, '56058104816TUEE_20261003_summary.csv': summary });
}

const parse = (bytes: Uint8Array, opts = {}) =>
  collectParse(allinpayParser, bufferSource('allinpay-gbk.zip', bytes), opts);

describe('Allinpay statement (allinpay@1): CSV in zip, GBK', () => {
  it('reads the GBK member of the zip, signs by trxcode, keeps POS ids with leading zeros', async () => {
    const r = await parse(allinpayZip());
    expect(r.errors).toEqual([]);
    expect(r.detection).toMatchObject({ container: 'zip', encoding: 'gb18030' });
    expect(r.header).toMatchObject({
      channel: 'allinpay',
      merchantId: '56058104816TUEE',
      businessDate: '2026-10-03',
      profileVersion: 'allinpay@1',
    });
    expect(r.lines.map((l) => [l.kind, l.amountFen, l.feeFen])).toEqual([
      ['payment', 1000000, 3800],
      ['payment', 500000, 1900],
      ['refund', -500000, -1900],
    ]);
    expect(r.lines[0]).toMatchObject({
      lineNo: 2,
      member: '56058104816TUEE_20261003_detail.csv',
      channelTxnId: '2026100300001',
      merchantOrderNo: 'OTD202610030101',
      terminalId: '00012001',
      refNo: '000987654321',
      voucherNo: '000011',
      batchNo: '000003',
      remark: '大定 刷卡',
      occurredAt: '2026-10-03T09:30:15+08:00',
    });
    expect(r.lines[1]!.raw['chnltrxid']).toBe('4200002026100312345');
  });

  it('a row whose trxstatus is not 0000 moved no money: reported with its line, not imported', async () => {
    const r = await parse(allinpayZip());
    expect(r.warnings).toContainEqual(
      expect.objectContaining({
        line: 5,
        member: '56058104816TUEE_20261003_detail.csv',
        code: 'not_settled',
        field: 'trxstatus',
      }),
    );
    expect(r.lines.some((l) => l.channelTxnId === '2026100300004')).toBe(false);
  });

  it('says which member it did not read', async () => {
    const r = await parse(allinpayZip());
    expect(r.warnings).toContainEqual(
      expect.objectContaining({ member: '56058104816TUEE_20261003_summary.csv', code: 'member_ignored' }),
    );
  });

  it("sniffs the zip by its members' header, not by the file name", () => {
    const bytes = allinpayZip();
    const members = readZip(bytes).map((m) => ({
      name: m.name,
      head: iconv.decode(Buffer.from(m.bytes), 'gb18030').split(/\r?\n/)[0]!,
    }));
    const input = { bytes, text: '', container: 'zip' as const, encoding: 'binary' as const, zipMembers: members };
    expect(allinpayParser.sniff(input)).toBeGreaterThan(0.8);
    expect(unionpayPosParser.sniff(input)).toBe(0);
  });

  it('refuses a merchant other than the one requested', async () => {
    const r = await parse(allinpayZip(), { expectedMerchant: '56058104816XXXX' });
    expect(r.errors[0]).toMatchObject({ line: 2, field: 'cusid', code: 'merchant_mismatch' });
  });

  it('reads a plain CSV portal export with Chinese headers and amounts in yuan', async () => {
    const csv = [
      '交易明细',
      '商户号,收银宝交易单号,商户订单号,交易类型,交易金额,手续费,交易完成时间,交易状态,终端号,参考号,凭证号',
      '56058104816TUEE,2026100300001,OTD1,消费,"10,000.00",38.00,2026-10-03 09:30:15,交易成功,00012001,000987654321,000011',
      '56058104816TUEE,2026100300005,OTD2,消费撤销,"10,000.00",38.00,2026-10-03 09:40:00,交易成功,00012001,000987654323,000013',
    ].join('\n');
    const r = await collectParse(allinpayParser, bufferSource('allinpay.csv', Buffer.from(csv)));
    expect(r.errors).toEqual([]);
    expect(r.lines.map((l) => [l.kind, l.amountFen, l.feeFen])).toEqual([
      ['payment', 1000000, 3800],
      ['reversal', -1000000, 3800],
    ]);
  });
});
