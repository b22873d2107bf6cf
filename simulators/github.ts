/**
 * GitHub REST simulator (issues listing, as the sync reads it), following GitHub's contract
 * (shared/upstream-api-contracts.md §6): Link-header pagination, pull requests mixed into issue
 * lists, weak ETags and 304s, rate-limit headers on every answer, and GitHub's own error bodies
 * for 401/403/404/422/429/5xx. Tests change its data and inject failures through `GitHubWorld`
 * or, from e2e, through the control routes under /__sim/github (never a GitHub path).
 * Routes are a list: add one entry per endpoint (e.g. repository contents).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { loadPlanFile } from '../lib/plan/load';
import { json, serveSimulator, type RunningSimulator, type SimRequest, type SimResponse } from './http';

export const DEFAULT_REPO = 'bcgov/phase-3-observability';

export interface SimIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'not_planned' | 'reopened' | null;
  labels: string[];
  assignees: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** Present for pull requests, which GitHub returns from the issues endpoint too. */
  pullRequest?: { mergedAt: string | null };
}

export interface GitHubFault {
  /** owner/name; any repository when absent. */
  repo?: string;
  /** Page number of the listing; any page when absent. */
  page?: number;
  status: 200 | 401 | 403 | 404 | 422 | 429 | 500 | 502 | 503;
  /** Instead of an error status: never answer, answer 200 with a body that is not JSON, or JSON of another shape. */
  reply?: 'hang' | 'not-json' | 'not-issues';
  /** How many matching requests it answers; until cleared when absent. */
  times?: number;
  /** retry-after header (secondary rate limit, 429/403). */
  retryAfterSeconds?: number;
  /** Primary rate limit (403, remaining 0): x-ratelimit-reset this many seconds ahead. */
  resetInSeconds?: number;
}

const ISO = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');
const key = (repo: string) => repo.toLowerCase();

/** The simulator's mutable state: repositories with their issues, faults, latency and quota. */
export class GitHubWorld {
  repos = new Map<string, { name: string; issues: SimIssue[] }>();
  faults: GitHubFault[] = [];
  latencyMs = 0;
  /** When set, Link headers point at this origin instead of the simulator's own (a misbehaving proxy). */
  linkOrigin: string | null = null;
  quota = { limit: 5000, unauthenticatedLimit: 60, used: 0, resetAt: Date.now() + 3_600_000 };

  constructor(repos: Record<string, SimIssue[]> = defaultFixture()) {
    this.load(repos);
  }

  load(repos: Record<string, SimIssue[]>) {
    this.repos.clear();
    for (const [name, issues] of Object.entries(repos))
      this.repos.set(key(name), { name, issues: issues.map((i) => ({ ...i })) });
  }

  /** Back to the default fixture, no faults, no latency, fresh quota. */
  reset() {
    this.load(defaultFixture());
    this.faults = [];
    this.latencyMs = 0;
    this.linkOrigin = null;
    this.quota.used = 0;
  }

  issues(repo: string): SimIssue[] {
    const found = this.repos.get(key(repo));
    if (!found) throw new Error(`simulated GitHub has no repository ${repo}`);
    return found.issues;
  }

  /** The next update time: now, and always after the previous newest update (GitHub's clock only moves on). */
  private nextUpdatedAt(repo: string): string {
    const newest = Math.max(0, ...this.issues(repo).map((i) => Date.parse(i.updatedAt)));
    return ISO(new Date(Math.max(Date.now(), newest + 1000)));
  }

  /** Changes an issue as a person would on GitHub; its updated_at moves forward. */
  updateIssue(repo: string, number: number, patch: Partial<Omit<SimIssue, 'number' | 'updatedAt'>>): SimIssue {
    const issue = this.issues(repo).find((i) => i.number === number);
    if (!issue) throw new Error(`simulated GitHub has no ${repo}#${number}`);
    const updatedAt = this.nextUpdatedAt(repo);
    Object.assign(issue, patch, { updatedAt });
    if (patch.state === 'closed' && !patch.closedAt) issue.closedAt = updatedAt;
    if (patch.state === 'open') issue.closedAt = null;
    return issue;
  }

