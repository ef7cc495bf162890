// A store holding a sandbox company's books as a user would build them: the central data synced from
// the sandbox platform, then every day's seven statement files written (as `otd sandbox statements`
// writes them) and imported through the import service; the manifests kept for scoring.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../../src-main/sandbox';
import { runSync } from '../../../src-main/central/sync';
import { openStore, type Store } from '../../../src-main/store';
import { addUser } from '../../../src-main/store/settings';
import { writeSandboxStatements } from '../../../src-main/sandbox/statements';
import type { SandboxManifest } from '../../../src-main/sandbox/statements/manifest';
import { importFiles } from '../../../src-main/statements/import';
import { addDays } from '../../../src-main/domain/dates';

export const START = '2026-10-01';

export interface SandboxBooks {
  store: Store;
  dir: string;
  dbFile: string;
  days: string[];
  manifests: SandboxManifest[];
  manifestPaths: string[];
  close(): Promise<void>;
}

export async function sandboxBooks(cfg: { seed: number; orders: number; days: number }): Promise<SandboxBooks> {
  const dir = await mkdtemp(join(tmpdir(), 'otd-recon-score-'));
  const dbFile = join(dir, 'books.sqlite');
  const store = await openStore(dbFile);
  await store.write(async (tx) => {
    await addUser(tx, { userId: 'zhang.kj', displayName: '张会计' });
    await addUser(tx, { userId: 'li.fh', displayName: '李复核' });
  });
  const sb = await startSandbox({ port: 0, ...cfg, startDate: START });
  try {
    await runSync(
      store,
      { url: sb.url, token: sb.token },
      { signal: new AbortController().signal, progress: () => undefined },
    );
  } finally {
    await sb.close();
  }
  const days: string[] = [];
  const manifests: SandboxManifest[] = [];
  const manifestPaths: string[] = [];
  for (let n = 0; n < cfg.days; n++) {
    const date = addDays(START, n);
    const written = await writeSandboxStatements({ ...cfg, startDate: START, date, outDir: join(dir, date) });
    // A quiet day's file may hold no line (nothing in it names the day): the user gives the date.
    const reports = await importFiles(
      store,
      written.files.map((f) => ({ fileName: f.fileName, path: f.path })),
      { actor: 'zhang.kj', date },
    );
    const bad = reports.filter((r) => r.status === 'rejected');
    if (bad.length) throw new Error(`import of ${date} failed: ${JSON.stringify(bad.map((r) => [r.file, r.errors]))}`);
    days.push(date);
    manifests.push(written.manifest);
    manifestPaths.push(written.manifestPath);
  }
  return {
    store,
    dir,
    dbFile,
    days,
    manifests,
    manifestPaths,
    close: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
