import { describe, expect, it } from 'vitest';
import { inOrderAtMost } from './in-order-at-most';

/** A promise settled from outside, so a test decides the order work finishes in. */
function gate<T>() {
  let open!: (value: T) => void;
  const opened = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('running work a few at a time', () => {
  it('never has more than the limit in flight, starts the next as one ends, and keeps results in item order', async () => {
    const gates = [gate<string>(), gate<string>(), gate<string>(), gate<string>()];
    const started: number[] = [];
    let inFlight = 0;
    let most = 0;
    const done = inOrderAtMost(['a', 'b', 'c', 'd'], 2, async (item, index) => {
      started.push(index);
      inFlight += 1;
      most = Math.max(most, inFlight);
      const value = await gates[index].opened;
      inFlight -= 1;
      return `${item}:${value}`;
    });
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    gates[1].open('second'); // finishes before the first
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2]);
    gates[0].open('first');
    gates[3].open('fourth');
    gates[2].open('third');
    expect(await done).toEqual(['a:first', 'b:second', 'c:third', 'd:fourth']);
    expect(most).toBe(2);
  });

  it('runs every item once when the limit is larger than the list, and nothing for an empty one', async () => {
    const seen: string[] = [];
    expect(await inOrderAtMost(['x', 'y'], 8, async (item) => seen.push(item))).toEqual([1, 2]);
    expect(seen).toEqual(['x', 'y']);
    expect(await inOrderAtMost([], 3, async () => 1)).toEqual([]);
  });

  it('fails with the first failure', async () => {
    await expect(
      inOrderAtMost([1, 2, 3], 1, async (n) => {
        if (n === 2) throw new Error('item 2 failed');
        return n;
      }),
    ).rejects.toThrow('item 2 failed');
  });
});
