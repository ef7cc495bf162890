// What a person sees when something is wrong, the token handling, and the settings screen.
import { api, cell, demo, ensureSynced, expect, openApp, test } from './helpers';

test('a wrong token shows a clear error', async ({ page }) => {
  await page.goto(`${demo().url}/#token=${'0'.repeat(48)}`);
  const error = page.getByTestId('boot-error');
  await expect(error).toBeVisible();
  await expect(error).toContainText('无法打开工作台');
  await expect(error).toContainText('访问被拒绝');
  await expect(error).toContainText('forbidden');
  await expect(error).toContainText('missing or wrong token');
  await expect(error).toContainText('#token=');
  // The token never stays in the address bar.
  expect(page.url()).not.toContain('token=');
});

test('a new address with another token pasted into an open tab is used', async ({ page }) => {
  await openApp(page, '#/overview');
  await page.goto(`${demo().url}/#token=${'1'.repeat(48)}`);
  await expect(page.getByTestId('boot-error')).toContainText('missing or wrong token');
  await page.goto(demo().open);
  await expect(page.getByTestId('overview')).toBeVisible();
});

test('no token at all is the same clear error', async ({ page }) => {
  await page.goto(`${demo().url}/`);
  await expect(page.getByTestId('boot-error')).toContainText('forbidden');
});

test('the token leaves the address bar and survives a reload', async ({ page }) => {
  await openApp(page, '#/overview');
  expect(page.url()).not.toContain('token=');
  await page.reload();
  await expect(page.getByTestId('overview')).toBeVisible();
});

test("the page's CSP meta tag equals the server's CSP header", async ({ page, request }) => {
  const res = await request.get(`${demo().url}/`);
  const header = res.headers()['content-security-policy'];
  expect(header).toBeTruthy();
  await page.goto(demo().open);
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(meta).toBe(header);
});

test('an operation error is shown with its code and message', async ({ page }) => {
  await openApp(page, '#/orders?tab=orders');
  // Break the next page request on purpose: the grid shows the server's answer, not a silent blank.
  await page.route('**/api/op/orders.page', (route) =>
    route.fulfill({
      status: 400,
      contentType: 'application/json',
      body: JSON.stringify({ ok: false, error: { code: 'invalid_input', message: 'the grid has no column "nope" to sort on' } }),
    }),
  );
  await page.getByTestId('orders-grid').locator('.ag-header-cell[col-id="priceFen"] .ag-header-cell-label').click();
  const error = page.getByTestId('orders-grid').getByTestId('error');
  await expect(error).toContainText('invalid_input');
  await expect(error).toContainText('the grid has no column "nope" to sort on');
});

test('settings: central API (token write-only), database, language, users', async ({ page, request }) => {
  await ensureSynced(request);
  const info = await api<{ dbFile: string }>(request, 'app.info');
  await openApp(page, '#/settings');
  const settings = page.getByTestId('settings');
  await expect(page.getByTestId('db-file')).toHaveText(info.dbFile);
  await expect(page.getByTestId('token-state')).toHaveText('已设置');
  await expect(settings).toContainText('本机文件，仅当前系统用户可读');
  await expect(page.getByTestId('central-token')).toHaveValue('');
  await expect(page.getByTestId('central-url')).toHaveValue(/^http:\/\/127\.0\.0\.1:\d+$/);
  await expect(page.getByTestId('users-table')).toContainText('zhang.kj');

  const userId = `wang.${Date.now() % 100000}`;
  await page.getByTestId('new-user-id').fill(userId);
  await page.getByTestId('new-user-name').fill('王出纳');
  await settings.getByRole('button', { name: '添加用户' }).click();
  await expect(page.getByTestId('users-table')).toContainText(userId);
  await expect(page.getByTestId('user-picker').locator('option')).toContainText([`王出纳 (${userId})`]);

  // The user picker is remembered on this machine.
  await page.getByTestId('user-picker').selectOption(userId);
  await page.reload();
  await expect(page.getByTestId('user-picker')).toHaveValue(userId);
  await page.getByTestId('user-picker').selectOption('zhang.kj');
});

test('audit log: decisions appear, newest first', async ({ page, request }) => {
  await ensureSynced(request);
  await openApp(page, '#/audit');
  const { total } = await api<{ total: number }>(request, 'audit.page', { startRow: 0, endRow: 1 });
  await expect(page.getByTestId('audit-grid-total')).toHaveAttribute('data-total', String(total));
  await expect(cell(page, 'audit-grid', 0, 'action')).toHaveText(/\S/);
  // What changed reads as one line.
  await api(request, 'settings.update', { language: 'en', actor: 'zhang.kj' });
  await api(request, 'settings.update', { language: 'zh', actor: 'zhang.kj' });
  await page.reload();
  await expect(cell(page, 'audit-grid', 0, 'action')).toHaveText('settings.update');
  await expect(cell(page, 'audit-grid', 0, 'userId')).toHaveText('zhang.kj');
  await expect(cell(page, 'audit-grid', 0, 'changes')).toContainText('language: en → zh');
  await expect(cell(page, 'audit-grid', 1, 'changes')).toContainText('language: zh → en');
});
