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
