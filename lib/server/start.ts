import { ConfigError, serverConfig } from '../config/env';
import { redactUrl } from '../config/redact';
import { getStore } from '../db/store';
import { startSelfProfiling } from '../profiling/self';
import { runGitHubSync } from '../github/sync-job';
import { evidenceConfigured, runEvidenceChecks, serverEvidenceCheckers } from '../evidence/run';
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
    `rollout-board: store ${store.location.provider} (${redactUrl(config.DATABASE_URL)}), plan "${store.plan.id}" with ${store.plan.services.length} services`,
  );
  const profiling = await startSelfProfiling(config);
  if (profiling)
    console.log(`rollout-board: profiling itself to ${new URL(profiling.serverAddress).origin} as "rollout-board"`);

  if (config.GITHUB_REPOS.length > 0) {
    const runtime = await getRuntime();
    const sync = async (trigger: 'start' | 'schedule') => {
      const outcome = await runGitHubSync(runtime, { trigger });
      if (outcome.status === 'failed') console.error(`[github-sync] ${outcome.error}`);
      else if (outcome.status === 'ran' && !outcome.joined && outcome.result.status !== 'succeeded') {
        console.error(
          `[github-sync] ${outcome.result.status}: ${outcome.result.repos
            .filter((r) => r.error)
            .map((r) => r.error)
            .join(' ')}`,
        );
      }
    };
    void sync('start');
    schedule(config.SYNC_INTERVAL, () => sync('schedule'));
    console.log(
      `rollout-board: GitHub sync of ${config.GITHUB_REPOS.join(', ')} on start and every ${Math.round(config.SYNC_INTERVAL / 1000)} s`,
    );
  } else {
    console.log('rollout-board: GitHub sync is off (set GITHUB_REPOS to turn it on)');
  }

  // Evidence (merged in the repositories, deployed in the cluster) on the verify interval, first soon after start.
  const checkers = serverEvidenceCheckers(config);
  if (evidenceConfigured(checkers)) {
    const { jobs } = await getRuntime();
    schedule(
      config.VERIFY_INTERVAL,
      () =>
        jobs.run('evidence:all', ({ trigger }) => runEvidenceChecks(store, checkers, { scope: 'all' }, trigger), {
          trigger: 'schedule',
          deadlineMs: config.VERIFY_TIMEOUT,
          deadlineHint: 'VERIFY_TIMEOUT',
        }),
      3_000,
    );
  }

  // Live-data verification of every cell, every VERIFY_INTERVAL (a run still going is joined, not doubled).
  const runtime = await getRuntime();
  schedule(config.VERIFY_INTERVAL, () => startVerification(runtime, { kind: 'all' }, 'schedule').done);
}
