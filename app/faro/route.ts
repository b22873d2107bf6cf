import { withRoute } from '@/lib/api/route';
import { peerAddress } from '@/lib/auth/identify';
import { faroProxySettings, processFaroRateLimiter } from '@/lib/faro/config';
import { handleFaroRequest } from '@/lib/faro/proxy';
import { processFaroStats } from '@/lib/faro/stats';

export const dynamic = 'force-dynamic';

/** The browser's Faro collector: same-origin, forwarded to Alloy's faro.receiver (lib/faro/proxy.ts). */
const handle = withRoute((request) =>
  handleFaroRequest(request, {
    settings: faroProxySettings(),
    limiter: processFaroRateLimiter(),
    stats: processFaroStats(),
    // The socket's peer (set by the board's own server): the rate limit keys on it, or on the hop
    // FARO_TRUSTED_PROXIES proxies in front put there, never on an X-Forwarded-For the client wrote.
    clientAddress: peerAddress(request.headers) ?? undefined,
  }),
);

export const POST = handle;
// Every other method gets the proxy's own 405 (or 404 when Faro is off), not the framework's.
export const GET = handle;
export const PUT = handle;
export const PATCH = handle;
export const DELETE = handle;
export const OPTIONS = handle;
