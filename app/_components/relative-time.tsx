'use client';

import { useEffect, useState } from 'react';

const exact = (iso: string) =>
  new Date(iso)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');

export function formatAgo(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/**
 * "2 min ago" with the exact time on hover, kept current. The server renders the relative form by
 * its own clock, so the text keeps its width when the browser takes over (the exact time is wider,
 * and a row that narrowed after load moved what was below it under the pointer). The browser
 * re-renders it by its own clock once hydrated; the two may differ across a minute, hence the
 * suppressed warning and the new element.
 */
export function RelativeTime({ iso }: { iso: string }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  return now === null ? (
    <time dateTime={iso} title={exact(iso)} suppressHydrationWarning>
      {formatAgo(iso, Date.now())}
    </time>
  ) : (
    <time key="browser" dateTime={iso} title={exact(iso)}>
      {formatAgo(iso, now)}
    </time>
  );
}
