// Reconciliation: the demo company's sandbox statements imported and reconciled from the workbench,
// a discrepancy reviewed with the keyboard, a manual match that nets to zero, an adjustment proposed
// by 张会计, refused when he tries to approve it himself and approved by 李复核, a bulk carry
// forward, and the grid exported to Excel and read back. Days 2026-10-01…07 of the shared demo.
import ExcelJS from 'exceljs';
import type { APIRequestContext, Page } from '@playwright/test';
import { api, cell, ensureSynced, expect, fenOf, gridTotal, openApp, test } from './helpers';

const FROM = '2026-10-01';
const TO = '2026-10-07';
const MONTH = '2026-10';
const PREPARER = 'zhang.kj';
const REVIEWER = 'li.fh';

interface Candidate {
  key: string;
  side: string;
  amountFen: number;
  discrepancyId: string;
  type: string;
}
interface Candidates {
  internal: Candidate[];
  statement: Candidate[];
}
interface WorkbenchCell {
  businessDate: string;
  channel: string;
  ran: boolean;
  openCount: number;
  proof: { ok: boolean } | null;
}
interface AdjustmentRow {
  id: number;
  state: string;
  maker: string;
  approver: string | null;
  amountFen: number;
}
interface DiscRow {
  id: string;
  type: string;
  state: string;
  channel: string;
  businessDate: string;
  amountFen: number;
}

async function asUser(page: Page, userId: string): Promise<void> {
  await page.getByTestId('user-picker').selectOption(userId);
}

/** An internal item and a statement line of one channel-day with the same amount (a zero-net pair). */
async function zeroNetPair(request: APIRequestContext): Promise<{ channel: string; date: string; a: Candidate; b: Candidate }> {
  for (const channel of ['wechat', 'alipay', 'lakala', 'unionpay', 'allinpay', 'cash', 'wire']) {
    for (let d = 1; d <= 7; d++) {
      const date = `2026-10-0${d}`;
      const c = await api<Candidates>(request, 'recon.candidates', { channel, date });
      for (const a of c.internal) {
        const b = c.statement.find((s) => s.amountFen === a.amountFen && s.amountFen !== 0);
        if (b) return { channel, date, a, b };
      }
    }
  }
  throw new Error('no zero-net pair among the open items of 2026-10-01…07');
}

async function openDiscs(request: APIRequestContext, filterModel: object, endRow = 50): Promise<DiscRow[]> {
  const page = await api<{ rows: DiscRow[] }>(request, 'discrepancies.page', {
    startRow: 0,
    endRow,
    sortModel: [{ colId: 'businessDate', sort: 'asc' }],
    filterModel: { state: { filterType: 'set', values: ['open'] }, ...filterModel },
  });
  return page.rows;
}

/** A test may run alone: the week's statements imported and reconciled through the API first. */
async function ensureReconciled(request: APIRequestContext): Promise<void> {
  const cells = await api<WorkbenchCell[]>(request, 'recon.workbench', { from: FROM, to: TO });
  if (cells.every((c) => c.ran)) return;
  const actor = PREPARER;
  for (const [op, input] of [
    ['demo.statements.import', { from: FROM, to: TO, actor }],
    ['recon.run', { date: FROM, to: TO, actor }],
  ] as const) {
    let job = await api<{ id: string; status: string; error: string | null }>(request, op, input);
    for (let i = 0; i < 600 && job.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      job = (await api<typeof job | null>(request, 'jobs.get', { jobId: job.id })) ?? job;
    }
    if (job.status !== 'done') throw new Error(`${op} ended ${job.status}: ${job.error}`);
  }
}

test.beforeAll(async ({ request }) => {
  await ensureSynced(request);
});

test.beforeEach(async ({ request }, info) => {
  if (!info.title.startsWith('the workbench')) await ensureReconciled(request);
});

