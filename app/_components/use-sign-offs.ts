'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { SignOffFact } from '@/lib/matrix/types';
import { fetchJson } from './fetch-json';
import { boardFetch } from './board-build';

/** POSTs JSON to one of the board's action routes; a non-2xx answer throws with the server's error text. */
async function postJson<T>(url: string, body: unknown): Promise<T> {
  const response = await boardFetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json().catch(() => null)) as (T & { error?: string }) | null;
  if (!response.ok || !answer) throw new Error(answer?.error ?? `${url} answered ${response.status}`);
  return answer;
}

/** A cell's sign-off history, newest first; read only when someone opens it. */
export function useSignOffs(cellKey: string, enabled: boolean) {
  return useQuery({
    queryKey: ['sign-offs', cellKey],
    queryFn: () =>
      fetchJson<{ signOffs: SignOffFact[] }>(`/api/sign-offs?cell=${encodeURIComponent(cellKey)}`).then(
        (a) => a.signOffs,
      ),
    enabled,
  });
}

/** Signing off and revoking: on success the cell, the matrix and the history show it at once. */
export function useSignOffActions(cellKey: string) {
  const client = useQueryClient();
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ['service'] });
    void client.invalidateQueries({ queryKey: ['matrix'] });
    void client.invalidateQueries({ queryKey: ['sign-offs', cellKey] });
  };
  const sign = useMutation({
    mutationFn: (input: { criterion: number; note: string; expiresAt: string | null }) =>
      postJson<{ signOff: SignOffFact }>('/api/sign-offs', { cell: cellKey, ...input }),
    onSuccess: refresh,
  });
  const revoke = useMutation({
    mutationFn: (id: string) => postJson<{ signOff: SignOffFact }>(`/api/sign-offs/${id}/revoke`, {}),
    onSuccess: refresh,
  });
  return { sign, revoke };
}
