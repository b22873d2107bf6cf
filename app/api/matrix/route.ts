import { z } from 'zod';
import { parseInput } from '@/lib/api/errors';
import { readRoute } from '@/lib/auth/route';
import { getStore } from '@/lib/db/store';
import { readMatrixSnapshot } from '@/lib/matrix/read';

export const dynamic = 'force-dynamic';

const querySchema = z.object({
  view: z.enum(['full', 'compact'], { message: 'expected "full" (the default) or "compact"' }).default('full'),
});

/**
 * The derived matrix. The full view (every check's evidence, messages, the issue in full) is for API
 * users; ?view=compact is what the board's UI shows. Both carry the store revision as their ETag,
 * so a poll that finds nothing new is a 304 with no body.
 */
export const GET = readRoute(async (request) => {
  const { view } = parseInput(querySchema, Object.fromEntries(new URL(request.url).searchParams));
  const snapshot = await readMatrixSnapshot(await getStore());
  const headers = { etag: snapshot.etag, 'cache-control': 'no-cache' };
  if (request.headers.get('if-none-match') === snapshot.etag) return new Response(null, { status: 304, headers });
  const body = view === 'compact' ? snapshot.compactJson() : snapshot.fullJson();
  return new Response(body, { headers: { ...headers, 'content-type': 'application/json' } });
});
