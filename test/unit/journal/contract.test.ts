// The journal operations through dispatch (schema, handler, error mapping): a rule change refused
// with its problems in the details, generation with totals, a document's trace, the export job and
// the register.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, closeContext, type AppContext } from '../../../src-main/api/context';
import { dispatch } from '../../../src-main/api/dispatch';
import { addUser } from '../../../src-main/store/settings';
import type { JobState } from '../../../src-main/jobs/runner';
import { DAY, everyEventDay } from './fixtures';

let ctx: AppContext | null = null;
afterEach(async () => {
  if (ctx) await closeContext(ctx);
  ctx = null;
});

async function context(): Promise<AppContext> {
  const dir = mkdtempSync(join(tmpdir(), 'otd-journal-api-'));
  ctx = await createContext({ dbFile: join(dir, 'db.sqlite'), dataDir: dir, mode: 'cli' });
  await ctx.store.write(async (tx) => {
    await addUser(tx, { userId: 'zhang.kj', displayName: '张会计' });
    await addUser(tx, { userId: 'li.fh', displayName: '李复核' });
  });
  await everyEventDay(ctx.store);
  return ctx;
}

async function ok<T>(c: AppContext, op: string, input: unknown): Promise<T> {
  const r = await dispatch(c, op, input);
  if (!r.ok) throw new Error(`${op}: ${r.error.code} ${r.error.message}`);
  return r.result as T;
}

describe('journal operations', () => {
  it('generate, trace, export as a job, register', async () => {
    const c = await context();
    const rules = await ok<{ rules: { key: string; event: string; channel: string; billing: string }[] }>(c, 'journal.rules.list', {});
    const fee = rules.rules.find((r) => r.key === 'fee|wechat|*')!;
    const bad = await dispatch(c, 'journal.rules.save', {
      rule: {
        event: fee.event, channel: fee.channel, billing: fee.billing, drAccount: '1234', crAccount: '1012010001', costCenter: '',
        profitCenter: '', docType: 'SA', headerText: 'x', itemText: 'y', assignment: 'z', granularity: 'day',
      },
      actor: 'zhang.kj', reason: 'test',
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', details: { problems: [{ field: 'drAccount' }] } } });

    const preview = await ok<{ totals: { documents: number; debitFen: number; creditFen: number; drafts: number } }>(c, 'journal.generate', {
      scope: { date: DAY }, actor: 'zhang.kj',
    });
    expect(preview.totals).toMatchObject({ documents: 12, drafts: 12 });
    expect(preview.totals.debitFen).toBe(preview.totals.creditFen);

    const page = await ok<{ rows: { xblnr: string }[]; total: number }>(c, 'journal.lines.page', { from: DAY, to: DAY, startRow: 0, endRow: 100 });
    expect(page.total).toBe(24);
    const trace = await ok<{ trace: { source: string }[] }>(c, 'journal.trace', { xblnr: 'WX261001AL010' });
    expect(trace.trace.map((t) => t.source[0])).toContain('A');

    let job = await ok<JobState>(c, 'journal.export', { scope: { date: DAY }, format: 'posting-key-csv', actor: 'zhang.kj' });
    for (let i = 0; i < 100 && job.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      job = (await ok<JobState | null>(c, 'jobs.get', { jobId: job.id }))!;
    }
    expect(job.status, job.error ?? '').toBe('done');
    const result = job.result as { file: string; fileName: string; registerId: number };
    expect(existsSync(result.file)).toBe(true);
    const register = await ok<{ id: number; fileName: string }[]>(c, 'journal.register', {});
    expect(register[0]).toMatchObject({ id: result.registerId, fileName: result.fileName });
    const status = await ok<{ allExported: boolean }[]>(c, 'journal.status', { from: DAY, to: DAY });
    expect(status.every((s) => s.allExported)).toBe(true);
  });
});
