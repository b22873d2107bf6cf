import { describe, expect, it } from 'vitest';
import { Limiter, UpstreamPool } from './pool';

describe('Limiter', () => {
  it('never runs more than its limit at once, and runs every task', async () => {
    const limiter = new Limiter(3);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        limiter.run(async () => {
          active += 1;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 20));
          active -= 1;
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('frees the slot of a task that throws', async () => {
    const limiter = new Limiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limiter.run(async () => 'next')).toBe('next');
  });
});

describe('UpstreamPool', () => {
  it('bounds each upstream on its own: a busy upstream never holds back another', async () => {
    const pool = new UpstreamPool(2);
    const peak: Record<string, number> = {};
    const active: Record<string, number> = {};
    const order: string[] = [];
    const task = (upstream: string, ms: number) =>
      pool.run(upstream, async () => {
        active[upstream] = (active[upstream] ?? 0) + 1;
        peak[upstream] = Math.max(peak[upstream] ?? 0, active[upstream]);
        await new Promise((r) => setTimeout(r, ms));
        active[upstream] -= 1;
        order.push(upstream);
      });
    // Six slow Pyroscope probes queue two at a time; the one Loki probe queued after them runs at once.
    await Promise.all([...Array.from({ length: 6 }, () => task('pyroscope', 30)), task('loki', 1)]);
    expect(peak).toEqual({ pyroscope: 2, loki: 1 });
    expect(order[0]).toBe('loki');
  });

  it('applies a new limit to the upstreams it already knows', async () => {
    const pool = new UpstreamPool(1);
    await pool.run('tempo', async () => undefined);
    pool.setLimit(3);
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 5 }, () =>
        pool.run('tempo', async () => {
          active += 1;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 10));
          active -= 1;
        }),
      ),
    );
    expect(peak).toBe(3);
  });
});
