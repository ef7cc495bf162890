// `npm start`: the app on the demo company — the Electron window where Electron's binary exists,
// otherwise web mode on 127.0.0.1 (the URL with its token is printed).
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The Electron executable, or null when its binary was never downloaded. Looked up on disk
 * (path.txt + dist/) rather than through require('electron'), which would try to download it.
 */
function electronBinary() {
  try {
    const dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const rel = readFileSync(join(dir, 'path.txt'), 'utf8').trim();
    const exe = join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(dir, 'dist'), rel);
    return existsSync(exe) ? exe : null;
  } catch {
    return null;
  }
}

const electron = electronBinary();
const run = (cmd, args) => spawn(cmd, args, { stdio: 'inherit' }).on('exit', (code) => process.exit(code ?? 0));
if (electron) {
  const build = spawnSync(join('node_modules', '.bin', 'electron-vite'), ['build'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  run(electron, ['.', '--demo']);
} else {
  console.log("Electron's binary is not installed here: starting web mode instead.");
  run(process.execPath, ['bin/otd.js', 'demo', ...process.argv.slice(2)]);
}
