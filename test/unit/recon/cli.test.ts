// The reconciliation commands through main() (src-main/cli.ts), in-process: otd reconcile, otd
// discrepancies and otd sandbox score on a sandbox company's books, their JSON and exit codes, and
// bad flags (exit 2, the store untouched).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CHANNEL_CODES } from '../../../src-main/domain/channels';
import { sandboxBooks, type SandboxBooks } from './sandbox-books';
import { runCli } from '../run-cli';

let books: SandboxBooks;
let db: string;

/** otd sandbox score of the books' database against all their manifests, as JSON. */
const scoreAgainstManifests = () =>
  runCli(['sandbox', 'score', '--db', db, ...books.manifestPaths.flatMap((m) => ['--manifest', m]), '--json']);
const json = <T>(r: { stdout: string }) => JSON.parse(r.stdout) as T;
const OPEN_TYPES = [
  'long',
  'short',
  'amount_differs',
  'duplicate',
  'status_differs',
  'fee_differs',
  'wire_without_order',
  'timing',
  'settlement_differs',
];

interface DayJson {
  channel: string;
  businessDate: string;
  matched: { count: number; fen: number };
  open: Record<string, { count: number; fen: number }>;
  proof: { ok: boolean; internalFen: number; statementFen: number };
}

beforeAll(async () => {
  books = await sandboxBooks({ seed: 9, orders: 150, days: 4 });
  db = books.dbFile;
  await books.store.close(); // the commands open the database file themselves
}, 120_000);

afterAll(() => rm(books.dir, { recursive: true, force: true }));

