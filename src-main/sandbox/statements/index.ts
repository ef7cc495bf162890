// The sandbox's channel statements: each channel's file for a business day in its real format
// (design/statement-formats.md), derived from the demo company's central data (sandbox/data.ts) plus
// injected anomalies, and the manifest of those anomalies (docs/anomaly-manifest.md).
//
//   renderSandboxStatement('wechat', '2026-10-05', { seed: 7, orders: 300 }) → { fileName, bytes, … }
//   renderSandboxStatements('2026-10-05', { seed: 7, orders: 300 })          → { files, manifest }
//   await writeSandboxStatements({ seed: 7, orders: 300, date: '2026-10-05', outDir, anomalies: true })
//
// Deterministic: the same (seed, orders, days, startDate, anomalies, date) give the same bytes; no
// clock is read. A dataset is generated once per configuration and kept (the last two) so that
// serving the seven files of a day does not generate it seven times.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CHANNEL_CODES, type Channel } from '../../domain/channels';
import { isIsoDate } from '../../domain/dates';
import { ACQUIRERS, StatementBook, type Injected, type StatementBookConfig } from './book';
import { writeAlipay } from './alipay';
import { writeCash } from './cash';
import { addDaysTo, assignLineKeys, type Entry, type PrintedLine, type RenderedStatement } from './common';
import { writeLakala } from './lakala';
import {
  MANIFEST_VERSION,
  type Expectation,
  type InternalItem,
  type ManifestAnomaly,
  type ManifestFile,
  type ManifestSettlement,
  type SandboxManifest,
} from './manifest';
import { writeAllinpay, writeUnionpay } from './pos';
import { writeWechat } from './wechat';
import { writeWire, type WireLine } from './wire';

export {
  ANOMALY_KINDS,
  ANOMALY_CHANNELS,
  ACQUIRERS,
  StatementBook,
  type AnomalyKind,
  type StatementBookConfig,
} from './book';
export type { RenderedStatement, PrintedLine } from './common';
export type * from './manifest';

export type SandboxStatementConfig = StatementBookConfig;

// ---------------------------------------------------------------------------------------------
// Books, cached per configuration

const books: { key: string; book: StatementBook }[] = [];

function configKey(c: SandboxStatementConfig): string {
  const a = c.anomalies ?? true;
  const kinds = a === true ? 'all' : a === false ? 'none' : [...a].sort().join('+');
  return JSON.stringify([String(c.seed), typeof c.seed, c.orders, c.days ?? null, c.startDate ?? null, kinds]);
}

/** The statement book of a configuration (generated once; the last two are kept). */
export function statementBook(config: SandboxStatementConfig | StatementBook): StatementBook {
  if (config instanceof StatementBook) return config;
  const key = configKey(config);
  const hit = books.find((b) => b.key === key);
  if (hit) return hit.book;
  const book = new StatementBook(config);
  books.unshift({ key, book });
  books.length = Math.min(books.length, 2);
  return book;
}

