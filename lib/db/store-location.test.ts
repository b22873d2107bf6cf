import { describe, expect, it } from 'vitest';
import { checkSqlitePath, parseDatabaseUrl, StoreLocationError } from './database-url';
import { applyMigrations } from './migrate';

describe('DATABASE_URL checked at start', () => {
  it('refuses a path in a virtual file system (it would hang every request), naming the variable', () => {
    const url = 'file:/proc/self/rollout-board.db';
    expect(() => checkSqlitePath(parseDatabaseUrl(url).target, url)).toThrowError(
      /^DATABASE_URL \(file:\/proc\/self\/rollout-board\.db\) points into \/proc, a virtual file system/,
    );
  });

  it('refuses a folder the board cannot create, saying what to check', () => {
    const url = 'file:/etc/hostname/data/rollout-board.db'; // a file where a folder would have to be
    let error: unknown;
    try {
      checkSqlitePath(parseDatabaseUrl(url).target, url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreLocationError);
    expect((error as Error).message).toMatch(
      new RegExp(
        '^DATABASE_URL \\(file:/etc/hostname/data/rollout-board\\.db\\): the board cannot create or write ' +
          'the folder /etc/hostname/data \\((ENOTDIR|EEXIST)\\)\\. Check the path',
      ),
    );
  });

  it('names DATABASE_URL when PostgreSQL cannot be reached, without its password, and does not hang', async () => {
    const started = Date.now();
    const failure = await applyMigrations(parseDatabaseUrl('postgresql://board:s3cret@127.0.0.1:1/board')).catch(
      (e: Error) => e,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((failure as Error).message).toBe(
      'DATABASE_URL (postgresql://127.0.0.1:1/board): cannot connect to PostgreSQL at 127.0.0.1:1: ' +
        'nothing listens there: check the port, and that PostgreSQL is up.',
    );
  });
});
