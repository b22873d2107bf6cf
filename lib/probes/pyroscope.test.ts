import { afterEach, describe, expect, it } from 'vitest';
import { json, type RunningSimulator, serveSimulator, type SimResponse, text } from '@/simulators/http';
import { recordedBody, recording } from '@/simulators/recordings';
import { NODE_PROFILE, PYTHON_PROFILE, startPyroscopeSimulator, type PyroscopeSimulator } from '@/simulators/pyroscope';
import type { Upstream } from './http';
import {
  parseFlameGraph,
  parseLastSampleMs,
  parseSeriesProfileTypes,
  pickProfileType,
  probeFlameGraph,
  probePyroscope,
  probePyroscopeReady,
} from './pyroscope';

const body = (name: string) => recordedBody(recording(name));

describe('Pyroscope reply parsers on the recorded replies', () => {
  it('discovers profile types from Series: CPU for Python, wall and heap for Node, none for `{}`', () => {
    expect(parseSeriesProfileTypes(body('pyroscope/series-acapy-agent.json'))).toEqual({
      ok: true,
      value: ['process_cpu:cpu:nanoseconds:cpu:nanoseconds'],
    });
    const node = parseSeriesProfileTypes(body('pyroscope/series-bc-wallet-demo-server.json'));
    expect(node.ok && node.value).toEqual([
      'memory:inuse_objects:count:inuse_space:bytes',
      'memory:inuse_space:bytes:inuse_space:bytes',
      'wall:samples:count:wall:nanoseconds',
      'wall:wall:nanoseconds:wall:nanoseconds',
    ]);
    expect(parseSeriesProfileTypes(body('pyroscope/series-unknown-service.json'))).toEqual({ ok: true, value: [] });
  });

  it('reads the newest sample time from SelectSeries (string int64), with or without labels', () => {
    expect(parseLastSampleMs(body('pyroscope/select-series-acapy-agent-cpu-groupby.json'))).toEqual({
      ok: true,
      value: 1795600944513,
    });
    expect(parseLastSampleMs(body('pyroscope/select-series-acapy-agent-cpu.json'))).toEqual({
      ok: true,
      value: 1795600944513,
    });
    expect(parseLastSampleMs(body('pyroscope/select-series-wrong-profile-type.json'))).toEqual({
      ok: true,
      value: null,
    });
  });

  it('turns a reply that is not Pyroscope JSON into an error message', () => {
    const html = parseSeriesProfileTypes('<html>502</html>');
    expect(html.ok).toBe(false);
    expect(!html.ok && html.message).toContain('not JSON');
    const wrong = parseSeriesProfileTypes('{"labelsSet":"nope"}');
    expect(!wrong.ok && wrong.message).toContain('unexpected shape');
  });
});

