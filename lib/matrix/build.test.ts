import { describe, expect, it } from 'vitest';
import { PHASE_3_PLAN } from '@/test/stores';
import { loadPlanFile, type PlanCell } from '../plan/load';
import type { Criterion } from '../plan/schema';
import { buildMatrix, buildServiceDetail, cellHref } from './build';
import type { CheckFact, IssueFact, MatrixInput, SignOffFact } from './types';

// A small board, given out of order: rows and columns follow the plan's positions, not the input's.
const { plan } = loadPlanFile(PHASE_3_PLAN);
const service = (slug: string, position: number) => ({ ...plan.services.find((s) => s.slug === slug)!, position });
const capability = (slug: string, position: number) => ({
  ...plan.capabilities.find((c) => c.slug === slug)!,
  position,
});
const criterion = (text: string, kind: Criterion['proof']['kind']) => ({ text, proof: { kind } }) as Criterion;
const cell = (key: string, minutes: number, criteria: Criterion[]): PlanCell => {
  const [serviceSlug, capabilitySlug] = key.split('/');
  return {
    key,
    serviceSlug: serviceSlug === 'gate' ? null : serviceSlug,
    capabilitySlug,
    title: `${key} title`,
    labels: [],
    estimateText: `${minutes}min`,
    estimateMinutes: minutes,
    entryPoint: key === 'traction/faro-code' ? 'src/main.ts' : null,
    requirements: [`do ${key}`],
    criteria,
  };
};
const issue = (cellKey: string | null, overrides: Partial<IssueFact> = {}): IssueFact => ({
  id: `o/r#${cellKey}`,
  repo: 'o/r',
  number: 7,
  title: 't',
  state: 'closed',
  assignees: [],
  htmlUrl: 'u',
  estimateText: null,
  estimateMinutes: null,
  linkedPullRequests: [],
  cellKey,
  openedAt: '2026-11-01T00:00:00.000Z',
  closedAt: '2026-11-02T00:00:00.000Z',
  ...overrides,
});
const check = (cellKey: string, name: string, status: CheckFact['status'], checkedAt: string): CheckFact => ({
  cellKey,
  check: name,
  target: 't',
  status,
  message: `${name} ${status}`,
  durationMs: 1,
  checkedAt,
});
const T1 = '2026-11-10T00:00:00.000Z';
const T2 = '2026-11-11T00:00:00.000Z';
const signOff: SignOffFact = {
  id: 's1',
  cellKey: 'credo-ts/faro-code',
  criterion: 0,
  criterionText: 'The team confirms the dashboards',
  by: 'ana',
  note: '',
  signedAt: T1,
  expiresAt: '2026-11-20T00:00:00.000Z',
  revokedAt: null,
  revokedBy: null,
};

const input = (overrides: Partial<MatrixInput> = {}): MatrixInput => ({
  plan: { ...plan, headlineEstimateText: '~8h', headlineEstimateMinutes: 480 },
  services: [service('traction', 2), service('credo-ts', 3), service('acapy-agent', 1)],
  capabilities: [capability('faro-code', 2), capability('profiling-helm', 1)],
  cells: [
    cell('gate/infrastructure', 240, [criterion('Pyroscope answers /ready', 'gate-pyroscope-ready')]),
    cell('traction/faro-code', 240, [criterion('Profiles arrive', 'profiles')]),
    cell('traction/profiling-helm', 30, [criterion('Env var in the pods', 'deployed')]),
    cell('acapy-agent/profiling-helm', 15, [criterion('Env var in the pods', 'deployed')]),
    cell('credo-ts/faro-code', 60, [criterion('The team confirms the dashboards', 'sign-off')]),
  ],
  issues: [
    issue('gate/infrastructure'),
    issue('traction/faro-code', { number: 12, estimateText: '~2h', estimateMinutes: 120 }),
    issue('traction/profiling-helm'),
    issue('acapy-agent/profiling-helm', { number: 3, estimateText: '15min', estimateMinutes: 15 }),
    // A second issue for a cell (sync lists it as a conflict) and one without a cell change nothing here.
    issue('acapy-agent/profiling-helm', { number: 4, state: 'open', closedAt: null }),
    issue(null, { number: 99 }),
    issue('credo-ts/faro-code', { state: 'open', closedAt: null, assignees: ['ana'] }),
  ],
  checks: [
    check('gate/infrastructure', 'gate-ready', 'pass', T1),
    check('traction/faro-code', 'pyroscope', 'fail', T1),
    check('traction/profiling-helm', 'deployed', 'pass', T1),
    check('traction/profiling-helm', 'deployed', 'fail', T2),
    check('acapy-agent/profiling-helm', 'deployed', 'pass', T1),
  ],
  signOffs: [signOff],
  now: '2026-11-25T00:00:00.000Z',
  ...overrides,
});
const cellOf = (view: ReturnType<typeof buildMatrix>, key: string) =>
  [view.gate, ...view.rows.flatMap((r) => r.cells)].find((c) => c?.key === key)!;

