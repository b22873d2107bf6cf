import { inOrderAtMost } from '../async/in-order-at-most';
import { type Db, executeStatement, queryStatement, sqliteConnectionOf } from './client';
import type { StoreProvider } from './database-url';
import { yieldToEventLoop } from './event-loop';
import { UNFLUSHED_COMMIT, UNFLUSHED_COMMIT_CTE } from './unflushed-commit';
import { utcTimeText } from './utc-time-text';

/** A column's type, as PostgreSQL reads it from an array (see bulkUpsert). */
export type BulkColumnType = 'text' | 'int' | 'timestamp(3)';

/** Rows are written per statement in batches of this many: a reader waits at most behind one. */
export const BULK_WRITE_BATCH = 500;

export interface BulkUpsert<Column extends string> {
  /** One INSERT … ON CONFLICT DO UPDATE statement for each provider, built once. */
  sql: Record<StoreProvider, string>;
  /** The same INSERT without ON CONFLICT, for rows whose keys are known to be free (bulkUpsert's allNew). */
  insertSql: Record<StoreProvider, string>;
  columns: readonly Column[];
  table: string;
  key: Column;
  columnTypes: Record<Column, BulkColumnType>;
}

/**
 * The statements that insert rows into `table`, or update every column of the row whose `key` is taken
 * already, for bulkUpsert. The columns are listed in the table's order, with PostgreSQL's type of each.
 * `unflushedCommit`: rows the board writes again by itself if a database crash loses them (see
 * UNFLUSHED_COMMIT_CTE), whose commits on PostgreSQL need not wait for the disk.
 */
export function bulkUpsertStatement<Column extends string>(
  table: string,
  key: NoInfer<Column>,
  columnTypes: Record<Column, BulkColumnType>,
  { unflushedCommit = false }: { unflushedCommit?: boolean } = {},
): BulkUpsert<Column> {
  const columns = Object.keys(columnTypes) as Column[];
  const quoted = columns.map((c) => `"${c}"`);
  const onConflict = ` ON CONFLICT ("${key}") DO UPDATE SET ${quoted
    .filter((c) => c !== `"${key}"`)
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}`;
  const into = `INSERT INTO "${table}" (${quoted.join(', ')})`;
  const statements = (conflict: string): Record<StoreProvider, string> => ({
    postgresql: `${unflushedCommit ? `WITH ${UNFLUSHED_COMMIT_CTE} ` : ''}${into} SELECT "batch".* FROM UNNEST(${columns
      .map((column, i) => `$${i + 1}::${columnTypes[column]}[]`)
      .join(', ')}) AS "batch"${unflushedCommit ? ` CROSS JOIN ${UNFLUSHED_COMMIT}` : ''}${conflict}`,
    // One row's statement, prepared once per write and run for every row of a batch in one transaction.
    sqlite: `${into} VALUES (${columns.map(() => '?').join(', ')})${conflict}`,
  });
  return { columns, table, key, columnTypes, sql: statements(onConflict), insertSql: statements('') };
}

/**
 * The rows of a bulk statement's table whose `column` holds `value`, in key order, every column read back as its
 * declared type (a time as a Date): straight from the driver, as a merge reads every stored row of its kind
 * first, and Prisma's engine took longer than the database to hand over even none (3 ms on PostgreSQL).
 */
export async function readBulkRows<Column extends string>(
  db: Db,
  provider: StoreProvider,
  statement: BulkUpsert<Column>,
  column: NoInfer<Column>,
  value: string,
): Promise<Array<Record<Column, unknown>>> {
  const { table, key, columns, columnTypes } = statement;
  const sql =
    `SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM "${table}" ` +
    `WHERE "${column}" = ${provider === 'postgresql' ? '$1' : '?'} ORDER BY "${key}"`;
  const rows = await queryStatement(db, { sql, args: [value], argTypes: [{ scalarType: 'string', arity: 'scalar' }] });
  return rows.map((values) => {
    const row = {} as Record<Column, unknown>;
    columns.forEach((c, i) => {
      const stored = values[i];
      row[c] =
        stored === null || stored === undefined
          ? null
          : columnTypes[c] === 'int'
            ? Number(stored)
            : columnTypes[c] === 'timestamp(3)'
              ? new Date(stored as string)
              : String(stored);
    });
    return row;
  });
}

// PostgreSQL's timestamp(3) keeps UTC without a zone and ignores the "Z"; SQLite gets the text Prisma's adapter writes.
const postgresValue = (value: unknown) => (value instanceof Date ? utcTimeText(value) : value);
const sqliteValue = (value: unknown) =>
  value instanceof Date ? `${utcTimeText(value).slice(0, -1)}+00:00` : (value ?? null);

