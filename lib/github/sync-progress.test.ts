import { describe, expect, it } from 'vitest';
import { ProgressReport, type SyncProgress, syncProgressText } from './sync-progress';

describe('a running sync’s progress', () => {
  it('names the repositories being read, in the configured order, and counts pages over all of them', () => {
    const told: SyncProgress[] = [];
    const report = new ProgressReport(['org/a', 'org/b', 'org/c'], (p) => told.push(p));
    report.started('org/c');
    report.started('org/a');
    report.pageRead();
    report.read('org/a');
    report.pageRead();
    expect(told.map((p) => p.reading)).toEqual([
      ['org/c'],
      ['org/a', 'org/c'],
      ['org/a', 'org/c'],
      ['org/c'],
      ['org/c'],
    ]);
    expect(told.at(-1)).toEqual({ repoCount: 3, reposRead: 1, reading: ['org/c'], pages: 2, merging: false });
    // What was told stays as it was told.
    expect(told[0]).toMatchObject({ reading: ['org/c'], pages: 0 });
    report.read('org/c');
    report.mergingNow();
    expect(told.at(-1)).toEqual({ repoCount: 3, reposRead: 2, reading: [], pages: 2, merging: true });
  });

  it('reads as a sentence on the sync panel', () => {
    const progress = { repoCount: 8, reposRead: 3, reading: ['org/a', 'org/b'], pages: 1, merging: false };
    expect(syncProgressText(progress)).toBe('Syncing: 3 of 8 repositories read, 1 page so far; reading org/a, org/b…');
    expect(syncProgressText({ ...progress, repoCount: 1, reposRead: 1, reading: [], pages: 4 })).toBe(
      'Syncing: 1 of 1 repository read, 4 pages so far…',
    );
    expect(syncProgressText({ ...progress, merging: true, pages: 24 })).toBe('Merging 24 pages from 8 repositories…');
  });
});
