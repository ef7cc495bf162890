// The first thing an accountant does: sync the day's records from the central platform.
import { api, expect, fenOf, openApp, test } from './helpers';

const CHANNELS_ZH = ['微信支付', '支付宝', '拉卡拉', '银联POS', '通联', '现金', '电汇'];

test('sync the demo company from the Overview: progress, then counts per channel', async ({ page, request }) => {
  await openApp(page, '#/overview');
  const table = page.getByTestId('channel-table');
  await expect(table.locator('tbody tr')).toHaveCount(7);
  // Seven channels, always in the fixed order.
  await expect(table.locator('tbody tr td:first-child')).toHaveText(CHANNELS_ZH);

  // Watch the progress bar while the sync runs (it may be quick): remember every state it showed.
  await page.evaluate(() => {
    const seen: { phase: string; count: string }[] = [];
    (window as unknown as { __progress: typeof seen }).__progress = seen;
    new MutationObserver(() => {
      const el = document.querySelector('[data-testid="sync-progress"]');
      if (!el) return;
      const phase = el.querySelector('[data-testid="job-phase"]')?.textContent ?? '';
      const count = el.querySelector('.job-count')?.textContent ?? '';
      const last = seen[seen.length - 1];
      if (!last || last.phase !== phase || last.count !== count) seen.push({ phase, count });
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });

  await page.getByTestId('sync-button').click();
  const seen = () => page.evaluate(() => (window as unknown as { __progress: { phase: string; count: string }[] }).__progress);
  await expect.poll(async () => (await seen()).length, { message: 'the progress bar was shown' }).toBeGreaterThan(0);
  await expect(page.getByTestId('last-sync-outcome')).toHaveText('成功', { timeout: 120_000 });
  await expect(page.getByTestId('sync-button')).toBeVisible();
  const progress = await seen();
  expect(progress.some((p) => /\d/.test(p.count)), 'progress showed done/total').toBe(true);

  await expect(page.getByTestId('sync-error')).toHaveCount(0);

  // Counts and amounts per channel appear, and agree with the store.
  const overview = await api<{ channels: { channel: string; payments: number; paymentsFen: number; refundsFen: number }[] }>(
    request,
    'overview.get',
  );
  const wechat = overview.channels.find((c) => c.channel === 'wechat')!;
  expect(wechat.payments).toBeGreaterThan(0);
  const row = table.locator('tbody tr[data-channel="wechat"]');
  await expect(row.locator('[data-col="payments"]')).toHaveText(wechat.payments.toLocaleString('en-US'));
  expect(fenOf(await row.locator('[data-col="paymentsFen"]').innerText())).toBe(wechat.paymentsFen);
  expect(fenOf(await row.locator('[data-col="netFen"]').innerText())).toBe(wechat.paymentsFen - wechat.refundsFen);
  const footNet = await table.locator('tfoot td').last().innerText();
  const sumNet = overview.channels.reduce((s, c) => s + c.paymentsFen - c.refundsFen, 0);
  expect(fenOf(footNet)).toBe(sumNet);
  await expect(page.getByTestId('total-orders')).not.toHaveText('0');
});

test('a running sync can be cancelled from its progress bar', async ({ page }) => {
  // The demo sync of 300 orders is over in a moment: play a slow one so Cancel can be pressed.
  const jobId = '6f1c2a4e-9b7d-4c1e-8a3f-2d5b7c9e1f00';
  const job = (status: string, done: number) => ({
    id: jobId,
    kind: 'sync',
    status,
    phase: 'payments',
    done,
    total: 1000,
    startedAt: new Date().toISOString(),
    finishedAt: status === 'running' ? null : new Date().toISOString(),
    error: status === 'cancelled' ? 'cancelled by the user' : null,
    result: null,
  });
  let cancelled = false;
  const reply = (result: unknown) => ({ contentType: 'application/json', body: JSON.stringify({ ok: true, result }) });
  await page.route('**/api/op/sync.start', (route) => route.fulfill(reply(job('running', 250))));
  await page.route('**/api/op/jobs.get', (route) => route.fulfill(reply(job(cancelled ? 'cancelled' : 'running', 400))));
  await page.route('**/api/op/jobs.cancel', async (route) => {
    expect(route.request().postDataJSON()).toEqual({ jobId });
    cancelled = true;
    await route.fulfill(reply({ cancelled: true }));
  });

  await openApp(page, '#/overview');
  await page.getByTestId('sync-button').click();
  const progress = page.getByTestId('sync-progress');
  await expect(progress).toContainText('同步收款');
  await expect(progress.getByRole('progressbar')).toHaveAttribute('aria-valuenow', /^(250|400)$/);
  await expect(progress).toContainText('1,000');
  await progress.getByRole('button', { name: '取消' }).click();
  await expect(page.getByTestId('sync-cancelled')).toBeVisible();
  await expect(page.getByTestId('sync-button')).toBeVisible();
  expect(cancelled).toBe(true);
});
