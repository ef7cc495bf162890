import { parseArgs, type ParseArgsConfig } from 'node:util';
import { dirname, join, resolve } from 'node:path';
import { AppError, toWireError } from '../api/errors';
import { createContext, type AppContext } from '../api/context';
import type { JobContext } from '../jobs/runner';

export interface Command {
  name: string; // one or two words: "sync", "sandbox serve"
  summary: string;
  run(args: string[]): Promise<number>;
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export function args<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

export function required(value: string | undefined, flag: string): string {
  if (!value) throw new CliError(`missing --${flag}`);
  return value;
}

export function intFlag(value: string | undefined, flag: string, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new CliError(`missing --${flag}`);
    return fallback;
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`--${flag} must be a non-negative integer, got "${value}"`);
  return n;
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

export function printError(err: unknown, json: boolean): void {
  const wire = err instanceof CliError ? { code: 'invalid_input', message: err.message } : toWireError(err);
  if (json) printJson({ error: wire });
  process.stderr.write(`otd: ${wire.message}\n`);
}

/** A context for a command that works on a database file (data dir beside it). */
export async function cliContext(db: string): Promise<AppContext> {
  const dbFile = resolve(db);
  return createContext({ dbFile, dataDir: join(dirname(dbFile), 'otd-data'), mode: 'cli' });
}

/** A job context for a command run in the foreground: Ctrl-C cancels, progress goes to stderr. */
export function foregroundJob(label: string): JobContext & { dispose(): void } {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  let last = '';
  return {
    signal: controller.signal,
    progress(phase, done, total) {
      if (!process.stderr.isTTY) return;
      const line = `${label}: ${phase} ${done}/${total}`;
      if (line !== last) process.stderr.write(`\r${line}   `);
      last = line;
    },
    dispose() {
      process.off('SIGINT', onSigint);
      if (process.stderr.isTTY && last) process.stderr.write('\n');
    },
  };
}

export function unwrap<T>(
  reply: { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } },
): T {
  if (!reply.ok) throw new AppError(reply.error.code as never, reply.error.message);
  return reply.result as T;
}
