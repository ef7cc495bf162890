// Posting rules (design/journal-sap.md §2–3): which G/L accounts an event of a channel posts to. The
// defaults follow Chinese accounting standards; finance edits every rule in the app, each change is a
// new version, and journals keep the rule key and version they were made with.
import { CHANNEL_CODES, type Channel, BILLING_KINDS } from '../domain/channels';

export const EVENT_TYPES = [
  'receipt',
  'loan_disbursement',
  'aftersales_receipt',
  'refund',
  'fee',
  'settlement',
  'adjustment_long',
  'adjustment_short',
  'writeoff_long',
  'writeoff_short',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The two letters an event contributes to a document reference (XBLNR). */
export const EVENT_CODES: Record<EventType, string> = {
  receipt: 'RC',
  loan_disbursement: 'LN',
  aftersales_receipt: 'AF',
  refund: 'RF',
  fee: 'FE',
  settlement: 'ST',
  adjustment_long: 'AL',
  adjustment_short: 'AS',
  writeoff_long: 'WL',
  writeoff_short: 'WS',
};

export const CHANNEL_REF_CODES: Record<Channel, string> = {
  wechat: 'WX',
  alipay: 'AL',
  lakala: 'LK',
  unionpay: 'UP',
  allinpay: 'AP',
  cash: 'CS',
  wire: 'WR',
};

/** Short channel names for texts in SAP ({ch}). */
export const CHANNEL_TEXT: Record<Channel, string> = {
  wechat: '微信',
  alipay: '支付宝',
  lakala: '拉卡拉',
  unionpay: '银联',
  allinpay: '通联',
  cash: '现金',
  wire: '电汇',
};

export const GRANULARITIES = ['day', 'line'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** SAP field lengths (design/journal-sap.md §1). */
export const FIELD_LENGTHS = {
  BUKRS: 4,
  BLART: 2,
  BKTXT: 25,
  XBLNR: 16,
  HKONT: 10,
  SGTXT: 50,
  ZUONR: 18,
  KOSTL: 10,
  PRCTR: 10,
} as const;

export const MAX_DOC_LINES = 999;

export interface GlAccount {
  account: string;
  name: string;
  open: boolean;
}

export interface PostingRuleFields {
  event: EventType;
  channel: Channel | '*';
  billing: string; // a billing kind or '*'
  drAccount: string;
  crAccount: string;
  costCenter: string;
  profitCenter: string;
  docType: string; // BLART
  headerText: string; // template for BKTXT
  itemText: string; // template for SGTXT
  assignment: string; // template for ZUONR
  granularity: Granularity;
}

export interface PostingRule extends PostingRuleFields {
  key: string;
  version: number;
  validFrom: string;
  createdBy: string;
}

export function ruleKey(r: Pick<PostingRuleFields, 'event' | 'channel' | 'billing'>): string {
  return `${r.event}|${r.channel}|${r.billing}`;
}

// Account numbers are illustrative 10-digit G/L accounts (HKONT); finance replaces them with its own.
const CLEARING: Record<Channel, GlAccount> = {
  wechat: { account: '1012010001', name: '其他货币资金-微信', open: true },
  alipay: { account: '1012020001', name: '其他货币资金-支付宝', open: true },
  lakala: { account: '1012030001', name: '其他货币资金-拉卡拉', open: true },
  unionpay: { account: '1012040001', name: '其他货币资金-银联', open: true },
  allinpay: { account: '1012050001', name: '其他货币资金-通联', open: true },
  cash: { account: '1001010001', name: '库存现金', open: true },
  wire: { account: '1002010001', name: '银行存款-招行', open: true },
};
const BANK = CLEARING.wire;
const ADVANCE_SMALL = { account: '2203010001', name: '预收账款-小定', open: true };
const CONTRACT_VEHICLE = { account: '2205010001', name: '合同负债-整车', open: true };
const CONTRACT_AFTERSALES = { account: '2205020001', name: '合同负债-售后', open: true };
const FEE = { account: '6603020001', name: '财务费用-手续费', open: true };
const SUSPENSE = { account: '1901010001', name: '待处理财产损溢', open: true };
const OTHER_INCOME = { account: '6301010001', name: '营业外收入', open: true };
const ADMIN_EXPENSE = { account: '6602990001', name: '管理费用-其他', open: true };

export const DEFAULT_ACCOUNTS: readonly GlAccount[] = [
  ...CHANNEL_CODES.map((c) => CLEARING[c]).filter((a, i, all) => all.indexOf(a) === i),
  ADVANCE_SMALL,
  CONTRACT_VEHICLE,
  CONTRACT_AFTERSALES,
  FEE,
  SUSPENSE,
  OTHER_INCOME,
  ADMIN_EXPENSE,
];

function text(event: EventType): { header: string; item: string } {
  switch (event) {
    case 'receipt':
      return { header: '{ch}{date}收款', item: '{ch}{date}收款{count}笔' };
    case 'loan_disbursement':
      return { header: '{ch}{date}贷款放款', item: '{ch}{date}贷款放款{count}笔' };
    case 'aftersales_receipt':
      return { header: '{ch}{date}售后收款', item: '{ch}{date}售后收款{count}笔' };
    case 'refund':
      return { header: '{ch}{date}退款', item: '{ch}{date}退款{count}笔' };
    case 'fee':
      return { header: '{ch}{date}手续费', item: '{ch}{date}手续费' };
    case 'settlement':
      return { header: '{ch}{date}结算', item: '{ch}{date}提现' };
    case 'adjustment_long':
      return { header: '{ch}{date}长款待查', item: '{ch}{date}长款待查{count}笔' };
    case 'adjustment_short':
      return { header: '{ch}{date}短款待查', item: '{ch}{date}短款待查{count}笔' };
    case 'writeoff_long':
      return { header: '{ch}{date}长款核销', item: '{ch}{date}长款核销{count}笔' };
    case 'writeoff_short':
      return { header: '{ch}{date}短款核销', item: '{ch}{date}短款核销{count}笔' };
  }
}

function accounts(event: EventType, ch: Channel, billing: string): [GlAccount, GlAccount] {
  const clearing = CLEARING[ch];
  const liability = billing === 'small_deposit' ? ADVANCE_SMALL : CONTRACT_VEHICLE;
  switch (event) {
    case 'receipt':
    case 'loan_disbursement':
      return [clearing, liability];
    case 'aftersales_receipt':
      return [clearing, CONTRACT_AFTERSALES];
    case 'refund':
      return [liability, clearing];
    case 'fee':
      return [FEE, clearing];
    case 'settlement':
      return [BANK, clearing];
    case 'adjustment_long':
      return [clearing, SUSPENSE];
    case 'adjustment_short':
      return [SUSPENSE, clearing];
    case 'writeoff_long':
      return [clearing, OTHER_INCOME];
    case 'writeoff_short':
      return [ADMIN_EXPENSE, clearing];
  }
}

/** The rules a new workstation starts with: one per event and channel, plus 小定 rules for receipts and refunds. */
export function defaultRules(): PostingRuleFields[] {
  const out: PostingRuleFields[] = [];
  for (const event of EVENT_TYPES) {
    for (const ch of CHANNEL_CODES) {
      const billings = event === 'receipt' || event === 'refund' ? ['*', 'small_deposit'] : ['*'];
      for (const billing of billings) {
        const [dr, cr] = accounts(event, ch, billing);
        const t = text(event);
        out.push({
          event,
          channel: ch,
          billing,
          drAccount: dr.account,
          crAccount: cr.account,
          costCenter: '',
          profitCenter: '',
          docType: 'SA',
          headerText: t.header,
          itemText: billing === 'small_deposit' ? t.item.replace('收款', '小定').replace('退款', '退小定') : t.item,
          assignment: '{ch}{date}',
          granularity: 'day',
        });
      }
    }
  }
  return out;
}

export interface TextVars {
  ch: string;
  date: string; // MMDD
  count: number;
  order: string;
}

const PLACEHOLDER = /\{(ch|date|count|order)\}/g;

export function expandTemplate(tpl: string, v: TextVars): string {
  return tpl.replace(PLACEHOLDER, (_m, name: keyof TextVars) => String(v[name]));
}

/** Characters SAP's upload handles badly in texts (line breaks, tabs, other control characters). */
const CONTROL = /[\u0000-\u001f\u007f]/;

export interface RuleProblem {
  field: keyof PostingRuleFields;
  message: string;
}

/**
 * Check a rule against the chart of accounts and SAP's field lengths. Texts are measured after
 * expansion with the longest values they can take ({order} only where it can appear: line rules).
 */
export function checkRule(r: PostingRuleFields, chart: ReadonlyMap<string, GlAccount>): RuleProblem[] {
  const out: RuleProblem[] = [];
  if (!(EVENT_TYPES as readonly string[]).includes(r.event)) out.push({ field: 'event', message: `unknown event "${r.event}"` });
  if (r.channel !== '*' && !(CHANNEL_CODES as readonly string[]).includes(r.channel)) {
    out.push({ field: 'channel', message: `unknown channel "${r.channel}"` });
  }
  if (r.billing !== '*' && !(BILLING_KINDS as readonly string[]).includes(r.billing)) {
    out.push({ field: 'billing', message: `unknown billing kind "${r.billing}"` });
  }
  for (const field of ['drAccount', 'crAccount'] as const) {
    const a = chart.get(r[field]);
    if (!a) out.push({ field, message: `account ${r[field] || '(empty)'} is not in the chart of accounts` });
    else if (!a.open) out.push({ field, message: `account ${a.account} ${a.name} is closed` });
  }
  if (r.drAccount === r.crAccount) out.push({ field: 'crAccount', message: 'debit and credit accounts are the same' });
  if (r.costCenter.length > FIELD_LENGTHS.KOSTL) out.push({ field: 'costCenter', message: `cost centre longer than ${FIELD_LENGTHS.KOSTL}` });
  if (r.profitCenter.length > FIELD_LENGTHS.PRCTR) out.push({ field: 'profitCenter', message: `profit centre longer than ${FIELD_LENGTHS.PRCTR}` });
  if (!/^[A-Z0-9]{2}$/.test(r.docType)) out.push({ field: 'docType', message: 'document type (BLART) must be 2 letters or digits' });
  if (!(GRANULARITIES as readonly string[]).includes(r.granularity)) out.push({ field: 'granularity', message: 'granularity must be day or line' });
  const longest: TextVars = {
    ch: Object.values(CHANNEL_TEXT).reduce((a, b) => (b.length > a.length ? b : a)),
    date: '1231',
    count: 99999,
    order: r.granularity === 'line' ? 'X'.repeat(FIELD_LENGTHS.ZUONR) : '',
  };
  const texts: [keyof PostingRuleFields, string, number, string][] = [
    ['headerText', r.headerText, FIELD_LENGTHS.BKTXT, 'header text (BKTXT)'],
    ['itemText', r.itemText, FIELD_LENGTHS.SGTXT, 'item text (SGTXT)'],
    ['assignment', r.assignment, FIELD_LENGTHS.ZUONR, 'assignment (ZUONR)'],
  ];
  for (const [field, tpl, max, label] of texts) {
    if (tpl.trim() === '') out.push({ field, message: `${label} is empty` });
    else if (CONTROL.test(tpl)) out.push({ field, message: `${label} contains a line break or control character` });
    else {
      const unknown = tpl.replace(PLACEHOLDER, '').match(/\{[^}]*\}/);
      if (unknown) out.push({ field, message: `${label}: unknown placeholder ${unknown[0]} (use {ch} {date} {count} {order})` });
      if (field !== 'assignment' || r.granularity === 'line' || !tpl.includes('{order}')) {
        const n = expandTemplate(tpl, longest).length;
        if (n > max) out.push({ field, message: `${label} can reach ${n} characters, SAP takes ${max}` });
      }
      if (tpl.includes('{order}') && r.granularity === 'day') {
        out.push({ field, message: `${label}: {order} needs granularity "line" (a day summary has no single order)` });
      }
    }
  }
  return out;
}

/** The most specific rule wins: channel before '*', then billing kind before '*'. */
export function pickRule<R extends Pick<PostingRuleFields, 'event' | 'channel' | 'billing'>>(
  rules: readonly R[],
  event: EventType,
  channel: Channel,
  billing: string,
): R | null {
  let best: R | null = null;
  let bestScore = -1;
  for (const r of rules) {
    if (r.event !== event) continue;
    if (r.channel !== '*' && r.channel !== channel) continue;
    if (r.billing !== '*' && r.billing !== billing) continue;
    const score = (r.channel === '*' ? 0 : 2) + (r.billing === '*' ? 0 : 1);
    if (score > bestScore) {
      best = r;
      bestScore = score;
    }
  }
  return best;
}
