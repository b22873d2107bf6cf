import { afterEach, describe, expect, it } from 'vitest';
import { recordedBody, recording } from '@/simulators/recordings';
import { NODE_PROFILE, PYTHON_PROFILE, startPyroscopeSimulator, type PyroscopeSimulator } from '@/simulators/pyroscope';
import type { Upstream } from './http';
import { parseLastSampleMs, parseSeriesProfileTypes, probeFlameGraph, probePyroscope } from './pyroscope';

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
