import { isCheckName, readStoredEvidence } from './check-evidence';
import type { CheckFact, CheckStatus } from './types';

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

/**
 * A stored result as a fact, its evidence read with its check's schema. A row whose evidence does not
 * read (or a check this board has no schema for) keeps its result and says why its evidence is
 * missing, rather than failing the page.
 */
export function checkFactOf(row: StoredCheckRow): CheckFact {
  const base = {
    cellKey: row.cellKey,
    target: row.target,
    status: row.status as CheckStatus,
    message: row.message,
    durationMs: row.durationMs,
    checkedAt: row.checkedAt.toISOString(),
  };
  if (!isCheckName(row.check))
    return { ...base, check: row.check, evidenceProblem: `no evidence schema for "${row.check}"` };
  return { ...base, ...readStoredEvidence(row.check, row.evidence) };
}
