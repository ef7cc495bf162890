import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { collectParse } from '../../../src-main/statements/collect';
import { isValidIban, mt940Parser, toMinorUnits } from '../../../src-main/statements/formats/mt940';
import { bufferSource } from '../../../src-main/statements/source';
import type { ParseOptions } from '../../../src-main/statements/types';

const FIX = join(__dirname, '../../fixtures/statements');
const fixture = (name: string) => readFileSync(join(FIX, name));
const parse = (name: string, bytes: Uint8Array, opts: Omit<ParseOptions, 'emit'> = {}) =>
  collectParse(mt940Parser, bufferSource(name, bytes), opts);
const sniffOf = (bytes: Uint8Array) => {
  const s = bufferSource('x', bytes);
  const text =
    s.detection.encoding === 'gb18030' || s.detection.encoding === 'latin1'
      ? iconv.decode(Buffer.from(bytes), s.detection.encoding)
      : Buffer.from(bytes).toString('utf8');
  return mt940Parser.sniff({ bytes, text, container: s.detection.container, encoding: s.detection.encoding });
};

describe('MT940 amounts', () => {
  it("reads decimal-comma amounts exactly in the currency's minor units", () => {
    expect(toMinorUnits('10,00', 2, true)).toBe(1000);
    expect(toMinorUnits('380115,', 2, true)).toBe(38011500);
    expect(toMinorUnits('00,12', 2, true)).toBe(12);
    expect(toMinorUnits('79,7', 2, true)).toBe(7970);
    expect(toMinorUnits('0,', 2, true)).toBe(0);
    expect(toMinorUnits('1500,', 0, true)).toBe(1500); // JPY
    expect(toMinorUnits('1,235', 3, true)).toBe(1235); // KWD
    expect(() => toMinorUnits('1,234', 2, true)).toThrow(/more than two decimal places/);
    expect(() => toMinorUnits('10.00', 2, true)).toThrow(/decimal comma/);
    expect(() => toMinorUnits('1.000,00', 2, true)).toThrow(); // no thousands separators in MT940
  });
  it('knows a valid IBAN (so an order-number pattern does not take one)', () => {
    expect(isValidIban('DE58740618130100033626')).toBe(true);
    expect(isValidIban('GB82WEST12345698765432')).toBe(true);
    expect(isValidIban('NL46ABNA0499998748')).toBe(false); // the OCA sample's made-up IBAN
    expect(isValidIban('DE58740618130100033627')).toBe(false);
    expect(isValidIban('OT20241231001')).toBe(false);
  });
});

