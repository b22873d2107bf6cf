import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_REPO, startGitHubSimulator, type RunningGitHubSimulator } from './github';

let sim: RunningGitHubSimulator;
beforeAll(async () => {
  sim = await startGitHubSimulator();
});
afterAll(() => sim.stop());
beforeEach(() => sim.world.reset());

const list = (query: string, headers: Record<string, string> = {}) =>
  fetch(`${sim.url}/repos/${DEFAULT_REPO}/issues?${query}`, { headers });

describe('the GitHub simulator', () => {
  it('serves the plan’s issues with pull requests mixed in, paginated by Link headers', async () => {
    const first = await list('labels=phase-3&state=all&per_page=10');
    expect(first.status).toBe(200);
    const link = first.headers.get('link')!;
    expect(link).toMatch(/<[^>]+page=2[^>]*>; rel="next"/);
    expect(link).toMatch(/rel="last"/);
    const all: Array<{ number: number; pull_request?: unknown; labels: Array<{ name: string }> }> = [];
    let url: string | null = `${sim.url}/repos/${DEFAULT_REPO}/issues?labels=phase-3&state=all&per_page=10`;
    while (url) {
      const response: Response = await fetch(url);
      all.push(...((await response.json()) as typeof all));
      url = /<([^>]+)>; rel="next"/.exec(response.headers.get('link') ?? '')?.[1] ?? null;
    }
    const issues = all.filter((i) => !i.pull_request);
    expect(issues).toHaveLength(29); // 26 cells + gate + unlabelled + duplicate
    expect(all.length - issues.length).toBeGreaterThan(0);
    expect(new Set(all.map((i) => i.number)).size).toBe(all.length);
    expect(first.headers.get('x-ratelimit-limit')).toBe('60');
  });

  it('filters by state and since, and answers a matching If-None-Match with 304', async () => {
    const open = (await (await list('state=open&per_page=100')).json()) as Array<{ state: string }>;
    expect(open.every((i) => i.state === 'open')).toBe(true);
    const first = await list('state=all&since=2026-06-30T00:00:00Z');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"/);
    expect((await list('state=all&since=2026-06-30T00:00:00Z', { 'if-none-match': etag })).status).toBe(304);
    sim.world.updateIssue(DEFAULT_REPO, 4, { assignees: ['someone'] });
    const changed = await list('state=all&since=2026-06-30T00:00:00Z', { 'if-none-match': etag });
    expect(changed.status).toBe(200);
  });

  it('answers a page’s own tag with 304 (the tag again, no body) until the list changes, then the page', async () => {
    const pageTwo = (await list('state=all&per_page=10&page=2')).headers.get('etag')!;
    const pageOne = (await list('state=all&per_page=10')).headers.get('etag')!;
    expect(pageTwo).not.toBe(pageOne);
    expect((await list('state=all&per_page=10&page=2', { 'if-none-match': pageOne })).status).toBe(200);
    const again = await list('state=all&per_page=10&page=2', { 'if-none-match': pageTwo });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(pageTwo);
    expect(await again.text()).toBe('');
    sim.world.addIssue(DEFAULT_REPO, { title: 'New', body: '', state: 'open', labels: ['phase-3'], assignees: [] });
    expect((await list('state=all&per_page=10&page=2', { 'if-none-match': pageTwo })).status).toBe(200);
  });

  it('answers with GitHub’s error bodies and headers, injected programmatically or through /__sim', async () => {
    expect((await fetch(`${sim.url}/repos/bcgov/nothing/issues`)).status).toBe(404);
    sim.world.injectFault({ status: 401, times: 1 });
    const unauthorized = await list('state=all');
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toMatchObject({ message: 'Bad credentials' });
    expect((await list('state=all')).status).toBe(200);

    await fetch(`${sim.url}/__sim/github/fault`, {
      method: 'POST',
      body: JSON.stringify({ status: 429, retryAfterSeconds: 7, times: 1 }),
    });
    const limited = await list('state=all');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(((await limited.json()) as { message: string }).message).toContain('secondary rate limit');

    sim.world.injectFault({ status: 403, resetInSeconds: 120, times: 1 });
    const exhausted = await list('state=all');
    expect(exhausted.headers.get('x-ratelimit-remaining')).toBe('0');

    expect((await list('since=yesterday')).status).toBe(422);

    await fetch(`${sim.url}/__sim/github/update-issue`, {
      method: 'POST',
      body: JSON.stringify({ number: 4, state: 'closed' }),
    });
    expect(sim.world.issues(DEFAULT_REPO).find((i) => i.number === 4)).toMatchObject({
      state: 'closed',
      closedAt: expect.any(String),
    });
  });
});
