import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gateCellKey, serviceCellKey } from './cell-key';
import { parseEstimateMinutes } from './estimate';
import {
  planFileSchema,
  type Criterion,
  type DeployedSpec,
  type IssueMatch,
  type PlanFile,
  type ServiceEvidence,
  type ServiceTelemetry,
} from './schema';

export interface PlanCell {
  key: string;
  serviceSlug: string | null;
  capabilitySlug: string;
  title: string;
  labels: string[];
  estimateText: string;
  estimateMinutes: number;
  entryPoint: string | null;
  requirements: string[];
  /** The acceptance criteria, in the plan document's words, each with how it is proven. */
  criteria: Criterion[];
}

export interface PlanService {
  slug: string;
  position: number;
  name: string;
  label: string;
  runtimes: string[];
  hasFrontend: boolean;
  repository: string | null;
  telemetry: ServiceTelemetry;
  /** What proves each cell merged (repository files) and deployed (workload selectors). */
  evidence: ServiceEvidence;
}

export interface PlanCapability {
  slug: string;
  position: number;
  name: string;
  signal: 'profiling' | 'faro';
  part: 'code' | 'helm';
  match: IssueMatch;
  /** What a running pod must show for this capability; null when the cluster cannot prove it. */
  deployed: DeployedSpec | null;
}

/** A plan in the shape the store keeps it: flat services, capabilities and cells. */
export interface Plan {
  id: string;
  title: string;
  source: string;
  issueLabel: string;
  headlineEstimateText: string;
  headlineEstimateMinutes: number;
  prerequisite: string;
  gateSlug: string;
  gateMatch: IssueMatch;
  /** Profile type ID prefixes that count as CPU, per runtime. */
  cpuProfileTypes: Record<string, string[]>;
  services: PlanService[];
  capabilities: PlanCapability[];
  cells: PlanCell[];
}

export class PlanFileError extends Error {
  override name = 'PlanFileError';
}

const minutes = (text: string) => parseEstimateMinutes(text) as number; // validated by the schema

/** Turns a validated plan file into the flat plan the store and the matrix use. */
export function flattenPlan(file: PlanFile): Plan {
  const cells: PlanCell[] = [];
  for (const service of file.services) {
    for (const capability of file.capabilities) {
      const spec = service.cells[capability.slug];
      if (!spec) continue;
      cells.push({
        key: serviceCellKey(service.slug, capability.slug),
        serviceSlug: service.slug,
        capabilitySlug: capability.slug,
        title: spec.title,
        labels: spec.labels,
        estimateText: spec.estimate,
        estimateMinutes: minutes(spec.estimate),
        entryPoint: spec.entryPoint ?? null,
        requirements: spec.requirements,
        criteria: spec.criteria,
      });
    }
  }
  const gate = file.gate;
  cells.push({
    key: gateCellKey(gate.slug),
    serviceSlug: null,
    capabilitySlug: gate.slug,
    title: gate.title,
    labels: [file.issueLabel, ...gate.match.allLabels],
    estimateText: gate.estimate,
    estimateMinutes: minutes(gate.estimate),
    entryPoint: null,
    requirements: gate.requirements,
    criteria: gate.criteria,
  });
  return {
    id: file.id,
    title: file.title,
    source: file.source,
    issueLabel: file.issueLabel,
    headlineEstimateText: file.headlineEstimate,
    headlineEstimateMinutes: minutes(file.headlineEstimate),
    prerequisite: file.prerequisite,
    gateSlug: gate.slug,
    gateMatch: gate.match,
    cpuProfileTypes: file.cpuProfileTypes,
    services: file.services.map((s, position) => ({
      slug: s.slug,
      position,
      name: s.name,
      label: s.label,
      runtimes: s.runtimes,
      hasFrontend: s.hasFrontend,
      repository: s.repository ?? null,
      telemetry: s.telemetry,
      evidence: s.evidence,
    })),
    capabilities: file.capabilities.map((c, position) => ({ ...c, deployed: c.deployed ?? null, position })),
    cells,
  };
}

/** Parses plan file text; errors name the file, the field and what was expected. */
export function parsePlan(text: string, fileName: string): { plan: Plan; fileHash: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PlanFileError(`Plan file ${fileName} is not valid JSON: ${(error as Error).message}`);
  }
  const result = planFileSchema.safeParse(json);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new PlanFileError(`Plan file ${fileName} is invalid:\n${lines.join('\n')}`);
  }
  return { plan: flattenPlan(result.data), fileHash: createHash('sha256').update(text).digest('hex') };
}

export function loadPlanFile(filePath: string): { plan: Plan; fileHash: string } {
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (error) {
    throw new PlanFileError(`Cannot read plan file ${filePath} (set PLAN_FILE): ${(error as Error).message}`);
  }
  return parsePlan(text, filePath);
}
