import { jsonError } from '../api/responses';

/** A refused request: 401 (not signed in), 403 (not allowed), 415 (not JSON) or 429 (too soon, with Retry-After). */
export class AccessError extends Error {
  override name = 'AccessError';

  constructor(
    readonly status: 401 | 403 | 415 | 429,
    message: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }

  /** The project's one JSON error shape. */
  toResponse() {
    return jsonError(this.status, this.message, { 'cache-control': 'no-store', ...this.headers });
  }
}

/** The answer for a refused request, or null when `error` is something else (rethrow it). */
export const accessErrorResponse = (error: unknown) => (error instanceof AccessError ? error.toResponse() : null);