test('the workbench: import the sandbox statements, reconcile a week, open a channel-day', async ({ page, request }) => {
  await openApp(page, `#/reconciliation?tab=workbench&month=${MONTH}`);
  await expect(page.getByRole('link', { name: '对账', exact: true })).toHaveAttribute('aria-current', 'page');
  await asUser(page, PREPARER);
  await page.getByTestId('recon-run-from').fill(FROM);
  await page.getByTestId('recon-run-to').fill(TO);

  await page.getByTestId('recon-demo-import').click();
  // Seven channels × seven days, through the real import (a file seen before is a duplicate).
  await expect(page.getByTestId('recon-demo-message')).toContainText(/^49 个文件：导入 \d+，重复 \d+，待确认新版本 \d+，被拒绝 0$/);
  const files = await api<{ channel: string; status: string }[]>(request, 'statements.files', { date: '2026-10-05' });
  expect(files.filter((f) => f.status === 'active' && f.channel === 'wechat')).toHaveLength(1);

  await page.getByTestId('recon-run').click();
  await expect(page.getByTestId('recon-run-message')).toHaveText('已完成 49 个渠道日的对账', { timeout: 60_000 });

  // Channels in the fixed order; every day of the week has been run, and the cells say how it went.
  await expect(page.getByTestId('workbench').locator('thead th')).toHaveText([
    '业务日期', '微信支付', '支付宝', '拉卡拉', '银联POS', '通联', '现金', '电汇',
  ]);
  const cells = await api<WorkbenchCell[]>(request, 'recon.workbench', { from: FROM, to: TO });
  expect(cells.filter((c) => !c.ran)).toEqual([]);
  const busy = cells.find((c) => c.openCount > 0 && c.proof?.ok)!;
  const shown = page.getByTestId(`wb-cell-${busy.businessDate}-${busy.channel}`);
  await expect(shown).toHaveAttribute('data-ran', 'true');
  await expect(shown).toHaveAttribute('data-proof', 'ok');
  await expect(shown).toHaveAttribute('data-open', String(busy.openCount));
  await expect(shown).toContainText(`差错 ${busy.openCount}`);
  await expect(shown.locator('.num').last()).toHaveText(/^-?¥[\d,]+\.\d{2}$/);

  // A cell opens its channel-day: the proof, and the discrepancies of that day only.
  await shown.click();
  await expect(page).toHaveURL(new RegExp(`tab=discrepancies.*channel=${busy.channel}.*date=${busy.businessDate}`));
  await expect(page.getByTestId('proof')).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('proof-internal')).toContainText('已匹配');
  expect(await gridTotal(page, 'disc-grid')).toBe(busy.openCount);
  // Amounts are right-aligned ¥1,234.50.
  const amount = cell(page, 'disc-grid', 0, 'amountFen');
  await expect(amount).toHaveText(/^-?¥[\d,]+\.\d{2}$/);
  expect(['right', 'end']).toContain(await amount.evaluate((el) => getComputedStyle(el).textAlign));
});

test('a discrepancy by keyboard: Enter shows it, Esc closes; M opens the manual match', async ({ page, request }) => {
  const pair = await zeroNetPair(request);
  await openApp(page, `#/reconciliation?tab=discrepancies&month=${MONTH}&channel=${pair.channel}&date=${pair.date}`);
  await asUser(page, PREPARER);
  await expect(page.getByTestId('disc-shortcuts')).toContainText('Space');
  await expect(page.getByTestId('disc-shortcuts')).toContainText('手工匹配');

  // The first row once it has loaded (the grid shows a loading row before).
  await expect(cell(page, 'disc-grid', 0, 'amountFen')).toHaveText(/¥/);
  await cell(page, 'disc-grid', 0, 'type').click();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Enter');
  const detail = page.getByTestId('disc-detail');
  await expect(detail).toBeVisible();
  await expect(detail).toContainText('涉及项目');
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();

  // Space selects the focused row; ↓ moves on.
  await cell(page, 'disc-grid', 0, 'channel').click();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('disc-selected')).toHaveAttribute('data-count', '1');
  await page.keyboard.press('Space');
  await expect(page.getByTestId('disc-selected')).toHaveAttribute('data-count', '0');

  await page.keyboard.press('m');
  await expect(page.getByTestId('manual-match')).toBeVisible();
});

