import { serverConfig } from '../config/env';
import { getStore } from '../db/store';
import { evidenceRunner, serverEvidenceCheckers } from '../evidence/run';
import { JobRunner } from '../jobs/runner';
import type { Runtime } from '../jobs/runtime';

const holder = globalThis as unknown as { __rolloutBoardRuntime?: Promise<Runtime> };

/** The server process's store, job runner and evidence checkers, created once and shared by pages, routes and schedules. */
export function getRuntime(): Promise<Runtime> {
  holder.__rolloutBoardRuntime ??= getStore()
    .then((store) => ({
      store,
      jobs: new JobRunner(store.db),
      evidence: evidenceRunner(store, serverEvidenceCheckers(serverConfig())),
    }))
    .catch((error) => {
      holder.__rolloutBoardRuntime = undefined;
      throw error;
    });
  return holder.__rolloutBoardRuntime;
}
