import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as PostgresPrismaClient } from './generated/postgresql/client';
import { PrismaClient as SqlitePrismaClient } from './generated/sqlite/client';
import type { StoreLocation } from './database-url';

/**
 * The store's client. Both generated clients have the same models (the schemas differ only in
 * provider), so the SQLite client's type stands for both.
 */
export type Db = SqlitePrismaClient;

export function createPrismaClient(location: StoreLocation): Db {
  if (location.provider === 'sqlite') {
    return new SqlitePrismaClient({ adapter: new PrismaBetterSqlite3({ url: `file:${location.target}` }) });
  }
  // Raw SQL (the matrix's indexed reads) names tables unqualified, as the migrations do: the
  // connection's search_path points at the store's schema.
  const searchPath = `"${location.schema.replace(/"/g, '""')}"`;
  const adapter = new PrismaPg(
    { connectionString: location.target, options: `-c search_path=${searchPath}` },
    { schema: location.schema },
  );
  return new PostgresPrismaClient({ adapter }) as unknown as Db;
}
