import { copyFile, stat } from 'node:fs/promises';
import type { Db } from './db';
import { MIGRATIONS, type Migration } from './migrations';

export class NewerDatabaseError extends Error {
  constructor(
    readonly file: string,
    readonly dbVersion: number,
    readonly appVersion: number,
  ) {
    super(
      `The database ${file} is at schema version ${dbVersion}, newer than this app (${appVersion}). ` +
        'Open it with a newer version of the workstation; it was not changed.',
    );
  }
}

export async function schemaVersion(db: Db): Promise<number> {
  const t = await db.read.get<{ n: number }>(
    "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_migration'",
  );
  if (!t?.n) return 0;
  const row = await db.read.get<{ v: number | null }>('SELECT max(version) AS v FROM schema_migration');
  return row?.v ?? 0;
}

/**
 * Bring the schema up to date: refuse a database newer than the app, copy the file aside before
 * touching an existing database, then apply each pending migration in its own transaction.
 * Returns the path of the backup, if one was made.
 */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<string | null> {
  const latest = migrations.at(-1)?.version ?? 0;
  const current = await schemaVersion(db);
  if (current > latest) throw new NewerDatabaseError(db.file, current, latest);
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return null;

  let backup: string | null = null;
  if (current > 0 && db.file !== ':memory:') {
    await db.outsideTx('PRAGMA wal_checkpoint(TRUNCATE)');
    backup = `${db.file}.v${current}.bak`;
    await copyFile(db.file, backup);
    await stat(backup);
  }
  for (const m of pending) {
    await db.write(async (tx) => {
      await tx.exec(
        'CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
      );
      await tx.exec(m.sql);
      await tx.run('INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)', [
        m.version,
        m.name,
        new Date().toISOString(),
      ]);
    });
  }
  return backup;
}
