// The orders and payments grids: rows come page by page from the server, which sorts and filters
// in SQL; an order opens on its whole picture.
import type { Request } from '@playwright/test';
import { api, cell, columnTexts, ensureSynced, expect, fenOf, floatingFilterInput, gridTotal, openApp, test } from './helpers';

interface PageRequest {
  startRow: number;
  endRow: number;
  sortModel: { colId: string; sort: string }[];
  filterModel: Record<string, { filterType: string; type?: string; filter?: unknown; dateFrom?: string; values?: string[] }>;
}

function pageRequests(page: import('@playwright/test').Page, op: string): PageRequest[] {
  const seen: PageRequest[] = [];
  page.on('request', (r: Request) => {
    if (r.url().endsWith(`/api/op/${op}`)) seen.push(r.postDataJSON() as PageRequest);
  });
  return seen;
}

test.beforeAll(async ({ request }) => {
  await ensureSynced(request);
});

test('orders grid: scrolling down loads rows from the server', async ({ page, request }) => {
  const requests = pageRequests(page, 'orders.page');
  await openApp(page, '#/orders?tab=orders');
  const { total } = await api<{ total: number }>(request, 'orders.page', { startRow: 0, endRow: 1 });
  expect(total).toBe(300);
  expect(await gridTotal(page, 'orders-grid')).toBe(total);

  const grid = page.getByTestId('orders-grid');
  await expect(cell(page, 'orders-grid', 0, 'orderNo')).not.toBeEmpty();
  expect(requests.every((r) => r.startRow < 200)).toBe(true);

  await grid.locator('.ag-grid-viewport').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  const last = cell(page, 'orders-grid', total - 1, 'orderNo');
  await expect(last).toHaveText(/^\S+$/);
  expect(requests.some((r) => r.startRow >= 200), 'a later block was asked of the server').toBe(true);

  // The last row is the server's last row in the default order.
  const server = await api<{ rows: { orderNo: string }[] }>(request, 'orders.page', { startRow: total - 1, endRow: total });
  await expect(last).toHaveText(server.rows[0]!.orderNo);
});

test('payments grid: sort by amount is done by the server', async ({ page, request }) => {
  const requests = pageRequests(page, 'payments.page');
  await openApp(page, '#/orders?tab=payments');
  const grid = page.getByTestId('payments-grid');
  await expect(cell(page, 'payments-grid', 0, 'amountFen')).not.toBeEmpty();

  await grid.locator('.ag-header-cell[col-id="amountFen"] .ag-header-cell-label').click();
  await expect.poll(() => requests.some((r) => r.sortModel[0]?.colId === 'amountFen' && r.sortModel[0]?.sort === 'asc')).toBe(true);
  const server = await api<{ rows: { amountFen: number }[] }>(request, 'payments.page', {
    startRow: 0,
    endRow: 20,
    sortModel: [{ colId: 'amountFen', sort: 'asc' }],
  });
  await expect(cell(page, 'payments-grid', 0, 'amountFen')).toHaveText(
    /¥/,
  );
  await expect.poll(async () => (await columnTexts(page, 'payments-grid', 'amountFen')).slice(0, 20).map(fenOf)).toEqual(
    server.rows.map((r) => r.amountFen),
  );
  const shown = (await columnTexts(page, 'payments-grid', 'amountFen')).map(fenOf);
  expect([...shown].sort((a, b) => a - b)).toEqual(shown);

  // Money is right-aligned in the grid.
  const align = await cell(page, 'payments-grid', 0, 'amountFen').evaluate((el) => getComputedStyle(el).textAlign);
  expect(['right', 'end']).toContain(align);
});

