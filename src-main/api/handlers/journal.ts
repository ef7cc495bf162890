// Journals: rules, generation, preview, export jobs and the register (services in journal/).
import { join } from 'node:path';
import type { Handlers } from './index';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { GridRequestError } from '../../store/grid';
import { listUsers } from '../../store/settings';
import {
  currentRules, docByXblnr, journalExportStatus, journalTotals, linesOfDocs, listAccounts, listBatches, pageJournalLines, ruleHistory,
  traceOfDoc,
} from '../../store/journal';
import { JournalError } from '../../journal/generate';
import { JournalValidationError, exportJournals, prepareJournals, rewriteBatch, scopeOf } from '../../journal/export';
import { RuleValidationError, saveAccount, saveRule } from '../../journal/posting-rules';
import type { JournalExportResult } from '../ops/journal';

/** Service errors carry their own code; the problems of a validation travel in the details. */
async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof JournalValidationError) throw new AppError(e.code, e.message, { problems: e.problems });
    if (e instanceof RuleValidationError) throw new AppError(e.code, e.message, { problems: e.problems });
    if (e instanceof JournalError) throw new AppError(e.code, e.message);
    if (e instanceof GridRequestError) throw new AppError('invalid_input', e.message);
    throw e;
  }
}

async function requireUser(ctx: AppContext, actor: string): Promise<void> {
  if (!(await listUsers(ctx.store.read)).some((u) => u.userId === actor)) {
    throw new AppError('forbidden', `"${actor}" is not a local user of this workstation`);
  }
}

const exportDir = (ctx: AppContext) => join(ctx.dataDir, 'exports', 'journals');

function jobResult(r: Awaited<ReturnType<typeof exportJournals>>): JournalExportResult {
  return {
    registerId: r.registerId, file: r.file, fileName: r.fileName, documents: r.documents, lines: r.lines, debitFen: r.debitFen,
    creditFen: r.creditFen, balanced: r.balanced, sha256: r.sha256, rewritten: r.rewritten,
  };
}

export const journalHandlers: Pick<
  Handlers,
  | 'journal.rules.list'
  | 'journal.rules.history'
  | 'journal.rules.save'
  | 'journal.accounts.save'
  | 'journal.generate'
  | 'journal.lines.page'
  | 'journal.export'
  | 'journal.rewrite'
  | 'journal.register'
  | 'journal.status'
  | 'journal.trace'
> = {
  'journal.rules.list': async (_input, ctx) => ({ rules: await currentRules(ctx.store.read), accounts: await listAccounts(ctx.store.read) }),
  'journal.rules.history': async ({ key }, ctx) => ruleHistory(ctx.store.read, key),
  'journal.rules.save': (input, ctx) =>
    mapped(async () => {
      const rule = await saveRule(ctx.store, input);
      ctx.emit({ type: 'data-changed', scope: 'journal' });
      return rule;
    }),
  'journal.accounts.save': ({ account, name, open, actor, reason }, ctx) =>
    mapped(() => saveAccount(ctx.store, { account: { account, name, open }, actor, reason })),
  'journal.generate': ({ scope, actor }, ctx) =>
    mapped(async () => {
      await requireUser(ctx, actor);
      const s = scopeOf(scope);
      const report = await prepareJournals(ctx.store, s, actor);
      ctx.emit({ type: 'data-changed', scope: 'journal' });
      return { from: s.from, to: s.to, totals: await journalTotals(ctx.store.read, s.from, s.to), problems: report.problems };
    }),
  'journal.lines.page': ({ from, to, ...req }, ctx) => mapped(() => pageJournalLines(ctx.store, from, to, req)),
  'journal.export': ({ scope, format, actor }, ctx) =>
    mapped(async () => {
      await requireUser(ctx, actor);
      const s = scopeOf(scope);
      return ctx.jobs.start('journal.export', async (job) => {
        job.progress('export', 0, 1);
        const r = await mapped(() => exportJournals(ctx.store, { scope: s, format, actor, out: null, exportDir: exportDir(ctx) }));
        job.progress('export', 1, 1);
        ctx.emit({ type: 'data-changed', scope: 'journal' });
        return jobResult(r);
      });
    }),
  'journal.rewrite': ({ registerId }, ctx) =>
    mapped(async () =>
      ctx.jobs.start('journal.rewrite', async () => jobResult(await mapped(() => rewriteBatch(ctx.store, registerId, null, exportDir(ctx))))),
    ),
  'journal.register': async ({ limit }, ctx) => listBatches(ctx.store.read, limit),
  'journal.status': async ({ from, to }, ctx) => journalExportStatus(ctx.store.read, from, to),
  'journal.trace': async ({ xblnr }, ctx) => {
    const doc = await docByXblnr(ctx.store.read, xblnr);
    if (!doc) throw new AppError('not_found', `no journal document ${xblnr}`);
    const lines = (await linesOfDocs(ctx.store.read, [doc.id])).get(doc.id) ?? [];
    return { doc, lines, trace: await traceOfDoc(ctx.store.read, doc.id) };
  },
};
