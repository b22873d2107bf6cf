import type { Store } from '../db/store';
import type { SignOffFact } from './types';

/** A stored sign-off row, as the derivation and the history read it. */
export interface SignOffRow {
  id: string;
  cellKey: string;
  criterion: number;
  criterionText: string;
  signedBy: string;
  note: string;
  signedAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
}

export const signOffFact = (row: SignOffRow): SignOffFact => ({
  id: row.id,
  cellKey: row.cellKey,
  criterion: row.criterion,
  criterionText: row.criterionText,
  by: row.signedBy,
  note: row.note,
  signedAt: row.signedAt.toISOString(),
  expiresAt: row.expiresAt?.toISOString() ?? null,
  revokedAt: row.revokedAt?.toISOString() ?? null,
  revokedBy: row.revokedBy,
});

/** Every sign-off of the plan (or of one cell), newest first: the derivation takes the newest per criterion. */
export async function readSignOffs(store: Pick<Store, 'db' | 'plan'>, cellKey?: string): Promise<SignOffFact[]> {
  const rows = await store.db.signOff.findMany({
    where: { planId: store.plan.id, ...(cellKey ? { cellKey } : {}) },
    orderBy: [{ signedAt: 'desc' }, { id: 'asc' }],
  });
  return rows.map(signOffFact);
}
