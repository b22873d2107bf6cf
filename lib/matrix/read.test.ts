import { afterEach, describe, expect, it } from 'vitest';
import { openTestStore, STORE_PROVIDERS, storeClosedIssue, type TestStore } from '@/test/stores';
import { readMatrix } from './read';
import { HISTORY_PER_CELL } from './read-checks';

describe.each(STORE_PROVIDERS)('reading check history on %s', (provider) => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.destroy();
    store = undefined;
  });

  it('stays bounded as history grows, yet remembers an old pass (regressed) and the newest result', async () => {
    store = await openTestStore(provider);
    // A cell whose one criterion is its profiles: that criterion held once, so the cell was verified then.
    const key = 'acapy-endorser-service/profiling-code';
    const row = (status: string, minutesAgo: number) => ({
      planId: 'phase-3',
      cellKey: key,
      check: 'pyroscope',
      target: 'acapy-endorser-service',
      status,
      message: status === 'pass' ? null : `no profiles (${minutesAgo})`,
      evidence: '{}',
      durationMs: 5,
      trigger: 'schedule',
      checkedAt: new Date(Date.now() - minutesAgo * 60_000),
    });
    await store.db.checkResult.createMany({
      data: [row('pass', 10_000), ...Array.from({ length: 300 }, (_, i) => row('fail', 300 - i))],
    });
    await storeClosedIssue(store, key);
    const cell = (await readMatrix(store)).rows.find((r) => r.service.slug === 'acapy-endorser-service')!.cells[0]!;
    expect(cell.state).toBe('regressed');
    expect(cell.lastVerifiedAt).toBe(
      new Date(Date.now() - 10_000 * 60_000).toISOString().slice(0, 13) + cell.lastVerifiedAt!.slice(13),
    );
    expect(cell.latestChecks).toHaveLength(1);
    expect(cell.latestChecks[0].message).toBe('no profiles (1)');
    expect(cell.history).toHaveLength(HISTORY_PER_CELL);
    expect(cell.history.at(-1)!.checkedAt > cell.history[0].checkedAt).toBe(true);
  });
});
