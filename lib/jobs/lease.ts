import type { Db } from '../db/client';

/**
 * A lease row per job name keeps two replicas sharing one store from running the same job at once.
 * Taking it is one conditional write, so it is atomic on SQLite and PostgreSQL alike.
 */
export async function tryAcquireLease(db: Db, name: string, holder: string, ttlMs: number): Promise<boolean> {
  const now = new Date();
  const expiresAt = new Date(now.getTime() + ttlMs);
  // Take over an expired lease, or renew our own.
  const taken = await db.jobLease.updateMany({
    where: { name, OR: [{ expiresAt: { lt: now } }, { holder }] },
    data: { holder, acquiredAt: now, expiresAt },
  });
  if (taken.count === 1) return true;
  try {
    await db.jobLease.create({ data: { name, holder, acquiredAt: now, expiresAt } });
    return true;
  } catch {
    return false; // the row exists and another holder's lease is still valid
  }
}

/** Takes over the lease from one named holder (this replica's own dead process), whatever its expiry. */
export async function reclaimLease(db: Db, name: string, deadHolder: string, holder: string, ttlMs: number) {
  const now = new Date();
  const taken = await db.jobLease.updateMany({
    where: { name, holder: deadHolder },
    data: { holder, acquiredAt: now, expiresAt: new Date(now.getTime() + ttlMs) },
  });
  return taken.count === 1;
}

export async function renewLease(db: Db, name: string, holder: string, ttlMs: number): Promise<boolean> {
  const renewed = await db.jobLease.updateMany({
    where: { name, holder },
    data: { expiresAt: new Date(Date.now() + ttlMs) },
  });
  return renewed.count === 1;
}

export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await db.jobLease.deleteMany({ where: { name, holder } });
}

/** Who holds a lease row at `now`: nobody once it has expired. */
export function holderOf(lease: { holder: string; expiresAt: Date } | null, now: Date): string | null {
  return lease && lease.expiresAt > now ? lease.holder : null;
}

export async function currentLeaseHolder(db: Db, name: string): Promise<string | null> {
  return holderOf(await db.jobLease.findUnique({ where: { name } }), new Date());
}
