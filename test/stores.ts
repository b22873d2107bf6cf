import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openStore, type Store } from '@/lib/db/store';

export type TestProvider = 'sqlite' | 'postgresql';
export const STORE_PROVIDERS: TestProvider[] = ['sqlite', 'postgresql'];

export const PHASE_3_PLAN = path.resolve(__dirname, '../lib/plan/phase-3.json');

export interface TestStore extends Store {
  databaseUrl: string;
  /** Closes the client and deletes the database (SQLite file or PostgreSQL schema). */
  destroy: () => Promise<void>;
}

/** A fresh, empty database location for one test: a temp SQLite file or a new PostgreSQL schema. */
export function freshDatabaseUrl(provider: TestProvider): { url: string; drop: () => Promise<void> } {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rollout-board-test-'));
    return { url: `file:${path.join(dir, 'test.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const base = inject('postgresUrl');
  const url = `${base}${base.includes('?') ? '&' : '?'}schema=${schema}`;
  return {
    url,
    drop: async () => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}

/** Opens a migrated, seeded store on a fresh database of the given provider. */
export async function openTestStore(provider: TestProvider, planFilePath = PHASE_3_PLAN): Promise<TestStore> {
  const { url, drop } = freshDatabaseUrl(provider);
  const store = await openStore({ databaseUrl: url, planFilePath });
  return {
    ...store,
    databaseUrl: url,
    destroy: async () => {
      await store.db.$disconnect();
      await drop();
    },
  };
}
