import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RepositoryFileSpec } from '../plan/schema';
import {
  createGitHubContentsState,
  serveGitHubContentsSimulator,
  setRepositoryFile,
  type GitHubContentsState,
} from '@/simulators/github-contents';
import type { RunningSimulator } from '@/simulators/http';
import { evaluateFile, valueAt } from './file-rules';
import { createRepositoryChecker, RepositoryChecker } from './repository';

const FARO_VALUES = [
  { key: 'faro.enabled', equals: false },
  { key: 'faro.proxy.enabled' },
  { key: 'faro.proxy.upstreamUrl' },
  { key: 'faro.collectorUrl' },
];
const pyproject: RepositoryFileSpec = {
  repository: 'decentralized-identity/didwebvh-server-py',
  branch: 'main',
  path: 'server/pyproject.toml',
  dependencies: ['pyroscope-io'],
};
const chartValues: RepositoryFileSpec = {
  repository: 'decentralized-identity/didwebvh-server-py',
  branch: 'main',
  path: 'charts/didwebvh-server/values.yaml',
  values: FARO_VALUES,
};
const faroValues = (enabled: boolean) =>
  `server:\n  replicaCount: 1\nfaro:\n  enabled: ${enabled}\n  collectorUrl: ""\n  proxy:\n    enabled: false\n  ` +
  `  upstreamUrl: http://alloy:12347\n`;

