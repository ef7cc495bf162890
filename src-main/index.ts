// Electron main: app lifecycle, the window, and wiring of the contract over IPC. Everything else
// (store, services, jobs) is plain TypeScript shared with web mode and the CLI.
import { app, BrowserWindow, safeStorage, session, shell } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createContext, closeContext, type AppContext } from './api/context';
import { FileSecretStore } from './api/secrets';
import { registerIpc } from './api/electron-ipc';
import { openDemoCompany, type DemoCompany } from './api/demo';
import { startDownloadScheduler } from './api/handlers/downloads';
import { CSP } from './web/server';

/** Secrets encrypted with the OS keychain through safeStorage, kept in a user-only file. */
class SafeStorageSecretStore extends FileSecretStore {
  override readonly kind = 'safeStorage' as const;
  override async get(name: string): Promise<string | null> {
    const v = await super.get(name);
    return v === null ? null : safeStorage.decryptString(Buffer.from(v, 'base64'));
  }
  override async set(name: string, value: string): Promise<void> {
    await super.set(name, safeStorage.encryptString(value).toString('base64'));
  }
}

const rendererIndex = join(import.meta.dirname, '../renderer/index.html');
const isAppUrl = (url: string) =>
  process.env['ELECTRON_RENDERER_URL']
    ? url.startsWith(process.env['ELECTRON_RENDERER_URL'])
    : url.startsWith(pathToFileURL(rendererIndex).href);

let ctx: AppContext | null = null;
let demo: DemoCompany | null = null;
let stopDownloads: () => Promise<void> = async () => undefined;

async function start(): Promise<void> {
  const dataDir = app.getPath('userData');
  const secrets = new SafeStorageSecretStore(join(dataDir, 'secrets.json'));
  if (process.argv.includes('--demo')) {
    demo = await openDemoCompany({ dataDir: join(dataDir, 'demo'), mode: 'electron', secrets });
    ctx = demo.ctx;
  } else {
    ctx = await createContext({ dbFile: join(dataDir, 'otd.sqlite'), dataDir, mode: 'electron', secrets });
    stopDownloads = startDownloadScheduler(ctx).stop; // the demo company runs its own (api/demo.ts)
  }
  registerIpc(ctx, isAppUrl);

  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'OTD 财务工作台',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  if (process.env['ELECTRON_RENDERER_URL']) await win.loadURL(process.env['ELECTRON_RENDERER_URL']);
  else await win.loadFile(rendererIndex);
}

if (!app.requestSingleInstanceLock()) app.quit();
app.whenReady().then(start, (err) => {
  console.error(err);
  app.exit(1);
});
app.on('window-all-closed', () => app.quit());
app.on('before-quit', () => {
  if (demo) void demo.close();
  else if (ctx) {
    const open = ctx;
    void stopDownloads().then(() => closeContext(open));
  }
});
