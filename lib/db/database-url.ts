import path from 'node:path';

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
