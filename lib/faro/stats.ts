import { gunzipSync } from 'node:zlib';
import { z } from 'zod';

/** JSON text as a value; undefined when it is not JSON (the schema then refuses it). */
const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * What the board's own /faro proxy has seen, for the reference page. In memory and per process:
 * it starts empty at each restart and each replica counts only what it forwarded.
 */
export interface FaroItemCounts {
  logs: number;
  exceptions: number;
  measurements: number;
  events: number;
  spans: number;
}

export interface FaroUpstreamOutcome {
  /** The receiver's status, or null when it could not be reached in time. */
  status: number | null;
  error: string | null;
  at: string;
  durationMs: number;
}

export interface FaroProxyStatsView {
  since: string;
  /** Requests that reached the proxy, and how the proxy answered them (by status). */
  requests: number;
  answered: Record<string, number>;
  /** Payload bytes read from browsers, and bytes sent on to the receiver. */
  bytes: { received: number; forwarded: number };
  /** Items inside the payloads the receiver accepted (2xx). */
  accepted: FaroItemCounts;
  lastUpstream: FaroUpstreamOutcome | null;
  /** Newest first, at most RECENT_LIMIT each. */
  recentTraceIds: string[];
  recentSessionIds: string[];
}

const RECENT_LIMIT = 10;

/**
 * The parts of a Faro payload the counts read. Browsers send what they send: a field of the wrong
 * type counts as absent (catch), so one odd field does not hide the rest of an accepted payload.
 */
const absentIfOdd = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);
const items = z.array(z.unknown()).catch([]);
const exceptionItem = z
  .object({ trace: absentIfOdd(z.object({ trace_id: absentIfOdd(z.string()) })) })
  .nullable()
  .catch(null);
const spanItem = z
  .object({ traceId: absentIfOdd(z.string()) })
  .nullable()
  .catch(null);
const scopeSpans = z
  .object({ spans: absentIfOdd(z.array(spanItem)) })
  .nullable()
  .catch(null);
const resourceSpans = z
  .object({ scopeSpans: absentIfOdd(z.array(scopeSpans)) })
  .nullable()
  .catch(null);
const faroPayload = z.object({
  meta: absentIfOdd(z.object({ session: absentIfOdd(z.object({ id: absentIfOdd(z.string()) })) })),
  logs: items,
  exceptions: z.array(exceptionItem).catch([]),
  measurements: items,
  events: items,
  traces: absentIfOdd(z.object({ resourceSpans: absentIfOdd(z.array(resourceSpans)) })),
});

const pushRecent = (list: string[], value: string | undefined) => {
  if (value === undefined || value === '') return;
  const at = list.indexOf(value);
  if (at !== -1) list.splice(at, 1);
  list.unshift(value);
  if (list.length > RECENT_LIMIT) list.length = RECENT_LIMIT;
};

export class FaroProxyStats {
  private readonly since = new Date().toISOString();
  private requests = 0;
  private readonly answered: Record<string, number> = {};
  private readonly accepted: FaroItemCounts = { logs: 0, exceptions: 0, measurements: 0, events: 0, spans: 0 };
  private lastUpstream: FaroUpstreamOutcome | null = null;
  private readonly bytes = { received: 0, forwarded: 0 };
  private readonly recentTraceIds: string[] = [];
  private readonly recentSessionIds: string[] = [];

  recordAnswer(status: number) {
    this.requests += 1;
    this.answered[status] = (this.answered[status] ?? 0) + 1;
  }

  recordBytes(direction: 'received' | 'forwarded', count: number) {
    this.bytes[direction] += count;
  }

  recordUpstream(outcome: FaroUpstreamOutcome) {
    this.lastUpstream = outcome;
  }

  /** Counts what an accepted payload carried. A body it cannot read is simply not counted. */
  recordAcceptedPayload(body: Buffer, contentEncoding: string | null, maxDecodedBytes: number) {
    let text: string;
    try {
      const raw =
        contentEncoding?.toLowerCase() === 'gzip' ? gunzipSync(body, { maxOutputLength: maxDecodedBytes }) : body;
      text = raw.toString('utf8');
    } catch {
      return;
    }
    const parsed = faroPayload.safeParse(parseJson(text));
    if (!parsed.success) return;
    const payload = parsed.data;
    this.accepted.logs += payload.logs.length;
    this.accepted.exceptions += payload.exceptions.length;
    this.accepted.measurements += payload.measurements.length;
    this.accepted.events += payload.events.length;
    pushRecent(this.recentSessionIds, payload.meta?.session?.id);
    for (const exception of payload.exceptions) pushRecent(this.recentTraceIds, exception?.trace?.trace_id);
    for (const resource of payload.traces?.resourceSpans ?? []) {
      for (const scope of resource?.scopeSpans ?? []) {
        for (const span of scope?.spans ?? []) {
          this.accepted.spans += 1;
          pushRecent(this.recentTraceIds, span?.traceId);
        }
      }
    }
  }

  view(): FaroProxyStatsView {
    return {
      since: this.since,
      requests: this.requests,
      answered: { ...this.answered },
      bytes: { ...this.bytes },
      accepted: { ...this.accepted },
      lastUpstream: this.lastUpstream,
      recentTraceIds: [...this.recentTraceIds],
      recentSessionIds: [...this.recentSessionIds],
    };
  }
}

// Next bundles each route separately; one instance per process lives on globalThis.
const KEY = Symbol.for('rollout-board.faro.proxy-stats');
type WithStats = typeof globalThis & { [KEY]?: FaroProxyStats };

export function processFaroStats(): FaroProxyStats {
  const holder = globalThis as WithStats;
  holder[KEY] ??= new FaroProxyStats();
  return holder[KEY];
}
