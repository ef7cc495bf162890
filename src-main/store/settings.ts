// Aggregate: key/value settings and local users. Secrets never live here (see secrets in api/).
import type { ReadDb, WriteTx } from './db';

export async function getSetting(read: ReadDb, key: string): Promise<string | null> {
  const row = await read.get<{ value: string }>('SELECT value FROM setting WHERE key = ?', [key]);
  return row?.value ?? null;
}

export async function getSettings(read: ReadDb): Promise<Record<string, string>> {
  const rows = await read.all<{ key: string; value: string }>('SELECT key, value FROM setting ORDER BY key');
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

export async function putSetting(tx: WriteTx, key: string, value: string): Promise<void> {
  await tx.run(
    'INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    [key, value],
  );
}

export interface AppUser {
  userId: string;
  displayName: string;
}

export async function listUsers(read: ReadDb): Promise<AppUser[]> {
  return read.all<AppUser>('SELECT user_id AS userId, display_name AS displayName FROM app_user ORDER BY user_id');
}

export async function addUser(tx: WriteTx, user: AppUser): Promise<void> {
  await tx.run('INSERT INTO app_user (user_id, display_name, created_at) VALUES (?, ?, ?)', [
    user.userId,
    user.displayName,
    new Date().toISOString(),
  ]);
}
