// The close pack: one .xlsx a reviewer reads and files with the month. Summary (sign-offs, checklist,
// totals per channel, the chart as a picture), one sheet per channel (its days), open items with
// ageing and explanation, adjustments, journals, the audit trail and the chart's series. Money as
// numbers in yuan with the ¥ format (fen divided only here), frozen bold headers, autofilter, the
// header row repeated on every printed page, and every text cell neutralised against formulas.
import ExcelJS from 'exceljs';
import { rename, rm, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ReadDb } from '../store/db';
import { docsInRange } from '../store/journal';
import { auditTrailOf } from '../store/periods';
import { CHANNELS } from '../domain/channels';
import { LABELS, type Language } from '../domain/labels';
import { neutraliseFormula } from '../export/safe-cell';
import { YUAN_FORMAT } from '../export/xlsx';
import { periodView, type CheckKey, type PeriodView } from './checklist';
import { chartPng } from './chart';

const T = {
  zh: {
    summary: '汇总', openItems: '未达项', adjustments: '调差', journals: '凭证', audit: '审计轨迹', series: '图表数据',
    title: '月结报告', period: '会计期间', status: '状态', preparedBy: '编制', reviewedBy: '复核', lockedBy: '锁定', at: '时间',
    check: '检查项', result: '结果', failing: '未通过', total: '总数', examples: '示例', ok: '通过', notOk: '未通过',
    channel: '渠道', date: '业务日期', statementFiles: '对账单文件', internalCount: '内部笔数', ran: '已对账', proof: '勾稽',
    signedOffBy: '签核人', matchRate: '自动匹配率', openCount: '未达笔数', openFen: '未达金额', pending: '待复核调差',
    journalDocs: '凭证数', journalDrafts: '未导出凭证', checksFailing: '未通过检查', yes: '是', no: '否',
    id: '编号', type: '类型', amount: '金额', age: '账龄(天)', bucket: '账龄区间', state: '状态', explanation: '说明', detail: '明细',
    kind: '类别', reason: '原因', comment: '备注', maker: '提交人', madeAt: '提交时间', approver: '复核人', decidedAt: '复核时间',
    xblnr: '参考号 XBLNR', event: '事项', debit: '借方', credit: '贷方', lines: '行数', docType: '凭证类型', header: '抬头文本',
    actor: '用户', action: '操作', target: '对象', chartTitle: '每日自动匹配率与未达金额', openAmount: '未达金额',
    statuses: { open: '未结', prepared: '已编制', reviewed: '已复核', locked: '已锁定' },
    checks: { statements: '对账单齐全', reconciled: '每日已对账并签核', openItems: '未达项已说明', adjustments: '无待复核调差', journals: '凭证已导出' },
  },
  en: {
    summary: 'Summary', openItems: 'Open items', adjustments: 'Adjustments', journals: 'Journals', audit: 'Audit trail', series: 'Chart data',
    title: 'Month-end close', period: 'Period', status: 'Status', preparedBy: 'Prepared by', reviewedBy: 'Reviewed by', lockedBy: 'Locked by', at: 'At',
    check: 'Check', result: 'Result', failing: 'Failing', total: 'Total', examples: 'Examples', ok: 'OK', notOk: 'Not OK',
    channel: 'Channel', date: 'Business day', statementFiles: 'Statement files', internalCount: 'Internal items', ran: 'Reconciled', proof: 'Proof',
    signedOffBy: 'Signed off by', matchRate: 'Auto-match rate', openCount: 'Open items', openFen: 'Open amount', pending: 'Adjustments awaiting review',
    journalDocs: 'Journal documents', journalDrafts: 'Not exported', checksFailing: 'Failing checks', yes: 'Yes', no: 'No',
    id: 'Id', type: 'Type', amount: 'Amount', age: 'Age (days)', bucket: 'Age bucket', state: 'State', explanation: 'Explanation', detail: 'Detail',
    kind: 'Kind', reason: 'Reason', comment: 'Comment', maker: 'Maker', madeAt: 'Made at', approver: 'Approver', decidedAt: 'Decided at',
    xblnr: 'Reference XBLNR', event: 'Event', debit: 'Debit', credit: 'Credit', lines: 'Lines', docType: 'Doc type', header: 'Header text',
    actor: 'User', action: 'Action', target: 'Target', chartTitle: 'Auto-match rate and open amount by day', openAmount: 'Open amount',
    statuses: { open: 'Open', prepared: 'Prepared', reviewed: 'Reviewed', locked: 'Locked' },
    checks: { statements: 'Statements present', reconciled: 'Every day reconciled and signed off', openItems: 'Open items explained', adjustments: 'No adjustment awaiting review', journals: 'Journals exported' },
  },
} as const;

type Kind = 'text' | 'money' | 'int' | 'percent';
interface Col { header: string; kind: Kind; width?: number }

