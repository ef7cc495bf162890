// Lakala statement download. Lakala publishes no statement API: this is the API defined in
// docs/statement-downloads.md after the conventions of Lakala's open platform v3 (its public SDKs):
//
//   POST /api/v3/bill/statement/download   application/json
//     {"req_time":"yyyyMMddHHmmss","version":"3.0","req_data":{"merchant_no","bill_date":"yyyyMMdd","bill_type":"TRADE"}}
//     Authorization: LKLAPI-SHA256withRSA appid="…",serial_no="…",timestamp="…",nonce_str="…",signature="…"
//       signature = SHA256withRSA(merchant key) over "appid\nserial_no\ntimestamp\nnonce_str\nbody\n"
//   → {"code":"BBS00000","msg":"成功","resp_time","resp_data":{merchant_no, bill_date, bill_type,
//       file_name, file_size, sha256, content (base64 of the CSV in the lakala-v1 profile format)}}
//     signed in Lklapi-Appid / -Serial / -Timestamp / -Nonce / -Signature over
//     "appid\nserial\ntimestamp\nnonce\nbody\n" with Lakala's platform key.
import type { KeyObject } from 'node:crypto';
import {
  DownloadError,
  beijingCompact,
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
  sha256Hex,
  signBase64,
  unixSeconds,
  utf8Text,
  verifyBase64,
  type DownloadedStatement,
  type HttpReply,
  type TransportOptions,
} from './common';

const NAME = 'Lakala';
export const LAKALA_SCHEMA = 'LKLAPI-SHA256withRSA';
export const LAKALA_STATEMENT_PATH = '/api/v3/bill/statement/download';
export const LAKALA_OK = 'BBS00000';
/** Our definition (docs/statement-downloads.md): no statement for the day / not generated yet. */
export const LAKALA_NO_STATEMENT = 'BBS11112';
export const LAKALA_NOT_READY = 'BBS11113';

export interface LakalaCredentials {
  /** Open platform base, e.g. https://s2.lakala.com */
  url: string;
  /** Open platform application id (OP…) */
  appid: string;
  /** Serial of the merchant API certificate whose private key signs. */
  serialNo: string;
  /** Lakala merchant number (商户号, 15). */
  merchantNo: string;
  /** Serial of Lakala's platform certificate that signs answers. */
  platformSerial: string;
  privateKeyPem: string;
  platformPublicKeyPem: string;
}

/** The request and the response signature string: five lines, each ending in \n. */
export function lakalaMessage(appid: string, serialNo: string, timestamp: string, nonce: string, body: string): string {
  return `${appid}\n${serialNo}\n${timestamp}\n${nonce}\n${body}\n`;
}

export interface LakalaAuthorization {
  appid: string;
  serial_no: string;
  timestamp: string;
  nonce_str: string;
  signature: string;
}

/** The Authorization header's fields, in the order the channel writes them. */
const LAKALA_AUTH_FIELDS = ['appid', 'serial_no', 'timestamp', 'nonce_str', 'signature'] as const;

export function formatLakalaAuthorization(a: LakalaAuthorization): string {
  return formatSchemaAuthorization(LAKALA_SCHEMA, LAKALA_AUTH_FIELDS, a);
}

export function parseLakalaAuthorization(header: string | undefined | null): LakalaAuthorization | null {
  return parseSchemaAuthorization(LAKALA_SCHEMA, LAKALA_AUTH_FIELDS, header);
}

export function signLakalaRequest(
  key: KeyObject,
  who: { appid: string; serialNo: string },
  body: string,
  nowMs: number,
  nonce = makeNonce(12),
): string {
  const timestamp = unixSeconds(nowMs);
  const signature = signBase64(key, lakalaMessage(who.appid, who.serialNo, timestamp, nonce, body));
  return formatLakalaAuthorization({
    appid: who.appid,
    serial_no: who.serialNo,
    timestamp,
    nonce_str: nonce,
    signature,
  });
}

/** Check the platform signature of an answer; throws DownloadError('bad_signature' | 'stale_response'). */
export function verifyLakalaResponse(
  reply: Pick<HttpReply, 'headers' | 'body'>,
  platformKey: KeyObject,
  expected: { appid: string; platformSerial: string },
  nowMs: number,
): void {
  const h = reply.headers;
  const appid = h.get('lklapi-appid');
  const serial = h.get('lklapi-serial');
  const timestamp = h.get('lklapi-timestamp');
  const nonce = h.get('lklapi-nonce');
  const signature = h.get('lklapi-signature');
  if (!appid || !serial || !timestamp || !nonce || !signature) {
    throw new DownloadError(
      'bad_signature',
      `${NAME}'s answer is not signed (no Lklapi-Appid/-Serial/-Timestamp/-Nonce/-Signature headers)`,
    );
  }
  if (appid !== expected.appid) {
    throw new DownloadError('bad_signature', `${NAME}'s answer is for application ${appid}, not ${expected.appid}`);
  }
  if (serial !== expected.platformSerial) {
    throw new DownloadError(
      'bad_signature',
      `${NAME}'s answer is signed with platform certificate ${serial}, but the configured one is ${expected.platformSerial}: update Lakala's platform public key in Settings`,
    );
  }
  if (!verifyBase64(platformKey, lakalaMessage(appid, serial, timestamp, nonce, utf8Text(reply.body)), signature)) {
    throw new DownloadError(
      'bad_signature',
      `${NAME}'s answer signature does not match its body and Lakala's platform public key: the answer was altered or is not from Lakala`,
    );
  }
  checkFreshness(NAME, timestamp, nowMs);
}

