import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectParse } from '../../../src-main/statements/collect';
import { camt053Parser } from '../../../src-main/statements/formats/camt053';
import { bufferSource } from '../../../src-main/statements/source';
import type { ParseOptions, SniffInput } from '../../../src-main/statements/types';
import { readZip } from '../../../src-main/statements/zip';
import { buildZip } from '../../fixtures/statements/zip-builder';

const FIX = join(__dirname, '../../fixtures/statements');
const fixture = (name: string) => readFileSync(join(FIX, name));
const fixtureText = (name: string) => fixture(name).toString('utf8');
const parse = (name: string, bytes: Uint8Array | string, opts: Omit<ParseOptions, 'emit'> = {}) =>
  collectParse(camt053Parser, bufferSource(name, typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes), opts);

/** What the import service hands to sniff(): for zips, the member names and first lines. */
function sniffOf(bytes: Uint8Array): number {
  const s = bufferSource('x', bytes);
  const input: SniffInput = {
    bytes: bytes.subarray(0, 65536),
    text: '',
    container: s.detection.container,
    encoding: s.detection.encoding,
  };
  if (s.detection.container === 'zip') {
    input.zipMembers = readZip(bytes).map((m) => ({
      name: m.name,
      head: Buffer.from(m.bytes.subarray(0, 4096)).toString('utf8').split(/\r?\n/)[0] ?? '',
    }));
  } else input.text = Buffer.from(bytes.subarray(0, 65536)).toString('utf8');
  return camt053Parser.sniff(input);
}

