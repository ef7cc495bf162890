import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectParse } from '../../../src-main/statements/collect';
import { lakalaParser } from '../../../src-main/statements/formats/profile-parser';
import { bufferSource } from '../../../src-main/statements/source';
import type { SniffInput } from '../../../src-main/statements/types';

const FIX = join(__dirname, '../../fixtures/statements');
const fixture = (name: string) => readFileSync(join(FIX, name));
const parse = (name: string, bytes: Uint8Array, opts = {}) =>
  collectParse(lakalaParser, bufferSource(name, bytes), opts);
const sniffText = (text: string): SniffInput => ({
  bytes: Buffer.from(text),
  text,
  container: 'plain',
  encoding: 'utf-8',
});

describe('Lakala documented default profile (lakala@1)', () => {
  it('reads payments and a refund in fen with the type map, and ties out the 合计 line', async () => {
    const r = await parse('lakala.csv', fixture('lakala-default-with-refund.csv'));
    expect(r.errors).toEqual([]);
    expect(r.header).toMatchObject({
      channel: 'lakala',
      format: 'lakala-profile:v1',
      profileVersion: 'lakala@1',
      businessDate: '2026-10-03',
      merchantId: '822290059430BAX',
      periodStart: '2026-10-03T00:00:00+08:00',
      periodEnd: '2026-10-04T00:00:00+08:00',
    });
    expect(r.lineCount).toBe(3);
    const [pay, pay2, refund] = r.lines;
    expect(pay).toMatchObject({
      lineNo: 2,
      kind: 'payment',
      amountFen: 500000,
      feeFen: 1500,
      occurredAt: '2026-10-03T10:15:30+08:00',
      businessDate: '2026-10-03',
      channelTxnId: '00012345678901', // log_no, leading zeros kept
      merchantOrderNo: 'OTD202610030001',
      terminalId: '00A12345',
      status: 'SUCCESS',
    });
    expect(pay!.raw['trade_no']).toBe('20261003110113130266250000001');
    expect(pay!.raw['acc_trade_no']).toBe('4200001234202610031234567890');
    expect(pay2!.amountFen).toBe(200000);
    // Printed positive, REFUND makes it an outflow; the fee comes back as printed.
    expect(refund).toMatchObject({ kind: 'refund', amountFen: -20000, feeFen: -60, originalTxnId: '00012345678901' });
    expect(r.tieOut).toEqual({
      ok: true,
      checks: [
        { name: '合计 count', printed: 3, computed: 3, ok: true },
        { name: '合计 amount', printed: 720000, computed: 720000, ok: true },
      ],
    });
    expect(r.header.summary?.rawText).toEqual(['合计:3笔,总金额:720000分']);
  });

  it('refuses bad rows one by one, naming line, column and what is wrong', async () => {
    const r = await parse('lakala-bad.csv', fixture('lakala-bad-rows.csv'));
    const byLine = new Map(r.errors.filter((e) => e.line !== null).map((e) => [`${e.line}:${e.code}`, e]));
    expect(byLine.get('3:bad_amount')?.field).toBe('total_amount');
    expect(byLine.get('3:bad_amount')?.message).toMatch(/fen/);
    expect(byLine.get('4:bad_time')?.message).toMatch(/20261003250000.*yyyyMMddHHmmss/);
    expect(byLine.get('5:unknown_type')?.message).toMatch(/PAID_OUT.*known: PAY/);
    expect(byLine.get('7:sign_conflict')?.field).toBe('total_amount');
    // A refund already printed negative stays an outflow (not flipped twice).
    expect(r.lines.map((l) => [l.lineNo, l.amountFen])).toEqual([
      [2, 100000],
      [6, -5000],
    ]);
    // The 合计 line cannot tie out with four bad rows: that is reported too.
    expect(r.errors.some((e) => e.code === 'summary_mismatch' && e.line === 8)).toBe(true);
  });

  it('a missing required header fails with the headers it found', async () => {
    const text = 'merchant_no,log_no,trade_type,trade_time\n8222,00012345678901,PAY,20261003101530\n';
    const r = await parse('no-amount.csv', Buffer.from(text));
    expect(r.lineCount).toBe(0);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.code).toBe('missing_header');
    expect(r.errors[0]!.message).toMatch(/total_amount/);
  });

  it("sniffs its header by content; another channel's header scores 0", () => {
    const head = fixture('lakala-default-with-refund.csv').toString('utf8');
    expect(lakalaParser.sniff(sniffText(head))).toBeGreaterThan(0.8);
    expect(
      lakalaParser.sniff(sniffText('交易时间,公众账号ID,商户号,微信订单号\n`2026-10-03 10:00:00,`wx1,`1,`42\n')),
    ).toBe(0);
  });

  it('reads the same file tab-separated and GBK-encoded (auto delimiter and encoding)', async () => {
    const iconv = (await import('iconv-lite')).default;
    const csv = fixture('lakala-default-with-refund.csv').toString('utf8');
    const tsv = csv
      .split('\n')
      .map((l) => (l.startsWith('合计') ? l : l.replace(/,/g, '\t')))
      .join('\n');
    const r = await parse('lakala.txt', iconv.encode(tsv, 'gbk'));
    expect(r.errors).toEqual([]);
    expect(r.detection.encoding).toBe('gb18030');
    expect(r.lines.map((l) => l.amountFen)).toEqual([500000, 200000, -20000]);
  });
});
