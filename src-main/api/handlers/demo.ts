// DEMO COMPANY ONLY: import the sandbox's statement files of chosen days (see api/ops/demo.ts).
// The files go through importFiles like any file a user picks; nothing here writes lines itself.
import type { Handlers } from './index';
import type { AppContext } from '../context';
import type { DemoStatementsResult } from '../ops/demo';
import { AppError } from '../errors';
import { getSetting, listUsers } from '../../store/settings';
import { importFiles } from '../../statements/import';
import { renderSandboxStatements, statementBook } from '../../sandbox/statements';
import { addDays } from '../../domain/dates';
import { SETTING_COMPANY_DEMO } from './foundation';

/** The sandbox configuration of the demo company ({ seed, orders }), written by openDemoCompany. */
export const SETTING_DEMO_SANDBOX = 'demo.sandbox';

async function sandboxConfig(ctx: AppContext): Promise<{ seed: number | string; orders: number }> {
  const demo = (await getSetting(ctx.store.read, SETTING_COMPANY_DEMO)) === '1';
  const cfg = await getSetting(ctx.store.read, SETTING_DEMO_SANDBOX);
  if (!demo || !cfg) throw new AppError('forbidden', 'sandbox statements exist for the demo company only');
  return JSON.parse(cfg) as { seed: number | string; orders: number };
}

export const demoHandlers: Pick<Handlers, 'demo.statements.import'> = {
  'demo.statements.import': async ({ from, to, actor }, ctx) => {
    if (!(await listUsers(ctx.store.read)).some((u) => u.userId === actor)) {
      throw new AppError('forbidden', `"${actor}" is not a local user of this workstation`);
    }
    const book = statementBook(await sandboxConfig(ctx));
    if (!book.inRange(from) || !book.inRange(to)) {
      throw new AppError('invalid_input', `the demo data covers ${book.firstDay} to ${book.lastDay}: choose days within it`);
    }
    return ctx.jobs.start('demo.statements', async (job) => {
      const days: string[] = [];
      for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
      const out: DemoStatementsResult = { days: days.length, files: 0, imported: 0, duplicate: 0, pending: 0, rejected: 0 };
      job.progress('import', 0, days.length);
      for (const [i, day] of days.entries()) {
        const { files } = renderSandboxStatements(day, book);
        const reports = [];
        // Channel and day as a user would pick them (an empty cash register names no day itself).
        for (const f of files) {
          reports.push(...(await importFiles(ctx.store, [{ fileName: f.fileName, bytes: f.bytes }], {
            actor, channel: f.channel, date: f.date, signal: job.signal,
          })));
        }
        for (const r of reports) {
          out.files++;
          if (r.status === 'imported' && r.state === 'pending') out.pending++;
          else if (r.status === 'imported') out.imported++;
          else if (r.status === 'duplicate') out.duplicate++;
          else out.rejected++;
        }
        job.progress('import', i + 1, days.length);
        ctx.emit({ type: 'data-changed', scope: 'statements' });
      }
      return out;
    });
  },
};
