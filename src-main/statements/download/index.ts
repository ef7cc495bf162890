// The download adapters, one per channel that has an API (domain.md: WeChat Pay, Lakala and
// UnionPay; Alipay stays a manual zip import, see docs/statement-downloads.md).
import type { DownloadChannel, DownloadedStatement, TransportOptions } from './common';
import type { CredentialsOf } from './credentials';
import { downloadWechatTradeBill } from './wechat';
import { downloadUnionpayFile } from './unionpay';
import { downloadLakalaStatement } from './lakala';

export {
  DOWNLOAD_CHANNELS,
  DownloadError,
  type DownloadChannel,
  type DownloadedStatement,
  type DownloadErrorCode,
  type TransportOptions,
  type FetchLike,
} from './common';

export async function downloadStatement<C extends DownloadChannel>(
  channel: C,
  date: string,
  creds: CredentialsOf[C],
  opts: TransportOptions = {},
): Promise<DownloadedStatement> {
  switch (channel) {
    case 'wechat':
      return downloadWechatTradeBill(creds as CredentialsOf['wechat'], date, opts);
    case 'unionpay':
      return downloadUnionpayFile(creds as CredentialsOf['unionpay'], date, opts);
    case 'lakala':
      return downloadLakalaStatement(creds as CredentialsOf['lakala'], date, opts);
  }
  throw new RangeError(`no download adapter for channel "${String(channel)}"`);
}
