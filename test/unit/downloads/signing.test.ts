// Signing and verification of the three protocols, checked against the documented signature
// strings with node:crypto directly (not through the code under test), both ways.
import { describe, expect, it } from 'vitest';
import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import { sandboxChannelKeys, sandboxKeyPair } from '../../../src-main/sandbox/keys';
import { DownloadError, privateKeyFrom, publicKeyFrom } from '../../../src-main/statements/download/common';
import {
  parseWechatAuthorization,
  signWechatRequest,
  verifyWechatResponse,
  wechatResponseMessage,
} from '../../../src-main/statements/download/wechat';
import {
  formatUnionpayMessage,
  parseUnionpayMessage,
  signUnionpay,
  unionpaySignString,
  verifyUnionpay,
} from '../../../src-main/statements/download/unionpay';
import {
  parseLakalaAuthorization,
  signLakalaRequest,
  verifyLakalaResponse,
} from '../../../src-main/statements/download/lakala';

const wx = sandboxChannelKeys('signing-test', 'wechat');
const NOW = Date.parse('2026-10-02T06:30:00Z');

function thrown(fn: () => unknown): DownloadError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DownloadError) return e;
    throw e;
  }
  throw new Error('expected a DownloadError');
}

describe('sandbox keys', () => {
  it('are RSA-2048, the same for the same seed and label, different otherwise', () => {
    const again = sandboxChannelKeys('signing-test', 'wechat');
    expect(again.merchant.privateKeyPem).toBe(wx.merchant.privateKeyPem);
    expect(wx.merchant.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(wx.merchant.privateKeyPem).not.toBe(wx.platform.privateKeyPem);
    expect(sandboxKeyPair('number:1|wechat|merchant').publicKeyPem).not.toBe(
      sandboxKeyPair('string:1|wechat|merchant').publicKeyPem,
    );
    expect(wx.merchant.serial).toMatch(/^[0-9A-F]{40}$/);
    // The pair really is a pair.
    const sig = sign('sha256', Buffer.from('x'), wx.merchant.privateKey);
    expect(verify('sha256', Buffer.from('x'), wx.merchant.publicKey, sig)).toBe(true);
  });
});

describe('WeChat Pay v3 signatures', () => {
  it('signs "METHOD\\nURL\\ntimestamp\\nnonce\\nbody\\n" with the path and query only', () => {
    const header = signWechatRequest(
      wx.merchant.privateKey,
      { mchid: '1900012345', serialNo: 'ABC123' },
      'GET',
      'https://api.mch.weixin.qq.com/v3/bill/tradebill?bill_date=2026-10-01&bill_type=ALL&tar_type=GZIP',
      '',
      NOW,
      'NONCE0001',
    );
    expect(header).toMatch(
      /^WECHATPAY2-SHA256-RSA2048 mchid="1900012345",nonce_str="NONCE0001",timestamp="1790922600",serial_no="ABC123",signature="[A-Za-z0-9+/]+=*"$/,
    );
    const auth = parseWechatAuthorization(header)!;
    const expected =
      'GET\n/v3/bill/tradebill?bill_date=2026-10-01&bill_type=ALL&tar_type=GZIP\n1790922600\nNONCE0001\n\n';
    expect(verify('sha256', Buffer.from(expected), wx.merchant.publicKey, Buffer.from(auth.signature, 'base64'))).toBe(
      true,
    );
    expect(verify('sha256', Buffer.from(expected), wx.platform.publicKey, Buffer.from(auth.signature, 'base64'))).toBe(
      false,
    );
  });

  const respond = (body: string, key = wx.platform.privateKey, serial = wx.platform.serial, ts = '1790922600') => ({
    body: new Uint8Array(Buffer.from(body)),
    headers: new Headers({
      'wechatpay-timestamp': ts,
      'wechatpay-nonce': 'N1',
      'wechatpay-serial': serial,
      'wechatpay-signature': sign('sha256', Buffer.from(`${ts}\nN1\n${body}\n`), key).toString('base64'),
    }),
  });

  it('accepts an answer signed over "timestamp\\nnonce\\nbody\\n" with the platform key', () => {
    expect(wechatResponseMessage('1', 'n', '{}')).toBe('1\nn\n{}\n');
    expect(() =>
      verifyWechatResponse(respond('{"a":1}'), wx.platform.publicKey, wx.platform.serial, NOW),
    ).not.toThrow();
  });

  it('refuses a tampered body, another key, another serial, an old answer, no signature', () => {
    const ok = respond('{"hash_value":"aa"}');
    const tampered = { ...ok, body: new Uint8Array(Buffer.from('{"hash_value":"bb"}')) };
    const e1 = thrown(() => verifyWechatResponse(tampered, wx.platform.publicKey, wx.platform.serial, NOW));
    expect(e1.code).toBe('bad_signature');
    expect(e1.message).toMatch(/altered or is not from WeChat Pay/);

    const forged = respond('{"a":1}', wx.merchant.privateKey);
    expect(thrown(() => verifyWechatResponse(forged, wx.platform.publicKey, wx.platform.serial, NOW)).code).toBe(
      'bad_signature',
    );

    const rotated = respond('{"a":1}', wx.platform.privateKey, 'NEWSERIAL');
    expect(thrown(() => verifyWechatResponse(rotated, wx.platform.publicKey, wx.platform.serial, NOW)).message).toMatch(
      /signed with platform key NEWSERIAL.*update the platform public key/,
    );

    const old = respond('{"a":1}', wx.platform.privateKey, wx.platform.serial, String(NOW / 1000 - 301));
    expect(thrown(() => verifyWechatResponse(old, wx.platform.publicKey, wx.platform.serial, NOW)).code).toBe(
      'stale_response',
    );

    const bare = { body: ok.body, headers: new Headers() };
    expect(thrown(() => verifyWechatResponse(bare, wx.platform.publicKey, wx.platform.serial, NOW)).message).toMatch(
      /not signed/,
    );
  });
});

describe('UnionPay signMethod 01', () => {
  const up = sandboxChannelKeys('signing-test', 'unionpay');

  it('signs the SHA-256 hex of the sorted key=value string, without the signature field', () => {
    const fields = { txnType: '76', merId: '898310059990000', settleDate: '1001', accessType: '0', certId: '12345' };
    expect(unionpaySignString({ ...fields, signature: 'ignored' })).toBe(
      'accessType=0&certId=12345&merId=898310059990000&settleDate=1001&txnType=76',
    );
    const signature = signUnionpay(up.merchant.privateKey, fields);
    const digestHex = createHash('sha256')
      .update('accessType=0&certId=12345&merId=898310059990000&settleDate=1001&txnType=76')
      .digest('hex');
    expect(verify('sha256', Buffer.from(digestHex), up.merchant.publicKey, Buffer.from(signature, 'base64'))).toBe(
      true,
    );
    expect(verifyUnionpay(up.merchant.publicKey, { ...fields, signature })).toBe(true);
    expect(verifyUnionpay(up.platform.publicKey, { ...fields, signature })).toBe(false);
    expect(verifyUnionpay(up.merchant.publicKey, { ...fields, settleDate: '1002', signature })).toBe(false);
    expect(verifyUnionpay(up.merchant.publicKey, fields)).toBe(false);
  });

  it('reads gateway answers with raw base64 values and {…} groups as the ACP SDK does', () => {
    const text = formatUnionpayMessage({
      respCode: '00',
      fileContent: 'eJw+/a==',
      reserved: '{a=1&b=2}',
      respMsg: '成功',
    });
    expect(text).toBe('respCode=00&fileContent=eJw+/a==&reserved={a=1&b=2}&respMsg=成功');
    expect(parseUnionpayMessage(text)).toEqual({
      respCode: '00',
      fileContent: 'eJw+/a==',
      reserved: '{a=1&b=2}',
      respMsg: '成功',
    });
  });
});

describe('Lakala signatures', () => {
  const lk = sandboxChannelKeys('signing-test', 'lakala');

  it('signs "appid\\nserial_no\\ntimestamp\\nnonce_str\\nbody\\n" and verifies Lklapi-* answers', () => {
    const body = '{"req_data":{}}';
    const header = signLakalaRequest(
      lk.merchant.privateKey,
      { appid: 'OP00000003', serialNo: 'S1' },
      body,
      NOW,
      'ABCDEF123456',
    );
    const auth = parseLakalaAuthorization(header)!;
    expect(auth).toMatchObject({
      appid: 'OP00000003',
      serial_no: 'S1',
      timestamp: '1790922600',
      nonce_str: 'ABCDEF123456',
    });
    const expected = `OP00000003\nS1\n1790922600\nABCDEF123456\n${body}\n`;
    expect(verify('sha256', Buffer.from(expected), lk.merchant.publicKey, Buffer.from(auth.signature, 'base64'))).toBe(
      true,
    );

    const answer = '{"code":"BBS00000"}';
    const headers = (key = lk.platform.privateKey, appid = 'OP00000003') =>
      new Headers({
        'lklapi-appid': appid,
        'lklapi-serial': 'P1',
        'lklapi-timestamp': '1790922600',
        'lklapi-nonce': 'N2',
        'lklapi-signature': sign('sha256', Buffer.from(`${appid}\nP1\n1790922600\nN2\n${answer}\n`), key).toString(
          'base64',
        ),
      });
    const expectedIds = { appid: 'OP00000003', platformSerial: 'P1' };
    const body8 = new Uint8Array(Buffer.from(answer));
    expect(() =>
      verifyLakalaResponse({ headers: headers(), body: body8 }, lk.platform.publicKey, expectedIds, NOW),
    ).not.toThrow();
    expect(
      thrown(() =>
        verifyLakalaResponse(
          { headers: headers(lk.merchant.privateKey), body: body8 },
          lk.platform.publicKey,
          expectedIds,
          NOW,
        ),
      ).code,
    ).toBe('bad_signature');
    expect(
      thrown(() =>
        verifyLakalaResponse(
          { headers: headers(), body: new Uint8Array(Buffer.from('{"code":"BBS00001"}')) },
          lk.platform.publicKey,
          expectedIds,
          NOW,
        ),
      ).code,
    ).toBe('bad_signature');
    expect(
      thrown(() =>
        verifyLakalaResponse(
          { headers: headers(lk.platform.privateKey, 'OP999'), body: body8 },
          lk.platform.publicKey,
          expectedIds,
          NOW,
        ),
      ).message,
    ).toMatch(/application OP999/);
  });
});

describe('keys from settings', () => {
  it('refuses what is not an RSA PEM key of at least 2048 bits, with the reason', () => {
    expect(thrown(() => privateKeyFrom('not a key', 'The merchant private key')).message).toMatch(
      /The merchant private key is not a PEM private key/,
    );
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pem = small.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(thrown(() => privateKeyFrom(pem, 'The key')).message).toMatch(/1024 bits; at least 2048/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(
      thrown(() => publicKeyFrom(ec.publicKey.export({ type: 'spki', format: 'pem' }).toString(), 'The platform key'))
        .message,
    ).toMatch(/ec key; the channel signs with RSA/);
    // A PEM pasted with literal \n instead of line breaks is still read.
    const flat = wx.merchant.privateKeyPem.trim().replace(/\n/g, '\\n');
    expect(privateKeyFrom(flat, 'k').asymmetricKeyDetails?.modulusLength).toBe(2048);
  });
});
