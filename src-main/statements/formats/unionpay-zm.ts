// UnionPay online 全渠道 ZM reconciliation file, design/statement-formats.md §4a.
//
// Layout: one transaction per line, 42 fixed-width fields with one space between them, 607 bytes a
// line. Every line's byte length and separator positions are checked; fields are sliced from the
// raw BYTES of the line (RawLine.bytes) and only then decoded (UTF-8 when valid, else GB18030),
// because SDKs disagree on the encoding and a decoded string's length says nothing about widths.
//
// It arrives either as the plain member file INN{yyMMdd}{nn}ZM_{merId} or as the fileTransfer zip
// {merId}_{yyyyMMdd}.zip holding that member (plus an INN…ZME_ error-transaction member, which is
// not a statement of settled money and is ignored with a note).
//
// Dates. 交易传输时间 is MMDDhhmmss, Beijing time, without a year. The year comes from the file date:
// the zip member name's yyMMdd, else opts.expectedDate (a plain file's name is never read). A month
// far from the file date belongs to the neighbouring year (a 12-31 line in a 2025-01-01 file is
// 2024-12-31).
//
// Cut-off. UnionPay closes its day at 23:00 Beijing (银联日切, u): a transaction at or after the
// cut-off belongs to the NEXT business date (a 23:30 payment on 01-05 is in the 01-06 settleDate).
// Lines whose business date is not the file's are kept and flagged cross_day, to be carried as a
// timing difference. The cut-off is a parser option: createUnionPayZmParser({ cutoff: '23:00' }) or
// opts.profile = { cutoff: 'HH:mm' } ('24:00' = the calendar day).
//
// Money. 交易金额 is unsigned fen; the direction comes from 交易类型 (txnType):
//   01 消费 → payment (+)   03 预授权完成 → payment (+, u)
//   31 消费撤销 → reversal (−)   33 预授权完成撤销 → reversal (−, u)   04 退货 → refund (−)
// anything else is an error (the direction of the money is unknown). 商户手续费 and 结算金额 are
// 13 wide and may carry a C/D or ± sign (u): the fee is positive when the channel kept it (D, + or
// unsigned) and negative when it was given back (C or −); 结算金额 is kept as printed in raw.
// Ids: queryId → channelTxnId; orderId → merchantOrderNo (payments) or refundNo (voids/refunds);
// origQryId → originalTxnId; 系统跟踪号 → voucherNo; 终端号 → terminalId. A full card number in
// 账号 is masked (first 6, last 4) before it is kept anywhere.
import iconv from 'iconv-lite';
import { addDays, isIsoDate } from '../../domain/dates';
import { fenText, MoneyFormatError } from '../../domain/money';
import { bufferSource, SourceError } from '../source';
import { CompactIdSet, IssueLog, LineBatcher } from '../text';
import type {
  Detection,
  LineKind,
  ParseOptions,
  ParseOutcome,
  RawLine,
  SniffInput,
  StatementParser,
  StatementSource,
} from '../types';
import { readZip, ZipError } from '../zip';

// ---------------------------------------------------------------------------------------------
// Layout

const FIELD_SPEC: ReadonlyArray<readonly [name: string, width: number]> = [
  ['交易代码', 3],
  ['代理机构标识码', 11],
  ['发送机构标识码', 11],
  ['系统跟踪号', 6],
  ['交易传输时间', 10],
  ['账号', 19],
  ['交易金额', 12],
  ['商户类别', 4],
  ['终端类型', 2],
  ['查询流水号', 21],
  ['支付方式(旧)', 2],
  ['商户订单号', 32],
  ['支付卡类型', 2],
  ['原系统跟踪号', 6],
  ['原交易日期时间', 10],
  ['商户手续费', 13],
  ['结算金额', 13],
  ['支付方式', 4],
  ['集团商户代码', 15],
  ['交易类型', 2],
  ['交易子类', 2],
  ['业务类型', 6],
  ['账号类型', 2],
  ['账单类型', 4],
  ['账单号码', 32],
  ['交互方式', 1],
  ['原交易查询流水号', 21],
  ['商户代码', 15],
  ['分账入账方式', 1],
  ['二级商户代码', 15],
  ['二级商户简称', 32],
  ['二级商户分账金额', 13],
  ['清算净额', 13],
  ['终端号', 8],
  ['商户自定义域', 32],
  ['优惠金额', 13],
  ['发票金额', 13],
  ['分期附加手续费', 12],
  ['分期期数', 2],
  ['交易介质', 1],
  ['字段41', 32], // meaning not documented publicly (u)
  ['保留', 98],
];

