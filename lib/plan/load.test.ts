import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEstimateMinutes } from './estimate';
import { loadPlanFile, parsePlan, PlanFileError } from './load';

const PLAN_FILE = path.resolve(__dirname, 'phase-3.json');
// The plan document the JSON was typed from (a copy of shared/seed/phase-3-plan.md), kept beside it.
const PLAN_MARKDOWN = path.resolve(__dirname, 'phase-3-plan.md');

describe('the Phase 3 plan file', () => {
  const { plan } = loadPlanFile(PLAN_FILE);

  it('has the 8 services, profiling for all and Faro for the 5 with frontends', () => {
    expect(plan.services.map((s) => s.slug)).toEqual([
      'acapy-agent',
      'acapy-vc-authn-oidc',
      'traction',
      'acapy-endorser-service',
      'didwebvh-server-py',
      'credo-ts',
      'didcomm-mediator-credo',
      'bc-wallet-demo',
    ]);
    const cellsOf = (cap: string) => plan.cells.filter((c) => c.capabilitySlug === cap).map((c) => c.serviceSlug);
    expect(cellsOf('profiling-code')).toHaveLength(8);
    expect(cellsOf('profiling-helm')).toHaveLength(8);
    const faro = ['acapy-vc-authn-oidc', 'traction', 'didwebvh-server-py', 'credo-ts', 'bc-wallet-demo'];
    expect(cellsOf('faro-code').sort()).toEqual([...faro].sort());
    expect(cellsOf('faro-helm').sort()).toEqual([...faro].sort());
    expect(
      plan.services
        .filter((s) => s.hasFrontend)
        .map((s) => s.slug)
        .sort(),
    ).toEqual([...faro].sort());
  });

  it('names the telemetry each service sends', () => {
    const traction = plan.services.find((s) => s.slug === 'traction')!;
    expect(traction.telemetry.pyroscopeServiceNames).toEqual(['traction-tenant-ui', 'traction-acapy']);
    expect(traction.telemetry.faroApp).toBe('traction-tenant-ui');
    expect(plan.services.map((s) => s.label)).toEqual([
      'acapy',
      'vc-authn',
      'traction',
      'endorser',
      'didwebvh',
      'credo',
      'mediator',
      'bc-wallet',
    ]);
  });

  it('says what proves each cell merged (repository files) and deployed (workloads and env)', () => {
    const helm = plan.capabilities.filter((c) => c.part === 'helm');
    expect(helm.map((c) => [c.slug, c.deployed?.env])).toEqual([
      ['profiling-helm', ['PYROSCOPE_SERVER_ADDRESS']],
      ['faro-helm', ['FARO_COLLECTOR_URL']],
    ]);
    expect(plan.capabilities.filter((c) => c.part === 'code').every((c) => c.deployed === null)).toBe(true);
    const didwebvh = plan.services.find((s) => s.slug === 'didwebvh-server-py')!;
    expect(didwebvh.evidence.merged['profiling-code']).toEqual([
      {
        repository: 'decentralized-identity/didwebvh-server-py',
        branch: 'main',
        path: 'server/pyproject.toml',
        dependencies: ['pyroscope-io'],
      },
    ]);
    expect(didwebvh.evidence.merged['faro-helm']?.[0].values).toContainEqual({ key: 'faro.enabled', equals: false });
    expect(didwebvh.evidence.workloads).toEqual([
      { name: 'server', selector: 'app.kubernetes.io/name=didwebvh-server' },
    ]);
    // Every service with a chart names its workloads, except credo-ts (a library: its consuming service is not in the plan).
    expect(plan.services.filter((s) => s.evidence.workloads.length === 0).map((s) => s.slug)).toEqual(['credo-ts']);
    // Each merged spec belongs to one of the service's own cells.
    for (const service of plan.services) {
      for (const capability of Object.keys(service.evidence.merged)) {
        expect(
          plan.cells.some((c) => c.key === `${service.slug}/${capability}`),
          `${service.slug}/${capability}`,
        ).toBe(true);
      }
    }
  });

  it('names a proof for every one of its 43 service criteria and 5 gate criteria', () => {
    const criteria = plan.cells.flatMap((c) => c.criteria.map((k) => ({ cell: c.key, ...k })));
    expect(criteria.filter((c) => c.cell !== 'gate/infrastructure')).toHaveLength(43);
    expect(plan.cells.find((c) => c.key === 'gate/infrastructure')?.criteria).toHaveLength(5);
    for (const c of criteria) expect(c.proof?.kind, `${c.cell}: ${c.text}`).toBeTruthy();
    const kinds = (cell: string) => plan.cells.find((c) => c.key === cell)?.criteria.map((c) => c.proof.kind);
    expect(kinds('acapy-agent/profiling-code')).toEqual(['profiles', 'cpu-flame-graph', 'latency']);
    expect(kinds('traction/faro-code')).toEqual(['browser-telemetry', 'traces', 'faro-route']);
    expect(kinds('traction/faro-helm')).toEqual(['merged', 'collector-url', 'merged']);
    expect(kinds('gate/infrastructure')).toEqual([
      'gate-pyroscope-ready',
      'gate-pyroscope-reachable',
      'gate-receiver-accepts',
      'gate-payload-in-loki',
      'sign-off',
    ]);
    // The plan says which profile types count as CPU: Python sends process_cpu, Node wall (and cpu when enabled).
    expect(plan.cpuProfileTypes.python).toEqual(['process_cpu:cpu']);
    expect(plan.cpuProfileTypes.nodejs).toEqual(expect.arrayContaining(['wall:wall', 'wall:cpu']));
  });

  it('adds up to more than its ~27h headline, gate included', () => {
    const total = plan.cells.reduce((sum, c) => sum + c.estimateMinutes, 0);
    expect(plan.headlineEstimateMinutes).toBe(27 * 60);
    expect(total).toBe(36.5 * 60);
    expect(plan.cells.find((c) => c.key === 'gate/infrastructure')?.estimateMinutes).toBe(240);
  });

  // The JSON is typed from the wiki page; this keeps the two from drifting apart.
  it('matches every issue title and estimate in the plan document', () => {
    const text = readFileSync(PLAN_MARKDOWN, 'utf8');
    const documented = [...text.matchAll(/Issue: (.+)\n\nLabels: ([^\n]+?) Estimated Effort: (~[^\n]+)/g)].map((m) => ({
      title: m[1].trim(),
      labels: m[2].trim().split(/\s+/),
      minutes: parseEstimateMinutes(m[3]),
    }));
    expect(documented).toHaveLength(26);
    for (const doc of documented) {
      const cell = plan.cells.find((c) => c.title === doc.title);
      expect(cell, doc.title).toBeDefined();
      expect(cell!.estimateMinutes, doc.title).toBe(doc.minutes);
      expect([...cell!.labels].sort(), doc.title).toEqual([...doc.labels].sort());
    }
  });

  // Each criterion keeps the plan document's exact words.
  it('keeps every acceptance criterion in the plan document’s exact words', () => {
    const text = readFileSync(PLAN_MARKDOWN, 'utf8');
    /** The bullet lines right after a heading like "Acceptance Criteria:". */
    const bulletsAfter = (section: string, heading: string) => {
      const lines = (section.split(heading)[1] ?? '').split('\n');
      const bullets: string[] = [];
      for (const line of lines) {
        if (line.startsWith('  • ')) bullets.push(line.slice(4).trim());
        else if (line.trim() !== '' && bullets.length > 0) break;
      }
      return bullets;
    };
    const sections = text.split('\nIssue: ').slice(1);
    const gateSection = sections.find((s) => s.startsWith('Phase 3 Infrastructure Validation'))!;
    const documented = sections
      .filter((s) => s !== gateSection)
      .map((section) => ({
        title: section.split('\n')[0].trim(),
        criteria: bulletsAfter(section, 'Acceptance Criteria:'),
      }));
    expect(documented).toHaveLength(26);
    for (const doc of documented) {
      const cell = plan.cells.find((c) => c.title === doc.title);
      expect(
        cell?.criteria.map((c) => c.text),
        doc.title,
      ).toEqual(doc.criteria);
    }
    expect(plan.cells.find((c) => c.key === 'gate/infrastructure')?.criteria.map((c) => c.text)).toEqual(
      bulletsAfter(gateSection, '\nAcceptance Criteria\n'),
    );
  });
});

