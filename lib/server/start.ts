import { ConfigError, serverConfig } from '../config/env';
import { redactDatabaseUrl } from '../db/database-url';
import { getStore } from '../db/store';
import { startSelfProfiling } from '../profiling/self';

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
  const profiling = await startSelfProfiling(config);
  if (profiling) console.log(`rollout-board: profiling itself to ${new URL(profiling.serverAddress).origin} as "rollout-board"`);
}
