import { NextResponse } from 'next/server';
import { withRoute } from '@/lib/api/route';
import { faroStatus } from '@/lib/faro/status';

export const dynamic = 'force-dynamic';

/** The board's own Faro: settings, what its /faro proxy forwarded, and the traceparent this request carried. */
export const GET = withRoute((request) =>
  NextResponse.json(faroStatus(request.headers.get('traceparent')), { headers: { 'cache-control': 'no-store' } }),
);
