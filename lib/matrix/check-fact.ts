import { isCheckName, readStoredEvidence } from './check-evidence';
import { z } from 'zod';
import { CHECK_STATUSES, type CheckFact, type CheckStatus } from './types';

/** A CheckResult row as the store keeps it: evidence is JSON text. */
export interface StoredCheckRow {
  cellKey: string;
  check: string;
  target: string;
  status: string;
  message: string | null;
  durationMs: number;
  checkedAt: Date;
  evidence: string;
}

/** A stored status this board knows, or null (a row another version wrote reads as an error that says so). */
export const storedCheckStatus = (text: string): CheckStatus | null => {
  const parsed = checkStatus.safeParse(text);
  return parsed.success ? parsed.data : null;
};
const checkStatus = z.enum(CHECK_STATUSES);

/**
 * A stored result as a fact, its evidence read with its check's schema. A row whose evidence does not
 * read (or a check this board has no schema for) keeps its result and says why its evidence is
 * missing, rather than failing the page.
 */
export function checkFactOf(row: StoredCheckRow): CheckFact {
  const status = storedCheckStatus(row.status);
  const base = {
    cellKey: row.cellKey,
    target: row.target,
    status: status ?? 'error',
    message: status ? row.message : `The stored status "${row.status}" is not one this board knows.`,
    durationMs: row.durationMs,
    checkedAt: row.checkedAt.toISOString(),
  };
  if (!isCheckName(row.check))
    return { ...base, check: row.check, evidenceProblem: `no evidence schema for "${row.check}"` };
  return { ...base, ...readStoredEvidence(row.check, row.evidence) };
}
