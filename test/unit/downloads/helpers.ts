// A channel-API sandbox for the download tests: the real channel server (sandbox/channel-server.ts)
// on a loopback port, serving small fixture statements instead of the generated dataset.
import { createServer } from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createChannelApi,
  type ChannelApi,
  type ChannelStatementSource,
} from '../../../src-main/sandbox/channel-server';
import { listen } from '../../../src-main/sandbox/central-server';
import { DownloadError, type DownloadChannel, type FetchLike } from '../../../src-main/statements/download/common';
import type { CredentialsOf } from '../../../src-main/statements/download/credentials';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'statements');
export const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));

/** The fixture days: what each channel's statement of that day is. */
export const FIXTURE_DAYS = {
  wechat: { date: '2024-03-15', file: 'wechat-all-with-refund.csv' },
  lakala: { date: '2026-10-03', file: 'lakala-default-with-refund.csv' },
  unionpay: { date: '2026-10-03', file: 'unionpay-pos-void-and-return.csv' },
} as const;

export const fixtureStatements: ChannelStatementSource = async (channel, date) => {
  const day = FIXTURE_DAYS[channel];
  return day.date === date ? { fileName: day.file, bytes: fixture(day.file) } : null;
};

export interface ChannelSandbox {
  url: string;
  api: ChannelApi;
  close(): Promise<void>;
}

export async function startChannelSandbox(
  statements: ChannelStatementSource = fixtureStatements,
  seed: number | string = 'downloads-test',
): Promise<ChannelSandbox> {
  const api = createChannelApi({ seed, statements, range: { from: '2024-01-01', to: '2026-10-31' } });
  const server = createServer((req, res) => {
    if (!api.handle(req, res)) {
      res.writeHead(404).end();
    }
  });
  const port = await listen(server, 0);
  return {
    url: `http://127.0.0.1:${port}`,
    api,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

/** One channel's demo credentials against a sandbox started before the file's tests and closed after them. */
export function useChannelSandbox<C extends DownloadChannel>(channel: C): { readonly creds: CredentialsOf[C] } {
  let sb: ChannelSandbox | null = null;
  const held: { creds: CredentialsOf[C] | null } = { creds: null };
  beforeAll(async () => {
    sb = await startChannelSandbox();
    held.creds = sb.api.credentials(sb.url)[channel];
  });
  afterAll(() => sb?.close());
  return {
    get creds() {
      if (held.creds === null) throw new Error('the channel sandbox is not started yet');
      return held.creds;
    },
  };
}

/** The DownloadError a download ends in (anything else, or success, fails the test). */
export async function downloadFailure(p: Promise<unknown>): Promise<DownloadError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DownloadError) return e;
    throw e;
  }
  throw new Error('expected the download to fail');
}

/** A fetch that lets `alter` rewrite the answer of requests whose URL matches. */
export function alteringFetch(
  match: RegExp,
  alter: (body: Uint8Array, headers: Headers) => { body: Uint8Array; headers?: Headers },
): FetchLike {
  return async (input, init) => {
    const res = await fetch(input, init);
    if (!match.test(input)) return res;
    const out = alter(new Uint8Array(await res.arrayBuffer()), new Headers(res.headers));
    const headers = out.headers ?? new Headers(res.headers);
    headers.delete('content-length');
    return new Response(Buffer.from(out.body), { status: res.status, headers });
  };
}
