import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openTestStore, type TestStore } from '@/test/stores';
import { executeStatement, queryStatement, sqliteConnectionOf } from './client';

// The board's own statements (sync runs, bulk writes, the store revision) are parsed and planned once per
// PostgreSQL connection; Prisma's queries, whose texts vary with their arguments, must not pile up there.
describe('statements sent past Prisma on PostgreSQL', () => {
  let store: TestStore;
  beforeEach(async () => {
    store = await openTestStore('postgresql');
  });
  afterEach(() => store.destroy());

  const PREPARED = 'SELECT "name", "statement" FROM pg_prepared_statements ORDER BY "name"';
  const prepared = async () =>
    (await queryStatement(store.db, { sql: PREPARED, args: [], argTypes: [] })).map(([name, statement]) => ({
      name: String(name),
      statement: String(statement),
    }));

  it('are prepared once per connection under a name of their text, and run again under it', async () => {
    // A new pool, connected: one after another, the statements below run on its one connection.
    await store.db.$disconnect();
    await store.db.$connect();
    const first = await prepared();
    // The read itself is prepared before it runs, so it lists itself.
    expect(first).toEqual([{ name: expect.stringMatching(/^rb_[0-9a-f]{24}$/), statement: PREPARED }]);
    expect(await prepared()).toEqual(first);
  });

  it("leave Prisma's own queries unnamed", async () => {
    await store.db.$disconnect();
    await store.db.issue.findMany({ where: { number: { in: [1, 2, 3] } } });
    await store.db.repoSyncState.findMany();
    expect((await prepared()).map((p) => p.statement)).toEqual([PREPARED]);
  });
});

describe('statements sent past Prisma on SQLite', () => {
  let store: TestStore;
  beforeEach(async () => {
    store = await openTestStore('sqlite');
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await store.destroy();
  });

  it('are prepared once on the connection and run again from there, reads and writes alike', async () => {
    const prepare = vi.spyOn(await sqliteConnectionOf(store.db), 'prepare');
    const insert = { sql: 'INSERT INTO "SyncRun" ("trigger", "status", "startedAt") VALUES (?, ?, ?)', argTypes: [] };
    const count = { sql: 'SELECT count(*) FROM "SyncRun" WHERE "trigger" = ?', argTypes: [] };
    for (const trigger of ['a', 'b', 'b']) {
      await executeStatement(store.db, { ...insert, args: [trigger, 'running', '2026-12-02T00:00:00.000+00:00'] });
    }
    expect((await queryStatement(store.db, { ...count, args: ['b'] })).map(([n]) => Number(n))).toEqual([2]);
    expect((await queryStatement(store.db, { ...count, args: ['a'] })).map(([n]) => Number(n))).toEqual([1]);
    expect(prepare.mock.calls.map(([sql]) => sql)).toEqual([insert.sql, count.sql]);
  });
});
