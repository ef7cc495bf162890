// The collection account's bank statement as MT940 (design/statement-formats.md §7a), one statement
// per value date, with GBK text in :86: as Chinese banks write it. Entries of day D:
//   - the wires the platform knows (customer wires, loan disbursements from partner banks) and the
//     wire refunds it sent, value-dated D, plus the day's injected wire anomalies;
//   - each acquirer's settlement of its statement of D−1: one credit per channel, net = gross − fees −
//     refunds (what that statement nets to), from the acquirer's own account;
//   - each cash deposit slip of D−1 (缴款日期 D).
// :86: reads "付款人:<name>;付款人账号:<account>;附言:<remark>" (对方户名/对方账号 for money out), which
// the MT940 parser's default bank-text profile splits into payer name, payer account and order number.
// Balances chain: the opening balance of D is the closing balance of D−1.
import { COLLECTION_ACCOUNT, DELIVERY_CENTERS } from '../data';
import { CHANNEL_CODES, type Channel } from '../../domain/channels';
import { LABELS } from '../../domain/labels';
import { ACQUIRERS, type StatementBook } from './book';
import { cashSlips } from './cash';
import { compileBankTextProfile, extractAccount, extractFirst, extractOrderNo } from '../../statements/formats/mt940';
import {
  addDaysTo,
  compactDate,
  dayStartMs,
  gbk,
  swiftAmount,
  swiftDate,
  type Entry,
  type UnkeyedLine,
  type WriterOutput,
} from './common';

/** The MT940 parser's default extraction of payer and order number from :86:, to describe lines as it reads them. */
const BANK_TEXT = compileBankTextProfile(undefined).compiled;

const HOUR = 3_600_000;
const MIN = 60_000;

export interface WireLine {
  what: 'wire' | 'refund' | 'settlement' | 'cash_deposit';
  /** + credit, − debit. */
  amountFen: number;
  atMs: number;
  payerName: string;
  payerAccount: string | null;
  remark: string;
  /** The platform wire or refund the line shows (null for settlements and deposits). */
  entry: Entry | null;
  /** Settlement: the channel and the statement day it settles; deposit: the slip. */
  settles: { channel: Channel; statementDate: string } | null;
  slipNo: string | null;
  bankRef: string;
}

export interface WireDay {
  date: string;
  openingFen: number;
  closingFen: number;
  lines: WireLine[];
}

const openingCache = new WeakMap<StatementBook, Map<string, number>>();

/** The lines of the collection account's statement for day D, in booking order, with bank references. */
export function wireLines(book: StatementBook, date: string): WireLine[] {
  const out: Omit<WireLine, 'bankRef'>[] = [];
  const prev = addDaysTo(date, -1);
  const start = dayStartMs(date);
  if (book.inRange(prev)) {
    // Acquirers pay early in the morning, in the fixed channel order.
    CHANNEL_CODES.forEach((ch, i) => {
      const acq = ACQUIRERS[ch];
      if (!acq) return;
      const net = book.netOf(ch, prev);
      if (net === 0) return;
      out.push({
        what: 'settlement',
        amountFen: net,
        atMs: start + 8 * HOUR + i * 7 * MIN,
        payerName: acq.name,
        payerAccount: acq.account,
        remark: `${LABELS.zh.channel[ch]}结算 ${compactDate(prev)}`,
        entry: null,
        settles: { channel: ch, statementDate: prev },
        slipNo: null,
      });
    });
    cashSlips(prev, book.lines('cash', prev)).slips.forEach((s, i) => {
      const city = DELIVERY_CENTERS.find((c) => c.code === s.center)?.city ?? '';
      out.push({
        what: 'cash_deposit',
        amountFen: s.amountFen,
        atMs: start + 9 * HOUR + i * 3 * MIN,
        payerName: `${city}交付中心${s.center}`,
        payerAccount: null,
        remark: `现金缴款 ${s.slipNo}`,
        entry: null,
        settles: null,
        slipNo: s.slipNo,
      });
    });
  }
  for (const e of book.lines('wire', date)) {
    const p = e.payment.record;
    if (e.kind === 'payment') {
      out.push({
        what: 'wire',
        amountFen: e.amountFen,
        atMs: e.atMs,
        payerName: p.payerName ?? '',
        payerAccount: p.payerAccount,
        remark: e.payment.facts.bankRemark ?? '',
        entry: e,
        settles: null,
        slipNo: null,
      });
    } else {
      out.push({
        what: 'refund',
        amountFen: -e.amountFen,
        atMs: e.atMs,
        payerName: p.payerName ?? '',
        payerAccount: p.payerAccount,
        remark: `退款 ${p.orderNo}`,
        entry: e,
        settles: null,
        slipNo: null,
      });
    }
  }
  // Settlements and deposits first (their times are before the day's wires); the book keeps wires in time order.
  const ordered = [...out].sort((a, b) => a.atMs - b.atMs);
  const yymmdd = swiftDate(date);
  return ordered.map((l, i) => ({ ...l, bankRef: `CMB${yymmdd}${String(i + 1).padStart(6, '0')}` }));
}

