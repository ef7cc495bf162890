// The sandbox's channel statements: every file imports cleanly through the real import service, its
// lines are exactly the central data's payments and refunds of that channel-day (without anomalies),
// and with anomalies the differences are exactly those the manifest lists. Expected lines are
// derived here from the data itself (sandbox/data.ts), independently of the writers.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { Channel } from '../../../src-main/domain/channels';
import { CHANNEL_CODES } from '../../../src-main/domain/channels';
import { addDays } from '../../../src-main/domain/dates';
import { iterateOrders, resolveConfig, statementDate, type SandboxOrder } from '../../../src-main/sandbox/data';
import {
  ACQUIRERS,
  ANOMALY_CHANNELS,
  ANOMALY_KINDS,
  StatementBook,
  renderSandboxStatement,
  renderSandboxStatements,
  sandboxManifest,
  writeSandboxStatements,
  type AnomalyKind,
  type SandboxManifest,
  type SandboxStatementConfig,
} from '../../../src-main/sandbox/statements';
import { lineKid } from '../../../src-main/sandbox/statements/common';
import { collectParse } from '../../../src-main/statements/collect';
import { detectParser, importFiles } from '../../../src-main/statements/import';
import { bufferSource } from '../../../src-main/statements/source';
import type { ParseResult, StatementLine } from '../../../src-main/statements/types';
import { openStore } from '../../../src-main/store';
import { main } from '../../../src-main/cli';

// ---------------------------------------------------------------------------------------------
// Helpers

async function parseFile(fileName: string, bytes: Uint8Array, date: string): Promise<ParseResult> {
  const source = bufferSource(fileName, bytes);
  const detected = await detectParser(source);
  if (!detected) throw new Error(`${fileName}: no parser recognises it`);
  return collectParse(detected.parser, source, { fileName, expectedDate: date });
}

const acquirerNames = new Set(Object.values(ACQUIRERS).map((a) => a!.name));

/** Bank lines that are settlements of channels or cash deposits, not customer money. */
function isSettlementCredit(l: Pick<StatementLine, 'payerName' | 'remark'>): boolean {
  return (l.payerName !== null && acquirerNames.has(l.payerName)) || (l.remark ?? '').includes('现金缴款');
}

/** What identifies a line of a channel, as both the data and a parsed line can say it. */
type IdFields = Pick<
  StatementLine,
  'kind' | 'channelTxnId' | 'refundNo' | 'terminalId' | 'refNo' | 'payerAccount' | 'originalTxnId'
>;
function idOf(channel: Channel, l: IdFields): string {
  switch (channel) {
    case 'wechat':
    case 'cash':
      return `${l.channelTxnId}`;
    case 'alipay':
    case 'lakala':
      return l.kind === 'refund' ? `${l.channelTxnId}/${l.refundNo}` : `${l.channelTxnId}`;
    case 'unionpay':
    case 'allinpay':
      return l.kind === 'reversal' ? `${l.terminalId}/void` : `${l.terminalId}/${l.refNo}`;
    case 'wire':
      return `${l.payerAccount}`;
  }
}

/** A line's signature: its id, kind, signed amount and fee. */
function sig(channel: Channel, l: IdFields & { amountFen: number; feeFen: number }): string {
  return `${l.kind}|${idOf(channel, l)}|${l.amountFen}|${l.feeFen}`;
}

interface Expected {
  kind: StatementLine['kind'];
  amountFen: number;
  feeFen: number;
  id: string;
  /** The platform key (P|…, R|…). */
  key: string;
}

