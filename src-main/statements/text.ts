// Small text and bookkeeping helpers shared by the line-oriented statement parsers:
// width folding, trimming of channel decoration, CSV and backtick splitting, plus three tools that
// keep a streaming parser's memory flat on a million-line file (batched emit, capped issue lists,
// a compact set of ids for duplicate detection).
import type { ParseIssue, StatementLine } from './types';

// ---------------------------------------------------------------------------------------------
// Text

/** Full-width ASCII forms (U+FF01–U+FF5E, e.g. （）：，) and the ideographic space → half-width. */
export function foldWidth(text: string): string {
  // Fast path: most values (digits, ids) have nothing to fold.
  if (!/[\uff01-\uff5e\u3000]/.test(text)) return text;
  let out = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCharCode(c - 0xfee0);
    else if (c === 0x3000) out += ' ';
    else out += ch;
  }
  return out;
}

/** Strip surrounding spaces, tabs, ideographic spaces and backticks (channel decoration). */
export function trimCell(text: string): string {
  return text.replace(/^[\s`\u3000]+|[\s`\u3000]+$/g, '');
}

/** A header name as compared: folded to half-width and trimmed. */
export function normaliseHeader(text: string): string {
  return trimCell(foldWidth(text));
}

/**
 * Split one CSV line on `delimiter`, honouring double quotes ("a,b" and "" for a quote).
 * A field may not span lines here: an unterminated quote is reported, not guessed at.
 */
export function splitCsvLine(line: string, delimiter = ','): { fields: string[]; unterminatedQuote: boolean } {
  if (!line.includes('"')) return { fields: line.split(delimiter), unterminatedQuote: false };
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let atStart = true;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && atStart) {
      quoted = true;
      atStart = false;
    } else if (line.startsWith(delimiter, i)) {
      fields.push(field);
      field = '';
      atStart = true;
      i += delimiter.length - 1;
    } else {
      field += ch;
      // Leading blanks before an opening quote are allowed (`a, "b"`).
      if (ch !== ' ' && ch !== '\t') atStart = false;
    }
  }
  fields.push(field);
  return { fields, unterminatedQuote: quoted };
}

/**
 * Split a line whose every value starts with a marker (WeChat: a backtick) on `delimiter + marker`
 * only, so a comma inside a value does not split it. Returns null when the line does not start
 * with the marker (it is then a header or summary-header line, not a value line).
 */
export function splitMarkedLine(line: string, marker = '`', delimiter = ','): string[] | null {
  if (!line.startsWith(marker)) return null;
  return line.slice(marker.length).split(delimiter + marker);
}

/** WeChat writes CR and LF inside values as the two characters `\r` and `\n`: turn them back. */
export function unescapeLiteralBreaks(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(/\\r\\n|\\r|\\n/g, (m) => (m === '\\r\\n' ? '\r\n' : m === '\\r' ? '\r' : '\n'));
}

/** A count printed as "20" or "20.0" → 20; anything else (20.5, -1, 2e3) → null. */
export function parseWholeCount(text: string): number | null {
  const m = /^(\d+)(?:\.0*)?$/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : null;
}

/** Excel turns long ids into "2.01909E+27": such a value has lost digits and cannot be matched. */
export function looksExcelMangled(text: string): boolean {
  return /^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$/.test(text.trim());
}

/** Decoding damage: the replacement character means bytes were not valid in the detected encoding. */
export function hasDecodeDamage(text: string): boolean {
  return text.includes('\ufffd');
}

// ---------------------------------------------------------------------------------------------
// Bookkeeping for streaming parsers

/**
 * Collects statement lines and hands them on in batches, so a parser never holds the whole file.
 * push() returns the emit's promise when a batch goes out: the parser must await it (the import
 * writes each batch before the next is read), e.g. `const p = batcher.push(line); if (p) await p;`.
 */
