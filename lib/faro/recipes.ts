/**
 * The plan's Faro pattern for each kind of service, written from the board's own implementation
 * (lib/faro/proxy.ts, lib/faro/browser.ts, chart/). Shown on /reference/faro.
 */
export interface FaroRecipe {
  id: string;
  title: string;
  appliesTo: string;
  language: string;
  code: string;
}

const EXPRESS = String.raw`// server/faro.js — same-origin collector for the browser: POST /faro → Alloy faro.receiver.
// Mount BEFORE any body parser (express.json() would consume and re-size the body).
import http from 'node:http';
import express from 'express';
import rateLimit from 'express-rate-limit';

const enabled = process.env.FARO_ENABLED === 'true' && process.env.FARO_PROXY_ENABLED !== 'false';
const upstream = new URL(process.env.FARO_UPSTREAM_URL ?? 'http://alloy:12347/collect');
const apiKey = process.env.FARO_API_KEY; // server-side only
const MAX_BYTES = 1024 * 1024;
const TIMEOUT_MS = 5000;
const FORWARDED = ['content-type', 'content-encoding', 'x-faro-session-id', 'traceparent'];
const agent = new http.Agent({ keepAlive: true });

export const faroRouter = express.Router();
faroRouter.use('/faro', rateLimit({ windowMs: 1000, limit: 20 })); // 429 + Retry-After per client

faroRouter.all('/faro', (req, res) => {
  if (!enabled) return res.sendStatus(404);
  if (req.method !== 'POST') return res.set('allow', 'POST').sendStatus(405);
  if (!/^application\/json\s*(;|$)/i.test(req.get('content-type') ?? '')) return res.sendStatus(415);
  if (Number(req.get('content-length') ?? 0) > MAX_BYTES) return res.sendStatus(413);

  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length; // bytes actually streamed: a chunked body has no Content-Length
    if (size <= MAX_BYTES) return chunks.push(chunk);
    req.pause(); // stop reading; nothing is forwarded
    res.set('connection', 'close').sendStatus(413);
    res.on('finish', () => req.destroy());
  });
  req.on('end', () => {
    if (res.headersSent) return;
    const body = Buffer.concat(chunks);
    const headers = { 'content-length': body.length };
    for (const name of FORWARDED) if (req.headers[name]) headers[name] = req.headers[name];
    headers['x-forwarded-for'] = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
    if (apiKey) headers['x-api-key'] = apiKey; // never cookies, never authorization
    const forward = http.request(upstream, { method: 'POST', headers, agent, signal: AbortSignal.timeout(TIMEOUT_MS) }, (answer) => {
      for (const name of ['retry-after', 'x-faro-session-status', 'content-type']) {
        if (answer.headers[name]) res.set(name, answer.headers[name]);
      }
      res.status(answer.statusCode ?? 502);
      answer.pipe(res);
    });
    forward.on('error', (error) => {
      if (!res.headersSent) res.sendStatus(error.name === 'AbortError' ? 504 : 502);
    });
    forward.end(body);
  });
});

// app.use(faroRouter);  then: app.use(express.json()) for the rest of the API`;

const FASTAPI = `# faro_proxy.py — same-origin collector for the browser: POST /faro → Alloy faro.receiver.
import os

import httpx
from fastapi import APIRouter, Request, Response

ENABLED = os.getenv("FARO_ENABLED") == "true" and os.getenv("FARO_PROXY_ENABLED", "true") != "false"
UPSTREAM = os.getenv("FARO_UPSTREAM_URL", "http://alloy:12347/collect")
API_KEY = os.getenv("FARO_API_KEY")  # server-side only
MAX_BYTES = 1024 * 1024
FORWARDED = ("content-type", "content-encoding", "x-faro-session-id", "traceparent")
RETURNED = ("retry-after", "x-faro-session-status", "content-type")

client = httpx.AsyncClient(timeout=httpx.Timeout(5.0))  # pooled keep-alive, bounded wait
router = APIRouter()
# Rate limit per client (429 + Retry-After): e.g. slowapi's @limiter.limit("20/second") on faro().


@router.api_route("/faro", methods=["GET", "PUT", "PATCH", "DELETE"], include_in_schema=False)
async def faro_other_methods() -> Response:
    return Response(status_code=404 if not ENABLED else 405, headers={"allow": "POST"})


@router.post("/faro", include_in_schema=False)
async def faro(request: Request) -> Response:
    if not ENABLED:
        return Response(status_code=404)
    content_type = request.headers.get("content-type", "").lower()
    if content_type.split(";")[0].strip() != "application/json":
        return Response(status_code=415)
    body = bytearray()
    async for chunk in request.stream():  # counts bytes actually received, chunked or not
        body += chunk
        if len(body) > MAX_BYTES:
            return Response(status_code=413)  # nothing forwarded
    headers = {name: request.headers[name] for name in FORWARDED if name in request.headers}
    peer = request.client.host if request.client else ""
    previous = request.headers.get("x-forwarded-for")
    headers["x-forwarded-for"] = f"{previous}, {peer}" if previous else peer
    if API_KEY:
        headers["x-api-key"] = API_KEY  # never cookies, never authorization
    try:
        answer = await client.post(UPSTREAM, content=bytes(body), headers=headers)
    except httpx.TimeoutException:
        return Response(status_code=504)
    except httpx.TransportError:
        return Response(status_code=502)
    returned = {name: answer.headers[name] for name in RETURNED if name in answer.headers}
    return Response(content=answer.content, status_code=answer.status_code, headers=returned)

# app.include_router(router)`;

