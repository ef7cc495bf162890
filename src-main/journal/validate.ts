// The validation report before export (design/journal-sap.md §4): every problem by document and
// line. Errors block the export; warnings (a day not yet signed off) are shown and do not.
import type { GlAccount } from './rules';
import { FIELD_LENGTHS, MAX_DOC_LINES } from './rules';
import type { JournalDoc, JournalLine } from '../store/journal';
import type { BuildProblem } from './build';

export interface ValidationProblem {
  severity: 'error' | 'warning';
  xblnr: string | null;
  lineNo: number | null;
  businessDate: string;
  channel: string;
  field: string;
  message: string;
}

const CONTROL = /[\u0000-\u001f\u007f]/;
const XBLNR = /^[A-Z]{2}\d{6}[A-Z]{2}\d{2}[0-9A-J]$/;

export function validateDocs(
  docs: readonly (JournalDoc & { lines: readonly JournalLine[] })[],
  chart: ReadonlyMap<string, GlAccount>,
  signedOff: ReadonlySet<string>,
  buildProblems: readonly BuildProblem[] = [],
): ValidationProblem[] {
  const out: ValidationProblem[] = buildProblems.map((p) => ({
    severity: 'error', xblnr: null, lineNo: null, businessDate: p.businessDate, channel: p.channel, field: 'rule', message: p.message,
  }));
  const seen = new Set<string>();
  for (const d of docs) {
    const at = (field: string, message: string, lineNo: number | null = null, severity: ValidationProblem['severity'] = 'error') =>
      out.push({ severity, xblnr: d.xblnr, lineNo, businessDate: d.businessDate, channel: d.channel, field, message });
    if (seen.has(d.xblnr)) at('XBLNR', 'reference used twice');
    seen.add(d.xblnr);
    if (!XBLNR.test(d.xblnr) || d.xblnr.length > FIELD_LENGTHS.XBLNR) at('XBLNR', `"${d.xblnr}" is not a valid reference (≤ ${FIELD_LENGTHS.XBLNR})`);
    if (!/^[A-Z0-9]{1,4}$/.test(d.companyCode)) at('BUKRS', `company code "${d.companyCode}" must be 1–${FIELD_LENGTHS.BUKRS} letters or digits`);
    if (!/^[A-Z0-9]{2}$/.test(d.docType)) at('BLART', `document type "${d.docType}" must be 2 letters or digits`);
    checkText(d.headerText, FIELD_LENGTHS.BKTXT, 'BKTXT', (m) => at('BKTXT', m));
    if (d.lines.length === 0) at('lines', 'document has no lines');
    if (d.lines.length > MAX_DOC_LINES) at('lines', `${d.lines.length} lines, SAP takes at most ${MAX_DOC_LINES} per document`);
    let debit = 0;
    let credit = 0;
    for (const l of d.lines) {
      debit += l.debitFen;
      credit += l.creditFen;
      const bad = (field: string, m: string) => at(field, m, l.lineNo);
      if (!(l.debitFen > 0 !== l.creditFen > 0) || l.debitFen < 0 || l.creditFen < 0) bad('WRSOL/WRHAB', 'a line needs exactly one positive amount');
      if (!Number.isSafeInteger(l.debitFen) || !Number.isSafeInteger(l.creditFen)) bad('WRSOL/WRHAB', 'amount is not an integer number of fen');
      const a = chart.get(l.account);
      if (!a) bad('HKONT', `account ${l.account} is not in the chart of accounts`);
      else if (!a.open) bad('HKONT', `account ${l.account} ${a.name} is closed`);
      if (l.account.length > FIELD_LENGTHS.HKONT) bad('HKONT', `account longer than ${FIELD_LENGTHS.HKONT}`);
      checkText(l.itemText, FIELD_LENGTHS.SGTXT, 'SGTXT', (m) => bad('SGTXT', m));
      if (l.assignment.length > FIELD_LENGTHS.ZUONR) bad('ZUONR', `"${l.assignment}" is ${l.assignment.length} characters, SAP takes ${FIELD_LENGTHS.ZUONR}`);
      if (l.costCenter.length > FIELD_LENGTHS.KOSTL) bad('KOSTL', `cost centre longer than ${FIELD_LENGTHS.KOSTL}`);
      if (l.profitCenter.length > FIELD_LENGTHS.PRCTR) bad('PRCTR', `profit centre longer than ${FIELD_LENGTHS.PRCTR}`);
    }
    if (debit !== credit) at('balance', `debit ${debit} fen ≠ credit ${credit} fen`);
    if (d.kind === 'entry' && !signedOff.has(`${d.channel}|${d.businessDate}`)) {
      at('recon', `${d.channel} ${d.businessDate} is not signed off: the journal is provisional`, null, 'warning');
    }
  }
  return out;
}

function checkText(text: string, max: number, name: string, report: (m: string) => void): void {
  if (text.trim() === '') report(`${name} is empty`);
  if (text.length > max) report(`"${text}" is ${text.length} characters, SAP takes ${max}`);
  if (CONTROL.test(text)) report(`${name} contains a line break or control character`);
}

export function hasErrors(problems: readonly ValidationProblem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}
