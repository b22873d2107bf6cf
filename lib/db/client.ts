import { createHash } from 'node:crypto';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type Database from 'better-sqlite3';
import { PrismaClient as PostgresPrismaClient } from './generated/postgresql/client';
import { PrismaClient as SqlitePrismaClient } from './generated/sqlite/client';
import type { StoreLocation } from './database-url';

/**
 * The store's client. Both generated clients have the same models (the schemas differ only in
 * provider), so the SQLite client's type stands for both.
 */
export type Db = SqlitePrismaClient;

/** A connected driver adapter, as Prisma's engine uses it (Prisma's SqlQueryable). */
type Driver = Awaited<ReturnType<PrismaBetterSqlite3['connect']>>;
/** One statement for the driver: its parameters, and how the adapter should read each. */
export type DriverStatement = Parameters<Driver['executeRaw']>[0];

/**
 * Where a client made by createPrismaClient holds its connected adapter: a registered symbol on the client itself,
 * as the Next.js server bundle may hold this module more than once, each copy with module state of its own.
 */
const HELD_DRIVER = Symbol.for('rollout-board.driver');
type HoldsDriver = { [HELD_DRIVER]?: { current: Driver | null } };

/**
 * The driver adapter under a client made by createPrismaClient while it is connected, else null. Statements
 * sent here skip Prisma's engine, which serializes every parameter to JSON, hands it to its compiler and
 * reads the plan back: for a bulk write's 10,000 values that cost more CPU than the database spent. They
 * run on the same connection (SQLite) or pool (PostgreSQL) as the client's own, but are not traced by
 * Prisma's instrumentation.
 */
export function driverOf(db: Db): Pick<Driver, 'executeRaw' | 'queryRaw' | 'provider'> | null {
  return (db as HoldsDriver)[HELD_DRIVER]?.current ?? null;
}

/**
 * The better-sqlite3 connection under a SQLite client (connecting it first if Prisma has not yet), for work
 * that runs many statements at once, such as a bulk write's one statement per row in one transaction: the
 * driver adapter prepares and maps each statement anew. It is the connection Prisma's own queries use, so
 * what runs on it in one synchronous stretch cannot interleave with them.
 */
export async function sqliteConnectionOf(db: Db): Promise<Database.Database> {
  if (!driverOf(db)) await db.$connect();
  const driver = driverOf(db) as (Driver & { client?: Partial<Database.Database> }) | null;
  // By shape, not instanceof: in the Next.js server bundle the adapter's better-sqlite3 class is not the one
  // this module imports, though it is the same connection.
  const client = driver?.client;
  if (
    driver?.provider !== 'sqlite' ||
    typeof client?.prepare !== 'function' ||
    typeof client.transaction !== 'function'
  ) {
    throw new Error(
      "The SQLite driver adapter holds no better-sqlite3 connection where lib/db/client.ts looks for it (its 'client'): " +
        'check sqliteConnectionOf against the installed @prisma/adapter-better-sqlite3.',
    );
  }
  return client as Database.Database;
}

/**
 * Runs one write straight on the driver when the client has one connected (see driverOf), through Prisma otherwise.
 * It is prepared once: per connection on PostgreSQL (see preparedStatementName), once for SQLite's one connection.
 */
export async function executeStatement(db: Db, statement: DriverStatement): Promise<void> {
  const driver = driverOf(db);
  if (driver?.provider === 'sqlite') sqliteStatement(await sqliteConnectionOf(db), statement.sql).run(statement.args);
  else if (driver) await driver.executeRaw(prepared(statement));
  else await db.$executeRawUnsafe(statement.sql, ...statement.args);
}