test('payments grid: filter by channel with the set filter (channels in the fixed order)', async ({ page, request }) => {
  const requests = pageRequests(page, 'payments.page');
  await openApp(page, '#/orders?tab=payments');
  const grid = page.getByTestId('payments-grid');
  const all = await gridTotal(page, 'payments-grid');

  await grid.locator('.ag-floating-filter[col-id="channel"] .ag-floating-filter-button-button').click();
  const filter = page.getByTestId('set-filter');
  await expect(filter.locator('.set-filter-list label')).toHaveText(['微信支付', '支付宝', '拉卡拉', '银联POS', '通联', '现金', '电汇']);
  await filter.getByText('全选').click(); // untick all
  await filter.getByText('微信支付').click();
  await page.keyboard.press('Escape');

  const expected = await api<{ total: number }>(request, 'payments.page', {
    startRow: 0,
    endRow: 1,
    filterModel: { channel: { filterType: 'set', values: ['wechat'] } },
  });
  await expect.poll(() => gridTotal(page, 'payments-grid')).toBe(expected.total);
  expect(expected.total).toBeGreaterThan(0);
  expect(expected.total).toBeLessThan(all);
  expect(requests.some((r) => JSON.stringify(r.filterModel.channel) === JSON.stringify({ filterType: 'set', values: ['wechat'] }))).toBe(
    true,
  );
  const channels = await columnTexts(page, 'payments-grid', 'channel');
  expect(channels.length).toBeGreaterThan(0);
  expect(new Set(channels)).toEqual(new Set(['微信支付']));
});

test('payments grid: a yuan amount typed in the filter reaches the server as exact integer fen', async ({ page }) => {
  const requests = pageRequests(page, 'payments.page');
  await openApp(page, '#/orders?tab=payments');
  const input = floatingFilterInput(page, 'payments-grid', 'amountFen');
  await input.fill('5,000.00');
  await expect.poll(() => requests.some((r) => r.filterModel.amountFen?.filter === 500000)).toBe(true);
  await expect.poll(async () => new Set(await columnTexts(page, 'payments-grid', 'amountFen'))).toEqual(new Set(['¥5,000.00']));
  // 0.07 yuan is 7 fen, not 7.000000000000001.
  await input.fill('0.07');
  await expect.poll(() => requests.some((r) => r.filterModel.amountFen?.filter === 7)).toBe(true);
});

test('orders grid: filter by order no, then open the order on its whole picture', async ({ page, request }) => {
  // A delivered order with several payments: the richest picture.
  const pick = await api<{ rows: { orderNo: string; priceFen: number; discountFen: number }[] }>(request, 'orders.page', {
    startRow: 0,
    endRow: 1,
    sortModel: [{ colId: 'paymentCount', sort: 'desc' }],
    filterModel: { status: { filterType: 'set', values: ['delivered'] } },
  });
  const order = pick.rows[0]!;
  await openApp(page, '#/orders?tab=orders');
  await floatingFilterInput(page, 'orders-grid', 'orderNo').fill(order.orderNo);
  await expect.poll(() => gridTotal(page, 'orders-grid')).toBe(1);
  const orderCell = cell(page, 'orders-grid', 0, 'orderNo');
  await expect(orderCell).toHaveText(order.orderNo);

  await orderCell.click();
  const detail = page.getByTestId('order-detail');
  await expect(detail).toBeVisible();
  await expect(detail.locator('h2')).toContainText(order.orderNo);
  await expect(page).toHaveURL(new RegExp(`order=${order.orderNo}`));

  const picture = await api<{
    agreedFen: number;
    netPaidFen: number;
    outstandingFen: number;
    subOrders: unknown[];
    billings: unknown[];
    payments: { paymentNo: string; [id: string]: string | number | null }[];
    refunds: unknown[];
  }>(request, 'orders.get', { orderNo: order.orderNo });
  expect(picture.agreedFen).toBe(order.priceFen - order.discountFen);
  await expect(page.getByTestId('balance-agreed')).toHaveAttribute('data-fen', String(picture.agreedFen));
  await expect(page.getByTestId('balance-net-paid')).toHaveAttribute('data-fen', String(picture.netPaidFen));
  await expect(page.getByTestId('balance-outstanding')).toHaveAttribute('data-fen', String(picture.outstandingFen));
  expect(fenOf(await page.getByTestId('balance-agreed').innerText())).toBe(picture.agreedFen);

  await expect(page.getByTestId('detail-sub-orders')).toContainText('资金单');
  await expect(page.getByTestId('detail-billings').locator('tbody tr')).toHaveCount(picture.billings.length);
  const payments = page.getByTestId('detail-payments');
  await expect(payments.locator('tbody tr')).toHaveCount(picture.payments.length);
  // Each payment shows the identifiers that tie it to its statement line, with their names.
  const names: Record<string, string> = {
    merchantOrderNo: '商户订单号',
    channelTxnId: '渠道交易号',
    terminalId: '终端号',
    refNo: '参考号',
    voucherNo: '凭证号',
    payerAccount: '付款账号',
  };
  let shown = 0;
  for (const [i, p] of picture.payments.entries()) {
    const row = payments.locator('tbody tr').nth(i);
    await expect(row).toContainText(p.paymentNo);
    for (const [field, name] of Object.entries(names)) {
      const value = p[field];
      if (typeof value !== 'string' || !value) continue;
      await expect(row.locator('.id-pair', { hasText: name })).toContainText(value);
      shown++;
    }
  }
  expect(shown).toBeGreaterThan(0);
  await expect(page.getByTestId('detail-refunds')).toBeVisible();

  await page.getByTestId('order-detail-close').click();
  await expect(detail).toHaveCount(0);
});

