import type { Plan } from '../plan/load';
import type { IssueMatch } from '../plan/schema';

/** Where one issue belongs, from its labels (and, for the gate, its title), as the plan file says. */
export type Classification = { kind: 'cell'; cellKey: string } | { kind: 'unmapped'; note: string };

export type IssueMapping = 'mapped' | 'unmapped' | 'conflict';

export interface MappingDecision {
  cellKey: string | null;
  mapping: IssueMapping;
  note: string | null;
}

/** What classification reads from an issue. */
export interface ClassifiableIssue {
  id: string;
  title: string;
  labels: string[];
  state: string;
  stateReason: string | null;
  openedAt: Date;
}

const lower = (values: string[]) => new Set(values.map((v) => v.toLowerCase()));

/** An IssueMatch in lower case, as labels and titles are compared. */
interface LoweredMatch {
  allLabels: string[];
  noneLabels: string[];
  titleContains: string | undefined;
}
const lowerMatch = (match: IssueMatch): LoweredMatch => ({
  allLabels: match.allLabels.map((l) => l.toLowerCase()),
  noneLabels: match.noneLabels.map((l) => l.toLowerCase()),
  titleContains: match.titleContains?.toLowerCase(),
});
const matchesLowered = (match: LoweredMatch, labels: Set<string>, lowerTitle: string) =>
  (match.allLabels.length > 0 &&
    match.allLabels.every((l) => labels.has(l)) &&
    !match.noneLabels.some((l) => labels.has(l))) ||
  (match.titleContains !== undefined && lowerTitle.includes(match.titleContains));

/** Labels match when all `allLabels` are present and no `noneLabels`; the title when it contains `titleContains`. */
export function matchesIssue(match: IssueMatch, labels: Set<string>, title: string): boolean {
  return matchesLowered(lowerMatch(match), labels, title.toLowerCase());
}

/**
 * Per plan, services by lower-case label, the cell keys and the matches in lower case: classifying is then
 * linear in issues, not issues × fleet, and lowers nothing of the plan's per issue.
 */
const planIndexes = new WeakMap<
  Plan,
  {
    servicesByLabel: Map<string, Plan['services']>;
    cellKeys: Set<string>;
    capabilities: Array<{ capability: Plan['capabilities'][number]; match: LoweredMatch }>;
    gateMatch: LoweredMatch;
    /** Every titleContains of the plan's matches: all a title can change about an issue's classification. */
    titleParts: string[];
  }
>();
function planIndex(plan: Plan) {
  let index = planIndexes.get(plan);
  if (!index) {
    const servicesByLabel = new Map<string, Plan['services']>();
    for (const service of plan.services) {
      const label = service.label.toLowerCase();
      servicesByLabel.set(label, [...(servicesByLabel.get(label) ?? []), service]);
    }
    index = {
      servicesByLabel,
      cellKeys: new Set(plan.cells.map((c) => c.key)),
      capabilities: plan.capabilities.map((capability) => ({ capability, match: lowerMatch(capability.match) })),
      gateMatch: lowerMatch(plan.gateMatch),
      titleParts: [],
    };
    index.titleParts = [
      ...new Set(
        [...index.capabilities.map(({ match }) => match), index.gateMatch].flatMap((m) =>
          m.titleContains === undefined ? [] : [m.titleContains],
        ),
      ),
    ];
    planIndexes.set(plan, index);
  }
  return index;
}

