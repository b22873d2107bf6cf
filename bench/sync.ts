import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../lib/db/store';
import { createGitHubClient } from '../lib/github/client';
import { listLabelledIssues } from '../lib/github/list-issues';
import { inOrderAtMost } from '../lib/async/in-order-at-most';
import { SYNC_FETCH_CONCURRENCY, type SyncResult, syncGitHub } from '../lib/github/sync';
import { startTestPostgres } from '../test/postgres-server';
import { printTable, ratioLine } from './lib/load';
import { ROOT } from './lib/server';
import { startSimulatorProcess } from './lib/simulator-process';

const PLAN_FILE = path.join(ROOT, 'lib/plan/phase-3.json');
const REPOS = 8;
const ISSUES_PER_REPO = 250;
/** A run takes about a third of a second: 25 of them keep one slow moment of the machine from moving a median. */
const RUNS = 25;
/** Untimed runs first, so that what is timed is the code as it runs all day, not its first compilation. */
const WARM_UP_RUNS = 5;

const median = (values: number[]) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

interface StoreTarget {
  name: string;
  open: () => Promise<{ store: Store; drop: () => Promise<void>; empty: () => Promise<void> }>;
}

/**
 * Initial sync of 2,000 issues over 8 repositories (time, and its ratio to fetching the same pages
 * without storing them) and a no-change re-sync (requests made, time), on SQLite and PostgreSQL,
 * against the GitHub simulator in a process of its own on loopback. Medians of RUNS runs after warm-up; each
 * run times the floor and then each store in turn.
 */
