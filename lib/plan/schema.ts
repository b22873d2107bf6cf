import { z } from 'zod';
import { slugSchema as slug } from '../zod/schemas';
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

/** A page URL pattern (RE2, as LogQL's =~ / !~ take it) or a stream label that tells one browser surface apart. */
export const surfaceSchema = z
  .object({
    name: z.string().min(1),
    pageUrlMatches: z.string().min(1).optional(),
    pageUrlNotMatches: z.string().min(1).optional(),
    label: z.object({ name: z.string().regex(/^[a-zA-Z_]\w*$/), value: z.string().min(1) }).optional(),
  })
  .refine((s) => Boolean(s.pageUrlMatches || s.pageUrlNotMatches || s.label), {
    message: 'a surface needs pageUrlMatches, pageUrlNotMatches or label',
  });

/**
 * How one acceptance criterion is proven: an automated proof kind with its parameters, or
 * `sign-off` (a person confirms it). Every criterion names one; the plan does not load otherwise.
 */
export const proofSchema = z.discriminatedUnion('kind', [
  /** Profiles arrive for every service_name of the service (Pyroscope Series + SelectSeries). */
  z.object({ kind: z.literal('profiles') }),
  /** A CPU profile type arrived and its merged flame graph has samples and at least minDepth frames below the root. */
  z.object({ kind: z.literal('cpu-flame-graph'), minDepth: z.number().int().min(1).default(3) }),
  /** Faro entries in Loki: any kind, or exceptions plus Web Vitals; per surface when surfaces are named. */
  z.object({
    kind: z.literal('browser-telemetry'),
    require: z.enum(['any', 'errors-and-web-vitals']),
    /** The entries must parse with Loki's logfmt parser. */
    structured: z.boolean().default(false),
    surfaces: z.array(surfaceSchema).default([]),
  }),
  /** Browser traces in Tempo, with a backend span in the same trace when linkedToBackend. */
  z.object({ kind: z.literal('traces'), linkedToBackend: z.boolean().default(false) }),
  /** The service's own /faro route: CORS preflight (cross-origin only), POST, the marker reaches Loki. */
  z.object({ kind: z.literal('faro-route') }),
  /** The configured collector URL is in the service's page, its config.json or the JavaScript it loads. */
  z.object({ kind: z.literal('collector-url') }),
  /** The cell's repository files (the evidence chain's "merged" check). */
  z.object({ kind: z.literal('merged') }),
  /** The cell's running pods (the evidence chain's "deployed" check). */
  z.object({ kind: z.literal('deployed') }),
  /** Server-side latency before vs after the change went live, from Tempo's TraceQL metrics. */
  z.object({
    kind: z.literal('latency'),
    quantile: z.number().gt(0).lt(1).default(0.95),
    maxIncreasePercent: z.number().min(0).default(10),
    minSpans: z.number().int().min(1).default(100),
    windowMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(60),
  }),
  /** The gate's steps, each its own criterion. */
  z.object({ kind: z.literal('gate-pyroscope-ready') }),
  z.object({ kind: z.literal('gate-pyroscope-reachable') }),
  z.object({ kind: z.literal('gate-receiver-accepts') }),
  z.object({ kind: z.literal('gate-payload-in-loki') }),
  /** No data can prove it: a person signs it off (who, when, a note, an optional expiry). */
  z.object({ kind: z.literal('sign-off') }),
]);

/** One acceptance criterion: the plan document's exact words and how the board proves it. */
export const criterionSchema = z.object({ text: z.string().min(1), proof: proofSchema });

export const cellSpecSchema = z.object({
  title: z.string().min(1),
  labels: z.array(z.string()).min(1),
  estimate,
  entryPoint: z.string().optional(),
  requirements: z.array(z.string()).default([]),
  criteria: z.array(criterionSchema).min(1, 'a cell needs at least one acceptance criterion'),
});

export const serviceTelemetrySchema = z.object({
  /** Pyroscope `service_name` values this service's processes push. */
  pyroscopeServiceNames: z.array(z.string().min(1)).min(1),
  /** Faro `app.name`, for services with a browser frontend. */
  faroApp: z.string().min(1).optional(),
  /** LogQL stream selector for the Faro app; defaults to {service_name="<faroApp>"}. */
  lokiSelector: z.string().optional(),
  /** Tempo resource service.name values of the server side (latency); defaults to pyroscopeServiceNames. */
  tempoServiceNames: z.array(z.string().min(1)).min(1).optional(),
  /** The public frontend (FRONTEND_URLS overrides it): its page, config.json and own /faro route. */
  frontend: z
    .object({
      url: z.url({ message: "expected the frontend's absolute URL" }),
      /** Where the page loads its configuration from, relative to url (e.g. "config.json"). */
      configPath: z.string().min(1).optional(),
      /** The Faro route: a path on the frontend, or an absolute URL on another origin (FARO_ROUTE_URLS overrides it). */
      faroRoute: z.string().min(1).default('/faro'),
      /** The collector URL the chart injects (faro.collectorUrl). */
      collectorUrl: z.string().min(1).default('/faro'),
    })
    .optional(),
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
  criteria: z.array(criterionSchema).min(1),
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
    /** Profile type ID prefixes ("<name>:<sample type>") that count as CPU, per runtime. */
    cpuProfileTypes: z.record(z.string(), z.array(z.string().min(1))).default({}),
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
      for (const [capabilitySlug, cell] of Object.entries(service.cells)) {
        cell.criteria.forEach((criterion, criterionIndex) => {
          const path = ['services', index, 'cells', capabilitySlug, 'criteria', criterionIndex, 'proof'];
          const kind = criterion.proof.kind;
          if ((kind === 'faro-route' || kind === 'collector-url') && !service.telemetry.frontend)
            ctx.addIssue({ code: 'custom', path, message: `a ${kind} proof needs telemetry.frontend` });
          if (kind === 'cpu-flame-graph' && !service.runtimes.some((r) => plan.cpuProfileTypes[r]?.length))
            ctx.addIssue({ code: 'custom', path, message: 'no runtime of this service has cpuProfileTypes' });
          if (kind.startsWith('gate-')) ctx.addIssue({ code: 'custom', path, message: `${kind} proves the gate only` });
        });
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
export type Proof = z.infer<typeof proofSchema>;
export type ProofKind = Proof['kind'];
export type Surface = z.infer<typeof surfaceSchema>;
export type Criterion = z.infer<typeof criterionSchema>;
export type IssueMatch = z.infer<typeof issueMatchSchema>;
export type ServiceTelemetry = z.infer<typeof serviceTelemetrySchema>;
export type DeployedSpec = z.infer<typeof deployedSpecSchema>;
export type RepositoryFileSpec = z.infer<typeof repositoryFileSpecSchema>;
export type WorkloadSpec = z.infer<typeof workloadSpecSchema>;
export type ServiceEvidence = z.infer<typeof serviceEvidenceSchema>;
