/**
 * Fails when a line in app/ or lib/ is longer than a reviewer's screen (140 columns). The formatter wraps
 * code at 120; this catches what it cannot wrap: long strings and comments.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const MAX_COLUMNS = 140;

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'app', 'lib'], {
  encoding: 'utf8',
})
  .split('\n')
  .filter((file) => /\.(ts|tsx|css)$/.test(file));

const tooLong = files.flatMap((file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line, index) => ([...line].length > MAX_COLUMNS ? [`${file}:${index + 1} (${[...line].length})`] : [])),
);

if (tooLong.length > 0) {
  console.error(`Lines over ${MAX_COLUMNS} columns (split the string or comment):\n  ${tooLong.join('\n  ')}`);
  process.exit(1);
}
console.log(`line length: ${files.length} files in app/ and lib/, none over ${MAX_COLUMNS} columns`);
