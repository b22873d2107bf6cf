import { ConfigError, serverConfig } from '../config/env';
import { redactDatabaseUrl } from '../db/database-url';
import { getStore } from '../db/store';
import { schedule } from '../jobs/runner';
import { startVerification } from '../verify/run';
import { getRuntime } from './runtime';

/** Start-up work of the server process; later concerns (sync, verify schedules) hook in here. */
export async function startServer(): Promise<void> {
  let config;
  try {
    config = serverConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  let store;
  try {
    store = await getStore();
  } catch (error) {
    console.error(`rollout-board cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  console.log(
    `rollout-board: store ${store.location.provider} (${redactDatabaseUrl(config.DATABASE_URL)}), plan "${store.plan.id}" with ${store.plan.services.length} services`,
  );

  // Live-data verification of every cell, every VERIFY_INTERVAL (a run still going is joined, not doubled).
  const runtime = await getRuntime();
  schedule(config.VERIFY_INTERVAL, () => startVerification(runtime, { kind: 'all' }, 'schedule').done);
}
