import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { collectParse } from '../../../src-main/statements/collect';
import { createUnionPayZmParser, unionPayZmParser } from '../../../src-main/statements/formats/unionpay-zm';
import { bufferSource } from '../../../src-main/statements/source';
import type { ParseOptions, SniffInput } from '../../../src-main/statements/types';
import { buildZip } from '../../fixtures/statements/zip-builder';

// ---------------------------------------------------------------------------------------------
// A ZM line built from the published widths (design/statement-formats.md §4a), independently of
// the parser's own table. Values are strings (ASCII) or bytes (GBK/UTF-8 text); each is padded
// with spaces to its width and the 42 fields are joined by one space: 607 bytes.

const WIDTHS = [
  3, 11, 11, 6, 10, 19, 12, 4, 2, 21, 2, 32, 2, 6, 10, 13, 13, 4, 15, 2, 2, 6, 2, 4, 32, 1, 21, 15, 1, 15, 32, 13, 13,
  8, 32, 13, 13, 12, 2, 1, 32, 98,
];
const IDX = {
  code: 0,
  acq: 1,
  snd: 2,
  trace: 3,
  time: 4,
  card: 5,
  amount: 6,
  mcc: 7,
  termType: 8,
  queryId: 9,
  orderId: 11,
  fee: 15,
  settle: 16,
  payType: 17,
  txnType: 19,
  txnSubType: 20,
  bizType: 21,
  origQryId: 26,
  merId: 27,
  subMerName: 30,
  terminal: 33,
  merDefined: 34,
} as const;
type ZmValues = Partial<Record<keyof typeof IDX, string | Uint8Array>>;

const MER = '777290058110048';

function zmLine(v: ZmValues): Buffer {
  const defaults: ZmValues = {
    code: 'S22',
    acq: '00010000',
    snd: '00010000',
    trace: '000001',
    card: '6222021234567890123',
    mcc: '5511',
    termType: '07',
    payType: '0001',
    txnSubType: '01',
    bizType: '000201',
    merId: MER,
    terminal: '00000001',
    fee: '0000000000000',
    settle: '0000000000000',
  };
  const all = { ...defaults, ...v };
  const parts = WIDTHS.map((w, i) => {
    const key = (Object.keys(IDX) as (keyof typeof IDX)[]).find((k) => IDX[k] === i);
    const value = key ? all[key] : undefined;
    const bytes =
      value === undefined
        ? Buffer.alloc(0)
        : typeof value === 'string'
          ? Buffer.from(value, 'latin1')
          : Buffer.from(value);
    if (bytes.length > w) throw new Error(`value for field ${i + 1} is ${bytes.length} bytes, wider than ${w}`);
    return Buffer.concat([bytes, Buffer.alloc(w - bytes.length, 0x20)]);
  });
  const line = Buffer.concat(parts.flatMap((p, i) => (i ? [Buffer.from(' '), p] : [p])));
  if (line.length !== 607) throw new Error(`built a ${line.length}-byte line`);
  return line;
}

const join_ = (lines: Buffer[], eol = '\r\n') => Buffer.concat(lines.flatMap((l) => [l, Buffer.from(eol)]));

/** Payment, its void, a refund of an earlier payment, a 23:05 payment (next business day), and one of the previous evening. */
function voidAndRefund(): Buffer {
  return join_([
    zmLine({
      trace: '100001',
      time: '0105233000',
      amount: '000000100000',
      queryId: '202501052330000000001',
      orderId: 'OTD202501050001',
      fee: 'D000000000600',
      settle: 'C000000099400',
      txnType: '01',
    }),
    zmLine({
      trace: '100002',
      time: '0106101500',
      amount: '000000250000',
      queryId: '202501061015000000002',
      orderId: 'OTD202501060002',
      fee: '0000000001500',
      settle: '0000000248500',
      txnType: '01',
    }),
    zmLine({
      trace: '100003',
      time: '0106102000',
      amount: '000000250000',
      queryId: '202501061020000000003',
      orderId: 'OTD202501060002V',
      fee: 'C000000001500',
      settle: 'D000000248500',
      txnType: '31',
      origQryId: '202501061015000000002',
    }),
    zmLine({
      trace: '100004',
      time: '0106140000',
      amount: '000000030000',
      queryId: '202501061400000000004',
      orderId: 'RF202501060001',
      fee: '-000000000180',
      settle: '-000000029820',
      txnType: '04',
      origQryId: '202501052330000000001',
    }),
    zmLine({
      trace: '100005',
      time: '0106230500',
      amount: '000000008800',
      queryId: '202501062305000000005',
      orderId: 'OTD202501060005',
      fee: '+000000000053',
      settle: '+000000008747',
      txnType: '01',
      terminal: '00000002',
    }),
  ]);
}