describe('probePyroscope against the simulator', () => {
  let sim: PyroscopeSimulator | undefined;
  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
  });
  const window = () => ({ start: Date.now() - 15 * 60_000, end: Date.now() });
  const upstream = (timeoutMs = 5000): Upstream => ({
    name: 'Pyroscope',
    envPrefix: 'PYROSCOPE',
    url: sim!.url,
    timeoutMs,
    tenant: 'ops',
  });

  it('passes with the discovered types and a recent last-seen time', async () => {
    sim = await startPyroscopeSimulator({ services: { 'acapy-agent': PYTHON_PROFILE } });
    const result = await probePyroscope(upstream(), ['acapy-agent'], window());
    expect(result.status).toBe('pass');
    const [service] = result.evidence.services;
    expect(service.profileTypes).toEqual(['process_cpu:cpu:nanoseconds:cpu:nanoseconds']);
    expect(Date.now() - Date.parse(service.lastSeenAt!)).toBeLessThan(60_000);
    expect(sim.requests.every((r) => r.headers['x-scope-orgid'] === 'ops')).toBe(true);
  });

  it('fails when one of a service’s names has no data, naming it', async () => {
    sim = await startPyroscopeSimulator({ services: { 'traction-tenant-ui': NODE_PROFILE } });
    const result = await probePyroscope(upstream(), ['traction-tenant-ui', 'traction-acapy'], window());
    expect(result.status).toBe('fail');
    expect(result.message).toContain('"traction-acapy"');
    expect(result.evidence.services[0].profileTypes).toHaveLength(4);
  });

  it('fails, not errors, when the data is older than the window', async () => {
    sim = await startPyroscopeSimulator({
      services: { 'acapy-agent': { ...PYTHON_PROFILE, points: [[1, 20 * 60_000]] } },
    });
    expect((await probePyroscope(upstream(), ['acapy-agent'], window())).status).toBe('fail');
  });

  it('errors with the upstream’s text on a 5xx, and on a malformed reply', async () => {
    sim = await startPyroscopeSimulator({ services: { 'acapy-agent': PYTHON_PROFILE } });
    sim.control.fault({ kind: 'status', status: 503, body: 'store-gateway: no healthy instances\n' }, 'acapy-agent');
    const down = await probePyroscope(upstream(), ['acapy-agent'], window());
    expect(down.status).toBe('error');
    expect(down.message).toContain('Pyroscope answered 503: store-gateway: no healthy instances');
    sim.control.fault({ kind: 'malformed' });
    sim.control.fault(null, 'acapy-agent');
    const malformed = await probePyroscope(upstream(), ['acapy-agent'], window());
    expect(malformed.status).toBe('error');
    expect(malformed.message).toContain('not JSON');
  });

  it('asks a service’s service_names side by side, not one after the other', async () => {
    sim = await startPyroscopeSimulator({
      services: { 'traction-tenant-ui': NODE_PROFILE, 'traction-acapy': PYTHON_PROFILE },
    });
    await probeFlameGraph(
      upstream(),
      ['traction-tenant-ui', 'traction-acapy'],
      ['wall:wall', 'process_cpu'],
      1,
      window(),
    );
    const calls = sim.requests.map((r) => r.path.split('/').at(-1));
    // Both names' Series go out before either flame graph: two round trips for the service, not four.
    expect(calls.slice(0, 2)).toEqual(['Series', 'Series']);
    expect(calls.slice(2).sort()).toEqual(['SelectMergeStacktraces', 'SelectMergeStacktraces']);
  });

  it('sends a read once per run: the profiles and flame graph proofs share their Series', async () => {
    sim = await startPyroscopeSimulator({ services: { 'acapy-agent': PYTHON_PROFILE } });
    const run: Upstream = { ...upstream(), runReplies: new Map() };
    const w = window();
    await Promise.all([
      probePyroscope(run, ['acapy-agent'], w, ['process_cpu']),
      probeFlameGraph(run, ['acapy-agent'], ['process_cpu'], 1, w),
    ]);
    expect(sim.requests.filter((r) => r.path.endsWith('/Series'))).toHaveLength(1);
    // Without a run's replies (another run, another window) each proof asks for itself.
    await probePyroscope(upstream(), ['acapy-agent'], w, ['process_cpu']);
    expect(sim.requests.filter((r) => r.path.endsWith('/Series'))).toHaveLength(2);
  });

  it('costs at most its timeout when Pyroscope hangs', async () => {
    sim = await startPyroscopeSimulator({ services: { 'acapy-agent': PYTHON_PROFILE } });
    sim.control.fault({ kind: 'hang' });
    const started = Date.now();
    const result = await probePyroscope(upstream(300), ['acapy-agent'], window());
    expect(Date.now() - started).toBeLessThan(1500);
    expect(result.status).toBe('error');
    expect(result.message).toContain('did not answer within 300ms');
  });
});

