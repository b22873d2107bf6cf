import { type Db, type DriverStatement, executeStatement, queryStatement } from '../db/client';
import { storedValue } from '../db/bulk-upsert';
import type { StoreProvider } from '../db/database-url';
import { UNFLUSHED_COMMIT, UNFLUSHED_COMMIT_CTE } from '../db/unflushed-commit';

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
// PostgreSQL runs both as one statement, so one commit: the sweep as a data-modifying WITH (run whether read or
// not), its placeholders after the end's. Two statements at once took two connections and two commits. Both run
// records commit without waiting for the disk: a crash that loses them leaves a run the next one marks interrupted.
const END_WITH_CUT_OFF_SQL =
  `WITH "cutOff" AS (${CUT_OFF_SQL.replace(/\$(\d)/g, (_, n) => `$${Number(n) + 9}`)}), ${UNFLUSHED_COMMIT_CTE} ` +
  END_SQL.replace(' WHERE ', ` FROM ${UNFLUSHED_COMMIT} WHERE `);
// PostgreSQL starts the run and reads every repository's previous state in one statement, so one round trip
// comes before a sync's first request to GitHub: the state read used to wait beside the run's insert, and
// each waited longer for the other (0.6 ms for the read alone, on the way to every no-change re-sync).
// A data-modifying WITH runs whether read or not; the states are read as they were before the statement.
const START_READING_STATES_SQL_POSTGRES =
  `WITH ${UNFLUSHED_COMMIT_CTE}, "run" AS (INSERT INTO "SyncRun" ("trigger", "status", "startedAt") ` +
  `SELECT $1, 'running', $2::timestamp(3) FROM ${UNFLUSHED_COMMIT} RETURNING "id") ` +
  'SELECT "run"."id", "state"."repo", "state"."etag", "state"."since", "state"."lastStatus" ' +
  'FROM "run" LEFT JOIN "RepoSyncState" AS "state" ON TRUE ORDER BY "state"."repo"';

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

const REPO_STATES_SQL = 'SELECT "repo", "etag", "since", "lastStatus" FROM "RepoSyncState" ORDER BY "repo"';

/** What a sync needs of a repository's previous one: the ETag and watermark it repeats, and whether it failed. */
export interface PreviousRepoState {
  repo: string;
  etag: string | null;
  since: Date | null;
  lastStatus: string | null;
}

/**
 * Stores a new run as running, and reads every repository's previous sync state, which a sync needs before its
 * first request: straight from the driver, as Prisma's engine took 0.7 ms longer than PostgreSQL for these few
 * rows. On PostgreSQL both are one statement. Times come back as text from both stores; one that does not read
 * as a time is no watermark (the repository is listed in full).
 */
export async function startRun(
  db: Db,
  provider: StoreProvider,
  trigger: string,
  startedAt: Date,
): Promise<{ runId: number; states: PreviousRepoState[] }> {
  if (provider === 'postgresql') {
    const rows = await queryStatement(
      db,
      statement(provider, START_READING_STATES_SQL_POSTGRES, [trigger, startedAt], [TEXT, TEXT]),
    );
    // One row per repository, or one with no repository when none has been synced yet.
    return {
      runId: Number(rows[0][0]),
      states: rows.flatMap(([, ...state]) => (state[0] === null ? [] : [repoState(state)])),
    };
  }
  const [[runId]] = await queryStatement(db, statement(provider, START_SQL, [trigger, startedAt], [TEXT, TEXT]));
  const states = await queryStatement(db, { sql: REPO_STATES_SQL, args: [], argTypes: [] });
  return { runId: Number(runId), states: states.map(repoState) };
}

function repoState([repo, etag, since, lastStatus]: unknown[]): PreviousRepoState {
  const sinceTime = since === null ? null : new Date(since as string | number);
  return {
    repo: String(repo),
    etag: etag === null ? null : String(etag),
    since: sinceTime && !Number.isNaN(sinceTime.getTime()) ? sinceTime : null,
    lastStatus: lastStatus === null ? null : String(lastStatus),
  };
}

/**
 * Records how the run ended and, beside it, marks failed any other run still marked running: under the job
 * lease no other sync runs, so such a run was cut off. On PostgreSQL both are one statement (one commit).
 */
export async function finishRun(db: Db, provider: StoreProvider, runId: number, startedAt: Date, end: RunEnd) {
  const endArgs = [
    end.status,
    end.finishedAt,
    end.repos,
    end.error,
    end.requests ?? 0,
    end.notModified ?? 0,
    end.pages ?? 0,
    end.issuesChanged ?? 0,
    runId,
  ];
  const endTypes = [TEXT, TEXT, TEXT, TEXT, INT, INT, INT, INT, INT];
  const cutOffArgs = [startedAt, INTERRUPTED_RUN_ERROR, runId];
  const cutOffTypes = [TEXT, TEXT, INT];
  if (provider === 'postgresql') {
    await executeStatement(
      db,
      statement(provider, END_WITH_CUT_OFF_SQL, [...endArgs, ...cutOffArgs], [...endTypes, ...cutOffTypes]),
    );
    return;
  }
  await executeStatement(db, statement(provider, END_SQL, endArgs, endTypes));
  await executeStatement(db, statement(provider, CUT_OFF_SQL, cutOffArgs, cutOffTypes));
}
