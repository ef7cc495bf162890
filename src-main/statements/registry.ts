// Every statement parser the workstation knows, in the fixed channel order. Detection asks each
// one how sure it is that a file is its format (from the content, never the file name).
import type { StatementParser } from './types';
import type { ColumnProfile } from './profile';
import { wechatTradeBillParser } from './formats/wechat-tradebill';
import { wechatFundFlowParser } from './formats/wechat-fundflow';
import { alipayStatementParser } from './formats/alipay-zip';
import { unionPayZmParser } from './formats/unionpay-zm';
import { mt940Parser } from './formats/mt940';
import { camt053Parser } from './formats/camt053';
import { PROFILE_PARSERS, profileParsersWith } from './formats/profile-parser';
import { channelRank } from '../domain/channels';

const CODED_PARSERS: readonly StatementParser[] = [
  wechatTradeBillParser,
  wechatFundFlowParser,
  alipayStatementParser,
  unionPayZmParser,
  mt940Parser,
  camt053Parser,
];

const inChannelOrder = (parsers: StatementParser[]) =>
  parsers.sort((a, b) => channelRank(a.channel) - channelRank(b.channel));

export const PARSERS: readonly StatementParser[] = inChannelOrder([...CODED_PARSERS, ...PROFILE_PARSERS]);

/** The parsers with built-in column profiles replaced (by id) by the user's edited ones. */
export function parsersWith(edited: ReadonlyMap<string, ColumnProfile>): readonly StatementParser[] {
  return edited.size === 0 ? PARSERS : inChannelOrder([...CODED_PARSERS, ...profileParsersWith(edited)]);
}
