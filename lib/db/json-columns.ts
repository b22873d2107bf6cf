import { z } from 'zod';

/**
 * The JSON the store keeps in text columns, each with its schema: read through `readJsonColumn`, so
 * a row another version (or a hand edit) wrote wrongly fails naming the column, instead of flowing
 * on as the wrong type.
 */

export const stringListColumn = z.array(z.string());

/** A pull request that closes an issue, as stored on the issue (Issue.linkedPullRequests). */
export const linkedPullRequestColumn = z.object({
  number: z.number().int(),
  url: z.string(),
  /** "owner/name" of the pull request's repository. */
  repo: z.string(),
  state: z.enum(['open', 'closed']),
  merged: z.boolean(),
  /** When it merged (the latency proof's go-live time when no pod start is known). */
  mergedAt: z.string().nullable().optional(),
});
export type LinkedPullRequest = z.infer<typeof linkedPullRequestColumn>;
export const linkedPullRequestsColumn = z.array(linkedPullRequestColumn);

/** What one repository's part of a sync run came to (SyncRun.repos holds a list of these). */
export const repoSyncOutcomeColumn = z.object({
  repo: z.string(),
  status: z.enum(['unchanged', 'updated', 'failed']),
  requests: z.number(),
  notModified: z.number(),
  pages: z.number(),
  issuesChanged: z.number(),
  /** What went wrong and what to do, for people. */
  error: z.string().nullable(),
  httpStatus: z.number().nullable(),
  /** GitHub's rate-limit headers on the repository's last answer. */
  quota: z
    .object({ limit: z.number(), remaining: z.number(), resetAt: z.string(), resource: z.string().nullable() })
    .nullable(),
});
export const repoSyncOutcomesColumn = z.array(repoSyncOutcomeColumn);

export class StoredJsonError extends Error {
  override name = 'StoredJsonError';
}

/** Parses one stored JSON column with its schema; throws StoredJsonError naming the column otherwise. */
export function readJsonColumn<T>(schema: z.ZodType<T>, text: string, column: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new StoredJsonError(`The store's ${column} is not JSON: was it written by another version of the board?`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StoredJsonError(
      `The store's ${column} has an unexpected shape (${issue?.path.join('.') || 'value'}: ${issue?.message}).`,
    );
  }
  return parsed.data;
}
