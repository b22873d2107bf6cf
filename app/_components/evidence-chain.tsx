import type { ChainLink, ChainLinkStatus, EvidenceChain } from '@/lib/matrix/types';
import { formatUtc } from '@/lib/format/time';

const STATUS_TEXT: Record<ChainLinkStatus, string> = {
  passed: 'passed',
  partial: 'partly proven',
  failed: 'failed',
  'not-checked': 'not checked',
};
const MARK: Record<ChainLinkStatus, string> = { passed: '✓', partial: '◐', failed: '✗', 'not-checked': '–' };

/** A link's status in words; an open issue has not "failed" to close, it is simply not closed yet. */
const statusText = (link: ChainLink) =>
  link.regressed
    ? 'regressed (passed before)'
    : link.link === 'issue-closed' && link.status === 'failed'
      ? 'not yet (the issue is open)'
      : STATUS_TEXT[link.status];

/** Times are shown in UTC so the server and the browser render the same text. */

export const describeChain = (chain: EvidenceChain) =>
  `Evidence: ${chain.links.map((l) => `${l.label.toLowerCase()} ${statusText(l)}`).join(', ')} (${chain.summary})`;

function LinkItem({ link }: { link: ChainLink }) {
  return (
    <li
      className={`chain-link link-${link.status}${link.regressed ? ' link-regressed' : ''}`}
      data-link={link.link}
      data-status={link.status}
    >
      <span className="chain-mark" aria-hidden="true">
        {MARK[link.status]}
      </span>
      <div>
        <strong>{link.label}</strong> <span className="chain-status">{statusText(link)}</span>
        {link.checkedAt ? (
          <>
            {' · '}
            <time dateTime={link.checkedAt}>{formatUtc(link.checkedAt)}</time>
          </>
        ) : null}
        <p className="chain-message">{link.message}</p>
        {link.evidence !== null && link.evidence !== undefined ? (
          <details>
            <summary>Evidence</summary>
            <pre className="chain-evidence">{JSON.stringify(link.evidence, null, 2)}</pre>
          </details>
        ) : null}
      </div>
    </li>
  );
}

/** A cell's chain, issue closed → merged → deployed → data flowing, with status, evidence and time. */
export function EvidenceChainView({ chain }: { chain: EvidenceChain }) {
  return (
    <div className="chain" data-testid="evidence-chain" data-furthest={chain.furthest ?? 'none'}>
      <h3>
        Evidence chain: <span data-testid="chain-summary">{chain.summary}</span>
      </h3>
      <ol aria-label="Evidence chain">
        {chain.links.map((link) => (
          <LinkItem key={link.link} link={link} />
        ))}
      </ol>
    </div>
  );
}

/** The compact form for a matrix cell: four dots, one per link, with a spoken summary. */
export function ChainDots({ chain }: { chain: EvidenceChain }) {
  return (
    <span
      className="chain-dots"
      role="img"
      aria-label={describeChain(chain)}
      title={describeChain(chain)}
      data-testid="chain-dots"
    >
      {chain.links.map((link) => (
        <span key={link.link} className={`dot dot-${link.regressed ? 'regressed' : link.status}`} />
      ))}
    </span>
  );
}
