// Safe zip reading for statement containers (Alipay csv.zip, bank zips). A zip from outside is
// untrusted: it is read from its central directory, every member is checked before any is
// extracted (path, encryption, declared sizes), and inflating stops as soon as the real output
// exceeds what the header declared. Member names are UTF-8 when flagged, else GB18030 (Chinese
// Windows and Alipay write GBK names without the UTF-8 flag).
import { Inflate } from 'fflate';
import iconv from 'iconv-lite';

export const ZIP_MAX_TOTAL_BYTES = 256 * 1024 * 1024;
export const ZIP_MAX_RATIO = 200;
export const ZIP_RATIO_FLOOR_BYTES = 1024 * 1024; // the ratio rule applies above 1 MiB
export const ZIP_MAX_MEMBERS = 1000;
const INFLATE_CHUNK = 4096; // ≤ ~4 MiB of output per push even for a maximal deflate ratio

export type ZipErrorCode =
  'zip_bomb' | 'zip_path' | 'zip_encrypted' | 'zip_corrupt' | 'zip_too_many' | 'zip_unsupported';

export class ZipError extends Error {
  constructor(
    readonly code: ZipErrorCode,
    message: string,
    readonly member: string | null = null,
  ) {
    super(message);
    this.name = 'ZipError';
  }
}

export interface ZipEntryInfo {
  name: string; // decoded, as stored (forward slashes)
  nameEncoding: 'utf-8' | 'gb18030';
  isDirectory: boolean;
  encrypted: boolean;
  method: number; // 0 stored, 8 deflate
  compressedSize: number;
  uncompressedSize: number;
  crc32: number;
  localHeaderOffset: number;
}

export interface ZipMember {
  name: string;
  bytes: Uint8Array;
}

export interface ZipLimits {
  maxTotalBytes?: number;
  maxRatio?: number;
  maxMembers?: number;
}

/** True when the bytes start like a zip (a local header, or the end record of an empty zip). */
export function isZip(bytes: Uint8Array): boolean {
  return (
    bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6))
  );
}

