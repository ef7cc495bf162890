// The month-end checklist (domain.md step 6): every day × channel with activity has its statement,
// is reconciled (proof holds, signed off), its open items are aged and explained, no adjustment waits
// for approval, and its journals are exported. Computed from the store every time: nothing is cached
// that could disagree with the days themselves.
import type { ReadDb } from '../store/db';
import { workbench, AGE_BUCKETS } from '../store/recon';
import { journalExportStatus } from '../store/journal';
import {
  adjustmentsOf, dailyMatchFigures, internalActivity, openItemsOf, periodRow,
  type OpenItemRow, type PeriodAdjustmentRow, type PeriodRow,
} from '../store/periods';
import { AppError } from '../api/errors';

export const CHECK_KEYS = ['statements', 'reconciled', 'openItems', 'adjustments', 'journals'] as const;
export type CheckKey = (typeof CHECK_KEYS)[number];

export interface CheckItem {
  key: CheckKey;
  ok: boolean;
  /** Channel-days (or items) the check looked at, and how many fail it. */
  total: number;
  failing: number;
  /** The first few failing places, for a person to go to: 'wechat 2026-10-03' or a discrepancy id. */
  examples: string[];
}

export interface DayCell {
  businessDate: string;
  channel: string;
  /** Something happened: a statement arrived or internal items were booked. */
  active: boolean;
  statementFiles: number;
  internalCount: number;
  ran: boolean;
  proofOk: boolean | null;
  signedOffBy: string | null;
  matchRate: number | null;
  openCount: number;
  openFen: number;
  pendingAdjustments: number;
  journalDocuments: number;
  journalDrafts: number;
  /** Which checks this cell fails (empty when it is ready or idle). */
  failing: CheckKey[];
}

export interface OpenItem extends OpenItemRow {
  bucket: (typeof AGE_BUCKETS)[number];
  /** What explains the item: a person's note, the comment of a carry / refund request / proposal, or the engine's timing carry. */
  explanation: string | null;
}

export interface DaySeries {
  businessDate: string;
  /** Auto-matched statement lines ÷ statement lines over all channels run that day (0..1), null before any run. */
  matchRate: number | null;
  openFen: number;
  openCount: number;
}

export interface PeriodView extends PeriodRow {
  from: string;
  to: string;
  ready: boolean;
  checklist: CheckItem[];
  cells: DayCell[];
  openItems: OpenItem[];
  ageing: { bucket: (typeof AGE_BUCKETS)[number]; count: number; fen: number }[];
  adjustments: PeriodAdjustmentRow[];
  series: DaySeries[];
}

export function periodRange(period: string): { from: string; to: string } {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (!m) throw new AppError('invalid_input', `"${period}" is not a period YYYY-MM`);
  const last = new Date(Date.UTC(Number(m[1]), Number(m[2]), 0)).getUTCDate();
  return { from: `${period}-01`, to: `${period}-${String(last).padStart(2, '0')}` };
}

const bucketOf = (age: number): (typeof AGE_BUCKETS)[number] =>
  age <= 1 ? '0-1' : age <= 3 ? '2-3' : age <= 7 ? '4-7' : age <= 30 ? '8-30' : '>30';

function explanationOf(i: OpenItemRow): string | null {
  if (i.note) return i.note;
  if (i.decisionComment) return `${i.decisionKind}: ${i.decisionComment}`;
  // The engine carries a timing difference itself: the next days' statements are expected to hold it.
  if (i.type === 'timing' && i.state === 'carried') return `timing${i.carryUntil ? ` → ${i.carryUntil}` : ''}`;
  return null;
}

const EXAMPLES = 8;