describe('buildMatrix', () => {
  it('lays rows and columns out in plan order, with n/a where a capability does not apply', () => {
    const view = buildMatrix(input());
    expect(view.columns.map((c) => [c.slug, c.estimateMinutes, c.cellCount])).toEqual([
      ['profiling-helm', 45, 2],
      ['faro-code', 300, 2],
    ]);
    expect(view.columns[0]).toMatchObject({ name: 'Pyroscope · Helm', part: 'helm' });
    expect(
      view.rows.map((r) => [r.service.slug, r.cells.map((c) => c?.key ?? null), r.estimateMinutes, r.verifiedMinutes]),
    ).toEqual([
      ['acapy-agent', ['acapy-agent/profiling-helm', null], 15, 15],
      ['traction', ['traction/profiling-helm', 'traction/faro-code'], 270, 0],
      ['credo-ts', [null, 'credo-ts/faro-code'], 60, 0],
    ]);
  });

  it('derives each cell from its first issue, its checks and its sign-offs', () => {
    const view = buildMatrix(input());
    expect(
      [view.gate, ...view.rows.flatMap((r) => r.cells)].filter((c) => c !== null).map((c) => [c.key, c.state]),
    ).toEqual([
      ['gate/infrastructure', 'verified'],
      ['acapy-agent/profiling-helm', 'verified'],
      ['traction/profiling-helm', 'regressed'],
      ['traction/faro-code', 'closed-unverified'],
      // Its sign-off expired on the 20th: judged at `now`, the 25th.
      ['credo-ts/faro-code', 'in-progress'],
    ]);
    const acapy = cellOf(view, 'acapy-agent/profiling-helm');
    expect(acapy).toMatchObject({
      serviceSlug: 'acapy-agent',
      capabilitySlug: 'profiling-helm',
      title: 'acapy-agent/profiling-helm title',
      estimateText: '15min',
      estimateMinutes: 15,
      stateLabel: 'Verified',
      stateReason: 'Issue #3 is closed and all 1 acceptance criteria hold.',
      href: '/services/acapy-agent#profiling-helm',
      issue: { number: 3 },
      // The issue says what the plan says: no second estimate.
      issueEstimate: null,
      lastVerifiedAt: T1,
      criteriaHeld: 1,
      history: [],
    });
    expect(acapy.latestChecks.map((c) => `${c.check}:${c.status}`)).toEqual(['deployed:pass']);
    expect(acapy.criteria.map((c) => c.status)).toEqual(['pass']);
    // A Helm cell's chain waits for its pods; a code cell's (and the gate's) is proven by its data.
    expect(acapy.chain.summary).toBe('deployed');
    expect(cellOf(view, 'traction/faro-code').chain.links[2].message).toBe(
      'Not checked: code is proven running by its data.',
    );
    expect(cellOf(view, 'credo-ts/faro-code').chain.links[2].message).toBe(
      'Not checked: code is proven running by its data.',
    );
    expect(view.gate!.chain.links[2].message).toBe('Not checked: code is proven running by its data.');
    expect(cellOf(view, 'traction/profiling-helm')).toMatchObject({
      criteriaHeld: 0,
      latestChecks: [{ check: 'deployed', status: 'fail', checkedAt: T2 }],
    });
    expect(view.gate).toMatchObject({ href: '/#gate', stateLabel: 'Verified', serviceSlug: null });
  });

  it('shows the issue’s own estimate only when it has one that differs from the plan’s', () => {
    const view = buildMatrix(input());
    expect(cellOf(view, 'traction/faro-code').issueEstimate).toEqual({ text: '~2h', minutes: 120 });
    expect(cellOf(view, 'traction/profiling-helm').issueEstimate).toBeNull();
    const textless = buildMatrix(
      input({ issues: [issue('traction/faro-code', { estimateText: '', estimateMinutes: 120 })] }),
    );
    expect(cellOf(textless, 'traction/faro-code').issueEstimate).toBeNull();
    const zero = buildMatrix(
      input({ issues: [issue('traction/faro-code', { estimateText: '0h', estimateMinutes: 0 })] }),
    );
    expect(cellOf(zero, 'traction/faro-code').issueEstimate).toEqual({ text: '0h', minutes: 0 });
  });

  it('judges sign-off expiry at the given time, and keeps each cell’s history', () => {
    const history = { 'traction/faro-code': [{ check: 'pyroscope', status: 'fail' as const, checkedAt: T1 }] };
    const view = buildMatrix(input({ now: '2026-11-15T00:00:00.000Z', history }));
    expect(cellOf(view, 'credo-ts/faro-code').state).toBe('ready-to-close');
    expect(cellOf(view, 'traction/faro-code').history).toEqual(history['traction/faro-code']);
    expect(cellOf(view, 'traction/profiling-helm').history).toEqual([]);
  });

  it('adds up the service cells, the gate and the plan’s headline, and how far apart they are', () => {
    expect(buildMatrix(input()).totals).toEqual({
      serviceCellsMinutes: 345,
      gateMinutes: 240,
      planCellsMinutes: 585,
      headlineMinutes: 480,
      headlineText: '~8h',
      differenceMinutes: 105,
    });
  });

  it('weights progress by estimate: verified, and closed (regressed included), with counts per state', () => {
    expect(buildMatrix(input()).progress).toEqual({
      verifiedFraction: 255 / 585,
      closedFraction: 525 / 585,
      verifiedMinutes: 255,
      closedMinutes: 525,
      totalMinutes: 585,
      countsByState: {
        planned: 0,
        'in-progress': 1,
        'ready-to-close': 0,
        'closed-unverified': 1,
        verified: 2,
        regressed: 1,
      },
    });
  });

  it('has no gate when the plan has none, and no progress (not NaN) when it has no cells', () => {
    const noGate = buildMatrix(input({ cells: input().cells.filter((c) => c.serviceSlug !== null) }));
    expect(noGate.gate).toBeNull();
    expect(noGate.totals).toMatchObject({ gateMinutes: 0, planCellsMinutes: 345 });
    // Neither is a service cell whose capability is not a column, nor a cell without a service in a column.
    const strays = [
      cell('traction/tracing', 5, [criterion('x', 'traces')]),
      cell('gate/profiling-helm', 5, [criterion('x', 'profiles')]),
    ];
    expect(buildMatrix(input({ cells: strays })).gate).toBeNull();
    const empty = buildMatrix(input({ cells: [] }));
    expect(empty.progress).toMatchObject({ verifiedFraction: 0, closedFraction: 0, totalMinutes: 0 });
    expect(empty.rows.map((r) => r.cells)).toEqual([
      [null, null],
      [null, null],
      [null, null],
    ]);
  });

  it('counts the unmapped issues it is told about, or those it is given', () => {
    const unmapped = [
      {
        id: 'o/r#5',
        repo: 'o/r',
        number: 5,
        title: 'x',
        state: 'open' as const,
        labels: [],
        htmlUrl: 'u',
        mapping: 'unmapped' as const,
        note: null,
      },
    ];
    expect(buildMatrix(input()).unmapped).toEqual({ total: 0, issues: [] });
    expect(buildMatrix(input({ unmappedIssues: unmapped })).unmapped).toEqual({ total: 1, issues: unmapped });
    expect(buildMatrix(input({ unmappedIssues: unmapped, unmappedTotal: 40 })).unmapped.total).toBe(40);
  });

  it('leaves the plan it is given as it was', () => {
    const given = input();
    const order = (items: Array<{ slug: string }>) => items.map((i) => i.slug);
    const services = order(given.services);
    const capabilities = order(given.capabilities);
    buildMatrix(given);
    buildServiceDetail(given, 'traction');
    expect(order(given.services)).toEqual(services);
    expect(order(given.capabilities)).toEqual(capabilities);
  });
});

