// Screenshots of every screen in Chinese and English (1440×900) into docs/screenshots/, taken on a
// freshly synced demo company in web mode with Chromium.
//   node --import tsx scripts/screenshots.ts
// Chromium: $OTD_CHROMIUM, else /usr/bin/chromium. Chinese needs a CJK font (Debian: fonts-noto-cjk).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { PROJECT_ROOT, startDemo, type DemoServer } from '../test/e2e/demo-server';

const OUT = join(PROJECT_ROOT, 'docs', 'screenshots');
const LANGS = [
  { lang: 'zh', locale: 'zh-CN' },
  { lang: 'en', locale: 'en-GB' },
] as const;

async function api<T>(demo: DemoServer, op: string, input: unknown = {}): Promise<T> {
  const res = await fetch(`${demo.url}/api/op/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-otd-token': demo.token },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: boolean; result?: T; error?: { code: string; message: string } };
  if (!body.ok) throw new Error(`${op}: ${body.error?.code}: ${body.error?.message}`);
  return body.result as T;
}

async function sync(demo: DemoServer): Promise<void> {
  let job = await api<{ id: string; status: string; error: string | null }>(demo, 'sync.start');
  while (job.status === 'running') {
    await new Promise((r) => setTimeout(r, 300));
    job = (await api<typeof job | null>(demo, 'jobs.get', { jobId: job.id })) ?? job;
  }
  if (job.status !== 'done') throw new Error(`the demo sync ended ${job.status}: ${job.error}`);
}

/** The richest order picture: delivered, with refunds if any, else the most payments. */
async function showcaseOrder(demo: DemoServer): Promise<string> {
  const page = (filterModel: object, sortModel: object[]) =>
    api<{ rows: { orderNo: string }[] }>(demo, 'orders.page', { startRow: 0, endRow: 1, filterModel, sortModel });
  const delivered = { status: { filterType: 'set', values: ['delivered'] } };
  const withRefund = await page(
    { ...delivered, refundedFen: { filterType: 'number', type: 'greaterThan', filter: 0 } },
    [{ colId: 'paymentCount', sort: 'desc' }],
  );
  const any = withRefund.rows[0] ?? (await page(delivered, [{ colId: 'paymentCount', sort: 'desc' }])).rows[0];
  if (!any) throw new Error('the demo company has no delivered order');
  return any.orderNo;
}

async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(300);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  process.stderr.write('screenshots: starting the demo company…\n');
  const demo = await startDemo({ orders: 300 });
  try {
    await sync(demo);
    const actor = (await api<{ users: { userId: string }[] }>(demo, 'settings.get')).users[0]!.userId;
    const orderNo = await showcaseOrder(demo);
    for (const { lang, locale } of LANGS) {
      const current = (await api<{ language: string }>(demo, 'settings.get')).language;
      if (current !== lang) await api(demo, 'settings.update', { language: lang, actor });
      const browser = await chromium.launch({
        executablePath: process.env.OTD_CHROMIUM ?? '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--no-first-run', `--lang=${locale}`],
        // Native date inputs follow the process locale: as on an accountant's machine.
        env: { ...process.env, LANG: `${locale.replace('-', '_')}.UTF-8`, LANGUAGE: locale.replace('-', '_') },
      });
      try {
        const context = await browser.newContext({
          viewport: { width: 1440, height: 900 },
          locale,
          timezoneId: 'Asia/Shanghai',
        });
        const page = await context.newPage();
        await page.goto(demo.open);
        await page.getByTestId('company').waitFor();
        const shots: [string, string, string][] = [
          ['overview', '#/overview', '[data-testid="channel-table"] tbody tr'],
          ['orders', '#/orders?tab=orders', '[data-testid="orders-grid"] .ag-row[row-index="0"] .ag-cell'],
          ['order-detail', `#/orders?tab=orders&order=${orderNo}`, '[data-testid="detail-payments"]'],
          ['settings', '#/settings', '[data-testid="users-table"]'],
          ['audit', '#/audit', '[data-testid="audit-grid"] .ag-row[row-index="0"] .ag-cell'],
        ];
        for (const [name, hash, ready] of shots) {
          await page.evaluate((h) => (window.location.hash = h), hash);
          await page.locator(ready).first().waitFor();
          await settle(page);
          const file = join(OUT, `${name}-${lang}.png`);
          await page.screenshot({ path: file });
          process.stderr.write(`screenshots: ${file}\n`);
        }
      } finally {
        await browser.close();
      }
    }
    await api(demo, 'settings.update', { language: 'zh', actor });
  } finally {
    await demo.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`screenshots: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