/** A small local Pyroscope whose answers per service_name and call each test sets. */
describe('the Pyroscope proofs, decision by decision', () => {
  let server: RunningSimulator | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });
  interface Service {
    types?: string[];
    /** Newest-sample candidates (epoch ms) in SelectSeries. */
    points?: Array<number | string | undefined>;
    flamegraph?: unknown;
    /** Answer this call (Series, SelectSeries, SelectMergeStacktraces) with this instead. */
    fault?: Partial<Record<string, SimResponse>>;
  }
  const W = { start: Date.UTC(2026, 10, 30, 11, 0), end: Date.UTC(2026, 10, 30, 12, 0) };
  const CPU = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';
  const WALL = 'wall:wall:nanoseconds:wall:nanoseconds';
  const HEAP = 'memory:inuse_space:bytes:inuse_space:bytes';
  /** levels: one list of [x, total, self, name index]… per level; names[0] is the root. */
  const graph = (names: string[], levels: number[][], total: number | string = 100) => ({
    flamegraph: { names, levels: levels.map((values) => ({ values: values.map(String) })), total: String(total) },
  });
  const DEEP = graph(
    ['total', 'main', 'run', 'work'],
    [
      [0, 100, 0, 0],
      [0, 100, 0, 1],
      [0, 100, 0, 2],
      [0, 100, 100, 3],
    ],
  );
  const pyroscope = async (services: Record<string, Service>) => {
    server = await serveSimulator('pyroscope', (r) => {
      const call = r.path.split('/').at(-1)!;
      const body = JSON.parse(r.body.toString() || '{}');
      const selector: string = call === 'Series' ? body.matchers[0] : body.labelSelector;
      const name = /service_name="([^"]+)"/.exec(selector)?.[1] ?? '';
      const s = services[name] ?? {};
      const fault = s.fault?.[call];
      if (fault) return fault;
      if (call === 'Series')
        return json(200, {
          labelsSet: (s.types ?? []).map((t) => ({
            labels: [
              { name: 'service_name', value: name },
              { name: '__profile_type__', value: t },
            ],
          })),
        });
      if (call === 'SelectSeries')
        return json(200, s.points ? { series: [{ points: s.points.map((timestamp) => ({ timestamp })) }] } : {});
      return json(
        200,
        s.flamegraph ?? { flamegraph: { names: ['total'], levels: [{ values: ['0', '0', '0', '0'] }] } },
      );
    });
    return { name: 'Pyroscope', envPrefix: 'PYROSCOPE', url: server.url, timeoutMs: 2000 } satisfies Upstream;
  };
  const bodies = (call: string) =>
    server!.requests
      .filter((r) => r.path === `/querier.v1.QuerierService/${call}`)
      .map((r) => JSON.parse(r.body.toString()));

  it('asks Series for the window, then SelectSeries for the preferred type in about 100 steps (at least 15 s)', async () => {
    const up = await pyroscope({ api: { types: [HEAP, WALL], points: [W.end - 5000, W.end - 1000, '17'] } });
    const result = await probePyroscope(up, ['api'], W, ['process_cpu', 'wall:wall']);
    expect(bodies('Series')).toEqual([
      {
        matchers: ['{service_name="api"}'],
        labelNames: ['service_name', '__profile_type__'],
        start: W.start,
        end: W.end,
      },
    ]);
    expect(bodies('SelectSeries')).toEqual([
      {
        profileTypeID: WALL,
        labelSelector: '{service_name="api"}',
        start: W.start,
        end: W.end,
        step: 36,
        groupBy: ['service_name'],
      },
    ]);
    expect(result).toEqual({
      status: 'pass',
      message: 'api: 2 profile types',
      evidence: {
        services: [
          {
            serviceName: 'api',
            profileTypes: [HEAP, WALL],
            lastSeenType: WALL,
            lastSeenAt: new Date(W.end - 1000).toISOString(),
          },
        ],
      },
    });
    await probePyroscope(up, ['api'], { start: W.end - 60_000, end: W.end }, []);
    // No preferred type sent: the first one listed; a short window still steps 15 s.
    expect(bodies('SelectSeries').at(-1)).toMatchObject({ profileTypeID: HEAP, step: 15 });
  });

  it('passes several services, one profile type in the singular', async () => {
    const up = await pyroscope({ a: { types: [CPU], points: [W.end] }, b: { types: [CPU, WALL], points: [W.end] } });
    expect((await probePyroscope(up, ['a', 'b'], W)).message).toBe('a: 1 profile type; b: 2 profile types');
  });

  it('fails naming each service_name with no profiles, or with types but no sample in the window', async () => {
    const up = await pyroscope({ none: {}, stale: { types: [CPU] }, fresh: { types: [CPU], points: [W.end] } });
    const result = await probePyroscope(up, ['none', 'fresh', 'stale'], W);
    expect(result).toMatchObject({
      status: 'fail',
      message:
        'Pyroscope is up but has no profiles for service_name "none", "stale" in the last 60 min: check the ' +
        "SDK's application name and server address.",
    });
    // A name without types is not asked for samples.
    expect(
      bodies('SelectSeries')
        .map((b) => b.labelSelector)
        .sort(),
    ).toEqual(['{service_name="fresh"}', '{service_name="stale"}']);
    expect(result.evidence.services[0]).toEqual({ serviceName: 'none', profileTypes: [], lastSeenAt: null });
  });

  it('errors with each distinct message once, unreachable only when Pyroscope did not answer', async () => {
    const boom = text(500, 'boom');
    const up = await pyroscope({
      a: { fault: { Series: boom } },
      b: { fault: { Series: boom } },
      c: { types: [CPU], fault: { SelectSeries: text(400, 'bad step') } },
      d: { types: [CPU], fault: { SelectSeries: text(200, 'nope') } },
      e: { fault: { Series: json(200, { labelsSet: 1 }) } },
    });
    const result = await probePyroscope(up, ['a', 'b', 'c', 'd', 'e'], W);
    expect(result.status).toBe('error');
    expect(result.unreachable).toBe(false);
    expect(result.message).toBe(
      [
        'Pyroscope answered 500: boom. Pyroscope itself is failing; look at its logs.',
        'Pyroscope answered 400: bad step.',
        'Pyroscope sent a reply that is not JSON (nope): is the URL pointing at Pyroscope?',
        "Pyroscope's Series reply has an unexpected shape (Invalid input: expected array, received number): " +
          'is PYROSCOPE_URL a Pyroscope v1 server?',
      ].join(' '),
    );
    expect(result.evidence.services[2]).toEqual({
      serviceName: 'c',
      profileTypes: [CPU],
      lastSeenAt: null,
      error: 'Pyroscope answered 400: bad step.',
      unreachable: false,
    });
    expect(result.evidence.services[3]).toMatchObject({ serviceName: 'd', profileTypes: [CPU], lastSeenAt: null });
    expect(result.evidence.services[0]).toEqual({
      serviceName: 'a',
      profileTypes: [],
      lastSeenAt: null,
      error: 'Pyroscope answered 500: boom. Pyroscope itself is failing; look at its logs.',
      unreachable: false,
    });
    const hung = await pyroscope({
      a: { types: [CPU] },
      bad: { fault: { Series: boom } },
      slow: { types: [CPU], fault: { SelectSeries: { status: 200, hang: true } } },
    });
    // One service_name that did not answer makes the whole proof unreachable.
    const timedOut = await probePyroscope({ ...hung, timeoutMs: 200 }, ['a', 'slow', 'bad'], W);
    expect(timedOut).toMatchObject({ status: 'error', unreachable: true });
    expect(timedOut.evidence.services[1]).toMatchObject({
      serviceName: 'slow',
      profileTypes: [CPU],
      unreachable: true,
    });
  });

  it('asks /ready for text, and says why Pyroscope is not ready', async () => {
    server = await serveSimulator('ready', (r) => (r.path === '/ready' ? text(200, 'ready') : text(404, '')));
    const up = { name: 'Pyroscope', envPrefix: 'PYROSCOPE', url: server.url, timeoutMs: 2000 };
    expect(await probePyroscopeReady(up)).toEqual({ ok: true });
    expect(server.requests[0].headers.accept).toBe('text/plain');
    expect(await probePyroscopeReady({ ...up, url: `${server.url}/nope` })).toEqual({
      ok: false,
      status: 404,
      message:
        'Pyroscope answered 404 with an empty body. Check that PYROSCOPE_URL points at Pyroscope itself (no extra path).',
    });
  });

  it('asks the merged flame graph of the CPU type for the window, up to 1024 nodes, and passes deep graphs', async () => {
    const up = await pyroscope({
      py: { types: [HEAP, CPU], flamegraph: DEEP },
      node: { types: [WALL], flamegraph: DEEP },
    });
    const result = await probeFlameGraph(up, ['py', 'node'], ['process_cpu:cpu', 'wall:wall'], 3, W);
    expect(bodies('SelectMergeStacktraces').sort((a, b) => a.labelSelector.localeCompare(b.labelSelector))).toEqual([
      { profileTypeID: WALL, labelSelector: '{service_name="node"}', start: W.start, end: W.end, maxNodes: 1024 },
      { profileTypeID: CPU, labelSelector: '{service_name="py"}', start: W.start, end: W.end, maxNodes: 1024 },
    ]);
    expect(result).toEqual({
      status: 'pass',
      message: `py: ${CPU}, 3 frames deep; node: ${WALL}, 3 frames deep`,
      evidence: {
        minDepth: 3,
        cpuTypes: ['process_cpu:cpu', 'wall:wall'],
        services: [
          { serviceName: 'py', profileTypes: [HEAP, CPU], cpuType: CPU, total: 100, depth: 3, topFrames: ['main'] },
          { serviceName: 'node', profileTypes: [WALL], cpuType: WALL, total: 100, depth: 3, topFrames: ['main'] },
        ],
      },
    });
  });

  it('fails each service_name for its own reason, all in one message', async () => {
    const up = await pyroscope({
      none: {},
      heap: { types: [HEAP] },
      heap2: { types: [HEAP, WALL] },
      empty: { types: [CPU] },
      shallow: {
        types: [CPU],
        flamegraph: graph(
          ['total', 'main', 'run'],
          [
            [0, 9, 0, 0],
            [0, 9, 0, 1],
            [0, 9, 9, 2],
          ],
        ),
      },
      flat: {
        types: [CPU],
        flamegraph: graph(
          ['total', 'main'],
          [
            [0, 9, 0, 0],
            [0, 9, 9, 1],
          ],
        ),
      },
      deep: { types: [CPU], flamegraph: DEEP },
    });
    const result = await probeFlameGraph(
      up,
      ['none', 'heap', 'empty', 'shallow', 'flat', 'deep'],
      ['process_cpu'],
      3,
      W,
    );
    expect(result.status).toBe('fail');
    expect(result.message).toBe(
      `${[
        '"none" sent no profiles',
        `"heap" sent no CPU profile type (only ${HEAP}; CPU here is process_cpu)`,
        `"empty" has no ${CPU} samples`,
        '"shallow"\'s flame graph is 2 frames deep (needs 3)',
        '"flat"\'s flame graph is 1 frame deep (needs 3)',
      ].join('; ')} in the last 60 min: check that the SDK's CPU profiling is on.`,
    );
    // Without a CPU type there is no flame graph to ask for.
    expect(
      bodies('SelectMergeStacktraces')
        .map((b) => b.labelSelector)
        .sort(),
    ).toEqual(['deep', 'empty', 'flat', 'shallow'].map((n) => `{service_name="${n}"}`));
    expect((await probeFlameGraph(up, ['heap2'], ['process_cpu', 'wall:cpu'], 3, W)).message).toContain(
      `(only ${HEAP}, ${WALL}; CPU here is process_cpu or wall:cpu)`,
    );
    expect((await probeFlameGraph(up, ['deep'], ['process_cpu'], 4, W)).message).toContain('3 frames deep (needs 4)');
    expect((await probeFlameGraph(up, ['deep'], ['process_cpu'], 3, W)).status).toBe('pass');
  });

  it('errors on a failed or malformed Series or flame graph, unreachable only when Pyroscope did not answer', async () => {
    const up = await pyroscope({
      a: { fault: { Series: text(503, 'not ready') } },
      b: { types: [CPU], fault: { SelectMergeStacktraces: text(502, 'bad gateway') } },
      c: { types: [CPU], fault: { SelectMergeStacktraces: json(200, { flamegraph: { names: 5 } }) } },
      slow: { types: [CPU], fault: { SelectMergeStacktraces: { status: 200, hang: true } } },
    });
    const result = await probeFlameGraph(up, ['a', 'b', 'c', 'a'], ['process_cpu'], 1, W);
    expect(result).toMatchObject({ status: 'error', unreachable: false });
    expect(result.message).toBe(
      [
        'Pyroscope answered 503: not ready. Pyroscope itself is failing; look at its logs.',
        'Pyroscope answered 502: bad gateway. Pyroscope itself is failing; look at its logs.',
        "Pyroscope's SelectMergeStacktraces reply has an unexpected shape (Invalid input: expected array, " +
          'received number): is PYROSCOPE_URL a Pyroscope v1 server?',
      ].join(' '),
    );
    expect(result.evidence.services[2]).toMatchObject({ serviceName: 'c', cpuType: CPU, total: null });
    expect(result.evidence.services[0]).toEqual({
      serviceName: 'a',
      profileTypes: [],
      cpuType: null,
      total: null,
      depth: null,
      topFrames: [],
      error: 'Pyroscope answered 503: not ready. Pyroscope itself is failing; look at its logs.',
    });
    const slow = await probeFlameGraph({ ...up, timeoutMs: 200 }, ['b', 'slow'], ['process_cpu'], 1, W);
    expect(slow).toMatchObject({ status: 'error', unreachable: true });
    const seriesDown = await probeFlameGraph({ ...up, url: 'http://127.0.0.1:1' }, ['a'], ['process_cpu'], 1, W);
    expect(seriesDown).toMatchObject({ status: 'error', unreachable: true });
  });
});

