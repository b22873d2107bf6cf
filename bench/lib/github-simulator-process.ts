/**
 * The GitHub simulator in a process of its own, for the sync bench and the sync-load test:
 * `<issues per repository> <repositories> [pull requests per repository]` issues carrying the plan's labels.
 * Prints {"url": …, "repos": […]} once listening.
 */
import { GitHubWorld, labelledIssues, startGitHubSimulator } from '../../simulators/github';

const [perRepo, repos, pullRequests = 0] = process.argv.slice(2).map(Number);
startGitHubSimulator(new GitHubWorld(labelledIssues(perRepo, repos, pullRequests))).then((sim) => {
  const names = [...sim.world.repos.values()].map((r) => r.name);
  process.stdout.write(`${JSON.stringify({ url: sim.url, repos: names })}\n`);
  process.on('SIGTERM', () => void sim.stop().then(() => process.exit(0)));
});
