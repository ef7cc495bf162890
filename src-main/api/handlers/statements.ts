import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Handlers } from './index';
import { AppError } from '../errors';
import { calendar, fileById, filesForDay, listFiles, pageStatementLines } from '../../store/statements';
import { confirmReplacement, importFiles, unbundleZip } from '../../statements/import';
import { printedLines } from '../../statements/printed';
import { GridRequestError } from '../../store/grid';
import { listUsers } from '../../store/settings';

/** resources/ beside the sources (dev, web mode) or the bundle (packaged app). */
export function resourcesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.includes(`${'out'}/main`) ? resolve(here, '..', '..', 'resources') : resolve(here, '..', '..', '..', 'resources');
}

export const statementHandlers: Pick<
  Handlers,
  'statements.import' | 'statements.calendar' | 'statements.files' | 'statements.lines.page' | 'statements.lines.printed' | 'statements.confirmReplace' | 'statements.cashTemplate'
> = {
  'statements.import': async ({ files, channel, date, acceptMismatch, replace, dryRun, actor }, ctx) => {
    if (!(await listUsers(ctx.store.read)).some((u) => u.userId === actor)) {
      throw new AppError('forbidden', `"${actor}" is not a local user of this workstation`);
    }
    return ctx.jobs.start(dryRun ? 'statements.preview' : 'statements.import', async (job) => {
      const inputs = [];
      for (const f of files) {
        const one = { fileName: f.name, bytes: Buffer.from(f.contentBase64, 'base64') };
        inputs.push(...((await unbundleZip(one).catch(() => null)) ?? [one]));
      }
      job.progress('import', 0, inputs.length);
      const reports = [];
      for (const [i, input] of inputs.entries()) {
        reports.push(
          ...(await importFiles(ctx.store, [input], {
            actor, channel, date, acceptMismatch, replace, dryRun, signal: job.signal,
            onLines: (n) => job.progress(`${input.fileName}: ${n}`, i, inputs.length),
          })),
        );
        job.progress('import', i + 1, inputs.length);
      }
      if (!dryRun) ctx.emit({ type: 'data-changed', scope: 'statements' });
      return reports;
    });
  },
  'statements.calendar': async ({ from, to }, ctx) => calendar(ctx.store.read, from, to),
  'statements.files': async ({ date }, ctx) => listFiles(ctx.store.read, date),
  'statements.lines.page': async (req, ctx) => {
    try {
      return await pageStatementLines(ctx.store, req);
    } catch (e) {
      if (e instanceof GridRequestError) throw new AppError('invalid_input', e.message);
      throw e;
    }
  },
  'statements.lines.printed': async ({ lineIds }, ctx) => printedLines(ctx.store.read, lineIds),
  'statements.confirmReplace': async ({ fileId, actor, reason }, ctx) => {
    if (!(await listUsers(ctx.store.read)).some((u) => u.userId === actor)) {
      throw new AppError('forbidden', `"${actor}" is not a local user of this workstation`);
    }
    const file = await fileById(ctx.store.read, fileId);
    if (!file) throw new AppError('not_found', `no statement file ${fileId}`);
    if (file.status !== 'pending') throw new AppError('conflict', `statement file ${fileId} is ${file.status}, not waiting for confirmation`);
    await confirmReplacement(ctx.store, fileId, actor, reason);
    ctx.emit({ type: 'data-changed', scope: 'statements' });
    return filesForDay(ctx.store.read, file.channel, file.businessDate, file.merchantId);
  },
  'statements.cashTemplate': async ({ format }, ctx) => {
    const fileName = `cash-register-template.${format}`;
    const src = join(resourcesDir(), 'templates', fileName);
    const dir = join(ctx.dataDir, 'exports');
    await mkdir(dir, { recursive: true });
    return ctx.jobs.start('template', async () => {
      const file = join(dir, fileName);
      await copyFile(src, file);
      return { file, fileName, rows: 0 };
    });
  },
};
