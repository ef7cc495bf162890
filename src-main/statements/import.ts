// The import service: detect the format of each file from its content, parse it, check it, and
// write it in one transaction — or refuse it with errors that name the file, line and field and
// leave the store exactly as it was. The same bytes again are recognised by their hash and change
// nothing; a different file for a channel-day that already has one waits as a new version until the
// user confirms the replacement.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Store } from '../store';
import type { WriteTx } from '../store/db';
import {
  activateFile,
  completeFile,
  fileById,
  fileByHash,
  filesForDay,
  insertLines,
  insertTextChunk,
  startFile,
} from '../store/statements';
import { audit } from '../store/audit';
import type { Channel } from '../domain/channels';
import { CHANNELS } from '../domain/channels';
import { isIsoDate } from '../domain/dates';
import { bufferSource, fileSource, SourceError, sniffHead } from './source';
import type { ParseIssue, ParseOutcome, StatementLine, StatementParser, StatementSource } from './types';
import { PARSERS } from './registry';
import { currentParsers } from './edited-profiles';
import { readZip, ZipError } from './zip';
import { TextKeeper } from './kept-text';
import { throwIfCancelled } from '../jobs/runner';
import { assertDaysOpen, lockedDayIssues } from '../close/locks';

/** Errors the user may accept explicitly (--accept-mismatch): the file's own totals disagree. */
export const MISMATCH_CODES = new Set(['summary_mismatch', 'balance_mismatch', 'entry_detail_mismatch']);
const MIN_CONFIDENCE = 0.3;
// Lines per store write: small enough that a batch's JSON stays out of V8's large-object space
// (≈128 KiB); 2000-line batches cost a million-line import a third more CPU in copies and page faults.
const LINE_BATCH = 250;

export interface ImportInput {
  fileName: string; // what the user picked (messages only)
  path?: string;
  bytes?: Uint8Array;
}

export interface ImportOptions {
  actor: string;
  channel?: Channel;
  date?: string;
  acceptMismatch?: boolean;
  /** Confirm that a new version replaces the channel-day's active file. */
  replace?: boolean;
  source?: 'import' | 'download';
  downloadedAt?: string;
  /** Parse and check only: nothing is written (the preview before import). */
  dryRun?: boolean;
  signal?: AbortSignal;
  onLines?: (done: number) => void;
}

export interface ImportIssue {
  line: number | null;
  field: string | null;
  message: string;
  code?: string;
  member?: string;
}

export interface ImportReport {
  file: string;
  status: 'imported' | 'duplicate' | 'rejected' | 'preview';
  channel: Channel | null;
  format: string | null;
  businessDate: string | null;
  merchantId: string | null;
  lines: number;
  payments: { count: number; fen: number };
  refunds: { count: number; fen: number };
  feesFen: number;
  netFen: number;
  errors: ImportIssue[];
  warnings: ImportIssue[];
  tieOut: ParseOutcome['tieOut'];
  /** confidence: that the chosen parser's format is right; encodingConfidence: of the detected encoding. */
  detection: {
    confidence: number;
    encodingConfidence: number;
    encoding: string;
    container: string;
    notes: string[];
  } | null;
  fileId: number | null;
  version: number | null;
  /** active: counts for reconciliation; pending: a new version waiting for the user's confirmation. */
  state: 'active' | 'pending' | null;
}

class Rejected extends Error {}

function emptyReport(file: string): ImportReport {
  return {
    file,
    status: 'rejected',
    channel: null,
    format: null,
    businessDate: null,
    merchantId: null,
    lines: 0,
    payments: { count: 0, fen: 0 },
    refunds: { count: 0, fen: 0 },
    feesFen: 0,
    netFen: 0,
    errors: [],
    warnings: [],
    tieOut: null,
    detection: null,
    fileId: null,
    version: null,
    state: null,
  };
}

function issue(i: ParseIssue): ImportIssue {
  return { line: i.line, field: i.field, message: i.message, code: i.code, ...(i.member ? { member: i.member } : {}) };
}

