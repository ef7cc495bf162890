// The whole path: the sandbox's channel APIs serving its generated statements, credentials in the
// secret store, downloads.run as a job, the import into the store, a re-download that is a
// duplicate, the attempts in downloads.status, the CLI, and the scheduler catching up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from '../../../src-main/sandbox';
import { createContext, closeContext, type AppContext } from '../../../src-main/api/context';
import { dispatch } from '../../../src-main/api/dispatch';
import type { JobState } from '../../../src-main/jobs/runner';
import type { ImportReport } from '../../../src-main/statements/import';
import type { DownloadSettingsView, DownloadStatus } from '../../../src-main/api/ops/downloads';
import { startDownloadScheduler, storeDownloadCredentials } from '../../../src-main/api/handlers/downloads';
import { listFiles } from '../../../src-main/store/statements';
import type { SchedulerClock } from '../../../src-main/statements/scheduler';
import { runCli } from '../run-cli';

let dir: string;
let db: string;
let sb: SandboxHandle;
let ctx: AppContext;
const ACTOR = 'zhang.kj';

async function call<T>(name: string, input: unknown): Promise<T> {
  const reply = await dispatch(ctx, name, input);
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply.result as T;
}

async function runJob(input: { channel: string; date: string }): Promise<JobState> {
  const job = await call<JobState>('downloads.run', { ...input, actor: ACTOR });
  await ctx.jobs.wait(job.id).catch(() => undefined);
  return ctx.jobs.get(job.id)!;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otd-downloads-'));
  db = join(dir, 'books.sqlite');
  sb = await startSandbox({ port: 0, seed: 11, orders: 120, days: 4, startDate: '2026-10-01' });
  // The CLI's context is the db plus the otd-data folder beside it: the same secret file.
  ctx = await createContext({ dbFile: db, dataDir: join(dir, 'otd-data'), mode: 'web' });
  await call('users.add', { userId: ACTOR, displayName: '张会计', actor: ACTOR });
});

afterAll(async () => {
  await closeContext(ctx);
  await sb.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('credentials in Settings', () => {
  it('stores ids as settings and keys as secrets; shows fingerprints, never a key', async () => {
    const c = sb.downloadCredentials().wechat;
    const before = await call<DownloadSettingsView>('downloads.settings.get', {});
    expect(before.channels.map((v) => [v.channel, v.configured])).toEqual([
      ['wechat', false],
      ['lakala', false],
      ['unionpay', false],
    ]);
    expect(before.manual).toEqual([expect.objectContaining({ channel: 'alipay' })]);

    const view = await call<DownloadSettingsView>('downloads.settings.update', {
      channel: 'wechat',
      url: `${c.url}/`,
      mchid: c.mchid,
      serialNo: c.serialNo,
      platformSerial: c.platformSerial,
      privateKey: c.privateKeyPem,
      platformPublicKey: c.platformPublicKeyPem,
      actor: ACTOR,
    });
    const wechat = view.channels.find((v) => v.channel === 'wechat')!;
    expect(wechat).toMatchObject({
      configured: true,
      missing: [],
      fields: { url: c.url, mchid: c.mchid },
      keyStorage: 'file',
    });
    expect(wechat.privateKey.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    const keyBody = c.privateKeyPem.split('\n')[1]!;
    expect(JSON.stringify(view)).not.toContain(keyBody);
    const audit = await call<{ rows: { action: string; after: string | null }[] }>('audit.page', {
      startRow: 0,
      endRow: 10,
      sortModel: [],
      filterModel: {},
    });
    const row = audit.rows.find((r) => r.action === 'downloads.settings.update')!;
    expect(row.after).toContain(wechat.privateKey.fingerprint!);
    expect(row.after).not.toContain(keyBody);
    // The key is in the secret file, not in the database's settings.
    expect(readFileSync(join(dir, 'otd-data', 'secrets.json'), 'utf8')).toContain(keyBody);
  });

  it('refuses a key that cannot sign, and a user who is not local', async () => {
    const bad = await dispatch(ctx, 'downloads.settings.update', {
      channel: 'wechat',
      privateKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----',
      actor: ACTOR,
    });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/merchant private key is not a PEM private key/),
    });
    const stranger = await dispatch(ctx, 'downloads.run', { channel: 'wechat', date: '2026-10-02', actor: 'nobody' });
    expect(!stranger.ok && stranger.error.code).toBe('forbidden');
  });
});

