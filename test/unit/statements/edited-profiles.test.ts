import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, closeContext, type AppContext } from '../../../src-main/api/context';
import { dispatch } from '../../../src-main/api/dispatch';
import { addUser } from '../../../src-main/store/settings';
import { BUILTIN_PROFILES, builtinProfile } from '../../../src-main/statements/profiles';
import { checkEditedProfile } from '../../../src-main/statements/edited-profiles';
import type { ImportReport } from '../../../src-main/statements/import';
import type { ColumnProfile } from '../../../src-main/statements/profile';

const FIXTURE = join(__dirname, '../../fixtures/statements/lakala-default-with-refund.csv');

let ctx: AppContext | null = null;
afterEach(async () => {
  if (ctx) await closeContext(ctx);
  ctx = null;
});

async function context(): Promise<AppContext> {
  const dir = mkdtempSync(join(tmpdir(), 'otd-profiles-'));
  ctx = await createContext({ dbFile: join(dir, 'db.sqlite'), dataDir: dir, mode: 'cli' });
  await ctx.store.write((tx) => addUser(tx, { userId: 'zhang.kj', displayName: '张会计' }));
  return ctx;
}

/** The Lakala default with log_no printed as 流水号 in the file and in the profile. */
function renamed(p: ColumnProfile): ColumnProfile {
  const swap = (h: string) => (h === 'log_no' ? 'lkl_log_no' : h);
  return {
    ...p,
    header: { ...p.header, mustInclude: p.header.mustInclude.map((n) => (typeof n === 'string' ? swap(n) : n.map(swap))) },
    columns: p.columns.map((c) => ({ ...c, headers: c.headers.map(swap) })),
  };
}

async function ok<T>(r: Promise<{ ok: true; result: unknown } | { ok: false; error: unknown }>): Promise<T> {
  const v = await r;
  if (!v.ok) throw new Error(JSON.stringify(v.error));
  return v.result as T;
}

async function importLakala(c: AppContext, text: string): Promise<ImportReport> {
  const job = await ok<{ id: string }>(
    dispatch(c, 'statements.import', {
      files: [{ name: 'lakala-renamed.csv', contentBase64: Buffer.from(text).toString('base64') }],
      actor: 'zhang.kj',
    }),
  );
  const [report] = await c.jobs.wait<ImportReport[]>(job.id);
  return report!;
}

