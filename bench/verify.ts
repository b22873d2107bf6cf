import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulators, type SimulatorSet } from '../simulators';
import type { FaroReceiverSimulator } from '../simulators/faro-receiver';
import type { Fault } from '../simulators/faults';
import type { MatrixCell, MatrixView } from '../lib/matrix/types';
import { planChecks } from '../lib/verify/checks';
import { loadPlanFile } from '../lib/plan/load';
import { parseConfig } from '../lib/config/env';
import { type DelayProxy, startDelayProxy } from './lib/delay-proxy';
import { printTable, ratioLine } from './lib/load';
import { ROOT, startBoard, type RunningBoard } from './lib/server';

type Controlled = { control: { fault: (fault: Fault | null, target?: string) => void } };

const PROBE_TIMEOUT_MS = 2000;
// The board's own default unless BENCH_VERIFY_CONCURRENCY tries another.
const CONCURRENCY = Number(process.env.BENCH_VERIFY_CONCURRENCY ?? parseConfig({}).VERIFY_CONCURRENCY);

// The bench acts as an engineer through the trusted-header sign-in (it is the proxy, on loopback).
const AS_ENGINEER = { 'x-forwarded-user': 'bench', 'x-forwarded-groups': 'bench' };
const ENGINEER_ENV = {
  AUTH_TRUSTED_PROXIES: '127.0.0.1/32',
  AUTH_ENGINEER_GROUPS: 'bench',
  RUN_COOLDOWN: '1ms',
  RUN_RATE_LIMIT_PER_MINUTE: '100000',
};
/** The upstreams put behind a delaying proxy ("answering in 100 ms"); the frontends stay direct (CORS compares origins). */
const DELAYED = ['PYROSCOPE_URL', 'LOKI_URL', 'TEMPO_URL', 'FARO_RECEIVER_URL', 'GITHUB_API_URL', 'KUBE_API_URL'];

