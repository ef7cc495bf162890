// What every handler receives. Built once per process by the host (Electron, web mode or the CLI).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../store';
import { openStore } from '../store';
import { JobRunner } from '../jobs/runner';
import type { AppEvent } from './events';
import { FileSecretStore, type SecretStore } from './secrets';

export interface AppContext {
  store: Store;
  dbFile: string;
  dataDir: string; // exports, downloads, secrets
  jobs: JobRunner;
  secrets: SecretStore;
  mode: 'electron' | 'web' | 'cli';
  emit(event: AppEvent): void;
  /** Listen to events (web mode's event stream, Electron's webContents); returns the unsubscribe. */
  subscribe(listener: (event: AppEvent) => void): () => void;
}

export async function createContext(opts: {
  dbFile: string;
  dataDir: string;
  mode: AppContext['mode'];
  secrets?: SecretStore;
  onEvent?: (e: AppEvent) => void;
}): Promise<AppContext> {
  await mkdir(opts.dataDir, { recursive: true });
  const listeners = new Set<(e: AppEvent) => void>();
  if (opts.onEvent) listeners.add(opts.onEvent);
  const emit = (e: AppEvent) => listeners.forEach((l) => l(e));
  const store = await openStore(opts.dbFile);
  return {
    store,
    dbFile: opts.dbFile,
    dataDir: opts.dataDir,
    jobs: new JobRunner((job) => emit({ type: 'job', job })),
    secrets: opts.secrets ?? new FileSecretStore(join(opts.dataDir, 'secrets.json')),
    mode: opts.mode,
    emit,
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}

export async function closeContext(ctx: AppContext): Promise<void> {
  await ctx.jobs.shutdown();
  await ctx.store.close();
}
