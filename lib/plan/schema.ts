import { z } from 'zod';
import { parseEstimateMinutes } from './estimate';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a lower-case slug like "acapy-agent"');

const estimate = z.string().refine((text) => parseEstimateMinutes(text) !== null, {
  message: 'could not read this as an effort estimate (expected e.g. "~15min", "~1h", "~½ day")',
});

/** How an issue's labels (and title) pick out a capability or the gate. */
export const issueMatchSchema = z.object({
  allLabels: z.array(z.string()).default([]),
  noneLabels: z.array(z.string()).default([]),
  titleContains: z.string().optional(),
});

export const capabilitySchema = z.object({
  slug,
  name: z.string().min(1),
  signal: z.enum(['profiling', 'faro']),
  part: z.enum(['code', 'helm']),
  match: issueMatchSchema,
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
  repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'expected owner/name').optional(),
  telemetry: serviceTelemetrySchema,
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
        ctx.addIssue({ code: 'custom', path: ['services', index, 'slug'], message: `duplicate service "${service.slug}"` });
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
    });
  });

export type PlanFile = z.infer<typeof planFileSchema>;
export type IssueMatch = z.infer<typeof issueMatchSchema>;
export type ServiceTelemetry = z.infer<typeof serviceTelemetrySchema>;
