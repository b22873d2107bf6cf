import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '@/test/stores';
import { REPO_STATE_UPSERT } from '@/lib/github/sync';
import { bulkUpsertStatement } from './bulk-upsert';

// What a statement leaves synchronous_commit at, inside its transaction (the setting is the transaction's
// own, read at its commit) and after it.
describe('a sync write on PostgreSQL commits without waiting for the disk, and only its own transaction', () => {
  let store: TestStore;
  let client: pg.Client;
  beforeEach(async () => {
    store = await openTestStore('postgresql');
    client = new pg.Client({
      connectionString: store.location.target,
      options: `-c search_path="${store.location.schema}"`,
    });
    await client.connect();
  });
  afterEach(async () => {
    await client.end();
    await store.destroy();
  });

  const setting = async () => (await client.query('SHOW synchronous_commit')).rows[0].synchronous_commit;
  const oneRepoState = [
    '{o/r}',
    '{null}',
    '{null}',
    '{2026-12-01T00:00:00.000Z}',
    '{ok}',
    '{null}',
    '{1}',
    '{5}',
    '{null}',
  ];

  it("turns the flush off for the repositories' states the sync stores, until that transaction ends", async () => {
    await client.query('BEGIN');
    await client.query(REPO_STATE_UPSERT.sql.postgresql, oneRepoState);
    expect(await setting()).toBe('off');
    await client.query('COMMIT');
    expect(await setting()).toBe('on');
    expect((await client.query('SELECT "repo" FROM "RepoSyncState"')).rows).toEqual([{ repo: 'o/r' }]);
  });

  it('leaves it on for a bulk statement not declared redoable', async () => {
    const durable = bulkUpsertStatement('RepoSyncState', 'repo', REPO_STATE_UPSERT.columnTypes);
    await client.query('BEGIN');
    await client.query(durable.sql.postgresql, oneRepoState);
    expect(await setting()).toBe('on');
    await client.query('COMMIT');
  });
});
