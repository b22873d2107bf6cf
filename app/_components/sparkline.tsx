import type { CheckPoint } from '@/lib/matrix/types';

const COLORS: Record<CheckPoint['status'], string> = {
  pass: '#1a7f37',
  fail: '#b58100',
  error: '#c62828',
  'not-configured': '#9aa3af',
  'insufficient-data': '#6b7280',
};
const HEIGHTS: Record<CheckPoint['status'], number> = {
  pass: 12,
  fail: 7,
  error: 4,
  'not-configured': 2,
  'insufficient-data': 3,
};

/** A cell's recent results as small bars, oldest left: green pass, amber fail, red error, grey not configured. */
export function Sparkline({ history }: { history: CheckPoint[] }) {
  if (history.length === 0) return null;
  const counts = history.reduce<Record<string, number>>(
    (acc, h) => ({ ...acc, [h.status]: (acc[h.status] ?? 0) + 1 }),
    {},
  );
  const summary = Object.entries(counts)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  const width = history.length * 4;
  return (
    <svg
      className="sparkline"
      width={width}
      height={12}
      viewBox={`0 0 ${width} 12`}
      role="img"
      aria-label={`Last ${history.length} results: ${summary}`}
      data-testid="sparkline"
    >
      <title>{`Last ${history.length} results: ${summary}`}</title>
      {history.map((h, i) => (
        <rect
          key={`${h.checkedAt}-${h.check}-${i}`}
          x={i * 4}
          y={12 - HEIGHTS[h.status]}
          width={3}
          height={HEIGHTS[h.status]}
          fill={COLORS[h.status]}
          data-status={h.status}
        />
      ))}
    </svg>
  );
}
