/**
 * A PostgreSQL CTE after which its statement's commit returns without waiting for the write-ahead log to reach
 * disk (synchronous_commit off, for that one transaction). Only for writes the board redoes by itself when a
 * database crash loses them: a sync's issues, repository states and run record. A crash loses a suffix of the
 * commits, never one from the middle, and a sync stores each repository's ETag after its issues: whatever is
 * lost, the next sync fetches and writes again (and marks a run left running as interrupted). A flush cost
 * ~0.6 ms per commit here, several ms when the disk was busy, on the path of every sync, the no-change one too.
 * PostgreSQL evaluates a CTE only when the statement reads it: reference it (FROM, CROSS JOIN) once.
 */
export const UNFLUSHED_COMMIT_CTE = `"unflushedCommit" AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true))`;
export const UNFLUSHED_COMMIT = '"unflushedCommit"';
