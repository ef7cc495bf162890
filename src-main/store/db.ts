// The only place that talks to node-sqlite3. Writes go through one serialized queue so an async
// caller can never interleave its statements with another caller's transaction; reads use their own
// read-only connection (WAL lets them run beside a write).
import { stat } from 'node:fs/promises';
import sqlite3 from 'sqlite3';

export type SqlValue = string | number | bigint | null | Buffer;
export type Row = Record<string, unknown>;
export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

class Connection {
  constructor(readonly raw: sqlite3.Database) {}

  static open(file: string, mode: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const db = new sqlite3.Database(file, mode, (err) => (err ? reject(err) : resolve(new Connection(db))));
    });
  }

  run(sql: string, params: SqlValue[] = []): Promise<{ changes: number; lastID: number }> {
    return new Promise((resolve, reject) => {
      this.raw.run(sql, params, function (err) {
        if (err) reject(withSql(err, sql));
        else resolve({ changes: this.changes, lastID: this.lastID });
      });
    });
  }

  all<T = Row>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    return new Promise((resolve, reject) => {
      this.raw.all(sql, params, (err, rows) => (err ? reject(withSql(err, sql)) : resolve(rows as T[])));
    });
  }

  get<T = Row>(sql: string, params: SqlValue[] = []): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      this.raw.get(sql, params, (err, row) => (err ? reject(withSql(err, sql)) : resolve(row as T | undefined)));
    });
  }

  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.raw.exec(sql, (err) => (err ? reject(withSql(err, sql)) : resolve()));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.raw.close((err) => (err ? reject(err) : resolve())));
  }
}

function withSql(err: Error, sql: string): Error {
  err.message = `${err.message} [in SQL: ${sql.replace(/\s+/g, ' ').slice(0, 160)}]`;
  return err;
}

/** A read handle: it has no way to write. */
export interface ReadDb {
  all<T = Row>(sql: string, params?: SqlValue[]): Promise<T[]>;
  get<T = Row>(sql: string, params?: SqlValue[]): Promise<T | undefined>;
}

/** A write handle, valid only inside Db.write(). */
export interface WriteTx extends ReadDb {
  run(sql: string, params?: SqlValue[]): Promise<{ changes: number; lastID: number }>;
  exec(sql: string): Promise<void>;
  /**
   * Insert many rows with one statement per chunk: rows travel as one JSON text and SQLite spreads
   * them with json_each, which is ~10× faster than one INSERT per row through node-sqlite3.
   * `tail` is appended after the SELECT (e.g. an ON CONFLICT clause).
   */
  insertMany(
    table: string,
    columns: readonly string[],
    rows: readonly (SqlValue | JsonValue)[][],
    tail?: string,
    jsonColumns?: ReadonlySet<string>,
  ): Promise<void>;
}

const CHUNK = 5000;
// journal_size_limit truncates the WAL to this size when it restarts, so its size on disk tells
// whether it has grown past the threshold since the last checkpoint.
const CHECKPOINT_WAL_BYTES = 4 * 1024 * 1024;

const MMAP_BYTES = 2_147_418_112;

export class Db {
  private queue: Promise<unknown> = Promise.resolve();
  /** Bumped after every committed write: caches of query results compare against it. */
  generation = 0;

  private constructor(
    readonly file: string,
    private readonly writer: Connection,
    private readonly reader: Connection,
  ) {}

  static async open(file: string): Promise<Db> {
    const writer = await Connection.open(file, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE);
    await writer.exec(
      'PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;',
    );
    // The WAL is checkpointed after a write returns (checkpointSoon), not inside its COMMIT: a
    // million-line import need not wait for its pages to be copied into the database file.
    if (file !== ':memory:')
      await writer.exec(
        `PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = ${CHECKPOINT_WAL_BYTES};`,
      );
    // Memory-mapped reads (up to SQLite's 2 GB ceiling): a scan over a million rows no longer copies
    // every page into the page cache (a reconciliation of a million lines spends about 15 % less CPU).
    await writer.exec(`PRAGMA mmap_size = ${MMAP_BYTES};`);
    // An in-memory database is private to its connection, so reads share the writer there.
    const reader = file === ':memory:' ? writer : await Connection.open(file, sqlite3.OPEN_READONLY);
    if (reader !== writer) await reader.exec(`PRAGMA busy_timeout = 10000; PRAGMA mmap_size = ${MMAP_BYTES};`);
    return new Db(file, writer, reader);
  }

  /** Open read-only (for worker threads that only read). */
  static async openReadOnly(file: string): Promise<ReadDb & { close(): Promise<void> }> {
    const c = await Connection.open(file, sqlite3.OPEN_READONLY);
    await c.exec('PRAGMA busy_timeout = 10000;');
    return c;
  }

  get read(): ReadDb {
    return this.reader;
  }

  /** Run fn in one IMMEDIATE transaction; rolls back on any error, including cancellation. */
  write<T>(fn: (tx: WriteTx) => Promise<T>): Promise<T> {
    const next = this.queue.then(() => this.runTx(fn));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runTx<T>(fn: (tx: WriteTx) => Promise<T>): Promise<T> {
    const c = this.writer;
    const tx: WriteTx = {
      run: (sql, params) => c.run(sql, params),
      all: (sql, params) => c.all(sql, params),
      get: (sql, params) => c.get(sql, params),
      exec: (sql) => c.exec(sql),
      insertMany: async (table, columns, rows, tail = '', jsonColumns) => {
        // A JSON column travels nested (not as an escaped string) and is stored as its JSON text.
        const select = columns
          .map((col, i) => `value ${jsonColumns?.has(col) ? '->' : '->>'} ${i} AS ${col}`)
          .join(', ');
        // jsonb_each: each row comes out as JSONB, so reading its columns needs no second parse (~2× cheaper).
        const sql = `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${select} FROM jsonb_each(?) WHERE true ${tail}`;
        for (let i = 0; i < rows.length; i += CHUNK) {
          await c.run(sql, [JSON.stringify(rows.slice(i, i + CHUNK), jsonSafe)]);
        }
      },
    };
    await c.exec('BEGIN IMMEDIATE');
    try {
      const result = await fn(tx);
      await c.exec('COMMIT');
      this.generation++;
      this.checkpointSoon();
      return result;
    } catch (err) {
      await c.exec('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /**
   * Once the WAL has grown past the threshold SQLite's own auto-checkpoint uses (≈ 1000 pages),
   * copy it into the database file as the next item of the write queue: the write that grew it has
   * already returned, a later write waits for the copy. PASSIVE never blocks readers; frames a
   * reader still needs are copied by a later checkpoint.
   */
  private checkpointSoon(): void {
    if (this.file === ':memory:') return;
    const next = this.queue.then(async () => {
      const wal = await stat(`${this.file}-wal`).catch(() => null);
      if (wal && wal.size > CHECKPOINT_WAL_BYTES) await this.writer.exec('PRAGMA wal_checkpoint(PASSIVE)');
    });
    this.queue = next.catch(() => undefined);
  }

  /** Statements that cannot run inside a transaction (VACUUM INTO, checkpoints). */
  async outsideTx(sql: string): Promise<void> {
    await this.queue;
    await this.writer.exec(sql);
  }

  async close(): Promise<void> {
    await this.queue;
    if (this.reader !== this.writer) await this.reader.close();
    await this.writer.close();
  }
}

function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}
