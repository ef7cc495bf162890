import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command, args, cliContext, foregroundJob, intFlag, printJson, required, CliError } from './common';
import { startSandbox } from '../sandbox';
import { runSync } from '../central/sync';
import { openStore } from '../store';
import { closeContext } from '../api/context';
import { dispatch } from '../api/dispatch';
import { startWebServer } from '../web/server';
import { ensureRendererBuilt } from '../web/renderer-build';
import { openDemoCompany } from '../api/demo';
import { startDownloadScheduler } from '../api/handlers/downloads';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Keep the process alive until SIGINT/SIGTERM, then run the cleanup. */
function untilSignal(cleanup: () => Promise<void>): Promise<number> {
  return new Promise((done) => {
    const stop = () => void cleanup().then(() => done(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export const foundationCommands: Command[] = [
  {
    name: 'sandbox serve',
    summary: '--port P --seed S --orders N [--days D] [--faults 500,slow,drop,dup,update]  demo central platform',
    async run(argv) {
      const { values } = args(argv, {
        port: { type: 'string' },
        seed: { type: 'string' },
        orders: { type: 'string' },
        days: { type: 'string' },
        faults: { type: 'string' },
      });
      const sandbox = await startSandbox({
        port: intFlag(values.port, 'port', 0),
        seed: intFlag(values.seed, 'seed', 1),
        orders: intFlag(values.orders, 'orders', 1000),
        days: values.days === undefined ? undefined : intFlag(values.days, 'days'),
        faults: values.faults
          ? values.faults
              .split(',')
              .map((f) => f.trim())
              .filter(Boolean)
          : [],
      });
      printJson({ url: sandbox.url, token: sandbox.token });
      return untilSignal(() => sandbox.close());
    },
  },
  {
    name: 'sync',
    summary: '--db PATH --url U --token T [--json]  pull orders, billings, payments, refunds',
    async run(argv) {
      const { values } = args(argv, { db: { type: 'string' }, url: { type: 'string' }, token: { type: 'string' } });
      const store = await openStore(resolve(required(values.db, 'db')));
      const job = foregroundJob('sync');
      try {
        const r = await runSync(
          store,
          { url: required(values.url, 'url'), token: required(values.token, 'token') },
          job,
        );
        const totals = {
          orders: r.orders,
          billings: r.billings,
          payments: r.payments,
          refunds: r.refunds,
          paymentsFen: r.paymentsFen,
          refundsFen: r.refundsFen,
        };
        if (values.json) printJson(totals);
        else process.stdout.write(`synced: ${JSON.stringify(totals)}\n`);
        return 0;
      } finally {
        job.dispose();
        await store.close();
      }
    },
  },
  {
    name: 'serve',
    summary: '--db PATH [--port P]  web mode on 127.0.0.1 (prints the URL with its token)',
    async run(argv) {
      const { values } = args(argv, { db: { type: 'string' }, port: { type: 'string' } });
      const dir = ensureRendererBuilt(projectRoot);
      const ctx = await cliContext(required(values.db, 'db'));
      const web = await startWebServer({ ctx, rendererDir: dir, port: intFlag(values.port, 'port', 0) });
      const downloads = startDownloadScheduler(ctx);
      printJson({ url: web.url, token: web.token, open: web.openUrl });
      return untilSignal(async () => {
        await web.close();
        await downloads.stop();
        await closeContext(ctx);
      });
    },
  },
  {
    name: 'demo',
    summary: '[--port P] [--orders N] [--data-dir DIR]  the demo company in web mode (what npm start runs)',
    async run(argv) {
      const { values } = args(argv, {
        port: { type: 'string' },
        orders: { type: 'string' },
        'data-dir': { type: 'string' },
      });
      const dir = ensureRendererBuilt(projectRoot);
      const demo = await openDemoCompany({
        dataDir: resolve(values['data-dir'] ?? resolve(projectRoot, '.otd')),
        mode: 'web',
        orders: intFlag(values.orders, 'orders', 2000),
      });
      const web = await startWebServer({ ctx: demo.ctx, rendererDir: dir, port: intFlag(values.port, 'port', 0) });
      if (values.json) printJson({ url: web.url, token: web.token, open: web.openUrl });
      else
        process.stdout.write(
          `OTD finance workstation (demo company) is running.\nOpen: ${web.openUrl}\nPress Ctrl-C to stop.\n`,
        );
      return untilSignal(async () => {
        await web.close();
        await demo.close();
      });
    },
  },
  {
    name: 'op',
    summary: 'NAME [JSON] --db PATH  call any contract operation (generated from the contract)',
    async run(argv) {
      const { values, positionals } = args(argv, { db: { type: 'string' } });
      const [name, json] = positionals;
      if (!name) throw new CliError('name the operation, e.g. `otd op overview.get --db my.sqlite`');
      let input: unknown = {};
      try {
        input = json ? JSON.parse(json) : {};
      } catch {
        throw new CliError('the input must be JSON');
      }
      const ctx = await cliContext(required(values.db, 'db'));
      try {
        const reply = await dispatch(ctx, name, input);
        printJson(reply);
        return reply.ok ? 0 : 1;
      } finally {
        await closeContext(ctx);
      }
    },
  },
];
