import { describe, expect, it } from 'vitest';
import type { CheckFact } from '../matrix/types';
import { checkFactOf } from '../matrix/check-fact';
import { evidenceLinks } from './links';

const grafana = {
  grafanaUrl: 'https://grafana.example.org/',
  grafanaDatasources: { pyroscope: 'pyro-uid', loki: 'loki-uid', tempo: 'tempo-uid' },
};
const fact = (check: string, evidence: Record<string, unknown>): CheckFact =>
  checkFactOf({
    cellKey: 'c',
    check,
    target: 't',
    status: 'pass',
    message: null,
    durationMs: 1,
    checkedAt: new Date('2026-11-25T10:00:00.000Z'),
    evidence: JSON.stringify(evidence),
  });

describe('evidenceLinks', () => {
  it('links a service’s CPU or wall flame graph in the Pyroscope app', () => {
    const [link] = evidenceLinks(
      grafana,
      fact('pyroscope', {
        services: [
          {
            serviceName: 'bc-wallet-demo-server',
            profileTypes: ['memory:inuse_space:bytes:inuse_space:bytes', 'wall:wall:nanoseconds:wall:nanoseconds'],
            lastSeenAt: null,
          },
        ],
      }),
    );
    const url = new URL(link.href);
    expect(url.pathname).toBe('/a/grafana-pyroscope-app/explore');
    expect(url.searchParams.get('var-serviceName')).toBe('bc-wallet-demo-server');
    expect(url.searchParams.get('var-profileMetricId')).toBe('wall:wall:nanoseconds:wall:nanoseconds');
    expect(url.searchParams.get('explorationType')).toBe('flame-graph');
  });

  it('opens the Loki query and the linked trace in Explore', () => {
    const [logs] = evidenceLinks(grafana, fact('loki', { selector: '{service_name="bc-wallet-demo"}' }));
    const panes = JSON.parse(new URL(logs.href).searchParams.get('panes')!);
    expect(panes.a.queries[0]).toMatchObject({
      expr: '{service_name="bc-wallet-demo"}',
      datasource: { type: 'loki', uid: 'loki-uid' },
    });
    const [trace] = evidenceLinks(
      grafana,
      fact('tempo', { linkedTraceId: '8a1cc8ab8b92237c5ff8dcb6e49c0b8d', traces: [] }),
    );
    expect(JSON.parse(new URL(trace.href).searchParams.get('panes')!).a.queries[0]).toMatchObject({
      queryType: 'traceql',
      query: '8a1cc8ab8b92237c5ff8dcb6e49c0b8d',
    });
  });

  it('links the gate’s test payload in Loki from its Loki step (the check the gate stores it under)', () => {
    const gate = {
      pyroscopeReachable: true,
      pyroscopeReady: true,
      pyroscopeMessage: null,
      receiverStatus: 202,
      marker: 'gate-123',
      foundInLokiAfterMs: 800,
      lokiLine: 'x',
    };
    const [link] = evidenceLinks(grafana, fact('gate-loki', gate));
    expect(link.label).toBe('Gate payload in Loki');
    expect(JSON.parse(new URL(link.href).searchParams.get('panes')!).a.queries[0].expr).toContain('"gate-123"');
    expect(evidenceLinks(grafana, fact('gate-loki', { ...gate, marker: null }))).toEqual([]);
  });

  it('a stored result whose evidence does not read offers no links, and does not throw', () => {
    expect(evidenceLinks(grafana, fact('pyroscope', { services: 'not a list' }))).toEqual([]);
    expect(evidenceLinks(grafana, fact('tempo', { traces: [{}] }))[0].label).toBe('Traces in Explore');
  });

  it('offers no links without GRAFANA_URL', () => {
    expect(evidenceLinks({ ...grafana, grafanaUrl: null }, fact('loki', { selector: '{a="b"}' }))).toEqual([]);
  });
});
