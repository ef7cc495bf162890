import type { Handlers } from './index';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { listUsers } from '../../store/settings';
import { audit } from '../../store/audit';
import { daysWithActiveStatement, recentDownloadAttempts } from '../../store/downloads';
import {
  DOWNLOAD_CHANNELS,
  DownloadError,
  keyFingerprint,
  privateKeyFrom,
  publicKeyFrom,
  type DownloadChannel,
} from '../../statements/download/common';
import {
  ID_FIELDS,
  channelView,
  readConfig,
  secretKey,
  writeConfig,
  type ChannelDownloadView,
  type CredentialsOf,
} from '../../statements/download/credentials';
import { downloadAndImport } from '../../statements/download/service';
import {
  DownloadScheduler,
  shiftedClock,
  type SchedulerClock,
  type SchedulerOptions,
} from '../../statements/scheduler';
import type { SandboxHandle } from '../../sandbox';
import type { DownloadSettingsView } from '../ops/downloads';

const MANUAL = [
  {
    channel: 'alipay',
    reason:
      'finance downloads the statement zip from the Alipay merchant portal and imports it: the same file feeds settlement review, and the API link is valid for 30 s only (docs/statement-downloads.md)',
  },
];

async function requireUser(ctx: AppContext, userId: string): Promise<void> {
  if (!(await listUsers(ctx.store.read)).some((u) => u.userId === userId)) {
    throw new AppError('forbidden', `"${userId}" is not a local user of this workstation`);
  }
}

async function settingsView(ctx: AppContext): Promise<DownloadSettingsView> {
  const channels: ChannelDownloadView[] = [];
  for (const c of DOWNLOAD_CHANNELS) channels.push(await channelView(ctx.store.read, ctx.secrets, c));
  return { channels, manual: MANUAL };
}

/** What the audit log keeps of a channel's settings: ids and key fingerprints, never a key. */
function auditable(v: ChannelDownloadView) {
  return {
    fields: v.fields,
    automatic: v.automatic,
    privateKeyFingerprint: v.privateKey.fingerprint,
    platformKeyFingerprint: v.platformPublicKey.fingerprint,
  };
}

// ---------------------------------------------------------------------------------------------
// The scheduler of a context (one per running app)

const schedulers = new WeakMap<AppContext, DownloadScheduler>();

/**
 * Start the daily download of `channel` (UnionPay at 14:30 Beijing time) for a running app. The
 * returned stop() must run before the context closes.
 */
export function startDownloadScheduler(
  ctx: AppContext,
  opts: SchedulerOptions & { channel?: DownloadChannel; clock?: SchedulerClock } = {},
): { scheduler: DownloadScheduler; stop(): Promise<void> } {
  const channel = opts.channel ?? 'unionpay';
  const scheduler = new DownloadScheduler(
    {
      channel,
      isEnabled: async () => {
        const v = await channelView(ctx.store.read, ctx.secrets, channel);
        return v.configured && v.automatic;
      },
      presentDays: (from, to) => daysWithActiveStatement(ctx.store.read, channel, from, to),
      download: async (date) => {
        const r = await downloadAndImport(
          { store: ctx.store, secrets: ctx.secrets, dataDir: ctx.dataDir },
          { channel, date, actor: 'system', trigger: 'schedule' },
        );
        if (r.attempt.outcome === 'imported') ctx.emit({ type: 'data-changed', scope: 'statements' });
        return {
          date,
          ok: r.attempt.outcome === 'imported' || r.attempt.outcome === 'duplicate',
          retryable: r.error?.retryable ?? false,
          outcome: r.attempt.outcome,
          message: r.attempt.message,
        };
      },
    },
    opts,
  );
  schedulers
    .get(ctx)
    ?.stop()
    .catch(() => undefined);
  schedulers.set(ctx, scheduler);
  scheduler.start();
  return {
    scheduler,
    stop: async () => {
      if (schedulers.get(ctx) === scheduler) schedulers.delete(ctx);
      await scheduler.stop();
    },
  };
}

/** Store a channel's download credentials as they are (the demo company's setup; not audited). */
export async function storeDownloadCredentials<C extends DownloadChannel>(
  ctx: AppContext,
  channel: C,
  creds: CredentialsOf[C],
): Promise<void> {
  const source = creds as unknown as Record<string, string>;
  const fields: Record<string, string> = {};
  for (const k of ID_FIELDS[channel] as readonly string[]) fields[k] = source[k] ?? '';
  await ctx.secrets.set(secretKey(channel, 'privateKey'), creds.privateKeyPem);
  await ctx.secrets.set(secretKey(channel, 'platformPublicKey'), creds.platformPublicKeyPem);
  const automatic = (await readConfig(ctx.store.read, channel)).automatic;
  await ctx.store.write((tx) => writeConfig(tx, channel, { fields, automatic }));
}

