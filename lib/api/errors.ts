import { randomUUID } from 'node:crypto';
import { ZodError, type z } from 'zod';
import { currentRequestContext } from '../log/context';
import { errorFields, logger } from '../log/logger';

/** What kind of failure an API answer reports; each code has one HTTP status. */
export type ApiErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'internal_error'
  | 'bad_gateway'
  | 'service_unavailable';

export const API_ERROR_STATUS: Record<ApiErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  bad_gateway: 502,
  service_unavailable: 503,
};

/**
 * The one error a route throws to answer with a status: its message is shown to the caller as is, so it
 * says what went wrong and what to do. Anything else thrown becomes a 500 whose message hides it.
 */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly headers?: Record<string, string>;
  /** Extra fields for the answer's body (e.g. when a busy job retries). */
  readonly details?: Record<string, unknown>;

  constructor(
    code: ApiErrorCode,
    message: string,
    options: { headers?: Record<string, string>; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.headers = options.headers;
    this.details = options.details;
  }

  get status(): number {
    return API_ERROR_STATUS[this.code];
  }
}

/** By name as well as class: a route's bundle may hold its own copy of this module. */
export const isApiError = (error: unknown): error is ApiError =>
  error instanceof ApiError || (error instanceof Error && error.name === 'ApiError' && 'code' in error);

/** The JSON body of every error answer. `requestId` is present on 500s: the server log has the details under it. */
export interface ApiErrorBody {
  error: string;
  code: ApiErrorCode;
  requestId?: string;
  [detail: string]: unknown;
}

/** "Invalid request: path: message; …" for a failed zod parse. */
export function describeZodError(error: ZodError): string {
  const detail = error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
  return `Invalid request: ${detail}`;
}

/** Validates route input; throws a 400 ApiError saying which field is wrong. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ApiError('bad_request', describeZodError(result.error));
}

export function errorResponse(error: ApiError): Response {
  const body: ApiErrorBody = { ...error.details, error: error.message, code: error.code };
  return Response.json(body, { status: error.status, headers: { 'cache-control': 'no-store', ...error.headers } });
}

/**
 * Maps anything a route threw to its answer. ApiError and zod errors say what was wrong; everything else is
 * logged under the request's id and answered with a generic 500 that carries only that id.
 */
export function toErrorResponse(error: unknown, where: string): Response {
  if (isApiError(error)) return errorResponse(error);
  if (error instanceof ZodError) return errorResponse(new ApiError('bad_request', describeZodError(error)));
  const requestId = currentRequestContext()?.requestId ?? randomUUID();
  logger().error({ where, requestId, ...errorFields(error) }, `${where} failed`);
  const body: ApiErrorBody = {
    error: `Something went wrong on the board's side (request id ${requestId}). The server log has the details under that id.`,
    code: 'internal_error',
    requestId,
  };
  return Response.json(body, { status: 500, headers: { 'cache-control': 'no-store', 'x-request-id': requestId } });
}
