// UnionPay fileTransfer (文件传输类交易, ACP 5.1.0): the day's statement zip
// (design/statement-formats.md §4a).
//
//   POST /gateway/api/fileTransRequest.do   application/x-www-form-urlencoded
//     version=5.1.0 encoding=UTF-8 signMethod=01 txnType=76 txnSubType=01 bizType=000000
//     accessType=0 merId settleDate=MMDD txnTime=yyyyMMddHHmmss fileType=00 certId signature
//   → key=value&key=value… (values not URL-encoded) with respCode=00, fileName={merId}_{yyyyMMdd}.zip
//     and fileContent = base64 of the zlib-deflated zip.
//
// signMethod 01: the fields except `signature`, sorted by name, joined as key=value&key=value; its
// SHA-256 as 64 lower-case hex characters is signed with SHA256withRSA and sent in base64 (the ACP
// SDK's sha256X16Str + signBySoft256). The response is verified the same way with UnionPay's public
// key. settleDate has no year: the year is checked in the returned file name.
import { inflateSync } from 'node:zlib';
import type { KeyObject } from 'node:crypto';
import {
  DownloadError,
  MAX_DOWNLOAD_BYTES,
  beijingCompact,
  compactIsoDate,
  httpExchange,
  joinUrl,
  privateKeyFrom,
  publicKeyFrom,
  sha256Hex,
  signBase64,
  utf8Text,
  verifyBase64,
  type DownloadedStatement,
  type TransportOptions,
} from './common';
import { readZip, ZipError } from '../zip';

const NAME = 'UnionPay';
export const UNIONPAY_FILE_PATH = '/gateway/api/fileTransRequest.do';

export interface UnionpayCredentials {
  /** Gateway base, e.g. https://filedownload.95516.com */
  url: string;
  /** 商户代码 (15) */
  merId: string;
  /** Serial of the merchant signing certificate (certId) */
  certId: string;
  privateKeyPem: string;
  /** UnionPay's verification public key (or its certificate). */
  platformPublicKeyPem: string;
}

export type UnionpayFields = Record<string, string>;

/** The string signMethod 01 signs: every field but `signature`, sorted, key=value joined by &. */
export function unionpaySignString(fields: UnionpayFields): string {
  return Object.keys(fields)
    .filter((k) => k !== 'signature')
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('&');
}

/** signature = base64(SHA256withRSA(hex(sha256(signString)))). */
export function signUnionpay(key: KeyObject, fields: UnionpayFields): string {
  return signBase64(key, sha256Hex(Buffer.from(unionpaySignString(fields), 'utf8')));
}

export function verifyUnionpay(key: KeyObject, fields: UnionpayFields): boolean {
  const signature = fields['signature'];
  if (!signature) return false;
  return verifyBase64(key, sha256Hex(Buffer.from(unionpaySignString(fields), 'utf8')), signature);
}

/** A message as the gateway writes its answers: key=value&…, values as they are (base64 included). */
export function formatUnionpayMessage(fields: UnionpayFields): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/**
 * Read a gateway answer the way the ACP SDK does: split on & outside {…} (reserved fields hold
 * nested key=value lists), the key ends at the first =.
 */
export function parseUnionpayMessage(text: string): UnionpayFields {
  const out: UnionpayFields = {};
  let depth = 0;
  let start = 0;
  const take = (end: number) => {
    const part = text.slice(start, end);
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
    else if (c === '&' && depth === 0) {
      take(i);
      start = i + 1;
    }
  }
  take(text.length);
  return out;
}

/** The request fields of a fileTransfer for `date` (before certId and signature). */
export function unionpayFileTransferFields(merId: string, date: string, nowMs: number): UnionpayFields {
  return {
    version: '5.1.0',
    encoding: 'UTF-8',
    signMethod: '01',
    txnType: '76',
    txnSubType: '01',
    bizType: '000000',
    accessType: '0',
    merId,
    settleDate: compactIsoDate(date).slice(4),
    txnTime: beijingCompact(nowMs),
    fileType: '00',
  };
}

/** Response codes (u: from integrators' code, not a published table) that mean "no file" or "try later". */
const NO_FILE_CODES = new Set(['98']);
const TRY_LATER_CODES = new Set(['03', '04', '05', '34']);

