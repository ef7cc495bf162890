// The demo company: a sandbox central platform on loopback plus a local store configured to sync
// from it, with two local users (a preparer and a reviewer) so four-eyes actions can be tried.
import { join } from 'node:path';
import { createContext, type AppContext } from './context';
import type { SecretStore } from './secrets';
import type { AppEvent } from './events';
import { startSandbox } from '../sandbox';
import { addUser, listUsers, putSetting } from '../store/settings';
import { audit } from '../store/audit';
import { SECRET_CENTRAL_TOKEN, SETTING_CENTRAL_URL, SETTING_COMPANY_DEMO, SETTING_COMPANY_NAME } from './handlers/foundation';
import { configureDemoDownloads } from './handlers/downloads';
import { SETTING_DEMO_SANDBOX } from './handlers/demo';

export const DEMO_USERS = [
  { userId: 'zhang.kj', displayName: '张会计' },
  { userId: 'li.fh', displayName: '李复核' },
];

export interface DemoCompany {
  ctx: AppContext;
  close(): Promise<void>;
}

export async function openDemoCompany(opts: {
  dataDir: string;
  mode: AppContext['mode'];
  seed?: number;
  orders?: number;
  secrets?: SecretStore;
  onEvent?: (e: AppEvent) => void;
}): Promise<DemoCompany> {
  const sandboxConfig = { seed: opts.seed ?? 1, orders: opts.orders ?? 2000 };
  const sandbox = await startSandbox({ port: 0, ...sandboxConfig });
  const ctx = await createContext({
    dbFile: join(opts.dataDir, 'demo.sqlite'),
    dataDir: opts.dataDir,
    mode: opts.mode,
    secrets: opts.secrets,
    onEvent: opts.onEvent,
  });
  await ctx.secrets.set(SECRET_CENTRAL_TOKEN, sandbox.token);
  const existing = new Set((await listUsers(ctx.store.read)).map((u) => u.userId));
  await ctx.store.write(async (tx) => {
    await putSetting(tx, SETTING_CENTRAL_URL, sandbox.url);
    await putSetting(tx, SETTING_COMPANY_NAME, '演示公司');
    await putSetting(tx, SETTING_COMPANY_DEMO, '1');
    // The sandbox's statement files can be imported for review (demo.statements.import).
    await putSetting(tx, SETTING_DEMO_SANDBOX, JSON.stringify(sandboxConfig));
    for (const u of DEMO_USERS.filter((u) => !existing.has(u.userId))) {
      await addUser(tx, u);
      await audit(tx, { userId: 'system', action: 'users.add', entity: 'app_user', entityId: u.userId, after: u, reason: 'demo company' });
    }
  });
  const downloads = await configureDemoDownloads(ctx, sandbox);
  return {
    ctx,
    close: async () => {
      await downloads.stop();
      await ctx.jobs.shutdown();
      await sandbox.close();
      await ctx.store.close();
    },
  };
}
