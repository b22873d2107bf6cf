import type { MatrixFilter } from '@/lib/matrix/filter';
import { filterOptions, filterQuery, isFilterActive } from '@/lib/matrix/filter';
import { CELL_STATE_LABELS, type CellState, type MatrixView } from '@/lib/matrix/types';
import { FilterAutoApply } from './filter-auto-apply';
import './cell-feedback.css';

const EVIDENCE_LABELS: Record<string, string> = {
  'issue-closed': 'issue closed',
  merged: 'merged',
  deployed: 'deployed',
  'data-flowing': 'data flowing',
  none: 'nothing yet',
};

function Select({
  name,
  label,
  options,
  selected,
}: {
  name: keyof MatrixFilter;
  label: string;
  options: Array<{ value: string; label: string }>;
  selected: string[];
}) {
  return (
    <label className="filter-field">
      <span>{label}</span>
      <select name={name} defaultValue={selected[0] ?? ''} data-filter-field={name}>
        <option value="">Any</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * The matrix filter as a plain GET form: the URL is the one source of truth (a PM can share the
 * view), and it works without JavaScript. With JavaScript a change applies at once. The form is
 * keyed by the filter, so a state chip or the back button re-renders every field from the URL.
 * The exports keep the same filter.
 */
export function MatrixFilterForm({ view, filter }: { view: MatrixView; filter: MatrixFilter }) {
  const options = filterOptions(view);
  const query = filterQuery(filter);
  return (
    <form
      key={query}
      id="matrix-filter"
      method="get"
      action="/"
      className="matrix-filter"
      aria-label="Filter the matrix"
      data-testid="matrix-filter"
    >
      <FilterAutoApply formId="matrix-filter" />
      <Select name="service" label="Service" options={options.services} selected={filter.service} />
      <Select name="capability" label="Capability" options={options.capabilities} selected={filter.capability} />
      <Select
        name="runtime"
        label="Runtime"
        options={options.runtimes.map((r) => ({ value: r, label: r }))}
        selected={filter.runtime}
      />
      <Select
        name="state"
        label="State"
        options={options.states.map((s) => ({ value: s, label: CELL_STATE_LABELS[s as CellState] }))}
        selected={filter.state}
      />
      <Select
        name="assignee"
        label="Assignee"
        options={options.assignees.map((a) => ({ value: a, label: a }))}
        selected={filter.assignee}
      />
      <Select
        name="evidence"
        label="Proven up to"
        options={options.evidence.map((e) => ({ value: e, label: EVIDENCE_LABELS[e] }))}
        selected={filter.evidence}
      />
      <button type="submit" className="filter-apply">
        Apply
      </button>
      {isFilterActive(filter) ? <a href="/">Clear filter</a> : null}
      <span className="exports">
        Export:{' '}
        <a href={`/api/matrix.csv${query}`} download>
          CSV
        </a>{' '}
        · <a href={`/api/matrix.json${query}`}>JSON</a>
      </span>
    </form>
  );
}
