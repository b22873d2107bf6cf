// What a running sync reports, and how the panel says it: pure, so the browser bundle can import it.

/** Where a running sync is, for the sync panel: several repositories are read at once, then merged. */
export interface SyncProgress {
  repoCount: number;
  /** Repositories whose listing is complete (or failed). */
  reposRead: number;
  /** Repositories being read now, in the configured order. */
  reading: string[];
  /** Pages read so far, over all repositories. */
  pages: number;
  /** True once every listing is in and the issues are being merged into the store. */
  merging: boolean;
}

/** Keeps a sync's progress and tells the listener each time it moves. */
export class ProgressReport {
  private readonly progress: SyncProgress;
  private readonly reading = new Set<string>();
  constructor(
    private readonly repos: string[],
    private readonly listener: ((progress: SyncProgress) => void) | undefined,
  ) {
    this.progress = { repoCount: repos.length, reposRead: 0, reading: [], pages: 0, merging: false };
  }

  private tell() {
    this.progress.reading = this.repos.filter((r) => this.reading.has(r));
    this.listener?.({ ...this.progress, reading: [...this.progress.reading] });
  }

  started(repo: string) {
    this.reading.add(repo);
    this.tell();
  }

  pageRead() {
    this.progress.pages += 1;
    this.tell();
  }

  read(repo: string) {
    this.reading.delete(repo);
    this.progress.reposRead += 1;
    this.tell();
  }

  mergingNow() {
    this.progress.merging = true;
    this.tell();
  }
}

/** The sync panel's line while a sync runs. */
export function syncProgressText(progress: SyncProgress): string {
  const pages = `${progress.pages} page${progress.pages === 1 ? '' : 's'}`;
  if (progress.merging)
    return `Merging ${pages} from ${progress.repoCount} repositor${progress.repoCount === 1 ? 'y' : 'ies'}…`;
  const read = `${progress.reposRead} of ${progress.repoCount} repositor${progress.repoCount === 1 ? 'y' : 'ies'} read`;
  const reading = progress.reading.length > 0 ? `; reading ${progress.reading.join(', ')}` : '';
  return `Syncing: ${read}, ${pages} so far${reading}…`;
}
