import { NextResponse } from 'next/server';
import { z } from 'zod';
import { ApiError, parseInput } from '@/lib/api/errors';
import { readRoute } from '@/lib/auth/route';
import { slugSchema } from '@/lib/zod/schemas';
import { getStore } from '@/lib/db/store';
import { findMatrixCell } from '@/lib/matrix/compact';
import { readMatrixSnapshot } from '@/lib/matrix/read';

export const dynamic = 'force-dynamic';

const paramsSchema = z.object({ service: slugSchema, capability: slugSchema });

/**
 * One cell in full, loaded on demand by the matrix (hover or focus): its state's reason, the
 * evidence chain with evidence, the newest result of each check with its message, and the
 * acceptance criteria with where each stands. The gate is /api/matrix/cells/gate/<slug>.
 */
export const GET = readRoute(async (request, context: { params: Promise<{ service: string; capability: string }> }) => {
  const { service, capability } = parseInput(paramsSchema, await context.params);
  const key = `${service}/${capability}`;
  const snapshot = await readMatrixSnapshot(await getStore());
  const cell = findMatrixCell(snapshot.view, key);
  if (!cell)
    throw new ApiError(
      'not_found',
      `No cell "${key}" in this plan: keys are "<service>/<capability>" or "gate/<slug>".`,
    );
  const headers = { etag: snapshot.etag, 'cache-control': 'no-cache' };
  if (request.headers.get('if-none-match') === snapshot.etag) return new Response(null, { status: 304, headers });
  const planCell = snapshot.input.cells.find((c) => c.key === key);
  // The criteria stay the derived ones (status, holds, reason): the plan's bare words would read as failing.
  return NextResponse.json({ ...cell, requirements: planCell?.requirements ?? [] }, { headers });
});
