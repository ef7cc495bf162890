// One WeChat channel-day of n internal payments (and 1% refunds) and about n statement lines, with a
// few per cent of known anomalies, written straight into a store in batches (the reconciliation
// benchmark's input).
import { openStore, type Store } from '../../src-main/store';
import { paymentRow } from '../../src-main/store/orders';
import { activateFile, completeFile, insertLines, startFile } from '../../src-main/store/statements';
import type { StatementLine } from '../../src-main/statements/types';
import type { PaymentRecord } from '../../src-main/central/records';

export const BENCH_DAY = '2026-10-01';

const PAYMENT_COLS = [
  'payment_no', 'billing_no', 'order_no', 'channel', 'method', 'merchant_order_no', 'channel_txn_id',
  'terminal_id', 'ref_no', 'voucher_no', 'payer_account', 'payer_name', 'amount_fen', 'paid_at',
  'business_date', 'status', 'updated_at', 'version',
] as const;

const REFUND_COLS = [
  'refund_no', 'payment_no', 'billing_no', 'order_no', 'channel', 'channel_refund_id', 'merchant_refund_no', 'amount_fen',
  'refunded_at', 'business_date', 'status', 'reason', 'updated_at', 'version',
] as const;

/** What the data holds, so the benchmark can check the engine found every anomaly. */
export interface BenchExpect {
  payments: number;
  refunds: number;
  lines: number;
  short: number;
  long: number;
  amountDiffers: number;
  duplicate: number;
  timing: number;
  feeDiffers: number;
  lostCallback: number;
  /** A refund on the statement only, for a payment the platform knows. */
  statusDiffers: number;
}

/** Anomaly of the i-th payment (per mille buckets). */
function anomaly(i: number): 'short' | 'lost' | 'amount' | 'dup' | 'timing' | 'fee' | null {
  const k = i % 1000;
  if (k < 8) return 'short';
  if (k < 13) return 'lost';
  if (k < 18) return 'amount';
  if (k < 21) return 'dup';
  if (k < 26) return 'timing';
  if (k < 28) return 'fee';
  return null;
}

