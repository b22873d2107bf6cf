import { describe, expect, it } from 'vitest';
import { linkedPullRequestsColumn, readJsonColumn, StoredJsonError, stringListColumn } from './json-columns';

describe('stored JSON columns', () => {
  it('read what the board writes', () => {
    expect(readJsonColumn(stringListColumn, '["phase-3","acapy"]', 'Issue.labels')).toEqual(['phase-3', 'acapy']);
    const links = '[{"number":4,"url":"https://github.com/o/r/pull/4","repo":"o/r","state":"closed","merged":true}]';
    expect(readJsonColumn(linkedPullRequestsColumn, links, 'Issue.linkedPullRequests')[0]).toMatchObject({
      number: 4,
      merged: true,
    });
  });

  it('refuse text that is not JSON, or JSON of another shape, naming the column and where it is wrong', () => {
    expect(() => readJsonColumn(stringListColumn, '["a",', 'Issue.labels')).toThrow(
      new StoredJsonError("The store's Issue.labels is not JSON: was it written by another version of the board?"),
    );
    expect(() => readJsonColumn(stringListColumn, '["a", 3]', 'Cell.labels')).toThrow(
      /^The store's Cell\.labels has an unexpected shape \(1: .+\)\.$/,
    );
    expect(() =>
      readJsonColumn(
        linkedPullRequestsColumn,
        '[{"number":4,"url":"u","repo":"o/r","state":"merged","merged":true}]',
        'x',
      ),
    ).toThrow(/\(0\.state: /);
  });
});
