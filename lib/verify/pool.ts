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

const holder = globalThis as unknown as { __rolloutBoardProbeLimiter?: Limiter };

/** The process's one probe limiter (survives dev-mode reloads and separate server bundles). */
export function probeLimiter(limit: number): Limiter {
  holder.__rolloutBoardProbeLimiter ??= new Limiter(limit);
  holder.__rolloutBoardProbeLimiter.setLimit(limit);
  return holder.__rolloutBoardProbeLimiter;
}
