import type { Store } from '../db/store';
import type { EvidenceRunner } from '../probes/types';
import type { JobRunner } from './runner';

/**
 * What a job needs from the server process: its store, its job runner and the evidence checkers. Declared here, below the
 * jobs that take it (sync, verify), so they never import the server layer that starts them.
 */
export interface Runtime {
  store: Store;
  jobs: JobRunner;
  /** The repository and cluster checks verifications run with every other proof; absent, none run. */
  evidence?: EvidenceRunner | null;
}
