import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RECORDINGS_DIR } from './recordings';

const SHARED = path.resolve(__dirname, '../../shared/upstream-recordings');

describe('the in-repo copy of the upstream recordings', () => {
  it.skipIf(!existsSync(SHARED))('is byte-for-byte the shared original', () => {
    for (const upstream of ['faro', 'loki', 'pyroscope', 'tempo']) {
      const files = readdirSync(path.join(SHARED, upstream)).sort();
      expect(readdirSync(path.join(RECORDINGS_DIR, upstream)).sort(), upstream).toEqual(files);
      for (const file of files) {
        expect(readFileSync(path.join(RECORDINGS_DIR, upstream, file), 'utf8'), `${upstream}/${file}`).toBe(
          readFileSync(path.join(SHARED, upstream, file), 'utf8'),
        );
      }
    }
  });
});
