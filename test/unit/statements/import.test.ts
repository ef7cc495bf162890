// The import service end to end: detection, idempotency, versions, refusals that leave the store
// exactly as it was, and the audit of every import decision.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { openStore, type Store } from '../../../src-main/store';
import {
  expandInputs,
  importFiles,
  confirmReplacement,
  type ImportInput,
  type ImportReport,
} from '../../../src-main/statements/import';
import { calendar, listFiles } from '../../../src-main/store/statements';
import { buildZip } from '../../fixtures/statements/zip-builder';

const FIX = join(import.meta.dirname, '../../fixtures/statements');
const fixture = (name: string): ImportInput => ({ fileName: name, bytes: readFileSync(join(FIX, name)) });
const bytes = (name: string, data: string | Uint8Array): ImportInput => ({
  fileName: name,
  bytes: typeof data === 'string' ? Buffer.from(data, 'utf8') : data,
});

/** A fingerprint of every statement table and the audit log: equal before and after a refusal. */
async function fingerprint(store: Store): Promise<string> {
  const parts = [];
  for (const t of ['statement_file', 'statement_line', 'audit_log']) {
    parts.push(JSON.stringify(await store.read.all(`SELECT * FROM ${t} ORDER BY rowid`)));
  }
  return parts.join('\n');
}

async function one(
  store: Store,
  input: ImportInput,
  opts: Partial<Parameters<typeof importFiles>[2]> = {},
): Promise<ImportReport> {
  const [r] = await importFiles(store, [input], { actor: 'zhang.kj', ...opts });
  return r!;
}

