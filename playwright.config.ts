// UI tests: Chromium against web mode (the demo company started by the global setup), and the
// Electron window where Electron's binary is installed (the test skips itself otherwise).
import { defineConfig } from '@playwright/test';

const chromiumPath = process.env.OTD_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'test/e2e',
  globalSetup: './test/e2e/global-setup.ts',
  // The tests share one demo company (one store): they run one at a time, in file order.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    // Deliberately not Beijing: dates must show in Asia/Shanghai whatever the machine's zone.
    timezoneId: 'America/Los_Angeles',
    acceptDownloads: true,
    trace: 'on-first-retry',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        headless: true,
        launchOptions: {
          executablePath: chromiumPath,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
      },
    },
    {
      // The real Electron window (Playwright's _electron); skips itself without Electron's binary.
      name: 'electron',
      testDir: 'test/electron',
      testMatch: /.*\.test\.ts/,
      timeout: 120_000,
    },
  ],
});
