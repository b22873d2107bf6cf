import type { flameGraphEvidence, pyroscopeEvidence } from '../matrix/check-evidence';
import { z } from 'zod';
import { upstreamRequest, type Upstream, type Parsed, parseReply } from './http';
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

/** Profile types (`__profile_type__`) in a Series reply, sorted; `{}` means none. */
export function parseSeriesProfileTypes(body: string): Parsed<string[]> {
  const parsed = parseReply('Pyroscope', seriesReply, body, 'Series');
  if (!parsed.ok) return parsed;
  const types = new Set<string>();
  for (const set of parsed.value.labelsSet ?? []) {
    for (const label of set.labels ?? []) if (label.name === '__profile_type__') types.add(label.value);
  }
  return { ok: true, value: [...types].sort() };
}

/** The newest point's time (epoch ms) in a SelectSeries reply; null when `{}` (no data). */
export function parseLastSampleMs(body: string): Parsed<number | null> {
  const parsed = parseReply('Pyroscope', selectSeriesReply, body, 'SelectSeries');
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

export type PyroscopeServiceEvidence = z.infer<typeof pyroscopeEvidence>['services'][number];

/** Its schema is the stored evidence's (lib/matrix/check-evidence.ts), so what the probe writes is what readers parse. */
export type PyroscopeEvidence = z.infer<typeof pyroscopeEvidence>;

/**
 * The profile type a proof is about among those a service sent: the first that matches the
 * preferred prefixes in order ("process_cpu:cpu", "wall:cpu"…), else null.
 */
export function pickProfileType(types: string[], preferred: string[]): string | null {
  for (const prefix of preferred) {
    const found = types.find((t) => t === prefix || t.startsWith(`${prefix}:`));
    if (found) return found;
  }
  return null;
}

/**
 * The profile types a service_name sent in the window (Pyroscope's Series), or why they could not be
 * read. The profiles and flame graph proofs ask the same question, so in one run it is asked once.
 */
async function profileTypesOf(
  upstream: Upstream,
  selector: string,
  window: ProbeWindow,
): Promise<{ ok: true; types: string[] } | { ok: false; error: string; unreachable: boolean }> {
  const series = await upstreamRequest(upstream, {
    path: '/querier.v1.QuerierService/Series',
    json: {
      matchers: [selector],
      labelNames: ['service_name', '__profile_type__'],
      start: window.start,
      end: window.end,
    },
  });
  if (!series.ok) return { ok: false, error: series.message, unreachable: series.status === null };
  const types = parseSeriesProfileTypes(series.body);
  return types.ok ? { ok: true, types: types.value } : { ok: false, error: types.message, unreachable: false };
}

async function probeServiceName(
  upstream: Upstream,
  serviceName: string,
  window: ProbeWindow,
  preferred: string[],
): Promise<PyroscopeServiceEvidence> {
  const selector = `{service_name=${quoteLabel(serviceName)}}`;
  const types = await profileTypesOf(upstream, selector, window);
  if (!types.ok)
    return { serviceName, profileTypes: [], lastSeenAt: null, error: types.error, unreachable: types.unreachable };
  if (types.types.length === 0) return { serviceName, profileTypes: [], lastSeenAt: null };

  // Series is only as exact as Pyroscope's index blocks; SelectSeries gives the newest sample's time,
  // of the type the proof is about (CPU first), not whichever sorts first (Node's heap object count).
  const step = Math.max(15, Math.round((window.end - window.start) / 1000 / 100));
  const profileType = pickProfileType(types.types, preferred) ?? types.types[0];
  const select = await upstreamRequest(upstream, {
    path: '/querier.v1.QuerierService/SelectSeries',
    json: {
      profileTypeID: profileType,
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
      profileTypes: types.types,
      lastSeenAt: null,
      error: select.message,
      unreachable: select.status === null,
    };
  const last = parseLastSampleMs(select.body);
  if (!last.ok) return { serviceName, profileTypes: types.types, lastSeenAt: null, error: last.message };
  return {
    serviceName,
    profileTypes: types.types,
    lastSeenType: profileType,
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
  preferredTypes: string[] = [],
): Promise<ProbeResult<PyroscopeEvidence>> {
  const services = await Promise.all(
    serviceNames.map((name) => probeServiceName(upstream, name, window, preferredTypes)),
  );
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
  // No types means no sample time; types listed but no sample inside the window (Series is
  // block-granular) is no data either.
  const missing = services.filter((s) => s.lastSeenAt === null);
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
export async function probePyroscopeReady(
  upstream: Upstream,
): Promise<{ ok: true } | { ok: false; status: number | null; message: string }> {
  const reply = await upstreamRequest(upstream, { path: '/ready', headers: { accept: 'text/plain' } });
  if (!reply.ok) return { ok: false, status: reply.status, message: reply.message };
  return { ok: true };
}

/** SelectMergeStacktraces' flame graph: levels of [x-offset, total, self, name index] per node, int64s as strings. */
const mergeReply = z.object({
  flamegraph: z
    .object({
      names: z.array(z.string()).optional(),
      levels: z.array(z.object({ values: z.array(z.union([z.string(), z.number()])).optional() })).optional(),
      total: z.union([z.string(), z.number()]).optional(),
    })
    .optional(),
});

export interface FlameGraphSummary {
  total: number;
  /** Frames below the root ("total"): 0 means nothing but the root. */
  depth: number;
  /** The widest frames just below the root, for the evidence. */
  topFrames: string[];
}

/** Samples and depth of a merged flame graph; `{names:["total"], levels:[0,0,0,0]}` (no data) is total 0, depth 0. */
export function parseFlameGraph(body: string): Parsed<FlameGraphSummary> {
  const parsed = parseReply('Pyroscope', mergeReply, body, 'SelectMergeStacktraces');
  if (!parsed.ok) return parsed;
  const graph = parsed.value.flamegraph ?? {};
  const levels = (graph.levels ?? []).filter((l) => (l.values ?? []).length > 0);
  const total = Number(graph.total ?? 0);
  const names = graph.names ?? [];
  const second = levels[1]?.values ?? [];
  const topFrames: string[] = [];
  for (let i = 3; i < second.length && topFrames.length < 3; i += 4) {
    const name = names[Number(second[i])];
    if (name) topFrames.push(name);
  }
  return { ok: true, value: { total, depth: total > 0 ? Math.max(0, levels.length - 1) : 0, topFrames } };
}

/** Its schema is the stored evidence's (lib/matrix/check-evidence.ts), so what the probe writes is what readers parse. */
export type FlameGraphEvidence = z.infer<typeof flameGraphEvidence>;

/**
 * "CPU flame graphs visible and navigable": for every service_name, a CPU profile type (per the
 * plan's runtimes) arrived in the window, and its merged flame graph has samples and at least
 * minDepth frames below the root.
 */
export async function probeFlameGraph(
  upstream: Upstream,
  serviceNames: string[],
  cpuTypes: string[],
  minDepth: number,
  window: ProbeWindow,
): Promise<ProbeResult<FlameGraphEvidence>> {
  const evidence: FlameGraphEvidence = {
    minDepth,
    cpuTypes,
    services: serviceNames.map((serviceName) => ({
      serviceName,
      profileTypes: [],
      cpuType: null,
      total: null,
      depth: null,
      topFrames: [],
    })),
  };
  let unreachable = false;
  // Each service_name's two requests in turn, the service_names side by side (evidence in plan order).
  const checkServiceName = async (entry: FlameGraphEvidence['services'][number]) => {
    const selector = `{service_name=${quoteLabel(entry.serviceName)}}`;
    const types = await profileTypesOf(upstream, selector, window);
    if (!types.ok) {
      entry.error = types.error;
      unreachable ||= types.unreachable;
      return;
    }
    entry.profileTypes = types.types;
    entry.cpuType = pickProfileType(types.types, cpuTypes);
    if (!entry.cpuType) return;
    const merged = await upstreamRequest(upstream, {
      path: '/querier.v1.QuerierService/SelectMergeStacktraces',
      json: {
        profileTypeID: entry.cpuType,
        labelSelector: selector,
        start: window.start,
        end: window.end,
        maxNodes: 1024,
      },
    });
    if (!merged.ok) {
      entry.error = merged.message;
      unreachable ||= merged.status === null;
      return;
    }
    const graph = parseFlameGraph(merged.body);
    if (!graph.ok) {
      entry.error = graph.message;
      return;
    }
    entry.total = graph.value.total;
    entry.depth = graph.value.depth;
    entry.topFrames = graph.value.topFrames;
  };
  await Promise.all(evidence.services.map(checkServiceName));
  const errors = evidence.services.filter((s) => s.error);
  if (errors.length > 0)
    return { status: 'error', message: [...new Set(errors.map((s) => s.error))].join(' '), evidence, unreachable };
  const problems = evidence.services.flatMap((s) => {
    if (!s.cpuType)
      return [
        s.profileTypes.length === 0
          ? `"${s.serviceName}" sent no profiles`
          : `"${s.serviceName}" sent no CPU profile type (only ${s.profileTypes.join(', ')}; CPU here is ${cpuTypes.join(' or ')})`,
      ];
    if (!s.total) return [`"${s.serviceName}" has no ${s.cpuType} samples`];
    if ((s.depth ?? 0) < minDepth)
      return [
        `"${s.serviceName}"'s flame graph is ${s.depth} frame${s.depth === 1 ? '' : 's'} deep (needs ${minDepth})`,
      ];
    return [];
  });
  const minutes = Math.round((window.end - window.start) / 60_000);
  if (problems.length > 0)
    return {
      status: 'fail',
      message: `${problems.join('; ')} in the last ${minutes} min: check that the SDK's CPU profiling is on.`,
      evidence,
    };
  const summary = evidence.services.map((s) => `${s.serviceName}: ${s.cpuType}, ${s.depth} frames deep`).join('; ');
  return { status: 'pass', message: summary, evidence };
}
