import { afterEach, describe, expect, it } from 'vitest';
import { json, type RunningSimulator, serveSimulator, text, type SimResponse } from '@/simulators/http';
import type { Upstream } from './http';
import { type LatencyRule, parseMetricSamples, probeLatency } from './latency';

/**
 * The latency proof against a small local Tempo whose metrics replies each test sets: the exact
 * queries, windows and step sent, how buckets combine, and the wording of each outcome.
 */
let server: RunningSimulator | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

// Half a second past the minute: the windows' ends round outwards to whole seconds.
const LIVE = Date.UTC(2026, 10, 30, 12, 0, 0, 500);
const HOUR = 3_600_000;
const NOW = LIVE + 2 * HOUR;
const rule: LatencyRule = { quantile: 0.95, maxIncreasePercent: 10, minSpans: 100, windowMinutes: 60 };
const live = { at: LIVE, from: 'pods started' };

type Samples = Array<[number, number]>;
interface Window {
  quantile: Samples;
  count: Samples;
}
const series = (samples: Samples) => ({
  series: [{ labels: [], samples: samples.map(([t, value]) => ({ timestampMs: String(t), value })) }],
});

/** A Tempo answering each window's quantile and count query with the given samples (seconds, spans). */
async function tempo(
  before: Window,
  after: Window,
  fault?: (q: string, window: 'before' | 'after') => SimResponse | null,
) {
  server = await serveSimulator('tempo-metrics', (request) => {
    const q = request.query.get('q') ?? '';
    const window = Number(request.query.get('start')) < Math.floor(LIVE / 1000) ? 'before' : 'after';
    const faulty = fault?.(q, window);
    if (faulty) return faulty;
    const w = window === 'before' ? before : after;
    return json(200, series(q.endsWith('count_over_time()') ? w.count : w.quantile));
  });
  return { name: 'Tempo', envPrefix: 'TEMPO', url: server.url, timeoutMs: 5000 } satisfies Upstream;
}
/** One bucket: a quantile in seconds and its span count. */
const flat = (seconds: number, spans = 200): Window => ({ quantile: [[LIVE, seconds]], count: [[LIVE, spans]] });

describe('probeLatency: what it asks Tempo', () => {
  it('asks each window’s quantile and span count in one step per window, for one service or several', async () => {
    const upstream = await tempo(flat(0.1), flat(0.1));
    const one = await probeLatency(upstream, ['api'], { ...rule, quantile: 0.9 }, live, NOW);
    expect(one.evidence.queries).toEqual({
      quantile: '{resource.service.name="api" && kind=server} | quantile_over_time(duration, 0.9)',
      count: '{resource.service.name="api" && kind=server} | count_over_time()',
    });
    const asked = server!.requests.map((r) => [
      r.method,
      r.path,
      ...['q', 'start', 'end', 'step'].map((k) => r.query.get(k)),
    ]);
    const beforeStart = String(Math.floor((LIVE - HOUR) / 1000));
    const liveFloor = String(Math.floor(LIVE / 1000));
    const liveCeil = String(Math.ceil(LIVE / 1000));
    const afterEnd = String(Math.ceil((LIVE + HOUR) / 1000));
    expect(asked.sort()).toEqual(
      [
        ['GET', '/api/metrics/query_range', one.evidence.queries.count, beforeStart, liveCeil, '3600s'],
        ['GET', '/api/metrics/query_range', one.evidence.queries.count, liveFloor, afterEnd, '3600s'],
        ['GET', '/api/metrics/query_range', one.evidence.queries.quantile, beforeStart, liveCeil, '3600s'],
        ['GET', '/api/metrics/query_range', one.evidence.queries.quantile, liveFloor, afterEnd, '3600s'],
      ].sort(),
    );
    expect([one.evidence.before?.start, one.evidence.before?.end, one.evidence.after?.end]).toEqual([
      new Date(LIVE - HOUR).toISOString(),
      new Date(LIVE).toISOString(),
      new Date(LIVE + HOUR).toISOString(),
    ]);
    const several = await probeLatency(upstream, ['api', 'worker'], rule, live, NOW);
    expect(several.evidence.queries.count).toBe(
      '{(resource.service.name="api" || resource.service.name="worker") && kind=server} | count_over_time()',
    );
  });

  it('asks for at least a one-second step, however short the window', async () => {
    const upstream = await tempo(flat(0.1), flat(0.1));
    await probeLatency(upstream, ['api'], { ...rule, windowMinutes: 0.005 }, live, NOW);
    expect(new Set(server!.requests.map((r) => r.query.get('step')))).toEqual(new Set(['1s']));
  });

  it('asks nothing before a go-live time, or before the window after it is over', async () => {
    const upstream = await tempo(flat(0.1), flat(0.1));
    expect(await probeLatency(upstream, ['api'], rule, null, NOW)).toEqual({
      status: 'insufficient-data',
      message: 'No go-live time yet (no running pods with the change, no merged pull request, issue not closed).',
      evidence: {
        wentLiveAt: null,
        wentLiveFrom: null,
        quantile: 0.95,
        maxIncreasePercent: 10,
        minSpans: 100,
        queries: {
          quantile: '{resource.service.name="api" && kind=server} | quantile_over_time(duration, 0.95)',
          count: '{resource.service.name="api" && kind=server} | count_over_time()',
        },
        before: null,
        after: null,
        changePercent: null,
      },
    });
    const early = await probeLatency(upstream, ['api'], rule, live, LIVE + HOUR - 1);
    expect(early).toMatchObject({
      status: 'insufficient-data',
      message:
        'Went live 2026-11-30T12:00:00.500Z (pods started); the 60-min window after it ends 2026-11-30T13:00:00.500Z.',
      evidence: { wentLiveAt: '2026-11-30T12:00:00.500Z', wentLiveFrom: 'pods started', before: null },
    });
    expect(server!.requests).toHaveLength(0);
    // The moment the window is over, it compares.
    expect((await probeLatency(upstream, ['api'], rule, live, LIVE + HOUR)).status).toBe('pass');
  });
});

