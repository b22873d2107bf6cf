import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The simulators the e2e server was started with (written by scripts/serve.ts). */
export function simulatorUrls(): Record<string, string> {
  const file = path.resolve(process.cwd(), `data/e2e/${process.env.E2E_RUN_ID}-simulators.json`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { urls: Record<string, string> }).urls;
}

/** Switches a simulator through its /__sim/ control endpoint (the e2e server runs on the simulators); 'reset' restores it. */
export function controlSimulator(name: string, body: unknown): Promise<Response> {
  return fetch(`${simulatorUrls()[name]}/__sim/${body === 'reset' ? 'reset' : 'control'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === 'reset' ? '{}' : JSON.stringify(body),
  });
}