export async function downloadUnionpayFile(
  creds: UnionpayCredentials,
  date: string,
  opts: TransportOptions = {},
): Promise<DownloadedStatement> {
  const now = opts.now ?? Date.now;
  const merchantKey = privateKeyFrom(creds.privateKeyPem, 'The UnionPay merchant private key');
  const platformKey = publicKeyFrom(creds.platformPublicKeyPem, 'The UnionPay verification public key');
  const fields: UnionpayFields = { ...unionpayFileTransferFields(creds.merId, date, now()), certId: creds.certId };
  fields['signature'] = signUnionpay(merchantKey, fields);

  const reply = await httpExchange(
    NAME,
    joinUrl(creds.url, UNIONPAY_FILE_PATH),
    {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
        'user-agent': 'otd-finance-workstation',
      },
      body: new URLSearchParams(fields).toString(),
    },
    opts,
  );
  const text = utf8Text(reply.body).trim();
  if (reply.status !== 200 || !/^[A-Za-z]\w*=/.test(text)) {
    throw new DownloadError(
      'http',
      `${NAME} answered HTTP ${reply.status} with a body that is not a gateway message: ${text.slice(0, 120)}`,
      { status: reply.status },
    );
  }
  const res = parseUnionpayMessage(text);
  if (!res['signature']) {
    throw new DownloadError(
      'bad_signature',
      `${NAME}'s answer is not signed (respCode ${res['respCode'] ?? '?'} ${res['respMsg'] ?? ''})`.trim(),
    );
  }
  if (!verifyUnionpay(platformKey, res)) {
    throw new DownloadError(
      'bad_signature',
      `${NAME}'s answer signature does not match its fields and the configured UnionPay public key: the answer was altered or is not from UnionPay`,
    );
  }
  const respCode = res['respCode'] ?? '';
  const respMsg = res['respMsg'] ?? '';
  if (respCode !== '00') {
    const details = { status: reply.status, channelCode: respCode };
    if (NO_FILE_CODES.has(respCode))
      throw new DownloadError('no_statement', `${NAME} has no file for ${date}: ${respCode} ${respMsg}`, details);
    if (TRY_LATER_CODES.has(respCode))
      throw new DownloadError(
        'not_ready',
        `${NAME} cannot give the file of ${date} now: ${respCode} ${respMsg}`,
        details,
      );
    throw new DownloadError(
      'channel_error',
      `${NAME} refused the fileTransfer of ${date}: ${respCode} ${respMsg}`,
      details,
    );
  }
  if (res['merId'] !== creds.merId || res['txnType'] !== '76' || res['settleDate'] !== fields['settleDate']) {
    throw new DownloadError(
      'bad_content',
      `${NAME} answered for merId ${res['merId']}, txnType ${res['txnType']}, settleDate ${res['settleDate']}; asked ${creds.merId}, 76, ${fields['settleDate']}`,
    );
  }
  const fileName = (res['fileName'] ?? '').replace(/^.*[\\/]/, '');
  if (!fileName.includes(compactIsoDate(date))) {
    throw new DownloadError(
      'bad_content',
      `${NAME} sent "${fileName}" for settleDate ${fields['settleDate']}: not the file of ${date} (settleDate has no year, the file name must show it)`,
    );
  }
  const content = res['fileContent'] ?? '';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(content)) {
    throw new DownloadError('bad_content', `${NAME}'s fileContent is missing or not base64`);
  }
  let zip: Uint8Array;
  try {
    zip = new Uint8Array(inflateSync(Buffer.from(content, 'base64'), { maxOutputLength: MAX_DOWNLOAD_BYTES }));
  } catch (e) {
    throw new DownloadError('bad_content', `${NAME}'s fileContent does not inflate: ${(e as Error).message}`);
  }
  let members: string[];
  try {
    members = readZip(zip).map((m) => m.name);
  } catch (e) {
    if (e instanceof ZipError)
      throw new DownloadError('bad_content', `${NAME}'s file ${fileName} is not a readable zip: ${e.message}`);
    throw e;
  }
  if (members.length === 0) throw new DownloadError('bad_content', `${NAME}'s file ${fileName} is an empty zip`);
  return {
    channel: 'unionpay',
    date,
    fileName: fileName.toLowerCase().endsWith('.zip') ? fileName : `${fileName}.zip`,
    bytes: zip,
    downloadedAt: new Date(now()).toISOString(),
    notes: [`${fileName}: ${members.join(', ')}`, `${zip.length} bytes`],
  };
}