describe('the merged check against the GitHub contents API', () => {
  let state: GitHubContentsState;
  let simulator: RunningSimulator;
  let checker: RepositoryChecker;

  beforeAll(async () => {
    state = createGitHubContentsState();
    simulator = await serveGitHubContentsSimulator(state);
  });
  afterAll(() => simulator.stop());
  beforeEach(() => {
    state.repositories.clear();
    checker = new RepositoryChecker({ GITHUB_API_URL: simulator.url, GITHUB_TOKEN: 'ghp_test' });
  });

  it('is not configured without GITHUB_API_URL or GITHUB_TOKEN', () => {
    expect(createRepositoryChecker({})).toBeNull();
  });

  it('passes when the dependency file declares the package, and fails when it lacks it', async () => {
    setRepositoryFile(
      state,
      pyproject.repository,
      pyproject.path,
      '[project]\nname = "server"\ndependencies = [\n  "fastapi>=0.115",\n  "pyroscope-io>=0.8.11",\n]\n',
    );
    const merged = await checker.checkMerged([pyproject]);
    expect(merged.status).toBe('pass');
    expect(merged.message).toBe(
      'merged on main: decentralized-identity/didwebvh-server-py:server/pyproject.toml depends on pyroscope-io',
    );
    expect(simulator.requests.at(-1)?.headers.authorization).toBe('token ghp_test');
    expect(simulator.requests.at(-1)?.query.get('ref')).toBe('main');

    setRepositoryFile(
      state,
      pyproject.repository,
      pyproject.path,
      '[project]\nname = "server"\n# pyroscope-io comes in Phase 3\ndependencies = ["fastapi>=0.115"]\n',
    );
    const lacking = await checker.checkMerged([pyproject]);
    expect(lacking.status).toBe('fail');
    expect(lacking.message).toBe(
      'decentralized-identity/didwebvh-server-py:server/pyproject.toml: no dependency on pyroscope-io',
    );
  });

  it('fails a chart whose faro.enabled defaults to true, and passes one that defaults to false with the proxy keys', async () => {
    setRepositoryFile(state, chartValues.repository, chartValues.path, faroValues(true));
    const on = await checker.checkMerged([chartValues]);
    expect(on.status).toBe('fail');
    expect(on.message).toContain('faro.enabled defaults to true, the plan wants false');

    setRepositoryFile(state, chartValues.repository, chartValues.path, faroValues(false));
    const off = await checker.checkMerged([chartValues]);
    expect(off.status).toBe('pass');
    expect(off.message).toContain(
      'faro.enabled: false, faro.proxy.enabled defined, faro.proxy.upstreamUrl defined, faro.collectorUrl defined',
    );
  });

  it('fails with GitHub’s reason for a missing file', async () => {
    setRepositoryFile(state, pyproject.repository, 'README.md', '# server\n');
    const missing = await checker.checkMerged([pyproject]);
    expect(missing.status).toBe('fail');
    expect(missing.message).toContain(
      'server/pyproject.toml not found on decentralized-identity/didwebvh-server-py@main',
    );
  });

  it('re-checks an unchanged file with a conditional request: 304, no rate limit, the stored evidence reused', async () => {
    setRepositoryFile(state, chartValues.repository, chartValues.path, faroValues(false));
    const first = await checker.checkMerged([chartValues]);
    const usedAfterFirst = state.rateLimitUsed;
    const again = await checker.checkMerged([chartValues]);

    expect(simulator.requests.at(-1)?.headers['if-none-match']).toMatch(/^W\/"[0-9a-f]{64}"$/);
    expect(checker.counts).toEqual({ fetched: 1, notModified: 1 });
    expect(state.rateLimitUsed).toBe(usedAfterFirst);
    expect(again.status).toBe('pass');
    expect(again.message).toBe(first.message);
    expect((again.evidence.files as Array<{ notModified: boolean; sha: string }>)[0]).toMatchObject({
      notModified: true,
      sha: (first.evidence.files as Array<{ sha: string }>)[0].sha,
    });

    // A change on the branch is seen on the next check.
    setRepositoryFile(state, chartValues.repository, chartValues.path, faroValues(true));
    const changed = await checker.checkMerged([chartValues]);
    expect(changed.status).toBe('fail');
    expect(checker.counts).toEqual({ fetched: 2, notModified: 1 });
  });

  it('within a run, asks each branch for its head commit once, however many files and cells read it', async () => {
    setRepositoryFile(state, chartValues.repository, chartValues.path, faroValues(false));
    setRepositoryFile(state, pyproject.repository, pyproject.path, '[project]\ndependencies = ["pyroscope-io"]\n');
    const before = simulator.requests.length;
    await Promise.all([
      checker.checkMerged([chartValues, pyproject], { started: 1 }),
      checker.checkMerged([pyproject], { started: 1 }),
    ]);
    const heads = simulator.requests.slice(before).filter((r) => r.path.endsWith('/commits/main'));
    expect(heads).toHaveLength(1);
    expect(heads[0].headers.accept).toMatch(/application\/vnd\.github(\.v3)?\.sha/);
  });

  it('re-reads no file while its branch’s head commit is unchanged: one conditional lookup, a 304, no rate limit', async () => {
    setRepositoryFile(state, chartValues.repository, chartValues.path, faroValues(false));
    const first = await checker.checkMerged([chartValues], { started: 1 });
    const head = (first.evidence.files as Array<{ commit?: string }>)[0].commit;
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    const usedAfterFirst = state.rateLimitUsed;
    const before = simulator.requests.length;

    const again = await checker.checkMerged([chartValues], { started: 2 });
    const asked = simulator.requests.slice(before);
    expect(asked.map((r) => r.path)).toEqual([`/repos/${chartValues.repository}/commits/main`]);
    expect(asked[0].headers['if-none-match']).toBe(`"${head}"`);
    expect(state.rateLimitUsed).toBe(usedAfterFirst);
    expect(checker.counts).toEqual({ fetched: 1, notModified: 1 });
    expect(again.message).toBe(first.message);
    expect((again.evidence.files as Array<{ notModified: boolean; commit?: string }>)[0]).toMatchObject({
      notModified: true,
      commit: head,
    });
  });

  it('reads the file again once the head moves: conditionally, so a file unchanged by the new commit is a 304', async () => {
    setRepositoryFile(state, chartValues.repository, chartValues.path, faroValues(false));
    const first = await checker.checkMerged([chartValues], { started: 1 });
    // Another file on the branch changes: a new head commit, the same values.yaml.
    setRepositoryFile(state, chartValues.repository, 'README.md', '# a new commit\n');
    const before = simulator.requests.length;
    const second = await checker.checkMerged([chartValues], { started: 2 });
    const contents = simulator.requests.slice(before).filter((r) => r.path.includes('/contents/'));
    expect(contents).toHaveLength(1);
    expect(contents[0].headers['if-none-match']).toMatch(/^W\/"[0-9a-f]{64}"$/);
    expect(checker.counts).toEqual({ fetched: 1, notModified: 1 });
    const commits = [first, second].map((o) => (o.evidence.files as Array<{ commit?: string }>)[0].commit);
    expect(commits[1]).not.toBe(commits[0]);

    // The file itself changes: a full read, and the new findings.
    setRepositoryFile(state, chartValues.repository, chartValues.path, faroValues(true));
    const changed = await checker.checkMerged([chartValues], { started: 3 });
    expect(changed.status).toBe('fail');
    expect(checker.counts).toEqual({ fetched: 2, notModified: 1 });
  });

  it('reads an unchanged file again in full when the plan asks something new of it', async () => {
    setRepositoryFile(state, chartValues.repository, chartValues.path, faroValues(false));
    await checker.checkMerged([chartValues]);
    const stricter = { ...chartValues, values: [...FARO_VALUES, { key: 'faro.appName' }] };
    const outcome = await checker.checkMerged([stricter]);
    expect(simulator.requests.at(-1)?.headers['if-none-match']).toBeUndefined();
    expect(checker.counts).toEqual({ fetched: 2, notModified: 0 });
    expect(outcome.message).toContain('faro.appName is not defined');
  });

  it('needs every file of a cell (traction: tenant-ui and the ACA-Py plugin)', async () => {
    const tenantUi: RepositoryFileSpec = {
      repository: 'bcgov/traction',
      branch: 'main',
      path: 'services/tenant-ui/package.json',
      dependencies: [['@pyroscope/nodejs', '@grafana/pyroscope-nodejs']],
    };
    const plugin: RepositoryFileSpec = {
      repository: 'bcgov/traction',
      branch: 'main',
      path: 'plugins/traction_innkeeper/pyproject.toml',
      dependencies: ['pyroscope-io'],
    };
    setRepositoryFile(
      state,
      'bcgov/traction',
      tenantUi.path,
      JSON.stringify({ name: 'tenant-ui', dependencies: { '@pyroscope/nodejs': '^0.6.4' } }),
    );
    setRepositoryFile(state, 'bcgov/traction', plugin.path, '[tool.poetry.dependencies]\npython = "^3.12"\n');
    const outcome = await checker.checkMerged([tenantUi, plugin]);
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toBe(
      'bcgov/traction:plugins/traction_innkeeper/pyproject.toml: no dependency on pyroscope-io',
    );
  });

  it('says what to do when GitHub cannot be reached or rejects the token', async () => {
    const nowhere = new RepositoryChecker({ GITHUB_API_URL: 'http://127.0.0.1:9' });
    const outcome = await nowhere.checkMerged([pyproject]);
    expect(outcome.status).toBe('error');
    expect(outcome.message).toContain('cannot reach GitHub at http://127.0.0.1:9');
  });
});

