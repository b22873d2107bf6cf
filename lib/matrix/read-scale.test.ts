import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticPlan } from '@/bench/synthetic';
import { openTestStore, STORE_PROVIDERS, type TestStore } from '@/test/stores';
import { readMatrix } from './read';
import { checkReadSql } from './read-checks';

// 340 services × 6 capabilities + the gate: past 2,000 cells, each with three checks and a history.
const SERVICES = 340;
const CHECKS = ['pyroscope', 'tempo', 'merged'];

describe.each(STORE_PROVIDERS)('the matrix at fleet scale on %s', (provider) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(provider, writeSyntheticPlan(SERVICES));
    const cells = store.plan.cells;
    const start = Date.now() - 3_600_000;
    const rows = cells.flatMap((cell, c) =>
      CHECKS.flatMap((check, k) =>
        // Oldest first: a pass, then (for every third cell) a newer fail, so "newest" and "newest pass" differ.
        [0, 1, 2].map((n) => ({
          planId: store.plan.id,
          cellKey: cell.key,
          check,
          target: cell.key,
          status: n === 2 && c % 3 === 0 && k === 0 ? 'fail' : 'pass',
          message: n === 2 && c % 3 === 0 && k === 0 ? `no profiles for ${cell.key}` : null,
          evidence: JSON.stringify({ n }),
          durationMs: 3,
          trigger: 'schedule',
          checkedAt: new Date(start + (c * 10 + k) * 1000 + n * 600_000),
        })),
      ),
    );
    for (let i = 0; i < rows.length; i += 2000)
      await store.db.checkResult.createMany({ data: rows.slice(i, i + 2000) });
  }, 120_000);
  afterAll(async () => store?.destroy());

  it('reads more than 2,000 cells with their newest results and history, without a parameter per cell', async () => {
    expect(store.plan.cells.length).toBeGreaterThanOrEqual(2000);
    const view = await readMatrix(store);
    const cells = view.rows.flatMap((r) => r.cells).filter((c) => c !== null);
    expect(cells).toHaveLength(SERVICES * 6);
    const first = cells[0];
    expect(first.latestChecks.map((c) => c.check).sort()).toEqual([...CHECKS].sort());
    expect(first.latestChecks.find((c) => c.check === 'pyroscope')?.status).toBe('fail');
    expect(first.latestChecks.find((c) => c.check === 'pyroscope')?.message).toBe(`no profiles for ${first.key}`);
    expect(first.history).toHaveLength(9);
    expect(first.history.filter((h) => h.status === 'fail')).toEqual([expect.objectContaining({ check: 'pyroscope' })]);
    expect(first.history.at(-1)!.checkedAt > first.history[0].checkedAt).toBe(true);
    const second = cells[1];
    expect(second.latestChecks.every((c) => c.status === 'pass')).toBe(true);
    expect(second.latestChecks.every((c) => (c.evidence as { n: number }).n === 2)).toBe(true);
  }, 60_000);

  it('reads through indexes: EXPLAIN shows seeks, never a scan of the check history', async () => {
    const sql = checkReadSql(store.location.provider);
    for (const [name, query] of [
      ['latest', sql.latest],
      ['history', sql.history],
    ] as const) {
      const params = Array(sql.params[name]).fill(store.plan.id);
      if (store.location.provider === 'sqlite') {
        const plan = await store.db.$queryRawUnsafe<Array<{ detail: string }>>(
          `EXPLAIN QUERY PLAN ${query}`,
          ...params,
        );
        const details = plan.map((p) => p.detail);
        if (process.env.SHOW_PLANS) console.log(name, details.join('\n'));
        expect(
          details.filter((d) => /CheckResult|\b[xrnh]\b/.test(d) && /^SCAN/.test(d)),
          name,
        ).toEqual([]);
        expect(
          details.some((d) => /USING (COVERING )?INDEX CheckResult_planId_cellKey/.test(d)),
          name,
        ).toBe(true);
        expect(
          details.filter((d) => /TEMP B-TREE/.test(d)),
          name,
        ).toEqual([]);
      } else {
        await store.db.$executeRawUnsafe('ANALYZE "CheckResult"');
        const plan = await store.db.$queryRawUnsafe<Array<{ 'QUERY PLAN': string }>>(`EXPLAIN ${query}`, ...params);
        const text = plan.map((p) => p['QUERY PLAN']).join('\n');
        if (process.env.SHOW_PLANS) console.log(name, text);
        expect(text, name).not.toMatch(/Seq Scan on "CheckResult"/);
        expect(text, name).toMatch(/Index (Only )?Scan (Backward )?using "CheckResult_planId_cellKey/);
      }
    }
  });
});
