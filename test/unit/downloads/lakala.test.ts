// The Lakala statement API (docs/statement-downloads.md) against the sandbox's Lakala endpoint.
import { describe, expect, it } from 'vitest';
import { sandboxChannelKeys } from '../../../src-main/sandbox/keys';
import { sha256Hex, signBase64 } from '../../../src-main/statements/download/common';
import { downloadLakalaStatement, lakalaMessage } from '../../../src-main/statements/download/lakala';
import { alteringFetch, downloadFailure, fixture, useChannelSandbox } from './helpers';

const sandbox = useChannelSandbox('lakala');
const DAY = '2026-10-03';

describe('Lakala statement download', () => {
  it('returns the day CSV in the lakala-v1 layout, its SHA-256 checked', async () => {
    const d = await downloadLakalaStatement(sandbox.creds, DAY);
    expect(Buffer.from(d.bytes).equals(Buffer.from(fixture('lakala-default-with-refund.csv')))).toBe(true);
    expect(d.fileName).toBe('lakala-default-with-refund.csv');
    expect(d.notes[0]).toBe(`SHA-256 ${sha256Hex(d.bytes)} checked`);
  });

  it('turns "no statement" and "being generated" into errors, the latter worth retrying', async () => {
    const none = await downloadFailure(downloadLakalaStatement(sandbox.creds, '2026-10-04'));
    expect(none.code).toBe('no_statement');
    expect(none.retryable).toBe(false);
    const later = await downloadFailure(downloadLakalaStatement(sandbox.creds, '2026-11-01')); // the day after the sandbox's last
    expect(later.code).toBe('not_ready');
    expect(later.retryable).toBe(true);
  });

  it('is refused when the request is signed with another key; refuses answers it cannot verify', async () => {
    const other = sandboxChannelKeys('someone-else', 'lakala');
    const refused = await downloadFailure(
      downloadLakalaStatement({ ...sandbox.creds, privateKeyPem: other.merchant.privateKeyPem }, DAY),
    );
    expect(refused.code).toBe('channel_error');
    expect(refused.message).toMatch(/BBS10001 验签失败/);

    expect(
      (
        await downloadFailure(
          downloadLakalaStatement({ ...sandbox.creds, platformPublicKeyPem: other.platform.publicKeyPem }, DAY),
        )
      ).code,
    ).toBe('bad_signature');
    const tampered = alteringFetch(/statement/, (body) => ({
      body: new Uint8Array(Buffer.from(Buffer.from(body).toString('utf8').replace('"BBS00000"', '"BBS00000" '))),
    }));
    expect((await downloadFailure(downloadLakalaStatement(sandbox.creds, DAY, { fetch: tampered }))).code).toBe(
      'bad_signature',
    );
  });

  it('refuses content whose SHA-256 is not the announced one, even in a correctly signed answer', async () => {
    const platform = sandboxChannelKeys('downloads-test', 'lakala').platform;
    const forged: typeof fetch = async () => {
      const body = JSON.stringify({
        code: 'BBS00000',
        msg: '成功',
        resp_data: {
          merchant_no: sandbox.creds.merchantNo,
          bill_date: '20261003',
          content: Buffer.from('a,b\n').toString('base64'),
          sha256: '00'.repeat(32),
        },
      });
      const ts = String(Math.floor(Date.now() / 1000));
      return new Response(body, {
        headers: {
          'lklapi-appid': sandbox.creds.appid,
          'lklapi-serial': sandbox.creds.platformSerial,
          'lklapi-timestamp': ts,
          'lklapi-nonce': 'N',
          'lklapi-signature': signBase64(
            platform.privateKey,
            lakalaMessage(sandbox.creds.appid, sandbox.creds.platformSerial, ts, 'N', body),
          ),
        },
      });
    };
    const e = await downloadFailure(downloadLakalaStatement(sandbox.creds, DAY, { fetch: forged }));
    expect(e.code).toBe('hash_mismatch');
  });
});
