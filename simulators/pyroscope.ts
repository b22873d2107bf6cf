import { FaultSwitch, handleControl, withFault, type Fault } from './faults';
import { json, serveSimulator, text, type RunningSimulator, type SimRequest, type SimResponse } from './http';
import { recording } from './recordings';

/**
 * Pyroscope v1's query API as recorded (simulators/recordings/pyroscope/*): Connect JSON over POST
 * with protojson conventions (int64 as strings, empty fields omitted, `{}` for nothing), 415 with an
 * empty body on a wrong Content-Type, 400 {"code":"invalid_argument"} on a bad selector, /ready as
 * "ready" or a 503 reason. Data is per service_name and follows the clock: the recorded samples are
 * shifted so the newest one is as old as it was when it was recorded.
 */

const CONNECT_ACCEPT_POST =
  'application/grpc, application/grpc+json, application/grpc+json; charset=utf-8, application/grpc+proto, application/grpc-web, application/grpc-web+json, application/grpc-web+json; charset=utf-8, application/grpc-web+proto, application/json, application/json; charset=utf-8, application/proto';

/** What one service_name has sent: its profile types and its sample points (value + age). */
export interface ProfileData {
  profileTypes: string[];
  /** Points as [value, ms before "now"], newest last. */
  points: Array<[number, number]>;
  /** The service stops sending this long after the simulator starts (a demo of a regression). */
  stopsAfterMs?: number;
  /** Its SelectMergeStacktraces reply; default: the recorded one of its runtime. */
  flamegraph?: unknown;
}

/** SelectMergeStacktraces as recorded: a Python CPU graph (folded stacks) and a Node wall graph. */
const EMPTY_FLAMEGRAPH = recording('pyroscope/select-merge-stacktraces-unknown-service.json').response.body;
const recordedFlamegraph = (profileType: string) =>
  recording(
    profileType.startsWith('process_cpu:')
      ? 'pyroscope/select-merge-stacktraces-acapy-agent.json'
      : 'pyroscope/select-merge-stacktraces-bc-wallet-demo-server.json',
  ).response.body;

/** A flame graph with samples but nothing below the root's only child: not navigable. */
export const SHALLOW_FLAMEGRAPH = {
  flamegraph: {
    names: ['total', 'other'],
    levels: [{ values: ['0', '1000', '0', '0'] }, { values: ['0', '1000', '1000', '1'] }],
    total: '1000',
    maxSelf: '1000',
  },
};

// The SelectSeries recording's points, aged relative to the moment it was recorded.
const SELECT_SERIES_RECORDED_AT = 1795600965853;
const RECORDED_POINTS: Array<[number, number]> = (
  recording('pyroscope/select-series-acapy-agent-cpu-groupby.json').response.body as {
    series: Array<{ points: Array<{ value: number; timestamp: string }> }>;
  }
).series[0].points.map((p) => [p.value, SELECT_SERIES_RECORDED_AT - Number(p.timestamp)]);

type LabelsSet = Array<{ labels: Array<{ name: string; value: string }> }>;
const recordedTypes = (file: string) =>
  ((recording(file).response.body as { labelsSet: LabelsSet }).labelsSet ?? []).map(
    (s) => s.labels.find((l) => l.name === '__profile_type__')!.value,
  );

/** Python (pyroscope-io, legacy /ingest): CPU only. Node (@pyroscope/nodejs): wall and heap. */
export const PYTHON_PROFILE: ProfileData = {
  profileTypes: recordedTypes('pyroscope/series-acapy-agent.json'),
  points: RECORDED_POINTS,
};
export const NODE_PROFILE: ProfileData = {
  profileTypes: recordedTypes('pyroscope/series-bc-wallet-demo-server.json'),
  points: RECORDED_POINTS,
};

/** The recorded profile of a service_name (Node for the recorded Node apps, else Python's CPU profile). */
export function recordedProfile(serviceName: string): ProfileData {
  return ['bc-wallet-demo-server', 'traction-tenant-ui', 'didcomm-mediator-credo', 'credo-agent'].includes(serviceName)
    ? NODE_PROFILE
    : PYTHON_PROFILE;
}

