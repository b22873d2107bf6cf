import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@/lib/config/env';
import { startSimulators, type SimulatorSet } from '@/simulators';
import { openTestStore, type TestStore } from '@/test/stores';
import { runChecks } from './run';

// A tracer provider for this file only (vitest runs each file in its own module graph), exporting in memory.
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

let sims: SimulatorSet;
let store: TestStore;
beforeAll(async () => {
  provider.register();
  sims = await startSimulators();
  store = await openTestStore('sqlite');
});
afterAll(async () => {
  await store.destroy();
  await sims.stop();
  await provider.shutdown();
});

describe('tracing a verification', () => {
  it('opens one span per probe, named by upstream, with its target and result', async () => {
    const config = parseConfig({ ...sims.env, PROBE_TIMEOUT: '5s', GATE_DEADLINE: '5s' });
    await runChecks(store, ['acapy-agent/profiling-code', 'didcomm-mediator-credo/profiling-code'], 'manual', config);
    const probes = exporter.getFinishedSpans().filter((s) => s.name.startsWith('probe '));
    const seen = probes.map((s) => [s.name, s.attributes['rollout.target'], s.attributes['rollout.status']]);
    expect(seen).toEqual(
      expect.arrayContaining([
        ['probe pyroscope', 'acapy-agent', 'pass'],
        ['probe pyroscope', 'didcomm-mediator-credo', 'error'],
      ]),
    );
    for (const span of probes) expect(span.attributes['rollout.upstream']).toBe(span.name.slice('probe '.length));
    // The failing upstream's span is marked as an error, so trace search finds it.
    expect(probes.find((s) => s.attributes['rollout.status'] === 'error')!.status.code).toBe(2);
  });
});
