import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../lib/db/store';
import { parseConfig } from '../lib/config/env';
import { createEvidenceCheckers, type EvidenceCheckers, evidenceRunner } from '../lib/evidence/run';
import { buildMatrix } from '../lib/matrix/build';
import { readMatrixInput } from '../lib/matrix/read';
import { runChecks } from '../lib/verify/run';
import { demoGitHubContents, demoKubernetes, DEMO_NAMESPACE, loadDemoPlan } from '../simulators/evidence-demo';
import { serveGitHubContentsSimulator } from '../simulators/github-contents';
import { serveKubernetesSimulator } from '../simulators/kubernetes';
import { printTable } from './lib/load';
import { ROOT } from './lib/server';

const median = (values: number[]) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function timeMs(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/**
 * Evidence checks for all 26 service cells against the local simulators: a first run (every file
 * fetched) next to a re-check and a re-check after a restart (conditional requests, 304s), with the
 * GitHub rate limit each costs; and reading the matrix with little vs much evidence history.
 */
export async function benchEvidence() {
  const plan = loadDemoPlan();
  const contents = demoGitHubContents(plan);
  const github = await serveGitHubContentsSimulator(contents);
  const kubernetes = await serveKubernetesSimulator(demoKubernetes(plan));
  const store = await openStore({
    databaseUrl: `file:${path.join(mkdtempSync(path.join(os.tmpdir(), 'rb-bench-evidence-')), 'evidence.db')}`,
    planFilePath: path.join(ROOT, 'lib/plan/phase-3.json'),
  });
  // The verify pipeline with only the repository and cluster configured: every other proof is
  // "not configured" at once, so the time is the evidence checks'.
  const onlyEvidence = parseConfig({});
  const checkAll = (checkers: EvidenceCheckers) =>
    runChecks(store, undefined, 'manual', onlyEvidence, { evidence: evidenceRunner(store, checkers) });
  const rows: Array<Record<string, string | number>> = [];
  try {
    const runs = 5;
    const first: number[] = [];
    const firstCost: number[] = [];
    for (let i = 0; i < runs; i++) {
      // Fresh checkers that ignore the stored ETags: every file is fetched.
      const checkers = createEvidenceCheckers({
        GITHUB_API_URL: github.url,
        KUBE_API_URL: kubernetes.url,
        KUBE_NAMESPACE: DEMO_NAMESPACE,
      });
      checkers.repository!.rememberedFromStore = true;
      const before = contents.rateLimitUsed;
      first.push(await timeMs(() => checkAll(checkers)));
      firstCost.push(contents.rateLimitUsed - before);
    }
    const checkers = createEvidenceCheckers({
      GITHUB_API_URL: github.url,
      KUBE_API_URL: kubernetes.url,
      KUBE_NAMESPACE: DEMO_NAMESPACE,
    });
    await checkAll(checkers);
    const again: number[] = [];
    const againCost: number[] = [];
    for (let i = 0; i < runs; i++) {
      const before = contents.rateLimitUsed;
      again.push(await timeMs(() => checkAll(checkers)));
      againCost.push(contents.rateLimitUsed - before);
    }
    const restarted: number[] = [];
    const restartedCost: number[] = [];
    for (let i = 0; i < runs; i++) {
      // A new process: the ETags come from the stored evidence.
      const fresh = createEvidenceCheckers({
        GITHUB_API_URL: github.url,
        KUBE_API_URL: kubernetes.url,
        KUBE_NAMESPACE: DEMO_NAMESPACE,
      });
      const before = contents.rateLimitUsed;
      restarted.push(await timeMs(() => checkAll(fresh)));
      restartedCost.push(contents.rateLimitUsed - before);
    }
    rows.push({
      measurement: 'evidence:all, first run (200s)',
      'median ms': median(first).toFixed(1),
      'GitHub rate limit used': median(firstCost),
    });
    rows.push({
      measurement: 'evidence:all, re-check (304s)',
      'median ms': median(again).toFixed(1),
      'GitHub rate limit used': median(againCost),
    });
    rows.push({
      measurement: 'evidence:all, after a restart (304s)',
      'median ms': median(restarted).toFixed(1),
      'GitHub rate limit used': median(restartedCost),
    });

    // The uncached read and derivation (readMatrix serves a cached snapshot until the store changes).
    const derive = async () => buildMatrix(await readMatrixInput(store));
    const readTimes = async () => {
      await derive();
      const times: number[] = [];
      for (let i = 0; i < 20; i++) times.push(await timeMs(derive));
      return median(times);
    };
    const historyRows = await store.db.checkResult.count();
    rows.push({
      measurement: `reading and deriving the matrix, ${historyRows} evidence rows`,
      'median ms': (await readTimes()).toFixed(1),
      'GitHub rate limit used': '-',
    });
    for (let i = 0; i < 90; i++) await checkAll(checkers);
    const moreRows = await store.db.checkResult.count();
    rows.push({
      measurement: `reading and deriving the matrix, ${moreRows} evidence rows`,
      'median ms': (await readTimes()).toFixed(1),
      'GitHub rate limit used': '-',
    });
  } finally {
    await store.db.$disconnect();
    await github.stop();
    await kubernetes.stop();
  }
  printTable('Evidence checks (26 service cells, local simulators, in process)', rows);
}
