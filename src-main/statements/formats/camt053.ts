// ISO 20022 camt.053 bank-to-customer statement, design/statement-formats.md §7b.
//
// Safety. The XML comes from outside: a DOCTYPE or ENTITY declaration is refused before parsing
// (XXE, billion laughs), fast-xml-parser runs with entity processing off, and only the five
// predefined entities and numeric character references are decoded afterwards, by hand.
//
// Dispatch. The root Document's namespace urn:iso:std:iso:20022:tech:xsd:camt.053.001.NN picks
// the version (02 … 13 read, with the .08+ differences: Sts/Cd, Dbtr/Pty/Nm); any other namespace
// (camt.052 reports, camt.054 notifications, unknown versions) is refused with a reason.
//
// Per Stmt: account = Acct/Id/IBAN or Acct/Id/Othr/Id; opening = Bal OPBD (or PRCD, the previous
// closing booked, which some banks print instead), closing = Bal CLBD; ITBD/CLAV/… are kept as
// printed only. Per Ntry: the sign comes from CdtDbtInd alone; RvslInd=true flags the line as a
// reversal (kind 'reversal') without flipping it. Only Sts BOOK is imported; PDNG (and INFO/FUTR)
// entries are warnings and do not count in the balance. n TxDtls give n lines, each with its
// AmtDtls/TxAmt (signed by its own CdtDbtInd when present, else the entry's); their sum must equal
// the entry amount, else 'entry_detail_mismatch' and the entry is imported as ONE line of the entry
// amount (what the bank booked and what moves the balance), details kept in raw. An entry with
// several details of which one has no TxAmt is one line too, with a warning. Check: opening ± booked
// entries = closing, else 'balance_mismatch' (the caller may accept it).
//
// Dates. Business date = the value date (ValDt, else BookgDt), as MT940. A DtTm with Z or an offset
// is converted to Beijing time (+08:00) before its day is taken; a DtTm without an offset is read
// as Beijing time, with a warning. occurredAt = the booking DtTm, else the value DtTm, else the day
// at 00:00 +08:00. Header businessDate = the CLBD date when every statement closes on the same day.
//
// Parties. payerName/payerAccount are the COUNTERPARTY: the debtor (RltdPties/Dbtr/Nm or
// Dbtr/Pty/Nm, DbtrAcct/Id) on credits, the creditor on debits (on a debit the debtor is us);
// when the XML names none, the account and name regexes of the bank-text profile (see mt940.ts)
// run over the remittance text. Remark = RmtInf/Ustrd (joined), else AddtlTxInf, else AddtlNtryInf.
// Ids: TxDtls/Refs/AcctSvcrRef (else TxId; for a single-detail entry also Ntry/AcctSvcrRef or
// NtryRef) → channelTxnId; EndToEndId (unless NOTPROVIDED) → refNo; Btch/PmtInfId → batchNo.
//
// Line numbers are the XML line of the <Ntry> start tag (found by scanning the text, since the
// parser does not give positions); a zip of several camt files is read member by member.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import iconv from 'iconv-lite';
import {
  addDays,
  beijingWallClockToIso,
  businessDate as shanghaiDay,
  isIsoDate,
  toShanghaiIso,
} from '../../domain/dates';
import { IssueLog, LineBatcher } from '../text';
import type { LineKind, ParseOptions, ParseOutcome, SniffInput, StatementParser, StatementSource } from '../types';
import { readZip, ZipError } from '../zip';
import {
  compileBankTextProfile,
  extractAccount,
  extractFirst,
  extractOrderNo,
  minorDigits,
  minorText,
  toMinorUnits,
} from './mt940';
import type { CompiledBankText } from './mt940';

// ---------------------------------------------------------------------------------------------
// XML access

type XValue = string | XNode | XValue[];
interface XNode {
  [key: string]: XValue;
}

const NS_RE = /^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d{2})$/;
const SUPPORTED_VERSIONS = new Set(['02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13']);

const PARSER = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  htmlEntities: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

function isNode(v: XValue | undefined): v is XNode {
  return v !== undefined && typeof v === 'object' && !Array.isArray(v);
}

