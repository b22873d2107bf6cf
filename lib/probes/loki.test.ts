import { afterEach, describe, expect, it } from 'vitest';
import { recordedBody, recording } from '@/simulators/recordings';
import { startLokiSimulator, type LokiSimulator } from '@/simulators/loki';
import type { Upstream } from './http';
import { defaultLokiSelector, parseCountsByKind, parseNewestLine, probeLoki } from './loki';

const body = (name: string) => recordedBody(recording(name));

describe('Loki reply parsers on the recorded replies', () => {
  it('counts entries per kind from the recorded sum by (kind) matrix', () => {
    expect(parseCountsByKind(body('loki/query-range-metric-count-by-kind.json'))).toEqual({
      ok: true,
      value: { event: 5, exception: 1, log: 2, measurement: 5 },
    });
    expect(parseCountsByKind(body('loki/query-range-metric-unknown-app.json'))).toEqual({ ok: true, value: {} });
    expect(parseCountsByKind(body('loki/query-instant-metric.json'))).toEqual({ ok: true, value: { unlabelled: 13 } });
  });

  it('finds the newest line across streams, or none for `result: []`', () => {
    const newest = parseNewestLine(body('loki/query-range-bc-wallet-demo.json'));
    expect(newest.ok && newest.value?.line).toMatch(/^timestamp=.* kind=\w+ /);
    expect(newest.ok && newest.value?.labels.service_name).toBe('bc-wallet-demo');
    expect(newest.ok && newest.value?.time).toBe('2026-11-25T10:00:46.423Z');
    expect(parseNewestLine(body('loki/query-range-unknown-app.json'))).toEqual({ ok: true, value: null });
  });
});

describe('probeLoki against the simulator', () => {
  let sim: LokiSimulator | undefined;
  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
  });
  const window = () => ({ start: Date.now() - 15 * 60_000, end: Date.now() });
  const upstream = (timeoutMs = 5000): Upstream => ({ name: 'Loki', envPrefix: 'LOKI', url: sim!.url, timeoutMs });

  it('passes with counts per kind and the newest line for an app that sent Faro data', async () => {
    sim = await startLokiSimulator({ faroApps: ['bc-wallet-demo'] });
    const result = await probeLoki(upstream(), defaultLokiSelector('bc-wallet-demo'), window());
    expect(result.status).toBe('pass');
    expect(result.evidence.countsByKind).toMatchObject({
      log: expect.any(Number),
      exception: 1,
      measurement: expect.any(Number),
      event: expect.any(Number),
    });
    expect(result.evidence.newest?.line).toContain('app_name=bc-wallet-demo');
    expect(sim.requests.some((r) => r.path === '/loki/api/v1/query')).toBe(false);
  });

  it('counts entries from the start of the window too, not only the last step', async () => {
    sim = await startLokiSimulator();
    const at = (minutesAgo: number) => String(BigInt(Date.now() - minutesAgo * 60_000) * 1_000_000n);
    sim.push([
      {
        stream: { app_name: 'didwebvh-server', kind: 'log' },
        values: [
          [at(14), 'kind=log message=early'],
          [at(1), 'kind=log message=late'],
        ],
      },
    ]);
    const result = await probeLoki(upstream(), defaultLokiSelector('didwebvh-server'), window());
    expect(result.evidence.countsByKind).toEqual({ log: 2 });
    expect(result.evidence.newest?.line).toBe('kind=log message=late');
  });

  it('fails for an app with no entries, and again once its data is switched off', async () => {
    sim = await startLokiSimulator({ faroApps: ['traction-tenant-ui'] });
    expect((await probeLoki(upstream(), defaultLokiSelector('didwebvh-server'), window())).status).toBe('fail');
    sim.control.setApp('traction-tenant-ui', false);
    const result = await probeLoki(upstream(), defaultLokiSelector('traction-tenant-ui'), window());
    expect(result.status).toBe('fail');
    expect(result.message).toContain('no entries for {service_name="traction-tenant-ui"}');
  });

  it('shows Loki’s own text for a bad selector from the plan', async () => {
    sim = await startLokiSimulator({ faroApps: ['bc-wallet-demo'] });
    const result = await probeLoki(upstream(), '{service_name="bc-wallet-demo"', window());
    expect(result.status).toBe('error');
    expect(result.message).toContain('Loki answered 400: parse error at line 1');
  });

  it('errors on a 5xx, a malformed reply and a hang (within the timeout)', async () => {
    sim = await startLokiSimulator({ faroApps: ['bc-wallet-demo'] });
    sim.control.fault({ kind: 'status', status: 504, body: 'context deadline exceeded\n' });
    expect((await probeLoki(upstream(), defaultLokiSelector('bc-wallet-demo'), window())).message).toContain(
      'Loki answered 504: context deadline exceeded',
    );
    sim.control.fault({ kind: 'malformed' });
    expect((await probeLoki(upstream(), defaultLokiSelector('bc-wallet-demo'), window())).status).toBe('error');
    sim.control.fault({ kind: 'hang' });
    const started = Date.now();
    const hung = await probeLoki(upstream(300), defaultLokiSelector('bc-wallet-demo'), window());
    expect(Date.now() - started).toBeLessThan(1500);
    expect(hung.status).toBe('error');
  });
});

describe('the Loki simulator', () => {
  let sim: LokiSimulator | undefined;
  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
  });
  it('answers an instant log query and a broken query as recorded (text/plain 400)', async () => {
    sim = await startLokiSimulator();
    for (const name of ['loki/query-instant-log-selector-400.json', 'loki/query-range-bad-logql-400.json']) {
      const rec = recording(name);
      const response = await fetch(`${sim.url}${rec.request.path}?${new URLSearchParams(rec.request.query)}`);
      expect(response.status).toBe(rec.response.status);
      expect(response.headers.get('content-type')).toContain('text/plain');
      expect(await response.text()).toBe(rec.response.body);
    }
  });
});
