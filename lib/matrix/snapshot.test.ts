import { afterEach, describe, expect, it } from 'vitest';
import { readStoreRevision } from '@/lib/db/revision';
import { openTestStore, STORE_PROVIDERS, storeClosedIssue, type TestStore } from '@/test/stores';
import { readMatrixSnapshot } from './read';

const KEY = 'acapy-agent/profiling-code';
const result = (status: string) => ({
  planId: 'phase-3',
  cellKey: KEY,
  check: 'pyroscope',
  target: 'acapy-agent',
  status,
  message: status === 'pass' ? null : 'no profiles in the last 15 minutes',
  evidence: JSON.stringify({ profileTypes: ['process_cpu:cpu'] }),
  durationMs: 4,
  trigger: 'manual',
  checkedAt: new Date(),
});

describe.each(STORE_PROVIDERS)('the derived matrix, cached by store revision, on %s', (provider) => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.destroy();
    store = undefined;
  });

  it('is derived once per revision: requests in between share it, a check result or an issue makes a new one', async () => {
    store = await openTestStore(provider);
    const first = await readMatrixSnapshot(store);
    const again = await readMatrixSnapshot(store);
    expect(again).toBe(first);
    expect(first.etag).toBe(`"phase-3-${first.revision}"`);

    await store.db.checkResult.create({ data: result('pass') });
    const afterCheck = await readMatrixSnapshot(store);
    expect(afterCheck.revision).toBeGreaterThan(first.revision);
    expect(afterCheck).not.toBe(first);
    const cell = afterCheck.view.rows[0].cells[0];
    expect(cell?.latestChecks.map((c) => c.status)).toEqual(['pass']);
    expect(afterCheck.compact.rows[0].cells[0]).toMatchObject({ key: KEY, liveStatus: 'pass', history: 'p' });

    await storeClosedIssue(store, KEY);
    const afterIssue = await readMatrixSnapshot(store);
    expect(afterIssue.revision).toBeGreaterThan(afterCheck.revision);
    expect(afterIssue.compact.rows[0].cells[0]?.issue?.number).toBe(1);
  });

  it('keeps the revision in the store, so a second client (another replica) sees every bump', async () => {
    store = await openTestStore(provider);
    const before = await readStoreRevision(store.db);
    const { createPrismaClient } = await import('@/lib/db/client');
    const other = createPrismaClient(store.location);
    try {
      await other.checkResult.create({ data: result('fail') });
      await other.cell.updateMany({ where: { planId: 'phase-3', key: KEY }, data: { estimateMinutes: 30 } });
    } finally {
      await other.$disconnect();
    }
    expect(await readStoreRevision(store.db)).toBeGreaterThanOrEqual(before + 2);
    // A write that changes nothing the matrix reads (sync bookkeeping) does not bump it.
    const settled = await readStoreRevision(store.db);
    await store.db.syncRun.create({ data: { trigger: 'manual', status: 'running', startedAt: new Date() } });
    expect(await readStoreRevision(store.db)).toBe(settled);
  });
});
