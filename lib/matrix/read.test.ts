import { afterEach, describe, expect, it } from 'vitest';
import { openTestStore, STORE_PROVIDERS, storeClosedIssue, type TestStore } from '@/test/stores';
import { readMatrix, readUnmappedPage, UNMAPPED_SHOWN } from './read';
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

describe.each(STORE_PROVIDERS)('listing the issues on no cell, page by page, on %s', (provider) => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.destroy();
    store = undefined;
  });

  it('reads every unmapped and conflicting issue across pages, newest update first, and none that is mapped', async () => {
    store = await openTestStore(provider);
    const at = (minutesAgo: number) => new Date(Date.UTC(2026, 11, 2, 12) - minutesAgo * 60_000);
    const issue = (number: number, mapping: string) => ({
      id: `bcgov/rollout#${number}`,
      planId: store!.plan.id,
      repo: 'bcgov/rollout',
      number,
      title: `Issue ${number}`,
      state: 'open',
      labels: '["phase-3"]',
      assignees: '[]',
      htmlUrl: `https://github.com/bcgov/rollout/issues/${number}`,
      linkedPullRequests: '[]',
      cellKey: null,
      mapping,
      mappingNote: mapping === 'conflict' ? 'Second issue for a cell' : 'No service label',
      openedAt: at(10_000),
      updatedAt: at(number), // a higher number was updated longer ago
      syncedAt: at(0),
    });
    const off = UNMAPPED_SHOWN + 30;
    await store.db.issue.createMany({
      data: [
        ...Array.from({ length: off }, (_, i) => issue(i + 1, i % 3 === 0 ? 'conflict' : 'unmapped')),
        { ...issue(off + 1, 'mapped'), cellKey: 'acapy-agent/profiling-code', updatedAt: at(-5) },
      ],
    });

    const first = await readUnmappedPage(store, 1);
    const second = await readUnmappedPage(store, 2);
    expect([first.total, first.pages, second.total, second.pages]).toEqual([off, 2, off, 2]);
    expect(first.issues.map((i) => i.number)).toEqual(Array.from({ length: UNMAPPED_SHOWN }, (_, i) => i + 1));
    expect(second.issues.map((i) => i.number)).toEqual(Array.from({ length: 30 }, (_, i) => UNMAPPED_SHOWN + i + 1));
    expect(first.issues[0]).toMatchObject({
      mapping: 'conflict',
      note: 'Second issue for a cell',
      labels: ['phase-3'],
    });
    expect(first.issues[1]).toMatchObject({ mapping: 'unmapped', note: 'No service label' });
    // The matrix lists the first page, and says how many there are in all.
    const matrix = await readMatrix(store);
    expect(matrix.unmapped.issues.map((i) => i.number)).toEqual(first.issues.map((i) => i.number));
    expect(matrix.unmapped.total).toBe(off);
    expect((await readUnmappedPage(store, 3)).issues).toEqual([]);
  });
});