/** The lines channel c must print for day D, straight from the central data. */
function expectedLines(orders: readonly SandboxOrder[], channel: Channel, date: string): Expected[] {
  const out: Expected[] = [];
  for (const o of orders) {
    for (const p of o.payments) {
      const r = p.record;
      if (r.channel !== channel || r.status === 'closed') continue;
      const ids = (kind: StatementLine['kind']): IdFields => ({
        kind,
        channelTxnId: channel === 'lakala' ? p.facts.lakalaLogNo : r.channelTxnId,
        refundNo: null,
        terminalId: r.terminalId,
        refNo: r.refNo,
        payerAccount: r.payerAccount,
        originalTxnId: null,
      });
      if (p.facts.statementDate === date) {
        out.push({
          kind: 'payment',
          amountFen: r.amountFen,
          feeFen: p.facts.feeFen,
          id: idOf(channel, ids('payment')),
          key: `P|${r.paymentNo}`,
        });
      }
      if (
        r.status === 'reversed' &&
        p.facts.reversedAtMs !== null &&
        statementDate(channel, p.facts.reversedAtMs) === date
      ) {
        out.push({
          kind: 'reversal',
          amountFen: -r.amountFen,
          feeFen: -p.facts.feeFen,
          id: idOf(channel, ids('reversal')),
          key: `V|${r.paymentNo}`,
        });
      }
    }
    for (const f of o.refunds) {
      const r = f.record;
      if (r.channel !== channel || r.status !== 'success' || f.facts.statementDate !== date) continue;
      const p = o.payments.find((x) => x.record.paymentNo === r.paymentNo)!;
      const l: IdFields = {
        kind: 'refund',
        channelTxnId:
          channel === 'alipay'
            ? p.record.channelTxnId
            : channel === 'lakala'
              ? (r.channelRefundId ?? '').slice(-14)
              : r.channelRefundId,
        refundNo: r.merchantRefundNo,
        terminalId: p.record.terminalId,
        refNo: r.channelRefundId,
        payerAccount: p.record.payerAccount,
        originalTxnId: null,
      };
      out.push({
        kind: 'refund',
        amountFen: -r.amountFen,
        feeFen: -f.facts.feeReturnedFen,
        id: idOf(channel, l),
        key: `R|${r.refundNo}`,
      });
    }
  }
  return out;
}

function multiset(items: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of items) m.set(s, (m.get(s) ?? 0) + 1);
  return m;
}

