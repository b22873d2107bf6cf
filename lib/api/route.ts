import { requestIdFor, runWithRequestContext } from '../log/context';
import { toErrorResponse } from './errors';

/**
 * Wraps every route handler: whatever it throws becomes the one error shape (lib/api/errors.ts), so a
 * handler only says what succeeds and throws ApiError for what the caller did wrong. Everything it logs
 * carries the request's id (the caller's X-Request-ID, or a fresh one), the same id a 500 answers with.
 */
export function withRoute<C = unknown>(
  handler: (request: Request, context: C) => Response | Promise<Response>,
): (request: Request, context: C) => Promise<Response> {
  return (request, context) =>
    runWithRequestContext({ requestId: requestIdFor(request.headers) }, async () => {
      try {
        return await handler(request, context);
      } catch (error) {
        return toErrorResponse(error, `${request.method} ${new URL(request.url).pathname}`);
      }
    });
}
