import type { Role, User } from '../auth/roles';
import { getRuntime } from '../server/runtime';
import { errorFields, logger } from '../log/logger';

export const AUDIT_ACTIONS = [
  'sync',
  'verify',
  'evidence',
  'sign-off',
  'revoke',
  'sign-in',
  'sign-out',
  'notifications',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export type AuditOutcome = 'started' | 'joined' | 'ok' | 'refused' | 'failed';

export interface AuditInput {
  actor: string;
  actorSubject?: string | null;
  roles?: readonly Role[];
  action: AuditAction;
  /** "all", "service:<slug>", "cell:<service>/<capability>" or "board". */
  target: string;
  /** The service the action concerns, so its page can list it. */
  service?: string | null;
  outcome: AuditOutcome;
  status?: number;
  detail?: string;
}

/** The actor fields of an audit row for a user. */
export const actorOf = (user: User) => ({ actor: user.name, actorSubject: user.subject, roles: user.roles });

/**
 * Stores one audit row. A store failure is logged, never thrown: the action itself already happened
 * (or was refused) and its caller must still get its answer.
 */
export async function recordAudit(entry: AuditInput, at = new Date()): Promise<void> {
  try {
    const { store } = await getRuntime();
    await store.db.auditEvent.create({
      data: {
        at,
        actor: entry.actor.slice(0, 200),
        actorSubject: entry.actorSubject?.slice(0, 200) ?? null,
        roles: (entry.roles ?? []).join(','),
        action: entry.action,
        target: entry.target.slice(0, 300),
        service: entry.service ?? null,
        outcome: entry.outcome,
        status: entry.status ?? null,
        detail: (entry.detail ?? '').slice(0, 500),
      },
    });
  } catch (error) {
    logger().error({ action: entry.action, actor: entry.actor, ...errorFields(error) }, 'Could not store an audit row');
  }
}
