'use client';

import { useQueryClient } from '@tanstack/react-query';
import { FailedRead } from './_components/failed-read';

/**
 * A page that failed to read its data shows what could not be read, the id its error is logged
 * under (instrumentation.ts logs every failed request with it) and a retry, never a stack trace.
 * `retry` fetches the page from the server again; `reset` would only re-render what already failed.
 * The browser's cached reads are dropped first: a page that failed drawing cached data (e.g. a
 * damaged result) would otherwise draw the same data again, whatever the server now sends.
 */
export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  const client = useQueryClient();
  return (
    <FailedRead
      error={error}
      retry={() => {
        client.clear();
        retry();
      }}
    />
  );
}
