import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_FRONTENDS, type FrontendsSimulator, startFrontendsSimulator } from '@/simulators/frontends';
import { startLokiSimulator, type LokiSimulator } from '@/simulators/loki';
import {
  NODE_PROFILE,
  PYTHON_PROFILE,
  type PyroscopeSimulator,
  SHALLOW_FLAMEGRAPH,
  startPyroscopeSimulator,
} from '@/simulators/pyroscope';
import { recordedBody, recording } from '@/simulators/recordings';
import { startTempoSimulator, type TempoSimulator } from '@/simulators/tempo';
import { corsProblem, mentionsCollector, probeCollectorUrl, probeFaroRoute, scriptUrls } from './frontend';
import { gateStepResult, type GateEvidence } from './gate';
import type { Upstream } from './http';
import { parseMetricSamples, probeLatency } from './latency';
import { parseFlameGraph, pickProfileType, probeFlameGraph, probePyroscope } from './pyroscope';
import type { ProbeResult } from './types';

const body = (name: string) => recordedBody(recording(name));
const upstream = (name: string, url: string, timeoutMs = 5000): Upstream => ({
  name,
  envPrefix: name.toUpperCase(),
  url,
  timeoutMs,
});
const window = () => ({ start: Date.now() - 15 * 60_000, end: Date.now() });
const CPU = { python: ['process_cpu:cpu'], node: ['process_cpu:cpu', 'wall:cpu', 'wall:wall'] };

describe('the CPU flame graph proof', () => {
  let sim: PyroscopeSimulator | undefined;
  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
  });

  it('reads samples and depth from the recorded SelectMergeStacktraces replies', () => {
    const python = parseFlameGraph(body('pyroscope/select-merge-stacktraces-acapy-agent.json'));
    expect(python).toMatchObject({ ok: true, value: { total: 75720000000, depth: 9 } });
    expect(python.ok && python.value.topFrames).toEqual(['<module>']);
    const node = parseFlameGraph(body('pyroscope/select-merge-stacktraces-bc-wallet-demo-server.json'));
    expect(node.ok && node.value.total).toBeGreaterThan(0);
    expect(node.ok && node.value.depth).toBeGreaterThan(3);
    // No data: {names:["total"], levels:[[0,0,0,0]]} with total omitted.
    expect(parseFlameGraph(body('pyroscope/select-merge-stacktraces-unknown-service.json'))).toEqual({
      ok: true,
      value: { total: 0, depth: 0, topFrames: [] },
    });
  });

  it('picks the profile type the proof is about: CPU per runtime, never the alphabetically first', () => {
    const node = ['memory:inuse_objects:count:inuse_space:bytes', 'wall:wall:nanoseconds:wall:nanoseconds'];
    expect(pickProfileType(node, CPU.node)).toBe('wall:wall:nanoseconds:wall:nanoseconds');
    expect(pickProfileType(node, CPU.python)).toBeNull();
    expect(pickProfileType(['process_cpu:cpu:nanoseconds:cpu:nanoseconds'], CPU.python)).toBe(
      'process_cpu:cpu:nanoseconds:cpu:nanoseconds',
    );
  });

  it('passes a Python and a Node service with deep CPU graphs, and reads "last seen" from the CPU type', async () => {
    sim = await startPyroscopeSimulator({
      services: { 'acapy-agent': PYTHON_PROFILE, 'bc-wallet-demo-server': NODE_PROFILE },
    });
    const py = upstream('Pyroscope', sim.url);
    const python = await probeFlameGraph(py, ['acapy-agent'], CPU.python, 3, window());
    expect(python).toMatchObject({ status: 'pass', message: expect.stringContaining('9 frames deep') });
    const node = await probeFlameGraph(py, ['bc-wallet-demo-server'], CPU.node, 3, window());
    expect(node.status).toBe('pass');
    expect(node.evidence.services[0].cpuType).toBe('wall:wall:nanoseconds:wall:nanoseconds');
    const profiles = await probePyroscope(py, ['bc-wallet-demo-server'], window(), CPU.node);
    expect(profiles.evidence.services[0].lastSeenType).toBe('wall:wall:nanoseconds:wall:nanoseconds');
    const asked = sim.requests
      .filter((r) => r.path.endsWith('/SelectSeries'))
      .map((r) => JSON.parse(r.body.toString()));
    expect(asked.at(-1).profileTypeID).toBe('wall:wall:nanoseconds:wall:nanoseconds');
  });

  it('fails a service without a CPU type, one with a root-only graph, and one that sent nothing', async () => {
    sim = await startPyroscopeSimulator({
      services: {
        'heap-only': { ...NODE_PROFILE, profileTypes: ['memory:inuse_space:bytes:inuse_space:bytes'] },
        shallow: { ...PYTHON_PROFILE, flamegraph: SHALLOW_FLAMEGRAPH },
      },
    });
    const py = upstream('Pyroscope', sim.url);
    const heap = await probeFlameGraph(py, ['heap-only'], CPU.node, 3, window());
    expect(heap).toMatchObject({ status: 'fail', message: expect.stringContaining('sent no CPU profile type') });
    const shallow = await probeFlameGraph(py, ['shallow'], CPU.python, 3, window());
    expect(shallow).toMatchObject({ status: 'fail', message: expect.stringContaining('1 frame deep (needs 3)') });
    const none = await probeFlameGraph(py, ['nobody'], CPU.python, 3, window());
    expect(none).toMatchObject({ status: 'fail', message: expect.stringContaining('"nobody" sent no profiles') });
  });

  it('errors when Pyroscope fails, naming what it said', async () => {
    sim = await startPyroscopeSimulator({ services: { 'acapy-agent': PYTHON_PROFILE } });
    sim.control.fault({ kind: 'status', status: 500, body: 'store-gateway: no healthy instances\n' });
    const result = await probeFlameGraph(upstream('Pyroscope', sim.url), ['acapy-agent'], CPU.python, 3, window());
    expect(result).toMatchObject({ status: 'error', message: expect.stringContaining('no healthy instances') });
  });
});

