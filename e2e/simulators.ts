import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The simulators the e2e server was started with (written by scripts/serve.ts). */
export function simulatorUrls(): Record<string, string> {
  const file = path.resolve(process.cwd(), `data/e2e/${process.env.E2E_RUN_ID}-simulators.json`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { urls: Record<string, string> }).urls;
}