const safe = (v: string | null | undefined) => (v === null || v === undefined ? null : neutraliseFormula(v));
const FORMATS: Record<Kind, string | undefined> = { text: undefined, money: YUAN_FORMAT, int: '#,##0', percent: '0.0%' };

/** A table sheet: bold frozen header, autofilter, number formats per column, header repeated when printed. */
function table(wb: ExcelJS.Workbook, name: string, cols: Col[], rows: (string | number | null)[][]): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name.slice(0, 31), {
    views: [{ state: 'frozen', ySplit: 1 }],
    pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9 },
  });
  ws.columns = cols.map((c) => ({
    header: c.header,
    width: c.width ?? (c.kind === 'money' ? 16 : c.kind === 'text' ? 18 : 12),
    style: FORMATS[c.kind] ? { numFmt: FORMATS[c.kind] } : {},
  }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE5E7EB' } };
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: cols.length } };
  ws.pageSetup.printTitlesRow = '1:1';
  for (const r of rows) ws.addRow(r.map((v, i) => (typeof v === 'string' && cols[i]!.kind === 'text' ? safe(v) : v)));
  return ws;
}

const yuan = (fen: number | null) => (fen === null ? null : fen / 100);

export interface ClosePack {
  file: string;
  sheets: string[];
  view: PeriodView;
}