export async function benchSync() {
  // 8 repositories × 250 issues carrying the plan's labels (so classification and conflicts are real work),
  // served from another process, as GitHub is: rendering its pages is not the sync's work.
  const sim = await startSimulatorProcess<{ url: string; repos: string[] }>('github-simulator-process.ts', [
    String(ISSUES_PER_REPO),
    String(REPOS),
  ]);
  const { repos } = sim;
  const postgres = await startTestPostgres();
  const targets: StoreTarget[] = [
    {
      name: 'SQLite',
      open: async () => {
        const dir = mkdtempSync(path.join(os.tmpdir(), 'rb-bench-sync-'));
        const store = await openStore({ databaseUrl: `file:${path.join(dir, 'sync.db')}`, planFilePath: PLAN_FILE });
        return {
          store,
          drop: async () => {
            await store.db.$disconnect();
            rmSync(dir, { recursive: true, force: true });
          },
          // SQLite empties a table by dropping its pages when a DELETE has no WHERE (its truncate optimization).
          empty: async () => {
            await store.db.issue.deleteMany();
            await store.db.repoSyncState.deleteMany();
            await store.db.syncRun.deleteMany();
          },
        };
      },
    },
    {
      name: `PostgreSQL (${postgres.source})`,
      open: async () => {
        const schema = `bench_${randomBytes(4).toString('hex')}`;
        const store = await openStore({ databaseUrl: `${postgres.url}?schema=${schema}`, planFilePath: PLAN_FILE });
        return {
          store,
          drop: async () => {
            await store.db.$disconnect();
            const client = new pg.Client({ connectionString: postgres.url });
            await client.connect();
            await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
            await client.end();
          },
          // An initial sync finds its tables new. A DELETE leaves every row behind as a dead one until a vacuum:
          // the next sync's read of the stored issues then walked 2,000 of them (4 of its 102 ms here), and its
          // inserts went past them. TRUNCATE leaves the tables as a new store has them.
          empty: async () => {
            await store.db.$executeRawUnsafe('TRUNCATE "Issue", "RepoSyncState", "SyncRun"');
          },
        };
      },
    },
  ];
  const client = () => createGitHubClient({ apiUrl: sim.url, token: 'bench-token' });
  const label = 'phase-3';
  const sync = (store: Store) => syncGitHub({ store, client: client(), repos, label, trigger: 'bench' });

  // One store per target, emptied before each run: a long-running board syncs through one Prisma client,
  // whose query plans are compiled once; a fresh client per run paid that on every initial sync.
  const opened: Array<{
    target: StoreTarget;
    store: Store;
    drop: () => Promise<void>;
    empty: () => Promise<void>;
    times: SyncTimes;
  }> = [];
  try {
    for (const target of targets) opened.push({ target, ...(await target.open()), times: emptyTimes() });
    // Each run measures the floor and then every store, in turn: what the machine does meanwhile (its other
    // load, the JIT warming up, the simulator's own collections) falls on all of them alike, so their ratios
    // hold while the absolute times drift. Measuring the floor first, then each store, put the floor where
    // the process was coldest: it varied between 107 and 150 ms from one run of the bench to the next.
    const fetchTimes: number[] = [];
    let fetchRequests = 0;
    for (let run = -WARM_UP_RUNS; run < RUNS; run += 1) {
      // The floor: the same listings, fetched and parsed, stored nothing.
      const c = client();
      const start = process.hrtime.bigint();
      await inOrderAtMost(repos, SYNC_FETCH_CONCURRENCY, (repo) =>
        listLabelledIssues(c, { repo, label, seenUpTo: null, etag: null }),
      );
      if (run >= 0) fetchTimes.push(ms(start));
      fetchRequests = c.traffic.requests;
      for (const { store, empty, times } of opened)
        await timeSyncs(store, empty, run >= 0 ? times : emptyTimes(), sync);
    }
    const fetchMs = median(fetchTimes);

    const rows: Array<Record<string, string | number>> = [
      {
        store: '(none)',
        what: 'fetch all pages, store nothing',
        issues: REPOS * ISSUES_PER_REPO,
        requests: fetchRequests,
        '304s': 0,
        'ms (median)': fetchMs.toFixed(1),
        'vs fetch only': '1.00×',
      },
    ];
    for (const { target, times } of opened) {
      rows.push({
        store: target.name,
        what: 'initial sync',
        issues: times.written,
        requests: times.initialRequests,
        '304s': 0,
        'ms (median)': median(times.initial).toFixed(1),
        'vs fetch only': `${(median(times.initial) / fetchMs).toFixed(2)}×`,
      });
      rows.push({
        store: target.name,
        what: 'no-change re-sync',
        issues: 0,
        requests: times.againRequests,
        '304s': times.againNotModified,
        'ms (median)': median(times.again).toFixed(1),
        'vs fetch only': `${(median(times.again) / fetchMs).toFixed(2)}×`,
      });
    }
    // From the unrounded medians: a 5 ms re-sync shown rounded could be anything from 4.5 to 5.5 ms, ±10% of it.
    const verdicts = opened.map(({ target, times }) => {
      const initialMs = median(times.initial);
      return (
        `  ${target.name}: initial sync vs fetch only ${ratioLine(initialMs / fetchMs, 1.5)}; ` +
        `no-change re-sync vs initial ${ratioLine((100 * median(times.again)) / initialMs, 5, '%')}`
      );
    });
    printTable(
      `GitHub sync: ${REPOS * ISSUES_PER_REPO} issues over ${REPOS} repositories (simulator in its own process on loopback; median of ${RUNS} runs after ${WARM_UP_RUNS} untimed, each timing all rows in turn)`,
      rows,
    );
    console.log(
      'Initial sync requests = 3 pages per repository, as fetching; a re-sync repeats the same request, conditional on page 1’s ETag.',
    );
    console.log(`Targets (issue 16), as ratios of this run:\n${verdicts.join('\n')}`);
  } finally {
    for (const { drop } of opened) await drop();
    await sim.stop();
    await postgres.stop();
  }
}

interface SyncTimes {
  initial: number[];
  again: number[];
  written: number;
  initialRequests: number;
  againRequests: number;
  againNotModified: number;
}
const emptyTimes = (): SyncTimes => ({
  initial: [],
  again: [],
  written: 0,
  initialRequests: 0,
  againRequests: 0,
  againNotModified: 0,
});

/** Empties the store, then times an initial sync and a no-change re-sync right after it into `times`. */
async function timeSyncs(
  store: Store,
  empty: () => Promise<void>,
  times: SyncTimes,
  sync: (store: Store) => Promise<SyncResult>,
) {
  await empty();
  let start = process.hrtime.bigint();
  const first = await sync(store);
  times.initial.push(ms(start));
  if (first.status !== 'succeeded')
    throw new Error(`bench sync ${first.status}: ${first.repos.map((r) => r.error).join(' ')}`);
  times.initialRequests = first.requests;
  times.written = first.issuesChanged;
  start = process.hrtime.bigint();
  const second = await sync(store);
  times.again.push(ms(start));
  times.againRequests = second.requests;
  times.againNotModified = second.notModified;
  if (second.issuesChanged !== 0) throw new Error('a no-change re-sync wrote issues');
}
