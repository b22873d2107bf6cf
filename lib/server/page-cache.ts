import { serverConfig } from '../config/env';
import { readStoreRevisions } from '../db/revision';
import { errorFields, logger } from '../log/logger';
import { getRuntime } from './runtime';
import { SplicedBody } from './spliced-body';

/**
 * The matrix page, rendered once per store change and viewer. Everybody who has the board open asks for
 * the same page, and rendering it costs several times what answering at all does (issue 16: plan-size
 * `/` against /api/health). What the page shows comes from the store, whose revisions move on every
 * write it derives from (a sync, a check result, a sign-off, a job starting or ending), and from who is
 * looking. So a rendered page is served again only for the same address, the same viewer and the same
 * revisions, and for at most PAGE_CACHE_TTL: what only the clock changes ("2 min ago", a sign-off
 * expiring) is at most that old, and the browser re-renders relative times by its own clock anyway.
 * The only part of the HTML that differs between two renders is the CSP nonce; each answer gets its own,
 * spliced into a body gzipped once when it is kept (a browser always asks for gzip, and compressing the
 * whole page again cost more than the rest of an answer).
 */

/** The pages kept: the matrix, which everyone opens and which refreshes itself. */
const CACHED_PATHS = new Set(['/']);
/** Requests of Next's client router (a navigation's RSC payload, a prefetch) are not the page. */
const ROUTER_HEADERS = [
  'rsc',
  'next-router-state-tree',
  'next-router-prefetch',
  'next-router-segment-prefetch',
  'next-action',
];
/** At most this many pages (addresses × viewers) and bytes are kept; the oldest go first. */
export const PAGE_CACHE_MAX_ENTRIES = 64;
export const PAGE_CACHE_MAX_BYTES = 32 * 1024 * 1024;
/** Headers of the render that are the connection's or this answer's own, never replayed. */
const NOT_REPLAYED = new Set([
  'content-security-policy',
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'date',
  // The board's server says per answer whether it came from here (hit) or was rendered (miss).
  'x-page-cache',
]);

type RequestHeaders = Record<string, string | string[] | undefined>;
export type ReplayedHeaders = Record<string, string | string[]>;

interface KeptPage {
  key: string;
  /** Which render handed to `keep` this was (see RenderedPageCache.handedOver). */
  order: number;
  /** The body cut at each occurrence of its render's nonce, so that another nonce goes in between. */
  body: SplicedBody;
  headerParts: Array<[name: string, parts: string[][]]>;
  bytes: number;
  expiresAt: number;
}

/** What the board's server does with a page request (scripts/board-server.mjs). */
export type PageCacheLookup =
  | { kind: 'not-cached' }
  /** Render it, and hand the answer to keep() under this key. */
  | { kind: 'miss'; key: string }
  /** Send this instead of rendering: the kept page with this answer's nonce, gzipped when asked for. */
  | { kind: 'hit'; headers: ReplayedHeaders; body: Buffer };

export interface RenderedPage {
  status: number;
  headers: Record<string, number | string | string[] | undefined>;
  body: Buffer;
  /** The nonce the page was rendered with. */
  nonce: string;
}

const header = (headers: RequestHeaders, name: string) => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

/** The address, viewer and store revisions a page is kept under; null for what is never kept. */
export function pageCacheKey(
  request: { method: string; pathname: string; search: string; headers: RequestHeaders },
  viewer: string,
  revisions: { matrix: number; sync: number | null },
): string | null {
  if (request.method !== 'GET' || !CACHED_PATHS.has(request.pathname)) return null;
  if (ROUTER_HEADERS.some((name) => header(request.headers, name) !== undefined)) return null;
  if (new URLSearchParams(request.search).has('_rsc')) return null;
  // No sync revision row: no write would ever move the key (see readStoreRevisions).
  if (revisions.sync === null) return null;
  return JSON.stringify([
    header(request.headers, 'host') ?? '',
    request.pathname + request.search,
    viewer,
    revisions.matrix,
    revisions.sync,
  ]);
}

const acceptsGzip = (headers: RequestHeaders) => /\bgzip\b/i.test(header(headers, 'accept-encoding') ?? '');