interface LakalaAnswer {
  code?: unknown;
  msg?: unknown;
  resp_data?: {
    merchant_no?: unknown;
    bill_date?: unknown;
    file_name?: unknown;
    sha256?: unknown;
    content?: unknown;
  } | null;
}

export async function downloadLakalaStatement(
  creds: LakalaCredentials,
  date: string,
  opts: TransportOptions = {},
): Promise<DownloadedStatement> {
  const now = opts.now ?? Date.now;
  const merchantKey = privateKeyFrom(creds.privateKeyPem, 'The Lakala merchant private key');
  const platformKey = publicKeyFrom(creds.platformPublicKeyPem, "Lakala's platform public key");
  const billDate = compactIsoDate(date);
  const body = JSON.stringify({
    req_time: beijingCompact(now()),
    version: '3.0',
    req_data: { merchant_no: creds.merchantNo, bill_date: billDate, bill_type: 'TRADE' },
  });
  const reply = await httpExchange(
    NAME,
    joinUrl(creds.url, LAKALA_STATEMENT_PATH),
    {
      method: 'POST',
      headers: {
        authorization: signLakalaRequest(merchantKey, { appid: creds.appid, serialNo: creds.serialNo }, body, now()),
        'content-type': 'application/json',
        accept: 'application/json',
        'user-agent': 'otd-finance-workstation',
      },
      body,
    },
    opts,
  );
  const text = utf8Text(reply.body).trim();
  if (!text.startsWith('{')) {
    throw new DownloadError(
      'http',
      `${NAME} answered HTTP ${reply.status} with a body that is not JSON: ${text.slice(0, 120)}`,
      { status: reply.status },
    );
  }
  verifyLakalaResponse(reply, platformKey, { appid: creds.appid, platformSerial: creds.platformSerial }, now());
  let answer: LakalaAnswer;
  try {
    answer = JSON.parse(text) as LakalaAnswer;
  } catch {
    throw new DownloadError('bad_content', `${NAME}'s answer is not valid JSON`);
  }
  const code = typeof answer.code === 'string' ? answer.code : '';
  const msg = typeof answer.msg === 'string' ? answer.msg : '';
  if (code !== LAKALA_OK) {
    const details = { status: reply.status, channelCode: code || undefined };
    if (code === LAKALA_NO_STATEMENT)
      throw new DownloadError('no_statement', `${NAME} has no statement for ${date}: ${code} ${msg}`, details);
    if (code === LAKALA_NOT_READY)
      throw new DownloadError(
        'not_ready',
        `${NAME} is still generating the statement of ${date}: ${code} ${msg}`,
        details,
      );
    throw new DownloadError(
      'channel_error',
      `${NAME} refused the statement request: ${code || `HTTP ${reply.status}`} ${msg}`.trim(),
      details,
    );
  }
  const data = answer.resp_data ?? {};
  if (data.merchant_no !== creds.merchantNo || data.bill_date !== billDate) {
    throw new DownloadError(
      'bad_content',
      `${NAME} answered for merchant ${String(data.merchant_no)} and day ${String(data.bill_date)}; asked ${creds.merchantNo} and ${billDate}`,
    );
  }
  const content = typeof data.content === 'string' ? data.content : '';
  const digest = typeof data.sha256 === 'string' ? data.sha256.toLowerCase() : '';
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(content) || content === '') {
    throw new DownloadError('bad_content', `${NAME}'s answer holds no base64 statement content`);
  }
  const bytes = new Uint8Array(Buffer.from(content, 'base64'));
  const actual = sha256Hex(bytes);
  if (actual !== digest) {
    throw new DownloadError(
      'hash_mismatch',
      `the statement of ${date} does not have the SHA-256 ${NAME} announced (${digest || 'none'}, got ${actual})`,
    );
  }
  if (isErrorBody(bytes)) {
    throw new DownloadError(
      'bad_content',
      `${NAME}'s statement of ${date} is an error body, not a statement: ${utf8Text(bytes.subarray(0, 120))}`,
    );
  }
  const named = typeof data.file_name === 'string' ? data.file_name.replace(/^.*[\\/]/, '') : '';
  return {
    channel: 'lakala',
    date,
    fileName: named || `lakala-${creds.merchantNo}-${billDate}.csv`,
    bytes,
    downloadedAt: new Date(now()).toISOString(),
    notes: [`SHA-256 ${actual} checked`, `${bytes.length} bytes`],
  };
}
