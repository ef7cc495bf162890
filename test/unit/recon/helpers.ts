// Small hand-built reconciliation cases: central records through the orders store, statement files
// through the statements store (startFile → insertLines → completeFile → activateFile).
import { openStore, type Store } from '../../../src-main/store';
import { upsertBillings, upsertPayments, upsertRefunds, upsertVehicleOrders } from '../../../src-main/store/orders';
import { activateFile, completeFile, insertLines, startFile } from '../../../src-main/store/statements';
import { addUser } from '../../../src-main/store/settings';
import type { StatementLine, LineKind } from '../../../src-main/statements/types';
import type { PaymentRecord, RefundRecord, VehicleOrderRecord } from '../../../src-main/central/records';
import type { Channel } from '../../../src-main/domain/channels';
import { reconcileDay, type DaySummary } from '../../../src-main/recon/engine';
import { billing, order, payment, refund } from '../../helpers/records';

export { billing, order, payment, refund };

export async function newStore(users: string[] = ['zhang.kj', 'li.fh']): Promise<Store> {
  const store = await openStore(':memory:');
  await store.write(async (tx) => {
    for (const u of users) await addUser(tx, { userId: u, displayName: u });
  });
  return store;
}

/** Payments (and their orders and billings) and refunds into the store. */
export async function seed(
  store: Store,
  payments: PaymentRecord[],
  refunds: RefundRecord[] = [],
  orders: VehicleOrderRecord[] = [],
): Promise<void> {
  await store.write(async (tx) => {
    const orderNos = [...new Set([...payments.map((p) => p.orderNo), ...orders.map((o) => o.orderNo)])];
    await upsertVehicleOrders(tx, [...orders, ...orderNos.filter((n) => !orders.some((o) => o.orderNo === n)).map((n) => order(n))]);
    await upsertBillings(tx, [...new Set(payments.map((p) => `${p.billingNo}|${p.orderNo}`))].map((k) => {
      const [b, o] = k.split('|') as [string, string];
      return billing(b, o);
    }));
    await upsertPayments(tx, payments);
    if (refunds.length) await upsertRefunds(tx, refunds);
  });
}

let hashSeq = 0;

export function line(over: Partial<StatementLine> & { amountFen: number }): StatementLine {
  const kind: LineKind = over.kind ?? (over.amountFen < 0 ? 'refund' : 'payment');
  return {
    lineNo: 0, kind, feeFen: 0, occurredAt: '2026-10-01T10:00:00+08:00', businessDate: '2026-10-01', channelTxnId: null,
    merchantOrderNo: null, refundNo: null, originalTxnId: null, terminalId: null, refNo: null, voucherNo: null, batchNo: null,
    cardMasked: null, payerAccount: null, payerName: null, remark: null, status: null, raw: {}, ...over,
  };
}

/** One active statement file of a channel-day with these lines (line numbers 1..n). */
export async function statement(store: Store, channel: Channel, date: string, lines: StatementLine[], merchantId = ''): Promise<number> {
  return store.write(async (tx) => {
    const id = await startFile(tx, {
      contentHash: `test-${channel}-${date}-${++hashSeq}-${Math.random()}`, fileName: `${channel}-${date}.csv`, channel,
      format: 'test', source: 'import', importedBy: 'test', downloadedAt: null,
    });
    const numbered = lines.map((l, i) => ({ ...l, lineNo: i + 1 }));
    const raw = await insertLines(tx, id, channel, numbered);
    const pay = numbered.filter((l) => l.kind !== 'settlement' && l.kind !== 'fee' && l.amountFen >= 0);
    const ref = numbered.filter((l) => l.kind !== 'settlement' && l.kind !== 'fee' && l.amountFen < 0);
    const fees = numbered.reduce((a, l) => a + l.feeFen, 0);
    const paymentFen = pay.reduce((a, l) => a + l.amountFen, 0);
    const refundFen = -ref.reduce((a, l) => a + l.amountFen, 0);
    await completeFile(tx, id, {
      format: 'test', variant: null, businessDate: date, merchantId, lineCount: numbered.length, paymentCount: pay.length,
      paymentFen, refundCount: ref.length, refundFen, feeFen: fees, netFen: paymentFen - refundFen - fees, tieOutOk: null,
      acceptedMismatch: false, detection: {}, summary: null, warnings: [], profileVersion: null, rawColumns: raw,
    });
    await activateFile(tx, id);
    return id;
  });
}

export async function run(store: Store, channel: Channel, date = '2026-10-01'): Promise<DaySummary> {
  return reconcileDay(store, channel, date, { actor: 'zhang.kj' });
}

export interface DiscView {
  id: string;
  type: string;
  state: string;
  amount_fen: number;
  business_date: string;
  members_json: string;
  keys_json: string;
  carry_until: string | null;
  suggested_match: string | null;
}

export async function discs(store: Store, where = "state IN ('open','carried')"): Promise<DiscView[]> {
  return store.read.all<DiscView>(`SELECT * FROM recon_discrepancy WHERE ${where} ORDER BY type, id`);
}

export async function pairs(store: Store): Promise<{ line_id: number; item_key: string; pass: string }[]> {
  return store.read.all('SELECT line_id, item_key, pass FROM recon_pair ORDER BY line_id');
}

/** A digest of every reconciliation table (ids, states, members): equal when nothing changed. */
export async function reconState(store: Store): Promise<string> {
  const parts: string[] = [];
  for (const [t, cols] of [
    ['recon_pair', 'line_id, item_key, pass, fee_ok'],
    ['recon_match', 'id, pass, shape, state, stale, internal_fen, statement_fen'],
    ['recon_member', 'match_id, item_key, side, amount_fen'],
    ['recon_discrepancy', 'id, type, state, amount_fen, carry_until, resolution, adjustment_id, task_id, suggested_match'],
    ['recon_disc_member', 'disc_id, item_key, amount_fen'],
    ['recon_adjustment', 'id, state, stale, target_id'],
    ['recon_decision', 'id, kind, stale, active, target_id'],
  ] as const) {
    parts.push(JSON.stringify(await store.read.all(`SELECT ${cols} FROM ${t} ORDER BY 1, 2`)));
  }
  return parts.join('\n');
}
