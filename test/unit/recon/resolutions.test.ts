// People's decisions on reconciliation results (reconciliation.md §7–§8), all through the contract
// (api/dispatch.ts validates and runs them as the renderer would): manual match only when it nets to
// zero (or with its difference as an adjustment), unmatch, adjustments and write-offs that take effect
// only once a second local user approves, carry forward, refund requests, sign-off only on a proof.
// Every act leaves an audit row with what was before and what is after.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, closeContext, type AppContext } from '../../../src-main/api/context';
import { dispatch } from '../../../src-main/api/dispatch';
import type { JobState } from '../../../src-main/jobs/runner';
import type { AdjustmentRow, DiscDetail, MatchView, ProofFigures } from '../../../src-main/store/recon';
import type { DaySummary } from '../../../src-main/recon/engine';
import { matchId } from '../../../src-main/recon/ids';
import { line, payment, seed, statement } from './helpers';

const D = '2026-10-01';
const at = (hm: string) => `${D}T${hm}:00+08:00`;
const PREPARER = 'zhang.kj';
const REVIEWER = 'li.fh';
const act = { reasonCode: 'checked', comment: 'checked against the channel portal' };

let dir: string;
let ctx: AppContext;

type Reply = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

async function call<T>(name: string, input: unknown): Promise<T> {
  const reply = (await dispatch(ctx, name, input)) as Reply;
  if (!reply.ok) throw new Error(`${name}: ${reply.error.code}: ${reply.error.message}`);
  return reply.result as T;
}

async function refused(name: string, input: unknown): Promise<{ code: string; message: string }> {
  const reply = (await dispatch(ctx, name, input)) as Reply;
  if (reply.ok) throw new Error(`${name} was accepted`);
  return reply.error;
}

async function runDay(): Promise<DaySummary[]> {
  const job = await call<JobState>('recon.run', { date: D, channels: ['wechat'], actor: PREPARER });
  await ctx.jobs.wait(job.id);
  return ctx.jobs.get(job.id)!.result as DaySummary[];
}

async function open(): Promise<DiscDetail[]> {
  const ids = await ctx.store.read.all<{ id: string }>(
    "SELECT id FROM recon_discrepancy WHERE state IN ('open','carried') ORDER BY type, amount_fen",
  );
  return Promise.all(ids.map((r) => call<DiscDetail>('recon.discrepancy', { id: r.id })));
}

const byType = async (type: string) => (await open()).filter((d) => d.type === type);

async function auditRows(
  action: string,
): Promise<{ user_id: string; entity_id: string; before: unknown; after: unknown; reason: string | null }[]> {
  const rows = await ctx.store.read.all<{
    user_id: string;
    entity_id: string;
    before_json: string | null;
    after_json: string | null;
    reason: string | null;
  }>('SELECT user_id, entity_id, before_json, after_json, reason FROM audit_log WHERE action = ? ORDER BY id', [
    action,
  ]);
  return rows.map((r) => ({
    user_id: r.user_id,
    entity_id: r.entity_id,
    reason: r.reason,
    before: r.before_json === null ? null : JSON.parse(r.before_json),
    after: r.after_json === null ? null : JSON.parse(r.after_json),
  }));
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otd-recon-res-'));
  ctx = await createContext({ dbFile: join(dir, 'books.sqlite'), dataDir: join(dir, 'otd-data'), mode: 'web' });
  await call('users.add', { userId: PREPARER, displayName: '张会计', actor: PREPARER });
  await call('users.add', { userId: REVIEWER, displayName: '李复核', actor: PREPARER });
  // One WeChat day with one of each: a match, ids that do not meet, a short line, a missing line,
  // a wrong fee, an unknown line, a refund only the channel made.
  await seed(ctx.store, [
    payment('P1', 'O1', 'B1', { paidAt: at('09:00') }),
    payment('P2', 'O2', 'B2', { paidAt: at('09:10') }),
    payment('P3', 'O3', 'B3', { paidAt: at('09:20') }),
    payment('P4', 'O4', 'B4', { paidAt: at('09:30') }),
    payment('P5', 'O5', 'B5', { paidAt: at('09:40') }),
  ]);
  await statement(ctx.store, 'wechat', D, [
    line({ amountFen: 500000, feeFen: 3000, channelTxnId: 'TP1', merchantOrderNo: 'MP1', occurredAt: at('09:00') }),
    line({
      amountFen: 500000,
      feeFen: 3000,
      channelTxnId: 'T-ELSEWHERE',
      merchantOrderNo: 'M-ELSEWHERE',
      occurredAt: at('09:10'),
    }),
    line({ amountFen: 499000, feeFen: 2994, channelTxnId: 'TP3', merchantOrderNo: 'MP3', occurredAt: at('09:20') }),
    line({ amountFen: 500000, feeFen: 3500, channelTxnId: 'TP5', merchantOrderNo: 'MP5', occurredAt: at('09:40') }),
    line({
      amountFen: 30000,
      feeFen: 180,
      channelTxnId: 'T-UNKNOWN',
      merchantOrderNo: 'M-UNKNOWN',
      occurredAt: at('10:00'),
    }),
    line({
      amountFen: -100000,
      feeFen: -600,
      kind: 'refund',
      channelTxnId: 'WXR9',
      refundNo: 'WXR9',
      originalTxnId: 'TP1',
      merchantOrderNo: 'MP1',
      occurredAt: at('11:00'),
    }),
  ]);
  await runDay();
});

