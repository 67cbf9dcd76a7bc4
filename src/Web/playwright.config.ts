import { defineConfig, type PlaywrightTestConfig } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

// The console end to end against the real platform: the API (Release build, Development, the local PostgreSQL and
// Redis, its own database) and the ThingSpeak simulator its demo nodes poll (two of them publish over MQTT to the
// API's broker), both started here and stopped after.
const root = path.resolve(import.meta.dirname, '../..');
const apiPort = process.env.EVARA_E2E_API_PORT ?? '5082';
const simulatorPort = process.env.EVARA_E2E_SIMULATOR_PORT ?? '5092';
const mqttPort = process.env.EVARA_E2E_MQTT_PORT ?? '5093';
// The demo's MQTT devices (played by the simulator) log in with it; made for this run, never a fixed secret.
const mqttPassword = randomBytes(18).toString('hex');
const database = process.env.EVARA_E2E_DATABASE ?? 'evaratech_e2e';
const pg = `Host=127.0.0.1;Port=${process.env.EVARA_PG_PORT ?? '55432'};Database=${database}`;
export const baseURL = `http://127.0.0.1:${apiPort}`;

/** The API and the simulator, started for the end-to-end tests and the console's benchmark alike. */
export const platform: NonNullable<PlaywrightTestConfig['webServer']> = [
  {
    command: `dotnet ${path.join(root, 'tools/EvaraTech.Simulator/bin/Release/net10.0/EvaraTech.Simulator.dll')} --urls http://127.0.0.1:${simulatorPort} --channels 3 --mqtt mqtt://127.0.0.1:${mqttPort} --mqtt-password ${mqttPassword}`,
    url: `http://127.0.0.1:${simulatorPort}/channels/2900001/feeds.json?api_key=DEMOREADKEY00001`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
  {
    command: `dotnet ${path.join(root, 'src/Api/bin/Release/net10.0/EvaraTech.Api.dll')}`,
    cwd: path.join(root, 'src/Api/bin/Release/net10.0'),
    // Ready, not live: while it waits for the database and migrates, a stand-in answers live already.
    url: `${baseURL}/health/ready`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: {
      ASPNETCORE_ENVIRONMENT: 'Development',
      ASPNETCORE_URLS: baseURL,
      ConnectionStrings__Postgres: `${pg};Username=${process.env.EVARA_PG_APP_USER ?? 'evara_app'};Password=${process.env.EVARA_PG_APP_PASSWORD ?? 'evara-local-app'}`,
      ConnectionStrings__PostgresAdmin: `${pg};Username=${process.env.EVARA_PG_ADMIN_USER ?? 'evara'};Password=${process.env.EVARA_PG_ADMIN_PASSWORD ?? 'evara-local-admin'}`,
      ConnectionStrings__Redis: `127.0.0.1:${process.env.EVARA_REDIS_PORT ?? '56379'}`,
      ThingSpeak__BaseUrl: `http://127.0.0.1:${simulatorPort}/`,
      Polling__SpreadSeconds: '0',
      Mqtt__Port: mqttPort,
      Demo__MqttPassword: mqttPassword,
      // The test-send check runs its webhook receiver on this machine, over plain HTTP.
      Notifications__AllowHttpWebhooks: 'true',
      Notifications__AllowPrivateNetworkWebhooks: 'true',
      // Every browser and API login of the suite comes from 127.0.0.1: the per-address limit would stop the suite.
      Auth__LoginAttemptsPerClientPerMinute: '10000',
      Web__Root: path.join(root, 'src/Web/dist'),
    },
  },
];

export default defineConfig({
  testDir: './e2e',
  timeout: 90_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: path.join(root, 'artifacts/test-results/web-e2e.json') }]],
  outputDir: path.join(root, 'artifacts/playwright'),
  globalSetup: './e2e/global-setup.ts',
  use: {
    baseURL,
    // Dates typed into the console's inputs mean the same instant wherever the suite runs.
    timezoneId: 'UTC',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] },
    trace: 'retain-on-failure',
  },
  webServer: platform,
});
