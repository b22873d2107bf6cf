import { z } from 'zod';
import { parseJsonReply, upstreamRequest, type Upstream } from './http';
import { quoteLabel, type ProbeResult, type ProbeWindow } from './types';

/** Protojson: empty repeated fields are omitted, int64 values are strings. */
const seriesReply = z.object({
  labelsSet: z
    .array(z.object({ labels: z.array(z.object({ name: z.string(), value: z.string() })).optional() }))
    .optional(),
});
const selectSeriesReply = z.object({
  series: z
    .array(
      z.object({ points: z.array(z.object({ timestamp: z.union([z.string(), z.number()]).optional() })).optional() }),
    )
    .optional(),
});

type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

function parseShape<T>(schema: z.ZodType<T>, body: string, call: string): Parsed<T> {
  const json = parseJsonReply<unknown>({ name: 'Pyroscope' }, body);
  if (!json.ok) return json;
  const result = schema.safeParse(json.value);
  if (!result.success)
    return {
      ok: false,
      message:
        `Pyroscope's ${call} reply has an unexpected shape (${result.error.issues[0]?.message}): is ` +
        `PYROSCOPE_URL a Pyroscope v1 server?`,
    };
  return { ok: true, value: result.data };
}

/** Profile types (`__profile_type__`) in a Series reply, sorted; `{}` means none. */
export function parseSeriesProfileTypes(body: string): Parsed<string[]> {
  const parsed = parseShape(seriesReply, body, 'Series');
  if (!parsed.ok) return parsed;
  const types = new Set<string>();
  for (const set of parsed.value.labelsSet ?? []) {
    for (const label of set.labels ?? []) if (label.name === '__profile_type__') types.add(label.value);
  }
  return { ok: true, value: [...types].sort() };
}

/** The newest point's time (epoch ms) in a SelectSeries reply; null when `{}` (no data). */
export function parseLastSampleMs(body: string): Parsed<number | null> {
  const parsed = parseShape(selectSeriesReply, body, 'SelectSeries');
  if (!parsed.ok) return parsed;
  let last: number | null = null;
  for (const series of parsed.value.series ?? []) {
    for (const point of series.points ?? []) {
      const ms = Number(point.timestamp);
      if (Number.isFinite(ms) && (last === null || ms > last)) last = ms;
    }
  }
  return { ok: true, value: last };
}

export interface PyroscopeServiceEvidence {
  serviceName: string;
  profileTypes: string[];
  lastSeenAt: string | null;
  error?: string;
  /** The error was no answer at all (timeout, refused). */
  unreachable?: boolean;
}

export interface PyroscopeEvidence extends Record<string, unknown> {
  services: PyroscopeServiceEvidence[];
}

async function probeServiceName(
  upstream: Upstream,
  serviceName: string,
  window: ProbeWindow,
): Promise<PyroscopeServiceEvidence> {
  const selector = `{service_name=${quoteLabel(serviceName)}}`;
  const series = await upstreamRequest(upstream, {
    path: '/querier.v1.QuerierService/Series',
    json: {
      matchers: [selector],
      labelNames: ['service_name', '__profile_type__'],
      start: window.start,
      end: window.end,
    },
  });
  if (!series.ok)
    return {
      serviceName,
      profileTypes: [],
      lastSeenAt: null,
      error: series.message,
      unreachable: series.status === null,
    };
  const types = parseSeriesProfileTypes(series.body);
  if (!types.ok) return { serviceName, profileTypes: [], lastSeenAt: null, error: types.message };
  if (types.value.length === 0) return { serviceName, profileTypes: [], lastSeenAt: null };

  // Series is only as exact as Pyroscope's index blocks; SelectSeries gives the newest sample's time.
  const step = Math.max(15, Math.round((window.end - window.start) / 1000 / 100));
  const select = await upstreamRequest(upstream, {
    path: '/querier.v1.QuerierService/SelectSeries',
    json: {
      profileTypeID: types.value[0],
      labelSelector: selector,
      start: window.start,
      end: window.end,
      step,
      groupBy: ['service_name'],
    },
  });
  if (!select.ok)
    return {
      serviceName,
      profileTypes: types.value,
      lastSeenAt: null,
      error: select.message,
      unreachable: select.status === null,
    };
  const last = parseLastSampleMs(select.body);
  if (!last.ok) return { serviceName, profileTypes: types.value, lastSeenAt: null, error: last.message };
  return {
    serviceName,
    profileTypes: types.value,
    lastSeenAt: last.value === null ? null : new Date(last.value).toISOString(),
  };
}

const minutes = (window: ProbeWindow) => `${Math.round((window.end - window.start) / 60_000)} min`;

/**
 * Has every one of a service's `service_name` values sent profiles within the window? Profile
 * types are discovered (Python sends CPU only, Node wall and heap), never assumed.
 */
export async function probePyroscope(
  upstream: Upstream,
  serviceNames: string[],
  window: ProbeWindow,
): Promise<ProbeResult<PyroscopeEvidence>> {
  const services = await Promise.all(serviceNames.map((name) => probeServiceName(upstream, name, window)));
  const evidence = { services };
  const errors = services.filter((s) => s.error);
  if (errors.length > 0) {
    return {
      status: 'error',
      message: [...new Set(errors.map((s) => s.error))].join(' '),
      evidence,
      unreachable: errors.some((s) => s.unreachable),
    };
  }
  const missing = services.filter((s) => s.profileTypes.length === 0);
  if (missing.length > 0) {
    const names = missing.map((s) => `"${s.serviceName}"`).join(', ');
    return {
      status: 'fail',
      message:
        `Pyroscope is up but has no profiles for service_name ${names} in the last ${minutes(window)}: ` +
        `check the SDK's application name and server address.`,
      evidence,
    };
  }
  const summary = services
    .map((s) => `${s.serviceName}: ${s.profileTypes.length} profile type${s.profileTypes.length === 1 ? '' : 's'}`)
    .join('; ');
  return { status: 'pass', message: summary, evidence };
}

/** Pyroscope's /ready: 200 "ready", or 503 with the reason it is not. */
export async function probePyroscopeReady(upstream: Upstream): Promise<{ ok: true } | { ok: false; message: string }> {
  const reply = await upstreamRequest(upstream, { path: '/ready', headers: { accept: 'text/plain' } });
  if (!reply.ok) return { ok: false, message: reply.message };
  return { ok: true };
}
