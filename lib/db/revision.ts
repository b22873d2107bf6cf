import type { Db } from './client';

/**
 * The store's revision: database triggers (prisma/<db>/migrations/*_store_revision) bump it on
 * every write the matrix derives from, so every replica reads the same number and a cached
 * derivation stays valid until it moves.
 */
export async function readStoreRevision(db: Db): Promise<number> {
  const row = await db.storeRevision.findUnique({ where: { id: 1 }, select: { revision: true } });
  return row?.revision ?? 0;
}
