// SAP journal export: 100k journal lines (line granularity, 50k payments of one day) to the F2548
// .xlsx through the export register (WeChat and Alipay, 50k lines each: a reference holds 99 parts) (documents read from the store, written, hashed and checked),
// against a bare exceljs streaming write of the same line rows in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { openStore } from '../../src-main/store';
import { addUser } from '../../src-main/store/settings';
import { currentRules, docsInRange, linesOfDocs } from '../../src-main/store/journal';
import { upsertBillings, upsertPayments, upsertVehicleOrders } from '../../src-main/store/orders';
import type { Store } from '../../src-main/store';
import { billing, order, payment } from '../helpers/records';
import { generateJournals } from '../../src-main/journal/generate';
import { exportJournals, rewriteBatch, scopeOf } from '../../src-main/journal/export';
import { saveRule } from '../../src-main/journal/posting-rules';
import { fenToYuanText } from '../../src-main/domain/money';
import { timeMedian, timeOnce, round, type BenchResult } from './common';

const DAY = '2026-10-01';

/** One day of large deposits by WeChat and Alipay (half each), each on its own order and billing. */
async function seedDay(store: Store, n: number): Promise<void> {
  const no = (i: number) => String(i).padStart(7, '0');
  await store.write(async (tx) => {
    await upsertVehicleOrders(tx, Array.from({ length: n }, (_, i) => order(`O${no(i)}`)));
    await upsertBillings(tx, Array.from({ length: n }, (_, i) => billing(`B${no(i)}`, `O${no(i)}`, { kind: 'large_deposit' })));
    await upsertPayments(
      tx,
      Array.from({ length: n }, (_, i) =>
        payment(`P${no(i)}`, `O${no(i)}`, `B${no(i)}`, { channel: i % 2 ? 'alipay' : 'wechat', amountFen: 100 + ((i * 104729) % 5_000_000), paidAt: '2026-10-01T12:00:00+08:00' }),
      ),
    );
  });
}

export async function benchJournal(lines = 100_000): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'otd-bench-journal-'));
  const store = await openStore(join(dir, 'journal.sqlite'));
  try {
    await store.write((tx) => addUser(tx, { userId: 'bench', displayName: 'bench' }));
    const payments = Math.ceil(lines / 2);
    const seed = await timeOnce(() => seedDay(store, payments));
    for (const key of ['receipt|wechat|*', 'receipt|alipay|*']) {
      const rule = (await currentRules(store.read)).find((r) => r.key === key)!;
      await saveRule(store, { rule: { ...rule, granularity: 'line', assignment: '{order}', itemText: '{ch}{date}收款{order}' }, actor: 'bench', reason: 'bench' });
    }
    const gen = await timeOnce(() => generateJournals(store, { from: DAY, to: DAY, actor: 'bench' }));
    const first = await timeOnce(() =>
      exportJournals(store, { scope: scopeOf({ date: DAY }), format: 'f2548-xlsx', actor: 'bench', out: join(dir, 'first.xlsx'), exportDir: dir }),
    );
    const ours = await timeMedian(() => rewriteBatch(store, first.value.registerId, join(dir, 'again.xlsx'), dir), 3);

    // Baseline: the same line rows, read from the store the same way, written bare.
    const docs = await docsInRange(store.read, DAY, DAY);
    const byDoc = await linesOfDocs(store.read, docs.map((d) => d.id));
    const baseline = await timeMedian(async () => {
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: join(dir, 'bare.xlsx'), useStyles: true, useSharedStrings: false });
      const ws = wb.addWorksheet('Journal Entries');
      for (const d of docs) {
        for (const l of byDoc.get(d.id)!) {
          ws.addRow([
            null, d.companyCode, l.account, l.itemText, l.debitFen ? fenToYuanText(l.debitFen) : null,
            l.creditFen ? fenToYuanText(l.creditFen) : null, null, null, l.assignment,
          ]).commit();
        }
      }
      ws.commit();
      await wb.commit();
    }, 3);
    return {
      name: `Journal export: ${first.value.lines.toLocaleString('en')} lines in ${first.value.documents} documents to F2548 .xlsx`,
      figures: {
        'seed payments (ms)': round(seed.ms),
        'generate journals (ms)': round(gen.ms),
        'first export incl. validation and register (ms)': round(first.ms),
        're-export from the register (ms, median of 3)': round(ours),
        'bare exceljs write of the line rows (ms, median of 3)': round(baseline),
      },
      ratios: [{ label: 're-export / bare exceljs', ours, baseline, ratio: round(ours / baseline, 2), target: 1.5 }],
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