test('a delivered order that is not square is highlighted', async ({ page, request }) => {
  const short = await api<{ rows: { orderNo: string }[]; total: number }>(request, 'orders.page', {
    startRow: 0,
    endRow: 1,
    filterModel: {
      status: { filterType: 'set', values: ['delivered'] },
      outstandingFen: { filterType: 'number', type: 'notEqual', filter: 0 },
    },
  });
  let orderNo = short.rows[0]?.orderNo;
  if (!orderNo) {
    // The demo data may have no short delivered order: take a square one and answer its picture
    // one fen short, as the platform would show a lost final payment callback.
    const square = await api<{ rows: { orderNo: string }[] }>(request, 'orders.page', {
      startRow: 0,
      endRow: 1,
      filterModel: { status: { filterType: 'set', values: ['delivered'] } },
    });
    orderNo = square.rows[0]!.orderNo;
    const picture = await api<{ netPaidFen: number; outstandingFen: number }>(request, 'orders.get', { orderNo });
    await page.route('**/api/op/orders.get', (route) =>
      route.fulfill({
        contentType: 'application/json',
        body: JSON.stringify({ ok: true, result: { ...picture, netPaidFen: picture.netPaidFen - 1, outstandingFen: picture.outstandingFen + 1 } }),
      }),
    );
  }
  await openApp(page, `#/orders?tab=orders&order=${orderNo}`);
  await expect(page.getByTestId('balance-incident')).toBeVisible();
  await expect(page.getByTestId('balance-outstanding')).not.toHaveText('¥0.00');
});

test("payments grid: a payment's order no opens its order", async ({ page }) => {
  await openApp(page, '#/orders?tab=payments');
  const orderCell = cell(page, 'payments-grid', 0, 'orderNo');
  await expect(orderCell).toHaveText(/\S/);
  const orderNo = (await orderCell.innerText()).trim();
  await orderCell.click();
  await expect(page.getByTestId('order-detail').locator('h2')).toContainText(orderNo);
  await expect(page.getByTestId('detail-payments').locator('tbody tr').first()).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('order-detail')).toHaveCount(0);
});

test('payments grid: filter by business date (server-side, Beijing business day)', async ({ page, request }) => {
  const requests = pageRequests(page, 'payments.page');
  const first = await api<{ rows: { businessDate: string; paidAt: string }[] }>(request, 'payments.page', { startRow: 0, endRow: 1 });
  const day = first.rows[0]!.businessDate;
  const expected = await api<{ total: number }>(request, 'payments.page', {
    startRow: 0,
    endRow: 1,
    filterModel: { businessDate: { filterType: 'date', type: 'equals', dateFrom: `${day} 00:00:00` } },
  });
  await openApp(page, '#/orders?tab=payments');
  const grid = page.getByTestId('payments-grid');
  await grid.locator('.ag-floating-filter[col-id="businessDate"] .ag-floating-filter-button-button').click();
  await page.locator('.ag-filter input[type="date"]').first().fill(day);
  await expect.poll(() => requests.some((r) => String(r.filterModel.businessDate?.dateFrom ?? '').startsWith(day))).toBe(true);
  await expect.poll(() => gridTotal(page, 'payments-grid')).toBe(expected.total);
  await page.keyboard.press('Escape');
  const days = await columnTexts(page, 'payments-grid', 'businessDate');
  expect(new Set(days)).toEqual(new Set([day]));
  // Times are Beijing wall-clock whatever the browser's zone (this browser runs in Los Angeles).
  const paidAt = await columnTexts(page, 'payments-grid', 'paidAt');
  expect(paidAt.every((t) => t.startsWith(day))).toBe(true);
});
