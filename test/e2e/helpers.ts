// Shared by the UI tests: the demo company's address, direct API calls (to prepare or check data),
// opening the app on a screen, and a page fixture that fails a test on any console error.
import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';

export function demo(): { url: string; token: string; open: string } {
  const url = process.env.OTD_E2E_URL;
  const token = process.env.OTD_E2E_TOKEN;
  const open = process.env.OTD_E2E_OPEN;
  if (!url || !token || !open) throw new Error('the demo company is not running (the global setup sets OTD_E2E_*)');
  return { url, token, open };
}

/** Call an operation directly (web mode's HTTP API), for preparing and checking data. */
export async function api<T>(request: APIRequestContext, op: string, input: unknown = {}): Promise<T> {
  const { url, token } = demo();
  const res = await request.post(`${url}/api/op/${op}`, {
    headers: { 'x-otd-token': token, 'content-type': 'application/json' },
    data: input,
  });
  const body = (await res.json()) as { ok: boolean; result?: T; error?: { code: string; message: string } };
  if (!body.ok) throw new Error(`${op}: ${body.error?.code}: ${body.error?.message}`);
  return body.result as T;
}

interface JobState {
  id: string;
  status: string;
  error: string | null;
}

/** Make sure the demo company has been synced (tests may run alone, in any order). */
export async function ensureSynced(request: APIRequestContext): Promise<void> {
  const overview = await api<{ totals: { orders: number }; runningSync: JobState | null }>(request, 'overview.get');
  if (overview.totals.orders > 0 && !overview.runningSync) return;
  let job = overview.runningSync ?? (await api<JobState>(request, 'sync.start'));
  for (let i = 0; i < 600 && job.status === 'running'; i++) {
    await new Promise((r) => setTimeout(r, 250));
    job = (await api<JobState | null>(request, 'jobs.get', { jobId: job.id })) ?? job;
  }
  if (job.status !== 'done') throw new Error(`the demo sync ended ${job.status}: ${job.error}`);
}

/** Open the app with the token, then go to a screen (#/orders?tab=payments…). */
export async function openApp(page: Page, hash = '#/overview'): Promise<void> {
  await page.goto(demo().open);
  await expect(page.getByTestId('company')).toBeVisible();
  await page.evaluate((h) => {
    window.location.hash = h;
  }, hash);
}

/** "¥1,234.50" / "-¥0.05" → fen, exactly. */
export function fenOf(text: string): number {
  const m = /^(-)?¥([\d,]+)\.(\d{2})$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a formatted amount`);
  const fen = Number(m[2]!.replace(/,/g, '')) * 100 + Number(m[3]);
  return m[1] ? -fen : fen;
}

/** The row count a grid shows for its current filter (the data-total of its toolbar). */
export async function gridTotal(page: Page, testId: string): Promise<number> {
  const el = page.getByTestId(`${testId}-total`);
  await expect(el).toHaveAttribute('data-total', /^\d+$/);
  return Number(await el.getAttribute('data-total'));
}

/** One cell of a grid by row index and column id. */
export function cell(page: Page, gridTestId: string, rowIndex: number, colId: string) {
  return page.getByTestId(gridTestId).locator(`.ag-row[row-index="${rowIndex}"] .ag-cell[col-id="${colId}"]`).first();
}

/** The input of a column's floating filter. */
export function floatingFilterInput(page: Page, gridTestId: string, colId: string) {
  return page.getByTestId(gridTestId).locator(`.ag-floating-filter[col-id="${colId}"] input`).first();
}

/** Text of the cells of one column among the rendered rows, in row order. */
export async function columnTexts(page: Page, gridTestId: string, colId: string): Promise<string[]> {
  return page.getByTestId(gridTestId).evaluate((grid, col) => {
    const byRow = new Map<number, string>();
    for (const row of grid.querySelectorAll('.ag-row[row-index]')) {
      const c = row.querySelector(`.ag-cell[col-id="${col}"]`) as HTMLElement | null;
      if (c) byRow.set(Number(row.getAttribute('row-index')), c.innerText.trim());
    }
    return [...byRow.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  }, colId);
}

// Chromium reports every non-2xx response as "Failed to load resource" (the UI shows those errors
// itself), and a meta-tag CSP cannot carry frame-ancestors (the HTTP header does).
const IGNORED = [/Failed to load resource/, /frame-ancestors' is ignored when delivered via a <meta> element/];

/** `page` that fails the test when the app logs an error or throws. */
export const test = base.extend<{ page: Page }>({
  page: async ({ page }, use) => {
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && !IGNORED.some((r) => r.test(m.text()))) problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await use(page);
    expect(problems, 'errors in the browser console').toEqual([]);
  },
});

export { expect };
