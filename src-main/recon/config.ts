// Reconciliation rules per channel (reconciliation.md §3–§5, §10): cut-offs, carry windows, fee
// schedules and the acquirer that pays each channel's settlement into the bank. Defaults live here;
// finance overrides them in the setting `recon.rules` (a JSON object of partial rules per channel).
// Every run records the rules it used and RULE_VERSION, so a result can be explained later.
import { z } from 'zod';
import { CHANNEL_CODES, PAYMENT_METHODS, type Channel } from '../domain/channels';
import { getSetting } from '../store/settings';
import type { ReadDb } from '../store/db';

/** Bumped whenever the passes or the classification change meaning. */
export const RULE_VERSION = 1;
export const SETTING_RECON_RULES = 'recon.rules';

const FeeRule = z.object({
  method: z.enum(PAYMENT_METHODS).optional(),
  ppm: z.number().int().min(0).max(1_000_000), // parts per million of the gross amount
  capFen: z.number().int().positive().optional(),
});

const Settlement = z.object({
  /** Calendar days from the statement day to the bank credit (T+1 → 1). */
  lagDays: z.number().int().min(0).max(10),
  /** The acquirer's paying account(s) as printed on our bank statement. */
  payerAccounts: z.array(z.string().trim().min(1).max(64)).max(20),
  /** Or its name (a line whose payer name contains one of these). */
  payerNames: z.array(z.string().trim().min(1).max(100)).max(20),
  /** Or a word in the remark (a cash deposit: 现金缴款). */
  remarkContains: z.array(z.string().trim().min(1).max(100)).max(20).default([]),
});

export const ChannelRules = z.object({
  /** Statement cut-off, Beijing wall clock "HH:MM"; "24:00" is midnight. */
  cutoff: z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/),
  /** Minutes before the cut-off within which an unmatched internal item is a timing difference. */
  timingWindowMinutes: z.number().int().min(0).max(24 * 60),
  /** Every unmatched internal item is carried (banks book by value date; cash is deposited later). */
  carryAll: z.boolean(),
  /** How many following statement days a carried item is retried against (roncoo: 3; wire 5). */
  bufferDays: z.number().int().min(0).max(31),
  /** The furthest a person may carry an item, in days after its business day. */
  carryCapDays: z.number().int().min(1).max(92),
  /** Internal items dated up to this many days after the statement day join its pool (wire: −1 day window). */
  lookaheadDays: z.number().int().min(0).max(3),
  /** Fee schedule: a line's fee is right when it is within 1 fen of any rule for the payment's method. */
  fees: z.array(FeeRule).max(20),
  settlement: Settlement.nullable(),
  /** Scored wire pass: the least score that confirms a unique candidate. */
  autoScore: z.number().int().min(1).max(20),
  /** Scored and grouped passes: statement day minus item day must lie in [−before, +after]. */
  dateWindow: z.object({ before: z.number().int().min(0).max(31), after: z.number().int().min(0).max(31) }),
});
export type ChannelRules = z.infer<typeof ChannelRules>;
export type RuleSet = Record<Channel, ChannelRules>;

const settlement = (payerNames: string[], remarkContains: string[] = []) => ({
  lagDays: 1,
  payerAccounts: [],
  payerNames,
  remarkContains,
});

const base: Omit<ChannelRules, 'fees' | 'settlement'> = {
  cutoff: '24:00',
  timingWindowMinutes: 10,
  carryAll: false,
  bufferDays: 3,
  carryCapDays: 31,
  lookaheadDays: 0,
  autoScore: 4,
  dateWindow: { before: 1, after: 3 },
};

// Fee schedules as the channel contracts state them (capFen in fen: 20 yuan = 2000).
export const DEFAULT_RULES: RuleSet = {
  wechat: { ...base, fees: [{ ppm: 6000 }], settlement: settlement(['财付通']) },
  alipay: { ...base, fees: [{ ppm: 6000 }], settlement: settlement(['支付宝']) },
  lakala: { ...base, fees: [{ method: 'web_qr', ppm: 3800 }, { ppm: 5500 }], settlement: settlement(['拉卡拉']) },
  unionpay: {
    ...base,
    cutoff: '23:00',
    fees: [{ method: 'pos_scan', ppm: 3800 }, { method: 'pos_card', ppm: 5000, capFen: 2000 }, { method: 'pos_card', ppm: 6000 }],
    settlement: settlement(['银联商务', '中国银联']),
  },
  allinpay: {
    ...base,
    fees: [{ method: 'pos_scan', ppm: 3800 }, { method: 'pos_card', ppm: 5500, capFen: 2500 }, { method: 'pos_card', ppm: 6000 }],
    settlement: settlement(['通联支付']),
  },
  // A cash deposit slip reaches the bank the same day or the next; the bank prints 现金 in its remark.
  cash: { ...base, carryAll: true, fees: [], settlement: settlement([], ['现金缴款', '现金存款', '缴款单']) },
  wire: { ...base, carryAll: true, bufferDays: 5, lookaheadDays: 1, fees: [], settlement: null },
};

const Overrides = z.record(z.enum(CHANNEL_CODES), ChannelRules.partial());

/** The rules in force: defaults with the `recon.rules` setting laid over them. */
export async function loadRules(read: ReadDb): Promise<RuleSet> {
  const text = await getSetting(read, SETTING_RECON_RULES);
  if (!text) return DEFAULT_RULES;
  const parsed = Overrides.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`the setting ${SETTING_RECON_RULES} is not valid: ${z.prettifyError(parsed.error)}`);
  const out = { ...DEFAULT_RULES };
  for (const [ch, over] of Object.entries(parsed.data) as [Channel, Partial<ChannelRules>][]) {
    out[ch] = ChannelRules.parse({ ...DEFAULT_RULES[ch], ...over });
  }
  return out;
}

/** The statement cut-off as 'HH:MM:SS' for SQL, or null for midnight (the calendar day). */
export function cutoffTime(rules: ChannelRules): string | null {
  return rules.cutoff === '24:00' ? null : `${rules.cutoff}:00`;
}

/** The statement day of an item: its business day, or the next when it is at or after the cut-off. */
export function statementDay(rules: ChannelRules, businessDate: string, beijingTime: string): string {
  const c = cutoffTime(rules);
  if (c === null || beijingTime < c) return businessDate;
  return new Date(Date.parse(`${businessDate}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** "HH:MM" at which the timing window opens (cut-off minus the window), for comparing with strftime('%H:%M'). */
export function timingFrom(rules: ChannelRules): string {
  const [h, m] = rules.cutoff.split(':').map(Number) as [number, number];
  const minutes = Math.max(0, h * 60 + m - rules.timingWindowMinutes);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
