import { DEPLOYED_CHECK_NAME, MERGED_CHECK_NAME } from '../matrix/evidence-chain';
import type { StoredEvidenceOf } from '../matrix/check-evidence';
import type { CheckStatus } from '../matrix/types';

/** The two evidence checks; their results are CheckResult rows with these names (the chain reads them). */
export const MERGED_CHECK = MERGED_CHECK_NAME;
export const DEPLOYED_CHECK = DEPLOYED_CHECK_NAME;

/** What one evidence check found for one cell, before it is timed and stored. */
export interface EvidenceOutcome {
  status: CheckStatus;
  /** What was asked, e.g. "bcgov/traction@main:services/tenant-ui/package.json" or "ca7f8f-dev/app.kubernetes.io/name=acapy". */
  target: string;
  /** One sentence a PM can read; for errors, what to do. */
  message: string;
  evidence: StoredEvidenceOf<'merged' | 'deployed'>;
}
