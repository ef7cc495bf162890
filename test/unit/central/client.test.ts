// The central client's retry policy against scripted answers.
import { describe, expect, it } from 'vitest';
import { CentralClient, CentralError, normaliseBaseUrl } from '../../../src-main/central/client';
import { JobCancelledError } from '../../../src-main/jobs/runner';

const PING = { service: 'otd-central', apiVersion: 1 };

/** A fetch that answers from a script, one entry per call, and records the calls. */
function scripted(answers: (() => Response | Promise<Response>)[]): {
  fetchImpl: typeof fetch;
  calls: { url: string; at: number; auth: string | null }[];
} {
  const calls: { url: string; at: number; auth: string | null }[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    calls.push({ url: String(input), at: Date.now(), auth: new Headers(init?.headers).get('authorization') });
    const next = answers.shift();
    if (!next) throw new Error('script exhausted');
    return next();
  };
  return { fetchImpl, calls };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('CentralClient', () => {
  it('normalises the base URL', () => {
    expect(normaliseBaseUrl(' https://central.example.com/ ')).toBe('https://central.example.com');
    expect(normaliseBaseUrl('http://127.0.0.1:9/api/v1/')).toBe('http://127.0.0.1:9');
    expect(() => normaliseBaseUrl('central.example.com')).toThrow(CentralError);
  });

  it('sends the bearer token and honours Retry-After on 429', async () => {
    const s = scripted([
      json(429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'retry-after': '1' }),
      json(200, PING),
    ]);
    const c = new CentralClient({ url: 'http://central.test', token: 'tok', fetchImpl: s.fetchImpl, retryBaseMs: 1 });
    expect(await c.ping()).toMatchObject(PING);
    expect(s.calls).toHaveLength(2);
    expect(s.calls[0]!.auth).toBe('Bearer tok');
    expect(s.calls[1]!.at - s.calls[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('backs off exponentially on 5xx and network errors, then succeeds', async () => {
    const refused = () =>
      Promise.reject(
        Object.assign(new TypeError('fetch failed'), {
          cause: Object.assign(new Error('connect'), { code: 'ECONNRESET' }),
        }),
      );
    const s = scripted([json(500, {}), refused, json(502, {}), json(200, PING)]);
    const c = new CentralClient({ url: 'http://central.test', token: 't', fetchImpl: s.fetchImpl, retryBaseMs: 40 });
    await c.ping();
    const gaps = s.calls.slice(1).map((x, i) => x.at - s.calls[i]!.at);
    // 40·2^k with jitter between half and all of it.
    expect(gaps[0]).toBeGreaterThanOrEqual(18);
    expect(gaps[1]).toBeGreaterThanOrEqual(38);
    expect(gaps[2]).toBeGreaterThanOrEqual(78);
  });

  it('does not retry 401, 403 or 404', async () => {
    for (const [status, reason] of [
      [401, 'unauthorized'],
      [403, 'unauthorized'],
      [404, 'not_central'],
    ] as const) {
      const s = scripted([json(status, { error: { code: 'x', message: 'no' } }), json(200, PING)]);
      const c = new CentralClient({ url: 'http://central.test', token: 't', fetchImpl: s.fetchImpl, retryBaseMs: 1 });
      const err = await c.ping().catch((e: unknown) => e);
      expect((err as CentralError).reason).toBe(reason);
      expect(s.calls).toHaveLength(1);
    }
  });

  it('times out a request that never answers', async () => {
    const hang: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const c = new CentralClient({
      url: 'http://central.test',
      token: 't',
      fetchImpl: hang,
      timeoutMs: 50,
      maxRetries: 1,
      retryBaseMs: 1,
    });
    await expect(c.ping()).rejects.toThrow(
      /cannot reach http:\/\/central\.test: no answer within 50 ms \(2 attempts\)/,
    );
  });

  it('is cancelled during a backoff sleep', async () => {
    const controller = new AbortController();
    const s = scripted([json(503, {}, { 'retry-after': '30' })]);
    const c = new CentralClient({
      url: 'http://central.test',
      token: 't',
      fetchImpl: s.fetchImpl,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    const t0 = Date.now();
    await expect(c.ping()).rejects.toBeInstanceOf(JobCancelledError);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('refuses a page that does not match the API', async () => {
    const s = scripted([json(200, { items: 'nope', nextCursor: 'x', hasMore: false })]);
    const c = new CentralClient({ url: 'http://central.test', token: 't', fetchImpl: s.fetchImpl });
    await expect(c.feedPage('payments', 'abc', 10)).rejects.toThrow(
      /the payments feed answered a page that does not match the API \(after cursor abc: items:/,
    );
    expect(s.calls[0]!.url).toBe('http://central.test/api/v1/feeds/payments?limit=10&cursor=abc');
  });
});
