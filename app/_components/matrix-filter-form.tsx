import type { MatrixFilter } from '@/lib/matrix/filter';
import { filterOptions, filterQuery, isFilterActive } from '@/lib/matrix/filter';
import { CELL_STATE_LABELS, type CellState, type MatrixView } from '@/lib/matrix/types';
import { type FilterSelect, MatrixFilterFields } from './matrix-filter-fields';
import './cell-feedback.css';

const EVIDENCE_LABELS: Record<string, string> = {
  'issue-closed': 'issue closed',
  merged: 'merged',
  deployed: 'deployed',
  'data-flowing': 'data flowing',
  none: 'nothing yet',
};

type Choices = Omit<FilterSelect, 'selected'>[];

// The fields' choices are a function of the derived view: made once per store revision, not per request.
const choicesOfView = new WeakMap<MatrixView, Choices>();

function choices(view: MatrixView): Choices {
  let made = choicesOfView.get(view);
  if (!made) {
    const options = filterOptions(view);
    const same = (values: string[]) => values.map((v): [string, string] => [v, v]);
    made = [
      { name: 'service', label: 'Service', options: options.services.map((o) => [o.value, o.label]) },
      { name: 'capability', label: 'Capability', options: options.capabilities.map((o) => [o.value, o.label]) },
      { name: 'runtime', label: 'Runtime', options: same(options.runtimes) },
      {
        name: 'state',
        label: 'State',
        options: options.states.map((s) => [s, CELL_STATE_LABELS[s as CellState]]),
      },
      { name: 'assignee', label: 'Assignee', options: same(options.assignees) },
      { name: 'evidence', label: 'Proven up to', options: options.evidence.map((e) => [e, EVIDENCE_LABELS[e]]) },
    ];
    choicesOfView.set(view, made);
  }
  return made;
}

/**
 * The matrix filter as a plain GET form: the URL is the one source of truth (a PM can share the
 * view), and it works without JavaScript. With JavaScript a change applies at once. The form is
 * keyed by the filter, so a state chip or the back button re-renders every field from the URL.
 * The exports keep the same filter.
 */
export function MatrixFilterForm({ view, filter }: { view: MatrixView; filter: MatrixFilter }) {
  const query = filterQuery(filter);
  const selects = choices(view).map((c) => ({
    ...c,
    selected: filter[c.name as keyof MatrixFilter][0] ?? '',
  }));
  return <MatrixFilterFields key={query} selects={selects} query={query} active={isFilterActive(filter)} />;
}
