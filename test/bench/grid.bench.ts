// The orders/payments grid on 1M payments: the API's first page and a sorted page deep in the
// grid, against the bare SQL query for the same rows in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src-main/store';
import {
  pagePayments,
  PAYMENT_GRID,
  upsertBillings,
  upsertPayments,
  upsertVehicleOrders,
} from '../../src-main/store/orders';
import { buildPageQuery } from '../../src-main/store/grid';
import type { PageRequest } from '../../src-main/api/grid-types';
import { billing, order, payment } from '../helpers/records';
import { timeMedian, timeOnce, round, type BenchResult } from './common';
import type { Channel } from '../../src-main/domain/channels';

const CHANNELS: Channel[] = ['wechat', 'alipay', 'lakala', 'unionpay', 'allinpay', 'cash', 'wire'];

export async function benchGrid(payments = 1_000_000): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'otd-bench-grid-'));
  const store = await openStore(join(dir, 'grid.sqlite'));
  try {
    const orders = Math.ceil(payments / 4);
    const load = await timeOnce(async () => {
      await store.write(async (tx) => {
        await upsertVehicleOrders(
          tx,
          Array.from({ length: orders }, (_, i) => order(`O${i}`)),
        );
        await upsertBillings(
          tx,
          Array.from({ length: orders }, (_, i) => billing(`B${i}`, `O${i}`)),
        );
      });
      const chunk = 100_000;
      for (let start = 0; start < payments; start += chunk) {
        const rows = Array.from({ length: Math.min(chunk, payments - start) }, (_, k) => {
          const i = start + k;
          const second = (i * 7919) % (30 * 86400);
          const paidAt = new Date(Date.parse('2026-10-01T00:00:00+08:00') + second * 1000)
            .toISOString()
            .replace('Z', '+00:00');
          return payment(`P${String(i).padStart(8, '0')}`, `O${i % orders}`, `B${i % orders}`, {
            amountFen: 100 + ((i * 104729) % 5_000_000),
            channel: CHANNELS[i % 7]!,
            paidAt,
          });
        });
        await store.write((tx) => upsertPayments(tx, rows));
      }
    });

    const first: PageRequest = { startRow: 0, endRow: 100, sortModel: [], filterModel: {} };
    const sorted: PageRequest = {
      startRow: 50_000,
      endRow: 50_100,
      sortModel: [{ colId: 'amountFen', sort: 'desc' }],
      filterModel: {},
    };
    const bare = (req: PageRequest) => {
      const q = buildPageQuery(PAYMENT_GRID, req);
      return () => store.read.all(q.rowsSql, [...q.params, req.endRow - req.startRow, req.startRow]);
    };
    const apiFirst = await timeMedian(() => pagePayments(store, first));
    const bareFirst = await timeMedian(bare(first));
    const apiSorted = await timeMedian(() => pagePayments(store, sorted));
    const bareSorted = await timeMedian(bare(sorted));
    return {
      name: `payments grid on ${payments.toLocaleString('en')} payments`,
      figures: {
        'load (s)': round(load.ms / 1000, 1),
        'first page, API (ms)': round(apiFirst),
        'first page, bare SQL (ms)': round(bareFirst),
        'sorted page at row 50,000, API (ms)': round(apiSorted),
        'sorted page, bare SQL (ms)': round(bareSorted),
      },
      ratios: [
        {
          label: 'first page: API / bare SQL',
          ours: apiFirst,
          baseline: bareFirst,
          ratio: round(apiFirst / bareFirst, 2),
        },
        {
          label: 'sorted page: API / bare SQL',
          ours: apiSorted,
          baseline: bareSorted,
          ratio: round(apiSorted / bareSorted, 2),
        },
      ],
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
