import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkFactOf } from '../matrix/check-fact';
import { readMatrix, readServiceDetail } from '../matrix/read';
import { demoGitHubContents, demoKubernetes, loadDemoPlan, DEMO_NAMESPACE } from '@/simulators/evidence-demo';
import { serveGitHubContentsSimulator } from '@/simulators/github-contents';
import type { RunningSimulator } from '@/simulators/http';
import { serveKubernetesSimulator } from '@/simulators/kubernetes';
import { openTestStore, STORE_PROVIDERS, type TestStore } from '@/test/stores';
import { parseConfig } from '../config/env';
import type { JobTrigger } from '../jobs/runner';
import { cellKeysForScope, runChecks } from '../verify/run';
import { createEvidenceCheckers, type EvidenceCheckers, evidenceRunner } from './run';

// The verify pipeline with only the repository and cluster configured (every other proof is "not configured").
const onlyEvidence = parseConfig({});
const EVIDENCE_CHECKS = new Set(['merged', 'deployed']);

/** Runs every proof of these cells (all without keys) and answers the merged and deployed results it stored. */
async function checkEvidence(
  store: TestStore,
  checkers: EvidenceCheckers,
  cellKeys?: string[],
  trigger: JobTrigger = 'manual',
) {
  const since = new Date(Date.now() - 1);
  await runChecks(store, cellKeys, trigger, onlyEvidence, { evidence: evidenceRunner(store, checkers) });
  const rows = await store.db.checkResult.findMany({
    where: { checkedAt: { gte: since }, trigger },
    orderBy: [{ cellKey: 'asc' }, { check: 'asc' }],
  });
  return rows
    .filter((r) => EVIDENCE_CHECKS.has(r.check))
    .map((r) => ({ cellKey: r.cellKey, check: r.check, status: r.status, message: r.message }));
}

