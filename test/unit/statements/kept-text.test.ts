// A text statement is kept once (statement_text) instead of every printed value on every line:
// each line's printed values must still come back exactly as the parser read them, whatever the
// encoding, and a refused file must leave no text behind.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../../src-main/store';
import { Db } from '../../../src-main/store/db';
import { migrate } from '../../../src-main/store/migrate';
import { MIGRATIONS } from '../../../src-main/store/migrations';
import { importFiles, type ImportInput } from '../../../src-main/statements/import';
import { printedLines } from '../../../src-main/statements/printed';
import { bufferSource } from '../../../src-main/statements/source';
import { collectParse } from '../../../src-main/statements/collect';
import { wechatTradeBillParser } from '../../../src-main/statements/formats/wechat-tradebill';
import { PARSERS } from '../../../src-main/statements/registry';
import { closeContext, createContext } from '../../../src-main/api/context';
import { dispatch } from '../../../src-main/api/dispatch';
import { writeWechatBill, type WechatBillOptions } from '../../fixtures/statements/make-wechat-bill';

const FIX = join(import.meta.dirname, '../../fixtures/statements');
const lakalaParser = () => PARSERS.find((p) => p.channel === 'lakala')!;

async function bill(lines: number, opts: WechatBillOptions = {}): Promise<ImportInput> {
  const path = join(mkdtempSync(join(tmpdir(), 'otd-kept-')), 'bill.csv');
  await writeWechatBill(path, lines, { date: '2024-03-15', ...opts });
  return { fileName: 'bill.csv', bytes: readFileSync(path) };
}

async function lineIds(store: Store): Promise<{ id: number; line_no: number }[]> {
  return store.read.all('SELECT id, line_no FROM statement_line ORDER BY line_no');
}

