import http from 'node:http';
import https from 'node:https';
import { isReplyTooLarge, readRequestCapped, requestSignal } from '../http/bounded';
import type { ClientRateLimiter } from './rate-limit';
import type { FaroProxyStats } from './stats';

/**
 * The same-origin `POST /faro` proxy: browsers send Faro payloads to the app that served them (no
 * CORS, no collector address in the bundle, no key in the browser) and this forwards them to Alloy's
 * faro.receiver. A plain function over a Web Request so it runs the same in Next and in tests.
 */
export interface FaroProxySettings {
  /** FARO_ENABLED and FARO_PROXY_ENABLED: when false the route does not exist (404). */
  enabled: boolean;
  upstreamUrl: string;
  /** Added server-side as X-API-Key; never sent to the browser. */
  apiKey?: string;
  maxBodyBytes: number;
  upstreamTimeoutMs: number;
  /** FARO_TRUSTED_PROXIES: how many proxies in front of the board append to X-Forwarded-For. */
  trustedProxies?: number;
}

export interface FaroProxyContext {
  settings: FaroProxySettings;
  limiter: ClientRateLimiter;
  stats: FaroProxyStats;
  /** The peer's address when the caller knows it (Next only passes it on as X-Forwarded-For). */
  clientAddress?: string;
}

/** The only browser headers that travel upstream; cookies and authorization never do. */
export const FORWARDED_HEADERS = ['content-type', 'content-encoding', 'x-faro-session-id', 'traceparent'] as const;
/** Receiver answers the SDK acts on (back-off, session extension). */
const RETURNED_HEADERS = ['retry-after', 'x-faro-session-status', 'content-type'] as const;
const MAX_UPSTREAM_ANSWER_BYTES = 64 * 1024;

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

const problem = (status: number, error: string, headers: Record<string, string> = {}) =>
  Response.json({ error }, { status, headers: { 'cache-control': 'no-store', ...headers } });

const isJsonContentType = (value: string | null) => value !== null && /^application\/json\s*(;|$)/i.test(value.trim());

/** X-Forwarded-For as received (Next fills it with the peer when absent), with the peer appended if known and missing. */
export function forwardedFor(headers: Headers, clientAddress?: string): string | undefined {
  const hops = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  if (clientAddress && hops[hops.length - 1] !== clientAddress) hops.push(clientAddress);
  return hops.length > 0 ? hops.join(', ') : undefined;
}

/**
 * The rate-limit key: the address the nearest trusted party saw. The board's server appends the socket's peer
 * as the last X-Forwarded-For hop (scripts/serve.ts), and each trusted proxy in front appends the address it
 * saw; so the client is the hop `trustedProxies` places left of the last. Anything further left is the client's
 * own claim and never used: a new X-Forwarded-For per request does not make a new client.
 */
