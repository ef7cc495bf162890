// The demo company's channel download APIs on the sandbox's loopback server
// (docs/statement-downloads.md): WeChat Pay v3 trade bill, UnionPay fileTransfer and the Lakala
// statement API, each serving the sandbox's own statement files (sandbox/statements) in the real
// formats. Both sides sign: every request's signature is checked with the merchant's public key
// before anything is served, and every answer is signed with the channel platform's private key.
// The keys are deterministic per seed (sandbox/keys.ts); the merchant's private key and the
// platform public keys leave the sandbox only through credentials(), for the demo setup.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { deflateSync, gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { CHANNEL_CONTRACTS } from './data';
import { sandboxChannelKeys, type SandboxKeyPair } from './keys';
import { buildZip } from './statements/common';
import { isIsoDate } from '../domain/dates';
import {
  MAX_CLOCK_SKEW_S,
  nonce as makeNonce,
  sha1Hex,
  sha256Hex,
  signBase64,
  unixSeconds,
  verifyBase64,
  type DownloadChannel,
} from '../statements/download/common';
import type { CredentialsOf } from '../statements/download/credentials';
import {
  WECHAT_TRADEBILL_PATH,
  parseWechatAuthorization,
  wechatRequestMessage,
  wechatResponseMessage,
} from '../statements/download/wechat';
import {
  UNIONPAY_FILE_PATH,
  formatUnionpayMessage,
  signUnionpay,
  verifyUnionpay,
  type UnionpayFields,
} from '../statements/download/unionpay';
import {
  LAKALA_NOT_READY,
  LAKALA_NO_STATEMENT,
  LAKALA_OK,
  LAKALA_STATEMENT_PATH,
  lakalaMessage,
  parseLakalaAuthorization,
} from '../statements/download/lakala';

export const WECHAT_FILE_PATH = '/v3/billdownload/file';
const MAX_BODY = 64 * 1024;

/** The day's statement file of a channel, or null when the sandbox has none for that day. */
export type ChannelStatementSource = (
  channel: DownloadChannel,
  date: string,
) => Promise<{ fileName: string; bytes: Uint8Array } | null>;

export interface ChannelApiOptions {
  seed: number | string;
  statements: ChannelStatementSource;
  /** The statement days the sandbox has (UnionPay's settleDate has no year: it is found in here). */
  range: { from: string; to: string };
  /** Wall clock for signature timestamps (default Date.now). */
  now?: () => number;
}

export interface ChannelApiStats {
  requests: number;
  refused: number;
  served: Record<DownloadChannel, number>;
}

/** The demo company's ids at each channel (the sandbox data's merchant numbers). */
const IDS = {
  wechat: { mchid: CHANNEL_CONTRACTS.wechat.merchantId },
  unionpay: { merId: CHANNEL_CONTRACTS.unionpay.merchantId },
  lakala: { appid: 'OP00000003', merchantNo: CHANNEL_CONTRACTS.lakala.merchantId },
} as const;

export interface ChannelApi {
  /** Serves a request of one of the channel APIs; false when the path is not one of them. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** The demo company's download credentials against `baseUrl` (keys included). */
  credentials(baseUrl: string): { [C in DownloadChannel]: CredentialsOf[C] };
  stats(): ChannelApiStats;
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new BodyTooLarge();
    parts.push(c as Buffer);
  }
  return Buffer.concat(parts).toString('utf8');
}

function fresh(timestamp: string, nowMs: number): boolean {
  return /^\d{1,12}$/.test(timestamp) && Math.abs(Number(timestamp) - Math.floor(nowMs / 1000)) <= MAX_CLOCK_SKEW_S;
}