/** The cell an issue belongs to, or why it belongs to none. Pure; the mapping is the plan's data. */
export function classifyIssue(
  plan: Plan,
  issue: Pick<ClassifiableIssue, 'labels' | 'title'>,
  issueLabel = plan.issueLabel,
): Classification {
  const labels = lower(issue.labels);
  if (!labels.has(issueLabel.toLowerCase())) {
    return {
      kind: 'unmapped',
      note: `No longer labelled ${issueLabel}: not part of the plan unless the label is put back.`,
    };
  }
  const index = planIndex(plan);
  const matched = new Set([...labels].flatMap((l) => index.servicesByLabel.get(l) ?? []));
  const services = [...matched].sort((a, b) => a.position - b.position); // plan order, as before
  const lowerTitle = issue.title.toLowerCase();
  const capabilities = index.capabilities
    .filter(({ match }) => matchesLowered(match, labels, lowerTitle))
    .map(({ capability }) => capability);
  const gate = matchesLowered(index.gateMatch, labels, lowerTitle);

  if (gate && services.length === 0) return { kind: 'cell', cellKey: `gate/${plan.gateSlug}` };
  if (services.length === 0) {
    return {
      kind: 'unmapped',
      note: `No service label: expected one of ${plan.services.map((s) => s.label).join(', ')}.`,
    };
  }
  if (services.length > 1) {
    return {
      kind: 'unmapped',
      note: `Several service labels (${services.map((s) => s.label).join(', ')}): the plan has one issue per service and capability.`,
    };
  }
  const service = services[0];
  if (capabilities.length === 0) {
    const capabilityLabels = [...new Set(plan.capabilities.flatMap((c) => c.match.allLabels))];
    return {
      kind: 'unmapped',
      note: `Service ${service.name}, but no capability labels: expected ${capabilityLabels.join(' / ')}.`,
    };
  }
  if (capabilities.length > 1) {
    return {
      kind: 'unmapped',
      note: `Matches several capabilities (${capabilities.map((c) => c.name).join(', ')}): one issue per cell.`,
    };
  }
  const cellKey = `${service.slug}/${capabilities[0].slug}`;
  if (!index.cellKeys.has(cellKey)) {
    return {
      kind: 'unmapped',
      note: `The plan has no ${capabilities[0].name} cell for ${service.name} (not applicable).`,
    };
  }
  return { kind: 'cell', cellKey };
}

// Closed as "not planned" or "duplicate": the issue people actually work on wins the cell.
const setAside = (issue: ClassifiableIssue) =>
  issue.state === 'closed' && (issue.stateReason === 'not_planned' || issue.stateReason === 'duplicate');

function rank(a: ClassifiableIssue, b: ClassifiableIssue): number {
  return (
    Number(setAside(a)) - Number(setAside(b)) || a.openedAt.getTime() - b.openedAt.getTime() || a.id.localeCompare(b.id)
  );
}

/**
 * Decides every issue's mapping at once: one issue per cell (the earliest opened, unless closed as
 * not planned/duplicate); a second one for the same cell is a conflict, an issue matching no cell
 * is unmapped. Both are listed to people, never dropped. Deterministic, whatever the sync order.
 */
export function assignCells(
  plan: Plan,
  issues: ClassifiableIssue[],
  issueLabel = plan.issueLabel,
): Map<string, MappingDecision> {
  const decisions = new Map<string, MappingDecision>();
  const byCell = new Map<string, ClassifiableIssue[]>();
  // Issues share a few label sets: each (labels, which of the plan's title parts the title holds) is classified
  // once. Labels go into the key as given: a set spelled in other letter case is classified again, alike.
  const { titleParts } = planIndex(plan);
  const classified = new Map<string, Classification>();
  for (const issue of issues) {
    const lowerTitle = titleParts.length > 0 ? issue.title.toLowerCase() : '';
    let key = JSON.stringify(issue.labels);
    for (const part of titleParts) key += lowerTitle.includes(part) ? '1' : '0';
    let classification = classified.get(key);
    if (!classification) {
      classification = classifyIssue(plan, issue, issueLabel);
      classified.set(key, classification);
    }
    if (classification.kind === 'unmapped') {
      decisions.set(issue.id, { cellKey: null, mapping: 'unmapped', note: classification.note });
    } else {
      const list = byCell.get(classification.cellKey) ?? [];
      list.push(issue);
      byCell.set(classification.cellKey, list);
    }
  }
  for (const [cellKey, candidates] of byCell) {
    const [winner, ...others] = candidates.sort(rank);
    decisions.set(winner.id, { cellKey, mapping: 'mapped', note: null });
    for (const other of others) {
      decisions.set(other.id, {
        cellKey: null,
        mapping: 'conflict',
        note: `Second issue for ${cellKey}: ${winner.id} is that cell's issue.`,
      });
    }
  }
  return decisions;
}
