import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulators, type SimulatorSet } from '../simulators';
import type { FaroReceiverSimulator } from '../simulators/faro-receiver';
import type { Fault } from '../simulators/faults';
import type { MatrixCell, MatrixView } from '../lib/matrix/types';
import { printTable } from './lib/load';
import { ROOT, startBoard, type RunningBoard } from './lib/server';

type Controlled = { control: { fault: (fault: Fault | null, target?: string) => void } };

const PROBE_TIMEOUT_MS = 2000;
const CONCURRENCY = 4;

/** POSTs a verification and waits until the board no longer lists it as running; returns the wall time. */
async function verifyAndWait(board: RunningBoard, scope: Record<string, string>): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${board.url}/api/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(scope),
  });
  if (response.status !== 202)
    throw new Error(`POST /api/verify answered ${response.status}: ${await response.text()}`);
  const { job } = (await response.json()) as { job: string };
  for (;;) {
    const { running } = (await (await fetch(`${board.url}/api/verify`)).json()) as { running: string[] };
    if (!running.includes(job)) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function latestChecks(board: RunningBoard) {
  const view = (await (await fetch(`${board.url}/api/matrix`)).json()) as MatrixView;
  const cells = [...view.rows.flatMap((r) => r.cells), view.gate].filter((c): c is MatrixCell => c !== null);
  return cells.flatMap((c) => c.latestChecks);
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
  const board = await startBoard({
    ...sims.env,
    DATABASE_URL: `file:${path.join(mkdtempSync(path.join(os.tmpdir(), 'rb-bench-verify-')), 'verify.db')}`,
    PLAN_FILE: path.join(ROOT, 'lib/plan/phase-3.json'),
    PROBE_TIMEOUT: `${PROBE_TIMEOUT_MS}ms`,
    GATE_DEADLINE: '5s',
    VERIFY_CONCURRENCY: String(CONCURRENCY),
    VERIFY_INTERVAL: '1h',
  });
  const slow: Array<Record<string, string | number>> = [];
  const hungRows: Array<Record<string, string | number>> = [];
  try {
    await verifyAndWait(board, { kind: 'all' }); // warm-up (route compilation, connections)
    setFault({ kind: 'delay', ms: 100 });
    const one = await verifyAndWait(board, { kind: 'cell', key: 'acapy-agent/profiling-code' });
    const all = await verifyAndWait(board, { kind: 'all' });
    const probes = await latestChecks(board);
    const probeMedian = median(probes.map((c) => c.durationMs));
    slow.push({
      case: 'every upstream answers in 100 ms',
      'checks stored': probes.length,
      'verify-all wall ms': Math.round(all),
      'one cell (Pyroscope, 2 calls) wall ms': Math.round(one),
      'median probe ms': probeMedian,
      'all ÷ one cell': (all / one).toFixed(1),
      'all ÷ median probe': (all / Math.max(1, probeMedian)).toFixed(1),
    });

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
    await sims.stop();
  }
  printTable('Verify all, every upstream slow (Phase 3 plan, production build, simulators)', slow);
  printTable('Verify all, one upstream hung', hungRows);
  console.log(
    `  The first probes of a hung upstream wait PROBE_TIMEOUT; its later probes in the same run report it at once ("Not asked: …"), so verify-all costs about one timeout.`,
  );
}
