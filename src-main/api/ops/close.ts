// Month-end close (design/domain.md step 6): the period's checklist, the preparer's and the
// reviewer's sign-off, the lock and its reopening, explanations of items still open, and the close
// pack (a job writing the .xlsx for review).
import { z } from 'zod';
import { op } from '../define';
import type { JobState } from '../../jobs/runner';
import type { PeriodView } from '../../close/checklist';
import type { PeriodRow } from '../../store/periods';
import { UserId } from './foundation';

const Period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a period YYYY-MM');

/** What a close-pack job returns (file and fileName let the window save it). */
export interface ClosePackResult {
  file: string;
  fileName: string;
  sheets: string[];
  openItems: number;
  ready: boolean;
}

export const closeOps = {
  'close.periods': op<PeriodRow[]>()(z.object({}).strict()),
  'close.period': op<PeriodView>()(z.object({ period: Period }).strict()),
  'close.signoff': op<PeriodView>()(z.object({ period: Period, role: z.enum(['preparer', 'reviewer']), actor: UserId }).strict()),
  'close.lock': op<PeriodView>()(z.object({ period: Period, actor: UserId }).strict()),
  'close.reopen': op<PeriodView>()(z.object({ period: Period, actor: UserId, reason: z.string().trim().min(2).max(500) }).strict()),
  'close.explain': op<{ id: number }>()(
    z.object({ discrepancyId: z.string().regex(/^[0-9a-f]{32}$/, 'a 32-digit lower-case hex id'), text: z.string().trim().min(2).max(500), actor: UserId }).strict(),
  ),
  'close.pack': op<JobState>()(z.object({ period: Period, language: z.enum(['zh', 'en']).default('zh') }).strict()),
};
