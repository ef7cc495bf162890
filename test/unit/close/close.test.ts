// Month-end close through the real services, the contract (dispatch) and the CLI: the checklist's
// states as a month is worked through, sign-off order with four eyes, the lock refusing imports,
// decisions, runs and journal exports dated in the period, the audited reopen, and the close pack
// read back with exceljs.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { createContext, closeContext, type AppContext } from '../../../src-main/api/context';
import { dispatch } from '../../../src-main/api/dispatch';
import { addUser } from '../../../src-main/store/settings';
import { openDiscrepancies } from '../../../src-main/store/recon-score';
import { reconcileDay } from '../../../src-main/recon/engine';
import { decide, propose, signOff } from '../../../src-main/recon/resolutions';
import { exportJournals, scopeOf } from '../../../src-main/journal/export';
import { periodView, type CheckKey, type PeriodView } from '../../../src-main/close/checklist';
import { explainItem, lockPeriod, signOffPeriod } from '../../../src-main/close/signoff';
import { writeClosePack } from '../../../src-main/close/pack';
import { YUAN_FORMAT } from '../../../src-main/export/xlsx';
import { main } from '../../../src-main/cli';
import type { Store } from '../../../src-main/store';
import { line, payment, statement } from '../recon/helpers';
import { seedPayments } from '../journal/fixtures';

const PERIOD = '2026-10';
const D1 = '2026-10-01';
const D2 = '2026-10-02';

let ctx: AppContext | null = null;
let dir: string | null = null;
afterEach(async () => {
  if (ctx) await closeContext(ctx);
  ctx = null;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = null;
});

async function context(): Promise<AppContext> {
  dir = mkdtempSync(join(tmpdir(), 'otd-close-'));
  ctx = await createContext({ dbFile: join(dir, 'db.sqlite'), dataDir: dir, mode: 'cli' });
  await ctx.store.write(async (tx) => {
    await addUser(tx, { userId: 'zhang.kj', displayName: '张会计' });
    await addUser(tx, { userId: 'li.fh', displayName: '李复核' });
  });
  return ctx;
}

const states = (v: PeriodView) => Object.fromEntries(v.checklist.map((c) => [c.key, c.ok])) as Record<CheckKey, boolean>;

/** Two WeChat days: the first matches, the second first lacks its statement, then has a long and a short. */
async function workedMonth(store: Store, steps: { onEach?: (name: string, v: PeriodView) => void } = {}): Promise<void> {
  const snap = async (name: string) => steps.onEach?.(name, await periodView(store.read, PERIOD));
  await seedPayments(store, [
    { p: payment('P1', 'O1', 'B1', { paidAt: `${D1}T12:00:00+08:00`, amountFen: 500000 }), kind: 'small_deposit' },
    { p: payment('P2', 'O2', 'B2', { paidAt: `${D2}T12:00:00+08:00`, amountFen: 20000 }), kind: 'small_deposit' },
  ]);
  await statement(store, 'wechat', D1, [line({ amountFen: 500000, feeFen: 3000, channelTxnId: 'TP1', merchantOrderNo: 'MP1', occurredAt: `${D1}T12:00:00+08:00` })]);
  await snap('seeded');
  await statement(store, 'wechat', D2, [line({ amountFen: 10000, channelTxnId: 'TX9', merchantOrderNo: 'MX9', businessDate: D2, occurredAt: `${D2}T12:00:00+08:00` })]);
  for (const d of [D1, D2]) await reconcileDay(store, 'wechat', d, { actor: 'zhang.kj' });
  await snap('reconciled');
  const open = await openDiscrepancies(store.read, { date: D2, channel: 'wechat' });
  const long = open.find((d) => d.type === 'long')!;
  const short = open.find((d) => d.type === 'short')!;
  await explainItem(store, { discrepancyId: short.id, text: '客户称已付款，等待微信回单', actor: 'zhang.kj' });
  const adj = await propose(store, 'adjustment', { discrepancyId: long.id, actor: 'zhang.kj', reasonCode: 'unexplained', comment: '长款待查' });
  await snap('proposed');
  await decide(store, 'adjustment', 'approved', { adjustmentId: adj.id, actor: 'li.fh' });
  for (const d of [D1, D2]) await signOff(store, { channel: 'wechat', date: d, actor: 'zhang.kj' });
  await snap('signed');
  await exportJournals(store, { scope: scopeOf({ period: PERIOD }), format: 'f2548-xlsx', actor: 'zhang.kj', out: null, exportDir: join(dir!, 'journals') });
}

