// Find a Chromium for Playwright, or install one: Debian's package where we run as root with apt
// (as on the project's machines), Playwright's own download elsewhere.
import { existsSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';

function playwrightChromium() {
  try {
    const out = execFileSync(
      process.execPath,
      ['-e', "process.stdout.write(require('playwright-core').chromium.executablePath())"],
      {
        encoding: 'utf8',
      },
    );
    return existsSync(out) ? out : null;
  } catch {
    return null;
  }
}

export function findChromium() {
  const candidates = [process.env.OTD_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  return candidates.find((p) => existsSync(p)) ?? playwrightChromium();
}

export function ensureChromium() {
  const found = findChromium();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    console.error('npm test: installing Debian chromium (and CJK fonts) with apt-get…');
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    spawnSync('apt-get', ['install', '-y', '-qq', 'chromium', 'fonts-noto-cjk'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } else {
    console.error('npm test: installing Chromium with `npx playwright install chromium`…');
    spawnSync('npx', ['playwright', 'install', 'chromium'], { stdio: 'inherit' });
  }
  const after = findChromium();
  if (!after) throw new Error('no Chromium could be found or installed; set OTD_CHROMIUM to a Chromium binary');
  return after;
}