async function hashOf(input: ImportInput): Promise<string> {
  const h = createHash('sha256');
  if (input.bytes) h.update(input.bytes);
  else for await (const c of createReadStream(input.path!)) h.update(c as Buffer);
  return h.digest('hex');
}

async function openSource(input: ImportInput): Promise<StatementSource> {
  return input.bytes ? bufferSource(input.fileName, input.bytes) : fileSource(input.path!, input.fileName);
}

/** Ask every parser how sure it is; the best one wins. */
export async function detectParser(
  source: StatementSource,
  parsers: readonly StatementParser[] = PARSERS,
): Promise<{
  parser: StatementParser;
  confidence: number;
  ranking: { format: string; channel: string; confidence: number }[];
} | null> {
  const { container, encoding } = source.detection;
  let head: { bytes: Uint8Array; text: string };
  let zipMembers: { name: string; head: string }[] | undefined;
  if (container === 'zip') {
    const members = readZip(await source.bytes());
    zipMembers = members.map((m) => ({ name: m.name, head: bufferSourceHead(m.name, m.bytes) }));
    head = { bytes: (await source.bytes()).subarray(0, 65536), text: '' };
  } else if (container === 'xlsx' || container === 'xls') {
    // A workbook's header names sit in sharedStrings.xml, after the sheet data: sniff it whole.
    head = { bytes: await source.bytes(), text: '' };
  } else if (encoding === 'binary') {
    head = { bytes: (await source.bytes()).subarray(0, 65536), text: '' };
  } else {
    head = await sniffHead(source);
  }
  const ranking = parsers.map((p) => ({
    parser: p,
    confidence: safeSniff(p, { bytes: head.bytes, text: head.text, container, encoding, zipMembers }),
  })).sort((a, b) => b.confidence - a.confidence);
  const best = ranking[0];
  const summary = ranking
    .filter((r) => r.confidence > 0)
    .map((r) => ({ format: r.parser.format, channel: r.parser.channel, confidence: r.confidence }));
  return best && best.confidence >= MIN_CONFIDENCE
    ? { parser: best.parser, confidence: best.confidence, ranking: summary }
    : null;
}

function safeSniff(p: StatementParser, input: Parameters<StatementParser['sniff']>[0]): number {
  try {
    return Math.max(0, Math.min(1, p.sniff(input)));
  } catch {
    return 0;
  }
}

function bufferSourceHead(name: string, bytes: Uint8Array): string {
  const s = bufferSource(name, bytes.subarray(0, 4096));
  const { encoding } = s.detection;
  const text = new TextDecoder(encoding === 'gb18030' || encoding === 'latin1' ? encoding : 'utf-8').decode(
    bytes.subarray(0, 4096),
  );
  return text.split(/\r?\n/)[0] ?? '';
}

const channelName = (c: string) => CHANNELS.find((x) => x.code === c)?.zh ?? c;

