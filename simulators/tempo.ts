import { randomBytes } from 'node:crypto';
import { FaultSwitch, handleControl, withFault, type Fault } from './faults';
import { DEMO_PODS_STARTED } from './kubernetes';
import {
  json,
  readJsonBody,
  serveSimulator,
  text,
  type RunningSimulator,
  type SimRequest,
  type SimResponse,
} from './http';
import { recording } from './recordings';
import { metricsQueryRange, type TempoMetricsOptions } from './tempo-metrics';

/**
 * Tempo's query API as recorded (simulators/recordings/tempo/*): /api/search with `q=` TraceQL
 * (exact `{resource.service.name="x"}`, a bad query is a text/plain 400) or `tags=` (case-insensitive
 * substring), start/end in unix seconds; /api/v2/traces/<id> with base64 ids and string span kinds
 * (unknown id: 200 `{"trace":{},"metrics":{}}`); OTLP/HTTP JSON push on /v1/traces.
 */

type Attribute = { key: string; value: Record<string, unknown> };
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number | string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  [k: string]: unknown;
}
interface ResourceSpans {
  resource: { attributes: Attribute[] };
  scopeSpans: Array<{ scope?: unknown; spans: OtlpSpan[] }>;
}
interface StoredSpan {
  resource: ResourceSpans['resource'];
  scope: unknown;
  span: OtlpSpan;
  /** Recorded demo spans stay as old as they were when recorded. */
  ageNs?: bigint;
}

const KINDS = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];
const serviceName = (resource: ResourceSpans['resource']) =>
  String(resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '');
const hexToBase64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

/** The searches were recorded at this time (ns); recorded spans keep their age relative to it. */
const TEMPO_RECORDED_AT_NS = 1795601128503n * 1_000_000n;

/**
 * A recorded browser → backend trace for a Faro app: the real bc-wallet-demo browser fetch span
 * and, when `linked`, the OpenTelemetry JS backend spans that answered it, under a fresh trace id.
 */
export function recordedTrace(app: string, linked: boolean): ResourceSpans[] {
  const browser = recording('faro/sdk-bc-wallet-demo-4-trace.json').request.body as {
    traces: { resourceSpans: ResourceSpans[] };
  };
  const backend = recording('tempo/otlp-push-otel-js-server-spans.json').request.body as {
    resourceSpans: ResourceSpans[];
  };
  const traceId = randomBytes(16).toString('hex');
  const rename = (rs: ResourceSpans, name: string): ResourceSpans => ({
    resource: {
      attributes: rs.resource.attributes.map((a) =>
        a.key === 'service.name' ? { key: a.key, value: { stringValue: name } } : a,
      ),
    },
    scopeSpans: rs.scopeSpans.map((ss) => ({ ...ss, spans: ss.spans.map((s) => ({ ...s, traceId })) })),
  });
  const browserSpans = browser.traces.resourceSpans.map((rs) => rename(rs, app));
  return linked ? [...browserSpans, ...backend.resourceSpans.map((rs) => rename(rs, `${app}-server`))] : browserSpans;
}

export interface TempoSimulatorOptions {
  /** Faro app → its recorded trace, linked to backend spans or browser-only. */
  apps?: Record<string, 'linked' | 'browser-only'>;
  faults?: Array<{ fault: Fault; target?: string }>;
  /** Server spans for TraceQL metrics (the latency proof). */
  metrics?: TempoMetricsOptions;
}

export interface TempoSimulator extends RunningSimulator {
  /** Alloy's traces output: OTLP JSON as the receiver forwards it. */
  push: (otlp: unknown) => void;
  control: {
    setApp: (app: string, data: 'linked' | 'browser-only' | null) => void;
    fault: (fault: Fault | null, target?: string) => void;
    reset: () => void;
  };
}

