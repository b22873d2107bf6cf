import { gunzipSync } from 'node:zlib';
import { serveSimulator, text, type RunningSimulator, type SimRequest, type SimResponse } from './http';

/**
 * Alloy's faro.receiver, as recorded (simulators/recordings/faro/*): POST /collect only, checks in
 * Alloy's order (global rate limit → JSON → API key → Content-Length), 202 "ok" for any valid JSON,
 * Go's decoder errors as text/plain 400s, never Retry-After nor X-Faro-Session-Status. Accepted
 * payloads become logfmt lines with app_name/kind labels (extra_log_labels = { app_name = "", kind = "" })
 * for a Loki sink, and their OTLP traces go to a trace sink.
 */

export interface LokiStream {
  stream: Record<string, string>;
  values: Array<[string, string]>;
}

export interface FaroReceiverSinks {
  /** Where accepted payloads go as Loki streams (the Loki simulator's push). */
  logs?: (streams: LokiStream[]) => void;
  /** Where OTLP JSON traces go (the Tempo simulator). */
  traces?: (otlpTraces: unknown) => void;
}

export interface FaroReceiverOptions {
  sinks?: FaroReceiverSinks;
  /** When set, requests must carry this X-API-Key (else 401). */
  apiKey?: string;
  maxPayloadBytes?: number;
  /** Token bucket: Alloy's defaults are 50/s with a burst of 100. */
  rateLimit?: { rate: number; burst: number };
  corsAllowedOrigins?: string[];
}

export interface AcceptedPayload {
  receivedAt: number;
  headers: SimRequest['headers'];
  payload: FaroPayload;
}

export interface FaroReceiverSimulator extends RunningSimulator {
  accepted: AcceptedPayload[];
  /** Switch behaviour at run time (tests and the /__sim/ control endpoint). */
  control: {
    /** Answer every /collect with this status (e.g. 503) until cleared with null. */
    failWith: (status: number | null) => void;
    /** Delay every answer (a slow receiver); 'hang' never answers. */
    delay: (ms: number | 'hang' | null) => void;
  };
}

type FaroPayload = {
  meta?: Record<string, Record<string, unknown> | undefined>;
  logs?: Array<Record<string, unknown>>;
  exceptions?: Array<Record<string, unknown>>;
  measurements?: Array<Record<string, unknown>>;
  events?: Array<Record<string, unknown>>;
  traces?: unknown;
};

const ARRAY_FIELDS = ['logs', 'exceptions', 'measurements', 'events'] as const;
const FIELD_TYPES: Record<(typeof ARRAY_FIELDS)[number], string> = {
  logs: '[]payload.Log',
  exceptions: '[]payload.Exception',
  measurements: '[]payload.Measurement',
  events: '[]payload.Event',
};
const ALLOWED_HEADERS = [
  'content-type',
  'content-encoding',
  'traceparent',
  'x-api-key',
  'x-faro-session-id',
  'x-scope-orgid',
];

class TokenBucket {
  private tokens: number;
  private last = Date.now();
  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }
  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Go's encoding/json messages for the failures the SDK or a bad client can produce. */
