import { afterEach, describe, expect, it } from 'vitest';
import { startSimulators, type SimulatorSet } from '@/simulators';
import { startFaroReceiverSimulator, type FaroReceiverSimulator } from '@/simulators/faro-receiver';
import { json, type RunningSimulator, serveSimulator, type SimResponse, text } from '@/simulators/http';
import type { PyroscopeSimulator } from '@/simulators/pyroscope';
import { GATE_APP, type GateEvidence, type GateStep, gateStepResult, probeGate, type GateTargets } from './gate';
import type { ProbeResult } from './types';

let set: SimulatorSet | undefined;
afterEach(async () => {
  await set?.stop();
  set = undefined;
});

const targets = (s: SimulatorSet, overrides: Partial<GateTargets> = {}): GateTargets => ({
  pyroscope: { name: 'Pyroscope', envPrefix: 'PYROSCOPE', url: s.urls.pyroscope, timeoutMs: 5000 },
  loki: { name: 'Loki', envPrefix: 'LOKI', url: s.urls.loki, timeoutMs: 5000 },
  receiver: { url: s.urls['faro-receiver'], timeoutMs: 5000 },
  deadlineMs: 1500,
  pollMs: 100,
  ...overrides,
});

describe('probeGate', () => {
  it('passes only once the marked Faro payload went through the receiver into Loki', async () => {
    set = await startSimulators();
    const result = await probeGate(targets(set));
    expect(result.status).toBe('pass');
    expect(result.evidence.receiverStatus).toBe(202);
    expect(result.evidence.lokiLine).toContain(result.evidence.marker!);
    const receiver = set.byName['faro-receiver'] as FaroReceiverSimulator;
    expect(receiver.accepted.at(-1)?.payload.meta?.app?.name).toBe(GATE_APP);
  });

  it('fails when the receiver says 202 but the payload never reaches Loki by the deadline', async () => {
    set = await startSimulators();
    // A receiver whose Loki exporter is broken still answers 202, as Alloy does.
    const dropping = await startFaroReceiverSimulator();
    try {
      const started = Date.now();
      const result = await probeGate(targets(set, { receiver: { url: `${dropping.url}/collect`, timeoutMs: 5000 } }));
      expect(result.status).toBe('fail');
      expect(result.evidence.receiverStatus).toBe(202);
      expect(result.message).toContain('did not appear in Loki within 2s');
      expect(Date.now() - started).toBeLessThan(5000);
      expect(dropping.accepted).toHaveLength(1);
    } finally {
      await dropping.stop();
    }
  });

  it('errors when the receiver cannot be reached', async () => {
    set = await startSimulators();
    const result = await probeGate(targets(set, { receiver: { url: 'http://127.0.0.1:1', timeoutMs: 500 } }));
    expect(result.status).toBe('error');
    expect(result.message).toContain('The test payload to http://127.0.0.1:1/collect was refused');
  });

  it('errors when Pyroscope is not ready, with its reason', async () => {
    set = await startSimulators();
    (set.byName.pyroscope as PyroscopeSimulator).control.fault({ kind: 'not-ready' });
    const result = await probeGate(targets(set));
    expect(result.status).toBe('error');
    expect(result.message).toContain('Pyroscope is not ready: Pyroscope answered 503: Segment Writer not ready');
  });

  it('errors with the receiver’s answer when it rate-limits (429)', async () => {
    set = await startSimulators();
    const receiver = set.byName['faro-receiver'] as FaroReceiverSimulator;
    receiver.control.failWith(429);
    expect((await probeGate(targets(set))).message).toContain('answered 429');
  });

  it('is not configured without all three upstreams', async () => {
    const result = await probeGate({ pyroscope: null, loki: null, receiver: null, deadlineMs: 100 });
    expect(result.status).toBe('not-configured');
    expect(result.message).toContain('PYROSCOPE_URL, FARO_RECEIVER_URL, LOKI_URL');
  });
});

/**
 * The gate against three small local upstreams whose behaviour each test sets: Pyroscope's /ready,
 * the receiver's answer, and when (or whether) Loki has the marked line.
 */
