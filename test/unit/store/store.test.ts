import { describe, expect, it } from 'vitest';
import { mkdtempSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src-main/store';
import { Db } from '../../../src-main/store/db';
import { migrate, NewerDatabaseError, schemaVersion } from '../../../src-main/store/migrate';
import { MIGRATIONS } from '../../../src-main/store/migrations';
import {
  orderPicture,
  pageOrders,
  pagePayments,
  storeTotals,
  upsertBillings,
  upsertPayments,
  upsertRefunds,
  upsertVehicleOrders,
} from '../../../src-main/store/orders';
import { audit } from '../../../src-main/store/audit';
import { buildPageQuery } from '../../../src-main/store/grid';
import { PAYMENT_GRID } from '../../../src-main/store/orders';
import { billing, order, payment, refund } from '../../helpers/records';

const tmp = () => mkdtempSync(join(tmpdir(), 'otd-store-'));

describe('migrations', () => {
  it('creates the schema in a fresh file and records each migration', async () => {
    const file = join(tmp(), 'a.sqlite');
    const store = await openStore(file);
    expect(await schemaVersion(store)).toBe(MIGRATIONS.at(-1)!.version);
    const journal = await store.read.get<{ journal_mode: string }>('PRAGMA journal_mode');
    expect(journal?.journal_mode).toBe('wal');
    await store.close();
  });

  it('backs the file up before migrating an existing database', async () => {
    const file = join(tmp(), 'b.sqlite');
    const db = await Db.open(file);
    await migrate(db, MIGRATIONS.slice(0, 1));
    await db.write((tx) => upsertVehicleOrders(tx, [order('O1')]));
    const next = [...MIGRATIONS, { version: 99, name: 'test', sql: 'CREATE TABLE extra (x INTEGER);' }];
    const backup = await migrate(db, next);
    expect(backup).toBe(`${file}.v1.bak`);
    expect(existsSync(backup!)).toBe(true);
    expect(readFileSync(backup!).subarray(0, 15).toString()).toBe('SQLite format 3');
    expect(await schemaVersion(db)).toBe(99);
    await db.close();
  });

  it('rolls a failing migration back whole and keeps the previous version', async () => {
    const db = await Db.open(':memory:');
    await migrate(db, MIGRATIONS);
    const bad = [
      ...MIGRATIONS,
      { version: 50, name: 'bad', sql: 'CREATE TABLE half (x INTEGER); SELECT * FROM no_such_table;' },
    ];
    await expect(migrate(db, bad)).rejects.toThrow(/no_such_table/);
    expect(await schemaVersion(db)).toBe(MIGRATIONS.at(-1)!.version);
    const half = await db.read.get("SELECT name FROM sqlite_master WHERE name = 'half'");
    expect(half).toBeUndefined();
    await db.close();
  });

  it('refuses to open a database newer than the app, leaving it untouched', async () => {
    const file = join(tmp(), 'c.sqlite');
    const db = await Db.open(file);
    await migrate(db, [...MIGRATIONS, { version: 500, name: 'future', sql: 'CREATE TABLE future (x INTEGER);' }]);
    await db.close();
    await expect(openStore(file)).rejects.toBeInstanceOf(NewerDatabaseError);
    const again = await Db.open(file);
    expect(await schemaVersion(again)).toBe(500);
    await again.close();
  });
});

describe('orders aggregate', () => {
  it('upserts by version: an older copy never overwrites a newer one; replays change nothing', async () => {
    const store = await openStore(':memory:');
    await store.write((tx) => upsertVehicleOrders(tx, [order('O1', { status: 'delivered', version: 3 })]));
    await store.write((tx) => upsertVehicleOrders(tx, [order('O1', { status: 'locked', version: 2 })]));
    const row = await store.read.get<{ status: string; version: number }>('SELECT status, version FROM vehicle_order');
    expect(row).toEqual({ status: 'delivered', version: 3 });
    // The same record twice in one batch (a page overlap) is one row.
    await store.write((tx) => upsertVehicleOrders(tx, [order('O2'), order('O2')]));
    expect((await storeTotals(store.read)).orders).toBe(2);
    await store.close();
  });

  it('keeps paid, refunded and outstanding per order and derives the Shanghai business day', async () => {
    const store = await openStore(':memory:');
    const p1 = payment('P1', 'O1', 'B1', { paidAt: '2026-10-01T15:59:58Z' }); // 23:59:58 Beijing
    const p2 = payment('P2', 'O1', 'B2', {
      amountFen: 29500000,
      channel: 'wire',
      method: 'wire',
      paidAt: '2026-10-01T16:00:01Z',
    });
    await store.write(async (tx) => {
      // Children before their parent: totals are refreshed when the order arrives.
      await upsertPayments(tx, [p1, p2]);
      await upsertRefunds(tx, [refund('R1', p1, { amountFen: 100 })]);
      await upsertBillings(tx, [
        billing('B1', 'O1'),
        billing('B2', 'O1', { kind: 'final_payment', amountDueFen: 29500000 }),
      ]);
      await upsertVehicleOrders(tx, [order('O1', { status: 'delivered' })]);
    });
    const pic = await orderPicture(store.read, 'O1');
    expect(pic!.order.paidFen).toBe(30000000);
    expect(pic!.order.refundedFen).toBe(100);
    expect(pic!.netPaidFen).toBe(29999900);
    expect(pic!.outstandingFen).toBe(100);
    expect(pic!.payments.map((p) => p.businessDate)).toEqual(['2026-10-01', '2026-10-02']);
    expect(pic!.billings.map((b) => b.paidFen)).toEqual([500000, 29500000]);
    const totals = await storeTotals(store.read);
    expect(totals).toMatchObject({ payments: 2, paymentsFen: 30000000, refunds: 1, refundsFen: 100 });
    expect(await orderPicture(store.read, 'nope')).toBeNull();
    await store.close();
  });

  it('pages, sorts and filters in SQL', async () => {
    const store = await openStore(':memory:');
    const payments = Array.from({ length: 250 }, (_, i) =>
      payment(`P${String(i).padStart(3, '0')}`, `O${i % 10}`, `B${i % 10}`, {
        amountFen: (i + 1) * 100,
        channel: i % 2 ? 'alipay' : 'wechat',
      }),
    );
    await store.write(async (tx) => {
      await upsertBillings(
        tx,
        Array.from({ length: 10 }, (_, i) => billing(`B${i}`, `O${i}`)),
      );
      await upsertPayments(tx, payments);
      await upsertVehicleOrders(
        tx,
        Array.from({ length: 10 }, (_, i) => order(`O${i}`)),
      );
    });
    const page = await pagePayments(store, {
      startRow: 0,
      endRow: 5,
      sortModel: [{ colId: 'amountFen', sort: 'desc' }],
      filterModel: { channel: { filterType: 'set', values: ['alipay'] } },
    });
    expect(page.total).toBe(125);
    expect(page.rows.map((r) => r.amountFen)).toEqual([25000, 24800, 24600, 24400, 24200]);
    const ranged = await pagePayments(store, {
      startRow: 0,
      endRow: 100,
      sortModel: [],
      filterModel: { amountFen: { filterType: 'number', type: 'inRange', filter: 1000, filterTo: 1500 } },
    });
    expect(ranged.total).toBe(6);
    const orders = await pageOrders(store, {
      startRow: 0,
      endRow: 3,
      sortModel: [{ colId: 'paidFen', sort: 'asc' }],
      filterModel: { orderNo: { filterType: 'text', type: 'startsWith', filter: 'O' } },
    });
    expect(orders.total).toBe(10);
    expect(orders.rows[0]!.paidFen).toBeLessThanOrEqual(orders.rows[1]!.paidFen);
    await store.close();
  });

  it('binds filter values and refuses unknown columns, so a hostile filter model cannot inject SQL', () => {
    const q = buildPageQuery(PAYMENT_GRID, {
      sortModel: [],
      filterModel: { orderNo: { filterType: 'text', type: 'contains', filter: "x' OR 1=1; DROP TABLE payment; --" } },
    });
    expect(q.rowsSql).not.toContain('DROP');
    expect(q.params).toContain("%x' OR 1=1; DROP TABLE payment; --%");
    expect(() =>
      buildPageQuery(PAYMENT_GRID, { sortModel: [{ colId: 'amount_fen; DROP', sort: 'asc' }], filterModel: {} }),
    ).toThrow(/no column/);
    // LIKE wildcards typed by the user are literal.
    const like = buildPageQuery(PAYMENT_GRID, {
      sortModel: [],
      filterModel: { orderNo: { filterType: 'text', type: 'contains', filter: '50%_' } },
    });
    expect(like.params).toContain('%50\\%\\_%');
  });

  it('walks an index for sorted and filtered payment pages, joining only the page', async () => {
    const store = await openStore(':memory:');
    const plan = async (req: Parameters<typeof buildPageQuery>[1]) => {
      const q = buildPageQuery(PAYMENT_GRID, req);
      const rows = await store.read.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${q.rowsSql}`, [...q.params, 100, 0]);
      return rows.map((p) => p.detail).join(' | ');
    };
    const sorted = await plan({ sortModel: [{ colId: 'amountFen', sort: 'desc' }], filterModel: {} });
    expect(sorted).toMatch(/LIST SUBQUERY/);
    expect(sorted).toMatch(/SCAN p USING COVERING INDEX payment_amount/);
    // Only the outer query re-sorts its 100 rows; the OFFSET walk itself needs no sorting.
    expect(sorted.match(/TEMP B-TREE/g)).toHaveLength(1);
    const byDefault = await plan({
      sortModel: [],
      filterModel: { channel: { filterType: 'set', values: ['wechat'] } },
    });
    expect(byDefault).toMatch(/SEARCH p USING (COVERING )?INDEX payment_channel_paid_at \(channel=\?\)/);
    expect(byDefault.match(/TEMP B-TREE/g)).toHaveLength(1);
    await store.close();
  });
});

describe('audit log', () => {
  it('is append-only', async () => {
    const store = await openStore(':memory:');
    await store.write((tx) =>
      audit(tx, { userId: 'zhang', action: 'test', entity: 'x', entityId: '1', before: null, after: { a: 1 } }),
    );
    await expect(store.write((tx) => tx.run("UPDATE audit_log SET user_id = 'mallory'"))).rejects.toThrow(
      /append-only/,
    );
    await expect(store.write((tx) => tx.run('DELETE FROM audit_log'))).rejects.toThrow(/append-only/);
    const rows = await store.read.all<{ user_id: string; after_json: string }>(
      'SELECT user_id, after_json FROM audit_log',
    );
    expect(rows).toEqual([{ user_id: 'zhang', after_json: '{"a":1}' }]);
    await store.close();
  });
});

describe('write queue', () => {
  it('serialises concurrent transactions and rolls back a failed one whole', async () => {
    const store = await openStore(':memory:');
    const results = await Promise.allSettled([
      store.write((tx) => upsertVehicleOrders(tx, [order('A')])),
      store.write(async (tx) => {
        await upsertVehicleOrders(tx, [order('B')]);
        throw new Error('boom');
      }),
      store.write((tx) => upsertVehicleOrders(tx, [order('C')])),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const nos = await store.read.all<{ order_no: string }>('SELECT order_no FROM vehicle_order ORDER BY 1');
    expect(nos.map((r) => r.order_no)).toEqual(['A', 'C']);
    await store.close();
  });
});