function decodePayload(body: string): { payload: FaroPayload } | { error: string } {
  if (body.trim() === '') return { error: 'EOF' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { error: 'unexpected EOF' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {
      error: `json: cannot unmarshal ${Array.isArray(parsed) ? 'array' : typeof parsed} into Go value of type payload.Payload`,
    };
  }
  const payload = parsed as Record<string, unknown>;
  for (const field of ARRAY_FIELDS) {
    const value = payload[field];
    if (value !== undefined && value !== null && !Array.isArray(value)) {
      const got = typeof value === 'object' ? 'object' : typeof value;
      return {
        error: `json: cannot unmarshal ${got} into Go struct field Payload.${field} of type ${FIELD_TYPES[field]}`,
      };
    }
  }
  return { payload: payload as FaroPayload };
}

function logfmtValue(value: unknown): string {
  const textValue = typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(6) : String(value);
  return /[\s"=]/.test(textValue) || textValue === '' ? JSON.stringify(textValue) : textValue;
}

function flatten(prefix: string, value: unknown, into: Array<[string, unknown]>) {
  if (value === null || value === undefined) return;
  if (typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(prefix ? `${prefix}_${k}` : k, v, into);
  } else {
    into.push([prefix, value]);
  }
}

function metaFields(meta: FaroPayload['meta']): Array<[string, unknown]> {
  const fields: Array<[string, unknown]> = [];
  for (const section of ['sdk', 'app', 'user', 'session', 'page', 'browser', 'view']) {
    const part = meta?.[section];
    if (part && typeof part === 'object') {
      for (const [k, v] of Object.entries(part)) if (typeof v !== 'object') fields.push([`${section}_${k}`, v]);
    }
  }
  return fields;
}

const lokiTime = (date: Date) => date.toISOString().replace('T', ' ').replace('Z', ' +0000 UTC');

/** One logfmt line per item, as Alloy's exporters write them. */
export function payloadToLokiStreams(payload: FaroPayload, receivedAt = Date.now()): LokiStream[] {
  const appName = String(payload.meta?.app?.name ?? '');
  const meta = metaFields(payload.meta);
  const streams = new Map<string, LokiStream>();
  const push = (kind: string, fields: Array<[string, unknown]>, timestamp: unknown) => {
    const when =
      typeof timestamp === 'string' && !Number.isNaN(Date.parse(timestamp))
        ? new Date(timestamp)
        : new Date(receivedAt);
    const line = [
      ['timestamp', lokiTime(when)] as [string, unknown],
      ['kind', kind] as [string, unknown],
      ...fields,
      ...meta,
    ]
      .map(([k, v]) => `${k}=${logfmtValue(v)}`)
      .join(' ');
    const key = `${appName}|${kind}`;
    const stream = streams.get(key) ?? { stream: { app_name: appName, kind }, values: [] };
    // The entry's time is the receive time; the SDK's own time is only inside the line.
    stream.values.push([`${BigInt(receivedAt) * 1_000_000n + BigInt(stream.values.length)}`, line]);
    streams.set(key, stream);
  };
  for (const log of payload.logs ?? []) {
    push(
      'log',
      [
        ['message', log.message],
        ['level', log.level],
        ...Object.entries((log.context as object) ?? {}).map(([k, v]) => [`context_${k}`, v] as [string, unknown]),
      ],
      log.timestamp,
    );
  }
  for (const exception of payload.exceptions ?? []) {
    const frames = ((exception.stacktrace as { frames?: Array<Record<string, unknown>> })?.frames ?? [])
      .map((f) => `  at ${f.function ?? '?'} (${f.filename ?? '?'}:${f.lineno ?? 0}:${f.colno ?? 0})`)
      .join('\n');
    push(
      'exception',
      [
        ['type', exception.type],
        ['value', exception.value],
        ['stacktrace', `${exception.type}: ${exception.value}${frames ? `\n${frames}` : ''}`],
      ],
      exception.timestamp,
    );
  }
  for (const measurement of payload.measurements ?? []) {
    const values: Array<[string, unknown]> = [];
    flatten('', measurement.values, values);
    const context: Array<[string, unknown]> = [];
    flatten('context', measurement.context, context);
    push('measurement', [['type', measurement.type], ...values, ...context], measurement.timestamp);
  }
  for (const event of payload.events ?? []) {
    const attributes: Array<[string, unknown]> = [];
    flatten('event_data', event.attributes, attributes);
    push('event', [['event_name', event.name], ['event_domain', event.domain], ...attributes], event.timestamp);
  }
  return [...streams.values()];
}

export async function startFaroReceiverSimulator(
  options: FaroReceiverOptions = {},
  port = 0,
): Promise<FaroReceiverSimulator> {
  const maxBytes = options.maxPayloadBytes ?? 5 * 1024 * 1024;
  const bucket = new TokenBucket(options.rateLimit?.rate ?? 50, options.rateLimit?.burst ?? 100);
  const accepted: AcceptedPayload[] = [];
  let failWith: number | null = null;
  let delay: number | 'hang' | null = null;
  const vary = { vary: 'Origin' };

  const corsHeaders = (request: SimRequest): Record<string, string> => {
    const origin = request.headers.origin;
    const allowed = options.corsAllowedOrigins ?? [];
    if (!origin || !(allowed.includes('*') || allowed.includes(origin))) return {};
    return { 'access-control-allow-origin': allowed.includes('*') ? '*' : origin };
  };

  const collect = (request: SimRequest): SimResponse => {
    if (failWith !== null)
      return text(failWith, `${failWith === 503 ? 'Service Unavailable' : 'simulated failure'}\n`, vary);
    if (!bucket.take()) return text(429, 'Too Many Requests\n', vary);
    let raw = request.body;
    if (String(request.headers['content-encoding'] ?? '').toLowerCase() === 'gzip') {
      try {
        raw = gunzipSync(raw);
      } catch {
        return text(400, 'failed to decompress gzip body\n', { ...vary, ...corsHeaders(request) });
      }
    }
    const decoded = decodePayload(raw.toString('utf8'));
    if ('error' in decoded) return text(400, `${decoded.error}\n`, { ...vary, ...corsHeaders(request) });
    if (options.apiKey && request.headers['x-api-key'] !== options.apiKey)
      return text(401, 'api key not provided or incorrect\n', vary);
    const declaredLength = Number(request.headers['content-length'] ?? 0);
    if (declaredLength > maxBytes) return text(413, 'Request Entity Too Large\n', vary);
    const receivedAt = Date.now();
    accepted.push({ receivedAt, headers: request.headers, payload: decoded.payload });
    // Exporter failures still answer 202 in Alloy, so the sinks cannot change the status.
    try {
      options.sinks?.logs?.(payloadToLokiStreams(decoded.payload, receivedAt));
      const traces = decoded.payload.traces as { resourceSpans?: unknown[] } | undefined;
      if (traces?.resourceSpans?.length) options.sinks?.traces?.(traces);
    } catch {
      // ignored, as Alloy does
    }
    return text(202, 'ok', { ...vary, ...corsHeaders(request) });
  };

  const running = await serveSimulator(
    'faro-receiver',
    async (request) => {
      if (request.path.startsWith('/__sim/')) {
        if (request.path === '/__sim/accepted')
          return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(accepted) };
        if (request.path === '/__sim/reset' && request.method === 'POST') {
          accepted.length = 0;
          failWith = null;
          delay = null;
          return text(200, 'reset');
        }
        if (request.path === '/__sim/control' && request.method === 'POST') {
          const body = JSON.parse(request.body.toString('utf8') || '{}') as {
            failWith?: number | null;
            delay?: number | 'hang' | null;
          };
          if ('failWith' in body) failWith = body.failWith ?? null;
          if ('delay' in body) delay = body.delay ?? null;
          return text(200, 'ok');
        }
        return text(404, 'unknown simulator control\n');
      }
      if (request.path === '/-/ready' && request.method === 'GET') return text(200, 'ready');
      if (request.path !== '/collect') return text(404, '404 page not found\n');
      if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
        const cors = corsHeaders(request);
        const requested = String(request.headers['access-control-request-headers'] ?? '')
          .split(',')
          .map((h) => h.trim().toLowerCase())
          .filter(Boolean);
        // A header outside Alloy's fixed list (e.g. the SDK's Idempotency-Key) fails the whole preflight.
        const headersOk = requested.every((h) => ALLOWED_HEADERS.includes(h));
        const preflightVary = { vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers' };
        if (!cors['access-control-allow-origin'] || !headersOk)
          return { status: 204, headers: preflightVary, body: '' };
        return {
          status: 204,
          headers: {
            ...preflightVary,
            ...cors,
            'access-control-allow-methods': 'POST',
            'access-control-allow-headers': requested.join(','),
          },
          body: '',
        };
      }
      if (request.method !== 'POST' && request.method !== 'OPTIONS') return { status: 405, body: '' };
      const response = collect(request);
      if (delay === 'hang') return { ...response, hang: true };
      return delay ? { ...response, delayMs: delay } : response;
    },
    port,
  );

  return {
    ...running,
    accepted,
    control: {
      failWith: (status) => {
        failWith = status;
      },
      delay: (ms) => {
        delay = ms;
      },
    },
  };
}
