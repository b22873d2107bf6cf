import { type Db, type DriverStatement, executeStatement, queryStatement } from '../db/client';
import { storedValue } from '../db/bulk-upsert';
import type { StoreProvider } from '../db/database-url';

type SyncRunRow = Awaited<ReturnType<Db['syncRun']['findMany']>>[number];

/** How a run ended, as its row stores it. */
export type RunEnd = Pick<SyncRunRow, 'status' | 'finishedAt' | 'repos' | 'error'> &
  Partial<Pick<SyncRunRow, 'requests' | 'notModified' | 'pages' | 'issuesChanged'>>;

/** What a run cut off before its end says (stored by the next run's end; shown at once by readSyncStatus). */
export const INTERRUPTED_RUN_ERROR =
  'Interrupted: the server stopped, or the run passed SYNC_TIMEOUT, before it finished.';

// A run's row is written at its start and its end, on every sync, the no-change re-sync included: straight to the
// driver (executeStatement), as Prisma's engine spent more CPU on these writes than SQLite did (0.65 of a 7.7 ms
// re-sync of 8 repositories). The texts differ only in their placeholders.
const START_SQL = `INSERT INTO "SyncRun" ("trigger", "status", "startedAt") VALUES ($1, 'running', $2) RETURNING "id"`;
const END_SQL =
  'UPDATE "SyncRun" SET "status" = $1, "finishedAt" = $2, "repos" = $3, "error" = $4, "requests" = $5, ' +
  '"notModified" = $6, "pages" = $7, "issuesChanged" = $8 WHERE "id" = $9';
const CUT_OFF_SQL = `UPDATE "SyncRun" SET "status" = 'failed', "finishedAt" = $1, "error" = $2 WHERE "status" = 'running' AND "id" <> $3`;

const TEXT = { scalarType: 'string', arity: 'scalar' } as const;
const INT = { scalarType: 'int', arity: 'scalar' } as const;

/** One statement for `provider`: SQLite's driver binds `?` in order, so each $n above appears once, in order. */
function statement(provider: StoreProvider, sql: string, args: unknown[], argTypes: DriverStatement['argTypes']) {
  return {
    sql: provider === 'postgresql' ? sql : sql.replace(/\$\d+/g, '?'),
    args: args.map((value) => storedValue(provider, value)),
    argTypes,
  } satisfies DriverStatement;
}

/** Stores a new run as running, and returns its id. */
export async function startRun(db: Db, provider: StoreProvider, trigger: string, startedAt: Date): Promise<number> {
  const [row] = await queryStatement(db, statement(provider, START_SQL, [trigger, startedAt], [TEXT, TEXT]));
  return Number(row[0]);
}

/**
 * Records how the run ended and, beside it, marks failed any other run still marked running: under the job
 * lease no other sync runs, so such a run was cut off. Both at once: one round trip on PostgreSQL.
 */
export async function finishRun(db: Db, provider: StoreProvider, runId: number, startedAt: Date, end: RunEnd) {
  await Promise.all([
    executeStatement(
      db,
      statement(
        provider,
        END_SQL,
        [
          end.status,
          end.finishedAt,
          end.repos,
          end.error,
          end.requests ?? 0,
          end.notModified ?? 0,
          end.pages ?? 0,
          end.issuesChanged ?? 0,
          runId,
        ],
        [TEXT, TEXT, TEXT, TEXT, INT, INT, INT, INT, INT],
      ),
    ),
    executeStatement(
      db,
      statement(provider, CUT_OFF_SQL, [startedAt, INTERRUPTED_RUN_ERROR, runId], [TEXT, TEXT, INT]),
    ),
  ]);
}
