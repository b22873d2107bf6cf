import { describe, expect, it } from 'vitest';
import { RequestSlots } from './request-slots';

/** A request that answers when told to, recording when it started. */
function controlled(started: string[], name: string) {
  let answer: (value: string) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const request = () => {
    started.push(name);
    return new Promise<string>((resolve, reject) => {
      answer = resolve;
      fail = reject;
    });
  };
  return { request, answer: () => answer(name), fail: () => fail(new Error(`${name} failed`)) };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('request slots', () => {
  it('lets `size` requests run at once and starts the others in order as slots free, failed ones too', async () => {
    const slots = new RequestSlots(2);
    const started: string[] = [];
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => controlled(started, name));
    const results = [a, b, c, d].map((r) => slots.run(r.request).catch((error: Error) => error.message));
    await settle();
    expect(started).toEqual(['a', 'b']);
    b.fail();
    await settle();
    expect(started).toEqual(['a', 'b', 'c']);
    a.answer();
    await settle();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    c.answer();
    d.answer();
    expect(await Promise.all(results)).toEqual(['a', 'b failed', 'c', 'd']);
    // Every slot is free again: two new requests start at once.
    const [e, f] = ['e', 'f'].map((name) => controlled(started, name));
    void slots.run(e.request);
    void slots.run(f.request);
    await settle();
    expect(started.slice(-2)).toEqual(['e', 'f']);
  });
});