/** 二级商户简称 in GBK on line 1, 商户自定义域 in UTF-8 on line 2: each field is decoded on its own. */
function gbkFields(): Buffer {
  return join_(
    [
      zmLine({
        time: '0106090000',
        amount: '000000001000',
        queryId: '202501060900000000011',
        orderId: 'OTD1',
        txnType: '01',
        subMerName: iconv.encode('上海交付中心', 'gbk'),
        merDefined: iconv.encode('小定', 'gbk'),
      }),
      zmLine({
        time: '0106091000',
        amount: '000000002000',
        queryId: '202501060910000000012',
        orderId: 'OTD2',
        txnType: '01',
        merDefined: Buffer.from('大定', 'utf8'),
      }),
    ],
    '\n',
  );
}

/** One good line, then one mistake per line. */
function badLines(): Buffer {
  const good = zmLine({
    time: '0106090000',
    amount: '000000001000',
    queryId: '202501060900000000021',
    orderId: 'OTD21',
    txnType: '01',
  });
  const shifted = Buffer.from(
    zmLine({
      time: '0106090500',
      amount: '000000001000',
      queryId: '202501060905000000027',
      orderId: 'OTD27',
      txnType: '01',
    }),
  );
  shifted[65] = 0x30; // the separator before 交易金额 (offset 66) is not a space
  return join_([
    good,
    good.subarray(0, 400), // cut off
    zmLine({
      time: '0106090100',
      amount: '00000001000A',
      queryId: '202501060901000000023',
      orderId: 'OTD23',
      txnType: '01',
    }),
    zmLine({
      time: '0106090200',
      amount: '000000001000',
      queryId: '202501060902000000024',
      orderId: 'OTD24',
      txnType: '99',
    }),
    zmLine({
      time: '1332250000',
      amount: '000000001000',
      queryId: '202501060903000000025',
      orderId: 'OTD25',
      txnType: '01',
    }),
    zmLine({
      time: '0106090400',
      amount: '000000001000',
      queryId: '202501060904000000026',
      orderId: 'OTD26',
      txnType: '01',
      fee: 'X000000000010',
    }),
    shifted,
  ]);
}

// The fixtures on disk are exactly what the builders above produce (UPDATE_FIXTURES=1 rewrites them).
const FIX = join(__dirname, '../../fixtures/statements');
const FIXTURES: Record<string, () => Buffer> = {
  'unionpay-zm-void-and-refund.txt': voidAndRefund,
  'unionpay-zm-gbk-fields.txt': gbkFields,
  'unionpay-zm-bad-lines.txt': badLines,
};
if (process.env.UPDATE_FIXTURES === '1')
  for (const [name, build] of Object.entries(FIXTURES)) writeFileSync(join(FIX, name), build());
const fixture = (name: string) => readFileSync(join(FIX, name));

const parse = (name: string, bytes: Uint8Array, opts: Omit<ParseOptions, 'emit'> = {}, parser = unionPayZmParser) =>
  collectParse(parser, bufferSource(name, bytes), opts);

function sniffOf(bytes: Uint8Array, zipMembers?: SniffInput['zipMembers']): number {
  const s = bufferSource('x', bytes);
  const text =
    s.detection.encoding === 'gb18030'
      ? iconv.decode(Buffer.from(bytes), 'gb18030')
      : Buffer.from(bytes).toString('utf8');
  return unionPayZmParser.sniff({
    bytes,
    text,
    container: s.detection.container,
    encoding: s.detection.encoding,
    zipMembers,
  });
}

