import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from './http';
import { startPyroscopeSimulator, PYTHON_PROFILE } from './pyroscope';
import { startTempoSimulator } from './tempo';
import { recording } from './recordings';

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

async function replay(url: string, name: string) {
  const rec = recording(name);
  const body =
    rec.request.body === null
      ? undefined
      : typeof rec.request.body === 'string'
        ? rec.request.body
        : JSON.stringify(rec.request.body);
  const query = Object.keys(rec.request.query).length > 0 ? `?${new URLSearchParams(rec.request.query)}` : '';
  const response = await fetch(`${url}${rec.request.path}${query}`, {
    method: rec.request.method,
    headers: rec.request.headers,
    body,
  });
  return { rec, response, text: await response.text() };
}

describe('the Pyroscope simulator replays the recorded exchanges', () => {
  it.each(['pyroscope/error-wrong-content-type.json', 'pyroscope/error-no-content-type.json'])(
    '%s: 415 with an empty body and Accept-Post',
    async (name) => {
      sim = await startPyroscopeSimulator();
      const { rec, response, text } = await replay(sim.url, name);
      expect(response.status).toBe(415);
      expect(text).toBe('');
      expect(response.headers.get('accept-post')).toBe(rec.response.headers['accept-post']);
    },
  );

  it.each([
    'pyroscope/error-malformed-matcher.json',
    'pyroscope/error-malformed-label-selector.json',
    'pyroscope/error-bad-json-body.json',
  ])('%s: a Connect 400 invalid_argument', async (name) => {
    sim = await startPyroscopeSimulator();
    const { response, text } = await replay(sim.url, name);
    expect(response.status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ code: 'invalid_argument', message: expect.any(String) });
  });

  it('answers `{}` for nothing, and string int64 timestamps for data shifted to now', async () => {
    sim = await startPyroscopeSimulator({ services: { 'acapy-agent': PYTHON_PROFILE } });
    const now = Date.now();
    const post = (path: string, body: unknown) =>
      fetch(`${sim!.url}/querier.v1.QuerierService/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.json());
    expect(
      await post('Series', { matchers: ['{service_name="no-such-service"}'], start: now - 900_000, end: now }),
    ).toEqual({});
    const selected = (await post('SelectSeries', {
      profileTypeID: 'process_cpu:cpu:nanoseconds:cpu:nanoseconds',
      labelSelector: '{service_name="acapy-agent"}',
      start: now - 900_000,
      end: now,
      step: 15,
    })) as { series: Array<{ labels?: unknown; points: Array<{ timestamp: string }> }> };
    expect(selected.series[0].labels).toBeUndefined();
    expect(typeof selected.series[0].points[0].timestamp).toBe('string');
    expect(now - Number(selected.series[0].points.at(-1)!.timestamp)).toBeLessThan(30_000);
  });

  it('reports not ready with the recorded 503 reason', async () => {
    const pyroscope = await startPyroscopeSimulator();
    sim = pyroscope;
    pyroscope.control.fault({ kind: 'not-ready' });
    const response = await fetch(`${sim.url}/ready`);
    expect([response.status, await response.text()]).toEqual([
      503,
      recording('pyroscope/ready-not-ready-503-segment-writer.json').response.body,
    ]);
  });
});

describe('the Tempo simulator', () => {
  it('answers an unknown trace id on v2 with 200 and an empty trace, as recorded', async () => {
    sim = await startTempoSimulator();
    const { rec, response, text } = await replay(sim.url, 'tempo/trace-by-id-v2-not-found.json');
    expect(response.status).toBe(200);
    expect(JSON.parse(text)).toEqual(rec.response.body);
  });

  it('takes OTLP/HTTP JSON pushes and finds them by exact service name', async () => {
    sim = await startTempoSimulator();
    const push = await replay(sim.url, 'tempo/otlp-push-browser-fetch-span-traction-tenant-ui.json');
    expect(JSON.parse(push.text)).toEqual({ partialSuccess: {} });
    const search = await fetch(
      `${sim.url}/api/search?q=${encodeURIComponent('{resource.service.name="traction-tenant-ui"}')}`,
    );
    expect(((await search.json()) as { traces: Array<{ traceID: string }> }).traces.map((t) => t.traceID)).toEqual([
      'ecaa2032b83264a3d228e771bb3c8ae3',
    ]);
  });
});
