import { NextResponse } from 'next/server';
import { z } from 'zod';
import { ApiError, parseInput } from '@/lib/api/errors';
import { withRoute } from '@/lib/api/route';
import { readRoute } from '@/lib/auth/route';
import { runAction, scopeTarget } from '@/lib/auth/action';
import { serverConfig } from '@/lib/config/env';
import { GITHUB_SYNC_JOB, NOT_CONFIGURED_HINT, readSyncStatus, runGitHubSync } from '@/lib/github/sync-job';
import { busyElsewhereError } from '@/lib/jobs/busy';
import { getRuntime } from '@/lib/server/runtime';
import { logger } from '@/lib/log/logger';

export const dynamic = 'force-dynamic';

/** The sync panel's data: running or not, progress, the last runs with each repository's outcome, quota. */
export const GET = readRoute(async () => NextResponse.json(await readSyncStatus(await getRuntime())));

const postQuery = z.object({ wait: z.enum(['0', '1']).default('0') });

/** "Sync now": starts a sync, or joins the one running. ?wait=1 answers when it has finished. */
export const POST = withRoute(async (request) => {
  const spec = {
    action: 'sync',
    role: 'engineer',
    input: () => parseInput(postQuery, Object.fromEntries(new URL(request.url).searchParams)),
    describe: () => scopeTarget({}, GITHUB_SYNC_JOB),
  } as const;
  return runAction(request, spec, async (_user, input) => {
    if (serverConfig().GITHUB_REPOS.length === 0) throw new ApiError('conflict', NOT_CONFIGURED_HINT);
    const runtime = await getRuntime();
    const outcome = runGitHubSync(runtime, { trigger: 'manual' });
    const claim = await runtime.jobs.claimed(GITHUB_SYNC_JOB);
    if (claim.status === 'busy-elsewhere') throw busyElsewhereError('The GitHub sync', GITHUB_SYNC_JOB, claim);
    if (input.wait === '1') {
      const result = await outcome;
      return NextResponse.json(
        { outcome: result, status: await readSyncStatus(runtime) },
        { status: result.status === 'busy-elsewhere' ? 409 : 200 },
      );
    }
    void outcome.then((result) => {
      if (result.status === 'failed') logger().error({ job: 'github-sync', error: result.error }, 'GitHub sync failed');
    });
    return NextResponse.json(await readSyncStatus(runtime), { status: 202 });
  });
});
