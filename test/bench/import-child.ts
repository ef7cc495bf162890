// Child process of the import benchmark: imports one file into a fresh store and reports the time
// and this process's peak RSS (so the figure is the import's own, not the parent's), and the time the
// store then takes to close (the checkpoint of the imported pages into the database file).
import { performance } from 'node:perf_hooks';
import { openStore } from '../../src-main/store';
import { importFiles } from '../../src-main/statements/import';

const [file, db, date] = process.argv.slice(2) as [string, string, string];
const store = await openStore(db);
const t = performance.now();
const [report] = await importFiles(store, [{ fileName: file, path: file }], { actor: 'bench', date });
const ms = performance.now() - t;
// The WAL checkpoint of the imported pages runs after the import has returned: timed apart.
const closing = performance.now();
await store.close();
const closeMs = performance.now() - closing;
process.stdout.write(
  JSON.stringify({
    ms,
    closeMs,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    status: report!.status,
    lines: report!.lines,
    errors: report!.errors.slice(0, 3),
  }) + '\n',
);
