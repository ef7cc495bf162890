// Generates the cash register templates that cashiers fill in (design/statement-formats.md §6):
//   resources/templates/cash-register-template.xlsx — sheets 收款明细, 缴款单 and 说明
//   resources/templates/cash-register-template.csv  — 收款明细 only, UTF-8 with BOM
// The headers (src-main/statements/cash-template.ts) are those of profiles/cash-register-v1.json; a test
// imports both files with the cash parser, so the template and the profile cannot drift apart.
// Run: npx tsx scripts/make-cash-template.ts
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { CASH_DETAIL_HEADERS, CASH_SLIP_HEADERS } from '../src-main/statements/cash-template';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'resources', 'templates');

// One example row each; the slip totals its one receipt, so the template itself ties out.
const DETAIL_EXAMPLE = [
  '2026-10-03',
  'DC0101',
  '2026-10-03 10:15:00',
  'OTD20261003000123',
  '大定',
  '5000.00',
  '000123',
  'SK202610030001',
  'JK202610030001',
  '示例行，填写前请删除',
];
const SLIP_EXAMPLE = ['JK202610030001', '2026-10-03', 'DC0101', '0456', '5000.00', '1'];

const RULES: string[] = [
  '现金收款明细模板说明',
  '',
  '一、收款明细（每收一笔现金填一行）',
  '1. 列名必须与模板完全一致，列的顺序可以调整，不要增删列名中的字或空格。',
  '2. 业务日期：收款所属的业务日，格式 yyyy-MM-dd，例如 2026-10-03。',
  '3. 交付中心编码：收款的交付中心编码，例如 DC0101。',
  '4. 收款时间：格式 yyyy-MM-dd HH:mm:ss，例如 2026-10-03 10:15:00（北京时间）。',
  '5. 订单号：车辆订单号，与平台上的订单号完全一致。',
  '6. 款项：只能填 小定、大定、尾款、其他 之一。',
  '7. 金额：单位为元，最多两位小数，例如 5000.00；现金退款填负数，例如 -200.00。不要填货币符号。',
  '8. 收银员工号、收款单号、缴款单号请按文本填写，前导 0 会保留（例如 000123）。',
  '9. 收款单号在文件内不能重复；重复的收款单号会导致整个文件导入失败。',
  '10. 缴款单号：该笔现金存入银行时的缴款单号；尚未存入银行的填空。',
  '11. 备注：可空。',
  '',
  '二、缴款单（每张银行缴款单填一行）',
  '1. 缴款单号、缴款日期（yyyy-MM-dd）、交付中心编码、存入账号后四位（4 位数字）、金额（元）、笔数。',
  '2. 校验：每个缴款单号，收款明细中该缴款单号的金额合计必须等于缴款单的金额，行数必须等于笔数；',
  '   交付中心编码必须一致。不一致时整个文件导入失败，并列出差额。',
  '3. 收款明细中出现但缴款单中没有的缴款单号也会导致导入失败。',
  '',
  '三、文件格式',
  '1. Excel：使用本模板（.xlsx），收款明细与缴款单两张表都读取，本说明表不读取。',
  '2. CSV：只含收款明细，必须保存为 UTF-8 编码（Excel 中选择“CSV UTF-8（逗号分隔）”）；GBK 编码的 CSV 会被拒绝。',
  '3. 示例行仅供参考，填写前请删除示例行（缴款单中的示例行也一并删除）。',
];

function styleHeader(ws: ExcelJS.Worksheet): void {
  const row = ws.getRow(1);
  row.font = { bold: true };
  row.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8F0FE' } };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
}

export async function makeTemplates(dir = outDir): Promise<{ xlsx: string; csv: string }> {
  await mkdir(dir, { recursive: true });
  const wb = new ExcelJS.Workbook();
  wb.creator = 'OTD finance workstation';
  wb.created = new Date(Date.UTC(2026, 0, 1));
  wb.modified = new Date(Date.UTC(2026, 0, 1));

  const detail = wb.addWorksheet('收款明细');
  detail.columns = CASH_DETAIL_HEADERS.map((h) => ({
    header: h,
    key: h,
    width: h === '收款时间' ? 21 : h === '订单号' || h === '备注' ? 24 : 16,
    // Text columns keep leading zeros; 金额 is text too so that "5000.00" stays exact as typed.
    style: { numFmt: '@' },
  }));
  detail.addRow(DETAIL_EXAMPLE);
  styleHeader(detail);

  const slips = wb.addWorksheet('缴款单');
  slips.columns = CASH_SLIP_HEADERS.map((h) => ({ header: h, key: h, width: 16, style: { numFmt: '@' } }));
  slips.addRow(SLIP_EXAMPLE);
  styleHeader(slips);

  const rules = wb.addWorksheet('说明');
  rules.getColumn(1).width = 110;
  for (const line of RULES) rules.addRow([line]);
  rules.getRow(1).font = { bold: true, size: 14 };

  const xlsx = join(dir, 'cash-register-template.xlsx');
  await writeFile(xlsx, Buffer.from(await wb.xlsx.writeBuffer()));

  const csv = join(dir, 'cash-register-template.csv');
  const csvText = [CASH_DETAIL_HEADERS.join(','), DETAIL_EXAMPLE.join(',')].join('\r\n') + '\r\n';
  await writeFile(csv, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csvText, 'utf8')]));
  return { xlsx, csv };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await makeTemplates();
  console.log(`wrote ${out.xlsx}\nwrote ${out.csv}`);
}
