import type { Db } from './client';
import type { Plan } from '../plan/load';

/**
 * Loads a plan into the store. Unchanged file (same hash) → no writes. Otherwise the plan's
 * services, capabilities and cells are replaced in one transaction; issues and check results
 * refer to cells by key and are never touched here.
 */
export async function seedPlan(db: Db, plan: Plan, fileHash: string): Promise<{ changed: boolean }> {
  const existing = await db.plan.findUnique({ where: { id: plan.id }, select: { fileHash: true } });
  if (existing?.fileHash === fileHash) return { changed: false };

  const planRow = {
    title: plan.title,
    source: plan.source,
    issueLabel: plan.issueLabel,
    headlineEstimateText: plan.headlineEstimateText,
    headlineEstimateMinutes: plan.headlineEstimateMinutes,
    prerequisite: plan.prerequisite,
    fileHash,
    loadedAt: new Date(),
  };
  await db.$transaction([
    db.plan.upsert({ where: { id: plan.id }, create: { id: plan.id, ...planRow }, update: planRow }),
    db.service.deleteMany({ where: { planId: plan.id } }),
    db.capability.deleteMany({ where: { planId: plan.id } }),
    db.cell.deleteMany({ where: { planId: plan.id } }),
    db.service.createMany({
      data: plan.services.map((s) => ({
        planId: plan.id,
        slug: s.slug,
        position: s.position,
        name: s.name,
        label: s.label,
        runtimes: JSON.stringify(s.runtimes),
        hasFrontend: s.hasFrontend,
        repository: s.repository,
        telemetry: JSON.stringify(s.telemetry),
      })),
    }),
    db.capability.createMany({
      data: plan.capabilities.map((c) => ({
        planId: plan.id,
        slug: c.slug,
        position: c.position,
        name: c.name,
        signal: c.signal,
        part: c.part,
        match: JSON.stringify(c.match),
      })),
    }),
    db.cell.createMany({
      data: plan.cells.map((c) => ({
        planId: plan.id,
        key: c.key,
        serviceSlug: c.serviceSlug,
        capabilitySlug: c.capabilitySlug,
        title: c.title,
        labels: JSON.stringify(c.labels),
        estimateText: c.estimateText,
        estimateMinutes: c.estimateMinutes,
        entryPoint: c.entryPoint,
        requirements: JSON.stringify(c.requirements),
        criteria: JSON.stringify(c.criteria),
      })),
    }),
  ]);
  return { changed: true };
}
