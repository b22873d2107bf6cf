'use client';

import { useEffect, useState } from 'react';
import { formatAgo, formatUtcExact } from '@/lib/format/time';

/**
 * "2 min ago" with the exact time on hover, kept current. The server renders the relative form by
 * its own clock, so the text keeps its width when the browser takes over (the exact time is wider,
 * and a row that narrowed after load moved what was below it under the pointer). The browser
 * re-renders it by its own clock once hydrated; the two may differ across a minute, hence the
 * suppressed warning and the new element. A text that is not a time (an upstream's odd value) is
 * shown as it is, instead of failing the page.
 */
export function RelativeTime({ iso }: { iso: string }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  const exact = formatUtcExact(iso);
  if (exact === null) return <span title="Not a time the board can read">{iso || 'an unknown time'}</span>;
  return now === null ? (
    <time dateTime={iso} title={exact} suppressHydrationWarning>
      {formatAgo(iso, Date.now())}
    </time>
  ) : (
    <time key="browser" dateTime={iso} title={exact}>
      {formatAgo(iso, now)}
    </time>
  );
}
