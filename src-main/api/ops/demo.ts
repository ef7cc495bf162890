// DEMO COMPANY ONLY. The sandbox renders every channel's statement files from the demo company's
// central data (with injected anomalies); this operation imports them for chosen days through the
// real import service, so a freshly synced demo company has something to reconcile and review.
// A real company refuses it (its statements come from downloads and the user's own files).
import { z } from 'zod';
import { op } from '../define';
import type { JobState } from '../../jobs/runner';
import { UserId } from './foundation';

/** What the import job returns: how many files ended in each state. */
export interface DemoStatementsResult {
  days: number;
  files: number;
  imported: number;
  duplicate: number;
  pending: number;
  rejected: number;
}

export const demoOps = {
  'demo.statements.import': op<JobState>()(
    z
      .object({ from: z.iso.date(), to: z.iso.date(), actor: UserId })
      .strict()
      .refine((v) => v.from <= v.to && Date.parse(v.to) - Date.parse(v.from) <= 62 * 86_400_000, 'from ≤ to, at most 62 days'),
  ),
};
