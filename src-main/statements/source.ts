// Reading statement files: container and encoding detection from the bytes (never the file name),
// transparent gzip, and a streamed split into lines so a million-line bill is never held whole.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import type { Detection, RawLine, StatementSource } from './types';

export const MAX_LINE_BYTES = 64 * 1024;
export const MAX_WHOLE_BYTES = 256 * 1024 * 1024; // bytes() is for small containers; refuse beyond
const SNIFF_BYTES = 64 * 1024;

export class SourceError extends Error {
  constructor(
    readonly code: 'line_too_long' | 'too_large' | 'corrupt_gzip' | 'binary' | 'empty',
    message: string,
    readonly line: number | null = null,
  ) {
    super(message);
  }
}

export function detectContainer(head: Uint8Array): Detection['container'] {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    return containsAscii(head, '[Content_Types].xml') || containsAscii(head, 'xl/') ? 'xlsx' : 'zip';
  }
  if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) return 'xls';
  const start = new TextDecoder('latin1')
    .decode(head.subarray(0, 200))
    .replace(/^\uFEFF|^ï»¿/, '')
    .trimStart();
  if (start.startsWith('<?xml') || /^<Document[\s>]/.test(start)) return 'xml';
  return 'plain';
}

function containsAscii(bytes: Uint8Array, needle: string): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(needle, 0, 'latin1');
}

/**
 * BOM → UTF-8/16; valid UTF-8 → UTF-8; mostly control bytes → binary; otherwise GB18030 (a GBK
 * superset), unless the bytes read as Latin-1 text (looksLatin1).
 */
export function detectEncoding(
  head: Uint8Array,
  truncated: boolean,
): { encoding: Detection['encoding']; confidence: number; bom: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', confidence: 1, bom: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', confidence: 1, bom: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', confidence: 1, bom: 2 };
  if (head.length === 0) return { encoding: 'utf-8', confidence: 0, bom: 0 };
  let control = 0;
  for (const b of head) if ((b < 0x09 || (b > 0x0d && b < 0x20)) && b !== 0x1b) control++;
  if (control / head.length > 0.1) return { encoding: 'binary', confidence: 0.9, bom: 0 };
  // A multi-byte character cut by the sniff window is not an encoding error: drop up to 3 tail bytes.
  let probe = head;
  if (truncated) {
    let cut = head.length;
    for (let i = head.length - 1; i >= Math.max(0, head.length - 4); i--) {
      if ((head[i]! & 0xc0) !== 0x80) {
        cut = i;
        break;
      }
    }
    probe = head.subarray(0, cut);
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(probe);
    const ascii = probe.every((b) => b < 0x80);
    return { encoding: 'utf-8', confidence: ascii ? 0.6 : 0.95, bom: 0 };
  } catch {
    if (looksLatin1(probe)) return { encoding: 'latin1', confidence: 0.8, bom: 0 };
    return { encoding: 'gb18030', confidence: 0.85, bom: 0 };
  }
}

/**
 * European bank files (MT940 from a foreign bank: "Société Générale", "Müller GmbH") are Latin-1:
 * their non-ASCII bytes stand alone between ASCII letters. In GB18030 text nearly every character
 * is two bytes from 0x81 up (common hanzi are 0xB0–0xF7 then 0xA1–0xFE), so such lone bytes are
 * rare. Most lone high bytes → Latin-1.
 */
function looksLatin1(bytes: Uint8Array): boolean {
  let high = 0;
  let lone = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    high++;
    const before = i === 0 ? 0 : bytes[i - 1]!;
    const after = i + 1 === bytes.length ? 0 : bytes[i + 1]!;
    if (before < 0x80 && after < 0x80) lone++;
  }
  return high > 0 && lone * 2 > high;
}

export function decode(bytes: Uint8Array, encoding: Detection['encoding']): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (encoding === 'utf-8' || encoding === 'binary') return buf.toString('utf8');
  return iconv.decode(buf, encoding);
}

