// Where the central API token lives. Under Electron it is encrypted with safeStorage (the adapter is
// in index.ts); in web mode and the CLI it is a file readable only by the user (mode 0600).
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface SecretStore {
  readonly kind: 'safeStorage' | 'file';
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
}

/** Secrets as a JSON file with owner-only permissions; values may be pre-encrypted by a wrapper. */
export class FileSecretStore implements SecretStore {
  readonly kind: 'safeStorage' | 'file' = 'file';
  constructor(private readonly file: string) {}

  protected async readAll(): Promise<Record<string, string>> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as Record<string, string>;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw e;
    }
  }

  async get(name: string): Promise<string | null> {
    return (await this.readAll())[name] ?? null;
  }

  async set(name: string, value: string): Promise<void> {
    const all = await this.readAll();
    all[name] = value;
    await mkdir(dirname(this.file), { recursive: true });
    await writeFile(this.file, JSON.stringify(all), { mode: 0o600 });
    await chmod(this.file, 0o600);
  }
}
