import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectParse } from '../../../src-main/statements/collect';
import { createProfileParser, lakalaParser } from '../../../src-main/statements/formats/profile-parser';
import {
  businessDayOf,
  headerKey,
  mapColumns,
  moneyToFen,
  parseWallClock,
  ProfileError,
  validateProfile,
  type ColumnProfileInput,
} from '../../../src-main/statements/profile';
import { BUILTIN_PROFILES, builtinProfile, parseProfile } from '../../../src-main/statements/profiles';
import { bufferSource, fileSource } from '../../../src-main/statements/source';
import {
  cleanCell,
  disguisedWorkbook,
  isDateFormat,
  numberText,
  serialText,
} from '../../../src-main/statements/tabular';
import type { StatementLine } from '../../../src-main/statements/types';

/** A small profile written the way a user would, for the engine tests. */
const MINI: ColumnProfileInput = {
  id: 'mini',
  version: 2,
  channel: 'lakala',
  title: 'mini test layout',
  header: { mustInclude: ['流水号', ['金额', '金额(元)']] },
  columns: [
    { field: 'channelTxnId', headers: ['流水号'], required: true, nonEmpty: true },
    { field: 'amount', headers: ['金额', '金额(元)'], unit: 'yuan', required: true, nonEmpty: true },
    { field: 'occurredAt', headers: ['时间'], formats: ['yyyy/M/d H:mm:ss', 'yyyyMMddHHmmss'], required: true },
    { field: 'remark', headers: ['备注'] },
  ],
  sign: { kind: 'signed' },
  totalRows: '^合计$',
  footers: ['^导出人'],
  cutoff: '22:00',
};

describe('column profile schema', () => {
  it('every built-in profile validates, has a unique id@version and is documented', () => {
    const doc = readFileSync(join(__dirname, '../../../docs/column-profiles.md'), 'utf8');
    const tags = BUILTIN_PROFILES.map((p) => `${p.id}@${p.version}`);
    expect(new Set(tags).size).toBe(tags.length);
    for (const p of BUILTIN_PROFILES) {
      expect(doc, `docs/column-profiles.md should mention ${p.id}`).toContain(`${p.id}-v${p.version}.json`);
      expect(JSON.parse(JSON.stringify(p))).toEqual(p); // JSON-serialisable as it stands
    }
    expect(builtinProfile('unionpay-pos')?.cutoff).toBe('23:00');
    expect(builtinProfile('nope')).toBeNull();
  });

  it('fills defaults and accepts JSON text', () => {
    const p = parseProfile(JSON.stringify(MINI));
    expect(p).toMatchObject({
      encoding: 'auto',
      container: 'auto',
      delimiter: 'auto',
      period: 'single',
      balanceCheck: false,
      summaryMismatch: 'error',
    });
    expect(p.header.searchRows).toBe(30);
  });

  it('lists every problem of a broken profile', () => {
    const broken = {
      ...MINI,
      columns: [
        { field: 'amount', headers: ['金额'] },
        { field: 'occurredAt', headers: ['时间'], formats: ['HH:mm'] },
        { field: 'remark', headers: ['备注'], pattern: '([' },
      ],
      sign: { kind: 'type', types: {} },
      summaries: [{ pattern: '合计(?<total>\\d+)' }],
      balanceCheck: true,
    };
    let problems: string[] = [];
    try {
      validateProfile(broken);
    } catch (e) {
      expect(e).toBeInstanceOf(ProfileError);
      problems = (e as ProfileError).problems;
    }
    const text = problems.join('\n');
    expect(text).toMatch(/columns.0 \(amount\): a money column needs a unit/);
    expect(text).toMatch(/format "HH:mm": needs yyyy, MM, dd, HH and mm/);
    expect(text).toMatch(/columns.2.pattern: not a valid regular expression/);
    expect(text).toMatch(/sign type: needs a type column/);
    expect(text).toMatch(/sign type: the map of types is empty/);
    expect(text).toMatch(/summaries.0: unknown group "total"/);
    expect(text).toMatch(/balanceCheck: needs a balance column/);
    expect(() => parseProfile('{not json')).toThrow(/not JSON/);
    expect(() => validateProfile({ ...MINI, channel: 'paypal' })).toThrow(ProfileError);
  });
});

