'use client';

import { FailedRead } from './_components/failed-read';

/**
 * A page that failed to read its data shows what could not be read, the id its error is logged
 * under (instrumentation.ts logs every failed request with it) and a retry, never a stack trace.
 * `retry` fetches the page from the server again; `reset` would only re-render what already failed.
 */
export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  return <FailedRead error={error} retry={retry} />;
}
