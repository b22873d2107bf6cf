'use client';

import { type PackedRow, unpackRowCell } from '@/lib/matrix/row-wire';
import { formatMinutes } from '@/lib/plan/estimate';
import { createContext, type ReactNode, useContext, useState } from 'react';
import { useChangedKeys } from './cell-signals';
import { cellChangeSignature, MatrixCellView } from './matrix-cell';
import { NavLink } from './nav-link';
import { VerifyButton } from './verify-button';

type MatrixColumn = { slug: string; name: string };

const ColumnsContext = createContext<readonly MatrixColumn[]>([]);

/**
 * The capabilities every row of the board lays its cells out by (for the cells' keys and each cell's
 * column name, which a phone shows as rows are lists there). Given once for the whole board: as a
 * prop of each row island they were serialized into the page once per row (on a fleet board of 200
 * rows, half the page's React payload).
 */
export function MatrixColumns({ columns, children }: { columns: readonly MatrixColumn[]; children: ReactNode }) {
  return <ColumnsContext.Provider value={columns}>{children}</ColumnsContext.Provider>;
}

/**
 * One service's row: a client island holding only its own compact cells (packed, row-wire.ts) and
 * its Verify button(s). The server renders it; the browser gets the row's compact data once, not the
 * markup twice, and no component holds the whole table.
 */
export function MatrixRow({
  row,
  dimmed,
  verifyPerCell = true,
}: {
  row: PackedRow;
  /** Keys of cells the filter leaves out (shown dimmed); absent when not filtering. */
  dimmed?: string[];
  /** One Verify button per cell (the plan's size), or one for the whole row (a fleet). */
  verifyPerCell?: boolean;
}) {
  const columns = useContext(ColumnsContext);
  const cells = row.cells.map((packed, index) =>
    packed ? unpackRowCell(row.slug, columns[index].slug, packed) : null,
  );
  // One open cell and one change watch per row, not one per cell.
  const [openKey, setOpenKey] = useState<string | null>(null);
  const changedKeys = useChangedKeys(
    new Map(cells.flatMap((cell) => (cell ? [[cell.key, cellChangeSignature(cell)] as const] : []))),
  );
  return (
    <tr data-service={row.slug}>
      <th scope="row">
        <NavLink href={`/services/${row.slug}`} what={row.name}>
          {row.name}
        </NavLink>
        <span className="runtimes">{row.runtimes.join(' · ')}</span>
        {verifyPerCell ? null : (
          <VerifyButton
            scope={{ kind: 'service', slug: row.slug }}
            label={`Verify every cell of ${row.name} now`}
            compact
          />
        )}
      </th>
      {cells.map((cell, index) =>
        cell ? (
          <td
            key={cell.key}
            data-dimmed={dimmed?.includes(cell.key) ? 'true' : undefined}
            data-capability-name={columns[index].name}
          >
            <MatrixCellView
              cell={cell}
              verify={verifyPerCell}
              open={openKey === cell.key}
              changed={changedKeys.has(cell.key)}
              setOpen={(open) => setOpenKey((now) => (open ? cell.key : now === cell.key ? null : now))}
            />
          </td>
        ) : (
          <td
            key={columns[index].slug}
            className="na"
            data-capability-name={columns[index].name}
            data-cell={`${row.slug}/${columns[index].slug}`}
            data-state="n/a"
          >
            <abbr title="not applicable">n/a</abbr>
          </td>
        ),
      )}
      <td className="total" data-testid="row-total">
        {formatMinutes(row.estimateMinutes)}
      </td>
    </tr>
  );
}
