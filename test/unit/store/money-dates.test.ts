import { describe, expect, it } from 'vitest';
import { fenText, fenToYuanText, formatFen, yuanToFen } from '../../../src-main/domain/money';
import { addDays, beijingWallClockToIso, businessDate, isIsoDate } from '../../../src-main/domain/dates';

describe('money is integer fen', () => {
  it('parses decimals exactly', () => {
    expect(yuanToFen('1,234.50')).toBe(123450);
    expect(yuanToFen('0.1')).toBe(10);
    expect(yuanToFen('-0.01')).toBe(-1);
    expect(yuanToFen('380115.')).toBe(38011500);
    expect(yuanToFen('0.04000')).toBe(4);
    expect(yuanToFen(' ¥50,000.00 ')).toBe(5000000);
    expect(yuanToFen('10,00', { decimalComma: true })).toBe(1000);
    expect(yuanToFen('1.234,56', { decimalComma: true })).toBe(123456);
    // 0.1 + 0.2 style float error cannot happen: 1.15 is 115 fen, not 114.99999.
    expect(yuanToFen('1.15')).toBe(115);
  });
  it('refuses what is not an amount', () => {
    for (const bad of ['', 'abc', '1.001', '1.2.3', '2.01909E+27', '--1', '1,2345.00x']) {
      expect(() => yuanToFen(bad), bad).toThrow();
    }
  });
  it('reads integer fen and formats for people and files', () => {
    expect(fenText('000000012345')).toBe(12345);
    expect(fenText('D000000000100')).toBe(-100);
    expect(() => fenText('12.5')).toThrow();
    expect(formatFen(123450)).toBe('¥1,234.50');
    expect(formatFen(-5)).toBe('-¥0.05');
    expect(fenToYuanText(-123405)).toBe('-1234.05');
  });
});

describe('business day is the Asia/Shanghai calendar day', () => {
  it('derives the day from the timestamp, not the local clock', () => {
    expect(businessDate('2026-10-03T23:59:58+08:00')).toBe('2026-10-03');
    expect(businessDate('2026-10-03T16:00:00Z')).toBe('2026-10-04');
    expect(businessDate('2026-10-03T15:59:59.999Z')).toBe('2026-10-03');
    expect(() => businessDate('2026-10-03T12:00:00')).toThrow(/no offset/);
  });
  it('reads Beijing wall-clock times and rejects impossible ones', () => {
    expect(beijingWallClockToIso('2026-02-28 00:00:01')).toBe('2026-02-28T00:00:01+08:00');
    expect(() => beijingWallClockToIso('2026-02-30 10:00:00')).toThrow();
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});
