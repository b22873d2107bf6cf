// How the board writes times: the same text on the server and in the browser (UTC, no locale), so a
// server-rendered page does not change its words, or its width, when the browser takes over.

const readable = (iso: string | null | undefined): iso is string => !!iso && !Number.isNaN(Date.parse(iso));

/** "2026-11-25 10:52 UTC"; "—" for no time; a text that is not a time, as it is. */
export function formatUtc(iso: string | null | undefined): string {
  if (!iso) return '—';
  if (!readable(iso)) return iso;
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "2026-11-25 10:52:07 UTC", to the second (the exact time behind "2 min ago"); null when it is not a time. */
export function formatUtcExact(iso: string): string | null {
  return readable(iso) ? `${new Date(iso).toISOString().slice(0, 19).replace('T', ' ')} UTC` : null;
}

/** "just now", "5 min ago", "3 h ago", "4 days ago" by the clock `now`; a time ahead of it is "just now". Null when not a time. */
export function formatAgo(iso: string, now: number): string | null {
  if (!readable(iso)) return null;
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}
