import type { Store } from '../db/store';
import { exportRows, toCsv, type ExportRow } from './csv';
import { matchingCellKeys, type MatrixFilter } from './filter';
import { readMatrix } from './read';

/** The export rows of the cells that pass the filter: what both /api/matrix.csv and /api/matrix.json serve. */
export async function readExportRows(store: Store, filter: MatrixFilter): Promise<ExportRow[]> {
  const view = await readMatrix(store);
  const keep = matchingCellKeys(view, filter);
  return exportRows(view).filter((row) => keep.has(row.cell));
}

export { toCsv };