const NEXT_ROUTE = `// app/faro/route.ts — copy lib/faro/{proxy,rate-limit,stats,config}.ts from rollout-board.
import { faroProxySettings, processFaroRateLimiter } from '@/lib/faro/config';
import { handleFaroRequest } from '@/lib/faro/proxy';
import { processFaroStats } from '@/lib/faro/stats';

export const dynamic = 'force-dynamic';

function handle(request: Request): Promise<Response> {
  return handleFaroRequest(request, { settings: faroProxySettings(), limiter: processFaroRateLimiter(), stats: processFaroStats() });
}

export const POST = handle;
export const GET = handle; // 405 (404 when off) from the proxy itself, not the framework
export const PUT = handle;
export const PATCH = handle;
export const DELETE = handle;
export const OPTIONS = handle;`;

const BROWSER = `// The browser side (React, Vue or plain): start once, after the page is interactive.
import { getWebInstrumentations, initializeFaro, LogLevel } from '@grafana/faro-web-sdk';
import { TracingInstrumentation } from '@grafana/faro-web-tracing';

let started = false; // not "if (faro.api)": that object exists before initialisation
export function startFaro(config /* { appName, appVersion, environment, collectorUrl } from the server at run time */) {
  if (started || !config) return;
  started = true;
  initializeFaro({
    url: new URL(config.collectorUrl, window.location.origin).href, // "/faro": same origin, no CORS
    app: { name: config.appName, version: config.appVersion, environment: config.environment },
    instrumentations: [
      ...getWebInstrumentations({ captureConsole: true }),
      // traceparent on same-origin fetch/XHR only (the app's own API); list other origins explicitly.
      new TracingInstrumentation({ instrumentationOptions: { propagateTraceHeaderCorsUrls: [] } }),
    ],
    consoleInstrumentation: { disabledLevels: [LogLevel.TRACE, LogLevel.DEBUG, LogLevel.LOG, LogLevel.INFO] },
  });
}
// Single-page routers: on each navigation, faro.api.setView({ name: newPath }).`;

const HELM_VALUES = `# values.yaml — off by default: nothing changes until faro.enabled is true.
faro:
  enabled: false
  # Where the browser sends: the app's own path, or an absolute collector URL.
  collectorUrl: /faro
  appName: my-service
  # Sent as X-API-Key by the proxy (from a Secret); never reaches the browser.
  apiKey: ""
  proxy:
    enabled: true
    upstreamUrl: http://alloy:12347/collect

# templates/configmap.yaml — the app reads these at start-up (not at build time).
  FARO_ENABLED: {{ .Values.faro.enabled | quote }}
  {{- if .Values.faro.enabled }}
  FARO_PROXY_ENABLED: {{ .Values.faro.proxy.enabled | quote }}
  FARO_UPSTREAM_URL: {{ .Values.faro.proxy.upstreamUrl | quote }}
  FARO_COLLECTOR_URL: {{ .Values.faro.collectorUrl | quote }}
  FARO_APP_NAME: {{ .Values.faro.appName | quote }}
  {{- end }}

# templates/secret.yaml
  {{- if .Values.faro.enabled }}{{- with .Values.faro.apiKey }}
  FARO_API_KEY: {{ . | quote }}
  {{- end }}{{- end }}

# values.schema.json: "faro": { "enabled": { "type": "boolean" }, ... } so a typo fails helm install.`;

export const FARO_RECIPES: FaroRecipe[] = [
  {
    id: 'express',
    title: 'Express route',
    appliesTo: 'traction tenant-ui, bc-wallet-demo server, credo-ts consumers on Express',
    language: 'javascript',
    code: EXPRESS,
  },
  {
    id: 'fastapi',
    title: 'FastAPI route',
    appliesTo: 'acapy-vc-authn-oidc, didwebvh-server-py',
    language: 'python',
    code: FASTAPI,
  },
  {
    id: 'nextjs',
    title: 'Next.js route handler',
    appliesTo: 'Next.js frontends (this board)',
    language: 'typescript',
    code: NEXT_ROUTE,
  },
  {
    id: 'browser',
    title: 'Browser SDK start-up',
    appliesTo: 'every frontend (Vue main.ts, React index.tsx, Nuxt plugin, Jinja2 script)',
    language: 'javascript',
    code: BROWSER,
  },
  {
    id: 'helm',
    title: 'Helm values',
    appliesTo: 'every chart of the five Faro services',
    language: 'yaml',
    code: HELM_VALUES,
  },
];
