import { NextResponse } from 'next/server';
import { withRoute } from '@/lib/api/route';
import { checkStoreHealth } from '@/lib/db/health';

export const dynamic = 'force-dynamic';

/** Liveness plus store reachability: 200 when the store answers, 503 with the reason when not. */
export const GET = withRoute(async () => {
  const health = await checkStoreHealth();
  return NextResponse.json(health, { status: health.status === 'ok' ? 200 : 503 });
});
