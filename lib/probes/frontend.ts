import type { z } from 'zod';
import type { faroRouteEvidence, collectorUrlEvidence } from '../matrix/check-evidence';
import { randomUUID } from 'node:crypto';
import { redactSecrets, redactUrl } from '../config/redact';
import { fetchBounded } from '../http/bounded';
import { basicAuthorization, takeUrlCredentials, type Upstream } from './http';
import { queryLogs, SYNTHETIC_ENVIRONMENT } from './loki';
import { notConfigured, pause, quoteLabel, type ProbeResult } from './types';

/**
 * Proofs against a Faro service's own frontend: its /faro route (what the browser SDK does, CORS
 * included) and the collector URL in the page it serves. These talk to the service itself, not to
 * an observability upstream, so they call the bounded fetch directly: they need OPTIONS, the
 * response headers, and pages truncated at a cap rather than refused.
 */

/** What the browser SDK's fetch transport sends: its CORS preflight asks for exactly these. */
const SDK_REQUEST_HEADERS = 'content-type,x-faro-session-id';
/** Pages and scripts larger than this are read only up to it (the collector URL sits near the top). */
const MAX_PAGE_BYTES = 2 * 1024 * 1024;
const MAX_SCRIPTS = 10;

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const KEPT_HEADERS = /^(access-control-|content-type$|vary$|location$|retry-after$)/;

/** A 2xx answer: fetch hands back only final answers (200–599), redirects too under redirect: 'manual'. */
const isSuccess = (status: number) => status < 300;

/** One bounded request (lib/http/bounded, pages truncated at their cap); never throws (a failure is { error }). */
async function request(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ ok: true; reply: Reply } | { ok: false; error: string }> {
  // A frontend or route URL may carry user:password@ (a protected dev site): send them as Basic auth.
  const bare = new URL(url);
  const credentials = takeUrlCredentials(bare);
  const sent = credentials
    ? {
        ...init.headers,
        authorization: basicAuthorization(credentials.username, credentials.password),
      }
    : init.headers;
  try {
    const response = await fetchBounded(
      bare.toString(),
      { ...init, headers: sent, redirect: 'manual' },
      { timeoutMs, maxBytes: MAX_PAGE_BYTES, truncate: true, signal },
    );
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      if (KEPT_HEADERS.test(key)) headers[key] = value;
    });
    return { ok: true, reply: { status: response.status, headers, body: response.body.toString('utf8') } };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const name = (error as Error).name;
    return {
      ok: false,
      error:
        name === 'TimeoutError'
          ? `no answer within ${timeoutMs / 1000}s (PROBE_TIMEOUT)`
          : name === 'AbortError'
            ? `stopped, ${(error as Error).message || 'the run was cancelled'}`
            : `cannot connect (${cause ?? redactSecrets((error as Error).message)})`,
    };
  }
}