describe('MT940 (mt940)', () => {
  it('reads two CRLF statements: C/D/RC/RD, entry dates across the year end, funds and charges', async () => {
    const r = await parse('x.sta', fixture('mt940-two-statements-crlf.sta'));
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.header).toMatchObject({
      channel: 'wire',
      format: 'mt940',
      variant: null,
      businessDate: null,
      merchantId: '6222600110001234567',
      currency: 'CNY',
      periodStart: '2024-12-31T00:00:00+08:00',
      periodEnd: '2025-01-04T00:00:00+08:00',
    });
    expect(r.header.summary).toMatchObject({ openingBalanceFen: 100000, closingBalanceFen: 38103068 });
    expect(r.header.summary?.rawText).toContain(':64:C250102CNY381104,88');
    expect(r.lines.map((l) => [l.lineNo, l.kind, l.amountFen, l.businessDate, l.status])).toEqual([
      [5, 'payment', 38011500, '2024-12-31', 'C'],
      [9, 'fee', -12, '2025-01-02', 'D'],
      [11, 'reversal', -1000, '2025-01-02', 'RC'],
      [20, 'refund', -7970, '2025-01-03', 'D'],
      [22, 'reversal', 0, '2025-01-03', 'RD'],
      [24, 'reversal', 550, '2025-01-03', 'RD'],
    ]);
    expect(r.lines[0]).toMatchObject({
      occurredAt: '2024-12-31T00:00:00+08:00',
      channelTxnId: 'BK2412310001',
      refNo: null, // NONREF
      merchantOrderNo: 'OT20241231001',
      payerName: 'ZHANG SAN',
      payerAccount: '6222021234567890123',
      remark: 'ORDER OT20241231001 PAYER: ZHANG SAN; ACCOUNT 6222021234567890123 DEPOSIT FOR VE\nHICLE ORDER',
    });
    expect(r.lines[0]!.raw).toMatchObject({
      details: 'WIRE FROM CUSTOMER',
      entryDate: '2024-12-31',
      typeCode: 'NTRF',
      ':20:': 'STMT-A',
      ':28C:': '00001/1',
    });
    expect(r.lines[2]!.raw.entryDate).toBe('2024-12-31'); // value 2025-01-02, entry 1231: the previous year
    expect(r.lines[3]).toMatchObject({
      refNo: 'REFUND-7',
      merchantOrderNo: 'OT20250103002',
      channelTxnId: 'BK2501030001',
    });
    expect(r.tieOut).toEqual({
      ok: true,
      checks: [
        { name: 'STMT-A 00001/1 closing balance', printed: 38110488, computed: 38110488, ok: true },
        { name: 'STMT-B 00002/1 closing balance', printed: 38103068, computed: 38103068, ok: true },
      ],
    });
    expect(r.detection.notes).toContain('2 statements');
  });

  it('flags lines whose value date is not the requested statement date (kept, timing difference)', async () => {
    const r = await parse('x.sta', fixture('mt940-two-statements-crlf.sta'), { expectedDate: '2025-01-03' });
    expect(r.lineCount).toBe(6);
    expect(r.warnings.map((w) => [w.line, w.code])).toEqual([
      [5, 'cross_day'],
      [9, 'cross_day'],
      [11, 'cross_day'],
    ]);
  });

  it('reads a GBK :86: and extracts payer, account and order number with the default patterns', async () => {
    const bytes = fixture('mt940-gbk-86.sta');
    expect(bufferSource('x', bytes).detection.encoding).toBe('gb18030');
    const r = await parse('x.sta', bytes);
    expect(r.errors).toEqual([]);
    expect(r.header).toMatchObject({ businessDate: '2025-01-06', merchantId: '755912345610901' });
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatchObject({
      kind: 'payment',
      amountFen: 5000000,
      payerName: '张三',
      payerAccount: '6222021234567890123',
      merchantOrderNo: 'OT2025010600001',
      remark: '付款人:张三;付款人账号:6222021234567890123;附言:大定 OT2025010600001',
    });
  });

  it("reads a Latin-1 file (a European bank's names with é and ü) as Latin-1, not as GB18030", async () => {
    const text = fixture('mt940-two-statements-crlf.sta')
      .toString('utf8')
      .replace(/ZHANG SAN/g, 'Müller Société');
    const bytes = iconv.encode(text, 'latin1');
    expect(bytes.includes(0xfc) && bytes.includes(0xe9)).toBe(true); // ü and é as single bytes
    expect(bufferSource('x', bytes).detection.encoding).toBe('latin1');
    expect(sniffOf(bytes)).toBeGreaterThan(0.5);
    const r = await parse('x.sta', bytes);
    expect(r.errors).toEqual([]);
    expect(r.lines).toHaveLength(6);
    expect(r.lines[0]).toMatchObject({
      payerName: 'Müller Société',
      remark: 'ORDER OT20241231001 PAYER: Müller Société; ACCOUNT 6222021234567890123 DEPOSIT FOR VE\nHICLE ORDER',
    });
    expect(r.tieOut?.ok).toBe(true);
  });

  it('takes the extraction patterns from the profile, and refuses a broken one', async () => {
    const r = await parse('x.sta', fixture('mt940-gbk-86.sta'), {
      profile: { orderNo: '附言:\\S+ (\\w+)', payerName: ['收款人:(\\S+)', '付款人:([^;]+)'] },
    });
    expect(r.lines[0]).toMatchObject({
      merchantOrderNo: 'OT2025010600001',
      payerName: '张三',
      payerAccount: '6222021234567890123',
    });
    const bad = await parse('x.sta', fixture('mt940-gbk-86.sta'), { profile: { orderNo: '([A-Z' } });
    expect(bad.errors).toEqual([
      expect.objectContaining({ code: 'bad_profile', message: expect.stringContaining('profile.orderNo') }),
    ]);
  });

  it('reads SWIFT envelopes with SOH/ETX, a {5:} trailer and the next envelope on the same line', async () => {
    const r = await parse('x.txt', fixture('mt940-swift-envelope-soh-etx.txt'));
    expect(r.errors).toEqual([]);
    expect(r.header).toMatchObject({
      variant: 'swift-envelope',
      businessDate: '2025-01-06',
      merchantId: 'CN55BKCH0000000000001',
    });
    expect(r.lines.map((l) => [l.lineNo, l.amountFen, l.channelTxnId, l.payerName])).toEqual([
      [6, 5000, 'ENV0001', 'WANG WU'],
      [14, -2000, 'ENV0002', null],
    ]);
    expect(r.tieOut?.ok).toBe(true);
  });

  it('refuses bad amounts and entries with their line numbers, warns on an unknown tag', async () => {
    const r = await parse('x.sta', fixture('mt940-bad-amount.sta'));
    expect(r.lineCount).toBe(0);
    expect(r.errors.map((e) => [e.line, e.code, e.field])).toEqual([
      [5, 'bad_amount', ':61:'],
      [7, 'bad_amount', ':61:'],
      [10, 'bad_entry', ':61:'],
    ]);
    expect(r.errors[0]!.message).toMatch(/decimal point; MT940 amounts use a decimal comma/);
    expect(r.errors[1]!.message).toMatch(/1,234 has more decimal places/);
    expect(r.warnings.map((w) => [w.line, w.code])).toEqual([[12, 'unknown_tag']]);
  });

  it('refuses a truncated file: a stray line, and a statement without its closing balance', async () => {
    const r = await parse('x.sta', fixture('mt940-truncated.sta'));
    expect(r.errors.map((e) => [e.line, e.code])).toEqual([
      [5, 'unexpected_line'],
      [7, 'missing_balance'],
    ]);
    expect(r.errors[1]!.message).toMatch(
      /statement CUT-OFF .* ends without its closing balance :62F:: the file is cut off/,
    );
  });

  it('reports a statement that does not balance, naming it and its lines', async () => {
    const text = fixture('mt940-two-statements-crlf.sta')
      .toString('latin1')
      .replace(':62F:C250103CNY381030,68', ':62F:C250103CNY381030,78');
    const r = await parse('x.sta', Buffer.from(text, 'latin1'));
    expect(r.errors).toEqual([
      expect.objectContaining({
        line: 26,
        field: ':62F:',
        code: 'balance_mismatch',
        message: expect.stringMatching(
          /statement STMT-B no\. 00002\/1 of account 6222600110001234567 \(lines 16–26\) does not balance: .* = 381030\.68, but the closing balance :62F: on line 26 is 381030\.78 \(difference 0\.10\)/,
        ),
      }),
    ]);
    expect(r.tieOut?.ok).toBe(false);
  });

  it('warns when a statement does not open where the previous one closed', async () => {
    const text = fixture('mt940-two-statements-crlf.sta')
      .toString('latin1')
      .replace(':60F:C250102CNY381104,88', ':60F:C250102CNY381104,00')
      .replace(':62F:C250103CNY381030,68', ':62F:C250103CNY381029,80');
    const r = await parse('x.sta', Buffer.from(text, 'latin1'));
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      expect.objectContaining({
        line: 19,
        code: 'balance_gap',
        message: expect.stringMatching(/opens at 381104\.00 but the previous statement STMT-A .* closed at 381104\.88/),
      }),
    ]);
  });

  it('refuses a damaged envelope and a file that is no statement', async () => {
    const broken = await parse('x.txt', Buffer.from('{1:F01BANKXXXX0000000000{2:O940BANK\r\n:20:X\r\n'));
    expect(broken.errors.map((e) => [e.line, e.code])).toEqual([
      [1, 'bad_envelope'],
      [2, 'missing_balance'],
      [2, 'missing_balance'],
    ]);
    const none = await parse('x.txt', Buffer.from('hello\r\n'));
    expect(none.errors.map((e) => [e.line, e.code])).toEqual([[1, 'unexpected_line']]);
  });

  it('sniffs MT940 from content', () => {
    expect(sniffOf(fixture('mt940-two-statements-crlf.sta'))).toBeGreaterThanOrEqual(0.9);
    expect(sniffOf(fixture('mt940-gbk-86.sta'))).toBeGreaterThanOrEqual(0.9);
    expect(sniffOf(fixture('mt940-swift-envelope-soh-etx.txt'))).toBeGreaterThanOrEqual(0.95);
    expect(sniffOf(Buffer.from('交易时间,公众账号ID\n`2024-01-01,`wx\n'))).toBe(0);
    expect(sniffOf(Buffer.from('<?xml version="1.0"?><Document/>'))).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Real files from public repositories, read from the shared samples folder beside the project.

const SAMPLES = resolve(__dirname, '../../../../shared/samples');
const HAVE_SAMPLES = existsSync(join(SAMPLES, 'README.md'));
if (!HAVE_SAMPLES) console.warn(`[mt940.test] ${SAMPLES} is absent: the tests against real MT940 samples are skipped`);
const sample = (name: string) => parse(name, readFileSync(join(SAMPLES, name)));

describe.skipIf(!HAVE_SAMPLES)('real MT940 samples (../shared/samples)', () => {
  it('ASN Bank in SWIFT envelopes: 31 statements, 8 lines, net 56.94 EUR, all balance', async () => {
    const r = await sample('mt940_asnb_swift_envelope.txt');
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.detection.notes).toContain('31 statements');
    expect(r.lineCount).toBe(8);
    expect(r.lines.reduce((n, l) => n + l.amountFen, 0)).toBe(5694);
    expect(r.header).toMatchObject({
      currency: 'EUR',
      variant: 'swift-envelope',
      merchantId: 'NL81ASNB9999999999',
      businessDate: null,
    });
    expect(r.tieOut?.checks).toHaveLength(31);
    expect(r.tieOut?.ok).toBe(true);
    expect(r.lines[0]).toMatchObject({
      amountFen: -6500,
      businessDate: '2020-01-01',
      refNo: 'NL47INGB9999999999',
      payerAccount: 'NL47INGB9999999999',
    });
    expect(r.lines[0]!.remark).toBe('NL47INGB9999999999 hr gjlm paulissen\n\nBetaling sieraden');
    expect(r.lines[0]!.raw.details).toBe('hr gjlm paulissen');
  });

  it('mBank with SOH/ETX: 3 credits of 0.01 PLN, :64: kept', async () => {
    const r = await sample('mt940_mbank_soh_etx.sta');
    expect(r.errors).toEqual([]);
    expect(r.lines.map((l) => [l.kind, l.amountFen, l.channelTxnId])).toEqual([
      ['payment', 1, 'MB170119012058'],
      ['payment', 1, 'MB170119012085'],
      ['payment', 1, 'MB170119012121'],
    ]);
    expect(r.lines[0]).toMatchObject({
      payerName: 'JAN NOWAK',
      payerAccount: '56114010810000267002001001',
      merchantOrderNo: 'XX000000000001',
    });
    expect(r.header).toMatchObject({ currency: 'PLN', businessDate: '2017-01-19' });
    expect(r.header.summary?.rawText).toContain(':64:C170119PLN0,43');
    expect(r.tieOut?.ok).toBe(true);
  });

  it('30 February: an error with its line, not a crash, and no false balance mismatch', async () => {
    const r = await sample('mt940_february_30.sta');
    expect(r.lineCount).toBe(0);
    expect(r.errors).toEqual([
      expect.objectContaining({
        line: 6,
        field: ':61:',
        code: 'bad_date',
        message: expect.stringMatching(/value date 160230 .* is not a real day \(2016-02-30\)/),
      }),
    ]);
    expect(r.tieOut?.ok).toBe(true); // the 6,00 debit (mark D, funds code R) still counts
  });

  it('old Rabobank layout: 4 statements, 5 debits, 2 statements do not balance', async () => {
    const r = await sample('mt940_rabobank_unbalanced.txt');
    expect(r.detection.notes).toContain('4 statements');
    expect(r.lineCount).toBe(5);
    expect(r.lines.every((l) => l.amountFen < 0 && l.kind === 'refund')).toBe(true);
    expect(r.lines.reduce((n, l) => n + l.amountFen, 0)).toBe(-158909);
    expect(r.errors.map((e) => [e.line, e.code])).toEqual([
      [11, 'balance_mismatch'],
      [28, 'balance_mismatch'],
    ]);
    expect(r.errors[0]!.message).toMatch(/statement 940A110615 .*difference 1135\.93/);
    expect(r.errors[1]!.message).toMatch(/statement 940A110617 .*difference 236\.56/);
    expect(r.tieOut?.checks.map((c) => c.ok)).toEqual([false, true, false, true]);
    expect(r.lines[0]).toMatchObject({
      refNo: '0121470966',
      remark: 'Terugboeking\nNIET AKKOORD MET AFSCHRIJVING\nKOSTEN KINDEROPVANG JUNI\n20095731',
    });
    expect(r.lines[0]!.raw.details).toBe('W.P. Jansen');
  });

  it('PostFinance: 79,7 and 0, amounts, :60M:/:62M: pages, statement 2 off by 0.20', async () => {
    const r = await sample('mt940_postfinance_envelope.txt');
    expect(r.lines.map((l) => l.amountFen)).toEqual([7970, 14950, -7990, 1010]);
    expect(r.header.summary?.openingBalanceFen).toBe(0);
    expect(r.errors).toEqual([
      expect.objectContaining({
        line: 28,
        code: 'balance_mismatch',
        message: expect.stringMatching(/statement 2014040708285928 no\. 999\/2 .*difference 0\.20/),
      }),
    ]);
    expect(r.tieOut?.checks.map((c) => c.ok)).toEqual([true, false]);
    expect(r.header).toMatchObject({ currency: 'CHF', variant: 'swift-envelope' });
  });
});
