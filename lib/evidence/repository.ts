import type { z } from 'zod';
import type { fileEvidence } from '../matrix/check-evidence';
import { redactUrl } from '../config/redact';
import { createGitHubClient, type GitHubClient, isGitHubClientRefusal } from '../github/client';
import { describeTransportError } from '../http/bounded';
import type { RepositoryFileSpec } from '../plan/schema';
import { evaluateFile, type FileFindings } from './file-rules';
import type { EvidenceRun } from '../probes/types';
import type { EvidenceOutcome } from './types';

/**
 * The "merged" link: reads the files the plan names on each repository's default branch (GitHub's
 * contents API) and checks that they declare the package, set the env var or define the chart
 * values. A run first asks each branch for its head commit, once per repository and run, and
 * conditionally (a 304 costs no rate limit): a file whose findings were made at that commit is not
 * read again. Otherwise the file's read is conditional on its ETag. Commits, ETags and findings are
 * kept in the stored evidence (and in memory), so this holds after a restart and on another replica.
 */

export interface RepositorySettings {
  GITHUB_API_URL?: string;
  GITHUB_TOKEN?: string;
  GITHUB_TIMEOUT?: number;
  GITHUB_MAX_REPLY_BYTES?: number;
}

/** What the last full read of a file found, kept with its ETag: a 304 reuses it as is. */
interface RememberedFile {
  etag: string;
  sha: string;
  /** The branch's head commit seen just before the file was read (its findings hold at least from there). */
  commit?: string;
  /** The plan rules the findings answer; other rules on the same file need a full read. */
  rules: string;
  status: 'pass' | 'fail';
  found: string[];
  missing: string[];
  error?: string;
}

/** One file the merged check read (its stored shape is the merged evidence's). */
export type FileEvidence = z.infer<typeof fileEvidence>;

const DEFAULT_API = 'https://api.github.com';
const fileKey = (f: { repository: string; branch: string; path: string }) =>
  `${f.repository.toLowerCase()}@${f.branch}:${f.path}`;
const branchKey = (f: { repository: string; branch: string }) => `${f.repository.toLowerCase()}@${f.branch}`;
const rulesOf = (spec: RepositoryFileSpec) =>
  JSON.stringify([spec.dependencies ?? [], spec.contains ?? [], spec.values ?? []]);

export class RepositoryChecker {
  private readonly github: GitHubClient;
  private readonly remembered = new Map<string, RememberedFile>();
  /** Whether the stored evidence has been read into memory (once per process). */
  rememberedFromStore = false;
  /** Requests that GitHub answered 200 / 304, for the run summary and tests. */
  readonly counts = { fetched: 0, notModified: 0 };
  /** repository@branch → the head commit last seen, for the next lookup's If-None-Match. */
  private readonly heads = new Map<string, string>();
  /** The head lookups of the latest runs (by run start): one per repository@branch and run. */
  private readonly headsByRun = new Map<number, Map<string, Promise<string | null>>>();

  constructor(readonly settings: RepositorySettings) {
    // The board's one GitHub client: rate limits honoured, each request time-limited and capped.
    this.github = createGitHubClient({
      apiUrl: settings.GITHUB_API_URL ?? DEFAULT_API,
      token: settings.GITHUB_TOKEN,
      requestTimeoutMs: settings.GITHUB_TIMEOUT,
      maxReplyBytes: settings.GITHUB_MAX_REPLY_BYTES,
      // One retry: a check runs again on the next interval, and the run has its own deadline.
      retries: 1,
    });
  }

  /** Takes ETags and findings from stored evidence (e.g. after a restart), so the next checks can be 304s. */
  remember(files: FileEvidence[]) {
    for (const file of files) {
      if (!file.etag || !file.rules || !file.sha || file.status === 'error') continue;
      const key = fileKey(file);
      if (this.remembered.has(key)) continue; // what this process saw itself is newer
      this.remembered.set(key, {
        etag: file.etag,
        sha: file.sha,
        commit: file.commit,
        rules: file.rules,
        status: file.status,
        found: file.found,
        missing: file.missing,
        error: file.error,
      });
    }
  }

