import { defineConfig } from '@playwright/test';

// Computed once in the runner and inherited by workers through the environment.
process.env.E2E_PORT ??= '3217';
process.env.E2E_RUN_ID ??= String(Date.now());
const port = Number(process.env.E2E_PORT);
const baseURL = `http://127.0.0.1:${port}`;
// The 200-service board (e2e/fleet-server.ts) listens on the next port.
const fleetURL = `http://127.0.0.1:${port + 1}`;

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  forbidOnly: Boolean(process.env.CI),
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
  },
  projects: [
    { name: 'plan', testIgnore: /fleet\.spec\.ts/ },
    { name: 'fleet', testMatch: /fleet\.spec\.ts/, use: { baseURL: fleetURL } },
  ],
  webServer: [
    {
      command: 'npx tsx scripts/serve.ts',
      url: `${baseURL}/api/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'pipe',
      env: {
        PORT: String(port),
        BIND_HOST: '127.0.0.1',
        DATABASE_URL: `file:./data/e2e/${process.env.E2E_RUN_ID}.db`,
        SIMULATORS_FILE: `./data/e2e/${process.env.E2E_RUN_ID}-simulators.json`,
        DEMO: '1',
        // Scheduled verification stays out of the way of the tests; they click Verify now themselves.
        VERIFY_INTERVAL: '30m',
        // scripts/test.ts has just built the app.
        SKIP_BUILD: '1',
        // The board's own Faro, through its /faro proxy to the faro.receiver simulator (e2e/faro.spec.ts).
        FARO_ENABLED: 'true',
        FARO_PROXY_ENABLED: 'true',
        GITHUB_WEBHOOK_SECRET: process.env.E2E_WEBHOOK_SECRET ?? 'e2e-webhook-secret',
        NEXT_TELEMETRY_DISABLED: '1',
      },
    },
    {
      command: 'npx tsx e2e/fleet-server.ts',
      url: `${fleetURL}/api/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'pipe',
      env: { PORT: String(port + 1), VERIFY_INTERVAL: '30m', DEMO: '0', NEXT_TELEMETRY_DISABLED: '1' },
    },
  ],
});