/** The members as listed in the central directory, checked for paths and count but not extracted. */
export function listZip(bytes: Uint8Array, limits: ZipLimits = {}): ZipEntryInfo[] {
  const maxMembers = limits.maxMembers ?? ZIP_MAX_MEMBERS;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEndOfCentralDirectory(bytes, view);
  const total = view.getUint16(eocd + 10, true);
  const cdSize = view.getUint32(eocd + 12, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (total === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    throw new ZipError(
      'zip_unsupported',
      'the zip uses the ZIP64 extension, which a statement file never needs; it is refused',
    );
  }
  if (total > maxMembers) {
    throw new ZipError('zip_too_many', `the zip lists ${total} members; more than ${maxMembers} is refused`);
  }
  if (cdOffset + cdSize > eocd)
    throw new ZipError('zip_corrupt', 'the zip directory points outside the file (truncated download?)');

  const entries: ZipEntryInfo[] = [];
  let p = cdOffset;
  for (let k = 0; k < total; k++) {
    if (p + 46 > eocd || view.getUint32(p, true) !== 0x02014b50) {
      throw new ZipError('zip_corrupt', `the zip directory is damaged at entry ${k + 1} of ${total}`);
    }
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const crc32 = view.getUint32(p + 16, true);
    const compressedSize = view.getUint32(p + 20, true);
    const uncompressedSize = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const localHeaderOffset = view.getUint32(p + 42, true);
    const nameStart = p + 46;
    const next = nameStart + nameLen + extraLen + commentLen;
    if (next > eocd) throw new ZipError('zip_corrupt', `the zip directory is damaged at entry ${k + 1} of ${total}`);
    const rawName = bytes.subarray(nameStart, nameStart + nameLen);
    const extra = bytes.subarray(nameStart + nameLen, nameStart + nameLen + extraLen);
    const { name, encoding } = decodeName(rawName, (flags & 0x800) !== 0, extra);
    checkPath(name);
    entries.push({
      name,
      nameEncoding: encoding,
      isDirectory: name.endsWith('/'),
      encrypted: (flags & 0x1) !== 0,
      method,
      compressedSize,
      uncompressedSize,
      crc32,
      localHeaderOffset,
    });
    p = next;
  }
  return entries;
}

/**
 * Every file member's name and bytes (directories are skipped). All members are checked before
 * the first is inflated; any problem refuses the whole zip with a ZipError naming the member.
 */
export function readZip(bytes: Uint8Array, limits: ZipLimits = {}): ZipMember[] {
  const maxTotal = limits.maxTotalBytes ?? ZIP_MAX_TOTAL_BYTES;
  const maxRatio = limits.maxRatio ?? ZIP_MAX_RATIO;
  const entries = listZip(bytes, limits);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  let declaredTotal = 0;
  for (const e of entries) {
    if (e.encrypted) {
      throw new ZipError(
        'zip_encrypted',
        `member "${e.name}" is password-protected; export the statement again without a password`,
        e.name,
      );
    }
    if (e.isDirectory) continue;
    if (e.method !== 0 && e.method !== 8) {
      throw new ZipError(
        'zip_unsupported',
        `member "${e.name}" uses compression method ${e.method}; only stored and deflate are supported`,
        e.name,
      );
    }
    declaredTotal += e.uncompressedSize;
    if (declaredTotal > maxTotal) {
      throw new ZipError(
        'zip_bomb',
        `the zip declares more than ${mib(maxTotal)} of content (at member "${e.name}"); refused as a possible zip bomb`,
        e.name,
      );
    }
    if (e.uncompressedSize > ZIP_RATIO_FLOOR_BYTES && e.uncompressedSize > e.compressedSize * maxRatio) {
      throw new ZipError(
        'zip_bomb',
        `member "${e.name}" would expand ${e.compressedSize} bytes to ${e.uncompressedSize} (more than ${maxRatio}:1); refused as a possible zip bomb`,
        e.name,
      );
    }
  }

  const out: ZipMember[] = [];
  let actualTotal = 0;
  for (const e of entries) {
    if (e.isDirectory) continue;
    const data = memberData(bytes, view, e);
    const content = e.method === 0 ? storedContent(data, e) : inflateCapped(data, e);
    if (crc32(content) !== e.crc32) {
      throw new ZipError('zip_corrupt', `member "${e.name}" fails its checksum: the zip is damaged`, e.name);
    }
    actualTotal += content.length;
    if (actualTotal > maxTotal) {
      throw new ZipError('zip_bomb', `the zip expands to more than ${mib(maxTotal)} (at member "${e.name}")`, e.name);
    }
    out.push({ name: e.name, bytes: content });
  }
  return out;
}

function mib(n: number): string {
  return `${Math.round(n / 1024 / 1024)} MiB`;
}

function findEndOfCentralDirectory(bytes: Uint8Array, view: DataView): number {
  if (bytes.length < 22) throw new ZipError('zip_corrupt', 'the file is too short to be a zip (truncated download?)');
  const stop = Math.max(0, bytes.length - 22 - 0xffff);
  for (let i = bytes.length - 22; i >= stop; i--) {
    if (bytes[i] === 0x50 && view.getUint32(i, true) === 0x06054b50) {
      const commentLen = view.getUint16(i + 20, true);
      if (i + 22 + commentLen <= bytes.length) return i;
    }
  }
  throw new ZipError('zip_corrupt', 'the zip has no directory at its end (truncated download or not a zip)');
}

function decodeName(
  raw: Uint8Array,
  utf8Flag: boolean,
  extra: Uint8Array,
): { name: string; encoding: 'utf-8' | 'gb18030' } {
  if (raw.includes(0)) throw new ZipError('zip_path', 'a member name contains a NUL byte');
  let name: string;
  let encoding: 'utf-8' | 'gb18030';
  const unicodePath = infoZipUnicodePath(extra);
  if (unicodePath !== null) {
    name = unicodePath;
    encoding = 'utf-8';
  } else if (utf8Flag) {
    try {
      name = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      throw new ZipError('zip_corrupt', 'a member name is flagged UTF-8 but is not valid UTF-8');
    }
    encoding = 'utf-8';
  } else {
    name = iconv.decode(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), 'gb18030');
    encoding = 'gb18030';
  }
  return { name: name.replace(/\\/g, '/'), encoding };
}

