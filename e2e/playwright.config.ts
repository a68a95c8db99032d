/**
 * Playwright for the smoke test's browser part (dashboards.spec.ts), against the Grafana of
 * `docker compose up` at GRAFANA_URL. Only scripts/smoke/smoke.sh runs it, in GitHub Actions
 * (.github/workflows/smoke.yml): this package is not a workspace of the repository, so the root
 * lockfile and `npm test` know nothing of it. Every wait is bounded.
 */
import { join } from 'node:path';
import { defineConfig, devices } from '@playwright/test';
import type { PluginOptions } from '@grafana/plugin-e2e';

const ARTIFACTS = process.env.SMOKE_ARTIFACTS ?? join(__dirname, '..', 'test-artifacts', 'smoke');

export default defineConfig<PluginOptions>({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: join(ARTIFACTS, 'playwright-output'),
  // One dashboard per test; the whole run and each step are bounded.
  timeout: 5 * 60_000,
  globalTimeout: 20 * 60_000,
  expect: { timeout: 20_000 },
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['html', { outputFolder: join(ARTIFACTS, 'playwright-report'), open: 'never' }]],
  use: {
    baseURL: process.env.GRAFANA_URL ?? 'http://localhost:3000',
    actionTimeout: 20_000,
    navigationTimeout: 60_000,
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1600, height: 1000 },
        // A Chromium of the system instead of Playwright's download, e.g. /usr/bin/chromium.
        launchOptions: process.env.SMOKE_CHROMIUM ? { executablePath: process.env.SMOKE_CHROMIUM } : {},
      },
    },
  ],
});
