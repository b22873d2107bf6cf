import { NextResponse } from 'next/server';
import { z } from 'zod';
import { internalError, jsonError, parseInput } from '@/lib/api/responses';
import { getStore } from '@/lib/db/store';
import { readServiceDetail } from '@/lib/matrix/read';

export const dynamic = 'force-dynamic';

const paramsSchema = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'expected a service slug like "acapy-agent"'),
});

export async function GET(_request: Request, context: { params: Promise<{ slug: string }> }) {
  const input = parseInput(paramsSchema, await context.params);
  if (!input.ok) return input.response;
  try {
    const store = await getStore();
    const detail = await readServiceDetail(store, input.data.slug);
    if (!detail) {
      const known = store.plan.services.map((s) => s.slug).join(', ');
      return jsonError(404, `Unknown service "${input.data.slug}". This plan has: ${known}.`);
    }
    return NextResponse.json(detail);
  } catch (error) {
    return internalError('Reading the service', error);
  }
}
