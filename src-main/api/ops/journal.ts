// Journals and the SAP export (design/journal-sap.md): posting rules and the chart of accounts,
// generation with its validation report, the preview grid, export jobs and the export register.
import { z } from 'zod';
import { op } from '../define';
import { PageRequest, type PageResult } from '../grid-types';
import type { JobState } from '../../jobs/runner';
import { UserId } from './foundation';
import { CHANNEL_CODES, BILLING_KINDS } from '../../domain/channels';
import { EVENT_TYPES, GRANULARITIES, type GlAccount, type PostingRule } from '../../journal/rules';
import { EXPORT_FORMATS } from '../../journal/sap-files';
import type {
  DayExportStatus, ExportBatch, JournalDoc, JournalLine, JournalLineGridRow, JournalTotals, RuleHistoryRow, TraceRow,
} from '../../store/journal';
import type { ValidationProblem } from '../../journal/validate';
import type { ExportResult } from '../../journal/export';

const Scope = z
  .object({ date: z.iso.date().optional(), period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM').optional() })
  .strict()
  .refine((v) => (v.date === undefined) !== (v.period === undefined), 'give either date or period');

const Text = (max: number) => z.string().max(max);

export const PostingRuleInput = z
  .object({
    event: z.enum(EVENT_TYPES),
    channel: z.enum([...CHANNEL_CODES, '*']),
    billing: z.enum([...BILLING_KINDS, '*']),
    drAccount: Text(10),
    crAccount: Text(10),
    costCenter: Text(10),
    profitCenter: Text(10),
    docType: Text(2),
    headerText: Text(80),
    itemText: Text(120),
    assignment: Text(60),
    granularity: z.enum(GRANULARITIES),
  })
  .strict();

export interface JournalRulesView {
  rules: PostingRule[];
  accounts: GlAccount[];
}

export interface JournalPreview {
  from: string;
  to: string;
  totals: JournalTotals;
  problems: ValidationProblem[];
}

/** What an export job returns (file and fileName let the window save it): the export without its warnings. */
export type JournalExportResult = Omit<ExportResult, 'problems'>;

export const journalOps = {
  'journal.rules.list': op<JournalRulesView>()(z.object({}).strict()),
  'journal.rules.history': op<RuleHistoryRow[]>()(z.object({ key: z.string().max(80) }).strict()),
  'journal.rules.save': op<PostingRule>()(
    z.object({ rule: PostingRuleInput, actor: UserId, reason: z.string().trim().min(1).max(500) }).strict(),
  ),
  'journal.accounts.save': op<GlAccount>()(
    z
      .object({
        account: z.string().trim().min(1).max(10),
        name: z.string().trim().min(1).max(60),
        open: z.boolean(),
        actor: UserId,
        reason: z.string().trim().min(1).max(500),
      })
      .strict(),
  ),
  /** Regenerate the scope's journals and report every problem before export. */
  'journal.generate': op<JournalPreview>()(z.object({ scope: Scope, actor: UserId }).strict()),
  'journal.lines.page': op<PageResult<JournalLineGridRow>>()(
    PageRequest.extend({ from: z.iso.date(), to: z.iso.date() }),
  ),
  'journal.export': op<JobState>()(z.object({ scope: Scope, format: z.enum(EXPORT_FORMATS), actor: UserId }).strict()),
  /** Write a registered batch again (a lost file): the same bytes, checked against the register. */
  'journal.rewrite': op<JobState>()(z.object({ registerId: z.number().int().positive() }).strict()),
  'journal.register': op<ExportBatch[]>()(z.object({ limit: z.number().int().min(1).max(500).default(50) }).strict()),
  /** What one document's lines were made from: payments, refunds, statement lines, adjustments, decisions. */
  'journal.trace': op<{ doc: JournalDoc; lines: JournalLine[]; trace: TraceRow[] }>()(
    z.object({ xblnr: z.string().trim().min(1).max(16) }).strict(),
  ),
  'journal.status': op<DayExportStatus[]>()(z.object({ from: z.iso.date(), to: z.iso.date() }).strict()),
};
