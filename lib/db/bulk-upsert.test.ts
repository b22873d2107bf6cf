import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, STORE_PROVIDERS, type TestStore } from '@/test/stores';
import { REPO_STATE_UPSERT } from '@/lib/github/sync';
import { BULK_WRITE_BATCH, bulkUpsert, postgresArrayParameter, readBulkRows } from './bulk-upsert';
import { createPrismaClient } from './client';

type Row = Record<(typeof REPO_STATE_UPSERT.columns)[number], unknown>;

const row = (repo: string, overrides: Partial<Row> = {}): Row => ({
  repo,
  etag: 'W/"abc"',
  since: new Date('2026-11-30T12:34:56.789Z'),
  lastSyncedAt: new Date('2026-11-30T12:35:00.001Z'),
  lastStatus: 'ok',
  lastError: null,
  rateLimitRemaining: 4999,
  rateLimitLimit: 5000,
  rateLimitReset: null,
  ...overrides,
});

describe('a column of a PostgreSQL batch', () => {
  it('travels as the array literal JSON writes, when no string needs an escape but \\" or \\\\', () => {
    expect(postgresArrayParameter(['say "hi"', null, 7, '{a,b}', 'null'])).toBe(
      '{"say \\"hi\\"",null,7,"{a,b}","null"}',
    );
  });

  it('is left to pg as values when a string holds a line break, a tab or a backslash', () => {
    for (const awkward of ['two\nlines', 'a\tb', 'back\\slash d']) {
      const values = ['plain', awkward];
      expect(postgresArrayParameter(values)).toBe(values);
    }
  });
});

