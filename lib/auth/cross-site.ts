import { ApiError } from '../api/errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses what a browser could be made to send from another site (every action route, through runAction, and
 * sign-out; not the GitHub webhook, which checks its HMAC, nor /faro, which the Faro SDK posts): a state-changing request whose Origin
 * is not the board's (or, without Origin, whose Sec-Fetch-Site is not same-origin) gets 403, and a body
 * that is not JSON gets 415 (forms and text/plain need no CORS preflight; application/json does).
 * Requests without either header come from non-browser clients (curl, scripts), which carry no cookies
 * of a visitor, so they go on to the normal sign-in checks.
 */
export function crossSiteRefusal(request: Request, boardOrigin: string): ApiError | null {
  if (SAFE_METHODS.has(request.method)) return null;
  const origin = request.headers.get('origin');
  if (origin !== null) {
    if (origin !== boardOrigin) {
      return new ApiError('forbidden', `Cross-site request refused: Origin ${origin.slice(0, 100)} is not this board.`);
    }
  } else {
    const site = request.headers.get('sec-fetch-site');
    if (site !== null && site !== 'same-origin') {
      return new ApiError('forbidden', `Cross-site request refused (Sec-Fetch-Site: ${site.slice(0, 30)}).`);
    }
  }
  const type = request.headers.get('content-type');
  const hasBody =
    type !== null || Number(request.headers.get('content-length') ?? 0) > 0 || request.headers.has('transfer-encoding');
  if (hasBody && !/^application\/json\s*(;|$)/i.test(type ?? '')) {
    return new ApiError(
      'unsupported_media_type',
      `Send the body as JSON (content-type: application/json), not ${type ?? 'an untyped body'}.`,
    );
  }
  return null;
}