/** Write the close pack of a period to file (atomically: a half-written pack never appears). */
export async function writeClosePack(read: ReadDb, period: string, file: string, lang: Language): Promise<ClosePack> {
  const t = T[lang];
  const L = LABELS[lang];
  const view = await periodView(read, period);
  const [docs, trail] = await Promise.all([docsInRange(read, view.from, view.to), auditTrailOf(read, period, view.from, view.to)]);
  const ch = (c: string | null) => (c ? (L.channel[c] ?? c) : '');
  const yn = (b: boolean | null) => (b === null ? '' : b ? t.yes : t.no);
  const label = (m: Record<string, string>, k: string | null) => (k === null ? null : (m[k] ?? k));

  const wb = new ExcelJS.Workbook();
  wb.creator = 'OTD';
  wb.title = `${t.title} ${period}`;

  // Summary: who signed what, the checklist, totals per channel, then the chart.
  const sum = wb.addWorksheet(t.summary, {
    pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9 },
  });
  sum.columns = [{ width: 30 }, { width: 18 }, { width: 14 }, { width: 14 }, { width: 16 }, { width: 16 }, { width: 14 }, { width: 40 }];
  sum.addRow([`${t.title} ${period}`]).font = { bold: true, size: 14 };
  sum.addRow([t.period, `${view.from} – ${view.to}`]);
  sum.addRow([t.status, t.statuses[view.status]]);
  sum.addRow([t.preparedBy, safe(view.preparedBy), safe(view.preparedAt)]);
  sum.addRow([t.reviewedBy, safe(view.reviewedBy), safe(view.reviewedAt)]);
  sum.addRow([t.lockedBy, safe(view.lockedBy), safe(view.lockedAt)]);
  sum.addRow([]);
  const checkHead = sum.addRow([t.check, t.result, t.failing, t.total, t.examples]);
  checkHead.font = { bold: true };
  for (const c of view.checklist) {
    const r = sum.addRow([t.checks[c.key as CheckKey], c.ok ? t.ok : t.notOk, c.failing, c.total, safe(c.examples.join(', '))]);
    r.getCell(2).font = { bold: true, color: { argb: c.ok ? 'FF15803D' : 'FFB91C1C' } };
  }
  sum.addRow([]);
  const totHead = sum.addRow([t.channel, t.statementFiles, t.internalCount, t.openCount, t.openFen, t.pending, t.journalDrafts]);
  totHead.font = { bold: true };
  for (const c of CHANNELS) {
    const cells = view.cells.filter((x) => x.channel === c.code);
    const r = sum.addRow([
      ch(c.code), cells.reduce((a, x) => a + x.statementFiles, 0), cells.reduce((a, x) => a + x.internalCount, 0),
      cells.reduce((a, x) => a + x.openCount, 0), yuan(cells.reduce((a, x) => a + x.openFen, 0)),
      cells.reduce((a, x) => a + x.pendingAdjustments, 0), cells.reduce((a, x) => a + x.journalDrafts, 0),
    ]);
    r.getCell(5).numFmt = YUAN_FORMAT;
  }
  const chartTop = sum.rowCount + 1;
  const png = chartPng(view.series, { title: `${t.chartTitle} ${period}`, matchRate: t.matchRate, openAmount: t.openAmount });
  const imageId = wb.addImage({ buffer: png as unknown as ExcelJS.Buffer, extension: 'png' });
  sum.addImage(imageId, { tl: { col: 0, row: chartTop }, ext: { width: 1000, height: 420 } });

  // One sheet per channel, in the fixed order.
  for (const c of CHANNELS) {
    table(wb, ch(c.code), [
      { header: t.date, kind: 'text', width: 12 }, { header: t.statementFiles, kind: 'int' }, { header: t.internalCount, kind: 'int' },
      { header: t.ran, kind: 'text', width: 8 }, { header: t.proof, kind: 'text', width: 8 }, { header: t.signedOffBy, kind: 'text' },
      { header: t.matchRate, kind: 'percent' }, { header: t.openCount, kind: 'int' }, { header: t.openFen, kind: 'money' },
      { header: t.pending, kind: 'int' }, { header: t.journalDocs, kind: 'int' }, { header: t.journalDrafts, kind: 'int' },
      { header: t.checksFailing, kind: 'text', width: 40 },
    ], view.cells.filter((x) => x.channel === c.code).map((x) => [
      x.businessDate, x.statementFiles, x.internalCount, yn(x.ran), yn(x.proofOk), x.signedOffBy, x.matchRate, x.openCount, yuan(x.openFen),
      x.pendingAdjustments, x.journalDocuments, x.journalDrafts, x.failing.map((k) => t.checks[k]).join('; '),
    ]));
  }

  table(wb, t.openItems, [
    { header: t.id, kind: 'text', width: 34 }, { header: t.type, kind: 'text' }, { header: t.channel, kind: 'text', width: 12 },
    { header: t.date, kind: 'text', width: 12 }, { header: t.amount, kind: 'money' }, { header: t.age, kind: 'int' },
    { header: t.bucket, kind: 'text', width: 10 }, { header: t.state, kind: 'text', width: 10 }, { header: t.explanation, kind: 'text', width: 40 },
    { header: t.detail, kind: 'text', width: 50 },
  ], view.openItems.map((i) => [
    i.id, label(L.discType, i.type), ch(i.channel), i.businessDate, yuan(i.amountFen), i.ageDays, i.bucket, label(L.discState, i.state),
    i.explanation, i.detail,
  ]));

  table(wb, t.adjustments, [
    { header: t.id, kind: 'int', width: 8 }, { header: t.kind, kind: 'text', width: 10 }, { header: t.channel, kind: 'text', width: 12 },
    { header: t.date, kind: 'text', width: 12 }, { header: t.amount, kind: 'money' }, { header: t.reason, kind: 'text' },
    { header: t.comment, kind: 'text', width: 36 }, { header: t.state, kind: 'text', width: 12 }, { header: t.maker, kind: 'text', width: 12 },
    { header: t.madeAt, kind: 'text', width: 22 }, { header: t.approver, kind: 'text', width: 12 }, { header: t.decidedAt, kind: 'text', width: 22 },
  ], view.adjustments.map((a) => [
    a.id, label(L.adjustmentKind, a.kind), ch(a.channel), a.businessDate, yuan(a.amountFen), a.reasonCode, a.comment,
    label(L.adjustmentState, a.state), a.maker, a.madeAt, a.approver, a.decidedAt,
  ]));

  table(wb, t.journals, [
    { header: t.xblnr, kind: 'text', width: 18 }, { header: t.date, kind: 'text', width: 12 }, { header: t.channel, kind: 'text', width: 12 },
    { header: t.event, kind: 'text', width: 12 }, { header: t.docType, kind: 'text', width: 8 }, { header: t.header, kind: 'text', width: 28 },
    { header: t.lines, kind: 'int' }, { header: t.debit, kind: 'money' }, { header: t.credit, kind: 'money' }, { header: t.state, kind: 'text', width: 10 },
  ], docs.map((d) => [
    d.xblnr, d.businessDate, ch(d.channel), d.event, d.docType, d.headerText, d.lineCount, yuan(d.debitFen), yuan(d.creditFen), d.status,
  ]));

  table(wb, t.audit, [
    { header: t.at, kind: 'text', width: 24 }, { header: t.actor, kind: 'text', width: 12 }, { header: t.action, kind: 'text', width: 24 },
    { header: t.channel, kind: 'text', width: 12 }, { header: t.date, kind: 'text', width: 12 }, { header: t.target, kind: 'text', width: 34 },
    { header: t.reason, kind: 'text', width: 40 },
  ], trail.map((a) => [a.at, a.actor, a.action, ch(a.channel), a.businessDate, a.target, a.reason]));

  table(wb, t.series, [
    { header: t.date, kind: 'text', width: 12 }, { header: t.matchRate, kind: 'percent' }, { header: t.openCount, kind: 'int' },
    { header: t.openFen, kind: 'money' },
  ], view.series.map((s) => [s.businessDate, s.matchRate, s.openCount, yuan(s.openFen)]));

  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.part`;
  try {
    await wb.xlsx.writeFile(tmp);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return { file, sheets: wb.worksheets.map((w) => w.name), view };
}
