import type { ProbeResult } from '../probes/types';
import type { UpstreamName } from './checks';

type CheckName = UpstreamName;

/** The upstreams a check needs beyond its own (the gate also asks Pyroscope and Loki). */
const DEPENDS_ON: Record<string, UpstreamName[]> = { gate: ['pyroscope', 'loki'] };
const dependsOn = (name: UpstreamName) => DEPENDS_ON[name] ?? [name];

/**
 * What one verification run has learned about its upstreams, so a hung upstream costs the run
 * about one timeout instead of one per wave of the pool. Once an upstream that has answered
 * nothing in this run left a probe unanswered (timeout, refused), a new probe of it first waits
 * for its probes in flight; if by then two or more went unanswered and none answered, the rest are
 * not asked. One slow query on an upstream that answers other probes trips nothing.
 */
export class RunUpstreamHealth {
  private readonly unreachable = new Map<CheckName, { message: string; count: number }>();
  private readonly answered = new Set<CheckName>();
  private readonly inFlight = new Map<CheckName, Set<Promise<unknown>>>();

  /** Why a probe of this check should not be sent, or null to send it. */
  async skipReason(check: CheckName): Promise<string | null> {
    for (const upstream of dependsOn(check)) {
      if (this.answered.has(upstream) || !this.unreachable.has(upstream)) continue;
      await Promise.allSettled([...(this.inFlight.get(upstream) ?? [])]);
      const down = this.unreachable.get(upstream)!;
      if (!this.answered.has(upstream) && down.count >= 2) return `Not asked: ${down.message}`;
    }
    return null;
  }

  /** Runs a probe, tracking it while in flight and recording whether its upstream answered. */
  async track(check: CheckName, running: Promise<ProbeResult>): Promise<ProbeResult> {
    // The gate talks to several upstreams and cannot say which one did not answer: it only consults.
    if (check === 'gate') return running;
    const set = this.inFlight.get(check) ?? new Set();
    this.inFlight.set(check, set);
    set.add(running);
    const result = await running;
    if (result.unreachable && result.message)
      this.unreachable.set(check, { message: result.message, count: (this.unreachable.get(check)?.count ?? 0) + 1 });
    else if (result.status !== 'not-configured') this.answered.add(check);
    set.delete(running);
    return result;
  }
}
