// The Lakala statement API (docs/statement-downloads.md) against the sandbox's Lakala endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxChannelKeys } from '../../../src-main/sandbox/keys';
import { DownloadError, sha256Hex, signBase64 } from '../../../src-main/statements/download/common';
import {
  downloadLakalaStatement,
  lakalaMessage,
  type LakalaCredentials,
} from '../../../src-main/statements/download/lakala';
import { alteringFetch, fixture, startChannelSandbox, type ChannelSandbox } from './helpers';

let sb: ChannelSandbox;
let creds: LakalaCredentials;
const DAY = '2026-10-03';

beforeAll(async () => {
  sb = await startChannelSandbox();
  creds = sb.api.credentials(sb.url).lakala;
});
afterAll(() => sb.close());

async function failure(p: Promise<unknown>): Promise<DownloadError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DownloadError) return e;
    throw e;
  }
  throw new Error('expected the download to fail');
}

describe('Lakala statement download', () => {
  it('returns the day CSV in the lakala-v1 layout, its SHA-256 checked', async () => {
    const d = await downloadLakalaStatement(creds, DAY);
    expect(Buffer.from(d.bytes).equals(Buffer.from(fixture('lakala-default-with-refund.csv')))).toBe(true);
    expect(d.fileName).toBe('lakala-default-with-refund.csv');
    expect(d.notes[0]).toBe(`SHA-256 ${sha256Hex(d.bytes)} checked`);
  });

  it('turns "no statement" and "being generated" into errors, the latter worth retrying', async () => {
    const none = await failure(downloadLakalaStatement(creds, '2026-10-04'));
    expect(none.code).toBe('no_statement');
    expect(none.retryable).toBe(false);
    const later = await failure(downloadLakalaStatement(creds, '2026-11-01')); // the day after the sandbox's last
    expect(later.code).toBe('not_ready');
    expect(later.retryable).toBe(true);
  });

  it('is refused when the request is signed with another key; refuses answers it cannot verify', async () => {
    const other = sandboxChannelKeys('someone-else', 'lakala');
    const refused = await failure(
      downloadLakalaStatement({ ...creds, privateKeyPem: other.merchant.privateKeyPem }, DAY),
    );
    expect(refused.code).toBe('channel_error');
    expect(refused.message).toMatch(/BBS10001 验签失败/);

    expect(
      (await failure(downloadLakalaStatement({ ...creds, platformPublicKeyPem: other.platform.publicKeyPem }, DAY)))
        .code,
    ).toBe('bad_signature');
    const tampered = alteringFetch(/statement/, (body) => ({
      body: new Uint8Array(Buffer.from(Buffer.from(body).toString('utf8').replace('"BBS00000"', '"BBS00000" '))),
    }));
    expect((await failure(downloadLakalaStatement(creds, DAY, { fetch: tampered }))).code).toBe('bad_signature');
  });

  it('refuses content whose SHA-256 is not the announced one, even in a correctly signed answer', async () => {
    const platform = sandboxChannelKeys('downloads-test', 'lakala').platform;
    const forged: typeof fetch = async () => {
      const body = JSON.stringify({
        code: 'BBS00000',
        msg: '成功',
        resp_data: {
          merchant_no: creds.merchantNo,
          bill_date: '20261003',
          content: Buffer.from('a,b\n').toString('base64'),
          sha256: '00'.repeat(32),
        },
      });
      const ts = String(Math.floor(Date.now() / 1000));
      return new Response(body, {
        headers: {
          'lklapi-appid': creds.appid,
          'lklapi-serial': creds.platformSerial,
          'lklapi-timestamp': ts,
          'lklapi-nonce': 'N',
          'lklapi-signature': signBase64(
            platform.privateKey,
            lakalaMessage(creds.appid, creds.platformSerial, ts, 'N', body),
          ),
        },
      });
    };
    const e = await failure(downloadLakalaStatement(creds, DAY, { fetch: forged }));
    expect(e.code).toBe('hash_mismatch');
  });
});