describe.each(STORE_PROVIDERS)('evidence checks stored on %s', (provider) => {
  let github: RunningSimulator;
  let kubernetes: RunningSimulator;
  let checkers: EvidenceCheckers;
  let store: TestStore | undefined;

  beforeAll(async () => {
    const plan = loadDemoPlan();
    github = await serveGitHubContentsSimulator(demoGitHubContents(plan));
    kubernetes = await serveKubernetesSimulator(demoKubernetes(plan));
    checkers = createEvidenceCheckers({
      GITHUB_API_URL: github.url,
      KUBE_API_URL: kubernetes.url,
      KUBE_NAMESPACE: DEMO_NAMESPACE,
    });
  });
  afterAll(async () => {
    await github.stop();
    await kubernetes.stop();
  });
  afterEach(async () => {
    await store?.destroy();
    store = undefined;
  });

  it('writes one merged and one deployed result per cell, and the matrix shows each cell’s chain', async () => {
    store = await openTestStore(provider);
    const results = await checkEvidence(store, checkers);
    // 26 service cells; credo-ts names no files or workloads, so its 4 cells have nothing to check.
    const rows = (await store.db.checkResult.findMany({ orderBy: [{ cellKey: 'asc' }, { check: 'asc' }] })).filter(
      (r) => EVIDENCE_CHECKS.has(r.check),
    );
    expect(rows).toHaveLength(results.length);
    expect(rows.filter((r) => r.check === 'merged')).toHaveLength(22);
    expect(rows.filter((r) => r.check === 'deployed')).toHaveLength(11);
    expect(rows.every((r) => r.trigger === 'manual' && r.durationMs >= 0)).toBe(true);
    // The stored reports read back with the merged and deployed evidence schemas.
    expect(
      rows.map(checkFactOf).flatMap((f) => (f.evidenceProblem ? [`${f.cellKey} ${f.evidenceProblem}`] : [])),
    ).toEqual([]);
    const row = (key: string, check: string) => rows.find((r) => r.cellKey === key && r.check === check)!;
    expect(row('acapy-agent/profiling-helm', 'deployed')).toMatchObject({
      status: 'pass',
      target: 'ca7f8f-dev/app.kubernetes.io/name=acapy',
    });
    expect(row('acapy-vc-authn-oidc/profiling-helm', 'deployed').message).toContain(
      'set via ConfigMap acapy-vc-authn-oidc-observability',
    );
    expect(row('acapy-vc-authn-oidc/faro-helm', 'merged')).toMatchObject({ status: 'fail' });
    expect(row('traction/profiling-code', 'merged').message).toContain(
      'plugins/traction_innkeeper/pyproject.toml: no dependency on pyroscope-io',
    );
    expect(row('didcomm-mediator-credo/profiling-helm', 'merged').message).toContain('not found');
    expect(JSON.parse(row('acapy-agent/profiling-helm', 'deployed').evidence)).toMatchObject({
      namespace: 'ca7f8f-dev',
      env: ['PYROSCOPE_SERVER_ADDRESS'],
    });

    const view = await readMatrix(store);
    const cell = (key: string) => view.rows.flatMap((r) => r.cells).find((c) => c?.key === key)!;
    expect(cell('acapy-agent/profiling-helm').chain.links.map((l) => l.status)).toEqual([
      'not-checked',
      'passed',
      'passed',
      'not-checked',
    ]);
    expect(cell('acapy-agent/profiling-helm').chain.summary).toBe('deployed');
    expect(cell('bc-wallet-demo/profiling-code').chain.summary).toBe('merged, not flowing');
    expect(cell('credo-ts/profiling-helm').chain.furthest).toBeNull();
    // The newest result of each check carries its evidence (the service page shows it next to the chain).
    expect(cell('acapy-agent/profiling-helm').latestChecks.find((c) => c.check === 'deployed')?.evidence).toMatchObject(
      { namespace: 'ca7f8f-dev' },
    );
    expect(cell('acapy-agent/profiling-helm').chain.links[2].evidence).toMatchObject({ namespace: 'ca7f8f-dev' });
    // No issue synced: evidence alone does not move a cell out of "planned".
    expect(cell('acapy-agent/profiling-helm').state).toBe('planned');

    const detail = await readServiceDetail(store, 'acapy-agent');
    expect(detail!.cells.find((c) => c.capabilitySlug === 'profiling-helm')!.chain.furthest).toBe('deployed');
  });

  it('checks one service or one cell, and names an unknown one', async () => {
    store = await openTestStore(provider);
    const one = await checkEvidence(store, checkers, ['traction/faro-helm']);
    expect(one.map((r) => `${r.check}:${r.status}`).sort()).toEqual(['deployed:pass', 'merged:pass']);
    const serviceCells = cellKeysForScope(store, { kind: 'service', slug: 'didwebvh-server-py' })!;
    expect(serviceCells).toHaveLength(4);
    const service = await checkEvidence(store, checkers, serviceCells, 'schedule');
    expect(
      service.find((r) => r.cellKey === 'didwebvh-server-py/faro-helm' && r.check === 'deployed')?.message,
    ).toContain('FARO_ENABLED is not true');
    expect(cellKeysForScope(store, { kind: 'service', slug: 'nope' })).toBeNull();
  });

  it('re-checks unchanged files with 304s after a restart, from the ETags in the stored evidence', async () => {
    store = await openTestStore(provider);
    const scope = cellKeysForScope(store, { kind: 'service', slug: 'bc-wallet-demo' })!;
    const fresh = () =>
      createEvidenceCheckers({
        GITHUB_API_URL: github.url,
        KUBE_API_URL: kubernetes.url,
        KUBE_NAMESPACE: DEMO_NAMESPACE,
      });
    const first = fresh();
    await checkEvidence(store, first, scope);
    expect(first.repository!.counts).toEqual({ fetched: 4, notModified: 0 });

    const restarted = fresh();
    const again = await checkEvidence(store, restarted, scope, 'schedule');
    expect(restarted.repository!.counts).toEqual({ fetched: 0, notModified: 4 });
    const merged = (summary: typeof again) =>
      summary
        .filter((r) => r.check === 'merged')
        .map((r) => `${r.cellKey} ${r.status} ${r.message}`)
        .sort();
    const newest = await store.db.checkResult.findFirstOrThrow({
      where: { cellKey: 'bc-wallet-demo/faro-helm', check: 'merged' },
      orderBy: { id: 'desc' },
    });
    expect(JSON.parse(newest.evidence).files[0]).toMatchObject({ notModified: true, status: 'fail' });
    const firstRows = await store.db.checkResult.findMany({ where: { check: 'merged', trigger: 'manual' } });
    expect(merged(again)).toEqual(firstRows.map((r) => `${r.cellKey} ${r.status} ${r.message}`).sort());
  });

  it('stores not-configured results that say which variable to set', async () => {
    store = await openTestStore(provider);
    const none = createEvidenceCheckers({});
    const results = await checkEvidence(store, none, ['acapy-agent/profiling-helm']);
    expect(results).toEqual([
      {
        cellKey: 'acapy-agent/profiling-helm',
        check: 'deployed',
        status: 'not-configured',
        message: 'set KUBE_NAMESPACE (and KUBE_API_URL or a kubeconfig) to check the cluster',
      },
      {
        cellKey: 'acapy-agent/profiling-helm',
        check: 'merged',
        status: 'not-configured',
        message: 'set GITHUB_REPOS (and GITHUB_TOKEN for private repositories) to check the repositories',
      },
    ]);
    const view = await readMatrix(store);
    const chain = view.rows[0].cells[1]!.chain;
    expect(chain.links[2]).toMatchObject({
      status: 'not-checked',
      message: 'set KUBE_NAMESPACE (and KUBE_API_URL or a kubeconfig) to check the cluster',
    });
  });
});
