// otd sandbox statements: the demo company's channel statements for one business day, in each
// channel's real format, plus manifest.json listing the injected anomalies (docs/anomaly-manifest.md).
import { resolve } from 'node:path';
import { type Command, CliError, args, intFlag, printJson, required } from './common';
import { isIsoDate } from '../domain/dates';
import { writeSandboxStatements } from '../sandbox/statements';

export const sandboxStatementCommands: Command[] = [
  {
    name: 'sandbox statements',
    summary:
      '--seed S --orders N --date D --out DIR [--days D] [--start-date D] [--no-anomalies]  channel statement files + manifest',
    async run(argv) {
      const { values } = args(argv, {
        seed: { type: 'string' },
        orders: { type: 'string' },
        date: { type: 'string' },
        out: { type: 'string' },
        days: { type: 'string' },
        'start-date': { type: 'string' },
        'no-anomalies': { type: 'boolean' },
      });
      const date = required(values.date, 'date');
      if (!isIsoDate(date)) throw new CliError(`--date must be YYYY-MM-DD, got "${date}"`);
      const startDate = values['start-date'];
      if (startDate !== undefined && !isIsoDate(startDate))
        throw new CliError(`--start-date must be YYYY-MM-DD, got "${startDate}"`);
      const seedText = values.seed ?? '1';
      // A numeric seed stays a number, so `--seed 7` gives the same data as `sandbox serve --seed 7`.
      const seed = /^\d+$/.test(seedText) ? Number(seedText) : seedText;
      let result: Awaited<ReturnType<typeof writeSandboxStatements>>;
      try {
        result = await writeSandboxStatements({
          seed,
          orders: intFlag(values.orders, 'orders', 1000),
          days: values.days === undefined ? undefined : intFlag(values.days, 'days'),
          startDate,
          date,
          outDir: resolve(required(values.out, 'out')),
          anomalies: values['no-anomalies'] !== true,
        });
      } catch (e) {
        if (e instanceof RangeError) throw new CliError(e.message);
        throw e;
      }
      const { files, manifest, manifestPath } = result;
      if (values.json) {
        printJson({ date, files, manifest: manifestPath, anomalies: manifest.anomalies.length });
      } else {
        for (const f of files) process.stdout.write(`${f.channel.padEnd(9)} ${f.path} (${f.bytes} bytes)\n`);
        process.stdout.write(`manifest  ${manifestPath} (${manifest.anomalies.length} anomalies)\n`);
      }
      return 0;
    },
  },
];
