// Screenshots of every screen in Chinese and English (1440×900) into docs/screenshots/, taken on a
// freshly synced demo company in web mode with Chromium.
//   node --import tsx scripts/screenshots.ts
// Chromium: $OTD_CHROMIUM, else /usr/bin/chromium. Chinese needs a CJK font (Debian: fonts-noto-cjk).
import { mkdirSync, readFileSync } from 'node:fs';
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

/** Move every date in a statement's text (YYYY-MM-DD and YYYYMMDD, ids included) by whole days. */
function shiftDates(text: string, days: number): string {
  const shift = (y: string, m: string, d: string, dash: boolean, whole: string) => {
    const t = Date.UTC(Number(y), Number(m) - 1, Number(d));
    const back = new Date(t);
    if (back.getUTCMonth() !== Number(m) - 1 || back.getUTCDate() !== Number(d)) return whole; // not a date
    const iso = new Date(t + days * 86_400_000).toISOString().slice(0, 10);
    return dash ? iso : iso.replace(/-/g, '');
  };
  return text
    .replace(/(202[46])-(\d\d)-(\d\d)/g, (w, y: string, m: string, d: string) => shift(y, m, d, true, w))
    .replace(/(202[46])(\d\d)(\d\d)/g, (w, y: string, m: string, d: string) => shift(y, m, d, false, w));
}

/**
 * Statements for the first days of the demo month, made from the test fixtures with their dates
 * moved (WeChat, Lakala and UnionPay daily, cash on working days, one day's UnionPay missing), and
 * a reissued Lakala statement for 2026-10-03 that waits for confirmation.
 */
async function importStatements(demo: DemoServer, actor: string): Promise<void> {
  const fixtures = join(PROJECT_ROOT, 'test', 'fixtures', 'statements');
  const read = (name: string) => readFileSync(join(fixtures, name), 'utf8');
  const dayMs = (d: string) => Date.parse(`${d}T00:00:00Z`);
  const templates = [
    { name: 'wechat', text: read('wechat-all-with-refund.csv'), day: '2024-03-15' },
    { name: 'lakala', text: read('lakala-default-with-refund.csv'), day: '2026-10-03' },
    { name: 'unionpay', text: read('unionpay-pos-void-and-return.csv'), day: '2026-10-03' },
    { name: 'cash', text: read('cash-register-with-slips.csv'), day: '2026-10-03' },
  ];
  const files: { name: string; contentBase64: string }[] = [];
  for (let i = 1; i <= 9; i++) {
    const day = `2026-10-0${i}`;
    for (const tpl of templates) {
      if (tpl.name === 'cash' && (day === '2026-10-04' || day === '2026-10-05')) continue;
      if (tpl.name === 'unionpay' && day === '2026-10-07') continue;
      const text = shiftDates(tpl.text, (dayMs(day) - dayMs(tpl.day)) / 86_400_000);
      files.push({ name: `${tpl.name}-${day}.csv`, contentBase64: Buffer.from(text).toString('base64') });
    }
  }
  const reissued = read('lakala-default-with-refund.csv').replace('20261003101530', '20261003101531');
  const run = async (batch: typeof files) => {
    let job = await api<{ id: string; status: string; error: string | null }>(demo, 'statements.import', {
      files: batch,
      actor,
    });
    while (job.status === 'running') {
      await new Promise((r) => setTimeout(r, 200));
      job = (await api<typeof job | null>(demo, 'jobs.get', { jobId: job.id })) ?? job;
    }
    if (job.status !== 'done') throw new Error(`the statement import ended ${job.status}: ${job.error}`);
  };
  await run(files);
  await run([{ name: 'lakala-2026-10-03-reissued.csv', contentBase64: Buffer.from(reissued).toString('base64') }]);
}

