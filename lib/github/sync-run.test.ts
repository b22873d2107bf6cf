import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { driverOf } from '@/lib/db/client';
import { openTestStore, STORE_PROVIDERS, type TestStore } from '@/test/stores';
import { finishRun, INTERRUPTED_RUN_ERROR, startRun } from './sync-run';

describe.each(STORE_PROVIDERS)("a sync run's row on %s", (provider) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await openTestStore(provider);
  });
  afterEach(() => store.destroy());

  const runs = () => store.db.syncRun.findMany({ orderBy: { id: 'asc' } });
  const startedAt = new Date('2026-12-02T04:05:06.789Z');
  const finishedAt = new Date('2026-12-02T04:05:07.123Z');

  // Both ways a statement reaches the store: through Prisma before its driver is connected, straight to it after.
  for (const connected of [false, true]) {
    const driver = connected ? 'connected' : 'not yet connected';
    it(`stores a run as running, then how it ended, to the millisecond (driver ${driver})`, async () => {
      await store.db.$disconnect();
      if (connected) await store.db.syncRun.count();
      expect(driverOf(store.db) !== null).toBe(connected);

      const { runId: id, states } = await startRun(store.db, store.location.provider, 'schedule', startedAt);
      expect(states).toEqual([]); // no repository synced yet
      expect(await runs()).toEqual([
        expect.objectContaining({
          id,
          trigger: 'schedule',
          status: 'running',
          startedAt,
          finishedAt: null,
          repos: '[]',
        }),
      ]);

      await finishRun(store.db, store.location.provider, id, startedAt, {
        status: 'partial',
        finishedAt,
        repos: '[{"repo":"a/b"}]',
        error: 'a/b: GitHub answered 502.',
        requests: 7,
        notModified: 2,
        pages: 5,
        issuesChanged: 3,
      });
      expect(await runs()).toEqual([
        {
          id,
          trigger: 'schedule',
          status: 'partial',
          startedAt,
          finishedAt,
          requests: 7,
          notModified: 2,
          pages: 5,
          issuesChanged: 3,
          repos: '[{"repo":"a/b"}]',
          error: 'a/b: GitHub answered 502.',
        },
      ]);
    });
  }

  for (const connected of [false, true]) {
    const driver = connected ? 'connected' : 'not yet connected';
    it(`starts a run reading every repository's previous ETag, watermark and status, by repository (driver ${driver})`, async () => {
      const since = new Date('2026-11-30T23:59:58.007Z');
      await store.db.repoSyncState.create({ data: { repo: 'org/web', etag: 'W/"abc"', since, lastStatus: 'ok' } });
      await store.db.repoSyncState.create({
        data: { repo: 'org/api', lastStatus: 'failed', lastError: 'GitHub answered 502.' },
      });
      await store.db.$disconnect();
      if (connected) await store.db.syncRun.count();
      expect(driverOf(store.db) !== null).toBe(connected);

      const { runId, states } = await startRun(store.db, store.location.provider, 'schedule', startedAt);
      expect(states).toEqual([
        { repo: 'org/api', etag: null, since: null, lastStatus: 'failed' },
        { repo: 'org/web', etag: 'W/"abc"', since, lastStatus: 'ok' },
      ]);
      expect(await runs()).toEqual([expect.objectContaining({ id: runId, status: 'running', startedAt })]);
    });
  }

  it('marks failed, as interrupted at its start, every other run still running; finished runs stay as they were', async () => {
    const earlier = new Date('2026-12-02T03:00:00.000Z');
    const done = await store.db.syncRun.create({
      data: { trigger: 'manual', status: 'succeeded', startedAt: earlier, finishedAt: earlier },
    });
    const cutOff = await store.db.syncRun.create({
      data: { trigger: 'schedule', status: 'running', startedAt: earlier },
    });
    const { runId: id } = await startRun(store.db, store.location.provider, 'manual', startedAt);
    await finishRun(store.db, store.location.provider, id, startedAt, {
      status: 'succeeded',
      finishedAt,
      repos: '[]',
      error: null,
    });
    const [first, second, own] = await runs();
    expect(first).toEqual(done);
    expect(second).toMatchObject({
      id: cutOff.id,
      status: 'failed',
      finishedAt: startedAt,
      error: INTERRUPTED_RUN_ERROR,
    });
    expect(own).toMatchObject({ id, status: 'succeeded', finishedAt, error: null, requests: 0 });
    expect(id).toBeGreaterThan(cutOff.id);
  });
});
