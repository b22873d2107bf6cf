import { afterEach, describe, expect, it, vi } from 'vitest';
import { openTestStore, STORE_PROVIDERS, type TestStore } from '@/test/stores';
import { JobRunner } from './runner';

describe.each(STORE_PROVIDERS)('jobs after a crash, and stuck jobs, on %s', (provider) => {
  let store: TestStore | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await store?.destroy();
    store = undefined;
  });

  it('takes back its own dead lease at once after a restart (kill -9 left it valid for a minute)', async () => {
    store = await openTestStore(provider);
    const now = Date.now();
    // What a replica named "board-0" killed mid-run leaves behind: a lease of a process that no longer exists.
    await store.db.jobLease.create({
      data: {
        name: 'verify:all',
        holder: 'board-0:999999:deadbeef',
        acquiredAt: new Date(now - 5_000),
        expiresAt: new Date(now + 55_000),
      },
    });
    const restarted = new JobRunner(store.db, { replica: 'board-0' });
    const started = Date.now();
    const outcome = await restarted.run('verify:all', async () => 'ran', { trigger: 'manual' });
    expect(outcome).toMatchObject({ status: 'ran', result: 'ran' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('answers that another replica holds the job, until when, and runs it itself once that lease lapses', async () => {
    store = await openTestStore(provider);
    const expiresAt = new Date(Date.now() + 800);
    await store.db.jobLease.create({
      data: { name: 'github-sync', holder: 'board-1:42:cafebabe', acquiredAt: new Date(), expiresAt },
    });
    const runner = new JobRunner(store.db, { replica: 'board-0' });
    let ran = 0;
    const outcome = runner.run('github-sync', async () => ++ran, { trigger: 'manual', retryWhenFree: true });
    const claim = await runner.claimed('github-sync');
    expect(claim).toMatchObject({
      status: 'busy-elsewhere',
      holder: 'board-1:42:cafebabe',
      leaseExpiresAt: expiresAt.toISOString(),
    });
    const retryAt = Date.parse((claim as { retryAt: string }).retryAt);
    expect(retryAt).toBeGreaterThan(expiresAt.getTime());
    expect(retryAt).toBeLessThan(expiresAt.getTime() + 1_000);
    expect(await outcome).toMatchObject({ status: 'busy-elsewhere' });
    expect(ran).toBe(0);
    await expect.poll(() => ran, { timeout: 5_000 }).toBe(1);
  });

  it('never takes a lease from a live process of its own replica', async () => {
    store = await openTestStore(provider);
    await store.db.jobLease.create({
      data: {
        name: 'github-sync',
        holder: `board-0:${process.ppid}:0ld0ld00`, // alive: the test runner's parent
        acquiredAt: new Date(Date.now() - 5_000),
        expiresAt: new Date(Date.now() + 60_000),
      },
    });
    const runner = new JobRunner(store.db, { replica: 'board-0' });
    expect(await runner.run('github-sync', async () => 'ran', { trigger: 'manual' })).toMatchObject({
      status: 'busy-elsewhere',
    });
  });

  it('ends a job past its deadline as failed with the reason, and lets the next run start fresh', async () => {
    store = await openTestStore(provider);
    const runner = new JobRunner(store.db);
    let signal: AbortSignal | undefined;
    const started = Date.now();
    const outcome = await runner.run(
      'github-sync',
      (context) => {
        signal = context.signal;
        return new Promise(() => undefined); // never settles, ignores its signal
      },
      { trigger: 'manual', deadlineMs: 300, deadlineHint: 'SYNC_TIMEOUT' },
    );
    expect(Date.now() - started).toBeLessThan(300 + 1_000 + 500);
    expect(signal?.aborted).toBe(true);
    expect(outcome).toEqual({
      status: 'failed',
      joined: false,
      error: 'the run did not finish within 300ms (SYNC_TIMEOUT), so it was stopped; the next run starts fresh',
    });
    expect(runner.isRunning('github-sync')).toBe(false);
    expect(await runner.run('github-sync', async () => 'fresh', { trigger: 'manual' })).toMatchObject({
      status: 'ran',
      result: 'fresh',
      joined: false,
    });
  });

  it("keeps the store's own error text out of the outcome", async () => {
    store = await openTestStore(provider);
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const runner = new JobRunner(store.db);
    const prismaError = Object.assign(new Error('Invalid `prisma.syncRun.update()` invocation: value 1e308'), {
      name: 'PrismaClientValidationError',
    });
    const outcome = await runner.run(
      'github-sync',
      async () => {
        throw prismaError;
      },
      { trigger: 'webhook' },
    );
    expect(outcome).toEqual({
      status: 'failed',
      joined: false,
      error: 'github-sync failed in the store; the server log has the details.',
    });
  });
});
