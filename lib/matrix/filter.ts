import { z } from 'zod';
import { CELL_STATES, CHAIN_LINKS, type MatrixCell, type MatrixView } from './types';

const FURTHEST_LINKS = [...CHAIN_LINKS, 'none'] as const;

const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) =>
    v === undefined
      ? []
      : (Array.isArray(v) ? v : [v])
          .flatMap((s) => s.split(','))
          .map((s) => s.trim())
          .filter(Boolean),
  );

/** A shareable matrix filter, read from URL search params (?state=closed-unverified&service=traction). */
export const matrixFilterSchema = z.object({
  service: list,
  capability: list,
  runtime: list,
  state: list.pipe(z.array(z.enum(CELL_STATES, { message: `expected one of ${CELL_STATES.join(', ')}` }))),
  assignee: list,
  /** The furthest evidence link a cell has proven (issue-closed … data-flowing), or "none". */
  evidence: list.pipe(z.array(z.enum(FURTHEST_LINKS, { message: `expected one of ${FURTHEST_LINKS.join(', ')}` }))),
});

export type MatrixFilter = z.infer<typeof matrixFilterSchema>;

export const EMPTY_FILTER: MatrixFilter = {
  service: [],
  capability: [],
  runtime: [],
  state: [],
  assignee: [],
  evidence: [],
};

export function isFilterActive(filter: MatrixFilter): boolean {
  return Object.values(filter).some((values) => values.length > 0);
}

/** URLSearchParams as the record Next gives pages (repeated keys become arrays). */
export function searchParamsRecord(params: URLSearchParams): Record<string, string[]> {
  return Object.fromEntries([...new Set(params.keys())].map((k) => [k, params.getAll(k)]));
}

/** Parses search params (Next's record or URLSearchParams) into a filter; invalid values are reported, not ignored. */
export function parseMatrixFilter(params: URLSearchParams | Record<string, string | string[] | undefined>) {
  return matrixFilterSchema.safeParse(params instanceof URLSearchParams ? searchParamsRecord(params) : params);
}

/**
 * Whether one cell passes the filter (service, runtime, capability, state, assignee, evidence).
 * runtimes: its service's; null for the gate, which belongs to no service and runs on no runtime.
 */
export function cellMatches(cell: MatrixCell, runtimes: string[] | null, filter: MatrixFilter): boolean {
  if (filter.service.length && !filter.service.includes(cell.serviceSlug ?? '(gate)')) return false;
  if (filter.runtime.length && !runtimes?.some((r) => filter.runtime.includes(r))) return false;
  if (filter.capability.length && !filter.capability.includes(cell.capabilitySlug)) return false;
  if (filter.state.length && !filter.state.includes(cell.state)) return false;
  if (filter.assignee.length && !cell.issue?.assignees.some((a) => filter.assignee.includes(a))) return false;
  if (filter.evidence.length && !filter.evidence.includes(cell.chain.furthest ?? 'none')) return false;
  return true;
}

/** The keys of the cells (gate included) that pass the filter. */
export function matchingCellKeys(view: MatrixView, filter: MatrixFilter): Set<string> {
  const keys = new Set<string>();
  if (view.gate && cellMatches(view.gate, null, filter)) keys.add(view.gate.key);
  for (const row of view.rows) {
    for (const cell of row.cells) if (cell && cellMatches(cell, row.service.runtimes, filter)) keys.add(cell.key);
  }
  return keys;
}

/** What a filter leaves shown: how many cells, their estimates and how many of them are verified (the gate included when it matches). */
export interface FilterMatchFigures {
  cells: number;
  estimateMinutes: number;
  verified: number;
}

export function filterMatchFigures(view: MatrixView, keys: Set<string>): FilterMatchFigures {
  const cells = [view.gate, ...view.rows.flatMap((r) => r.cells)].filter(
    (c): c is MatrixCell => c !== null && keys.has(c.key),
  );
  return {
    cells: cells.length,
    estimateMinutes: cells.reduce((sum, c) => sum + c.estimateMinutes, 0),
    verified: cells.filter((c) => c.state === 'verified').length,
  };
}

export type FilterOptions = ReturnType<typeof readFilterOptions>;

// The view of a cached derivation is the same object for every page until the store moves on.
const optionsOfView = new WeakMap<MatrixView, FilterOptions>();

/** Everything a filter form can offer, from the view itself: once per view (shared: not to be changed). */
export function filterOptions(view: MatrixView): FilterOptions {
  let options = optionsOfView.get(view);
  if (!options) {
    options = readFilterOptions(view);
    optionsOfView.set(view, options);
  }
  return options;
}

function readFilterOptions(view: MatrixView) {
  const assignees = new Set<string>();
  for (const row of view.rows)
    for (const cell of row.cells) for (const a of cell?.issue?.assignees ?? []) assignees.add(a);
  return {
    services: view.rows.map((r) => ({ value: r.service.slug, label: r.service.name })),
    capabilities: view.columns.map((c) => ({ value: c.slug, label: c.name })),
    runtimes: [...new Set(view.rows.flatMap((r) => r.service.runtimes))].sort(),
    states: [...CELL_STATES],
    assignees: [...assignees].sort(),
    evidence: [...FURTHEST_LINKS],
  };
}

/** The filter as a query string, for links and exports that keep the current view. */
export function filterQuery(filter: MatrixFilter): string {
  const params = new URLSearchParams();
  for (const [key, values] of Object.entries(filter)) for (const v of values) params.append(key, v);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The board's link with this filter and these groups showing all their services (?expand=, after the filter). */
export function boardHref(filter: MatrixFilter, expandedGroups: Iterable<string>): string {
  const query = filterQuery(filter);
  const groups = [...expandedGroups];
  if (groups.length === 0) return `/${query}`;
  return `/${query}${query ? '&' : '?'}expand=${groups.join(',')}`;
}
