import { defineConfig } from '@playwright/test';
import config, { platform } from './playwright.config';

// The console's benchmark (./build.sh bench --only=web): the same platform as the end-to-end tests, measured.
export default defineConfig({
  ...config,
  testDir: './bench',
  testMatch: '**/*.bench.ts',
  timeout: 180_000,
  reporter: [['list']],
  webServer: platform,
});
