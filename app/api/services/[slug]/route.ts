import { NextResponse } from 'next/server';
import { z } from 'zod';
import { ApiError, parseInput } from '@/lib/api/errors';
import { readRoute } from '@/lib/auth/route';
import { slugSchema } from '@/lib/zod/schemas';
import { getStore } from '@/lib/db/store';
import { readServiceDetail } from '@/lib/matrix/read';

export const dynamic = 'force-dynamic';

const paramsSchema = z.object({ slug: slugSchema });

export const GET = readRoute(async (_request, context: { params: Promise<{ slug: string }> }) => {
  const { slug } = parseInput(paramsSchema, await context.params);
  const store = await getStore();
  const detail = await readServiceDetail(store, slug);
  if (!detail) {
    const known = store.plan.services.map((s) => s.slug).join(', ');
    throw new ApiError('not_found', `Unknown service "${slug}". This plan has: ${known}.`);
  }
  return NextResponse.json(detail);
});