export interface PyroscopeSimulatorOptions {
  /** service_name → data; everything else has sent nothing. */
  services?: Record<string, ProfileData>;
  /** Per-target faults to start with (e.g. one service whose answers are broken). */
  faults?: Array<{ fault: Fault; target?: string }>;
}

export interface PyroscopeSimulator extends RunningSimulator {
  control: {
    /** Recorded data on/off for a service_name (true: its recorded profile), or explicit data. */
    setService: (serviceName: string, data: ProfileData | boolean | null) => void;
    fault: (fault: Fault | null, target?: string) => void;
    reset: () => void;
  };
}

const connectError = (message: string): SimResponse => json(400, { code: 'invalid_argument', message });

/** Parses `{service_name="x"}` (the only matcher shape the board sends); null when malformed. */
function parseSelector(selector: unknown): Record<string, string> | null {
  if (typeof selector !== 'string') return null;
  const match = /^\{\s*(.*?)\s*\}$/.exec(selector.trim());
  if (!match) return null;
  const labels: Record<string, string> = {};
  if (match[1] === '') return labels;
  for (const part of match[1].split(/\s*,\s*/)) {
    const m = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*("(?:[^"\\]|\\.)*")$/.exec(part);
    if (!m) return null;
    labels[m[1]] = JSON.parse(m[2]) as string;
  }
  return labels;
}

const selectorError = (selector: unknown) =>
  connectError(
    `failed to parse label selector ${JSON.stringify(String(selector))}: 1:${String(selector).length}: parse error: unexpected end of input inside braces`,
  );

/** The label selector and profile type a Select call asks for, or the error Pyroscope answers a malformed one with. */
function selectorAndType(
  body: Record<string, unknown>,
): { selector: Record<string, string>; type: string } | SimResponse {
  const selector = parseSelector(body.labelSelector);
  if (!selector)
    return connectError(
      `failed to parse label selector ${JSON.stringify(String(body.labelSelector))}: parse error: unexpected character inside braces`,
    );
  const type = String(body.profileTypeID ?? '');
  if (type.split(':').length !== 5) return connectError(`invalid profile type id: ${type}`);
  return { selector, type };
}

