import { afterEach, describe, expect, it } from 'vitest';
import { openTestStore, STORE_PROVIDERS, type TestStore } from '@/test/stores';
import { JobRunner } from './runner';

describe.each(STORE_PROVIDERS)('job runner on %s', (provider) => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.destroy();
    store = undefined;
  });

  it('joins a run already in progress instead of starting a second one', async () => {
    store = await openTestStore(provider);
    const runner = new JobRunner(store.db);
    let calls = 0;
    const job = async () => {
      calls += 1;
      await new Promise((r) => setTimeout(r, 100));
      return calls;
    };
    const [first, second] = await Promise.all([
      runner.run('sync', job, { trigger: 'manual' }),
      runner.run('sync', job, { trigger: 'manual' }),
    ]);
    expect(calls).toBe(1);
    expect(first).toMatchObject({ status: 'ran', result: 1, joined: false });
    expect(second).toMatchObject({ status: 'ran', result: 1, joined: true });
  });

  it('lets only one of two replicas run a job; the other skips or waits its turn', async () => {
    store = await openTestStore(provider);
    const replicaA = new JobRunner(store.db);
    const replicaB = new JobRunner(store.db);
    const order: string[] = [];
    const job = (who: string) => async () => {
      order.push(`${who} start`);
      await new Promise((r) => setTimeout(r, 150));
      order.push(`${who} end`);
    };
    // A holds its lease until the test lets it go, so the outcome never depends on the machine's speed.
    let aStarted!: () => void;
    let releaseA!: () => void;
    const started = new Promise<void>((resolve) => (aStarted = resolve));
    const held = new Promise<void>((resolve) => (releaseA = resolve));
    const a = replicaA.run(
      'sync',
      async () => {
        order.push('A start');
        aStarted();
        await held;
        order.push('A end');
      },
      { trigger: 'schedule' },
    );
    await started;
    expect(await replicaB.run('sync', job('B'), { trigger: 'schedule', onBusy: 'skip' })).toMatchObject({
      status: 'busy-elsewhere',
      holder: replicaA.holder,
    });
    const b = replicaB.run('sync', job('B'), { trigger: 'manual', onBusy: 'wait' });
    releaseA();
    await Promise.all([a, b]);
    expect(order).toEqual(['A start', 'A end', 'B start', 'B end']);
    expect(await store.db.jobLease.count()).toBe(0);
  });

  it('reports a failing job as an outcome and frees the lease', async () => {
    store = await openTestStore(provider);
    const runner = new JobRunner(store.db);
    const outcome = await runner.run(
      'verify',
      async () => {
        throw new Error('Loki answered 503');
      },
      { trigger: 'manual' },
    );
    expect(outcome).toEqual({ status: 'failed', error: 'Loki answered 503', joined: false });
    expect(await store.db.jobLease.count()).toBe(0);
  });

  it('takes over a lease whose holder died (expired)', async () => {
    store = await openTestStore(provider);
    await store.db.jobLease.create({
      data: { name: 'sync', holder: 'dead-replica', acquiredAt: new Date(0), expiresAt: new Date(1000) },
    });
    const outcome = await new JobRunner(store.db).run('sync', async () => 'done', { trigger: 'schedule' });
    expect(outcome).toMatchObject({ status: 'ran', result: 'done' });
  });
});
