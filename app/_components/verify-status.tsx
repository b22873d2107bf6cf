'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { fetchJson } from './fetch-json';
import { useHydrated } from './use-hydrated';
import { boardFetch } from './board-build';

export type VerifyScope = { kind: 'all' } | { kind: 'service'; slug: string } | { kind: 'cell'; key: string };

export const jobNameOf = (scope: VerifyScope) =>
  scope.kind === 'all'
    ? 'verify:all'
    : scope.kind === 'service'
      ? `verify:service:${scope.slug}`
      : `verify:cell:${scope.key}`;

/** Which verifications run on the server: polled every second while any runs. */
export function useVerifyStatus() {
  const status = useQuery({
    queryKey: ['verify'],
    queryFn: () => fetchJson<{ running: string[] }>('/api/verify'),
    refetchInterval: (query) => ((query.state.data?.running.length ?? 0) > 0 ? 1000 : 15_000),
    staleTime: 0,
  });
  return { running: status.data?.running ?? [], updatedAt: status.dataUpdatedAt };
}

/**
 * While a verification runs, refetches the matrix and service data on every status poll, so
 * results appear as each probe finishes, and once more when it ends. Mount once per page. It
 * renders nothing and only acts in the browser, so the server runs none of its hooks (each query
 * hook builds a query and an observer in the request's client, for a render that shows nothing).
 */
export function RefreshWhileVerifying() {
  return useHydrated() ? <RefreshingWhileVerifying /> : null;
}

function RefreshingWhileVerifying() {
  const client = useQueryClient();
  const { running, updatedAt } = useVerifyStatus();
  const wasRunning = useRef(false);
  // updatedAt is the trigger, not an input: each status poll while running refetches the results.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above
  useEffect(() => {
    if (running.length > 0 || wasRunning.current) {
      void client.invalidateQueries({ queryKey: ['matrix'] });
      void client.invalidateQueries({ queryKey: ['service'] });
    }
    wasRunning.current = running.length > 0;
  }, [client, updatedAt, running.length]);
  return null;
}

/** Starts (or joins) a verification on the server; answers at once, with when the run began (server clock). */
export async function requestVerification(
  scope: VerifyScope,
): Promise<{ job: string; joined: boolean; startedAt: string }> {
  const response = await boardFetch('/api/verify', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(scope),
  });
  const body = (await response.json().catch(() => null)) as {
    job?: string;
    joined?: boolean;
    startedAt?: string;
    error?: string;
  } | null;
  if (!response.ok || !body?.job || !body.startedAt)
    throw new Error(body?.error ?? `Verification could not start (${response.status})`);
  return { job: body.job, joined: Boolean(body.joined), startedAt: body.startedAt };
}