// No real Tempo TraceQL metrics recording exists yet: the simulator's replies (shaped after
// tempopb.QueryRangeResponse, see simulators/tempo-metrics.ts) stand in for it here.
describe('the latency proof (Tempo TraceQL metrics; simulator output stands in for a recording)', () => {
  let sim: TempoSimulator | undefined;
  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
  });
  const rule = { quantile: 0.95, maxIncreasePercent: 10, minSpans: 100, windowMinutes: 60 };
  const now = Date.now();
  const liveAt = now - 3 * 3_600_000;

  it('parses query_range samples (timestampMs as strings) from every series', () => {
    const reply = JSON.stringify({
      series: [
        {
          labels: [{ key: 'p', value: { doubleValue: 0.95 } }],
          samples: [{ timestampMs: '1715000000000', value: 0.12 }],
        },
      ],
    });
    expect(parseMetricSamples(reply)).toEqual({ ok: true, value: [[1715000000000, 0.12]] });
    expect(parseMetricSamples('{"series":[]}')).toEqual({ ok: true, value: [] });
  });

  it('passes within the threshold, fails beyond it, showing both figures, both windows and the query', async () => {
    sim = await startTempoSimulator({
      metrics: {
        services: {
          steady: { p95Ms: 120, spansPerMinute: 30 },
          slower: { p95Ms: 200, spansPerMinute: 30, change: { at: liveAt, p95Ms: 260 } },
          slightly: { p95Ms: 200, spansPerMinute: 30, change: { at: liveAt, p95Ms: 215 } },
        },
      },
    });
    const tempo = upstream('Tempo', sim.url);
    const steady = await probeLatency(tempo, ['steady'], rule, { at: liveAt, from: 'issue closed' }, now);
    expect(steady).toMatchObject({ status: 'pass', message: 'p95 120 ms before → 120 ms after (+0%, limit +10%)' });
    expect(steady.evidence.queries.quantile).toBe(
      '{resource.service.name="steady" && kind=server} | quantile_over_time(duration, 0.95)',
    );
    expect(steady.evidence.before?.end).toBe(new Date(liveAt).toISOString());
    expect(steady.evidence.after?.start).toBe(new Date(liveAt).toISOString());
    const slower = await probeLatency(tempo, ['slower'], rule, { at: liveAt, from: 'issue closed' }, now);
    expect(slower).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('200 ms before → 260 ms after (+30%'),
    });
    expect((await probeLatency(tempo, ['slightly'], rule, { at: liveAt, from: 'x' }, now)).status).toBe('pass');
  });

  it('is insufficient data below the minimum span count, before the window after go-live ends, or without a go-live time', async () => {
    sim = await startTempoSimulator({ metrics: { services: { quiet: { p95Ms: 80, spansPerMinute: 0.5 } } } });
    const tempo = upstream('Tempo', sim.url);
    const few = await probeLatency(tempo, ['quiet'], rule, { at: liveAt, from: 'issue closed' }, now);
    // About 30 spans a window; the exact count depends on where the minute boundaries fall.
    expect(few).toMatchObject({
      status: 'insufficient-data',
      message: expect.stringMatching(/: 3[01] before, 3[01] after \(needs 100 each\)/),
    });
    const recent = await probeLatency(tempo, ['quiet'], rule, { at: now - 60_000, from: 'issue closed' }, now);
    expect(recent.status).toBe('insufficient-data');
    expect((await probeLatency(tempo, ['quiet'], rule, null, now)).message).toContain('No go-live time');
  });

  it('is not configured when Tempo has no TraceQL metrics, and an error when Tempo fails', async () => {
    sim = await startTempoSimulator({ metrics: { enabled: false } });
    const off = await probeLatency(upstream('Tempo', sim.url), ['x'], rule, { at: liveAt, from: 'x' }, now);
    expect(off).toMatchObject({ status: 'not-configured', message: expect.stringContaining('local-blocks') });
    await sim.stop();
    sim = await startTempoSimulator({ metrics: { services: {} } });
    sim.control.fault({ kind: 'status', status: 503, body: 'too many requests\n' });
    const failing = await probeLatency(upstream('Tempo', sim.url), ['x'], rule, { at: liveAt, from: 'x' }, now);
    expect(failing.status).toBe('error');
  });
});

