import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePlan } from '../lib/plan/load';

/** The plan the e2e board was seeded from, read straight from its file. */
export function loadPlanForE2E() {
  const file = path.resolve(process.cwd(), 'lib/plan/phase-3.json');
  return parsePlan(readFileSync(file, 'utf8'), file).plan;
}
