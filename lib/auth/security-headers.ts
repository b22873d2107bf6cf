/** Headers every answer carries (next.config.ts): no framing, no sniffing, no full URLs to other sites. */
export const SECURITY_HEADERS = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
] as const;

/**
 * The pages' Content-Security-Policy: scripts only from the board itself (Next's inline bootstrap
 * scripts carry this request's nonce, and 'strict-dynamic' lets them load the board's chunks, Faro's
 * included); connections to the board itself (Faro's same-origin /faro collector) or to the collector
 * FARO_COLLECTOR_URL names; never framed.
 */
export function contentSecurityPolicy(nonce: string, faroCollectorUrl: string | null): string {
  let collector = '';
  if (faroCollectorUrl && /^https?:\/\//.test(faroCollectorUrl)) collector = ` ${new URL(faroCollectorUrl).origin}`;
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${collector}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