const listIncludes = (list: string | undefined, wanted: string) =>
  (list ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .some((v) => v === '*' || v === wanted.toLowerCase());

/** Would a browser at `origin` accept this CORS answer for a request with the SDK's headers? Null when yes. */
export function corsProblem(headers: Record<string, string>, origin: string, preflight: boolean): string | null {
  const allowOrigin = headers['access-control-allow-origin'];
  if (!allowOrigin) return 'no Access-Control-Allow-Origin header';
  if (allowOrigin !== '*' && allowOrigin !== origin)
    return `Access-Control-Allow-Origin is "${allowOrigin}", not the frontend's origin ${origin}`;
  if (!preflight) return null;
  const methods = headers['access-control-allow-methods'];
  if (methods !== undefined && !listIncludes(methods, 'POST'))
    return `Access-Control-Allow-Methods "${methods}" lacks POST`;
  for (const header of SDK_REQUEST_HEADERS.split(','))
    if (!listIncludes(headers['access-control-allow-headers'], header))
      return `Access-Control-Allow-Headers does not allow ${header}`;
  return null;
}

export interface FaroRouteTarget {
  /** The page's URL: its origin is the Origin the browser sends. */
  frontendUrl: string;
  routeUrl: string;
  faroApp: string;
  timeoutMs: number;
  /** How long to wait for the marker in Loki. */
  deadlineMs: number;
  pollMs?: number;
  /** The run's cancellation: requests still going stop, and Loki is no longer polled. */
  signal?: AbortSignal;
}

/** Its schema is the stored evidence's (lib/matrix/check-evidence.ts), so what the probe writes is what readers parse. */
export type FaroRouteEvidence = z.infer<typeof faroRouteEvidence>;

/**
 * A minimal Faro payload like the SDK's, marked synthetic (its own environment and session
 * attribute) so the service's dashboards and the board's Loki proofs can leave it out.
 */
export function syntheticPayload(app: string, marker: string, now = new Date()) {
  return {
    meta: {
      app: { name: app, version: 'rollout-board-probe', environment: SYNTHETIC_ENVIRONMENT },
      session: { id: marker.slice(0, 20), attributes: { synthetic: 'true', source: 'rollout-board' } },
      sdk: { name: 'rollout-board-probe', version: '1.0.0' },
      page: { url: 'rollout-board://faro-route-proof' },
    },
    logs: [{ message: `rollout-board faro route probe ${marker}`, level: 'info', timestamp: now.toISOString() }],
  };
}

/**
 * "Proxy route forwards without CORS errors": does what the browser SDK does against the service's
 * own /faro route (the preflight only when the route is on another origin), then waits for the
 * payload's marker in Loki. Each step's status and CORS headers are the evidence.
 */
export async function probeFaroRoute(
  target: FaroRouteTarget,
  loki: Upstream | null,
): Promise<ProbeResult<FaroRouteEvidence>> {
  const origin = new URL(target.frontendUrl).origin;
  const sameOrigin = new URL(target.routeUrl).origin === origin;
  const evidence: FaroRouteEvidence = {
    routeUrl: redactUrl(target.routeUrl),
    origin,
    sameOrigin,
    preflight: null,
    post: null,
    marker: null,
    foundInLokiAfterMs: null,
  };
  if (!loki) return { ...notConfigured('LOKI_URL'), evidence };
  const where = redactUrl(target.routeUrl);

  if (!sameOrigin) {
    const preflight = await request(
      target.routeUrl,
      {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': SDK_REQUEST_HEADERS,
        },
      },
      target.timeoutMs,
      target.signal,
    );
    if (!preflight.ok)
      return { status: 'error', message: `The CORS preflight to ${where} failed: ${preflight.error}.`, evidence };
    const { status, headers } = preflight.reply;
    const problem = isSuccess(status) ? corsProblem(headers, origin, true) : `it answered ${status}`;
    evidence.preflight = { status, headers, problem };
    if (problem)
      return {
        status: 'fail',
        message: `A browser on ${origin} would log a CORS error: the preflight to ${where} is refused (${problem}).`,
        evidence,
      };
  }

  const marker = `faro-route-${randomUUID()}`;
  evidence.marker = marker;
  const sent = Date.now();
  const post = await request(
    target.routeUrl,
    {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-faro-session-id': marker.slice(0, 20),
        ...(sameOrigin ? {} : { origin }),
      },
      body: JSON.stringify(syntheticPayload(target.faroApp, marker)),
    },
    target.timeoutMs,
    target.signal,
  );
  if (!post.ok) return { status: 'error', message: `POST ${where} failed: ${post.error}.`, evidence };
  const { status, headers } = post.reply;
  const corsOnPost = sameOrigin ? null : corsProblem(headers, origin, false);
  const postProblem = isSuccess(status) ? corsOnPost : `it answered ${status}`;
  evidence.post = { status, headers, problem: postProblem };
  if (!isSuccess(status))
    return {
      status: 'fail',
      message:
        `POST ${where} answered ${status}: the route does not forward (check faro.proxy.upstreamUrl and ` +
        `that Alloy's receiver is reachable from the service).`,
      evidence,
    };
  if (corsOnPost)
    return {
      status: 'fail',
      message: `A browser on ${origin} would log a CORS error: the POST's answer has ${corsOnPost}.`,
      evidence,
    };

  const query = `{service_name=${quoteLabel(target.faroApp)}} |= ${quoteLabel(marker)}`;
  const pollMs = target.pollMs ?? 500;
  let lastError: string | null = null;
  for (;;) {
    const found = await queryLogs(loki, query, { start: sent - 60_000, end: Date.now() + 60_000 }, 1);
    if (found.ok && found.value) {
      evidence.foundInLokiAfterMs = Date.now() - sent;
      const preflight = sameOrigin ? 'same origin, no preflight' : 'preflight allowed';
      return {
        status: 'pass',
        message: `${preflight}; POST answered ${status}; the payload reached Loki after ${evidence.foundInLokiAfterMs} ms.`,
        evidence,
      };
    }
    lastError = found.ok ? null : found.message;
    if (Date.now() + pollMs > sent + target.deadlineMs || target.signal?.aborted) break;
    await pause(pollMs, target.signal);
  }
  if (lastError)
    return {
      status: 'error',
      message: `The route accepted the payload, but Loki could not be asked: ${lastError}`,
      evidence,
    };
  return {
    status: 'fail',
    message:
      `POST ${where} answered ${status}, but the payload did not reach Loki within ` +
      `${Math.round(target.deadlineMs / 1000)}s: the route accepts but does not forward to Alloy.`,
    evidence,
  };
}

