// What every download adapter shares: the error type, the result, the HTTP plumbing over an
// injectable `fetch`, and the RSA helpers of node:crypto. Pure protocol code: no store, no
// electron, no clock except the one passed in.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  sign as rsaSign,
  verify as rsaVerify,
  type KeyObject,
} from 'node:crypto';

export const DOWNLOAD_CHANNELS = ['wechat', 'lakala', 'unionpay'] as const;
export type DownloadChannel = (typeof DOWNLOAD_CHANNELS)[number];

export type DownloadErrorCode =
  /** The channel's credentials are missing or incomplete. */
  | 'not_configured'
  /** A configured key cannot be read (not PEM, not RSA, too short). */
  | 'bad_key'
  /** The channel could not be reached, or did not answer in time. */
  | 'network'
  /** The channel answered with an HTTP status and a body that is not its protocol. */
  | 'http'
  /** The response signature is missing, made with another key, or does not match the body. */
  | 'bad_signature'
  /** The response is signed but its timestamp is too far from ours (a replay, or a wrong clock). */
  | 'stale_response'
  /** The channel says there is no statement for that day. */
  | 'no_statement'
  /** The channel says the statement is not generated yet: try later. */
  | 'not_ready'
  /** The channel refused the request (its own error code in details.channelCode). */
  | 'channel_error'
  /** The file's digest is not the one the channel announced. */
  | 'hash_mismatch'
  /** The file is not what the protocol promises (not gzip, not a zip, an error body…). */
  | 'bad_content';

/** A download failure: a code to act on, a message a person can read, and the channel's own code. */
export class DownloadError extends Error {
  constructor(
    readonly code: DownloadErrorCode,
    message: string,
    readonly details: { status?: number; channelCode?: string } = {},
  ) {
    super(message);
    this.name = 'DownloadError';
  }

  /** Worth trying again soon (the next scheduler tick): the channel may answer differently. */
  get retryable(): boolean {
    return (
      this.code === 'network' ||
      this.code === 'not_ready' ||
      (this.code === 'http' && (this.details.status ?? 0) >= 500)
    );
  }
}

/** The day's statement as the channel delivered it, ready for the import service. */
export interface DownloadedStatement {
  channel: DownloadChannel;
  date: string;
  fileName: string;
  bytes: Uint8Array;
  /** When the bytes arrived (ISO, UTC). */
  downloadedAt: string;
  /** What the channel told about the file: digests, names, sizes (for the attempt record). */
  notes: string[];
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface TransportOptions {
  fetch?: FetchLike;
  /** Wall clock for request timestamps and response freshness (epoch ms); default Date.now. */
  now?: () => number;
  signal?: AbortSignal;
  /** Per request; default 30 s. */
  timeoutMs?: number;
}

/** Responses older or newer than this are refused (WeChat's SDKs use 5 minutes). */
export const MAX_CLOCK_SKEW_S = 300;
/** A statement file larger than this is refused before it is read whole. */
export const MAX_DOWNLOAD_BYTES = 256 * 1024 * 1024;

export interface HttpReply {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

/** One HTTP exchange with a timeout; a transport failure becomes DownloadError('network'). */
export async function httpExchange(
  channelName: string,
  url: string,
  init: RequestInit,
  opts: TransportOptions,
): Promise<HttpReply> {
  const doFetch = opts.fetch ?? fetch;
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 30_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await doFetch(url, { ...init, signal, redirect: 'error' });
  } catch (e) {
    if (opts.signal?.aborted) throw e; // cancelled by the user: not a channel failure
    const why = timeout.aborted ? `no answer within ${(opts.timeoutMs ?? 30_000) / 1000} s` : errorText(e);
    throw new DownloadError('network', `${channelName} could not be reached at ${origin(url)}: ${why}`);
  }
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > MAX_DOWNLOAD_BYTES) {
    await res.body?.cancel();
    throw new DownloadError(
      'bad_content',
      `${channelName} announced ${declared} bytes, more than the 256 MiB a statement may have`,
    );
  }
  let body: Uint8Array;
  try {
    body = new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    throw new DownloadError('network', `${channelName} broke off the answer from ${origin(url)}: ${errorText(e)}`);
  }
  return { status: res.status, headers: res.headers, body };
}