export async function startPyroscopeSimulator(
  options: PyroscopeSimulatorOptions = {},
  port = 0,
): Promise<PyroscopeSimulator> {
  const initial = () => new Map(Object.entries(options.services ?? {}));
  let services = initial();
  const faults = new FaultSwitch();
  const initialFaults = () => {
    faults.clear();
    for (const f of options.faults ?? []) faults.set(f.fault, f.target);
  };
  initialFaults();

  const matching = (labels: Record<string, string>) =>
    [...services.entries()].filter(([name]) => labels.service_name === undefined || labels.service_name === name);

  const startedAt = Date.now();
  // A service that stopped sending has nothing from then on (the demo compresses "out of the window" to "gone").
  const inWindow = (data: ProfileData, start: number, end: number, now: number) =>
    data.stopsAfterMs !== undefined && now - startedAt > data.stopsAfterMs
      ? []
      : data.points.map(([value, age]) => ({ value, at: now - age })).filter((p) => p.at >= start && p.at <= end);

  const connect = (request: SimRequest, method: string): SimResponse => {
    const contentType = String(request.headers['content-type'] ?? '');
    if (!/^application\/json\b/.test(contentType))
      return { status: 415, headers: { 'accept-post': CONNECT_ACCEPT_POST }, body: '' };
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
    } catch (error) {
      return connectError(`proto: syntax error (line 1:1): ${(error as Error).message}`);
    }
    const now = Date.now();
    const start = Number(body.start ?? now - 3_600_000);
    const end = Number(body.end ?? now);
    if (method === 'Series') {
      const matchers = (body.matchers as unknown[] | undefined) ?? [];
      const selectors = matchers.map(parseSelector);
      const bad = selectors.indexOf(null);
      if (bad >= 0) return selectorError(matchers[bad]);
      const targets = selectors.map((s) => s!.service_name).filter(Boolean);
      return withFault(faults.forTargets(targets), () => {
        const labelsSet: LabelsSet = [];
        const wanted = (body.labelNames as string[] | undefined) ?? ['service_name', '__profile_type__'];
        for (const selector of selectors.length > 0 ? selectors : [{}]) {
          for (const [name, data] of matching(selector!)) {
            if (inWindow(data, start, end, now).length === 0) continue;
            for (const type of data.profileTypes) {
              const labels = [
                { name: '__profile_type__', value: type },
                { name: 'service_name', value: name },
              ].filter((l) => wanted.includes(l.name));
              labelsSet.push({ labels });
            }
          }
        }
        return json(200, labelsSet.length > 0 ? { labelsSet } : {});
      });
    }
    if (method === 'SelectSeries') {
      const asked = selectorAndType(body);
      if ('status' in asked) return asked;
      const { selector, type } = asked;
      return withFault(faults.forTargets(selector.service_name ? [selector.service_name] : []), () => {
        const groupBy = (body.groupBy as string[] | undefined) ?? [];
        const series = matching(selector)
          .filter(([, data]) => data.profileTypes.includes(type))
          .map(([name, data]) => ({ name, points: inWindow(data, start, end, now) }))
          .filter((s) => s.points.length > 0)
          .map((s) => ({
            ...(groupBy.includes('service_name') ? { labels: [{ name: 'service_name', value: s.name }] } : {}),
            points: s.points.map((p) => ({ value: p.value, timestamp: String(p.at) })),
          }));
        return json(200, series.length > 0 ? { series } : {});
      });
    }
    if (method === 'SelectMergeStacktraces') {
      const asked = selectorAndType(body);
      if ('status' in asked) return asked;
      const { selector, type } = asked;
      return withFault(faults.forTargets(selector.service_name ? [selector.service_name] : []), () => {
        const found = matching(selector).find(
          ([, data]) => data.profileTypes.includes(type) && inWindow(data, start, end, now).length > 0,
        );
        if (!found) return json(200, EMPTY_FLAMEGRAPH);
        return json(200, found[1].flamegraph ?? recordedFlamegraph(type));
      });
    }
    if (method === 'LabelValues') {
      return withFault(faults.globalFault, () => {
        const names = [...services.entries()]
          .filter(([, d]) => inWindow(d, start, end, now).length > 0)
          .map(([n]) => n)
          .sort();
        return json(200, body.name === 'service_name' && names.length > 0 ? { names } : {});
      });
    }
    return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '404 page not found\n' };
  };

  const control: PyroscopeSimulator['control'] = {
    setService: (name, data) => {
      if (data === null || data === false) services.delete(name);
      else services.set(name, data === true ? recordedProfile(name) : data);
    },
    fault: (fault, target) => faults.set(fault, target),
    reset: () => {
      services = initial();
      initialFaults();
    },
  };

  const running = await serveSimulator(
    'pyroscope',
    (request) => {
      const controlled = handleControl(request, {
        fault: control.fault,
        data: (target, value) =>
          control.setService(target, value === true ? true : value ? (value as ProfileData) : null),
        reset: control.reset,
      });
      if (controlled) return controlled;
      if (request.path === '/ready') {
        const fault = faults.globalFault;
        if (fault?.kind === 'not-ready')
          return text(503, recording('pyroscope/ready-not-ready-503-segment-writer.json').response.body as string);
        return withFault(fault, () => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'ready' }));
      }
      const method = /^\/querier\.v1\.QuerierService\/(\w+)$/.exec(request.path)?.[1];
      if (method && request.method === 'POST') return connect(request, method);
      return text(404, '404 page not found\n');
    },
    port,
  );
  return { ...running, control };
}

/**
 * Demo data: acapy-agent and bc-wallet-demo profile; traction only half (traction-acapy is missing);
 * the mediator's answers are broken; didwebvh-server profiles for the first minute, then stops, so
 * its closed cell turns from verified to regressed on the next verification.
 */
export const DEMO_PYROSCOPE: PyroscopeSimulatorOptions = {
  services: {
    'acapy-agent': PYTHON_PROFILE,
    'bc-wallet-demo-server': NODE_PROFILE,
    'traction-tenant-ui': NODE_PROFILE,
    'didcomm-mediator-credo': NODE_PROFILE,
    'didwebvh-server': { ...PYTHON_PROFILE, stopsAfterMs: 60_000 },
  },
  faults: [
    {
      target: 'didcomm-mediator-credo',
      fault: {
        kind: 'status',
        status: 500,
        body: 'rpc error: code = Unavailable desc = store-gateway: no healthy instances\n',
      },
    },
  ],
};
