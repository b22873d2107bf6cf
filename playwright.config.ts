import { defineConfig } from '@playwright/test';

// Computed once in the runner and inherited by workers through the environment.
process.env.E2E_PORT ??= '3217';
process.env.E2E_RUN_ID ??= String(Date.now());
const port = Number(process.env.E2E_PORT);
const baseURL = `http://127.0.0.1:${port}`;
// A second board, configured the strict way a deployment would be (no anonymous reading, the default
// cool-down, trusted headers only from 10.0.0.0/8), for e2e/auth.spec.ts. Its secrets are known here so the
// test can prove they appear nowhere.
export const STRICT_PORT = port + 1;
const strictURL = `http://127.0.0.1:${STRICT_PORT}`;
const runId = process.env.E2E_RUN_ID;
export const STRICT_SECRETS = {
  AUTH_OIDC_CLIENT_SECRET: `e2e-client-secret-${runId}-9f3a`,
  AUTH_SESSION_SECRET: `e2e-session-secret-${runId}-0123456789abcdef`,
};
export const STRICT_LOG = `data/e2e/${runId}-strict.log`;
const ENGINEER_STATE = `data/e2e/${runId}-engineer.json`;
/** The main board's TARGET_DATE: the end of this year, five years on. */
export const E2E_TARGET_DATE = `${new Date().getUTCFullYear() + 5}-12-31`;
// The 200-service board (e2e/fleet-server.ts) for e2e/fleet.spec.ts: anonymous viewing, no upstreams.
const fleetURL = `http://127.0.0.1:${port + 2}`;

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
  projects: [
    { name: 'setup', testMatch: /auth\.setup\.ts/ },
    {
      name: 'board',
      testIgnore: /auth\.(setup|spec)\.ts|fleet\.spec\.ts/,
      dependencies: ['setup'],
      use: { storageState: ENGINEER_STATE },
    },
    { name: 'auth', testMatch: /auth\.spec\.ts/, use: { baseURL: strictURL } },
    { name: 'fleet', testMatch: /fleet\.spec\.ts/, use: { baseURL: fleetURL } },
  ],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
  },
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
        // A target years away: the stalled demo is "at risk" against it, steady progress "on track"
        // (e2e/progress-forecast.spec.ts; a target already passed is e2e/faults.spec.ts's).
        TARGET_DATE: E2E_TARGET_DATE,
        // The board's own Faro, through its /faro proxy to the faro.receiver simulator (e2e/faro.spec.ts).
        FARO_ENABLED: 'true',
        FARO_PROXY_ENABLED: 'true',
        GITHUB_WEBHOOK_SECRET: process.env.E2E_WEBHOOK_SECRET ?? 'e2e-webhook-secret',
        NEXT_TELEMETRY_DISABLED: '1',
        // Tests re-run the same scope back to back; the cool-down has its own board below.
        RUN_COOLDOWN: '1ms',
        RUN_RATE_LIMIT_PER_MINUTE: '100000',
      },
    },
    {
      command: `mkdir -p data/e2e && npx tsx scripts/serve.ts > ${STRICT_LOG} 2>&1`,
      url: `${strictURL}/api/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      env: {
        PORT: String(STRICT_PORT),
        BIND_HOST: '127.0.0.1',
        DATABASE_URL: `file:./data/e2e/${runId}-strict.db`,
        SIMULATORS_FILE: `./data/e2e/${runId}-strict-simulators.json`,
        DEMO: '1',
        VERIFY_INTERVAL: '30m',
        SYNC_INTERVAL: '30m',
        SKIP_BUILD: '1',
        FARO_ENABLED: 'true',
        AUTH_ANONYMOUS: 'none',
        AUTH_TRUSTED_PROXIES: '10.0.0.0/8',
        ...STRICT_SECRETS,
        NEXT_TELEMETRY_DISABLED: '1',
      },
    },
    {
      command: 'npx tsx e2e/fleet-server.ts',
      url: `${fleetURL}/api/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'pipe',
      env: { PORT: String(port + 2), VERIFY_INTERVAL: '30m', DEMO: '0', NEXT_TELEMETRY_DISABLED: '1' },
    },
  ],
});
