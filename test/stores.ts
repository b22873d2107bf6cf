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
    return {
      url: `file:${path.join(dir, 'test.db')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const base = inject('postgresUrl');
  const url = `${base}${base.includes('?') ? '&' : '?'}schema=${schema}`;
  return {
    url,
    drop: async () => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      try {
        // Work a test left running in the background (e.g. a job's follow-up) can still hold locks
        // on the schema; PostgreSQL then picks the DROP as a deadlock victim. Try again shortly.
        for (let attempt = 1; ; attempt++) {
          try {
            await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
            break;
          } catch (error) {
            if ((error as { code?: string }).code !== '40P01' || attempt >= 5) throw error;
            await new Promise((r) => setTimeout(r, 100 * attempt));
          }
        }
      } finally {
        await client.end();
      }
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

/**
 * Stores a closed GitHub issue mapped to a cell, as a sync would: what most derivation tests start
 * from ("the issue is closed: is the capability delivered?").
 */
export async function storeClosedIssue(
  store: Pick<TestStore, 'db' | 'plan'>,
  cellKey: string,
  { number = 1, title = cellKey, openedAt }: { number?: number; title?: string; openedAt?: Date } = {},
) {
  const now = new Date();
  await store.db.issue.create({
    data: {
      id: `bcgov/rollout#${number}`,
      planId: store.plan.id,
      repo: 'bcgov/rollout',
      number,
      title,
      state: 'closed',
      labels: '[]',
      assignees: '[]',
      htmlUrl: `https://github.com/bcgov/rollout/issues/${number}`,
      linkedPullRequests: '[]',
      cellKey,
      mapping: 'mapped',
      openedAt: openedAt ?? now,
      updatedAt: now,
      closedAt: now,
      syncedAt: now,
    },
  });
}
