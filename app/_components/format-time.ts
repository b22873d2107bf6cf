/** A timestamp the same on server and browser (no locale, no "x minutes ago"): "2026-11-25 10:52 UTC". */
export const formatUtc = (iso: string | null | undefined) =>
  iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '—';
