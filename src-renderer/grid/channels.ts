// The seven channels, always in this order (domain.md): every channel list, filter and table here
// follows it, whatever order the data or the labels arrive in.
import type { SetFilterOption } from './SetFilter';

export const CHANNEL_ORDER = ['wechat', 'alipay', 'lakala', 'unionpay', 'allinpay', 'cash', 'wire'] as const;

export function channelRank(code: string): number {
  const i = (CHANNEL_ORDER as readonly string[]).indexOf(code);
  return i < 0 ? CHANNEL_ORDER.length : i;
}

/** Items with a channel code, in the fixed channel order (stable for equal ranks). */
export function inChannelOrder<T>(items: readonly T[], code: (item: T) => string): T[] {
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => channelRank(code(a.item)) - channelRank(code(b.item)) || a.i - b.i)
    .map((x) => x.item);
}

/** Set filter options for the channel column. */
export function channelOptions(channels: readonly { code: string; name: string }[]): SetFilterOption[] {
  return inChannelOrder(channels, (c) => c.code).map((c) => ({ value: c.code, label: c.name }));
}
