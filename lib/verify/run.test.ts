import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@/lib/config/env';
import { JobRunner } from '@/lib/jobs/runner';
import { checkFactOf } from '@/lib/matrix/check-fact';
import { readMatrix } from '@/lib/matrix/read';
import type { MatrixCell, MatrixView } from '@/lib/matrix/types';
import type { Runtime } from '@/lib/jobs/runtime';
import { startSimulators, type SimulatorSet } from '@/simulators';
import type { LokiSimulator } from '@/simulators/loki';
import type { PyroscopeSimulator } from '@/simulators/pyroscope';
import { openTestStore, STORE_PROVIDERS, storeClosedIssue, type TestStore } from '@/test/stores';
import { runChecks, startVerification, verifyCells } from './run';

let sims: SimulatorSet;
beforeAll(async () => {
  sims = await startSimulators();
});
afterAll(async () => {
  await sims.stop();
});

const config = (extra: Record<string, string> = {}) =>
  parseConfig({ ...sims.env, PROBE_TIMEOUT: '5s', GATE_DEADLINE: '5s', VERIFY_CONCURRENCY: '4', ...extra });
const cellOf = (view: MatrixView, key: string): MatrixCell =>
  key.startsWith('gate/')
    ? view.gate!
    : view.rows.flatMap((r) => r.cells).find((c): c is MatrixCell => c?.key === key)!;

