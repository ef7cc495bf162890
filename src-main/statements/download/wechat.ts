// WeChat Pay API v3: the trade bill (交易账单) of one day (design/statement-formats.md §1).
//
//   GET /v3/bill/tradebill?bill_date=yyyy-MM-dd&bill_type=ALL&tar_type=GZIP
//     → 200 {hash_type:"SHA1", hash_value, download_url}   (signed by the platform)
//   GET download_url
//     → 200 the gzip bytes                                  (not signed: the SHA1 stands for it)
//
// Requests carry `Authorization: WECHATPAY2-SHA256-RSA2048 mchid=…,nonce_str=…,timestamp=…,
// serial_no=…,signature=…`, the signature being SHA256withRSA, base64, with the merchant's private
// key over "METHOD\nURL\ntimestamp\nnonce\nbody\n" (URL = path and query, no host; body empty for
// GET). Responses are checked with the platform public key over "timestamp\nnonce\nbody\n" from
// the Wechatpay-Timestamp / -Nonce / -Signature headers, Wechatpay-Serial naming the key.
// The SHA1 is over the uncompressed bill. An error body ({code, message}, e.g. NO_STATEMENT_EXIST)
// is an error, never an empty statement.
import { gunzipSync } from 'node:zlib';
import type { KeyObject } from 'node:crypto';
import {
  DownloadError,
  MAX_DOWNLOAD_BYTES,
  checkFreshness,
  compactIsoDate,
  formatSchemaAuthorization,
  httpExchange,
  isErrorBody,
  joinUrl,
  nonce as makeNonce,
  parseSchemaAuthorization,
  privateKeyFrom,
  publicKeyFrom,
  sha1Hex,
  signBase64,
  unixSeconds,
  utf8Text,
  verifyBase64,
  type DownloadedStatement,
  type HttpReply,
  type TransportOptions,
} from './common';

const NAME = 'WeChat Pay';
export const WECHAT_SCHEMA = 'WECHATPAY2-SHA256-RSA2048';
export const WECHAT_TRADEBILL_PATH = '/v3/bill/tradebill';

export interface WechatCredentials {
  /** API base, e.g. https://api.mch.weixin.qq.com */
  url: string;
  /** 商户号 */
  mchid: string;
  /** Serial number of the merchant API certificate whose private key signs. */
  serialNo: string;
  /** Serial (or public key id) of the platform key that signs responses. */
  platformSerial: string;
  privateKeyPem: string;
  platformPublicKeyPem: string;
}

/** The v3 request signature string. */
export function wechatRequestMessage(
  method: string,
  pathAndQuery: string,
  timestamp: string,
  nonce: string,
  body: string,
): string {
  return `${method}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${body}\n`;
}