describe('profile helpers', () => {
  it('compares headers folded, without blanks, case-insensitively', () => {
    expect(headerKey(' 交易金额（元） ')).toBe('交易金额(元)');
    expect(headerKey('记账日          ')).toBe('记账日');
    expect(headerKey('币　　种：')).toBe('币种:');
    expect(headerKey('LOG_NO')).toBe('log_no');
    const m = mapColumns(['流水号', '', '金额（元）', '流水号'], validateProfile(MINI).columns);
    expect(m.byField.get('amount')?.indexes).toEqual([2]);
    expect(m.names).toEqual(['流水号', '#2', '金额（元）', '流水号 (2)']);
    expect(m.missingRequired.map((x) => x.field)).toEqual(['occurredAt']);
  });

  it('money: yuan with thousands separators, fen as integers, never floats', () => {
    expect(moneyToFen('1,234.50', 'yuan')).toBe(123450);
    expect(moneyToFen('-0.01', 'yuan')).toBe(-1);
    expect(moneyToFen('１２３．４５', 'yuan')).toBe(12345); // full-width digits from a Chinese IME
    expect(moneyToFen('12,345', 'fen')).toBe(12345);
    expect(moneyToFen('000500000', 'fen')).toBe(500000);
    expect(() => moneyToFen('1000.00', 'fen')).toThrow(/in fen/);
    expect(() => moneyToFen('12.345', 'yuan')).toThrow(/more than two decimal places/);
    expect(() => moneyToFen('1,2345', 'fen')).toThrow();
  });

  it('dates and times in the profile formats, with the cut-off deciding the business day', () => {
    expect(parseWallClock('2026/10/3 9:05:07', ['yyyy/M/d H:mm:ss'])).toEqual({ date: '2026-10-03', time: '09:05:07' });
    expect(parseWallClock('20261003230000', ['yyyyMMddHHmmss'])).toEqual({ date: '2026-10-03', time: '23:00:00' });
    expect(parseWallClock('2026年10月03日', ['yyyy年MM月dd日'])).toEqual({ date: '2026-10-03', time: null });
    expect(parseWallClock('2026-10-03 10:00:00', ['yyyyMMdd'])).toEqual({ date: '2026-10-03', time: '10:00:00' }); // from an Excel date cell
    expect(parseWallClock('20260230', ['yyyyMMdd'])).toBeNull();
    expect(parseWallClock('20261003246000', ['yyyyMMddHHmmss'])).toBeNull();
    expect(businessDayOf({ date: '2026-10-03', time: '22:59:59' }, '23:00')).toBe('2026-10-03');
    expect(businessDayOf({ date: '2026-10-03', time: '23:00:00' }, '23:00')).toBe('2026-10-04');
    expect(businessDayOf({ date: '2026-12-31', time: '23:30:00' }, '23:00')).toBe('2027-01-01');
    expect(businessDayOf({ date: '2026-10-03', time: null }, '23:00')).toBe('2026-10-03');
  });
});

describe('tabular cells', () => {
  it('writes numbers as Excel shows them and restores zero-padded formats', () => {
    expect(numberText(2176.91)).toBe('2176.91');
    expect(numberText(0.1 + 0.2)).toBe('0.3');
    expect(numberText(123, '000000')).toBe('000123');
    expect(numberText(6222021234567890123)).toBe('6222021234567890000'); // digits lost: the parser refuses such ids
  });
  it('turns Excel date serials into wall-clock text', () => {
    expect(serialText(46298, 'yyyy-mm-dd')).toBe('2026-10-03');
    expect(serialText(46298.4375, 'yyyy-mm-dd hh:mm:ss')).toBe('2026-10-03 10:30:00');
    expect(serialText(0.5, 'hh:mm:ss')).toBe('12:00:00');
    expect(serialText(44836, 'yyyy-mm-dd', true)).toBe('2026-10-03');
    expect(isDateFormat('yyyy-mm-dd')).toBe(true);
    expect(isDateFormat('[$-F800]dddd, mmmm dd, yyyy')).toBe(true);
    expect(isDateFormat('#,##0.00')).toBe(false);
    expect(isDateFormat('"yes"0')).toBe(false);
    expect(isDateFormat('@')).toBe(false);
  });
  it('trims decoration and unwraps the ="0123" text trick', () => {
    expect(cleanCell(' ="000123" ')).toBe('000123');
    expect(cleanCell('`4200001234\t')).toBe('4200001234');
  });
  it('recognises HTML and Excel 2003 XML under a workbook name', () => {
    expect(disguisedWorkbook('\uFEFF  <!DOCTYPE html><html>')?.code).toBe('html_as_xls');
    expect(disguisedWorkbook('<table border=1><tr><td>a</td></tr></table>')?.code).toBe('html_as_xls');
    expect(
      disguisedWorkbook('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">')?.code,
    ).toBe('xml_spreadsheet');
    expect(disguisedWorkbook('交易日,借,贷,余额')).toBeNull();
  });
});

