// A text statement's lines kept once, as the import reads them: whole lines gathered into chunks of
// about 256 KiB, deflated on libuv's thread pool (so the parser does not wait) and handed to a sink
// that stores them (statement_text). A line's printed values are read back from its chunk, which
// replaces writing every printed value again on every statement line.
import { deflateRaw, inflateRawSync, constants } from 'node:zlib';
import { decode } from './source';
import type { RawLine, StatementSource } from './types';

const CHUNK_BYTES = 256 * 1024;
const IN_FLIGHT = 3; // chunks being deflated or written at once: bounds memory on a huge file

export type KeptEncoding = 'utf-8' | 'gb18030' | 'latin1';

export interface TextChunk {
  firstLine: number;
  lineCount: number;
  encoding: KeptEncoding;
  body: Buffer; // the lines' bytes joined by LF, raw deflate
}

/** The encoding of RawLine.bytes for a source: UTF-16 lines arrive re-encoded as UTF-8. */
function keptEncoding(source: StatementSource): KeptEncoding {
  const { encoding } = source.detection;
  return encoding === 'gb18030' || encoding === 'latin1' ? encoding : 'utf-8';
}

function deflate(bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    deflateRaw(bytes, { level: constants.Z_BEST_SPEED }, (err, out) => (err ? reject(err) : resolve(out))),
  );
}

export class TextKeeper {
  private parts: Buffer[] = [];
  private size = 0;
  private firstLine = 0;
  private nextLine = 1;
  private inFlight: Promise<void>[] = [];
  private failure: unknown = null;
  private readonly encoding: KeptEncoding;

  constructor(
    private readonly source: StatementSource,
    private readonly sink: (chunk: TextChunk) => Promise<void>,
  ) {
    this.encoding = keptEncoding(source);
  }

  /** The source the parser reads: the same lines, each kept on its way through. */
  wrap(): StatementSource {
    const src = this.source;
    const keep = (line: RawLine) => this.add(line);
    return {
      fileName: src.fileName,
      detection: src.detection,
      bytes: () => src.bytes(),
      lines: async function* () {
        for await (const line of src.lines()) {
          const full = keep(line);
          if (full) await full;
          yield line;
        }
      },
    };
  }

  /** Returns a promise when the parser should wait for chunks in flight. */
  private add(line: RawLine): Promise<void> | undefined {
    // A parser reading the lines a second time must not keep them twice.
    if (line.lineNo !== this.nextLine) return undefined;
    this.nextLine++;
    if (this.parts.length === 0) this.firstLine = line.lineNo;
    this.parts.push(line.bytes as Buffer);
    this.size += line.bytes.length + 1;
    return this.size >= CHUNK_BYTES ? this.cut() : undefined;
  }

  private async cut(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.parts.length === 0) return;
    const lines = this.parts;
    const chunk = { firstLine: this.firstLine, lineCount: lines.length, encoding: this.encoding };
    const joined: Buffer[] = [];
    for (let i = 0; i < lines.length; i++) {
      if (i) joined.push(LF);
      joined.push(lines[i]!);
    }
    const raw = Buffer.concat(joined, this.size - 1);
    this.parts = [];
    this.size = 0;
    const done = deflate(raw)
      .then((body) => this.sink({ ...chunk, body }))
      .catch((err: unknown) => {
        this.failure ??= err;
      });
    this.inFlight.push(done);
    if (this.inFlight.length >= IN_FLIGHT) await this.inFlight.shift();
  }

  /** Keep the last lines and wait for every chunk to be stored; throws if one could not be. */
  async finish(): Promise<void> {
    await this.cut();
    await this.settle();
    if (this.failure) throw this.failure;
  }

  /** Wait for chunks in flight without raising (before a rollback: nothing may run after it). */
  async settle(): Promise<void> {
    await Promise.all(this.inFlight);
    this.inFlight = [];
  }
}

const LF = Buffer.from('\n');

/** A chunk's lines as text (index 0 is the chunk's first line). */
export function chunkLines(chunk: { encoding: string; body: Uint8Array }): string[] {
  const bytes = inflateRawSync(chunk.body);
  const lines: string[] = [];
  let start = 0;
  for (let end = bytes.indexOf(0x0a, start); ; end = bytes.indexOf(0x0a, start)) {
    lines.push(decode(bytes.subarray(start, end < 0 ? bytes.length : end), chunk.encoding as KeptEncoding));
    if (end < 0) return lines;
    start = end + 1;
  }
}