function errorText(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${e.message} (${cause.message})` : e.message;
  }
  return String(e);
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** Join a configured base URL and an API path ("https://h/sit" + "/api/v3/x"). */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

export function utf8Text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** A JSON or XML error body delivered where a statement was expected: its first byte (after a UTF-8 BOM) is { or <. */
export function isErrorBody(bytes: Uint8Array): boolean {
  const first = bytes[0] === 0xef ? bytes[3] : bytes[0];
  return first === 0x7b || first === 0x3c;
}

/** Write an Authorization header `SCHEMA k="v",k="v"…` (WeChat Pay v3, Lakala v3), the fields in the given order. */
export function formatSchemaAuthorization<K extends string>(
  schema: string,
  keys: readonly K[],
  a: Record<K, string>,
): string {
  return `${schema} ${keys.map((k) => `${k}="${a[k]}"`).join(',')}`;
}

/**
 * Read an Authorization header of the form `SCHEMA k="v",k="v"…` (WeChat Pay v3, Lakala v3): the
 * named fields, or null when the header is of another schema or one of them is missing or empty.
 */
export function parseSchemaAuthorization<K extends string>(
  schema: string,
  keys: readonly K[],
  header: string | undefined | null,
): Record<K, string> | null {
  if (!header?.startsWith(`${schema} `)) return null;
  const fields = new Map<string, string>();
  for (const m of header.slice(schema.length + 1).matchAll(/\s*([a-z_]+)="([^"]*)"\s*(?:,|$)/g)) {
    fields.set(m[1]!, m[2]!);
  }
  const a = Object.fromEntries(keys.map((k) => [k, fields.get(k) ?? ''])) as Record<K, string>;
  return keys.every((k) => a[k] !== '') ? a : null;
}

// ---------------------------------------------------------------------------------------------
// RSA (PKCS#1 v1.5 with SHA-256, what all three channels call SHA256withRSA)

/** Read a merchant private key (PKCS#8 or PKCS#1 PEM); refuses anything but RSA of 2048 bits or more. */
export function privateKeyFrom(pem: string, what: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: normalisePem(pem), format: 'pem' });
  } catch (e) {
    throw new DownloadError('bad_key', `${what} is not a PEM private key (${errorText(e)})`);
  }
  return checkRsa(key, what);
}

/** Read a platform public key: SPKI/PKCS#1 PEM, or an X.509 certificate (its key is used). */
export function publicKeyFrom(pem: string, what: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: normalisePem(pem), format: 'pem' });
  } catch (e) {
    throw new DownloadError('bad_key', `${what} is not a PEM public key or certificate (${errorText(e)})`);
  }
  return checkRsa(key, what);
}

function checkRsa(key: KeyObject, what: string): KeyObject {
  if (key.asymmetricKeyType !== 'rsa') {
    throw new DownloadError(
      'bad_key',
      `${what} is a ${key.asymmetricKeyType ?? 'non-RSA'} key; the channel signs with RSA`,
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048) throw new DownloadError('bad_key', `${what} has ${bits} bits; at least 2048 are required`);
  return key;
}

/** Keys pasted into a settings field sometimes arrive with literal "\n" instead of line breaks. */
function normalisePem(pem: string): string {
  return pem.includes('\\n') && !pem.includes('\n') ? pem.replace(/\\n/g, '\n') : pem.trim();
}

/** The key's fingerprint: SHA-256 over the DER public key, first 16 hex digits (shown, never secret). */
export function keyFingerprint(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

export function signBase64(key: KeyObject, message: string | Uint8Array): string {
  return rsaSign('sha256', typeof message === 'string' ? Buffer.from(message, 'utf8') : message, key).toString(
    'base64',
  );
}

export function verifyBase64(key: KeyObject, message: string | Uint8Array, signature: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return false;
  try {
    return rsaVerify(
      'sha256',
      typeof message === 'string' ? Buffer.from(message, 'utf8') : message,
      key,
      Buffer.from(signature, 'base64'),
    );
  } catch {
    return false;
  }
}

const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A random nonce of upper-case letters and digits (32 for WeChat, 12 for Lakala). */
export function nonce(length = 32): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += NONCE_ALPHABET[b % NONCE_ALPHABET.length];
  return out;
}

export function sha1Hex(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Seconds since the epoch as the decimal string the signed headers carry. */
export function unixSeconds(ms: number): string {
  return String(Math.floor(ms / 1000));
}

/** A signed timestamp must be within MAX_CLOCK_SKEW_S of ours. */
export function checkFreshness(channelName: string, timestamp: string, nowMs: number): void {
  if (!/^\d{1,12}$/.test(timestamp)) {
    throw new DownloadError(
      'bad_signature',
      `${channelName}'s response carries no valid signature timestamp ("${timestamp}")`,
    );
  }
  const skew = Math.abs(Number(timestamp) - Math.floor(nowMs / 1000));
  if (skew > MAX_CLOCK_SKEW_S) {
    throw new DownloadError(
      'stale_response',
      `${channelName}'s response was signed ${skew} s away from this computer's clock (more than ${MAX_CLOCK_SKEW_S} s): a replayed answer, or a wrong clock here`,
    );
  }
}

/** "2026-10-01" → "20261001" */
export function compactIsoDate(date: string): string {
  return date.replace(/-/g, '');
}

/** Beijing wall time "yyyyMMddHHmmss" of an instant (whatever this machine's zone). */
export function beijingCompact(ms: number): string {
  const iso = new Date(ms + 8 * 3_600_000).toISOString();
  return iso.slice(0, 19).replace(/[-:T]/g, '');
}
