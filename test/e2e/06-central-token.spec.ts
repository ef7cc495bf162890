// A wrong central platform token set in Settings: the sync fails and says what to do.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, ensureSynced, expect, openApp, test } from './helpers';

test('a wrong central token: the sync fails with a message a person can act on', async ({ page, request }) => {
  await ensureSynced(request);
  // The demo keeps its sandbox token in the web-mode secret file; put it back afterwards.
  const secrets = JSON.parse(readFileSync(join(process.env.OTD_E2E_DATA_DIR!, 'secrets.json'), 'utf8')) as Record<string, string>;
  const original = secrets['central.token']!;
  try {
    await openApp(page, '#/settings');
    await page.getByTestId('central-token').fill('not-the-right-token');
    await page.getByTestId('central-save').click();
    await expect(page.getByTestId('central-form')).toContainText('已保存');
    await expect(page.getByTestId('central-token')).toHaveValue('');

    await page.getByTestId('nav-overview').click();
    await page.getByTestId('sync-button').click();
    const error = page.getByTestId('sync-error');
    await expect(error).toContainText('同步失败', { timeout: 60_000 });
    await expect(error).toContainText('rejected the token');
    await expect(error).toContainText('Settings');
    await expect(page.getByTestId('last-sync-outcome')).toHaveText('失败');
    await expect(page.getByTestId('last-sync')).toContainText('rejected the token');
  } finally {
    await api(request, 'settings.update', { token: original, actor: 'zhang.kj' });
  }
  // And with the right token back, the next sync succeeds.
  await page.getByTestId('sync-button').click();
  await expect(page.getByTestId('last-sync-outcome')).toHaveText('成功', { timeout: 60_000 });
});
