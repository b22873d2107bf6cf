import { isReplyTooLarge, readRequestCapped } from '../http/bounded';
import { ApiError } from './errors';

/** The cap on action routes' JSON bodies: their inputs are a few fields, so anything larger is refused unread. */
export const ACTION_BODY_MAX_BYTES = 16 * 1024;

function tooLarge(maxBytes: number): ApiError {
  return new ApiError('payload_too_large', `The request body is larger than ${maxBytes} bytes; nothing was processed.`);
}

/**
 * Reads a request body up to `maxBytes` (lib/http/bounded's readRequestCapped: a declared Content-Length over
 * the cap is refused before reading anything, a body streaming past it is abandoned at the cap). Throws a 413
 * ApiError either way.
 */
export async function readBodyCapped(request: Request, maxBytes: number): Promise<Buffer> {
  try {
    return await readRequestCapped(request, maxBytes);
  } catch (error) {
    if (isReplyTooLarge(error)) throw tooLarge(maxBytes);
    throw error;
  }
}

/** A capped JSON body; not JSON is a 400 whose message shows the expected shape. */
export async function readJsonBody(
  request: Request,
  options: { maxBytes?: number; example: string },
): Promise<unknown> {
  const raw = await readBodyCapped(request, options.maxBytes ?? ACTION_BODY_MAX_BYTES);
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ApiError('bad_request', `Invalid request: expected a JSON body like ${options.example}`);
  }
}
