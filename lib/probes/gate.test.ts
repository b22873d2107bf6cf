import { afterEach, describe, expect, it } from 'vitest';
import { startSimulators, type SimulatorSet } from '@/simulators';
import { startFaroReceiverSimulator, type FaroReceiverSimulator } from '@/simulators/faro-receiver';
import type { PyroscopeSimulator } from '@/simulators/pyroscope';
import { GATE_APP, probeGate, type GateTargets } from './gate';

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
