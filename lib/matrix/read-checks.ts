import type { Store } from '../db/store';
import type { StoreProvider } from '../db/database-url';

/** How many recent results a cell's sparkline shows: the history read is bounded by this per cell. */
export const HISTORY_PER_CELL = 24;

/** A stored check result as the matrix reads it. */
export interface CheckResultRow {
  id: number;
  cellKey: string;
  check: string;
  target: string;
  status: string;
  message: string | null;
  evidence: string;
  durationMs: number;
  checkedAt: Date;
}

export interface HistoryRow {
  cellKey: string;
  check: string;
  status: string;
  checkedAt: Date;
}

/*
 * The reads below take the plan id as their only parameter, however large the fleet, and every
 * step is an index seek: no `IN (…)` list per cell or check (SQLite caps parameters, and the list
 * grew with the fleet until a 200-service plan answered 500).
 *
 * `pairs` walks the (planId, cellKey, check, checkedAt) index from one distinct (cell, check) to
 * the next (a skip scan: the next check of the same cell, else the first of the next cell, one
 * seek each), so the cost grows with the pairs, not with the history.
 * For each pair the newest result and the newest pass are one seek each, the latter through
 * (planId, cellKey, check, status, checkedAt). History is the newest HISTORY_PER_CELL results per
 * cell through (planId, cellKey, checkedAt). PostgreSQL gets LATERAL; SQLite, which has none,
 * gets correlated rowid lookups, which its planner turns into the same seeks.
 */
const PAIRS = (param: (n: number) => string) => `WITH RECURSIVE pairs("cellKey", "check") AS (
  SELECT "cellKey", "check" FROM (
    SELECT x."cellKey", x."check" FROM "CheckResult" x WHERE x."planId" = ${param(1)}
    ORDER BY x."planId", x."cellKey", x."check" LIMIT 1
  ) first_pair
  UNION ALL
  SELECT n."cellKey", n."check" FROM pairs p JOIN "CheckResult" n ON n."id" = COALESCE(
    (SELECT x."id" FROM "CheckResult" x
     WHERE x."planId" = ${param(2)} AND x."cellKey" = p."cellKey" AND x."check" > p."check"
     ORDER BY x."check" LIMIT 1),
    (SELECT x."id" FROM "CheckResult" x
     WHERE x."planId" = ${param(3)} AND x."cellKey" > p."cellKey"
     ORDER BY x."cellKey", x."check" LIMIT 1)
  )
)`;

const COLUMNS = `"id", "cellKey", "check", "target", "status", "message", "evidence", "durationMs", "checkedAt"`;
const rColumns = COLUMNS.split(', ')
  .map((c) => `r.${c}`)
  .join(', ');

const NEWEST = (param: string, pass: boolean) => `SELECT x."id" FROM "CheckResult" x
    WHERE x."planId" = ${param} AND x."cellKey" = p."cellKey" AND x."check" = p."check"${pass ? ` AND x."status" = 'pass'` : ''}
    ORDER BY x."checkedAt" DESC LIMIT 1`;

const SQL: Record<StoreProvider, { latest: string; history: string; params: { latest: number; history: number } }> = {
  sqlite: {
    latest: `${PAIRS(() => '?')}
SELECT ${rColumns} FROM pairs p JOIN "CheckResult" r ON r."id" = (${NEWEST('?', false)})
UNION ALL
SELECT ${rColumns} FROM pairs p JOIN "CheckResult" r ON r."id" = (${NEWEST('?', true)})`,
    history: `SELECT h."cellKey", h."check", h."status", h."checkedAt" FROM "Cell" c JOIN "CheckResult" h ON h."id" IN (
  SELECT x."id" FROM "CheckResult" x WHERE x."planId" = c."planId" AND x."cellKey" = c."key"
  ORDER BY x."checkedAt" DESC LIMIT ${HISTORY_PER_CELL}
) WHERE c."planId" = ?`,
    params: { latest: 5, history: 1 },
  },
  postgresql: {
    latest: `${PAIRS(() => '$1')}
SELECT ${rColumns} FROM pairs p CROSS JOIN LATERAL (
  SELECT ${COLUMNS} FROM "CheckResult" WHERE "id" IN ((${NEWEST('$1', false)}), (${NEWEST('$1', true)}))
) r`,
    history: `SELECT h."cellKey", h."check", h."status", h."checkedAt" FROM "Cell" c CROSS JOIN LATERAL (
  SELECT x."cellKey", x."check", x."status", x."checkedAt" FROM "CheckResult" x
  WHERE x."planId" = c."planId" AND x."cellKey" = c."key"
  ORDER BY x."checkedAt" DESC LIMIT ${HISTORY_PER_CELL}
) h WHERE c."planId" = $1`,
    params: { latest: 1, history: 1 },
  },
};

/** The SQL of both reads for a provider, for EXPLAIN in the tests and the bench note. */
export function checkReadSql(provider: StoreProvider) {
  return SQL[provider];
}

/**
 * The newest result and the newest pass of every (cell, check) of the plan, each once,
 * and each cell's newest HISTORY_PER_CELL results.
 */
export async function readCheckRows(
  { db, location }: Pick<Store, 'db' | 'location'>,
  planId: string,
): Promise<{ latest: CheckResultRow[]; history: HistoryRow[] }> {
  const sql = SQL[location.provider];
  const [latest, history] = await Promise.all([
    db.$queryRawUnsafe<CheckResultRow[]>(sql.latest, ...Array(sql.params.latest).fill(planId)),
    db.$queryRawUnsafe<HistoryRow[]>(sql.history, ...Array(sql.params.history).fill(planId)),
  ]);
  // A result that is both the newest and the newest pass comes back twice (UNION ALL: no sort).
  const seen = new Set<number>();
  return { latest: latest.filter((r) => !seen.has(r.id) && seen.add(r.id)), history };
}
