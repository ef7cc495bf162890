// Signing a period off and locking it (four eyes): the preparer signs a complete checklist, a
// different local user reviews and signs it again, then the period is locked. Reopening needs a
// reason. Each act re-checks the checklist inside its own write and is an audit row.
import type { Store } from '../store';
import type { WriteTx } from '../store/db';
import { audit } from '../store/audit';
import { listUsers } from '../store/settings';
import { discrepancyDay, insertExplanation, periodRow, savePeriod, type PeriodRow } from '../store/periods';
import { AppError } from '../api/errors';
import { periodView, type PeriodView } from './checklist';
import { assertDaysOpen, periodOf } from './locks';

async function requireUser(tx: WriteTx, userId: string): Promise<void> {
  if (!(await listUsers(tx)).some((u) => u.userId === userId)) {
    throw new AppError('forbidden', `"${userId}" is not a local user of this workstation`);
  }
}

function refuseIncomplete(view: PeriodView, act: string): void {
  const bad = view.checklist.filter((c) => !c.ok);
  if (bad.length === 0) return;
  const list = bad.map((c) => `${c.key}: ${c.failing} of ${c.total}${c.examples.length ? ` (${c.examples.slice(0, 3).join(', ')}…)` : ''}`).join('; ');
  throw new AppError('conflict', `${view.period} cannot be ${act}: the checklist is not complete — ${list}`, {
    failing: bad.map((c) => c.key),
  });
}

const summary = (v: PeriodView) => ({
  checklist: v.checklist.map((c) => ({ key: c.key, ok: c.ok, total: c.total, failing: c.failing })),
  openItems: v.openItems.length,
  openFen: v.openItems.reduce((a, i) => a + Math.abs(i.amountFen), 0),
});

export type SignRole = 'preparer' | 'reviewer';

/** The preparer signs an open period, then a different user signs it as reviewer. */
export async function signOffPeriod(store: Store, input: { period: string; role: SignRole; actor: string }): Promise<PeriodView> {
  await store.write(async (tx) => {
    await requireUser(tx, input.actor);
    const view = await periodView(tx, input.period);
    const now = new Date().toISOString();
    let next: PeriodRow;
    if (input.role === 'preparer') {
      if (view.status !== 'open') throw new AppError('conflict', `${input.period} is already ${view.status}${view.preparedBy ? ` (prepared by ${view.preparedBy})` : ''}`);
      refuseIncomplete(view, 'signed off');
      next = { ...view, status: 'prepared', preparedBy: input.actor, preparedAt: now };
    } else {
      if (view.status !== 'prepared') {
        throw new AppError('conflict', view.status === 'open' ? `${input.period} has no preparer's sign-off yet` : `${input.period} is already ${view.status}`);
      }
      if (view.preparedBy === input.actor) {
        throw new AppError('forbidden', `four eyes: ${input.actor} prepared ${input.period} and cannot also review it`);
      }
      refuseIncomplete(view, 'reviewed');
      next = { ...view, status: 'reviewed', reviewedBy: input.actor, reviewedAt: now };
    }
    await savePeriod(tx, next, summary(view));
    await audit(tx, {
      userId: input.actor, action: `close.signoff.${input.role}`, entity: 'close_period', entityId: input.period,
      before: { status: view.status }, after: { status: next.status, ...summary(view) },
    });
  });
  return periodView(store.read, input.period);
}

/** Lock a reviewed period: from now on every service refuses changes dated in it. */
export async function lockPeriod(store: Store, input: { period: string; actor: string }): Promise<PeriodView> {
  await store.write(async (tx) => {
    await requireUser(tx, input.actor);
    const view = await periodView(tx, input.period);
    if (view.status !== 'reviewed') {
      throw new AppError('conflict', view.status === 'locked' ? `${input.period} is already locked` : `${input.period} needs the preparer's and the reviewer's sign-off before it is locked (it is ${view.status})`);
    }
    refuseIncomplete(view, 'locked');
    await savePeriod(tx, { ...view, status: 'locked', lockedBy: input.actor, lockedAt: new Date().toISOString() }, summary(view));
    await audit(tx, {
      userId: input.actor, action: 'close.lock', entity: 'close_period', entityId: input.period,
      before: { status: view.status, preparedBy: view.preparedBy, reviewedBy: view.reviewedBy }, after: { status: 'locked', ...summary(view) },
    });
  });
  return periodView(store.read, input.period);
}

/** Reopen a signed or locked period with a reason: the signatures are withdrawn and must be given again. */
export async function reopenPeriod(store: Store, input: { period: string; actor: string; reason: string }): Promise<PeriodView> {
  const reason = input.reason.trim();
  if (reason.length < 2) throw new AppError('invalid_input', 'reopening a period needs a reason');
  await store.write(async (tx) => {
    await requireUser(tx, input.actor);
    const row = await periodRow(tx, input.period);
    if (row.status === 'open') throw new AppError('conflict', `${input.period} is open: there is nothing to reopen`);
    const now = new Date().toISOString();
    await savePeriod(tx, {
      ...row, status: 'open', preparedBy: null, preparedAt: null, reviewedBy: null, reviewedAt: null, lockedBy: null, lockedAt: null,
      reopenedBy: input.actor, reopenedAt: now, reopenReason: reason,
    }, null);
    await audit(tx, {
      userId: input.actor, action: 'close.reopen', entity: 'close_period', entityId: input.period,
      before: { status: row.status, preparedBy: row.preparedBy, reviewedBy: row.reviewedBy, lockedBy: row.lockedBy }, after: { status: 'open' },
      reason,
    });
  });
  return periodView(store.read, input.period);
}

/** Explain why an item is still open at month end (the checklist needs every open item explained). */
export async function explainItem(store: Store, input: { discrepancyId: string; text: string; actor: string }): Promise<{ id: number }> {
  const text = input.text.trim();
  if (text.length < 2) throw new AppError('invalid_input', 'write an explanation');
  return store.write(async (tx) => {
    await requireUser(tx, input.actor);
    const d = await discrepancyDay(tx, input.discrepancyId);
    if (!d) throw new AppError('not_found', `no discrepancy ${input.discrepancyId}`);
    if (d.state === 'resolved') throw new AppError('conflict', `discrepancy ${input.discrepancyId} is resolved: it is not an open item`);
    await assertDaysOpen(tx, [d.businessDate], `explaining discrepancy ${input.discrepancyId}`);
    const id = await insertExplanation(tx, { discrepancyId: input.discrepancyId, period: periodOf(d.businessDate), text, actor: input.actor });
    await audit(tx, {
      userId: input.actor, action: 'close.explain', entity: 'close_explanation', entityId: input.discrepancyId,
      after: { explanationId: id, text }, reason: text,
    });
    return { id };
  });
}