/**
 * The demo company: its credentials at the sandbox's channel APIs, and the daily UnionPay download
 * on the sandbox's clock (its "now" is the day after the dataset's last day, moving in real time),
 * so the start-up catch-up finds the dataset's last days.
 */
export async function configureDemoDownloads(
  ctx: AppContext,
  sandbox: Pick<SandboxHandle, 'downloadCredentials' | 'platform'>,
): Promise<{ stop(): Promise<void> }> {
  const creds = sandbox.downloadCredentials();
  await storeDownloadCredentials(ctx, 'wechat', creds.wechat);
  await storeDownloadCredentials(ctx, 'lakala', creds.lakala);
  await storeDownloadCredentials(ctx, 'unionpay', creds.unionpay);
  return startDownloadScheduler(ctx, { clock: shiftedClock(sandbox.platform.cfg.nowMs - Date.now()) });
}

// ---------------------------------------------------------------------------------------------

export const downloadHandlers: Pick<
  Handlers,
  'downloads.settings.get' | 'downloads.settings.update' | 'downloads.run' | 'downloads.status'
> = {
  'downloads.settings.get': async (_input, ctx) => settingsView(ctx),

  'downloads.settings.update': async (input, ctx) => {
    await requireUser(ctx, input.actor);
    const { channel, actor, privateKey, platformPublicKey } = input;
    // Keys are read before anything is stored: a key the adapters cannot use is refused here.
    let privateKeyFingerprint: string | null = null;
    let platformKeyFingerprint: string | null = null;
    try {
      if (privateKey !== undefined)
        privateKeyFingerprint = keyFingerprint(privateKeyFrom(privateKey, 'The merchant private key'));
      if (platformPublicKey !== undefined) {
        platformKeyFingerprint = keyFingerprint(publicKeyFrom(platformPublicKey, 'The platform public key'));
      }
    } catch (e) {
      if (e instanceof DownloadError) throw new AppError('invalid_input', e.message);
      throw e;
    }
    const before = await channelView(ctx.store.read, ctx.secrets, channel);
    const config = await readConfig(ctx.store.read, channel);
    const given = new Map<string, unknown>(Object.entries(input));
    for (const k of ID_FIELDS[channel] as readonly string[]) {
      const v = given.get(k);
      if (typeof v === 'string') config.fields[k] = k === 'url' ? v.replace(/\/+$/, '') : v;
    }
    if (input.channel === 'unionpay' && input.automatic !== undefined) config.automatic = input.automatic;
    if (privateKey !== undefined) await ctx.secrets.set(secretKey(channel, 'privateKey'), privateKey);
    if (platformPublicKey !== undefined)
      await ctx.secrets.set(secretKey(channel, 'platformPublicKey'), platformPublicKey);
    await ctx.store.write(async (tx) => {
      await writeConfig(tx, channel, config);
      await audit(tx, {
        userId: actor,
        action: 'downloads.settings.update',
        entity: 'download_settings',
        entityId: channel,
        before: auditable(before),
        // The keys themselves never reach the audit log: their fingerprints do.
        after: {
          fields: config.fields,
          automatic: config.automatic,
          privateKeyFingerprint: privateKeyFingerprint ?? before.privateKey.fingerprint,
          platformKeyFingerprint: platformKeyFingerprint ?? before.platformPublicKey.fingerprint,
        },
      });
    });
    ctx.emit({ type: 'data-changed', scope: 'settings' });
    return settingsView(ctx);
  },

  'downloads.run': async ({ channel, date, actor }, ctx) => {
    await requireUser(ctx, actor);
    const view = await channelView(ctx.store.read, ctx.secrets, channel);
    if (!view.configured) {
      throw new AppError(
        'invalid_input',
        `the ${channel} download is not configured: set ${view.missing.join(', ')} in Settings first`,
      );
    }
    return ctx.jobs.start('downloads.run', async (job) => {
      job.progress(`download ${channel} ${date}`, 0, 1);
      const r = await downloadAndImport(
        { store: ctx.store, secrets: ctx.secrets, dataDir: ctx.dataDir },
        { channel, date, actor, trigger: 'manual', transport: { signal: job.signal } },
      );
      job.progress('done', 1, 1);
      if (r.error) throw new AppError('unavailable', r.error.message, { code: r.error.code });
      if (r.attempt.outcome === 'imported') ctx.emit({ type: 'data-changed', scope: 'statements' });
      return r.report;
    });
  },

  'downloads.status': async ({ channel, limit }, ctx) => ({
    scheduler: schedulers.get(ctx)?.state() ?? null,
    attempts: await recentDownloadAttempts(ctx.store.read, limit, channel),
  }),
};
