import { ApiError, errorResponse } from '../api/errors';
import { type AuditAction, type AuditOutcome, actorOf, recordAudit } from '../audit/record';
import { serverConfig } from '../config/env';
import { FairUse } from '../jobs/fair-use';
import { getRuntime } from '../server/runtime';
import { crossSiteRefusal } from './cross-site';
import { currentUser, requireRole } from './guard';
import { boardOrigin } from './identify';
import type { Role, User } from './roles';
import { authSettings } from './settings';

/** What an action acts on, once its input is read. */
export interface ActionTarget {
  /** For the audit trail: "all", "service:<slug>", "cell:<service>/<capability>". */
  target: string;
  service?: string | null;
  /** The job it starts: a run of it still going is joined; a new one is subject to cool-down and rate limit. */
  job?: string;
}

export interface ActionSpec<T> {
  action: AuditAction;
  role: Role;
  /** Reads and validates the input (body, query); runs only once the caller may act. */
  input: () => T | Promise<T>;
  describe: (input: T) => ActionTarget;
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
 * The one way an action route runs, in this order: refuse cross-site and non-JSON requests (403/415),
 * check the role (401/403), read the input (400), apply fair use to runs (429 with Retry-After), act,
 * and store an audit row for what happened, refusals of a signed-in person included.
 */
export async function runAction<T>(
  request: Request,
  spec: ActionSpec<T>,
  perform: (user: User, input: T) => Promise<Response>,
): Promise<Response> {
  const settings = authSettings();
  const crossSite = crossSiteRefusal(request, boardOrigin(request, settings));
  if (crossSite) return errorResponse(crossSite);
  let user: User;
  try {
    user = await requireRole(request, spec.role, settings);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    // Not signed in: no one to name, and a row per anonymous request would let anyone fill the store.
    const who = await currentUser(request, settings);
    if (who) {
      // A signed-in person's refusal names what they tried, when their input says it.
      const target = await Promise.resolve()
        .then(spec.input)
        .then(spec.describe)
        .catch((): ActionTarget => ({ target: 'unreadable input' }));
      await audit(spec.action, target, who, 'refused', error.status, error.message);
    }
    return errorResponse(error);
  }
  const input = await spec.input();
  const target = spec.describe(input);
  let joined = false;
  if (target.job) {
    const { jobs } = await getRuntime();
    joined = jobs.isRunning(target.job);
    const admission = fairUse().admit(target.job, user.subject, joined);
    if (!admission.ok) {
      await audit(spec.action, target, user, 'refused', 429, admission.reason);
      return errorResponse(
        new ApiError('rate_limited', admission.reason, {
          headers: { 'retry-after': String(admission.retryAfterSeconds) },
        }),
      );
    }
  }
  let response: Response;
  try {
    response = await perform(user, input);
  } catch (error) {
    const status = error instanceof ApiError ? error.status : 500;
    // A refusal decided inside the action (e.g. revoking someone else's sign-off) is still a refusal.
    const outcome = status === 401 || status === 403 || status === 429 ? 'refused' : 'failed';
    await audit(spec.action, target, user, outcome, status, error instanceof ApiError ? error.message : '');
    throw error;
  }
  const detail = joined ? 'joined the run in progress' : '';
  await audit(spec.action, target, user, outcomeOf(response.status, joined), response.status, detail);
  return response;
}

function audit(
  action: AuditAction,
  target: ActionTarget,
  user: User,
  outcome: AuditOutcome,
  status: number,
  detail: string,
) {
  return recordAudit({
    ...actorOf(user),
    action,
    target: target.target,
    service: target.service ?? null,
    outcome,
    status,
    detail,
  });
}

/** The audit target of a run over everything, one service or one cell ("<service>/<capability>"). */
export function scopeTarget(scope: { service?: string; cell?: string }, job: string): ActionTarget {
  if (scope.cell) return { target: `cell:${scope.cell}`, service: scope.cell.split('/')[0], job };
  if (scope.service) return { target: `service:${scope.service}`, service: scope.service, job };
  return { target: 'all', service: null, job };
}