async function runJob(demo: DemoServer, op: string, input: unknown): Promise<unknown> {
  let job = await api<{ id: string; status: string; error: string | null; result: unknown }>(demo, op, input);
  while (job.status === 'running') {
    await new Promise((r) => setTimeout(r, 300));
    job = (await api<typeof job | null>(demo, 'jobs.get', { jobId: job.id })) ?? job;
  }
  if (job.status !== 'done') throw new Error(`${op} ended ${job.status}: ${job.error}`);
  return job.result;
}

const RECON_FROM = '2026-10-10';
const RECON_TO = '2026-10-30';

interface ReconScene {
  /** A channel-day with open discrepancies (the discrepancies shot). */
  day: { channel: string; date: string };
  /** A channel-day with an internal item and a statement line of equal amount, ticked in the match shot. */
  match: { channel: string; date: string; keys: string[] };
}

/**
 * Reconciliation for the second half of the demo month (the first days carry the statements made
 * from fixtures above): the sandbox's own statements imported through the demo operation, a run,
 * one adjustment proposed by the preparer and one write-off already approved by the reviewer.
 */
async function prepareReconciliation(demo: DemoServer): Promise<ReconScene> {
  const [preparer, reviewer] = ['zhang.kj', 'li.fh'];
  await runJob(demo, 'demo.statements.import', { from: RECON_FROM, to: RECON_TO, actor: preparer });
  await runJob(demo, 'recon.run', { date: RECON_FROM, to: RECON_TO, actor: preparer });
  const cells = await api<{ channel: string; businessDate: string; openCount: number; proof: { ok: boolean } | null }[]>(
    demo,
    'recon.workbench',
    { from: RECON_FROM, to: RECON_TO },
  );
  const busy = cells.filter((c) => c.proof?.ok && c.openCount >= 3 && c.channel !== 'wire')[0] ?? cells.find((c) => c.openCount > 0)!;
  const discs = async (type: string) =>
    (
      await api<{ rows: { id: string }[] }>(demo, 'discrepancies.page', {
        startRow: 0,
        endRow: 2,
        sortModel: [{ colId: 'businessDate', sort: 'asc' }],
        filterModel: { type: { filterType: 'set', values: [type] }, state: { filterType: 'set', values: ['open'] } },
      })
    ).rows;
  const [amount] = await discs('amount_differs');
  const [fee] = await discs('fee_differs');
  if (amount) {
    await api(demo, 'recon.adjust.propose', {
      discrepancyId: amount.id, actor: preparer, reasonCode: 'channel_error', comment: '渠道少付，按对账单金额调差',
    });
  }
  if (fee) {
    const w = await api<{ id: number }>(demo, 'recon.writeoff', {
      discrepancyId: fee.id, actor: preparer, reasonCode: 'small_difference', comment: '手续费尾差，金额很小',
    });
    await api(demo, 'recon.writeoff.approve', { adjustmentId: w.id, actor: reviewer, comment: '同意核销' });
  }
  for (const c of cells) {
    const cand = await api<{ internal: { key: string; amountFen: number }[]; statement: { key: string; amountFen: number }[] }>(
      demo,
      'recon.candidates',
      { channel: c.channel, date: c.businessDate },
    );
    for (const i of cand.internal) {
      const l = cand.statement.find((x) => x.amountFen === i.amountFen && x.amountFen !== 0);
      if (l) return { day: { channel: busy.channel, date: busy.businessDate }, match: { channel: c.channel, date: c.businessDate, keys: [i.key, l.key] } };
    }
  }
  throw new Error('no channel-day with a zero-net pair to show in the manual match');
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
    await importStatements(demo, actor);
    const scene = await prepareReconciliation(demo);
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
          [
            'statements',
            '#/statements?month=2026-10&day=2026-10-03&channel=lakala',
            '[data-testid="lines-grid"] .ag-row[row-index="0"] .ag-cell',
          ],
        ];
        for (const [name, hash, ready] of shots) {
          await page.evaluate((h) => (window.location.hash = h), hash);
          await page.locator(ready).first().waitFor();
          await settle(page);
          const file = join(OUT, `${name}-${lang}.png`);
          await page.screenshot({ path: file });
          process.stderr.write(`screenshots: ${file}\n`);
        }
        // Reconciliation: the workbench, a channel-day's discrepancies, a manual match with two items
        // ticked, and the approvals with the four-eyes refusal shown to the preparer.
        const month = 'month=2026-10';
        const reconShots: [string, string, string][] = [
          ['recon-workbench', `#/reconciliation?tab=workbench&${month}`, `[data-testid="wb-cell-${RECON_FROM}-wechat"][data-ran="true"]`],
          [
            'recon-discrepancies',
            `#/reconciliation?tab=discrepancies&${month}&channel=${scene.day.channel}&date=${scene.day.date}`,
            '[data-testid="disc-grid"] .ag-row[row-index="0"] .ag-cell',
          ],
          [
            'recon-match',
            `#/reconciliation?tab=discrepancies&${month}&channel=${scene.match.channel}&date=${scene.match.date}&match=1`,
            '[data-testid="match-pick"]',
          ],
          ['recon-approvals', '#/reconciliation?tab=approvals', '[data-testid="approval-row"]'],
        ];
        for (const [name, hash, ready] of reconShots) {
          await page.evaluate((h) => (window.location.hash = h), hash);
          await page.locator(ready).first().waitFor();
          if (name === 'recon-match') {
            for (const key of scene.match.keys) await page.locator(`tr[data-key="${key}"] [data-testid="match-pick"]`).check();
            await page.getByTestId('match-comment').fill(lang === 'zh' ? '同一笔支付，渠道单号未回传' : 'same payment, the channel id never came back');
          }
          if (name === 'recon-approvals') {
            await page.getByTestId('approvals-filter-all').click();
            await page.getByTestId('user-picker').selectOption('zhang.kj');
            await page.locator('[data-testid="approval-row"][data-state="proposed"]').first().getByTestId('approval-approve').click();
            await page.getByTestId('approval-error').waitFor();
          }
          await settle(page);
          const file = join(OUT, `${name}-${lang}.png`);
          await page.screenshot({ path: file });
          process.stderr.write(`screenshots: ${file}\n`);
        }
        // Journals: a reconciled day's entries generated for SAP; the posting rules; the month's close.
        await page.evaluate((h) => (window.location.hash = h), '#/journal?tab=preview');
        await page.getByTestId('journal-date').fill(scene.day.date);
        await page.getByTestId('journal-generate').click();
        await page.locator('[data-testid="journal-grid"] .ag-row[row-index="0"] .ag-cell').first().waitFor();
        const closingShots: [string, string | null, string][] = [
          ['journal', null, '[data-testid="journal-totals"]'],
          ['journal-rules', '#/journal?tab=rules', '[data-testid="journal-rules"]'],
          ['close', `#/close?${month}`, '[data-testid="close-chart"]'],
        ];
        for (const [name, hash, ready] of closingShots) {
          if (hash) await page.evaluate((h) => (window.location.hash = h), hash);
          await page.locator(ready).first().waitFor();
          await settle(page);
          const file = join(OUT, `${name}-${lang}.png`);
          await page.screenshot({ path: file });
          process.stderr.write(`screenshots: ${file}\n`);
        }
        // The import preview: a good statement and a damaged one, with its errors by line.
        await page.evaluate(() => (window.location.hash = '#/statements?month=2026-10'));
        const fixtures = join(PROJECT_ROOT, 'test', 'fixtures', 'statements');
        await page
          .getByTestId('import-files')
          .setInputFiles([join(fixtures, 'alipay-trade-detail.csv'), join(fixtures, 'wechat-all-bad-amount.csv')]);
        await page.getByTestId('import-errors').first().waitFor();
        await page.locator('[data-testid="import-report"][data-status="preview"]').first().waitFor();
        await settle(page);
        const file = join(OUT, `statements-import-${lang}.png`);
        await page.screenshot({ path: file });
        process.stderr.write(`screenshots: ${file}\n`);
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
