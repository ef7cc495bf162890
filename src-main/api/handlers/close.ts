// Month-end close: the checklist, sign-offs, lock and reopen (services in close/), the close pack job.
// The services throw AppErrors (a locked period is code 'locked'), so nothing needs mapping here.
import { join } from 'node:path';
import type { Handlers } from './index';
import { listPeriods } from '../../store/periods';
import { periodView } from '../../close/checklist';
import { explainItem, lockPeriod, reopenPeriod, signOffPeriod } from '../../close/signoff';
import { writeClosePack } from '../../close/pack';
import type { AppContext } from '../context';

function changed<T>(ctx: AppContext, out: T): T {
  ctx.emit({ type: 'data-changed', scope: 'close' });
  return out;
}

export const closeHandlers: Pick<
  Handlers,
  'close.periods' | 'close.period' | 'close.signoff' | 'close.lock' | 'close.reopen' | 'close.explain' | 'close.pack'
> = {
  'close.periods': async (_input, ctx) => listPeriods(ctx.store.read),
  'close.period': async ({ period }, ctx) => periodView(ctx.store.read, period),
  'close.signoff': async (input, ctx) => changed(ctx, await signOffPeriod(ctx.store, input)),
  'close.lock': async (input, ctx) => changed(ctx, await lockPeriod(ctx.store, input)),
  'close.reopen': async (input, ctx) => changed(ctx, await reopenPeriod(ctx.store, input)),
  'close.explain': async (input, ctx) => changed(ctx, await explainItem(ctx.store, input)),
  'close.pack': async ({ period, language }, ctx) =>
    ctx.jobs.start('close.pack', async (job) => {
      job.progress('pack', 0, 1);
      const fileName = `OTD_close_${period}.xlsx`;
      const pack = await writeClosePack(ctx.store.read, period, join(ctx.dataDir, 'exports', 'close', fileName), language);
      job.progress('pack', 1, 1);
      return { file: pack.file, fileName, sheets: pack.sheets, openItems: pack.view.openItems.length, ready: pack.view.ready };
    }),
};
