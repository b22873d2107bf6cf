import { NextResponse } from 'next/server';
import { readRoute } from '@/lib/auth/route';
import { serverConfig } from '@/lib/config/env';
import { findOwnLinkedTrace } from '@/lib/tracing/own-trace';

export const dynamic = 'force-dynamic';

/** The board's newest browser trace whose fetch has the board's server span as its child (read from Tempo). */
export const GET = readRoute(async () => {
  const config = serverConfig();
  return NextResponse.json(
    { ...(await findOwnLinkedTrace(config)), grafanaUrl: config.GRAFANA_URL ?? null },
    { headers: { 'cache-control': 'no-store' } },
  );
});
