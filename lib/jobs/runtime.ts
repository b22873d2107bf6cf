import type { Store } from '../db/store';
import type { JobRunner } from './runner';

/**
 * What a job needs from the server process: its store and its job runner. Declared here, below the
 * jobs that take it (sync, verify), so they never import the server layer that starts them.
 */
export interface Runtime {
  store: Store;
  jobs: JobRunner;
}