describe('UnionPay ZM fixtures', () => {
  it('are on disk exactly as the width-based builder makes them', () => {
    for (const [name, build] of Object.entries(FIXTURES)) {
      expect(existsSync(join(FIX, name)), name).toBe(true);
      expect(Buffer.compare(fixture(name), build()), name).toBe(0);
    }
  });
});

describe('UnionPay ZM file (unionpay-zm)', () => {
  it('reads payments, a void (撤销) and a refund (退货) as outflows linked to their originals', async () => {
    const r = await parse('zm', fixture('unionpay-zm-void-and-refund.txt'), { expectedDate: '2025-01-06' });
    expect(r.errors).toEqual([]);
    expect(r.header).toMatchObject({
      channel: 'unionpay',
      format: 'unionpay-zm',
      businessDate: '2025-01-06',
      merchantId: MER,
      currency: 'CNY',
      periodStart: '2025-01-05T23:00:00+08:00',
      periodEnd: '2025-01-06T23:00:00+08:00',
      summary: null,
    });
    expect(r.lineCount).toBe(5);
    expect(r.lines.map((l) => [l.lineNo, l.kind, l.amountFen, l.feeFen, l.status])).toEqual([
      [1, 'payment', 100000, 600, '消费'],
      [2, 'payment', 250000, 1500, '消费'],
      [3, 'reversal', -250000, -1500, '消费撤销'],
      [4, 'refund', -30000, -180, '退货'],
      [5, 'payment', 8800, 53, '消费'],
    ]);
    expect(r.lines[2]).toMatchObject({
      channelTxnId: '202501061020000000003',
      merchantOrderNo: null,
      refundNo: 'OTD202501060002V',
      originalTxnId: '202501061015000000002',
      voucherNo: '100003',
      terminalId: '00000001',
    });
    expect(r.lines[3]!.originalTxnId).toBe('202501052330000000001');
    expect(r.lines[0]).toMatchObject({
      merchantOrderNo: 'OTD202501050001',
      refundNo: null,
      originalTxnId: null,
      cardMasked: '622202*********0123',
    });
    // the full card number is kept nowhere, not even in raw
    expect(JSON.stringify(r.lines)).not.toContain('6222021234567890123');
    expect(r.lines[0]!.raw['结算金额']).toBe('C000000099400');
    expect(r.lines[0]!.raw['商户代码']).toBe(MER);
  });

  it("applies the 23:00 cut-off: 23:30 of the day before is this file's day; 23:05 today is the next day, kept and flagged", async () => {
    const r = await parse('zm', fixture('unionpay-zm-void-and-refund.txt'), { expectedDate: '2025-01-06' });
    expect(r.lines[0]).toMatchObject({ occurredAt: '2025-01-05T23:30:00+08:00', businessDate: '2025-01-06' });
    expect(r.lines[1]).toMatchObject({ occurredAt: '2025-01-06T10:15:00+08:00', businessDate: '2025-01-06' });
    expect(r.lines[4]).toMatchObject({ occurredAt: '2025-01-06T23:05:00+08:00', businessDate: '2025-01-07' });
    expect(r.warnings).toEqual([
      expect.objectContaining({
        line: 5,
        code: 'cross_day',
        message: expect.stringMatching(
          /business date 2025-01-07 \(UnionPay cut-off 23:00\), not the file date 2025-01-06/,
        ),
      }),
    ]);
    expect(r.detection.notes).toContain('business day cut-off 23:00 Beijing time');
  });

  it('takes the cut-off as an option (profile or factory); 24:00 means the calendar day', async () => {
    const calendar = await parse('zm', fixture('unionpay-zm-void-and-refund.txt'), {
      expectedDate: '2025-01-06',
      profile: { cutoff: '24:00' },
    });
    expect(calendar.lines.map((l) => l.businessDate)).toEqual([
      '2025-01-05',
      '2025-01-06',
      '2025-01-06',
      '2025-01-06',
      '2025-01-06',
    ]);
    expect(calendar.header.periodStart).toBe('2025-01-06T00:00:00+08:00');
    expect(calendar.warnings.map((w) => [w.line, w.code])).toEqual([[1, 'cross_day']]);
    const early = await parse(
      'zm',
      fixture('unionpay-zm-void-and-refund.txt'),
      { expectedDate: '2025-01-06' },
      createUnionPayZmParser({ cutoff: '14:00' }),
    );
    expect(early.lines.map((l) => l.businessDate)).toEqual([
      '2025-01-06',
      '2025-01-06',
      '2025-01-06',
      '2025-01-07',
      '2025-01-07',
    ]);
    const bad = await parse('zm', fixture('unionpay-zm-void-and-refund.txt'), {
      expectedDate: '2025-01-06',
      profile: { cutoff: '25:00' },
    });
    expect(bad.errors).toEqual([
      expect.objectContaining({ code: 'bad_option', message: expect.stringContaining('25:00') }),
    ]);
  });

  it('slices bytes before decoding: a GBK field and a UTF-8 field in the same file both read right', async () => {
    const bytes = fixture('unionpay-zm-gbk-fields.txt');
    expect(bufferSource('zm', bytes).detection.encoding).toBe('gb18030');
    const r = await parse('zm', bytes, { expectedDate: '2025-01-06' });
    expect(r.errors).toEqual([]);
    expect(r.lines.map((l) => [l.raw['二级商户简称'], l.remark, l.amountFen])).toEqual([
      ['上海交付中心', '小定', 1000],
      ['', '大定', 2000],
    ]);
  });

  it('refuses every bad line with its number and field, and keeps the good one', async () => {
    const r = await parse('zm', fixture('unionpay-zm-bad-lines.txt'), { expectedDate: '2025-01-06' });
    expect(r.lines.map((l) => l.lineNo)).toEqual([1]);
    expect(r.errors.map((e) => [e.line, e.code, e.field])).toEqual([
      [2, 'line_length', null],
      [3, 'bad_amount', '交易金额'],
      [4, 'unknown_type', '交易类型'],
      [5, 'bad_time', '交易传输时间'],
      [6, 'bad_amount', '商户手续费'],
      [7, 'bad_layout', '交易金额'],
    ]);
    expect(r.errors[0]!.message).toMatch(/line 2 is 400 bytes long; every ZM line has exactly 607 bytes/);
    expect(r.errors[3]!.message).toMatch(/month 13, day 32/);
  });

  it('needs the statement date for a plain file (the lines carry no year)', async () => {
    const r = await parse('INN25010601ZM_777290058110048', fixture('unionpay-zm-void-and-refund.txt'));
    expect(r.lineCount).toBe(0);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'no_date', line: null })]);
    expect(r.header.businessDate).toBeNull();
  });

  it('reports another merchant, a duplicate queryId and an empty file', async () => {
    const wrong = await parse('zm', fixture('unionpay-zm-void-and-refund.txt'), {
      expectedDate: '2025-01-06',
      expectedMerchant: '777290058119999',
    });
    expect(wrong.errors.map((e) => [e.line, e.code])).toEqual([1, 2, 3, 4, 5].map((n) => [n, 'wrong_merchant']));
    const line = zmLine({
      time: '0106090000',
      amount: '000000001000',
      queryId: '202501060900000000031',
      orderId: 'OTD31',
      txnType: '01',
    });
    const dup = await parse('zm', join_([line, line]), { expectedDate: '2025-01-06' });
    expect(dup.lineCount).toBe(2);
    expect(dup.warnings).toEqual([
      expect.objectContaining({ line: 2, code: 'duplicate_id', message: expect.stringContaining('line 1') }),
    ]);
    const empty = await parse('zm', Buffer.from('\r\n\r\n'), { expectedDate: '2025-01-06' });
    expect(empty.errors.map((e) => e.code)).toEqual(['empty']);
  });

  it('reads the fileTransfer zip: year and date from the INN member name, ZME member ignored with a note', async () => {
    const zip = buildZip([
      { name: `INN25010601ZM_${MER}`, data: fixture('unionpay-zm-void-and-refund.txt') },
      { name: `INN25010601ZME_${MER}`, data: 'error transactions' },
    ]);
    const r = await parse(`${MER}_20250106.zip`, zip);
    expect(r.errors).toEqual([]);
    expect(r.header).toMatchObject({ businessDate: '2025-01-06', merchantId: MER, variant: 'zip' });
    expect(r.lines).toHaveLength(5);
    expect(r.lines.every((l) => l.member === `INN25010601ZM_${MER}`)).toBe(true);
    expect(r.warnings.map((w) => [w.line, w.code, w.member])).toEqual([[5, 'cross_day', `INN25010601ZM_${MER}`]]);
    expect(r.detection.notes.join('\n')).toMatch(
      /INN25010601ZME_777290058110048 \(ZME: error transactions, not settled money\) ignored/,
    );
  });

  it('puts December lines of a January file in the previous year', async () => {
    const bytes = join_([
      zmLine({
        time: '1231233000',
        amount: '000000001000',
        queryId: '202412312330000000041',
        orderId: 'OTD41',
        txnType: '01',
      }),
      zmLine({
        time: '1231220000',
        amount: '000000002000',
        queryId: '202412312200000000042',
        orderId: 'OTD42',
        txnType: '01',
      }),
      zmLine({
        time: '0101080000',
        amount: '000000003000',
        queryId: '202501010800000000043',
        orderId: 'OTD43',
        txnType: '01',
      }),
    ]);
    const r = await parse('x.zip', buildZip([{ name: `INN25010101ZM_${MER}`, data: bytes }]));
    expect(r.errors).toEqual([]);
    expect(r.lines.map((l) => [l.occurredAt, l.businessDate])).toEqual([
      ['2024-12-31T23:30:00+08:00', '2025-01-01'],
      ['2024-12-31T22:00:00+08:00', '2024-12-31'],
      ['2025-01-01T08:00:00+08:00', '2025-01-01'],
    ]);
    expect(r.warnings.map((w) => [w.line, w.code])).toEqual([[2, 'cross_day']]);
  });

  it('refuses a zip without a ZM member, a member of another merchant, and a damaged zip', async () => {
    const none = await parse('x.zip', buildZip([{ name: 'readme.txt', data: 'hello' }]));
    expect(none.errors.map((e) => e.code)).toEqual(['no_statement']);
    expect(none.warnings.map((w) => w.code)).toEqual(['ignored_member']);
    const other = await parse(
      'x.zip',
      buildZip([{ name: 'INN25010601ZM_777290058119999', data: fixture('unionpay-zm-void-and-refund.txt') }]),
    );
    expect(other.errors.map((e) => e.code)).toEqual(Array(5).fill('wrong_merchant'));
    expect(other.lineCount).toBe(0);
    const zip = buildZip([{ name: `INN25010601ZM_${MER}`, data: fixture('unionpay-zm-void-and-refund.txt') }]);
    const damaged = await parse('x.zip', zip.subarray(0, zip.length - 30));
    expect(damaged.errors.map((e) => e.code)).toEqual(['zip_corrupt']);
    const locked = await parse('x.zip', buildZip([{ name: `INN25010601ZM_${MER}`, data: 'x', encrypted: true }]));
    expect(locked.errors.map((e) => e.code)).toEqual(['zip_encrypted']);
  });

  it('sniffs the format from content, never from the file name', () => {
    expect(sniffOf(fixture('unionpay-zm-void-and-refund.txt'))).toBe(0.95);
    expect(sniffOf(fixture('unionpay-zm-gbk-fields.txt'))).toBe(0.95);
    const zip = buildZip([{ name: `INN25010601ZM_${MER}`, data: fixture('unionpay-zm-void-and-refund.txt') }]);
    const head = fixture('unionpay-zm-void-and-refund.txt').toString('latin1').split('\r\n')[0]!;
    expect(sniffOf(zip, [{ name: `INN25010601ZM_${MER}`, head }])).toBe(0.95);
    expect(sniffOf(Buffer.from(':20:STMT\r\n:25:123\r\n:60F:C250101CNY1,00\r\n'))).toBe(0);
    expect(sniffOf(Buffer.from('交易时间,公众账号ID,商户号\n'))).toBe(0);
    expect(sniffOf(zip, [{ name: 'x.csv', head: 'a,b,c' }])).toBe(0);
  });
});
