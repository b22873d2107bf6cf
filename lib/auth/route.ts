import { withRoute } from '../api/route';
import { requireRole } from './guard';

/**
 * withRoute for the JSON API's reads: a session is needed unless anonymous viewing is on (AUTH_ANONYMOUS=view,
 * or no sign-in configured). Pages get the same rule from lib/auth/page-admission.ts; actions use runAction (lib/auth/action.ts).
 */
export function readRoute<C = unknown>(
  handler: (request: Request, context: C) => Response | Promise<Response>,
): (request: Request, context: C) => Promise<Response> {
  return withRoute(async (request: Request, context: C) => {
    await requireRole(request, 'viewer');
    return handler(request, context);
  });
}