export interface ZmField {
  index: number; // 0-based
  name: string;
  offset: number; // byte offset in the line
  width: number;
}

export const ZM_FIELDS: readonly ZmField[] = (() => {
  const out: ZmField[] = [];
  let offset = 0;
  FIELD_SPEC.forEach(([name, width], index) => {
    out.push({ index, name, offset, width });
    offset += width + 1;
  });
  return out;
})();

/** 566 bytes of fields + 41 separators. */
export const ZM_LINE_BYTES = ZM_FIELDS.reduce((n, f) => n + f.width, 0) + ZM_FIELDS.length - 1;
if (ZM_LINE_BYTES !== 607) throw new Error(`ZM layout adds up to ${ZM_LINE_BYTES} bytes, not 607`);

const F = Object.fromEntries(ZM_FIELDS.map((f) => [f.name, f])) as Record<string, ZmField>;
const field = (name: string): ZmField => {
  const f = F[name];
  if (!f) throw new Error(`unknown ZM field ${name}`);
  return f;
};
const TRACE = field('系统跟踪号');
const TXN_TIME = field('交易传输时间');
const CARD = field('账号');
const AMOUNT = field('交易金额');
const QUERY_ID = field('查询流水号');
const ORDER_ID = field('商户订单号');
const FEE = field('商户手续费');
const SETTLE = field('结算金额');
const TXN_TYPE = field('交易类型');
const ORIG_QUERY_ID = field('原交易查询流水号');
const MER_ID = field('商户代码');
const TERMINAL = field('终端号');
/** Fields before 二级商户简称 hold digits and letters only: their bytes are their characters. */
const ASCII_PREFIX_FIELDS = ZM_FIELDS.slice(0, field('二级商户简称').index);

const TXN_TYPES: Record<string, { kind: LineKind; sign: 1 | -1; label: string }> = {
  '01': { kind: 'payment', sign: 1, label: '消费' },
  '03': { kind: 'payment', sign: 1, label: '预授权完成' },
  '31': { kind: 'reversal', sign: -1, label: '消费撤销' },
  '33': { kind: 'reversal', sign: -1, label: '预授权完成撤销' },
  '04': { kind: 'refund', sign: -1, label: '退货' },
};

const MEMBER_ZM = /^INN(\d{6})(\d{2})ZM_(.+)$/;
const MEMBER_ZME = /^INN(\d{6})(\d{2})ZME_(.*)$/;

// ---------------------------------------------------------------------------------------------
// Options

export interface UnionPayZmOptions {
  /** Beijing time at which UnionPay's business day closes, 'HH:mm'; default '23:00'. */
  cutoff?: string;
}

/** 'HH:mm' → seconds after midnight; null when not a time (24:00 allowed: no cut-off). */
function cutoffSeconds(text: string): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(text);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59 || (h === 24 && min !== 0)) return null;
  return h * 3600 + min * 60;
}

// ---------------------------------------------------------------------------------------------
// Decoding helpers

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A field's bytes → text: UTF-8 when the bytes are valid UTF-8, else GB18030. */
function decodeField(bytes: Uint8Array): string {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  try {
    return UTF8.decode(bytes);
  } catch {
    return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'gb18030');
  }
}

function maskCard(text: string): string {
  return /^\d{13,19}$/.test(text) ? `${text.slice(0, 6)}${'*'.repeat(text.length - 10)}${text.slice(-4)}` : text;
}

/** Does a decoded first line look like a ZM line (separators at their places, digits where due)? */
function looksLikeZmLine(text: string): boolean {
  if (text.length < ASCII_PREFIX_FIELDS.at(-1)!.offset) return false;
  for (const f of ASCII_PREFIX_FIELDS) if (f.index > 0 && text[f.offset - 1] !== ' ') return false;
  const at = (f: ZmField) => text.slice(f.offset, f.offset + f.width);
  return /^\d{10}$/.test(at(TXN_TIME)) && /^\d{12}$/.test(at(AMOUNT)) && /^\d{2}$/.test(at(TXN_TYPE));
}

