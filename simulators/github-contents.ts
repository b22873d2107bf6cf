import type { GitHubRoute } from './github';
import { createHash } from 'node:crypto';
import { json, serveSimulator, type RunningSimulator, type SimRequest, type SimResponse } from './http';

/**
 * GitHub's repository contents API as the board's merged check uses it:
 *   GET /repos/:owner/:repo                      → the repository (default_branch)
 *   GET /repos/:owner/:repo/contents/:path?ref=  → a file: base64 content (a newline every 60
 *       characters, as GitHub sends it), git blob sha, ETag; 304 on a matching If-None-Match;
 *       404 {"message":"Not Found",…} for a missing path, repository or ref.
 *   GET /repos/:owner/:repo/commits/:ref  with Accept: application/vnd.github[.v3].sha → the branch's
 *       head commit SHA as text; 304 when If-None-Match is that SHA in quotes (no rate limit), as
 *       GitHub documents for checking whether a local SHA is still current. The SHA here is derived
 *       from the branch's files, so any change to them moves it.
 * `handleGitHubContents` answers null for any other path, so it can be mounted into a fuller
 * GitHub simulator.
 */

export interface GitHubContentsState {
  /** "owner/name" (case-insensitive, as on GitHub) → repository */
  repositories: Map<string, { fullName: string; defaultBranch: string; files: Map<string, string> }>;
  /** Requests that counted against the rate limit (a 304 does not: tests assert it). */
  rateLimitUsed: number;
}

export function createGitHubContentsState(): GitHubContentsState {
  return { repositories: new Map(), rateLimitUsed: 0 };
}

const fileKey = (branch: string, filePath: string) => `${branch}:${filePath}`;

/** Puts a file on a branch (creates the repository on first use); null deletes it. */
export function setRepositoryFile(
  state: GitHubContentsState,
  fullName: string,
  filePath: string,
  content: string | null,
  branch = 'main',
) {
  const key = fullName.toLowerCase();
  let repository = state.repositories.get(key);
  if (!repository) {
    repository = { fullName, defaultBranch: 'main', files: new Map() };
    state.repositories.set(key, repository);
  }
  if (content === null) repository.files.delete(fileKey(branch, filePath));
  else repository.files.set(fileKey(branch, filePath), content);
}

/** Git's blob id: sha1 of "blob <size>\0<content>". */
export const gitBlobSha = (content: string) => {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
};

/** Base64 with a newline after every 60 characters, as the contents API sends it. */
export const wrappedBase64 = (content: string) =>
  `${(
    Buffer.from(content, 'utf8')
      .toString('base64')
      .match(/.{1,60}/g) ?? []
  ).join('\n')}\n`;

const API = 'https://api.github.com';
const notFound = (
  state: GitHubContentsState,
  documentation = 'https://docs.github.com/rest/repos/contents#get-repository-content',
  message = 'Not Found',
) => {
  state.rateLimitUsed += 1;
  return json(404, { message, documentation_url: documentation, status: '404' }, rateHeaders(state));
};

function rateHeaders(state: GitHubContentsState): Record<string, string> {
  const remaining = Math.max(0, 5000 - state.rateLimitUsed);
  return {
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-used': String(5000 - remaining),
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
    'x-ratelimit-resource': 'core',
    'x-github-api-version-selected': '2022-11-28',
  };
}

/** A stand-in for the branch's head commit: changes whenever one of its files does. */
export function branchHeadSha(state: GitHubContentsState, fullName: string, branch = 'main'): string | null {
  const repository = state.repositories.get(fullName.toLowerCase());
  const files = [...(repository?.files ?? new Map<string, string>())].filter(([k]) => k.startsWith(`${branch}:`));
  if (files.length === 0) return null;
  const tree = files
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, content]) => `${k}\0${gitBlobSha(content)}`)
    .join('\n');
  return createHash('sha1').update(`commit ${repository!.fullName}\n${tree}`).digest('hex');
}