/** The v3 response (and notification) signature string. */
export function wechatResponseMessage(timestamp: string, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`;
}

export interface WechatAuthorization {
  mchid: string;
  nonce_str: string;
  timestamp: string;
  serial_no: string;
  signature: string;
}

/** The Authorization header's fields, in the order the channel writes them. */
const WECHAT_AUTH_FIELDS = ['mchid', 'nonce_str', 'timestamp', 'serial_no', 'signature'] as const;

export function formatWechatAuthorization(a: WechatAuthorization): string {
  return formatSchemaAuthorization(WECHAT_SCHEMA, WECHAT_AUTH_FIELDS, a);
}

/** Parse an Authorization header of the v3 schema; null when it is not one. */
export function parseWechatAuthorization(header: string | undefined | null): WechatAuthorization | null {
  return parseSchemaAuthorization(WECHAT_SCHEMA, WECHAT_AUTH_FIELDS, header);
}

/** The Authorization header of one request. */
export function signWechatRequest(
  key: KeyObject,
  who: { mchid: string; serialNo: string },
  method: string,
  url: string,
  body: string,
  nowMs: number,
  nonce = makeNonce(32),
): string {
  const u = new URL(url);
  const timestamp = unixSeconds(nowMs);
  const signature = signBase64(key, wechatRequestMessage(method, `${u.pathname}${u.search}`, timestamp, nonce, body));
  return formatWechatAuthorization({
    mchid: who.mchid,
    nonce_str: nonce,
    timestamp,
    serial_no: who.serialNo,
    signature,
  });
}

/** Check a response's platform signature; throws DownloadError('bad_signature' | 'stale_response'). */
export function verifyWechatResponse(
  reply: Pick<HttpReply, 'headers' | 'body'>,
  platformKey: KeyObject,
  platformSerial: string,
  nowMs: number,
): void {
  const h = reply.headers;
  const signature = h.get('wechatpay-signature');
  const timestamp = h.get('wechatpay-timestamp');
  const nonce = h.get('wechatpay-nonce');
  const serial = h.get('wechatpay-serial');
  if (!signature || !timestamp || !nonce || !serial) {
    throw new DownloadError(
      'bad_signature',
      `${NAME}'s response is not signed (no Wechatpay-Signature/-Timestamp/-Nonce/-Serial headers)`,
    );
  }
  if (serial !== platformSerial) {
    throw new DownloadError(
      'bad_signature',
      `${NAME}'s response is signed with platform key ${serial}, but the configured platform key is ${platformSerial}: update the platform public key in Settings`,
    );
  }
  if (!verifyBase64(platformKey, wechatResponseMessage(timestamp, nonce, utf8Text(reply.body)), signature)) {
    throw new DownloadError(
      'bad_signature',
      `${NAME}'s response signature does not match its body and the platform public key: the answer was altered or is not from WeChat Pay`,
    );
  }
  checkFreshness(NAME, timestamp, nowMs);
}

const hasSignature = (h: Headers) => h.has('wechatpay-signature');

