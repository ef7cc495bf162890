// End to end against the sandbox: central data synced, every day's statement files imported, every
// channel-day reconciled, the results scored against the anomaly manifests (docs/anomaly-manifest.md):
// every injected anomaly found, nothing else reported, for every kind. Then people's decisions (a
// manual match, approved adjustments, a carry forward) survive re-running the days unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcile } from '../../../src-main/recon/engine';
import { scoreAgainstManifests, type Score } from '../../../src-main/recon/score';
import { carry, decide, manualMatch, propose, unmatch } from '../../../src-main/recon/resolutions';
import { ANOMALY_KINDS } from '../../../src-main/sandbox/statements/book';
import { pairByItem } from '../../../src-main/store/recon';
import { matchId } from '../../../src-main/recon/ids';
import { lineKeys } from '../../../src-main/store/recon-keys';
import { addDays } from '../../../src-main/domain/dates';
import { sandboxBooks, type SandboxBooks } from './sandbox-books';
import { discs, reconState } from './helpers';

const SIZES = [
  { seed: 7, orders: 200, days: 8 },
  { seed: 7, orders: 1000, days: 8 },
  { seed: 11, orders: 1000, days: 10 },
];

/** Every kind the sandbox injects, with its expectations all found. */
function expectPerfect(score: Score): void {
  expect({ missed: score.missed, spurious: score.spurious }).toEqual({ missed: [], spurious: [] });
  expect(score.recall).toBe(1);
  expect(score.precision).toBe(1);
  expect(Object.keys(score.byKind).sort()).toEqual([...ANOMALY_KINDS].sort());
  for (const [kind, k] of Object.entries(score.byKind)) {
    expect(k.expected, kind).toBeGreaterThan(0);
    expect(k.found, kind).toBe(k.expected);
  }
}

describe.each(SIZES)('sandbox seed $seed, $orders orders, $days days', (cfg) => {
  let books: SandboxBooks;
  beforeAll(async () => {
    books = await sandboxBooks(cfg);
  }, 120_000);
  afterAll(() => books.close());

  it('finds every injected anomaly and nothing else; every channel-day proves', async () => {
    const out = await reconcile(books.store, { from: books.days[0]!, to: books.days.at(-1)! }, { actor: 'zhang.kj' });
    expect(out).toHaveLength(books.days.length * 7);
    expect(out.filter((d) => !d.proof.ok).map((d) => `${d.channel} ${d.businessDate}`)).toEqual([]);
    const score = await scoreAgainstManifests(books.store, books.manifests);
    expectPerfect(score);
    expect(score.expected).toBeGreaterThanOrEqual(cfg.days * 9);
    // Same inputs, same results (§12): running every day again changes nothing.
    const before = await reconState(books.store);
    await reconcile(books.store, { from: books.days[0]!, to: books.days.at(-1)! }, { actor: 'zhang.kj' });
    expect(await reconState(books.store)).toBe(before);
  }, 120_000);
});

describe('decisions survive re-runs', () => {
  let books: SandboxBooks;
  beforeAll(async () => {
    books = await sandboxBooks({ seed: 5, orders: 300, days: 6 });
  }, 120_000);
  afterAll(() => books.close());

  const act = { reasonCode: 'test', comment: 'checked against the channel' };
  const runAll = () => reconcile(books.store, { from: books.days[0]!, to: books.days.at(-1)! }, { actor: 'zhang.kj' });

  it('a manual match, approved adjustments and a carry forward are kept; re-running changes nothing', async () => {
    await runAll();
    const open = await discs(books.store);
    const members = (d: { members_json: string }) => JSON.parse(d.members_json) as string[];

    // An AMOUNT_DIFFERS matched by hand, its difference an adjustment a second user approves.
    const differs = open.find((d) => d.type === 'amount_differs')!;
    const matched = await manualMatch(books.store, {
      actor: 'zhang.kj',
      ...act,
      members: members(differs),
      allowDifference: true,
    });
    expect(matched.adjustmentId).not.toBeNull();
    await decide(books.store, 'adjustment', 'approved', { adjustmentId: matched.adjustmentId!, actor: 'li.fh' });

    // A fee difference booked as an adjustment (approved), a missing line carried forward.
    const fee = open.find((d) => d.type === 'fee_differs')!;
    const adj = await propose(books.store, 'adjustment', { actor: 'zhang.kj', ...act, discrepancyId: fee.id });
    await decide(books.store, 'adjustment', 'approved', { adjustmentId: adj.id, actor: 'li.fh' });
    const short = open.find((d) => d.type === 'short')!;
    const until = addDays(short.business_date, 20);
    await carry(books.store, { actor: 'zhang.kj', ...act, discrepancyId: short.id, until });

    // An automatic pair taken apart and matched again by hand (it nets to zero).
    const pair = (await books.store.read.get<{ item_key: string; line_id: number }>(
      "SELECT item_key, line_id FROM recon_pair WHERE channel = 'alipay' ORDER BY line_id LIMIT 1",
    ))!;
    const lineKey = (await lineKeys(books.store.read, [pair.line_id])).get(pair.line_id)!;
    await unmatch(books.store, {
      actor: 'zhang.kj',
      ...act,
      matchId: matchId([pair.item_key, lineKey]),
      itemKey: pair.item_key,
    });
    const again = await manualMatch(books.store, { actor: 'zhang.kj', ...act, members: [pair.item_key, lineKey] });
    expect(again).toMatchObject({ state: 'confirmed', adjustmentId: null });

    const before = await reconState(books.store);
    const summaries = await runAll();
    expect(await reconState(books.store)).toBe(before);
    expect(summaries.filter((d) => !d.proof.ok)).toEqual([]);
    expect(await pairByItem(books.store.read, pair.item_key)).toBeNull(); // still the person's match, not the engine's

    const after = new Map((await discs(books.store, '1 = 1')).map((d) => [d.id, d]));
    expect(after.get(differs.id)).toMatchObject({ state: 'resolved' });
    expect(after.get(fee.id)).toMatchObject({ state: 'resolved' });
    expect(after.get(short.id)).toMatchObject({ state: 'carried', carry_until: until });
    // Decided items were still found by the runs: the score is unchanged.
    expectPerfect(await scoreAgainstManifests(books.store, books.manifests));
  }, 120_000);
});
