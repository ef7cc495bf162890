// Statement column profiles in Settings (issue 4): 张会计 renames a header of the Lakala profile,
// sees a broken mapping refused with the field named, saves with a reason, finds the edit after a
// reload, and resets to the shipped default — which is also how the spec leaves the demo company.
import { api, expect, openApp, test } from './helpers';

const USER = 'zhang.kj';

test.afterAll(async ({ request }) => {
  // Resetting what is already the default changes nothing and records nothing.
  await api(request, 'profiles.reset', { id: 'lakala', actor: USER, reason: 'e2e: back to the shipped default' });
});

test('edit a Lakala header name, save it with a reason, see it persist, reset to default', async ({ page, request }) => {
  await openApp(page, '#/settings');
  await page.getByTestId('user-picker').selectOption(USER);
  const section = page.getByTestId('column-profiles');
  await expect(section).toContainText('对账单列映射');
  await expect(page.getByTestId('profile-select')).toHaveValue('lakala');
  const inUse = page.getByTestId('profile-in-use');
  await expect(inUse).toHaveText('使用中：出厂默认 v1');

  const remark = section.locator('tr[data-field="remark"] input');
  const amount = section.locator('tr[data-field="amount"] input');
  await expect(remark).toHaveValue('remark | 备注');
  await expect(amount).toHaveValue('total_amount | 交易金额(分)');

  // A mapping the schema refuses is not saved, and the message names the field.
  await amount.fill('');
  await page.getByTestId('profile-reason').fill('拉卡拉新版对账单改了列名');
  await page.getByTestId('profile-save').click();
  await expect(page.getByTestId('profile-problems')).toContainText(/columns\.\d+ \(amount\)\.headers/);
  await expect(inUse).toHaveText('使用中：出厂默认 v1');

  await amount.fill('total_amount | 交易金额(分)');
  await remark.fill('remark | 备注说明');
  await page.getByTestId('profile-save').click();
  await expect(section.getByText('已保存')).toBeVisible();
  await expect(inUse).toHaveText(/^使用中：已修改 v\d+（出厂 v1）$/);
  await expect(page.getByTestId('profile-reason')).toHaveValue('');

  const views = await api<{ id: string; edited: { columns: { field: string; headers: string[] }[] } | null }[]>(
    request,
    'profiles.list',
  );
  const edited = views.find((v) => v.id === 'lakala')!.edited;
  expect(edited?.columns.find((c) => c.field === 'remark')?.headers).toEqual(['remark', '备注说明']);

  await page.reload();
  await page.getByTestId('user-picker').selectOption(USER);
  await expect(section.locator('tr[data-field="remark"] input')).toHaveValue('remark | 备注说明');
  await expect(inUse).toHaveText(/^使用中：已修改 v\d+（出厂 v1）$/);

  // Reset needs a reason too; afterwards the shipped default is in effect again.
  await expect(page.getByTestId('profile-reset')).toBeDisabled();
  await page.getByTestId('profile-reason').fill('e2e: 恢复默认');
  await page.getByTestId('profile-reset').click();
  await expect(inUse).toHaveText('使用中：出厂默认 v1');
  await expect(section.locator('tr[data-field="remark"] input')).toHaveValue('remark | 备注');
});