afterEach(async () => {
  await closeContext(ctx);
  await rm(dir, { recursive: true, force: true });
});

describe('manual match', () => {
  it('is refused unless the members net to zero; accepted, both sides are resolved and audited', async () => {
    const [long] = (await byType('long')).filter((d) => d.amountFen === 500000);
    const short = (await byType('short')).find((d) => d.members.some((m) => m.key === 'P|P4'));
    const [differs] = await byType('amount_differs');
    const lineKey = long!.members[0]!.key;
    const bad = await refused('recon.match', {
      members: ['P|P4', ...differs!.members.filter((m) => m.side === 'statement').map((m) => m.key)],
      actor: PREPARER,
      ...act,
    });
    expect(bad.code).toBe('conflict');
    expect(bad.message).toMatch(/do not net to zero/);

    expect(short!.members.map((m) => m.key)).toEqual(['P|P4']); // still open: nothing was matched
    // P2's payment went through under other ids: a person matches P2 with the line.
    const [p2] = (await open()).filter((d) => d.members.some((m) => m.key === 'P|P2'));
    const m = await call<MatchView>('recon.match', { members: ['P|P2', lineKey], actor: PREPARER, ...act });
    expect(m).toMatchObject({
      state: 'confirmed',
      shape: '1:1',
      internalFen: 500000,
      statementFen: 500000,
      adjustmentId: null,
    });
    const after = await call<DiscDetail>('recon.discrepancy', { id: p2!.id });
    expect(after).toMatchObject({ state: 'resolved', resolution: 'manual_match' });
    expect((await open()).some((d) => d.members.some((x) => x.key === lineKey || x.key === 'P|P2'))).toBe(false);
    expect(await auditRows('recon.match')).toEqual([
      {
        user_id: PREPARER,
        entity_id: m.id,
        reason: 'checked: checked against the channel portal',
        before: null,
        after: {
          state: 'confirmed',
          members: ['L|wechat|2026-10-01|P|T-ELSEWHERE', 'P|P2'],
          internalFen: 500000,
          statementFen: 500000,
          differenceFen: 0,
          adjustmentId: null,
        },
      },
    ]);
  });

  it('with allowDifference the difference becomes an adjustment that waits for a second user', async () => {
    const [differs] = await byType('amount_differs');
    const members = differs!.members.map((x) => x.key);
    const m = await call<MatchView>('recon.match', { members, allowDifference: true, actor: PREPARER, ...act });
    expect(m.state).toBe('confirmed');
    const [adj] = await call<AdjustmentRow[]>('recon.adjustments', { state: 'proposed' });
    expect(adj).toMatchObject({
      id: m.adjustmentId,
      kind: 'adjustment',
      targetKind: 'match',
      amountFen: -1000,
      maker: PREPARER,
      approver: null,
    });
    // Sign-off waits for the approval.
    expect((await refused('recon.signoff', { channel: 'wechat', date: D, actor: REVIEWER })).message).toMatch(
      /wait for approval/,
    );
  });

  it('is refused for a member that is already matched, and for an actor who is not a local user', async () => {
    expect(
      (await refused('recon.match', { members: ['P|P1', 'L|wechat|2026-10-01|P|TP1'], actor: PREPARER, ...act })).code,
    ).toBe('conflict');
    expect(
      (
        await refused('recon.match', {
          members: ['P|P2', 'L|wechat|2026-10-01|P|T-ELSEWHERE'],
          actor: 'nobody',
          ...act,
        })
      ).code,
    ).toBe('forbidden');
  });
});