  addIssue(
    repo: string,
    issue: Omit<SimIssue, 'number' | 'createdAt' | 'updatedAt' | 'closedAt' | 'stateReason'> & Partial<SimIssue>,
  ): SimIssue {
    if (!this.repos.has(key(repo))) this.repos.set(key(repo), { name: repo, issues: [] });
    const list = this.issues(repo);
    const updatedAt = this.nextUpdatedAt(repo);
    const created: SimIssue = {
      number: Math.max(0, ...list.map((i) => i.number)) + 1,
      createdAt: updatedAt,
      updatedAt,
      closedAt: null,
      stateReason: null,
      ...issue,
    };
    list.push(created);
    return created;
  }

  injectFault(fault: GitHubFault) {
    this.faults.push({ ...fault });
  }

  clearFaults() {
    this.faults = [];
  }

  /** The first fault matching this request, used up by one answer. */
  takeFault(repo: string, page: number): GitHubFault | null {
    const index = this.faults.findIndex((f) => (!f.repo || key(f.repo) === key(repo)) && (!f.page || f.page === page));
    if (index < 0) return null;
    const fault = this.faults[index];
    if (fault.times !== undefined) {
      fault.times -= 1;
      if (fault.times <= 0) this.faults.splice(index, 1);
    }
    return fault;
  }
}

// ---- GitHub's wire format --------------------------------------------------------------------

const user = (login: string) => ({
  login,
  id: Number.parseInt(createHash('sha1').update(login).digest('hex').slice(0, 7), 16),
  type: 'User',
  html_url: `https://github.com/${login}`,
  avatar_url: `https://avatars.githubusercontent.com/${login}`,
});

function label(name: string) {
  const hash = createHash('sha1').update(name).digest('hex');
  return {
    id: Number.parseInt(hash.slice(0, 8), 16),
    name,
    color: hash.slice(0, 6),
    default: false,
    description: null,
  };
}

function toWire(repo: string, apiBase: string, issue: SimIssue) {
  const kind = issue.pullRequest ? 'pull' : 'issues';
  const base = {
    url: `${apiBase}/repos/${repo}/issues/${issue.number}`,
    repository_url: `${apiBase}/repos/${repo}`,
    html_url: `https://github.com/${repo}/${kind}/${issue.number}`,
    id: 1_000_000 + issue.number,
    number: issue.number,
    title: issue.title,
    user: user('phase-3-pm'),
    labels: issue.labels.map(label),
    state: issue.state,
    state_reason: issue.stateReason,
    locked: false,
    assignee: issue.assignees[0] ? user(issue.assignees[0]) : null,
    assignees: issue.assignees.map(user),
    comments: 0,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    author_association: 'MEMBER',
    body: issue.body,
  };
  if (!issue.pullRequest) return base;
  return {
    ...base,
    draft: false,
    pull_request: {
      url: `${apiBase}/repos/${repo}/pulls/${issue.number}`,
      html_url: `https://github.com/${repo}/pull/${issue.number}`,
      diff_url: `https://github.com/${repo}/pull/${issue.number}.diff`,
      patch_url: `https://github.com/${repo}/pull/${issue.number}.patch`,
      merged_at: issue.pullRequest.mergedAt,
    },
  };
}

const DOCS = 'https://docs.github.com/rest';

function rateHeaders(world: GitHubWorld, authenticated: boolean): Record<string, string> {
  const limit = authenticated ? world.quota.limit : world.quota.unauthenticatedLimit;
  return {
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(Math.max(0, limit - world.quota.used)),
    'x-ratelimit-used': String(world.quota.used),
    'x-ratelimit-reset': String(Math.floor(world.quota.resetAt / 1000)),
    'x-ratelimit-resource': 'core',
    'x-github-api-version-selected': '2022-11-28',
  };
}