describe('otd sandbox score, otd reconcile, otd discrepancies', () => {
  it('scores before any run: every expectation missed, exit 1', async () => {
    const r = await scoreAgainstManifests();
    expect(r.code).toBe(1);
    const s = json<{ recall: number; precision: number; missed: unknown[]; spurious: unknown[] }>(r);
    expect(s.recall).toBe(0);
    expect(s.missed.length).toBeGreaterThan(0);
    expect(s.spurious).toEqual([]);
  });

  it('reconciles the days: one object per channel-day, channel order, every proof holds', async () => {
    const r = await runCli([
      'reconcile',
      '--db',
      db,
      '--date',
      books.days[0]!,
      '--to',
      books.days.at(-1)!,
      '--actor',
      'zhang.kj',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const days = json<DayJson[]>(r);
    expect(days.map((d) => `${d.businessDate} ${d.channel}`)).toEqual(
      books.days.flatMap((d) => CHANNEL_CODES.map((c) => `${d} ${c}`)),
    );
    for (const d of days) {
      expect(Object.keys(d).sort()).toEqual(['businessDate', 'channel', 'matched', 'open', 'proof']);
      expect(Object.keys(d.open)).toEqual(OPEN_TYPES);
      expect(
        Number.isInteger(d.matched.fen) &&
          Number.isInteger(d.proof.internalFen) &&
          Number.isInteger(d.proof.statementFen),
      ).toBe(true);
      expect(d.proof.ok).toBe(true);
    }
    expect(days.reduce((a, d) => a + d.matched.count, 0)).toBeGreaterThan(100);
    expect(days.reduce((a, d) => a + d.open.fee_differs!.count, 0)).toBe(books.days.length); // one injected a day
  });

  it('reconciles one channel-day, and prints a line per day without --json', async () => {
    const one = await runCli(['reconcile', '--db', db, '--date', books.days[1]!, '--channel', 'wechat', '--json']);
    expect(one.code).toBe(0);
    expect(json<DayJson[]>(one).map((d) => [d.channel, d.businessDate])).toEqual([['wechat', books.days[1]]]);
    const text = await runCli(['reconcile', '--db', db, '--date', books.days[1]!, '--channel', 'alipay']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^${books.days[1]} alipay +matched \\d+ \\(¥[\\d,]+\\.\\d\\d\\) +proof ok`));
  });

  it('scores the runs against the manifests: recall and precision 1, exit 0', async () => {
    const r = await scoreAgainstManifests();
    const s = json<{
      recall: number;
      precision: number;
      missed: unknown[];
      spurious: unknown[];
      byKind: Record<string, { expected: number; found: number }>;
    }>(r);
    expect({ missed: s.missed, spurious: s.spurious }).toEqual({ missed: [], spurious: [] });
    expect([s.recall, s.precision, r.code]).toEqual([1, 1, 0]);
  });

  it('lists the open items with their member keys, amounts in fen, type, channel, day and age', async () => {
    const all = json<
      {
        id: string;
        type: string;
        channel: string | null;
        businessDate: string;
        amountFen: number;
        ageDays: number;
        members: { key: string; amountFen: number }[];
      }[]
    >(await runCli(['discrepancies', '--db', db, '--json']));
    expect(all.length).toBeGreaterThan(0);
    for (const d of all) {
      expect(d.id).toMatch(/^[0-9a-f]{32}$/);
      expect([...OPEN_TYPES, 'order_incomplete']).toContain(d.type);
      expect(Number.isInteger(d.amountFen) && Number.isInteger(d.ageDays)).toBe(true);
      expect(d.members.length).toBeGreaterThan(0);
      for (const m of d.members) expect(m.key).toMatch(/^(P|R|L|S|O)\|/);
    }
    const day = books.days[2]!;
    const some = await runCli(['discrepancies', '--db', db, '--date', day, '--channel', 'wire', '--json']);
    expect(some.code).toBe(0);
    expect(json<typeof all>(some)).toEqual(all.filter((d) => d.businessDate === day && d.channel === 'wire'));
    const text = await runCli(['discrepancies', '--db', db, '--date', day]);
    expect(text.stdout.trim().split('\n').at(-1)).toBe(`${all.filter((d) => d.businessDate === day).length} open`);
  });

  it('refuses to run a signed-off day (exit 1, code locked)', async () => {
    const day = books.days[0]!;
    const signed = await runCli([
      'op',
      'recon.signoff',
      JSON.stringify({ channel: 'lakala', date: day, actor: 'li.fh' }),
      '--db',
      db,
    ]);
    expect(signed.code).toBe(0);
    const r = await runCli(['reconcile', '--db', db, '--date', day, '--channel', 'lakala', '--json']);
    expect(r.code).toBe(1);
    expect(json<{ error: { code: string } }>(r).error.code).toBe('locked');
  });
});

describe('bad flags: exit 2, a message naming the flag', () => {
  const cases: [string, string[], RegExp][] = [
    ['no --date', ['reconcile', '--db', 'X'], /missing --date/],
    ['a bad date', ['reconcile', '--db', 'X', '--date', '2026-13-01'], /--date must be a date/],
    [
      '--to before --date',
      ['reconcile', '--db', 'X', '--date', '2026-10-02', '--to', '2026-10-01'],
      /--to must be on or after/,
    ],
    [
      'an unknown channel',
      ['reconcile', '--db', 'X', '--date', '2026-10-01', '--channel', 'paypal'],
      /--channel must be one of wechat, alipay/,
    ],
    ['an unknown flag', ['reconcile', '--db', 'X', '--date', '2026-10-01', '--bogus'], /bogus/],
    ['no --db', ['discrepancies', '--date', '2026-10-01'], /missing --db/],
    ['no --manifest', ['sandbox', 'score', '--db', 'X'], /missing --manifest/],
  ];
  it.each(cases)('%s', async (_name, argv, message) => {
    const r = await runCli([...argv.map((a) => (a === 'X' ? db : a)), '--json']);
    expect(r.code).toBe(2);
    expect(json<{ error: { code: string; message: string } }>(r).error).toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(message),
    });
  });

  it('a database that does not exist is not created', async () => {
    const missing = join(books.dir, 'typo.sqlite');
    const r = await runCli(['reconcile', '--db', missing, '--date', '2026-10-01']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`no database at ${missing}`);
    expect((await runCli(['discrepancies', '--db', missing])).code).toBe(2);
  });

  it('a manifest that is not one', async () => {
    const bad = join(books.dir, 'not-a-manifest.json');
    await writeFile(bad, '{"hello": 1}');
    const r = await runCli(['sandbox', 'score', '--db', db, '--manifest', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}: not a sandbox manifest`);
    expect(
      (await runCli(['sandbox', 'score', '--db', db, '--manifest', join(books.dir, 'nothing.json')])).stderr,
    ).toMatch(/no such file/);
  });

  it('--help lists the commands', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['reconcile', 'discrepancies', 'sandbox score']) expect(r.stderr).toContain(`otd ${c}`);
  });
});