describe('downloads.run', () => {
  it('downloads and imports as a job; the same bytes again are a duplicate that changes nothing', async () => {
    const first = await runJob({ channel: 'wechat', date: '2026-10-02' });
    expect(first.status).toBe('done');
    const report = first.result as ImportReport;
    expect(report).toMatchObject({
      status: 'imported',
      channel: 'wechat',
      businessDate: '2026-10-02',
      merchantId: '1900012345',
      state: 'active',
    });
    expect(report.lines).toBeGreaterThan(0);
    const files = await listFiles(ctx.store.read, '2026-10-02');
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({
      source: 'download',
      status: 'active',
      fileName: 'wechat-tradebill-1900012345-20261002-ALL.csv',
    });
    expect(files[0]!.downloadedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(readdirSync(join(dir, 'otd-data', 'downloads', 'wechat'))).toHaveLength(1);

    const again = await runJob({ channel: 'wechat', date: '2026-10-02' });
    expect(again.result).toMatchObject({ status: 'duplicate', fileId: report.fileId, version: 1 });
    expect(await listFiles(ctx.store.read, '2026-10-02')).toEqual(files);

    const status = await call<DownloadStatus>('downloads.status', { channel: 'wechat' });
    expect(status.scheduler).toBeNull();
    expect(status.attempts.map((a) => [a.businessDate, a.outcome, a.trigger, a.actor])).toEqual([
      ['2026-10-02', 'duplicate', 'manual', ACTOR],
      ['2026-10-02', 'imported', 'manual', ACTOR],
    ]);
  });

  it("a failed download fails the job with the channel's reason and is recorded", async () => {
    const job = await runJob({ channel: 'wechat', date: '2026-09-20' });
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/WeChat Pay has no trade bill for 2026-09-20/);
    const [last] = (await call<DownloadStatus>('downloads.status', {})).attempts;
    expect(last).toMatchObject({
      businessDate: '2026-09-20',
      outcome: 'failed',
      errorCode: 'no_statement',
      fileId: null,
    });
    const notConfigured = await dispatch(ctx, 'downloads.run', { channel: 'lakala', date: '2026-10-02', actor: ACTOR });
    expect(!notConfigured.ok && notConfigured.error.message).toMatch(
      /lakala download is not configured: set url, appid/,
    );
  });
});

describe('otd download', () => {
  it('prints the import report of the downloaded file as one JSON object, with the stored credentials', async () => {
    await storeDownloadCredentials(ctx, 'lakala', sb.downloadCredentials().lakala);
    const args = ['download', '--db', db, '--channel', 'lakala', '--date', '2026-10-03', '--json'];
    const first = await runCli(args);
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as ImportReport;
    expect(Array.isArray(report)).toBe(false);
    expect(report).toMatchObject({
      status: 'imported',
      channel: 'lakala',
      format: 'lakala-profile:v1',
      businessDate: '2026-10-03',
    });
    const again = JSON.parse((await runCli(args)).stdout) as ImportReport;
    expect(again).toMatchObject({ status: 'duplicate', fileId: report.fileId });
  });

  it('fails with the reason as JSON when the channel refuses, and refuses Alipay', async () => {
    const wrongKey = join(dir, 'wrong.pem');
    writeFileSync(wrongKey, sb.downloadCredentials().unionpay.platformPublicKeyPem);
    const r = await runCli([
      'download',
      '--db',
      db,
      '--channel',
      'lakala',
      '--date',
      '2026-10-03',
      '--platform-key',
      wrongKey,
      '--json',
    ]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      error: { code: 'unavailable', message: expect.stringMatching(/Lakala's answer signature does not match/) },
    });
    const alipay = await runCli(['download', '--db', db, '--channel', 'alipay', '--date', '2026-10-03', '--json']);
    expect(alipay.code).toBe(2);
    expect(alipay.stderr).toMatch(/Alipay statements are imported: otd import/);
  });
});

describe('the UnionPay scheduler against the sandbox', () => {
  it('catches up the days without an active file at start-up and reports its state', async () => {
    await storeDownloadCredentials(ctx, 'unionpay', sb.downloadCredentials().unionpay);
    // A manual file for 10-02 is there already: the catch-up leaves that day alone.
    expect((await runJob({ channel: 'unionpay', date: '2026-10-02' })).result).toMatchObject({ status: 'imported' });
    const now = Date.parse('2026-10-05T15:00:00+08:00');
    const clock: SchedulerClock = { now: () => now, setTimer: () => () => undefined };
    const { scheduler, stop } = startDownloadScheduler(ctx, { clock, lookbackDays: 4 });
    await scheduler.whenIdle();
    const status = await call<DownloadStatus>('downloads.status', { channel: 'unionpay' });
    expect(status.scheduler).toMatchObject({
      channel: 'unionpay',
      nextRunAt: '2026-10-06T14:30:00+08:00',
      lastRun: {
        reason: 'startup',
        window: { from: '2026-10-01', to: '2026-10-04' },
        missing: ['2026-10-01', '2026-10-03', '2026-10-04'],
      },
    });
    expect(status.attempts.slice(0, 3).map((a) => [a.businessDate, a.outcome, a.trigger, a.actor])).toEqual([
      ['2026-10-04', 'imported', 'schedule', 'system'],
      ['2026-10-03', 'imported', 'schedule', 'system'],
      ['2026-10-01', 'imported', 'schedule', 'system'],
    ]);
    const unionpayDays = (await listFiles(ctx.store.read))
      .filter((f) => f.channel === 'unionpay')
      .map((f) => f.businessDate);
    expect(unionpayDays).toEqual(['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04']);
    await stop();
    expect((await call<DownloadStatus>('downloads.status', {})).scheduler).toBeNull();
  });
});
