/**
 * Runs the production build of the board. Used by `npm start` (the quick start), the e2e suite and
 * the demo. Builds first (a stale build after a pull would serve old code), unless SKIP_BUILD=1 says
 * the caller just built (the e2e suite). When no real upstream is configured (or
 * DEMO=1), it starts the local simulators and points the board at them; DEMO=0 never does.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { errorFields, logger } from '../lib/log/logger';
import { startSimulators, upstreamEnvVars, writeSimulatorUrls, type SimulatorSet } from '../simulators';
import { DEMO_GROUPS, type RunningOpenIdProvider, startOpenIdProvider } from '../simulators/openid-provider';

const root = path.resolve(__dirname, '..');
const port = process.env.PORT ?? '3000';
// Not HOSTNAME: shells and containers set that to the machine's name.
const host = process.env.BIND_HOST;
const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };

async function main() {
  if (process.env.SKIP_BUILD !== '1' || !existsSync(path.join(root, '.next', 'BUILD_ID'))) {
    logger().info('Building the production bundle (next build)…');
    const build = spawnSync('npx', ['next', 'build'], { cwd: root, env, stdio: 'inherit' });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }

  const configured = upstreamEnvVars().filter((name) => process.env[name]);
  const demo = process.env.DEMO === '1' || (process.env.DEMO !== '0' && configured.length === 0);
  let simulators: SimulatorSet | undefined;
  let openIdProvider: RunningOpenIdProvider | undefined;
  if (demo && upstreamEnvVars().length > 0) {
    simulators = await startSimulators();
    Object.assign(env, simulators.env, { DEMO_SIMULATORS: simulators.simulators.map((s) => s.name).join(',') });
    // The demo verifies every minute, so a visitor sees data arrive and a service stop within minutes.
    env.VERIFY_INTERVAL ??= '1m';
    // The board is its own live Faro reference: in the demo it reports to the receiver simulator.
    env.FARO_ENABLED ??= 'true';
    // ...and traces itself to the Tempo simulator (OTLP/HTTP), so its browser traces link to its server spans.
    env.OTEL_EXPORTER_OTLP_ENDPOINT ??= simulators.urls.tempo;
    env.OTEL_BSP_SCHEDULE_DELAY ??= '500';
    const file = process.env.SIMULATORS_FILE ?? path.join(root, 'data', 'simulators.json');
    mkdirSync(path.dirname(file), { recursive: true });
    writeSimulatorUrls(file, simulators);
    logger().info(`Demo mode: simulated ${simulators.simulators.map((s) => `${s.name} ${s.url}`).join(', ')}`);
  }
  // The demo signs in against a real OpenID provider (oidc-provider) with demo users, unless one is configured.
  if (demo && !process.env.AUTH_OIDC_ISSUER) {
    const clientSecret = process.env.AUTH_OIDC_CLIENT_SECRET ?? randomBytes(32).toString('base64url');
    openIdProvider = await startOpenIdProvider({
      clientId: 'rollout-board',
      clientSecret,
      boardOrigins: [`http://127.0.0.1:${port}`, `http://localhost:${port}`],
    });
    Object.assign(env, {
      AUTH_OIDC_ISSUER: openIdProvider.url,
      AUTH_OIDC_CLIENT_ID: 'rollout-board',
      AUTH_OIDC_CLIENT_SECRET: clientSecret,
      DEMO_USERS: 'viewer:viewer,engineer:engineer,admin:admin',
    });
    env.AUTH_ENGINEER_GROUPS ??= DEMO_GROUPS.engineer;
    env.AUTH_ADMIN_GROUPS ??= DEMO_GROUPS.admin;
    // Anyone may look at the demo; acting needs a demo user's sign-in.
    env.AUTH_ANONYMOUS ??= 'view';
    logger().info(
      `Demo sign-in: OpenID provider ${openIdProvider.url} (users viewer, engineer, admin; password = login)`,
    );
  }

  // The board's own server (Next's handler behind node:http, so routes learn the TCP peer for trusted
  // headers), run by node directly: npx would not pass SIGTERM on.
  const server = spawn(process.execPath, [path.join(root, 'scripts', 'board-server.mjs')], {
    cwd: root,
    env: { ...env, PORT: port, ...(host ? { BIND_HOST: host } : {}) },
    stdio: 'inherit',
  });
  logger().info(`rollout-board on http://${host && host !== '0.0.0.0' && host !== '::' ? host : 'localhost'}:${port}`);

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => server.kill('SIGTERM'));
  }
  server.on('exit', async (code) => {
    await Promise.all([simulators?.stop(), openIdProvider?.stop()]);
    process.exit(code ?? 0);
  });
}

main().catch((error) => {
  logger().fatal(errorFields(error), 'rollout-board did not start');
  process.exit(1);
});