export function clientKey(forwarded: string | undefined, trustedProxies = 0): string {
  const hops = (forwarded ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  if (hops.length === 0) return 'unknown';
  return hops[Math.max(hops.length - 1 - trustedProxies, 0)];
}

type UpstreamResult =
  | { kind: 'answer'; status: number; headers: http.IncomingHttpHeaders; body: Buffer }
  | { kind: 'timeout' }
  | { kind: 'unreachable'; message: string };

/**
 * POSTs to the receiver over a kept-alive connection. A connection the receiver closed as idle just
 * as it was reused fails at once with ECONNRESET, before the receiver saw anything: that one is
 * retried on a new connection (Node's advice for keep-alive agents), so it never becomes a 502.
 */
async function postUpstream(
  url: URL,
  headers: Record<string, string>,
  body: Buffer,
  timeoutMs: number,
): Promise<UpstreamResult> {
  // One time limit for both tries: a retry on a fresh connection does not get a second one.
  const { signal, release } = requestSignal({ timeoutMs });
  try {
    const first = await postOnce(url, headers, body, signal);
    return first.kind === 'stale-connection' ? settled(await postOnce(url, headers, body, signal)) : first;
  } finally {
    release();
  }
}

const settled = (result: UpstreamResult | { kind: 'stale-connection' }): UpstreamResult =>
  result.kind === 'stale-connection'
    ? { kind: 'unreachable', message: 'the receiver closed the connection before answering' }
    : result;

function postOnce(
  url: URL,
  headers: Record<string, string>,
  body: Buffer,
  timeout: AbortSignal,
): Promise<UpstreamResult | { kind: 'stale-connection' }> {
  return new Promise((resolve) => {
    const transport = url.protocol === 'https:' ? https : http;
    const request = transport.request(
      url,
      { method: 'POST', headers, agent: agents[url.protocol as 'http:' | 'https:'], signal: timeout },
      (response) => {
        // The receiver's answers are small: a longer one is passed on cut at the cap (the rest is drained, which
        // keeps the pooled connection usable; the time limit still ends it).
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < MAX_UPSTREAM_ANSWER_BYTES) chunks.push(chunk.subarray(0, MAX_UPSTREAM_ANSWER_BYTES - size));
          size += chunk.length;
        });
        response.on('end', () =>
          resolve({
            kind: 'answer',
            status: response.statusCode ?? 502,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
        response.on('error', () =>
          resolve(
            timeout.aborted
              ? { kind: 'timeout' }
              : { kind: 'unreachable', message: 'the receiver closed the connection mid-answer' },
          ),
        );
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (timeout.aborted) resolve({ kind: 'timeout' });
      else if (request.reusedSocket && error.code === 'ECONNRESET') resolve({ kind: 'stale-connection' });
      else resolve({ kind: 'unreachable', message: error.message });
    });
    request.end(body);
  });
}

export async function handleFaroRequest(request: Request, context: FaroProxyContext): Promise<Response> {
  const { settings, stats } = context;
  const answer = (response: Response) => {
    stats.recordAnswer(response.status);
    return response;
  };
  if (!settings.enabled)
    return problem(404, 'Faro collection is not enabled on this board (set FARO_ENABLED and FARO_PROXY_ENABLED).');
  if (request.method !== 'POST')
    return answer(
      problem(405, 'Only POST is accepted: this is the Faro Web SDK collector endpoint.', { allow: 'POST' }),
    );

  const forwarded = forwardedFor(request.headers, context.clientAddress);
  const limit = context.limiter.take(clientKey(forwarded, settings.trustedProxies));
  if (!limit.allowed) {
    return answer(
      problem(429, 'Too many Faro payloads from this client; retry later.', {
        'retry-after': String(limit.retryAfterSeconds),
      }),
    );
  }
  if (!isJsonContentType(request.headers.get('content-type'))) {
    return answer(problem(415, 'Faro payloads must be sent as Content-Type: application/json.'));
  }
  // Capped before reading (a declared Content-Length) and while streaming (chunked), as every inbound body is.
  let body: Buffer;
  try {
    body = await readRequestCapped(request, settings.maxBodyBytes);
  } catch (error) {
    if (isReplyTooLarge(error))
      return answer(problem(413, `Faro payloads are limited to ${settings.maxBodyBytes} bytes.`));
    throw error;
  }
  stats.recordBytes('received', body.length);

  const headers: Record<string, string> = { 'content-length': String(body.length) };
  for (const name of FORWARDED_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  if (forwarded) headers['x-forwarded-for'] = forwarded;
  if (settings.apiKey) headers['x-api-key'] = settings.apiKey;

  const startedAt = performance.now();
  stats.recordBytes('forwarded', body.length);
  const result = await postUpstream(new URL(settings.upstreamUrl), headers, body, settings.upstreamTimeoutMs);
  const durationMs = Math.round(performance.now() - startedAt);
  const at = new Date().toISOString();
  if (result.kind === 'timeout') {
    stats.recordUpstream({ status: null, error: `no answer within ${settings.upstreamTimeoutMs} ms`, at, durationMs });
    return answer(problem(504, `The Faro receiver did not answer within ${settings.upstreamTimeoutMs} ms.`));
  }
  if (result.kind === 'unreachable') {
    stats.recordUpstream({ status: null, error: result.message, at, durationMs });
    return answer(problem(502, 'The Faro receiver is unreachable; check FARO_UPSTREAM_URL (faro.proxy.upstreamUrl).'));
  }
  stats.recordUpstream({ status: result.status, error: null, at, durationMs });
  if (result.status >= 200 && result.status < 300) {
    stats.recordAcceptedPayload(body, request.headers.get('content-encoding'), settings.maxBodyBytes * 20);
  }
  const returned = new Headers({ 'cache-control': 'no-store' });
  for (const name of RETURNED_HEADERS) {
    const value = result.headers[name];
    if (typeof value === 'string') returned.set(name, value);
  }
  const status = result.status;
  const nullBody = status === 204 || status === 304;
  return answer(new Response(nullBody ? null : new Uint8Array(result.body), { status, headers: returned }));
}
