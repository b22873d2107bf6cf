import { afterEach, describe, expect, it } from 'vitest';
import { type HostileUpstream, startHostileUpstream } from '@/test/hostile-upstream';
import { PHASE_3_PLAN } from '@/test/stores';
import { loadPlanFile } from '../plan/load';
import type { RepositoryFileSpec } from '../plan/schema';
import { checkDeployed, createKubernetesClient } from './kubernetes';
import { RepositoryChecker } from './repository';

const { plan } = loadPlanFile(PHASE_3_PLAN);
const acapy = plan.services.find((s) => s.slug === 'acapy-agent');
const profilingHelm = plan.capabilities.find((c) => c.slug === 'profiling-helm');
const pyproject: RepositoryFileSpec = {
  repository: 'decentralized-identity/didwebvh-server-py',
  branch: 'main',
  path: 'server/pyproject.toml',
  dependencies: ['pyroscope-io'],
};
const HTML = '<!doctype html><html><body>Sign in to continue</body></html>';

let upstream: HostileUpstream | undefined;
afterEach(async () => {
  await upstream?.stop();
  upstream = undefined;
});

describe('evidence checks against upstreams that misbehave', () => {
  it('calls an HTML 200 from "GitHub" an error naming GitHub, not a failing file', async () => {
    upstream = await startHostileUpstream({
      kind: 'answer',
      status: 200,
      body: HTML,
      headers: { 'content-type': 'text/html; charset=utf-8' },
    });
    const outcome = await new RepositoryChecker({ GITHUB_API_URL: upstream.url }).checkMerged([pyproject]);
    expect(outcome.status).toBe('error');
    expect(outcome.message).toContain("GitHub's reply is not JSON");
  });

  it('stops reading a 50 MB contents reply at GITHUB_MAX_REPLY_BYTES, without retrying it', async () => {
    upstream = await startHostileUpstream({ kind: 'flood', bytes: 50 * 1024 * 1024 });
    const checker = new RepositoryChecker({ GITHUB_API_URL: upstream.url, GITHUB_MAX_REPLY_BYTES: 1024 * 1024 });
    const outcome = await checker.checkMerged([pyproject]);
    expect(outcome).toMatchObject({ status: 'error' });
    expect(outcome.message).toBe(
      "error: GitHub's reply is larger than 1 MB (GITHUB_MAX_REPLY_BYTES), so reading stopped there",
    );
    expect(upstream.requests).toHaveLength(1);
  });

  it('aborts a contents request whose reply stalls, at GITHUB_TIMEOUT (one retry)', async () => {
    upstream = await startHostileUpstream({ kind: 'stall-body' });
    const started = Date.now();
    const checker = new RepositoryChecker({ GITHUB_API_URL: upstream.url, GITHUB_TIMEOUT: 300 });
    const outcome = await checker.checkMerged([pyproject]);
    expect(Date.now() - started).toBeLessThan(2 * 300 + 1_000 + 1_000); // two tries and the 1 s back-off
    expect(outcome.message).toContain('no complete answer within 300ms');
  });

  it('calls a Kubernetes reply that is not a list an error, not "Cannot read properties of undefined"', async () => {
    upstream = await startHostileUpstream({ kind: 'answer', status: 200, body: '{"kind":"Status"}' });
    const client = createKubernetesClient({ KUBE_NAMESPACE: 'ca7f8f-dev', KUBE_API_URL: upstream.url });
    if (!client || !acapy || !profilingHelm) throw new Error('fixture');
    const outcome = await checkDeployed(client, acapy, profilingHelm);
    expect(outcome.status).toBe('error');
    expect(outcome.message).toContain('with something that is not a list: check KUBE_API_URL');
    expect(outcome.message).not.toContain('Cannot read properties');
  });

  it('stops reading a 50 MB Kubernetes reply at KUBE_MAX_REPLY_BYTES and aborts a stalled one at KUBE_TIMEOUT', async () => {
    upstream = await startHostileUpstream({ kind: 'flood', bytes: 50 * 1024 * 1024 });
    const settings = { KUBE_NAMESPACE: 'ca7f8f-dev', KUBE_API_URL: upstream.url, KUBE_MAX_REPLY_BYTES: 1024 * 1024 };
    const flooded = createKubernetesClient(settings);
    if (!flooded || !acapy || !profilingHelm) throw new Error('fixture');
    expect((await checkDeployed(flooded, acapy, profilingHelm)).message).toContain(
      'sent more than the board reads listing',
    );
    upstream.setMode({ kind: 'stall-body' });
    const stalled = createKubernetesClient({ ...settings, KUBE_TIMEOUT: 300 });
    if (!stalled) throw new Error('fixture');
    const started = Date.now();
    const outcome = await checkDeployed(stalled, acapy, profilingHelm);
    expect(Date.now() - started).toBeLessThan(300 + 1_000);
    expect(outcome.message).toContain('no complete answer within 300ms');
  });

  it('ends contents and Kubernetes requests when the caller’s signal (a run’s deadline) aborts, before their own limits', async () => {
    upstream = await startHostileUpstream({ kind: 'stall-body' });
    const reason = new DOMException('the run did not finish within 300ms (VERIFY_TIMEOUT)', 'AbortError');
    const deadline = () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(reason), 300);
      return controller.signal;
    };
    const checker = new RepositoryChecker({ GITHUB_API_URL: upstream.url, GITHUB_TIMEOUT: 60_000 });
    const client = createKubernetesClient({
      KUBE_NAMESPACE: 'ca7f8f-dev',
      KUBE_API_URL: upstream.url,
      KUBE_TIMEOUT: 60_000,
    });
    if (!client || !acapy || !profilingHelm) throw new Error('fixture');
    const started = Date.now();
    const [merged, deployed] = await Promise.all([
      checker.checkMerged([pyproject], { started, signal: deadline() }),
      checkDeployed(client, acapy, profilingHelm, deadline()),
    ]);
    // Well short of the 60 s limits: only the signal can have ended them (the margin is for a loaded machine).
    expect(Date.now() - started).toBeLessThan(300 + 5_000);
    expect(merged).toMatchObject({ status: 'error', message: expect.stringContaining(reason.message) });
    expect(deployed).toMatchObject({ status: 'error', message: expect.stringContaining(reason.message) });
    expect(deployed.message).not.toContain('KUBE_TIMEOUT'); // not the limit that ended it
  });
});