describe('Pyroscope reply parsers, case by case', () => {
  it('takes the newest point of any series, skipping points without a time', () => {
    const body = JSON.stringify({
      series: [{ points: [{ timestamp: '5' }, {}, { timestamp: 9 }] }, {}, { points: [{ timestamp: '7' }] }],
    });
    expect(parseLastSampleMs(body)).toEqual({ ok: true, value: 9 });
    expect(parseLastSampleMs('{"series":[{"points":[{}]}]}')).toEqual({ ok: true, value: null });
    expect(parseLastSampleMs('{"series":[{"points":[{"timestamp":"0"}]}]}')).toEqual({ ok: true, value: 0 });
    expect(parseLastSampleMs('{"series":{}}')).toEqual({
      ok: false,
      message:
        "Pyroscope's SelectSeries reply has an unexpected shape (Invalid input: expected array, received object): " +
        'is PYROSCOPE_URL a Pyroscope v1 server?',
    });
  });

  it('lists each profile type once, sorted, ignoring other labels', () => {
    const body = JSON.stringify({
      labelsSet: [
        {
          labels: [
            { name: '__profile_type__', value: 'b' },
            { name: 'service_name', value: 'x' },
          ],
        },
        { labels: [{ name: '__profile_type__', value: 'a' }] },
        { labels: [{ name: '__profile_type__', value: 'b' }] },
        {},
      ],
    });
    expect(parseSeriesProfileTypes(body)).toEqual({ ok: true, value: ['a', 'b'] });
  });

  it('reads up to three named top frames of the second level, and no depth without samples', () => {
    const names = ['total', 'a', 'b', 'c', 'd'];
    const wide = JSON.stringify({
      flamegraph: {
        names: [...names, ''],
        levels: [
          { values: ['0', '10', '0', '0'] },
          { values: [0, 1, 0, 5, 0, 1, 0, 1, 0, 1, 0, 2, 0, 1, 0, 3, 0, 1, 0, 4] },
          { values: [] },
          {},
          { values: ['0', '1', '1', '1'] },
        ],
        total: '10',
      },
    });
    expect(parseFlameGraph(wide)).toEqual({ ok: true, value: { total: 10, depth: 2, topFrames: ['a', 'b', 'c'] } });
    const unsampled = JSON.stringify({
      flamegraph: { names, levels: [{ values: [0, 0, 0, 0] }, { values: [0, 0, 0, 1] }] },
    });
    expect(parseFlameGraph(unsampled)).toEqual({ ok: true, value: { total: 0, depth: 0, topFrames: ['a'] } });
    expect(parseFlameGraph('{}')).toEqual({ ok: true, value: { total: 0, depth: 0, topFrames: [] } });
    expect(parseFlameGraph('{"flamegraph":{"total":5}}')).toEqual({
      ok: true,
      value: { total: 5, depth: 0, topFrames: [] },
    });
  });

  it('picks a type by exact name or name prefix, in the order preferred', () => {
    expect(pickProfileType(['process_cpu:cpu:x', 'wall:wall:y'], ['wall:wall', 'process_cpu'])).toBe('wall:wall:y');
    expect(pickProfileType(['process_cpu'], ['process_cpu'])).toBe('process_cpu');
    expect(pickProfileType(['process_cpu_extra:cpu'], ['process_cpu'])).toBeNull();
  });
});
