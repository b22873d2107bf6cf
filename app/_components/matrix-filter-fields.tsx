'use client';

import { FilterAutoApply } from './filter-auto-apply';

export interface FilterSelect {
  name: string;
  label: string;
  options: Array<[value: string, label: string]>;
  selected: string;
}

/**
 * The matrix filter's form (see MatrixFilterForm). A client component although it needs no
 * JavaScript to work: its props (the fields' options as pairs) are a fraction of the element tree
 * a server component puts into every request's RSC payload, and its markup is the same.
 */
export function MatrixFilterFields({
  selects,
  query,
  active,
}: {
  selects: FilterSelect[];
  query: string;
  active: boolean;
}) {
  return (
    <form
      id="matrix-filter"
      method="get"
      action="/"
      className="matrix-filter"
      aria-label="Filter the matrix"
      data-testid="matrix-filter"
    >
      <FilterAutoApply formId="matrix-filter" />
      {selects.map(({ name, label, options, selected }) => (
        <label key={name} className="filter-field">
          <span>{label}</span>
          <select name={name} defaultValue={selected} data-filter-field={name}>
            <option value="">Any</option>
            {options.map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
        </label>
      ))}
      <button type="submit" className="filter-apply">
        Apply
      </button>
      {active ? <a href="/">Clear filter</a> : null}
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
