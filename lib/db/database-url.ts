import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { redactUrl } from '../config/redact';

export type StoreProvider = 'sqlite' | 'postgresql';

export interface StoreLocation {
  provider: StoreProvider;
  /** SQLite: absolute file path. PostgreSQL: connection string without the schema parameter. */
  target: string;
  /** PostgreSQL schema (from ?schema=…), default "public". */
  schema: string;
}

/** Reads DATABASE_URL: file:<path> is SQLite (relative to the working directory), postgres(ql):// is PostgreSQL. */
export function parseDatabaseUrl(url: string): StoreLocation {
  if (url.startsWith('file:')) {
    const file = url.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
    return {
      provider: 'sqlite',
      target: file === ':memory:' ? file : path.resolve(/*turbopackIgnore: true*/ process.cwd(), file),
      schema: 'main',
    };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema') ?? 'public';
    parsed.searchParams.delete('schema');
    return { provider: 'postgresql', target: parsed.toString(), schema };
  }
  throw new Error(`DATABASE_URL must start with file: or postgresql:// (got "${url.split(':')[0]}:…")`);
}

/** The store named by DATABASE_URL cannot be used; the message names the variable and what to check. */
export class StoreLocationError extends Error {
  override name = 'StoreLocationError';
}

// Virtual file systems: SQLite's locking there never completes, so every request would hang.
const VIRTUAL_ROOTS = ['/proc', '/sys', '/dev'];

/**
 * Checks at start that an SQLite path can hold the database: its folder can be created and written. A path
 * the board cannot use fails here, naming DATABASE_URL, instead of hanging or failing on the first write.
 */
export function checkSqlitePath(file: string, url: string): void {
  if (file === ':memory:') return;
  const shown = redactUrl(url);
  if (VIRTUAL_ROOTS.some((root) => file === root || file.startsWith(`${root}/`))) {
    throw new StoreLocationError(
      `DATABASE_URL (${shown}) points into ${file.split('/').slice(0, 2).join('/')}, a virtual file system that ` +
        `cannot hold a database: use a path on a volume, e.g. file:./data/rollout-board.db.`,
    );
  }
  const folder = path.dirname(file);
  try {
    mkdirSync(folder, { recursive: true });
    const probe = path.join(folder, `.rollout-board-write-check-${process.pid}`);
    writeFileSync(probe, '', { flag: 'wx' });
    rmSync(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new StoreLocationError(
      `DATABASE_URL (${shown}): the board cannot create or write the folder ${folder} (${code}). Check the ` +
        `path, and that the board's user may write there (in the chart: the volume mounted at that folder).`,
    );
  }
}

/** A PostgreSQL connection failure, as a sentence naming DATABASE_URL and what to check. */
export function describePostgresFailure(error: unknown, url: string): StoreLocationError {
  const code = (error as { code?: string }).code;
  const parsed = new URL(url);
  const where = `${parsed.hostname}:${parsed.port || '5432'}`;
  const hint =
    code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? 'the host name does not resolve: check the host in DATABASE_URL'
      : code === 'ECONNREFUSED'
        ? 'nothing listens there: check the port, and that PostgreSQL is up'
        : code === '28P01' || code === '28000'
          ? 'PostgreSQL refused the credentials: check the user and password in DATABASE_URL'
          : code === '3D000'
            ? 'the database does not exist: check its name in DATABASE_URL'
            : `check that PostgreSQL is up and reachable from the board ` +
              `(${code ?? (error instanceof Error ? error.message : String(error))})`;
  return new StoreLocationError(`DATABASE_URL (${redactUrl(url)}): cannot connect to PostgreSQL at ${where}: ${hint}.`);
}
