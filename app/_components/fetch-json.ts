import { boardFetch } from './board-build';

/** GETs one of the board's own JSON endpoints; a non-2xx answer throws with the server's error text. */
export async function fetchJson<T>(url: string, headers?: Record<string, string>): Promise<T> {
  const response = await boardFetch(url, { headers: { accept: 'application/json', ...headers } });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: string } | null;
    throw new Error(body?.error ?? `${url} answered ${response.status}`);
  }
  return (await response.json()) as T;
}
