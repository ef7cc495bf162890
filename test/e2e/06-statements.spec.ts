// Statements: import with a preview first (detected channel, totals, tie-out, errors with their
// line), the statement calendar of a month, a channel-day's files and lines with export, a new
// version that waits for confirmation, duplicates and bad files that write nothing, and the cash
// register template.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from '@playwright/test';
import { PROJECT_ROOT } from './demo-server';
import { api, ensureSynced, expect, floatingFilterInput, gridTotal, openApp, test } from './helpers';

const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures', 'statements');
const LAKALA = 'lakala-default-with-refund.csv';
const WECHAT = 'wechat-all-with-refund.csv';
const BAD = 'wechat-all-bad-amount.csv';
/** Previewed only, never imported: its preview is never a duplicate, whatever ran before. */
const PREVIEW_ONLY = 'wechat-success.csv';
const fixture = (name: string) => join(FIXTURES, name);

interface FileRow {
  id: number;
  fileName: string;
  channel: string;
  businessDate: string;
  status: string;
  version: number;
  lineCount: number;
  netFen: number;
}
interface JobState {
  id: string;
  status: string;
  error: string | null;
  result: unknown;
}

async function actor(request: Parameters<typeof api>[0]): Promise<string> {
  return (await api<{ users: { userId: string }[] }>(request, 'settings.get')).users[0]!.userId;
}

/** Import through the API (a test that runs alone prepares its own data); duplicates are fine. */
async function importByApi(request: Parameters<typeof api>[0], name: string, content?: Buffer): Promise<void> {
  const bytes = content ?? readFileSync(fixture(name));
  let job = await api<JobState>(request, 'statements.import', {
    files: [{ name, contentBase64: bytes.toString('base64') }],
    actor: await actor(request),
  });
  for (let i = 0; i < 200 && job.status === 'running'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    job = (await api<JobState | null>(request, 'jobs.get', { jobId: job.id })) ?? job;
  }
  expect(job.status).toBe('done');
}

async function filesOf(request: Parameters<typeof api>[0], date?: string): Promise<FileRow[]> {
  return api<FileRow[]>(request, 'statements.files', date ? { date } : {});
}

