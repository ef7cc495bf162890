// Deterministic RSA-2048 key pairs for the sandbox's channel APIs: the same seed and label give the
// same key on every run and machine, so a demo company's stored credentials keep working after a
// restart and tests can name a key. The primes come from a SHA-256 counter stream over the label
// and are tested with OpenSSL (crypto.checkPrimeSync); the key is assembled through JWK.
// These keys protect nothing real: they exist so both sides of the sandbox really sign and verify.
import { checkPrimeSync, createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

export interface SandboxKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** PKCS#8 PEM */
  privateKeyPem: string;
  /** SPKI PEM */
  publicKeyPem: string;
  /** A certificate-serial-like id (40 upper-case hex digits), derived from the label. */
  serial: string;
}

const E = 65537n;
const SMALL_PRIMES: bigint[] = [];
for (let n = 3; SMALL_PRIMES.length < 400; n += 2) {
  if (SMALL_PRIMES.every((p) => BigInt(n) % p !== 0n)) SMALL_PRIMES.push(BigInt(n));
}

function byteStream(label: string): (n: number) => Buffer {
  let counter = 0;
  let pool = Buffer.alloc(0);
  return (n) => {
    while (pool.length < n) {
      pool = Buffer.concat([pool, createHash('sha256').update(`otd-sandbox-rsa|${label}|${counter++}`).digest()]);
    }
    const out = Buffer.from(pool.subarray(0, n));
    pool = pool.subarray(n);
    return out;
  };
}

function toBigInt(b: Buffer): bigint {
  return BigInt(`0x${b.toString('hex')}`);
}

function toBase64Url(n: bigint): string {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return Buffer.from(hex, 'hex').toString('base64url');
}

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new Error('not invertible');
  return ((oldS % m) + m) % m;
}

/** A prime of exactly `bits` bits (top two bits set, so p·q has 2·bits bits) with gcd(p−1, e) = 1. */
function prime(next: (n: number) => Buffer, bits: number): bigint {
  for (;;) {
    const b = next(bits / 8);
    b[0]! |= 0xc0;
    b[b.length - 1]! |= 1;
    let c = toBigInt(b);
    for (let step = 0; step < 4096; step++, c += 2n) {
      if (SMALL_PRIMES.some((p) => c % p === 0n)) continue;
      if ((c - 1n) % E === 0n) continue;
      if (checkPrimeSync(c, { checks: 40 })) return c;
    }
  }
}

const cache = new Map<string, SandboxKeyPair>();

/** The key pair of a label (e.g. "7|wechat|merchant"); computed once per process. */
export function sandboxKeyPair(label: string): SandboxKeyPair {
  const hit = cache.get(label);
  if (hit) return hit;
  const next = byteStream(label);
  let p = prime(next, 1024);
  let q = prime(next, 1024);
  while (p === q) q = prime(next, 1024);
  if (p < q) [p, q] = [q, p];
  const n = p * q;
  const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
  const d = modInverse(E, lambda);
  const privateKey = createPrivateKey({
    key: {
      kty: 'RSA',
      n: toBase64Url(n),
      e: toBase64Url(E),
      d: toBase64Url(d),
      p: toBase64Url(p),
      q: toBase64Url(q),
      dp: toBase64Url(d % (p - 1n)),
      dq: toBase64Url(d % (q - 1n)),
      qi: toBase64Url(modInverse(q, p)),
    },
    format: 'jwk',
  });
  const publicKey = createPublicKey(privateKey);
  const pair: SandboxKeyPair = {
    privateKey,
    publicKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    serial: createHash('sha1').update(`otd-sandbox-serial|${label}`).digest('hex').toUpperCase(),
  };
  cache.set(label, pair);
  return pair;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** The merchant's and the channel platform's key pairs of one channel in a sandbox seed. */
export function sandboxChannelKeys(
  seed: number | string,
  channel: string,
): { merchant: SandboxKeyPair; platform: SandboxKeyPair } {
  return {
    merchant: sandboxKeyPair(`${typeof seed}:${String(seed)}|${channel}|merchant`),
    platform: sandboxKeyPair(`${typeof seed}:${String(seed)}|${channel}|platform`),
  };
}
