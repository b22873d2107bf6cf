// Runs once when the server starts: tracing first (so the spans of start-up work are recorded), then
// validate configuration, migrate and seed the store, so a bad setting or an unreachable database
// stops start-up with a clear message instead of a broken page.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startTracing } = await import('./lib/tracing/start');
  startTracing();
  const { startServer } = await import('./lib/server/start');
  await startServer();
}
