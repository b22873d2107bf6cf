import { createGitHubClient } from '../lib/github/client';
import { GitHubWorld, labelledIssues, startGitHubSimulator } from '../simulators/github';
const sim = await startGitHubSimulator(new GitHubWorld(labelledIssues(250, 8)));
const repos = [...sim.world.repos.values()].map((r) => r.name);
const c = createGitHubClient({ apiUrl: sim.url, token: 't' });
const marks: Array<[string, number]> = [];
const origFetch = globalThis.fetch;
const etags: string[] = [];
for (const repo of repos) { const [o, r] = repo.split('/'); etags.push((await fetch(`${sim.url}/repos/${o}/${r}/issues?labels=phase-3&state=all&sort=updated&direction=desc&per_page=100`, { headers: { authorization: 'token t' } })).headers.get('etag')!); }
c.octokit.hook.wrap('request', async (request, options) => {
  const t0 = performance.now();
  try { return await request(options); } finally { marks.push(['wrap', performance.now() - t0]); }
});
for (let round = 0; round < 5; round++) {
  const t = performance.now();
  const per: number[] = [];
  for (const [i, repo] of repos.entries()) {
    const [owner, r] = repo.split('/');
    const s = performance.now();
    try { await c.octokit.rest.issues.listForRepo({ owner, repo: r, labels: 'phase-3', state: 'all', sort: 'updated', direction: 'desc', per_page: 100, headers: { 'if-none-match': etags[i] } }); } catch (e: any) { if (e.status !== 304) throw e; }
    per.push(performance.now() - s);
  }
  const s2 = performance.now();
  for (const [i, repo] of repos.entries()) { const [o, r] = repo.split('/'); const res = await origFetch(`${sim.url}/repos/${o}/${r}/issues?labels=phase-3&state=all&sort=updated&direction=desc&per_page=100`, { headers: { 'if-none-match': etags[i], authorization: 'token t' } }); await res.arrayBuffer(); }
  console.log('octokit total', (s2 - t).toFixed(0), 'per', per.map((p) => p.toFixed(0)).join(','), 'wrap', marks.splice(0).map(([, v]) => v.toFixed(0)).join(','), 'raw fetch', (performance.now() - s2).toFixed(0));
}
await sim.stop();