  /**
   * One file's check. How many run at once is the verify pool's to bound (VERIFY_CONCURRENCY checks
   * per upstream, a cell's few files each), so replies in flight bound a run's memory.
   */
  async checkFile(
    spec: RepositoryFileSpec,
    { commit = null, signal }: { commit?: string | null; signal?: AbortSignal } = {},
  ): Promise<FileEvidence> {
    const base = {
      repository: spec.repository,
      branch: spec.branch,
      path: spec.path,
      htmlUrl: `https://github.com/${spec.repository}/blob/${spec.branch}/${spec.path}`,
    };
    const failed = (status: 'fail' | 'error', error: string): FileEvidence => ({
      ...base,
      status,
      sha: null,
      notModified: false,
      found: [],
      missing: [],
      error,
    });
    const [owner, repo] = spec.repository.split('/');
    const key = fileKey(spec);
    const rules = rulesOf(spec);
    const known = this.remembered.get(key);
    const conditional = known && known.rules === rules ? known : undefined;
    if (conditional && commit !== null && conditional.commit === commit) {
      this.counts.notModified += 1;
      return { ...base, ...conditional, notModified: true };
    }
    try {
      const response = await this.github.octokit.rest.repos.getContent({
        owner,
        repo,
        path: spec.path,
        ref: spec.branch,
        headers: conditional ? { 'if-none-match': conditional.etag } : {},
        // The run's deadline, joined with the request's own time limit in the client's fetch (fetchBounded).
        request: { signal },
      });
      const data = response.data;
      if (!Array.isArray(data) && (typeof data !== 'object' || data === null || typeof data.type !== 'string')) {
        return failed(
          'error',
          `GitHub's reply for ${spec.repository}/${spec.path} is not a contents object: is GITHUB_API_URL pointing at GitHub's REST API?`,
        );
      }
      if (Array.isArray(data) || data.type !== 'file' || !('content' in data) || typeof data.content !== 'string') {
        return failed('fail', `${spec.path} is a ${Array.isArray(data) ? 'directory' : data.type}, not a file`);
      }
      this.counts.fetched += 1;
      const findings: FileFindings | { error: string } = evaluateFile(
        spec,
        Buffer.from(data.content, 'base64').toString('utf8'),
      );
      const result: RememberedFile =
        'error' in findings
          ? {
              etag: response.headers.etag ?? '',
              sha: data.sha,
              commit: commit ?? undefined,
              rules,
              status: 'fail',
              found: [],
              missing: [],
              error: findings.error,
            }
          : {
              etag: response.headers.etag ?? '',
              sha: data.sha,
              commit: commit ?? undefined,
              rules,
              status: findings.missing.length === 0 ? 'pass' : 'fail',
              ...findings,
            };
      if (result.etag) this.remembered.set(key, result);
      return { ...base, ...result, notModified: false };
    } catch (error) {
      if (isGitHubClientRefusal(error)) return failed('error', error.message);
      // The client's own stops (a reply over its cap, the run's deadline): the message says which.
      if (error instanceof Error && error.name === 'AbortError') return failed('error', error.message);
      // Octokit reports a transport failure as status 500 without a response.
      const reached = (error as { response?: unknown }).response !== undefined;
      const status =
        reached || (error as { status?: number }).status === 304 ? (error as { status?: number }).status : undefined;
      if (status === 304 && conditional) {
        this.counts.notModified += 1;
        const unchanged = { ...conditional, commit: commit ?? conditional.commit };
        this.remembered.set(key, unchanged);
        return { ...base, ...unchanged, notModified: true };
      }
      if (status === 404) {
        this.remembered.delete(key);
        const message = (error as { response?: { data?: { message?: string } } }).response?.data?.message;
        const why = message && message !== 'Not Found' ? message : `${spec.path} not found`;
        return failed(
          'fail',
          `${why} on ${spec.repository}@${spec.branch} (or the repository is private: set GITHUB_TOKEN)`,
        );
      }
      if (status === 401) return failed('error', 'GitHub rejected GITHUB_TOKEN (401): check the token');
      if (status === 403 || status === 429)
        return failed(
          'error',
          `GitHub refused (${status}: rate limit or permissions): set GITHUB_TOKEN or wait for the limit to reset`,
        );
      if (typeof status === 'number')
        return failed('error', `GitHub answered ${status} for ${spec.repository}/${spec.path}`);
      const cause = (error as { cause?: unknown }).cause;
      const detail = describeTransportError(cause ?? error, this.github.requestTimeoutMs);
      return failed(
        'error',
        `cannot reach GitHub at ${redactUrl(this.settings.GITHUB_API_URL ?? DEFAULT_API)}: ${detail}`,
      );
    }
  }

