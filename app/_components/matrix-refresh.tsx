'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { useMatrixRevision } from './board-queries';
import { useHydrated } from './use-hydrated';

/**
 * Keeps the server-rendered matrix current without holding it: asks whether the store revision
 * moved (a 304 when not) every 30 s and whenever something invalidates the "matrix" query (a
 * Verify click, a finished sync, a verification in progress), and re-renders the page on the
 * server only when it did. It renders nothing and only acts in the browser, so the server runs none
 * of its hooks.
 */
export function MatrixRefresh(props: { etag: string; newestCheckAt: string }) {
  return useHydrated() ? <WatchMatrixRevision {...props} /> : null;
}

function WatchMatrixRevision({ etag, newestCheckAt }: { etag: string; newestCheckAt: string }) {
  const router = useRouter();
  const { data, dataUpdatedAt } = useMatrixRevision({ etag, newestCheckAt });
  const renderedAt = useRef(Date.now());
  const refreshed = useRef(etag);
  useEffect(() => {
    // Only an answer read after this page was rendered says the store moved on (not one an earlier visit cached).
    if (data.etag && data.etag !== etag && refreshed.current !== data.etag && dataUpdatedAt >= renderedAt.current) {
      refreshed.current = data.etag;
      router.refresh();
    }
  }, [data.etag, dataUpdatedAt, etag, router]);
  return null;
}
