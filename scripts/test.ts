/**
 * The one test command (README, CI): static checks (Biome lint and format, line length, tsc), unit
 * and store tests (SQLite and PostgreSQL) with Vitest, a production build, then the Playwright e2e suite in Debian Chromium. Ends with one line
 * "N passed, N failed" summing both runners, after the name of every test that failed (CI shows only
 * the log's tail, so the tail must say which test it was).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const results = path.join(root, 'test-results');
const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' };
const only = process.argv[2]; // "unit" or "e2e" runs one half

rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

function run(label: string, command: string, args: string[]): number {
  console.log(`\n▶ ${label}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  return result.status ?? 1;
}

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
  failures: string[];
}

function vitestTally(file: string): Tally | null {
  if (!existsSync(file)) return null;
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    testResults: Array<{
      name: string;
      status: string;
      message: string;
      assertionResults: Array<{ fullName: string; status: string; failureMessages: string[] }>;
    }>;
  };
  const failures: string[] = [];
  for (const suite of report.testResults) {
    const file = path.relative(root, suite.name);
    const failedTests = suite.assertionResults.filter((test) => test.status === 'failed');
    for (const test of failedTests) failures.push(`${file} › ${test.fullName}: ${firstLine(test.failureMessages[0])}`);
    // A file that fails before any test runs (an import or a hook) has no failed test to name.
    if (suite.status === 'failed' && failedTests.length === 0) failures.push(`${file}: ${firstLine(suite.message)}`);
  }
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests,
    skipped: report.numPendingTests + report.numTodoTests,
    failures,
  };
}

interface PlaywrightSuite {
  title: string;
  file?: string;
  specs?: Array<{
    title: string;
    file: string;
    line: number;
    tests: Array<{ projectName: string; status: string; results: Array<{ error?: { message?: string } }> }>;
  }>;
  suites?: PlaywrightSuite[];
}

function playwrightFailures(suites: PlaywrightSuite[], titles: string[] = []): string[] {
  return suites.flatMap((suite) => {
    const titlePath = suite.file === suite.title ? titles : [...titles, suite.title];
    const own = (suite.specs ?? []).flatMap((spec) =>
      spec.tests
        .filter((test) => test.status === 'unexpected')
        .map((test) => {
          const error = test.results.at(-1)?.error?.message;
          return `[${test.projectName}] ${spec.file}:${spec.line} › ${[...titlePath, spec.title].join(' › ')}: ${firstLine(error)}`;
        }),
    );
    return [...own, ...playwrightFailures(suite.suites ?? [], titlePath)];
  });
}

/** The first line of an error, without terminal colours: enough to tell failures apart in a log tail. */
function firstLine(message: string | undefined): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape is what is being removed
  const plain = (message ?? 'no message').replace(/\u001b\[[0-9;]*m/g, '');
  return plain.split('\n').find((line) => line.trim() !== '') ?? 'no message';
}

function playwrightTally(file: string): Tally | null {
  if (!existsSync(file)) return null;
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    stats: { expected: number; unexpected: number; flaky: number; skipped: number };
    suites: PlaywrightSuite[];
  };
  return {
    passed: report.stats.expected + report.stats.flaky,
    failed: report.stats.unexpected,
    skipped: report.stats.skipped,
    failures: playwrightFailures(report.suites),
  };
}

const exitCodes: number[] = [];
const tallies: Tally[] = [];

// Static checks come first and stop the run: lint and format (Biome), line length, then types.
const staticChecks: Array<[string, string, string[]]> = [
  ['lint and format', 'npx', ['biome', 'ci', '--colors=off', '.']],
  ['line length', 'npx', ['tsx', 'scripts/check-line-length.ts']],
  ['types', 'npx', ['tsc', '--noEmit']],
];
for (const [label, command, args] of staticChecks) {
  if (run(label, command, args) !== 0) {
    console.log(`\n0 passed, 1 failed (static check "${label}" failed: fix it, or run npm run format)`);
    process.exit(1);
  }
}

if (only !== 'e2e') {
  const unitReport = path.join(results, 'unit.json');
  exitCodes.push(
    run('unit and store tests', 'npx', [
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile=${unitReport}`,
    ]),
  );
  tallies.push(vitestTally(unitReport) ?? { passed: 0, failed: 1, skipped: 0, failures: [] });
}

if (only !== 'unit') {
  const buildCode = run('production build', 'npx', ['next', 'build']);
  exitCodes.push(buildCode);
  if (buildCode === 0) {
    const e2eReport = path.join(results, 'e2e.json');
    exitCodes.push(run('e2e in Chromium', 'npx', ['playwright', 'test']));
    tallies.push(playwrightTally(e2eReport) ?? { passed: 0, failed: 1, skipped: 0, failures: [] });
  } else {
    tallies.push({ passed: 0, failed: 1, skipped: 0, failures: [] });
  }
}

const total = tallies.reduce(
  (a, t) => ({ passed: a.passed + t.passed, failed: a.failed + t.failed, skipped: a.skipped + t.skipped }),
  {
    passed: 0,
    failed: 0,
    skipped: 0,
  },
);
const failures = tallies.flatMap((tally) => tally.failures);
if (failures.length > 0) console.log(`\nFailed:\n${failures.map((failure) => `  ✘ ${failure}`).join('\n')}`);
const failed = exitCodes.some((code) => code !== 0) ? Math.max(total.failed, 1) : total.failed;
console.log(`\n${total.passed} passed, ${failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
