import { describe, expect, it } from 'vitest';
import { strToU8, zipSync } from 'fflate';
import { ZipError, isZip, listZip, readZip, ZIP_MAX_MEMBERS } from '../../../src-main/statements/zip';
import { buildZip } from '../../fixtures/statements/zip-builder';

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

function zipError(fn: () => unknown): ZipError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ZipError) return e;
    throw new Error(`expected a ZipError, got ${String(e)}`);
  }
  throw new Error('expected a ZipError, nothing was thrown');
}

describe('readZip: ordinary zips', () => {
  it('lists and extracts the members of a zip written by fflate', () => {
    const bytes = zipSync({ 'a.csv': strToU8('x,y\n1,2\n'), 'dir/b.txt': [strToU8('hello'), { level: 0 }] });
    expect(isZip(bytes)).toBe(true);
    const list = listZip(bytes);
    expect(list.map((e) => [e.name, e.uncompressedSize, e.encrypted])).toEqual([
      ['a.csv', 8, false],
      ['dir/b.txt', 5, false],
    ]);
    const members = readZip(bytes);
    expect(members.map((m) => [m.name, text(m.bytes)])).toEqual([
      ['a.csv', 'x,y\n1,2\n'],
      ['dir/b.txt', 'hello'],
    ]);
  });

  it('decodes GBK member names written without the UTF-8 flag, and UTF-8 names with it', () => {
    const bytes = buildZip([
      { name: '20881234123412340156_20240315_业务明细.csv', nameEncoding: 'gbk', data: 'a' },
      { name: '20881234123412340156_20240315_业务明细(汇总).csv', nameEncoding: 'gbk', data: 'b', method: 0 },
      { name: '说明.txt', nameEncoding: 'utf-8', data: 'c' },
    ]);
    const list = listZip(bytes);
    expect(list.map((e) => [e.name, e.nameEncoding])).toEqual([
      ['20881234123412340156_20240315_业务明细.csv', 'gb18030'],
      ['20881234123412340156_20240315_业务明细(汇总).csv', 'gb18030'],
      ['说明.txt', 'utf-8'],
    ]);
    expect(readZip(bytes).map((m) => text(m.bytes))).toEqual(['a', 'b', 'c']);
  });

  it('skips directory entries and extracts an empty member', () => {
    const bytes = buildZip([
      { name: 'folder/', data: '', method: 0 },
      { name: 'folder/empty.csv', data: '', method: 0 },
    ]);
    expect(readZip(bytes).map((m) => [m.name, m.bytes.length])).toEqual([['folder/empty.csv', 0]]);
  });

  it('accepts a name with two dots that is not a parent reference', () => {
    const bytes = buildZip([{ name: 'bill..2024.csv', data: 'ok' }]);
    expect(readZip(bytes)[0]!.name).toBe('bill..2024.csv');
  });
});

