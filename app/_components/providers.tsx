'use client';

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { BoardUpdatedError } from './board-build';
import { BoardUpdatedBanner } from './board-updated-banner';

export function Providers({ children }: { children: ReactNode }) {
  const [updated, setUpdated] = useState(false);
  const [client] = useState(() => {
    const noticeUpdate = (error: unknown) => {
      if (error instanceof BoardUpdatedError) setUpdated(true);
    };
    return new QueryClient({
      queryCache: new QueryCache({ onError: noticeUpdate }),
      mutationCache: new MutationCache({ onError: noticeUpdate }),
      defaultOptions: {
        // Asking a newer board again gets the same answer: only other failures are retried, once.
        queries: {
          staleTime: 10_000,
          retry: (failures, error) => !(error instanceof BoardUpdatedError) && failures < 1,
        },
      },
    });
  });
  return (
    <QueryClientProvider client={client}>
      {updated ? <BoardUpdatedBanner /> : null}
      {children}
    </QueryClientProvider>
  );
}
