// Operations of reconciliation: runs (a job), the workbench, the discrepancy grid, candidates for
// manual matching, and every decision (with its actor): match, unmatch, adjustments and write-offs
// (four eyes), carry forward, refund requests, sign-off.
import { z } from 'zod';
import { op } from '../define';
import { PageRequest } from '../grid-types';
import type { JobState } from '../../jobs/runner';
import { CHANNEL_CODES } from '../../domain/channels';
import type {
  AdjustmentRow, Candidate, DiscDetail, DiscrepancyPage, MatchView, ProofFigures, WorkbenchCell,
} from '../../store/recon';
import { UserId } from './foundation';

const Channel = z.enum(CHANNEL_CODES);
const Hex32 = z.string().regex(/^[0-9a-f]{32}$/, 'a 32-digit lower-case hex id');
/** A member's natural key: P|payment_no, R|refund_no or L|channel|day|kind|id (see store/recon-keys.ts). */
const MemberKey = z.string().trim().min(3).max(300).regex(/^(P|R)\|[^|]+$|^L\|[a-z]+\|\d{4}-\d{2}-\d{2}\|[PRVFSA]\|.+$/, 'a member key P|…, R|… or L|channel|day|kind|id');
const ReasonCode = z.string().trim().min(1).max(40).regex(/^[\w.-]+$/, 'letters, digits, . _ - only');
const Comment = z.string().trim().min(2).max(500);
const span = (days: number) => (v: { from: string; to: string }) => v.from <= v.to && Date.parse(v.to) - Date.parse(v.from) <= days * 86_400_000;

const Act = { actor: UserId, reasonCode: ReasonCode, comment: Comment };
const Proposal = z.object({ discrepancyId: Hex32, amountFen: z.number().int().safe().optional(), ...Act }).strict();
const Decision = z.object({ adjustmentId: z.number().int().positive(), actor: UserId, comment: Comment.optional() }).strict();
const Rejection = z.object({ adjustmentId: z.number().int().positive(), actor: UserId, comment: Comment }).strict();

export const reconOps = {
  /** Reconcile days × channels; a job whose result is one summary per channel-day. */
  'recon.run': op<JobState>()(
    z
      .object({ date: z.iso.date(), to: z.iso.date().optional(), channels: z.array(Channel).min(1).max(7).optional(), actor: UserId })
      .strict()
      .refine((v) => span(62)({ from: v.date, to: v.to ?? v.date }), 'date ≤ to, at most 62 days'),
  ),
  'recon.workbench': op<WorkbenchCell[]>()(
    z.object({ from: z.iso.date(), to: z.iso.date() }).strict().refine(span(92), 'from ≤ to, at most 92 days'),
  ),
  'discrepancies.page': op<DiscrepancyPage>()(PageRequest),
  'recon.discrepancy': op<DiscDetail | null>()(z.object({ id: Hex32 }).strict()),
  'recon.candidates': op<{ internal: Candidate[]; statement: Candidate[]; suggestions: MatchView[] }>()(
    z.object({ channel: Channel, date: z.iso.date() }).strict(),
  ),
  'recon.match': op<MatchView>()(
    z.object({ members: z.array(MemberKey).min(2).max(50), allowDifference: z.boolean().default(false), ...Act }).strict(),
  ),
  'recon.unmatch': op<MatchView>()(z.object({ matchId: Hex32, itemKey: MemberKey.optional(), ...Act }).strict()),
  'recon.adjust.propose': op<AdjustmentRow>()(Proposal),
  'recon.adjust.approve': op<AdjustmentRow>()(Decision),
  'recon.adjust.reject': op<AdjustmentRow>()(Rejection),
  'recon.writeoff': op<AdjustmentRow>()(Proposal),
  'recon.writeoff.approve': op<AdjustmentRow>()(Decision),
  'recon.writeoff.reject': op<AdjustmentRow>()(Rejection),
  'recon.carry': op<DiscDetail>()(z.object({ discrepancyId: Hex32, until: z.iso.date(), ...Act }).strict()),
  'recon.refundRequest': op<{ taskId: number; discrepancy: DiscDetail }>()(z.object({ discrepancyId: Hex32, ...Act }).strict()),
  'recon.signoff': op<ProofFigures>()(z.object({ channel: Channel, date: z.iso.date(), actor: UserId }).strict()),
  'recon.reopen': op<{ reopened: true }>()(z.object({ channel: Channel, date: z.iso.date(), ...Act }).strict()),
  /** Adjustments and write-offs for the approvals view (one state or all), newest first. */
  'recon.adjustments': op<AdjustmentRow[]>()(
    z.object({ state: z.enum(['proposed', 'approved', 'rejected']).optional(), limit: z.number().int().min(1).max(1000).default(200) }).strict(),
  ),
};
