// Web mode serves the built renderer (out/renderer). From a source checkout it is built on first
// use, and rebuilt when a renderer source is newer than the build.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export function rendererDir(projectRoot: string): string {
  return join(projectRoot, 'out', 'renderer');
}

export function ensureRendererBuilt(projectRoot: string): string {
  const dir = rendererDir(projectRoot);
  const built = (() => {
    try {
      return statSync(join(dir, 'index.html')).mtimeMs;
    } catch {
      return 0;
    }
  })();
  const sources = Math.max(
    newestMtime(join(projectRoot, 'src-renderer')),
    statSync(join(projectRoot, 'src-main', 'api')).mtimeMs,
  );
  if (built > 0 && built >= sources) return dir;
  process.stderr.write('otd: building the user interface (once)…\n');
  const bin = join(projectRoot, 'node_modules', '.bin', 'electron-vite');
  const r = spawnSync(bin, ['build'], { cwd: projectRoot, stdio: ['ignore', process.stderr, process.stderr] });
  if (r.status !== 0) throw new Error('electron-vite build failed; see the messages above');
  return dir;
}