/** The children called `name`, as a list whether the XML has one or many. */
function kids(node: XValue | undefined, name: string): XValue[] {
  if (!isNode(node)) return [];
  const v = node[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** Follow a path of element names (first match at each step). */
function at(node: XValue | undefined, ...path: string[]): XValue | undefined {
  let cur: XValue | undefined = node;
  for (const p of path) {
    cur = kids(cur, p)[0];
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Text content at a path, entities decoded; null when absent or empty. */
function text(node: XValue | undefined, ...path: string[]): string | null {
  const v = at(node, ...path);
  let s: string | null = null;
  if (typeof v === 'string') s = v;
  else if (isNode(v) && typeof v['#text'] === 'string') s = v['#text'];
  if (s === null) return null;
  const d = decodeEntities(s).trim();
  return d === '' ? null : d;
}

function attr(node: XValue | undefined, name: string): string | null {
  if (!isNode(node)) return null;
  const v = node[`@_${name}`];
  return typeof v === 'string' ? decodeEntities(v) : null;
}

/** The five predefined XML entities and numeric character references; nothing else is expanded. */
function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (m, e: string) => {
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'amp') return '&';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    const cp = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : m;
  });
}

/** 1-based line of every start tag <Name …> (any prefix) in document order, comments skipped. */
function startTagLines(xml: string, name: string): number[] {
  const re = new RegExp(
    `<!--[\\s\\S]*?-->|<!\\[CDATA\\[[\\s\\S]*?\\]\\]>|<(?:[A-Za-z_][\\w.-]*:)?${name}(?=[\\s>/])`,
    'g',
  );
  const out: number[] = [];
  let line = 1;
  let pos = 0;
  for (let m = re.exec(xml); m !== null; m = re.exec(xml)) {
    for (let i = xml.indexOf('\n', pos); i !== -1 && i < m.index; i = xml.indexOf('\n', i + 1)) line++;
    pos = m.index;
    if (!m[0].startsWith('<!')) out.push(line);
  }
  return out;
}

/** Bytes → text: BOM, else the XML declaration's encoding, else UTF-8. */
function decodeXml(bytes: Uint8Array): { text: string; problem: string | null } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return decodeUtf8(buf.subarray(3));
  if (buf[0] === 0xff && buf[1] === 0xfe) return { text: iconv.decode(buf.subarray(2), 'utf-16le'), problem: null };
  if (buf[0] === 0xfe && buf[1] === 0xff) return { text: iconv.decode(buf.subarray(2), 'utf-16be'), problem: null };
  const decl = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(buf.subarray(0, 300).toString('latin1'));
  const enc = decl?.[1]?.toLowerCase() ?? 'utf-8';
  if (enc === 'utf-8' || enc === 'utf8') return decodeUtf8(buf);
  if (!iconv.encodingExists(enc))
    return { text: '', problem: `the XML declares encoding "${decl?.[1]}", which this workstation cannot read` };
  return { text: iconv.decode(buf, ['gb2312', 'gbk'].includes(enc) ? 'gb18030' : enc), problem: null };
}

