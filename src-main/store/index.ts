// The store: one SQLite file, migrated on open. Services receive a Store and use the aggregate
// modules beside this file; nothing outside store/ writes SQL.
import { Db } from './db';
import { migrate } from './migrate';

export type Store = Db;

export async function openStore(file: string): Promise<Store> {
  const db = await Db.open(file);
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
