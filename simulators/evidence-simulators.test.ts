import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGitHubContentsState,
  gitBlobSha,
  serveGitHubContentsSimulator,
  setRepositoryFile,
} from './github-contents';
import type { RunningSimulator } from './http';
import { createKubernetesState, matchesLabelSelector, serveKubernetesSimulator } from './kubernetes';

describe('the Kubernetes API simulator', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await serveKubernetesSimulator(
      createKubernetesState('ca7f8f-dev', [
        {
          kind: 'Deployment',
          name: 'acapy',
          labels: { 'app.kubernetes.io/name': 'acapy' },
          replicas: 2,
          containers: [{ name: 'acapy', image: 'acapy:1' }],
        },
        {
          kind: 'StatefulSet',
          name: 'mediator',
          labels: { 'app.kubernetes.io/name': 'mediator' },
          replicas: 1,
          containers: [{ name: 'm', image: 'm:1' }],
        },
      ]),
    );
  });
  afterAll(() => sim.stop());
  const get = (path: string) =>
    fetch(`${sim.url}${path}`).then(async (r) => ({ status: r.status, body: await r.json() }));

  it('lists Deployments, StatefulSets and Pods by label selector in the API’s shapes', async () => {
    const deployments = await get(
      '/apis/apps/v1/namespaces/ca7f8f-dev/deployments?labelSelector=app.kubernetes.io%2Fname%3Dacapy',
    );
    expect(deployments.body).toMatchObject({
      kind: 'DeploymentList',
      apiVersion: 'apps/v1',
      items: [{ metadata: { name: 'acapy', namespace: 'ca7f8f-dev' }, spec: { replicas: 2 } }],
    });
    expect(deployments.body.items[0].spec.template.spec.containers[0]).toMatchObject({
      name: 'acapy',
      image: 'acapy:1',
    });
    const pods = await get('/api/v1/namespaces/ca7f8f-dev/pods?labelSelector=app.kubernetes.io%2Fname%3Dmediator');
    expect(pods.body.kind).toBe('PodList');
    expect(pods.body.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(['mediator-0']);
    expect(pods.body.items[0]).toMatchObject({
      status: { phase: 'Running' },
      metadata: { ownerReferences: [{ kind: 'StatefulSet', name: 'mediator' }] },
    });
    expect((await get('/apis/apps/v1/namespaces/other/deployments')).body.items).toEqual([]);
  });

  it('answers 403 with a Status object for a resource the account may not list, switchable over HTTP', async () => {
    await fetch(`${sim.url}/__sim/forbidden`, { method: 'POST', body: JSON.stringify({ resources: ['pods'] }) });
    const denied = await get('/api/v1/namespaces/ca7f8f-dev/pods');
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Forbidden',
      code: 403,
      details: { kind: 'pods' },
    });
    expect(denied.body.message).toContain('cannot list resource "pods" in API group "" in the namespace "ca7f8f-dev"');
    await fetch(`${sim.url}/__sim/forbidden`, { method: 'POST', body: JSON.stringify({ resources: [] }) });
    expect((await get('/api/v1/namespaces/ca7f8f-dev/pods')).status).toBe(200);
  });

  it('sets an env var on a workload over HTTP', async () => {
    await fetch(`${sim.url}/__sim/workloads/acapy/env`, {
      method: 'POST',
      body: JSON.stringify({ name: 'PYROSCOPE_SERVER_ADDRESS', value: 'http://pyroscope:4040' }),
    });
    const pods = await get('/api/v1/namespaces/ca7f8f-dev/pods?labelSelector=app.kubernetes.io/name=acapy');
    expect(pods.body.items[0].spec.containers[0].env).toEqual([
      { name: 'PYROSCOPE_SERVER_ADDRESS', value: 'http://pyroscope:4040' },
    ]);
  });

  it('reads equality-based selectors', () => {
    const labels = { app: 'a', tier: 'web' };
    expect(matchesLabelSelector(labels, 'app=a,tier==web')).toBe(true);
    expect(matchesLabelSelector(labels, 'app=a,tier!=web')).toBe(false);
    expect(matchesLabelSelector(labels, 'app,!missing')).toBe(true);
  });
});

