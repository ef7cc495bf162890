// Web mode: the same renderer and the same contract over HTTP, bound to 127.0.0.1 only. Every API
// call carries the per-run token (header, or query for EventSource and downloads); the page gets it
// from the URL fragment, which browsers never send to the server or to other sites.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep, basename } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { AppContext } from '../api/context';
import { dispatch } from '../api/dispatch';
import type { AppEvent } from '../api/events';

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'", // ag-grid sets inline styles for row positions
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.csv': 'text/csv; charset=utf-8',
};

const MAX_BODY = 1024 * 1024;
// Statement uploads carry the files themselves (base64); everything else is small.
const MAX_UPLOAD_BODY = 96 * 1024 * 1024;

export interface WebServer {
  url: string; // base URL, without the token
  token: string;
  openUrl: string; // what a person opens: the URL with #token=…
  close(): Promise<void>;
}

export async function startWebServer(opts: {
  ctx: AppContext;
  rendererDir: string;
  port?: number;
}): Promise<WebServer> {
  const token = randomBytes(24).toString('hex');
  const tokenBuf = Buffer.from(token);
  const root = resolve(opts.rendererDir);
  let port = opts.port ?? 0;

  const authorised = (req: IncomingMessage, url: URL): boolean => {
    const given = (req.headers['x-otd-token'] as string | undefined) ?? url.searchParams.get('token') ?? '';
    const buf = Buffer.from(given);
    return buf.length === tokenBuf.length && timingSafeEqual(buf, tokenBuf);
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(text);
  };

  const server = createServer(async (req, res) => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('content-security-policy', CSP);
    // DNS rebinding: a page on another name that resolves to 127.0.0.1 must not reach the API.
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      res.writeHead(421).end('misdirected request');
      return;
    }
    const url = new URL(req.url ?? '/', `http://${host}`);
    try {
      if (url.pathname.startsWith('/api/')) {
        if (!authorised(req, url))
          return send(res, 401, { ok: false, error: { code: 'forbidden', message: 'missing or wrong token' } });
        const origin = req.headers.origin;
        if (origin && origin !== `http://${host}`)
          return send(res, 403, { ok: false, error: { code: 'forbidden', message: 'cross-origin request refused' } });
        if (req.method === 'POST' && url.pathname.startsWith('/api/op/')) return await handleOp(req, res, url);
        if (req.method === 'GET' && url.pathname === '/api/events') return handleEvents(req, res);
        if (req.method === 'GET' && url.pathname.startsWith('/api/download/')) return await handleDownload(res, url);
        return send(res, 404, { ok: false, error: { code: 'not_found', message: 'no such endpoint' } });
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end();
      await serveStatic(res, url.pathname);
    } catch (err) {
      if (!res.headersSent) send(res, 500, { ok: false, error: { code: 'internal', message: (err as Error).message } });
      else res.destroy();
    }
  });

  async function handleOp(req: IncomingMessage, res: ServerResponse, url: URL) {
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return send(res, 415, { ok: false, error: { code: 'invalid_input', message: 'send JSON' } });
    }
    const name = decodeURIComponent(url.pathname.slice('/api/op/'.length));
    const limit = name === 'statements.import' ? MAX_UPLOAD_BODY : MAX_BODY;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > limit) {
        // The rest of the body is never read: close the connection instead of leaving it unusable.
        res.setHeader('connection', 'close');
        send(res, 413, { ok: false, error: { code: 'invalid_input', message: 'request too large' } });
        res.on('finish', () => req.destroy());
        return;
      }
      chunks.push(c as Buffer);
    }
    let input: unknown;
    try {
      input = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    } catch {
      return send(res, 400, { ok: false, error: { code: 'invalid_input', message: 'the body is not valid JSON' } });
    }
    const reply = await dispatch(opts.ctx, name, input);
    const status = reply.ok
      ? 200
      : reply.error.code === 'unknown_operation'
        ? 404
        : reply.error.code === 'internal'
          ? 500
          : 400;
    send(res, status, reply);
  }

  function handleEvents(req: IncomingMessage, res: ServerResponse) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(': connected\n\n');
    const unsubscribe = opts.ctx.subscribe((e: AppEvent) => res.write(`data: ${JSON.stringify(e)}\n\n`));
    const ping = setInterval(() => res.write(': ping\n\n'), 15000);
    req.on('close', () => {
      clearInterval(ping);
      unsubscribe();
    });
  }

  async function handleDownload(res: ServerResponse, url: URL) {
    const jobId = url.pathname.slice('/api/download/'.length);
    const job = opts.ctx.jobs.get(jobId);
    const result = job?.status === 'done' ? (job.result as { file?: string; fileName?: string } | null) : null;
    if (!result?.file)
      return send(res, 404, { ok: false, error: { code: 'not_found', message: 'no finished export with that id' } });
    const info = await stat(result.file);
    const name = result.fileName ?? basename(result.file);
    res.writeHead(200, {
      'content-type': MIME[extname(name)] ?? 'application/octet-stream',
      'content-length': info.size,
      'content-disposition': `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    });
    createReadStream(result.file).pipe(res);
  }

  async function serveStatic(res: ServerResponse, pathname: string) {
    const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    const file = normalize(join(root, rel));
    if (!file.startsWith(root + sep)) return void res.writeHead(403).end();
    const info = await stat(file).catch(() => null);
    const target = info?.isFile() ? file : join(root, 'index.html'); // client-side routes
    const t = await stat(target).catch(() => null);
    if (!t) return void res.writeHead(404).end('the renderer is not built: run `npm run build`');
    res.writeHead(200, {
      'content-type': MIME[extname(target)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
    });
    createReadStream(target).pipe(res);
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok());
  });
  port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    token,
    openUrl: `${base}/#token=${token}`,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