/** A value as a statement sent past Prisma (executeStatement) passes it: a time as the text Prisma would store. */
export const storedValue = (provider: StoreProvider, value: unknown) =>
  provider === 'postgresql' ? postgresValue(value) : sqliteValue(value);

// A backslash before anything but a quote or a backslash: a JSON escape (\n, \t, \u…) PostgreSQL would not read
// back. Cautious: a string's own backslash before a letter (\\d) matches too, and is then left to pg.
const OTHER_JSON_ESCAPE = /\\[^"\\]/;

/**
 * One column of a batch as its PostgreSQL parameter: the array's literal ({…}), which the statement casts, or
 * the values themselves for pg to write that literal. JSON's text of an array of strings, numbers and nulls is
 * that literal but for its brackets, as long as no string needs an escape other than \" or \\ (PostgreSQL reads
 * a backslash as "take the next character as is", so JSON's \n would come back as n); JSON.stringify writes it
 * natively, where pg escaped it element by element: 9.5 of the 35 ms a 2,000-issue write took, on the board's
 * own thread. Any other text (newlines, tabs) is left to pg.
 */
export function postgresArrayParameter(values: unknown[]): string | unknown[] {
  const json = JSON.stringify(values);
  return OTHER_JSON_ESCAPE.test(json) ? values : `{${json.slice(1, -1)}}`;
}

/**
 * PostgreSQL batches written at once, each on a connection of its own from the pool. The database's own work
 * is most of a write (2,000 issues: 65 ms, 18 of them the board's CPU), and one statement keeps one core busy:
 * two at once wrote them in 48 ms on 2 cores, four did no better.
 */
export const POSTGRES_WRITE_LANES = 2;

/**
 * Writes rows in batches, new and existing rows alike; each batch commits on its own. On PostgreSQL a batch
 * is one statement, with one parameter per column (an array each, UNNEST): parameters per row cost more to
 * send and plan than the database spent writing (250 issues' placeholders took ~25 ms to plan). On SQLite,
 * in the board's own process, a batch is one transaction running one prepared statement per row on the
 * connection itself (sqliteConnectionOf): 2,000 issues took 17 ms that way, against 24 ms for one statement
 * per batch reading the rows out of a JSON text (jsonb_each), the text's making included. Every row's key
 * must differ: on PostgreSQL, batches are written POSTGRES_WRITE_LANES at once. After a batch fails, no
 * further batch is started; the failed one is written whole or not at all.
 *
 * `allNew`: the caller knows that no row's key is in the table (it read the table, and nothing else writes it
 * meanwhile), so each batch is a plain INSERT: PostgreSQL wrote 2,000 issues 2–3 ms faster (of 22) without
 * checking each for a conflict. Should a key be taken after all, its batch fails whole, as any refused batch.
 */
export async function bulkUpsert<Column extends string>(
  db: Db,
  provider: StoreProvider,
  statement: BulkUpsert<Column>,
  rows: ReadonlyArray<Record<Column, unknown>>,
  { allNew = false }: { allNew?: boolean } = {},
): Promise<void> {
  const { columns } = statement;
  const sql = allNew ? statement.insertSql : statement.sql;
  const batches: Array<ReadonlyArray<Record<Column, unknown>>> = [];
  for (let start = 0; start < rows.length; start += BULK_WRITE_BATCH)
    batches.push(rows.slice(start, start + BULK_WRITE_BATCH));
  if (provider === 'postgresql') {
    let failed = false;
    await inOrderAtMost(batches, POSTGRES_WRITE_LANES, async (batch) => {
      if (failed) return;
      const args = columns.map((c) => postgresArrayParameter(batch.map((row) => postgresValue(row[c]))));
      await executeStatement(db, {
        sql: sql.postgresql,
        args,
        argTypes: args.map((arg) => ({ scalarType: 'string', arity: typeof arg === 'string' ? 'scalar' : 'list' })),
      }).catch((error: unknown) => {
        failed = true;
        throw error;
      });
    });
    return;
  }
  const connection = await sqliteConnectionOf(db);
  const upsertRow = connection.prepare(sql.sqlite);
  // One array of a row's values, filled again for each row: the driver binds them as it runs (2,000 rows made
  // 2,000 arrays).
  const values: unknown[] = new Array(columns.length);
  const writeBatch = connection.transaction((batch: ReadonlyArray<Record<Column, unknown>>) => {
    for (const row of batch) {
      for (let i = 0; i < columns.length; i += 1) values[i] = sqliteValue(row[columns[i]]);
      upsertRow.run(values);
    }
  });
  for (const [index, batch] of batches.entries()) {
    // SQLite's driver writes synchronously: without a turn between batches, readers wait for all of them.
    if (index > 0) await yieldToEventLoop();
    writeBatch(batch);
  }
}