/** Drop a fixture file on the import zone, as a drag from the file manager does. */
async function dropFixture(page: Page, name: string): Promise<void> {
  const bytes = readFileSync(fixture(name)).toString('base64');
  await page.getByTestId('import-drop').evaluate(
    (zone, [fileName, b64]) => {
      const data = new DataTransfer();
      const raw = Uint8Array.from(atob(b64!), (c) => c.charCodeAt(0));
      data.items.add(new File([raw], fileName!, { type: 'text/csv' }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    },
    [name, bytes],
  );
}

const report = (page: Page, file: string) => page.locator(`[data-testid="import-report"][data-file="${file}"]`);

test.beforeAll(async ({ request }) => {
  await ensureSynced(request);
});

test('import a Lakala statement: preview with channel and totals, commit, the calendar shows it', async ({
  page,
  request,
}) => {
  await openApp(page, '#/statements');
  await expect(page.getByRole('link', { name: '对账单' })).toHaveAttribute('aria-current', 'page');
  await page.getByTestId('import-files').setInputFiles(fixture(LAKALA));

  // The preview: detected channel, day, merchant and totals; nothing is written yet.
  const preview = page.getByTestId('import-preview');
  const row = preview.locator(`[data-testid="import-report"][data-file="${LAKALA}"]`);
  await expect(row).toHaveAttribute('data-status', 'preview');
  await expect(row.locator('[data-col="channel"]')).toHaveText('拉卡拉');
  await expect(row.locator('[data-col="date"]')).toHaveText('2026-10-03');
  await expect(row.locator('[data-col="lines"]')).toHaveText('3');
  await expect(row.locator('[data-col="payments"]')).toContainText('¥7,000.00');
  await expect(row.locator('[data-col="payments"]')).toContainText('2 笔');
  await expect(row.locator('[data-col="refunds"]')).toContainText('¥200.00');
  await expect(row.locator('[data-col="fees"]')).toHaveText('¥20.40');
  await expect(row.locator('[data-col="net"]')).toHaveText('¥6,779.60');
  await expect(row.locator('[data-col="tieOut"]')).toHaveText('相符');
  await expect(row.locator('[data-col="status"]')).toContainText('可导入');
  expect((await filesOf(request, '2026-10-03')).filter((f) => f.channel === 'lakala')).toEqual([]);

  await page.getByTestId('import-commit').click();
  const result = page.getByTestId('import-results').locator(`[data-testid="import-report"][data-file="${LAKALA}"]`);
  await expect(result).toHaveAttribute('data-status', 'imported');
  await expect(result).toContainText('已导入 v1');
  await expect(page.getByTestId('import-summary')).toContainText('已导入 1 个');

  // The calendar opens on the month of the latest statement and shows the cell.
  await expect(page.getByTestId('calendar-month')).toHaveAttribute('data-month', '2026-10');
  const cell = page.getByTestId('cal-cell-2026-10-03-lakala');
  await expect(cell).toHaveAttribute('data-state', 'imported');
  await expect(cell).toContainText('已导入');
  await expect(cell).toContainText('3 行');
  await expect(cell).toContainText('¥6,779.60');
  await expect(page.getByTestId('cal-cell-2026-10-03-wechat')).toHaveAttribute('data-state', 'missing');
  // Channels in the fixed order.
  await expect(page.getByTestId('statement-calendar').locator('thead th')).toHaveText([
    '业务日期',
    '微信支付',
    '支付宝',
    '拉卡拉',
    '银联POS',
    '通联',
    '现金',
    '电汇',
  ]);

  const files = (await filesOf(request, '2026-10-03')).filter((f) => f.channel === 'lakala');
  expect(files.map((f) => [f.status, f.version, f.lineCount, f.netFen])).toEqual([['active', 1, 3, 677960]]);
});

test('a channel-day: its file and lines; filter, export to Excel and read it back', async ({
  page,
  request,
}, testInfo) => {
  await importByApi(request, LAKALA);
  await openApp(page, '#/statements?month=2026-10');
  await page.getByTestId('cal-cell-2026-10-03-lakala').click();

  const day = page.getByTestId('channel-day');
  await expect(day).toContainText('拉卡拉');
  await expect(day).toContainText('2026-10-03');
  const files = page.getByTestId('statement-files');
  const active = files.locator('tr[data-status="active"]');
  await expect(active).toContainText('v1');
  await expect(active).toContainText('生效');
  await expect(active).toContainText(LAKALA);
  await expect(active).toContainText('¥6,779.60');
  await expect(active).toContainText('相符');
  await expect(active).toContainText('822290059430BAX');

  expect(await gridTotal(page, 'lines-grid')).toBe(3);
  const grid = page.getByTestId('lines-grid');
  await expect(grid.locator('.ag-row[row-index="0"] .ag-cell[col-id="amountFen"]')).toHaveText('¥5,000.00');
  await expect(grid.locator('.ag-row[row-index="0"] .ag-cell[col-id="occurredAt"]')).toHaveText('2026-10-03 10:15:30');
  await expect(grid.locator('.ag-row[row-index="2"] .ag-cell[col-id="kind"]')).toHaveText('退款');
  await expect(grid.locator('.ag-row[row-index="2"] .ag-cell[col-id="amountFen"]')).toHaveText('-¥200.00');

  // Filter (in SQL, on this file only), then export what the grid shows.
  await floatingFilterInput(page, 'lines-grid', 'amountFen').fill('5000');
  await expect.poll(() => gridTotal(page, 'lines-grid')).toBe(1);
  const downloading = page.waitForEvent('download');
  await page.getByTestId('lines-grid-export').getByRole('button', { name: '导出 Excel' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^statementLines-.*\.xlsx$/);
  const file = testInfo.outputPath(download.suggestedFilename());
  await download.saveAs(file);
  await expect(page.getByTestId('export-message')).toContainText('已导出 1 行');

  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.worksheets[0]!;
  expect(ws.name).toBe('对账单明细');
  const header = (ws.getRow(1).values as unknown[]).slice(1);
  expect(header.slice(0, 8)).toEqual(['文件', '行号', '渠道', '对账单日期', '业务日期', '类型', '金额', '手续费']);
  expect(ws.actualRowCount - 1).toBe(1);
  const row = ws.getRow(2);
  expect(row.getCell(3).value).toBe('拉卡拉');
  expect(row.getCell(6).value).toBe('收款');
  const amount = row.getCell(7);
  expect(amount.value).toBe(5000);
  expect(amount.numFmt).toContain('¥');
  expect(row.getCell(11).value).toBe('OTD202610030001');
});

test('the same file again is recognised as a duplicate (dropped on the page) and changes nothing', async ({
  page,
  request,
}) => {
  await importByApi(request, LAKALA);
  const before = await filesOf(request);
  await openApp(page, '#/statements?month=2026-10');
  await expect(page.getByTestId('cal-cell-2026-10-03-lakala')).toHaveAttribute('data-state', /imported|pending/);

  // Drag and drop: a file dropped on the drop zone.
  await dropFixture(page, LAKALA);

  const row = report(page, LAKALA);
  await expect(row).toHaveAttribute('data-status', 'duplicate');
  await expect(row.locator('[data-col="status"]')).toContainText('重复');
  await expect(page.getByTestId('import-summary')).toContainText('1 个已导入过');
  await expect(page.getByTestId('import-commit')).toBeDisabled();
  expect(await filesOf(request)).toEqual(before);
});

test('a bad file shows its errors with line numbers and writes nothing', async ({ page, request }) => {
  const filesBefore = await filesOf(request);
  const auditBefore = await api<{ total: number }>(request, 'audit.page', { startRow: 0, endRow: 1 });
  await openApp(page, '#/statements');
  await page.getByTestId('import-files').setInputFiles(fixture(BAD));

  const row = report(page, BAD);
  await expect(row).toHaveAttribute('data-status', 'rejected');
  await expect(row.locator('[data-col="channel"]')).toHaveText('微信支付');
  await expect(row.locator('[data-col="tieOut"]')).toHaveText('不符');
  await expect(row.locator('[data-col="status"]')).toContainText('有错误，不会导入');
  const errors = page.getByTestId('import-errors');
  await expect(errors.locator('tbody tr[data-line="2"]')).toContainText('应结订单金额');
  await expect(errors.locator('tbody tr[data-line="2"]')).toContainText('1OO.00');
  await expect(errors.locator('tbody tr[data-line="3"]')).toContainText('手续费');
  await expect(errors.locator('tbody tr[data-line="5"]').first()).toContainText('does not tie out');
  // Its totals do not tie out: accepting that is possible, but the bad amounts remain errors.
  await expect(page.getByTestId('override-accept')).not.toBeChecked();
  await expect(page.getByTestId('import-summary')).toContainText('0 个可导入，1 个有错误');
  await expect(page.getByTestId('import-commit')).toBeDisabled();

  expect(await filesOf(request)).toEqual(filesBefore);
  expect((await api<{ total: number }>(request, 'audit.page', { startRow: 0, endRow: 1 })).total).toBe(
    auditBefore.total,
  );
});

test('a folder of WeChat bills; the business date given for a bill shows in the preview before import', async ({
  page,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'otd-folder-'));
  try {
    writeFileSync(join(dir, WECHAT), readFileSync(fixture(WECHAT)));
    writeFileSync(join(dir, '.DS_Store'), 'not a statement');
    await openApp(page, '#/statements');
    await page.getByTestId('import-folder').setInputFiles(dir);

    const entry = page.locator('[data-testid="import-entry"]');
    await expect(entry).toHaveCount(1); // the hidden file is not a statement
    const row = page.locator('[data-testid="import-report"]');
    await expect(row).toHaveAttribute('data-status', 'preview');
    await expect(row.locator('[data-col="channel"]')).toHaveText('微信支付');

    // WeChat bills do not print their day: a wrong one given here makes every line a timing
    // difference, and the preview says so line by line before anything is written.
    await page.getByTestId('override-date').fill('2024-03-16');
    await expect(row.locator('[data-col="date"]')).toHaveText('2024-03-16');
    const warnings = page.getByTestId('import-warnings');
    await expect(warnings.locator('tbody tr')).toHaveCount(4);
    await expect(warnings.locator('tbody tr[data-line="2"]')).toContainText('not the bill date 2024-03-16');
    await expect(row.locator('[data-col="status"]')).toContainText('4 条警告');
    await page.getByTestId('override-date').fill('2024-03-15');
    await expect(row).toHaveAttribute('data-status', 'preview');
    await expect(row.locator('[data-col="date"]')).toHaveText('2024-03-15');
    await expect(page.getByTestId('import-warnings')).toHaveCount(0);
    await expect(row.locator('[data-col="net"]')).toHaveText('¥2,087.39');
    await expect(row.locator('[data-col="refunds"]')).toContainText('¥5,000.00');
    await page.getByTestId('import-commit').click();
    await expect(page.getByTestId('import-results').locator('[data-testid="import-report"]')).toHaveAttribute(
      'data-status',
      'imported',
    );
    await page.getByTestId('import-results').getByRole('button', { name: '在日历中查看' }).click();
    await expect(page.getByTestId('calendar-month')).toHaveAttribute('data-month', '2024-03');
    await expect(page.getByTestId('channel-day')).toHaveAttribute('data-channel', 'wechat');
    await expect(page.getByTestId('cal-cell-2024-03-15-wechat')).toHaveAttribute('data-state', 'imported');
    await expect(page.getByTestId('cal-cell-2024-03-15-wechat')).toContainText('4 行');
    await expect(page.getByTestId('cal-cell-2024-03-15-wechat')).toContainText('¥2,087.39');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a new version of a channel-day waits until its replacement is confirmed with a reason', async ({
  page,
  request,
}) => {
  await importByApi(request, LAKALA);
  // The same statement issued again: one time printed a second later, the totals unchanged.
  const v2 = Buffer.from(readFileSync(fixture(LAKALA), 'utf8').replace('20261003101530', '20261003101531'));
  await openApp(page, '#/statements');
  await page
    .getByTestId('import-files')
    .setInputFiles({ name: 'lakala-2026-10-03-reissued.csv', mimeType: 'text/csv', buffer: v2 });
  await expect(report(page, 'lakala-2026-10-03-reissued.csv')).toHaveAttribute('data-status', 'preview');
  await page.getByTestId('import-commit').click();
  const result = page.getByTestId('import-results').locator('[data-testid="import-report"]');
  await expect(result).toContainText('待确认替换');

  const cell = page.getByTestId('cal-cell-2026-10-03-lakala');
  await expect(cell).toHaveAttribute('data-state', 'pending');
  await expect(cell).toContainText('待确认新版本');
  await cell.click();
  const files = page.getByTestId('statement-files');
  await expect(files.locator('tr[data-status="active"]')).toContainText('v1');
  const pending = files.locator('tr[data-status="pending"]');
  await expect(pending).toContainText('v2');
  await expect(pending).toContainText('待确认');

  // Until confirmed, the active version stays the one reconciliation uses.
  const waiting = page.getByTestId('pending-version');
  await expect(waiting).toContainText('对账仍使用当前生效的 v1');
  await waiting.getByTestId('confirm-replace-open').click();
  const form = page.getByTestId('confirm-replace');
  await expect(form).toContainText('替换当前生效的 v1');
  const confirm = form.getByRole('button', { name: '确认替换' });
  await expect(confirm).toBeDisabled();
  await page.getByTestId('replace-reason').fill('拉卡拉重新出具了对账单');
  await confirm.click();

  await expect(files.locator('tr[data-status="active"]')).toContainText('v2');
  await expect(files.locator('tr[data-status="superseded"]')).toContainText('v1');
  await expect(page.getByTestId('pending-version')).toHaveCount(0);
  await expect(cell).toHaveAttribute('data-state', 'imported');
  await expect(cell).toContainText('3 行');
  expect(await gridTotal(page, 'lines-grid')).toBe(3);

  const audit = await api<{ rows: { userId: string; reason: string | null }[] }>(request, 'audit.page', {
    startRow: 0,
    endRow: 5,
    filterModel: { action: { filterType: 'text', type: 'equals', filter: 'statements.replace' } },
  });
  // Recorded under the current user (the first local user: the page's default).
  const who = await actor(request);
  expect(audit.rows.some((r) => r.reason === '拉卡拉重新出具了对账单' && r.userId === who)).toBe(true);
});

test('the cash register template downloads as .xlsx and .csv', async ({ page }, testInfo) => {
  await openApp(page, '#/statements');
  const template = page.getByTestId('cash-template');
  await expect(template).toContainText('现金');

  let downloading = page.waitForEvent('download');
  await page.getByTestId('cash-template-xlsx').click();
  let download = await downloading;
  expect(download.suggestedFilename()).toBe('cash-register-template.xlsx');
  const file = testInfo.outputPath('cash-register-template.xlsx');
  await download.saveAs(file);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const header = (wb.worksheets[0]!.getRow(1).values as unknown[]).slice(1);
  expect(header).toContain('业务日期');
  expect(header).toContain('金额');

  downloading = page.waitForEvent('download');
  await page.getByTestId('cash-template-csv').click();
  download = await downloading;
  expect(download.suggestedFilename()).toBe('cash-register-template.csv');
  const text = readFileSync((await download.path())!, 'utf8');
  expect(text.replace(/^\uFEFF/, '').split(/\r?\n/)[0]).toContain('业务日期');
});

test('a re-preview that fails can be tried again, and then shows the new preview', async ({ page }) => {
  await openApp(page, '#/statements');
  await page.getByTestId('import-files').setInputFiles(fixture(PREVIEW_ONLY));
  const row = report(page, PREVIEW_ONLY);
  await expect(row).toHaveAttribute('data-status', 'preview');

  // The service fails while the file is previewed again with another business day.
  await page.route('**/api/op/statements.import', (route) =>
    route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ ok: false, error: { code: 'internal', message: 'the store is busy' } }),
    }),
  );
  await page.getByTestId('override-date').fill('2024-03-16');
  await expect(page.getByRole('alert').filter({ hasText: 'the store is busy' })).toBeVisible();
  await expect(row).toHaveCount(0);

  // Once the service answers again, the retry previews the file with the day given.
  await page.unroute('**/api/op/statements.import');
  await page.getByTestId('import-retry').click();
  await expect(row).toHaveAttribute('data-status', 'preview');
  await expect(row.locator('[data-col="date"]')).toHaveText('2024-03-16');
  await expect(page.getByRole('alert').filter({ hasText: 'the store is busy' })).toHaveCount(0);
  await expect(page.getByTestId('import-commit')).toBeEnabled();
});

