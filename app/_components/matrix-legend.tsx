'use client';

import { CELL_STATE_LABELS, CELL_STATES } from '@/lib/matrix/types';

const BAR = {
  pass: ['#1a7f37', 12],
  fail: ['#b58100', 7],
  error: ['#c62828', 4],
  'not-configured': ['#9aa3af', 2],
} as const;

/**
 * How to read a cell: its state, the four evidence dots, the signal chips and the history bars. The
 * same on every request, so it is a client component: the page's RSC payload carries a reference to
 * it (it ships once, in a cached script) instead of its whole tree on every request.
 */
export function MatrixLegend() {
  return (
    <section className="legend" aria-labelledby="legend-heading" data-testid="matrix-legend">
      <h2 id="legend-heading" className="legend-heading">
        How to read a cell
      </h2>
      <dl>
        <dt>States</dt>
        <dd>
          {CELL_STATES.map((s) => CELL_STATE_LABELS[s]).join(' · ')}. Ready to close: every check passes but the issue
          is still open. Closed · unverified: the issue is closed but live data does not prove it yet.
        </dd>
        <dt aria-hidden="true">
          <span className="dot dot-passed" />
          <span className="dot dot-partial" />
          <span className="dot dot-failed" />
          <span className="dot" />
        </dt>
        <dd>
          Evidence dots, left to right: issue closed, merged, deployed, data flowing. Filled green: proven; half: proven
          partly; amber: failed; red: broke after passing; hollow: not checked.
        </dd>
        <dt>Loki ✓</dt>
        <dd>
          Each signal&apos;s newest result, named for what it is (Pyroscope, Loki, Tempo, Merged, Deployed, Gate).
        </dd>
        <dt aria-hidden="true">
          <svg width={16} height={12} viewBox="0 0 16 12" aria-hidden="true">
            {Object.values(BAR).map(([color, height], i) => (
              <rect key={color} x={i * 4} y={12 - height} width={3} height={height} fill={color} />
            ))}
          </svg>
        </dt>
        <dd>
          History: one bar per check result, oldest left. Tall green: pass; amber: no data; short red: error; grey: not
          configured.
        </dd>
      </dl>
    </section>
  );
}