/** Import (or preview) one file. Never throws for a bad file: the report says why it was refused. */
export async function importFile(store: Store, input: ImportInput, opts: ImportOptions): Promise<ImportReport> {
  const report = emptyReport(input.fileName);
  const reject = (message: string, where: Partial<ImportIssue> = {}) => {
    report.errors.push({ line: null, field: null, message, ...where });
    return report;
  };
  try {
    if (opts.date !== undefined && !isIsoDate(opts.date))
      return reject(`--date "${opts.date}" is not a date YYYY-MM-DD`);
    const size = input.bytes ? input.bytes.byteLength : (await stat(input.path!)).size;
    if (size === 0) return reject(`${input.fileName} is empty`, { code: 'empty' });
    let hash = await hashOf(input);
    let existing = await fileByHash(store.read, hash);
    // A file with no lines names no day (a header-only cash register on a holiday has the same bytes
    // every day): its identity is its bytes plus the day the user gives, so each day's copy is kept
    // and the same file for the same day is still recognised.
    if (existing && existing.lineCount === 0 && opts.date && existing.businessDate !== opts.date) {
      hash = createHash('sha256').update(`${hash}\n${opts.date}`).digest('hex');
      existing = await fileByHash(store.read, hash);
    }
    if (existing) {
      Object.assign(report, {
        status: 'duplicate',
        channel: existing.channel,
        format: existing.format,
        businessDate: existing.businessDate,
        merchantId: existing.merchantId,
        lines: existing.lineCount,
        payments: { count: existing.paymentCount, fen: existing.paymentFen },
        refunds: { count: existing.refundCount, fen: existing.refundFen },
        feesFen: existing.feeFen,
        netFen: existing.netFen,
        fileId: existing.id,
        version: existing.version,
        state: existing.status === 'superseded' ? null : existing.status,
      });
      return report;
    }

    const source = await openSource(input);
    // The user's edited column profiles (Settings) as saved now: a save takes effect on the next import.
    const detected = await detectParser(source, await currentParsers(store.read));
    if (!detected) {
      return reject(
        `${input.fileName}: the content is not a statement format this workstation knows (encoding ${source.detection.encoding}, container ${source.detection.container})`,
        { code: 'unknown_format' },
      );
    }
    report.detection = {
      ...source.detection,
      confidence: detected.confidence,
      encodingConfidence: source.detection.confidence,
    };
    if (opts.channel && detected.parser.channel !== opts.channel) {
      return reject(
        `${input.fileName} looks like a ${channelName(detected.parser.channel)} statement (${detected.parser.format}), not ${channelName(opts.channel)}`,
        { code: 'wrong_channel' },
      );
    }
    report.channel = detected.parser.channel;
    report.format = detected.parser.format;
    return await parseAndWrite(store, source, detected.parser, hash, report, opts);
  } catch (err) {
    if (err instanceof SourceError)
      return reject(`${input.fileName}: ${err.message}`, { line: err.line, code: err.code });
    if (err instanceof ZipError) return reject(`${input.fileName}: ${err.message}`, { code: err.code });
    if (err instanceof Rejected) return report;
    throw err;
  }
}

