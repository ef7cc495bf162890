import { describe, expect, it, afterEach } from 'vitest';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { createContext, closeContext, type AppContext } from '../../../src-main/api/context';
import { dispatch } from '../../../src-main/api/dispatch';
import { contract } from '../../../src-main/api/contract';
import { handlers } from '../../../src-main/api/handlers';
import { upsertBillings, upsertPayments, upsertVehicleOrders } from '../../../src-main/store/orders';
import { APP_VERSION } from '../../../src-main/domain/version';
import { billing, order, payment } from '../../helpers/records';
import { readFileSync } from 'node:fs';

let ctx: AppContext | null = null;
afterEach(async () => {
  if (ctx) await closeContext(ctx);
  ctx = null;
});

async function context(): Promise<AppContext> {
  const dir = mkdtempSync(join(tmpdir(), 'otd-api-'));
  ctx = await createContext({ dbFile: join(dir, 'db.sqlite'), dataDir: dir, mode: 'cli' });
  return ctx;
}

describe('the contract', () => {
  it('has a handler for every operation and nothing else', () => {
    expect(Object.keys(handlers).sort()).toEqual(Object.keys(contract).sort());
  });

  it('keeps the app version equal to package.json', () => {
    expect(APP_VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });

  it('validates every input by schema and names what is wrong', async () => {
    const c = await context();
    const unknown = await dispatch(c, 'orders.drop', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_operation' } });
    const proto = await dispatch(c, '__proto__', {});
    expect(proto).toMatchObject({ ok: false, error: { code: 'unknown_operation' } });
    const bad = await dispatch(c, 'orders.page', { startRow: -1, endRow: 'x' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe('invalid_input');
      expect(bad.error.message).toMatch(/startRow/);
    }
    const extra = await dispatch(c, 'jobs.cancel', { jobId: '7d1f5bfa-2f4e-4d0e-9a55-0c61d1c8b0a1', evil: true });
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const unknownColumn = await dispatch(c, 'payments.page', {
      startRow: 0,
      endRow: 10,
      sortModel: [{ colId: 'sqlite_master', sort: 'asc' }],
    });
    expect(unknownColumn).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const badUrl = await dispatch(c, 'settings.update', { centralUrl: 'javascript:alert(1)', actor: 'x' });
    expect(badUrl).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('requires a known local user for decisions and audits them without secrets', async () => {
    const c = await context();
    const first = await dispatch(c, 'users.add', { userId: 'zhang.kj', displayName: '张会计', actor: 'zhang.kj' });
    expect(first.ok).toBe(true);
    const stranger = await dispatch(c, 'users.add', { userId: 'x', displayName: 'X', actor: 'mallory' });
    expect(stranger).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const upd = await dispatch(c, 'settings.update', {
      centralUrl: 'http://127.0.0.1:1/',
      token: 'secret-token-123',
      actor: 'zhang.kj',
    });
    expect(upd).toMatchObject({
      ok: true,
      result: { centralUrl: 'http://127.0.0.1:1/', hasToken: true, tokenStorage: 'file' },
    });
    const log = await c.store.read.all<{ after_json: string }>(
      "SELECT after_json FROM audit_log WHERE action = 'settings.update'",
    );
    expect(log).toHaveLength(1);
    expect(log[0]!.after_json).not.toContain('secret-token-123');
    expect(log[0]!.after_json).toContain('"tokenChanged":true');
  });

  it('refuses to sync without a URL and token, with a message a person can act on', async () => {
    const c = await context();
    const r = await dispatch(c, 'sync.start', {});
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/Settings/) },
    });
  });

  it('exports a grid to xlsx in a worker: numbers as numbers, ¥ format, frozen header, autofilter, formula-safe', async () => {
    const c = await context();
    await c.store.write(async (tx) => {
      await upsertBillings(tx, [billing('B1', 'O1')]);
      await upsertPayments(tx, [
        payment('P1', 'O1', 'B1', { amountFen: 123450, payerName: '=HYPERLINK("http://evil","x")' }),
        payment('P2', 'O1', 'B1', { amountFen: 5, payerName: '@SUM(1)', channel: 'alipay' }),
      ]);
      await upsertVehicleOrders(tx, [order('O1')]);
    });
    const started = await dispatch(c, 'export.grid', {
      grid: 'payments',
      sortModel: [{ colId: 'amountFen', sort: 'desc' }],
      filterModel: {},
      language: 'zh',
    });
    expect(started.ok).toBe(true);
    const job = started.ok ? (started.result as { id: string }) : null;
    const result = await c.jobs.wait<{ file: string; rows: number }>(job!.id);
    expect(result.rows).toBe(2);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(result.file);
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe('收款明细');
    const header = ws.getRow(1).values as unknown[];
    expect(header).toContain('金额');
    const amountCol = header.indexOf('金额');
    expect(ws.getRow(2).getCell(amountCol).value).toBe(1234.5);
    expect(ws.getRow(2).getCell(amountCol).numFmt).toContain('¥');
    expect(ws.getRow(3).getCell(amountCol).value).toBe(0.05);
    const channelCol = header.indexOf('渠道');
    expect(ws.getRow(2).getCell(channelCol).value).toBe('微信支付');
    const payerCol = header.indexOf('付款人');
    expect(ws.getRow(2).getCell(payerCol).value).toBe(`'=HYPERLINK("http://evil","x")`);
    expect(ws.getRow(3).getCell(payerCol).value).toBe(`'@SUM(1)`);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBeTruthy();
  });

  it('a cancelled export leaves no file behind', async () => {
    const c = await context();
    const started = await dispatch(c, 'export.grid', { grid: 'audit', sortModel: [], filterModel: {}, language: 'en' });
    const job = started.ok ? (started.result as { id: string }) : null;
    c.jobs.cancel(job!.id);
    await expect(c.jobs.wait(job!.id)).rejects.toThrow(/cancelled/);
    expect(c.jobs.get(job!.id)!.status).toBe('cancelled');
    expect(existsSync(join(c.dataDir, 'exports'))).toBe(true);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(join(c.dataDir, 'exports'))).toEqual([]);
  });
});