describe('importing statements', () => {
  it('imports a WeChat bill with its totals and refuses nothing', async () => {
    const store = await openStore(':memory:');
    const r = await one(store, fixture('wechat-all-with-refund.csv'), { date: '2024-03-15' });
    expect(r).toMatchObject({
      status: 'imported',
      channel: 'wechat',
      businessDate: '2024-03-15',
      merchantId: '1900000109',
      lines: 4,
      payments: { count: 3, fen: 709999 },
      refunds: { count: 1, fen: 500000 },
      state: 'active',
      version: 1,
    });
    expect(r.feesFen).toBe(1260);
    expect(r.netFen).toBe(709999 - 500000 - 1260);
    expect(r.errors).toEqual([]);
    const lines = await store.read.all<{ amount_fen: number }>(
      'SELECT amount_fen FROM statement_line ORDER BY line_no',
    );
    expect(lines.map((l) => l.amount_fen)).toEqual([500000, 200000, 9999, -500000]);
    const audit = await store.read.all<{ action: string; user_id: string }>('SELECT action, user_id FROM audit_log');
    expect(audit).toEqual([{ action: 'statements.import', user_id: 'zhang.kj' }]);
    await store.close();
  });

  it('recognises the same bytes again and changes nothing', async () => {
    const store = await openStore(':memory:');
    await one(store, fixture('lakala-default-with-refund.csv'));
    const before = await fingerprint(store);
    const again = await one(store, fixture('lakala-default-with-refund.csv'));
    expect(again.status).toBe('duplicate');
    expect(again.channel).toBe('lakala');
    expect(await fingerprint(store)).toBe(before);
    await store.close();
  });

  it('keeps a different file for the same channel-day as a pending version until the user confirms', async () => {
    const store = await openStore(':memory:');
    const first = await one(store, fixture('wechat-all-with-refund.csv'), { date: '2024-03-15' });
    const text = readFileSync(join(FIX, 'wechat-all-with-refund.csv'), 'utf8').replace('小定, 含配件', '小定 含配件');
    const second = await one(store, bytes('wechat-v2.csv', text), { date: '2024-03-15' });
    expect(second).toMatchObject({ status: 'imported', state: 'pending', version: 2 });
    let files = await listFiles(store.read, '2024-03-15');
    expect(files.map((f) => [f.id, f.status])).toEqual([
      [first.fileId, 'active'],
      [second.fileId, 'pending'],
    ]);
    const cells = await calendar(store.read, '2024-03-15', '2024-03-15');
    expect(cells.find((c) => c.channel === 'wechat')).toMatchObject({
      state: 'pending',
      lineCount: 4,
      activeFileIds: [first.fileId],
    });
    await confirmReplacement(store, second.fileId!, 'li.fh', '微信重新下载的对账单');
    files = await listFiles(store.read, '2024-03-15');
    expect(files.map((f) => f.status)).toEqual(['superseded', 'active']);
    const replace = await store.read.get<{ user_id: string; reason: string }>(
      "SELECT user_id, reason FROM audit_log WHERE action = 'statements.replace'",
    );
    expect(replace).toEqual({ user_id: 'li.fh', reason: '微信重新下载的对账单' });
    await expect(confirmReplacement(store, second.fileId!, 'li.fh', 'again')).rejects.toThrow(/not waiting/);
    await store.close();
  });

  it('refuses bad files with file, line and field, leaving the store exactly as it was', async () => {
    const store = await openStore(':memory:');
    await one(store, fixture('lakala-default-with-refund.csv'));
    const before = await fingerprint(store);
    const cases: [ImportInput, Partial<Parameters<typeof importFiles>[2]>, RegExp][] = [
      [bytes('empty.csv', ''), {}, /empty/],
      [
        bytes('garbage.bin', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131) % 256))),
        {},
        /not a statement format/,
      ],
      [fixture('wechat-all-truncated-line.csv'), { date: '2024-03-15' }, /./],
      [fixture('wechat-all-bad-amount.csv'), { date: '2024-03-15' }, /./],
      [fixture('wechat-error-body-no-bill.xml'), { date: '2024-03-15' }, /./],
      [
        fixture('wechat-all-with-refund.csv'),
        { date: '2024-03-15', channel: 'alipay' },
        /looks like a 微信支付 statement/,
      ],
      // Other bytes (CRLF), same content: not a duplicate, but the wrong day for what the user said.
      [
        bytes(
          'lakala-crlf.csv',
          readFileSync(join(FIX, 'lakala-default-with-refund.csv'), 'utf8').replace(/\n/g, '\r\n'),
        ),
        { date: '2026-01-01' },
        /not of 2026-01-01/,
      ],
      [
        bytes(
          'long-line.csv',
          `${readFileSync(join(FIX, 'lakala-default-with-refund.csv'), 'utf8')}${'x'.repeat(70_000)}\n`,
        ),
        {},
        /longer than/,
      ],
      [bytes('evil.zip', buildZip([{ name: '../../etc/passwd', data: 'x' }])), {}, /\.\./],
      [bytes('locked.zip', buildZip([{ name: 'a.csv', data: 'x', encrypted: true }])), {}, /password|encrypt/i],
      [
        bytes('bomb.zip', zipSync({ 'a.csv': new Uint8Array(300 * 1024 * 1024) }, { level: 9 })),
        {},
        /bomb|too large|ratio/i,
      ],
    ];
    for (const [input, opts, message] of cases) {
      const r = await one(store, input, opts);
      expect(r.status, input.fileName).toBe('rejected');
      expect(r.errors.length, input.fileName).toBeGreaterThan(0);
      expect(r.errors.map((e) => e.message).join(' | '), input.fileName).toMatch(message);
      expect(await fingerprint(store), input.fileName).toBe(before);
    }
    const truncated = await one(store, fixture('wechat-all-truncated-line.csv'), { date: '2024-03-15' });
    expect(truncated.errors.some((e) => e.line !== null && e.line > 1)).toBe(true);
    const badAmount = await one(store, fixture('wechat-all-bad-amount.csv'), { date: '2024-03-15' });
    expect(badAmount.errors.some((e) => e.line !== null && e.field)).toBe(true);
    await store.close();
  });

  it('refuses a file that does not tie out, or flags it when the user explicitly accepts', async () => {
    const store = await openStore(':memory:');
    const text = readFileSync(join(FIX, 'wechat-all-with-refund.csv'), 'utf8').replace('`4,`7099.99', '`4,`7099.98');
    const refused = await one(store, bytes('mismatch.csv', text), { date: '2024-03-15' });
    expect(refused.status).toBe('rejected');
    expect(refused.errors.some((e) => e.code === 'summary_mismatch')).toBe(true);
    expect(await store.read.get<{ n: number }>('SELECT count(*) AS n FROM statement_file')).toEqual({ n: 0 });
    const accepted = await one(store, bytes('mismatch.csv', text), { date: '2024-03-15', acceptMismatch: true });
    expect(accepted.status).toBe('imported');
    expect(accepted.warnings.some((w) => w.code === 'summary_mismatch' && /accepted/.test(w.message))).toBe(true);
    const file = (await listFiles(store.read))[0]!;
    expect(file.acceptedMismatch).toBe(1);
    expect(file.tieOutOk).toBe(0);
    const audit = await store.read.get<{ reason: string }>(
      "SELECT reason FROM audit_log WHERE action = 'statements.import'",
    );
    expect(audit?.reason).toMatch(/does not tie out/);
    await store.close();
  });

  it('imports a folder and a zip bundling several statements, each on its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otd-import-'));
    mkdirSync(join(dir, 'day'));
    writeFileSync(join(dir, 'day', 'lakala.csv'), readFileSync(join(FIX, 'lakala-default-with-refund.csv')));
    writeFileSync(join(dir, 'day', 'pos.csv'), readFileSync(join(FIX, 'unionpay-pos-void-and-return.csv')));
    writeFileSync(
      join(dir, 'bundle.zip'),
      zipSync({
        'cash.csv': readFileSync(join(FIX, 'cash-register-with-slips.csv')),
        'lakala.csv': readFileSync(join(FIX, 'lakala-default-with-refund.csv')),
        'notes.txt': Buffer.from('hello'),
      }),
    );
    const store = await openStore(':memory:');
    const reports = await importFiles(store, await expandInputs([join(dir, 'day'), join(dir, 'bundle.zip')]), {
      actor: 'zhang.kj',
    });
    const byFile = Object.fromEntries(reports.map((r) => [r.file, r]));
    expect(byFile['lakala.csv']).toMatchObject({ status: 'imported', channel: 'lakala' });
    expect(byFile['pos.csv']).toMatchObject({ status: 'imported', channel: 'unionpay' });
    expect(byFile['bundle.zip/cash.csv']).toMatchObject({ status: 'imported', channel: 'cash' });
    // The same Lakala bytes inside the bundle are recognised as already imported.
    expect(byFile['bundle.zip/lakala.csv']).toMatchObject({ status: 'duplicate', channel: 'lakala' });
    expect(byFile['bundle.zip/notes.txt']).toMatchObject({ status: 'rejected' });
    await store.close();
  });

  it('takes the business day from the content when the file has one and the user gives none', async () => {
    const store = await openStore(':memory:');
    const r = await one(store, fixture('wechat-all-with-refund.csv'));
    expect(r).toMatchObject({ status: 'imported', businessDate: '2024-03-15' });
    await store.close();
  });

  it('previews without writing anything', async () => {
    const store = await openStore(':memory:');
    const r = await one(store, fixture('lakala-default-with-refund.csv'), { dryRun: true });
    expect(r.status).toBe('preview');
    expect(r.lines).toBeGreaterThan(0);
    expect(await fingerprint(store)).toBe(await fingerprint(await openStore(':memory:')));
    await store.close();
  });
  it('keeps a header-only file once per day the user gives it for, and recognises it again for that day', async () => {
    const store = await openStore(':memory:');
    // The cash register of a day without cash: only its two header rows, the same bytes every day.
    const empty = '\ufeff业务日期,交付中心编码,收款时间,订单号,款项,金额,收银员工号,收款单号,缴款单号,备注\n\n缴款单号,缴款日期,交付中心编码,存入账号后四位,金额,笔数\n';
    const first = await one(store, bytes('cash-register-20261004.csv', empty), { channel: 'cash', date: '2026-10-04' });
    expect(first).toMatchObject({ status: 'imported', channel: 'cash', businessDate: '2026-10-04', lines: 0 });
    const next = await one(store, bytes('cash-register-20261005.csv', empty), { channel: 'cash', date: '2026-10-05' });
    expect(next).toMatchObject({ status: 'imported', businessDate: '2026-10-05', lines: 0 });
    const before = await fingerprint(store);
    expect(await one(store, bytes('again.csv', empty), { channel: 'cash', date: '2026-10-05' })).toMatchObject({
      status: 'duplicate',
      businessDate: '2026-10-05',
    });
    expect(await one(store, bytes('again.csv', empty), { channel: 'cash', date: '2026-10-04' })).toMatchObject({
      status: 'duplicate',
      businessDate: '2026-10-04',
    });
    expect(await fingerprint(store)).toBe(before);
    expect((await listFiles(store.read)).map((f) => f.businessDate).sort()).toEqual(['2026-10-04', '2026-10-05']);
    await store.close();
  });
});