describe('unmatch', () => {
  it('breaks the match, returns its members to the pool as open items, keeps the rows, audits', async () => {
    const m = await call<MatchView>('recon.match', {
      members: ['P|P2', 'L|wechat|2026-10-01|P|T-ELSEWHERE'],
      actor: PREPARER,
      ...act,
    });
    const broken = await call<MatchView>('recon.unmatch', { matchId: m.id, actor: PREPARER, ...act });
    expect(broken).toMatchObject({ id: m.id, state: 'broken' });
    const back = (await open()).filter((d) =>
      d.members.some((x) => x.key === 'P|P2' || x.key === 'L|wechat|2026-10-01|P|T-ELSEWHERE'),
    );
    expect(back.map((d) => d.type).sort()).toEqual(['long', 'short']);
    expect(await auditRows('recon.unmatch')).toEqual([
      {
        user_id: PREPARER,
        entity_id: m.id,
        reason: 'checked: checked against the channel portal',
        before: { state: 'confirmed', members: ['L|wechat|2026-10-01|P|T-ELSEWHERE', 'P|P2'] },
        after: { state: 'broken' },
      },
    ]);
    // A re-run leaves it broken: the engine does not pair them again behind the person's back.
    await runDay();
    expect(await call<DiscDetail>('recon.discrepancy', { id: back[0]!.id })).toMatchObject({ state: 'open' });
  });

  it('an automatic pair is unmatched by naming one member; its items become candidates for a manual match', async () => {
    const lineKey = 'L|wechat|2026-10-01|P|TP1';
    const id = matchId(['P|P1', lineKey]);
    expect(
      (await refused('recon.unmatch', { matchId: '0'.repeat(32), itemKey: 'P|P1', actor: PREPARER, ...act })).code,
    ).toBe('not_found');
    const broken = await call<MatchView>('recon.unmatch', { matchId: id, itemKey: 'P|P1', actor: PREPARER, ...act });
    expect(broken).toMatchObject({ id, state: 'broken', pass: 'wechat.txn' });
    const candidates = await call<{ internal: { key: string }[]; statement: { key: string }[] }>('recon.candidates', {
      channel: 'wechat',
      date: D,
    });
    expect(candidates.internal.map((c) => c.key)).toContain('P|P1');
    expect(candidates.statement.map((c) => c.key)).toContain(lineKey);
    expect((await auditRows('recon.unmatch'))[0]).toMatchObject({
      entity_id: id,
      before: { state: 'auto' },
      after: { state: 'broken' },
    });
  });
});

