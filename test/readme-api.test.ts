import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

/** Every route handler under app/: its URL path (":slug" for "[slug]") and the methods it exports. */
function routes(dir = path.join(root, 'app')): Array<{ path: string; methods: string[] }> {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return routes(full);
    if (name !== 'route.ts') return [];
    const source = readFileSync(full, 'utf8');
    const methods = [...source.matchAll(/export (?:async function|function|const) (GET|POST|PUT|PATCH|DELETE)\b/g)].map(
      (m) => m[1],
    );
    const url = `/${path.relative(path.join(root, 'app'), dir).replace(/\[([^\]]+)\]/g, ':$1')}`;
    return [{ path: url, methods }];
  });
}

/** "METHOD /path" pairs named in the README's endpoint tables (first column, in backticks). */
function documented(): Set<string> {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const pairs = new Set<string>();
  for (const line of readme.split('\n')) {
    const first = /^\|\s*(.+?)\s*\|/.exec(line)?.[1] ?? '';
    for (const m of first.matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/[^`\s]*)`/g)) pairs.add(`${m[1]} ${m[2]}`);
  }
  return pairs;
}

describe('README API tables', () => {
  it('document every API route and method, and nothing that does not exist', () => {
    const docs = documented();
    const api = routes().filter((r) => r.path.startsWith('/api/'));
    const served = new Set(api.flatMap((r) => r.methods.map((m) => `${m} ${r.path}`)));
    expect([...served].filter((pair) => !docs.has(pair))).toEqual([]);
    const all = new Set(routes().flatMap((r) => r.methods.map((m) => `${m} ${r.path}`)));
    expect([...docs].filter((pair) => !all.has(pair))).toEqual([]);
  });
});