describe('readZip refuses dangerous zips', () => {
  it('refuses a member whose declared ratio exceeds 200:1 above 1 MiB (zip bomb)', () => {
    const bytes = buildZip([{ name: 'zeros.csv', data: new Uint8Array(4 * 1024 * 1024) }]);
    const e = zipError(() => readZip(bytes));
    expect(e.code).toBe('zip_bomb');
    expect(e.member).toBe('zeros.csv');
    expect(e.message).toContain('zeros.csv');
  });

  it('stops inflating when the output passes the size the header declared', () => {
    // The header claims 1000 bytes; the data inflates to 3 MiB.
    const bytes = buildZip([{ name: 'liar.csv', data: new Uint8Array(3 * 1024 * 1024).fill(65), declaredSize: 1000 }]);
    const e = zipError(() => readZip(bytes));
    expect(e.code).toBe('zip_bomb');
    expect(e.message).toMatch(/liar\.csv.*beyond its declared 1000 bytes/);
  });

  it('refuses when the declared total exceeds the limit, before extracting anything', () => {
    const members = [1, 2, 3].map((i) => ({ name: `part${i}.csv`, data: 'x'.repeat(600), method: 0 as const }));
    const e = zipError(() => readZip(buildZip(members), { maxTotalBytes: 1500 }));
    expect(e.code).toBe('zip_bomb');
    expect(e.member).toBe('part3.csv');
    // With the default 256 MiB limit the same zip is fine.
    expect(readZip(buildZip(members))).toHaveLength(3);
  });

  it('refuses the default 256 MiB total from the declared sizes alone', () => {
    // Two members each declaring 150 MiB (ratio under 200:1 is not claimed: sizes are just declared).
    const e = zipError(() =>
      readZip(
        buildZip([
          { name: 'a.csv', data: new Uint8Array(1024 * 1024), method: 0, declaredSize: 150 * 1024 * 1024 },
          { name: 'b.csv', data: new Uint8Array(1024 * 1024), method: 0, declaredSize: 150 * 1024 * 1024 },
        ]),
      ),
    );
    expect(e.code).toBe('zip_bomb');
    expect(e.message).toContain('256 MiB');
  });

  it.each([['../evil.csv'], ['a/../../evil.csv'], ['/etc/passwd'], ['C:/Windows/evil.csv'], ['..\\evil.csv']])(
    'refuses the member path %s',
    (name) => {
      const e = zipError(() => readZip(buildZip([{ name, data: 'x' }])));
      expect(e.code).toBe('zip_path');
      expect(e.message).toContain(name.replace(/\\/g, '/'));
    },
  );

  it('refuses a password-protected member and names it', () => {
    const bytes = buildZip([
      { name: 'ok.csv', data: 'x' },
      { name: '业务明细.csv', nameEncoding: 'gbk', data: 'secret', encrypted: true },
    ]);
    const e = zipError(() => readZip(bytes));
    expect(e.code).toBe('zip_encrypted');
    expect(e.member).toBe('业务明细.csv');
    expect(listZip(bytes)[1]!.encrypted).toBe(true);
  });

  it(`refuses more than ${ZIP_MAX_MEMBERS} members`, () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i <= ZIP_MAX_MEMBERS; i++) files[`m${i}.csv`] = strToU8('x');
    const e = zipError(() => readZip(zipSync(files)));
    expect(e.code).toBe('zip_too_many');
    expect(e.message).toContain(String(ZIP_MAX_MEMBERS + 1));
  });

  it('reports damaged deflate data as corrupt', () => {
    const bytes = buildZip([{ name: 'a.csv', data: 'some text that will be compressed, '.repeat(50) }]);
    const dataStart = 30 + 'a.csv'.length;
    for (let i = dataStart; i < dataStart + 12; i++) bytes[i] = 0xff;
    const e = zipError(() => readZip(bytes));
    expect(e.code).toBe('zip_corrupt');
    expect(e.member).toBe('a.csv');
  });

  it('reports a checksum mismatch as corrupt', () => {
    const e = zipError(() => readZip(buildZip([{ name: 'a.csv', data: 'abc', method: 0, crc: 12345 }])));
    expect(e.code).toBe('zip_corrupt');
    expect(e.message).toContain('checksum');
  });

  it('reports a truncated download and a non-zip as corrupt', () => {
    const bytes = zipSync({ 'a.csv': strToU8('x'.repeat(1000)) });
    expect(zipError(() => readZip(bytes.subarray(0, bytes.length - 30))).code).toBe('zip_corrupt');
    expect(zipError(() => readZip(strToU8('not a zip at all, just text'))).code).toBe('zip_corrupt');
    expect(zipError(() => readZip(new Uint8Array(0))).code).toBe('zip_corrupt');
  });

  it('reports data that inflates to less than declared as corrupt', () => {
    const e = zipError(() => readZip(buildZip([{ name: 'short.csv', data: 'abc', declaredSize: 10 }])));
    expect(e.code).toBe('zip_corrupt');
    expect(e.message).toContain('short.csv');
  });
});
