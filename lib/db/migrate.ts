import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { checkSqlitePath, describePostgresFailure, type StoreLocation, type StoreProvider } from './database-url';

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export const migrationsDir = (provider: StoreProvider) =>
  path.resolve(/*turbopackIgnore: true*/ process.cwd(), 'prisma', provider, 'migrations');

/** The committed migrations for a provider, in name order (Prisma's own layout). */
export function readMigrations(provider: StoreProvider): Migration[] {
  const dir = migrationsDir(provider);
  if (!existsSync(dir)) throw new Error(`No migrations at ${dir}: run the board from the project root.`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

// Prisma's own bookkeeping table, so a real `prisma migrate deploy` later sees these as applied.
const SQLITE_LEDGER = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME, "migration_name" TEXT NOT NULL,
  "logs" TEXT, "rolled_back_at" DATETIME, "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
  "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`;
const POSTGRES_LEDGER = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`;

function checkNotEdited(applied: Map<string, string>, migrations: Migration[]) {
  for (const m of migrations) {
    const checksum = applied.get(m.name);
    if (checksum && checksum !== m.checksum) {
      throw new Error(
        `Migration ${m.name} was edited after it was applied (checksum differs). Add a new migration instead of changing an applied one.`,
      );
    }
  }
}

function migrateSqlite(file: string, migrations: Migration[]): string[] {
  // The embedded store is created on first start, folder included; a folder it cannot write fails here.
  checkSqlitePath(file, `file:${file}`);
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec(SQLITE_LEDGER);
    const applied = new Map(
      (
        db
          .prepare('SELECT migration_name, checksum FROM _prisma_migrations WHERE rolled_back_at IS NULL')
          .all() as Array<{
          migration_name: string;
          checksum: string;
        }>
      ).map((r) => [r.migration_name, r.checksum]),
    );
    checkNotEdited(applied, migrations);
    const ran: string[] = [];
    for (const m of migrations.filter((m) => !applied.has(m.name))) {
      db.transaction(() => {
        db.exec(m.sql);
        db.prepare(
          'INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, started_at, applied_steps_count) ' +
            'VALUES (?, ?, ?, ?, ?, 1)',
        ).run(randomUUID(), m.checksum, new Date().toISOString(), m.name, new Date().toISOString());
      }).immediate();
      ran.push(m.name);
    }
    return ran;
  } finally {
    db.close();
  }
}

async function migratePostgres(connectionString: string, schema: string, migrations: Migration[]): Promise<string[]> {
  // A host that never answers must fail start-up, not hang it.
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    throw describePostgresFailure(error, connectionString);
  }
  try {
    const quotedSchema = `"${schema.replace(/"/g, '""')}"`;
    // One replica migrates at a time; the others wait here, then find nothing left to do.
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`rollout-board:migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quotedSchema}`);
    await client.query(`SET search_path TO ${quotedSchema}`);
    await client.query(POSTGRES_LEDGER);
    const { rows } = await client.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM _prisma_migrations WHERE rolled_back_at IS NULL',
    );
    const applied = new Map(rows.map((r) => [r.migration_name, r.checksum]));
    checkNotEdited(applied, migrations);
    const ran: string[] = [];
    for (const m of migrations.filter((m) => !applied.has(m.name))) {
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query(
          'INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, started_at, applied_steps_count) ' +
            'VALUES ($1, $2, now(), $3, now(), 1)',
          [randomUUID(), m.checksum, m.name],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${m.name} failed and was rolled back: ${(error as Error).message}`);
      }
      ran.push(m.name);
    }
    return ran;
  } finally {
    await client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
    await client.end();
  }
}

/** Applies the committed migrations that the store lacks; returns the names it applied. */
export async function applyMigrations(location: StoreLocation): Promise<string[]> {
  return applyMigrationList(location, readMigrations(location.provider));
}

export async function applyMigrationList(location: StoreLocation, migrations: Migration[]): Promise<string[]> {
  if (location.provider === 'sqlite') return migrateSqlite(location.target, migrations);
  return migratePostgres(location.target, location.schema, migrations);
}
