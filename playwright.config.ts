import { defineConfig } from '@playwright/test';

/**
 * Browser scenarios run in Debian's Chromium against browser mode (main/web) on a fresh
 * FOUNDRY_HOME; e2e/global-setup.ts starts the server and exports its URL.
 */
export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  // Speed is measured by the benchmarks, not here: these scenarios share two cores with the browser, the server
  // and the kube sandbox in CI, where Playwright's default 5 s for an expectation has been cut close.
  expect: { timeout: 10_000 },
  workers: 1,
  reporter: [['list']],
  globalSetup: './e2e/global-setup.ts',
  outputDir: 'test-results',
  use: {
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'off',
    screenshot: 'only-on-failure',
  },
});