describe('probeGate, step by step', () => {
  interface World {
    ready: SimResponse | 'down';
    receiver: SimResponse;
    /** Loki's answer to the n-th poll (1-based), given the marker line it would hold. */
    loki: (poll: number, line: string) => SimResponse;
  }
  let servers: RunningSimulator[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    servers = [];
  });
  const streams = (line: string | null) =>
    json(200, {
      status: 'success',
      data: {
        resultType: 'streams',
        result: line ? [{ stream: { service_name: GATE_APP }, values: [[`${Date.now()}000000`, line]] }] : [],
      },
    });
  const world = async (w: Partial<World> = {}, overrides: Partial<GateTargets> = {}) => {
    const settings: World = {
      ready: text(200, 'ready'),
      receiver: text(202, 'ok'),
      loki: (_poll, line) => streams(line),
      ...w,
    };
    let polls = 0;
    let marker = '';
    const pyroscope = await serveSimulator('pyroscope', () =>
      settings.ready === 'down' ? text(500, '') : settings.ready,
    );
    const receiver = await serveSimulator('receiver', (r) => {
      marker = JSON.parse(r.body.toString()).logs[0].message.split(' ').at(-1);
      return settings.receiver;
    });
    const loki = await serveSimulator('loki', () =>
      settings.loki(++polls, `kind=log message="rollout-board gate probe ${marker}"`),
    );
    servers.push(pyroscope, receiver, loki);
    let pyroscopeUrl = pyroscope.url;
    if (settings.ready === 'down') {
      await pyroscope.stop();
      pyroscopeUrl = pyroscope.url;
    }
    const t: GateTargets = {
      pyroscope: { name: 'Pyroscope', envPrefix: 'PYROSCOPE', url: pyroscopeUrl, timeoutMs: 2000 },
      loki: { name: 'Loki', envPrefix: 'LOKI', url: loki.url, timeoutMs: 2000 },
      receiver: { url: receiver.url, timeoutMs: 2000 },
      deadlineMs: 2000,
      pollMs: 50,
      ...overrides,
    };
    return { targets: t, receiver, loki, pyroscope };
  };

  it('posts one marked Faro payload to /collect, as the SDK would, and looks for exactly that marker in Loki', async () => {
    const w = await world({ loki: (poll, line) => streams(poll < 3 ? null : line) });
    const result = await probeGate({
      ...w.targets,
      receiver: { url: `${w.receiver.url}/`, apiKey: 'k3y', timeoutMs: 2000 },
    });
    const marker = result.evidence.marker!;
    expect(marker).toMatch(/^gate-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(w.receiver.requests).toHaveLength(1);
    const [post] = w.receiver.requests;
    expect([post.method, post.path, post.headers['content-type']]).toEqual(['POST', '/collect', 'application/json']);
    expect(post.headers['x-faro-session-id']).toBe(marker.slice(0, 20));
    expect(post.headers['x-api-key']).toBe('k3y');
    const payload = JSON.parse(post.body.toString());
    expect(payload).toEqual({
      meta: {
        app: { name: GATE_APP, version: '1.0.0', environment: 'gate' },
        session: { id: marker.slice(0, 20) },
        sdk: { name: 'rollout-board-probe', version: '1.0.0' },
      },
      logs: [
        {
          message: `rollout-board gate probe ${marker}`,
          level: 'info',
          timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
          context: { probe: 'true' },
        },
      ],
    });
    expect(Date.now() - Date.parse(payload.logs[0].timestamp)).toBeLessThan(5_000);
    // Loki was asked until the line was there, for that marker only, around the time it was sent.
    expect(w.loki.requests).toHaveLength(3);
    const asked = w.loki.requests[0].query;
    expect(asked.get('query')).toBe(`{service_name="rollout-board-probe"} |= "${marker}"`);
    expect(asked.get('limit')).toBe('1');
    const startMs = Number(BigInt(asked.get('start')!) / 1_000_000n);
    const endMs = Number(BigInt(asked.get('end')!) / 1_000_000n);
    expect(Date.now() - startMs).toBeGreaterThanOrEqual(60_000);
    expect(Date.now() - startMs).toBeLessThan(65_000);
    expect(endMs - Date.now()).toBeGreaterThan(55_000);
    expect(endMs - Date.now()).toBeLessThanOrEqual(60_000);
    expect(result).toMatchObject({
      status: 'pass',
      message: `Pyroscope ready; Faro test payload accepted (202) and found in Loki after ${result.evidence.foundInLokiAfterMs} ms`,
      evidence: {
        pyroscopeReachable: true,
        pyroscopeReady: true,
        pyroscopeMessage: null,
        receiverStatus: 202,
        lokiLine: `kind=log message="rollout-board gate probe ${marker}"`,
      },
    });
    expect(result.evidence.foundInLokiAfterMs).toBeGreaterThanOrEqual(100);
    expect(result.evidence.foundInLokiAfterMs).toBeLessThan(5_000);
  });

  it('posts to the receiver’s own path, and sends no API key when none is set', async () => {
    const w = await world();
    await probeGate({ ...w.targets, receiver: { url: `${w.receiver.url}/alloy/collect/`, timeoutMs: 2000 } });
    await probeGate({ ...w.targets, receiver: { url: `${w.receiver.url}/alloy`, timeoutMs: 2000 } });
    await probeGate({ ...w.targets, receiver: { url: `${w.receiver.url}/collectors/alloy/`, timeoutMs: 2000 } });
    expect(w.receiver.requests.map((r) => r.path)).toEqual([
      '/alloy/collect/',
      '/alloy/collect',
      '/collectors/alloy/collect',
    ]);
    expect(w.receiver.requests[0].headers['x-api-key']).toBeUndefined();
  });

  it('still does the round trip when Pyroscope is not ready, and errors naming both', async () => {
    const w = await world({ ready: text(503, 'Segment Writer not ready\n') });
    const result = await probeGate(w.targets);
    const roundTrip = `Faro test payload accepted (202) and found in Loki after ${result.evidence.foundInLokiAfterMs} ms`;
    expect(result).toMatchObject({
      status: 'error',
      message:
        'Pyroscope is not ready: Pyroscope answered 503: Segment Writer not ready. Pyroscope itself is failing; ' +
        `look at its logs. (${roundTrip})`,
      evidence: {
        pyroscopeReachable: true,
        pyroscopeReady: false,
        pyroscopeMessage:
          'Pyroscope answered 503: Segment Writer not ready. Pyroscope itself is failing; look at its logs.',
      },
    });
    expect(w.pyroscope.requests[0].path).toBe('/ready');
  });

  it('records a Pyroscope that does not answer as unreachable', async () => {
    const w = await world({ ready: 'down' });
    const result = await probeGate(w.targets);
    expect(result.status).toBe('error');
    expect(result.evidence).toMatchObject({ pyroscopeReachable: false, pyroscopeReady: false });
    expect(result.evidence.pyroscopeMessage).toContain('Cannot reach Pyroscope');
  });

  it('errors without asking Loki when the receiver refuses, or answers anything but 202', async () => {
    const refused = await world({ receiver: text(401, 'api key not valid') });
    const url = `${refused.receiver.url}/collect`;
    const result = await probeGate(refused.targets);
    expect(result).toMatchObject({ status: 'error', evidence: { receiverStatus: 401, foundInLokiAfterMs: null } });
    expect(result.message).toMatch(
      new RegExp(`^The test payload to ${url} was refused: Alloy faro\\.receiver answered 401: api key not valid\\.`),
    );
    expect(result.message).toContain('FARO_RECEIVER_TOKEN');
    const ok200 = await world({ receiver: text(200, 'ok') });
    expect(await probeGate(ok200.targets)).toMatchObject({
      status: 'error',
      message: "Alloy's faro.receiver answered 200 instead of 202 to the test payload.",
      evidence: { receiverStatus: 200 },
    });
    expect([...refused.loki.requests, ...ok200.loki.requests]).toHaveLength(0);
  });

  it('errors when Loki cannot be asked up to the deadline, and fails when it answers without the line', async () => {
    const failing = await world({ loki: () => text(500, 'ingester down') }, { deadlineMs: 300 });
    expect(await probeGate(failing.targets)).toMatchObject({
      status: 'error',
      message:
        'The receiver accepted the test payload (202), but Loki could not be asked: Loki answered 500: ' +
        'ingester down. Loki itself is failing; look at its logs.',
    });
    // Loki recovered but the line is not there: the last answer decides.
    const recovered = await world(
      { loki: (poll) => (poll === 1 ? text(500, 'ingester down') : streams(null)) },
      { deadlineMs: 1400, pollMs: 100 },
    );
    const started = Date.now();
    const result = await probeGate(recovered.targets);
    const took = Date.now() - started;
    expect(result).toMatchObject({
      status: 'fail',
      message:
        `The receiver accepted the test payload (202), but it did not appear in Loki within 1s (query ` +
        `{service_name="rollout-board-probe"} |= "${result.evidence.marker}"): check Alloy's loki.write endpoint ` +
        'and extra_log_labels.',
      evidence: { foundInLokiAfterMs: null, lokiLine: null },
    });
    // Polled until the next poll would pass the deadline, not beyond it.
    expect(took).toBeLessThan(1400 + 500);
    expect(recovered.loki.requests.length).toBeGreaterThanOrEqual(5);
  });

  it('polls Loki once a second unless told otherwise', async () => {
    const w = await world({ loki: () => streams(null) }, { deadlineMs: 1500, pollMs: undefined });
    expect((await probeGate(w.targets)).status).toBe('fail');
    expect(w.loki.requests).toHaveLength(2);
  });

  it('stops polling Loki once the run is stopped', async () => {
    const run = new AbortController();
    const w = await world({ loki: () => streams(null) }, { deadlineMs: 10_000, pollMs: 100, signal: run.signal });
    setTimeout(() => run.abort(), 250);
    const started = Date.now();
    expect((await probeGate(w.targets)).status).toBe('fail');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(w.loki.requests.length).toBeLessThanOrEqual(5);
  });

  it('names only the settings that are missing', async () => {
    const w = await world();
    expect((await probeGate({ ...w.targets, loki: null })).message).toBe(
      'LOKI_URL not set, so the gate cannot be checked.',
    );
    expect((await probeGate({ ...w.targets, pyroscope: null, receiver: null })).message).toBe(
      'PYROSCOPE_URL, FARO_RECEIVER_URL not set, so the gate cannot be checked.',
    );
    expect([...w.pyroscope.requests, ...w.receiver.requests, ...w.loki.requests]).toHaveLength(0);
  });
});