function faultResponse(world: GitHubWorld, fault: GitHubFault, authenticated: boolean): SimResponse {
  const headers = rateHeaders(world, authenticated);
  switch (fault.status) {
    case 401:
      return json(401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' }, headers);
    case 404:
      return json(
        404,
        { message: 'Not Found', documentation_url: `${DOCS}/issues/issues#list-repository-issues`, status: '404' },
        headers,
      );
    case 422:
      return json(
        422,
        {
          message: 'Validation Failed',
          errors: [{ resource: 'Issue', code: 'invalid', field: 'since' }],
          documentation_url: `${DOCS}/issues/issues#list-repository-issues`,
          status: '422',
        },
        headers,
      );
    case 403:
    case 429:
      if (fault.resetInSeconds !== undefined) {
        // Primary rate limit: remaining 0 until the reset time.
        const reset = String(Math.floor(Date.now() / 1000) + fault.resetInSeconds);
        return json(
          fault.status,
          {
            message: `API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.`,
            documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`,
            status: String(fault.status),
          },
          { ...headers, 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
        );
      }
      return json(
        fault.status,
        {
          message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
          status: String(fault.status),
        },
        { ...headers, 'retry-after': String(fault.retryAfterSeconds ?? 60) },
      );
    default:
      return json(
        fault.status,
        { message: fault.status === 503 ? 'Service Unavailable' : 'Server Error', status: String(fault.status) },
        headers,
      );
  }
}

// ---- routes ------------------------------------------------------------------------------------

export interface GitHubRoute {
  method: string;
  pattern: RegExp;
  handle: (request: SimRequest, params: string[], world: GitHubWorld) => SimResponse | Promise<SimResponse>;
}

const pageHeaders = (etag: string) => ({
  etag,
  'cache-control': 'private, max-age=60, s-maxage=60',
  vary: 'Accept, Authorization, Cookie',
});

/**
 * The ETags of pages served, per repository's issue list, valid while the list is as it was: GitHub answers
 * a matching conditional request without rendering the page again, and its servers answer many at once.
 * This one process renders one page at a time, so without the cache a sync's 8 conditional requests would
 * wait behind 8 renders no client of GitHub waits for. Any change moves an issue's updated_at past the newest
 * (updateIssue, addIssue) or replaces the list (load), and so the list's state.
 */
const pageTags = new WeakMap<SimIssue[], { state: string; tags: Map<string, string> }>();
const listState = (issues: SimIssue[]) =>
  `${issues.length}:${issues.reduce((newest, i) => Math.max(newest, Date.parse(i.updatedAt)), 0)}`;
function knownPageTag(issues: SimIssue[], asked: string): string | undefined {
  const known = pageTags.get(issues);
  return known?.state === listState(issues) ? known.tags.get(asked) : undefined;
}
function rememberPageTag(issues: SimIssue[], asked: string, etag: string) {
  const state = listState(issues);
  let known = pageTags.get(issues);
  if (known?.state !== state) {
    known = { state, tags: new Map() };
    pageTags.set(issues, known);
  }
  known.tags.set(asked, etag);
}

function listIssues(request: SimRequest, [owner, repo]: string[], world: GitHubWorld): SimResponse {
  const authenticated = Boolean(request.headers.authorization);
  const fullName = `${owner}/${repo}`;
  const page = Math.max(1, Number(request.query.get('page') ?? 1) || 1);
  if (Date.now() >= world.quota.resetAt) {
    // A new rate-limit window, as GitHub opens one every hour.
    world.quota.used = 0;
    world.quota.resetAt = Date.now() + 3_600_000;
  }
  const fault = world.takeFault(fullName, page);
  if (fault?.reply === 'hang') return { status: 200, hang: true };
  if (fault?.reply === 'not-json')
    return { status: 200, headers: { 'content-type': 'application/json' }, body: '<html><body>Bad gateway</body>' };
  if (fault?.reply === 'not-issues') return json(200, [{ number: 1, title: 'no labels, no dates' }]);
  if (fault) return faultResponse(world, fault, authenticated);
  const found = world.repos.get(key(fullName));
  if (!found) return faultResponse(world, { status: 404 }, authenticated);
  const limit = authenticated ? world.quota.limit : world.quota.unauthenticatedLimit;
  if (world.quota.used >= limit) {
    return faultResponse(
      world,
      { status: 403, resetInSeconds: Math.max(0, Math.ceil((world.quota.resetAt - Date.now()) / 1000)) },
      authenticated,
    );
  }

  const since = request.query.get('since');
  if (since !== null && Number.isNaN(Date.parse(since))) return faultResponse(world, { status: 422 }, authenticated);
  const host = request.headers.host ?? '127.0.0.1';
  const asked = `${host}${request.path}?${request.query}`;
  const known = knownPageTag(found.issues, asked);
  if (known && request.headers['if-none-match'] === known) {
    // A conditional request that matches costs no quota when authorised (GitHub's documented behaviour).
    if (!authenticated) world.quota.used += 1;
    return { status: 304, headers: { ...pageHeaders(known), ...rateHeaders(world, authenticated) } };
  }
  const labels = (request.query.get('labels') ?? '')
    .split(',')
    .map((l) => l.trim().toLowerCase())
    .filter(Boolean);
  const state = request.query.get('state') ?? 'open';
  const sort = request.query.get('sort') ?? 'created';
  const direction = request.query.get('direction') ?? 'desc';
  const perPage = Math.min(100, Math.max(1, Number(request.query.get('per_page') ?? 30) || 30));

  const selected = found.issues
    .filter((i) => state === 'all' || i.state === state)
    .filter((i) => labels.every((l) => i.labels.some((have) => have.toLowerCase() === l)))
    .filter((i) => since === null || Date.parse(i.updatedAt) >= Date.parse(since))
    .sort((a, b) => {
      const field = sort === 'updated' ? 'updatedAt' : 'createdAt';
      const order = Date.parse(a[field]) - Date.parse(b[field]) || a.number - b.number;
      return direction === 'asc' ? order : -order;
    });
  const lastPage = Math.max(1, Math.ceil(selected.length / perPage));
  const apiBase = `http://${host}`;
  const body = JSON.stringify(
    selected.slice((page - 1) * perPage, page * perPage).map((i) => toWire(found.name, apiBase, i)),
  );
  const etag = `W/"${createHash('sha1').update(body).digest('hex')}"`;
  rememberPageTag(found.issues, asked, etag);
  const headers: Record<string, string> = { ...rateHeaders(world, authenticated), ...pageHeaders(etag) };
  if (request.headers['if-none-match'] === etag) {
    if (!authenticated) world.quota.used += 1;
    return { status: 304, headers: { ...headers, ...rateHeaders(world, authenticated) } };
  }
  world.quota.used += 1;
  const pageUrl = (n: number) => {
    const query = new URLSearchParams(request.query);
    query.set('page', String(n));
    return `<${world.linkOrigin ?? apiBase}${request.path}?${query}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${pageUrl(page - 1)}; rel="prev"`);
  if (page < lastPage) links.push(`${pageUrl(page + 1)}; rel="next"`, `${pageUrl(lastPage)}; rel="last"`);
  if (page > 1) links.push(`${pageUrl(1)}; rel="first"`);
  return {
    status: 200,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      ...headers,
      ...rateHeaders(world, authenticated),
      ...(links.length ? { link: links.join(', ') } : {}),
    },
    body,
  };
}

function getIssue(request: SimRequest, [owner, repo, number]: string[], world: GitHubWorld): SimResponse {
  const authenticated = Boolean(request.headers.authorization);
  const fullName = `${owner}/${repo}`;
  const fault = world.takeFault(fullName, 1);
  if (fault) return faultResponse(world, fault, authenticated);
  const issue = world.repos.get(key(fullName))?.issues.find((i) => i.number === Number(number));
  if (!issue) return faultResponse(world, { status: 404 }, authenticated);
  world.quota.used += 1;
  return json(
    200,
    toWire(world.repos.get(key(fullName))!.name, `http://${request.headers.host ?? '127.0.0.1'}`, issue),
    rateHeaders(world, authenticated),
  );
}

async function control(request: SimRequest, [action]: string[], world: GitHubWorld): Promise<SimResponse> {
  const input = request.body.length ? (JSON.parse(request.body.toString('utf8')) as Record<string, unknown>) : {};
  switch (action) {
    case 'reset':
      world.reset();
      return json(200, { ok: true });
    case 'update-issue': {
      const { repo, number, ...patch } = input as { repo?: string; number: number } & Partial<SimIssue>;
      return json(200, world.updateIssue(repo ?? DEFAULT_REPO, number, patch));
    }
    case 'fault':
      world.injectFault(input as unknown as GitHubFault);
      return json(200, { faults: world.faults });
    case 'clear-faults':
      world.clearFaults();
      return json(200, { faults: [] });
    case 'latency':
      world.latencyMs = Number(input.ms ?? 0);
      return json(200, { latencyMs: world.latencyMs });
    default:
      return json(404, { error: `unknown control action ${action}` });
  }
}

/** Every endpoint the simulator answers, in order; the first match wins. */
export const GITHUB_ROUTES: GitHubRoute[] = [
  { method: 'GET', pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues$/, handle: listIssues },
  { method: 'GET', pattern: /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/, handle: getIssue },
  { method: 'POST', pattern: /^\/__sim\/github\/([a-z-]+)$/, handle: control },
];

export function githubHandler(world: GitHubWorld, routes: GitHubRoute[] = GITHUB_ROUTES) {
  return async (request: SimRequest): Promise<SimResponse> => {
    for (const route of routes) {
      const match = route.method === request.method ? route.pattern.exec(request.path) : null;
      if (!match) continue;
      const response = await route.handle(request, match.slice(1).map(decodeURIComponent), world);
      const isControl = request.path.startsWith('/__sim/');
      return !isControl && world.latencyMs ? { ...response, delayMs: world.latencyMs } : response;
    }
    return json(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
  };
}

export interface RunningGitHubSimulator extends RunningSimulator {
  world: GitHubWorld;
}

export async function startGitHubSimulator(
  world = new GitHubWorld(),
  routes: GitHubRoute[] = GITHUB_ROUTES,
): Promise<RunningGitHubSimulator> {
  const running = await serveSimulator('github', githubHandler(world, routes));
  return { ...running, world };
}

// ---- the default fixture: the Phase 3 plan's issues ----------------------------------------------

const PLAN_FILE = path.resolve(__dirname, '../lib/plan/phase-3.json');

/**
 * The plan's 27 issues (26 service cells + the infrastructure gate) with their labels and
 * estimates, in a mix of states (closed, assigned, linked to a pull request, untouched), one issue
 * whose body disagrees with the plan's estimate, a few pull requests, an issue without a service
 * label and a duplicate: every state and panel of the board has something to show.
 */
export function defaultFixture(): Record<string, SimIssue[]> {
  const { plan } = loadPlanFile(PLAN_FILE);
  const day = (n: number, hour = 9) => ISO(new Date(Date.UTC(2026, 5, 10 + n, hour)));
  const issues: SimIssue[] = [];
  const serviceCells = plan.cells.filter((c) => c.serviceSlug);
  serviceCells.forEach((cell, index) => {
    const estimate = cell.key === 'traction/faro-code' ? '~5h' : cell.estimateText;
    const closed = index % 4 === 0;
    issues.push({
      number: index + 1,
      title: cell.title,
      body: `Labels: ${cell.labels.join(' ')} Estimated Effort: ${estimate}\n\n${cell.requirements.map((r) => `- ${r}`).join('\n')}\n\n### Acceptance Criteria\n${cell.criteria.map((c) => `- [ ] ${c.text}`).join('\n')}`,
      state: closed ? 'closed' : 'open',
      stateReason: closed ? 'completed' : null,
      labels: cell.labels,
      assignees: index % 4 === 0 || index % 4 === 1 ? ['ivan-p'] : [],
      createdAt: day(0, 9),
      updatedAt: day(1 + index, 10),
      closedAt: closed ? day(1 + index, 10) : null,
    });
  });
  const gate = plan.cells.find((c) => !c.serviceSlug)!;
  issues.push({
    number: serviceCells.length + 1,
    title: gate.title,
    body: `Estimated Effort: ${gate.estimateText}\n\nValidate that Pyroscope and Alloy's Faro receiver are deployed in ca7f8f-dev.`,
    state: 'closed',
    stateReason: 'completed',
    labels: ['phase-3', 'infrastructure'],
    assignees: ['ivan-p'],
    createdAt: day(0, 8),
    updatedAt: day(0, 17),
    closedAt: day(0, 17),
  });
  let next = issues.length + 1;
  issues.push({
    number: next++,
    title: 'Pyroscope profiling for the notification worker',
    body: 'Estimated Effort: ~1h\n\nNo service label: this is not one of the plan’s eight services.',
    state: 'open',
    stateReason: null,
    labels: ['phase-3', 'profiling', 'python'],
    assignees: [],
    createdAt: day(3),
    updatedAt: day(3),
    closedAt: null,
  });
  const first = serviceCells[0];
  issues.push({
    number: next++,
    title: `${first.title} (duplicate)`,
    body: `Estimated Effort: ${first.estimateText}`,
    state: 'open',
    stateReason: null,
    labels: first.labels,
    assignees: [],
    createdAt: day(4),
    updatedAt: day(4),
    closedAt: null,
  });
  // Pull requests mixed into the listing, closing the cells that are "linked to a PR".
  serviceCells.forEach((cell, index) => {
    if (index % 4 !== 2 && index !== 0) return;
    const merged = index === 0;
    issues.push({
      number: next++,
      title: `${cell.title}: implementation`,
      body: `Closes #${index + 1}`,
      state: merged ? 'closed' : 'open',
      stateReason: null,
      labels: ['phase-3'],
      assignees: [],
      createdAt: day(1 + index, 8),
      updatedAt: day(1 + index, 9),
      closedAt: merged ? day(1 + index, 9) : null,
      pullRequest: { mergedAt: merged ? day(1 + index, 9) : null },
    });
  });
  return { [DEFAULT_REPO]: issues };
}

/**
 * A large sync's worth of issues (the bench and the sync-load test): `perRepo` issues in each of `repos`
 * repositories (bench-org/service-N), carrying the plan's labels, a third of them closed, every other one assigned;
 * and in each, `pullRequestsPerRepo` merged pull requests closing its first issues (none by default).
 */
export function labelledIssues(perRepo: number, repos: number, pullRequestsPerRepo = 0): Record<string, SimIssue[]> {
  const { plan } = loadPlanFile(PLAN_FILE);
  const cells = plan.cells.filter((c) => c.serviceSlug);
  const listing: Record<string, SimIssue[]> = {};
  for (let r = 0; r < repos; r += 1) {
    listing[`bench-org/service-${r}`] = Array.from({ length: perRepo }, (_, n) => {
      const cell = cells[(r * perRepo + n) % cells.length];
      const at = new Date(Date.UTC(2026, 5, 1, 0, r * perRepo + n)).toISOString().replace('.000', '');
      return {
        number: n + 1,
        title: `${cell.title} #${n + 1}`,
        body: `Estimated Effort: ${cell.estimateText}\n\n${cell.criteria.map((c) => c.text).join('\n')}`,
        state: n % 3 === 0 ? 'closed' : 'open',
        stateReason: n % 3 === 0 ? 'completed' : null,
        labels: cell.labels,
        assignees: n % 2 ? ['dev'] : [],
        createdAt: at,
        updatedAt: at,
        closedAt: n % 3 === 0 ? at : null,
      };
    });
    for (let n = 1; n <= pullRequestsPerRepo; n += 1) {
      const at = new Date(Date.UTC(2026, 5, 20, 0, r * pullRequestsPerRepo + n)).toISOString().replace('.000', '');
      listing[`bench-org/service-${r}`].push({
        number: perRepo + n,
        title: `Implementation of #${n}`,
        body: `Closes #${n}`,
        state: 'closed',
        stateReason: null,
        labels: ['phase-3'],
        assignees: [],
        createdAt: at,
        updatedAt: at,
        closedAt: at,
        pullRequest: { mergedAt: at },
      });
    }
  }
  return listing;
}
