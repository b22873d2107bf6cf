'use client';

import { type QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { type CompactCell, type CompactMatrixView, newestCheckAt } from '@/lib/matrix/compact';
import type { MatrixCell, ServiceDetail } from '@/lib/matrix/types';
import { fetchJson } from './fetch-json';
import type { VerifyScope } from './verify-status';
import { boardFetch } from './board-build';

/**
 * The board's two client-side resources, one react-query entry each: the matrix (['matrix'], the
 * compact view behind its store revision) and a service (['service', slug]). Whatever refreshes or
 * reads them goes through these, so a refetch one component starts serves every other.
 */

/** What the browser knows of the matrix: the revision it last saw, the newest result in it, and the view once read. */
export interface MatrixRevision {
  etag: string | null;
  newestCheckAt: string;
  /** The compact view at `etag`; null until a read returned a body (a 304 carries none). */
  view: CompactMatrixView | null;
}

export const MATRIX_QUERY_KEY = ['matrix'] as const;
export const serviceQueryKey = (slug: string) => ['service', slug] as const;

/** Asks for the compact matrix; a 304 (the revision has not moved since `known`) keeps what is known. */
async function readMatrixRevision(known: MatrixRevision | undefined, signal?: AbortSignal): Promise<MatrixRevision> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (known?.etag) headers['if-none-match'] = known.etag;
  // A read an invalidation cancels (a newer one replaces it) is aborted, not left to download.
  const response = await boardFetch('/api/matrix?view=compact', { headers, cache: 'no-store', signal });
  if (response.status === 304 && known) return known;
  if (!response.ok) throw new Error(`The matrix could not be read (${response.status}).`);
  const view = (await response.json()) as CompactMatrixView;
  return { etag: response.headers.get('etag'), newestCheckAt: newestCheckAt(view), view };
}

/**
 * The matrix revision, asked every 30 s and whenever something invalidates ['matrix'] (a Verify
 * click, a finished sync, a verification in progress). Starts from what the server rendered.
 */
export function useMatrixRevision({ etag, newestCheckAt }: { etag: string; newestCheckAt: string }) {
  const client = useQueryClient();
  // A page rendered now knows better than what an earlier visit left in the cache.
  useEffect(() => {
    const cached = client.getQueryData<MatrixRevision>(MATRIX_QUERY_KEY);
    if (cached && cached.etag !== etag) client.setQueryData(MATRIX_QUERY_KEY, { etag, newestCheckAt, view: null });
  }, [client, etag, newestCheckAt]);
  return useQuery({
    queryKey: MATRIX_QUERY_KEY,
    queryFn: ({ signal }) =>
      readMatrixRevision(
        client.getQueryData<MatrixRevision>(MATRIX_QUERY_KEY) ?? { etag, newestCheckAt, view: null },
        signal,
      ),
    initialData: { etag, newestCheckAt, view: null },
    refetchInterval: 30_000,
  });
}

/** The current compact matrix: one read, shared with a refetch already under way, and none if it is known. */
async function currentMatrix(client: QueryClient): Promise<CompactMatrixView> {
  const known = client.getQueryData<MatrixRevision>(MATRIX_QUERY_KEY);
  const fetched = await client.fetchQuery({
    queryKey: MATRIX_QUERY_KEY,
    // Without a view to keep, a 304 would leave nothing to read: ask for the body.
    queryFn: ({ signal }) => readMatrixRevision(known?.view ? known : undefined, signal),
    staleTime: 0,
  });
  if (fetched.view) return fetched.view;
  const read = await readMatrixRevision(undefined);
  client.setQueryData(MATRIX_QUERY_KEY, read);
  return read.view as CompactMatrixView;
}

export const readService = (slug: string) => fetchJson<ServiceDetail>(`/api/services/${slug}`);

/** A service's detail, seeded with what the server rendered and refetched while a verification runs. */
export function useService(initialDetail: ServiceDetail) {
  const slug = initialDetail.service.slug;
  return useQuery({ queryKey: serviceQueryKey(slug), queryFn: () => readService(slug), initialData: initialDetail });
}

/** The service a scope lies within (null for "all" and the gate). */
const serviceOfScope = (scope: VerifyScope): string | null =>
  scope.kind === 'service'
    ? scope.slug
    : scope.kind === 'cell' && !scope.key.startsWith('gate/')
      ? scope.key.split('/')[0]
      : null;

/** What a verification's summary compares: each cell's key and newest results. */
export type ResultCell = Pick<MatrixCell, 'key'> & {
  latestChecks: Array<Pick<CompactCell['latestChecks'][number], 'check' | 'status' | 'checkedAt'>>;
};

function inScope<T extends { key: string }>(cells: T[], scope: VerifyScope, service: string | null): T[] {
  if (scope.kind === 'cell') return cells.filter((c) => c.key === scope.key);
  if (scope.kind === 'service') return cells.filter((c) => c.key.startsWith(`${service}/`));
  return cells;
}

/**
 * Where a Verify button reads results: the service's entry when this page holds one (a service
 * page), else the matrix. `read()` reads the scope's cells once the run has ended (one request,
 * shared with any refetch under way).
 */
export function verifyResults(client: QueryClient, scope: VerifyScope) {
  const slug = serviceOfScope(scope);
  const service = slug ? client.getQueryData<ServiceDetail>(serviceQueryKey(slug)) : undefined;
  if (slug && service) {
    return {
      read: async (): Promise<ResultCell[]> => {
        const detail = await client.fetchQuery({
          queryKey: serviceQueryKey(slug),
          queryFn: () => readService(slug),
          staleTime: 0,
        });
        return inScope(detail.cells, scope, slug);
      },
    };
  }
  return {
    read: async (): Promise<ResultCell[]> => {
      const view = await currentMatrix(client);
      const cells = [view.gate, ...view.rows.flatMap((r) => r.cells)].filter((c): c is CompactCell => c !== null);
      return inScope(cells, scope, slug);
    },
  };
}