function checkDate(book: StatementBook, date: string): void {
  if (!isIsoDate(date)) throw new RangeError(`date must be YYYY-MM-DD, got "${date}"`);
  if (!book.inRange(date)) {
    throw new RangeError(
      `${date} is outside the sandbox dataset (${book.firstDay} to ${book.lastDay}); choose a day within it`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering

interface Rendered {
  file: RenderedStatement;
  sha256: string;
  lines: { entry: Entry | null; line: PrintedLine }[];
  wire: WireLine[] | null;
}

const renderCache = new WeakMap<StatementBook, Map<string, Rendered>>();

function render(book: StatementBook, channel: Channel, date: string): Rendered {
  let cache = renderCache.get(book);
  if (!cache) renderCache.set(book, (cache = new Map()));
  const k = `${channel}|${date}`;
  const hit = cache.get(k);
  if (hit) return hit;
  const seedKey = String(book.cfg.seedHash);
  const entries = book.lines(channel, date);
  let out: { file: RenderedStatement; lines: { entry: Entry | null; line: Omit<PrintedLine, 'lineKey'> }[] };
  let wire: WireLine[] | null = null;
  switch (channel) {
    case 'wechat':
      out = writeWechat(date, entries, seedKey);
      break;
    case 'alipay':
      out = writeAlipay(date, entries, seedKey);
      break;
    case 'lakala':
      out = writeLakala(date, entries);
      break;
    case 'unionpay':
      out = writeUnionpay(date, entries, seedKey, book.cfg.startMs);
      break;
    case 'allinpay':
      out = writeAllinpay(date, entries, seedKey, book.cfg.startMs);
      break;
    case 'cash':
      out = writeCash(date, entries);
      break;
    case 'wire': {
      const w = writeWire(book, date);
      out = w;
      wire = w.day.lines;
      break;
    }
  }
  const sha256 = createHash('sha256').update(out.file.bytes).digest('hex');
  const keyed = assignLineKeys(
    channel,
    date,
    out.lines.map((l) => l.line),
    sha256.slice(0, 16),
  );
  const rendered: Rendered = {
    file: out.file,
    sha256,
    lines: out.lines.map((l, i) => ({ entry: l.entry, line: keyed[i]! })),
    wire,
  };
  cache.set(k, rendered);
  return rendered;
}

/** One channel's statement file for a business day, as the channel would deliver it. */
export function renderSandboxStatement(
  channel: Channel,
  date: string,
  config: SandboxStatementConfig | StatementBook,
): RenderedStatement {
  const book = statementBook(config);
  checkDate(book, date);
  return render(book, channel, date).file;
}

/** Every channel's statement file for a business day, in the channel order, and the manifest. */
export function renderSandboxStatements(
  date: string,
  config: SandboxStatementConfig | StatementBook,
): { files: RenderedStatement[]; manifest: SandboxManifest } {
  const book = statementBook(config);
  checkDate(book, date);
  const files = CHANNEL_CODES.map((c) => render(book, c, date).file);
  return { files, manifest: sandboxManifest(date, book) };
}

export interface WrittenStatementFile {
  channel: Channel;
  fileName: string;
  path: string;
  bytes: number;
  sha256: string;
}

/** Write the day's seven files and manifest.json into outDir (created if needed). */
export async function writeSandboxStatements(opts: SandboxStatementConfig & { date: string; outDir: string }): Promise<{
  files: WrittenStatementFile[];
  manifest: SandboxManifest;
  manifestPath: string;
}> {
  const { date, outDir, ...config } = opts;
  const { files, manifest } = renderSandboxStatements(date, config);
  await mkdir(outDir, { recursive: true });
  const written: WrittenStatementFile[] = [];
  for (const f of files) {
    const path = join(outDir, f.fileName);
    await writeFile(path, f.bytes);
    written.push({
      channel: f.channel,
      fileName: f.fileName,
      path,
      bytes: f.bytes.byteLength,
      sha256: createHash('sha256').update(f.bytes).digest('hex'),
    });
  }
  const manifestPath = join(outDir, 'manifest.json');
  await writeFile(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  return { files: written, manifest, manifestPath };
}

// ---------------------------------------------------------------------------------------------
// Manifest

function printedLineOf(book: StatementBook, channel: Channel, date: string, entry: Entry | null): PrintedLine | null {
  if (entry === null || !book.inRange(date)) return null;
  return render(book, channel, date).lines.find((l) => l.entry === entry)?.line ?? null;
}

function internalOf(payment: Entry['payment'], refund: Entry['refund']): InternalItem {
  const p = payment.record;
  return {
    key: refund ? `R|${refund.record.refundNo}` : `P|${p.paymentNo}`,
    paymentNo: p.paymentNo,
    refundNo: refund?.record.refundNo ?? null,
    orderNo: p.orderNo,
    billingNo: p.billingNo,
    amountFen: refund ? refund.record.amountFen : p.amountFen,
    at: refund ? refund.record.refundedAt : p.paidAt,
    channelTxnId: refund ? refund.record.channelRefundId : p.channelTxnId,
    merchantOrderNo: refund ? refund.record.merchantRefundNo : p.merchantOrderNo,
    terminalId: p.terminalId,
    refNo: refund ? refund.record.channelRefundId : p.refNo,
    payerAccount: p.payerAccount,
  };
}

const CARRY_ALL: readonly Channel[] = ['cash', 'wire'];

function expectations(a: Injected, line: PrintedLine | null, internal: InternalItem | null): Expectation[] {
  const item = internal ? [internal.key] : [];
  const lineKey = line ? [line.lineKey] : [];
  const d = a.businessDate;
  switch (a.kind) {
    case 'missing_line':
      return [
        CARRY_ALL.includes(a.channel)
          ? {
              runDate: d,
              types: ['TIMING', 'MISSING_IN_STATEMENT'],
              members: item,
              note: 'cash and wire carry every unmatched item: TIMING until its buffer days pass, then MISSING_IN_STATEMENT',
            }
          : { runDate: d, types: ['MISSING_IN_STATEMENT'], members: item },
      ];
    case 'extra_line':
      return [{ runDate: d, types: ['MISSING_INTERNALLY'], members: lineKey }];
    case 'amount_differs':
      return [
        {
          runDate: d,
          types: ['AMOUNT_DIFFERS'],
          members: [...item, ...lineKey],
          ...(a.channel === 'wire' ? { note: 'the credit is short by a payer-bank charge' } : {}),
        },
      ];
    case 'duplicate':
      return [
        {
          runDate: d,
          types: a.channel === 'wire' ? ['DUPLICATE', 'MISSING_INTERNALLY', 'UNKNOWN_WIRE'] : ['DUPLICATE'],
          members: [...item, ...lineKey],
          note: 'the first line (counterpart) matches the payment; the second is the duplicate',
        },
      ];
    case 'unrecorded_refund':
      return [
        {
          runDate: d,
          types: ['MISSING_INTERNALLY', 'STATUS_DIFFERS'],
          members: lineKey,
          note: 'a refund on one side only: the platform has no refund of the original payment',
        },
      ];
    case 'fee_differs':
      return [{ runDate: d, types: ['FEE_DIFFERS'], members: [...item, ...lineKey] }];
    case 'late_landing':
      return [
        {
          runDate: d,
          types: ['TIMING'],
          members: item,
          note:
            a.channel === 'wire'
              ? 'the bank value-dates the credit a day later; wire carries every unmatched item: a timing difference, not an error'
              : 'paid within the timing window before the cut-off, the channel books it after: carried, not an error',
        },
        {
          runDate: a.statementDate,
          types: ['MATCH'],
          members: [...item, ...lineKey],
          note: 'matched in the next day’s statement; no discrepancy remains',
        },
      ];
    case 'wire_no_order':
    case 'wire_unknown_payer':
      return [{ runDate: d, types: ['UNKNOWN_WIRE', 'MISSING_INTERNALLY'], members: lineKey }];
  }
}

function manifestFile(book: StatementBook, channel: Channel, date: string): ManifestFile {
  const r = render(book, channel, date);
  const totals = { paymentCount: 0, paymentFen: 0, refundCount: 0, refundFen: 0, feeFen: 0, netFen: 0 };
  for (const { line } of r.lines) {
    if (line.kind === 'settlement') continue;
    if (line.amountFen >= 0) {
      totals.paymentCount++;
      totals.paymentFen += line.amountFen;
    } else {
      totals.refundCount++;
      totals.refundFen += -line.amountFen;
    }
    totals.feeFen += line.feeFen;
  }
  totals.netFen = totals.paymentFen - totals.refundFen - totals.feeFen;
  return {
    channel,
    businessDate: date,
    fileName: r.file.fileName,
    mediaType: r.file.mediaType,
    bytes: r.file.bytes.byteLength,
    sha256: r.sha256,
    lines: r.lines.length,
    totals,
  };
}

/** The manifest of a business day: files, anomalies touching the day, settlement credits. */
export function sandboxManifest(date: string, config: SandboxStatementConfig | StatementBook): SandboxManifest {
  const book = statementBook(config);
  checkDate(book, date);
  const anomalies: ManifestAnomaly[] = book.anomaliesFor(date).map((a) => {
    const line = printedLineOf(book, a.channel, a.statementDate, a.entry);
    const counterpart = a.kind === 'duplicate' ? printedLineOf(book, a.channel, a.statementDate, a.counterpart) : null;
    const internal = a.internal ? internalOf(a.internal.payment, a.internal.refund) : null;
    const original = a.kind === 'unrecorded_refund' && a.entry ? internalOf(a.entry.payment, null) : null;
    return {
      id: a.id,
      kind: a.kind,
      channel: a.channel,
      businessDate: a.businessDate,
      statementDate: a.statementDate,
      description: a.description,
      internal,
      line,
      counterpart,
      original,
      contract: a.contract,
      deltaFen: a.deltaFen,
      expect: expectations(a, line, internal),
    };
  });
  const wire = render(book, 'wire', date);
  const settlements = (wire.wire ?? []).flatMap((w, i): ManifestSettlement[] => {
    const key = wire.lines[i]!.line.lineKey;
    if (w.what === 'settlement' && w.settles) {
      return [
        {
          channel: w.settles.channel,
          statementDate: w.settles.statementDate,
          netFen: w.amountFen,
          slipNo: null,
          payerName: w.payerName,
          payerAccount: w.payerAccount,
          bankRef: w.bankRef,
          lineKey: key,
        },
      ];
    }
    if (w.what === 'cash_deposit') {
      return [
        {
          channel: 'cash',
          statementDate: addDaysTo(date, -1),
          netFen: w.amountFen,
          slipNo: w.slipNo,
          payerName: w.payerName,
          payerAccount: w.payerAccount,
          bankRef: w.bankRef,
          lineKey: key,
        },
      ];
    }
    return [];
  });
  return {
    manifestVersion: MANIFEST_VERSION,
    dataset: {
      seed: book.cfg.seed,
      orders: book.cfg.orders,
      days: book.cfg.days,
      startDate: book.firstDay,
      lastDate: book.lastDay,
    },
    date,
    anomalyKinds: [...book.kinds],
    files: CHANNEL_CODES.map((c) => manifestFile(book, c, date)),
    anomalies,
    settlements,
    acquirers: CHANNEL_CODES.flatMap((c) => {
      const a = ACQUIRERS[c];
      return a ? [{ channel: c, name: a.name, account: a.account }] : [];
    }),
  };
}
