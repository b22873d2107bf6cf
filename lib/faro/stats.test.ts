import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FaroProxyStats } from './stats';

const LIMIT = 1_000_000;
const record = (stats: FaroProxyStats, payload: unknown, gzip = false) => {
  const body = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  stats.recordAcceptedPayload(gzip ? gzipSync(body) : body, gzip ? 'gzip' : null, LIMIT);
};

describe('what the /faro proxy counts in accepted payloads', () => {
  it('counts items of each kind, and keeps session and trace ids newest first', () => {
    const stats = new FaroProxyStats();
    record(stats, {
      meta: { session: { id: 's1' } },
      logs: [{}, {}],
      exceptions: [{ trace: { trace_id: 't-exception' } }],
      measurements: [{}],
      events: [],
      traces: { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 't-span-1' }, { traceId: 't-span-2' }] }] }] },
    });
    record(stats, { meta: { session: { id: 's2' } }, logs: [{}] }, true);
    expect(stats.view()).toMatchObject({
      accepted: { logs: 3, exceptions: 1, measurements: 1, events: 0, spans: 2 },
      recentSessionIds: ['s2', 's1'],
      recentTraceIds: ['t-span-2', 't-span-1', 't-exception'],
    });
  });

  it('counts what it can read of an odd payload: a field of the wrong type is absent, not the end of the count', () => {
    const stats = new FaroProxyStats();
    record(stats, {
      meta: { session: { id: 42 } },
      logs: 'three',
      exceptions: [null, { trace: 'x' }, { trace: { trace_id: 't1' } }],
      measurements: [{}],
      traces: { resourceSpans: [null, { scopeSpans: [{ spans: [null, { traceId: 7 }] }] }] },
    });
    expect(stats.view()).toMatchObject({
      accepted: { logs: 0, exceptions: 3, measurements: 1, events: 0, spans: 2 },
      recentSessionIds: [],
      recentTraceIds: ['t1'],
    });
  });

  it('counts nothing, and does not throw, for a body that is not JSON, not an object, or a broken gzip', () => {
    const stats = new FaroProxyStats();
    record(stats, '{not json');
    record(stats, '[1, 2]');
    record(stats, 'null');
    stats.recordAcceptedPayload(Buffer.from('not gzip'), 'gzip', LIMIT);
    expect(stats.view().accepted).toEqual({ logs: 0, exceptions: 0, measurements: 0, events: 0, spans: 0 });
  });
});
