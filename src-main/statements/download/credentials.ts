// Where each channel's download credentials live. The ids and the API address are settings
// (setting `downloads.<channel>`, JSON; shown in Settings and in the audit log). The keys are
// secrets (`downloads.<channel>.privateKey`, `downloads.<channel>.platformPublicKey`) in the
// SecretStore: safeStorage under Electron, an owner-only file for web mode and the CLI. The
// platform public key is not secret, but it decides whose answers are trusted, so it is kept where
// the merchant key is.
import type { ReadDb, WriteTx } from '../../store/db';
import { getSetting, putSetting } from '../../store/settings';
import type { SecretStore } from '../../api/secrets';
import { DownloadError, keyFingerprint, privateKeyFrom, publicKeyFrom, type DownloadChannel } from './common';
import type { WechatCredentials } from './wechat';
import type { UnionpayCredentials } from './unionpay';
import type { LakalaCredentials } from './lakala';

export interface CredentialsOf {
  wechat: WechatCredentials;
  unionpay: UnionpayCredentials;
  lakala: LakalaCredentials;
}

/** The non-secret fields of each channel, in the order Settings shows them. */
export const ID_FIELDS = {
  wechat: ['url', 'mchid', 'serialNo', 'platformSerial'],
  unionpay: ['url', 'merId', 'certId'],
  lakala: ['url', 'appid', 'serialNo', 'merchantNo', 'platformSerial'],
} as const satisfies { [C in DownloadChannel]: readonly (keyof CredentialsOf[C])[] };

export type IdField<C extends DownloadChannel> = (typeof ID_FIELDS)[C][number];
export type IdFields<C extends DownloadChannel> = { [K in IdField<C>]: string };

export const KEY_NAMES = ['privateKey', 'platformPublicKey'] as const;
export type KeyName = (typeof KEY_NAMES)[number];

export const settingKey = (channel: DownloadChannel) => `downloads.${channel}`;
export const secretKey = (channel: DownloadChannel, key: KeyName) => `downloads.${channel}.${key}`;

export interface StoredConfig {
  fields: Record<string, string>;
  /** UnionPay: downloaded by the 14:30 scheduler (default on). */
  automatic: boolean;
}

export async function readConfig(read: ReadDb, channel: DownloadChannel): Promise<StoredConfig> {
  const text = await getSetting(read, settingKey(channel));
  if (!text) return { fields: {}, automatic: true };
  const parsed = JSON.parse(text) as { fields?: Record<string, unknown>; automatic?: unknown };
  const fields: Record<string, string> = {};
  for (const k of ID_FIELDS[channel] as readonly string[]) {
    const v = parsed.fields?.[k];
    if (typeof v === 'string' && v !== '') fields[k] = v;
  }
  return { fields, automatic: parsed.automatic !== false };
}

export async function writeConfig(tx: WriteTx, channel: DownloadChannel, config: StoredConfig): Promise<void> {
  await putSetting(tx, settingKey(channel), JSON.stringify(config));
}

/** What Settings shows of a channel: never a key, only whether it is there and its fingerprint. */
export interface ChannelDownloadView {
  channel: DownloadChannel;
  configured: boolean;
  /** Names of what is still missing (fields and keys). */
  missing: string[];
  fields: Record<string, string>;
  automatic: boolean;
  privateKey: { present: boolean; fingerprint: string | null; error: string | null };
  platformPublicKey: { present: boolean; fingerprint: string | null; error: string | null };
  keyStorage: SecretStore['kind'];
}

function keyView(pem: string | null, kind: 'private' | 'public', what: string): ChannelDownloadView['privateKey'] {
  if (pem === null) return { present: false, fingerprint: null, error: null };
  try {
    const key = kind === 'private' ? privateKeyFrom(pem, what) : publicKeyFrom(pem, what);
    return { present: true, fingerprint: keyFingerprint(key), error: null };
  } catch (e) {
    return { present: true, fingerprint: null, error: (e as Error).message };
  }
}

export async function channelView(
  read: ReadDb,
  secrets: SecretStore,
  channel: DownloadChannel,
): Promise<ChannelDownloadView> {
  const config = await readConfig(read, channel);
  const privateKey = keyView(
    await secrets.get(secretKey(channel, 'privateKey')),
    'private',
    'the merchant private key',
  );
  const platformPublicKey = keyView(
    await secrets.get(secretKey(channel, 'platformPublicKey')),
    'public',
    'the platform public key',
  );
  const missing = [
    ...(ID_FIELDS[channel] as readonly string[]).filter((k) => !config.fields[k]),
    ...(privateKey.present ? [] : ['privateKey']),
    ...(platformPublicKey.present ? [] : ['platformPublicKey']),
  ];
  return {
    channel,
    configured: missing.length === 0,
    missing,
    fields: config.fields,
    automatic: config.automatic,
    privateKey,
    platformPublicKey,
    keyStorage: secrets.kind,
  };
}

/** Overrides for scripted use (the CLI's --url and key files): they win over what is stored. */
export interface CredentialOverrides {
  url?: string;
  privateKeyPem?: string;
  platformPublicKeyPem?: string;
}

/** Everything the adapter of `channel` needs; DownloadError('not_configured') names what is missing. */
export async function loadCredentials<C extends DownloadChannel>(
  read: ReadDb,
  secrets: SecretStore,
  channel: C,
  overrides: CredentialOverrides = {},
): Promise<CredentialsOf[C]> {
  const { fields } = await readConfig(read, channel);
  if (overrides.url) fields['url'] = overrides.url;
  const privateKeyPem = overrides.privateKeyPem ?? (await secrets.get(secretKey(channel, 'privateKey')));
  const platformPublicKeyPem =
    overrides.platformPublicKeyPem ?? (await secrets.get(secretKey(channel, 'platformPublicKey')));
  const missing = [
    ...(ID_FIELDS[channel] as readonly string[]).filter((k) => !fields[k]),
    ...(privateKeyPem ? [] : ['privateKey']),
    ...(platformPublicKeyPem ? [] : ['platformPublicKey']),
  ];
  if (missing.length) {
    throw new DownloadError(
      'not_configured',
      `the ${channel} download is not configured: set ${missing.join(', ')} in Settings (downloads.settings.update)`,
    );
  }
  return { ...fields, privateKeyPem, platformPublicKeyPem } as unknown as CredentialsOf[C];
}
