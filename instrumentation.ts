// Runs once when the server starts: tracing first (so the spans of start-up work are recorded), then
// validate configuration, migrate and seed the store, so a bad setting or an unreachable database
// stops start-up with a clear message instead of a broken page.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startTracing } = await import('./lib/tracing/start');
  startTracing();
  // Before the first request: the board's server asks them about every page (lib/auth/page-admission.ts,
  // lib/server/page-cache.ts). It waits for the admission, so the cache goes first.
  const { publishPageCache } = await import('./lib/server/page-cache');
  publishPageCache();
  const { publishPageAdmission } = await import('./lib/auth/page-admission');
  publishPageAdmission();
  const { startServer } = await import('./lib/server/start');
  await startServer();
}

/**
 * A page (or anything else Next catches) failed on the server: one structured log line with the
 * error id the browser's error page shows (app/error.tsx), the path, and the caller's X-Request-ID
 * when an ingress set one, so "error id 123" in a report leads to the error. Secrets are redacted.
 */
export async function onRequestError(
  error: unknown,
  request: { path: string; method: string; headers: Record<string, string | string[] | undefined> },
  context: { routePath: string; routeType: string },
) {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { errorFields, logger } = await import('./lib/log/logger');
  const digest =
    error && typeof error === 'object' && 'digest' in error ? String((error as { digest: unknown }).digest) : undefined;
  const given = request.headers['x-request-id'];
  logger().error(
    {
      digest,
      path: request.path,
      method: request.method,
      route: context.routePath,
      routeType: context.routeType,
      ...(typeof given === 'string' ? { requestId: given } : {}),
      ...errorFields(error),
    },
    `${request.method} ${request.path} failed (error id ${digest ?? 'none'})`,
  );
}
