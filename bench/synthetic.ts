import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../lib/db/store';
import { proofCheckName } from '../lib/plan/proofs';

const CAPABILITIES = ['profiling-code', 'profiling-helm', 'faro-code', 'faro-helm', 'tracing-code', 'tracing-helm'];

/** A plan of `services` services × 6 capabilities, written to a temp file. */
export function writeSyntheticPlan(services: number): string {
  const plan = {
    id: 'synthetic',
    title: `Synthetic plan: ${services} services × ${CAPABILITIES.length} capabilities`,
    issueLabel: 'synthetic',
    headlineEstimate: `~${services * 8}h`,
    capabilities: CAPABILITIES.map((slug, i) => ({
      slug,
      name: slug,
      signal: i % 4 < 2 ? 'profiling' : 'faro',
      part: slug.endsWith('helm') ? 'helm' : 'code',
      match: { allLabels: [slug] },
    })),
    gate: {
      slug: 'infrastructure',
      title: 'Infrastructure',
      estimate: '~½ day',
      match: { allLabels: ['infrastructure'] },
      criteria: [{ text: 'ready', proof: { kind: 'gate-pyroscope-ready' } }],
    },
    services: Array.from({ length: services }, (_, i) => ({
      slug: `service-${i}`,
      name: `service-${i}`,
      label: `svc-${i}`,
      runtimes: ['nodejs'],
      hasFrontend: true,
      telemetry: { pyroscopeServiceNames: [`service-${i}`], faroApp: `service-${i}-web` },
      cells: Object.fromEntries(
        CAPABILITIES.map((slug, c) => [
          slug,
          {
            title: `service-${i} ${slug}`,
            labels: ['synthetic', slug, `svc-${i}`],
            estimate: `~${(c % 3) + 1}h`,
            criteria: [
              {
                text: 'data flows',
                proof: { kind: slug.startsWith('profiling') ? 'profiles' : 'browser-telemetry', require: 'any' },
              },
            ],
          },
        ]),
      ),
    })),
  };
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'rb-bench-plan-')), 'synthetic.json');
  writeFileSync(file, JSON.stringify(plan));
  return file;
}

/**
 * Seeds a SQLite store with the synthetic plan and `issues` issues spread over its cells; with
 * `checks`, three results per cell as verification would store them (most pass, some regress,
 * some closed cells never checked), so every state is on the board.
 */
export async function seedSyntheticStore(
  planFile: string,
  issues: number,
  options: { checks?: boolean } = {},
): Promise<string> {
  const databaseUrl = `file:${path.join(mkdtempSync(path.join(os.tmpdir(), 'rb-bench-db-')), 'bench.db')}`;
  const store = await openStore({ databaseUrl, planFilePath: planFile });
  const cells = store.plan.cells.filter((c) => c.serviceSlug);
  const now = Date.now();
  const rows = Array.from({ length: issues }, (_, n) => {
    const cell = cells[n % cells.length];
    const closed = n % 3 !== 0;
    return {
      id: `org/repo-${n % 8}#${n + 1}`,
      planId: store.plan.id,
      repo: `org/repo-${n % 8}`,
      number: n + 1,
      title: cell.title,
      state: closed ? 'closed' : 'open',
      labels: JSON.stringify(cell.labels),
      assignees: JSON.stringify(n % 2 ? ['dev'] : []),
      htmlUrl: `https://github.com/org/repo-${n % 8}/issues/${n + 1}`,
      estimateText: cell.estimateText,
      estimateMinutes: cell.estimateMinutes,
      linkedPullRequests: '[]',
      // The first issue per cell is mapped; the rest are duplicates, as sync would list them.
      cellKey: n < cells.length ? cell.key : null,
      mapping: n < cells.length ? 'mapped' : 'conflict',
      openedAt: new Date(now - 86_400_000 * 10),
      updatedAt: new Date(now),
      closedAt: closed ? new Date(now - 86_400_000) : null,
      syncedAt: new Date(now),
    };
  });
  for (let i = 0; i < rows.length; i += 500) await store.db.issue.createMany({ data: rows.slice(i, i + 500) });
  if (options.checks) {
    const results = cells.flatMap((cell, n) => {
      if (n % 11 === 0) return []; // closed but never checked: closed-unverified
      // The check that proves the cell's criterion, as verification would name it.
      const check = proofCheckName(cell.criteria[0].proof) ?? 'pyroscope';
      return [3, 2, 1].map((hoursAgo) => {
        const fails = hoursAgo === 1 && n % 7 === 0; // passed before, failing now: regressed
        return {
          planId: store.plan.id,
          cellKey: cell.key,
          check,
          target: cell.key,
          status: fails ? 'fail' : 'pass',
          message: fails ? `no ${check} data for ${cell.key} in the last 15 minutes` : null,
          evidence: JSON.stringify({ series: fails ? 0 : 3, window: '15m' }),
          durationMs: 12,
          trigger: 'schedule',
          checkedAt: new Date(now - hoursAgo * 3_600_000),
        };
      });
    });
    for (let i = 0; i < results.length; i += 1000)
      await store.db.checkResult.createMany({ data: results.slice(i, i + 1000) });
  }
  await store.db.$disconnect();
  return databaseUrl;
}