/** Turn an error body ({code, message}) into the matching DownloadError. */
function wechatErrorFrom(reply: HttpReply, date: string, signed: boolean): DownloadError {
  const text = utf8Text(reply.body).trim();
  let code = '';
  let message = '';
  if (text.startsWith('{')) {
    try {
      const j = JSON.parse(text) as { code?: unknown; message?: unknown };
      code = typeof j.code === 'string' ? j.code : '';
      message = typeof j.message === 'string' ? j.message : '';
    } catch {
      // fall through: not JSON after all
    }
  } else if (text.startsWith('<')) {
    // v2-style XML: <xml><return_code>FAIL</return_code><return_msg>No Bill Exist</return_msg>…
    code = /<(?:err_code|error_code)>(?:<!\[CDATA\[)?([^<\]]*)/.exec(text)?.[1] ?? '';
    message = /<return_msg>(?:<!\[CDATA\[)?([^<\]]*)/.exec(text)?.[1] ?? '';
  }
  const unsigned = signed ? '' : ' (the answer was not signed)';
  const details = { status: reply.status, channelCode: code || undefined };
  if (code === 'NO_STATEMENT_EXIST' || /no bill exist/i.test(message) || code === '20002') {
    return new DownloadError(
      'no_statement',
      `${NAME} has no trade bill for ${date}: ${message || code}${unsigned}`,
      details,
    );
  }
  if (code === 'STATEMENT_CREATING') {
    return new DownloadError(
      'not_ready',
      `${NAME} is still generating the trade bill of ${date} (ready after 10:00 the next day): ${message || code}${unsigned}`,
      details,
    );
  }
  if (code)
    return new DownloadError(
      'channel_error',
      `${NAME} refused the request: ${code} ${message}${unsigned}`.trim(),
      details,
    );
  return new DownloadError(
    'http',
    `${NAME} answered HTTP ${reply.status} with a body that is not its error format: ${text.slice(0, 120)}`,
    details,
  );
}

/** Download and check the ALL trade bill of `date` (YYYY-MM-DD). */
export async function downloadWechatTradeBill(
  creds: WechatCredentials,
  date: string,
  opts: TransportOptions = {},
): Promise<DownloadedStatement> {
  const now = opts.now ?? Date.now;
  const merchantKey = privateKeyFrom(creds.privateKeyPem, 'The WeChat Pay merchant private key');
  const platformKey = publicKeyFrom(creds.platformPublicKeyPem, 'The WeChat Pay platform public key');
  const who = { mchid: creds.mchid, serialNo: creds.serialNo };

  const applyUrl = joinUrl(creds.url, `${WECHAT_TRADEBILL_PATH}?bill_date=${date}&bill_type=ALL&tar_type=GZIP`);
  const apply = await httpExchange(
    NAME,
    applyUrl,
    {
      method: 'GET',
      headers: {
        authorization: signWechatRequest(merchantKey, who, 'GET', applyUrl, '', now()),
        accept: 'application/json',
        'user-agent': 'otd-finance-workstation',
      },
    },
    opts,
  );
  const signed = hasSignature(apply.headers);
  if (signed || apply.status === 200) verifyWechatResponse(apply, platformKey, creds.platformSerial, now());
  if (apply.status !== 200) throw wechatErrorFrom(apply, date, signed);

  let bill: { hash_type?: unknown; hash_value?: unknown; download_url?: unknown };
  try {
    bill = JSON.parse(utf8Text(apply.body)) as typeof bill;
  } catch {
    throw new DownloadError('bad_content', `${NAME}'s answer to the bill request is not JSON`);
  }
  const hashValue = typeof bill.hash_value === 'string' ? bill.hash_value.toLowerCase() : '';
  const downloadUrl = typeof bill.download_url === 'string' ? bill.download_url : '';
  if (bill.hash_type !== 'SHA1' || !/^[0-9a-f]{40}$/.test(hashValue)) {
    throw new DownloadError(
      'bad_content',
      `${NAME} announced a ${String(bill.hash_type)} digest "${String(bill.hash_value)}"; only SHA1 is known`,
    );
  }
  let fileUrl: URL;
  try {
    fileUrl = new URL(downloadUrl);
  } catch {
    throw new DownloadError('bad_content', `${NAME}'s download_url "${downloadUrl}" is not an address`);
  }
  if (fileUrl.origin !== new URL(creds.url).origin) {
    throw new DownloadError(
      'bad_content',
      `${NAME}'s download_url points to ${fileUrl.origin}, not to the configured API ${new URL(creds.url).origin}`,
    );
  }

  const file = await httpExchange(
    NAME,
    fileUrl.href,
    {
      method: 'GET',
      headers: {
        authorization: signWechatRequest(merchantKey, who, 'GET', fileUrl.href, '', now()),
        'user-agent': 'otd-finance-workstation',
      },
    },
    opts,
  );
  const head = file.body[0];
  if (file.status !== 200 || head === 0x7b || head === 0x3c) {
    // The file endpoint signs its error bodies like any other API answer.
    const fileSigned = hasSignature(file.headers);
    if (fileSigned) verifyWechatResponse(file, platformKey, creds.platformSerial, now());
    throw wechatErrorFrom(file, date, fileSigned);
  }
  if (file.body.length < 2 || file.body[0] !== 0x1f || file.body[1] !== 0x8b) {
    throw new DownloadError(
      'bad_content',
      `${NAME} sent ${file.body.length} bytes that are not gzip although tar_type=GZIP was asked`,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(gunzipSync(file.body, { maxOutputLength: MAX_DOWNLOAD_BYTES }));
  } catch (e) {
    throw new DownloadError('bad_content', `${NAME}'s gzip file is damaged: ${(e as Error).message}`);
  }
  const actual = sha1Hex(bytes);
  if (actual !== hashValue) {
    throw new DownloadError(
      'hash_mismatch',
      `the trade bill of ${date} does not have the SHA1 ${NAME} announced (${hashValue}, got ${actual}): the file was damaged or altered on the way`,
    );
  }
  if (bytes.length === 0 || isErrorBody(bytes)) {
    throw new DownloadError(
      'bad_content',
      `${NAME}'s trade bill of ${date} is an error body, not a statement: ${utf8Text(bytes.subarray(0, 120))}`,
    );
  }
  return {
    channel: 'wechat',
    date,
    fileName: `wechat-tradebill-${creds.mchid}-${compactIsoDate(date)}-ALL.csv`,
    bytes,
    downloadedAt: new Date(now()).toISOString(),
    notes: [`SHA1 ${actual} checked`, `${file.body.length} bytes gzip, ${bytes.length} bytes uncompressed`],
  };
}
