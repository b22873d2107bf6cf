import type { BurnUp } from '@/lib/matrix/burn-up';
import { formatMinutes } from '@/lib/plan/estimate';

const WIDTH = 720;
const HEIGHT = 260;
const PAD = { left: 48, right: 16, top: 16, bottom: 32 };

/** Server-rendered SVG burn-up (no chart library, works without JavaScript), with the data as a table for screen readers. */
export function BurnUpChart({ burnUp }: { burnUp: BurnUp }) {
  const { points } = burnUp;
  const maxMinutes = Math.max(1, ...points.map((p) => p.scopeMinutes));
  const x = (i: number) =>
    PAD.left + (points.length === 1 ? 0 : (i / (points.length - 1)) * (WIDTH - PAD.left - PAD.right));
  const y = (minutes: number) => PAD.top + (1 - minutes / maxMinutes) * (HEIGHT - PAD.top - PAD.bottom);
  const path = (pick: (p: (typeof points)[number]) => number) =>
    points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(pick(p)).toFixed(1)}`).join(' ');
  // Gridlines on whole hours (plus the scope itself), so the axis reads "9h", not "9.13h".
  const ticks = [
    ...new Set([0, 0.25, 0.5, 0.75].map((f) => Math.round((maxMinutes * f) / 60) * 60).concat(maxMinutes)),
  ];
  const labelEvery = Math.max(1, Math.ceil(points.length / 8));

  return (
    <figure className="burn-up" data-testid="burn-up">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby="burn-up-title">
        <title id="burn-up-title">
          {`Burn-up: ${formatMinutes(points.at(-1)?.verifiedMinutes ?? 0)} verified and ` +
            `${formatMinutes(points.at(-1)?.closedMinutes ?? 0)} closed of ${formatMinutes(maxMinutes)}`}
        </title>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(t)} y2={y(t)} className="grid" />
            <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end" className="axis">
              {formatMinutes(t)}
            </text>
          </g>
        ))}
        {points.map((p, i) =>
          i % labelEvery === 0 || i === points.length - 1 ? (
            <text
              key={p.date}
              x={x(i)}
              y={HEIGHT - 10}
              textAnchor="middle"
              className={(i / labelEvery) % 2 === 1 && i !== points.length - 1 ? 'axis axis-x-alternate' : 'axis'}
            >
              {p.date.slice(5)}
            </text>
          ) : null,
        )}
        <path d={path((p) => p.scopeMinutes)} className="line-scope" data-series="scope" />
        <path d={path((p) => p.closedMinutes)} className="line-closed" data-series="closed" />
        <path d={path((p) => p.verifiedMinutes)} className="line-verified" data-series="verified" />
      </svg>
      <figcaption>
        <span className="key key-scope">scope</span> <span className="key key-closed">issues closed</span>{' '}
        <span className="key key-verified">verified by live data</span>
      </figcaption>
      <details>
        <summary>Data</summary>
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Scope</th>
              <th scope="col">Closed</th>
              <th scope="col">Verified</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr key={p.date}>
                <td>{p.date}</td>
                <td>{formatMinutes(p.scopeMinutes)}</td>
                <td>{formatMinutes(p.closedMinutes)}</td>
                <td>{formatMinutes(p.verifiedMinutes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