describe('the period checklist', () => {
  it('follows the month from missing statements to every check passing', async () => {
    const c = await context();
    const seen: Record<string, PeriodView> = {};
    await workedMonth(c.store, { onEach: (n, v) => (seen[n] = v) });

    expect(states(seen.seeded!)).toMatchObject({ statements: false, reconciled: false, journals: false });
    expect(seen.seeded!.checklist.find((x) => x.key === 'statements')!.examples).toEqual([`wechat ${D2}`]);
    expect(seen.seeded!.cells.filter((x) => x.active).map((x) => `${x.channel} ${x.businessDate}`)).toEqual([`wechat ${D1}`, `wechat ${D2}`]);

    // Run but not signed off; the long and the short of day 2 are open and unexplained.
    expect(states(seen.reconciled!)).toMatchObject({ statements: true, reconciled: false, openItems: false });
    expect(seen.reconciled!.openItems.map((i) => i.type).sort()).toEqual(['long', 'short']);
    expect(seen.reconciled!.openItems.every((i) => i.ageDays === 29 && i.bucket === '8-30')).toBe(true);

    // The short is explained; the long's adjustment waits for the reviewer.
    expect(states(seen.proposed!)).toMatchObject({ openItems: true, adjustments: false });
    expect(seen.proposed!.openItems.find((i) => i.type === 'short')!.explanation).toBe('客户称已付款，等待微信回单');

    expect(states(seen.signed!)).toEqual({ statements: true, reconciled: true, openItems: true, adjustments: true, journals: false });
    const done = await periodView(c.store.read, PERIOD);
    expect(states(done)).toEqual({ statements: true, reconciled: true, openItems: true, adjustments: true, journals: true });
    expect(done.ready).toBe(true);
    expect(done.series.find((s) => s.businessDate === D1)).toMatchObject({ matchRate: 1, openFen: 0 });
    expect(done.series.find((s) => s.businessDate === D2)).toMatchObject({ matchRate: 0, openFen: 20000, openCount: 1 });
    expect(done.series.find((s) => s.businessDate === '2026-10-03')).toMatchObject({ matchRate: null, openFen: 0 });
  });
});

describe('sign-off and lock', () => {
  it('needs a complete checklist, the preparer first, then a different reviewer, then the lock', async () => {
    const c = await context();
    await seedPayments(c.store, [{ p: payment('P1', 'O1', 'B1', { paidAt: `${D1}T12:00:00+08:00` }), kind: 'small_deposit' }]);
    await expect(signOffPeriod(c.store, { period: PERIOD, role: 'preparer', actor: 'zhang.kj' })).rejects.toMatchObject({
      code: 'conflict', message: expect.stringMatching(/checklist is not complete — statements: 1 of 1/),
    });
  });

  it('enforces the order and four eyes, and the lock needs both signatures', async () => {
    const c = await context();
    await workedMonth(c.store);
    await expect(signOffPeriod(c.store, { period: PERIOD, role: 'reviewer', actor: 'li.fh' })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/no preparer's sign-off/) });
    await expect(lockPeriod(c.store, { period: PERIOD, actor: 'li.fh' })).rejects.toMatchObject({ code: 'conflict' });
    await expect(signOffPeriod(c.store, { period: PERIOD, role: 'preparer', actor: 'nobody' })).rejects.toMatchObject({ code: 'forbidden' });
    const prepared = await signOffPeriod(c.store, { period: PERIOD, role: 'preparer', actor: 'zhang.kj' });
    expect(prepared).toMatchObject({ status: 'prepared', preparedBy: 'zhang.kj' });
    await expect(signOffPeriod(c.store, { period: PERIOD, role: 'reviewer', actor: 'zhang.kj' })).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/four eyes/) });
    await expect(lockPeriod(c.store, { period: PERIOD, actor: 'zhang.kj' })).rejects.toMatchObject({ code: 'conflict' });
    expect(await signOffPeriod(c.store, { period: PERIOD, role: 'reviewer', actor: 'li.fh' })).toMatchObject({ status: 'reviewed', reviewedBy: 'li.fh' });
    expect(await lockPeriod(c.store, { period: PERIOD, actor: 'li.fh' })).toMatchObject({ status: 'locked', lockedBy: 'li.fh' });
    const audit = await c.store.read.all<{ action: string; user_id: string }>("SELECT action, user_id FROM audit_log WHERE entity = 'close_period' ORDER BY id");
    expect(audit).toEqual([
      { action: 'close.signoff.preparer', user_id: 'zhang.kj' },
      { action: 'close.signoff.reviewer', user_id: 'li.fh' },
      { action: 'close.lock', user_id: 'li.fh' },
    ]);
  });
});