export class LineBatcher {
  private batch: StatementLine[] = [];
  count = 0;
  constructor(
    private readonly emit: (lines: StatementLine[]) => void | Promise<void>,
    private readonly size = 2000,
  ) {}
  /** Returns a promise only when a batch went out (so the other 1999 lines pay no await). */
  push(line: StatementLine): Promise<void> | undefined {
    this.batch.push(line);
    this.count++;
    return this.batch.length >= this.size ? this.flush() : undefined;
  }
  async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const out = this.batch;
    this.batch = [];
    await this.emit(out);
  }
}

/**
 * Errors or warnings, capped per code: a million cross-day lines give the first `cap` issues
 * with their line numbers and one closing issue that says how many more there were.
 */
export class IssueLog {
  readonly items: ParseIssue[] = [];
  /** Issues added so far, listed or not. */
  total = 0;
  private readonly perCode = new Map<string, number>();
  constructor(private readonly cap = 100) {}
  add(issue: ParseIssue): void {
    this.total++;
    const n = (this.perCode.get(issue.code) ?? 0) + 1;
    this.perCode.set(issue.code, n);
    if (n <= this.cap) this.items.push(issue);
  }
  count(code?: string): number {
    return code === undefined ? this.total : (this.perCode.get(code) ?? 0);
  }
  /** The issues, with one "N more" issue appended for every code over the cap. */
  finish(): ParseIssue[] {
    const out = [...this.items];
    for (const [code, n] of this.perCode) {
      if (n > this.cap) {
        out.push({
          line: null,
          field: null,
          code,
          message: `${n - this.cap} more lines have the same problem (${code}); only the first ${this.cap} are listed.`,
        });
      }
    }
    return out;
  }
}

/**
 * A set of ids that remembers where each was first seen, in typed arrays (about 24 bytes an id)
 * rather than a Set of strings, for duplicate detection over a million lines. Ids are kept as
 * 64-bit hashes: two different ids collide with probability ~n²/2⁶⁵, negligible at 10⁶ lines.
 */
export class CompactIdSet {
  private hi = new Uint32Array(1 << 12);
  private lo = new Uint32Array(1 << 12);
  private where = new Uint32Array(1 << 12); // 0 = empty slot, else line number + 1
  private size = 0;

  /** Adds the id; returns the line where it was already seen, or null when it is new. */
  add(id: string, line: number): number | null {
    if (this.size * 2 >= this.hi.length) this.grow();
    const [h1, h2] = hash64(id);
    const mask = this.hi.length - 1;
    for (let i = h1 & mask; ; i = (i + 1) & mask) {
      const w = this.where[i]!;
      if (w === 0) {
        this.hi[i] = h1;
        this.lo[i] = h2;
        this.where[i] = line + 1;
        this.size++;
        return null;
      }
      if (this.hi[i] === h1 && this.lo[i] === h2) return w - 1;
    }
  }

  private grow(): void {
    const { hi, lo, where } = this;
    const cap = hi.length * 2;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.where = new Uint32Array(cap);
    const mask = cap - 1;
    for (let j = 0; j < hi.length; j++) {
      if (where[j] === 0) continue;
      let i = hi[j]! & mask;
      while (this.where[i] !== 0) i = (i + 1) & mask;
      this.hi[i] = hi[j]!;
      this.lo[i] = lo[j]!;
      this.where[i] = where[j]!;
    }
  }
}

/** Two independent 32-bit string hashes (FNV-1a and a multiply-xorshift), as a 64-bit key. */
function hash64(s: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16;
  b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
  b ^= b >>> 16;
  return [a >>> 0, b >>> 0];
}

/** Counts lines per business day with a bounded map (a bill spans a handful of days at most). */
export class DayTally {
  private readonly days = new Map<string, number>();
  add(day: string): void {
    if (this.days.has(day) || this.days.size < 400) this.days.set(day, (this.days.get(day) ?? 0) + 1);
  }
  /** The day with most lines (earliest on a tie), or null. */
  majority(): string | null {
    let best: string | null = null;
    let bestN = 0;
    for (const [d, n] of [...this.days].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
      if (n > bestN) {
        best = d;
        bestN = n;
      }
    }
    return best;
  }
  entries(): [string, number][] {
    return [...this.days].sort((x, y) => (x[0] < y[0] ? -1 : 1));
  }
}
