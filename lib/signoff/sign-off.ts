import { randomUUID } from 'node:crypto';
import { ApiError } from '../api/errors';
import { hasRole, type User } from '../auth/roles';
import type { Store } from '../db/store';
import { signOffFact } from '../matrix/sign-offs';
import type { SignOffFact } from '../matrix/types';
import { proofCheckName } from '../plan/proofs';

/** The longest note kept with a sign-off: one or two sentences of why, not a document. */
export const SIGN_OFF_NOTE_MAX = 500;

export interface SignOffRequest {
  cellKey: string;
  /** The criterion's index in its cell (as the checklist and /api/matrix number them, from 0). */
  criterion: number;
  note: string;
  expiresAt: Date | null;
}

/**
 * Records that a person confirms a criterion no data can prove. Only sign-off criteria take one: a
 * criterion with an automated proof is proven by its data, never by a person's word.
 */
export async function signOff(
  store: Store,
  user: User,
  request: SignOffRequest,
  now = new Date(),
): Promise<SignOffFact> {
  const cell = store.plan.cells.find((c) => c.key === request.cellKey);
  if (!cell) throw new ApiError('not_found', `Unknown cell "${request.cellKey}".`);
  const criterion = cell.criteria[request.criterion];
  if (!criterion) {
    throw new ApiError(
      'not_found',
      `Cell "${cell.key}" has no criterion ${request.criterion}: its criteria are numbered 0 to ${cell.criteria.length - 1}.`,
    );
  }
  if (proofCheckName(criterion.proof) !== null) {
    throw new ApiError(
      'conflict',
      `"${criterion.text}" is proven by data (${criterion.proof.kind}), not by a sign-off: run Verify now instead.`,
    );
  }
  if (request.expiresAt && request.expiresAt.getTime() <= now.getTime()) {
    throw new ApiError(
      'bad_request',
      'The expiry must be in the future (or left out for a sign-off that does not expire).',
    );
  }
  const row = await store.db.signOff.create({
    data: {
      id: randomUUID(),
      planId: store.plan.id,
      cellKey: cell.key,
      criterion: request.criterion,
      criterionText: criterion.text,
      signedBy: user.name,
      signedBySubject: user.subject,
      note: request.note,
      signedAt: now,
      expiresAt: request.expiresAt,
    },
  });
  return signOffFact(row);
}

/**
 * Withdraws a sign-off; it stays in the history as revoked. The person who signed may revoke their
 * own, an admin anyone's. Revoking twice is a conflict, not a silent success: the first revocation stands.
 */
export async function revokeSignOff(store: Store, user: User, id: string, now = new Date()): Promise<SignOffFact> {
  const row = await store.db.signOff.findFirst({ where: { id, planId: store.plan.id } });
  if (!row) throw new ApiError('not_found', `No sign-off "${id}".`);
  if (row.signedBySubject !== user.subject && !hasRole(user, 'admin')) {
    throw new ApiError('forbidden', `Only ${row.signedBy}, who signed it, or an admin may revoke this sign-off.`);
  }
  if (row.revokedAt) {
    throw new ApiError('conflict', `This sign-off was already revoked by ${row.revokedBy ?? 'someone'}.`);
  }
  // Conditional on still being unrevoked, so two revocations racing on two replicas record one.
  const { count } = await store.db.signOff.updateMany({
    where: { id, revokedAt: null },
    data: { revokedAt: now, revokedBy: user.name, revokedBySubject: user.subject },
  });
  if (count === 0) throw new ApiError('conflict', 'This sign-off was revoked a moment ago by someone else.');
  return signOffFact(await store.db.signOff.findUniqueOrThrow({ where: { id } }));
}
