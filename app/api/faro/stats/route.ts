import { NextResponse } from 'next/server';
import { readRoute } from '@/lib/auth/route';
import { currentUser } from '@/lib/auth/guard';
import { hasRole } from '@/lib/auth/roles';
import { faroStatus } from '@/lib/faro/status';

export const dynamic = 'force-dynamic';

/**
 * The board's own Faro: settings, what its /faro proxy forwarded, and the traceparent this request carried.
 * Other sessions' ids and the upstream URL go to engineers only; anyone gets their own session back
 * (sent as x-faro-session-id).
 */
export const GET = readRoute(async (request) => {
  const user = await currentUser(request);
  const status = faroStatus(request.headers.get('traceparent'), {
    seesEveryone: hasRole(user, 'engineer'),
    ownSessionId: request.headers.get('x-faro-session-id'),
  });
  return NextResponse.json(status, { headers: { 'cache-control': 'no-store' } });
});