/** Its schema is the stored evidence's (lib/matrix/check-evidence.ts), so what the probe writes is what readers parse. */
export type CollectorUrlEvidence = z.infer<typeof collectorUrlEvidence>;

/** Same-origin scripts a page loads (`<script src>`), resolved against it. */
export function scriptUrls(html: string, pageUrl: string): string[] {
  const origin = new URL(pageUrl).origin;
  const urls: string[] = [];
  for (const m of html.matchAll(/<script\b[^>]*\bsrc\s*=\s*["']([^"']+)["']/gi)) {
    try {
      const url = new URL(m[1], pageUrl);
      if (url.origin === origin && !urls.includes(url.href)) urls.push(url.href);
    } catch {
      // not a URL: skip
    }
  }
  return urls.slice(0, MAX_SCRIPTS);
}

/** Does this text name the collector URL? A path counts only quoted (a bare "/faro" in prose does not). */
export function mentionsCollector(text: string, collectorUrl: string, absolute: string): boolean {
  if (text.includes(absolute)) return true;
  const escaped = collectorUrl.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`["'\`]${escaped}["'\`]`).test(text);
}

/**
 * "Collector URL injected when enabled": the configured collector URL is in the service's page,
 * the config file the plan names, or the same-origin JavaScript the page loads. When the deployed
 * workload has Faro switched off, it says so instead of failing.
 */
export async function probeCollectorUrl(
  target: {
    frontendUrl: string;
    configPath?: string;
    collectorUrl: string;
    timeoutMs: number;
    /** The run's cancellation: a page or script still downloading stops. */
    signal?: AbortSignal;
  },
  faroEnabled: boolean | null,
): Promise<ProbeResult<CollectorUrlEvidence>> {
  const absolute = new URL(target.collectorUrl, target.frontendUrl).href;
  const evidence: CollectorUrlEvidence = {
    pageUrl: redactUrl(target.frontendUrl),
    collectorUrl: target.collectorUrl,
    searched: [],
    foundIn: null,
  };
  if (faroEnabled === false)
    return {
      status: 'not-configured',
      message:
        'Faro is not enabled in this environment (faro.enabled is false in the deployed workload), so nothing is injected to check.',
      evidence,
    };
  const look = async (url: string) => {
    // A plain GET: fetch itself sends Accept: */*.
    const got = await request(url, {}, target.timeoutMs, target.signal);
    if (!got.ok) {
      evidence.searched.push({ url: redactUrl(url), status: null, found: false, error: got.error });
      return null;
    }
    const okStatus = isSuccess(got.reply.status);
    const found = okStatus && mentionsCollector(got.reply.body, target.collectorUrl, absolute);
    evidence.searched.push({ url: redactUrl(url), status: got.reply.status, found });
    if (found) evidence.foundIn = redactUrl(url);
    return okStatus ? got.reply.body : null;
  };
  const page = await look(target.frontendUrl);
  // The page is always searched first; no status means it could not be fetched at all.
  if (evidence.searched[0].status === null)
    return {
      status: 'error',
      message: `The page ${evidence.pageUrl} could not be fetched: ${evidence.searched[0].error}.`,
      evidence,
    };
  if (!evidence.foundIn && target.configPath) await look(new URL(target.configPath, target.frontendUrl).href);
  if (!evidence.foundIn && page !== null)
    for (const script of scriptUrls(page, target.frontendUrl)) {
      await look(script);
      if (evidence.foundIn) break;
    }
  if (evidence.foundIn)
    return { status: 'pass', message: `${target.collectorUrl} is injected (found in ${evidence.foundIn}).`, evidence };
  return {
    status: 'fail',
    message:
      `The collector URL ${target.collectorUrl} is not in the page, ` +
      `${target.configPath ?? 'its config'} or the ${evidence.searched.length - 1} file(s) it loads: ` +
      'check faro.collectorUrl reaches the frontend build.',
    evidence,
  };
}
