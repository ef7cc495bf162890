// Child process of kill-resume.test.ts: runs one sync into a database file, then exits.
//   node --import tsx test/unit/central/sync-child.ts <db-file> <url> <token> <page-size>
import { openStore } from '../../../src-main/store';
import { runSync } from '../../../src-main/central/sync';

const [dbFile, url, token, pageSize] = process.argv.slice(2);
if (!dbFile || !url || !token || !pageSize) {
  process.stderr.write('usage: sync-child.ts <db-file> <url> <token> <page-size>\n');
  process.exit(2);
}
const store = await openStore(dbFile);
const controller = new AbortController();
const result = await runSync(
  store,
  { url, token, pageSize: Number(pageSize) },
  { signal: controller.signal, progress: () => undefined },
);
await store.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