describe('probeLatency: the comparison', () => {
  it('weighs each bucket’s quantile by its spans (1 without a count), to a tenth of a ms and of a percent', async () => {
    const t1 = LIVE - HOUR;
    const upstream = await tempo(
      {
        quantile: [
          [t1, 0.1],
          [LIVE, 0.2],
        ],
        count: [
          [t1, 300],
          [LIVE, 100],
        ],
      },
      {
        quantile: [
          [t1, 0.13],
          [LIVE, 0.16],
        ],
        count: [[t1, 100]],
      },
    );
    const result = await probeLatency(upstream, ['api'], rule, live, NOW);
    // Before (0.1·300 + 0.2·100) / 400 = 125 ms; after (0.13·100 + 0.16·1) / 101 = 130.297 ms.
    expect(result).toMatchObject({
      status: 'pass',
      message: 'p95 125 ms before → 130.3 ms after (+4.2%, limit +10%)',
      evidence: {
        before: { spans: 400, quantileMs: 125 },
        after: { spans: 100, quantileMs: 130.3 },
        changePercent: 4.2,
      },
    });
  });

  it('fails only beyond the limit; a drop shows its minus sign, and a zero baseline counts as no change', async () => {
    const at = async (beforeS: number, afterS: number) => {
      const upstream = await tempo(flat(beforeS), flat(afterS));
      const result = await probeLatency(upstream, ['api'], rule, live, NOW);
      await server!.stop();
      server = undefined;
      return [result.status, result.message];
    };
    expect(await at(0.1, 0.11)).toEqual(['pass', 'p95 100 ms before → 110 ms after (+10%, limit +10%)']);
    expect(await at(0.1, 0.1101)).toEqual([
      'fail',
      'Latency regressed: p95 100 ms before → 110.1 ms after (+10.1%, limit +10%).',
    ]);
    expect(await at(0.1, 0.075)).toEqual(['pass', 'p95 100 ms before → 75 ms after (-25%, limit +10%)']);
    expect(await at(0, 0.05)).toEqual(['pass', 'p95 0 ms before → 50 ms after (+0%, limit +10%)']);
  });

  it('needs the minimum span count on both sides, and a quantile on both', async () => {
    const compare = async (before: Window, after: Window) => {
      const upstream = await tempo(before, after);
      const result = await probeLatency(upstream, ['api'], rule, live, NOW);
      await server!.stop();
      server = undefined;
      return result;
    };
    expect((await compare(flat(0.1, 100), flat(0.1, 100))).status).toBe('pass');
    expect(await compare(flat(0.1, 100), flat(0.1, 99))).toMatchObject({
      status: 'insufficient-data',
      message: 'Too few server spans to compare: 100 before, 99 after (needs 100 each).',
      evidence: { changePercent: null },
    });
    expect((await compare(flat(0.1, 99), flat(0.1, 100))).message).toBe(
      'Too few server spans to compare: 99 before, 100 after (needs 100 each).',
    );
    const noQuantile = await compare({ quantile: [], count: [[LIVE, 500]] }, flat(0.1, 500));
    expect(noQuantile).toMatchObject({ status: 'insufficient-data', evidence: { before: { quantileMs: null } } });
    expect((await compare(flat(0.1, 500), { quantile: [], count: [[LIVE, 500]] })).message).toBe(
      'Too few server spans to compare: 500 before, 500 after (needs 100 each).',
    );
  });
});