function netOfLines(lines: readonly WireLine[]): number {
  return lines.reduce((a, l) => a + l.amountFen, 0);
}

/** Opening balance of day D: a seeded base on the first day, then each day's closing balance. */
export function openingBalance(book: StatementBook, date: string): number {
  let memo = openingCache.get(book);
  if (!memo) openingCache.set(book, (memo = new Map()));
  const hit = memo.get(date);
  if (hit !== undefined) return hit;
  let balance = 5_000_000_000 + (book.cfg.seedHash % 100_000_000); // about 50 million yuan
  for (let d = book.firstDay; d < date; d = addDaysTo(d, 1)) {
    memo.set(d, balance);
    balance += netOfLines(wireLines(book, d));
  }
  memo.set(date, balance);
  return balance;
}

export function wireDay(book: StatementBook, date: string): WireDay {
  const lines = wireLines(book, date);
  const openingFen = openingBalance(book, date);
  return { date, openingFen, closingFen: openingFen + netOfLines(lines), lines };
}

function balance(tag: string, date: string, fen: number): string {
  return `:${tag}:${fen < 0 ? 'D' : 'C'}${swiftDate(date)}CNY${swiftAmount(fen)}`;
}

export function writeWire(book: StatementBook, date: string): WriterOutput & { day: WireDay } {
  const day = wireDay(book, date);
  const fileName = `wire-${COLLECTION_ACCOUNT}-${compactDate(date)}.sta`;
  const dayNo = Math.round((dayStartMs(date) - dayStartMs(book.firstDay)) / (24 * HOUR)) + 1;
  const rows = [
    `:20:CMB${swiftDate(date)}`,
    `:25:${COLLECTION_ACCOUNT}`,
    `:28C:${dayNo}/1`,
    balance('60F', addDaysTo(date, -1), day.openingFen),
  ];
  const lines: WriterOutput['lines'] = [];
  const mmdd = compactDate(date).slice(4);
  for (const l of day.lines) {
    const credit = l.amountFen >= 0;
    const type = l.what === 'cash_deposit' ? 'NMSC' : 'NTRF';
    rows.push(
      `:61:${swiftDate(date)}${mmdd}${credit ? 'C' : 'D'}${swiftAmount(l.amountFen)}${type}NONREF//${l.bankRef}`,
    );
    const lineNo = rows.length;
    const party = credit
      ? `付款人:${l.payerName}${l.payerAccount ? `;付款人账号:${l.payerAccount}` : ''}`
      : `对方户名:${l.payerName}${l.payerAccount ? `;对方账号:${l.payerAccount}` : ''}`;
    const info = `${party};附言:${l.remark}`;
    rows.push(`:86:${info}`);
    const line: UnkeyedLine = {
      fileName,
      member: null,
      lineNo,
      // The MT940 parser reads a credit as a payment and a debit as a refund, settlements included.
      kind: credit ? 'payment' : 'refund',
      amountFen: l.amountFen,
      feeFen: 0,
      occurredAt: `${date}T00:00:00+08:00`,
      channelTxnId: l.bankRef,
      merchantOrderNo: extractOrderNo(BANK_TEXT.orderNo, info),
      refundNo: null,
      originalTxnId: null,
      terminalId: null,
      refNo: null,
      voucherNo: null,
      payerAccount: extractAccount(BANK_TEXT.account, info),
      payerName: extractFirst(BANK_TEXT.payerName, info),
      remark: info,
    };
    lines.push({ entry: l.entry, line });
  }
  rows.push(balance('62F', date, day.closingFen));
  rows.push(balance('64', date, day.closingFen));
  rows.push('-');
  return {
    file: {
      channel: 'wire',
      date,
      fileName,
      mediaType: 'text/plain; charset=gbk',
      bytes: gbk(rows.join('\r\n') + '\r\n'),
    },
    lines,
    day,
  };
}