describe('parsePlan errors', () => {
  const valid = readFileSync(PLAN_FILE, 'utf8');
  /** The plan file with one edit, as text (the edits work on the parsed JSON, so formatting does not matter). */
  // biome-ignore lint/suspicious/noExplicitAny: a test edits arbitrary plan fields
  const edited = (edit: (plan: any) => void) => {
    const plan = JSON.parse(valid);
    edit(plan);
    return JSON.stringify(plan, null, 2);
  };

  it('names the field and the expected form of a bad estimate', () => {
    const broken = edited((p) => {
      p.services[0].cells['profiling-helm'].estimate = 'a while';
    });
    expect(() => parsePlan(broken, 'broken.json')).toThrowError(
      /broken\.json is invalid:[\s\S]*services\.0\.cells\.profiling-helm\.estimate: could not read/,
    );
  });

  it('rejects a cell for a capability the plan does not define', () => {
    const broken = edited((p) => {
      p.services[0].cells['profiling-hlem'] = p.services[0].cells['profiling-helm'];
      delete p.services[0].cells['profiling-helm'];
    });
    expect(() => parsePlan(broken, 'typo.json')).toThrowError(/unknown capability "profiling-hlem"/);
  });

  it('rejects evidence for a cell the service does not have', () => {
    const broken = edited((p) => {
      p.services[0].evidence.merged['faro-code'] = p.services[0].evidence.merged['profiling-code'];
    });
    expect(() => parsePlan(broken, 'evidence.json')).toThrowError(
      /services\.0\.evidence\.merged\.faro-code: evidence for "faro-code", but service "acapy-agent" has no such cell/,
    );
  });

  it('rejects a file check that checks nothing', () => {
    const broken = edited((p) => {
      delete p.services[0].evidence.merged['profiling-code'][0].dependencies;
    });
    expect(() => parsePlan(broken, 'empty.json')).toThrowError(/a file check needs dependencies, contains or values/);
  });

  it('says when the file is not JSON', () => {
    expect(() => parsePlan('{', 'x.json')).toThrowError(PlanFileError);
  });

  it('rejects a criterion without a proof, naming it', () => {
    const broken = edited((p) => {
      p.services[0].cells['profiling-code'].criteria[1] = 'CPU flame graphs visible and navigable';
    });
    expect(() => parsePlan(broken, 'bare.json')).toThrowError(/services\.0\.cells\.profiling-code\.criteria\.1/);
    const noKind = edited((p) => {
      p.gate.criteria[4].proof = {};
    });
    expect(() => parsePlan(noKind, 'nokind.json')).toThrowError(/gate\.criteria\.4\.proof/);
  });

  it('rejects proofs a service cannot give: a frontend proof without a frontend, a gate step on a service', () => {
    const noFrontend = edited((p) => {
      delete p.services[1].telemetry.frontend;
    });
    expect(() => parsePlan(noFrontend, 'front.json')).toThrowError(/a faro-route proof needs telemetry\.frontend/);
    const gateStep = edited((p) => {
      p.services[0].cells['profiling-code'].criteria[0].proof = { kind: 'gate-pyroscope-ready' };
    });
    expect(() => parsePlan(gateStep, 'gate.json')).toThrowError(/gate-pyroscope-ready proves the gate only/);
  });
});
