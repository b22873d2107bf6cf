import { afterEach, describe, expect, it } from 'vitest';
import { recordedBody, recording } from '@/simulators/recordings';
import { recordedFaroEntries, startLokiSimulator, type LokiSimulator } from '@/simulators/loki';
import type { Upstream } from './http';
import {
  defaultLokiSelector,
  missingKinds,
  parseCountsByKind,
  parseNewestLine,
  probeLoki,
  SYNTHETIC_ENVIRONMENT,
} from './loki';

const body = (name: string) => recordedBody(recording(name));

describe('Loki reply parsers on the recorded replies', () => {
  it('counts an instant query’s vector, and of a matrix only the point at the window’s end', () => {
    expect(parseCountsByKind(body('loki/query-instant-metric.json'))).toEqual({ ok: true, value: { unlabelled: 13 } });
    expect(parseCountsByKind(body('loki/query-range-metric-unknown-app.json'))).toEqual({ ok: true, value: {} });
    // The recorded range query's points are step-aligned: none lies at its end (1795601096.066 s), the
    // last one even after it. Reading "the last point" is what let stale data pass; nothing counts here.
    expect(parseCountsByKind(body('loki/query-range-metric-count-by-kind.json'), 1795601096066)).toEqual({
      ok: true,
      value: {},
    });
    // A point exactly at end is the count over the window ending there.
    expect(parseCountsByKind(body('loki/query-range-metric-count-by-kind.json'), 1795601040000)).toEqual({
      ok: true,
      value: { event: 5, exception: 1, log: 2, measurement: 5 },
    });
  });

  it('finds the newest line across streams, or none for `result: []`', () => {
    const newest = parseNewestLine(body('loki/query-range-bc-wallet-demo.json'));
    expect(newest.ok && newest.value?.line).toMatch(/^timestamp=.* kind=\w+ /);
    expect(newest.ok && newest.value?.labels.service_name).toBe('bc-wallet-demo');
    expect(newest.ok && newest.value?.time).toBe('2026-11-25T10:00:46.423Z');
    expect(parseNewestLine(body('loki/query-range-unknown-app.json'))).toEqual({ ok: true, value: null });
  });

  it('names what a surface lacks: errors and Web Vitals, or any event', () => {
    const rule = { require: 'errors-and-web-vitals' } as const;
    expect(missingKinds(rule, { log: 3 })).toEqual(['no browser errors', 'no Web Vitals']);
    expect(missingKinds(rule, { exception: 1, 'measurement/web-vitals': 2 })).toEqual([]);
    expect(missingKinds(rule, { exception: 1, 'measurement/custom': 2 })).toEqual(['no Web Vitals']);
    expect(missingKinds({ require: 'any' }, { event: 1 })).toEqual([]);
    expect(missingKinds({ require: 'any' }, {})).toEqual(['no browser events']);
  });
});

