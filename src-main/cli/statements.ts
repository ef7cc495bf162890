import { resolve } from 'node:path';
import { userInfo } from 'node:os';
import { type Command, args, CliError, printJson, required, foregroundJob } from './common';
import { openStore } from '../store';
import { expandInputs, importFiles } from '../statements/import';
import { calendar, listFiles } from '../store/statements';
import { CHANNEL_CODES, type Channel } from '../domain/channels';
import { isIsoDate } from '../domain/dates';

function channelFlag(v: string | undefined): Channel | undefined {
  if (v === undefined) return undefined;
  if (!(CHANNEL_CODES as readonly string[]).includes(v))
    throw new CliError(`--channel must be one of ${CHANNEL_CODES.join(', ')}`);
  return v as Channel;
}

function dateFlag(v: string | undefined, flag = 'date'): string | undefined {
  if (v !== undefined && !isIsoDate(v)) throw new CliError(`--${flag} must be a date YYYY-MM-DD, got "${v}"`);
  return v;
}

export const statementCommands: Command[] = [
  {
    name: 'import',
    summary: 'FILE… --db PATH [--channel C] [--date D] [--accept-mismatch] [--replace] [--dry-run] [--json]',
    async run(argv) {
      const { values, positionals } = args(argv, {
        db: { type: 'string' },
        channel: { type: 'string' },
        date: { type: 'string' },
        actor: { type: 'string' },
        'accept-mismatch': { type: 'boolean' },
        replace: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
      });
      if (positionals.length === 0) throw new CliError('name at least one file, folder or zip to import');
      const store = await openStore(resolve(required(values.db, 'db')));
      const job = foregroundJob('import');
      try {
        const inputs = await expandInputs(positionals.map((p) => resolve(p)));
        const reports = await importFiles(store, inputs, {
          actor: values.actor ?? `cli:${userInfo().username}`,
          channel: channelFlag(values.channel),
          date: dateFlag(values.date),
          acceptMismatch: values['accept-mismatch'] ?? false,
          replace: values.replace ?? false,
          dryRun: values['dry-run'] ?? false,
          signal: job.signal,
          onLines: (n) => job.progress('lines', n, 0),
        });
        if (values.json) printJson(reports);
        else {
          for (const r of reports) {
            process.stdout.write(
              `${r.status.padEnd(9)} ${r.file}  ${r.channel ?? '-'} ${r.businessDate ?? '-'} lines=${r.lines} net=${r.netFen}\n`,
            );
            for (const e of r.errors)
              process.stdout.write(
                `  error${e.line ? ` line ${e.line}` : ''}${e.field ? ` [${e.field}]` : ''}: ${e.message}\n`,
              );
          }
        }
        return reports.some((r) => r.status === 'rejected') ? 1 : 0;
      } finally {
        job.dispose();
        await store.close();
      }
    },
  },
  {
    name: 'statements',
    summary: '--db PATH [--date D] [--from D --to D] [--json]  statement files, or the calendar with --from/--to',
    async run(argv) {
      const { values } = args(argv, {
        db: { type: 'string' },
        date: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
      });
      const store = await openStore(resolve(required(values.db, 'db')));
      try {
        const from = dateFlag(values.from, 'from');
        const to = dateFlag(values.to, 'to');
        const out =
          from && to ? await calendar(store.read, from, to) : await listFiles(store.read, dateFlag(values.date));
        if (values.json) printJson(out);
        else for (const row of out) process.stdout.write(JSON.stringify(row) + '\n');
        return 0;
      } finally {
        await store.close();
      }
    },
  },
];