function byteLengthOf(text: string, encoding: Detection['encoding']): number {
  return encoding === 'gb18030' ? iconv.encode(text, 'gb18030').length : Buffer.byteLength(text, 'utf8');
}

function sniff(head: SniffInput): number {
  if (head.container === 'zip') {
    const members = head.zipMembers ?? [];
    const zm = members.filter((m) => MEMBER_ZM.test(baseName(m.name)));
    if (zm.length === 0) return 0;
    return zm.some((m) => looksLikeZmLine(m.head)) ? 0.95 : 0.7;
  }
  if (head.container !== 'plain') return 0;
  const first = head.text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .find((l) => l.trim() !== '');
  if (first === undefined) return 0;
  const line = first.replace(/\r$/, '');
  if (!looksLikeZmLine(line)) return 0;
  return byteLengthOf(line, head.encoding) === ZM_LINE_BYTES ? 0.95 : 0.6;
}

function baseName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/** yyMMdd of a member name → YYYY-MM-DD, or null. */
function memberDate(yymmdd: string): string | null {
  const d = `20${yymmdd.slice(0, 2)}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4, 6)}`;
  return isIsoDate(d) ? d : null;
}

const nextDayMemo = new Map<string, string>();
function nextDay(date: string): string {
  let v = nextDayMemo.get(date);
  if (v === undefined) {
    if (nextDayMemo.size > 10_000) nextDayMemo.clear();
    v = addDays(date, 1);
    nextDayMemo.set(date, v);
  }
  return v;
}

const placeMemo = new Map<string, string | null>();

/** MM-DD of a line, placed in the year that puts it closest to the file date. */
function placeInYear(fileDate: string, mm: string, dd: string): string | null {
  const key = `${fileDate}${mm}${dd}`;
  const hit = placeMemo.get(key);
  if (hit !== undefined || placeMemo.has(key)) return hit ?? null;
  if (placeMemo.size > 10_000) placeMemo.clear();
  const v = placeInYearUncached(fileDate, mm, dd);
  placeMemo.set(key, v);
  return v;
}

