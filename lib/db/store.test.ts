import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './store';
import { applyMigrations, readMigrations } from './migrate';
import { parseDatabaseUrl } from './database-url';
import { readMatrix } from '../matrix/read';
import { freshDatabaseUrl, openTestStore, PHASE_3_PLAN, STORE_PROVIDERS, type TestStore } from '@/test/stores';

describe.each(STORE_PROVIDERS)('store on %s', (provider) => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.destroy();
    store = undefined;
  });

  it('is migrated and seeded with the plan on first open', async () => {
    store = await openTestStore(provider);
    expect(await store.db.service.count()).toBe(8);
    expect(await store.db.capability.count()).toBe(4);
    expect(await store.db.cell.count()).toBe(27);
    const gate = await store.db.cell.findUniqueOrThrow({
      where: { planId_key: { planId: 'phase-3', key: 'gate/infrastructure' } },
    });
    expect(gate.estimateMinutes).toBe(240);
  });

  it('applies a migration once: a second run is a no-op and keeps the data', async () => {
    store = await openTestStore(provider);
    await store.db.checkResult.create({
      data: {
        planId: 'phase-3',
        cellKey: 'acapy-agent/profiling-code',
        check: 'pyroscope',
        target: 'acapy-agent',
        status: 'pass',
        evidence: '{}',
        durationMs: 12,
        trigger: 'manual',
        checkedAt: new Date(),
      },
    });
    expect(await applyMigrations(parseDatabaseUrl(store.databaseUrl))).toEqual([]);
    expect(await store.db.checkResult.count()).toBe(1);
  });

  it('reopening with an unchanged plan file writes nothing', async () => {
    store = await openTestStore(provider);
    const before = await store.db.plan.findUniqueOrThrow({ where: { id: 'phase-3' } });
    const again = await openStore({ databaseUrl: store.databaseUrl, planFilePath: PHASE_3_PLAN });
    const after = await again.db.plan.findUniqueOrThrow({ where: { id: 'phase-3' } });
    await again.db.$disconnect();
    expect(after.loadedAt.getTime()).toBe(before.loadedAt.getTime());
  });

  it('a changed plan file replaces the cells and keeps check history', async () => {
    store = await openTestStore(provider);
    await store.db.checkResult.create({
      data: {
        planId: 'phase-3',
        cellKey: 'traction/faro-code',
        check: 'loki',
        target: '{service_name="traction-tenant-ui"}',
        status: 'fail',
        evidence: '{}',
        durationMs: 5,
        trigger: 'schedule',
        checkedAt: new Date(),
      },
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'plan-'));
    const changedPlan = path.join(dir, 'phase-3.json');
    writeFileSync(changedPlan, readFileSync(PHASE_3_PLAN, 'utf8').replace('"estimate": "~3h"', '"estimate": "~6h"'));
    const reopened = await openStore({ databaseUrl: store.databaseUrl, planFilePath: changedPlan });
    const cell = await reopened.db.cell.findUniqueOrThrow({
      where: { planId_key: { planId: 'phase-3', key: 'traction/faro-code' } },
    });
    expect(cell.estimateMinutes).toBe(360);
    expect(await reopened.db.checkResult.count()).toBe(1);
    await reopened.db.$disconnect();
  });

  it('refuses to start when an applied migration was edited', async () => {
    const { url, drop } = freshDatabaseUrl(provider);
    const location = parseDatabaseUrl(url);
    try {
      await applyMigrations(location);
      const first = readMigrations(provider)[0];
      const edited = [{ ...first, checksum: 'edited' }];
      const { applyMigrationList } = await import('./migrate');
      await expect(applyMigrationList(location, edited)).rejects.toThrow(/was edited after it was applied/);
    } finally {
      await drop();
    }
  });

  it('serves the matrix: totals equal the sum of the cells, n/a where there is no frontend', async () => {
    store = await openTestStore(provider);
    const view = await readMatrix(store);
    expect(view.rows).toHaveLength(8);
    const na = view.rows
      .flatMap((r) => r.cells.map((c, i) => (c ? null : `${r.service.slug}/${view.columns[i].slug}`)))
      .filter(Boolean);
    expect(na.sort()).toEqual(
      ['acapy-agent', 'acapy-endorser-service', 'didcomm-mediator-credo']
        .flatMap((s) => [`${s}/faro-code`, `${s}/faro-helm`])
        .sort(),
    );
    const cellSum = view.rows.flatMap((r) => r.cells).reduce((s, c) => s + (c?.estimateMinutes ?? 0), 0);
    expect(view.totals.serviceCellsMinutes).toBe(cellSum);
    expect(view.columns.reduce((s, c) => s + c.estimateMinutes, 0)).toBe(cellSum);
    expect(view.totals.planCellsMinutes).toBe(36.5 * 60);
    expect(view.totals.differenceMinutes).toBe(9.5 * 60);
    expect(view.rows.every((r) => r.cells.every((c) => c === null || c.state === 'planned'))).toBe(true);
  });
});

/** Model → scalar field names, read from the SQLite schema (the source of truth). */
function schemaColumns(): Map<string, string[]> {
  const text = readFileSync(path.resolve(__dirname, '../../prisma/sqlite/schema.prisma'), 'utf8');
  const models = new Map<string, string[]>();
  for (const block of text.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) models.set(block[1], []);
  for (const block of text.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    const fields = block[2]
      .split('\n')
      .map((line) => /^\s+(\w+)\s+(\w+)/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null && !models.has(m[2]))
      .map((m) => m[1]);
    models.set(block[1], fields);
  }
  return models;
}

describe.each(STORE_PROVIDERS)('migrations on %s', (provider) => {
  it('create every table and column the schema declares', async () => {
    const store = await openTestStore(provider);
    try {
      for (const [model, fields] of schemaColumns()) {
        const rows =
          store.location.provider === 'sqlite'
            ? await store.db.$queryRawUnsafe<Array<{ name: string }>>(`SELECT name FROM pragma_table_info('${model}')`)
            : await store.db.$queryRawUnsafe<Array<{ name: string }>>(
                `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = '${store.location.schema}' ` +
                  `AND table_name = '${model}'`,
              );
        expect(rows.map((r) => r.name).sort(), model).toEqual([...fields].sort());
      }
    } finally {
      await store.destroy();
    }
  });
});
