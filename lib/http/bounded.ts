/**
 * Bounds for every outbound request the board makes (GitHub, Kubernetes, Pyroscope, Loki, Tempo, the receiver):
 * a time limit that really aborts the request, body included, and a byte cap applied while the reply streams in.
 */

/** A reply longer than its cap: reading stopped at the cap and the connection was dropped. */
export class ReplyTooLargeError extends Error {
  override name = 'ReplyTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`the reply is larger than ${formatBytes(maxBytes)}, so reading stopped there`);
  }
}

/**
 * Recognised by name, not instanceof: the server bundles can hold more than one copy of this module, and an
 * error crosses them (e.g. through the Kubernetes client).
 */
export const isReplyTooLarge = (error: unknown): error is ReplyTooLargeError =>
  error instanceof Error && error.name === 'ReplyTooLargeError';

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

/**
 * Reads a body (a web ReadableStream or a Node stream) up to `maxBytes`. Past the cap it stops, which cancels
 * the stream and with it the connection, and throws ReplyTooLargeError: memory stays bounded by the cap.
 * With `truncate`, it returns the first `maxBytes` instead (for texts whose beginning is enough).
 */
export async function readCapped(
  body: AsyncIterable<Uint8Array> | null | undefined,
  maxBytes: number,
  options: { truncate?: boolean } = {},
): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    // Leaving the loop early cancels a web stream and destroys a Node stream.
    if (total + chunk.byteLength > maxBytes) {
      if (!options.truncate) throw new ReplyTooLargeError(maxBytes);
      chunks.push(chunk.subarray(0, maxBytes - total));
      total = maxBytes;
      break;
    }
    total += chunk.byteLength;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/**
 * Reads an inbound request's body up to `maxBytes`: a declared Content-Length over the cap is refused before
 * reading anything, and a body that streams past the cap is abandoned there (chunked uploads declare nothing).
 * Throws ReplyTooLargeError either way; each caller answers 413 in its own words (lib/api/body, /faro).
 */
export async function readRequestCapped(request: Request, maxBytes: number): Promise<Buffer> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) throw new ReplyTooLargeError(maxBytes);
  return readCapped(request.body, maxBytes);
}

export interface RequestBounds {
  timeoutMs: number;
  maxBytes: number;
  /** The caller's own cancellation, e.g. a run's deadline; combined with the per-request timeout. */
  signal?: AbortSignal;
  /** Keep the first `maxBytes` of a longer reply instead of failing (see readCapped). */
  truncate?: boolean;
}

/** A signal that aborts when any of the given ones does (undefined when none is given). */
export function anySignal(...signals: Array<AbortSignal | undefined>): AbortSignal | undefined {
  const given = signals.filter((s): s is AbortSignal => s !== undefined);
  return given.length > 1 ? AbortSignal.any(given) : given[0];
}

/**
 * The per-request time limit, joined with the caller's signal. `timedOut()` tells the two apart afterwards;
 * `release()` clears the timer once the request is over.
 *
 * The limit is a timer holding its controller, not `AbortSignal.timeout`: Node 20's `AbortSignal.any` holds
 * its sources weakly, so a timeout signal joined with a caller's could be garbage-collected before it fired,
 * and the request then waited for ever (nodejs/node#57736; a probe of a hung upstream did, under load).
 */
export function requestSignal(bounds: Pick<RequestBounds, 'timeoutMs' | 'signal'>) {
  const timeout = new AbortController();
  const timer = setTimeout(
    () => timeout.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    bounds.timeoutMs,
  );
  timer.unref(); // the request's socket keeps the process alive, not its time limit
  return {
    signal: anySignal(timeout.signal, bounds.signal) ?? timeout.signal,
    timedOut: () => timeout.signal.aborted,
    release: () => clearTimeout(timer),
  };
}

export interface BoundedReply {
  status: number;
  statusText: string;
  headers: Headers;
  body: Buffer;
  url: string;
}

/**
 * fetch within bounds: the timeout covers connecting, the headers and the whole body; the body is read up to
 * its cap (a declared Content-Length over it is refused unread, unless truncating). Throws the fetch error,
 * a TimeoutError / AbortError DOMException, or ReplyTooLargeError.
 */
export async function fetchBounded(url: string | URL, init: RequestInit, bounds: RequestBounds): Promise<BoundedReply> {
  const { signal, release } = requestSignal({
    timeoutMs: bounds.timeoutMs,
    signal: anySignal(bounds.signal, init.signal ?? undefined),
  });
  try {
    const response = await fetch(url, { ...init, signal });
    const declared = Number(response.headers.get('content-length'));
    if (!bounds.truncate && Number.isFinite(declared) && declared > bounds.maxBytes) {
      await response.body?.cancel().catch(() => {});
      throw new ReplyTooLargeError(bounds.maxBytes);
    }
    const body = await readCapped(response.body, bounds.maxBytes, { truncate: bounds.truncate });
    return {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
      body,
      url: response.url,
    };
  } finally {
    release();
  }
}

/** What went wrong with a bounded request, in words, for messages that then say what to check. */
export function describeTransportError(error: unknown, timeoutMs: number): string {
  if (isReplyTooLarge(error)) return error.message;
  if (error instanceof Error && error.name === 'TimeoutError')
    return `no complete answer within ${formatDuration(timeoutMs)}`;
  if (error instanceof Error && error.name === 'AbortError') return error.message || 'the request was cancelled';
  // fetch's TypeError carries the system error (ECONNREFUSED…) as its cause; DOMExceptions have numeric codes.
  const cause = (error as { cause?: { code?: unknown; message?: string } })?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string') return code;
  return cause?.message ?? (error instanceof Error ? error.message : String(error));
}

export const formatDuration = (ms: number) =>
  ms % 3_600_000 === 0
    ? `${ms / 3_600_000}h`
    : ms % 60_000 === 0
      ? `${ms / 60_000}m`
      : ms % 1000 === 0
        ? `${ms / 1000}s`
        : `${ms}ms`;
