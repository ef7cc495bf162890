// UnionPay fileTransfer against the sandbox's gateway: sorted-string RSA signatures both ways, and
// the base64 → inflate → zip path of fileContent.
import { describe, expect, it } from 'vitest';
import { deflateSync, inflateSync } from 'node:zlib';
import { sandboxChannelKeys } from '../../../src-main/sandbox/keys';
import {
  downloadUnionpayFile,
  formatUnionpayMessage,
  parseUnionpayMessage,
  signUnionpay,
} from '../../../src-main/statements/download/unionpay';
import { readZip } from '../../../src-main/statements/zip';
import { alteringFetch, downloadFailure, fixture, useChannelSandbox } from './helpers';

const sandbox = useChannelSandbox('unionpay');
const DAY = '2026-10-03';

describe('UnionPay fileTransfer', () => {
  it('posts a signed txnType 76 request and unpacks base64 → deflate → the day zip', async () => {
    let answer: Record<string, string> = {};
    let request = new URLSearchParams();
    const watch = alteringFetch(/fileTransRequest/, (body) => {
      answer = parseUnionpayMessage(Buffer.from(body).toString('utf8'));
      return { body };
    });
    const spy: typeof fetch = async (input, init) => {
      request = new URLSearchParams(String(init?.body));
      return watch(String(input), init);
    };
    const d = await downloadUnionpayFile(sandbox.creds, DAY, { fetch: spy });
    expect(Object.fromEntries(request)).toMatchObject({
      txnType: '76',
      fileType: '00',
      signMethod: '01',
      settleDate: '1003',
      merId: sandbox.creds.merId,
      certId: sandbox.creds.certId,
    });
    expect(request.get('signature')).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(answer['respCode']).toBe('00');
    expect(answer['fileContent']).toMatch(/^[A-Za-z0-9+/]+=*$/); // raw base64 in the answer, not URL-encoded
    // The test unpacks the answer itself too: the adapter returns exactly the inflated zip.
    const zip = inflateSync(Buffer.from(answer['fileContent']!, 'base64'));
    expect(Buffer.from(d.bytes).equals(zip)).toBe(true);
    expect(d.fileName).toBe(`${sandbox.creds.merId}_20261003.zip`);
    const members = readZip(d.bytes);
    expect(members).toHaveLength(1);
    expect(Buffer.from(members[0]!.bytes).equals(Buffer.from(fixture('unionpay-pos-void-and-return.csv')))).toBe(true);
  });

  it('turns respCode 98 (no file) into an error', async () => {
    const e = await downloadFailure(downloadUnionpayFile(sandbox.creds, '2026-10-04'));
    expect(e.code).toBe('no_statement');
    expect(e.details.channelCode).toBe('98');
  });

  it('checks the year the settleDate cannot carry, in the returned file name', async () => {
    // 2025-10-03 asks settleDate 1003; the gateway answers with its latest 10-03, of 2026.
    const e = await downloadFailure(downloadUnionpayFile(sandbox.creds, '2025-10-03'));
    expect(e.code).toBe('bad_content');
    expect(e.message).toMatch(/_20261003\.zip.*not the file of 2025-10-03/);
  });

  it('is refused by the gateway when the request is signed with another key', async () => {
    const stranger = sandboxChannelKeys('someone-else', 'unionpay').merchant.privateKeyPem;
    const e = await downloadFailure(downloadUnionpayFile({ ...sandbox.creds, privateKeyPem: stranger }, DAY));
    expect(e.code).toBe('channel_error');
    expect(e.details.channelCode).toBe('11');
    expect(e.message).toMatch(/验证签名失败/);
  });

  it('refuses an altered answer and one verified with the wrong UnionPay key', async () => {
    const swap = alteringFetch(/fileTransRequest/, (body) => {
      const f = parseUnionpayMessage(Buffer.from(body).toString('utf8'));
      f['fileContent'] = deflateSync(Buffer.from('PK\u0003\u0004 not the file')).toString('base64');
      return { body: new Uint8Array(Buffer.from(formatUnionpayMessage(f))) };
    });
    const e1 = await downloadFailure(downloadUnionpayFile(sandbox.creds, DAY, { fetch: swap }));
    expect(e1.code).toBe('bad_signature');
    expect(e1.message).toMatch(/altered or is not from UnionPay/);

    const wrong = sandboxChannelKeys('someone-else', 'unionpay').platform.publicKeyPem;
    expect(
      (await downloadFailure(downloadUnionpayFile({ ...sandbox.creds, platformPublicKeyPem: wrong }, DAY))).code,
    ).toBe('bad_signature');

    const unsigned = alteringFetch(/fileTransRequest/, (body) => {
      const f = parseUnionpayMessage(Buffer.from(body).toString('utf8'));
      delete f['signature'];
      return { body: new Uint8Array(Buffer.from(formatUnionpayMessage(f))) };
    });
    expect((await downloadFailure(downloadUnionpayFile(sandbox.creds, DAY, { fetch: unsigned }))).message).toMatch(
      /not signed/,
    );
  });

  it('refuses fileContent that is signed but not a deflated zip', async () => {
    // A gateway that signs what it sends, but sends junk: the signature is right, the content is not.
    const platform = sandboxChannelKeys('downloads-test', 'unionpay').platform.privateKey;
    const junk =
      (content: string): typeof fetch =>
      async (_input, init) => {
        const req = Object.fromEntries(new URLSearchParams(String(init?.body)));
        const f: Record<string, string> = {
          txnType: '76',
          merId: req['merId']!,
          settleDate: req['settleDate']!,
          respCode: '00',
          respMsg: 'ok',
          fileName: `${req['merId']}_20261003.zip`,
          fileContent: content,
        };
        f['signature'] = signUnionpay(platform, f);
        return new Response(formatUnionpayMessage(f), { status: 200 });
      };
    const notDeflate = await downloadFailure(
      downloadUnionpayFile(sandbox.creds, DAY, { fetch: junk(Buffer.from('plain').toString('base64')) }),
    );
    expect(notDeflate.message).toMatch(/does not inflate/);
    const notZip = await downloadFailure(
      downloadUnionpayFile(sandbox.creds, DAY, {
        fetch: junk(deflateSync(Buffer.from('a,b\n1,2\n')).toString('base64')),
      }),
    );
    expect(notZip.message).toMatch(/not a readable zip/);
  });
});