test('match by hand: only a zero difference matches; the items leave the open lists', async ({ page, request }) => {
  const { channel, date, a, b } = await zeroNetPair(request);
  await openApp(page, `#/reconciliation?tab=discrepancies&month=${MONTH}&channel=${channel}&date=${date}&match=1`);
  await asUser(page, PREPARER);
  const match = page.getByTestId('manual-match');
  await expect(match).toBeVisible();
  const pick = (key: string) => match.locator(`tr[data-key="${key}"] [data-testid="match-pick"]`);

  await pick(a.key).check();
  await expect(page.getByTestId('sum-internal')).toHaveText(/¥[\d,]+\.\d{2}/);
  expect(fenOf(await page.getByTestId('sum-difference').innerText())).toBe(-a.amountFen);
  await page.getByTestId('match-comment').fill('同一笔支付，渠道单号未回传');
  // One side only: nothing to match yet.
  await expect(page.getByTestId('match-submit')).toBeDisabled();

  await pick(b.key).check();
  await expect(page.getByTestId('match-sums')).toHaveAttribute('data-difference', '0');
  await expect(page.getByTestId('match-adjust')).toBeDisabled();
  await page.getByTestId('match-submit').click();
  await expect(page.getByTestId('match-message')).toHaveText('已匹配 2 项');
  await expect(match.locator(`tr[data-key="${a.key}"]`)).toHaveCount(0);
  await expect(match.locator(`tr[data-key="${b.key}"]`)).toHaveCount(0);

  const after = await api<Candidates>(request, 'recon.candidates', { channel, date });
  expect([...after.internal, ...after.statement].map((c) => c.key)).not.toContain(a.key);
  const disc = await api<{ state: string; resolution: string }>(request, 'recon.discrepancy', { id: b.discrepancyId });
  expect([disc.state, disc.resolution]).toEqual(['resolved', 'manual_match']);
});

test('an adjustment: 张会计 proposes, cannot approve it himself, 李复核 approves', async ({ page, request }) => {
  const [target] = await openDiscs(request, {
    type: { filterType: 'set', values: ['amount_differs'] },
    businessDate: { filterType: 'date', type: 'inRange', dateFrom: FROM, dateTo: TO },
  });
  expect(target).toBeTruthy();
  await openApp(page, `#/reconciliation?tab=discrepancies&month=${MONTH}&channel=${target!.channel}&date=${target!.businessDate}`);
  await asUser(page, PREPARER);
  await page.getByTestId('disc-tab-amount_differs').click();
  await expect(page.getByTestId('disc-tab-amount_differs')).toHaveAttribute('aria-selected', 'true');
  const row = page.getByTestId('disc-grid').locator(`.ag-row[row-id="${target!.id}"] .ag-cell[col-id="channel"]`);
  await row.click();
  await page.keyboard.press('a');
  const dialog = page.getByTestId('recon-action-dialog');
  await expect(dialog).toHaveAttribute('data-kind', 'adjust');
  expect(fenOf(await page.getByTestId('recon-action-total').innerText())).toBe(target!.amountFen);
  await page.getByTestId('recon-action-reason').selectOption('channel_error');
  await page.getByTestId('recon-action-comment').fill('渠道少付，按对账单金额调差');
  await page.getByTestId('recon-action-submit').click();
  await expect(dialog).toBeHidden();

  const proposed = (await api<AdjustmentRow[]>(request, 'recon.adjustments', { state: 'proposed' })).find(
    (x) => x.maker === PREPARER && x.amountFen === target!.amountFen,
  )!;
  expect(proposed).toBeTruthy();

  // The same user may not approve: the service refuses and the screen says why.
  await page.getByTestId('recon-tab-approvals').click();
  const line = page.locator(`[data-testid="approval-row"][data-id="${proposed.id}"]`);
  await expect(line).toHaveAttribute('data-state', 'proposed');
  await expect(line).toContainText('张会计');
  await expect(line).toContainText('渠道差错');
  await line.getByTestId('approval-approve').click();
  const refusal = page.getByTestId('approval-error');
  await expect(refusal).toContainText('四眼原则：提交人不能复核自己的提议');
  await expect(refusal).toContainText('four eyes');
  expect((await api<AdjustmentRow[]>(request, 'recon.adjustments', {})).find((x) => x.id === proposed.id)!.state).toBe('proposed');

  await asUser(page, REVIEWER);
  await line.getByTestId('approval-comment').fill('已核对渠道回单');
  await line.getByTestId('approval-approve').click();
  await expect(line).toHaveCount(0);
  const decided = (await api<AdjustmentRow[]>(request, 'recon.adjustments', {})).find((x) => x.id === proposed.id)!;
  expect([decided.state, decided.maker, decided.approver]).toEqual(['approved', PREPARER, REVIEWER]);
  const disc = await api<{ state: string; resolution: string }>(request, 'recon.discrepancy', { id: target!.id });
  expect([disc.state, disc.resolution]).toEqual(['resolved', 'adjustment']);
});

