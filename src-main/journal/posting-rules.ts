// Finance edits posting rules and the chart of accounts in the app: every change is checked, becomes
// a new rule version (journals keep the version they used) and is audited with the reason given.
import type { Store } from '../store';
import type { WriteTx } from '../store/db';
import { accountByNo, currentRules, insertRuleVersion, listAccounts, ruleVersion, upsertAccount } from '../store/journal';
import { audit } from '../store/audit';
import { listUsers } from '../store/settings';
import { JournalError } from './generate';
import { checkRule, ruleKey, type GlAccount, type PostingRule, type PostingRuleFields } from './rules';

export class RuleValidationError extends JournalError {
  constructor(readonly problems: { field: string; message: string }[]) {
    super('invalid_input', problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  }
}

async function requireUser(tx: WriteTx, actor: string): Promise<void> {
  if (!(await listUsers(tx)).some((u) => u.userId === actor)) {
    throw new JournalError('invalid_input', `"${actor}" is not a local user of this workstation`);
  }
}

/** Save a rule: a new version of its key (event|channel|billing). Unchanged fields save nothing. */
export async function saveRule(store: Store, input: { rule: PostingRuleFields; actor: string; reason: string }): Promise<PostingRule> {
  const r = input.rule;
  if (input.reason.trim() === '') throw new JournalError('invalid_input', 'give a reason for the change');
  return store.write(async (tx) => {
    await requireUser(tx, input.actor);
    const chart = new Map((await listAccounts(tx)).map((a) => [a.account, a]));
    const problems = checkRule(r, chart);
    if (problems.length > 0) throw new RuleValidationError(problems);
    const key = ruleKey(r);
    const before = (await currentRules(tx)).find((x) => x.key === key) ?? null;
    if (before && SAME_FIELDS.every((f) => before[f] === r[f])) return before;
    const version = await insertRuleVersion(tx, key, r, input.actor, input.reason.trim());
    await audit(tx, {
      userId: input.actor, action: before ? 'journal.rule.change' : 'journal.rule.add', entity: 'posting_rule', entityId: `${key}#${version}`,
      before, after: r, reason: input.reason.trim(),
    });
    return (await ruleVersion(tx, key, version))!;
  });
}

const SAME_FIELDS = [
  'drAccount', 'crAccount', 'costCenter', 'profitCenter', 'docType', 'headerText', 'itemText', 'assignment', 'granularity',
] as const satisfies readonly (keyof PostingRuleFields)[];

/** Add or change an account of the chart (closing one keeps it for old journals; rules using it fail validation). */
export async function saveAccount(store: Store, input: { account: GlAccount; actor: string; reason: string }): Promise<GlAccount> {
  const a = { account: input.account.account.trim(), name: input.account.name.trim(), open: input.account.open };
  if (!/^[0-9A-Z]{1,10}$/.test(a.account)) throw new JournalError('invalid_input', 'account must be 1–10 digits or capital letters (HKONT)');
  if (a.name === '') throw new JournalError('invalid_input', 'account name is empty');
  if (input.reason.trim() === '') throw new JournalError('invalid_input', 'give a reason for the change');
  return store.write(async (tx) => {
    await requireUser(tx, input.actor);
    const before = await accountByNo(tx, a.account);
    await upsertAccount(tx, a, input.actor);
    await audit(tx, {
      userId: input.actor, action: before ? 'journal.account.change' : 'journal.account.add', entity: 'gl_account', entityId: a.account,
      before, after: a, reason: input.reason.trim(),
    });
    return a;
  });
}
