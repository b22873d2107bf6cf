import { describe, expect, it } from 'vitest';
import type { LinkedPullRequest } from './linked-prs';
import { linkPullRequests } from './linked-prs';
import type { IssueListItem } from './list-issues';

/**
 * Counts the work linking does without a clock: every read of an issue row's or a pull request's fields, every
 * element of the pull request list read, and every lookup in or step through the rows map. Any algorithm has
 * to do one of these to compare an issue with a pull request, so a nested loop over both shows as n × m.
 */
function counter() {
  let operations = 0;
  const touch = <T extends object>(value: T): T =>
    new Proxy(value, {
      get(target, property, receiver) {
        operations += 1;
        return Reflect.get(target, property, receiver);
      },
    });
  class CountingMap<K, V> extends Map<K, V> {
    override get(key: K) {
      operations += 1;
      return super.get(key);
    }
    override has(key: K) {
      operations += 1;
      return super.has(key);
    }
    override set(key: K, value: V) {
      operations += 1;
      return super.set(key, value);
    }
    override *entries(): MapIterator<[K, V]> {
      for (const entry of super.entries()) {
        operations += 1;
        yield entry;
      }
    }
    override [Symbol.iterator]() {
      return this.entries();
    }
    override *keys(): MapIterator<K> {
      for (const [key] of this.entries()) yield key;
    }
    override *values(): MapIterator<V> {
      for (const [, value] of this.entries()) yield value;
    }
    override forEach(callback: (value: V, key: K, map: Map<K, V>) => void) {
      for (const [key, value] of this.entries()) callback(value, key, this);
    }
  }
  const reset = () => {
    operations = 0;
  };
  return { touch, CountingMap, operations: () => operations, reset };
}

const REPO = 'o/r';
const stored = (number: number): LinkedPullRequest => ({
  number,
  url: `https://github.com/${REPO}/pull/${number}`,
  repo: REPO,
  state: 'open',
  merged: false,
  mergedAt: null,
});

/**
 * `n` issues of the repository and `n` of another one; `n` pull requests, each closing one issue of the
 * repository. Every tenth issue already carries its pull request's link, stored while it was open: it is merged now.
 */
function fleet(n: number, count: ReturnType<typeof counter>) {
  const rows = new count.CountingMap<string, { id: string; linkedPullRequests: string }>();
  for (let k = 1; k <= n; k += 1) {
    const linked = k % 10 === 0 ? JSON.stringify([stored(n + k)]) : '[]';
    rows.set(`${REPO}#${k}`, count.touch({ id: `${REPO}#${k}`, linkedPullRequests: linked }));
    rows.set(`o/other#${k}`, count.touch({ id: `o/other#${k}`, linkedPullRequests: '[]' }));
  }
  const pullRequests: IssueListItem[] = [];
  for (let k = 1; k <= n; k += 1) {
    const at = '2026-06-01T00:00:00Z';
    pullRequests.push(
      count.touch({
        number: n + k,
        title: `Fix ${k}`,
        body: `Closes #${k}`,
        state: 'closed',
        labels: [],
        html_url: `https://github.com/${REPO}/pull/${n + k}`,
        created_at: at,
        updated_at: at,
        closed_at: at,
        pull_request: count.touch({ html_url: `https://github.com/${REPO}/pull/${n + k}`, merged_at: at }),
      }),
    );
  }
  return { rows, pullRequests: count.touch(pullRequests) };
}

/** The operations linking `n` pull requests into 2n issues takes, and the rows it leaves. */
function link(n: number) {
  const count = counter();
  const { rows, pullRequests } = fleet(n, count);
  count.reset(); // building the fixture is not linking
  linkPullRequests(rows, REPO, pullRequests);
  const operations = count.operations();
  return { operations, rows: new Map(rows) };
}

describe('linking pull requests to the issues they close', () => {
  it('links each pull request to its issue and replaces a stored link whose state moved', () => {
    const { rows } = link(20);
    const links = (id: string) => JSON.parse(rows.get(id)!.linkedPullRequests) as LinkedPullRequest[];
    expect(links('o/r#3')).toEqual([expect.objectContaining({ number: 23, state: 'closed', merged: true })]);
    // The stored link of o/r#10 (open) is replaced by the listed pull request's, not kept beside it.
    expect(links('o/r#10')).toEqual([expect.objectContaining({ number: 30, merged: true })]);
    expect(links('o/other#3')).toEqual([]);
  });

  it('keeps what this listing does not speak for, drops a link that no longer closes, and orders several links', () => {
    const at = '2026-06-01T00:00:00Z';
    const pr = (number: number, body: string, extra: Partial<IssueListItem> = {}): IssueListItem => ({
      number,
      title: `PR ${number}`,
      body,
      state: 'open',
      labels: [],
      html_url: `https://github.com/${REPO}/pull/${number}`,
      created_at: at,
      updated_at: at,
      closed_at: null,
      pull_request: { html_url: `https://github.com/${REPO}/pull/${number}`, merged_at: null },
      ...extra,
    });
    const otherRepoLink: LinkedPullRequest = { ...stored(5), repo: 'O/Web', url: 'https://github.com/O/Web/pull/5' };
    const rows = new Map([
      // #1: its stored link (PR 40) is listed again but no longer closes it; PR 41 of another listing stays.
      ['o/r#1', { linkedPullRequests: JSON.stringify([stored(40), stored(41), otherRepoLink]) }],
      // #2: closed by two of the listed pull requests.
      ['o/r#2', { linkedPullRequests: '[]' }],
      // #3: nothing listed touches it, so its row is left as it is (same object).
      ['o/r#3', { linkedPullRequests: JSON.stringify([stored(41)]) }],
    ]);
    const untouched = rows.get('o/r#3');
    linkPullRequests(rows, 'O/R', [
      pr(40, 'Refactoring only'),
      pr(52, 'Fixes #2', { pull_request: { merged_at: '2026-06-02T00:00:00Z' }, state: 'closed' }),
      pr(51, 'resolves: o/r#2'),
    ]);
    const links = (id: string) => JSON.parse(rows.get(id)!.linkedPullRequests) as LinkedPullRequest[];
    expect(links('o/r#1')).toEqual([stored(41), otherRepoLink]);
    expect(links('o/r#2')).toEqual([
      { ...stored(51), repo: 'O/R' },
      // Merged: closed with its merge time; without the pull request's own URL, the item's is used.
      {
        number: 52,
        url: `https://github.com/${REPO}/pull/52`,
        repo: 'O/R',
        state: 'closed',
        merged: true,
        mergedAt: '2026-06-02T00:00:00Z',
      },
    ]);
    expect(rows.get('o/r#3')).toBe(untouched);
  });

  it('grows linearly with the number of pull requests and issues: 4× as many cost about 4× the operations', () => {
    const small = link(250).operations;
    const large = link(1000).operations;
    expect(small).toBeGreaterThan(0);
    // Linear work gives 4× (plus a constant); a pull request × issue loop gives 16×, already ~4× past this bound.
    expect(large / small).toBeLessThan(4.5);
  });
});
