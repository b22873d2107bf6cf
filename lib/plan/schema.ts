import { z } from 'zod';
import { slugSchema as slug } from '../api/schemas';
import { parseEstimateMinutes } from './estimate';

const estimate = z.string().refine((text) => parseEstimateMinutes(text) !== null, {
  message: 'could not read this as an effort estimate (expected e.g. "~15min", "~1h", "~½ day")',
});

/** How an issue's labels (and title) pick out a capability or the gate. */
export const issueMatchSchema = z.object({
  allLabels: z.array(z.string()).default([]),
  noneLabels: z.array(z.string()).default([]),
  titleContains: z.string().optional(),
});

const repositoryName = z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'expected owner/name');

/** What a running pod must show for a Helm capability (the "deployed" link of the evidence chain). */
export const deployedSpecSchema = z.object({
  /** Environment variables every selected container must set (by value or by a ConfigMap/Secret reference). */
  env: z.array(z.string().min(1)).min(1),
  /** When set, the check first reads this variable: unset or "false" means the feature is switched off in the pod. */
  enabledBy: z.string().min(1).optional(),
});

export const capabilitySchema = z.object({
  slug,
  name: z.string().min(1),
  signal: z.enum(['profiling', 'faro']),
  part: z.enum(['code', 'helm']),
  match: issueMatchSchema,
  deployed: deployedSpecSchema.optional(),
});

/** One file on a repository's default branch and what it must contain (the "merged" link). */
export const repositoryFileSpecSchema = z
  .object({
    repository: repositoryName,
    branch: z.string().min(1).default('main'),
    path: z.string().min(1).regex(/^[^/]/, 'a path inside the repository, without a leading /'),
    /** Packages the dependency file must declare; an inner list means "any one of these". */
    dependencies: z.array(z.union([z.string().min(1), z.array(z.string().min(1)).min(2)])).optional(),
    /** Text the file must contain. */
    contains: z.array(z.string().min(1)).optional(),
    /** YAML keys (dotted paths) the file must define; with `equals`, the default they must have. */
    values: z
      .array(z.object({ key: z.string().min(1), equals: z.union([z.boolean(), z.string(), z.number()]).optional() }))
      .optional(),
  })
  .refine((f) => Boolean(f.dependencies?.length || f.contains?.length || f.values?.length), {
    message: 'a file check needs dependencies, contains or values',
  });

/** A set of workloads (Deployments/StatefulSets and their pods) picked by a label selector. */
export const workloadSpecSchema = z.object({
  name: z.string().min(1),
  selector: z.string().min(1),
  /** The Helm capabilities this workload counts for; default: all of the service's. */
  capabilities: z.array(slug).optional(),
});

export const serviceEvidenceSchema = z.object({
  workloads: z.array(workloadSpecSchema).default([]),
  /** capability slug → files that prove the change is merged. */
  merged: z.record(slug, z.array(repositoryFileSpecSchema).min(1)).default({}),
});

export const cellSpecSchema = z.object({
  title: z.string().min(1),
  labels: z.array(z.string()).min(1),
  estimate,
  entryPoint: z.string().optional(),
  requirements: z.array(z.string()).default([]),
  criteria: z.array(z.string()).min(1, 'a cell needs at least one acceptance criterion'),
});

export const serviceTelemetrySchema = z.object({
  /** Pyroscope `service_name` values this service's processes push. */
  pyroscopeServiceNames: z.array(z.string().min(1)).min(1),
  /** Faro `app.name`, for services with a browser frontend. */
  faroApp: z.string().min(1).optional(),
  /** LogQL stream selector for the Faro app; defaults to {service_name="<faroApp>"}. */
  lokiSelector: z.string().optional(),
});

export const serviceSchema = z.object({
  slug,
  name: z.string().min(1),
  label: z.string().min(1),
  runtimes: z.array(z.string()).min(1),
  hasFrontend: z.boolean(),
  repository: repositoryName.optional(),
  telemetry: serviceTelemetrySchema,
  evidence: serviceEvidenceSchema.default({ workloads: [], merged: {} }),
  cells: z.record(slug, cellSpecSchema),
});

export const gateSchema = z.object({
  slug,
  title: z.string().min(1),
  estimate,
  match: issueMatchSchema,
  description: z.string().default(''),
  requirements: z.array(z.string()).default([]),
  criteria: z.array(z.string()).min(1),
});

export const planFileSchema = z
  .object({
    id: slug,
    title: z.string().min(1),
    source: z.string().default(''),
    issueLabel: z.string().min(1),
    headlineEstimate: estimate,
    prerequisite: z.string().default(''),
    capabilities: z.array(capabilitySchema).min(1),
    gate: gateSchema,
    services: z.array(serviceSchema).min(1),
  })
  .superRefine((plan, ctx) => {
    const capabilities = new Map(plan.capabilities.map((c) => [c.slug, c]));
    const seen = new Set<string>();
    plan.services.forEach((service, index) => {
      if (seen.has(service.slug)) {
        ctx.addIssue({
          code: 'custom',
          path: ['services', index, 'slug'],
          message: `duplicate service "${service.slug}"`,
        });
      }
      seen.add(service.slug);
      for (const capabilitySlug of Object.keys(service.cells)) {
        const capability = capabilities.get(capabilitySlug);
        if (!capability) {
          ctx.addIssue({
            code: 'custom',
            path: ['services', index, 'cells', capabilitySlug],
            message: `unknown capability "${capabilitySlug}" (the plan defines ${[...capabilities.keys()].join(', ')})`,
          });
        } else if (capability.signal === 'faro' && !service.telemetry.faroApp) {
          ctx.addIssue({
            code: 'custom',
            path: ['services', index, 'telemetry', 'faroApp'],
            message: `service "${service.slug}" has a Faro cell but no telemetry.faroApp`,
          });
        }
      }
      const evidenceCapabilities = [
        ...Object.keys(service.evidence.merged).map((slug) => ({ slug, path: ['evidence', 'merged', slug] })),
        ...service.evidence.workloads.flatMap((w, workloadIndex) =>
          (w.capabilities ?? []).map((slug) => ({
            slug,
            path: ['evidence', 'workloads', workloadIndex, 'capabilities'],
          })),
        ),
      ];
      for (const { slug: capabilitySlug, path } of evidenceCapabilities) {
        if (!service.cells[capabilitySlug]) {
          ctx.addIssue({
            code: 'custom',
            path: ['services', index, ...path],
            message: `evidence for "${capabilitySlug}", but service "${service.slug}" has no such cell`,
          });
        }
      }
    });
  });

export type PlanFile = z.infer<typeof planFileSchema>;
export type IssueMatch = z.infer<typeof issueMatchSchema>;
export type ServiceTelemetry = z.infer<typeof serviceTelemetrySchema>;
export type DeployedSpec = z.infer<typeof deployedSpecSchema>;
export type RepositoryFileSpec = z.infer<typeof repositoryFileSpecSchema>;
export type WorkloadSpec = z.infer<typeof workloadSpecSchema>;
export type ServiceEvidence = z.infer<typeof serviceEvidenceSchema>;