describe('probeLoki against the simulator (recorded Faro sessions, as Alloy wrote them)', () => {
  let sim: LokiSimulator | undefined;
  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
  });
  const window = () => ({ start: Date.now() - 15 * 60_000, end: Date.now() });
  const upstream = (timeoutMs = 5000): Upstream => ({ name: 'Loki', envPrefix: 'LOKI', url: sim!.url, timeoutMs });
  const errorsAndVitals = { require: 'errors-and-web-vitals' as const, structured: true, surfaces: [] };
  /** The recorded bc-wallet-demo session, re-pushed under `app` as if it arrived `minutesAgo`. */
  const pushSession = (app: string, minutesAgo: number) => {
    const at = BigInt(Date.now() - minutesAgo * 60_000) * 1_000_000n;
    const entries = recordedFaroEntries(app);
    sim!.push(entries.map((e, i) => ({ stream: e.labels, values: [[String(at + BigInt(i)), e.line]] })));
  };

  it('passes an app that sent errors and Web Vitals, counting per kind and type in the window', async () => {
    sim = await startLokiSimulator({ faroApps: ['bc-wallet-demo'] });
    const result = await probeLoki(upstream(), defaultLokiSelector('bc-wallet-demo'), window(), errorsAndVitals);
    expect(result.status).toBe('pass');
    expect(result.evidence.countsByKind).toMatchObject({ exception: 1, 'measurement/web-vitals': expect.any(Number) });
    expect(result.evidence.newest?.line).toContain('app_name=bc-wallet-demo');
    // Counted by an instant query at the window's end, never a range query's earlier points.
    const counted = sim.requests.find((r) => r.path === '/loki/api/v1/query')!;
    expect(counted.query.get('query')).toMatch(
      /^sum by \(kind, type\) \(count_over_time\(.*\| logfmt \| __error__="" \[900s\]\)\)$/,
    );
    const atMs = Number(BigInt(counted.query.get('time')!) / 1_000_000n);
    expect(Math.abs(atMs - Date.now())).toBeLessThan(5000);
  });

  it('sends each rule’s exact LogQL: parser, structure filter, surface label and page URL, grouping, the window in seconds', async () => {
    sim = await startLokiSimulator();
    const sel = '{service_name="x"}';
    const base = `${sel} != "app_environment=${SYNTHETIC_ENVIRONMENT}"`;
    const w = window();
    const asked = async (rule: Parameters<typeof probeLoki>[3]) => {
      const before = sim!.requests.length;
      await probeLoki(upstream(), sel, w, rule);
      return sim!.requests
        .slice(before)
        .filter((r) => r.path === '/loki/api/v1/query')
        .map((r) => r.query.get('query'));
    };
    expect(await asked({ require: 'any', structured: false, surfaces: [] })).toEqual([
      `sum by (kind) (count_over_time(${base} [900s]))`,
    ]);
    expect(await asked({ require: 'any', structured: true, surfaces: [] })).toEqual([
      `sum by (kind) (count_over_time(${base} | logfmt | __error__="" [900s]))`,
    ]);
    expect(await asked({ require: 'errors-and-web-vitals', structured: false, surfaces: [] })).toEqual([
      `sum by (kind, type) (count_over_time(${base} | logfmt [900s]))`,
    ]);
    expect(
      await asked({
        require: 'any',
        structured: false,
        surfaces: [
          { name: 'Admin', label: { name: 'app_name', value: 'admin-ui' } },
          { name: 'Public', pageUrlNotMatches: '.*/admin.*' },
        ],
      }),
    ).toEqual([
      `sum by (kind) (count_over_time(${base} | logfmt | app_name="admin-ui" [900s]))`,
      `sum by (kind) (count_over_time(${base} | logfmt | page_url!~".*/admin.*" [900s]))`,
    ]);
  });

  it('says what passed and what is missing in whole sentences', async () => {
    sim = await startLokiSimulator({ faroApps: ['traction-tenant-ui'], logsOnly: ['traction-tenant-ui'] });
    const sel = defaultLokiSelector('traction-tenant-ui');
    const passed = await probeLoki(upstream(), sel, window());
    expect(passed.message).toMatch(/^\d+ entries in the window \(\d+ log\)$/);
    expect(passed.evidence.total).toBe(passed.evidence.countsByKind.log);
    const failed = await probeLoki(upstream(), sel, window(), errorsAndVitals);
    expect(failed.message).toMatch(
      new RegExp(
        `^no browser errors, no Web Vitals for \\{service_name="traction-tenant-ui"\\} in the last 15 min ` +
          `\\(newest entry [^)]+\\) that logfmt parses: check the app's Faro instrumentations and collector URL, ` +
          `and Alloy's faro.receiver → loki.write pipeline\\.$`,
      ),
    );
  });

  it('fails stale data: entries 16.9 min old do not pass a 15-min window (the false pass seen on real Loki)', async () => {
    sim = await startLokiSimulator();
    pushSession('bc-wallet-demo', 16.9);
    for (const rule of [errorsAndVitals, { require: 'any' as const, structured: false, surfaces: [] }]) {
      const result = await probeLoki(upstream(), defaultLokiSelector('bc-wallet-demo'), window(), rule);
      expect(result.status).toBe('fail');
      expect(result.evidence.total).toBe(0);
    }
    // The same session 14 minutes old is inside the window.
    pushSession('bc-wallet-demo', 14);
    expect((await probeLoki(upstream(), defaultLokiSelector('bc-wallet-demo'), window(), errorsAndVitals)).status).toBe(
      'pass',
    );
  });

  it('fails an app that sends only logs where errors and Web Vitals are asked, and passes it where any event is', async () => {
    sim = await startLokiSimulator({ faroApps: ['traction-tenant-ui'], logsOnly: ['traction-tenant-ui'] });
    const strict = await probeLoki(upstream(), defaultLokiSelector('traction-tenant-ui'), window(), errorsAndVitals);
    expect(strict.status).toBe('fail');
    expect(strict.message).toContain('no browser errors, no Web Vitals');
    const any = await probeLoki(upstream(), defaultLokiSelector('traction-tenant-ui'), window());
    expect(any.status).toBe('pass');
  });

  it('counts only lines logfmt parses when the criterion asks for structured entries', async () => {
    sim = await startLokiSimulator();
    const at = String(BigInt(Date.now() - 60_000) * 1_000_000n);
    sim.push([
      { stream: { app_name: 'credo-ts-consumer', kind: 'exception' }, values: [[at, '{"not": "logfmt"} oops']] },
      {
        stream: { app_name: 'credo-ts-consumer', kind: 'measurement' },
        values: [[at, 'kind=measurement type=web-vitals lcp=1']],
      },
    ]);
    const selector = defaultLokiSelector('credo-ts-consumer');
    const structured = await probeLoki(upstream(), selector, window(), errorsAndVitals);
    expect(structured.status).toBe('fail');
    expect(structured.message).toContain('no browser errors');
    expect(structured.message).not.toContain('Web Vitals');
  });

  it('needs entries on every surface a criterion names (told apart by page URL)', async () => {
    sim = await startLokiSimulator();
    pushSession('vc-authn-oidc', 2); // the recorded session's pages are not /authorize: the Nuxt surface
    const surfaces = [
      { name: 'Jinja2', pageUrlMatches: '.*/authorize.*' },
      { name: 'Nuxt 3', pageUrlNotMatches: '.*/authorize.*' },
    ];
    const rule = { require: 'errors-and-web-vitals' as const, structured: false, surfaces };
    const selector = defaultLokiSelector('vc-authn-oidc');
    const nuxtOnly = await probeLoki(upstream(), selector, window(), rule);
    expect(nuxtOnly.status).toBe('fail');
    expect(nuxtOnly.message).toContain('Jinja2: no browser errors, no Web Vitals');
    expect(nuxtOnly.message).not.toContain('Nuxt 3:');
    const jinja = recordedFaroEntries('vc-authn-oidc').map((e) => ({
      ...e,
      line: e.line.replace(/page_url="?[^" ]+"?/, 'page_url="https://vc-authn.example/authorize?pres_req_conf_id=x"'),
    }));
    const at = BigInt(Date.now() - 60_000) * 1_000_000n;
    sim.push(jinja.map((e, i) => ({ stream: e.labels, values: [[String(at + BigInt(i)), e.line]] })));
    const both = await probeLoki(upstream(), selector, window(), rule);
    expect(both.status).toBe('pass');
    expect(both.evidence.surfaces.map((s) => s.name)).toEqual(['Jinja2', 'Nuxt 3']);
    expect(both.message).toMatch(/^\d+ entries in the window on Jinja2 and Nuxt 3 \(\d+ \S+(, \d+ \S+)*\)$/);
    // Totals add up per surface and overall, and the newest entry is the newest of any surface.
    for (const surface of both.evidence.surfaces)
      expect(surface.total).toBe(Object.values(surface.countsByKind).reduce((a, b) => a + b, 0));
    expect(both.evidence.total).toBe(both.evidence.surfaces.reduce((a, s) => a + s.total, 0));
    const newestTimes = both.evidence.surfaces.map((s) => s.newest!.time).sort();
    expect(both.evidence.newest?.time).toBe(newestTimes.at(-1));
    expect(nuxtOnly.evidence.newest?.time).toBe(nuxtOnly.evidence.surfaces[1].newest?.time);
  });

  it('never counts the board’s own synthetic payloads (the /faro route proof) as browser telemetry', async () => {
    sim = await startLokiSimulator();
    const at = String(BigInt(Date.now() - 60_000) * 1_000_000n);
    sim.push([
      {
        stream: { app_name: 'didwebvh-server', kind: 'log' },
        values: [[at, `kind=log message="probe" app_name=didwebvh-server app_environment=${SYNTHETIC_ENVIRONMENT}`]],
      },
    ]);
    expect((await probeLoki(upstream(), defaultLokiSelector('didwebvh-server'), window())).status).toBe('fail');
  });

  it('fails for an app with no entries, and again once its data is switched off', async () => {
    sim = await startLokiSimulator({ faroApps: ['traction-tenant-ui'] });
    expect((await probeLoki(upstream(), defaultLokiSelector('didwebvh-server'), window())).status).toBe('fail');
    sim.control.setApp('traction-tenant-ui', false);
    const result = await probeLoki(upstream(), defaultLokiSelector('traction-tenant-ui'), window());
    expect(result.status).toBe('fail');
    expect(result.message).toContain('no browser events for {service_name="traction-tenant-ui"}');
    // Nothing at all: no "newest entry" to cite, and no logfmt clause for an unstructured rule.
    expect(result.message).not.toContain('newest entry');
    expect(result.message).not.toContain('logfmt');
    expect(result.evidence.surfaces.map((s) => s.name)).toEqual(['all']);
    expect(result.evidence.window).toEqual({
      start: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      end: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
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
    expect((await probeLoki(upstream(), defaultLokiSelector('bc-wallet-demo'), window())).unreachable).toBe(false);
    sim.control.fault({ kind: 'malformed' });
    const malformed = await probeLoki(upstream(), defaultLokiSelector('bc-wallet-demo'), window());
    expect(malformed).toMatchObject({ status: 'error', unreachable: false });
    expect(malformed.message).toContain('not JSON');
    sim.control.fault({ kind: 'hang' });
    const started = Date.now();
    const hung = await probeLoki(upstream(300), defaultLokiSelector('bc-wallet-demo'), window());
    expect(Date.now() - started).toBeLessThan(1500);
    expect(hung.status).toBe('error');
    // No answer at all: the run may skip this upstream's other probes.
    expect(hung.unreachable).toBe(true);
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