describe('buildServiceDetail', () => {
  it('gives a service’s cells in column order with their requirements, and what does not apply', () => {
    const traction = buildServiceDetail(input(), 'traction')!;
    expect(traction.service.slug).toBe('traction');
    expect(
      traction.cells.map((c) => [c.key, c.capabilityName, c.requirements, c.entryPoint, c.state, c.stateLabel]),
    ).toEqual([
      ['traction/profiling-helm', 'Pyroscope · Helm', ['do traction/profiling-helm'], null, 'regressed', 'Regressed'],
      [
        'traction/faro-code',
        'Faro · code',
        ['do traction/faro-code'],
        'src/main.ts',
        'closed-unverified',
        'Closed · unverified',
      ],
    ]);
    expect(traction.notApplicable).toEqual([]);
    expect(traction.estimateMinutes).toBe(270);
    const acapy = buildServiceDetail(input(), 'acapy-agent')!;
    expect(acapy.cells.map((c) => c.key)).toEqual(['acapy-agent/profiling-helm']);
    expect(acapy.notApplicable).toEqual([{ slug: 'faro-code', name: 'Faro · code' }]);
    expect(acapy.estimateMinutes).toBe(15);
  });

  it('is null for a service the plan does not have', () => {
    expect(buildServiceDetail(input(), 'nope')).toBeNull();
  });
});

describe('cellHref', () => {
  it('links a service cell to its section of the service page, the gate to the board', () => {
    expect(cellHref({ serviceSlug: 'traction', capabilitySlug: 'faro-code' })).toBe('/services/traction#faro-code');
    expect(cellHref({ serviceSlug: null, capabilitySlug: 'infrastructure' })).toBe('/#gate');
  });
});
