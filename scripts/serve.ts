/**
 * Runs the production build of the board. Used by `npm start` (the quick start), the e2e suite and
 * the benchmarks. Builds first when there is no build yet.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const port = process.env.PORT ?? '3000';
// Not HOSTNAME: shells and containers set that to the machine's name.
const host = process.env.BIND_HOST;
const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };

if (!existsSync(path.join(root, '.next', 'BUILD_ID'))) {
  console.log('No production build yet: running next build…');
  const build = spawnSync('npx', ['next', 'build'], { cwd: root, env, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const server = spawn('npx', ['next', 'start', '-p', port, ...(host ? ['-H', host] : [])], { cwd: root, env, stdio: 'inherit' });
console.log(`rollout-board on http://${host && host !== '0.0.0.0' && host !== '::' ? host : 'localhost'}:${port}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.kill('SIGTERM');
  });
}
server.on('exit', (code) => process.exit(code ?? 0));