  /**
   * A branch's head commit SHA (GitHub's "sha" media type), conditional on the one seen last; null
   * when it cannot be read (the file reads then say why). Asked once per repository and run.
   */
  private branchHead(spec: RepositoryFileSpec, run: EvidenceRun): Promise<string | null> {
    let lookups = this.headsByRun.get(run.started);
    if (!lookups) {
      lookups = new Map();
      this.headsByRun.set(run.started, lookups);
      // Runs that overlap (a click during a scheduled run) each keep theirs; older ones are done.
      for (const run of this.headsByRun.keys()) if (this.headsByRun.size > 8) this.headsByRun.delete(run);
    }
    const key = branchKey(spec);
    let head = lookups.get(key);
    if (!head) {
      head = this.readBranchHead(spec, run.signal);
      lookups.set(key, head);
    }
    return head;
  }

  private async readBranchHead(spec: RepositoryFileSpec, signal?: AbortSignal): Promise<string | null> {
    const [owner, repo] = spec.repository.split('/');
    const key = branchKey(spec);
    const last = this.heads.get(key);
    try {
      const response = await this.github.octokit.rest.repos.getCommit({
        owner,
        repo,
        ref: spec.branch,
        mediaType: { format: 'sha' },
        headers: last ? { 'if-none-match': `"${last}"` } : {},
        request: { signal },
      });
      const sha = typeof response.data === 'string' ? (response.data as string).trim() : '';
      if (!/^[0-9a-f]{40}$/.test(sha)) return null;
      this.heads.set(key, sha);
      return sha;
    } catch (error) {
      // 304: the head is the one seen last. Anything else: the file reads will meet it and say what.
      return (error as { status?: number }).status === 304 && last ? last : null;
    }
  }

  /**
   * The merged check for one cell: every file must pass. Never throws. Within a run, files whose
   * findings were made at the branch's current head are not read again; its deadline aborts the requests.
   */
  async checkMerged(files: RepositoryFileSpec[], run?: EvidenceRun): Promise<EvidenceOutcome> {
    const target = files.map((f) => `${f.repository}@${f.branch}:${f.path}`).join(' + ');
    const results = await Promise.all(
      files.map(async (f) =>
        this.checkFile(f, { commit: run ? await this.branchHead(f, run) : null, signal: run?.signal }),
      ),
    );
    const evidence = { files: results };
    const fileLabel = (r: FileEvidence) => `${r.repository}:${r.path}`;
    const errors = results.filter((r) => r.status === 'error');
    if (errors.length > 0)
      return { status: 'error', target, message: `error: ${errors.map((r) => r.error).join('; ')}`, evidence };
    const failing = results.filter((r) => r.status === 'fail');
    if (failing.length > 0) {
      return {
        status: 'fail',
        target,
        message: failing.map((r) => `${fileLabel(r)}: ${r.error ?? r.missing.join(', ')}`).join('; '),
        evidence,
      };
    }
    return {
      status: 'pass',
      target,
      message:
        `merged on ${[...new Set(results.map((r) => r.branch))].join(', ')}: ` +
        `${results.map((r) => `${fileLabel(r)} ${r.found.join(', ')}`).join('; ')}`,
      evidence,
    };
  }
}

/** null when neither GITHUB_API_URL nor GITHUB_TOKEN is set (the merged check is not configured). */
export function createRepositoryChecker(settings: RepositorySettings): RepositoryChecker | null {
  if (!settings.GITHUB_API_URL && !settings.GITHUB_TOKEN) return null;
  return new RepositoryChecker(settings);
}
