import { defineConfig } from 'vitest/config';

// The tests Stryker runs for each mutant (npm run test:mutation): the unit tests of the mutated modules
// only, without the store tests' database, so a mutant costs a second, not a suite.
export default defineConfig({
  resolve: { alias: { '@': import.meta.dirname } },
  test: {
    include: [
      'lib/matrix/*.test.ts',
      'lib/plan/*.test.ts',
      'lib/github/classify.test.ts',
      'lib/github/retry-policy.test.ts',
      'lib/github/body-estimate.test.ts',
      'lib/probes/*.test.ts',
      'lib/faro/*.test.ts',
      'lib/format/*.test.ts',
      'lib/async/*.test.ts',
      'lib/auth/cross-site.test.ts',
      'lib/auth/guard.test.ts',
      'lib/auth/page-admission.test.ts',
      'lib/auth/session.test.ts',
      'lib/github/linked-prs.test.ts',
      'lib/server/page-cache.test.ts',
      'lib/server/spliced-body.test.ts',
      'lib/config/redact.test.ts',
      'lib/config/cidr.test.ts',
      'lib/config/duration.test.ts',
      'lib/config/bounds.test.ts',
      'lib/config/env.test.ts',
      'lib/http/bounded.test.ts',
      'lib/github/request-slots.test.ts',
      'lib/log/logger.test.ts',
    ],
    // Store tests need a database and test the reads, which are not mutated (stryker.config.json).
    exclude: ['lib/matrix/read.test.ts', 'lib/matrix/read-scale.test.ts', 'lib/matrix/snapshot.test.ts'],
    testTimeout: 20_000,
    maxWorkers: 1,
  },
});
