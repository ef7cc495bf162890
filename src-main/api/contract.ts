// The one contract: every operation declared once with its input schema and result type. The
// Electron IPC bridge, web mode, the CLI and the renderer's client are all driven from this table.
// The renderer imports this file with `import type` only.
import type { z } from 'zod';
import type { OpSpec } from './define';
import { foundationOps } from './ops/foundation';
import { statementOps } from './ops/statements';
import { reconOps } from './ops/recon';
import { downloadOps } from './ops/downloads';
import { demoOps } from './ops/demo';
import { journalOps } from './ops/journal';
import { closeOps } from './ops/close';
import { profileOps } from './ops/profiles';

export const contract = {
  ...foundationOps,
  ...statementOps,
  ...reconOps,
  ...downloadOps,
  ...demoOps,
  ...journalOps,
  ...closeOps,
  ...profileOps,
};

export type Contract = typeof contract;
export type OpName = keyof Contract;
export type OpInput<N extends OpName> = z.input<Contract[N]['input']>;
export type OpParsedInput<N extends OpName> = z.output<Contract[N]['input']>;
export type OpResult<N extends OpName> = Contract[N] extends OpSpec<z.ZodType, infer R> ? R : never;

export type { AppEvent } from './events';
export type { WireError, ErrorCode } from './errors';
export type { PageRequest, PageResult, ColumnFilter } from './grid-types';
export type { JobState } from '../jobs/runner';
export type { AppInfo, Overview, SettingsView } from './ops/foundation';
export type { OrderGridRow, PaymentGridRow, OrderPicture, ChannelTotals } from '../store/orders';
export type { AuditRow } from '../store/audit';
export type { CalendarCell, StatementFileRow, StatementLineRow } from '../store/statements';
export type {
  AdjustmentRow, Candidate, DiscDetail, DiscrepancyGridRow, DiscrepancyPage, MatchView, ProofFigures, WorkbenchCell,
} from '../store/recon';
export type { DemoStatementsResult } from './ops/demo';
export type { JournalExportResult, JournalPreview, JournalRulesView } from './ops/journal';
export type { DayExportStatus, ExportBatch, JournalLineGridRow, RuleHistoryRow } from '../store/journal';
export type { GlAccount, PostingRule, PostingRuleFields } from '../journal/rules';
export type { ValidationProblem } from '../journal/validate';
export type { ImportReport, ImportIssue } from '../statements/import';
export type { Labels, Language } from '../domain/labels';

/** What the preload exposes as window.otd (and what web mode's client implements the same way). */
export interface OtdBridge {
  call(name: string, input: unknown): Promise<{ ok: true; result: unknown } | { ok: false; error: import('./errors').WireError }>;
  onEvent(listener: (event: import('./events').AppEvent) => void): () => void;
  /** Save a finished export job's file where the user chooses (Electron) or download it (web). */
  saveJobFile(jobId: string): Promise<{ saved: boolean; path?: string }>;
}
