/**
 * The second e2e board (playwright.config.ts): a synthetic plan of 200 services × 6 capabilities
 * with 5,000 synced issues and their check results, seeded into a fresh SQLite store, served by
 * the production build on PORT. e2e/fleet.spec.ts runs against it.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { seedSyntheticStore, writeSyntheticPlan } from '../bench/synthetic';

async function main() {
  const planFile = writeSyntheticPlan(200);
  const databaseUrl = await seedSyntheticStore(planFile, 5000, { checks: true });
  const root = path.resolve(__dirname, '..');
  // The board's own server, as `npm start` runs it: it admits every page (sign-in, CSP nonce).
  const server = spawn(process.execPath, [path.join(root, 'scripts', 'board-server.mjs')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: process.env.PORT ?? '3000',
      BIND_HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      PLAN_FILE: planFile,
    },
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.kill('SIGTERM'));
  server.on('exit', (code) => process.exit(code ?? 0));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
