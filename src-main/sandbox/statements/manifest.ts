// The anomaly manifest (docs/anomaly-manifest.md): for one statement day, every file written, every
// injected anomaly with the natural keys of its members on both sides (the reconciliation's own keys:
// P|payment_no, R|refund_no, L|channel|day|letter|id), and the settlement credits on the bank
// statement, so that a scorer can decide exactly which discrepancy records a reconciliation run of
// that day must produce. JSON-serialisable; money in integer fen.
import type { Channel } from '../../domain/channels';
import type { AnomalyKind } from './book';
import type { PrintedLine } from './common';

export const MANIFEST_VERSION = 1;

/** reconciliation.md §6, plus MATCH: a cross-day pair the run must confirm (no discrepancy left). */
export type ExpectedType =
  | 'MISSING_IN_STATEMENT'
  | 'MISSING_INTERNALLY'
  | 'AMOUNT_DIFFERS'
  | 'FEE_DIFFERS'
  | 'STATUS_DIFFERS'
  | 'DUPLICATE'
  | 'UNKNOWN_WIRE'
  | 'TIMING'
  | 'MATCH';

export interface Expectation {
  /** The statement day whose reconciliation run of `channel` produces it. */
  runDate: string;
  /** Any of these types is right (e.g. TIMING until a carried item's buffer expires, then MISSING_IN_STATEMENT). */
  types: ExpectedType[];
  /** Natural keys of the members, internal (P|…, R|…) and statement (L|…). */
  members: string[];
  note?: string;
}

export interface InternalItem {
  /** P|payment_no or R|refund_no. */
  key: string;
  paymentNo: string;
  refundNo: string | null;
  orderNo: string;
  billingNo: string;
  amountFen: number;
  /** paidAt / refundedAt as the platform has it. */
  at: string;
  channelTxnId: string | null;
  merchantOrderNo: string | null;
  terminalId: string | null;
  refNo: string | null;
  payerAccount: string | null;
}

export interface ManifestAnomaly {
  id: string;
  kind: AnomalyKind;
  channel: Channel;
  /** The day it was injected for (the internal item's statement day, or the day of an invented line). */
  businessDate: string;
  /** The statement file that shows it (late_landing: the next day's). */
  statementDate: string;
  description: string;
  /** The platform's record involved; null when the statement line has none. */
  internal: InternalItem | null;
  /** The anomalous line as printed; null for a missing line. */
  line: PrintedLine | null;
  /** duplicate: the first of the two lines; unrecorded_refund: null (see `original`). */
  counterpart: PrintedLine | null;
  /** unrecorded_refund: the platform payment the invented refund refers to. */
  original: InternalItem | null;
  /** amount_differs / fee_differs: what the line would print under the contract. */
  contract: { amountFen: number; feeFen: number } | null;
  /** Printed minus contract: the amount (amount_differs) or the fee (fee_differs). */
  deltaFen: number | null;
  expect: Expectation[];
}

export interface ManifestFile {
  channel: Channel;
  businessDate: string;
  fileName: string;
  mediaType: string;
  bytes: number;
  sha256: string;
  /** Lines the parser emits (cash: receipts and deposit slips; wire: every :61: entry). */
  lines: number;
  /** As the import service totals the file: settlements (cash slips) excluded, fees signed as printed. */
  totals: {
    paymentCount: number;
    paymentFen: number;
    refundCount: number;
    refundFen: number;
    feeFen: number;
    netFen: number;
  };
}

export interface ManifestSettlement {
  /** The channel settled, or cash for a deposit slip. */
  channel: Channel;
  /** The statement day settled (the channel's statement of the day before) or the slip's business day. */
  statementDate: string;
  /** The channel statement's net (gross − fees − refunds), or the slip amount; = the bank line's amount. */
  netFen: number;
  slipNo: string | null;
  payerName: string;
  payerAccount: string | null;
  /** The bank line: its reference and natural key in the wire statement of `date`. */
  bankRef: string;
  lineKey: string;
}

export interface SandboxManifest {
  manifestVersion: typeof MANIFEST_VERSION;
  dataset: { seed: number | string; orders: number; days: number; startDate: string; lastDate: string };
  date: string;
  /** The kinds this run may inject (all by default; none with --no-anomalies). */
  anomalyKinds: AnomalyKind[];
  files: ManifestFile[];
  anomalies: ManifestAnomaly[];
  /** Credits on this day's bank statement that settle a channel's statement or a cash slip. */
  settlements: ManifestSettlement[];
  /** The acquirers' paying accounts as they appear on the bank statement. */
  acquirers: { channel: Channel; name: string; account: string }[];
}
