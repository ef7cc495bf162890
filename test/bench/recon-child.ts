// Child process of the reconciliation benchmark: on a store the parent built, times the bare indexed
// join of the day's items and lines, then the engine's run of the channel-day (passes, classification,
// proof, commit), and reports both, wall and CPU time (SQLite's work runs on a libuv thread of this
// process, so it counts), with this process's peak RSS (the engine's own, not the builder's).
//   node --import tsx test/bench/recon-child.ts <db> <date>
import { performance } from 'node:perf_hooks';
import { openStore } from '../../src-main/store';
import { reconcileDay } from '../../src-main/recon/engine';

const [db, date] = process.argv.slice(2) as [string, string];
const store = await openStore(db);

// The floor: every successful item of the day joined to its line by channel id through the index,
// amounts compared, as one aggregate (no rows cross into JS).
const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};
let t = performance.now();
let c = process.cpuUsage();
const join = (await store.read.get<{ pairs: number; equal: number }>(
  `SELECT count(*) AS pairs, coalesce(sum(l.amount_fen = x.amount_fen), 0) AS equal
   FROM (SELECT channel_txn_id, amount_fen FROM payment WHERE business_date = ?1 AND channel = 'wechat' AND status = 'success'
         UNION ALL SELECT channel_refund_id, -amount_fen FROM refund WHERE business_date = ?1 AND channel = 'wechat' AND status = 'success') x
   JOIN statement_line l ON l.channel_txn_id = x.channel_txn_id`,
  [date],
))!;
const joinMs = performance.now() - t;
const joinCpuMs = cpuMs(c);

t = performance.now();
c = process.cpuUsage();
const day = await reconcileDay(store, 'wechat', date, { actor: 'bench' });
const engineMs = performance.now() - t;
const engineCpuMs = cpuMs(c);

const types = await store.read.all<{ type: string; n: number }>(
  'SELECT type, count(*) AS n FROM recon_discrepancy WHERE run_channel = ? AND run_date = ? GROUP BY type ORDER BY type',
  ['wechat', date],
);
await store.close();
process.stdout.write(
  JSON.stringify({
    joinMs,
    joinCpuMs,
    join,
    engineMs,
    engineCpuMs,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    matched: day.matched.count,
    proofOk: day.proof.ok,
    stats: day.stats,
    types: Object.fromEntries(types.map((r) => [r.type, r.n])),
  }) + '\n',
);
