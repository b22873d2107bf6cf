/**
 * A counting semaphore: at most `limit` tasks run at once, the rest wait in order. Shared by every
 * verification in the process, so "verify all" next to a scheduled run still respects the bound.
 */
export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private limit: number) {}

  setLimit(limit: number) {
    this.limit = limit;
    this.drain();
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.drain();
    });
    try {
      return await task();
    } finally {
      this.active -= 1;
      this.drain();
    }
  }

  private drain() {
    while (this.active < this.limit && this.waiting.length > 0) {
      this.active += 1;
      this.waiting.shift()!();
    }
  }
}

/**
 * One Limiter per upstream: each upstream has at most `limit` of the process's probes in flight, so
 * verify-all loads no upstream harder than a busy cell does, while probes of different upstreams
 * (Pyroscope, Loki, a service's own frontend, GitHub, the cluster) never queue behind each other.
 */
export class UpstreamPool {
  private readonly limiters = new Map<string, Limiter>();

  constructor(private limit: number) {}

  setLimit(limit: number) {
    this.limit = limit;
    for (const limiter of this.limiters.values()) limiter.setLimit(limit);
  }

  run<T>(upstream: string, task: () => Promise<T>): Promise<T> {
    let limiter = this.limiters.get(upstream);
    if (!limiter) {
      limiter = new Limiter(this.limit);
      this.limiters.set(upstream, limiter);
    }
    return limiter.run(task);
  }
}

const holder = globalThis as unknown as { __rolloutBoardProbePool?: UpstreamPool };

/** The process's one probe pool (survives dev-mode reloads and separate server bundles). */
export function probePool(limitPerUpstream: number): UpstreamPool {
  holder.__rolloutBoardProbePool ??= new UpstreamPool(limitPerUpstream);
  holder.__rolloutBoardProbePool.setLimit(limitPerUpstream);
  return holder.__rolloutBoardProbePool;
}