export async function periodView(read: ReadDb, period: string): Promise<PeriodView> {
  const { from, to } = periodRange(period);
  const [row, wb, activity, journals, open, adjustments, daily] = await Promise.all([
    periodRow(read, period), workbench(read, from, to), internalActivity(read, from, to), journalExportStatus(read, from, to),
    openItemsOf(read, from, to), adjustmentsOf(read, from, to), dailyMatchFigures(read, from, to),
  ]);
  const key = (c: string | null, d: string) => `${c ?? ''}|${d}`;
  const activityBy = new Map(activity.map((a) => [key(a.channel, a.businessDate), a.n]));
  const journalsBy = new Map(journals.map((j) => [key(j.channel, j.businessDate), j]));
  const openItems: OpenItem[] = open.map((i) => ({ ...i, bucket: bucketOf(i.ageDays), explanation: explanationOf(i) }));
  const unexplainedBy = new Map<string, number>();
  for (const i of openItems) if (!i.explanation) unexplainedBy.set(key(i.channel, i.businessDate), (unexplainedBy.get(key(i.channel, i.businessDate)) ?? 0) + 1);

  const cells: DayCell[] = wb.map((w) => {
    const internalCount = activityBy.get(key(w.channel, w.businessDate)) ?? 0;
    const j = journalsBy.get(key(w.channel, w.businessDate));
    const active = w.statementFiles > 0 || internalCount > 0 || w.openCount > 0;
    const failing: CheckKey[] = [];
    if (active) {
      if (internalCount > 0 && w.statementFiles === 0) failing.push('statements');
      if (!w.ran || !w.proof?.ok || w.status !== 'reconciled') failing.push('reconciled');
      if ((unexplainedBy.get(key(w.channel, w.businessDate)) ?? 0) > 0) failing.push('openItems');
      if (w.pendingAdjustments > 0) failing.push('adjustments');
      // Booked items must reach SAP; a day with only statement lines may have nothing to book.
      if (j ? !j.allExported : internalCount > 0) failing.push('journals');
    }
    return {
      businessDate: w.businessDate, channel: w.channel, active, statementFiles: w.statementFiles, internalCount, ran: w.ran,
      proofOk: w.proof ? w.proof.ok : null, signedOffBy: w.signedOffBy, matchRate: w.matchRate, openCount: w.openCount, openFen: w.openFen,
      pendingAdjustments: w.pendingAdjustments, journalDocuments: j?.documents ?? 0, journalDrafts: j?.drafts ?? 0, failing,
    };
  });

  const activeCells = cells.filter((c) => c.active);
  const cellCheck = (k: CheckKey, among: DayCell[]): CheckItem => {
    const bad = among.filter((c) => c.failing.includes(k));
    return { key: k, ok: bad.length === 0, total: among.length, failing: bad.length, examples: bad.slice(0, EXAMPLES).map((c) => `${c.channel} ${c.businessDate}`) };
  };
  const unexplained = openItems.filter((i) => !i.explanation);
  const pending = adjustments.filter((a) => a.state === 'proposed');
  const checklist: CheckItem[] = [
    cellCheck('statements', activeCells.filter((c) => c.internalCount > 0)),
    cellCheck('reconciled', activeCells),
    // Items without a channel (order completeness) belong to no cell but must be explained too.
    { key: 'openItems', ok: unexplained.length === 0, total: openItems.length, failing: unexplained.length, examples: unexplained.slice(0, EXAMPLES).map((i) => i.id) },
    { key: 'adjustments', ok: pending.length === 0, total: adjustments.length, failing: pending.length, examples: pending.slice(0, EXAMPLES).map((a) => String(a.id)) },
    cellCheck('journals', activeCells),
  ];

  const openByDay = new Map<string, { n: number; fen: number }>();
  for (const i of openItems) {
    const o = openByDay.get(i.businessDate) ?? { n: 0, fen: 0 };
    o.n += 1;
    o.fen += Math.abs(i.amountFen);
    openByDay.set(i.businessDate, o);
  }
  const dailyBy = new Map(daily.map((d) => [d.businessDate, d]));
  const series: DaySeries[] = [...new Set(cells.map((c) => c.businessDate))].map((d) => {
    const m = dailyBy.get(d);
    return {
      businessDate: d,
      matchRate: m ? (m.statementCount === 0 ? 1 : Math.round((m.autoCount / m.statementCount) * 10_000) / 10_000) : null,
      openFen: openByDay.get(d)?.fen ?? 0,
      openCount: openByDay.get(d)?.n ?? 0,
    };
  });
  const ageing = AGE_BUCKETS.map((b) => {
    const inB = openItems.filter((i) => i.bucket === b);
    return { bucket: b, count: inB.length, fen: inB.reduce((a, i) => a + Math.abs(i.amountFen), 0) };
  });
  return { ...row, from, to, ready: checklist.every((c) => c.ok), checklist, cells, openItems, ageing, adjustments, series };
}
