// Shared pieces of the sandbox statement writers: the line model every writer renders, exact money
// and Beijing-time formatting, deterministic ids, GBK text and a small zip writer (GBK member names
// without the UTF-8 flag, as Alipay writes them). Pure: no clock, no I/O, no Math.random.
import { crc32 } from 'node:zlib';
import { deflateSync } from 'fflate';
import iconv from 'iconv-lite';
import type { BillingKind, Channel } from '../../domain/channels';
import { LABELS } from '../../domain/labels';
import { Rng, hashSeed, type SandboxPayment, type SandboxRefund } from '../data';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const OFFSET = 8 * HOUR;

/** One line a channel prints, before it is written in the channel's format. */
export interface Entry {
  /** payment (消费/SUCCESS/交易), refund (退货/REFUND/退款), reversal (POS 撤销). */
  kind: 'payment' | 'refund' | 'reversal';
  /** The channel's own time of the line (epoch ms, whole seconds). */
  atMs: number;
  /** Gross amount as the channel has it, unsigned fen. */
  amountFen: number;
  /** Fee as the channel prints it: + kept on a payment, − given back on a refund or a void. */
  feeFen: number;
  /** The payment (for refunds and voids: the original one). Synthetic for lines the platform does not know. */
  payment: SandboxPayment;
  /** The refund behind a refund line (synthetic for a refund the platform does not know). */
  refund: SandboxRefund | null;
  billingKind: BillingKind;
  /** Set when this line exists or looks as it does because of an injected anomaly. */
  anomalyId: string | null;
  /** Stable order among lines of the same time. */
  key: string;
  /** Wire only: the bank reference the statement prints (assigned when the wire statement is built). */
  bankRef?: string;
}

/** Signed fen as the parsers read it: + money in, − money out. */
export function signedFen(e: Pick<Entry, 'kind' | 'amountFen'>): number {
  return e.kind === 'payment' ? e.amountFen : -e.amountFen;
}

/** A file of one channel and statement day. */
export interface RenderedStatement {
  channel: Channel;
  date: string;
  fileName: string;
  mediaType: string;
  bytes: Uint8Array;
}

/** Where a line landed in the file, and what the parser will read from it (for the manifest). */
export interface PrintedLine {
  fileName: string;
  member: string | null;
  lineNo: number;
  kind: 'payment' | 'refund' | 'reversal' | 'settlement';
  amountFen: number; // signed
  feeFen: number;
  occurredAt: string;
  channelTxnId: string | null;
  merchantOrderNo: string | null;
  refundNo: string | null;
  originalTxnId: string | null;
  terminalId: string | null;
  refNo: string | null;
  voucherNo: string | null;
  payerAccount: string | null;
  payerName: string | null;
  remark: string | null;
  /** The reconciliation's natural key of the line: L|channel|day|letter|id[#n] (store/recon-keys.ts). */
  lineKey: string;
}

export type UnkeyedLine = Omit<PrintedLine, 'lineKey'>;

export interface WriterOutput {
  file: RenderedStatement;
  /** The printed lines in file order, with the entry each shows (null for lines that are no entry: cash slips). */
  lines: { entry: Entry | null; line: UnkeyedLine }[];
}

// ---------------------------------------------------------------------------------------------
// Money

