import { z } from 'zod';
import type { ServerConfig } from '../config/env';
import { redactUrl } from '../config/redact';
import { anySignal, fetchBounded, isReplyTooLarge } from '../http/bounded';

/** How to reach one upstream: its base URL, credentials, tenant and the longest wait per request. */
export interface Upstream {
  /** Human name used in messages ("Loki"). */
  name: string;
  /** The environment variable prefix, so messages can say what to fix ("LOKI"). */
  envPrefix: string;
  url: string;
  username?: string;
  password?: string;
  token?: string;
  tenant?: string;
  timeoutMs: number;
  /** The largest reply read; reading stops there and the answer is an error (PROBE_MAX_REPLY_BYTES). */
  maxBytes?: number;
  /** The run's cancellation (its deadline): when it aborts, every request to this upstream still going stops. */
  signal?: AbortSignal;
  /**
   * The replies of one verification run, by request: the proofs of a run share one window, so
   * identical reads (a service's Series for its profiles and its flame graph, the code and Helm
   * cells' latency queries) are sent once. Only set on upstreams that are only read.
   */
  runReplies?: Map<string, Promise<UpstreamReply>>;
}

const DEFAULT_MAX_REPLY_BYTES = 10 * 1024 * 1024;

type UpstreamKey = 'PYROSCOPE' | 'LOKI' | 'TEMPO';
const NAMES: Record<UpstreamKey, string> = { PYROSCOPE: 'Pyroscope', LOKI: 'Loki', TEMPO: 'Tempo' };

/** The upstream's settings from the configuration, or null when its URL is not set. */
export function upstreamFromConfig(config: ServerConfig, key: UpstreamKey): Upstream | null {
  const url = config[`${key}_URL`];
  if (!url) return null;
  return {
    name: NAMES[key],
    envPrefix: key,
    url,
    username: config[`${key}_USERNAME`],
    password: config[`${key}_PASSWORD`],
    token: config[`${key}_TOKEN`],
    tenant: config[`${key}_TENANT`],
    timeoutMs: config.PROBE_TIMEOUT,
    maxBytes: config.PROBE_MAX_REPLY_BYTES,
  };
}

export interface UpstreamRequest {
  method?: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number>;
  /** Sent as application/json. */
  json?: unknown;
  headers?: Record<string, string>;
  /** Cancels the request early (e.g. the gate's overall deadline). */
  signal?: AbortSignal;
}

export type UpstreamReply =
  | { ok: true; status: number; body: string; contentType: string }
  | { ok: false; status: number | null; message: string };

/** An Authorization header's value for HTTP Basic auth. */
export const basicAuthorization = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

function authHeaders(upstream: Upstream): Record<string, string> {
  const headers: Record<string, string> = {};
  if (upstream.token) headers.authorization = `Bearer ${upstream.token}`;
  else if (upstream.username !== undefined || upstream.password !== undefined) {
    headers.authorization = basicAuthorization(upstream.username ?? '', upstream.password ?? '');
  }
  if (upstream.tenant) headers['x-scope-orgid'] = upstream.tenant;
  return headers;
}

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);
const excerpt = (text: string) => {
  const oneLine = text.trim().replace(/\s+/g, ' ');
  return oneLine.length > 300 ? `${oneLine.slice(0, 300)}…` : oneLine;
};

function transportMessage(upstream: Upstream, error: unknown, timedOut: boolean): string {
  const where = redactUrl(upstream.url);
  if (isReplyTooLarge(error)) {
    return (
      `${upstream.name} at ${where} sent more than the board reads (${error.message}; ` +
      `PROBE_MAX_REPLY_BYTES): narrow the query, or check that ${upstream.envPrefix}_URL points at ${upstream.name}.`
    );
  }
  if (error instanceof Error && error.name === 'AbortError') {
    // The run was stopped (its deadline passed): the reason says which limit.
    return `Stopped asking ${upstream.name} at ${where}: ${error.message || 'the run was cancelled'}.`;
  }
  if (timedOut || (error instanceof Error && error.name === 'TimeoutError')) {
    return (
      `${upstream.name} at ${where} did not answer within ${seconds(upstream.timeoutMs)} ` +
      `(PROBE_TIMEOUT): check that it is up and reachable from the board.`
    );
  }
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return `Cannot reach ${upstream.name} at ${where} (${detail}): check ${upstream.envPrefix}_URL and that ${upstream.name} is running.`;
}

/**
 * One request to an upstream with its auth, tenant and timeout. Never throws: transport failures,
 * timeouts and non-2xx answers come back as { ok: false, message } saying what to check.
 * Credentials go only into headers, never into messages.
 */
export function upstreamRequest(upstream: Upstream, request: UpstreamRequest): Promise<UpstreamReply> {
  const replies = upstream.runReplies;
  if (!replies || request.signal) return sendUpstreamRequest(upstream, request);
  const key = JSON.stringify([request.method, request.path, request.query, request.json, request.headers]);
  let reply = replies.get(key);
  if (!reply) {
    reply = sendUpstreamRequest(upstream, request);
    replies.set(key, reply);
  }
  return reply;
}