/** Rendered pages by key, oldest first (a Map keeps insertion order); bounded in entries and bytes. */
export class RenderedPageCache {
  private readonly pages = new Map<string, KeptPage>();
  private bytes = 0;
  /** Renders handed to `keep` so far: a page's number says which of two renders is the newer. */
  private handedOver = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly limits = { entries: PAGE_CACHE_MAX_ENTRIES, bytes: PAGE_CACHE_MAX_BYTES },
  ) {}

  get size() {
    return this.pages.size;
  }

  /** The page kept under `key`, with `nonce` wherever its render had its own; undefined when none is fresh. */
  take(
    key: string,
    nonce: string,
    requestHeaders: RequestHeaders,
  ): { headers: ReplayedHeaders; body: Buffer } | undefined {
    const page = this.pages.get(key);
    if (!page) return undefined;
    if (page.expiresAt <= this.now()) {
      this.drop(page);
      return undefined;
    }
    const headers: ReplayedHeaders = {};
    for (const [name, values] of page.headerParts) {
      const joined = values.map((parts) => parts.join(nonce));
      headers[name] = joined.length === 1 ? joined[0] : joined;
    }
    const nonceBytes = Buffer.from(nonce, 'utf8');
    let body: Buffer;
    if (acceptsGzip(requestHeaders)) {
      body = page.body.gzip(nonceBytes);
      headers['content-encoding'] = 'gzip';
    } else body = page.body.join(nonceBytes);
    headers['content-length'] = String(body.length);
    return { headers, body };
  }

  /**
   * Keeps a whole, successful HTML render that set no cookie; anything else is not kept. Of two renders
   * under one key, the one handed over last is kept, whichever finished compressing first.
   */
  async keep(key: string, page: RenderedPage): Promise<boolean> {
    // The body is cut wherever the nonce occurs: a short one could also be some of the page's own text.
    if (this.ttlMs <= 0 || page.status !== 200 || page.nonce.length < 16) return false;
    if (page.headers['set-cookie'] !== undefined) return false;
    if (!String(page.headers['content-type'] ?? '').startsWith('text/html')) return false;
    if (page.headers['content-encoding'] !== undefined) return false;
    const order = ++this.handedOver;
    const body = await SplicedBody.cut(page.body, Buffer.from(page.nonce, 'utf8'));
    if (body.bytes > this.limits.bytes / 4) return false;
    const previous = this.pages.get(key);
    if (previous && previous.order > order) return false;
    if (previous) this.drop(previous);
    const headerParts: KeptPage['headerParts'] = [];
    for (const [name, value] of Object.entries(page.headers)) {
      if (value === undefined || NOT_REPLAYED.has(name.toLowerCase())) continue;
      const values = Array.isArray(value) ? value : [String(value)];
      headerParts.push([name, values.map((v) => v.split(page.nonce))]);
    }
    const kept: KeptPage = {
      key,
      order,
      body,
      headerParts,
      bytes: body.bytes,
      expiresAt: this.now() + this.ttlMs,
    };
    this.pages.set(key, kept);
    this.bytes += kept.bytes;
    for (const oldest of this.pages.values()) {
      if (this.pages.size <= this.limits.entries && this.bytes <= this.limits.bytes) break;
      this.drop(oldest);
    }
    return true;
  }

  private drop(page: KeptPage) {
    if (this.pages.get(page.key) !== page) return;
    this.pages.delete(page.key);
    this.bytes -= page.bytes;
  }
}

let shared: RenderedPageCache | undefined;
const sharedCache = () => {
  shared ??= new RenderedPageCache(serverConfig().PAGE_CACHE_TTL);
  return shared;
};

/**
 * For the board's server: whether to render this page request, or what to send instead. `viewer` says
 * who is looking (page admission's viewer key). The store's revisions are read on every request (one
 * two-row query); if that read fails, the page renders and shows the failure as it would without a cache.
 */
export async function lookUpPage(
  request: { method: string; pathname: string; search: string; headers: RequestHeaders },
  viewer: string,
  nonce: string,
): Promise<PageCacheLookup> {
  const cache = sharedCache();
  if (!CACHED_PATHS.has(request.pathname) || serverConfig().PAGE_CACHE_TTL <= 0) return { kind: 'not-cached' };
  let key: string | null;
  try {
    key = pageCacheKey(request, viewer, await readStoreRevisions((await getRuntime()).store.db));
  } catch {
    return { kind: 'not-cached' };
  }
  if (key === null) return { kind: 'not-cached' };
  const page = cache.take(key, nonce, request.headers);
  return page ? { kind: 'hit', ...page } : { kind: 'miss', key };
}

/** For the board's server: a page rendered after a miss, kept if it may be served again. */
export function keepPage(key: string, page: RenderedPage): void {
  sharedCache()
    .keep(key, page)
    .catch((error: unknown) => logger().error({ ...errorFields(error) }, 'Keeping a rendered page failed'));
}

const KEY = Symbol.for('rollout-board.page-cache');

/** Hands lookUpPage and keepPage to the board's server (once at start-up, by instrumentation.ts). */
export function publishPageCache(): void {
  (globalThis as typeof globalThis & { [KEY]?: unknown })[KEY] = { lookUpPage, keepPage };
}
