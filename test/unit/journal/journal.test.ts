// Journals end to end through the services: every event books balanced documents traced to their
// sources; the 999-line split; rule and field-length validation; the export register (same bytes
// again, reversal plus new version after export); the .xlsx read back with exceljs.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Store } from '../../../src-main/store';
import {
  docsInRange, journalExportStatus, linesOfDocs, listAccounts, traceOfDoc, currentRules,
} from '../../../src-main/store/journal';
import { generateJournals } from '../../../src-main/journal/generate';
import { exportJournals, scopeOf, JournalValidationError } from '../../../src-main/journal/export';
import { RuleValidationError, saveRule } from '../../../src-main/journal/posting-rules';
import { EVENT_TYPES, type PostingRuleFields } from '../../../src-main/journal/rules';
import { validateDocs } from '../../../src-main/journal/validate';
import type { ExportFormat } from '../../../src-main/journal/sap-files';
import { newStore, payment } from '../recon/helpers';
import { DAY, everyEventDay, seedPayments } from './fixtures';

let store: Store | null = null;
let dir: string | null = null;
afterEach(async () => {
  await store?.close();
  store = null;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = null;
});

async function tmp(): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'otd-journal-'));
  return dir;
}

async function docsWithLines(s: Store) {
  const docs = await docsInRange(s.read, DAY, DAY);
  const lines = await linesOfDocs(s.read, docs.map((d) => d.id));
  return docs.map((d) => ({ ...d, lines: lines.get(d.id) ?? [] }));
}

function ruleOf(s: Store, key: string): Promise<PostingRuleFields> {
  return currentRules(s.read).then((rs) => {
    const r = rs.find((x) => x.key === key);
    if (!r) throw new Error(`no rule ${key}`);
    return r;
  });
}

const exportDay = (s: Store, format: ExportFormat, out: string) =>
  exportJournals(s, { scope: scopeOf({ date: DAY }), format, actor: 'zhang.kj', out, exportDir: dir! });

describe('generation', () => {
  it('books every event type in balanced documents traced to their sources', async () => {
    store = await everyEventDay();
    const gen = await generateJournals(store, { from: DAY, to: DAY, actor: 'zhang.kj' });
    expect(gen.problems).toEqual([]);
    const docs = await docsWithLines(store);
    expect(new Set(docs.map((d) => d.event))).toEqual(new Set(EVENT_TYPES));
    for (const d of docs) {
      const debit = d.lines.reduce((a, l) => a + l.debitFen, 0);
      const credit = d.lines.reduce((a, l) => a + l.creditFen, 0);
      expect(debit, d.xblnr).toBe(credit);
      expect(debit, d.xblnr).toBeGreaterThan(0);
      const trace = await traceOfDoc(store.read, d.id);
      for (const l of d.lines) expect(trace.some((t) => t.lineNo === l.lineNo), `${d.xblnr} line ${l.lineNo}`).toBe(true);
    }
    const by = (event: string) => docs.find((d) => d.event === event)!;
    // Design §6: 小定 receipts Dr 其他货币资金-微信 / Cr 预收账款-小定, fees Dr 财务费用-手续费.
    const rc = docs.find((d) => d.event === 'receipt' && d.channel === 'wechat')!;
    expect(rc.xblnr).toBe('WX261001RC010');
    expect(rc.lines.map((l) => [l.account, l.debitFen, l.creditFen])).toEqual([
      ['1012010001', 1020000, 0],
      ['2203010001', 0, 1020000],
    ]);
    expect(rc.lines[0]!.itemText).toBe('微信1001小定3笔');
    expect(by('fee').lines[0]).toMatchObject({ account: '6603020001', debitFen: 6000 });
    expect(by('settlement').lines.map((l) => [l.account, l.debitFen])).toEqual([['1002010001', 494000], ['1012010001', 0]]);
    expect(by('refund').lines[0]).toMatchObject({ account: '2203010001', debitFen: 500000 });
    expect(by('loan_disbursement').lines.map((l) => l.account)).toEqual(['1002010001', '2205010001']);
    expect(by('aftersales_receipt').lines.map((l) => l.account)).toEqual(['1012020001', '2205020001']);
    expect(by('adjustment_long').lines.map((l) => [l.account, l.debitFen])).toEqual([['1012010001', 10000], ['1901010001', 0]]);
    expect(by('writeoff_short').lines.map((l) => [l.account, l.creditFen])).toEqual([['6602990001', 0], ['1012010001', 20000]]);
    // The write-off traces to its adjustment and to both decisions (proposal and approval).
    const woTrace = await traceOfDoc(store.read, by('writeoff_short').id);
    expect(woTrace.filter((t) => t.lineNo === 1).map((t) => t.source[0]).sort()).toEqual(['A', 'D', 'D']);
    // The receipt traces to payments and to the statement lines they matched.
    const rcTrace = await traceOfDoc(store.read, rc.id);
    expect(rcTrace.filter((t) => t.lineNo === 1).map((t) => t.source).sort()).toEqual(
      expect.arrayContaining(['P|P1', 'P|P2', 'P|P3']),
    );
    expect(rcTrace.some((t) => t.source.startsWith('L|'))).toBe(true);
    // Regenerating an unchanged day keeps the same references.
    await generateJournals(store, { from: DAY, to: DAY, actor: 'zhang.kj' });
    expect((await docsInRange(store.read, DAY, DAY)).map((d) => d.xblnr)).toEqual(docs.map((d) => d.xblnr));
  });

  it('splits a line-granularity day above 999 lines into balanced parts', async () => {
    store = await newStore();
    const pays = Array.from({ length: 600 }, (_, i) => ({
      p: payment(`P${i}`, `O${String(i).padStart(4, '0')}`, `B${i}`, { paidAt: '2026-10-01T12:00:00+08:00', amountFen: 1000 + i }),
      kind: 'large_deposit' as const,
    }));
    await seedPayments(store, pays);
    const rule = await ruleOf(store, 'receipt|wechat|*');
    await saveRule(store, { rule: { ...rule, granularity: 'line', assignment: '{order}', itemText: '{ch}{date}收款{order}' }, actor: 'zhang.kj', reason: '合同负债按订单管理' });
    await generateJournals(store, { from: DAY, to: DAY, actor: 'zhang.kj' });
    const docs = await docsWithLines(store);
    expect(docs.map((d) => [d.xblnr, d.lines.length])).toEqual([
      ['WX261001RC010', 998],
      ['WX261001RC020', 202],
    ]);
    for (const d of docs) expect(d.debitFen).toBe(d.creditFen);
    expect(docs.reduce((a, d) => a + d.debitFen, 0)).toBe(pays.reduce((a, x) => a + x.p.amountFen, 0));
    expect(docs[0]!.lines[0]).toMatchObject({ assignment: 'O0000', debitFen: 1000 });
    expect(docs[0]!.lines.every((l) => l.ruleVersion === 2)).toBe(true);
  });
});