/** Refund of the i-th payment: refunded (matched), refunded in the books only, on the statement only. */
function refundOf(i: number): 'both' | 'books' | 'statement' | null {
  if (i % 100 !== 50) return null;
  if (i % 5000 === 50) return 'books';
  if (i % 5000 === 2550) return 'statement';
  return 'both';
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** WeChat's 0.6% fee, rounded half up, in fen. */
const wechatFee = (fen: number) => Math.floor((fen * 6000 + 500_000) / 1_000_000);

function at(second: number): string {
  const s = second % 86400;
  return `${BENCH_DAY}T${pad(Math.floor(s / 3600), 2)}:${pad(Math.floor(s / 60) % 60, 2)}:${pad(s % 60, 2)}+08:00`;
}

export async function buildReconBenchDb(file: string, n: number): Promise<{ store: Store; expect: BenchExpect }> {
  const store = await openStore(file);
  const expect: BenchExpect = {
    payments: n, refunds: 0, lines: 0, short: 0, long: 0, amountDiffers: 0, duplicate: 0, timing: 0, feeDiffers: 0, lostCallback: 0,
    statusDiffers: 0,
  };
  const fileId = await store.write(async (tx) => {
    const id = await startFile(tx, {
      contentHash: `bench-${n}`, fileName: `wechat-${BENCH_DAY}.csv`, channel: 'wechat', format: 'wechat-tradebill',
      source: 'import', importedBy: 'bench', downloadedAt: null,
    });
    return id;
  });
  // Bulk load without the secondary indexes, then build them once (sorting beats a million B-tree
  // inserts); the store ends up with exactly the schema the migrations made.
  const indexes = await store.write(async (tx) => {
    const rows = await tx.all<{ name: string; sql: string }>(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('payment', 'refund', 'statement_line')",
    );
    for (const r of rows) await tx.run(`DROP INDEX ${r.name}`);
    return rows.map((r) => r.sql);
  });
  const CHUNK = 100_000;
  let lineNo = 0;
  let paymentFen = 0;
  let refundCount = 0;
  let refundFen = 0;
  let feeFen = 0;
  for (let start = 0; start < n; start += CHUNK) {
    const payments: PaymentRecord[] = [];
    const refunds: (string | number | null)[][] = [];
    const lines: StatementLine[] = [];
    for (let i = start; i < Math.min(n, start + CHUNK); i++) {
      const a = anomaly(i);
      const amountFen = 1000 + ((i * 7919) % 4_999_000);
      const second = a === 'timing' ? 86400 - 60 - (i % 200) : (i * 37) % 85000;
      const paidAt = at(second);
      const txn = `4200${pad(i, 20)}`;
      const mo = `MO${pad(i, 10)}`;
      payments.push({
        paymentNo: `PM${pad(i, 10)}`, billingNo: `BL${pad(i, 10)}`, orderNo: `VO${pad(Math.floor(i / 2), 10)}`,
        channel: 'wechat', method: 'app', merchantOrderNo: mo, channelTxnId: a === 'lost' ? null : txn,
        terminalId: null, refNo: null, voucherNo: null, payerAccount: null, payerName: null, amountFen, paidAt,
        status: 'success', updatedAt: paidAt, version: 1,
      });
      const rf = a === null ? refundOf(i) : null;
      if (rf) {
        // Half of the payment back a minute later, the same day.
        const backFen = Math.floor(amountFen / 2);
        const refundedAt = at(second + 60);
        const refundId = `5030${pad(i, 20)}`;
        const mr = `MR${pad(i, 10)}`;
        if (rf !== 'statement') {
          expect.refunds++;
          refunds.push([`RF${pad(i, 10)}`, `PM${pad(i, 10)}`, `BL${pad(i, 10)}`, `VO${pad(Math.floor(i / 2), 10)}`, 'wechat', refundId, mr,
            backFen, refundedAt, BENCH_DAY, 'success', null, refundedAt, 1]);
        }
        if (rf === 'books') expect.short++;
        else {
          if (rf === 'statement') expect.statusDiffers++;
          const f = -wechatFee(backFen);
          lines.push({
            ...line(++lineNo, -backFen, f, refundedAt, refundId, mo), kind: 'refund', refundNo: refundId, originalTxnId: txn,
            refNo: mr, status: 'REFUND',
          });
          refundCount++;
          refundFen += backFen;
          feeFen += f;
        }
      }
      if (a === 'short') expect.short++;
      if (a === 'timing') expect.timing++;
      if (a === 'lost') expect.lostCallback++;
      if (a === 'short' || a === 'timing') continue;
      const lineFen = a === 'amount' ? amountFen + 100 : amountFen;
      const fee = wechatFee(lineFen) + (a === 'fee' ? 7 : 0);
      if (a === 'amount') expect.amountDiffers++;
      if (a === 'fee') expect.feeDiffers++;
      const copies = a === 'dup' ? 2 : 1;
      if (a === 'dup') expect.duplicate++;
      for (let c = 0; c < copies; c++) {
        lines.push(line(++lineNo, lineFen, fee, paidAt, txn, mo));
        paymentFen += lineFen;
        feeFen += fee;
      }
      if (i % 100 === 99) {
        // A line the platform never recorded (长款).
        expect.long++;
        const f = wechatFee(amountFen);
        lines.push(line(++lineNo, amountFen, f, paidAt, `4299${pad(i, 20)}`, `MX${pad(i, 10)}`));
        paymentFen += amountFen;
        feeFen += f;
      }
    }
    expect.lines = lineNo;
    await store.write(async (tx) => {
      await tx.insertMany('payment', PAYMENT_COLS, payments.map(paymentRow));
      if (refunds.length) await tx.insertMany('refund', REFUND_COLS, refunds);
      // As an import that keeps the file's text: no printed values per line.
      await insertLines(tx, fileId, 'wechat', lines, null);
    });
  }
  await store.write(async (tx) => {
    await completeFile(tx, fileId, {
      format: 'wechat-tradebill', variant: null, businessDate: BENCH_DAY, merchantId: '1900000109', lineCount: lineNo,
      paymentCount: lineNo - refundCount, paymentFen, refundCount, refundFen, feeFen, netFen: paymentFen - refundFen - feeFen,
      tieOutOk: true, acceptedMismatch: false, detection: {}, summary: null, warnings: [], profileVersion: null,
      rawColumns: [],
    });
    await activateFile(tx, fileId);
    for (const sql of indexes) await tx.run(sql);
  });
  return { store, expect };
}

function line(lineNo: number, amountFen: number, feeFen: number, occurredAt: string, txn: string, mo: string): StatementLine {
  return {
    lineNo, kind: 'payment', amountFen, feeFen, occurredAt, businessDate: BENCH_DAY, channelTxnId: txn,
    merchantOrderNo: mo, refundNo: null, originalTxnId: null, terminalId: null, refNo: null, voucherNo: null,
    batchNo: null, cardMasked: null, payerAccount: null, payerName: null, remark: null, status: 'SUCCESS',
    raw: {},
  };
}
