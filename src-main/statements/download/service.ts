// Download a channel's statement of one business day and import it (source 'download'), recording
// the attempt whatever its outcome. The same bytes again are recognised by the import service's
// content hash: a re-download is 'duplicate' and changes nothing.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../../store';
import type { SecretStore } from '../../api/secrets';
import { recordDownloadAttempt, type DownloadAttempt, type DownloadTrigger } from '../../store/downloads';
import { importFile, unbundleZip, type ImportReport } from '../import';
import { isIsoDate } from '../../domain/dates';
import { JobCancelledError } from '../../jobs/runner';
import {
  DownloadError,
  sha256Hex,
  type DownloadChannel,
  type DownloadedStatement,
  type TransportOptions,
} from './common';
import { loadCredentials, type CredentialOverrides } from './credentials';
import { downloadStatement } from './index';

export interface DownloadDeps {
  store: Store;
  secrets: SecretStore;
  /** When set, the downloaded bytes are also kept under <dataDir>/downloads/<channel>/. */
  dataDir?: string;
}

export interface DownloadRequest {
  channel: DownloadChannel;
  date: string;
  actor: string;
  trigger: DownloadTrigger;
  overrides?: CredentialOverrides;
  transport?: TransportOptions;
}

export interface DownloadResult {
  attempt: DownloadAttempt;
  /** The import report; null when the download itself failed. */
  report: ImportReport | null;
  /** The download failure (outcome 'failed'). */
  error: DownloadError | null;
}

// One download at a time per store: the scheduler and a person asking for the same day must not
// race to insert the same bytes.
const queues = new WeakMap<Store, Promise<unknown>>();

function serialised<T>(store: Store, fn: () => Promise<T>): Promise<T> {
  const next = (queues.get(store) ?? Promise.resolve()).then(fn, fn);
  queues.set(
    store,
    next.catch(() => undefined),
  );
  return next;
}

export function downloadAndImport(deps: DownloadDeps, req: DownloadRequest): Promise<DownloadResult> {
  return serialised(deps.store, () => run(deps, req));
}

async function run(deps: DownloadDeps, req: DownloadRequest): Promise<DownloadResult> {
  const startedAt = new Date().toISOString();
  const base = { channel: req.channel, businessDate: req.date, trigger: req.trigger, actor: req.actor, startedAt };
  if (!isIsoDate(req.date)) throw new RangeError(`"${req.date}" is not a date YYYY-MM-DD`);
  let downloaded: DownloadedStatement;
  try {
    const creds = await loadCredentials(deps.store.read, deps.secrets, req.channel, req.overrides);
    downloaded = await downloadStatement(req.channel, req.date, creds, req.transport);
  } catch (error) {
    if (req.transport?.signal?.aborted) throw new JobCancelledError();
    if (!(error instanceof DownloadError)) throw error; // a defect, not a channel's answer
    const attempt: DownloadAttempt = {
      ...base,
      finishedAt: new Date().toISOString(),
      outcome: 'failed',
      state: null,
      fileId: null,
      fileName: null,
      errorCode: error.code,
      message: error.message,
    };
    await deps.store.write((tx) => recordDownloadAttempt(tx, attempt));
    return { attempt, report: null, error };
  }

  if (deps.dataDir) await keepCopy(deps.dataDir, downloaded);
  const report = await importDownloaded(deps.store, downloaded, req);
  const firstError = report.errors[0];
  const attempt: DownloadAttempt = {
    ...base,
    finishedAt: new Date().toISOString(),
    outcome: report.status === 'imported' ? 'imported' : report.status === 'duplicate' ? 'duplicate' : 'rejected',
    state: report.state,
    fileId: report.fileId,
    fileName: downloaded.fileName,
    errorCode: firstError?.code ?? null,
    message:
      report.status === 'rejected'
        ? `${downloaded.fileName} was downloaded but refused: ${firstError?.message ?? 'see the report'}`
        : report.status === 'duplicate'
          ? `${downloaded.fileName} is the same file as statement ${report.fileId ?? '?'}: nothing changed`
          : `${downloaded.fileName}: ${report.lines} lines ${report.state === 'pending' ? 'wait as a new version for confirmation' : 'imported'} (${downloaded.notes.join('; ')})`,
  };
  await deps.store.write((tx) => recordDownloadAttempt(tx, attempt));
  return { attempt, report, error: null };
}

async function keepCopy(dataDir: string, d: DownloadedStatement): Promise<void> {
  const dir = join(dataDir, 'downloads', d.channel);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${sha256Hex(d.bytes).slice(0, 12)}-${d.fileName}`), d.bytes);
}

/**
 * Import what was downloaded. A zip that no parser reads whole is a bundle: its members are
 * imported one by one and the first that is not refused speaks for the download.
 */
async function importDownloaded(store: Store, d: DownloadedStatement, req: DownloadRequest): Promise<ImportReport> {
  const opts = {
    actor: req.actor,
    channel: d.channel,
    date: d.date,
    source: 'download' as const,
    downloadedAt: d.downloadedAt,
    signal: req.transport?.signal,
  };
  const input = { fileName: d.fileName, bytes: d.bytes };
  const members = await unbundleZip(input).catch(() => null);
  if (!members || members.length === 0) return importFile(store, input, opts);
  const reports: ImportReport[] = [];
  for (const m of members) reports.push(await importFile(store, m, opts));
  const chosen = reports.find((r) => r.status !== 'rejected') ?? reports[0]!;
  for (const r of reports) {
    if (r !== chosen) {
      chosen.warnings.push({
        line: null,
        field: null,
        code: 'bundle_member',
        message: `${r.file}: ${r.status}${r.errors[0] ? ` (${r.errors[0].message})` : ''}`,
      });
    }
  }
  return chosen;
}
