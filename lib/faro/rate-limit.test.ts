import { describe, expect, it } from 'vitest';
import { ClientRateLimiter } from './rate-limit';

describe('ClientRateLimiter', () => {
  it('allows a burst, then refuses with a Retry-After, and refills over time', () => {
    let now = 0;
    const limiter = new ClientRateLimiter(2, 3, 100, () => now);
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 500; // 2/s → one token back
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
  });

  it('keeps clients apart', () => {
    const limiter = new ClientRateLimiter(1, 1, 100, () => 0);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('b').allowed).toBe(true);
  });

  it('forgets the least recently seen client beyond its bound', () => {
    const limiter = new ClientRateLimiter(1, 1, 2, () => 0);
    limiter.take('a');
    limiter.take('b');
    limiter.take('c'); // evicts a
    expect(limiter.take('a').allowed).toBe(true);
  });
});
