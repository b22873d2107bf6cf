import { ApiError, errorResponse } from '../api/errors';
import { type AuditAction, type AuditOutcome, actorOf, recordAudit } from '../audit/record';
import { serverConfig } from '../config/env';
import { FairUse } from '../jobs/fair-use';
import { getRuntime } from '../server/runtime';
import { currentUser, requireRole } from './guard';
import type { Role, User } from './roles';
import { authSettings } from './settings';

export interface ActionSpec {
  action: AuditAction;
  role: Role;
  /** What it acts on, for the audit trail: "all", "service:<slug>", "cell:<service>/<capability>". */
  target: string;
  service?: string | null;
  /** The job it starts: a run of it still going is joined; a new one is subject to cool-down and rate limit. */
  job?: string;
}

const holder = globalThis as unknown as { __rolloutBoardFairUse?: FairUse };

function fairUse(): FairUse {
  const config = serverConfig();
  holder.__rolloutBoardFairUse ??= new FairUse(config.RUN_COOLDOWN, config.RUN_RATE_LIMIT_PER_MINUTE);
  return holder.__rolloutBoardFairUse;
}

const outcomeOf = (status: number, joined: boolean): AuditOutcome =>
  status >= 400 ? 'failed' : joined ? 'joined' : status === 202 ? 'started' : 'ok';

/**
 * The one way an action route runs: who may (requireRole), fair use for runs, then the action, and an
 * audit row for what happened, refusals of a signed-in person included. Refusals are ApiErrors
 * (401/403/429 with Retry-After) in the one JSON error shape; otherwise the action's own answer.
 */
export async function runAction(
  request: Request,
  spec: ActionSpec,
  perform: (user: User) => Promise<Response>,
): Promise<Response> {
  const settings = authSettings();
  let user: User;
  try {
    user = await requireRole(request, spec.role, settings);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    // Not signed in: no one to name, and a row per anonymous request would let anyone fill the store.
    const who = await currentUser(request, settings);
    if (who) await audit(spec, who, 'refused', error.status, error.message);
    return errorResponse(error);
  }
  let joined = false;
  if (spec.job) {
    const { jobs } = await getRuntime();
    joined = jobs.isRunning(spec.job);
    const admission = fairUse().admit(spec.job, user.subject, joined);
    if (!admission.ok) {
      await audit(spec, user, 'refused', 429, admission.reason);
      return errorResponse(
        new ApiError('rate_limited', admission.reason, {
          headers: { 'retry-after': String(admission.retryAfterSeconds) },
        }),
      );
    }
  }
  let response: Response;
  try {
    response = await perform(user);
  } catch (error) {
    await audit(spec, user, 'failed', error instanceof ApiError ? error.status : 500, '');
    throw error;
  }
  await audit(
    spec,
    user,
    outcomeOf(response.status, joined),
    response.status,
    joined ? 'joined the run in progress' : '',
  );
  return response;
}

function audit(spec: ActionSpec, user: User, outcome: AuditOutcome, status: number, detail: string) {
  return recordAudit({
    ...actorOf(user),
    action: spec.action,
    target: spec.target,
    service: spec.service ?? null,
    outcome,
    status,
    detail,
  });
}
