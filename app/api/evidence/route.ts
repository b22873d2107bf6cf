import { NextResponse } from 'next/server';
import { z } from 'zod';
import { readJsonBody } from '@/lib/api/body';
import { ApiError, parseInput } from '@/lib/api/errors';
import { withRoute } from '@/lib/api/route';
import { runAction, scopeTarget } from '@/lib/auth/action';
import { busyElsewhereError } from '@/lib/jobs/busy';
import { cellKeySchema, slugSchema } from '@/lib/zod/schemas';
import { serverConfig } from '@/lib/config/env';
import {
  cellsInScope,
  EvidenceScopeError,
  evidenceJobName,
  runEvidenceChecks,
  serverEvidenceCheckers,
} from '@/lib/evidence/run';
import { getRuntime } from '@/lib/server/runtime';

export const dynamic = 'force-dynamic';

const scopeSchema = z.discriminatedUnion('scope', [
  z.object({ scope: z.literal('all') }),
  z.object({ scope: z.literal('service'), service: slugSchema }),
  z.object({ scope: z.literal('cell'), cell: cellKeySchema }),
]);

/** Runs the merged and deployed checks now, for all cells, one service or one cell. */
export const POST = withRoute((request) =>
  runAction(
    request,
    {
      action: 'evidence',
      role: 'engineer',
      input: async () => {
        const body = await readJsonBody(request, {
          example:
            '{"scope": "all"}, {"scope": "service", "service": "traction"} or {"scope": "cell", "cell": "traction/faro-helm"}',
        });
        return parseInput(scopeSchema, body);
      },
      describe: (scope) =>
        scopeTarget(
          {
            service: scope.scope === 'service' ? scope.service : undefined,
            cell: scope.scope === 'cell' ? scope.cell : undefined,
          },
          evidenceJobName(scope),
        ),
    },
    async (_user, scope) => {
      const { store, jobs } = await getRuntime();
      try {
        cellsInScope(store, scope); // unknown service or cell → 404 before any job starts
      } catch (error) {
        if (error instanceof EvidenceScopeError) throw new ApiError('not_found', error.message);
        throw error;
      }
      const checkers = serverEvidenceCheckers(serverConfig());
      const outcome = await jobs.run(
        evidenceJobName(scope),
        ({ trigger }) => runEvidenceChecks(store, checkers, scope, trigger),
        {
          trigger: 'manual',
          onBusy: 'wait',
          deadlineMs: serverConfig().VERIFY_TIMEOUT,
          deadlineHint: 'VERIFY_TIMEOUT',
        },
      );
      if (outcome.status === 'busy-elsewhere') {
        throw busyElsewhereError('The evidence checks', evidenceJobName(scope), { ...outcome, retryAt: null });
      }
      if (outcome.status === 'failed') throw new ApiError('bad_gateway', `Evidence checks failed: ${outcome.error}`);
      return NextResponse.json({ joined: outcome.joined, ...outcome.result });
    },
  ),
);
