'use client';

import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';

/**
 * Keeps the server-rendered matrix current without holding it: asks whether the store revision
 * moved (a 304 when not) every 30 s and whenever something invalidates the "matrix" query (a
 * Verify click, a finished sync, a verification in progress), and re-renders the page on the
 * server only when it did.
 */
export function MatrixRefresh({ etag }: { etag: string }) {
  const router = useRouter();
  const { data } = useQuery({
    // Under 'matrix', so whatever invalidates the matrix (a Verify click, a sync) asks here too.
    queryKey: ['matrix', 'revision'],
    queryFn: async () => {
      const response = await fetch('/api/matrix?view=compact', {
        headers: { 'if-none-match': etag, accept: 'application/json' },
        cache: 'no-store',
      });
      if (response.status === 304) return etag;
      if (!response.ok) throw new Error(`The matrix could not be refreshed (${response.status}).`);
      await response.body?.cancel();
      return response.headers.get('etag') ?? etag;
    },
    refetchInterval: 30_000,
  });
  const refreshed = useRef(etag);
  useEffect(() => {
    if (data && data !== etag && refreshed.current !== data) {
      refreshed.current = data;
      router.refresh();
    }
  }, [data, etag, router]);
  return null;
}