/** Info-ZIP Unicode Path extra field (0x7075): version 1, CRC of the raw name, UTF-8 name. */
function infoZipUnicodePath(extra: Uint8Array): string | null {
  const v = new DataView(extra.buffer, extra.byteOffset, extra.byteLength);
  for (let i = 0; i + 4 <= extra.length;) {
    const id = v.getUint16(i, true);
    const size = v.getUint16(i + 2, true);
    if (i + 4 + size > extra.length) return null;
    if (id === 0x7075 && size > 5 && extra[i + 4] === 1) {
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(extra.subarray(i + 9, i + 4 + size));
      } catch {
        return null;
      }
    }
    i += 4 + size;
  }
  return null;
}

function checkPath(name: string): void {
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) {
    throw new ZipError('zip_path', `member "${name}" has an absolute path; refused`, name);
  }
  if (name.split('/').some((seg) => seg === '..')) {
    throw new ZipError('zip_path', `member "${name}" points outside the archive ("..") ; refused`, name);
  }
}

function memberData(bytes: Uint8Array, view: DataView, e: ZipEntryInfo): Uint8Array {
  const p = e.localHeaderOffset;
  if (p + 30 > bytes.length || view.getUint32(p, true) !== 0x04034b50) {
    throw new ZipError('zip_corrupt', `member "${e.name}" has no local header where the directory says`, e.name);
  }
  if ((view.getUint16(p + 6, true) & 0x1) !== 0) {
    throw new ZipError(
      'zip_encrypted',
      `member "${e.name}" is password-protected; export the statement again without a password`,
      e.name,
    );
  }
  const start = p + 30 + view.getUint16(p + 26, true) + view.getUint16(p + 28, true);
  const end = start + e.compressedSize;
  if (end > bytes.length)
    throw new ZipError('zip_corrupt', `member "${e.name}" runs past the end of the file (truncated download?)`, e.name);
  return bytes.subarray(start, end);
}

function storedContent(data: Uint8Array, e: ZipEntryInfo): Uint8Array {
  if (data.length !== e.uncompressedSize) {
    throw new ZipError(
      'zip_corrupt',
      `member "${e.name}" is stored with ${data.length} bytes but declares ${e.uncompressedSize}`,
      e.name,
    );
  }
  return data.slice();
}

/** Inflate in small pushes, stopping as soon as the output passes the declared size. */
function inflateCapped(data: Uint8Array, e: ZipEntryInfo): Uint8Array {
  const out = new Uint8Array(e.uncompressedSize);
  let written = 0;
  let overflow = false;
  let finished = false;
  const inflater = new Inflate((chunk, final) => {
    if (overflow) return;
    if (written + chunk.length > out.length) {
      overflow = true;
      return;
    }
    out.set(chunk, written);
    written += chunk.length;
    if (final) finished = true;
  });
  try {
    if (data.length === 0) inflater.push(new Uint8Array(0), true);
    for (let i = 0; i < data.length && !overflow; i += INFLATE_CHUNK) {
      const end = Math.min(data.length, i + INFLATE_CHUNK);
      inflater.push(data.subarray(i, end), end === data.length);
    }
  } catch (err) {
    if (!overflow)
      throw new ZipError(
        'zip_corrupt',
        `member "${e.name}" cannot be decompressed (${(err as Error).message}): the zip is damaged`,
        e.name,
      );
  }
  if (overflow) {
    throw new ZipError(
      'zip_bomb',
      `member "${e.name}" expands beyond its declared ${e.uncompressedSize} bytes; refused as a possible zip bomb`,
      e.name,
    );
  }
  if (!finished || written !== out.length) {
    throw new ZipError(
      'zip_corrupt',
      `member "${e.name}" decompresses to ${written} bytes but declares ${e.uncompressedSize}: the zip is damaged`,
      e.name,
    );
  }
  return out;
}

let CRC_TABLE: Uint32Array | null = null;

export function crc32(data: Uint8Array): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
