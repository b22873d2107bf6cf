import { type Db, queryStatement } from './client';

/**
 * The store's revision: database triggers (prisma/<db>/migrations/*_store_revision) bump it on
 * every write the matrix derives from, so every replica reads the same number and a cached
 * derivation stays valid until it moves.
 */
export async function readStoreRevision(db: Db): Promise<number> {
  const row = await db.storeRevision.findUnique({ where: { id: 1 }, select: { revision: true } });
  return row?.revision ?? 0;
}

/** Row 2 of StoreRevision: bumped by every write to sync runs, repository states and job leases (*_sync_revision). */
export const SYNC_REVISION_ID = 2;

const REVISIONS_SQL = `SELECT "id", "revision" FROM "StoreRevision" WHERE "id" IN (1, ${SYNC_REVISION_ID})`;

/**
 * The matrix's revision and the sync panel's, in one query. `sync` is null when its row is missing
 * (a store damaged by hand): nothing may then be served from a cache, since no write would move it.
 */
export async function readStoreRevisions(db: Db): Promise<{ matrix: number; sync: number | null }> {
  // Every page and matrix read starts here: past Prisma (queryStatement), as Prisma's engine spends more CPU
  // planning this two-row read than the database spends answering it.
  const rows = (await queryStatement(db, { sql: REVISIONS_SQL, args: [], argTypes: [] })).map(([id, revision]) => ({
    id: Number(id),
    revision: Number(revision),
  }));
  return {
    matrix: rows.find((r) => r.id === 1)?.revision ?? 0,
    sync: rows.find((r) => r.id === SYNC_REVISION_ID)?.revision ?? null,
  };
}

/** The sync panel's revision alone (see readStoreRevisions). */
export async function readSyncRevision(db: Db): Promise<number | null> {
  const row = await db.storeRevision.findUnique({ where: { id: SYNC_REVISION_ID }, select: { revision: true } });
  return row?.revision ?? null;
}
