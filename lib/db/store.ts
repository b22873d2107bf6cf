import { serverConfig } from '../config/env';
import { loadPlanFile, type Plan } from '../plan/load';
import { seedPlan } from './seed-plan';
import { createPrismaClient, type Db } from './client';
import { parseDatabaseUrl, type StoreLocation } from './database-url';
import { applyMigrations } from './migrate';

export interface Store {
  db: Db;
  location: StoreLocation;
  /** The plan this board tracks, as loaded from its file at start-up. */
  plan: Plan;
}

export interface OpenStoreOptions {
  databaseUrl: string;
  planFilePath: string;
}

/** Migrates the store, loads the plan file into it, and returns a ready client. */
export async function openStore({ databaseUrl, planFilePath }: OpenStoreOptions): Promise<Store> {
  const { plan, fileHash } = loadPlanFile(planFilePath);
  const location = parseDatabaseUrl(databaseUrl);
  await applyMigrations(location);
  const db = createPrismaClient(location);
  await seedPlan(db, plan, fileHash);
  return { db, location, plan };
}

// One store per server process, shared across requests and surviving dev-mode module reloads.
const holder = globalThis as unknown as { __rolloutBoardStore?: Promise<Store> };

/** The server's store, opened from the configuration on first use. */
export function getStore(): Promise<Store> {
  if (!holder.__rolloutBoardStore) {
    const config = serverConfig();
    holder.__rolloutBoardStore = openStore({ databaseUrl: config.DATABASE_URL, planFilePath: config.planFilePath });
    // A failed open must not stick: the next request tries again (e.g. once PostgreSQL is up).
    holder.__rolloutBoardStore.catch(() => {
      holder.__rolloutBoardStore = undefined;
    });
  }
  return holder.__rolloutBoardStore;
}
