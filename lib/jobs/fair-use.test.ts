import { describe, expect, it } from 'vitest';
import { FairUse } from './fair-use';

describe('fair use of manual runs', () => {
  it('joins a running job freely, and refuses the same scope within the cool-down with the seconds left', () => {
    let now = 1_000_000;
    const fair = new FairUse(30_000, 100, () => now);
    expect(fair.admit('verify:all', 'erin', false)).toEqual({ ok: true });
    expect(fair.admit('verify:all', 'sam', true)).toEqual({ ok: true }); // still running: joined
    now += 10_000;
    expect(fair.admit('verify:all', 'sam', false)).toMatchObject({ ok: false, retryAfterSeconds: 20 });
    expect(fair.admit('verify:service:traction', 'sam', false)).toEqual({ ok: true }); // another scope
    now += 20_000;
    expect(fair.admit('verify:all', 'sam', false)).toEqual({ ok: true });
  });

  it('limits how many runs one user starts per minute, leaving others unaffected', () => {
    let now = 0;
    const fair = new FairUse(1, 3, () => now);
    for (const scope of ['a', 'b', 'c']) expect(fair.admit(scope, 'erin', false).ok).toBe(true);
    const refused = fair.admit('d', 'erin', false);
    expect(refused).toMatchObject({ ok: false, retryAfterSeconds: 20 });
    expect(fair.admit('d', 'ada', false).ok).toBe(true);
    now += 20_000;
    expect(fair.admit('e', 'erin', false).ok).toBe(true);
  });
});