test('files dropped with no current user are refused with the reason, and nothing is sent', async ({
  page,
  request,
}) => {
  const before = await filesOf(request);
  // A workstation without local users yet: no one to record the decisions under.
  await page.route('**/api/op/settings.get', async (route) => {
    const res = await route.fetch();
    const body = (await res.json()) as { ok: boolean; result: { users: unknown[] } };
    body.result.users = [];
    await route.fulfill({ response: res, json: body });
  });
  const imports: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/op/statements.import')) imports.push(r.url());
  });
  await openApp(page, '#/statements');
  await expect(page.getByTestId('user-picker')).toBeDisabled();
  await expect(page.getByTestId('import-refused')).toHaveCount(0);

  await dropFixture(page, LAKALA);
  const refused = page.getByTestId('import-refused');
  await expect(refused).toBeVisible();
  await expect(refused).toContainText('未导入：尚未选择当前用户');
  await expect(refused).toContainText('审计日志');
  await expect(page.getByTestId('import-entry')).toHaveCount(0);
  await expect(page.getByTestId('import-files').locator('..').getByRole('button').first()).toBeDisabled();
  expect(imports).toEqual([]);
  expect(await filesOf(request)).toEqual(before);
});

test('download credentials are edited in Settings: ids shown, keys write-only with their fingerprint', async ({
  page,
  request,
}) => {
  const before = await api<{ channels: { channel: string; automatic: boolean }[] }>(request, 'downloads.settings.get');
  expect(before.channels.map((c) => c.channel)).toEqual(['wechat', 'lakala', 'unionpay']);
  if (!before.channels.find((c) => c.channel === 'unionpay')!.automatic)
    await api(request, 'downloads.settings.update', {
      channel: 'unionpay',
      automatic: true,
      actor: await actor(request),
    });
  await openApp(page, '#/settings');
  const unionpay = page.getByTestId('download-unionpay');
  await expect(unionpay.getByTestId('download-state')).toHaveText('已配置');
  await expect(unionpay.getByTestId('download-key-privateKey')).toContainText('指纹');
  await expect(unionpay.getByTestId('download-field-merId')).not.toHaveValue('');
  await expect(unionpay.getByTestId('download-pem-privateKey')).toHaveValue('');
  await expect(page.getByTestId('download-credentials')).not.toContainText('BEGIN');
  await expect(page.getByTestId('download-manual-alipay')).toBeVisible();

  // Turning the 14:30 download off is saved, audited, and shown again after a reload.
  await expect(unionpay.getByTestId('download-automatic')).toBeChecked();
  await unionpay.getByTestId('download-automatic').uncheck();
  await unionpay.getByTestId('download-save').click();
  await expect(unionpay.getByText('已保存', { exact: true })).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('download-unionpay').getByTestId('download-automatic')).not.toBeChecked();
  const audit = await api<{ rows: { action: string }[] }>(request, 'audit.page', { startRow: 0, endRow: 5 });
  expect(JSON.stringify(audit.rows)).toContain('unionpay');

  // A text that is no key is refused with the reason, and nothing changes.
  const wechat = page.getByTestId('download-wechat');
  await wechat.getByTestId('download-pem-privateKey').fill('not a key');
  await wechat.getByTestId('download-save').click();
  await expect(wechat.getByRole('alert')).toContainText('PEM');
  await expect(wechat.getByTestId('download-state')).toHaveText('已配置');

  await page.getByTestId('download-unionpay').getByTestId('download-automatic').check();
  await page.getByTestId('download-unionpay').getByTestId('download-save').click();
  await expect(page.getByTestId('download-unionpay').getByText('已保存', { exact: true })).toBeVisible();
});
