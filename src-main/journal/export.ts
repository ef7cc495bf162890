// Export journals for SAP with a register (design/journal-sap.md §5). exportJournals is the single
// entry point: it regenerates the days, validates, writes the file and registers the batch in one
// go. A document is exported once; exporting the same scope again with nothing new re-writes the
// batch it went out in, byte for byte (a lost file), and anything else already exported is refused.
import { rename, rm, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Store } from '../store';
import type { ReadDb } from '../store/db';
import {
  batchById, batchesOfDocs, docIdsOfBatch, docsByIds, docsInRange, insertBatch, linesOfDocs, listAccounts, signedOffDays,
  type ExportBatch, type JournalDoc, type JournalLine,
} from '../store/journal';
import { audit } from '../store/audit';
import { assertDaysOpen, daysBetween } from '../close/locks';
import { generateJournals, JournalError } from './generate';
import { hasErrors, validateDocs, type ValidationProblem } from './validate';
import { FORMAT_EXTENSION, canonicalHash, writeSapFile, type ExportFormat, type SapDoc } from './sap-files';

export interface JournalScope {
  from: string;
  to: string;
  label: string; // YYYY-MM-DD or YYYY-MM
}

/** A day (YYYY-MM-DD) or a month (YYYY-MM) as a range of business days. */
export function scopeOf(input: { date?: string; period?: string }): JournalScope {
  if (input.date && /^\d{4}-\d{2}-\d{2}$/.test(input.date)) return { from: input.date, to: input.date, label: input.date };
  if (input.period && /^\d{4}-(0[1-9]|1[0-2])$/.test(input.period)) {
    const [y, m] = input.period.split('-').map(Number) as [number, number];
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    return { from: `${input.period}-01`, to: `${input.period}-${String(last).padStart(2, '0')}`, label: input.period };
  }
  throw new JournalError('invalid_input', 'give a business day YYYY-MM-DD or a period YYYY-MM');
}

export type DocWithLines = JournalDoc & { lines: JournalLine[] };

async function withLines(read: ReadDb, docs: readonly JournalDoc[]): Promise<DocWithLines[]> {
  const lines = await linesOfDocs(read, docs.map((d) => d.id));
  return docs.map((d) => ({ ...d, lines: lines.get(d.id) ?? [] }));
}

function toSap(d: DocWithLines): SapDoc {
  return { xblnr: d.xblnr, companyCode: d.companyCode, docType: d.docType, businessDate: d.businessDate, headerText: d.headerText, lines: d.lines };
}

export interface JournalReport {
  scope: JournalScope;
  documents: number;
  drafts: number;
  problems: ValidationProblem[];
}

/** Regenerate the scope and report every problem of the documents still to export. */
export async function prepareJournals(store: Store, scope: JournalScope, actor: string): Promise<JournalReport & { pending: DocWithLines[] }> {
  const gen = await generateJournals(store, { from: scope.from, to: scope.to, actor });
  const all = await docsInRange(store.read, scope.from, scope.to);
  const pending = await withLines(store.read, all.filter((d) => d.status === 'draft'));
  const chart = new Map((await listAccounts(store.read)).map((a) => [a.account, a]));
  const problems = validateDocs(pending, chart, await signedOffDays(store.read, scope.from, scope.to), gen.problems);
  return { scope, documents: all.length, drafts: pending.length, problems, pending };
}

export class JournalValidationError extends JournalError {
  constructor(readonly problems: ValidationProblem[]) {
    const errors = problems.filter((p) => p.severity === 'error');
    super(
      'invalid_input',
      `${errors.length} problem(s) block the export: ` +
        errors.slice(0, 5).map((p) => `${p.xblnr ?? `${p.channel} ${p.businessDate}`}${p.lineNo ? ` line ${p.lineNo}` : ''} ${p.field}: ${p.message}`).join('; '),
    );
  }
}

export interface ExportResult {
  registerId: number;
  file: string;
  fileName: string;
  documents: number;
  lines: number;
  debitFen: number;
  creditFen: number;
  balanced: boolean;
  sha256: string;
  rewritten: boolean; // an already registered batch written again
  problems: ValidationProblem[]; // warnings that did not block
}

function fileNameOf(company: string, scope: JournalScope, format: ExportFormat, docs: readonly SapDoc[]): string {
  return `SAPJE_${company}_${scope.label.replace(/-/g, '')}_${format}_${canonicalHash(format, docs).slice(0, 8)}.${FORMAT_EXTENSION[format]}`;
}

