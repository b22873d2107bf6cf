import { Registry } from 'prom-client';
import { serverConfig } from '../config/env';
import type { Store } from '../db/store';
import { buildMatrix } from '../matrix/build';
import { buildBurnUp } from '../matrix/burn-up';
import { readMatrixInput } from '../matrix/read';
import { boardRegistry, readSyncFacts } from './board';
import { processMetrics } from './process';

export interface Scrape {
  contentType: string;
  body: string;
}

/**
 * One `GET /metrics` answer: the board's figures read from the shared store (the same on every
 * replica) and this process's own. The matrix is derived once, exactly as /api/matrix derives it.
 */
export async function scrapeMetrics(
  store: Store,
  targetDate: string | null = serverConfig().TARGET_DATE ?? null,
): Promise<Scrape> {
  const [input, sync] = await Promise.all([readMatrixInput(store), readSyncFacts(store.db)]);
  const view = buildMatrix(input);
  const { forecast } = buildBurnUp(input, new Date(), { targetDate });
  const own = processMetrics().registry;
  const merged = Registry.merge([own, boardRegistry(view, forecast, sync)]);
  return { contentType: own.contentType, body: await merged.metrics() };
}
