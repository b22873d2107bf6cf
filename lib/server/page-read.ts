import { headers } from 'next/headers';
import { unstable_rethrow } from 'next/navigation';
import { requestIdFor } from '../log/context';
import { errorFields, logger } from '../log/logger';
import { markReadFailed } from './read-status';

/** A page's read: its value, or the request id its failure is logged under. */
export type PageRead<T> = { ok: true; value: T } | { ok: false; what: string; requestId: string };

/**
 * Runs a page's store read. A failure (store unreachable, a damaged database) is logged once with a
 * request id (the ingress's X-Request-ID when it sent one) and returned, so the page renders
 * app/_components/read-failure.tsx on the server: readable without JavaScript, where a thrown error
 * would leave Next's empty error shell (app/error.tsx needs JavaScript to show). The page answers 503
 * (lib/server/read-status.ts). Next's own control flow (redirect, notFound) passes through.
 */
export async function pageRead<T>(what: string, read: () => Promise<T>): Promise<PageRead<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    unstable_rethrow(error);
    const requestHeaders = await headers();
    const requestId = requestIdFor(requestHeaders);
    logger().error({ requestId, what, ...errorFields(error) }, `Reading ${what} for a page failed`);
    markReadFailed(requestHeaders);
    return { ok: false, what, requestId };
  }
}