describe('the kept text of a statement', () => {
  it('gives back every line of a multi-chunk bill as the parser read it, with no values stored per line', async () => {
    const input = await bill(3000); // about 700 KiB: several chunks
    const parsed = await collectParse(wechatTradeBillParser, bufferSource(input.fileName, input.bytes!), {
      expectedDate: '2024-03-15',
    });
    const store = await openStore(':memory:');
    const [report] = await importFiles(store, [input], { actor: 'zhang.kj', date: '2024-03-15' });
    expect(report!.status).toBe('imported');

    const chunks = await store.read.all<{ first_line: number; line_count: number }>(
      'SELECT first_line, line_count FROM statement_text ORDER BY first_line',
    );
    expect(chunks.length).toBeGreaterThan(1);
    // Chunks follow each other without gap or overlap and cover the whole file (header to summary).
    let next = 1;
    for (const c of chunks) {
      expect(c.first_line).toBe(next);
      next += c.line_count;
    }
    expect(next - 1).toBe(3000 + 3);
    expect(await store.read.get('SELECT count(*) AS n FROM statement_line WHERE raw_json IS NOT NULL')).toEqual({ n: 0 });

    const ids = await lineIds(store);
    const wanted = [ids[0]!, ...chunks.slice(1).map((c) => ids.find((l) => l.line_no === c.first_line)!), ids.at(-1)!];
    const printed = await printedLines(store.read, wanted.map((l) => l.id));
    expect(printed.map((p) => p.lineNo)).toEqual(wanted.map((l) => l.line_no));
    for (const p of printed) {
      const line = parsed.lines.find((l) => l.lineNo === p.lineNo)!;
      expect(p.values).toEqual(line.raw);
    }
    expect(Object.keys(printed[0]!.values)).toHaveLength(27);
    await store.close();
  });

  it('serves a page of lines as printed through the contract', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otd-kept-api-'));
    const ctx = await createContext({ dbFile: join(dir, 'db.sqlite'), dataDir: dir, mode: 'cli' });
    try {
      await importFiles(ctx.store, [await bill(20)], { actor: 'zhang.kj', date: '2024-03-15' });
      const ids = (await lineIds(ctx.store)).slice(5, 8).map((l) => l.id);
      const r = await dispatch(ctx, 'statements.lines.printed', { lineIds: ids });
      if (!r.ok) throw new Error(r.error.message);
      const page = r.result as { lineId: number; lineNo: number; values: Record<string, string> }[];
      expect(page.map((p) => p.lineNo)).toEqual([7, 8, 9]);
      expect(page[0]!.values['商户号']).toBe('1900000109');
      expect((await dispatch(ctx, 'statements.lines.printed', { lineIds: [] })).ok).toBe(false);
    } finally {
      await closeContext(ctx);
    }
  });

  it('reads GBK bills back in their own encoding', async () => {
    const store = await openStore(':memory:');
    const [report] = await importFiles(store, [await bill(5, { encoding: 'gbk' })], {
      actor: 'zhang.kj',
      date: '2024-03-15',
    });
    expect(report!.status).toBe('imported');
    expect(await store.read.get('SELECT DISTINCT encoding FROM statement_text')).toEqual({ encoding: 'gb18030' });
    const [first] = await printedLines(store.read, [(await lineIds(store))[0]!.id]);
    expect(first!.values['交易状态']).toBe('SUCCESS');
    expect(first!.values['商品名称']).toMatch(/\p{Script=Han}/u);
    await store.close();
  });

  it('keeps nothing of a refused file, and nothing twice for the same bytes', async () => {
    const store = await openStore(':memory:');
    const good = await bill(600);
    const rows = good.bytes!.toString().split('\n');
    rows[600] = rows[600]!.replace(/,`CNY,`[0-9.]+,/, ',`CNY,`12.3.4,'); // the last bill row, line 601
    const damaged = rows.join('\n');
    expect(damaged).not.toBe(good.bytes!.toString());
    const [refused] = await importFiles(store, [{ fileName: 'bad.csv', bytes: Buffer.from(damaged) }], {
      actor: 'zhang.kj',
      date: '2024-03-15',
    });
    expect(refused!.status).toBe('rejected');
    expect(refused!.errors[0]).toMatchObject({ code: 'bad_amount', line: 601 });
    expect(await store.read.get('SELECT count(*) AS n FROM statement_text')).toEqual({ n: 0 });
    expect(await store.read.get('SELECT count(*) AS n FROM statement_line')).toEqual({ n: 0 });

    await importFiles(store, [good], { actor: 'zhang.kj', date: '2024-03-15' });
    const chunks = await store.read.get<{ n: number }>('SELECT count(*) AS n FROM statement_text');
    const [again] = await importFiles(store, [good], { actor: 'zhang.kj', date: '2024-03-15' });
    expect(again!.status).toBe('duplicate');
    expect(await store.read.get('SELECT count(*) AS n FROM statement_text')).toEqual(chunks);
    await store.close();
  });

  it('keeps the printed values of lines written before the text was kept', async () => {
    const db = await Db.open(':memory:');
    await migrate(db, MIGRATIONS.filter((m) => m.version <= 3));
    await db.write(async (tx) => {
      await tx.run(
        `INSERT INTO statement_file (content_hash, file_name, channel, format, business_date, source, status, version,
           line_count, payment_count, payment_fen, refund_count, refund_fen, fee_fen, net_fen, detection_json,
           warnings_json, raw_columns_json, imported_at, imported_by)
         VALUES ('h', 'old.csv', 'lakala', 'lakala-profile:v1', '2024-03-15', 'import', 'active', 1, 1, 1, 100, 0, 0, 0, 100,
           '{}', '[]', '["trade_no","amount"]', '2024-03-16T00:00:00Z', 'zhang.kj')`,
      );
      await tx.run(
        `INSERT INTO statement_line (file_id, line_no, channel, business_date, kind, amount_fen, fee_fen, occurred_at, raw_json)
         VALUES (1, 2, 'lakala', '2024-03-15', 'payment', 100, 0, '2024-03-15T10:00:00+08:00', '["T1","1.00"]')`,
      );
    });
    await migrate(db);
    const [line] = await printedLines(db.read, [1]);
    expect(line).toEqual({ lineId: 1, lineNo: 2, values: { trade_no: 'T1', amount: '1.00' } });
    await db.close();
  });

  it('still stores the values on the line for formats that are not read back from text', async () => {
    const store = await openStore(':memory:');
    const input = { fileName: 'lakala.csv', bytes: readFileSync(join(FIX, 'lakala-default-with-refund.csv')) };
    const [report] = await importFiles(store, [input], { actor: 'zhang.kj' });
    expect(report!.status).toBe('imported');
    expect(await store.read.get('SELECT count(*) AS n FROM statement_text')).toEqual({ n: 0 });
    const ids = await lineIds(store);
    const parsed = await collectParse(lakalaParser(), bufferSource(input.fileName, input.bytes));
    const printed = await printedLines(store.read, ids.map((l) => l.id));
    expect(printed.map((p) => p.values)).toEqual(parsed.lines.map((l) => l.raw));
    await store.close();
  });
});
