// Aggregate: sync cursors and the history of sync runs.
import type { ReadDb, WriteTx } from './db';

export async function getCursor(read: ReadDb, entity: string): Promise<string | null> {
  const row = await read.get<{ cursor: string }>('SELECT cursor FROM sync_cursor WHERE entity = ?', [entity]);
  return row?.cursor ?? null;
}

/** Written in the same transaction as the page it follows, so page and cursor commit together. */
export async function setCursor(tx: WriteTx, entity: string, cursor: string): Promise<void> {
  await tx.run(
    `INSERT INTO sync_cursor (entity, cursor, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (entity) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
    [entity, cursor, new Date().toISOString()],
  );
}

export async function startSyncRun(tx: WriteTx): Promise<number> {
  const r = await tx.run("INSERT INTO sync_run (started_at, outcome) VALUES (?, 'running')", [
    new Date().toISOString(),
  ]);
  return r.lastID;
}

export async function finishSyncRun(
  tx: WriteTx,
  id: number,
  outcome: 'ok' | 'failed' | 'cancelled',
  records: number,
  message: string | null,
): Promise<void> {
  await tx.run('UPDATE sync_run SET finished_at = ?, outcome = ?, records = ?, message = ? WHERE id = ?', [
    new Date().toISOString(),
    outcome,
    records,
    message,
    id,
  ]);
}

export interface SyncRunRow {
  id: number;
  startedAt: string;
  finishedAt: string | null;
  outcome: string;
  records: number;
  message: string | null;
}

export async function lastSyncRun(read: ReadDb): Promise<SyncRunRow | null> {
  const row = await read.get<SyncRunRow>(
    `SELECT id, started_at AS startedAt, finished_at AS finishedAt, outcome, records, message
     FROM sync_run ORDER BY id DESC LIMIT 1`,
  );
  return row ?? null;
}

/** Every feed cursor (entity, cursor), by entity. */
export async function listCursors(read: ReadDb): Promise<{ entity: string; cursor: string }[]> {
  return read.all<{ entity: string; cursor: string }>('SELECT entity, cursor FROM sync_cursor ORDER BY entity');
}

/** Forget a feed's cursor (the platform expired it): the next page starts from the beginning. */
export async function clearCursor(tx: WriteTx, entity: string): Promise<void> {
  await tx.run('DELETE FROM sync_cursor WHERE entity = ?', [entity]);
}

/**
 * Runs still marked 'running' when a new sync starts were cut short (the process ended: crash,
 * kill, power loss). Their pages are committed; mark them failed so the history says so.
 */
export async function markInterruptedSyncRuns(tx: WriteTx): Promise<number> {
  const r = await tx.run(
    `UPDATE sync_run SET outcome = 'failed', finished_at = ?, message = 'interrupted: the process ended before the sync finished'
     WHERE outcome = 'running'`,
    [new Date().toISOString()],
  );
  return r.changes;
}

/** The most recent runs, newest first. */
export async function listSyncRuns(read: ReadDb, limit = 20): Promise<SyncRunRow[]> {
  return read.all<SyncRunRow>(
    `SELECT id, started_at AS startedAt, finished_at AS finishedAt, outcome, records, message
     FROM sync_run ORDER BY id DESC LIMIT ?`,
    [limit],
  );
}
