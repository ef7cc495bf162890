// Operations of the foundation: app facts, overview, sync, jobs, orders and payments, export,
// settings, users and the audit log.
import { z } from 'zod';
import { op } from '../define';
import { PageRequest, type PageResult } from '../grid-types';
import type { JobState } from '../../jobs/runner';
import type { ChannelTotals, OrderGridRow, OrderPicture, PaymentGridRow, StoreTotals } from '../../store/orders';
import type { SyncRunRow } from '../../store/sync-state';
import type { AppUser } from '../../store/settings';
import type { AuditRow } from '../../store/audit';
import type { Labels, Language } from '../../domain/labels';
import { EXPORTABLE_GRID_NAMES } from '../../export/grids';

const empty = z.object({}).strict();
export const LanguageSchema = z.enum(['zh', 'en']);
export const UserId = z.string().trim().min(1).max(40).regex(/^[\w.@-]+$/, 'letters, digits, . _ @ - only');
const url = z
  .string()
  .trim()
  .max(300)
  .refine((u) => /^https?:\/\/[^\s/]+/.test(u), 'an http:// or https:// address');

export interface AppInfo {
  version: string;
  mode: 'electron' | 'web' | 'cli';
  dbFile: string;
  dataDir: string;
  /** The company this workstation keeps the books of (settings company.name / company.demo). */
  company: { name: string; demo: boolean } | null;
  language: Language;
  labels: { zh: Labels; en: Labels };
  channels: { code: string; zh: string; en: string }[];
}

export interface Overview {
  lastSync: SyncRunRow | null;
  totals: StoreTotals;
  channels: ChannelTotals[];
  runningSync: JobState | null;
}

export interface SettingsView {
  centralUrl: string;
  hasToken: boolean;
  tokenStorage: 'safeStorage' | 'file';
  dbFile: string;
  language: Language;
  users: AppUser[];
}

export const foundationOps = {
  'app.info': op<AppInfo>()(empty),
  'overview.get': op<Overview>()(
    z.object({ from: z.iso.date().optional(), to: z.iso.date().optional() }).strict(),
  ),
  'sync.start': op<JobState>()(empty),
  'jobs.get': op<JobState | null>()(z.object({ jobId: z.uuid() }).strict()),
  'jobs.list': op<JobState[]>()(empty),
  'jobs.cancel': op<{ cancelled: boolean }>()(z.object({ jobId: z.uuid() }).strict()),
  'orders.page': op<PageResult<OrderGridRow>>()(PageRequest),
  'orders.get': op<OrderPicture | null>()(z.object({ orderNo: z.string().trim().min(1).max(64) }).strict()),
  'payments.page': op<PageResult<PaymentGridRow>>()(PageRequest),
  /** Starts an export job; its result names the file to fetch through the transport's download. */
  'export.grid': op<JobState>()(
    z
      .object({
        grid: z.enum(EXPORTABLE_GRID_NAMES),
        sortModel: PageRequest.shape.sortModel,
        filterModel: PageRequest.shape.filterModel,
        language: LanguageSchema,
      })
      .strict(),
  ),
  'settings.get': op<SettingsView>()(empty),
  'settings.update': op<SettingsView>()(
    z
      .object({
        centralUrl: url.optional(),
        token: z.string().trim().min(8).max(500).optional(),
        language: LanguageSchema.optional(),
        actor: UserId,
      })
      .strict(),
  ),
  'users.add': op<AppUser[]>()(
    z.object({ userId: UserId, displayName: z.string().trim().min(1).max(60), actor: UserId }).strict(),
  ),
  'audit.page': op<PageResult<AuditRow>>()(PageRequest),
};