/** Split a stream of byte chunks into lines (LF or CRLF); the encoding decides how each is decoded. */
export async function* splitLines(
  chunks: AsyncIterable<Uint8Array>,
  encoding: Detection['encoding'],
  bomLength: number,
): AsyncGenerator<RawLine> {
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    // A 0x0A byte is not a line break in UTF-16: decode whole (such exports are small) and split the text.
    const parts: Buffer[] = [];
    let size = 0;
    for await (const c of chunks) {
      size += c.byteLength;
      if (size > MAX_WHOLE_BYTES)
        throw new SourceError('too_large', 'a UTF-16 file larger than 256 MiB is not supported');
      parts.push(Buffer.from(c));
    }
    const text = iconv.decode(Buffer.concat(parts).subarray(bomLength), encoding);
    let lineNo = 0;
    for (const t of text.split(/\r?\n/)) {
      lineNo++;
      yield { lineNo, text: t, bytes: Buffer.from(t, 'utf8') };
    }
    return;
  }
  let pending: Buffer = Buffer.alloc(0);
  let lineNo = 0;
  let skip = bomLength;
  const emit = (raw: Buffer): RawLine => {
    lineNo++;
    const bytes = raw.length && raw[raw.length - 1] === 0x0d ? raw.subarray(0, raw.length - 1) : raw;
    return { lineNo, text: decode(bytes, encoding), bytes };
  };
  for await (const chunk of chunks) {
    let buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (skip) {
      const n = Math.min(skip, buf.length);
      buf = buf.subarray(n);
      skip -= n;
    }
    let data = pending.length ? Buffer.concat([pending, buf]) : buf;
    let start = 0;
    for (let nl = data.indexOf(0x0a, start); nl !== -1; nl = data.indexOf(0x0a, start)) {
      if (nl - start > MAX_LINE_BYTES)
        throw new SourceError('line_too_long', `line ${lineNo + 1} is longer than ${MAX_LINE_BYTES} bytes`, lineNo + 1);
      yield emit(data.subarray(start, nl));
      start = nl + 1;
    }
    pending = Buffer.from(data.subarray(start));
    data = Buffer.alloc(0);
    if (pending.length > MAX_LINE_BYTES)
      throw new SourceError('line_too_long', `line ${lineNo + 1} is longer than ${MAX_LINE_BYTES} bytes`, lineNo + 1);
  }
  if (pending.length) yield emit(pending);
}

function makeDetection(
  head: Uint8Array,
  truncated: boolean,
  container: Detection['container'],
): { detection: Detection; bom: number } {
  const binaryContainer = container === 'zip' || container === 'xlsx' || container === 'xls';
  const enc = binaryContainer
    ? { encoding: 'binary' as const, confidence: 1, bom: 0 }
    : detectEncoding(head, truncated);
  return {
    detection: {
      encoding: enc.encoding,
      container,
      confidence: enc.confidence,
      notes: enc.bom ? ['byte order mark removed'] : [],
    },
    bom: enc.bom,
  };
}

/** A source over bytes already in memory (tests, zip members, downloads). */
export function bufferSource(fileName: string, input: Uint8Array): StatementSource {
  let bytes = input;
  let outer = detectContainer(bytes);
  if (outer === 'gzip') {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: MAX_WHOLE_BYTES });
    } catch (e) {
      throw new SourceError(
        'corrupt_gzip',
        `${fileName}: the gzip data is damaged or too large (${(e as Error).message})`,
      );
    }
    outer = detectContainer(bytes);
  }
  const head = bytes.subarray(0, SNIFF_BYTES);
  const { detection, bom } = makeDetection(head, bytes.length > SNIFF_BYTES, outer);
  if (input !== bytes) detection.notes.push('gzip decompressed');
  return {
    fileName,
    detection,
    bytes: async () => bytes,
    lines: () =>
      splitLines(
        (async function* () {
          yield bytes;
        })(),
        detection.encoding,
        bom,
      ),
  };
}

/** A source over a file on disk, streamed (and gunzipped as it streams). */
export async function fileSource(path: string, fileName = path): Promise<StatementSource> {
  const fh = await open(path, 'r');
  let head: Uint8Array;
  let size: number;
  try {
    size = (await fh.stat()).size;
    const buf = Buffer.alloc(Math.min(SNIFF_BYTES, size));
    await fh.read(buf, 0, buf.length, 0);
    head = buf;
  } finally {
    await fh.close();
  }
  const gz = detectContainer(head) === 'gzip';
  const stream = () => (gz ? createReadStream(path).pipe(createGunzip()) : createReadStream(path));
  let sniff = head;
  let truncated = size > SNIFF_BYTES;
  if (gz) {
    const parts: Buffer[] = [];
    let n = 0;
    try {
      for await (const c of stream()) {
        parts.push(c as Buffer);
        n += (c as Buffer).length;
        if (n >= SNIFF_BYTES) break;
      }
    } catch (e) {
      throw new SourceError('corrupt_gzip', `${fileName}: the gzip data is damaged (${(e as Error).message})`);
    }
    sniff = Buffer.concat(parts).subarray(0, SNIFF_BYTES);
    truncated = n >= SNIFF_BYTES;
  }
  const { detection, bom } = makeDetection(sniff, truncated, detectContainer(sniff));
  if (gz) detection.notes.push('gzip decompressed');
  return {
    fileName,
    detection,
    lines: () => splitLines(stream(), detection.encoding, bom),
    bytes: async () => {
      const parts: Buffer[] = [];
      let total = 0;
      for await (const c of stream()) {
        total += (c as Buffer).length;
        if (total > MAX_WHOLE_BYTES)
          throw new SourceError('too_large', `${fileName} is larger than 256 MiB once decompressed`);
        parts.push(c as Buffer);
      }
      return Buffer.concat(parts);
    },
  };
}

/** The first bytes and text of a source, for the parsers' sniff(). */
export async function sniffHead(source: StatementSource): Promise<{ bytes: Uint8Array; text: string }> {
  const lines: string[] = [];
  let size = 0;
  for await (const l of source.lines()) {
    lines.push(l.text);
    size += l.bytes.length + 1;
    if (size >= SNIFF_BYTES || lines.length >= 200) break;
  }
  const text = lines.join('\n');
  return { bytes: Buffer.from(text, 'utf8'), text };
}
