// The WeChat Pay v3 trade bill download against the sandbox's WeChat API (real signatures both ways).
import { describe, expect, it } from 'vitest';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sandboxChannelKeys } from '../../../src-main/sandbox/keys';
import { downloadWechatTradeBill } from '../../../src-main/statements/download/wechat';
import { alteringFetch, downloadFailure, fixture, useChannelSandbox } from './helpers';

const sandbox = useChannelSandbox('wechat');
const DAY = '2024-03-15';

describe('WeChat Pay trade bill download', () => {
  it('gets the gzip bill, checks its SHA1 over the uncompressed bytes and returns the CSV', async () => {
    let gzipped = 0;
    const watch = alteringFetch(/billdownload/, (body) => {
      gzipped = body.length;
      expect([body[0], body[1]]).toEqual([0x1f, 0x8b]);
      return { body };
    });
    const d = await downloadWechatTradeBill(sandbox.creds, DAY, { fetch: watch });
    expect(Buffer.from(d.bytes).equals(Buffer.from(fixture('wechat-all-with-refund.csv')))).toBe(true);
    expect(d.fileName).toBe(`wechat-tradebill-${sandbox.creds.mchid}-20240315-ALL.csv`);
    expect(gzipped).toBeGreaterThan(0);
    expect(d.notes[0]).toMatch(/^SHA1 [0-9a-f]{40} checked$/);
  });

  it('refuses a bill whose bytes are not the announced SHA1 (the file itself is not signed)', async () => {
    const swap = alteringFetch(/billdownload/, (body) => {
      const csv = Buffer.from(gunzipSync(body)).toString('utf8').replace('5000.00', '5000.01');
      return { body: new Uint8Array(gzipSync(csv)) };
    });
    const e = await downloadFailure(downloadWechatTradeBill(sandbox.creds, DAY, { fetch: swap }));
    expect(e.code).toBe('hash_mismatch');
    expect(e.message).toMatch(/does not have the SHA1 WeChat Pay announced/);
  });

  it('refuses a file that is not gzip, and a damaged gzip', async () => {
    const plain = alteringFetch(/billdownload/, (body) => ({ body: new Uint8Array(gunzipSync(body)) }));
    expect((await downloadFailure(downloadWechatTradeBill(sandbox.creds, DAY, { fetch: plain }))).message).toMatch(
      /not gzip/,
    );
    const cut = alteringFetch(/billdownload/, (body) => ({ body: body.subarray(0, body.length - 12) }));
    expect((await downloadFailure(downloadWechatTradeBill(sandbox.creds, DAY, { fetch: cut }))).message).toMatch(
      /gzip file is damaged/,
    );
  });

  it('turns NO_STATEMENT_EXIST into an error, never an empty statement', async () => {
    const e = await downloadFailure(downloadWechatTradeBill(sandbox.creds, '2024-03-16'));
    expect(e.code).toBe('no_statement');
    expect(e.details).toMatchObject({ status: 400, channelCode: 'NO_STATEMENT_EXIST' });
    expect(e.message).toMatch(/no trade bill for 2024-03-16/);
  });

  it('treats an error body sent as the bill (200, JSON or XML) as an error', async () => {
    const json = alteringFetch(/billdownload/, () => ({
      body: new Uint8Array(fixture('wechat-error-body-no-statement.json')),
    }));
    expect((await downloadFailure(downloadWechatTradeBill(sandbox.creds, DAY, { fetch: json }))).code).toBe(
      'no_statement',
    );
    const xml = alteringFetch(/billdownload/, () => ({
      body: new Uint8Array(fixture('wechat-error-body-no-bill.xml')),
    }));
    const e = await downloadFailure(downloadWechatTradeBill(sandbox.creds, DAY, { fetch: xml }));
    expect(e.code).toBe('no_statement');
    expect(e.message).toMatch(/not signed/);
  });

  it('is refused by the channel when the request is signed with another key', async () => {
    const stranger = sandboxChannelKeys('someone-else', 'wechat').merchant.privateKeyPem;
    const e = await downloadFailure(downloadWechatTradeBill({ ...sandbox.creds, privateKeyPem: stranger }, DAY));
    expect(e.code).toBe('channel_error');
    expect(e.details.channelCode).toBe('SIGN_ERROR');
    expect(e.message).toMatch(/签名错误/);
  });

  it('refuses an answer that does not verify with the configured platform key, or was altered', async () => {
    const wrong = sandboxChannelKeys('someone-else', 'wechat').platform.publicKeyPem;
    const e1 = await downloadFailure(downloadWechatTradeBill({ ...sandbox.creds, platformPublicKeyPem: wrong }, DAY));
    expect(e1.code).toBe('bad_signature');
    const redirect = alteringFetch(/tradebill/, (body) => ({
      body: new Uint8Array(
        Buffer.from(
          Buffer.from(body)
            .toString('utf8')
            .replace(/"hash_value":"[0-9a-f]+"/, '"hash_value":"0000000000000000000000000000000000000000"'),
        ),
      ),
    }));
    const e2 = await downloadFailure(downloadWechatTradeBill(sandbox.creds, DAY, { fetch: redirect }));
    expect(e2.code).toBe('bad_signature');
    expect(e2.message).toMatch(/altered or is not from WeChat Pay/);
  });

  it('reports an unreachable API as a network failure, worth retrying', async () => {
    const e = await downloadFailure(
      downloadWechatTradeBill({ ...sandbox.creds, url: 'http://127.0.0.1:9' }, DAY, { timeoutMs: 2000 }),
    );
    expect(e.code).toBe('network');
    expect(e.retryable).toBe(true);
  });
});
