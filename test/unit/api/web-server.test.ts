import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, closeContext, type AppContext } from '../../../src-main/api/context';
import { startWebServer, type WebServer } from '../../../src-main/web/server';

let ctx: AppContext;
let web: WebServer;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'otd-web-'));
  const renderer = join(dir, 'renderer');
  mkdirSync(renderer);
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>otd</title>');
  writeFileSync(join(dir, 'secret.txt'), 'not for the web');
  ctx = await createContext({ dbFile: join(dir, 'db.sqlite'), dataDir: dir, mode: 'web' });
  web = await startWebServer({ ctx, rendererDir: renderer, port: 0 });
});
afterAll(async () => {
  await web.close();
  await closeContext(ctx);
});

function raw(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const url = new URL(web.url);
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: Number(url.port), path, method: opts.method ?? 'GET', headers: opts.headers },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('web mode', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(web.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(web.openUrl).toBe(`${web.url}/#token=${web.token}`);
  });

  it('serves the renderer with a strict CSP', async () => {
    const r = await raw('/');
    expect(r.status).toBe(200);
    expect(String(r.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(String(r.headers['content-security-policy'])).toContain("object-src 'none'");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers operations only with the per-run token', async () => {
    const body = JSON.stringify({});
    const json = { 'content-type': 'application/json' };
    const none = await raw('/api/op/app.info', { method: 'POST', headers: json, body });
    expect(none.status).toBe(401);
    const wrong = await raw('/api/op/app.info', {
      method: 'POST',
      headers: { ...json, 'x-otd-token': 'x'.repeat(48) },
      body,
    });
    expect(wrong.status).toBe(401);
    const ok = await raw('/api/op/app.info', { method: 'POST', headers: { ...json, 'x-otd-token': web.token }, body });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, result: { mode: 'web' } });
  });

  it('refuses other hosts (DNS rebinding), other origins, bad JSON and unknown operations', async () => {
    const h = { 'content-type': 'application/json', 'x-otd-token': web.token };
    const port = new URL(web.url).port;
    expect(
      (await raw('/api/op/app.info', { method: 'POST', headers: { ...h, host: `evil.example:${port}` }, body: '{}' }))
        .status,
    ).toBe(421);
    expect(
      (await raw('/api/op/app.info', { method: 'POST', headers: { ...h, origin: 'http://evil.example' }, body: '{}' }))
        .status,
    ).toBe(403);
    expect((await raw('/api/op/app.info', { method: 'POST', headers: h, body: '{nope' })).status).toBe(400);
    expect((await raw('/api/op/store.drop', { method: 'POST', headers: h, body: '{}' })).status).toBe(404);
    expect((await raw('/api/op/orders.page', { method: 'POST', headers: h, body: '{"startRow":"0"}' })).status).toBe(
      400,
    );
    expect(
      (await raw('/api/op/app.info', { method: 'POST', headers: h, body: 'x'.repeat(2 * 1024 * 1024) })).status,
    ).toBe(413);
  });

  it('does not serve files outside the renderer folder', async () => {
    const r = await raw('/../secret.txt');
    expect(r.body).not.toContain('not for the web');
    const enc = await raw('/%2e%2e/secret.txt');
    expect(enc.body).not.toContain('not for the web');
  });
});