describe('four eyes', () => {
  it('an adjustment resolves only once another local user approves; the maker cannot', async () => {
    const [differs] = await byType('amount_differs');
    const adj = await call<AdjustmentRow>('recon.adjust.propose', {
      discrepancyId: differs!.id,
      actor: PREPARER,
      ...act,
    });
    expect(adj).toMatchObject({ state: 'proposed', amountFen: -1000, maker: PREPARER });
    // Proposed is not done: the discrepancy is still open.
    expect(await call<DiscDetail>('recon.discrepancy', { id: differs!.id })).toMatchObject({
      state: 'open',
      adjustmentId: adj.id,
    });
    const self = await refused('recon.adjust.approve', { adjustmentId: adj.id, actor: PREPARER });
    expect(self.code).toBe('forbidden');
    expect(self.message).toMatch(/four eyes/);
    expect((await refused('recon.adjust.approve', { adjustmentId: adj.id, actor: 'mallory' })).code).toBe('forbidden');
    // The contract refuses an approver field the service does not know (no way to smuggle a second identity).
    expect(
      (await refused('recon.adjust.approve', { adjustmentId: adj.id, actor: REVIEWER, approver: PREPARER })).code,
    ).toBe('invalid_input');
    expect(await call<DiscDetail>('recon.discrepancy', { id: differs!.id })).toMatchObject({ state: 'open' });

    const approved = await call<AdjustmentRow>('recon.adjust.approve', {
      adjustmentId: adj.id,
      actor: REVIEWER,
      comment: 'agreed with the bill',
    });
    expect(approved).toMatchObject({ state: 'approved', approver: REVIEWER, maker: PREPARER });
    expect(await call<DiscDetail>('recon.discrepancy', { id: differs!.id })).toMatchObject({
      state: 'resolved',
      resolution: 'adjustment',
    });
    expect((await refused('recon.adjust.approve', { adjustmentId: adj.id, actor: REVIEWER })).code).toBe('conflict');

    const [proposed] = await auditRows('recon.adjustment.propose');
    expect(proposed).toMatchObject({
      user_id: PREPARER,
      entity_id: String(adj.id),
      before: { discrepancy: differs!.id, state: 'open' },
      after: { state: 'proposed', amountFen: -1000 },
    });
    expect(await auditRows('recon.adjustment.approve')).toEqual([
      {
        user_id: REVIEWER,
        entity_id: String(adj.id),
        reason: 'agreed with the bill',
        before: { state: 'proposed', maker: PREPARER },
        after: { state: 'approved', approver: REVIEWER },
      },
    ]);
    // The approved adjustment survives a re-run.
    await runDay();
    expect(await call<DiscDetail>('recon.discrepancy', { id: differs!.id })).toMatchObject({
      state: 'resolved',
      resolution: 'adjustment',
      adjustmentId: adj.id,
    });
  });

  it('a rejected adjustment leaves the discrepancy open; an amount other than the discrepancy is refused', async () => {
    const [fee] = await byType('fee_differs');
    expect(
      (await refused('recon.adjust.propose', { discrepancyId: fee!.id, amountFen: 1, actor: PREPARER, ...act })).code,
    ).toBe('invalid_input');
    const adj = await call<AdjustmentRow>('recon.adjust.propose', { discrepancyId: fee!.id, actor: PREPARER, ...act });
    expect(
      (await refused('recon.adjust.reject', { adjustmentId: adj.id, actor: PREPARER, comment: 'my own' })).code,
    ).toBe('forbidden');
    const rejected = await call<AdjustmentRow>('recon.adjust.reject', {
      adjustmentId: adj.id,
      actor: REVIEWER,
      comment: 'ask the channel first',
    });
    expect(rejected).toMatchObject({ state: 'rejected', approver: REVIEWER });
    expect(await call<DiscDetail>('recon.discrepancy', { id: fee!.id })).toMatchObject({
      state: 'open',
      adjustmentId: null,
    });
    expect(await auditRows('recon.adjustment.reject')).toHaveLength(1);
  });

  it("a write-off takes effect only on a second user's approval", async () => {
    const [unknown] = (await byType('long')).filter((d) => d.amountFen === 30000);
    const w = await call<AdjustmentRow>('recon.writeoff', { discrepancyId: unknown!.id, actor: PREPARER, ...act });
    expect(w).toMatchObject({ kind: 'writeoff', state: 'proposed', amountFen: 30000 });
    expect((await refused('recon.writeoff.approve', { adjustmentId: w.id, actor: PREPARER })).code).toBe('forbidden');
    // An adjustment approval cannot approve a write-off.
    expect((await refused('recon.adjust.approve', { adjustmentId: w.id, actor: REVIEWER })).code).toBe('invalid_input');
    expect(await call<DiscDetail>('recon.discrepancy', { id: unknown!.id })).toMatchObject({ state: 'open' });
    await call<AdjustmentRow>('recon.writeoff.approve', { adjustmentId: w.id, actor: REVIEWER });
    expect(await call<DiscDetail>('recon.discrepancy', { id: unknown!.id })).toMatchObject({
      state: 'resolved',
      resolution: 'writeoff',
    });
    expect((await auditRows('recon.writeoff.approve'))[0]).toMatchObject({
      user_id: REVIEWER,
      before: { state: 'proposed' },
      after: { state: 'approved' },
    });
  });
});