describe.each(STORE_PROVIDERS)('bulkUpsert on %s', (provider) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await openTestStore(provider);
  });
  afterEach(() => store.destroy());
  const read = () => store.db.repoSyncState.findMany({ orderBy: { repo: 'asc' } });

  // What is stored must be what was given, whichever way each store's batch travels.
  it('stores text as given (quotes, backslashes, newlines, JSON-like text, non-Latin, emoji), nulls, numbers, times', async () => {
    const awkward = [
      'say "hi" \\ back\\slash',
      'two\nlines\tand a tab',
      '{"looks": ["like", "json"]}',
      '[1, 2, 3]',
      'Ünïcödé, 日本語, 🚀 and a lone \u00a0 space',
      '',
    ];
    await bulkUpsert(
      store.db,
      store.location.provider,
      REPO_STATE_UPSERT,
      awkward.map((text, i) => row(`o/r${i}`, { etag: text, lastError: i % 2 ? text : null, rateLimitRemaining: i })),
    );
    const stored = await read();
    expect(stored.map((s) => s.etag)).toEqual(awkward);
    expect(stored.map((s) => s.lastError)).toEqual(awkward.map((text, i) => (i % 2 ? text : null)));
    expect(stored.map((s) => s.rateLimitRemaining)).toEqual(awkward.map((_, i) => i));
    expect(stored[0].since).toEqual(new Date('2026-11-30T12:34:56.789Z'));
    expect(stored[0].rateLimitReset).toBeNull();
  });

  it('stores text with no line breaks or tabs as given: quotes, braces, commas, spaces, NULL and null as words', async () => {
    const plain = ['say "hi"', '{a,b}', ' padded ', 'NULL', 'null', '', 'Ünïcödé 日本語 🚀', '"', '}{'];
    await bulkUpsert(
      store.db,
      store.location.provider,
      REPO_STATE_UPSERT,
      plain.map((text, i) => row(`o/r${i}`, { etag: text, lastError: i % 2 ? text : null })),
    );
    const stored = await read();
    expect(stored.map((s) => s.etag)).toEqual(plain);
    expect(stored.map((s) => s.lastError)).toEqual(plain.map((text, i) => (i % 2 ? text : null)));
  });

  it('updates every column of a row whose key is taken, and writes more rows than one batch', async () => {
    const many = Array.from({ length: BULK_WRITE_BATCH + 3 }, (_, i) => row(`o/r${String(i).padStart(4, '0')}`));
    await bulkUpsert(store.db, store.location.provider, REPO_STATE_UPSERT, many);
    await bulkUpsert(store.db, store.location.provider, REPO_STATE_UPSERT, [
      row('o/r0001', { etag: null, since: null, lastStatus: 'failed', lastError: 'gone', rateLimitRemaining: null }),
    ]);
    const stored = await read();
    expect(stored).toHaveLength(BULK_WRITE_BATCH + 3);
    expect(stored[1]).toEqual({
      ...row('o/r0001'),
      etag: null,
      since: null,
      lastStatus: 'failed',
      lastError: 'gone',
      rateLimitRemaining: null,
    });
    expect(stored.at(-1)).toEqual(row(`o/r${String(BULK_WRITE_BATCH + 2).padStart(4, '0')}`));
  });

  it('inserts rows known to be new (allNew), and refuses a whole batch whose key is taken instead of overwriting it', async () => {
    await bulkUpsert(store.db, store.location.provider, REPO_STATE_UPSERT, [row('o/a'), row('o/b')], {
      allNew: true,
    });
    expect((await read()).map((s) => s.repo)).toEqual(['o/a', 'o/b']);
    // A row that is not new after all: the batch fails whole, and the stored row is left as it was.
    await expect(
      bulkUpsert(
        store.db,
        store.location.provider,
        REPO_STATE_UPSERT,
        [row('o/c'), row('o/a', { lastStatus: 'failed', lastError: 'overwritten' })],
        { allNew: true },
      ),
    ).rejects.toThrow();
    expect(await read()).toEqual([row('o/a'), row('o/b')]);
  });

  it('reads back the rows a column selects as Prisma reads them: times as Dates, numbers, nulls, in key order', async () => {
    await bulkUpsert(store.db, store.location.provider, REPO_STATE_UPSERT, [
      row('o/b', { rateLimitReset: new Date('2026-12-01T00:00:00.500Z'), since: null }),
      row('o/a', { lastError: 'x', rateLimitRemaining: null }),
      row('o/c', { lastStatus: 'failed' }),
    ]);
    const ok = await readBulkRows(store.db, store.location.provider, REPO_STATE_UPSERT, 'lastStatus', 'ok');
    expect(ok.map((r) => r.repo)).toEqual(['o/a', 'o/b']);
    expect(ok).toEqual(
      await store.db.repoSyncState.findMany({ where: { lastStatus: 'ok' }, orderBy: { repo: 'asc' } }),
    );
    expect(ok[1].rateLimitReset).toEqual(new Date('2026-12-01T00:00:00.500Z'));
    expect(ok[0].rateLimitLimit).toBe(5000);
  });

  it('writes through a client that has not connected yet', async () => {
    const fresh = createPrismaClient(store.location);
    try {
      await bulkUpsert(fresh, store.location.provider, REPO_STATE_UPSERT, [row('o/fresh')]);
    } finally {
      await fresh.$disconnect();
    }
    expect((await read()).map((s) => s.repo)).toEqual(['o/fresh']);
  });

  it('stops at a batch the store refuses: throws its error and starts no later batch', async () => {
    const batches = 4;
    const rows = Array.from({ length: BULK_WRITE_BATCH * batches }, (_, i) => row(`o/r${String(i).padStart(4, '0')}`));
    rows[0] = { ...rows[0], repo: null }; // the key column is NOT NULL: the first batch fails on its first row
    if (provider === 'postgresql') {
      // The second batch, written beside the first, takes its time: it is still running when the first fails, as
      // otherwise it could finish first and let its lane start the third before any batch had failed.
      const slowRow = rows[BULK_WRITE_BATCH].repo;
      await store.db.$executeRawUnsafe(
        `CREATE FUNCTION "slow"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ` +
          `IF NEW."repo" = '${slowRow}' THEN PERFORM pg_sleep(0.3); END IF; RETURN NEW; END $$`,
      );
      await store.db.$executeRawUnsafe(
        'CREATE TRIGGER "slow" BEFORE INSERT ON "RepoSyncState" FOR EACH ROW EXECUTE FUNCTION "slow"()',
      );
    }
    await expect(bulkUpsert(store.db, store.location.provider, REPO_STATE_UPSERT, rows)).rejects.toThrow();
    // A batch still being written when the first failed finishes on its own: give it time to land.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stored = await read();
    // SQLite writes one batch after another; PostgreSQL writes the second beside the first, and stops there.
    const second = rows.slice(BULK_WRITE_BATCH, 2 * BULK_WRITE_BATCH).map((r) => r.repo);
    expect(stored.map((s) => s.repo)).toEqual(provider === 'postgresql' ? second : []);
  });
});
