import { NextResponse } from 'next/server';
import { z } from 'zod';
import { readJsonBody } from '@/lib/api/body';
import { ApiError, parseInput } from '@/lib/api/errors';
import { withRoute } from '@/lib/api/route';
import { readRoute } from '@/lib/auth/route';
import { cellKeySchema, slugSchema } from '@/lib/zod/schemas';
import { runAction, scopeTarget } from '@/lib/auth/action';
import { busyElsewhereError } from '@/lib/jobs/busy';
import { getRuntime } from '@/lib/server/runtime';
import { cellKeysForScope, startVerification, verifyJobName } from '@/lib/verify/run';

export const dynamic = 'force-dynamic';

const scopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('service'), slug: slugSchema }),
  z.object({ kind: z.literal('cell'), key: cellKeySchema }),
]);

/** Which verifications are running now (the UI polls this while one runs). */
export const GET = readRoute(async () => {
  const runtime = await getRuntime();
  return NextResponse.json({ running: runtime.jobs.runningJobs().filter((name) => name.startsWith('verify:')) });
});

/** Starts (or joins) a verification and answers at once; results are stored as each probe finishes. */
export const POST = withRoute((request) =>
  runAction(
    request,
    {
      action: 'verify',
      role: 'engineer',
      input: async () => {
        const body = await readJsonBody(request, {
          example:
            '{"kind": "all"}, {"kind": "service", "slug": "traction"} or {"kind": "cell", "key": "traction/faro-helm"}',
        });
        return parseInput(scopeSchema, body);
      },
      describe: (scope) =>
        scopeTarget(
          {
            service: scope.kind === 'service' ? scope.slug : undefined,
            cell: scope.kind === 'cell' ? scope.key : undefined,
          },
          verifyJobName(scope),
        ),
    },
    async (_user, scope) => {
      const runtime = await getRuntime();
      if (!cellKeysForScope(runtime.store, scope)) {
        throw new ApiError(
          'not_found',
          scope.kind === 'service'
            ? `Unknown service "${scope.slug}".`
            : `Unknown cell "${scope.kind === 'cell' ? scope.key : ''}".`,
        );
      }
      const started = startVerification(runtime, scope, 'manual');
      const claim = await runtime.jobs.claimed(started.job);
      if (claim.status === 'busy-elsewhere') throw busyElsewhereError('This verification', started.job, claim);
      // startedAt: the Verify button counts only results stamped from then on as this run's.
      return NextResponse.json(
        { job: started.job, joined: started.joined, startedAt: started.startedAt.toISOString() },
        { status: 202 },
      );
    },
  ),
);
