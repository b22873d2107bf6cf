import { ApiError } from '../api/errors';
import type { JobClaim } from './runner';

type Busy = Extract<JobClaim, { status: 'busy-elsewhere' }>;

const clock = (iso: string) => `${iso.slice(11, 19)} UTC`;

/**
 * The 409 for a job another holder has: who holds it, until when, and when this replica tries again. A holder
 * that died keeps its lease until it lapses, so the answer says that too instead of pretending the job started.
 */
export function busyElsewhereError(what: string, job: string, busy: Busy): ApiError {
  const holder = busy.holder ?? 'another replica';
  const until = busy.leaseExpiresAt ? ` until ${clock(busy.leaseExpiresAt)}` : '';
  const retry = busy.retryAt
    ? ` This replica tries again at ${clock(busy.retryAt)}, when that lease lapses if its holder has stopped.`
    : ' Try again once it has finished.';
  return new ApiError(
    'conflict',
    `${what} is held by ${holder}${until} (another replica running it, or one that died and left its lease).${retry}`,
    { details: { job, holder: busy.holder, leaseExpiresAt: busy.leaseExpiresAt, retryAt: busy.retryAt } },
  );
}