describe('the /faro route proof against the three route variants', () => {
  let loki: LokiSimulator | undefined;
  let frontends: FrontendsSimulator | undefined;
  afterEach(async () => {
    await frontends?.stop();
    await loki?.stop();
    frontends = undefined;
    loki = undefined;
  });
  /** A receiver stand-in that writes what it gets into Loki, as Alloy's faro.receiver → loki.write does. */
  const start = async () => {
    loki = await startLokiSimulator();
    const { startFaroReceiverSimulator } = await import('@/simulators/faro-receiver');
    const receiver = await startFaroReceiverSimulator({ sinks: { logs: loki.push } });
    frontends = await startFrontendsSimulator({ services: DEMO_FRONTENDS, receiverUrl: `${receiver.url}/collect` });
    const stop = frontends.stop;
    frontends.stop = async () => {
      await stop();
      await receiver.stop();
    };
    return { loki: upstream('Loki', loki.url) };
  };
  const target = (slug: string, app: string) => {
    const route = DEMO_FRONTENDS[slug].route === 'same-origin' ? frontends!.url : frontends!.apiUrl;
    return {
      frontendUrl: `${frontends!.url}/${slug}/`,
      routeUrl: `${route}/${slug}/faro`,
      faroApp: app,
      timeoutMs: 2000,
      deadlineMs: 2000,
      pollMs: 100,
    };
  };

  it('passes a cross-origin route with correct CORS: preflight as the SDK sends it, POST, marker in Loki', async () => {
    const up = await start();
    const result = await probeFaroRoute(target('bc-wallet-demo', 'bc-wallet-demo'), up.loki);
    expect(result.status).toBe('pass');
    expect(result.evidence.preflight).toMatchObject({ status: 204, problem: null });
    expect(result.evidence.post?.status).toBe(202);
    const preflight = frontends!.apiRequests.find((r) => r.method === 'OPTIONS')!;
    expect(preflight.headers['access-control-request-method']).toBe('POST');
    expect(preflight.headers['access-control-request-headers']).toBe('content-type,x-faro-session-id');
    expect(preflight.headers.origin).toBe(new URL(frontends!.url).origin);
    // The payload marks itself synthetic, so dashboards and the Loki proofs can leave it out.
    const post = frontends!.apiRequests.find((r) => r.method === 'POST')!;
    expect(JSON.parse(post.body.toString()).meta.app.environment).toBe('rollout-board-synthetic');
  });

  it('skips the preflight for a same-origin route', async () => {
    const up = await start();
    const result = await probeFaroRoute(target('traction', 'traction-tenant-ui'), up.loki);
    expect(result).toMatchObject({ status: 'pass', evidence: { sameOrigin: true, preflight: null } });
    expect([...frontends!.requests, ...frontends!.apiRequests].some((r) => r.method === 'OPTIONS')).toBe(false);
  });

  it('fails a route without CORS headers, as the browser console would', async () => {
    const up = await start();
    const result = await probeFaroRoute(target('acapy-vc-authn-oidc', 'vc-authn-oidc'), up.loki);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('would log a CORS error');
    expect(result.evidence.preflight?.problem).toBe('no Access-Control-Allow-Origin header');
  });

  it('fails a route that forwards to nowhere (502)', async () => {
    const up = await start();
    const nowhere = await probeFaroRoute(target('didwebvh-server-py', 'didwebvh-server'), up.loki);
    expect(nowhere).toMatchObject({ status: 'fail', message: expect.stringContaining('answered 502') });
  });

  it('judges CORS answers as a browser would', () => {
    const origin = 'https://app.example';
    expect(corsProblem({}, origin, true)).toBe('no Access-Control-Allow-Origin header');
    expect(corsProblem({ 'access-control-allow-origin': 'https://other.example' }, origin, false)).toContain('not the');
    expect(
      corsProblem({ 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type' }, origin, true),
    ).toBe('Access-Control-Allow-Headers does not allow x-faro-session-id');
    expect(
      corsProblem(
        { 'access-control-allow-origin': origin, 'access-control-allow-headers': 'Content-Type, X-Faro-Session-Id' },
        origin,
        true,
      ),
    ).toBeNull();
  });
});

describe('the collector URL proof', () => {
  let frontends: FrontendsSimulator | undefined;
  afterEach(async () => {
    await frontends?.stop();
    frontends = undefined;
  });
  const target = (slug: string, collectorUrl: string, configPath?: string) => ({
    frontendUrl: `${frontends!.url}/${slug}/`,
    collectorUrl,
    configPath,
    timeoutMs: 2000,
  });

  it('finds the collector URL in the page’s script, its config.json or inline, and fails where it is missing', async () => {
    frontends = await startFrontendsSimulator({ services: DEMO_FRONTENDS, receiverUrl: null });
    const script = await probeCollectorUrl(target('traction', '/faro', 'config'), true);
    expect(script).toMatchObject({ status: 'pass', evidence: { foundIn: expect.stringContaining('/assets/app.js') } });
    const config = await probeCollectorUrl(target('bc-wallet-demo', '/faro', 'config.json'), null);
    expect(config.evidence.foundIn).toContain('/config.json');
    const inline = await probeCollectorUrl(
      target('acapy-vc-authn-oidc', 'https://vc-authn-oidc-controller-dev.apps.silver.devops.gov.bc.ca/faro'),
      null,
    );
    expect(inline.status).toBe('pass');
    const missing = await probeCollectorUrl(target('didwebvh-server-py', '/faro'), null);
    expect(missing.status).toBe('fail');
  });

  it('says "not enabled in this environment" when the deployed workload has Faro off', async () => {
    frontends = await startFrontendsSimulator({ services: DEMO_FRONTENDS, receiverUrl: null });
    const off = await probeCollectorUrl(target('traction', '/faro'), false);
    expect(off).toMatchObject({
      status: 'not-configured',
      message: expect.stringContaining('not enabled in this environment'),
    });
    expect(frontends.requests).toHaveLength(0);
  });

  it('reads same-origin scripts only, and a quoted path, not prose', () => {
    const html = '<script src="/a.js"></script><script src="https://cdn.example/b.js"></script><script src="c.js">';
    expect(scriptUrls(html, 'https://app.example/x/')).toEqual([
      'https://app.example/a.js',
      'https://app.example/x/c.js',
    ]);
    expect(mentionsCollector('url:"/faro"', '/faro', 'https://app.example/faro')).toBe(true);
    expect(mentionsCollector('see the /faro docs', '/faro', 'https://app.example/faro')).toBe(false);
  });
});

describe('the gate’s four automated criteria from one run', () => {
  const evidence = (overrides: Partial<GateEvidence>): GateEvidence => ({
    pyroscopeReachable: true,
    pyroscopeReady: true,
    pyroscopeMessage: null,
    receiverStatus: 202,
    marker: 'gate-x',
    foundInLokiAfterMs: 120,
    lokiLine: 'kind=log',
    ...overrides,
  });
  const run = (status: ProbeResult['status'], e: GateEvidence, message = 'm'): ProbeResult<GateEvidence> => ({
    status,
    message,
    evidence: e,
  });

  it('passes each step on its own: a Pyroscope that is not ready does not fail the receiver or Loki', () => {
    const notReady = run(
      'error',
      evidence({ pyroscopeReady: false, pyroscopeMessage: 'Pyroscope answered 503: ingester not ready' }),
    );
    expect(gateStepResult('gate-reachable', notReady).status).toBe('pass');
    expect(gateStepResult('gate-ready', notReady)).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('503'),
    });
    expect(gateStepResult('gate-receiver', notReady).status).toBe('pass');
    expect(gateStepResult('gate-loki', notReady).status).toBe('pass');
  });

  it('fails reachability when Pyroscope does not answer, and Loki when the marker never arrives', () => {
    const down = run(
      'error',
      evidence({ pyroscopeReachable: false, pyroscopeReady: false, pyroscopeMessage: 'refused' }),
    );
    expect(gateStepResult('gate-reachable', down).status).toBe('fail');
    const lost = run('fail', evidence({ foundInLokiAfterMs: null }), 'did not appear in Loki within 30s');
    expect(gateStepResult('gate-receiver', lost).status).toBe('pass');
    expect(gateStepResult('gate-loki', lost)).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('30s'),
    });
    const refused = run('error', evidence({ receiverStatus: 401, foundInLokiAfterMs: null }), 'refused: 401');
    expect(gateStepResult('gate-receiver', refused).status).toBe('error');
    expect(gateStepResult('gate-loki', refused).message).toContain('Not sent');
  });
});
