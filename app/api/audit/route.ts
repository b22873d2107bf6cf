import { NextResponse } from 'next/server';
import { z } from 'zod';
import { parseInput } from '@/lib/api/errors';
import { withRoute } from '@/lib/api/route';
import { slugSchema } from '@/lib/zod/schemas';
import { AUDIT_ACTIONS } from '@/lib/audit/record';
import { readAudit } from '@/lib/audit/read';
import { requireRole } from '@/lib/auth/guard';
import { getRuntime } from '@/lib/server/runtime';

export const dynamic = 'force-dynamic';

const query = z.object({
  service: slugSchema.optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** The audit trail, newest first (admins only). ?service=, ?action=, ?limit= (≤ 500), ?before=<id> pages back. */
export const GET = withRoute(async (request) => {
  await requireRole(request, 'admin');
  const input = parseInput(query, Object.fromEntries(new URL(request.url).searchParams));
  const { store } = await getRuntime();
  const events = await readAudit(store.db, input);
  return NextResponse.json(
    { events, next: events.length === input.limit ? (events.at(-1)?.id ?? null) : null },
    { headers: { 'cache-control': 'no-store' } },
  );
});
