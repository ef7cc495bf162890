// otd close: the month-end checklist of a period, and the acts on it (sign-off as preparer or
// reviewer, lock, reopen with a reason, the close pack). JSON on stdout with --json.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, args, CliError, printJson, required } from './common';
import { openStore } from '../store';
import { periodView, type PeriodView } from '../close/checklist';
import { lockPeriod, reopenPeriod, signOffPeriod } from '../close/signoff';
import { writeClosePack } from '../close/pack';
import { formatFen } from '../domain/money';

function printView(v: PeriodView): void {
  process.stdout.write(`${v.period} (${v.from} – ${v.to}): ${v.status}${v.preparedBy ? `, prepared by ${v.preparedBy}` : ''}` +
    `${v.reviewedBy ? `, reviewed by ${v.reviewedBy}` : ''}${v.lockedBy ? `, locked by ${v.lockedBy}` : ''}\n`);
  for (const c of v.checklist) {
    process.stdout.write(`  [${c.ok ? 'x' : ' '}] ${c.key.padEnd(12)} ${c.failing}/${c.total} failing${c.examples.length ? `  e.g. ${c.examples.slice(0, 3).join(', ')}` : ''}\n`);
  }
  const openFen = v.openItems.reduce((a, i) => a + Math.abs(i.amountFen), 0);
  process.stdout.write(`  open items: ${v.openItems.length} (${formatFen(openFen)})\n`);
}

export const closeCommands: Command[] = [
  {
    name: 'close',
    summary:
      '--db PATH --period YYYY-MM [--signoff preparer|reviewer --user U | --lock --user U | --reopen --user U --reason R | --pack FILE [--lang zh|en]] [--json]  month-end checklist and close',
    async run(argv) {
      const { values } = args(argv, {
        db: { type: 'string' },
        period: { type: 'string' },
        signoff: { type: 'string' },
        lock: { type: 'boolean' },
        reopen: { type: 'boolean' },
        user: { type: 'string' },
        reason: { type: 'string' },
        pack: { type: 'string' },
        lang: { type: 'string' },
      });
      const period = required(values.period, 'period');
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) throw new CliError(`--period must be YYYY-MM, got "${period}"`);
      const acts = [values.signoff !== undefined, values.lock, values.reopen, values.pack !== undefined].filter(Boolean).length;
      if (acts > 1) throw new CliError('give at most one of --signoff, --lock, --reopen, --pack');
      if (values.signoff !== undefined && values.signoff !== 'preparer' && values.signoff !== 'reviewer') {
        throw new CliError(`--signoff must be preparer or reviewer, got "${values.signoff}"`);
      }
      if (values.lang !== undefined && values.lang !== 'zh' && values.lang !== 'en') throw new CliError(`--lang must be zh or en, got "${values.lang}"`);
      const path = resolve(required(values.db, 'db'));
      if (!existsSync(path)) throw new CliError(`no database at ${path}`);
      const store = await openStore(path);
      try {
        let view: PeriodView;
        if (values.signoff !== undefined) {
          view = await signOffPeriod(store, { period, role: values.signoff, actor: required(values.user, 'user') });
        } else if (values.lock) {
          view = await lockPeriod(store, { period, actor: required(values.user, 'user') });
        } else if (values.reopen) {
          view = await reopenPeriod(store, { period, actor: required(values.user, 'user'), reason: required(values.reason, 'reason') });
        } else if (values.pack !== undefined) {
          const pack = await writeClosePack(store.read, period, resolve(values.pack), values.lang ?? 'zh');
          if (values.json) printJson({ file: pack.file, sheets: pack.sheets, ready: pack.view.ready });
          else process.stdout.write(`${pack.file}: ${pack.sheets.join(', ')}\n`);
          return 0;
        } else view = await periodView(store.read, period);
        if (values.json) {
          printJson({
            period: view.period, from: view.from, to: view.to, status: view.status, ready: view.ready,
            preparedBy: view.preparedBy, preparedAt: view.preparedAt, reviewedBy: view.reviewedBy, reviewedAt: view.reviewedAt,
            lockedBy: view.lockedBy, lockedAt: view.lockedAt, reopenedBy: view.reopenedBy, reopenReason: view.reopenReason,
            checklist: view.checklist, ageing: view.ageing,
            openItems: view.openItems.map((i) => ({ id: i.id, type: i.type, channel: i.channel, businessDate: i.businessDate, amountFen: i.amountFen, ageDays: i.ageDays, explanation: i.explanation })),
          });
        } else printView(view);
        return 0;
      } finally {
        await store.close();
      }
    },
  },
];
