import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RECORDINGS_DIR } from './recordings';

// SHA256SUMS was taken from the shared originals (shared/upstream-recordings) when they were copied in,
// so the copy the simulators and parser tests replay cannot drift from the real exchanges unnoticed.
const MANIFEST = path.join(RECORDINGS_DIR, 'SHA256SUMS');

describe('the in-repo copy of the upstream recordings', () => {
  it('holds exactly the recorded files, each byte-for-byte as recorded (SHA256SUMS)', () => {
    const expected = new Map(
      readFileSync(MANIFEST, 'utf8')
        .trim()
        .split('\n')
        .map((line) => {
          const [sha, file] = line.split(/\s+/);
          return [file, sha] as const;
        }),
    );
    const present = ['faro', 'loki', 'pyroscope', 'tempo'].flatMap((upstream) =>
      readdirSync(path.join(RECORDINGS_DIR, upstream)).map((file) => `${upstream}/${file}`),
    );
    expect(present.sort()).toEqual([...expected.keys()].sort());
    for (const file of present) {
      const sha = createHash('sha256')
        .update(readFileSync(path.join(RECORDINGS_DIR, file)))
        .digest('hex');
      expect(sha, file).toBe(expected.get(file));
    }
    expect(expected.size).toBeGreaterThan(40);
  });
});
