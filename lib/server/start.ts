import { ConfigError, serverConfig } from '../config/env';
import { redactUrl } from '../config/redact';
import { getStore } from '../db/store';
import { startSelfProfiling } from '../profiling/self';
import { runGitHubSync } from '../github/sync-job';
import { schedule } from '../jobs/runner';
import { startVerification } from '../verify/run';
import { getRuntime } from './runtime';
import { errorFields, logger } from '../log/logger';

/** Start-up work of the server process; later concerns (sync, verify schedules) hook in here. */
export async function startServer(): Promise<void> {
  let config: ReturnType<typeof serverConfig>;
  try {
    config = serverConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      logger().fatal(error.message);
      process.exit(1);
    }
    throw error;
  }
  const log = logger();
  let store: Awaited<ReturnType<typeof getStore>>;
  try {
    store = await getStore();
  } catch (error) {
    logger().fatal(errorFields(error), 'rollout-board cannot start');
    process.exit(1);
  }
  log.info(
    { store: store.location.provider, database: redactUrl(config.DATABASE_URL), plan: store.plan.id },
    `Store ${store.location.provider} ready, plan "${store.plan.id}" with ${store.plan.services.length} services`,
  );
  const profiling = await startSelfProfiling(config);
  if (profiling) log.info(`Profiling itself to ${new URL(profiling.serverAddress).origin} as "rollout-board"`);

  if (config.GITHUB_REPOS.length > 0) {
    const runtime = await getRuntime();
    const sync = async (trigger: 'start' | 'schedule') => {
      const outcome = await runGitHubSync(runtime, { trigger });
      if (outcome.status === 'failed') log.error({ job: 'github-sync', error: outcome.error }, 'GitHub sync failed');
      else if (outcome.status === 'ran' && !outcome.joined && outcome.result.status !== 'succeeded') {
        log.error(
          {
            job: 'github-sync',
            outcome: outcome.result.status,
            errors: outcome.result.repos.flatMap((r) => r.error ?? []),
          },
          `GitHub sync ${outcome.result.status}`,
        );
      }
    };
    void sync('start');
    schedule(config.SYNC_INTERVAL, () => sync('schedule'));
    log.info(
      `GitHub sync of ${config.GITHUB_REPOS.join(', ')} on start and every ${Math.round(config.SYNC_INTERVAL / 1000)} s`,
    );
  } else {
    log.info('GitHub sync is off (set GITHUB_REPOS to turn it on)');
  }

  // Every proof of every cell (live data, repositories, cluster), every VERIFY_INTERVAL (a run still going is joined, not doubled).
  const runtime = await getRuntime();
  schedule(config.VERIFY_INTERVAL, () => startVerification(runtime, { kind: 'all' }, 'schedule').done);
}
