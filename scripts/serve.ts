/**
 * Runs the production build of the board. Used by `npm start` (the quick start), the e2e suite and
 * the demo. Builds first (a stale build after a pull would serve old code), unless SKIP_BUILD=1 says
 * the caller just built (the e2e suite). When no real upstream is configured (or
 * DEMO=1), it starts the local simulators and points the board at them; DEMO=0 never does.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { startSimulators, upstreamEnvVars, writeSimulatorUrls, type SimulatorSet } from '../simulators';

const root = path.resolve(__dirname, '..');
const port = process.env.PORT ?? '3000';
// Not HOSTNAME: shells and containers set that to the machine's name.
const host = process.env.BIND_HOST;
const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };

async function main() {
  if (process.env.SKIP_BUILD !== '1' || !existsSync(path.join(root, '.next', 'BUILD_ID'))) {
    console.log('Building the production bundle (next build)…');
    const build = spawnSync('npx', ['next', 'build'], { cwd: root, env, stdio: 'inherit' });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }

  const configured = upstreamEnvVars().filter((name) => process.env[name]);
  const demo = process.env.DEMO === '1' || (process.env.DEMO !== '0' && configured.length === 0);
  let simulators: SimulatorSet | undefined;
  if (demo && upstreamEnvVars().length > 0) {
    simulators = await startSimulators();
    Object.assign(env, simulators.env, { DEMO_SIMULATORS: simulators.simulators.map((s) => s.name).join(',') });
    // The demo verifies every minute, so a visitor sees data arrive and a service stop within minutes.
    env.VERIFY_INTERVAL ??= '1m';
    // The board is its own live Faro reference: in the demo it reports to the receiver simulator.
    env.FARO_ENABLED ??= 'true';
    const file = process.env.SIMULATORS_FILE ?? path.join(root, 'data', 'simulators.json');
    mkdirSync(path.dirname(file), { recursive: true });
    writeSimulatorUrls(file, simulators);
    console.log(`Demo mode: simulated ${simulators.simulators.map((s) => `${s.name} ${s.url}`).join(', ')}`);
  }

  // Next in this process, behind the board's own HTTP server: `next start` keeps a client's X-Forwarded-For
  // as is and loses the socket's peer, so rate limits (/faro) could key on a value the client chose. Here the
  // peer is appended as the last hop, as every proxy does; FARO_TRUSTED_PROXIES says how many hops to trust.
  Object.assign(process.env, env, { NODE_ENV: 'production' });
  const { default: next } = await import('next');
  const app = next({ dev: false, dir: root, hostname: host, port: Number(port) });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = http.createServer((request, response) => {
    const peer = request.socket.remoteAddress ?? 'unknown';
    const prior = request.headers['x-forwarded-for'];
    const hops = Array.isArray(prior) ? prior.join(', ') : prior;
    request.headers['x-forwarded-for'] = hops ? `${hops}, ${peer}` : peer;
    void handle(request, response);
  });
  server.listen(Number(port), host, () =>
    console.log(`rollout-board on http://${host && host !== '0.0.0.0' && host !== '::' ? host : 'localhost'}:${port}`),
  );

  const stop = () => {
    server.close();
    void Promise.all([app.close(), simulators?.stop()]).finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
