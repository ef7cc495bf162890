// The demo company's sandbox statements (demo.statements.import) go through the real import service,
// a second import changes nothing, a real company refuses the operation; and the approvals list
// (recon.adjustments) shows what waits for a reviewer.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeContext, createContext, type AppContext } from '../../../src-main/api/context';
import { openDemoCompany, type DemoCompany } from '../../../src-main/api/demo';
import { dispatch } from '../../../src-main/api/dispatch';
import type { DemoStatementsResult, JobState, OpName, OpResult } from '../../../src-main/api/contract';
import { handlers } from '../../../src-main/api/handlers';

let demo: DemoCompany | null = null;
let plain: AppContext | null = null;
afterEach(async () => {
  await demo?.close();
  if (plain) await closeContext(plain);
  demo = null;
  plain = null;
});

/** One operation through the contract (validation included); its result, or the error thrown. */
async function call<N extends OpName>(ctx: AppContext, op: N, input: unknown): Promise<OpResult<N>> {
  const r = await dispatch(ctx, op, input);
  if (!r.ok) throw new Error(`${op}: ${r.error.code}: ${r.error.message}`);
  return r.result as OpResult<N>;
}

async function job(ctx: AppContext, op: OpName, input: unknown): Promise<JobState> {
  const started = await dispatch(ctx, op, input);
  if (!started.ok) throw new Error(`${op}: ${started.error.message}`);
  let state = started.result as JobState;
  while (state.status === 'running') {
    await new Promise((r) => setTimeout(r, 50));
    state = ctx.jobs.get(state.id)!;
  }
  return state;
}

describe('demo.statements.import', () => {
  it('a real company refuses it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otd-demo-'));
    plain = await createContext({ dbFile: join(dir, 'db.sqlite'), dataDir: dir, mode: 'cli' });
    expect(await dispatch(plain, 'users.add', { userId: 'a.b', displayName: 'A', actor: 'a.b' })).toMatchObject({ ok: true });
    const r = await handlers['demo.statements.import']({ from: '2026-10-01', to: '2026-10-01', actor: 'a.b' }, plain).catch(
      (e: unknown) => e,
    );
    expect(r).toMatchObject({ code: expect.stringMatching(/forbidden/) });
  });

  it('imports the sandbox files of the chosen days once; reconciliation and approvals follow', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otd-demo-'));
    demo = await openDemoCompany({ dataDir: dir, mode: 'cli', orders: 60 });
    const ctx = demo.ctx;
    expect((await job(ctx, 'sync.start', {})).status).toBe('done');

    const outside = await dispatch(ctx, 'demo.statements.import', { from: '2026-09-01', to: '2026-09-02', actor: 'zhang.kj' });
    expect(outside).toMatchObject({ ok: false, error: { code: 'invalid_input' } });

    const first = await job(ctx, 'demo.statements.import', { from: '2026-10-08', to: '2026-10-09', actor: 'zhang.kj' });
    expect(first.status).toBe('done');
    const r1 = first.result as DemoStatementsResult;
    expect(r1).toMatchObject({ days: 2, files: 14, rejected: 0 });
    expect(r1.imported + r1.duplicate + r1.pending).toBe(14);
    const files = await call(ctx, 'statements.files', { date: '2026-10-08' });
    expect(files.filter((f) => f.status === 'active').length).toBeGreaterThanOrEqual(6);

    const again = (await job(ctx, 'demo.statements.import', { from: '2026-10-08', to: '2026-10-09', actor: 'zhang.kj' }))
      .result as DemoStatementsResult;
    expect([again.imported, again.pending, again.rejected, again.duplicate]).toEqual([0, 0, 0, 14]);

    expect((await job(ctx, 'recon.run', { date: '2026-10-08', to: '2026-10-09', actor: 'zhang.kj' })).status).toBe('done');
    const page = await call(ctx, 'discrepancies.page', {
      startRow: 0,
      endRow: 1,
      filterModel: { state: { filterType: 'set', values: ['open'] }, channel: { filterType: 'set', values: ['wechat', 'alipay', 'lakala'] } },
    });
    const disc = page.rows[0]!;
    const proposed = await dispatch(ctx, 'recon.adjust.propose', {
      discrepancyId: disc.id, actor: 'zhang.kj', reasonCode: 'channel_error', comment: '按对账单调差',
    });
    expect(proposed.ok).toBe(true);
    const waiting = await call(ctx, 'recon.adjustments', { state: 'proposed' });
    expect(waiting.map((a) => [a.targetId, a.maker, a.amountFen])).toEqual([[disc.id, 'zhang.kj', disc.amountFen]]);
    expect(await call(ctx, 'recon.adjustments', { state: 'approved' })).toEqual([]);
  });
});