/**
 * Removes `user:password@` from a URL and returns it. Some proxies log URLs, and fetch refuses a URL
 * that carries credentials with an error that quotes the whole URL: they travel in a Basic header.
 */
export function takeUrlCredentials(url: URL): { username: string; password: string } | null {
  const credentials =
    url.username || url.password
      ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
      : null;
  url.username = '';
  url.password = '';
  return credentials;
}

async function sendUpstreamRequest(upstream: Upstream, request: UpstreamRequest): Promise<UpstreamReply> {
  const url = new URL(request.path.replace(/^\//, ''), upstream.url.endsWith('/') ? upstream.url : `${upstream.url}/`);
  for (const [k, v] of Object.entries(request.query ?? {})) url.searchParams.set(k, String(v));
  const basicFromUrl = takeUrlCredentials(url);
  const headers: Record<string, string> = {
    accept: 'application/json',
    ...authHeaders(!upstream.token && upstream.username === undefined ? { ...upstream, ...basicFromUrl } : upstream),
    ...request.headers,
  };
  if (request.json !== undefined) headers['content-type'] = 'application/json';
  try {
    // The time limit covers the whole reply, and reading stops at the cap: a flood costs neither time nor memory.
    const reply = await fetchBounded(
      url,
      {
        method: request.method ?? (request.json !== undefined ? 'POST' : 'GET'),
        headers,
        body: JSON.stringify(request.json), // undefined (no body) without json
      },
      {
        timeoutMs: upstream.timeoutMs,
        maxBytes: upstream.maxBytes ?? DEFAULT_MAX_REPLY_BYTES,
        signal: anySignal(upstream.signal, request.signal),
      },
    );
    const body = reply.body.toString('utf8');
    const contentType = reply.headers.get('content-type') ?? '';
    // fetch hands back only final answers (200–599): below 300 is a success.
    if (reply.status < 300) return { ok: true, status: reply.status, body, contentType };
    return { ok: false, status: reply.status, message: statusMessage(upstream, reply.status, body, contentType) };
  } catch (error) {
    return { ok: false, status: null, message: transportMessage(upstream, error, false) };
  }
}

/** A Connect error reply; a code that is not a string is left out, the message is what matters. */
const connectErrorReply = z.object({ message: z.string(), code: z.string().optional().catch(undefined) });

function statusMessage(upstream: Upstream, status: number, body: string, contentType: string): string {
  let detail = excerpt(body);
  if (contentType.includes('json')) {
    // Connect errors are {"code","message"}; keep the message, which says what was wrong.
    const json = parseJsonReply(upstream, body);
    const connectError = json.ok ? connectErrorReply.safeParse(json.value) : null;
    if (connectError?.success) {
      const { code, message } = connectError.data;
      detail = `${code ? `${code}: ` : ''}${message}`;
    }
  }
  const what = detail ? `: ${detail}` : ' with an empty body';
  const p = upstream.envPrefix;
  if (status === 401 || status === 403) {
    return (
      `${upstream.name} answered ${status}${what}. Check ${p}_USERNAME/${p}_PASSWORD or ${p}_TOKEN, and ` +
      `${p}_TENANT (sent as X-Scope-OrgID).`
    );
  }
  if (status === 404)
    return `${upstream.name} answered 404${what}. Check that ${p}_URL points at ${upstream.name} itself (no extra path).`;
  if (status >= 500)
    return `${upstream.name} answered ${status}${what}. ${upstream.name} itself is failing; look at its logs.`;
  return `${upstream.name} answered ${status}${what}.`;
}

/** Parses a JSON reply; a body that is not JSON becomes an error naming the upstream. */
export function parseJsonReply(
  upstream: Pick<Upstream, 'name'>,
  body: string,
): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return {
      ok: false,
      message:
        `${upstream.name} sent a reply that is not JSON (${excerpt(body) || 'empty body'}): is the URL ` +
        `pointing at ${upstream.name}?`,
    };
  }
}

/** A parsed upstream reply, or what was wrong with it in words an operator can act on. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** What each upstream is expected to be, for the message when its reply has the wrong shape. */
const EXPECTED_SERVER: Record<string, string> = {
  Loki: 'is LOKI_URL a Loki 3 server?',
  Pyroscope: 'is PYROSCOPE_URL a Pyroscope v1 server?',
  Tempo: 'is TEMPO_URL a Tempo server?',
};

/**
 * The one way a probe reads an upstream's JSON reply: not JSON, or JSON of the wrong shape, is a
 * message naming the upstream and the call ("Tempo's search reply has an unexpected shape (…)").
 */
export function parseReply<T>(upstreamName: string, schema: z.ZodType<T>, body: string, call: string): Parsed<T> {
  const json = parseJsonReply({ name: upstreamName }, body);
  if (!json.ok) return json;
  const result = schema.safeParse(json.value);
  if (!result.success) {
    const expected = EXPECTED_SERVER[upstreamName];
    return {
      ok: false,
      message:
        `${upstreamName}'s ${call} reply has an unexpected shape (${result.error.issues[0].message})` +
        (expected ? `: ${expected}` : '.'),
    };
  }
  return { ok: true, value: result.data };
}
