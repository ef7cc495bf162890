// otd journal: generate a day's or a month's journals, validate them and export them for SAP with a
// register entry. Exporting the same scope again with nothing new writes the same bytes again.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import { type Command, args, CliError, printJson, required } from './common';
import { openStore } from '../store';
import { formatFen } from '../domain/money';
import { AppError } from '../api/errors';
import { JournalError } from '../journal/generate';
import { JournalValidationError, exportJournals, scopeOf } from '../journal/export';
import { EXPORT_FORMATS, type ExportFormat } from '../journal/sap-files';

export const journalCommands: Command[] = [
  {
    name: 'journal',
    summary:
      `--db PATH (--date D | --period YYYY-MM) --format ${EXPORT_FORMATS.join('|')} --out FILE [--actor A] [--json]  ` +
      'generate, validate and export journals for SAP (register entry; same scope again = same bytes)',
    async run(argv) {
      const { values } = args(argv, {
        db: { type: 'string' },
        date: { type: 'string' },
        period: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        actor: { type: 'string' },
      });
      if ((values.date === undefined) === (values.period === undefined)) throw new CliError('give either --date YYYY-MM-DD or --period YYYY-MM');
      const format = required(values.format, 'format');
      if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new CliError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got "${format}"`);
      const out = resolve(required(values.out, 'out'));
      const dbPath = resolve(required(values.db, 'db'));
      if (!existsSync(dbPath)) throw new CliError(`no database at ${dbPath}`);
      let scope;
      try {
        scope = scopeOf({ date: values.date, period: values.period });
      } catch (e) {
        throw new CliError((e as Error).message);
      }
      const store = await openStore(dbPath);
      try {
        const r = await exportJournals(store, {
          scope, format: format as ExportFormat, actor: values.actor ?? `cli:${userInfo().username}`, out,
          exportDir: join(dirname(dbPath), 'otd-data', 'exports', 'journals'),
        }).catch((e: unknown) => {
          if (e instanceof JournalValidationError) throw new AppError(e.code, e.message, { problems: e.problems });
          if (e instanceof JournalError) throw new AppError(e.code, e.message);
          throw e;
        });
        const result = {
          documents: r.documents, lines: r.lines, debitFen: r.debitFen, creditFen: r.creditFen, balanced: r.balanced, file: r.file,
          registerId: r.registerId,
        };
        if (values.json) printJson(result);
        else {
          process.stdout.write(
            `${r.rewritten ? 're-wrote' : 'exported'} ${r.documents} documents, ${r.lines} lines, debit ${formatFen(r.debitFen)} credit ${formatFen(r.creditFen)}` +
              ` → ${r.file} (register ${r.registerId})\n`,
          );
          for (const p of r.problems) process.stderr.write(`warning: ${p.xblnr ?? p.channel} ${p.message}\n`);
        }
        return 0;
      } finally {
        await store.close();
      }
    },
  },
];
