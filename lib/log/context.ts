import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What every log line written while serving one request carries. */
export interface RequestContext {
  requestId: string;
}

// One store per process: Next bundles route handlers separately, so it lives on globalThis.
const KEY = Symbol.for('rollout-board.log.request-context');
const holder = globalThis as typeof globalThis & { [KEY]?: AsyncLocalStorage<RequestContext> };
holder[KEY] ??= new AsyncLocalStorage<RequestContext>();
const storage = holder[KEY];

/** A caller's X-Request-ID when it looks like one (an ingress often sets it), else a fresh one. */
export function requestIdFor(headers: Headers): string {
  const given = headers.get('x-request-id');
  return given && /^[A-Za-z0-9._:-]{8,128}$/.test(given) ? given : randomUUID();
}

/** Runs `fn` with this request's id, so every log line it writes (however deep) says which request it served. */
export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export const currentRequestContext = (): RequestContext | undefined => storage.getStore();
