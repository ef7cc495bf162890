// `otd import … --json` and `otd statements … --json` through the CLI's main(): one JSON report per
// file on stdout, exit 0 only when nothing was rejected, and what the store then lists.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../../src-main/statements/import';
import { runCli } from '../run-cli';

const FIX = join(import.meta.dirname, '..', '..', 'fixtures', 'statements');
const LAKALA = join(FIX, 'lakala-default-with-refund.csv');
const WECHAT = join(FIX, 'wechat-all-with-refund.csv');
const BAD = join(FIX, 'wechat-all-bad-amount.csv');

let dir: string;
let db: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'otd-cli-import-'));
  db = join(dir, 'books.sqlite');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('otd import --json', () => {
  it('prints one report per file; a rejected file makes the exit code 1 and writes nothing of it', async () => {
    const r = await runCli(['import', LAKALA, BAD, '--db', db, '--json']);
    expect(r.code).toBe(1);
    const reports = JSON.parse(r.stdout) as ImportReport[];
    expect(reports.map((x) => [x.file.split('/').pop(), x.status])).toEqual([
      ['lakala-default-with-refund.csv', 'imported'],
      ['wechat-all-bad-amount.csv', 'rejected'],
    ]);
    const [lakala, bad] = reports as [ImportReport, ImportReport];
    for (const key of [
      'file',
      'status',
      'channel',
      'format',
      'businessDate',
      'merchantId',
      'lines',
      'payments',
      'refunds',
      'feesFen',
      'netFen',
      'errors',
    ])
      expect(lakala).toHaveProperty(key);
    expect(lakala).toMatchObject({
      channel: 'lakala',
      businessDate: '2026-10-03',
      lines: 3,
      payments: { count: 2, fen: 700000 },
      errors: [],
    });
    expect(lakala.refunds.count).toBe(1);
    expect(lakala.refunds.fen).toBeGreaterThan(0); // refunds are reported positive
    expect(lakala.netFen).toBe(lakala.payments.fen - lakala.refunds.fen - lakala.feesFen);

    expect(bad.channel).toBe('wechat');
    expect(bad.errors.length).toBeGreaterThan(0);
    expect(bad.errors).toContainEqual(
      expect.objectContaining({ line: 2, field: '应结订单金额', message: expect.stringContaining('1OO.00') }),
    );

    const listed = await runCli(['statements', '--db', db, '--json']);
    expect(listed.code).toBe(0);
    const files = JSON.parse(listed.stdout) as { channel: string; businessDate: string }[];
    expect(files.map((f) => [f.channel, f.businessDate])).toEqual([['lakala', '2026-10-03']]);
  });

  it('takes the business date given, and the same file again is a duplicate with exit code 0', async () => {
    const first = await runCli(['import', WECHAT, '--db', db, '--channel', 'wechat', '--date', '2024-03-15', '--json']);
    expect(first.code).toBe(0);
    const [wechat] = JSON.parse(first.stdout) as ImportReport[];
    expect(wechat).toMatchObject({
      status: 'imported',
      channel: 'wechat',
      businessDate: '2024-03-15',
      refunds: { fen: 500000 },
      netFen: 208739,
    });
    expect(wechat!.netFen).toBe(wechat!.payments.fen - wechat!.refunds.fen - wechat!.feesFen);

    const again = await runCli(['import', WECHAT, LAKALA, '--db', db, '--json']);
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as ImportReport[]).map((x) => x.status)).toEqual(['duplicate', 'duplicate']);

    const day = await runCli(['statements', '--db', db, '--date', '2024-03-15', '--json']);
    expect(day.code).toBe(0);
    expect((JSON.parse(day.stdout) as { channel: string }[]).map((f) => f.channel)).toEqual(['wechat']);
  });

  it('refuses a bad flag before reading anything', async () => {
    const r = await runCli(['import', LAKALA, '--db', db, '--date', '2024-3-5', '--json']);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('--date must be a date YYYY-MM-DD');
    const c = await runCli(['import', LAKALA, '--db', db, '--channel', 'paypal', '--json']);
    expect(c.code).not.toBe(0);
    expect(c.stdout + c.stderr).toContain(
      '--channel must be one of wechat, alipay, lakala, unionpay, allinpay, cash, wire',
    );
  });
});
