import type { AuditRow } from '@/lib/audit/read';

/** Audit rows as a table: when, who (with roles then), what, on what, and how it ended. */
export function AuditTable({ rows, caption }: { rows: AuditRow[]; caption: string }) {
  if (rows.length === 0) return <p className="na-note">{caption}: nothing recorded yet.</p>;
  return (
    <table className="audit-table" data-testid="audit-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">When (UTC)</th>
          <th scope="col">Who</th>
          <th scope="col">Action</th>
          <th scope="col">On</th>
          <th scope="col">Outcome</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id} data-testid="audit-row" data-action={row.action} data-outcome={row.outcome}>
            <td>
              <time dateTime={row.at}>{row.at.replace('T', ' ').slice(0, 19)}</time>
            </td>
            <td>
              {row.actor}
              {row.roles.length > 0 ? <span className="na-note"> ({row.roles.at(-1)})</span> : null}
            </td>
            <td>{row.action}</td>
            <td>
              <code>{row.target}</code>
            </td>
            <td>
              {row.outcome}
              {row.status ? ` (${row.status})` : ''}
              {row.detail ? <span className="na-note"> {row.detail}</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