export function createChannelApi(opts: ChannelApiOptions): ChannelApi {
  const now = opts.now ?? Date.now;
  // Made on first use (~0.1 s a pair) and kept by sandbox/keys.ts: a sandbox that only serves the
  // central API never pays for them.
  const keys = {
    get wechat() {
      return sandboxChannelKeys(opts.seed, 'wechat');
    },
    get unionpay() {
      return sandboxChannelKeys(opts.seed, 'unionpay');
    },
    get lakala() {
      return sandboxChannelKeys(opts.seed, 'lakala');
    },
  };
  const stats: ChannelApiStats = { requests: 0, refused: 0, served: { wechat: 0, unionpay: 0, lakala: 0 } };
  /** WeChat download tokens → the bill they stand for (the newest 64; the sandbox does not expire them). */
  const tokens = new Map<string, { bytes: Uint8Array; gzip: boolean }>();

  // ---------------------------------------------------------------------------------------------
  // WeChat Pay v3

  function wechatSend(res: ServerResponse, status: number, body: string): void {
    const platform = keys.wechat.platform;
    const timestamp = unixSeconds(now());
    const nonce = makeNonce(32);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      'cache-control': 'no-store',
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-serial': platform.serial,
      'wechatpay-signature': signBase64(platform.privateKey, wechatResponseMessage(timestamp, nonce, body)),
      'request-id': randomBytes(8).toString('hex'),
    });
    res.end(body);
  }

  function wechatError(res: ServerResponse, status: number, code: string, message: string): void {
    stats.refused++;
    wechatSend(res, status, JSON.stringify({ code, message }));
  }

  /** The request's merchant signature, or the reason it is refused. */
  function wechatAuthProblem(req: IncomingMessage, body: string): string | null {
    const auth = parseWechatAuthorization(req.headers.authorization);
    if (!auth) return 'Authorization 头缺失或格式错误 (missing or malformed WECHATPAY2-SHA256-RSA2048 Authorization)';
    if (auth.mchid !== IDS.wechat.mchid) return `商户号 ${auth.mchid} 不存在 (unknown mchid)`;
    if (auth.serial_no !== keys.wechat.merchant.serial)
      return `商户证书序列号 ${auth.serial_no} 无效 (unknown merchant certificate serial)`;
    if (!fresh(auth.timestamp, now())) return '请求时间戳已过期 (timestamp more than 5 minutes off)';
    const message = wechatRequestMessage(req.method ?? 'GET', req.url ?? '/', auth.timestamp, auth.nonce_str, body);
    if (!verifyBase64(keys.wechat.merchant.publicKey, message, auth.signature))
      return '签名错误 (the signature does not verify with the merchant certificate)';
    return null;
  }

  async function wechat(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET') return wechatError(res, 405, 'METHOD_NOT_ALLOWED', 'use GET');
    const problem = wechatAuthProblem(req, '');
    if (problem) return wechatError(res, 401, 'SIGN_ERROR', problem);
    if (url.pathname === WECHAT_TRADEBILL_PATH) {
      const date = url.searchParams.get('bill_date') ?? '';
      const billType = url.searchParams.get('bill_type') ?? 'ALL';
      const tarType = url.searchParams.get('tar_type');
      if (!isIsoDate(date)) return wechatError(res, 400, 'PARAM_ERROR', `bill_date "${date}" 格式错误 (yyyy-MM-dd)`);
      if (billType !== 'ALL')
        return wechatError(res, 400, 'PARAM_ERROR', `the sandbox serves bill_type ALL only, not ${billType}`);
      if (tarType !== null && tarType !== 'GZIP')
        return wechatError(res, 400, 'PARAM_ERROR', `tar_type ${tarType} 无效`);
      const file = await opts.statements('wechat', date);
      if (!file) return wechatError(res, 400, 'NO_STATEMENT_EXIST', '账单文件不存在');
      const token = randomBytes(24).toString('base64url');
      tokens.set(token, { bytes: file.bytes, gzip: tarType === 'GZIP' });
      for (const k of tokens.keys()) {
        if (tokens.size <= 64) break;
        tokens.delete(k);
      }
      return wechatSend(
        res,
        200,
        JSON.stringify({
          hash_type: 'SHA1',
          hash_value: sha1Hex(file.bytes),
          download_url: `http://${req.headers.host ?? '127.0.0.1'}${WECHAT_FILE_PATH}?token=${token}`,
        }),
      );
    }
    // The bill itself: not signed (WeChat signs only API answers); the SHA1 stands for it.
    const bill = tokens.get(url.searchParams.get('token') ?? '');
    if (!bill) return wechatError(res, 400, 'INVALID_REQUEST', '下载地址无效或已过期，请重新申请账单 (unknown token)');
    const bytes = bill.gzip ? gzipSync(bill.bytes) : Buffer.from(bill.bytes);
    stats.served.wechat++;
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(bytes.length),
      'cache-control': 'no-store',
    });
    res.end(bytes);
  }

  // ---------------------------------------------------------------------------------------------
  // UnionPay fileTransfer

  function unionpaySend(res: ServerResponse, fields: UnionpayFields): void {
    const signed = { ...fields, signature: signUnionpay(keys.unionpay.platform.privateKey, fields) };
    const body = formatUnionpayMessage(signed);
    res.writeHead(200, {
      'content-type': 'text/plain; charset=UTF-8',
      'content-length': String(Buffer.byteLength(body)),
      'cache-control': 'no-store',
    });
    res.end(body);
  }

  /** The year of a settleDate MMDD: the latest day of the sandbox's range with that month and day. */
  function settleDay(mmdd: string): string | null {
    if (!/^\d{4}$/.test(mmdd)) return null;
    for (let y = Number(opts.range.to.slice(0, 4)); y >= Number(opts.range.from.slice(0, 4)); y--) {
      const d = `${y}-${mmdd.slice(0, 2)}-${mmdd.slice(2)}`;
      if (isIsoDate(d) && d >= opts.range.from && d <= opts.range.to) return d;
    }
    return null;
  }

  async function unionpay(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(req));
    const fields: UnionpayFields = Object.fromEntries(form.entries());
    const echo: UnionpayFields = {
      version: fields['version'] ?? '5.1.0',
      encoding: 'UTF-8',
      signMethod: '01',
      txnType: fields['txnType'] ?? '',
      txnSubType: fields['txnSubType'] ?? '',
      bizType: fields['bizType'] ?? '',
      accessType: fields['accessType'] ?? '',
      merId: fields['merId'] ?? '',
      settleDate: fields['settleDate'] ?? '',
      txnTime: fields['txnTime'] ?? '',
      fileType: fields['fileType'] ?? '',
    };
    const refuse = (respCode: string, respMsg: string) => {
      stats.refused++;
      unionpaySend(res, { ...echo, respCode, respMsg });
    };
    if (req.method !== 'POST') return refuse('10', '报文格式错误 (use POST)');
    // Response codes per docs/statement-downloads.md: 11 signature, 10 format, 98 no file (u).
    if (fields['signMethod'] !== '01' || fields['certId'] !== keys.unionpay.merchant.serial) {
      return refuse(
        '11',
        `验证签名失败 (signMethod 01 and certId ${fields['certId'] ?? '-'} expected to be the merchant certificate)`,
      );
    }
    if (!verifyUnionpay(keys.unionpay.merchant.publicKey, fields)) {
      return refuse('11', '验证签名失败 (the signature does not verify with the merchant certificate)');
    }
    if (fields['merId'] !== IDS.unionpay.merId) return refuse('10', `商户 ${fields['merId'] ?? ''} 不存在`);
    if (fields['txnType'] !== '76' || fields['fileType'] !== '00') {
      return refuse('10', '报文格式错误 (txnType 76, fileType 00 expected)');
    }
    const date = settleDay(fields['settleDate'] ?? '');
    const file = date ? await opts.statements('unionpay', date) : null;
    if (!date || !file) return refuse('98', '文件不存在');
    const yyyymmdd = date.replace(/-/g, '');
    const zip =
      file.bytes[0] === 0x50 && file.bytes[1] === 0x4b
        ? file.bytes
        : buildZip([{ name: file.fileName, nameEncoding: 'utf-8', data: file.bytes }], date);
    stats.served.unionpay++;
    unionpaySend(res, {
      ...echo,
      respCode: '00',
      respMsg: '成功[0000000]',
      fileName: `${IDS.unionpay.merId}_${yyyymmdd}.zip`,
      fileContent: deflateSync(zip).toString('base64'),
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Lakala

  function lakalaSend(res: ServerResponse, status: number, answer: object): void {
    const platform = keys.lakala.platform;
    const body = JSON.stringify(answer);
    const timestamp = unixSeconds(now());
    const nonce = makeNonce(12);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      'cache-control': 'no-store',
      'lklapi-appid': IDS.lakala.appid,
      'lklapi-serial': platform.serial,
      'lklapi-timestamp': timestamp,
      'lklapi-nonce': nonce,
      'lklapi-signature': signBase64(
        platform.privateKey,
        lakalaMessage(IDS.lakala.appid, platform.serial, timestamp, nonce, body),
      ),
    });
    res.end(body);
  }

  const respTime = () => new Date(now() + 8 * 3_600_000).toISOString().slice(0, 19).replace(/[-:T]/g, '');

  async function lakala(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const fail = (status: number, code: string, msg: string) => {
      stats.refused++;
      lakalaSend(res, status, { code, msg, resp_time: respTime() });
    };
    if (req.method !== 'POST') return fail(405, 'BBS10000', 'use POST');
    const body = await readBody(req);
    const auth = parseLakalaAuthorization(req.headers.authorization);
    if (!auth) return fail(401, 'BBS10001', '缺少或无效的 Authorization (LKLAPI-SHA256withRSA expected)');
    if (auth.appid !== IDS.lakala.appid) return fail(401, 'BBS10001', `appid ${auth.appid} 不存在`);
    if (auth.serial_no !== keys.lakala.merchant.serial)
      return fail(401, 'BBS10001', `证书序列号 ${auth.serial_no} 无效`);
    if (!fresh(auth.timestamp, now())) return fail(401, 'BBS10001', '时间戳已过期 (more than 5 minutes off)');
    const signed = lakalaMessage(auth.appid, auth.serial_no, auth.timestamp, auth.nonce_str, body);
    if (!verifyBase64(keys.lakala.merchant.publicKey, signed, auth.signature)) {
      return fail(401, 'BBS10001', '验签失败 (the signature does not verify with the merchant certificate)');
    }
    let request: { req_data?: { merchant_no?: unknown; bill_date?: unknown; bill_type?: unknown } };
    try {
      request = JSON.parse(body) as typeof request;
    } catch {
      return fail(400, 'BBS10002', '请求报文不是JSON');
    }
    const data = request.req_data ?? {};
    if (data.merchant_no !== IDS.lakala.merchantNo)
      return fail(400, 'BBS10002', `商户号 ${String(data.merchant_no)} 不存在`);
    const billDate = typeof data.bill_date === 'string' ? data.bill_date : '';
    const date = /^\d{8}$/.test(billDate) ? `${billDate.slice(0, 4)}-${billDate.slice(4, 6)}-${billDate.slice(6)}` : '';
    if (!isIsoDate(date)) return fail(400, 'BBS10002', `bill_date "${billDate}" 格式错误 (yyyyMMdd)`);
    if ((data.bill_type ?? 'TRADE') !== 'TRADE') return fail(400, 'BBS10002', 'bill_type TRADE only');
    if (date > opts.range.to && date <= addDay(opts.range.to)) return fail(200, LAKALA_NOT_READY, '对账单生成中');
    const file = await opts.statements('lakala', date);
    if (!file) return fail(200, LAKALA_NO_STATEMENT, '对账单不存在');
    stats.served.lakala++;
    lakalaSend(res, 200, {
      code: LAKALA_OK,
      msg: '成功',
      resp_time: respTime(),
      resp_data: {
        merchant_no: IDS.lakala.merchantNo,
        bill_date: billDate,
        bill_type: 'TRADE',
        file_name: file.fileName,
        file_size: file.bytes.length,
        sha256: sha256Hex(file.bytes),
        content: Buffer.from(file.bytes).toString('base64'),
      },
    });
  }

  // ---------------------------------------------------------------------------------------------

  function route(path: string): ((req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>) | null {
    if (path === WECHAT_TRADEBILL_PATH || path === WECHAT_FILE_PATH) return wechat;
    if (path === UNIONPAY_FILE_PATH) return (req, res) => unionpay(req, res);
    if (path === LAKALA_STATEMENT_PATH) return (req, res) => lakala(req, res);
    return null;
  }

  return {
    handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const handler = route(url.pathname);
      if (!handler) return false;
      stats.requests++;
      handler(req, res, url).catch((err: unknown) => {
        if (res.headersSent) return void res.destroy();
        const status = err instanceof BodyTooLarge ? 413 : 500;
        const text = JSON.stringify({
          code: status === 413 ? 'BODY_TOO_LARGE' : 'SYSTEM_ERROR',
          message: err instanceof Error ? err.message : String(err),
        });
        res.writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': String(Buffer.byteLength(text)),
        });
        res.end(text);
      });
      return true;
    },
    credentials(baseUrl) {
      const pems = (k: { merchant: SandboxKeyPair; platform: SandboxKeyPair }) => ({
        privateKeyPem: k.merchant.privateKeyPem,
        platformPublicKeyPem: k.platform.publicKeyPem,
      });
      return {
        wechat: {
          url: baseUrl,
          mchid: IDS.wechat.mchid,
          serialNo: keys.wechat.merchant.serial,
          platformSerial: keys.wechat.platform.serial,
          ...pems(keys.wechat),
        },
        unionpay: {
          url: baseUrl,
          merId: IDS.unionpay.merId,
          certId: keys.unionpay.merchant.serial,
          ...pems(keys.unionpay),
        },
        lakala: {
          url: baseUrl,
          appid: IDS.lakala.appid,
          serialNo: keys.lakala.merchant.serial,
          merchantNo: IDS.lakala.merchantNo,
          platformSerial: keys.lakala.platform.serial,
          ...pems(keys.lakala),
        },
      };
    },
    stats: () => ({ ...stats, served: { ...stats.served } }),
  };
}

function addDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
