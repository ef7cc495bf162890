import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Handlers } from './index';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { CHANNELS } from '../../domain/channels';
import { LABELS, type Language } from '../../domain/labels';
import { APP_VERSION } from '../../domain/version';
import { channelTotals, orderPicture, pageOrders, pagePayments, storeTotals } from '../../store/orders';
import { lastSyncRun } from '../../store/sync-state';
import { addUser, getSetting, listUsers, putSetting } from '../../store/settings';
import { audit, pageAudit } from '../../store/audit';
import { runSync } from '../../central/sync';
import { runInWorker } from '../../jobs/worker-pool';
import { GridRequestError } from '../../store/grid';
import type { AppInfo, SettingsView } from '../ops/foundation';

export const SETTING_CENTRAL_URL = 'central.url';
export const SETTING_LANGUAGE = 'language';
export const SECRET_CENTRAL_TOKEN = 'central.token';
export const SETTING_COMPANY_NAME = 'company.name';
export const SETTING_COMPANY_DEMO = 'company.demo';

async function language(ctx: AppContext): Promise<Language> {
  return (await getSetting(ctx.store.read, SETTING_LANGUAGE)) === 'en' ? 'en' : 'zh';
}

async function company(ctx: AppContext): Promise<AppInfo['company']> {
  const name = await getSetting(ctx.store.read, SETTING_COMPANY_NAME);
  return name ? { name, demo: (await getSetting(ctx.store.read, SETTING_COMPANY_DEMO)) === '1' } : null;
}

async function settingsView(ctx: AppContext): Promise<SettingsView> {
  return {
    centralUrl: (await getSetting(ctx.store.read, SETTING_CENTRAL_URL)) ?? '',
    hasToken: (await ctx.secrets.get(SECRET_CENTRAL_TOKEN)) !== null,
    tokenStorage: ctx.secrets.kind,
    dbFile: ctx.dbFile,
    language: await language(ctx),
    users: await listUsers(ctx.store.read),
  };
}

async function requireUser(ctx: AppContext, userId: string): Promise<void> {
  const users = await listUsers(ctx.store.read);
  if (!users.some((u) => u.userId === userId)) {
    throw new AppError('forbidden', `"${userId}" is not a local user of this workstation`);
  }
}

/** Grid queries reject unknown columns and filters; that is the caller's mistake, not ours. */
async function gridQuery<T>(q: () => Promise<T>): Promise<T> {
  try {
    return await q();
  } catch (e) {
    if (e instanceof GridRequestError) throw new AppError('invalid_input', e.message);
    throw e;
  }
}

export const foundationHandlers: Pick<
  Handlers,
  | 'app.info' | 'overview.get' | 'sync.start' | 'jobs.get' | 'jobs.list' | 'jobs.cancel' | 'orders.page'
  | 'orders.get' | 'payments.page' | 'export.grid' | 'settings.get' | 'settings.update' | 'users.add' | 'audit.page'
> = {
  'app.info': async (_input, ctx) => ({
    version: APP_VERSION,
    mode: ctx.mode,
    dbFile: ctx.dbFile,
    dataDir: ctx.dataDir,
    company: await company(ctx),
    language: await language(ctx),
    labels: LABELS,
    channels: CHANNELS.map((c) => ({ ...c })),
  }),

  'overview.get': async ({ from, to }, ctx) => ({
    lastSync: await lastSyncRun(ctx.store.read),
    totals: await storeTotals(ctx.store.read),
    channels: await channelTotals(ctx.store.read, from, to),
    runningSync: ctx.jobs.list().find((j) => j.kind === 'sync' && j.status === 'running') ?? null,
  }),

  'sync.start': async (_input, ctx) => {
    const running = ctx.jobs.list().find((j) => j.kind === 'sync' && j.status === 'running');
    if (running) return running;
    const url = await getSetting(ctx.store.read, SETTING_CENTRAL_URL);
    const token = await ctx.secrets.get(SECRET_CENTRAL_TOKEN);
    if (!url || !token) {
      throw new AppError('invalid_input', 'Set the central platform URL and token in Settings before syncing.');
    }
    return ctx.jobs.start('sync', async (job) => {
      const result = await runSync(ctx.store, { url, token }, job, () => ctx.emit({ type: 'data-changed', scope: 'orders' }));
      return result;
    });
  },

  'jobs.get': async ({ jobId }, ctx) => ctx.jobs.get(jobId),
  'jobs.list': async (_input, ctx) => ctx.jobs.list(),
  'jobs.cancel': async ({ jobId }, ctx) => ({ cancelled: ctx.jobs.cancel(jobId) }),

  'orders.page': (req, ctx) => gridQuery(() => pageOrders(ctx.store, req)),
  'orders.get': async ({ orderNo }, ctx) => orderPicture(ctx.store.read, orderNo),
  'payments.page': (req, ctx) => gridQuery(() => pagePayments(ctx.store, req)),

  'export.grid': async ({ grid, sortModel, filterModel, language: lang }, ctx) => {
    const dir = join(ctx.dataDir, 'exports');
    await mkdir(dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
    const fileName = `${grid}-${stamp}.xlsx`;
    const outFile = join(dir, fileName);
    return ctx.jobs.start('export', async (job) => {
      try {
        const out = await runInWorker(
          'exportGrid',
          { dbFile: ctx.dbFile, grid, request: { sortModel, filterModel }, language: lang, outFile },
          { signal: job.signal, onProgress: (p) => job.progress(p.phase, p.done, p.total) },
        );
        return { file: out.file, fileName, rows: out.rows };
      } catch (e) {
        await rm(outFile, { force: true }); // a cancelled or failed export leaves no half-written file
        throw e;
      }
    });
  },

  'settings.get': async (_input, ctx) => settingsView(ctx),

  'settings.update': async ({ centralUrl, token, language: lang, actor }, ctx) => {
    await requireUser(ctx, actor);
    const before = await settingsView(ctx);
    if (token !== undefined) await ctx.secrets.set(SECRET_CENTRAL_TOKEN, token);
    await ctx.store.write(async (tx) => {
      if (centralUrl !== undefined) await putSetting(tx, SETTING_CENTRAL_URL, centralUrl);
      if (lang !== undefined) await putSetting(tx, SETTING_LANGUAGE, lang);
      await audit(tx, {
        userId: actor,
        action: 'settings.update',
        entity: 'settings',
        entityId: 'app',
        before: { centralUrl: before.centralUrl, language: before.language, hasToken: before.hasToken },
        // The token itself is never written to the audit log; only the fact that it changed.
        after: {
          centralUrl: centralUrl ?? before.centralUrl,
          language: lang ?? before.language,
          tokenChanged: token !== undefined,
        },
      });
    });
    ctx.emit({ type: 'data-changed', scope: 'settings' });
    return settingsView(ctx);
  },

  'users.add': async ({ userId, displayName, actor }, ctx) => {
    const users = await listUsers(ctx.store.read);
    // The very first user bootstraps the workstation; after that only an existing user adds others.
    if (users.length > 0) await requireUser(ctx, actor);
    if (users.some((u) => u.userId === userId)) throw new AppError('conflict', `user "${userId}" already exists`);
    await ctx.store.write(async (tx) => {
      await addUser(tx, { userId, displayName });
      await audit(tx, { userId: actor, action: 'users.add', entity: 'app_user', entityId: userId, after: { userId, displayName } });
    });
    return listUsers(ctx.store.read);
  },

  'audit.page': (req, ctx) => gridQuery(() => pageAudit(ctx.store, req)),
};