describe('gateStepResult', () => {
  const evidence = (overrides: Partial<GateEvidence> = {}): GateEvidence => ({
    pyroscopeReachable: true,
    pyroscopeReady: true,
    pyroscopeMessage: null,
    receiverStatus: 202,
    marker: 'gate-x',
    foundInLokiAfterMs: 420,
    lokiLine: 'kind=log',
    ...overrides,
  });
  const run = (
    status: ProbeResult['status'],
    overrides: Partial<GateEvidence> = {},
    message: string | null = 'the run said',
  ): ProbeResult<GateEvidence> => ({ status, message, evidence: evidence(overrides) });
  const steps: GateStep[] = ['gate-ready', 'gate-reachable', 'gate-receiver', 'gate-loki'];

  it('names what each step needs when the gate is not configured', () => {
    const off = run('not-configured', { receiverStatus: null, foundInLokiAfterMs: null });
    expect(steps.map((s) => gateStepResult(s, off).message)).toEqual([
      'PYROSCOPE_URL is not set, so this was not checked.',
      'PYROSCOPE_URL is not set, so this was not checked.',
      'FARO_RECEIVER_URL is not set, so this was not checked.',
      'FARO_RECEIVER_URL and LOKI_URL is not set, so this was not checked.',
    ]);
    expect(gateStepResult('gate-loki', off)).toMatchObject({ status: 'not-configured', evidence: off.evidence });
  });

  it('passes every step of a clean run, in words that say what was seen', () => {
    const clean = run('pass');
    expect(steps.map((s) => gateStepResult(s, clean))).toEqual([
      { status: 'pass', message: 'Pyroscope /ready answered 200 ready.', evidence: clean.evidence },
      { status: 'pass', message: 'Pyroscope answered on its configured URL.', evidence: clean.evidence },
      { status: 'pass', message: 'The receiver accepted the test payload (202).', evidence: clean.evidence },
      { status: 'pass', message: 'The test payload was in Loki after 420 ms.', evidence: clean.evidence },
    ]);
  });

  it('fails reachability and errors readiness for a Pyroscope that does not answer', () => {
    const down = run('error', { pyroscopeReachable: false, pyroscopeReady: false, pyroscopeMessage: 'refused' });
    expect(gateStepResult('gate-reachable', down)).toEqual({
      status: 'fail',
      message: 'refused',
      evidence: down.evidence,
      unreachable: true,
    });
    expect(gateStepResult('gate-ready', down)).toMatchObject({
      status: 'error',
      message: 'Pyroscope is not ready: refused',
    });
    const silent = run('error', { pyroscopeReachable: false, pyroscopeReady: false });
    expect(gateStepResult('gate-reachable', silent).message).toBe('Pyroscope did not answer.');
  });

  it('blames the receiver with the run’s words, or its own when there are none', () => {
    const refused = run('error', { receiverStatus: 429, foundInLokiAfterMs: null }, 'refused: 429');
    expect(gateStepResult('gate-receiver', refused)).toMatchObject({ status: 'error', message: 'refused: 429' });
    expect(gateStepResult('gate-loki', refused)).toMatchObject({ status: 'error', message: 'Not sent: refused: 429' });
    const wordless = run('error', { receiverStatus: null, foundInLokiAfterMs: null }, null);
    expect(gateStepResult('gate-receiver', wordless).message).toBe('The receiver did not accept the test payload.');
    expect(gateStepResult('gate-loki', wordless).message).toBe('Not sent: the receiver refused the payload');
  });

  it('keeps the run’s verdict for Loki, but never passes Loki without the line', () => {
    const lost = run('fail', { foundInLokiAfterMs: null }, 'did not appear in Loki within 30s');
    expect(gateStepResult('gate-loki', lost)).toMatchObject({
      status: 'fail',
      message: 'did not appear in Loki within 30s',
    });
    const odd = run('pass', { foundInLokiAfterMs: null });
    expect(gateStepResult('gate-loki', odd).status).toBe('error');
    const lokiDown = run('error', { foundInLokiAfterMs: null }, 'Loki could not be asked');
    expect(gateStepResult('gate-loki', lokiDown)).toMatchObject({
      status: 'error',
      message: 'Loki could not be asked',
    });
  });
});