describe('the GitHub contents simulator', () => {
  const state = createGitHubContentsState();
  let sim: RunningSimulator;
  const text = `${'x'.repeat(100)}\nfaro:\n  enabled: false\n`;
  beforeAll(async () => {
    setRepositoryFile(state, 'bcgov/BC-Wallet-Demo', 'charts/bc-wallet/values.yaml', text);
    sim = await serveGitHubContentsSimulator(state);
  });
  afterAll(() => sim.stop());

  it('serves a file as GitHub does: base64 in lines of 60, the git blob sha, an ETag; case-insensitive repository names', async () => {
    const response = await fetch(
      `${sim.url}/repos/bcgov/bc-wallet-demo/contents/charts/bc-wallet/values.yaml?ref=main`,
    );
    const body = await response.json();
    expect(body).toMatchObject({
      type: 'file',
      encoding: 'base64',
      path: 'charts/bc-wallet/values.yaml',
      name: 'values.yaml',
      size: text.length,
      sha: gitBlobSha(text),
    });
    expect(
      body.content
        .split('\n')
        .slice(0, -2)
        .every((line: string) => line.length === 60),
    ).toBe(true);
    expect(Buffer.from(body.content, 'base64').toString('utf8')).toBe(text);
    // git hash-object of "hello\n"
    expect(gitBlobSha('hello\n')).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
    const etag = response.headers.get('etag')!;
    const again = await fetch(`${sim.url}/repos/bcgov/BC-Wallet-Demo/contents/charts/bc-wallet/values.yaml?ref=main`, {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
  });

  it('answers 404 with GitHub’s body for a missing path, repository or ref', async () => {
    const missing = await fetch(`${sim.url}/repos/bcgov/BC-Wallet-Demo/contents/nope.yaml`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest/repos/contents#get-repository-content',
      status: '404',
    });
    expect((await fetch(`${sim.url}/repos/bcgov/none/contents/x`)).status).toBe(404);
    expect(
      (
        await (
          await fetch(`${sim.url}/repos/bcgov/BC-Wallet-Demo/contents/charts/bc-wallet/values.yaml?ref=dev`)
        ).json()
      ).message,
    ).toBe('No commit found for the ref dev');
    expect((await (await fetch(`${sim.url}/repos/bcgov/BC-Wallet-Demo`)).json()).default_branch).toBe('main');
  });

  it('changes a file over HTTP', async () => {
    await fetch(`${sim.url}/__sim/contents/bcgov/BC-Wallet-Demo/frontend/package.json`, {
      method: 'PUT',
      body: '{"dependencies":{}}',
    });
    const body = await (await fetch(`${sim.url}/repos/bcgov/BC-Wallet-Demo/contents/frontend/package.json`)).json();
    expect(Buffer.from(body.content, 'base64').toString()).toBe('{"dependencies":{}}');
  });
});

describe('the simulator registry', () => {
  it('points the board at the evidence simulators, namespace included, and treats KUBE_NAMESPACE alone as a real cluster', async () => {
    const { startSimulators, upstreamEnvVars } = await import('./index');
    expect(upstreamEnvVars()).toEqual(expect.arrayContaining(['GITHUB_API_URL', 'KUBE_API_URL', 'KUBE_NAMESPACE']));
    const set = await startSimulators();
    try {
      expect(set.env).toMatchObject({
        GITHUB_API_URL: set.urls.github,
        KUBE_API_URL: set.urls.kubernetes,
        KUBE_NAMESPACE: 'ca7f8f-dev',
      });
      const pods = await (
        await fetch(
          `${set.urls.kubernetes}/api/v1/namespaces/ca7f8f-dev/pods?labelSelector=app.kubernetes.io/name=acapy`,
        )
      ).json();
      expect(pods.items[0].spec.containers[0].env).toContainEqual({
        name: 'PYROSCOPE_SERVER_ADDRESS',
        value: 'http://pyroscope.observability.svc.cluster.local:4040',
      });
    } finally {
      await set.stop();
    }
  });
});