function handleBranchHead(state: GitHubContentsState, request: SimRequest): SimResponse | null {
  const match = /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)$/.exec(request.path);
  if (!match) return null;
  const documentation = 'https://docs.github.com/rest/commits/commits#get-a-commit';
  const [owner, name, ref] = match.slice(1).map(decodeURIComponent);
  const repository = state.repositories.get(`${owner}/${name}`.toLowerCase());
  if (!repository) return notFound(state, documentation);
  const sha = branchHeadSha(state, repository.fullName, ref);
  if (!sha) return notFound(state, documentation, `No commit found for SHA: ${ref}`);
  // Octokit's `mediaType: { format: 'sha' }` sends the versioned name (application/vnd.github.v3.sha).
  if (!/application\/vnd\.github(\.v3)?\.sha/.test(String(request.headers.accept ?? '')))
    return json(415, { message: 'this simulator serves only the sha media type', documentation_url: documentation });
  const etag = `"${sha}"`;
  if (String(request.headers['if-none-match'] ?? '').replace(/^W\//, '') === etag)
    return { status: 304, headers: { etag, ...rateHeaders(state) } };
  state.rateLimitUsed += 1;
  return {
    status: 200,
    headers: { 'content-type': 'application/vnd.github.sha; charset=utf-8', etag, ...rateHeaders(state) },
    body: sha,
  };
}

export function handleGitHubContents(state: GitHubContentsState, request: SimRequest): SimResponse | null {
  if (request.method !== 'GET') return null;
  const head = handleBranchHead(state, request);
  if (head) return head;
  const repoMatch = /^\/repos\/([^/]+)\/([^/]+)$/.exec(request.path);
  const contentsMatch = /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/.exec(request.path);
  if (!repoMatch && !contentsMatch) return null;
  const [owner, name] = (repoMatch ?? contentsMatch)!.slice(1, 3).map(decodeURIComponent);
  const repository = state.repositories.get(`${owner}/${name}`.toLowerCase());
  if (repoMatch) {
    if (!repository) return notFound(state, 'https://docs.github.com/rest/repos/repos#get-a-repository');
    state.rateLimitUsed += 1;
    const [ownerLogin, repoName] = repository.fullName.split('/');
    return json(
      200,
      {
        id: Number.parseInt(gitBlobSha(repository.fullName).slice(0, 8), 16),
        name: repoName,
        full_name: repository.fullName,
        owner: { login: ownerLogin, type: 'Organization' },
        private: false,
        html_url: `https://github.com/${repository.fullName}`,
        url: `${API}/repos/${repository.fullName}`,
        default_branch: repository.defaultBranch,
        visibility: 'public',
      },
      rateHeaders(state),
    );
  }
  const filePath = decodeURIComponent(contentsMatch![3]);
  if (!repository) return notFound(state);
  const ref = request.query.get('ref') ?? repository.defaultBranch;
  const hasRef = [...repository.files.keys()].some((k) => k.startsWith(`${ref}:`));
  if (!hasRef)
    return notFound(
      state,
      'https://docs.github.com/rest/repos/contents#get-repository-content',
      `No commit found for the ref ${ref}`,
    );
  const content = repository.files.get(fileKey(ref, filePath));
  if (content === undefined) return notFound(state);
  const sha = gitBlobSha(content);
  const etag = `W/"${createHash('sha256').update(`${ref}:${filePath}:${sha}`).digest('hex')}"`;
  if (request.headers['if-none-match'] === etag) {
    // A conditional request that matches costs nothing against the rate limit.
    return { status: 304, headers: { etag, ...rateHeaders(state) } };
  }
  state.rateLimitUsed += 1;
  const selfUrl = `${API}/repos/${repository.fullName}/contents/${filePath}?ref=${ref}`;
  const gitUrl = `${API}/repos/${repository.fullName}/git/blobs/${sha}`;
  const htmlUrl = `https://github.com/${repository.fullName}/blob/${ref}/${filePath}`;
  return json(
    200,
    {
      name: filePath.split('/').at(-1),
      path: filePath,
      sha,
      size: Buffer.byteLength(content, 'utf8'),
      url: selfUrl,
      html_url: htmlUrl,
      git_url: gitUrl,
      download_url: `https://raw.githubusercontent.com/${repository.fullName}/${ref}/${filePath}`,
      type: 'file',
      content: wrappedBase64(content),
      encoding: 'base64',
      _links: { self: selfUrl, git: gitUrl, html: htmlUrl },
    },
    {
      etag,
      'last-modified': 'Fri, 20 Nov 2026 09:00:00 GMT',
      'cache-control': 'private, max-age=60, s-maxage=60',
      vary: 'Accept, Authorization, Cookie, X-GitHub-OTP',
      ...rateHeaders(state),
    },
  );
}

/**
 * Control endpoints for tests and the demo (never part of GitHub's API):
 *   PUT    /__sim/contents/:owner/:repo/:path?ref=   body: the file's text
 *   DELETE /__sim/contents/:owner/:repo/:path?ref=
 */
function control(state: GitHubContentsState, request: SimRequest): SimResponse | null {
  const match = /^\/__sim\/contents\/([^/]+)\/([^/]+)\/(.+)$/.exec(request.path);
  if (!match) return null;
  const fullName = `${decodeURIComponent(match[1])}/${decodeURIComponent(match[2])}`;
  const filePath = decodeURIComponent(match[3]);
  const branch = request.query.get('ref') ?? 'main';
  if (request.method === 'PUT') setRepositoryFile(state, fullName, filePath, request.body.toString('utf8'), branch);
  else if (request.method === 'DELETE') setRepositoryFile(state, fullName, filePath, null, branch);
  else return null;
  return json(200, { repository: fullName, path: filePath, branch });
}

/** The contents API and its controls as routes of the GitHub simulator (one server, one GITHUB_API_URL). */
export function gitHubContentsRoutes(state: GitHubContentsState): GitHubRoute[] {
  const contents = (request: SimRequest) => handleGitHubContents(state, request) ?? notFound(state);
  const controls = (request: SimRequest) => control(state, request) ?? notFound(state);
  return [
    { method: 'GET', pattern: /^\/repos\/[^/]+\/[^/]+$/, handle: contents },
    { method: 'GET', pattern: /^\/repos\/[^/]+\/[^/]+\/contents\/.+$/, handle: contents },
    { method: 'GET', pattern: /^\/repos\/[^/]+\/[^/]+\/commits\/[^/]+$/, handle: contents },
    { method: 'PUT', pattern: /^\/__sim\/contents\/.+$/, handle: controls },
    { method: 'DELETE', pattern: /^\/__sim\/contents\/.+$/, handle: controls },
  ];
}

export function serveGitHubContentsSimulator(state: GitHubContentsState, port = 0): Promise<RunningSimulator> {
  return serveSimulator(
    'github-contents',
    (request) =>
      control(state, request) ??
      handleGitHubContents(state, request) ??
      notFound(state, 'https://docs.github.com/rest'),
    port,
  );
}
