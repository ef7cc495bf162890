// Month-end close: a month with work left shows failing checks, refuses the sign-off, and its close
// pack downloads and reads back. A period whose checklist passes is signed off by 张会计 as preparer,
// refused when he tries to review it himself, signed off by 李复核 as reviewer and locked; a
// reconciliation run in the locked period is then refused with the lock's message; reopening with a
// reason opens it again (so the shared demo company is left as it was).
import ExcelJS from 'exceljs';
import type { APIRequestContext, Page } from '@playwright/test';
import { api, ensureSynced, expect, openApp, test } from './helpers';

interface PeriodView {
  period: string;
  status: string;
  ready: boolean;
}

async function asUser(page: Page, userId: string): Promise<void> {
  await page.getByTestId('user-picker').selectOption(userId);
}

/** A period of the demo year whose checklist passes and that is not signed yet. */
async function readyPeriod(request: APIRequestContext): Promise<string> {
  for (let m = 1; m <= 12; m++) {
    const period = `2026-${String(m).padStart(2, '0')}`;
    const v = await api<PeriodView>(request, 'close.period', { period });
    if (v.ready && v.status === 'open') return period;
  }
  throw new Error('no period of 2026 has a passing checklist');
}

test('a month with work left shows its failing checks and refuses the sign-off', async ({ page, request }) => {
  await ensureSynced(request);
  let busy: string | null = null;
  for (let m = 12; m >= 1 && !busy; m--) {
    const period = `2026-${String(m).padStart(2, '0')}`;
    const v = await api<PeriodView>(request, 'close.period', { period });
    if (!v.ready && v.status === 'open') busy = period;
  }
  expect(busy).not.toBeNull();
  await openApp(page, `#/close?month=${busy}`);
  await asUser(page, 'zhang.kj');
  await expect(page.getByTestId('close-status')).toHaveAttribute('data-status', 'open');
  await expect(page.locator('[data-testid^="close-check-"][data-ok="false"]').first()).toBeVisible();
  await page.getByTestId('close-sign-preparer').click();
  await expect(page.getByTestId('close-error')).toContainText('the checklist is not complete');
  await expect(page.getByTestId('close-status')).toHaveAttribute('data-status', 'open');

  // The close pack is a job; the file comes down with the chart inside.
  const download = page.waitForEvent('download');
  await page.getByTestId('close-pack').click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(`OTD_close_${busy}.xlsx`);
  await expect(page.getByTestId('close-pack-message')).toContainText('13');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(await file.path());
  expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '微信支付', '支付宝', '拉卡拉', '银联POS', '通联', '现金', '电汇', '未达项', '调差', '凭证', '审计轨迹', '图表数据']);
  expect(wb.getWorksheet('汇总')!.getImages()).toHaveLength(1);
});

test('sign off as preparer and reviewer, lock, see a refusal, reopen', async ({ page, request }) => {
  await ensureSynced(request);
  const period = await readyPeriod(request);
  await openApp(page, `#/close?month=${period}`);
  await asUser(page, 'zhang.kj');
  const status = page.getByTestId('close-status');
  await expect(status).toHaveAttribute('data-status', 'open');
  for (const key of ['statements', 'reconciled', 'openItems', 'adjustments', 'journals']) {
    await expect(page.getByTestId(`close-check-${key}`)).toHaveAttribute('data-ok', 'true');
  }
  await expect(page.getByTestId('close-chart').locator('svg')).toBeVisible();

  await page.getByTestId('close-sign-preparer').click();
  await expect(status).toHaveAttribute('data-status', 'prepared');
  await expect(page.getByTestId('close-prepared-by')).toContainText('zhang.kj');

  // Four eyes: the preparer cannot review his own sign-off.
  await page.getByTestId('close-sign-reviewer').click();
  await expect(page.getByTestId('close-error')).toContainText('four eyes');
  await expect(status).toHaveAttribute('data-status', 'prepared');

  await asUser(page, 'li.fh');
  await page.getByTestId('close-sign-reviewer').click();
  await expect(status).toHaveAttribute('data-status', 'reviewed');
  await page.getByTestId('close-lock').click();
  await expect(status).toHaveAttribute('data-status', 'locked');
  await expect(page.getByTestId('close-locked-by')).toContainText('li.fh');

  // The reconciliation run of a day in the locked period is refused by the service.
  await page.evaluate((p) => {
    window.location.hash = `#/reconciliation?tab=workbench&month=${p}`;
  }, period);
  await expect(page.getByTestId('recon-run-from')).toHaveValue(`${period}-01`);
  await page.getByTestId('recon-run').click();
  await expect(page.getByTestId('recon-run-failed')).toContainText(`period ${period} is closed and locked`);

  // Reopening needs a reason and is audited.
  await page.evaluate((p) => {
    window.location.hash = `#/close?month=${p}`;
  }, period);
  await expect(status).toHaveAttribute('data-status', 'locked');
  await expect(page.getByTestId('close-reopen')).toBeDisabled();
  await page.getByTestId('close-reopen-reason').fill('补录银行回单');
  await page.getByTestId('close-reopen').click();
  await expect(status).toHaveAttribute('data-status', 'open');
  const audit = await api<{ rows: { action: string; reason: string | null }[] }>(request, 'audit.page', {
    startRow: 0, endRow: 5, sortModel: [{ colId: 'id', sort: 'desc' }], filterModel: {},
  });
  expect(audit.rows[0]).toMatchObject({ action: 'close.reopen', reason: '补录银行回单' });
});
