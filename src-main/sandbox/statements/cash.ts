// Cash register export in our template (design/statement-formats.md §6, profiles/cash-register-v1.json):
// UTF-8 CSV with a BOM, the 收款明细 table, a blank line, then the 缴款单 table. Each delivery centre
// deposits its day's net cash the next morning on one slip (缴款单号 JK<centre><yyyyMMdd>, as the
// platform's facts name it); receipts carry their slip's number, and a centre-day whose cash does not
// net positive is not deposited (its receipts carry no slip). The bank credits each slip the day after.
import { COLLECTION_ACCOUNT } from '../data';
import type { BillingKind } from '../../domain/channels';
import { CASH_DETAIL_HEADERS, CASH_SLIP_HEADERS } from '../../statements/cash-template';
import {
  addDaysTo,
  compactDate,
  csvRow,
  isoBeijing,
  signedFen,
  utf8,
  wallClock,
  yuan,
  type Entry,
  type UnkeyedLine,
  type WriterOutput,
} from './common';

export interface CashSlip {
  slipNo: string;
  /** 缴款日期: the morning after the business day. */
  depositDate: string;
  center: string;
  amountFen: number;
  count: number;
}

function category(kind: BillingKind): string {
  return kind === 'small_deposit'
    ? '小定'
    : kind === 'large_deposit'
      ? '大定'
      : kind === 'final_payment'
        ? '尾款'
        : '其他';
}

/** The slips of a cash statement day and the slip each receipt belongs to. */
export function cashSlips(
  date: string,
  entries: readonly Entry[],
): { slips: CashSlip[]; slipOf: Map<Entry, string | null> } {
  const byCenter = new Map<string, { net: number; count: number }>();
  for (const e of entries) {
    const c = e.payment.facts.deliveryCenter;
    const g = byCenter.get(c) ?? { net: 0, count: 0 };
    g.net += signedFen(e);
    g.count++;
    byCenter.set(c, g);
  }
  const slips: CashSlip[] = [];
  for (const [center, g] of [...byCenter].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (g.net > 0) {
      slips.push({
        slipNo: `JK${center}${compactDate(date)}`,
        depositDate: addDaysTo(date, 1),
        center,
        amountFen: g.net,
        count: g.count,
      });
    }
  }
  const deposited = new Set(slips.map((s) => s.center));
  const slipOf = new Map<Entry, string | null>();
  for (const e of entries) {
    const c = e.payment.facts.deliveryCenter;
    slipOf.set(e, deposited.has(c) ? `JK${c}${compactDate(date)}` : null);
  }
  return { slips, slipOf };
}

export function writeCash(date: string, entries: readonly Entry[]): WriterOutput {
  const fileName = `cash-register-${compactDate(date)}.csv`;
  const { slips, slipOf } = cashSlips(date, entries);
  const rows = [CASH_DETAIL_HEADERS.join(',')];
  const lines: WriterOutput['lines'] = [];
  for (const e of entries) {
    const p = e.payment.record;
    const refund = e.kind !== 'payment';
    const receipt = refund ? (e.refund?.record.channelRefundId ?? '') : (p.channelTxnId ?? '');
    const amount = signedFen(e);
    const slip = slipOf.get(e) ?? null;
    const remark = refund ? `退款：${e.refund?.record.reason ?? ''}` : '';
    rows.push(
      csvRow([
        date,
        e.payment.facts.deliveryCenter,
        wallClock(e.atMs),
        p.orderNo,
        category(e.billingKind),
        yuan(amount),
        e.payment.facts.cashierId ?? 'C000000',
        receipt,
        slip ?? '',
        remark,
      ]),
    );
    const line: UnkeyedLine = {
      fileName,
      member: null,
      lineNo: rows.length,
      kind: refund ? 'refund' : 'payment',
      amountFen: amount,
      feeFen: 0,
      occurredAt: isoBeijing(e.atMs),
      channelTxnId: receipt,
      merchantOrderNo: p.orderNo,
      refundNo: null,
      originalTxnId: null,
      terminalId: null,
      refNo: null,
      voucherNo: null,
      payerAccount: null,
      payerName: null,
      remark: remark || null,
    };
    lines.push({ entry: e, line });
  }
  rows.push('');
  rows.push(CASH_SLIP_HEADERS.join(','));
  for (const s of slips) {
    rows.push(
      csvRow([s.slipNo, s.depositDate, s.center, COLLECTION_ACCOUNT.slice(-4), yuan(s.amountFen), String(s.count)]),
    );
    lines.push({
      entry: null,
      line: {
        fileName,
        member: null,
        lineNo: rows.length,
        kind: 'settlement',
        amountFen: -s.amountFen,
        feeFen: 0,
        occurredAt: `${s.depositDate}T00:00:00+08:00`,
        channelTxnId: s.slipNo,
        merchantOrderNo: null,
        refundNo: null,
        originalTxnId: null,
        terminalId: null,
        refNo: null,
        voucherNo: null,
        payerAccount: COLLECTION_ACCOUNT.slice(-4),
        payerName: null,
        remark: '缴款单',
      },
    });
  }
  // The template is UTF-8 with a byte order mark (as Excel saves it).
  return {
    file: {
      channel: 'cash',
      date,
      fileName,
      mediaType: 'text/csv; charset=utf-8',
      bytes: utf8(`\uFEFF${rows.join('\r\n')}\r\n`),
    },
    lines,
  };
}
