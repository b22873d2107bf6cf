/**
 * The one place that takes credentials out of what the board shows, stores or logs. URL settings may carry
 * `user:password@`; tokens travel in headers only, but upstream error texts can echo them.
 */

/** The URL without user:password (and without a trailing slash), safe for pages, API answers and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url.replace(/\/$/, ''); // as the operator wrote it
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    // Not a URL: never echo it, it may be a mistyped secret.
    return redactSecrets(url);
  }
}

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@'"]*@/gi;
const AUTH_VALUES = /\b(authorization:?\s*|token\s+|bearer\s+|basic\s+)[A-Za-z0-9._~+/=-]{16,}/gi;

/** Free text (an error message, a stack) with URL credentials and authorization values masked. */
export function redactSecrets(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1***@').replace(AUTH_VALUES, '$1***');
}