describe('rules and validation', () => {
  it('refuses rules with unknown accounts, empty or too long texts, and versions accepted changes', async () => {
    store = await newStore();
    const rule = await ruleOf(store, 'fee|alipay|*');
    const refused = async (over: Partial<PostingRuleFields>) => {
      const e = await saveRule(store!, { rule: { ...rule, ...over }, actor: 'zhang.kj', reason: 'test' }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(RuleValidationError);
      return (e as RuleValidationError).problems.map((p) => p.field);
    };
    expect(await refused({ drAccount: '9999999999' })).toEqual(['drAccount']);
    expect(await refused({ headerText: ' ' })).toEqual(['headerText']);
    expect(await refused({ headerText: '支付宝{date}手续费很长很长很长很长很长很长很长很长' })).toEqual(['headerText']);
    expect(await refused({ itemText: '{ch}{date}{foo}' })).toEqual(['itemText']);
    expect(await refused({ assignment: '{order}' })).toEqual(['assignment']); // {order} in a day summary
    const saved = await saveRule(store, { rule: { ...rule, costCenter: 'CC100' }, actor: 'zhang.kj', reason: '成本中心' });
    expect(saved.version).toBe(2);
    expect((await ruleOf(store, 'fee|alipay|*')).costCenter).toBe('CC100');
  });

  it('reports field lengths, unknown accounts and imbalance by document and line', async () => {
    store = await newStore();
    const chart = new Map((await listAccounts(store.read)).map((a) => [a.account, a]));
    const base = {
      id: 1, xblnr: 'WX261001RC010', companyCode: '1000', businessDate: DAY, channel: 'wechat', event: 'receipt', part: 1, version: 0,
      kind: 'entry' as const, reversesId: null, docType: 'SA', headerText: '微信1001收款', status: 'draft' as const, contentHash: '',
      lineCount: 2, debitFen: 100, creditFen: 100,
    };
    const l = { itemText: 'x', assignment: 'a', costCenter: '', profitCenter: '', ruleKey: 'k', ruleVersion: 1, sources: [] };
    const problems = validateDocs(
      [{
        ...base,
        lines: [
          { ...l, lineNo: 1, account: '1012010001', debitFen: 100, creditFen: 0, itemText: 'y'.repeat(51) },
          { ...l, lineNo: 2, account: '12345', debitFen: 0, creditFen: 99, assignment: 'z'.repeat(19) },
        ],
      }],
      chart,
      new Set(),
    );
    expect(problems.filter((p) => p.severity === 'error').map((p) => [p.xblnr, p.lineNo, p.field])).toEqual([
      ['WX261001RC010', 1, 'SGTXT'],
      ['WX261001RC010', 2, 'HKONT'],
      ['WX261001RC010', 2, 'ZUONR'],
      ['WX261001RC010', null, 'balance'],
    ]);
    expect(problems.find((p) => p.severity === 'warning')?.field).toBe('recon');
  });
});

describe('export register', () => {
  it('writes the same bytes when the same batch is exported again, in every format', async () => {
    store = await everyEventDay();
    const d = await tmp();
    const first = await exportDay(store, 'f2548-xlsx', join(d, 'a.xlsx'));
    expect(first).toMatchObject({ balanced: true, rewritten: false, documents: 12 });
    expect(first.fileName).toMatch(/^SAPJE_1000_20261001_f2548-xlsx_[0-9a-f]{8}\.xlsx$/);
    const again = await exportDay(store, 'f2548-xlsx', join(d, 'b.xlsx'));
    expect(again).toMatchObject({ registerId: first.registerId, rewritten: true });
    expect(Buffer.compare(await readFile(join(d, 'a.xlsx')), await readFile(join(d, 'b.xlsx')))).toBe(0);
    // Already exported as .xlsx: another format of the same documents is refused, not exported twice.
    await expect(exportDay(store, 'posting-key-csv', join(d, 'c.csv'))).rejects.toThrow(/already exported/);
    expect(await journalExportStatus(store.read, DAY, DAY)).toEqual(
      expect.arrayContaining([expect.objectContaining({ businessDate: DAY, channel: 'wechat', allExported: true, drafts: 0 })]),
    );

    for (const format of ['f2548-csv', 'posting-key-csv'] as const) {
      await store.close();
      store = await everyEventDay();
      const a = await exportDay(store, format, join(d, `${format}-1.csv`));
      await exportDay(store, format, join(d, `${format}-2.csv`));
      expect(Buffer.compare(await readFile(join(d, `${format}-1.csv`)), await readFile(join(d, `${format}-2.csv`)))).toBe(0);
      const text = (await readFile(join(d, `${format}-1.csv`), 'utf8')).replace(/^\uFEFF/, '');
      if (format === 'posting-key-csv') {
        const rows = text.trim().split('\r\n').map((r) => r.split(','));
        expect(rows[0]).toEqual(['XBLNR', 'BUKRS', 'BLART', 'BLDAT', 'BUDAT', 'MONAT', 'BKTXT', 'WAERS', 'BUZEI', 'NEWBS', 'HKONT', 'WRBTR', 'SGTXT', 'KOSTL', 'PRCTR', 'ZUONR']);
        expect(rows.length - 1).toBe(a.lines);
        const rc = rows.filter((r) => r[0] === 'WX261001RC010');
        expect(rc.map((r) => [r[9], r[10], r[11], r[3]])).toEqual([['40', '1012010001', '10200.00', '20261001'], ['50', '2203010001', '10200.00', '20261001']]);
      } else {
        expect(text).toContain(',BUKRS,BLART,BLDAT,BUDAT,MONAT,BKTXT,WAERS,KURSF_EXT,XBLNR\r\n');
        expect(text).toContain(',1000,SA,20261001,20261001,10,微信1001收款,CNY,,WX261001RC010\r\n');
      }
    }
  });

  it('after export a change is a reversal plus a new version, never an edit', async () => {
    store = await everyEventDay();
    const d = await tmp();
    const first = await exportDay(store, 'f2548-xlsx', join(d, 'first.xlsx'));
    // A late payment of the day arrives after the export.
    await seedPayments(store, [{ p: payment('P9', 'O9', 'B9', { paidAt: '2026-10-01T15:00:00+08:00', amountFen: 300000 }), kind: 'small_deposit' }]);
    const gen = await generateJournals(store, { from: DAY, to: DAY, actor: 'zhang.kj' });
    expect(gen.reversals).toBe(1);
    const docs = await docsWithLines(store);
    const old = docs.find((x) => x.xblnr === 'WX261001RC010')!;
    const rev = docs.find((x) => x.xblnr === 'WX261001RC01A')!;
    const v1 = docs.find((x) => x.xblnr === 'WX261001RC011')!;
    expect(old.status).toBe('reversed');
    expect(old.lines.map((l) => [l.account, l.debitFen, l.creditFen])).toEqual([['1012010001', 1020000, 0], ['2203010001', 0, 1020000]]);
    expect(rev).toMatchObject({ kind: 'reversal', reversesId: old.id, status: 'draft', headerText: '冲销 WX261001RC010' });
    expect(rev.lines.map((l) => [l.account, l.debitFen, l.creditFen])).toEqual([['1012010001', 0, 1020000], ['2203010001', 1020000, 0]]);
    expect(v1.lines[0]!.debitFen).toBe(1320000);
    const second = await exportDay(store, 'f2548-xlsx', join(d, 'second.xlsx'));
    expect(second.registerId).not.toBe(first.registerId);
    expect(second).toMatchObject({ documents: 2, balanced: true, debitFen: 1020000 + 1320000 });
    // The first batch is still reproducible byte for byte.
    const { rewriteBatch } = await import('../../../src-main/journal/export');
    await rewriteBatch(store, first.registerId, join(d, 'first-again.xlsx'), d);
    expect(Buffer.compare(await readFile(join(d, 'first.xlsx')), await readFile(join(d, 'first-again.xlsx')))).toBe(0);
  });

  it('writes the F2548 layout: read back with exceljs, texts neutralised against formulas', async () => {
    store = await everyEventDay();
    const rule = await ruleOf(store, 'fee|wechat|*');
    await saveRule(store, { rule: { ...rule, itemText: '=HYPERLINK("x"){ch}' }, actor: 'zhang.kj', reason: 'injection test' });
    const d = await tmp();
    const out = join(d, 'je.xlsx');
    await exportDay(store, 'f2548-xlsx', out);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const ws = wb.getWorksheet('Journal Entries')!;
    const rows: unknown[][] = [];
    ws.eachRow({ includeEmpty: true }, (r) => rows.push((r.values as unknown[]).slice(1)));
    const start = rows.findIndex((r) => r.includes('WX261001RC010'));
    expect(rows[start - 3]!.slice(0, 2)).toEqual([expect.any(Number), 'Header']);
    expect(rows[start - 2]).toEqual([undefined, 'BUKRS', 'BLART', 'BLDAT', 'BUDAT', 'MONAT', 'BKTXT', 'WAERS', 'KURSF_EXT', 'XBLNR']);
    const head = rows[start]!;
    expect(head.slice(1, 3)).toEqual(['1000', 'SA']);
    expect((head[3] as Date).toISOString()).toBe('2026-10-01T00:00:00.000Z');
    expect(head.slice(5, 8)).toEqual(['10', '微信1001收款', 'CNY']);
    expect(rows[start + 1]![1]).toBe('Line Items');
    expect(rows[start + 3]).toEqual([undefined, 'BUKRS', 'HKONT', 'SGTXT', 'WRSOL', 'WRHAB', 'KOSTL', 'PRCTR', 'ZUONR']);
    expect(rows[start + 5]!.slice(1, 6)).toEqual(['1000', '1012010001', '微信1001小定3笔', '10200.00', undefined]);
    expect(rows[start + 6]!.slice(1, 6)).toEqual(['1000', '2203010001', '微信1001小定3笔', undefined, '10200.00']);
    const fee = rows.find((r) => r[2] === '6603020001')!;
    expect(fee[3]).toBe(`'=HYPERLINK("x")微信`);
    expect(fee[4]).toBe('60.00');
  });

  it('refuses to export while a problem blocks it, and writes nothing', async () => {
    store = await everyEventDay();
    const d = await tmp();
    const { saveAccount } = await import('../../../src-main/journal/posting-rules');
    await saveAccount(store, { account: { account: '6603020001', name: '财务费用-手续费', open: false }, actor: 'zhang.kj', reason: '科目停用' });
    const e = await exportDay(store, 'f2548-xlsx', join(d, 'x.xlsx')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(JournalValidationError);
    expect((e as JournalValidationError).problems.filter((p) => p.severity === 'error').map((p) => [p.xblnr, p.lineNo, p.field])).toEqual([
      ['WX261001FE010', 1, 'HKONT'],
    ]);
    await expect(readFile(join(d, 'x.xlsx'))).rejects.toThrow();
    expect((await journalExportStatus(store.read, DAY, DAY)).every((s) => !s.allExported)).toBe(true);
  });
});
