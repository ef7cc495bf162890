// Generate the journals of business days and store them. Drafts are simply replaced; an exported
// document is never changed: when its day now books differently, it gets a reversal document
// (V turned into a letter) and the new content is issued as version V+1 (design/journal-sap.md §5).
import type { Store } from '../store';
import type { JournalDoc, NewJournalDoc } from '../store/journal';
import {
  adjustmentSources, currentRules, deleteDraftDocs, docsInRange, docsOfGroup, feeSources, insertDoc, linesOfDocs, markReversed,
  paymentSources, refundSources, settlementSources,
} from '../store/journal';
import { audit } from '../store/audit';
import { getSetting } from '../store/settings';
import type { Channel } from '../domain/channels';
import { MAX_VERSION, buildDocs, sourceItems, xblnr, type BuildProblem, type BuiltDoc } from './build';
import type { EventType } from './rules';
import { assertDaysOpen, daysBetween } from '../close/locks';

export const SETTING_COMPANY_CODE = 'journal.companyCode';
export const DEFAULT_COMPANY_CODE = '1000';

export class JournalError extends Error {
  constructor(
    readonly code: 'invalid_input' | 'conflict' | 'not_found' | 'locked',
    message: string,
  ) {
    super(message);
  }
}

export interface GenerateResult {
  from: string;
  to: string;
  created: number; // documents written (drafts, new versions, reversals)
  reversals: number;
  unchanged: number;
  problems: BuildProblem[];
}

export async function companyCode(store: Store): Promise<string> {
  return (await getSetting(store.read, SETTING_COMPANY_CODE)) ?? DEFAULT_COMPANY_CODE;
}

function reversalOf(old: JournalDoc, lines: NewJournalDoc['lines']): NewJournalDoc {
  const text = `冲销 ${old.xblnr}`;
  return {
    xblnr: xblnr(old.channel as Channel, old.businessDate, old.event as EventType, old.part, old.version, true),
    companyCode: old.companyCode,
    businessDate: old.businessDate,
    channel: old.channel,
    event: old.event,
    part: old.part,
    version: old.version,
    kind: 'reversal',
    reversesId: old.id,
    docType: old.docType,
    headerText: text,
    status: 'draft',
    contentHash: '',
    lines: lines.map((l) => ({
      ...l,
      debitFen: l.creditFen,
      creditFen: l.debitFen,
      itemText: text,
      sources: [{ source: `J|${old.xblnr}`, amountFen: l.debitFen + l.creditFen }],
    })),
  };
}

function entryOf(b: BuiltDoc, company: string, version: number): NewJournalDoc {
  return {
    xblnr: xblnr(b.channel, b.businessDate, b.event, b.part, version),
    companyCode: company,
    businessDate: b.businessDate,
    channel: b.channel,
    event: b.event,
    part: b.part,
    version,
    kind: 'entry',
    reversesId: null,
    docType: b.docType,
    headerText: b.headerText,
    status: 'draft',
    contentHash: b.postingHash,
    lines: b.lines,
  };
}

/** (Re)generate the journals of the days from..to and store them in one transaction. */
export async function generateJournals(store: Store, input: { from: string; to: string; actor: string }): Promise<GenerateResult> {
  const { from, to, actor } = input;
  // A locked period is read-only: no new version or reversal may appear in it.
  await assertDaysOpen(store.read, daysBetween(from, to), `generating journals of ${from}…${to}`);
  const read = store.read;
  const [payments, refunds, fees, settlements, adjustments, rules, company] = await Promise.all([
    paymentSources(read, from, to),
    refundSources(read, from, to),
    feeSources(read, from, to),
    settlementSources(read, from, to),
    adjustmentSources(read, from, to),
    currentRules(read),
    companyCode(store),
  ]);
  const { docs, problems } = buildDocs(sourceItems({ payments, refunds, fees, settlements, adjustments }), rules);
  const built = new Map<string, BuiltDoc[]>();
  for (const d of docs) {
    const k = `${d.businessDate}|${d.channel}|${d.event}`;
    const list = built.get(k);
    if (list) list.push(d);
    else built.set(k, [d]);
  }
  return store.write(async (tx) => {
    const result: GenerateResult = { from, to, created: 0, reversals: 0, unchanged: 0, problems };
    const groups = new Set(built.keys());
    for (const d of await docsInRange(tx, from, to)) groups.add(`${d.businessDate}|${d.channel}|${d.event}`);
    for (const g of [...groups].sort()) {
      const [date, channel, event] = g.split('|') as [string, Channel, EventType];
      const fresh = built.get(g) ?? [];
      const existing = await docsOfGroup(tx, date, channel, event);
      const entries = existing.filter((d) => d.kind === 'entry');
      const latest = entries.reduce((v, d) => Math.max(v, d.version), -1);
      const current = entries.filter((d) => d.version === latest);
      const exported = current.filter((d) => d.status !== 'draft');
      if (exported.length === 0) {
        // Nothing of this version left the workstation: replace the drafts (unless identical).
        const same =
          current.length === fresh.length && current.every((d, i) => d.contentHash === fresh[i]!.postingHash && d.part === fresh[i]!.part);
        // Same postings keep their reference; the trace is refreshed (another payment of the same amount).
        await deleteDraftDocs(tx, current.map((d) => d.id));
        const version = Math.max(latest, 0);
        for (const b of fresh) await insertDoc(tx, entryOf(b, company, version), actor);
        if (same && current.length > 0) result.unchanged += fresh.length;
        else result.created += fresh.length;
        continue;
      }
      const same = exported.length === fresh.length && exported.every((d, i) => d.contentHash === fresh[i]!.postingHash);
      if (same) {
        result.unchanged += fresh.length;
        continue;
      }
      if (latest + 1 > MAX_VERSION) {
        problems.push({ businessDate: date, channel, event, message: `${exported[0]!.xblnr}: more than ${MAX_VERSION + 1} versions; correct it in SAP by hand` });
        continue;
      }
      const oldLines = await linesOfDocs(tx, exported.map((d) => d.id));
      for (const old of exported) {
        if (old.status !== 'exported') continue; // already reversed
        await insertDoc(tx, reversalOf(old, oldLines.get(old.id) ?? []), actor);
        await markReversed(tx, old.id);
        result.reversals++;
        await audit(tx, {
          userId: actor, action: 'journal.reverse', entity: 'journal_doc', entityId: old.xblnr,
          before: { status: 'exported', contentHash: old.contentHash },
          after: { status: 'reversed', newVersion: latest + 1, parts: fresh.length }, reason: 'the day books differently after export',
        });
      }
      for (const b of fresh) await insertDoc(tx, entryOf(b, company, latest + 1), actor);
      result.created += fresh.length;
    }
    return result;
  });
}
