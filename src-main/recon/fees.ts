// Fee tolerance (reconciliation.md §4): a line's fee is right when it is within 1 fen of
// round_half_up(gross × rate), capped, for one of the rules of the payment's method. A refund line
// gives the fee back (printed negative) or keeps it (0).
import type { ChannelRules } from './config';

export type FeeRule = ChannelRules['fees'][number];

export const FEE_TOLERANCE_FEN = 1;

export function ruleFee(rule: FeeRule, grossFen: number): number {
  const fee = Math.floor((Math.abs(grossFen) * rule.ppm + 500_000) / 1_000_000);
  return rule.capFen === undefined ? fee : Math.min(fee, rule.capFen);
}

function applicable(rules: readonly FeeRule[], method: string | null): FeeRule[] {
  return rules.filter((r) => r.method === undefined || r.method === method);
}

/** The fee the contract expects on a line (the rule nearest to what was charged), signed as printed. */
export function expectedFee(rules: readonly FeeRule[], method: string | null, amountFen: number, actualFen: number): number {
  const candidates = applicable(rules, method).map((r) => (amountFen < 0 ? -ruleFee(r, amountFen) : ruleFee(r, amountFen)));
  if (amountFen < 0) candidates.push(0);
  if (candidates.length === 0) return 0;
  return candidates.reduce((best, c) => (Math.abs(c - actualFen) < Math.abs(best - actualFen) ? c : best));
}

export function feeWithinTolerance(rules: readonly FeeRule[], method: string | null, amountFen: number, actualFen: number): boolean {
  return Math.abs(expectedFee(rules, method, amountFen, actualFen) - actualFen) <= FEE_TOLERANCE_FEN;
}
