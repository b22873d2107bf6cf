import type { Db } from '../db/client';

export interface AuditRow {
  id: number;
  at: string;
  actor: string;
  roles: string[];
  action: string;
  target: string;
  service: string | null;
  outcome: string;
  status: number | null;
  detail: string;
}

export interface AuditQuery {
  service?: string;
  action?: string;
  /** Rows older than this id (the next page). */
  before?: number;
  limit?: number;
}

/** The newest audit rows first (bounded), optionally one service's or one action's. */
export async function readAudit(db: Db, query: AuditQuery = {}): Promise<AuditRow[]> {
  const rows = await db.auditEvent.findMany({
    where: {
      ...(query.service ? { service: query.service } : {}),
      ...(query.action ? { action: query.action } : {}),
      ...(query.before ? { id: { lt: query.before } } : {}),
    },
    orderBy: { id: 'desc' },
    take: Math.min(Math.max(query.limit ?? 100, 1), 500),
  });
  return rows.map((row) => ({
    id: row.id,
    at: row.at.toISOString(),
    actor: row.actor,
    roles: row.roles ? row.roles.split(',') : [],
    action: row.action,
    target: row.target,
    service: row.service,
    outcome: row.outcome,
    status: row.status,
    detail: row.detail,
  }));
}
