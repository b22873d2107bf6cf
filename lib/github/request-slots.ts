/**
 * At most `size` requests in flight at once, the others waiting in order. A client and its children share
 * one: GitHub's secondary rate limit counts concurrent requests per token, and each request may hold up to
 * GITHUB_MAX_REPLY_BYTES of reply in memory until it is read (the plugin this replaces queued at 10 too).
 * No timers: a request waits only while all slots are taken.
 */
export class RequestSlots {
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(readonly size: number) {}

  async run<T>(request: () => Promise<T>): Promise<T> {
    if (this.inFlight >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.inFlight += 1;
    try {
      return await request();
    } finally {
      // Hand the slot straight to the next in line, or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.inFlight -= 1;
    }
  }
}