describe('camt.053 (camt053)', () => {
  it('reads .08: Sts/Cd, Dbtr/Pty/Nm, TxDtls split, reversal and fee entries, UTC DtTm converted before the day is taken', async () => {
    const r = await parse('x.xml', fixture('camt053-v08-dttm-utc.xml'));
    expect(r.errors).toEqual([]);
    expect(r.header).toMatchObject({
      channel: 'wire',
      format: 'camt053.001.08',
      variant: null,
      businessDate: '2024-01-06',
      merchantId: '110923456789012',
      currency: 'CNY',
      periodStart: '2024-01-06T00:00:00+08:00',
      periodEnd: '2024-01-06T23:59:59+08:00',
    });
    expect(r.header.summary).toMatchObject({ openingBalanceFen: 100000, closingBalanceFen: 5379500 });
    expect(r.tieOut).toEqual({
      ok: true,
      checks: [{ name: 'STMT-20240106 closing balance', printed: 5379500, computed: 5379500, ok: true }],
    });
    expect(r.lines.map((l) => [l.lineNo, l.kind, l.amountFen, l.businessDate, l.status])).toEqual([
      [41, 'payment', 5000000, '2024-01-06', 'CRDT'],
      [62, 'payment', 100000, '2024-01-06', 'CRDT'],
      [62, 'payment', 200000, '2024-01-06', 'CRDT'],
      [84, 'reversal', -20000, '2024-01-06', 'DBIT RVSL'],
      [94, 'fee', -1500, '2024-01-06', 'DBIT'],
      [111, 'payment', 1000, '2024-01-06', 'CRDT'],
    ]);
    // 2024-01-05T16:30:00Z is 00:30 on the 6th in Beijing: the 6th, not the 5th.
    expect(r.lines[0]).toMatchObject({
      occurredAt: '2024-01-06T00:30:00+08:00',
      channelTxnId: 'BOC240106000001',
      refNo: 'OT2024010600001',
      merchantOrderNo: 'OT2024010600001',
      payerName: '张三',
      payerAccount: '6222021234567890123',
      remark: '大定 OT2024010600001',
    });
    expect(r.lines[1]).toMatchObject({
      channelTxnId: 'BOC240106000002-1',
      batchNo: 'BATCH-0106-01',
      payerName: '李四',
      payerAccount: '6217001234567890',
      remark: '尾款 OT2024010600002',
    });
    expect(r.lines[2]).toMatchObject({
      channelTxnId: 'BOC240106000002-2',
      refNo: null,
      merchantOrderNo: 'OT2024010600003',
      payerName: '王五',
      payerAccount: '6228481234567890',
      remark: '付款人:王五 账号 6228481234567890 小定 OT2024010600003',
    });
    expect(r.lines[2]!.raw.TxDtls).toBe('2/2');
    expect(r.lines[3]).toMatchObject({
      remark: '冲正 BOC240105009999',
      channelTxnId: 'BOC240106000003',
      merchantOrderNo: null,
    });
    expect(r.lines[3]!.raw['Ntry/RvslInd']).toBe('true');
    expect(r.lines[5]).toMatchObject({
      occurredAt: '2024-01-06T23:30:00+08:00',
      payerName: 'Smith & Sons 中',
      remark: 'A <B> & C',
    });
    // PDNG: shown, not imported, not in the balance
    expect(r.warnings).toEqual([
      expect.objectContaining({
        line: 104,
        code: 'pending_entry',
        field: 'Ntry/Sts',
        message: expect.stringContaining('CRDT 999.99 CNY'),
      }),
    ]);
  });

  it('dispatches a prefixed .04 document; DtTm without an offset is read as Beijing time, with a warning; a debit names the creditor', async () => {
    const r = await parse('x.xml', fixture('camt053-v04-prefixed.xml'));
    expect(r.errors).toEqual([]);
    expect(r.header).toMatchObject({
      format: 'camt053.001.04',
      businessDate: '2024-01-06',
      merchantId: '0200001234567890123',
    });
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatchObject({
      lineNo: 19,
      kind: 'refund',
      amountFen: -12000,
      occurredAt: '2024-01-06T09:15:00+08:00',
      businessDate: '2024-01-06',
      payerName: '客户退款 赵六',
      payerAccount: '6222000011112222333',
      merchantOrderNo: 'OT2024010500009',
      channelTxnId: 'ICBC0001',
    });
    expect(r.warnings.map((w) => [w.line, w.code])).toEqual([[19, 'assumed_offset']]);
    expect(r.tieOut?.ok).toBe(true); // a DBIT closing balance is negative
  });

  it('refuses an entry whose transaction details do not add up, and keeps it as one line of the entry amount', async () => {
    const xml = fixtureText('camt053-v08-dttm-utc.xml').replace(
      '<Amt Ccy="CNY">2000.00</Amt>',
      '<Amt Ccy="CNY">1900.00</Amt>',
    );
    const r = await parse('x.xml', xml);
    expect(r.errors).toEqual([
      expect.objectContaining({
        line: 62,
        code: 'entry_detail_mismatch',
        field: 'TxDtls/AmtDtls/TxAmt',
        message: expect.stringMatching(
          /entry amount is CRDT 3000\.00 CNY but its 2 transaction details add up to 2900\.00 \(difference 100\.00\)/,
        ),
      }),
    ]);
    expect(r.lines.filter((l) => l.lineNo === 62).map((l) => [l.amountFen, l.channelTxnId, l.raw.TxDtls])).toEqual([
      [300000, 'BOC240106000002', 'all 2 (not split)'],
    ]);
    expect(r.lines.find((l) => l.lineNo === 62)!.raw['TxDtls/TxAmts']).toBe('1000.00 | 1900.00');
    expect(r.tieOut?.ok).toBe(true); // the balance follows the booked entry amount
  });

  it('warns and does not split when a detail has no amount', async () => {
    const xml = fixtureText('camt053-v08-dttm-utc.xml').replace(
      '<AmtDtls><TxAmt><Amt Ccy="CNY">2000.00</Amt></TxAmt></AmtDtls>',
      '',
    );
    const r = await parse('x.xml', xml);
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => [w.line, w.code])).toEqual([
      [62, 'entry_not_split'],
      [104, 'pending_entry'],
    ]);
    expect(r.lines.filter((l) => l.lineNo === 62).map((l) => l.amountFen)).toEqual([300000]);
  });

  it('reports opening ± entries ≠ closing as balance_mismatch with the lines involved', async () => {
    const xml = fixtureText('camt053-v08-dttm-utc.xml').replace(
      '<Amt Ccy="CNY">53795.00</Amt>\n        <CdtDbtInd>CRDT</CdtDbtInd>\n        <Dt><Dt>2024-01-06</Dt></Dt>\n      </Bal>\n      <Bal>\n        <Tp><CdOrPrtry><Cd>CLAV',
      '<Amt Ccy="CNY">53795.01</Amt>\n        <CdtDbtInd>CRDT</CdtDbtInd>\n        <Dt><Dt>2024-01-06</Dt></Dt>\n      </Bal>\n      <Bal>\n        <Tp><CdOrPrtry><Cd>CLAV',
    );
    const r = await parse('x.xml', xml);
    expect(r.errors).toEqual([
      expect.objectContaining({
        line: 28,
        code: 'balance_mismatch',
        field: 'Bal CLBD',
        message: expect.stringMatching(
          /statement STMT-20240106 of account 110923456789012 \(line 8\) does not balance: opening OPBD 1000\.00 CNY \(line 22\) \+ booked entries 52795\.00 = 53795\.00, but the closing balance CLBD on line 28 is 53795\.01/,
        ),
      }),
    ]);
    expect(r.tieOut?.ok).toBe(false);
  });

  it('refuses DOCTYPE/ENTITY declarations (XXE, billion laughs) before parsing', async () => {
    const xxe = await parse('x.xml', fixture('camt053-xxe-entity.xml'));
    expect(xxe.lineCount).toBe(0);
    expect(xxe.errors).toEqual([expect.objectContaining({ line: 2, code: 'xml_doctype' })]);
    const laughs =
      '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n' +
      '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>&lol2;</Id></Stmt></BkToCstmrStmt></Document>';
    const bomb = await parse('x.xml', laughs);
    expect(bomb.errors.map((e) => e.code)).toEqual(['xml_doctype']);
    expect(JSON.stringify(bomb)).not.toContain('lollol');
  });

  it('does not expand an undeclared entity reference', async () => {
    const xml = fixtureText('camt053-v08-dttm-utc.xml').replace('A &lt;B&gt; &amp; C', 'A &ext; C');
    const r = await parse('x.xml', xml);
    expect(r.lines.find((l) => l.lineNo === 111)?.remark ?? null).not.toMatch(/passwd|root:/);
  });

  it('refuses an unknown namespace (camt.052 report), a non-ISO XML and a cut-off file', async () => {
    const rpt = await parse('x.xml', fixture('camt053-unknown-namespace-camt052.xml'));
    expect(rpt.errors).toEqual([
      expect.objectContaining({
        line: 2,
        code: 'unknown_namespace',
        message: expect.stringMatching(/camt\.052\.001\.02.*intraday account report, not a statement/),
      }),
    ]);
    const future = await parse(
      'x.xml',
      fixtureText('camt053-v04-prefixed.xml').replace('camt.053.001.04', 'camt.053.001.99'),
    );
    expect(future.errors.map((e) => e.code)).toEqual(['unknown_namespace']);
    const other = await parse('x.xml', '<?xml version="1.0"?>\n<Invoice><Id>1</Id></Invoice>\n');
    expect(other.errors.map((e) => e.code)).toEqual(['not_camt']);
    const cut = await parse('x.xml', fixture('camt053-v04-prefixed-truncated.xml'));
    expect(cut.lineCount).toBe(0);
    expect(cut.errors).toEqual([
      expect.objectContaining({ code: 'bad_xml', message: expect.stringContaining('not well-formed') }),
    ]);
  });

  it('refuses bad amounts, an unknown CdtDbtInd and entries in another currency, each with its line', async () => {
    const xml = fixtureText('camt053-v08-dttm-utc.xml')
      .replace('<Amt Ccy="CNY">15.00</Amt>', '<Amt Ccy="CNY">15.001</Amt>')
      .replace(
        '<Amt Ccy="CNY">10.00</Amt>\n        <CdtDbtInd>CRDT</CdtDbtInd>',
        '<Amt Ccy="CNY">10.00</Amt>\n        <CdtDbtInd>CREDIT</CdtDbtInd>',
      )
      .replace('<Amt Ccy="CNY">200.00</Amt>', '<Amt Ccy="USD">200.00</Amt>');
    const r = await parse('x.xml', xml);
    expect(r.errors.map((e) => [e.line, e.code])).toEqual([
      [84, 'mixed_currency'],
      [94, 'bad_amount'],
      [111, 'bad_sign'],
      [28, 'balance_mismatch'],
    ]);
  });

  it('reads every camt file of a zip, with the member on each line and issue; other members are noted', async () => {
    const zip = buildZip([
      { name: 'day1/camt053-v08.xml', data: fixture('camt053-v08-dttm-utc.xml') },
      { name: 'day1/camt053-v04.xml', data: fixture('camt053-v04-prefixed.xml') },
      { name: 'readme.txt', data: 'statements for January' },
    ]);
    const r = await parse('x.zip', zip);
    expect(r.header).toMatchObject({ variant: 'zip', businessDate: '2024-01-06', merchantId: null });
    expect(r.lines.map((l) => [l.member, l.lineNo])).toEqual([
      ...[41, 62, 62, 84, 94, 111].map((n) => ['day1/camt053-v08.xml', n]),
      ['day1/camt053-v04.xml', 19],
    ]);
    expect(r.warnings.map((w) => [w.member, w.line, w.code])).toEqual([
      ['day1/camt053-v08.xml', 104, 'pending_entry'],
      ['day1/camt053-v04.xml', 19, 'assumed_offset'],
      ['readme.txt', null, 'ignored_member'],
    ]);
    expect(r.errors).toEqual([]);
    const damaged = await parse('x.zip', zip.subarray(0, 100));
    expect(damaged.errors.map((e) => e.code)).toEqual(['zip_corrupt']);
  });

  it('sniffs camt.053 from content: XML, zips of camt files; not MT940 or CSV', () => {
    expect(sniffOf(fixture('camt053-v08-dttm-utc.xml'))).toBeGreaterThanOrEqual(0.95);
    expect(sniffOf(fixture('camt053-v04-prefixed.xml'))).toBeGreaterThanOrEqual(0.95);
    expect(sniffOf(fixture('camt053-unknown-namespace-camt052.xml'))).toBe(0.5);
    expect(sniffOf(buildZip([{ name: 'a.xml', data: fixture('camt053-v08-dttm-utc.xml') }]))).toBe(0.95);
    expect(sniffOf(buildZip([{ name: 'a.xml', data: '<?xml version="1.0"?><Invoice/>' }]))).toBe(0);
    expect(sniffOf(fixture('mt940-two-statements-crlf.sta'))).toBe(0);
    expect(sniffOf(Buffer.from('交易时间,公众账号ID\n'))).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Real files from public repositories, read from the shared samples folder beside the project.

const SAMPLES = resolve(__dirname, '../../../../shared/samples');
const HAVE_SAMPLES = existsSync(join(SAMPLES, 'README.md'));
if (!HAVE_SAMPLES)
  console.warn(`[camt053.test] ${SAMPLES} is absent: the tests against real camt.053 samples are skipped`);
const sample = (name: string) => parse(name, readFileSync(join(SAMPLES, name)));

describe.skipIf(!HAVE_SAMPLES)('real camt.053 samples (../shared/samples)', () => {
  it('viafintech .02 with a PRCD opening: 4 entries / 5 details, balances', async () => {
    const r = await sample('camt053_v02_prcd_opening.xml');
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.header).toMatchObject({
      format: 'camt053.001.02',
      businessDate: '2013-12-27',
      merchantId: 'DE14740618130000033626',
      currency: 'EUR',
    });
    expect(r.lines.map((l) => [l.lineNo, l.amountFen])).toEqual([
      [60, -200],
      [158, -300],
      [219, 100],
      [260, -350],
      [260, -250],
    ]);
    expect(r.tieOut).toEqual({
      ok: true,
      checks: [{ name: '0352C5320131227220503 closing balance', printed: 2306, computed: 2306, ok: true }],
    });
    expect(r.lines[0]).toMatchObject({
      channelTxnId: 'BankReference',
      refNo: 'EndToEndReference',
      payerName: 'Testkonto Nummer 2',
    });
    // the German IBAN in the remittance text is an account, not an order number
    expect(r.lines[1]).toMatchObject({ merchantOrderNo: null, payerAccount: 'DE58740618130100033626' });
    expect(r.lines[3]).toMatchObject({ batchNo: 'STZV-PmInf27122013-11:02-2', refNo: 'STZV-EtE27122013-11:02-1' });
  });

  it('OCA reversal: the reversed entry split into 2 details; the balances do not reconcile', async () => {
    const r = await sample('camt053_oca_reversal.xml');
    expect(r.lines.map((l) => [l.lineNo, l.kind, l.amountFen])).toEqual([
      [50, 'refund', -75425],
      [113, 'reversal', -56405],
      [113, 'reversal', -10000],
      [228, 'payment', 140531],
    ]);
    expect(r.errors).toEqual([
      expect.objectContaining({
        line: 38,
        code: 'balance_mismatch',
        message: expect.stringMatching(
          /= 15555\.28, but the closing balance CLBD on line 38 is 15121\.12 \(difference -434\.16\)/,
        ),
      }),
    ]);
    // FrToDt in UTC → Beijing
    expect(r.header).toMatchObject({
      businessDate: '2014-01-05',
      periodStart: '2014-01-05T08:00:00+08:00',
      periodEnd: '2014-01-06T07:59:59+08:00',
    });
  });

  it('OCA zip of two camt files: an entry differs from its detail by 30.00 in each, neither balances', async () => {
    const r = await sample('camt053_oca_two_statements.zip');
    expect(r.header).toMatchObject({ variant: 'zip', businessDate: null, currency: 'EUR' });
    expect(r.detection.notes).toContain('2 camt files read from the zip');
    expect(r.lines).toHaveLength(6);
    expect(r.lines.filter((l) => l.kind === 'reversal').map((l) => [l.member, l.amountFen])).toEqual([
      ['test-camt053_02.xml', -59405],
      ['test-camt053_03.xml', -59405],
    ]);
    expect(r.errors.map((e) => [e.member, e.line, e.code])).toEqual([
      ['test-camt053_02.xml', 113, 'entry_detail_mismatch'],
      ['test-camt053_02.xml', 38, 'balance_mismatch'],
      ['test-camt053_03.xml', 113, 'entry_detail_mismatch'],
      ['test-camt053_03.xml', 38, 'balance_mismatch'],
    ]);
    expect(r.errors[0]!.message).toMatch(/difference 30\.00/);
    expect(sniffOf(readFileSync(join(SAMPLES, 'camt053_oca_two_statements.zip')))).toBe(0.95);
  });
});