/** Like executeStatement, for a statement that returns rows: each row's values in the statement's column order. */
export async function queryStatement(db: Db, statement: DriverStatement): Promise<unknown[][]> {
  const driver = driverOf(db);
  if (driver?.provider === 'sqlite')
    return sqliteStatement(await sqliteConnectionOf(db), statement.sql)
      .raw(true)
      .all(statement.args) as unknown[][];
  if (driver) return (await driver.queryRaw(prepared(statement))).rows;
  const rows = await db.$queryRawUnsafe<Array<Record<string, unknown>>>(statement.sql, ...statement.args);
  return rows.map((row) => Object.values(row));
}

/**
 * SQLite's statements sent past Prisma, prepared once per connection: the adapter prepared each anew, and mapped
 * every value of its answer by the column's declared type, which these statements' readers do themselves. A sync
 * that finds nothing new runs four of them. Their texts are the code's own, so the cache stays small.
 */
const sqliteStatements = new WeakMap<Database.Database, Map<string, Database.Statement>>();
function sqliteStatement(connection: Database.Database, sql: string): Database.Statement {
  let statements = sqliteStatements.get(connection);
  if (!statements) {
    statements = new Map();
    sqliteStatements.set(connection, statements);
  }
  let statement = statements.get(sql);
  if (!statement) {
    statement = connection.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}

/**
 * The statements sent here are few, and their texts are the code's own (never built from data): each is named
 * by its text's hash, which PostgreSQL's adapter passes on to pg (statementNameGenerator), so a connection
 * parses and plans it once and then only binds and runs it. A sync that finds nothing new sends three of them;
 * unnamed, each was parsed and planned anew: a read of the repositories' states took 0.17 ms, named 0.04 ms.
 * Prisma's own queries carry no name and stay unnamed. The name is derived, not counted, so that every copy
 * of this module (see HELD_DRIVER) names a text alike on the pool's shared connections.
 */
const PREPARED_AS = Symbol.for('rollout-board.prepared-as');
const statementNames = new Map<string, string>();
function prepared(statement: DriverStatement): DriverStatement {
  let name = statementNames.get(statement.sql);
  if (name === undefined) {
    name = `rb_${createHash('sha1').update(statement.sql).digest('hex').slice(0, 24)}`;
    statementNames.set(statement.sql, name);
  }
  return Object.assign({ [PREPARED_AS]: name }, statement);
}

/** The adapter's statementNameGenerator: a name for the statements above, none (unnamed) for Prisma's own. */
const preparedStatementName = (query: DriverStatement) =>
  (query as DriverStatement & { [PREPARED_AS]?: string })[PREPARED_AS] as string;

/** Keeps the adapter a factory connects (Prisma connects lazily, and again after $disconnect). */
function keepDriver<Factory extends { connect: () => Promise<Driver> }>(
  factory: Factory,
  held: { current: Driver | null },
) {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const driver = await connect();
    const dispose = driver.dispose.bind(driver);
    driver.dispose = () => {
      if (held.current === driver) held.current = null;
      return dispose();
    };
    held.current = driver;
    return driver;
  };
  return factory;
}

export function createPrismaClient(location: StoreLocation): Db {
  const held: { current: Driver | null } = { current: null };
  const db = createClient(location, held);
  Object.defineProperty(db, HELD_DRIVER, { value: held });
  return db;
}

function createClient(location: StoreLocation, held: { current: Driver | null }): Db {
  if (location.provider === 'sqlite') {
    return new SqlitePrismaClient({
      adapter: keepDriver(new PrismaBetterSqlite3({ url: `file:${location.target}` }), held),
    });
  }
  // Raw SQL (the matrix's indexed reads) names tables unqualified, as the migrations do: the
  // connection's search_path points at the store's schema.
  const searchPath = `"${location.schema.replace(/"/g, '""')}"`;
  const adapter = new PrismaPg(
    { connectionString: location.target, options: `-c search_path=${searchPath}` },
    { schema: location.schema, statementNameGenerator: preparedStatementName },
  );
  return new PostgresPrismaClient({ adapter: keepDriver(adapter, held) }) as unknown as Db;
}