/** 123450 → "1234.50"; −5 → "-0.05". */
export function yuan(fen: number): string {
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** WeChat's fee text: whole fen printed with five decimals, "0.04000". */
export function yuan5(fen: number): string {
  return `${yuan(fen)}000`;
}

/** MT940 amount: "50000,00" (unsigned, decimal comma). */
export function swiftAmount(fen: number): string {
  const abs = Math.abs(fen);
  return `${Math.trunc(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

/** Parts per million → "0.60%". */
export function ratePercent(ppm: number): string {
  const hundredths = Math.round(ppm / 100); // 6000 ppm = 0.60% = 60 hundredths of a percent
  return `${Math.trunc(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}%`;
}

// ---------------------------------------------------------------------------------------------
// Beijing time (UTC+8, no DST): plain arithmetic on whole seconds

function parts(ms: number): { y: string; mo: string; d: string; h: string; mi: string; s: string } {
  const iso = new Date(ms + OFFSET).toISOString();
  return {
    y: iso.slice(0, 4),
    mo: iso.slice(5, 7),
    d: iso.slice(8, 10),
    h: iso.slice(11, 13),
    mi: iso.slice(14, 16),
    s: iso.slice(17, 19),
  };
}

/** "2026-10-01 09:30:05" */
export function wallClock(ms: number): string {
  const p = parts(ms);
  return `${p.y}-${p.mo}-${p.d} ${p.h}:${p.mi}:${p.s}`;
}

/** "2026-10-01T09:30:05+08:00" */
export function isoBeijing(ms: number): string {
  return `${wallClock(ms).replace(' ', 'T')}+08:00`;
}

/** "20261001093005" */
export function compactTime(ms: number): string {
  const p = parts(ms);
  return `${p.y}${p.mo}${p.d}${p.h}${p.mi}${p.s}`;
}

/** "093005" */
export function hhmmss(ms: number): string {
  return compactTime(ms).slice(8);
}

/** "2026-10-01" → "20261001" */
export function compactDate(date: string): string {
  return date.replace(/-/g, '');
}

/** "2026-10-01" → "261001" */
export function swiftDate(date: string): string {
  return compactDate(date).slice(2);
}

/** "2026-10-01" → "2026年10月01日" */
export function chineseDate(date: string): string {
  return `${date.slice(0, 4)}年${date.slice(5, 7)}月${date.slice(8, 10)}日`;
}

/** 00:00 Beijing of a business date, epoch ms. */
export function dayStartMs(date: string): number {
  return Date.parse(`${date}T00:00:00+08:00`);
}

/** The end of a channel's statement day D: its cut-off on D (24 → midnight at the end of D). */
export function cutoffMs(date: string, cutoffHour: number): number {
  return dayStartMs(date) + cutoffHour * HOUR;
}

export function addDaysTo(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// Deterministic values

/** A PRNG for a text key (the key names what is being drawn, and includes the dataset's seed). */
export function rngFor(key: string): Rng {
  return new Rng(hashSeed(key));
}

/** n decimal digits drawn for a key. */
export function digitsFor(key: string, n: number): string {
  return rngFor(key).digits(n);
}

const OPENID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** A WeChat-style openid ("oUpF8u…", 28 characters) for a key. */
export function openIdFor(key: string): string {
  const rng = rngFor(`openid|${key}`);
  let out = 'oUpF8u';
  while (out.length < 28) out += OPENID_ALPHABET[rng.int(0, OPENID_ALPHABET.length - 1)]!;
  return out;
}

export function billingLabel(kind: BillingKind): string {
  return LABELS.zh.billingKind[kind];
}

// ---------------------------------------------------------------------------------------------
// Text and containers

export function utf8(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

export function gbk(text: string): Uint8Array {
  return new Uint8Array(iconv.encode(text, 'gbk'));
}

/** A CSV cell: quoted only when it holds the separator, a quote or a line break. */
export function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(cells: readonly string[]): string {
  return cells.map(csvCell).join(',');
}

export interface ZipEntry {
  name: string;
  /** gbk: no UTF-8 flag (Alipay, Chinese Windows); utf-8: flag bit 11 set. */
  nameEncoding: 'gbk' | 'utf-8';
  data: Uint8Array;
}

/** A plain deflate zip. Timestamps are fixed from `date` (never the clock) so the bytes are reproducible. */
export function buildZip(entries: readonly ZipEntry[], date: string): Uint8Array {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const dosDate = ((y - 1980) << 9) | (m << 5) | d;
  const dosTime = 6 << 11; // 06:00:00, when the channel publishes the file
  return zipContainer(
    entries.map((e) => ({
      name: e.nameEncoding === 'gbk' ? iconv.encode(e.name, 'gbk') : Buffer.from(e.name, 'utf8'),
      body: deflateSync(e.data, { level: 6 }),
      flags: e.nameEncoding === 'utf-8' ? 0x800 : 0,
      method: 8,
      dosTime,
      dosDate,
      crc: crc32(e.data),
      size: e.data.length,
    })),
  );
}

/** One member as the container stores it: its name's bytes, the stored body, and what the headers say of it. */
export interface ZipRecord {
  name: Uint8Array;
  body: Uint8Array;
  /** General purpose flags: bit 11 = UTF-8 name, bit 0 = encrypted. */
  flags: number;
  /** 0 stored, 8 deflate. */
  method: number;
  dosTime: number;
  dosDate: number;
  crc: number;
  /** The uncompressed size the headers declare. */
  size: number;
}

/** Local headers and bodies, the central directory and its end record: no zip64, extra fields or comment. */
export function zipContainer(records: readonly ZipRecord[]): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const r of records) {
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(r.flags, 6);
    local.writeUInt16LE(r.method, 8);
    local.writeUInt16LE(r.dosTime, 10);
    local.writeUInt16LE(r.dosDate, 12);
    local.writeUInt32LE(r.crc >>> 0, 14);
    local.writeUInt32LE(r.body.length, 18);
    local.writeUInt32LE(r.size, 22);
    local.writeUInt16LE(r.name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, r.name, r.body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(r.flags, 8);
    central.writeUInt16LE(r.method, 10);
    central.writeUInt16LE(r.dosTime, 12);
    central.writeUInt16LE(r.dosDate, 14);
    central.writeUInt32LE(r.crc >>> 0, 16);
    central.writeUInt32LE(r.body.length, 20);
    central.writeUInt32LE(r.size, 24);
    central.writeUInt16LE(r.name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, r.name);
    offset += local.length + r.name.length + r.body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(records.length, 8);
  end.writeUInt16LE(records.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, cd, end]));
}

// ---------------------------------------------------------------------------------------------
// Line keys (store/recon-keys.ts): L|channel|statement day|letter|id, a repeat of the same id #2, #3…

const LETTER: Record<PrintedLine['kind'], string> = { payment: 'P', refund: 'R', reversal: 'V', settlement: 'S' };

/** The id part of a line key, as kidSql() computes it from the parsed line's columns. */
export function lineKid(channel: Channel, l: UnkeyedLine): string | null {
  if ((channel === 'unionpay' || channel === 'allinpay') && l.terminalId !== null && l.refNo !== null) {
    return `${l.terminalId}/${l.refNo}`;
  }
  if (channel === 'wire') return l.channelTxnId ?? (l.refNo === null ? null : `R:${l.refNo}`);
  if (l.channelTxnId === null) return null;
  return l.refundNo === null || l.refundNo === l.channelTxnId ? l.channelTxnId : `${l.channelTxnId}/${l.refundNo}`;
}

/** Fill in the line keys of a file's lines (in file order), numbering repeats of an id. */
export function assignLineKeys(
  channel: Channel,
  date: string,
  lines: readonly UnkeyedLine[],
  hash16: string,
): PrintedLine[] {
  const seen = new Map<string, number>();
  return lines.map((l) => {
    const kid = lineKid(channel, l);
    const letter = LETTER[l.kind];
    let tail: string;
    if (kid === null) tail = `@${hash16}:${l.member === null ? '' : `${l.member}:`}${l.lineNo}`;
    else {
      const group = `${letter}|${kid}`;
      const n = (seen.get(group) ?? 0) + 1;
      seen.set(group, n);
      tail = n > 1 ? `${kid}#${n}` : kid;
    }
    return { ...l, lineKey: `L|${channel}|${date}|${letter}|${tail}` };
  });
}