describe('probeLatency: when Tempo cannot tell', () => {
  const outcome = async (fault: (q: string, window: 'before' | 'after') => SimResponse | null) => {
    const upstream = await tempo(flat(0.1), flat(0.1), fault);
    const result = await probeLatency(upstream, ['api'], rule, live, NOW);
    await server!.stop();
    server = undefined;
    return { status: result.status, message: result.message, unreachable: result.unreachable };
  };

  it('is not configured when Tempo has no metrics API (404 or the local-blocks error)', async () => {
    expect(await outcome(() => text(404, 'nope'))).toEqual({
      status: 'not-configured',
      message:
        "Tempo's TraceQL metrics API is not available (Tempo answered 404: nope. Check that TEMPO_URL points at " +
        "Tempo itself (no extra path).): enable the metrics-generator's local-blocks processor to compare latency.",
      unreachable: undefined,
    });
    const off = await outcome(() => text(400, 'localblocks processor not found\n'));
    expect(off.status).toBe('not-configured');
  });

  it('errors with Tempo’s answer when either query of either window fails', async () => {
    expect(
      await outcome((q, w) => (w === 'after' && q.endsWith('count_over_time()') ? text(500, 'boom') : null)),
    ).toEqual({
      status: 'error',
      message: 'Tempo answered 500: boom. Tempo itself is failing; look at its logs.',
      unreachable: false,
    });
    expect(
      (await outcome((q, w) => (w === 'before' && q.includes('quantile') ? text(429, 'slow down') : null))).message,
    ).toBe('Tempo answered 429: slow down.');
  });

  it('errors on a reply of the wrong shape, for the quantile or the count', async () => {
    const shape = "Tempo's metrics query_range reply has an unexpected shape";
    const quantile = await outcome((q) => (q.includes('quantile') ? json(200, { series: 'x' }) : null));
    expect(quantile).toMatchObject({ status: 'error', unreachable: false });
    expect(quantile.message).toContain(shape);
    const count = await outcome((q) => (q.includes('count') ? text(200, 'not json') : null));
    expect(count).toEqual({
      status: 'error',
      message: 'Tempo sent a reply that is not JSON (not json): is the URL pointing at Tempo?',
      unreachable: false,
    });
  });

  it('says Tempo is unreachable when it does not answer at all', async () => {
    const upstream = await tempo(flat(0.1), flat(0.1));
    await server!.stop();
    server = undefined;
    const result = await probeLatency(upstream, ['api'], rule, live, NOW);
    expect(result).toMatchObject({ status: 'error', unreachable: true });
    expect(result.message).toContain('Cannot reach Tempo at');
  });
});

describe('parseMetricSamples', () => {
  it('reads every series’ samples, a missing time or value as 0', () => {
    const body = JSON.stringify({
      series: [{ samples: [{ timestampMs: 5, value: 0.5 }, {}] }, {}, { samples: [{ timestampMs: '7', value: 1 }] }],
    });
    expect(parseMetricSamples(body)).toEqual({
      ok: true,
      value: [
        [5, 0.5],
        [0, 0],
        [7, 1],
      ],
    });
    expect(parseMetricSamples('{}')).toEqual({ ok: true, value: [] });
  });
});