describe('the profile engine on a user-supplied profile', () => {
  const parse = (text: string, profile: unknown = MINI) =>
    collectParse(lakalaParser, bufferSource('mini.csv', Buffer.from(text)), { profile });

  it('reads with the given profile (as JSON text), records its version, keeps every column in raw', async () => {
    const text = [
      '导出：2026-10-03',
      '流水号,时间,金额（元）,备注,终端',
      '0001,2026/10/3 9:05:07,"1,000.00","a, quoted ""remark""",T1',
      '0002,20261003221500,-5.00,,T1',
      '合计,,995.00,,',
      '导出人：张三',
    ].join('\n');
    const r = await parse(text, JSON.stringify(MINI));
    expect(r.errors).toEqual([]);
    expect(r.header).toMatchObject({ format: 'mini-profile:v2', profileVersion: 'mini@2', businessDate: '2026-10-03' });
    expect(r.lines[0]).toMatchObject({
      channelTxnId: '0001',
      amountFen: 100000,
      kind: 'payment',
      remark: 'a, quoted "remark"',
    });
    expect(r.lines[0]!.raw).toEqual({
      流水号: '0001',
      时间: '2026/10/3 9:05:07',
      '金额（元）': '1,000.00',
      备注: 'a, quoted "remark"',
      终端: 'T1',
    });
    // 22:15 is after the profile's 22:00 cut-off: next business day, flagged and kept.
    expect(r.lines[1]).toMatchObject({ amountFen: -500, kind: 'refund', businessDate: '2026-10-04' });
    expect(r.warnings).toEqual([expect.objectContaining({ line: 4, code: 'cross_day' })]);
    expect(r.tieOut?.checks).toEqual([{ name: '合计 金额（元）', printed: 99500, computed: 99500, ok: true }]);
    expect(r.detection.notes.join('\n')).toMatch(/line 1: title rows above the header[\s\S]*line 6: footer notes/);
  });

  it('a quoted field may span lines; the line number is where the record starts', async () => {
    const r = await parse(
      '流水号,时间,金额\n0001,20261003090000,1.00\n"0002",20261003091000,"2.00"\n0003,20261003092000,3.00\n'.replace(
        '"0002"',
        '"00\n02"',
      ),
    );
    expect(r.errors).toEqual([]);
    expect(r.lines.map((l) => [l.lineNo, l.channelTxnId])).toEqual([
      [2, '0001'],
      [3, '00\n02'],
      [5, '0003'],
    ]);
  });

  it('an unknown row, too many fields and an unclosed quote are errors with their line', async () => {
    const r = await parse(
      '流水号,时间,金额\n0001,20261003090000,1.00\n说明：本文件仅供参考\n0002,20261003091000,2.00,extra\n0003,20261003092000,"3.00\n',
    );
    expect(r.errors.map((e) => [e.line, e.code])).toEqual([
      [3, 'unknown_row'],
      [4, 'field_count'],
      [5, 'bad_encoding'],
    ]);
    expect(r.errors[2]!.message).toMatch(/quoted field .* never closed/);
  });

  it('refuses a profile for another channel, or an invalid one, without reading the file', async () => {
    const r1 = await parse('流水号,金额\n', { ...MINI, channel: 'wire' });
    expect(r1.errors[0]).toMatchObject({
      code: 'bad_profile',
      message: expect.stringMatching(/for channel wire, not lakala/),
    });
    const r2 = await parse('流水号,金额\n', { ...MINI, columns: [] });
    expect(r2.errors[0]!.code).toBe('bad_profile');
  });

  it('a custom parser from createProfileParser sniffs by its own header', () => {
    const parser = createProfileParser({ format: 'mini', channel: 'lakala', profiles: [validateProfile(MINI)] });
    const text = 'x\n流水号,时间,金额,备注\n';
    expect(parser.sniff({ bytes: Buffer.from(text), text, container: 'plain', encoding: 'utf-8' })).toBeCloseTo(
      0.6 + 0.35,
    );
    expect(parser.sniff({ bytes: Buffer.from('a,b\n'), text: 'a,b\n', container: 'plain', encoding: 'utf-8' })).toBe(0);
  });
});

describe('streaming', () => {
  const dir = mkdtempSync(join(tmpdir(), 'profile-stream-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('parses a 100,000-line Lakala file from disk in batches with flat memory', async () => {
    const file = join(dir, 'big.csv');
    const parts = ['merchant_no,term_no,log_no,out_trade_no,trade_type,total_amount,fee_amount,trade_time\n'];
    for (let i = 0; i < 100_000; i++) {
      parts.push(
        `M1,T1,${String(i).padStart(14, '0')},OTD${i},${i % 10 === 9 ? 'REFUND' : 'PAY'},${1000 + (i % 97)},3,2026100310${String(Math.floor(i / 6000) % 60).padStart(2, '0')}${String(i % 60).padStart(2, '0')}\n`,
      );
    }
    writeFileSync(file, parts.join(''));
    const source = await fileSource(file, 'big.csv');
    // Live heap is measured after a full collection, so garbage does not count.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    let count = 0;
    let net = 0;
    let biggest = 0;
    let peak = 0;
    let batches = 0;
    const outcome = await lakalaParser.parse(source, {
      emit: (batch: StatementLine[]) => {
        count += batch.length;
        biggest = Math.max(biggest, batch.length);
        for (const l of batch) net += l.amountFen;
        if (++batches % 10 === 0) {
          gc();
          peak = Math.max(peak, process.memoryUsage().heapUsed);
        }
      },
    });
    expect(outcome.errors).toEqual([]);
    expect(outcome.lineCount).toBe(100_000);
    expect(count).toBe(100_000);
    expect(biggest).toBeLessThanOrEqual(2000);
    let expected = 0;
    for (let i = 0; i < 100_000; i++) expected += (i % 10 === 9 ? -1 : 1) * (1000 + (i % 97));
    expect(net).toBe(expected);
    // Holding these 100k lines takes about 55 MB of live heap; streaming keeps only counters and sums.
    expect(peak - before).toBeLessThan(15 * 1024 * 1024);
  }, 60_000);
});
