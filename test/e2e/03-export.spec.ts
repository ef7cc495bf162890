// Export the payments grid to Excel as shown, and read the file back.
import ExcelJS from 'exceljs';
import { api, ensureSynced, expect, floatingFilterInput, gridTotal, openApp, test } from './helpers';

test.beforeAll(async ({ request }) => {
  await ensureSynced(request);
});

test('export the payments grid to Excel: headers, ¥ money cells, one row per grid row', async ({ page, request }, testInfo) => {
  await openApp(page, '#/orders?tab=payments');
  const total = await gridTotal(page, 'payments-grid');
  expect(total).toBeGreaterThan(0);

  const downloading = page.waitForEvent('download');
  await page.getByTestId('payments-grid-export').getByRole('button', { name: '导出 Excel' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^payments-.*\.xlsx$/);
  const file = testInfo.outputPath(download.suggestedFilename());
  await download.saveAs(file);
  await expect(page.getByTestId('export-message')).toContainText(`已导出 ${total.toLocaleString('en-US')} 行`);

  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.worksheets[0]!;
  expect(ws.name).toBe('收款明细');
  const header = (ws.getRow(1).values as unknown[]).slice(1);
  expect(header.slice(0, 6)).toEqual(['收款单号', '订单号', '款项', '渠道', '支付方式', '金额']);
  expect(ws.actualRowCount - 1).toBe(total);

  // The first data row is the grid's first row; its amount is a number of yuan with the ¥ format.
  const first = await api<{ rows: { paymentNo: string; amountFen: number }[] }>(request, 'payments.page', { startRow: 0, endRow: 1 });
  const row = ws.getRow(2);
  expect(row.getCell(1).value).toBe(first.rows[0]!.paymentNo);
  const amount = row.getCell(6);
  expect(typeof amount.value).toBe('number');
  expect(Math.round((amount.value as number) * 100)).toBe(first.rows[0]!.amountFen);
  expect(amount.numFmt).toContain('¥');
});

test('export follows the grid filter', async ({ page, request }) => {
  await openApp(page, '#/orders?tab=payments');
  await floatingFilterInput(page, 'payments-grid', 'amountFen').fill('5000');
  const expected = await api<{ total: number }>(request, 'payments.page', {
    startRow: 0,
    endRow: 1,
    filterModel: { amountFen: { filterType: 'number', type: 'equals', filter: 500000 } },
  });
  await expect.poll(() => gridTotal(page, 'payments-grid')).toBe(expected.total);
  const downloading = page.waitForEvent('download');
  await page.getByTestId('payments-grid-export').getByRole('button').click();
  const download = await downloading;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile((await download.path())!);
  expect(wb.worksheets[0]!.actualRowCount - 1).toBe(expected.total);
});