async function writeAtomically(format: ExportFormat, file: string, docs: readonly SapDoc[]): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.part`;
  try {
    const sha = await writeSapFile(format, tmp, docs);
    await rename(tmp, file);
    return sha;
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

function totals(docs: readonly DocWithLines[]): { lines: number; debitFen: number; creditFen: number } {
  let lines = 0;
  let debitFen = 0;
  let creditFen = 0;
  for (const d of docs) {
    lines += d.lines.length;
    for (const l of d.lines) {
      debitFen += l.debitFen;
      creditFen += l.creditFen;
    }
  }
  return { lines, debitFen, creditFen };
}

/** Write a registered batch again: the same documents give the same bytes, checked against the register. */
export async function rewriteBatch(store: Store, batchId: number, out: string | null, exportDir: string): Promise<ExportResult> {
  const batch = await batchById(store.read, batchId);
  if (!batch) throw new JournalError('not_found', `no export batch ${batchId}`);
  const docs = await withLines(store.read, await docsByIds(store.read, await docIdsOfBatch(store.read, batchId)));
  const file = out ?? join(exportDir, batch.fileName);
  const sha = await writeAtomically(batch.format as ExportFormat, file, docs.map(toSap));
  if (sha !== batch.sha256) {
    throw new JournalError('conflict', `re-writing ${batch.fileName} gave different bytes (sha256 ${sha.slice(0, 12)} ≠ ${batch.sha256.slice(0, 12)})`);
  }
  return { ...resultOf(batch, file, docs), rewritten: true, problems: [] };
}

function resultOf(batch: ExportBatch, file: string, docs: readonly DocWithLines[]): Omit<ExportResult, 'rewritten' | 'problems'> {
  const t = totals(docs);
  return {
    registerId: batch.id, file, fileName: batch.fileName, documents: docs.length, lines: t.lines, debitFen: t.debitFen,
    creditFen: t.creditFen, balanced: t.debitFen === t.creditFen, sha256: batch.sha256,
  };
}

/**
 * The one way journals leave the workstation. out: where to write (the CLI's --out); otherwise the
 * file goes to exportDir under its register name.
 */
export async function exportJournals(
  store: Store,
  input: { scope: JournalScope; format: ExportFormat; actor: string; out: string | null; exportDir: string },
): Promise<ExportResult> {
  const { scope, format, actor } = input;
  await assertDaysOpen(store.read, daysBetween(scope.from, scope.to), `exporting journals of ${scope.label}`);
  const report = await prepareJournals(store, scope, actor);
  if (report.pending.length === 0) {
    const all = await docsInRange(store.read, scope.from, scope.to);
    if (all.length === 0) throw new JournalError('not_found', `no journals for ${scope.label}: nothing was booked on these days`);
    const batches = await batchesOfDocs(store.read, all.map((d) => d.id));
    const same = batches.filter((b) => b.format === format && b.dateFrom === scope.from && b.dateTo === scope.to);
    if (same.length === 1 && batches.length === 1) return rewriteBatch(store, same[0]!.id, input.out, input.exportDir);
    throw new JournalError('conflict', `every journal of ${scope.label} is already exported, in ${batches.map((b) => b.fileName).join(', ')}`);
  }
  if (hasErrors(report.problems)) throw new JournalValidationError(report.problems);
  const docs = report.pending;
  const sap = docs.map(toSap);
  const company = docs[0]!.companyCode;
  const fileName = fileNameOf(company, scope, format, sap);
  const file = input.out ?? join(input.exportDir, fileName);
  const sha256 = await writeAtomically(format, file, sap);
  const t = totals(docs);
  try {
    const registerId = await store.write(async (tx) => {
      const id = await insertBatch(
        tx,
        {
          fileName, format, scope: scope.label, dateFrom: scope.from, dateTo: scope.to, documents: docs.length, lines: t.lines,
          debitFen: t.debitFen, creditFen: t.creditFen, sha256, createdBy: actor,
        },
        docs,
      );
      // The drafts must still be the ones written: a generation in between would have replaced them.
      const fresh = await docsByIds(tx, docs.map((d) => d.id));
      if (fresh.length !== docs.length || fresh.some((d) => d.status !== 'exported')) {
        throw new JournalError('conflict', 'the journals changed while the file was written; export again');
      }
      await audit(tx, {
        userId: actor, action: 'journal.export', entity: 'journal_export_batch', entityId: String(id),
        after: { fileName, format, scope: scope.label, documents: docs.length, lines: t.lines, debitFen: t.debitFen, sha256 },
      });
      return id;
    });
    return {
      registerId, file, fileName, documents: docs.length, lines: t.lines, debitFen: t.debitFen, creditFen: t.creditFen,
      balanced: t.debitFen === t.creditFen, sha256, rewritten: false, problems: report.problems,
    };
  } catch (e) {
    await rm(file, { force: true }); // not registered: no file that SAP could receive twice
    throw e;
  }
}