function placeInYearUncached(fileDate: string, mm: string, dd: string): string | null {
  const y = Number(fileDate.slice(0, 4));
  const fileMs = Date.parse(`${fileDate}T00:00:00Z`);
  let best: string | null = null;
  let bestDiff = Infinity;
  for (const year of [y - 1, y, y + 1]) {
    const d = `${year}-${mm}-${dd}`;
    if (!isIsoDate(d)) continue;
    const diff = Math.abs(Date.parse(`${d}T00:00:00Z`) - fileMs);
    if (diff < bestDiff) {
      best = d;
      bestDiff = diff;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Parsing

interface FileContext {
  member: string | undefined;
  fileDate: string | null; // the statement (settle) date
  merId: string | null; // from the member name
}

export function createUnionPayZmParser(defaults: UnionPayZmOptions = {}): StatementParser {
  async function parse(source: StatementSource, opts: ParseOptions): Promise<ParseOutcome> {
    const errors = new IssueLog();
    const warnings = new IssueLog();
    const notes = [...source.detection.notes];
    const err = (
      line: number | null,
      member: string | undefined,
      fieldName: string | null,
      code: string,
      message: string,
    ) => errors.add({ line, field: fieldName, code, message, ...(member ? { member } : {}) });
    const warn = (
      line: number | null,
      member: string | undefined,
      fieldName: string | null,
      code: string,
      message: string,
    ) => warnings.add({ line, field: fieldName, code, message, ...(member ? { member } : {}) });
    const out = new LineBatcher(opts.emit);

    // Cut-off: opts.profile { cutoff } over the factory default over 23:00.
    let cutoffText = defaults.cutoff ?? '23:00';
    if (opts.profile !== undefined && opts.profile !== null) {
      const p = opts.profile as { cutoff?: unknown };
      if (typeof p === 'object' && p.cutoff !== undefined) {
        if (typeof p.cutoff === 'string') cutoffText = p.cutoff;
        else err(null, undefined, null, 'bad_option', 'the UnionPay cut-off option must be a time "HH:mm"');
      }
    }
    const parsedCutoff = cutoffSeconds(cutoffText);
    if (parsedCutoff === null) {
      err(
        null,
        undefined,
        null,
        'bad_option',
        `the UnionPay cut-off "${cutoffText}" is not a time HH:mm (00:00–24:00)`,
      );
    }
    const cutoff = parsedCutoff ?? 23 * 3600;
    if (opts.expectedDate !== undefined && !isIsoDate(opts.expectedDate)) {
      err(
        null,
        undefined,
        null,
        'bad_option',
        `the requested statement date "${opts.expectedDate}" is not a date YYYY-MM-DD`,
      );
    }
    const expectedDate = opts.expectedDate !== undefined && isIsoDate(opts.expectedDate) ? opts.expectedDate : null;

    let fileDate: string | null = null;
    let merchantId: string | null = null;
    let blank = 0;
    let dataLines = 0;
    let minTime: string | null = null;
    let maxTime: string | null = null;
    const ids = new CompactIdSet();

    const handleLine = async (ctx: FileContext, { lineNo, bytes }: RawLine): Promise<void> => {
      const m = ctx.member;
      if (bytes.length === 0 || bytes.every((b) => b === 0x20 || b === 0x09)) {
        blank++;
        return;
      }
      dataLines++;
      if (bytes.length !== ZM_LINE_BYTES) {
        err(
          lineNo,
          m,
          null,
          'line_length',
          `line ${lineNo} is ${bytes.length} bytes long; every ZM line has exactly ${ZM_LINE_BYTES} bytes (42 fixed-width fields): the line is cut off, joined with another or was edited. Download the file again.`,
        );
        return;
      }
      for (const f of ZM_FIELDS) {
        if (f.index > 0 && bytes[f.offset - 1] !== 0x20) {
          err(
            lineNo,
            m,
            f.name,
            'bad_layout',
            `line ${lineNo}: byte ${f.offset} before field ${f.name} should be the space between fields; the fields are shifted`,
          );
          return;
        }
      }
      const raw: Record<string, string> = {};
      for (const f of ZM_FIELDS) raw[f.name] = decodeField(bytes.subarray(f.offset, f.offset + f.width)).trim();
      raw['账号'] = maskCard(raw['账号'] ?? '');
      const get = (f: ZmField): string => raw[f.name] ?? '';
      let bad = false;

      const typeCode = get(TXN_TYPE);
      const type = TXN_TYPES[typeCode];
      if (!type) {
        err(
          lineNo,
          m,
          TXN_TYPE.name,
          'unknown_type',
          `line ${lineNo}: 交易类型 "${typeCode}" is not 01 消费, 31 消费撤销, 04 退货 (or 03/33); the direction of the money is unknown`,
        );
        bad = true;
      }
      const amountText = get(AMOUNT);
      let amount = 0;
      if (!/^\d{1,12}$/.test(amountText)) {
        err(
          lineNo,
          m,
          AMOUNT.name,
          'bad_amount',
          `line ${lineNo}: 交易金额 "${amountText}" is not an amount in fen (digits only)`,
        );
        bad = true;
      } else amount = Number(amountText);
      let fee = 0;
      const feeText = get(FEE);
      try {
        const n = fenText(feeText === '' ? '0' : feeText);
        // D/+/unsigned = the channel kept it (fenText reads D as negative: turn it round).
        fee = /^[C-]/.test(feeText) ? -Math.abs(n) : Math.abs(n);
      } catch (e) {
        if (!(e instanceof MoneyFormatError)) throw e;
        err(
          lineNo,
          m,
          FEE.name,
          'bad_amount',
          `line ${lineNo}: 商户手续费 "${feeText}" is not a fen amount ([C/D/+/-] and digits)`,
        );
        bad = true;
      }
      const settleText = get(SETTLE);
      if (settleText !== '' && !/^[CD+-]?\d+$/.test(settleText)) {
        err(
          lineNo,
          m,
          SETTLE.name,
          'bad_amount',
          `line ${lineNo}: 结算金额 "${settleText}" is not a fen amount ([C/D/+/-] and digits)`,
        );
        bad = true;
      }

      const t = get(TXN_TIME);
      let occurredAt = '';
      let day = '';
      const tm = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(t);
      if (!tm) {
        err(lineNo, m, TXN_TIME.name, 'bad_time', `line ${lineNo}: 交易传输时间 "${t}" is not MMDDhhmmss`);
        bad = true;
      } else if (ctx.fileDate !== null) {
        const [, mm, dd, hh, mi, ss] = tm as unknown as [string, string, string, string, string, string];
        const date = placeInYear(ctx.fileDate, mm, dd);
        try {
          if (date === null) throw new Error('no such day');
          if (Number(hh) > 23 || Number(mi) > 59 || Number(ss) > 59) throw new Error('no such time');
          // The date is checked (placeInYear) and Beijing has no DST: the wall clock is the instant.
          occurredAt = `${date}T${hh}:${mi}:${ss}+08:00`;
          const secs = Number(hh) * 3600 + Number(mi) * 60 + Number(ss);
          day = secs >= cutoff ? nextDay(date) : date;
        } catch {
          err(
            lineNo,
            m,
            TXN_TIME.name,
            'bad_time',
            `line ${lineNo}: 交易传输时间 "${t}" is not a real date and time (month ${mm}, day ${dd}, ${hh}:${mi}:${ss})`,
          );
          bad = true;
        }
      }
      const queryId = get(QUERY_ID);
      if (queryId === '') {
        err(
          lineNo,
          m,
          QUERY_ID.name,
          'missing_id',
          `line ${lineNo}: 查询流水号 (queryId) is empty; the transaction cannot be matched`,
        );
        bad = true;
      }
      const merId = get(MER_ID);
      if (ctx.merId !== null && merId !== ctx.merId) {
        err(
          lineNo,
          m,
          MER_ID.name,
          'wrong_merchant',
          `line ${lineNo}: 商户代码 ${merId} differs from the merchant ${ctx.merId} named in the file name`,
        );
        bad = true;
      } else if (opts.expectedMerchant !== undefined && merId !== opts.expectedMerchant) {
        err(
          lineNo,
          m,
          MER_ID.name,
          'wrong_merchant',
          `line ${lineNo}: 商户代码 ${merId} is not the expected merchant ${opts.expectedMerchant}`,
        );
        bad = true;
      } else if (merchantId === null) merchantId = merId;
      else if (merId !== merchantId) {
        warn(
          lineNo,
          m,
          MER_ID.name,
          'multiple_merchants',
          `line ${lineNo}: 商户代码 ${merId} differs from ${merchantId} on the earlier lines`,
        );
      }
      const origQueryId = get(ORIG_QUERY_ID);
      if (type && type.sign < 0 && origQueryId === '') {
        warn(
          lineNo,
          m,
          ORIG_QUERY_ID.name,
          'missing_original',
          `line ${lineNo}: a ${type.label} without 原交易查询流水号; it cannot be linked to its original payment`,
        );
      }
      if (bad || !type || ctx.fileDate === null) return;

      const prev = ids.add(queryId, lineNo);
      if (prev !== null) {
        warn(
          lineNo,
          m,
          QUERY_ID.name,
          'duplicate_id',
          `line ${lineNo}: queryId ${queryId} already appears on line ${prev}: the same transaction is listed twice`,
        );
      }
      if (day !== ctx.fileDate) {
        warn(
          lineNo,
          m,
          TXN_TIME.name,
          'cross_day',
          `line ${lineNo}: the transaction at ${occurredAt.slice(0, 19).replace('T', ' ')} belongs to business date ${day} (UnionPay cut-off ${cutoffText}), not the file date ${ctx.fileDate}: kept, to be carried as a timing difference`,
        );
      }
      const signed = type.sign * amount;
      if (minTime === null || occurredAt < minTime) minTime = occurredAt;
      if (maxTime === null || occurredAt > maxTime) maxTime = occurredAt;
      const orderId = get(ORDER_ID) || null;
      await out.push({
        lineNo,
        ...(m ? { member: m } : {}),
        kind: type.kind,
        amountFen: signed,
        feeFen: fee,
        occurredAt,
        businessDate: day,
        channelTxnId: queryId,
        merchantOrderNo: type.sign > 0 ? orderId : null,
        refundNo: type.sign < 0 ? orderId : null,
        originalTxnId: type.sign < 0 ? origQueryId || null : null,
        terminalId: get(TERMINAL) || null,
        refNo: null,
        voucherNo: get(TRACE) || null,
        batchNo: null,
        cardMasked: get(CARD) || null,
        payerAccount: null,
        payerName: null,
        remark: raw['商户自定义域'] || null,
        status: type.label,
        raw,
      });
    };

    const runLines = async (ctx: FileContext, lines: AsyncIterable<RawLine>): Promise<void> => {
      try {
        for await (const l of lines) await handleLine(ctx, l);
      } catch (e) {
        if (e instanceof SourceError)
          err(e.line, ctx.member, null, e.code === 'line_too_long' ? 'line_length' : e.code, e.message);
        else throw e;
      }
    };

    let variant: string | null = null;
    if (source.detection.container === 'zip') {
      variant = 'zip';
      let members: { name: string; bytes: Uint8Array }[] = [];
      try {
        members = readZip(await source.bytes());
      } catch (e) {
        if (!(e instanceof ZipError)) throw e;
        err(null, e.member ?? undefined, null, e.code, `${source.fileName || 'the zip'}: ${e.message}`);
      }
      const zms = members.filter((mm) => MEMBER_ZM.test(baseName(mm.name)));
      for (const mm of members) {
        const b = baseName(mm.name);
        if (MEMBER_ZM.test(b)) continue;
        if (MEMBER_ZME.test(b)) notes.push(`member ${mm.name} (ZME: error transactions, not settled money) ignored`);
        else
          warn(
            null,
            mm.name,
            null,
            'ignored_member',
            `zip member ${mm.name} is not a ZM statement file (INN{yyMMdd}{nn}ZM_{merId}); it was not read`,
          );
      }
      if (members.length > 0 && zms.length === 0) {
        err(
          null,
          undefined,
          null,
          'no_statement',
          'the zip holds no INN…ZM_ member: it is not a UnionPay reconciliation zip, or the statement file is missing from it',
        );
      }
      for (const mm of zms) {
        const match = MEMBER_ZM.exec(baseName(mm.name))!;
        const d = memberDate(match[1]!);
        if (d === null) {
          err(
            null,
            mm.name,
            null,
            'bad_date',
            `member ${mm.name}: ${match[1]} is not a date yyMMdd; the year of the transactions is unknown`,
          );
        }
        if (d !== null && fileDate !== null && d !== fileDate) {
          err(
            null,
            mm.name,
            null,
            'multiple_days',
            `member ${mm.name} is the statement of ${d} but another member is of ${fileDate}; import one day at a time`,
          );
        }
        fileDate ??= d;
        await runLines({ member: mm.name, fileDate: d, merId: match[3]! }, bufferSource(mm.name, mm.bytes).lines());
      }
    } else {
      if (opts.expectedDate === undefined) {
        err(
          null,
          undefined,
          null,
          'no_date',
          'a ZM file prints its transaction times without a year and does not say its own date: give the statement date (--date), or import the zip as UnionPay delivered it',
        );
      }
      fileDate = expectedDate;
      await runLines({ member: undefined, fileDate, merId: null }, source.lines());
    }
    await out.flush();
    if (dataLines === 0 && errors.count() === 0) {
      err(
        null,
        undefined,
        null,
        'empty',
        'the ZM file has no transaction lines. A day without transactions has no ZM file; check that the download is complete.',
      );
    }
    if (blank > 0) notes.push(`${blank} blank line${blank > 1 ? 's' : ''} ignored`);
    notes.push(`business day cut-off ${cutoffText} Beijing time`);

    return {
      header: {
        channel: 'unionpay',
        format: 'unionpay-zm',
        variant,
        businessDate: fileDate,
        merchantId: merchantId ?? opts.expectedMerchant ?? null,
        // The settle day runs from the previous day's cut-off to this day's.
        periodStart: fileDate ? dayBoundary(addDays(fileDate, -1), cutoff) : minTime,
        periodEnd: fileDate ? dayBoundary(fileDate, cutoff) : maxTime,
        currency: 'CNY',
        summary: null, // the ZM file prints no totals
        profileVersion: null,
      },
      lineCount: out.count,
      errors: errors.finish(),
      warnings: warnings.finish(),
      tieOut: null,
      detection: { ...source.detection, confidence: dataLines > 0 ? 0.95 : 0, notes },
    };
  }

  return { format: 'unionpay-zm', channel: 'unionpay', sniff, parse };
}

/** The moment `date`'s business day ends: date + cut-off, Beijing time (24:00 = next midnight). */
function dayBoundary(date: string, cutoffSecs: number): string {
  if (cutoffSecs >= 86400) return `${addDays(date, 1)}T00:00:00+08:00`;
  const h = Math.trunc(cutoffSecs / 3600);
  const m = Math.trunc((cutoffSecs % 3600) / 60);
  return `${date}T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00+08:00`;
}

export const unionPayZmParser: StatementParser = createUnionPayZmParser();
