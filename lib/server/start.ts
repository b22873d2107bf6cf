import { ConfigError, serverConfig } from '../config/env';
import { redactDatabaseUrl } from '../db/database-url';
import { getStore } from '../db/store';
import { evidenceConfigured, runEvidenceChecks, serverEvidenceCheckers } from '../evidence/run';
import { schedule } from '../jobs/runner';
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

  // Evidence (merged in the repositories, deployed in the cluster) on the verify interval, first soon after start.
  const checkers = serverEvidenceCheckers(config);
  if (evidenceConfigured(checkers)) {
    const { jobs } = await getRuntime();
    schedule(
      config.VERIFY_INTERVAL,
      () => jobs.run('evidence:all', ({ trigger }) => runEvidenceChecks(store, checkers, { scope: 'all' }, trigger), { trigger: 'schedule' }),
      3_000,
    );
  }
}
