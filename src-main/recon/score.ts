// Scoring a reconciliation against the sandbox's anomaly manifests (docs/anomaly-manifest.md): which
// expected discrepancies the runs found (recall) and which of the discrepancies they produced the
// manifests explain (precision). Only days named by a manifest are scored.
//
// A discrepancy satisfies an expectation when it was produced by the run of the expectation's channel
// and runDate, its type is one the expectation allows, and its members are some of the expectation's
// members (at least one): a DUPLICATE names [payment, second line] while the payment itself is matched
// with the first line, so the record holds the second line only. A MATCH expectation is satisfied when
// its members are held together by one active match.
import type { Store } from '../store';
import type { ReadDb } from '../store/db';
import { matchedTogether, producedDiscrepancies, type ProducedDiscrepancy } from '../store/recon-score';
import type { ExpectedType, SandboxManifest } from '../sandbox/statements/manifest';
import type { AnomalyKind } from '../sandbox/statements/book';

/** The engine's discrepancy type for each manifest type (reconciliation.md §6). */
const ENGINE_TYPE: Record<Exclude<ExpectedType, 'MATCH'>, string> = {
  MISSING_IN_STATEMENT: 'short',
  MISSING_INTERNALLY: 'long',
  AMOUNT_DIFFERS: 'amount_differs',
  FEE_DIFFERS: 'fee_differs',
  STATUS_DIFFERS: 'status_differs',
  DUPLICATE: 'duplicate',
  UNKNOWN_WIRE: 'wire_without_order',
  TIMING: 'timing',
};

export interface MissedExpectation {
  anomalyId: string;
  kind: AnomalyKind;
  channel: string;
  runDate: string;
  types: ExpectedType[];
  members: string[];
  /** What the runs produced for these members instead (type and members), if anything. */
  found: { id: string; type: string; runDate: string; members: string[] }[];
}

export interface SpuriousDiscrepancy {
  id: string;
  type: string;
  channel: string | null;
  runDate: string;
  businessDate: string;
  state: string;
  amountFen: number;
  members: string[];
}

export interface Score {
  recall: number;
  precision: number;
  expected: number;
  found: number;
  produced: number;
  explained: number;
  /** Per anomaly kind: expectations and how many were found. */
  byKind: Record<string, { expected: number; found: number; recall: number }>;
  /** Expectations on a day no manifest covers (e.g. a late landing's match on the day after the last). */
  outOfScope: number;
  missed: MissedExpectation[];
  spurious: SpuriousDiscrepancy[];
}

interface Scoped {
  anomalyId: string;
  kind: AnomalyKind;
  channel: string;
  runDate: string;
  types: ExpectedType[];
  members: string[];
}

function satisfies(d: ProducedDiscrepancy, e: Scoped): boolean {
  if (d.runChannel !== e.channel || d.runDate !== e.runDate) return false;
  if (!e.types.some((t) => t !== 'MATCH' && ENGINE_TYPE[t] === d.type)) return false;
  return d.members.length > 0 && d.members.every((m) => e.members.includes(m));
}

/** Score the store's reconciliation results of the manifests' days against their expectations. */
export async function scoreAgainstManifests(
  store: Store | { read: ReadDb },
  manifests: readonly SandboxManifest[],
): Promise<Score> {
  const days = [...new Set(manifests.map((m) => m.date))].sort();
  const scored = new Set(days);
  const expectations: Scoped[] = [];
  const seen = new Set<string>();
  let outOfScope = 0;
  // A late landing appears in the manifests of both its days: each expectation counts once.
  for (const m of manifests) {
    for (const a of m.anomalies) {
      a.expect.forEach((e, i) => {
        const key = `${a.id}#${i}`;
        if (seen.has(key)) return;
        seen.add(key);
        if (!scored.has(e.runDate)) {
          outOfScope++;
          return;
        }
        expectations.push({
          anomalyId: a.id,
          kind: a.kind,
          channel: a.channel,
          runDate: e.runDate,
          types: e.types,
          members: e.members,
        });
      });
    }
  }
  const produced = await producedDiscrepancies(store.read, days);
  const explained = new Set<string>();
  const missed: MissedExpectation[] = [];
  const byKind: Score['byKind'] = {};
  for (const e of expectations) {
    const k = (byKind[e.kind] ??= { expected: 0, found: 0, recall: 0 });
    k.expected++;
    let ok: boolean;
    if (e.types.includes('MATCH')) {
      // Matched, and no discrepancy of the day still holds the members.
      const holders = produced.filter(
        (d) => d.runDate === e.runDate && d.state !== 'resolved' && d.members.some((x) => e.members.includes(x)),
      );
      ok = holders.length === 0 && (await matchedTogether(store.read, e.members));
    } else {
      const hits = produced.filter((d) => satisfies(d, e));
      hits.forEach((d) => explained.add(d.id));
      ok = hits.length > 0;
    }
    if (ok) k.found++;
    else {
      missed.push({
        ...e,
        found: produced
          .filter((d) => d.members.some((x) => e.members.includes(x)))
          .map((d) => ({ id: d.id, type: d.type, runDate: d.runDate, members: d.members })),
      });
    }
  }
  for (const k of Object.values(byKind)) k.recall = k.expected === 0 ? 1 : k.found / k.expected;
  const spurious = produced
    .filter((d) => !explained.has(d.id))
    .map((d) => ({
      id: d.id,
      type: d.type,
      channel: d.channel,
      runDate: d.runDate,
      businessDate: d.businessDate,
      state: d.state,
      amountFen: d.amountFen,
      members: d.members,
    }));
  const found = expectations.length - missed.length;
  return {
    recall: expectations.length === 0 ? 1 : found / expectations.length,
    precision: produced.length === 0 ? 1 : explained.size / produced.length,
    expected: expectations.length,
    found,
    produced: produced.length,
    explained: explained.size,
    byKind,
    outOfScope,
    missed,
    spurious,
  };
}
