import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Real request/response pairs recorded against Pyroscope, Loki, Tempo and Alloy's faro.receiver
 * (a copy of shared/upstream-recordings, kept in the repo so the demo runs on any machine;
 * recordings.test.ts keeps the copy equal to the shared original).
 */
export interface Recording {
  description: string;
  request: {
    method: string;
    path: string;
    query: Record<string, string>;
    headers: Record<string, string>;
    body: unknown;
  };
  response: { status: number; headers: Record<string, string>; body: unknown };
}

export const RECORDINGS_DIR = path.resolve(__dirname, 'recordings');

/** A recording by its path under recordings/, e.g. "loki/ready.json". */
export function recording(name: string): Recording {
  return JSON.parse(readFileSync(path.join(RECORDINGS_DIR, name), 'utf8')) as Recording;
}

/** The response body exactly as the upstream sent it: JSON re-serialised, text as is. */
export function recordedBody(rec: Recording): string {
  return typeof rec.response.body === 'string' ? rec.response.body : JSON.stringify(rec.response.body);
}
