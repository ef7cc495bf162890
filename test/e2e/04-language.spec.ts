// Chinese first; English on request, saved (settings.update) and audited; and back.
import { api, ensureSynced, expect, openApp, test } from './helpers';

test.beforeAll(async ({ request }) => {
  await ensureSynced(request);
});

test('switch to English and back', async ({ page, request }) => {
  await openApp(page, '#/overview');
  await expect(page.getByTestId('nav-overview')).toHaveText('概览');
  await expect(page.getByTestId('company')).toContainText('演示公司');
  try {
    await page.getByTestId('lang-en').click();
    await expect(page.getByTestId('nav-overview')).toHaveText('Overview');
    await expect(page.getByTestId('channel-table').locator('tbody tr td:first-child')).toHaveText([
      'WeChat Pay',
      'Alipay',
      'Lakala',
      'UnionPay POS',
      'Allinpay',
      'Cash',
      'Wire transfer',
    ]);
    await expect(page.getByTestId('company')).toContainText('Demo Company');
    await expect(page).toHaveTitle('OTD Finance Workstation');

    // Saved with the current user: a reload stays in English.
    await expect.poll(async () => (await api<{ language: string }>(request, 'settings.get')).language).toBe('en');
    await page.reload();
    await expect(page.getByTestId('nav-overview')).toHaveText('Overview');

    // The grids speak English too (headers, coded values).
    await page.evaluate(() => (window.location.hash = '#/orders?tab=payments'));
    const grid = page.getByTestId('payments-grid');
    await expect(grid.locator('.ag-header-cell:not(.ag-floating-filter)[col-id="amountFen"]')).toContainText('Amount');
    await expect(page.getByTestId('payments-grid-total')).toContainText('rows');

    await page.getByTestId('lang-zh').click();
    await expect(page.getByTestId('nav-overview')).toHaveText('概览');
    await expect(grid.locator('.ag-header-cell:not(.ag-floating-filter)[col-id="amountFen"]')).toContainText('金额');
    await expect.poll(async () => (await api<{ language: string }>(request, 'settings.get')).language).toBe('zh');
  } finally {
    const settings = await api<{ language: string; users: { userId: string }[] }>(request, 'settings.get');
    if (settings.language !== 'zh') await api(request, 'settings.update', { language: 'zh', actor: settings.users[0]!.userId });
  }

  // Each switch is a user decision in the audit log.
  const audit = await api<{ rows: { action: string; after: string | null }[] }>(request, 'audit.page', {
    startRow: 0,
    endRow: 5,
    filterModel: { action: { filterType: 'text', type: 'equals', filter: 'settings.update' } },
  });
  expect(audit.rows.some((r) => (r.after ?? '').includes('"language":"en"'))).toBe(true);
});
