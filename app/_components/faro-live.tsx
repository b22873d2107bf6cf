'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { tempoTraceUrl, traceIdOf } from '@/lib/faro/links';
import type { FaroStatus } from '@/lib/faro/status';
import { whenFaroStarted } from './faro-init';
import { fetchJson } from './fetch-json';

function TraceId({ id, grafanaUrl }: { id: string; grafanaUrl: string | null }) {
  return grafanaUrl ? (
    <a href={tempoTraceUrl(grafanaUrl, id)}>
      <code>{id}</code>
    </a>
  ) : (
    <code>{id}</code>
  );
}

/** This browser's Faro session, from the running SDK (null until it has started, or when off). */
function useFaroSessionId(): { state: 'starting' | 'off' | 'on'; id: string | null } {
  const [session, setSession] = useState<{ state: 'starting' | 'off' | 'on'; id: string | null }>({
    state: 'starting',
    id: null,
  });
  useEffect(() => {
    let cancelled = false;
    const read = () => {
      const starting = whenFaroStarted();
      if (!starting) return setSession({ state: 'off', id: null });
      void starting.then((faro) => !cancelled && setSession({ state: 'on', id: faro.api.getSession()?.id ?? null }));
    };
    read();
    // Faro starts after hydration, and sessions roll over: look again now and then.
    const timer = setInterval(read, 2_000);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, []);
  return session;
}

/** What the board itself sends through /faro, live: session, traces, counts, last upstream answer. */
export function FaroLive({ initialStatus }: { initialStatus: FaroStatus }) {
  const session = useFaroSessionId();
  const { data: status, error } = useQuery({
    queryKey: ['faro-status', session.id],
    // Saying which session is ours gets it back even when other visitors' sessions are not shown.
    queryFn: () =>
      fetchJson<FaroStatus>('/api/faro/stats', session.id ? { 'x-faro-session-id': session.id } : undefined),
    initialData: initialStatus,
    initialDataUpdatedAt: 0, // fetch at once: the server render cannot show this browser's traceparent
    refetchInterval: 5_000,
  });
  const requestTraceId = traceIdOf(status.thisRequest.traceparent);
  const answered = Object.entries(status.proxy.answered);
  const upstream = status.proxy.lastUpstream;

  if (!status.enabled) {
    return (
      <p className="notice" data-testid="faro-off">
        Faro is off on this board (<code>FARO_ENABLED=false</code>, the chart&apos;s <code>faro.enabled: false</code>{' '}
        default): the browser loads no Faro code and <code>/faro</code> answers 404. Set <code>FARO_ENABLED=true</code>{' '}
        to watch it work here.
      </p>
    );
  }

  return (
    <section aria-labelledby="live-heading" className="cell-detail" data-testid="faro-live">
      <h2 id="live-heading">What this board sends, live</h2>
      {error ? (
        <p role="alert" className="notice notice-error">
          Could not refresh: {error.message}. Showing the last figures.
        </p>
      ) : null}
      <dl className="facts">
        <dt>App</dt>
        <dd>
          <code>{status.appName}</code>, browser sends to <code>{status.collectorUrl}</code>
          {status.proxyEnabled ? (
            <> → proxy → {status.upstreamUrl ? <code>{status.upstreamUrl}</code> : 'the Faro receiver'}</>
          ) : (
            ' (proxy off on this board)'
          )}
        </dd>
        <dt>Your Faro session</dt>
        <dd data-testid="faro-session-id">
          {session.state === 'on' ? (
            <code>{session.id ?? 'none yet'}</code>
          ) : session.state === 'off' ? (
            'Faro not started in this browser'
          ) : (
            'starting…'
          )}
        </dd>
        <dt>This refresh&apos;s trace</dt>
        <dd data-testid="faro-request-trace">
          {requestTraceId ? (
            <>
              the API received <code data-testid="faro-request-traceparent">{status.thisRequest.traceparent}</code>{' '}
              (trace <TraceId id={requestTraceId} grafanaUrl={status.grafanaUrl} />)
            </>
          ) : (
            'no traceparent received yet'
          )}
        </dd>
        <dt>Proxy requests</dt>
        <dd data-testid="faro-proxy-requests">
          {status.proxy.requests}
          {answered.length > 0 ? ` (${answered.map(([code, n]) => `${n} × ${code}`).join(', ')})` : ''}
        </dd>
        <dt>Items accepted</dt>
        <dd data-testid="faro-accepted">
          {status.proxy.accepted.logs} logs, {status.proxy.accepted.exceptions} exceptions,{' '}
          {status.proxy.accepted.measurements} measurements, {status.proxy.accepted.events} events,{' '}
          {status.proxy.accepted.spans} spans
        </dd>
        <dt>Last upstream answer</dt>
        <dd data-testid="faro-last-upstream">
          {upstream ? (
            <>
              {upstream.status ?? 'no answer'} at {new Date(upstream.at).toLocaleTimeString()} in {upstream.durationMs}{' '}
              ms
              {upstream.error ? ` (${upstream.error})` : ''}
            </>
          ) : (
            'nothing forwarded yet'
          )}
        </dd>
        <dt>Recent trace ids</dt>
        <dd data-testid="faro-recent-traces">
          {status.proxy.recentTraceIds.length === 0
            ? 'none yet'
            : status.proxy.recentTraceIds.map((id, i) => (
                <span key={id}>
                  {i > 0 ? ', ' : ''}
                  <TraceId id={id} grafanaUrl={status.grafanaUrl} />
                </span>
              ))}
        </dd>
        <dt>Recent sessions</dt>
        <dd data-testid="faro-recent-sessions">
          {status.proxy.recentSessionIds.length === 0
            ? 'none yet'
            : status.proxy.recentSessionIds.map((id) => <code key={id}>{id} </code>)}
        </dd>
      </dl>
      {status.restricted ? (
        <p className="na-note" data-testid="faro-restricted">
          Other visitors&apos; session and trace ids and the receiver&apos;s address are shown to engineers only; you
          see your own session and this refresh&apos;s trace.
        </p>
      ) : null}
      <p className="na-note">
        Counts are this server process&apos;s since {new Date(status.proxy.since).toLocaleString()}: they start empty at
        each restart and each replica counts only what it forwarded. Faro batches, so items appear a few seconds after
        they happen (or when a page is hidden).
      </p>
    </section>
  );
}