function decodeUtf8(buf: Buffer): { text: string; problem: string | null } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf), problem: null };
  } catch {
    return {
      text: '',
      problem:
        'the XML says it is UTF-8 but holds bytes that are not valid UTF-8: the file was re-saved in another encoding or is damaged',
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Sniff

function sniff(head: SniffInput): number {
  if (head.container === 'zip') {
    const members = head.zipMembers ?? [];
    if (members.length === 0) return 0;
    if (members.some((m) => /camt\.053\.001\./.test(m.head))) return 0.95;
    const xmlish = members.every((m) => /\.xml$/i.test(m.name) || /^\uFEFF?\s*</.test(m.head));
    if (!xmlish) return 0;
    try {
      // The whole zip is within the sniff window when it is small: look inside the members.
      const inside = readZip(head.bytes).map((m) => Buffer.from(m.bytes.subarray(0, 4096)).toString('latin1'));
      if (inside.some((t) => /camt\.053\.001\./.test(t))) return 0.95;
      if (inside.some((t) => /camt\.05[24]\.|BkToCstmrStmt/.test(t))) return 0.5;
      return 0;
    } catch {
      return 0.4; // a larger zip of XML files: parse will say what it holds
    }
  }
  if (head.container !== 'xml' && head.container !== 'plain') return 0;
  const t = head.text;
  if (/urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.\d+/.test(t)) return 0.97;
  if (/<(?:[\w.-]+:)?BkToCstmrStmt[\s>]/.test(t)) return 0.8;
  if (/urn:iso:std:iso:20022:tech:xsd:camt\.05[24]\./.test(t)) return 0.5; // parse explains the refusal
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Parse

interface Amount {
  minor: number; // unsigned
  currency: string;
}

interface Ctx {
  member: string | undefined;
  err: (line: number | null, field: string | null, code: string, message: string) => void;
  warn: (line: number | null, field: string | null, code: string, message: string) => void;
  texts: CompiledBankText;
  out: LineBatcher;
  assumedOffset: { warned: boolean };
}

interface Totals {
  versions: Set<string>;
  statements: number;
  closingDates: Set<string>;
  accounts: Set<string>;
  currencies: Set<string>;
  firstOpening: number | null;
  lastClosing: number | null;
  periodStart: string | null;
  periodEnd: string | null;
  minDay: string | null;
  maxDay: string | null;
  rawBalances: string[];
  checks: NonNullable<ParseOutcome['tieOut']>['checks'];
  documents: number;
}

function readAmount(ctx: Ctx, node: XValue | undefined, line: number | null, fieldName: string): Amount | null {
  const t = text(node);
  const currency = attr(node, 'Ccy');
  if (t === null || currency === null || !/^[A-Z]{3}$/.test(currency)) {
    ctx.err(
      line,
      fieldName,
      'bad_amount',
      `line ${line ?? '?'}: ${fieldName} "${t ?? ''}" has no amount or no currency (Ccy)`,
    );
    return null;
  }
  try {
    return { minor: toMinorUnits(t, minorDigits(currency), false), currency };
  } catch {
    ctx.err(
      line,
      fieldName,
      'bad_amount',
      `line ${line ?? '?'}: ${fieldName} "${t}" ${currency} is not an amount with at most ${minorDigits(currency)} decimals`,
    );
    return null;
  }
}

/** A Dt or DtTm value → the instant in +08:00 and its business day; null when not a date. */
function readDate(
  ctx: Ctx,
  node: XValue | undefined,
  line: number | null,
  fieldName: string,
): { iso: string | null; day: string } | null {
  const dt = text(node, 'Dt');
  const dtTm = text(node, 'DtTm');
  if (dt !== null) {
    const d = dt.slice(0, 10);
    if (!isIsoDate(d) || !/^(|Z|[+-]\d{2}:\d{2})$/.test(dt.slice(10))) {
      ctx.err(
        line,
        `${fieldName}/Dt`,
        'bad_date',
        `line ${line ?? '?'}: ${fieldName} "${dt}" is not a real date YYYY-MM-DD`,
      );
      return null;
    }
    return { iso: null, day: d };
  }
  if (dtTm !== null) {
    const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.exec(dtTm);
    try {
      if (!m) throw new Error('shape');
      if (m[4] !== undefined) {
        const ms = Date.parse(dtTm);
        if (Number.isNaN(ms) || !isIsoDate(m[1]!)) throw new Error('date');
        const iso = toShanghaiIso(ms);
        return { iso, day: shanghaiDay(iso) };
      }
      const iso = beijingWallClockToIso(`${m[1]} ${m[2]}`);
      if (!ctx.assumedOffset.warned) {
        ctx.assumedOffset.warned = true;
        ctx.warn(
          line,
          `${fieldName}/DtTm`,
          'assumed_offset',
          `line ${line ?? '?'}: ${fieldName} "${dtTm}" has no time zone; it is read as Beijing time (+08:00)`,
        );
      }
      return { iso, day: m[1]! };
    } catch {
      ctx.err(
        line,
        `${fieldName}/DtTm`,
        'bad_date',
        `line ${line ?? '?'}: ${fieldName} "${dtTm}" is not a real date and time`,
      );
      return null;
    }
  }
  return null;
}

function statusOf(entry: XValue): string | null {
  return text(entry, 'Sts', 'Cd') ?? text(entry, 'Sts', 'Prtry') ?? text(entry, 'Sts');
}

function accountId(node: XValue | undefined): string | null {
  return text(node, 'Id', 'IBAN') ?? text(node, 'Id', 'Othr', 'Id') ?? text(node, 'Id', 'PrxyId', 'Id');
}

function partyName(parties: XValue | undefined, role: 'Dbtr' | 'Cdtr'): string | null {
  return (
    text(parties, role, 'Nm') ?? text(parties, role, 'Pty', 'Nm') ?? text(parties, role, 'Agt', 'FinInstnId', 'Nm')
  );
}

const FEE_CODES = /^(CHRG|COMM|COMI|COME|FEES|BKFE|CHGS)$/;

async function parseDocument(ctx: Ctx, xml: string, totals: Totals): Promise<void> {
  const { err, warn } = ctx;
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    err(
      lineOf(xml, xml.search(/<!DOCTYPE|<!ENTITY/i)),
      null,
      'xml_doctype',
      'the XML carries a DOCTYPE/ENTITY declaration, which a bank statement never needs; refused for safety (external entities, entity expansion)',
    );
    return;
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    err(
      valid.err.line,
      null,
      'bad_xml',
      `the XML is not well-formed at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}. The file is cut off or damaged.`,
    );
    return;
  }
  const root = /<(?:([A-Za-z_][\w.-]*):)?Document(?=[\s>/])([^>]*)>/.exec(xml);
  if (!root) {
    err(null, null, 'not_camt', 'the XML has no <Document> root: it is not an ISO 20022 message');
    return;
  }
  const prefix = root[1];
  const nsAttr = new RegExp(`xmlns${prefix ? `:${prefix}` : ''}\\s*=\\s*["']([^"']*)["']`).exec(root[2] ?? '');
  const ns = nsAttr?.[1] ?? '';
  const vm = NS_RE.exec(ns);
  if (!vm || !SUPPORTED_VERSIONS.has(vm[1]!)) {
    const kind = /camt\.052\./.test(ns)
      ? ' (camt.052 is an intraday account report, not a statement)'
      : /camt\.054\./.test(ns)
        ? ' (camt.054 is a debit/credit notification, not a statement)'
        : '';
    err(
      lineOf(xml, root.index),
      'Document@xmlns',
      'unknown_namespace',
      `the XML namespace "${ns || '(none)'}" is not a camt.053 statement version this workstation reads (camt.053.001.02 to .13)${kind}`,
    );
    return;
  }
  const version = vm[1]!;
  totals.versions.add(version);

  let doc: XNode;
  try {
    doc = PARSER.parse(xml) as XNode;
  } catch (e) {
    err(null, null, 'bad_xml', `the XML cannot be read: ${(e as Error).message}`);
    return;
  }
  const statements = kids(at(doc, 'Document', 'BkToCstmrStmt'), 'Stmt');
  if (statements.length === 0) {
    err(null, 'BkToCstmrStmt/Stmt', 'empty', 'the camt.053 document holds no statement (BkToCstmrStmt/Stmt)');
    return;
  }
  const stmtLines = startTagLines(xml, 'Stmt');
  const balLines = startTagLines(xml, 'Bal');
  const ntryLines = startTagLines(xml, 'Ntry');
  let balIndex = 0;
  let ntryIndex = 0;

  for (const [si, st] of statements.entries()) {
    totals.statements++;
    const stmtLine = stmtLines[si] ?? null;
    const stmtId = text(st, 'Id') ?? `#${si + 1}`;
    const account = accountId(at(st, 'Acct'));
    const acctCcy = text(st, 'Acct', 'Ccy');
    if (account) totals.accounts.add(account);
    const name = `statement ${stmtId}${account ? ` of account ${account}` : ''}${stmtLine ? ` (line ${stmtLine})` : ''}`;

    const frToDt = at(st, 'FrToDt');
    for (const [k, which] of [
      ['FrDtTm', 'start'],
      ['ToDtTm', 'end'],
    ] as const) {
      const v = text(frToDt, k);
      if (v === null) continue;
      const ms = Date.parse(v);
      if (Number.isNaN(ms)) continue;
      const iso = /(Z|[+-]\d{2}:\d{2})$/.test(v) ? toShanghaiIso(ms) : `${v.slice(0, 19)}+08:00`;
      if (which === 'start' && (totals.periodStart === null || iso < totals.periodStart)) totals.periodStart = iso;
      if (which === 'end' && (totals.periodEnd === null || iso > totals.periodEnd)) totals.periodEnd = iso;
    }

    // Balances
    let opening: { minor: number; currency: string; line: number | null; code: string } | null = null;
    let closing: { minor: number; currency: string; line: number | null; code: string; day: string | null } | null =
      null;
    for (const bal of kids(st, 'Bal')) {
      const line = balLines[balIndex++] ?? null;
      const code = text(bal, 'Tp', 'CdOrPrtry', 'Cd') ?? text(bal, 'Tp', 'CdOrPrtry', 'Prtry') ?? '?';
      const amt = readAmount(ctx, at(bal, 'Amt'), line, `Bal ${code}/Amt`);
      const cdi = text(bal, 'CdtDbtInd');
      const date = readDate(ctx, at(bal, 'Dt'), line, `Bal ${code}/Dt`);
      if (totals.rawBalances.length < 400)
        totals.rawBalances.push(
          `${stmtId} ${code} ${cdi ?? ''} ${text(bal, 'Amt') ?? ''} ${attr(at(bal, 'Amt'), 'Ccy') ?? ''} ${date?.day ?? ''}`
            .replace(/\s+/g, ' ')
            .trim(),
        );
      if (!amt) continue;
      if (cdi !== 'CRDT' && cdi !== 'DBIT') {
        err(
          line,
          `Bal ${code}/CdtDbtInd`,
          'bad_balance',
          `line ${line ?? '?'}: balance ${code} has CdtDbtInd "${cdi ?? ''}", not CRDT or DBIT`,
        );
        continue;
      }
      totals.currencies.add(amt.currency);
      const minor = cdi === 'DBIT' ? -amt.minor : amt.minor;
      if ((code === 'OPBD' || code === 'PRCD') && (!opening || (opening.code === 'PRCD' && code === 'OPBD')))
        opening = { minor, currency: amt.currency, line, code };
      else if (code === 'CLBD' && !closing)
        closing = { minor, currency: amt.currency, line, code, day: date?.day ?? null };
    }
    if (opening && totals.firstOpening === null) totals.firstOpening = opening.minor;
    if (closing) {
      totals.lastClosing = closing.minor;
      if (closing.day) totals.closingDates.add(closing.day);
    }
    const currency = opening?.currency ?? closing?.currency ?? acctCcy ?? null;
    if (acctCcy && currency && acctCcy !== currency) {
      err(
        stmtLine,
        'Acct/Ccy',
        'mixed_currency',
        `${name}: the account currency is ${acctCcy} but the balances are in ${currency}`,
      );
    }

    // Entries
    let booked = 0;
    for (const entry of kids(st, 'Ntry')) {
      const line = ntryLines[ntryIndex++] ?? null;
      const where = `line ${line ?? '?'}`;
      const amt = readAmount(ctx, at(entry, 'Amt'), line, 'Ntry/Amt');
      const cdi = text(entry, 'CdtDbtInd');
      const status = statusOf(entry);
      const reversal = (text(entry, 'RvslInd') ?? '').toLowerCase() === 'true';
      if (cdi !== 'CRDT' && cdi !== 'DBIT') {
        err(
          line,
          'Ntry/CdtDbtInd',
          'bad_sign',
          `${where}: the entry's CdtDbtInd is "${cdi ?? ''}", not CRDT or DBIT; the direction of the money is unknown`,
        );
        continue;
      }
      if (!amt) continue;
      const digits = minorDigits(amt.currency);
      if (currency && amt.currency !== currency) {
        err(
          line,
          'Ntry/Amt@Ccy',
          'mixed_currency',
          `${where}: the entry is in ${amt.currency} but ${name} is in ${currency}`,
        );
        continue;
      }
      totals.currencies.add(amt.currency);
      if (status !== 'BOOK') {
        const show = `${cdi} ${minorText(amt.minor, digits)} ${amt.currency}`;
        if (status === 'PDNG')
          warn(
            line,
            'Ntry/Sts',
            'pending_entry',
            `${where}: a pending entry (Sts PDNG, ${show}) is not booked yet; it is not imported and will come booked in a later statement`,
          );
        else
          warn(
            line,
            'Ntry/Sts',
            'unbooked_entry',
            `${where}: an entry with status "${status ?? '(none)'}" (${show}) is not a booked movement; it is not imported`,
          );
        continue;
      }
      const sign = cdi === 'CRDT' ? 1 : -1;
      booked += sign * amt.minor;

      const val = readDate(ctx, at(entry, 'ValDt'), line, 'ValDt');
      const bookg = readDate(ctx, at(entry, 'BookgDt'), line, 'BookgDt');
      const day = val?.day ?? bookg?.day ?? null;
      if (day === null) {
        if (!at(entry, 'ValDt') && !at(entry, 'BookgDt'))
          err(
            line,
            'ValDt',
            'bad_date',
            `${where}: the entry has neither a value date (ValDt) nor a booking date (BookgDt)`,
          );
        continue;
      }
      if (totals.minDay === null || day < totals.minDay) totals.minDay = day;
      if (totals.maxDay === null || day > totals.maxDay) totals.maxDay = day;
      const occurredAt = bookg?.iso ?? val?.iso ?? `${day}T00:00:00+08:00`;

      // Details
      const details = kids(entry, 'NtryDtls').flatMap((d) => kids(d, 'TxDtls'));
      const batchId = text(entry, 'NtryDtls', 'Btch', 'PmtInfId');
      let parts: { tx: XValue | null; minor: number; sign: 1 | -1 }[] = [];
      if (details.length === 0) parts = [{ tx: null, minor: amt.minor, sign }];
      else {
        const amounts = details.map((tx) => {
          const node = at(tx, 'AmtDtls', 'TxAmt', 'Amt') ?? at(tx, 'Amt'); // TxDtls/Amt in .04+
          if (node === undefined) return null;
          const a = readAmount(ctx, node, line, 'TxDtls/AmtDtls/TxAmt');
          if (!a || a.currency !== amt.currency) return null;
          const txCdi = text(tx, 'CdtDbtInd');
          return { minor: a.minor, sign: (txCdi === 'DBIT' ? -1 : txCdi === 'CRDT' ? 1 : sign) as 1 | -1 };
        });
        if (details.length === 1 && amounts[0] === null) parts = [{ tx: details[0]!, minor: amt.minor, sign }];
        else if (amounts.some((a) => a === null)) {
          warn(
            line,
            'TxDtls/AmtDtls/TxAmt',
            'entry_not_split',
            `${where}: the entry has ${details.length} transaction details but not every one carries its amount (AmtDtls/TxAmt in ${amt.currency}); it is imported as one line of ${minorText(amt.minor, digits)}`,
          );
          parts = [{ tx: null, minor: amt.minor, sign }];
        } else {
          const sum = amounts.reduce((n, a) => n + a!.sign * a!.minor, 0);
          if (sum !== sign * amt.minor) {
            err(
              line,
              'TxDtls/AmtDtls/TxAmt',
              'entry_detail_mismatch',
              `${where}: the entry amount is ${cdi} ${minorText(amt.minor, digits)} ${amt.currency} but its ${details.length} transaction detail${details.length > 1 ? 's add' : ' says'} up to ${minorText(Math.abs(sum), digits)} (difference ${minorText(Math.abs(sign * amt.minor - sum), digits)}); the entry is kept as one line of the entry amount. Ask the bank which is right, or accept the difference explicitly.`,
            );
            parts = [{ tx: details.length === 1 ? details[0]! : null, minor: amt.minor, sign }];
          } else parts = details.map((tx, i) => ({ tx, minor: amounts[i]!.minor, sign: amounts[i]!.sign }));
        }
      }

      const bkTx = [
        text(entry, 'BkTxCd', 'Domn', 'Cd'),
        text(entry, 'BkTxCd', 'Domn', 'Fmly', 'Cd'),
        text(entry, 'BkTxCd', 'Domn', 'Fmly', 'SubFmlyCd'),
      ].filter((x): x is string => x !== null);
      const bkTxPrtry = text(entry, 'BkTxCd', 'Prtry', 'Cd');
      const isFee = bkTx.slice(1).some((c) => FEE_CODES.test(c));
      for (const [pi, part] of parts.entries()) {
        const tx = part.tx ?? undefined;
        const kind: LineKind = reversal ? 'reversal' : isFee ? 'fee' : part.sign > 0 ? 'payment' : 'refund';
        const ustrd = kids(at(tx, 'RmtInf'), 'Ustrd')
          .map((u) => text(u))
          .filter((u): u is string => u !== null);
        const addtlTx =
          kids(tx, 'AddtlTxInf')
            .map((u) => text(u))
            .filter((u): u is string => u !== null)
            .join(' ') || null;
        const addtlNtry = text(entry, 'AddtlNtryInf');
        const endToEnd = text(tx, 'Refs', 'EndToEndId');
        const parties = at(tx, 'RltdPties');
        const role = part.sign > 0 ? 'Dbtr' : 'Cdtr';
        const remark = ustrd.length ? ustrd.join(' ') : (addtlTx ?? addtlNtry);
        const search = [...ustrd, addtlTx, addtlNtry, endToEnd].filter((x): x is string => x !== null).join('\n');
        const counterAccount = accountId(at(parties, `${role}Acct`));
        const counterName = partyName(parties, role);
        const txRef = text(tx, 'Refs', 'AcctSvcrRef') ?? text(tx, 'Refs', 'TxId');
        const single = parts.length === 1;
        const raw: Record<string, string> = {
          'Stmt/Id': stmtId,
          'Acct/Id': account ?? '',
          'Ntry/Amt': text(entry, 'Amt') ?? '',
          'Ntry/Amt@Ccy': amt.currency,
          'Ntry/CdtDbtInd': cdi,
          'Ntry/RvslInd': reversal ? 'true' : '',
          'Ntry/Sts': status ?? '',
          'Ntry/BookgDt': text(entry, 'BookgDt', 'Dt') ?? text(entry, 'BookgDt', 'DtTm') ?? '',
          'Ntry/ValDt': text(entry, 'ValDt', 'Dt') ?? text(entry, 'ValDt', 'DtTm') ?? '',
          'Ntry/AcctSvcrRef': text(entry, 'AcctSvcrRef') ?? '',
          'Ntry/NtryRef': text(entry, 'NtryRef') ?? '',
          'Ntry/BkTxCd': [...bkTx, bkTxPrtry].filter((x) => x).join('/'),
          TxDtls: details.length
            ? single && details.length > 1
              ? `all ${details.length} (not split)`
              : `${pi + 1}/${parts.length}`
            : '',
          'TxDtls/TxAmt': tx ? (text(tx, 'AmtDtls', 'TxAmt', 'Amt') ?? '') : '',
          'Refs/EndToEndId': endToEnd ?? '',
          'Refs/TxId': text(tx, 'Refs', 'TxId') ?? '',
          'Refs/InstrId': text(tx, 'Refs', 'InstrId') ?? '',
          'Refs/MndtId': text(tx, 'Refs', 'MndtId') ?? '',
          'Dbtr/Nm': partyName(parties, 'Dbtr') ?? '',
          'DbtrAcct/Id': accountId(at(parties, 'DbtrAcct')) ?? '',
          'Cdtr/Nm': partyName(parties, 'Cdtr') ?? '',
          'CdtrAcct/Id': accountId(at(parties, 'CdtrAcct')) ?? '',
          'RmtInf/Ustrd': ustrd.join(' '),
          AddtlTxInf: addtlTx ?? '',
          AddtlNtryInf: addtlNtry ?? '',
          'Btch/PmtInfId': batchId ?? '',
        };
        if (details.length > 1 && single) {
          raw['TxDtls/EndToEndIds'] = details.map((d) => text(d, 'Refs', 'EndToEndId') ?? '').join(' | ');
          raw['TxDtls/TxAmts'] = details.map((d) => text(d, 'AmtDtls', 'TxAmt', 'Amt') ?? '').join(' | ');
        }
        await ctx.out.push({
          lineNo: line ?? 0,
          ...(ctx.member ? { member: ctx.member } : {}),
          kind,
          amountFen: part.sign * part.minor,
          feeFen: 0,
          occurredAt,
          businessDate: day,
          channelTxnId: txRef ?? (single ? (text(entry, 'AcctSvcrRef') ?? text(entry, 'NtryRef')) : null),
          merchantOrderNo: extractOrderNo(ctx.texts.orderNo, search),
          refundNo: null,
          originalTxnId: null,
          terminalId: null,
          refNo: endToEnd !== null && endToEnd.toUpperCase() !== 'NOTPROVIDED' ? endToEnd : null,
          voucherNo: null,
          batchNo: batchId ?? (single ? null : text(entry, 'AcctSvcrRef')),
          cardMasked: null,
          payerAccount: counterAccount ?? extractAccount(ctx.texts.account, search),
          payerName: counterName ?? extractFirst(ctx.texts.payerName, search),
          remark,
          status: reversal ? `${cdi} RVSL` : cdi,
          raw,
        });
      }
    }

    if (!opening || !closing) {
      warn(
        stmtLine,
        'Bal',
        'no_balance',
        `${name} has no ${!opening ? 'opening (OPBD/PRCD)' : 'closing (CLBD)'} balance; its entries cannot be checked against the balances`,
      );
      continue;
    }
    if (opening.currency !== closing.currency) {
      err(
        closing.line,
        'Bal CLBD',
        'mixed_currency',
        `${name}: the opening balance is in ${opening.currency} but the closing balance in ${closing.currency}`,
      );
      continue;
    }
    const digits = minorDigits(closing.currency);
    const computed = opening.minor + booked;
    const ok = computed === closing.minor;
    if (totals.checks.length < 1000)
      totals.checks.push({ name: `${stmtId} closing balance`, printed: closing.minor, computed, ok });
    if (!ok) {
      err(
        closing.line,
        'Bal CLBD',
        'balance_mismatch',
        `${name} does not balance: opening ${opening.code} ${minorText(opening.minor, digits)} ${opening.currency} (line ${opening.line ?? '?'}) ${booked >= 0 ? '+' : '−'} booked entries ${minorText(Math.abs(booked), digits)} = ${minorText(computed, digits)}, but the closing balance CLBD on line ${closing.line ?? '?'} is ${minorText(closing.minor, digits)} (difference ${minorText(closing.minor - computed, digits)}). An entry is missing or the file was edited: ask the bank for the statement again, or accept the difference explicitly.`,
      );
    }
  }
}

function lineOf(s: string, index: number): number {
  let n = 1;
  for (let i = s.indexOf('\n'); i !== -1 && i < index; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

async function parse(source: StatementSource, opts: ParseOptions): Promise<ParseOutcome> {
  const errors = new IssueLog();
  const warnings = new IssueLog();
  const notes = [...source.detection.notes];
  const out = new LineBatcher(opts.emit);
  let member: string | undefined;
  const err = (line: number | null, field: string | null, code: string, message: string) =>
    errors.add({ line, field, code, message, ...(member ? { member } : {}) });
  const warn = (line: number | null, field: string | null, code: string, message: string) =>
    warnings.add({ line, field, code, message, ...(member ? { member } : {}) });
  const { compiled: texts, problems } = compileBankTextProfile(opts.profile);
  for (const p of problems) err(null, null, 'bad_profile', p);
  const expectedDate = opts.expectedDate !== undefined && isIsoDate(opts.expectedDate) ? opts.expectedDate : null;
  if (opts.expectedDate !== undefined && expectedDate === null)
    err(null, null, 'bad_option', `the requested statement date "${opts.expectedDate}" is not a date YYYY-MM-DD`);

  const totals: Totals = {
    versions: new Set(),
    statements: 0,
    closingDates: new Set(),
    accounts: new Set(),
    currencies: new Set(),
    firstOpening: null,
    lastClosing: null,
    periodStart: null,
    periodEnd: null,
    minDay: null,
    maxDay: null,
    rawBalances: [],
    checks: [],
    documents: 0,
  };
  const ctx: Ctx = { member: undefined, err, warn, texts, out, assumedOffset: { warned: false } };
  const runDocument = async (bytes: Uint8Array): Promise<void> => {
    totals.documents++;
    const { text: xml, problem } = decodeXml(bytes);
    if (problem) {
      err(null, null, 'bad_encoding', problem);
      return;
    }
    await parseDocument(ctx, xml, totals);
  };

  const bytes = await source.bytes();
  let variant: string | null = null;
  if (source.detection.container === 'zip') {
    variant = 'zip';
    try {
      const members = readZip(bytes);
      for (const m of members) {
        member = m.name;
        ctx.member = m.name;
        const head = Buffer.from(m.bytes.subarray(0, 200))
          .toString('latin1')
          .replace(/^\uFEFF|^ï»¿/, '')
          .trimStart();
        if (!head.startsWith('<') && !(m.bytes[0] === 0xff || m.bytes[0] === 0xfe)) {
          warn(null, null, 'ignored_member', `zip member ${m.name} is not an XML file; it was not read`);
          continue;
        }
        await runDocument(m.bytes);
      }
      member = undefined;
      ctx.member = undefined;
      if (totals.documents === 0) err(null, null, 'no_statement', 'the zip holds no camt.053 XML file');
      else notes.push(`${totals.documents} camt files read from the zip`);
    } catch (e) {
      if (!(e instanceof ZipError)) throw e;
      member = undefined;
      err(null, null, e.code, `${source.fileName || 'the zip'}: ${e.message}`);
    }
  } else await runDocument(bytes);
  await out.flush();

  if (totals.currencies.size > 1)
    err(
      null,
      'Amt@Ccy',
      'mixed_currency',
      `the file mixes currencies (${[...totals.currencies].join(', ')}); import one currency's statements at a time`,
    );
  const businessDate = totals.closingDates.size === 1 ? [...totals.closingDates][0]! : null;
  if (businessDate === null && totals.closingDates.size > 1) {
    notes.push(`statements of ${totals.closingDates.size} days (${[...totals.closingDates].sort().join(', ')})`);
  }
  const refDay = expectedDate ?? businessDate;
  if (totals.statements > 0) notes.push(`${totals.statements} statement${totals.statements === 1 ? '' : 's'}`);
  const versions = [...totals.versions].sort();
  if (versions.length > 1) notes.push(`camt.053 versions ${versions.join(', ')}`);
  if (refDay !== null && totals.minDay !== null && (totals.minDay !== refDay || totals.maxDay !== refDay)) {
    warn(
      null,
      'ValDt',
      'cross_day',
      `some entries have value dates from ${totals.minDay} to ${totals.maxDay}, not only the statement date ${refDay}: kept, to be carried as timing differences`,
    );
  }
  const currency = totals.currencies.size >= 1 ? [...totals.currencies][0]! : 'CNY';

  return {
    header: {
      channel: 'wire',
      format: versions.length ? `camt053.001.${versions[0]}` : 'camt053',
      variant,
      businessDate,
      merchantId: totals.accounts.size === 1 ? [...totals.accounts][0]! : null,
      periodStart: totals.periodStart ?? (totals.minDay ? `${totals.minDay}T00:00:00+08:00` : null),
      periodEnd: totals.periodEnd ?? (totals.maxDay ? `${addDays(totals.maxDay, 1)}T00:00:00+08:00` : null),
      currency,
      summary: totals.statements
        ? {
            paymentCount: null,
            paymentFen: null,
            refundCount: null,
            refundFen: null,
            feeFen: null,
            openingBalanceFen: totals.firstOpening,
            closingBalanceFen: totals.lastClosing,
            rawText: totals.rawBalances,
          }
        : null,
      profileVersion: null,
    },
    lineCount: out.count,
    errors: errors.finish(),
    warnings: warnings.finish(),
    tieOut: totals.checks.length ? { ok: totals.checks.every((c) => c.ok), checks: totals.checks } : null,
    detection: { ...source.detection, confidence: totals.statements > 0 ? 0.95 : 0, notes },
  };
}

export const camt053Parser: StatementParser = { format: 'camt053', channel: 'wire', sniff, parse };