test('bulk carry forward: Space selects two short items, C carries both', async ({ page, request }) => {
  const shorts = await openDiscs(request, {
    type: { filterType: 'set', values: ['short'] },
    businessDate: { filterType: 'date', type: 'inRange', dateFrom: FROM, dateTo: TO },
  });
  expect(shorts.length).toBeGreaterThanOrEqual(2);
  await openApp(page, `#/reconciliation?tab=discrepancies&month=${MONTH}`);
  await asUser(page, PREPARER);
  await page.getByTestId('disc-tab-short').click();
  const grid = page.getByTestId('disc-grid');
  await grid.locator(`.ag-row[row-id="${shorts[0]!.id}"] .ag-cell[col-id="channel"]`).click();
  await page.keyboard.press('Space');
  await grid.locator(`.ag-row[row-id="${shorts[1]!.id}"] .ag-cell[col-id="channel"]`).click();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('disc-selected')).toHaveAttribute('data-count', '2');
  await page.keyboard.press('c');
  const dialog = page.getByTestId('recon-action-dialog');
  await expect(dialog).toHaveAttribute('data-kind', 'carry');
  await expect(dialog).toContainText('2 条差错');
  await page.getByTestId('recon-action-until').fill('2026-10-08');
  await page.getByTestId('recon-action-reason').selectOption('awaiting_statement');
  await page.getByTestId('recon-action-comment').fill('等待渠道补发对账单');
  await page.getByTestId('recon-action-submit').click();
  await expect(dialog).toBeHidden();
  for (const s of shorts.slice(0, 2)) {
    const d = await api<{ state: string; carryUntil: string }>(request, 'recon.discrepancy', { id: s.id });
    expect([d.state, d.carryUntil]).toEqual(['carried', '2026-10-08']);
  }
});

test('export the discrepancy grid to Excel as shown and read it back', async ({ page }) => {
  await openApp(page, `#/reconciliation?tab=discrepancies&month=${MONTH}`);
  const tab = page.getByTestId('disc-tab-amount_differs');
  await tab.click();
  // The tab's count and the grid's total agree once the filtered page has arrived.
  const total = Number(await tab.getAttribute('data-count'));
  expect(total).toBeGreaterThan(0);
  await expect(page.getByTestId('disc-grid-total')).toHaveAttribute('data-total', String(total));
  await expect(cell(page, 'disc-grid', 0, 'amountFen')).toHaveText(/¥/);
  const firstAmount = fenOf(await cell(page, 'disc-grid', 0, 'amountFen').innerText());

  const download = page.waitForEvent('download');
  await page.getByTestId('disc-grid-export').getByRole('button', { name: '导出 Excel' }).click();
  const file = await (await download).path();
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(file);
  const sheet = book.worksheets[0]!;
  expect(sheet.name).toBe('差错');
  const header = (sheet.getRow(1).values as unknown[]).slice(1);
  expect(header.slice(0, 4)).toEqual(['差错类型', '渠道', '业务日期', '差额']);
  expect(sheet.rowCount - 1).toBe(total);
  const first = sheet.getRow(2);
  expect(first.getCell(1).value).toBe('金额不符');
  // Money in yuan as a number with the ¥ format; the same fen as the grid's first row.
  expect(Math.round(Number(first.getCell(4).value) * 100)).toBe(firstAmount);
  expect(first.getCell(4).numFmt).toContain('¥');
});