describe('a locked period', () => {
  it('refuses imports, decisions, runs and journal exports through the contract, until reopened with a reason', async () => {
    const c = await context();
    await workedMonth(c.store);
    const open = await openDiscrepancies(c.store.read, { date: D2, channel: 'wechat' });
    const short = open.find((d) => d.type === 'short')!;
    for (const [role, actor] of [['preparer', 'zhang.kj'], ['reviewer', 'li.fh']] as const) {
      expect(await dispatch(c, 'close.signoff', { period: PERIOD, role, actor })).toMatchObject({ ok: true });
    }
    expect(await dispatch(c, 'close.lock', { period: PERIOD, actor: 'li.fh' })).toMatchObject({ ok: true, result: { status: 'locked' } });
    const before = await c.store.read.all('SELECT * FROM recon_decision ORDER BY id');

    const refused = [
      await dispatch(c, 'recon.reopen', { channel: 'wechat', date: D1, actor: 'zhang.kj', reasonCode: 'fix', comment: '重做' }),
      await dispatch(c, 'recon.carry', { discrepancyId: short.id, until: '2026-10-04', actor: 'zhang.kj', reasonCode: 'wait', comment: '等待' }),
      await dispatch(c, 'recon.writeoff', { discrepancyId: short.id, actor: 'zhang.kj', reasonCode: 'small', comment: '核销' }),
      await dispatch(c, 'close.explain', { discrepancyId: short.id, text: '再说明', actor: 'zhang.kj' }),
    ];
    for (const r of refused) {
      expect(r).toMatchObject({ ok: false, error: { code: 'locked', message: expect.stringMatching(/period 2026-10 is closed and locked/) } });
    }
    // Jobs: the run and the export fail with the refusal; the import reports it for the file.
    const run = await dispatch(c, 'recon.run', { date: D1, actor: 'zhang.kj' });
    await expect(c.jobs.wait((run as { result: { id: string } }).result.id)).rejects.toMatchObject({ code: 'locked' });
    const exp = await dispatch(c, 'journal.export', { scope: { period: PERIOD }, format: 'f2548-xlsx', actor: 'zhang.kj' });
    await expect(c.jobs.wait((exp as { result: { id: string } }).result.id)).rejects.toMatchObject({ code: 'locked' });
    const cash = readFileSync(join(__dirname, '../../fixtures/statements/cash-register-with-slips.csv'));
    const imp = await dispatch(c, 'statements.import', { files: [{ name: 'cash.csv', contentBase64: cash.toString('base64') }], actor: 'zhang.kj' });
    const reports = await c.jobs.wait<{ status: string; errors: { code?: string; message: string }[] }[]>((imp as { result: { id: string } }).result.id);
    expect(reports[0]!.status).not.toBe('imported');
    expect(reports[0]!.errors).toContainEqual(expect.objectContaining({ code: 'locked', message: expect.stringMatching(/importing a statement of 2026-10-03/) }));
    expect(await c.store.read.get("SELECT count(*) AS n FROM statement_file WHERE channel = 'cash'")).toEqual({ n: 0 });
    expect(await c.store.read.all('SELECT * FROM recon_decision ORDER BY id')).toEqual(before);
    // Another month is not affected.
    expect(await dispatch(c, 'recon.workbench', { from: '2026-11-01', to: '2026-11-02' })).toMatchObject({ ok: true });

    expect(await dispatch(c, 'close.reopen', { period: PERIOD, actor: 'zhang.kj', reason: '' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const reopened = await dispatch(c, 'close.reopen', { period: PERIOD, actor: 'zhang.kj', reason: '补录微信回单' });
    expect(reopened).toMatchObject({ ok: true, result: { status: 'open', preparedBy: null, reviewedBy: null, reopenedBy: 'zhang.kj', reopenReason: '补录微信回单' } });
    const audit = await c.store.read.get<{ reason: string; before_json: string }>("SELECT reason, before_json FROM audit_log WHERE action = 'close.reopen'");
    expect(audit!.reason).toBe('补录微信回单');
    expect(JSON.parse(audit!.before_json)).toMatchObject({ status: 'locked', preparedBy: 'zhang.kj', reviewedBy: 'li.fh', lockedBy: 'li.fh' });
    expect(await dispatch(c, 'close.explain', { discrepancyId: short.id, text: '再说明', actor: 'zhang.kj' })).toMatchObject({ ok: true });
  });

  it('is reported, signed and locked from the CLI, and the CLI refuses a run in it', async () => {
    const c = await context();
    await workedMonth(c.store);
    const db = c.dbFile;
    await closeContext(c);
    ctx = null;
    const cli = async (argv: string[]) => {
      const out: string[] = [];
      const so = vi.spyOn(process.stdout, 'write').mockImplementation((x: string | Uint8Array) => out.push(String(x)) > 0);
      const se = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        return { code: await main(argv), stdout: out.join('') };
      } finally {
        so.mockRestore();
        se.mockRestore();
      }
    };
    const report = await cli(['close', '--db', db, '--period', PERIOD, '--json']);
    expect(report.code).toBe(0);
    const view = JSON.parse(report.stdout) as { status: string; ready: boolean; checklist: { key: string; ok: boolean }[] };
    expect(view).toMatchObject({ status: 'open', ready: true });
    expect(view.checklist.map((x) => [x.key, x.ok])).toEqual([['statements', true], ['reconciled', true], ['openItems', true], ['adjustments', true], ['journals', true]]);
    expect((await cli(['close', '--db', db, '--period', PERIOD, '--signoff', 'preparer', '--user', 'zhang.kj', '--json'])).code).toBe(0);
    const same = await cli(['close', '--db', db, '--period', PERIOD, '--signoff', 'reviewer', '--user', 'zhang.kj', '--json']);
    expect(same.code).toBe(1);
    expect(JSON.parse(same.stdout)).toMatchObject({ error: { code: 'forbidden' } });
    expect((await cli(['close', '--db', db, '--period', PERIOD, '--signoff', 'reviewer', '--user', 'li.fh', '--json'])).code).toBe(0);
    const locked = await cli(['close', '--db', db, '--period', PERIOD, '--lock', '--user', 'li.fh', '--json']);
    expect(JSON.parse(locked.stdout)).toMatchObject({ status: 'locked', lockedBy: 'li.fh' });
    const run = await cli(['reconcile', '--db', db, '--date', D1, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'locked' } });
    expect((await cli(['close', '--db', db, '--period', '2026-13', '--json'])).code).toBe(2);
  });
});

describe('the close pack', () => {
  it('has the sheets a reviewer reads, formatted, with the chart as a picture and its series', async () => {
    const c = await context();
    await workedMonth(c.store);
    const file = join(dir!, 'pack.xlsx');
    const pack = await writeClosePack(c.store.read, PERIOD, file, 'zh');
    expect(pack.sheets).toEqual(['汇总', '微信支付', '支付宝', '拉卡拉', '银联POS', '通联', '现金', '电汇', '未达项', '调差', '凭证', '审计轨迹', '图表数据']);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const sum = wb.getWorksheet('汇总')!;
    expect(sum.getCell('A1').value).toBe('月结报告 2026-10');
    const checkRows = sum.getRows(9, 5)!.map((r) => [r.getCell(1).value, r.getCell(2).value]);
    expect(checkRows).toEqual([['对账单齐全', '通过'], ['每日已对账并签核', '通过'], ['未达项已说明', '通过'], ['无待复核调差', '通过'], ['凭证已导出', '通过']]);
    const images = sum.getImages();
    expect(images).toHaveLength(1);
    const media = (wb as unknown as { model: { media: { type: string; extension: string; buffer: Buffer }[] } }).model.media;
    expect(media[0]).toMatchObject({ type: 'image', extension: 'png' });
    expect(media[0]!.buffer.subarray(1, 4).toString()).toBe('PNG');

    const wechat = wb.getWorksheet('微信支付')!;
    expect(wechat.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(wechat.autoFilter).toBeTruthy();
    expect(wechat.pageSetup.printTitlesRow).toBe('1:1');
    expect(wechat.getRow(1).font).toMatchObject({ bold: true });
    expect(wechat.rowCount).toBe(32);
    const d2 = wechat.getRow(3);
    expect(d2.getCell(1).value).toBe(D2);
    expect(d2.getCell(9).value).toBe(200);
    expect(d2.getCell(9).numFmt).toBe(YUAN_FORMAT);
    expect(d2.getCell(7).numFmt).toBe('0.0%');

    const open = wb.getWorksheet('未达项')!;
    expect(open.rowCount).toBe(2);
    expect(open.getRow(2).getCell(5).value).toBe(-200);
    expect(open.getRow(2).getCell(9).value).toBe('客户称已付款，等待微信回单');
    const adj = wb.getWorksheet('调差')!;
    expect(adj.getRow(2).getCell(5)).toMatchObject({ value: 100, numFmt: YUAN_FORMAT });
    expect(adj.getRow(2).getCell(11).value).toBe('li.fh');
    const journals = wb.getWorksheet('凭证')!;
    expect(journals.rowCount).toBeGreaterThan(1);
    for (let r = 2; r <= journals.rowCount; r++) expect(journals.getRow(r).getCell(8).value).toBe(journals.getRow(r).getCell(9).value);
    const trail = wb.getWorksheet('审计轨迹')!.getSheetValues().slice(2).map((r) => (r as unknown[])[3]);
    expect(trail).toEqual(expect.arrayContaining(['recon.adjust_propose', 'recon.adjust_approve', 'recon.signoff', 'close.explain']));
    const series = wb.getWorksheet('图表数据')!;
    expect(series.rowCount).toBe(32);
    expect(series.getRow(3).values).toEqual([undefined, D2, 0, 1, 200]);
  });
});