export async function startTempoSimulator(options: TempoSimulatorOptions = {}, port = 0): Promise<TempoSimulator> {
  let spans: StoredSpan[] = [];
  const faults = new FaultSwitch();

  const store = (resourceSpans: ResourceSpans[], aged: boolean) => {
    for (const rs of resourceSpans) {
      for (const ss of rs.scopeSpans ?? []) {
        for (const span of ss.spans ?? []) {
          spans.push({
            resource: rs.resource,
            scope: ss.scope,
            span,
            ageNs: aged ? TEMPO_RECORDED_AT_NS - BigInt(span.startTimeUnixNano) : undefined,
          });
        }
      }
    }
  };
  const setApp = (app: string, data: 'linked' | 'browser-only' | null) => {
    const traceIds = new Set(spans.filter((s) => serviceName(s.resource) === app).map((s) => s.span.traceId));
    spans = spans.filter((s) => !traceIds.has(s.span.traceId));
    if (data) store(recordedTrace(app, data === 'linked'), true);
  };
  const reset = () => {
    spans = [];
    faults.clear();
    for (const [app, data] of Object.entries(options.apps ?? {})) setApp(app, data);
    for (const f of options.faults ?? []) faults.set(f.fault, f.target);
  };
  reset();

  const nowNs = () => BigInt(Date.now()) * 1_000_000n;
  /** A span's times, shifted to now for recorded ones. */
  const timed = (s: StoredSpan, now: bigint) => {
    if (s.ageNs === undefined) return s.span;
    const start = now - s.ageNs;
    const shift = start - BigInt(s.span.startTimeUnixNano);
    return {
      ...s.span,
      startTimeUnixNano: String(start),
      endTimeUnixNano: String(BigInt(s.span.endTimeUnixNano) + shift),
    };
  };

  const search = (request: SimRequest): SimResponse => {
    const q = request.query.get('q');
    const tags = request.query.get('tags');
    let match: (name: string) => boolean;
    let target: string | null = null;
    if (q !== null) {
      const m = /^\{\s*resource\.service\.name\s*=\s*("(?:[^"\\]|\\.)*")\s*\}$/.exec(q.trim());
      if (!m) {
        const col = q.trim().startsWith('{') && !q.trim().endsWith('}') ? q.length + 1 : 1;
        return text(400, `invalid TraceQL query: parse error at line 1, col ${col}: syntax error: unexpected $end`);
      }
      target = JSON.parse(m[1]) as string;
      match = (name) => name === target;
    } else if (tags !== null) {
      const m = /service\.name=(\S+)/.exec(tags);
      const wanted = (m?.[1] ?? '').toLowerCase();
      target = m?.[1] ?? null;
      match = (name) => name.toLowerCase().includes(wanted);
    } else match = () => true;
    return withFault(faults.forTargets(target ? [target] : []), () => {
      const now = nowNs();
      const start = request.query.get('start') ? BigInt(request.query.get('start')!) * 1_000_000_000n : 0n;
      const end = request.query.get('end') ? BigInt(request.query.get('end')!) * 1_000_000_000n : now;
      const limit = Number(request.query.get('limit') ?? 20);
      const byTrace = new Map<string, Array<{ s: StoredSpan; span: OtlpSpan }>>();
      for (const s of spans) {
        const list = byTrace.get(s.span.traceId) ?? [];
        list.push({ s, span: timed(s, now) });
        byTrace.set(s.span.traceId, list);
      }
      const traces = [...byTrace.entries()]
        .map(([traceID, list]) => {
          const root = list.find((x) => !x.span.parentSpanId) ?? list[0];
          const rootStart = BigInt(root.span.startTimeUnixNano);
          return { traceID, list, root, rootStart };
        })
        .filter(
          (t) => t.rootStart >= start && t.rootStart <= end && t.list.some((x) => match(serviceName(x.s.resource))),
        )
        .sort((a, b) => (a.rootStart < b.rootStart ? 1 : -1))
        .slice(0, limit)
        .map((t) => ({
          traceID: t.traceID,
          rootServiceName: serviceName(t.root.s.resource),
          rootTraceName: t.root.span.name,
          startTimeUnixNano: String(t.rootStart),
          durationMs: Number((BigInt(t.root.span.endTimeUnixNano) - t.rootStart) / 1_000_000n),
        }));
      return json(200, {
        traces,
        metrics: {
          inspectedTraces: byTrace.size,
          inspectedBytes: String(spans.length * 1200),
          completedJobs: 1,
          totalJobs: 1,
        },
      });
    });
  };

  const traceById = (traceId: string): SimResponse => {
    const now = nowNs();
    const found = spans.filter((s) => s.span.traceId === traceId);
    const apps = found.map((s) => serviceName(s.resource));
    return withFault(faults.forTargets(apps), () => {
      if (found.length === 0) return json(200, { trace: {}, metrics: {} });
      const byResource = new Map<ResourceSpans['resource'], StoredSpan[]>();
      for (const s of found) byResource.set(s.resource, [...(byResource.get(s.resource) ?? []), s]);
      const resourceSpans = [...byResource.entries()].map(([resource, list]) => ({
        resource,
        scopeSpans: [
          {
            scope: list[0].scope,
            spans: list.map((s) => {
              const span = timed(s, now);
              return {
                ...span,
                traceId: hexToBase64(span.traceId),
                spanId: hexToBase64(span.spanId),
                ...(span.parentSpanId ? { parentSpanId: hexToBase64(span.parentSpanId) } : {}),
                kind: typeof span.kind === 'number' ? KINDS[span.kind] : span.kind,
              };
            }),
          },
        ],
      }));
      return json(200, { trace: { resourceSpans }, metrics: { inspectedBytes: String(found.length * 1200) } });
    });
  };

  const push = (otlp: unknown) =>
    store(((otlp as { resourceSpans?: ResourceSpans[] })?.resourceSpans ?? []) as ResourceSpans[], false);

  const control: TempoSimulator['control'] = { setApp, fault: (fault, target) => faults.set(fault, target), reset };

  const running = await serveSimulator(
    'tempo',
    (request) => {
      const controlled = handleControl(request, {
        fault: control.fault,
        data: (target, value) => setApp(target, value === 'browser-only' ? 'browser-only' : value ? 'linked' : null),
        reset,
      });
      if (controlled) return controlled;
      if (request.path === '/ready') {
        const fault = faults.globalFault;
        if (fault?.kind === 'not-ready') return text(503, 'Ingester not ready: waiting for 15s after being ready\n');
        return withFault(fault, () => text(200, 'ready\n'));
      }
      if (request.path === '/api/search') return search(request);
      if (request.path === '/api/metrics/query_range') {
        const names = [...(request.query.get('q') ?? '').matchAll(/resource\.service\.name\s*=\s*"([^"]+)"/g)].map(
          (m) => m[1],
        );
        return withFault(faults.forTargets(names), () => metricsQueryRange(request, options.metrics ?? {}));
      }
      const v2 = /^\/api\/v2\/traces\/([0-9a-fA-F]+)$/.exec(request.path);
      if (v2) return traceById(v2[1].toLowerCase());
      if (request.path === '/v1/traces' && request.method === 'POST') {
        try {
          push(readJsonBody(request));
        } catch {
          return text(400, 'failed to unmarshal OTLP JSON\n');
        }
        return json(200, { partialSuccess: {} });
      }
      return text(404, '404 page not found\n');
    },
    port,
  );
  return { ...running, push, control };
}

/** Demo data: bc-wallet-demo's browser traces reach its backend; traction's stop in the browser. */
export const DEMO_TEMPO: TempoSimulatorOptions = {
  apps: { 'bc-wallet-demo': 'linked', 'traction-tenant-ui': 'browser-only' },
  // Latency: acapy-agent steady (pass), vc-authn's controller 50% slower since its pods started
  // (fail), traction's tenant UI with too few spans to compare (insufficient data).
  metrics: {
    services: {
      'acapy-agent': { p95Ms: 120, spansPerMinute: 30 },
      'vc-authn-oidc-controller': {
        p95Ms: 200,
        spansPerMinute: 40,
        change: { at: Date.parse(DEMO_PODS_STARTED), p95Ms: 300 },
      },
      'traction-tenant-ui': { p95Ms: 80, spansPerMinute: 0.5 },
      'traction-acapy': { p95Ms: 90, spansPerMinute: 0.5 },
      'bc-wallet-demo-server': { p95Ms: 60, spansPerMinute: 20 },
      'didwebvh-server': { p95Ms: 45, spansPerMinute: 10 },
    },
  },
};
