import { NextResponse } from 'next/server';
import { z } from 'zod';
import { internalError, jsonError, parseInput } from '@/lib/api/responses';
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

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a slug like "traction"');
const scopeSchema = z.discriminatedUnion('scope', [
  z.object({ scope: z.literal('all') }),
  z.object({ scope: z.literal('service'), service: slug }),
  z.object({
    scope: z.literal('cell'),
    cell: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'expected "<service>/<capability>"'),
  }),
]);

/** Runs the merged and deployed checks now, for all cells, one service or one cell. */
export async function POST(request: Request) {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return jsonError(
      400,
      'Invalid request: expected a JSON body like {"scope": "all"}, {"scope": "service", "service": "traction"} or ' +
        '{"scope": "cell", "cell": "traction/faro-helm"}',
    );
  }
  const input = parseInput(scopeSchema, body);
  if (!input.ok) return input.response;
  const scope = input.data;
  try {
    const { store, jobs } = await getRuntime();
    cellsInScope(store, scope); // unknown service or cell → 404 before any job starts
    const checkers = serverEvidenceCheckers(serverConfig());
    const outcome = await jobs.run(
      evidenceJobName(scope),
      ({ trigger }) => runEvidenceChecks(store, checkers, scope, trigger),
      { trigger: 'manual', onBusy: 'wait' },
    );
    if (outcome.status === 'busy-elsewhere')
      return jsonError(
        409,
        `Evidence checks are running on another replica (${outcome.holder ?? 'unknown'}); try again shortly.`,
      );
    if (outcome.status === 'failed') return jsonError(502, `Evidence checks failed: ${outcome.error}`);
    return NextResponse.json({ joined: outcome.joined, ...outcome.result });
  } catch (error) {
    if (error instanceof EvidenceScopeError) return jsonError(404, error.message);
    return internalError('Checking evidence', error);
  }
}