async function parseAndWrite(
  store: Store,
  source: StatementSource,
  parser: StatementParser,
  hash: string,
  report: ImportReport,
  opts: ImportOptions,
): Promise<ImportReport> {
  const totals = { lineCount: 0, paymentCount: 0, paymentFen: 0, refundCount: 0, refundFen: 0, feeFen: 0 };
  const count = (lines: StatementLine[]) => {
    for (const l of lines) {
      totals.lineCount++;
      // Settlements (a channel paying out, a cash deposit slip) move money between our own
      // accounts: they are neither customer payments nor refunds.
      if (l.kind === 'settlement') continue;
      if (l.kind === 'fee') totals.feeFen += -l.amountFen;
      else if (l.amountFen >= 0) {
        totals.paymentCount++;
        totals.paymentFen += l.amountFen;
      } else {
        totals.refundCount++;
        totals.refundFen += -l.amountFen;
      }
      totals.feeFen += l.feeFen;
    }
  };
  const run = async (tx: WriteTx | null) => {
    const fileId = tx
      ? await startFile(tx, {
          contentHash: hash,
          fileName: source.fileName,
          channel: report.channel!,
          format: parser.format,
          source: opts.source ?? 'import',
          importedBy: opts.actor,
          downloadedAt: opts.downloadedAt ?? null,
        })
      : null;
    // A text format's file is kept once (its lines read back for the grid); other formats keep
    // each line's printed values on the line, their names collected here.
    const keeper =
      tx && fileId !== null && parser.printedValues
        ? new TextKeeper(source, (chunk) => insertTextChunk(tx, fileId, chunk))
        : null;
    const rawColumns: string[] = [];
    // One batch is written while the parser reads the next (node-sqlite3 runs it on its own thread).
    let writing: Promise<void> = Promise.resolve();
    let outcome: ParseOutcome;
    try {
      outcome = await parser.parse(keeper ? keeper.wrap() : source, {
        fileName: source.fileName,
        expectedDate: opts.date,
        batchSize: LINE_BATCH,
        emit: async (batch) => {
          throwIfCancelled(opts.signal ?? new AbortController().signal);
          count(batch);
          opts.onLines?.(totals.lineCount);
          if (!tx || fileId === null) return;
          await writing;
          writing = insertLines(tx, fileId, report.channel!, batch, keeper ? null : rawColumns).then(() => undefined);
          writing.catch(() => undefined); // raised by the next await of it, not as unhandled
        },
      });
      await writing;
      await keeper?.finish();
    } catch (err) {
      // Nothing may still be writing when the transaction rolls back.
      await writing.catch(() => undefined);
      await keeper?.settle();
      throw err;
    }
    const header = outcome.header;
    report.format = header.format;
    report.tieOut = outcome.tieOut;
    const errors = outcome.errors.map(issue);
    const warnings = outcome.warnings.map(issue);
    const mismatches = errors.filter((e) => e.code && MISMATCH_CODES.has(e.code));
    const accepted = Boolean(opts.acceptMismatch && mismatches.length);
    report.errors = accepted ? errors.filter((e) => !mismatches.includes(e)) : errors;
    report.warnings = accepted
      ? [...warnings, ...mismatches.map((m) => ({ ...m, message: `${m.message} (accepted by the user)` }))]
      : warnings;
    report.businessDate = header.businessDate ?? opts.date ?? null;
    report.merchantId = header.merchantId;
    if (opts.date && header.businessDate && header.businessDate !== opts.date) {
      report.errors.push({
        line: null,
        field: null,
        code: 'wrong_day',
        message: `the file is the statement of ${header.businessDate}, not of ${opts.date}`,
      });
    }
    if (!report.businessDate) {
      report.errors.push({
        line: null,
        field: null,
        code: 'no_date',
        message: 'the file does not say which business day it covers: give the date (--date)',
      });
    }
    Object.assign(report, {
      lines: totals.lineCount,
      payments: { count: totals.paymentCount, fen: totals.paymentFen },
      refunds: { count: totals.refundCount, fen: totals.refundFen },
      feesFen: totals.feeFen,
      netFen: totals.paymentFen - totals.refundFen - totals.feeFen,
    });
    report.errors.push(...(await lockedDayIssues(tx ?? store.read, report.businessDate))); // a closed period takes no statements
    if (report.errors.length) throw new Rejected(); // rolls back the file row and every line written
    if (!tx || fileId === null) return;

    const siblings = await filesForDay(tx, report.channel!, report.businessDate!, header.merchantId ?? '');
    const hasActive = siblings.some((f) => f.status === 'active');
    const { version } = await completeFile(tx, fileId, {
      format: header.format,
      variant: header.variant,
      businessDate: report.businessDate!,
      merchantId: header.merchantId ?? '',
      ...totals,
      netFen: report.netFen,
      tieOutOk: outcome.tieOut ? outcome.tieOut.ok : null,
      acceptedMismatch: accepted,
      detection: report.detection,
      summary: header.summary,
      warnings: report.warnings,
      profileVersion: header.profileVersion,
      rawColumns: keeper ? (outcome.printedColumns ?? []) : rawColumns,
    });
    report.fileId = fileId;
    report.version = version;
    const activate = !hasActive || opts.replace === true;
    if (activate) {
      const { superseded } = await activateFile(tx, fileId);
      if (superseded !== null) {
        await audit(tx, {
          userId: opts.actor,
          action: 'statements.replace',
          entity: 'statement_file',
          entityId: String(fileId),
          before: { activeFileId: superseded },
          after: { activeFileId: fileId },
          reason: 'new version confirmed at import',
        });
      }
    }
    report.state = activate ? 'active' : 'pending';
    await audit(tx, {
      userId: opts.actor,
      action: opts.source === 'download' ? 'statements.download' : 'statements.import',
      entity: 'statement_file',
      entityId: String(fileId),
      before: null,
      after: {
        file: source.fileName,
        hash,
        channel: report.channel,
        businessDate: report.businessDate,
        lines: totals.lineCount,
        netFen: report.netFen,
        state: report.state,
        acceptedMismatch: accepted,
      },
      reason: accepted ? 'imported although the file does not tie out' : null,
    });
  };

  if (opts.dryRun) {
    await run(null);
    report.status = 'preview';
    return report;
  }
  // Parsing runs inside the write transaction so that lines stream straight into the store and a
  // refusal at the last line rolls everything back.
  await store.write(run);
  report.status = 'imported';
  return report;
}

