// `npm start`: the app on the demo company — the Electron window where Electron's binary exists,
// otherwise web mode on 127.0.0.1 (the URL with its token is printed).
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

function electronBinary() {
  try {
    return createRequire(import.meta.url)('electron'); // throws when the binary was not downloaded
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
