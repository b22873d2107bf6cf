import type { CheckStatus } from '@/lib/matrix/types';

const HEIGHTS: Record<CheckStatus, number> = {
  pass: 12,
  fail: 7,
  error: 4,
  'not-configured': 2,
  'insufficient-data': 3,
};
const ORDER: CheckStatus[] = ['pass', 'fail', 'error', 'insufficient-data', 'not-configured'];

/**
 * Recent results as small bars, oldest left: green pass, amber fail, red error, grey not
 * configured. One stroked path per status keeps a matrix of a thousand cells light.
 */
export function Sparkline({ statuses }: { statuses: CheckStatus[] }) {
  if (statuses.length === 0) return null;
  const counts = new Map<CheckStatus, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  const summary = `Last ${statuses.length} results: ${ORDER.filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${s}`)
    .join(', ')}`;
  return (
    <svg
      className="sparkline"
      // 12px high by CSS, as wide as its bars (the viewBox's ratio): fewer bytes per cell on a large board.
      viewBox={`0 0 ${statuses.length * 4} 12`}
      role="img"
      aria-label={summary}
      data-points={statuses.length}
    >
      {ORDER.filter((s) => counts.has(s)).map((status) => (
        <path
          key={status}
          data-status={status}
          // One 3px stroke per result (matrix.css), from its height down to the baseline.
          d={statuses.map((s, i) => (s === status ? `M${i * 4 + 1.5} ${12 - HEIGHTS[s]}V12` : '')).join('')}
        />
      ))}
    </svg>
  );
}