/** Expand what the user gave (files, folders, zips of statements) into importable inputs. */
export async function expandInputs(paths: string[]): Promise<ImportInput[]> {
  const out: ImportInput[] = [];
  for (const p of paths) {
    const info = await stat(p);
    if (info.isDirectory()) {
      const entries = (await readdir(p)).filter((n) => !n.startsWith('.')).sort();
      out.push(...(await expandInputs(entries.map((n) => join(p, n)))));
    } else out.push({ fileName: basename(p), path: p });
  }
  return out;
}

/**
 * A zip is a bundle of statement files — import each member on its own — when no parser claims the
 * zip as a whole, or when two or more members are, each on its own, statements of different formats.
 * Returns null when the zip is one statement (Alipay, Allinpay, UnionPay and camt.053 zips).
 */
export async function unbundleZip(
  input: ImportInput,
  parsers: readonly StatementParser[] = PARSERS,
): Promise<ImportInput[] | null> {
  const source = await openSource(input);
  if (source.detection.container !== 'zip') return null;
  const members = readZip(await source.bytes()).map((m) => ({
    fileName: `${input.fileName}/${m.name}`,
    bytes: m.bytes,
  }));
  const formats = new Set<string>();
  for (const m of members) {
    const d = await detectParser(bufferSource(m.fileName, m.bytes), parsers).catch(() => null);
    if (d) formats.add(d.parser.format);
  }
  if (formats.size >= 2) return members;
  const whole = await detectParser(source, parsers).catch(() => null);
  return whole ? null : members;
}

export async function importFiles(store: Store, inputs: ImportInput[], opts: ImportOptions): Promise<ImportReport[]> {
  const reports: ImportReport[] = [];
  for (const input of inputs) {
    throwIfCancelled(opts.signal ?? new AbortController().signal);
    let members: ImportInput[] | null = null;
    try {
      members = await unbundleZip(input, await currentParsers(store.read));
    } catch (err) {
      if (!(err instanceof ZipError)) throw err;
      reports.push({
        ...emptyReport(input.fileName),
        errors: [{ line: null, field: null, message: `${input.fileName}: ${err.message}`, code: err.code }],
      });
      continue;
    }
    for (const one of members ?? [input]) reports.push(await importFile(store, one, opts));
  }
  return reports;
}

/** The user confirms that a pending version replaces the active statement of its channel-day. */
export async function confirmReplacement(store: Store, fileId: number, actor: string, reason: string): Promise<void> {
  await store.write(async (tx) => {
    const before = await fileById(tx, fileId);
    if (!before) throw new Error(`no statement file ${fileId}`);
    if (before.status !== 'pending')
      throw new Error(`statement file ${fileId} is ${before.status}, not waiting for confirmation`);
    await assertDaysOpen(tx, [before.businessDate], `confirming statement file ${fileId}`);
    const { superseded } = await activateFile(tx, fileId);
    await audit(tx, {
      userId: actor,
      action: 'statements.replace',
      entity: 'statement_file',
      entityId: String(fileId),
      before: { activeFileId: superseded },
      after: { activeFileId: fileId },
      reason,
    });
  });
}