describe('edited column profiles', () => {
  it('accepts every shipped profile as it is', () => {
    for (const p of BUILTIN_PROFILES) expect(checkEditedProfile(p.id, p).id).toBe(p.id);
  });

  it('refuses unknown fields, missing required mappings and a header row that names no column', () => {
    const lakala = builtinProfile('lakala')!;
    const problems = (json: unknown) => {
      try {
        checkEditedProfile('lakala', json);
        return [];
      } catch (e) {
        return (e as { problems: string[] }).problems;
      }
    };
    expect(problems({ ...lakala, colums: [] })).toEqual([expect.stringMatching(/colums/)]);
    expect(
      problems({ ...lakala, columns: lakala.columns.map((c, i) => (i === 0 ? { ...c, hedaers: ['x'] } : c)) }),
    ).toEqual([expect.stringMatching(/^columns\.0 \(merchantId\): .*hedaers/)]);
    const noAmount = { ...lakala, columns: lakala.columns.filter((c) => c.field !== 'amount') };
    expect(problems(noAmount).join('\n')).toMatch(/amount/);
    const noHeaders = { ...lakala, columns: lakala.columns.map((c) => (c.field === 'amount' ? { ...c, headers: [] } : c)) };
    expect(problems(noHeaders)).toEqual([expect.stringMatching(/^columns\.\d+ \(amount\)\.headers: /)]);
    const noId = { ...lakala, columns: lakala.columns.filter((c) => c.field !== 'channelTxnId') };
    expect(problems(noId)).toContain('columns: no column maps the required field "channelTxnId"');
    const noTime = { ...lakala, columns: lakala.columns.filter((c) => c.field !== 'occurredAt') };
    expect(problems(noTime).join('\n')).toMatch(/occurredAt|time column/);
    const headerOnly = { ...lakala, header: { ...lakala.header, mustInclude: ['流水编号', ...lakala.header.mustInclude.slice(1)] } };
    expect(problems(headerOnly)).toEqual([expect.stringMatching(/^header\.mustInclude\.0: "流水编号" is not a header of any column/)]);
    expect(problems({ ...lakala, channel: 'cash' })).toEqual([expect.stringMatching(/^channel: /)]);
  });

  it('saves, versions, resets and audits through the contract; a local user and a reason are required', async () => {
    const c = await context();
    const lakala = builtinProfile('lakala')!;
    const stranger = await dispatch(c, 'profiles.save', { id: 'lakala', profile: renamed(lakala), actor: 'mallory', reason: 'x' });
    expect(stranger).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const noReason = await dispatch(c, 'profiles.save', { id: 'lakala', profile: renamed(lakala), actor: 'zhang.kj', reason: ' ' });
    expect(noReason).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const bad = await dispatch(c, 'profiles.save', {
      id: 'lakala',
      profile: { ...lakala, columns: lakala.columns.filter((col) => col.field !== 'amount') },
      actor: 'zhang.kj',
      reason: 'test',
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/amount/) } });

    const saved = await ok<ColumnProfile>(
      dispatch(c, 'profiles.save', { id: 'lakala', profile: renamed(lakala), actor: 'zhang.kj', reason: '新版对账单列名' }),
    );
    expect(saved.version).toBe(2);
    const again = await ok<ColumnProfile>(
      dispatch(c, 'profiles.save', { id: 'lakala', profile: renamed(lakala), actor: 'zhang.kj', reason: 'same' }),
    );
    expect(again.version).toBe(2); // nothing changed, nothing recorded
    const views = await ok<{ id: string; shipped: ColumnProfile; edited: ColumnProfile | null }[]>(
      dispatch(c, 'profiles.list', {}),
    );
    expect(views.map((v) => v.id)).toEqual([...new Set(BUILTIN_PROFILES.map((p) => p.id))]);
    const lakalaView = views.find((v) => v.id === 'lakala')!;
    expect(lakalaView.shipped).toEqual(lakala);
    expect(lakalaView.edited).toEqual(saved);

    const reset = await ok<ColumnProfile>(dispatch(c, 'profiles.reset', { id: 'lakala', actor: 'zhang.kj', reason: '恢复默认' }));
    expect(reset).toEqual(lakala);
    const resaved = await ok<ColumnProfile>(
      dispatch(c, 'profiles.save', { id: 'lakala', profile: renamed(lakala), actor: 'zhang.kj', reason: '再次修改' }),
    );
    expect(resaved.version).toBe(3); // a version is never reused after a reset

    const rows = await c.store.read.all<{ action: string; user_id: string; before_json: string; after_json: string; reason: string }>(
      `SELECT action, user_id, before_json, after_json, reason FROM audit_log WHERE entity = 'column_profile' ORDER BY id`,
    );
    expect(rows.map((r) => [r.action, r.user_id, r.reason])).toEqual([
      ['profiles.save', 'zhang.kj', '新版对账单列名'],
      ['profiles.reset', 'zhang.kj', '恢复默认'],
      ['profiles.save', 'zhang.kj', '再次修改'],
    ]);
    expect(JSON.parse(rows[0]!.before_json)).toEqual({ shipped: 1 });
    expect(JSON.parse(rows[0]!.after_json)).toEqual(saved);
    expect(JSON.parse(rows[1]!.before_json)).toEqual(saved);
    expect(JSON.parse(rows[1]!.after_json)).toEqual({ shipped: 1 });
  });

  it('reads a Lakala file with renamed headers only once the edited profile is saved', async () => {
    const c = await context();
    const text = readFileSync(FIXTURE, 'utf8').replace(/^merchant_no,term_no,log_no,/, 'merchant_no,term_no,lkl_log_no,');
    const refused = await importLakala(c, text);
    expect(refused.status).not.toBe('imported');
    expect(refused.errors.length).toBeGreaterThan(0);
    expect(await c.store.read.get<{ n: number }>('SELECT COUNT(*) AS n FROM statement_file')).toEqual({ n: 0 });

    await ok(
      dispatch(c, 'profiles.save', {
        id: 'lakala',
        profile: renamed(builtinProfile('lakala')!),
        actor: 'zhang.kj',
        reason: '拉卡拉新版列名',
      }),
    );
    const imported = await importLakala(c, text);
    expect(imported.errors).toEqual([]);
    expect(imported).toMatchObject({ channel: 'lakala', format: 'lakala-profile:v2', lines: 3, businessDate: '2026-10-03' });
    const line = await c.store.read.get<{ channel_txn_id: string }>(
      `SELECT channel_txn_id FROM statement_line ORDER BY id LIMIT 1`,
    );
    expect(line).toEqual({ channel_txn_id: '00012345678901' });
  });
});
