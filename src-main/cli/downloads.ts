import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { userInfo } from 'node:os';
import { type Command, args, cliContext, CliError, foregroundJob, printJson, required } from './common';
import { closeContext } from '../api/context';
import { AppError } from '../api/errors';
import { isIsoDate } from '../domain/dates';
import { DOWNLOAD_CHANNELS, type DownloadChannel } from '../statements/download/common';
import { downloadAndImport } from '../statements/download/service';

async function pemFile(path: string | undefined, flag: string): Promise<string | undefined> {
  if (path === undefined) return undefined;
  try {
    return await readFile(resolve(path), 'utf8');
  } catch (e) {
    throw new CliError(`--${flag}: cannot read ${path} (${(e as Error).message})`);
  }
}

export const downloadCommands: Command[] = [
  {
    name: 'download',
    summary:
      '--db PATH --channel wechat|lakala|unionpay --date D [--actor A] [--url U] [--private-key PEM] [--platform-key PEM] [--json]  download a statement and import it',
    async run(argv) {
      const { values } = args(argv, {
        db: { type: 'string' },
        channel: { type: 'string' },
        date: { type: 'string' },
        actor: { type: 'string' },
        url: { type: 'string' },
        'private-key': { type: 'string' },
        'platform-key': { type: 'string' },
      });
      const channel = required(values.channel, 'channel');
      if (!(DOWNLOAD_CHANNELS as readonly string[]).includes(channel)) {
        throw new CliError(
          `--channel must be one of ${DOWNLOAD_CHANNELS.join(', ')}${channel === 'alipay' ? ' (Alipay statements are imported: otd import)' : ''}`,
        );
      }
      const date = required(values.date, 'date');
      if (!isIsoDate(date)) throw new CliError(`--date must be a date YYYY-MM-DD, got "${date}"`);
      if (values.url !== undefined && !/^https?:\/\/[^\s/]+/.test(values.url)) {
        throw new CliError(`--url must be an http:// or https:// address, got "${values.url}"`);
      }
      const overrides = {
        url: values.url,
        privateKeyPem: await pemFile(values['private-key'], 'private-key'),
        platformPublicKeyPem: await pemFile(values['platform-key'], 'platform-key'),
      };
      // The credentials are the db's: its settings, and the secret file in the data dir beside it.
      const ctx = await cliContext(required(values.db, 'db'));
      const job = foregroundJob('download');
      try {
        job.progress(`${channel} ${date}`, 0, 1);
        const r = await downloadAndImport(
          { store: ctx.store, secrets: ctx.secrets, dataDir: ctx.dataDir },
          {
            channel: channel as DownloadChannel,
            date,
            actor: values.actor ?? `cli:${userInfo().username}`,
            trigger: 'cli',
            overrides,
            transport: { signal: job.signal },
          },
        );
        job.progress(`${channel} ${date}`, 1, 1);
        if (r.error || !r.report) {
          throw new AppError('unavailable', r.attempt.message, { code: r.error?.code ?? 'failed' });
        }
        const report = r.report;
        if (values.json) printJson(report);
        else {
          process.stdout.write(
            `${report.status.padEnd(9)} ${report.file}  ${report.channel ?? '-'} ${report.businessDate ?? '-'} lines=${report.lines} net=${report.netFen}\n`,
          );
          for (const e of report.errors) {
            process.stdout.write(
              `  error${e.line ? ` line ${e.line}` : ''}${e.field ? ` [${e.field}]` : ''}: ${e.message}\n`,
            );
          }
        }
        return report.status === 'rejected' ? 1 : 0;
      } finally {
        job.dispose();
        await closeContext(ctx);
      }
    },
  },
];
