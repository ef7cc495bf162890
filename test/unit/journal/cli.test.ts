// otd journal through main() (src-main/cli.ts), in-process, on a database file: the JSON it prints,
// the same bytes on a second run (same register id), and bad flags refused before the store is opened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src-main/store';
import { addUser } from '../../../src-main/store/settings';
import { DAY, everyEventDay } from './fixtures';
import { runCli } from '../run-cli';

let dir: string;
let db: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otd-journal-cli-'));
  db = join(dir, 'books.sqlite');
  const store = await openStore(db);
  await store.write(async (tx) => {
    await addUser(tx, { userId: 'zhang.kj', displayName: '张会计' });
    await addUser(tx, { userId: 'li.fh', displayName: '李复核' });
  });
  await everyEventDay(store);
  await store.close();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('otd journal', () => {
  it('exports a day as JSON, and the same file again on a second run', async () => {
    const out = join(dir, 'day.xlsx');
    const first = await runCli(['journal', '--db', db, '--date', DAY, '--format', 'f2548-xlsx', '--out', out, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const r = JSON.parse(first.stdout) as Record<string, unknown>;
    expect(Object.keys(r).sort()).toEqual(['balanced', 'creditFen', 'debitFen', 'documents', 'file', 'lines', 'registerId']);
    expect(r).toMatchObject({ documents: 12, lines: 24, balanced: true, file: out });
    expect(r.debitFen).toBe(r.creditFen);
    const bytes = await readFile(out);
    const again = await runCli(['journal', '--db', db, '--period', '2026-10', '--format', 'f2548-xlsx', '--out', join(dir, 'month.xlsx'), '--json']);
    // The month holds only the day's documents, already in the day's batch: refused, not exported twice.
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ error: { code: 'conflict' } });
    const same = await runCli(['journal', '--db', db, '--date', DAY, '--format', 'f2548-xlsx', '--out', join(dir, 'again.xlsx'), '--json']);
    expect(same.code).toBe(0);
    expect(JSON.parse(same.stdout)).toMatchObject({ registerId: r.registerId });
    expect(Buffer.compare(bytes, await readFile(join(dir, 'again.xlsx')))).toBe(0);
  });

  it('refuses bad flags with exit 2', async () => {
    for (const argv of [
      ['journal', '--db', db, '--format', 'f2548-xlsx', '--out', 'x'],
      ['journal', '--db', db, '--date', DAY, '--period', '2026-10', '--format', 'f2548-xlsx', '--out', 'x'],
      ['journal', '--db', db, '--date', DAY, '--format', 'pdf', '--out', 'x'],
      ['journal', '--db', join(dir, 'missing.sqlite'), '--date', DAY, '--format', 'f2548-xlsx', '--out', 'x'],
      ['journal', '--db', db, '--period', '2026-13', '--format', 'f2548-xlsx', '--out', 'x'],
    ]) {
      const r = await runCli([...argv, '--json']);
      expect(r.code, argv.join(' ')).toBe(2);
    }
  });
});
