import { NextResponse } from 'next/server';
import { z } from 'zod';
import { internalError, jsonError, parseInput } from '@/lib/api/responses';
import { getStore } from '@/lib/db/store';
import { findMatrixCell } from '@/lib/matrix/compact';
import { readMatrixSnapshot } from '@/lib/matrix/read';

export const dynamic = 'force-dynamic';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'expected a slug like "acapy-agent"');
const paramsSchema = z.object({ service: slug, capability: slug });

/**
 * One cell in full, loaded on demand by the matrix (hover or focus): its state's reason, the
 * evidence chain with evidence, the newest result of each check with its message, and the
 * acceptance criteria. The gate is /api/matrix/cells/gate/<slug>.
 */
export async function GET(request: Request, context: { params: Promise<{ service: string; capability: string }> }) {
  const input = parseInput(paramsSchema, await context.params);
  if (!input.ok) return input.response;
  const key = `${input.data.service}/${input.data.capability}`;
  try {
    const snapshot = await readMatrixSnapshot(await getStore());
    const cell = findMatrixCell(snapshot.view, key);
    if (!cell)
      return jsonError(404, `No cell "${key}" in this plan: keys are "<service>/<capability>" or "gate/<slug>".`);
    if (request.headers.get('if-none-match') === snapshot.etag)
      return new Response(null, { status: 304, headers: { etag: snapshot.etag } });
    const planCell = snapshot.input.cells.find((c) => c.key === key);
    return NextResponse.json(
      { ...cell, criteria: planCell?.criteria ?? [], requirements: planCell?.requirements ?? [] },
      { headers: { etag: snapshot.etag, 'cache-control': 'no-cache' } },
    );
  } catch (error) {
    return internalError('Reading the cell', error);
  }
}
