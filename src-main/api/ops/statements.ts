// Operations of the statements room: import (and preview), the calendar, files, lines, versions.
import { z } from 'zod';
import { op } from '../define';
import { PageRequest, type PageResult } from '../grid-types';
import type { JobState } from '../../jobs/runner';
import type { CalendarCell, StatementFileRow, StatementLineRow } from '../../store/statements';
import type { PrintedLine } from '../../statements/printed';
import { CHANNEL_CODES } from '../../domain/channels';
import { UserId } from './foundation';

const MAX_FILE_BASE64 = 90 * 1024 * 1024; // ~64 MiB of bytes: bigger files go through the CLI

export const ImportFileInput = z
  .object({
    name: z.string().trim().min(1).max(255),
    contentBase64: z.string().max(MAX_FILE_BASE64).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64'),
  })
  .strict();

export const statementOps = {
  /** Import (or, with dryRun, preview) files; a job whose result is one ImportReport per file. */
  'statements.import': op<JobState>()(
    z
      .object({
        files: z.array(ImportFileInput).min(1).max(100),
        channel: z.enum(CHANNEL_CODES).optional(),
        date: z.iso.date().optional(),
        acceptMismatch: z.boolean().default(false),
        replace: z.boolean().default(false),
        dryRun: z.boolean().default(false),
        actor: UserId,
      })
      .strict(),
  ),
  'statements.calendar': op<CalendarCell[]>()(
    z
      .object({ from: z.iso.date(), to: z.iso.date() })
      .strict()
      .refine((v) => v.from <= v.to && Date.parse(v.to) - Date.parse(v.from) <= 366 * 86400000, 'from ≤ to, at most a year'),
  ),
  'statements.files': op<StatementFileRow[]>()(z.object({ date: z.iso.date().optional() }).strict()),
  'statements.lines.page': op<PageResult<StatementLineRow>>()(PageRequest),
  /** The lines' values as the file printed them, by column name (a page of the lines grid at most). */
  'statements.lines.printed': op<PrintedLine[]>()(
    z.object({ lineIds: z.array(z.number().int().positive()).min(1).max(500) }).strict(),
  ),
  'statements.confirmReplace': op<StatementFileRow[]>()(
    z.object({ fileId: z.number().int().positive(), actor: UserId, reason: z.string().trim().min(2).max(200) }).strict(),
  ),
  /** Copy the cash register template for download (a job result, like exports). */
  'statements.cashTemplate': op<JobState>()(z.object({ format: z.enum(['xlsx', 'csv']) }).strict()),
};
