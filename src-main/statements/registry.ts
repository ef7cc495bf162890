// Every statement parser the workstation knows, in the fixed channel order. Detection asks each
// one how sure it is that a file is its format (from the content, never the file name).
import type { StatementParser } from './types';
import { wechatTradeBillParser } from './formats/wechat-tradebill';
import { wechatFundFlowParser } from './formats/wechat-fundflow';
import { alipayStatementParser } from './formats/alipay-zip';
import { unionPayZmParser } from './formats/unionpay-zm';
import { mt940Parser } from './formats/mt940';
import { camt053Parser } from './formats/camt053';
import { PROFILE_PARSERS } from './formats/profile-parser';
import { channelRank } from '../domain/channels';

export const PARSERS: readonly StatementParser[] = [
  wechatTradeBillParser,
  wechatFundFlowParser,
  alipayStatementParser,
  unionPayZmParser,
  mt940Parser,
  camt053Parser,
  ...PROFILE_PARSERS,
].sort((a, b) => channelRank(a.channel) - channelRank(b.channel));
