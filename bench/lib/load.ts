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

/**
 * Every target is warmed with the same number of requests before its measured window, not for the
 * same time: a fresh board keeps getting cheaper per request for its first ~2,700 requests of a
 * route (JIT, inline caches, heap sizing; plan-size `/` 8.5 → 5.1 ms of CPU, /api/health
 * 1.5 → 0.87 ms), so one second warmed a cheap route with ~2,000 requests and an expensive one
 * with ~150, and measured the expensive one cold. A route too slow to reach the count stops
 * warming after BENCH_WARM_UP_MAX_SECONDS (its requests are heavier, so each warms more code).
 */
export const WARM_UP_REQUESTS = Number(process.env.BENCH_WARM_UP_REQUESTS ?? 3000);
const WARM_UP_MAX_SECONDS = Number(process.env.BENCH_WARM_UP_MAX_SECONDS ?? 60);

/** What each request carries besides its URL: a POST's body, or the headers a browser sends. */
type RequestShape = { method?: 'POST'; headers: Record<string, string>; body?: string };

/** Sends `amount` requests (at most `maxSeconds` long); the number answered. */
function warmUp(
  url: string,
  connections: number,
  amount: number,
  maxSeconds: number,
  request: RequestShape | undefined,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections, amount, ...request }, (error, result) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(result.requests.total);
    });
    const timer = setTimeout(() => instance.stop(), maxSeconds * 1000);
  });
}

/** Drives one URL with autocannon (10 connections) after a warm-up (WARM_UP_REQUESTS); GET unless a request is given. */
export async function measureUrl(
  target: string,
  url: string,
  options: {
    connections?: number;
    seconds?: number;
    request?: RequestShape;
    /** Called between the warm-up and the measured window (e.g. to read the server's CPU time). */
    afterWarmUp?: () => void;
  } = {},
): Promise<LoadFigures> {
  const connections = options.connections ?? 10;
  const warmed = await warmUp(url, connections, WARM_UP_REQUESTS, WARM_UP_MAX_SECONDS, options.request);
  if (warmed < WARM_UP_REQUESTS)
    console.log(`  (${target}: warmed with ${warmed} of ${WARM_UP_REQUESTS} requests in ${WARM_UP_MAX_SECONDS} s)`);
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