describe.each(STORE_PROVIDERS)('verification on %s', (provider) => {
  let store: TestStore | undefined;
  afterEach(async () => {
    for (const s of sims.simulators) await (s as unknown as { control?: { reset?: () => void } }).control?.reset?.();
    await store?.destroy();
    store = undefined;
  });

  it('verifies every cell against the demo upstreams: pass, fail, error each where the data says', async () => {
    store = await openTestStore(provider);
    const pyroscope = sims.byName.pyroscope as PyroscopeSimulator;
    const before = pyroscope.requests.length;
    const summary = await runChecks(store, undefined, 'manual', config());
    expect(summary.checks).toBe(await store.db.checkResult.count());
    // What each probe stored reads back with its check's evidence schema: writer and reader agree.
    const unreadable = (await store.db.checkResult.findMany()).map(checkFactOf).filter((f) => f.evidenceProblem);
    expect(unreadable.map((f) => `${f.check}: ${f.evidenceProblem}`)).toEqual([]);
    const view = await readMatrix(store);
    const latest = (key: string, check: string) => cellOf(view, key).latestChecks.find((c) => c.check === check)!;
    expect(latest('acapy-agent/profiling-code', 'pyroscope').status).toBe('pass');
    expect(latest('acapy-agent/profiling-code', 'pyroscope').evidence).toMatchObject({
      services: [
        {
          serviceName: 'acapy-agent',
          profileTypes: ['process_cpu:cpu:nanoseconds:cpu:nanoseconds'],
          lastSeenType: 'process_cpu:cpu:nanoseconds:cpu:nanoseconds',
        },
      ],
    });
    expect(latest('acapy-agent/profiling-code', 'flame-graph')).toMatchObject({ status: 'pass' });
    // No issue, no pods: nothing says when the change went live, so latency cannot be compared yet.
    expect(latest('acapy-agent/profiling-code', 'latency').status).toBe('insufficient-data');
    expect(latest('acapy-agent/profiling-helm', 'pyroscope').status).toBe('pass');
    // "Last seen" is read from the CPU type (wall for Node), not the first type alphabetically (heap objects).
    expect(latest('bc-wallet-demo/profiling-code', 'pyroscope').evidence).toMatchObject({
      services: [{ serviceName: 'bc-wallet-demo-server', lastSeenType: 'wall:wall:nanoseconds:wall:nanoseconds' }],
    });
    expect(latest('traction/profiling-code', 'pyroscope')).toMatchObject({
      status: 'fail',
      target: 'traction-tenant-ui, traction-acapy',
    });
    expect(latest('didcomm-mediator-credo/profiling-code', 'pyroscope').message).toContain(
      'store-gateway: no healthy instances',
    );
    expect(latest('bc-wallet-demo/faro-code', 'loki').status).toBe('pass');
    expect(latest('bc-wallet-demo/faro-code', 'tempo').status).toBe('pass');
    expect(latest('bc-wallet-demo/faro-code', 'faro-route')).toMatchObject({ status: 'pass' });
    expect(latest('traction/faro-code', 'tempo').status).toBe('fail');
    expect(latest('traction/faro-code', 'loki')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('no browser errors, no Web Vitals'),
    });
    expect(latest('traction/faro-code', 'faro-route').message).toContain('same origin, no preflight');
    expect(latest('acapy-vc-authn-oidc/faro-code', 'loki')).toMatchObject({
      status: 'error',
      message: expect.stringContaining('504'),
    });
    expect(latest('acapy-vc-authn-oidc/faro-code', 'faro-route')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('no Access-Control-Allow-Origin header'),
    });
    expect(latest('didwebvh-server-py/faro-code', 'faro-route')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('answered 502'),
    });
    expect(latest('didwebvh-server-py/faro-code', 'loki').status).toBe('pass');
    expect(latest('credo-ts/faro-code', 'loki').status).toBe('fail');
    expect(latest('traction/faro-helm', 'collector-url').status).toBe('pass');
    expect(latest('bc-wallet-demo/faro-helm', 'collector-url').message).toContain('config.json');
    for (const step of ['gate-ready', 'gate-reachable', 'gate-receiver', 'gate-loki'])
      expect(latest('gate/infrastructure', step).status, step).toBe('pass');
    // Identical reads within a run are sent once: the code and Helm cells' profiles, and the flame graph's Series.
    const seriesForAcapy = pyroscope.requests
      .slice(before)
      .filter((r) => r.path.endsWith('/Series') && r.body.toString().includes('acapy-agent\\"'));
    expect(seriesForAcapy).toHaveLength(1);
  });

  it('says "not configured" for upstreams without a URL', async () => {
    store = await openTestStore(provider);
    await runChecks(
      store,
      ['acapy-agent/profiling-code', 'bc-wallet-demo/faro-code', 'gate/infrastructure'],
      'manual',
      parseConfig({}),
    );
    const rows = await store.db.checkResult.findMany({ orderBy: [{ cellKey: 'asc' }, { check: 'asc' }] });
    expect(rows.map((r) => [r.cellKey, r.check, r.status])).toEqual([
      ['acapy-agent/profiling-code', 'flame-graph', 'not-configured'],
      ['acapy-agent/profiling-code', 'latency', 'not-configured'],
      ['acapy-agent/profiling-code', 'pyroscope', 'not-configured'],
      ['bc-wallet-demo/faro-code', 'faro-route', 'not-configured'],
      ['bc-wallet-demo/faro-code', 'loki', 'not-configured'],
      ['bc-wallet-demo/faro-code', 'tempo', 'not-configured'],
      ['gate/infrastructure', 'gate-loki', 'not-configured'],
      ['gate/infrastructure', 'gate-reachable', 'not-configured'],
      ['gate/infrastructure', 'gate-ready', 'not-configured'],
      ['gate/infrastructure', 'gate-receiver', 'not-configured'],
    ]);
    expect(rows[2].message).toContain('PYROSCOPE_URL is not set');
  });

  it('keeps every result and combines them with the issue into the cell state', async () => {
    store = await openTestStore(provider);
    // One criterion, its profiles: verified when they arrive, regressed when they stop.
    const key = 'bc-wallet-demo/profiling-code';
    expect(cellOf(await readMatrix(store), key).state).toBe('planned');
    await storeClosedIssue(store, key, { number: 1 });
    expect(cellOf(await readMatrix(store), key).state).toBe('closed-unverified');
    await runChecks(store, [key], 'manual', config());
    const verified = cellOf(await readMatrix(store), key);
    expect(verified.state).toBe('verified');
    (sims.byName.pyroscope as PyroscopeSimulator).control.setService('bc-wallet-demo-server', null);
    await runChecks(store, [key], 'schedule', config());
    const regressed = cellOf(await readMatrix(store), key);
    expect(regressed.state).toBe('regressed');
    expect(regressed.lastVerifiedAt).toBe(verified.lastVerifiedAt);
    expect(regressed.history.map((h) => h.status)).toEqual(['pass', 'fail']);
    expect(await store.db.checkResult.count({ where: { cellKey: key } })).toBe(2);
  });

  it('waits for a hung upstream about once per run: its later probes report it without waiting', async () => {
    store = await openTestStore(provider);
    const pyroscope = sims.byName.pyroscope as PyroscopeSimulator;
    pyroscope.control.fault({ kind: 'hang' });
    const asked = pyroscope.requests.length;
    const cells = [
      'acapy-agent',
      'acapy-vc-authn-oidc',
      'acapy-endorser-service',
      'didwebvh-server-py',
      'credo-ts',
      'bc-wallet-demo',
    ].map((s) => `${s}/profiling-code`);
    const probeTimeout = 600;
    const started = Date.now();
    await runChecks(store, cells, 'manual', config({ PROBE_TIMEOUT: `${probeTimeout}ms`, VERIFY_CONCURRENCY: '2' }));
    const elapsed = Date.now() - started;
    // Six profiles probes and acapy-agent's flame graph ask Pyroscope (latency asks Tempo).
    const rows = await store.db.checkResult.findMany({ where: { check: { in: ['pyroscope', 'flame-graph'] } } });
    expect(rows).toHaveLength(7);
    expect(rows.every((r) => r.status === 'error' && r.message!.includes('did not answer within 600ms'))).toBe(true);
    // Counted, not timed, so it holds on a loaded machine: only the first wave (acapy-agent's profiles and flame
    // graph, which share one Series read) was sent and waited for; the other five were not sent at all.
    expect(rows.filter((r) => r.message!.startsWith('Not asked: '))).toHaveLength(5);
    expect(pyroscope.requests.length - asked).toBe(1);
    // It was aborted at its timeout, not abandoned: Pyroscope saw the connection close.
    await expect.poll(() => pyroscope.hanging(), { timeout: 2_000, interval: 20 }).toBe(0);
    // Seven probes two at a time, each waiting its timeout, take four waves (2.4 s); one wave leaves the rest as
    // margin for store writes on a loaded 2-core machine.
    expect(elapsed).toBeLessThan(4 * probeTimeout);
  });

  it('still asks an upstream that answers other probes when one of its queries hangs', async () => {
    store = await openTestStore(provider);
    (sims.byName.pyroscope as PyroscopeSimulator).control.fault({ kind: 'hang' }, 'traction-tenant-ui');
    await runChecks(
      store,
      [
        'traction/profiling-code',
        'acapy-endorser-service/profiling-code',
        'bc-wallet-demo/profiling-code',
        'credo-ts/profiling-code',
      ],
      'manual',
      config({ PROBE_TIMEOUT: '600ms', VERIFY_CONCURRENCY: '1' }),
    );
    const rows = await store.db.checkResult.findMany({ where: { check: 'pyroscope' }, orderBy: { cellKey: 'asc' } });
    expect(rows.map((r) => [r.cellKey, r.status])).toEqual([
      ['acapy-endorser-service/profiling-code', 'fail'],
      ['bc-wallet-demo/profiling-code', 'pass'],
      ['credo-ts/profiling-code', 'fail'],
      ['traction/profiling-code', 'error'],
    ]);
  });

  it('joins a running identical check instead of starting another', async () => {
    store = await openTestStore(provider);
    const runtime: Runtime = { store, jobs: new JobRunner(store.db) };
    (sims.byName.loki as LokiSimulator).control.fault({ kind: 'delay', ms: 300 });
    const first = startVerification(runtime, { kind: 'service', slug: 'bc-wallet-demo' }, 'manual', config());
    const second = startVerification(runtime, { kind: 'service', slug: 'bc-wallet-demo' }, 'manual', config());
    expect([first.joined, second.joined]).toEqual([false, true]);
    // The joiner learns when the run it joined began: the Verify button counts results from then on.
    expect(second.startedAt).toBe(first.startedAt);
    expect(runtime.jobs.runningJobs()).toEqual(['verify:service:bc-wallet-demo']);
    const [a, b] = await Promise.all([first.done, second.done]);
    expect(a).toMatchObject({ status: 'ran', joined: false });
    expect(b).toMatchObject({ status: 'ran', joined: true });
    for (const r of await store.db.checkResult.findMany()) expect(r.checkedAt >= first.startedAt).toBe(true);
    // One run of bc-wallet-demo's automated criteria (merged and deployed need the evidence checkers):
    // profiles, browser telemetry, traces, the /faro route and the collector URL.
    expect((await store.db.checkResult.findMany()).map((r) => r.check).sort()).toEqual([
      'collector-url',
      'faro-route',
      'loki',
      'pyroscope',
      'tempo',
    ]);
  });

  it('bounds a hung upstream by the timeout and still stores every other result', async () => {
    store = await openTestStore(provider);
    (sims.byName.pyroscope as PyroscopeSimulator).control.fault({ kind: 'hang' });
    const started = Date.now();
    const runtime: Runtime = { store, jobs: new JobRunner(store.db) };
    await verifyCells(
      runtime,
      ['acapy-agent/profiling-code', 'bc-wallet-demo/faro-helm'],
      'sync',
      config({ PROBE_TIMEOUT: '500ms' }),
    );
    expect(Date.now() - started).toBeLessThan(4000);
    const rows = await store.db.checkResult.findMany({ orderBy: [{ cellKey: 'asc' }, { check: 'asc' }] });
    expect(rows.map((r) => [r.cellKey, r.check, r.status, r.trigger])).toEqual([
      ['acapy-agent/profiling-code', 'flame-graph', 'error', 'sync'],
      ['acapy-agent/profiling-code', 'latency', 'insufficient-data', 'sync'],
      ['acapy-agent/profiling-code', 'pyroscope', 'error', 'sync'],
      ['bc-wallet-demo/faro-helm', 'collector-url', 'pass', 'sync'],
    ]);
    expect(rows[0].message).toContain('did not answer within 500ms');
  });

  it('compares latency around the go-live time: the issue’s close when no pods or merge say otherwise', async () => {
    store = await openTestStore(provider);
    const key = 'acapy-agent/profiling-code';
    await storeClosedIssue(store, key, { number: 1 });
    await store.db.issue.update({
      where: { id: 'bcgov/rollout#1' },
      data: { closedAt: new Date(Date.now() - 86_400_000) },
    });
    await runChecks(store, [key], 'manual', config());
    const latency = await store.db.checkResult.findFirstOrThrow({ where: { cellKey: key, check: 'latency' } });
    expect(latency.status).toBe('pass');
    expect(JSON.parse(latency.evidence)).toMatchObject({ wentLiveFrom: 'issue closed', changePercent: 0 });
    // All three criteria hold: the cell is verified.
    expect(cellOf(await readMatrix(store), key)).toMatchObject({ state: 'verified', criteriaHeld: 3 });
  });
});
