import { payloadToLokiStreams, type LokiStream } from './faro-receiver';
import { FaultSwitch, handleControl, withFault, type Fault } from './faults';
import {
  json,
  readJsonBody,
  serveSimulator,
  text,
  type RunningSimulator,
  type SimRequest,
  type SimResponse,
} from './http';
import { evaluate, parseLogQL, type LogQuery, type MetricQuery } from './logql';
import { recording, RECORDINGS_DIR } from './recordings';
import { readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Loki 3's query API as recorded (simulators/recordings/loki/*): query_range for log and metric
 * queries, instant queries for metrics only (a log selector is a text/plain 400), text/plain parse
 * errors, `result: []` for nothing, push → 204. Streams get service_name from app_name (Loki's
 * discover_service_name) and detected_level, as the real one adds them.
 */

interface Entry {
  labels: Record<string, string>;
  line: string;
  /** Pushed entries have a fixed time; recorded demo entries stay as old as when recorded (ageMs). */
  ns?: bigint;
  ageMs?: number;
}

const LEVEL_BY_KIND: Record<string, string> = { exception: 'error', event: 'unknown', measurement: 'unknown' };

function discoverLabels(stream: Record<string, string>, line: string): Record<string, string> {
  const labels = { ...stream };
  labels.service_name ??=
    stream.service ?? stream.app ?? stream.application ?? stream.app_name ?? stream.name ?? 'unknown_service';
  const level = LEVEL_BY_KIND[labels.kind ?? ''] ?? /\blevel=(\w+)/.exec(line)?.[1] ?? 'unknown';
  labels.detected_level ??= level;
  return labels;
}

// The real Faro SDK bodies of each recorded app, with the time each reached the receiver.
const SDK_RECORDED_AT: Record<string, number> = {
  'sdk-bc-wallet-demo-1-session-start-ttfb-fcp.json': 1795600844021,
  'sdk-bc-wallet-demo-2-logs-exception-event.json': 1795600844857,
  'sdk-bc-wallet-demo-3-lcp.json': 1795600845740,
  'sdk-bc-wallet-demo-4-trace.json': 1795600845994,
  'sdk-bc-wallet-demo-5-inp-cls.json': 1795600846387,
  'sdk-traction-tenant-ui-1-session-start-ttfb-fcp.json': 1795600860218,
  'sdk-traction-tenant-ui-2-logs-event.json': 1795600860962,
  'sdk-traction-tenant-ui-3-exception.json': 1795600861212,
  'sdk-traction-tenant-ui-4-lcp.json': 1795600862212,
  'sdk-traction-tenant-ui-5-trace.json': 1795600862466,
  'sdk-traction-tenant-ui-6-inp-cls.json': 1795600862654,
  'sdk-vc-authn-oidc-1-session-start-ttfb-fcp.json': 1795600864768,
  'sdk-vc-authn-oidc-2-logs-exception-event.json': 1795600865585,
  'sdk-vc-authn-oidc-3-lcp.json': 1795600866505,
  'sdk-vc-authn-oidc-4-inp-cls.json': 1795600867104,
};
/** The Loki queries were recorded at this time; the data's age is kept relative to it. */
const LOKI_RECORDED_AT = 1795601096066;

/**
 * The recorded Faro session of an app, as Alloy's receiver wrote it to Loki. An app without a
 * recording gets bc-wallet-demo's session under its own name.
 */
export function recordedFaroEntries(app: string): Entry[] {
  const files = readdirSync(path.join(RECORDINGS_DIR, 'faro')).filter((f) => f.startsWith('sdk-'));
  const own = files.filter((f) => f.startsWith(`sdk-${app}-`));
  const chosen = own.length > 0 ? own : files.filter((f) => f.startsWith('sdk-bc-wallet-demo-'));
  return chosen.flatMap((file) => {
    const body = recording(`faro/${file}`).request.body as { meta?: { app?: Record<string, unknown> } };
    const payload = { ...body, meta: { ...body.meta, app: { ...body.meta?.app, name: app } } };
    const recordedAt = SDK_RECORDED_AT[file];
    return payloadToLokiStreams(payload as Parameters<typeof payloadToLokiStreams>[0], recordedAt).flatMap((s) =>
      s.values.map(([, line]) => ({ labels: s.stream, line, ageMs: LOKI_RECORDED_AT - recordedAt })),
    );
  });
}

export interface LokiSimulatorOptions {
  /** Faro apps whose recorded session is in Loki from the start. */
  faroApps?: string[];
  /** Of those, apps that send only `kind=log` entries (no errors, no Web Vitals). */
  logsOnly?: string[];
  faults?: Array<{ fault: Fault; target?: string }>;
}

export interface LokiSimulator extends RunningSimulator {
  /** Alloy's loki.write: the receiver sink. */
  push: (streams: LokiStream[]) => void;
  control: {
    /** The recorded Faro session of an app on (true) or every entry of it off (false). */
    setApp: (app: string, present: boolean) => void;
    fault: (fault: Fault | null, target?: string) => void;
    reset: () => void;
  };
}

const nowNs = () => BigInt(Date.now()) * 1_000_000n;

/** Loki's time parameters: ns integers, float seconds or RFC3339. */
function parseTimeNs(value: string | null, fallback: bigint): bigint | null {
  if (value === null || value === '') return fallback;
  if (/^\d+$/.test(value)) return value.length > 12 ? BigInt(value) : BigInt(value) * 1_000_000_000n;
  if (/^\d+\.\d+$/.test(value)) return BigInt(Math.round(Number(value) * 1e6)) * 1000n;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : BigInt(ms) * 1_000_000n;
}

const emptyStats = {
  summary: {
    bytesProcessedPerSecond: 0,
    linesProcessedPerSecond: 0,
    totalBytesProcessed: 0,
    totalLinesProcessed: 0,
    execTime: 0.001,
    queueTime: 0,
    subqueries: 0,
    totalEntriesReturned: 0,
  },
};

export async function startLokiSimulator(options: LokiSimulatorOptions = {}, port = 0): Promise<LokiSimulator> {
  let entries: Entry[] = [];
  const faults = new FaultSwitch();
  const reset = () => {
    entries = (options.faroApps ?? []).flatMap((app) =>
      recordedFaroEntries(app).filter((e) => !options.logsOnly?.includes(app) || e.labels.kind === 'log'),
    );
    faults.clear();
    for (const f of options.faults ?? []) faults.set(f.fault, f.target);
  };
  reset();

  const timeOf = (entry: Entry, now: bigint) => entry.ns ?? now - BigInt(entry.ageMs ?? 0) * 1_000_000n;
  const select = (log: LogQuery, from: bigint, to: bigint, now: bigint) =>
    entries.flatMap((e) => {
      const ns = timeOf(e, now);
      if (ns <= from || ns > to) return [];
      const labels = discoverLabels(e.labels, e.line);
      // Log queries return the stream's labels; metric queries group by the pipeline's (extracted included).
      const evaluated = evaluate(log, labels, e.line);
      return evaluated ? [{ labels, evaluated, line: e.line, ns }] : [];
    });

  /** Targets a query is about (its service_name/app_name values), for per-target faults. */
  const targetsOf = (log: LogQuery) =>
    log.matchers.filter((m) => m.op === '=' && ['service_name', 'app_name'].includes(m.name)).map((m) => m.value);

  const logResult = (log: LogQuery, start: bigint, end: bigint, limit: number, backward: boolean, now: bigint) => {
    const found = select(log, start, end, now)
      .sort((a, b) => (a.ns === b.ns ? 0 : a.ns < b.ns === backward ? 1 : -1))
      .slice(0, limit);
    const streams = new Map<string, { stream: Record<string, string>; values: Array<[string, string]> }>();
    for (const e of found) {
      const key = JSON.stringify(Object.entries(e.labels).sort());
      const stream = streams.get(key) ?? { stream: Object.fromEntries(Object.entries(e.labels).sort()), values: [] };
      stream.values.push([String(e.ns), e.line]);
      streams.set(key, stream);
    }
    return { resultType: 'streams', result: [...streams.values()], stats: emptyStats };
  };

  const countAt = (query: MetricQuery, at: bigint, now: bigint) => {
    const groups = new Map<string, { metric: Record<string, string>; count: number }>();
    for (const e of select(query.log, at - BigInt(query.rangeMs) * 1_000_000n, at, now)) {
      const labels = e.evaluated;
      const metric =
        query.sumBy === null
          ? labels
          : Object.fromEntries(query.sumBy.filter((l) => labels[l] !== undefined).map((l) => [l, labels[l]]));
      const key = JSON.stringify(metric);
      const group = groups.get(key) ?? { metric, count: 0 };
      group.count += 1;
      groups.set(key, group);
    }
    return groups;
  };

  /** The request's LogQL, or Loki's text/plain 400 with the parser's message. */
  const readQuery = (request: SimRequest): { query: ReturnType<typeof parseLogQL> } | { error: SimResponse } => {
    try {
      return { query: parseLogQL(request.query.get('query') ?? '') };
    } catch (error) {
      return { error: text(400, (error as Error).message) };
    }
  };

  const queryRange = (request: SimRequest): SimResponse => {
    const now = nowNs();
    const parsed = readQuery(request);
    if ('error' in parsed) return parsed.error;
    const { query } = parsed;
    const end = parseTimeNs(request.query.get('end'), now);
    const start = parseTimeNs(request.query.get('start'), (end ?? now) - 3_600_000_000_000n);
    if (start === null || end === null) return text(400, 'invalid parameter: could not parse start/end');
    const log = query.type === 'log' ? query : query.log;
    return withFault(faults.forTargets(targetsOf(log)), () => {
      if (query.type === 'log') {
        const limit = Number(request.query.get('limit') ?? 100);
        return json(200, {
          status: 'success',
          data: logResult(query, start, end, limit, request.query.get('direction') !== 'forward', now),
        });
      }
      // Points aligned to multiples of the step; as in Loki, the last one may lie just after end.
      const stepNs = BigInt(Math.max(1, Math.round(Number(request.query.get('step') ?? 60)))) * 1_000_000_000n;
      const series = new Map<string, { metric: Record<string, string>; values: Array<[number, string]> }>();
      for (let t = ((start + stepNs - 1n) / stepNs) * stepNs; t < end + stepNs; t += stepNs) {
        for (const [key, group] of countAt(query, t, now)) {
          const s = series.get(key) ?? { metric: group.metric, values: [] };
          s.values.push([Number(t / 1_000_000_000n), String(group.count)]);
          series.set(key, s);
        }
      }
      return json(200, {
        status: 'success',
        data: { resultType: 'matrix', result: [...series.values()], stats: emptyStats },
      });
    });
  };

  const instantQuery = (request: SimRequest): SimResponse => {
    const now = nowNs();
    const parsed = readQuery(request);
    if ('error' in parsed) return parsed.error;
    const { query } = parsed;
    if (query.type === 'log')
      return text(400, recording('loki/query-instant-log-selector-400.json').response.body as string);
    const metric = query;
    const at = parseTimeNs(request.query.get('time'), now) ?? now;
    return withFault(faults.forTargets(targetsOf(metric.log)), () => {
      const result = [...countAt(metric, at, now).values()].map((g) => ({
        metric: g.metric,
        value: [Number(at) / 1e9, String(g.count)],
      }));
      return json(200, { status: 'success', data: { resultType: 'vector', result, stats: emptyStats } });
    });
  };

  const push = (streams: LokiStream[]) => {
    for (const s of streams)
      for (const [ns, line] of s.values) entries.push({ labels: s.stream, line, ns: BigInt(ns) });
  };

  const control: LokiSimulator['control'] = {
    setApp: (app, present) => {
      entries = entries.filter((e) => discoverLabels(e.labels, e.line).service_name !== app);
      if (present) entries.push(...recordedFaroEntries(app));
    },
    fault: (fault, target) => faults.set(fault, target),
    reset,
  };

  const running = await serveSimulator(
    'loki',
    (request) => {
      const controlled = handleControl(request, {
        fault: control.fault,
        data: (target, value) => control.setApp(target, Boolean(value)),
        reset,
      });
      if (controlled) return controlled;
      if (request.path === '/ready') {
        const fault = faults.globalFault;
        if (fault?.kind === 'not-ready')
          return text(503, recording('loki/ready-not-ready-503.json').response.body as string);
        return withFault(fault, () => text(200, 'ready\n'));
      }
      if (request.path === '/loki/api/v1/query_range') return queryRange(request);
      if (request.path === '/loki/api/v1/query') return instantQuery(request);
      if (request.path === '/loki/api/v1/push' && request.method === 'POST') {
        try {
          push(readJsonBody<{ streams: LokiStream[] }>(request).streams);
        } catch {
          return text(400, 'loghttp.PushRequest.Streams: ReadArray: expect [ or n, but found');
        }
        return { status: 204 };
      }
      return text(404, '404 page not found\n');
    },
    port,
  );
  return { ...running, push, control };
}

/**
 * Demo data: bc-wallet-demo sends errors and Web Vitals, traction's tenant UI only logs,
 * didwebvh's Web Explorer any events; vc-authn-oidc's Loki answers are broken.
 */
export const DEMO_LOKI: LokiSimulatorOptions = {
  faroApps: ['bc-wallet-demo', 'traction-tenant-ui', 'didwebvh-server'],
  logsOnly: ['traction-tenant-ui'],
  faults: [{ target: 'vc-authn-oidc', fault: { kind: 'status', status: 504, body: 'context deadline exceeded\n' } }],
};