describe('carry forward and refund requests', () => {
  it('carries an item to a day within the cap, kept across re-runs; audited', async () => {
    const [short] = await byType('short');
    expect(
      (await refused('recon.carry', { discrepancyId: short!.id, until: '2026-12-31', actor: PREPARER, ...act })).code,
    ).toBe('invalid_input');
    expect((await refused('recon.carry', { discrepancyId: short!.id, until: D, actor: PREPARER, ...act })).code).toBe(
      'invalid_input',
    );
    const carried = await call<DiscDetail>('recon.carry', {
      discrepancyId: short!.id,
      until: '2026-10-08',
      actor: PREPARER,
      ...act,
    });
    expect(carried).toMatchObject({ state: 'carried', carryUntil: '2026-10-08' });
    expect(await auditRows('recon.carry')).toEqual([
      {
        user_id: PREPARER,
        entity_id: short!.id,
        reason: 'checked: checked against the channel portal',
        before: { state: 'open', carryUntil: null },
        after: { state: 'carried', carryUntil: '2026-10-08' },
      },
    ]);
    await runDay();
    expect(await call<DiscDetail>('recon.discrepancy', { id: short!.id })).toMatchObject({
      state: 'carried',
      carryUntil: '2026-10-08',
    });
    // A fee difference is not carried: it is booked.
    const [fee] = await byType('fee_differs');
    expect(
      (await refused('recon.carry', { discrepancyId: fee!.id, until: '2026-10-03', actor: PREPARER, ...act })).code,
    ).toBe('invalid_input');
  });

  it('a refund request opens a task; the item stays open and linked, once', async () => {
    const [status] = await byType('status_differs');
    const r = await call<{ taskId: number; discrepancy: DiscDetail }>('recon.refundRequest', {
      discrepancyId: status!.id,
      actor: PREPARER,
      ...act,
    });
    expect(r.discrepancy).toMatchObject({ state: 'open', taskId: r.taskId });
    const task = await ctx.store.read.get<{ kind: string; state: string; amount_fen: number; requested_by: string }>(
      'SELECT kind, state, amount_fen, requested_by FROM recon_task WHERE id = ?',
      [r.taskId],
    );
    expect(task).toEqual({ kind: 'refund_request', state: 'open', amount_fen: -100000, requested_by: PREPARER });
    expect((await refused('recon.refundRequest', { discrepancyId: status!.id, actor: PREPARER, ...act })).code).toBe(
      'conflict',
    );
    expect(await auditRows('recon.refundRequest')).toEqual([
      {
        user_id: PREPARER,
        entity_id: String(r.taskId),
        reason: 'checked: checked against the channel portal',
        before: { discrepancy: status!.id, taskId: null },
        after: { discrepancy: status!.id, taskId: r.taskId, amountFen: -100000 },
      },
    ]);
    await runDay();
    expect(await call<DiscDetail>('recon.discrepancy', { id: status!.id })).toMatchObject({
      state: 'open',
      taskId: r.taskId,
    });
  });
});

describe('sign-off', () => {
  it('is refused while the proof fails, given when it holds; a signed-off day refuses runs until reopened', async () => {
    // A payment synced after the run is in no bucket: the proof fails until the day runs again.
    await seed(ctx.store, [payment('P6', 'O6', 'B6', { paidAt: at('12:00') })]);
    const failed = await refused('recon.signoff', { channel: 'wechat', date: D, actor: REVIEWER });
    expect(failed.code).toBe('conflict');
    expect(failed.message).toMatch(/proof .* fails/);
    expect(await auditRows('recon.signoff')).toEqual([]);

    await runDay();
    const proof = await call<ProofFigures>('recon.signoff', { channel: 'wechat', date: D, actor: REVIEWER });
    expect(proof).toMatchObject({ ok: true, unaccountedInternal: 0, unaccountedStatement: 0 });
    expect((await auditRows('recon.signoff'))[0]).toMatchObject({
      user_id: REVIEWER,
      entity_id: `wechat|${D}`,
      before: { status: 'open' },
      after: { status: 'reconciled' },
    });

    const job = await call<JobState>('recon.run', { date: D, channels: ['wechat'], actor: PREPARER });
    await ctx.jobs.wait(job.id).catch(() => undefined);
    expect(ctx.jobs.get(job.id)!).toMatchObject({ status: 'failed' });
    expect((await refused('recon.signoff', { channel: 'wechat', date: D, actor: REVIEWER })).code).toBe('conflict');

    await call('recon.reopen', { channel: 'wechat', date: D, actor: REVIEWER, ...act });
    expect(await auditRows('recon.reopen')).toHaveLength(1);
    expect((await runDay())[0]!.proof.ok).toBe(true);
  });
});
