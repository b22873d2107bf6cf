'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { ChannelView } from '@/lib/notify/channels';
import { fetchJson } from './fetch-json';
import { formatUtc } from '@/lib/format/time';
import { boardFetch } from './board-build';

type Channels = { channels: ChannelView[] };

async function send<T>(url: string, method: string, body?: unknown): Promise<T> {
  const response = await boardFetch(url, {
    method,
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await response.json().catch(() => null)) as (T & { error?: string; message?: string }) | null;
  if (!answer) throw new Error(`${method} ${url} answered ${response.status}`);
  if (!response.ok && answer.error) throw new Error(answer.error);
  return answer;
}

/** Add, test and remove webhook channels. The URL field is a password field and is never shown back. */
export function NotificationSettings({ initialChannels }: { initialChannels: ChannelView[] }) {
  const queryClient = useQueryClient();
  const { data } = useQuery({
    queryKey: ['notifications'],
    queryFn: () => fetchJson<Channels>('/api/notifications'),
    initialData: { channels: initialChannels },
  });
  const [testResult, setTestResult] = useState<Record<number, { ok: boolean; message: string }>>({});
  const refresh = (next: Channels) => queryClient.setQueryData(['notifications'], { channels: next.channels });
  const add = useMutation({
    mutationFn: (input: { name: string; format: string; url: string; digest: boolean }) =>
      send<Channels>('/api/notifications', 'POST', input),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: number) => send<Channels>(`/api/notifications?id=${id}`, 'DELETE'),
    onSuccess: refresh,
  });
  const test = useMutation({
    mutationFn: (id: number) => send<{ ok: boolean; message: string }>('/api/notifications/test', 'POST', { id }),
    onSuccess: (result, id) => setTestResult((r) => ({ ...r, [id]: result })),
    onError: (error, id) => setTestResult((r) => ({ ...r, [id]: { ok: false, message: error.message } })),
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const target = event.currentTarget;
    add.mutate(
      {
        name: String(form.get('name') ?? ''),
        format: String(form.get('format') ?? 'slack'),
        url: String(form.get('url') ?? ''),
        digest: form.get('digest') === 'on',
      },
      { onSuccess: () => target.reset() },
    );
  };

  return (
    <section aria-labelledby="channels-heading">
      <h2 id="channels-heading">Channels</h2>
      {data.channels.length === 0 ? (
        <p data-testid="no-channels">No channel yet: state changes are shown on the board only.</p>
      ) : (
        <table className="data-table" data-testid="channels">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Format</th>
              <th scope="col">Posts to</th>
              <th scope="col">Mode</th>
              <th scope="col">Last delivery</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {data.channels.map((c) => (
              <tr key={c.id}>
                <td>{c.name}</td>
                <td>{c.format === 'slack' ? 'Slack-compatible' : c.format === 'json' ? 'JSON' : 'Unknown format'}</td>
                <td>
                  <code>{c.target}</code>
                </td>
                <td>{c.digest ? 'digest for verify-all' : 'one message per change'}</td>
                <td>
                  {c.lastDelivery
                    ? `${c.lastDelivery.status} ${formatUtc(c.lastDelivery.at)}: ${c.lastDelivery.summary}${
                        c.lastDelivery.error ? ` (${c.lastDelivery.error})` : ''
                      }`
                    : 'none yet'}
                </td>
                <td>
                  <button type="button" onClick={() => test.mutate(c.id)} disabled={test.isPending}>
                    Send test message
                  </button>{' '}
                  <button type="button" onClick={() => remove.mutate(c.id)} disabled={remove.isPending}>
                    Remove
                  </button>
                  {testResult[c.id] ? (
                    <p role="status" data-testid={`test-result-${c.id}`}>
                      {testResult[c.id].message}
                    </p>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Add a channel</h2>
      <form onSubmit={onSubmit} className="settings-form">
        <label>
          Name <input name="name" required maxLength={80} placeholder="#phase-3-rollout" />
        </label>
        <label>
          Format{' '}
          <select name="format" defaultValue="slack">
            <option value="slack">Slack-compatible incoming webhook</option>
            <option value="json">Generic JSON</option>
          </select>
        </label>
        <label>
          Webhook URL <input name="url" type="password" required autoComplete="off" placeholder="https://…" />
        </label>
        <label>
          <input name="digest" type="checkbox" defaultChecked /> One digest per verify-all run
        </label>
        <button type="submit" disabled={add.isPending}>
          Add channel
        </button>
        {add.error ? <p role="alert">{add.error.message}</p> : null}
      </form>
    </section>
  );
}
