import { ClientRateLimiter } from '../faro/rate-limit';

export type Admission = { ok: true } | { ok: false; retryAfterSeconds: number; reason: string };

/**
 * Fair use of manual runs: a run still going is joined (free); a new run of the same scope within the
 * cool-down of the last one is refused; and each user may start only so many runs per minute.
 * Per process (each replica keeps its own), which bounds what one replica's upstream calls can cost.
 */
export class FairUse {
  private readonly lastStart = new Map<string, number>();
  private readonly perUser: ClientRateLimiter;

  constructor(
    private readonly cooldownMs: number,
    runsPerMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.perUser = new ClientRateLimiter(runsPerMinute / 60, runsPerMinute, 10_000, now);
  }

  /** Whether `user` may start `job` now; `running` says the job is in flight here (then it is joined). */
  admit(job: string, user: string, running: boolean): Admission {
    if (running) return { ok: true };
    const now = this.now();
    const last = this.lastStart.get(job);
    if (last !== undefined && now - last < this.cooldownMs) {
      const retryAfterSeconds = Math.max(1, Math.ceil((this.cooldownMs - (now - last)) / 1000));
      return {
        ok: false,
        retryAfterSeconds,
        reason: `This ran ${Math.round((now - last) / 1000)} s ago; the same run can start again in ${retryAfterSeconds} s.`,
      };
    }
    const taken = this.perUser.take(user);
    if (!taken.allowed) {
      return {
        ok: false,
        retryAfterSeconds: taken.retryAfterSeconds,
        reason: `You have started too many runs in the last minute; try again in ${taken.retryAfterSeconds} s.`,
      };
    }
    this.lastStart.set(job, now);
    if (this.lastStart.size > 10_000) this.lastStart.delete(this.lastStart.keys().next().value as string);
    return { ok: true };
  }
}