function sortedEntries(m: Map<string, number>): [string, number][] {
  return [...m].filter(([, n]) => n !== 0).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** The customer lines of a parsed file (wire: without settlement credits; cash: without slips). */
function customerLines(channel: Channel, r: ParseResult): StatementLine[] {
  return r.lines.filter((l) => l.kind !== 'settlement' && !(channel === 'wire' && isSettlementCredit(l)));
}

const DATASETS: { name: string; config: SandboxStatementConfig; dates: string[] }[] = [
  {
    name: 'seed 7, 300 orders over 30 days',
    config: { seed: 7, orders: 300 },
    dates: ['2026-10-01', '2026-10-12', '2026-10-21', '2026-10-30'],
  },
  {
    name: 'seed "north", 160 orders over 12 days',
    config: { seed: 'north', orders: 160, days: 12 },
    dates: ['2026-10-03', '2026-10-08', '2026-10-12'],
  },
  {
    name: 'seed 42, 420 orders over 20 days from 2027-01-10',
    config: { seed: 42, orders: 420, days: 20, startDate: '2027-01-10' },
    dates: ['2027-01-15', '2027-01-22', '2027-01-29'],
  },
];

const ordersCache = new Map<string, SandboxOrder[]>();
function ordersOf(config: SandboxStatementConfig): SandboxOrder[] {
  const k = JSON.stringify([config.seed, config.orders, config.days, config.startDate]);
  let o = ordersCache.get(k);
  if (!o) ordersCache.set(k, (o = [...iterateOrders(resolveConfig(config))]));
  return o;
}

// ---------------------------------------------------------------------------------------------

describe('sandbox statements: files import cleanly', () => {
  for (const ds of DATASETS) {
    for (const anomalies of [false, true]) {
      it(`${ds.name}, ${anomalies ? 'with' : 'without'} anomalies: every channel's file is imported with its channel, day and tie-out`, async () => {
        for (const date of ds.dates) {
          const store = await openStore(':memory:');
          try {
            const { files } = renderSandboxStatements(date, { ...ds.config, anomalies });
            expect(files.map((f) => f.channel)).toEqual([...CHANNEL_CODES]);
            const reports = await importFiles(
              store,
              files.map((f) => ({ fileName: f.fileName, bytes: f.bytes })),
              { actor: 'sandbox.test', date },
            );
            expect(reports).toHaveLength(7);
            reports.forEach((r, i) => {
              const where = `${date} ${files[i]!.fileName}`;
              expect(r.errors, where).toEqual([]);
              expect(r.status, where).toBe('imported');
              expect(r.channel, where).toBe(files[i]!.channel);
              expect(r.businessDate, where).toBe(date);
              expect(r.state, where).toBe('active');
              if (r.channel !== 'cash') expect(r.tieOut, where).not.toBeNull();
              expect(r.tieOut?.ok ?? true, where).toBe(true);
              // Only the intended signals: a duplicate charge is flagged, nothing else is.
              expect(
                r.warnings.filter((w) => w.code !== 'duplicate_id'),
                where,
              ).toEqual([]);
            });
          } finally {
            await store.close();
          }
        }
      });
    }
  }
});

describe('sandbox statements: without anomalies the lines are the central data', () => {
  for (const ds of DATASETS) {
    it(`${ds.name}: count, Σfen, fees and ids per channel-day equal the payments and refunds`, async () => {
      const orders = ordersOf(ds.config);
      const book = new StatementBook({ ...ds.config, anomalies: false });
      let compared = 0;
      for (const date of ds.dates) {
        const manifest = sandboxManifest(date, book);
        expect(manifest.anomalies).toEqual([]);
        for (const channel of CHANNEL_CODES) {
          const file = renderSandboxStatement(channel, date, book);
          const parsed = await parseFile(file.fileName, file.bytes, date);
          expect(parsed.errors).toEqual([]);
          const lines = customerLines(channel, parsed);
          const expected = expectedLines(orders, channel, date);
          const where = `${channel} ${date}`;
          expect(lines.length, where).toBe(expected.length);
          expect(
            lines.reduce((a, l) => a + l.amountFen, 0),
            where,
          ).toBe(expected.reduce((a, e) => a + e.amountFen, 0));
          expect(
            lines.reduce((a, l) => a + l.feeFen, 0),
            where,
          ).toBe(expected.reduce((a, e) => a + e.feeFen, 0));
          expect(sortedEntries(multiset(lines.map((l) => sig(channel, l)))), where).toEqual(
            sortedEntries(multiset(expected.map((e) => `${e.kind}|${e.id}|${e.amountFen}|${e.feeFen}`))),
          );
          for (const l of lines) expect(l.businessDate, `${where} line ${l.lineNo}`).toBe(date);
          compared += lines.length;
        }
      }
      expect(compared).toBeGreaterThan(40);
    });
  }
});

describe('sandbox statements: with anomalies the differences are exactly the manifest', () => {
  for (const ds of DATASETS) {
    it(`${ds.name}: each channel-day differs from the data by the manifest's anomalies, no more`, async () => {
      const orders = ordersOf(ds.config);
      const book = new StatementBook({ ...ds.config, anomalies: true });
      const seenKinds = new Set<AnomalyKind>();
      for (const date of ds.dates) {
        const manifest = sandboxManifest(date, book);
        for (const channel of CHANNEL_CODES) {
          const file = renderSandboxStatement(channel, date, book);
          const parsed = await parseFile(file.fileName, file.bytes, date);
          expect(parsed.errors).toEqual([]);
          const lines = customerLines(channel, parsed);
          // Start from the data, then apply what the manifest says was done to this file.
          const want = multiset(
            expectedLines(orders, channel, date).map((e) => `${e.kind}|${e.id}|${e.amountFen}|${e.feeFen}`),
          );
          const bump = (s: string, n: number) => want.set(s, (want.get(s) ?? 0) + n);
          const dataSig = (a: SandboxManifest['anomalies'][number]) => {
            const e = expectedLines(orders, channel, a.businessDate).find((x) => x.key === a.internal!.key);
            expect(e, `${a.id}: its internal item is a line of ${a.businessDate}`).toBeDefined();
            return `${e!.kind}|${e!.id}|${e!.amountFen}|${e!.feeFen}`;
          };
          for (const a of manifest.anomalies.filter((x) => x.channel === channel)) {
            seenKinds.add(a.kind);
            switch (a.kind) {
              case 'missing_line':
                expect(a.line).toBeNull();
                bump(dataSig(a), -1);
                break;
              case 'late_landing':
                if (a.businessDate === date) bump(dataSig(a), -1);
                if (a.statementDate === date) bump(sig(channel, a.line!), +1);
                break;
              case 'amount_differs':
              case 'fee_differs':
                bump(dataSig(a), -1);
                bump(sig(channel, a.line!), +1);
                expect(a.deltaFen).not.toBe(0);
                break;
              case 'duplicate':
                expect(sig(channel, a.counterpart!)).toBe(sig(channel, a.line!));
                bump(sig(channel, a.line!), +1);
                break;
              case 'extra_line':
              case 'unrecorded_refund':
              case 'wire_no_order':
              case 'wire_unknown_payer':
                expect(a.internal).toBeNull();
                bump(sig(channel, a.line!), +1);
                break;
            }
          }
          expect(sortedEntries(multiset(lines.map((l) => sig(channel, l)))), `${channel} ${date}`).toEqual(
            sortedEntries(want),
          );
        }
      }
      expect(seenKinds.size).toBeGreaterThanOrEqual(6);
    });
  }

  it('names every anomalous line by its line number and natural key as the parsed file has it', async () => {
    const book = new StatementBook({ seed: 7, orders: 300, anomalies: true });
    let checked = 0;
    for (const date of ['2026-10-12', '2026-10-21', '2026-10-29']) {
      const manifest = sandboxManifest(date, book);
      for (const a of manifest.anomalies) {
        for (const printed of [a.line, a.counterpart]) {
          if (!printed) continue;
          const file = renderSandboxStatement(a.channel, a.statementDate, book);
          expect(printed.fileName).toBe(file.fileName);
          const parsed = await parseFile(file.fileName, file.bytes, a.statementDate);
          // Keys as store/recon-keys.ts makes them: channel id, repeats numbered in line order.
          const counts = new Map<string, number>();
          const keyed = parsed.lines.map((l) => {
            const letter = { payment: 'P', refund: 'R', reversal: 'V', settlement: 'S', fee: 'F', adjustment: 'A' }[
              l.kind
            ];
            const kid = lineKid(a.channel, {
              ...l,
              kind: l.kind === 'reversal' ? 'reversal' : l.kind === 'refund' ? 'refund' : 'payment',
              fileName: '',
              member: l.member ?? null,
            });
            const g = `${letter}|${kid}`;
            const n = (counts.get(g) ?? 0) + 1;
            counts.set(g, n);
            return { l, key: `L|${a.channel}|${a.statementDate}|${letter}|${kid}${n > 1 ? `#${n}` : ''}` };
          });
          const hit = keyed.find((k) => k.key === printed.lineKey);
          expect(hit, `${a.id}: ${printed.lineKey}`).toBeDefined();
          expect(hit!.l.lineNo).toBe(printed.lineNo);
          expect(hit!.l.amountFen).toBe(printed.amountFen);
          expect(hit!.l.feeFen).toBe(printed.feeFen);
          expect(hit!.l.merchantOrderNo).toBe(printed.merchantOrderNo);
          checked++;
        }
        // Every expectation names its members; statement members are the printed lines' keys.
        for (const e of a.expect) {
          expect(e.members.length).toBeGreaterThan(0);
          for (const m of e.members) expect(m).toMatch(/^(P\||R\||L\|)/);
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('spreads every kind over the channels it applies to, deterministically', () => {
    const book = new StatementBook({ seed: 7, orders: 300, anomalies: true });
    const byKind = new Map<AnomalyKind, Set<Channel>>();
    const ids = new Set<string>();
    for (const date of book.days()) {
      for (const a of sandboxManifest(date, book).anomalies) {
        if (a.businessDate !== date) continue; // a late landing is listed again on the day it lands
        expect(ids.has(a.id)).toBe(false);
        ids.add(a.id);
        expect(ANOMALY_CHANNELS[a.kind]).toContain(a.channel);
        if (!byKind.has(a.kind)) byKind.set(a.kind, new Set());
        byKind.get(a.kind)!.add(a.channel);
      }
    }
    expect([...byKind.keys()].sort()).toEqual([...ANOMALY_KINDS].sort());
    const channels = new Set([...byKind.values()].flatMap((s) => [...s]));
    expect(channels.size).toBe(7);
    // The same inputs give the same plan; another seed another one.
    const again = new StatementBook({ seed: 7, orders: 300, anomalies: true });
    expect(sandboxManifest('2026-10-20', again)).toEqual(sandboxManifest('2026-10-20', book));
    const other = new StatementBook({ seed: 8, orders: 300, anomalies: true });
    expect(sandboxManifest('2026-10-20', other).anomalies.map((a) => a.id)).not.toEqual(
      sandboxManifest('2026-10-20', book).anomalies.map((a) => a.id),
    );
  });

  it('injects only the kinds asked for', () => {
    const kinds: AnomalyKind[] = ['duplicate', 'fee_differs'];
    const book = new StatementBook({ seed: 7, orders: 300, anomalies: kinds });
    const found = new Set(book.days().flatMap((d) => sandboxManifest(d, book).anomalies.map((a) => a.kind)));
    expect([...found].sort()).toEqual(kinds);
  });
});

describe('sandbox statements: cut-offs', () => {
  it('puts payments near midnight and around the 23:00 POS cut-off in the right day’s file', async () => {
    const config = { seed: 11, orders: 600, days: 20, anomalies: false } as const;
    const orders = ordersOf(config);
    const book = new StatementBook(config);
    const HOUR = 3_600_000;
    const wall = (ms: number) => new Date(ms + 8 * HOUR).toISOString();
    const near: { channel: Channel; at: number; day: string; id: string }[] = [];
    for (const o of orders) {
      for (const p of o.payments) {
        if (p.record.status !== 'success') continue;
        const t = wall(p.paidMs); // Beijing wall clock as ISO text
        const hm = t.slice(11, 16);
        const channel = p.record.channel;
        const cal = t.slice(0, 10);
        let day: string | null = null;
        // Independently of data.ts: calendar day for every channel but UnionPay, which cuts at 23:00.
        if (channel === 'unionpay' && hm >= '22:50' && hm < '23:10') day = hm >= '23:00' ? addDays(cal, 1) : cal;
        else if (channel !== 'unionpay' && (hm >= '23:50' || hm < '00:10')) day = cal;
        if (day === null || day < book.firstDay || day > book.lastDay) continue;
        const id =
          channel === 'unionpay' || channel === 'allinpay'
            ? `${p.record.terminalId}/${p.record.refNo}`
            : channel === 'lakala'
              ? p.facts.lakalaLogNo!
              : channel === 'wire'
                ? p.record.payerAccount!
                : p.record.channelTxnId!;
        near.push({ channel, at: p.paidMs, day, id });
      }
    }
    expect(near.filter((n) => n.channel === 'unionpay').length).toBeGreaterThan(0);
    expect(near.filter((n) => n.channel !== 'unionpay').length).toBeGreaterThan(2);
    const idsIn = async (channel: Channel, date: string): Promise<string[]> => {
      if (!book.inRange(date)) return [];
      const f = renderSandboxStatement(channel, date, book);
      const r = await parseFile(f.fileName, f.bytes, date);
      return customerLines(channel, r)
        .filter((l) => l.kind === 'payment')
        .map((l) => idOf(channel, l));
    };
    for (const n of near) {
      expect(await idsIn(n.channel, n.day), `${n.channel} ${wall(n.at)} belongs to ${n.day}`).toContain(n.id);
      for (const other of [addDays(n.day, -1), addDays(n.day, 1)]) {
        expect(await idsIn(n.channel, other), `${n.channel} ${wall(n.at)} not in ${other}`).not.toContain(n.id);
      }
    }
  });

  it('moves a late landing into the next day’s file, after the cut-off', async () => {
    // Find a day with a late landing on a channel with a cut-off (not wire).
    const book = new StatementBook({ seed: 7, orders: 600, anomalies: ['late_landing'] });
    const landings = book.days().flatMap((d) => sandboxManifest(d, book).anomalies.filter((a) => a.businessDate === d));
    expect(landings.length).toBeGreaterThan(3);
    expect(landings.some((a) => a.channel !== 'wire')).toBe(true);
    for (const a of landings) {
      expect(a.statementDate).toBe(addDays(a.businessDate, 1));
      expect(a.expect.map((e) => [e.runDate, e.types])).toEqual([
        [a.businessDate, ['TIMING']],
        [a.statementDate, ['MATCH']],
      ]);
      const next = renderSandboxStatement(a.channel, a.statementDate, book);
      const parsed = await parseFile(next.fileName, next.bytes, a.statementDate);
      const hit = parsed.lines.find((l) => l.lineNo === a.line!.lineNo && (l.member ?? null) === a.line!.member);
      expect(hit?.businessDate).toBe(a.statementDate);
      expect(hit?.amountFen).toBe(a.internal!.amountFen);
      if (a.channel !== 'wire') {
        // Paid just before the cut-off by the platform's clock, booked just after it by the channel's.
        const paid = Date.parse(a.internal!.at);
        const booked = Date.parse(hit!.occurredAt);
        expect(booked).toBeGreaterThan(paid);
        expect(booked - paid).toBeLessThan(30 * 60_000);
      }
      const today = renderSandboxStatement(a.channel, a.businessDate, book);
      const todays = await parseFile(today.fileName, today.bytes, a.businessDate);
      expect(todays.lines.some((l) => sig(a.channel, l) === sig(a.channel, hit!))).toBe(false);
    }
  });
});

describe('sandbox statements: POS voids', () => {
  it('prints a voided swipe as 消费 plus its 撤销, which cites the original on the same terminal', async () => {
    const book = new StatementBook({ seed: 11, orders: 600, days: 20, anomalies: false });
    let voids = 0;
    for (const channel of ['unionpay', 'allinpay'] as const) {
      for (const date of book.days()) {
        if (!book.lines(channel, date).some((e) => e.kind === 'reversal')) continue;
        const f = renderSandboxStatement(channel, date, book);
        const parsed = await parseFile(f.fileName, f.bytes, date);
        for (const v of parsed.lines.filter((l) => l.kind === 'reversal')) {
          // The reconciliation pairs a void with its payment line by terminal, cited id and amount.
          const paid = parsed.lines.filter(
            (p) =>
              p.kind === 'payment' &&
              p.terminalId === v.terminalId &&
              p.amountFen === -v.amountFen &&
              [p.refNo, p.voucherNo, p.channelTxnId].includes(v.originalTxnId),
          );
          expect(paid, `${channel} ${date} line ${v.lineNo}`).toHaveLength(1);
          expect(v.feeFen).toBe(-paid[0]!.feeFen);
          expect(v.refNo).not.toBe(paid[0]!.refNo);
          voids++;
        }
      }
    }
    expect(voids).toBeGreaterThan(0);
  });
});

describe('sandbox statements: three-way check', () => {
  it('credits each channel’s statement net and each cash slip the next day, and the balances chain', async () => {
    const config = { seed: 7, orders: 300, anomalies: true } as const;
    const book = new StatementBook(config);
    let closing: number | null = null;
    let settlementsChecked = 0;
    for (const date of ['2026-10-18', '2026-10-19', '2026-10-20', '2026-10-21']) {
      const store = await openStore(':memory:');
      try {
        const prev = addDays(date, -1);
        const prevFiles = renderSandboxStatements(prev, book).files;
        const reports = await importFiles(
          store,
          prevFiles.map((f) => ({ fileName: f.fileName, bytes: f.bytes })),
          { actor: 't', date: prev },
        );
        const manifest = sandboxManifest(date, book);
        const wire = renderSandboxStatement('wire', date, book);
        const parsed = await parseFile(wire.fileName, wire.bytes, date);
        for (const r of reports) {
          const ch = r.channel!;
          if (ch === 'cash' || ch === 'wire') continue;
          const s = manifest.settlements.filter((x) => x.channel === ch);
          if (r.netFen === 0) {
            expect(s).toEqual([]);
            continue;
          }
          expect(s).toHaveLength(1);
          expect(s[0]!.statementDate).toBe(prev);
          expect(s[0]!.netFen).toBe(r.netFen); // statement net = gross − fees − refunds = the bank credit
          const line = parsed.lines.find((l) => l.channelTxnId === s[0]!.bankRef)!;
          expect(line.amountFen).toBe(r.netFen);
          expect(line.payerName).toBe(ACQUIRERS[ch]!.name);
          expect(line.payerAccount).toBe(ACQUIRERS[ch]!.account);
          settlementsChecked++;
        }
        // Cash: each deposit slip of the day before is one bank credit of the same amount.
        const cashFile = prevFiles.find((f) => f.channel === 'cash')!;
        const slips = (await parseFile(cashFile.fileName, cashFile.bytes, prev)).lines.filter(
          (l) => l.kind === 'settlement',
        );
        const deposits = manifest.settlements.filter((s) => s.channel === 'cash');
        expect(deposits.map((d) => [d.slipNo, d.netFen]).sort()).toEqual(
          slips.map((s) => [s.channelTxnId, -s.amountFen]).sort(),
        );
        for (const d of deposits)
          expect(parsed.lines.find((l) => l.channelTxnId === d.bankRef)?.remark).toContain(d.slipNo!);
        // A day's closing balance is the next day's opening balance.
        const summary = parsed.header.summary!;
        if (closing !== null) expect(summary.openingBalanceFen).toBe(closing);
        closing = summary.closingBalanceFen ?? null;
        expect(parsed.tieOut?.ok).toBe(true);
      } finally {
        await store.close();
      }
    }
    expect(settlementsChecked).toBeGreaterThan(6);
  });
});

describe('sandbox statements: determinism, API and CLI', () => {
  it('gives the same bytes for the same inputs and other bytes for another seed', () => {
    const a = new StatementBook({ seed: 5, orders: 150, days: 10 });
    const b = new StatementBook({ seed: 5, orders: 150, days: 10 });
    const c = new StatementBook({ seed: 6, orders: 150, days: 10 });
    const all = (book: StatementBook) =>
      Buffer.concat(CHANNEL_CODES.map((ch) => renderSandboxStatement(ch, '2026-10-08', book).bytes));
    expect(all(b).equals(all(a))).toBe(true);
    expect(all(c).equals(all(a))).toBe(false);
  });

  it('refuses a day outside the dataset', () => {
    expect(() => renderSandboxStatement('wechat', '2026-09-30', { seed: 1, orders: 10, days: 5 })).toThrow(
      /outside the sandbox dataset/,
    );
    expect(() => renderSandboxStatement('wechat', '2026-10-06', { seed: 1, orders: 10, days: 5 })).toThrow(
      /outside the sandbox dataset/,
    );
    expect(() => renderSandboxStatement('wechat', '2026-13-01', { seed: 1, orders: 10, days: 5 })).toThrow(
      /YYYY-MM-DD/,
    );
  });

  it('writes the seven files and manifest.json (writeSandboxStatements)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otd-sandbox-stmts-'));
    const { files, manifest, manifestPath } = await writeSandboxStatements({
      seed: 3,
      orders: 200,
      days: 15,
      date: '2026-10-11',
      outDir: dir,
      anomalies: true,
    });
    expect(files.map((f) => f.channel)).toEqual([...CHANNEL_CODES]);
    expect(readdirSync(dir).sort()).toEqual([...files.map((f) => f.fileName), 'manifest.json'].sort());
    const onDisk = JSON.parse(readFileSync(manifestPath, 'utf8')) as SandboxManifest;
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(manifest)));
    expect(onDisk.files.map((f) => [f.fileName, f.sha256])).toEqual(files.map((f) => [f.fileName, f.sha256]));
    expect(onDisk.anomalies.length).toBeGreaterThan(3);
  });

  it('otd sandbox statements writes the day’s files, with --no-anomalies an empty manifest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otd-sandbox-cli-'));
    const printed: string[] = [];
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const run = (args: string[]) =>
      main([
        'sandbox',
        'statements',
        '--seed',
        '9',
        '--orders',
        '120',
        '--days',
        '10',
        '--date',
        '2026-10-06',
        ...args,
      ]);
    try {
      expect(await run(['--out', join(dir, 'a'), '--json'])).toBe(0);
      expect(await run(['--out', join(dir, 'b'), '--no-anomalies'])).toBe(0);
      expect(await run(['--out', join(dir, 'c'), '--date', '2027-01-01'])).toBe(2);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    const reply = JSON.parse(printed[0]!) as {
      date: string;
      files: { channel: string; path: string }[];
      manifest: string;
    };
    expect(reply.date).toBe('2026-10-06');
    expect(reply.files.map((f) => f.channel)).toEqual([...CHANNEL_CODES]);
    expect(reply.manifest).toBe(join(dir, 'a', 'manifest.json'));
    expect(printed.slice(1).join('')).toMatch(/manifest .*manifest\.json \(0 anomalies\)/);
    const a = JSON.parse(readFileSync(join(dir, 'a', 'manifest.json'), 'utf8')) as SandboxManifest;
    const b = JSON.parse(readFileSync(join(dir, 'b', 'manifest.json'), 'utf8')) as SandboxManifest;
    expect(readdirSync(join(dir, 'a'))).toHaveLength(8);
    expect(a.anomalies.length).toBeGreaterThan(0);
    expect(a.anomalyKinds).toEqual([...ANOMALY_KINDS]);
    expect(b.anomalies).toEqual([]);
    expect(b.anomalyKinds).toEqual([]);
    expect(a.dataset).toMatchObject({
      seed: 9,
      orders: 120,
      days: 10,
      startDate: '2026-10-01',
      lastDate: '2026-10-10',
    });
  });
});