describe('file rules', () => {
  const spec = (dependencies: RepositoryFileSpec['dependencies'], path = 'pyproject.toml'): RepositoryFileSpec => ({
    repository: 'o/r',
    branch: 'main',
    path,
    dependencies,
  });

  it('reads Poetry, PEP 621 and requirements.txt declarations, with PEP 503 name normalisation', () => {
    expect(evaluateFile(spec(['pyroscope-io']), '[tool.poetry.dependencies]\npyroscope_io = "^0.8"\n')).toEqual({
      found: ['depends on pyroscope-io'],
      missing: [],
    });
    expect(evaluateFile(spec(['pyroscope-io']), 'dependencies = ["fastapi", "Pyroscope-IO>=0.8"]\n')).toMatchObject({
      missing: [],
    });
    expect(
      evaluateFile(
        spec(['pyroscope-io'], 'requirements.txt'),
        'fastapi==0.115\npyroscope-io==0.8.11 ; python_version>"3.9"\n',
      ),
    ).toMatchObject({ missing: [] });
    // A mention is not a dependency.
    expect(
      evaluateFile(
        spec(['pyroscope-io']),
        'description = "profiling with pyroscope-io later"\n# pyroscope-io = "^0.8"\n',
      ),
    ).toMatchObject({ found: [] });
    expect(evaluateFile(spec(['pyroscope-io']), 'pyroscope-io-extras = "^1"\n')).toMatchObject({ found: [] });
  });

  it('reads package.json dependencies of every kind, and accepts any one of alternatives', () => {
    const manifest = JSON.stringify({
      devDependencies: { '@grafana/faro-web-sdk': '2' },
      description: '@grafana/faro-web-tracing soon',
    });
    expect(
      evaluateFile(spec(['@grafana/faro-web-sdk', '@grafana/faro-web-tracing'], 'frontend/package.json'), manifest),
    ).toEqual({
      found: ['depends on @grafana/faro-web-sdk'],
      missing: ['no dependency on @grafana/faro-web-tracing'],
    });
    expect(
      evaluateFile(
        spec([['@pyroscope/nodejs', '@grafana/pyroscope-nodejs']], 'package.json'),
        JSON.stringify({ dependencies: { '@grafana/pyroscope-nodejs': '1' } }),
      ),
    ).toMatchObject({ missing: [] });
    expect(evaluateFile(spec(['x'], 'package.json'), '{ not json')).toEqual({
      error: 'package.json is not valid JSON',
    });
    expect(evaluateFile(spec(['x'], 'package.json'), 'null')).toEqual({ error: 'package.json is not valid JSON' });
    // A dependency field that is not a map declares nothing; the others still count.
    const odd = JSON.stringify({ dependencies: ['x'], peerDependencies: { x: '1' } });
    expect(evaluateFile(spec(['x'], 'package.json'), odd)).toEqual({ found: ['depends on x'], missing: [] });
  });

  it('finds a chart value only under its own keys, not a name every object inherits', () => {
    expect(valueAt({ faro: { enabled: false } }, 'faro.enabled')).toEqual({ present: true, value: false });
    expect(valueAt({ faro: {} }, 'faro.constructor')).toEqual({ present: false, value: undefined });
    expect(valueAt({ faro: ['a'] }, 'faro.0')).toEqual({ present: false, value: undefined });
  });

  it('reports a values file that is not YAML', () => {
    expect(evaluateFile(chartValues, 'faro: [unclosed')).toMatchObject({
      error: expect.stringContaining('charts/didwebvh-server/values.yaml is not valid YAML'),
    });
  });
});
