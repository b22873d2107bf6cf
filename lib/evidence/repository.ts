import { Octokit } from '@octokit/rest';
import type { RepositoryFileSpec } from '../plan/schema';
import { evaluateFile, type FileFindings } from './file-rules';
import { withTimeout, type EvidenceOutcome } from './types';

/**
 * The "merged" link: reads the files the plan names on each repository's default branch (GitHub's
 * contents API) and checks that they declare the package, set the env var or define the chart
 * values. Requests are conditional: the ETag and the findings of each file are remembered, so a
 * re-check of an unchanged file is a 304 that costs no rate limit and reuses the stored evidence.
 */

export interface RepositorySettings {
  GITHUB_API_URL?: string;
  GITHUB_TOKEN?: string;
}

interface RememberedFile {
  etag: string;
  sha: string;
  checkedAt: string;
  /** The file's text is kept only until it is evaluated again (a new plan rule on an unchanged file). */
  text: string;
}

export interface FileEvidence {
  repository: string;
  branch: string;
  path: string;
  status: 'pass' | 'fail' | 'error';
  sha: string | null;
  htmlUrl: string;
  /** True when GitHub answered 304: the file is unchanged since the stored check. */
  notModified: boolean;
  found: string[];
  missing: string[];
  error?: string;
}

const REQUEST_TIMEOUT_MS = 10_000;
const DEFAULT_API = 'https://api.github.com';

export class RepositoryChecker {
  private readonly octokit: Octokit;
  private readonly remembered = new Map<string, RememberedFile>();
  /** Requests that GitHub answered 200 / 304, for the run summary and tests. */
  readonly counts = { fetched: 0, notModified: 0 };

  constructor(readonly settings: RepositorySettings) {
    this.octokit = new Octokit({
      baseUrl: (settings.GITHUB_API_URL ?? DEFAULT_API).replace(/\/$/, ''),
      ...(settings.GITHUB_TOKEN ? { auth: settings.GITHUB_TOKEN } : {}),
      userAgent: 'rollout-board',
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });
  }

  private async readFile(spec: RepositoryFileSpec): Promise<{ text: string; sha: string; notModified: boolean } | { error: string; status: 'fail' | 'error' }> {
    const [owner, repo] = spec.repository.split('/');
    const key = `${spec.repository.toLowerCase()}@${spec.branch}:${spec.path}`;
    const known = this.remembered.get(key);
    try {
      const response = await withTimeout(
        this.octokit.rest.repos.getContent({
          owner,
          repo,
          path: spec.path,
          ref: spec.branch,
          headers: known ? { 'if-none-match': known.etag } : {},
        }),
        REQUEST_TIMEOUT_MS,
        `GitHub (${this.settings.GITHUB_API_URL ?? DEFAULT_API})`,
      );
      const data = response.data;
      if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) {
        return { status: 'fail', error: `${spec.path} is a ${Array.isArray(data) ? 'directory' : data.type}, not a file` };
      }
      const text = Buffer.from(data.content, 'base64').toString('utf8');
      this.counts.fetched += 1;
      const etag = response.headers.etag;
      if (etag) this.remembered.set(key, { etag, sha: data.sha, checkedAt: new Date().toISOString(), text });
      return { text, sha: data.sha, notModified: false };
    } catch (error) {
      // Octokit reports a transport failure as status 500 without a response.
      const reached = (error as { response?: unknown }).response !== undefined;
      const status = reached || (error as { status?: number }).status === 304 ? (error as { status?: number }).status : undefined;
      if (status === 304 && known) {
        this.counts.notModified += 1;
        return { text: known.text, sha: known.sha, notModified: true };
      }
      if (status === 404) {
        const message = (error as { response?: { data?: { message?: string } } }).response?.data?.message;
        const why = message && message !== 'Not Found' ? message : `${spec.path} not found`;
        return { status: 'fail', error: `${why} on ${spec.repository}@${spec.branch} (or the repository is private: set GITHUB_TOKEN)` };
      }
      if (status === 401) return { status: 'error', error: 'GitHub rejected GITHUB_TOKEN (401): check the token' };
      if (status === 403 || status === 429) return { status: 'error', error: `GitHub refused (${status}: rate limit or permissions): set GITHUB_TOKEN or wait for the limit to reset` };
      if (typeof status === 'number') return { status: 'error', error: `GitHub answered ${status} for ${spec.repository}/${spec.path}` };
      const cause = (error as { cause?: { code?: string; cause?: { code?: string } } }).cause;
      return { status: 'error', error: `cannot reach GitHub at ${this.settings.GITHUB_API_URL ?? DEFAULT_API}: ${cause?.code ?? cause?.cause?.code ?? (error as Error).message}` };
    }
  }

  async checkFile(spec: RepositoryFileSpec): Promise<FileEvidence> {
    const base = {
      repository: spec.repository,
      branch: spec.branch,
      path: spec.path,
      htmlUrl: `https://github.com/${spec.repository}/blob/${spec.branch}/${spec.path}`,
    };
    const read = await this.readFile(spec);
    if ('error' in read) return { ...base, status: read.status, sha: null, notModified: false, found: [], missing: [], error: read.error };
    const findings: FileFindings | { error: string } = evaluateFile(spec, read.text);
    if ('error' in findings) return { ...base, status: 'fail', sha: read.sha, notModified: read.notModified, found: [], missing: [], error: findings.error };
    return { ...base, status: findings.missing.length === 0 ? 'pass' : 'fail', sha: read.sha, notModified: read.notModified, ...findings };
  }

  /** The merged check for one cell: every file must pass. Never throws. */
  async checkMerged(files: RepositoryFileSpec[]): Promise<EvidenceOutcome> {
    const target = files.map((f) => `${f.repository}@${f.branch}:${f.path}`).join(' + ');
    const results = await Promise.all(files.map((f) => this.checkFile(f)));
    const evidence = { files: results };
    const describe = (r: FileEvidence) => `${r.repository}:${r.path}`;
    const errors = results.filter((r) => r.status === 'error');
    if (errors.length > 0) return { status: 'error', target, message: `error: ${errors.map((r) => r.error).join('; ')}`, evidence };
    const failing = results.filter((r) => r.status === 'fail');
    if (failing.length > 0) {
      return { status: 'fail', target, message: failing.map((r) => `${describe(r)}: ${r.error ?? r.missing.join(', ')}`).join('; '), evidence };
    }
    return {
      status: 'pass',
      target,
      message: `merged on ${[...new Set(results.map((r) => r.branch))].join(', ')}: ${results.map((r) => `${describe(r)} ${r.found.join(', ')}`).join('; ')}`,
      evidence,
    };
  }
}

/** null when neither GITHUB_API_URL nor GITHUB_TOKEN is set (the merged check is not configured). */
export function createRepositoryChecker(settings: RepositorySettings): RepositoryChecker | null {
  if (!settings.GITHUB_API_URL && !settings.GITHUB_TOKEN) return null;
  return new RepositoryChecker(settings);
}
