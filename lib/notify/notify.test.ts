import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@/lib/config/env';
import { openStore } from '@/lib/db/store';
import { JobRunner } from '@/lib/jobs/runner';
import type { Runtime } from '@/lib/jobs/runtime';
import { startVerification } from '@/lib/verify/run';
import { startSimulators, type SimulatorSet } from '@/simulators';
import type { PyroscopeSimulator } from '@/simulators/pyroscope';
import { openTestStore, PHASE_3_PLAN, STORE_PROVIDERS, storeClosedIssue, type TestStore } from '@/test/stores';
import { announceStateChanges } from './announce';
import { addChannel, listChannels } from './channels';
import { deliverDue, deliverWithRetries } from './deliver';

const REGRESSING = 'didwebvh-server-py/profiling-code';
const FAST = { attempts: 3, backoffMs: 20, timeoutMs: 2_000 };

/** Waits until the outbox has nothing pending or being sent (the verification delivers in the background). */
async function delivered(store: TestStore) {
  for (let i = 0; i < 200; i++) {
    await deliverWithRetries(store.db, FAST);
    const open = await store.db.notificationOutbox.count({ where: { status: { in: ['pending', 'sending'] } } });
    if (open === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the outbox did not settle');
}

/** A local webhook receiver: records every body; answers the first `failFirst` posts with 503. */
async function startReceiver(failFirst = 0) {
  const received: Array<{ path: string; body: unknown }> = [];
  let posts = 0;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      posts += 1;
      if (posts <= failFirst) {
        response.writeHead(503).end('try later');
        return;
      }
      received.push({ path: request.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    posts: () => posts,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let sims: SimulatorSet;
beforeAll(async () => {
  sims = await startSimulators();
});
afterAll(async () => {
  await sims.stop();
});

/** A pyroscope result of the regressing demo cell, `msAgo` before now. */
const regressingResult = (store: TestStore, status: string, msAgo: number) => ({
  planId: store.plan.id,
  cellKey: REGRESSING,
  check: 'pyroscope',
  target: 'didwebvh-server',
  status,
  message: null,
  evidence: '{}',
  durationMs: 1,
  trigger: 'schedule',
  checkedAt: new Date(Date.now() - msAgo),
});

describe.each(STORE_PROVIDERS)('notifications on %s', (provider) => {
  let store: TestStore | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  const pyroscope = () => sims.byName.pyroscope as PyroscopeSimulator;
  afterEach(async () => {
    pyroscope().control.reset();
    await receiver?.stop();
    await store?.destroy();
    store = receiver = undefined;
  });

  it("announces the demo's regressing service once when it regresses, and not again on the next run", async () => {
    store = await openTestStore(provider);
    receiver = await startReceiver();
    await addChannel(store.db, { name: 'team json', format: 'json', url: `${receiver.url}/json/s3cret`, digest: true });
    await addChannel(store.db, {
      name: 'team slack',
      format: 'slack',
      url: `${receiver.url}/slack/T0/B0/x`,
      digest: false,
    });
    await storeClosedIssue(store, REGRESSING, { number: 7 });
    const config = parseConfig({
      ...sims.env,
      PROBE_TIMEOUT: '5s',
      GATE_DEADLINE: '5s',
      BOARD_URL: 'https://rollout.example.org',
    });
    const runtime: Runtime = { store, jobs: new JobRunner(store.db) };
    const verifyAll = async () => {
      const outcome = await startVerification(runtime, { kind: 'all' }, 'schedule', config).done;
      expect(outcome.status).toBe('ran');
      await delivered(store!);
    };

    // The demo's didwebvh-server profiles for its first minute only; pin "sending" so a slow run cannot start late.
    pyroscope().control.setService('didwebvh-server', true);
    await verifyAll(); // the first run sets where each cell stands: nothing to announce yet
    expect(receiver.received).toEqual([]);

    pyroscope().control.setService('didwebvh-server', null); // the service stops sending profiles
    await verifyAll();
    expect(receiver.received.map((r) => r.path).sort()).toEqual(['/json/s3cret', '/slack/T0/B0/x']);
    const json = receiver.received.find((r) => r.path.startsWith('/json'))!.body as {
      type: string;
      changes: Array<Record<string, unknown>>;
    };
    expect(json.type).toBe('rollout.state_changed');
    expect(json.changes).toEqual([
      expect.objectContaining({
        event: 'regressed',
        cell: REGRESSING,
        from: 'verified',
        to: 'regressed',
        url: 'https://rollout.example.org/services/didwebvh-server-py#profiling-code',
      }),
    ]);
    const slack = receiver.received.find((r) => r.path.startsWith('/slack'))!.body as { text: string };
    expect(slack.text).toContain('<https://rollout.example.org/services/didwebvh-server-py#profiling-code|');
    expect(slack.text).toContain('regressed');

    await verifyAll();
    expect(receiver.received).toHaveLength(2);

    // The settings page shows where each channel posts without its secret path, and the last delivery.
    const channels = await listChannels(store.db);
    expect(JSON.stringify(channels)).not.toContain('s3cret');
    expect(channels[0]).toMatchObject({ target: `${new URL(receiver.url).host}/…`, lastDelivery: { status: 'sent' } });
  }, 60_000);

  it('sends a digest channel one message per verify-all run, and the other channels one per change', async () => {
    store = await openTestStore(provider);
    receiver = await startReceiver();
    await addChannel(store.db, { name: 'digest', format: 'json', url: `${receiver.url}/digest`, digest: true });
    await addChannel(store.db, { name: 'each', format: 'json', url: `${receiver.url}/each`, digest: false });
    await storeClosedIssue(store, REGRESSING, { number: 9 });
    await storeClosedIssue(store, 'acapy-agent/profiling-code', { number: 10 });
    const config = parseConfig({ ...sims.env, PROBE_TIMEOUT: '5s', GATE_DEADLINE: '5s' });
    const runtime: Runtime = { store, jobs: new JobRunner(store.db) };
    const verifyAll = async () => {
      await startVerification(runtime, { kind: 'all' }, 'schedule', config).done;
      await delivered(store!);
    };
    pyroscope().control.setService('didwebvh-server', true);
    await verifyAll();
    expect(receiver.received).toEqual([]);

    // Both services stop sending: two cells regress in one run.
    pyroscope().control.setService('didwebvh-server', null);
    pyroscope().control.setService('acapy-agent', null);
    await verifyAll();
    const digest = receiver.received.filter((r) => r.path === '/digest');
    const each = receiver.received.filter((r) => r.path === '/each');
    expect(digest).toHaveLength(1);
    expect(digest[0].body).toMatchObject({ type: 'rollout.digest' });
    const cells = (digest[0].body as { changes: Array<{ cell: string; event: string }> }).changes;
    expect(cells.map((c) => [c.cell, c.event]).sort()).toEqual([
      ['acapy-agent/profiling-code', 'regressed'],
      [REGRESSING, 'regressed'],
    ]);
    expect(each).toHaveLength(2);
    expect(each.every((r) => (r.body as { type: string }).type === 'rollout.state_changed')).toBe(true);
  }, 60_000);

  it('of two replicas seeing the same change, exactly one announces it', async () => {
    store = await openTestStore(provider);
    receiver = await startReceiver();
    await addChannel(store.db, { name: 'json', format: 'json', url: receiver.url, digest: true });
    await storeClosedIssue(store, REGRESSING, { number: 8 });
    const row = (status: string, msAgo: number) => regressingResult(store!, status, msAgo);
    await store.db.checkResult.create({ data: row('pass', 5_000) });
    await announceStateChanges(store, { digest: true });
    await store.db.checkResult.create({ data: row('fail', 1_000) });

    const other = await openStore({ databaseUrl: store.databaseUrl, planFilePath: PHASE_3_PLAN });
    try {
      const [a, b] = await Promise.all([
        announceStateChanges(store, { digest: true }),
        announceStateChanges(other, { digest: true }),
      ]);
      expect([a.length, b.length].sort()).toEqual([0, 1]);
      await Promise.all([deliverDue(store.db, FAST), deliverDue(other.db, FAST)]);
    } finally {
      await other.db.$disconnect();
    }
    expect(receiver.received).toHaveLength(1);
  }, 30_000);

  it('skips a stored channel whose format this board does not render, and lists it as such', async () => {
    store = await openTestStore(provider);
    receiver = await startReceiver();
    await addChannel(store.db, { name: 'json', format: 'json', url: `${receiver.url}/json`, digest: false });
    const teams = await addChannel(store.db, {
      name: 'teams',
      format: 'json',
      url: `${receiver.url}/teams`,
      digest: false,
    });
    await store.db.notificationChannel.update({ where: { id: teams }, data: { format: 'teams' } });
    await storeClosedIssue(store, REGRESSING, { number: 8 });
    const row = (status: string, msAgo: number) => regressingResult(store!, status, msAgo);
    await store.db.checkResult.create({ data: row('pass', 5_000) });
    await announceStateChanges(store, { digest: true });
    await store.db.checkResult.create({ data: row('fail', 1_000) });
    expect(await announceStateChanges(store, { digest: true })).toHaveLength(1);
    const outbox = await store.db.notificationOutbox.findMany();
    expect(outbox.map((o) => o.channelId)).not.toContain(teams);
    expect(outbox).toHaveLength(1);
    expect((await listChannels(store.db)).map((c) => [c.name, c.format])).toEqual([
      ['json', 'json'],
      ['teams', null],
    ]);
  }, 30_000);

  it('retries with backoff until the receiver takes it', async () => {
    store = await openTestStore(provider);
    receiver = await startReceiver(2);
    const channelId = await addChannel(store.db, { name: 'flaky', format: 'json', url: receiver.url, digest: true });
    await store.db.notificationOutbox.create({
      data: {
        channelId,
        body: '{"n":1}',
        summary: 'one',
        status: 'pending',
        createdAt: new Date(),
        nextAttemptAt: new Date(),
      },
    });
    const started = Date.now();
    await deliverWithRetries(store.db, FAST);
    expect(receiver.posts()).toBe(3);
    expect(receiver.received).toEqual([{ path: '/', body: { n: 1 } }]);
    // Waited 20 ms, then 40 ms between attempts.
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
    const sent = await store.db.notificationOutbox.findFirstOrThrow();
    expect(sent).toMatchObject({ status: 'sent', attempts: 3 });
  }, 30_000);
});
