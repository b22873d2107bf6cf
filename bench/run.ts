/**
 * `npm run bench`: every benchmark, side by side in one run, against the production build.
 * BENCH_SECONDS sets each measurement's length (default 5 s).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { benchFaro } from './faro';
import { benchEvidence } from './evidence';
import { benchMatrix } from './matrix';
import { benchSync } from './sync';
import { benchSyncLoad } from './sync-load';
import { ROOT } from './lib/server';
import { benchVerify } from './verify';

const sections: Array<[string, () => Promise<void>]> = [
  ['matrix', benchMatrix],
  ['faro', benchFaro],
  ['sync', benchSync],
  ['sync-load', benchSyncLoad],
  ['evidence', benchEvidence],
  ['verify', benchVerify],
];

if (!existsSync(path.join(ROOT, '.next', 'BUILD_ID')) || process.env.BENCH_BUILD === '1') {
  const build = spawnSync('npx', ['next', 'build'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (build.status !== 0) process.exit(1);
}

async function main() {
  const only = process.argv.slice(2);
  for (const [name, run] of sections) {
    if (only.length > 0 && !only.includes(name)) continue;
    await run();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
