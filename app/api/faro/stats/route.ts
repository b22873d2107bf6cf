import { NextResponse } from 'next/server';
import { internalError } from '@/lib/api/responses';
import { faroStatus } from '@/lib/faro/status';

export const dynamic = 'force-dynamic';

/** The board's own Faro: settings, what its /faro proxy forwarded, and the traceparent this request carried. */
export function GET(request: Request) {
  try {
    return NextResponse.json(faroStatus(request.headers.get('traceparent')), {
      headers: { 'cache-control': 'no-store' },
    });
  } catch (error) {
    return internalError('Faro status', error);
  }
}