/** POSTs a verification and waits until the board no longer lists it as running; returns the wall time. */
async function verifyAndWait(board: RunningBoard, scope: Record<string, string>): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${board.url}/api/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...AS_ENGINEER },
    body: JSON.stringify(scope),
  });
  if (response.status !== 202)
    throw new Error(`POST /api/verify answered ${response.status}: ${await response.text()}`);
  const { job } = (await response.json()) as { job: string };
  for (;;) {
    const { running } = (await (await fetch(`${board.url}/api/verify`, { headers: AS_ENGINEER })).json()) as {
      running: string[];
    };
    if (!running.includes(job)) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function latestChecks(board: RunningBoard) {
  const view = (await (await fetch(`${board.url}/api/matrix`, { headers: AS_ENGINEER })).json()) as MatrixView;
  const cells = [...view.rows.flatMap((r) => r.cells), view.gate].filter((c): c is MatrixCell => c !== null);
  return cells.flatMap((c) => c.latestChecks);
}

/** Every cell of the plan (the gate included) with how many proofs verifying it runs. */
function cellsWithProofCounts(planFile: string, env: Record<string, string>) {
  const { plan } = loadPlanFile(planFile);
  // Counting only: the evidence runner stands in for the repository and cluster checks it plans.
  const evidence = () => ({ target: '', run: async () => ({ status: 'pass' as const, message: null, evidence: {} }) });
  const counts = new Map<string, number>(plan.cells.map((c) => [c.key, 0]));
  for (const check of planChecks(plan, parseConfig(env), undefined, undefined, evidence))
    counts.set(check.cellKey, (counts.get(check.cellKey) ?? 0) + 1);
  return [...counts].map(([key, proofs]) => ({ key, proofs }));
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/**
 * Verify-all for the Phase 3 plan through the production build: every upstream answering in 100 ms
 * (wall time vs one probe's time), and Pyroscope hung (wall time vs PROBE_TIMEOUT).
 */
export async function benchVerify() {
  const sims: SimulatorSet = await startSimulators();
  const setFault = (fault: Fault | null) => {
    for (const name of ['pyroscope', 'loki', 'tempo'])
      (sims.byName[name] as unknown as Controlled).control.fault(fault);
    (sims.byName['faro-receiver'] as FaroReceiverSimulator).control.delay(fault?.kind === 'delay' ? fault.ms : null);
  };
  const proxies: DelayProxy[] = [];
  const proxyNames: string[] = [];
  const env = { ...sims.env };
  for (const name of [...DELAYED, 'FARO_UPSTREAM_URL']) {
    if (!env[name]) continue;
    const proxy = await startDelayProxy(env[name]);
    proxies.push(proxy);
    proxyNames.push(name);
    env[name] = proxy.url;
  }
  const setDelay = (ms: number) => {
    for (const proxy of proxies) proxy.setDelay(ms);
  };
  const planFile = path.join(ROOT, 'lib/plan/phase-3.json');
  const cells = cellsWithProofCounts(planFile, env);
  const board = await startBoard({
    ...env,
    ...ENGINEER_ENV,
    DATABASE_URL: `file:${path.join(mkdtempSync(path.join(os.tmpdir(), 'rb-bench-verify-')), 'verify.db')}`,
    PLAN_FILE: planFile,
    PROBE_TIMEOUT: `${PROBE_TIMEOUT_MS}ms`,
    GATE_DEADLINE: '5s',
    VERIFY_CONCURRENCY: String(CONCURRENCY),
    VERIFY_INTERVAL: '1h',
  });
  const slow: Array<Record<string, string | number>> = [];
  const hungRows: Array<Record<string, string | number>> = [];
  try {
    await verifyAndWait(board, { kind: 'all' }); // warm-up (route compilation, connections)
    setDelay(100);
    // Each cell alone (median of three, one sample is too noisy to rank by), to find the slowest: verify-all
    // can be no quicker than that cell, and the target says how little more it may take for everything.
    const single: Array<{ key: string; proofs: number; ms: number }> = [];
    for (const cell of cells) {
      const times: number[] = [];
      for (let i = 0; i < 3; i++) times.push(await verifyAndWait(board, { kind: 'cell', key: cell.key }));
      single.push({ ...cell, ms: median(times) });
    }
    const slowest = single.reduce((a, b) => (b.ms > a.ms ? b : a));
    const busiest = single.reduce((a, b) => (b.proofs > a.proofs ? b : a));
    // Medians of three, the slowest cell and all alternating, so both see the same machine.
    const ones: number[] = [];
    const alls: number[] = [];
    for (let i = 0; i < 3; i++) {
      ones.push(await verifyAndWait(board, { kind: 'cell', key: slowest.key }));
      alls.push(await verifyAndWait(board, { kind: 'all' }));
    }
    if (process.env.BENCH_TRACE) {
      // Every request each upstream saw (arrival and reply, ms from the first): where a run's time goes.
      const timeline = async (label: string, scope: Record<string, string>) => {
        for (const proxy of proxies) proxy.takeRequests();
        const wall = await verifyAndWait(board, scope);
        const rows = proxyNames.flatMap((name, i) => proxies[i]!.takeRequests().map((r) => ({ name, ...r })));
        const t0 = Math.min(...rows.map((r) => r.arrived));
        console.log(`\n${label}: ${Math.round(wall)} ms`);
        for (const r of rows.sort((a, b) => a.arrived - b.arrived))
          console.log(
            `${Math.round(r.arrived - t0)}\t${Math.round(r.finished - t0)}\t${r.name}\t${r.path.slice(0, 120)}`,
          );
      };
      await timeline('verify-all', { kind: 'all' });
      await timeline(`cell ${slowest.key}`, { kind: 'cell', key: slowest.key });
    }
    const one = median(ones);
    const all = median(alls);
    const probes = await latestChecks(board);
    const probeMedian = median(probes.map((c) => c.durationMs));
    slow.push({
      case: `every upstream answers in 100 ms, pool ${CONCURRENCY} per upstream`,
      'checks stored': probes.length,
      'verify-all wall ms': Math.round(all),
      'slowest cell wall ms': `${Math.round(one)} (${slowest.key}, ${slowest.proofs} proofs)`,
      'most proofs wall ms': `${Math.round(busiest.ms)} (${busiest.key}, ${busiest.proofs} proofs)`,
      'median probe ms': probeMedian,
      'all ÷ slowest cell': ratioLine(all / one, 1.3),
    });
    setDelay(0);

    setFault(null);
    (sims.byName.pyroscope as unknown as Controlled).control.fault({ kind: 'hang' });
    const hung = await verifyAndWait(board, { kind: 'all' });
    const hungProbes = (await latestChecks(board)).filter((c) => c.check === 'pyroscope' || c.check === 'gate');
    hungRows.push({
      case: `Pyroscope hung (PROBE_TIMEOUT ${PROBE_TIMEOUT_MS} ms, pool ${CONCURRENCY})`,
      'checks stored': hungProbes.length,
      'verify-all wall ms': Math.round(hung),
      'wall ÷ timeout': (hung / PROBE_TIMEOUT_MS).toFixed(1),
      'slowest hung probe ms': Math.max(...hungProbes.map((c) => c.durationMs)),
      'hung probes erroring': hungProbes.filter((c) => c.status === 'error').length,
      'of which not asked': hungProbes.filter((c) => c.message?.startsWith('Not asked: ')).length,
    });
  } finally {
    await board.stop();
    for (const proxy of proxies) await proxy.stop();
    await sims.stop();
  }
  printTable('Verify all, every upstream slow (Phase 3 plan, production build, simulators)', slow);
  printTable('Verify all, one upstream hung', hungRows);
  console.log(
    `  The first probes of a hung upstream wait PROBE_TIMEOUT; its later probes in the same run report it at once ("Not asked: …"), so verify-all costs about one timeout.`,
  );
}
