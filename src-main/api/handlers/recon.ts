import type { Handlers } from './index';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { GridRequestError } from '../../store/grid';
import { listUsers } from '../../store/settings';
import { candidates, discById, listAdjustments, pageDiscrepancies, workbench } from '../../store/recon';
import { loadRules } from '../../recon/config';
import { DayLockedError, reconcile } from '../../recon/engine';
import * as res from '../../recon/resolutions';

async function requireUser(ctx: AppContext, userId: string): Promise<void> {
  if (!(await listUsers(ctx.store.read)).some((u) => u.userId === userId)) {
    throw new AppError('forbidden', `"${userId}" is not a local user of this workstation`);
  }
}

/** Run a decision: the service's refusals become wire errors; every success refreshes the recon screens. */
async function decision<T>(ctx: AppContext, fn: () => Promise<T>): Promise<T> {
  try {
    const out = await fn();
    ctx.emit({ type: 'data-changed', scope: 'recon' });
    return out;
  } catch (e) {
    if (e instanceof res.ReconError) throw new AppError(e.code, e.message);
    if (e instanceof DayLockedError) throw new AppError('locked', e.message);
    throw e;
  }
}

export const reconHandlers: Pick<
  Handlers,
  | 'recon.run' | 'recon.workbench' | 'discrepancies.page' | 'recon.discrepancy' | 'recon.candidates' | 'recon.match' | 'recon.unmatch'
  | 'recon.adjust.propose' | 'recon.adjust.approve' | 'recon.adjust.reject' | 'recon.writeoff' | 'recon.writeoff.approve'
  | 'recon.writeoff.reject' | 'recon.carry' | 'recon.refundRequest' | 'recon.signoff' | 'recon.reopen' | 'recon.adjustments'
> = {
  'recon.run': async ({ date, to, channels, actor }, ctx) => {
    await requireUser(ctx, actor);
    return ctx.jobs.start('recon', async (job) => {
      const out = await reconcile(ctx.store, { from: date, to, channels }, {
        actor, signal: job.signal, onProgress: (phase, done, total) => job.progress(phase, done, total),
      }).catch((e: unknown) => {
        if (e instanceof DayLockedError) throw new AppError('locked', e.message);
        throw e;
      });
      ctx.emit({ type: 'data-changed', scope: 'recon' });
      return out;
    });
  },
  'recon.workbench': async ({ from, to }, ctx) => workbench(ctx.store.read, from, to),
  'discrepancies.page': async (req, ctx) => {
    try {
      return await pageDiscrepancies(ctx.store, req);
    } catch (e) {
      if (e instanceof GridRequestError) throw new AppError('invalid_input', e.message);
      throw e;
    }
  },
  'recon.discrepancy': async ({ id }, ctx) => discById(ctx.store.read, id),
  'recon.candidates': async ({ channel, date }, ctx) => {
    const w = (await loadRules(ctx.store.read))[channel].dateWindow;
    return candidates(ctx.store.read, channel, date, w.before, w.after);
  },
  'recon.match': (input, ctx) => decision(ctx, () => res.manualMatch(ctx.store, input)),
  'recon.unmatch': (input, ctx) => decision(ctx, () => res.unmatch(ctx.store, input)),
  'recon.adjust.propose': (input, ctx) => decision(ctx, () => res.propose(ctx.store, 'adjustment', input)),
  'recon.adjust.approve': (input, ctx) => decision(ctx, () => res.decide(ctx.store, 'adjustment', 'approved', input)),
  'recon.adjust.reject': (input, ctx) => decision(ctx, () => res.decide(ctx.store, 'adjustment', 'rejected', input)),
  'recon.writeoff': (input, ctx) => decision(ctx, () => res.propose(ctx.store, 'writeoff', input)),
  'recon.writeoff.approve': (input, ctx) => decision(ctx, () => res.decide(ctx.store, 'writeoff', 'approved', input)),
  'recon.writeoff.reject': (input, ctx) => decision(ctx, () => res.decide(ctx.store, 'writeoff', 'rejected', input)),
  'recon.carry': (input, ctx) => decision(ctx, () => res.carry(ctx.store, input)),
  'recon.refundRequest': (input, ctx) => decision(ctx, () => res.requestRefund(ctx.store, input)),
  'recon.signoff': (input, ctx) => decision(ctx, () => res.signOff(ctx.store, input)),
  'recon.reopen': (input, ctx) => decision(ctx, async () => {
    await res.reopen(ctx.store, input);
    return { reopened: true as const };
  }),
  'recon.adjustments': async ({ state, limit }, ctx) => listAdjustments(ctx.store.read, state ?? null, limit),
};
