/**
 * Token bucket per client (Alloy's faro.receiver limits globally; the board's proxy limits each
 * browser so one noisy client cannot use up the receiver's budget for everyone).
 */
export interface RateLimitDecision {
  allowed: boolean;
  /** Whole seconds until one token is back (for Retry-After), 0 when allowed. */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class ClientRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    /** Bounds memory: the least recently seen clients are forgotten first (a full bucket again). */
    private readonly maxClients = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  take(client: string): RateLimitDecision {
    const now = this.now();
    const bucket = this.buckets.get(client) ?? { tokens: this.burst, updatedAt: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.ratePerSecond);
    bucket.updatedAt = now;
    // Re-insert so Map order is least recently seen first.
    this.buckets.delete(client);
    this.buckets.set(client, bucket);
    if (this.buckets.size > this.maxClients) this.buckets.delete(this.buckets.keys().next().value as string);
    if (bucket.tokens < 1) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.ratePerSecond)) };
    }
    bucket.tokens -= 1;
    return { allowed: true, retryAfterSeconds: 0 };
  }
}
