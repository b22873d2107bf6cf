import { describe, expect, it } from 'vitest';
import { tempoTraceUrl, traceIdOf } from './links';

describe('Faro reference links', () => {
  it('reads the trace id out of a W3C traceparent, and nothing out of a malformed or all-zero one', () => {
    expect(traceIdOf('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')).toBe(
      '0af7651916cd43dd8448eb211c80319c',
    );
    expect(traceIdOf('00-00000000000000000000000000000000-b7ad6b7169203331-01')).toBeNull();
    expect(traceIdOf('garbage')).toBeNull();
    expect(traceIdOf(null)).toBeNull();
  });

  it('links a trace id to Grafana Explore on Tempo', () => {
    const url = new URL(tempoTraceUrl('https://grafana.example.org/', '0af7651916cd43dd8448eb211c80319c'));
    expect(url.origin + url.pathname).toBe('https://grafana.example.org/explore');
    const left = JSON.parse(url.searchParams.get('left') ?? '{}') as {
      queries: Array<{ query: string; queryType: string }>;
    };
    expect(left.queries[0]).toMatchObject({ query: '0af7651916cd43dd8448eb211c80319c', queryType: 'traceql' });
  });
});
