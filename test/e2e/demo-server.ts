// Starts the demo company in web mode as a child process (`otd demo --json`) and waits for the one
// JSON line it prints when ready. Used by the Playwright global setup and scripts/screenshots.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface DemoServer {
  url: string;
  token: string;
  open: string;
  dataDir: string;
  pid: number;
  stop(): Promise<void>;
}

export const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..');

export async function startDemo(opts: { orders?: number; timeoutMs?: number } = {}): Promise<DemoServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'otd-e2e-'));
  const args = ['bin/otd.js', 'demo', '--json', '--port', '0', '--orders', String(opts.orders ?? 300), '--data-dir', dataDir];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => {
    stderr = (stderr + c).slice(-8000);
  });

  const ready = await new Promise<{ url: string; token: string; open: string }>((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      fail(new Error(`otd demo printed nothing within ${(opts.timeoutMs ?? 240_000) / 1000} s\n${stderr}`));
    }, opts.timeoutMs ?? 240_000);
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const line = out.split('\n').find((l) => l.trim().startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      try {
        const parsed = JSON.parse(line) as { url?: string; token?: string; open?: string; error?: { message: string } };
        if (parsed.url && parsed.token && parsed.open) ok({ url: parsed.url, token: parsed.token, open: parsed.open });
        else fail(new Error(`otd demo failed: ${parsed.error?.message ?? line}\n${stderr}`));
      } catch (e) {
        fail(new Error(`otd demo printed something that is not JSON: ${line}\n${String(e)}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`otd demo exited with code ${code} before it was ready\n${stderr}`));
    });
  });

  const exited = new Promise<void>((done) => {
    if (child.exitCode !== null) done();
    else child.once('exit', () => done());
  });
  return {
    ...ready,
    dataDir,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
