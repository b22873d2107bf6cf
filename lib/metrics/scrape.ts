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

export interface ScrapeOptions {
  /** TARGET_DATE, for the forecast figures. */
  targetDate?: string | null;
  /**
   * How long one rendering of the board's figures serves further scrapes once done (one under way is
   * always shared). Several Prometheus servers, or an HA pair, scraping together then cost one
   * derivation; the figures are never older than this.
   */
  reuseMs?: number;
}

export const BOARD_FIGURES_REUSE_MS = 1_000;

interface Rendering {
  text: Promise<string>;
  doneAt: number | null;
}
const KEY = Symbol.for('rollout-board.metrics.board-figures');
const holder = globalThis as typeof globalThis & { [KEY]?: WeakMap<Store, Map<string, Rendering>> };

/** The board's figures as exposition text, from the shared store, through the one matrix derivation. */
async function renderBoardFigures(store: Store, targetDate: string | null): Promise<string> {
  const [input, sync] = await Promise.all([readMatrixInput(store), readSyncFacts(store.db)]);
  const { forecast } = buildBurnUp(input, new Date(), { targetDate });
  return boardRegistry(buildMatrix(input), forecast, sync).metrics();
}

function boardFigures(store: Store, targetDate: string | null, reuseMs: number): Promise<string> {
  holder[KEY] ??= new WeakMap();
  const renderings = holder[KEY].get(store) ?? new Map<string, Rendering>();
  holder[KEY].set(store, renderings);
  const key = targetDate ?? '';
  const current = renderings.get(key);
  if (current && (current.doneAt === null || Date.now() - current.doneAt <= reuseMs)) return current.text;
  const rendering: Rendering = { text: renderBoardFigures(store, targetDate), doneAt: null };
  renderings.set(key, rendering);
  rendering.text.then(
    () => {
      rendering.doneAt = Date.now();
    },
    // A failed rendering is not reused: the next scrape tries again.
    () => renderings.get(key) === rendering && renderings.delete(key),
  );
  return rendering.text;
}

/**
 * One `GET /metrics` answer: the board's figures read from the shared store (the same on every
 * replica) and this process's own (always fresh).
 */
export async function scrapeMetrics(store: Store, options: ScrapeOptions = {}): Promise<Scrape> {
  const targetDate = options.targetDate === undefined ? (serverConfig().TARGET_DATE ?? null) : options.targetDate;
  const own = processMetrics().registry;
  const [process, board] = await Promise.all([
    own.metrics(),
    boardFigures(store, targetDate, options.reuseMs ?? BOARD_FIGURES_REUSE_MS),
  ]);
  return { contentType: own.contentType, body: `${process.trimEnd()}\n${board}` };
}
