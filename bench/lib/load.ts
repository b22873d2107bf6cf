import autocannon from 'autocannon';

export interface LoadFigures {
  target: string;
  requestsPerSecond: number;
  /** Requests answered in the measured window (the warm-up not counted). */
  completed: number;
  /** 0 when no request completed: ratioLine then says "not measured". */
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
}

export const BENCH_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

/** Drives one URL with autocannon (10 connections) after a short warm-up; GET unless a request is given. */
export async function measureUrl(
  target: string,
  url: string,
  options: {
    connections?: number;
    seconds?: number;
    request?: { method: 'POST'; headers: Record<string, string>; body: string };
    /** Called between the warm-up and the measured window (e.g. to read the server's CPU time). */
    afterWarmUp?: () => void;
  } = {},
): Promise<LoadFigures> {
  const connections = options.connections ?? 10;
  await autocannon({ url, connections, duration: 1, ...options.request }); // warm-up: JIT and first-request compilation
  options.afterWarmUp?.();
  const result = await autocannon({ url, connections, duration: options.seconds ?? BENCH_SECONDS, ...options.request });
  return {
    target,
    requestsPerSecond: Math.round(result.requests.average),
    completed: result.requests.total,
    p50Ms: result.requests.total > 0 ? result.latency.p50 : 0,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
  };
}

export function printTable(title: string, rows: Array<Record<string, string | number>>) {
  console.log(`\n## ${title}`);
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ');
  console.log(line(columns));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(columns.map((c) => String(row[c]))));
}

/** Drives a URL until `until` settles (at most maxSeconds), e.g. for the length of a sync. */
export function measureUntil(
  target: string,
  url: string,
  until: Promise<unknown>,
  options: { connections?: number; maxSeconds?: number } = {},
): Promise<LoadFigures> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url, connections: options.connections ?? 5, duration: options.maxSeconds ?? 300 },
      (error, result) => {
        if (error) reject(error);
        else
          resolve({
            target,
            requestsPerSecond: Math.round(result.requests.average),
            completed: result.requests.total,
            p50Ms: result.requests.total > 0 ? result.latency.p50 : 0,
            p99Ms: result.latency.p99,
            non2xx: result.non2xx,
          });
      },
    );
    void until.finally(() => instance.stop());
  });
}

/** A ratio against its target, as the bench prints it: "3.1× (target ≤ 4×) ✓". */
export function ratioLine(value: number, target: number, unit = '×'): string {
  // A side that completed no request (p50 0) gives 0 or ∞: no measurement, never a pass.
  if (!Number.isFinite(value) || value <= 0)
    return `not measured (a side completed no request; raise BENCH_SECONDS) (target ≤ ${target}${unit}) ✗`;
  const shown = value < 10 ? value.toFixed(2) : value.toFixed(0);
  return `${shown}${unit} (target ≤ ${target}${unit}) ${value <= target ? '✓' : '✗ MISSED'}`;
}
