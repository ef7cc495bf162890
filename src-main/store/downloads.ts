// Aggregate: statement download attempts. Each attempt (by a person, the CLI or the 14:30
// scheduler) is an append-only row of the audit log (entity statement_download, id channel:date),
// so it shows in the audit grid beside the import it led to; no table of its own is needed.
import type { ReadDb, WriteTx } from './db';
import { audit } from './audit';

export const DOWNLOAD_ENTITY = 'statement_download';
export const DOWNLOAD_ACTION = 'downloads.attempt';

export type DownloadTrigger = 'manual' | 'schedule' | 'cli';
export type DownloadOutcome = 'imported' | 'duplicate' | 'rejected' | 'failed';

export interface DownloadAttempt {
  channel: string;
  businessDate: string;
  trigger: DownloadTrigger;
  actor: string;
  startedAt: string;
  finishedAt: string;
  outcome: DownloadOutcome;
  /** imported: active or pending (a new version waiting for confirmation). */
  state: 'active' | 'pending' | null;
  fileId: number | null;
  fileName: string | null;
  /** A DownloadError code, or the first import error's code. */
  errorCode: string | null;
  message: string;
}

export interface DownloadAttemptRow extends DownloadAttempt {
  id: number;
}

export async function recordDownloadAttempt(tx: WriteTx, a: DownloadAttempt): Promise<void> {
  await audit(tx, {
    userId: a.actor,
    action: DOWNLOAD_ACTION,
    entity: DOWNLOAD_ENTITY,
    entityId: `${a.channel}:${a.businessDate}`,
    before: null,
    after: a,
    reason: a.outcome === 'failed' || a.outcome === 'rejected' ? a.message : null,
  });
}

/** The latest attempts, newest first (optionally of one channel). */
export async function recentDownloadAttempts(
  read: ReadDb,
  limit: number,
  channel?: string,
): Promise<DownloadAttemptRow[]> {
  const rows = channel
    ? await read.all<{ id: number; after: string }>(
        `SELECT id, after_json AS after FROM audit_log
         WHERE entity = ? AND entity_id >= ? AND entity_id < ? AND action = ? ORDER BY id DESC LIMIT ?`,
        [DOWNLOAD_ENTITY, `${channel}:`, `${channel};`, DOWNLOAD_ACTION, limit],
      )
    : await read.all<{ id: number; after: string }>(
        `SELECT id, after_json AS after FROM audit_log WHERE entity = ? AND action = ? ORDER BY id DESC LIMIT ?`,
        [DOWNLOAD_ENTITY, DOWNLOAD_ACTION, limit],
      );
  return rows.map((r) => ({ id: r.id, ...(JSON.parse(r.after) as DownloadAttempt) }));
}

/** Business days in [from, to] that have an active statement file of the channel. */
export async function daysWithActiveStatement(
  read: ReadDb,
  channel: string,
  from: string,
  to: string,
): Promise<Set<string>> {
  const rows = await read.all<{ d: string }>(
    `SELECT DISTINCT business_date AS d FROM statement_file
     WHERE business_date BETWEEN ? AND ? AND channel = ? AND status = 'active'`,
    [from, to, channel],
  );
  return new Set(rows.map((r) => r.d));
}
