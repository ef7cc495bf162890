// Journals: 张会计 configures a posting rule (a new cost centre for WeChat 小定 receipts, saved as a new
// version), generates a day's journals, checks the balanced totals and exports them as the flat
// posting-key CSV; the file is read back (40/50 keys, debit = credit, the new cost centre) and the
// batch appears in the export register. Uses a demo day after the reconciliation spec's week.
import { readFile } from 'node:fs/promises';
import type { APIRequestContext } from '@playwright/test';
import { api, ensureSynced, expect, fenOf, openApp, test } from './helpers';

const PREPARER = 'zhang.kj';

interface Preview {
  totals: { documents: number; drafts: number; debitFen: number; creditFen: number };
}
interface Rule {
  key: string;
  version: number;
  costCenter: string;
}

/** A demo day with WeChat payments whose journals are not exported yet. */
async function openDay(request: APIRequestContext): Promise<string> {
  for (let d = 8; d <= 28; d++) {
    const date = `2026-10-${String(d).padStart(2, '0')}`;
    const status = await api<{ channel: string; drafts: number; allExported: boolean }[]>(request, 'journal.status', { from: date, to: date });
    if (status.some((s) => s.allExported)) continue;
    const p = await api<Preview>(request, 'journal.generate', { scope: { date }, actor: PREPARER });
    const after = await api<{ channel: string; drafts: number }[]>(request, 'journal.status', { from: date, to: date });
    if (p.totals.drafts > 0 && after.some((s) => s.channel === 'wechat' && s.drafts > 0)) return date;
  }
  throw new Error('no demo day with WeChat journals to export');
}

test('configure a posting rule, generate a day and export it for SAP', async ({ page, request }) => {
  await ensureSynced(request);
  const date = await openDay(request);
  const costCenter = `CC${Date.now() % 100000}`;

  await openApp(page, '#/journal?tab=rules');
  await page.getByTestId('user-picker').selectOption(PREPARER);
  await page.getByTestId('rule-edit-receipt|wechat|small_deposit').click();
  const form = page.getByTestId('journal-rule-form');
  await expect(form).toBeVisible();
  // An empty text is refused with the field named; nothing is saved.
  await page.getByTestId('rule-headerText').fill(' ');
  await page.getByTestId('rule-reason').fill('成本中心调整');
  await page.getByTestId('rule-save').click();
  await expect(page.getByTestId('journal-rule-error')).toContainText('headerText');
  await page.getByTestId('rule-headerText').fill('{ch}{date}收款');
  await page.getByTestId('rule-costCenter').fill(costCenter);
  await page.getByTestId('rule-save').click();
  await expect(page.getByTestId('journal-rule-saved')).toContainText('receipt|wechat|small_deposit');
  const rules = await api<{ rules: Rule[] }>(request, 'journal.rules.list');
  const rule = rules.rules.find((r) => r.key === 'receipt|wechat|small_deposit')!;
  expect(rule.costCenter).toBe(costCenter);
  expect(rule.version).toBeGreaterThan(1);
  await expect(page.getByTestId('rule-row-receipt|wechat|small_deposit')).toContainText(`v${rule.version}`);

  await page.getByTestId('journal-tab-preview').click();
  await page.getByTestId('journal-date').fill(date);
  await page.getByTestId('journal-generate').click();
  await expect(page.getByTestId('journal-report')).toBeVisible();
  const debit = fenOf(await page.getByTestId('journal-debit').innerText());
  expect(debit).toBeGreaterThan(0);
  expect(fenOf(await page.getByTestId('journal-credit').innerText())).toBe(debit);
  await expect(page.getByTestId('journal-grid').locator('.ag-row').first()).toBeVisible();

  await page.getByTestId('journal-format').selectOption('posting-key-csv');
  const downloading = page.waitForEvent('download');
  await page.getByTestId('journal-export').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(new RegExp(`^SAPJE_1000_${date.replace(/-/g, '')}_posting-key-csv_[0-9a-f]{8}\\.csv$`));
  await expect(page.getByTestId('journal-export-done')).toBeVisible();

  const rows = (await readFile((await download.path())!, 'utf8')).replace(/^\uFEFF/, '').trim().split('\r\n').map((r) => r.split(','));
  const head = rows[0]!;
  const col = (name: string) => head.indexOf(name);
  const body = rows.slice(1);
  expect(body.length).toBeGreaterThan(0);
  const fen = (r: string[]) => Math.round(Number(r[col('WRBTR')]) * 100);
  const sum = (key: string) => body.filter((r) => r[col('NEWBS')] === key).reduce((a, r) => a + fen(r), 0);
  expect(sum('40')).toBe(sum('50'));
  expect(body.every((r) => r[col('NEWBS')] === '40' || r[col('NEWBS')] === '50')).toBe(true);
  expect(body.every((r) => r[col('BUDAT')] === date.replace(/-/g, ''))).toBe(true);
  expect(body.some((r) => r[col('XBLNR')]!.startsWith('WX') && r[col('XBLNR')]!.includes('RC') && r[col('KOSTL')] === costCenter)).toBe(true);

  await page.getByTestId('journal-tab-register').click();
  await expect(page.getByTestId('journal-register')).toContainText(download.suggestedFilename());
  const status = await api<{ allExported: boolean }[]>(request, 'journal.status', { from: date, to: date });
  expect(status.every((s) => s.allExported)).toBe(true);
});
