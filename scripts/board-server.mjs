/**
 * The board's HTTP server: Next's own request handler behind a plain node:http server, for one reason:
 * the trusted-header mode (AUTH_TRUSTED_PROXIES) must know the TCP peer's address, which Next does not
 * hand to routes, and X-Forwarded-For is whatever the client wrote. Every request gets the socket's
 * address in x-rollout-board-peer, overwriting anything a client sent. Started by scripts/serve.ts.
 * Second, a page whose store read failed answers 503 (lib/server/read-status.ts says why it is done here).
 * Third, pages: sign-in when required, a Content-Security-Policy with a fresh nonce, no request body
 * (lib/auth/page-admission.ts decides; a Next proxy doing it cost each page as much as /api/health).
 * Fourth, the matrix page is rendered once per store change and viewer and then served again with each
 * answer's own nonce (lib/server/page-cache.ts decides what is kept and for how long); x-page-cache says
 * which an answer was (hit or miss).
 * Fifth, every answer names the build that gave it (x-board-build, and the pages' <html data-board-build>): a
 * tab left open across a rolling deploy learns that the server it now talks to is a newer board.
 * `--dev` runs Next's development server behind it (`npm run dev`), so development gets the same.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzip } from 'node:zlib';
import next from 'next';

const dev = process.argv.includes('--dev');
process.env.NODE_ENV = dev ? 'development' : 'production';
// lib/auth/identify.ts believes the peer header only when this server set it.
process.env.ROLLOUT_BOARD_PEER_HEADER = '1';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.PORT ?? 3000);
const host = process.env.BIND_HOST || undefined;

// The production build's id, as Next wrote it; development rebuilds as it goes, so it names no build.
const build = dev ? null : readFileSync(path.join(root, '.next', 'BUILD_ID'), 'utf8').trim();
// The root layout puts it on every page (app/layout.tsx), for the page's scripts to compare with each answer's.
if (build) process.env.ROLLOUT_BOARD_BUILD = build;

const app = next({ dev, dir: root, hostname: host ?? 'localhost', port });
const handle = app.getRequestHandler();
await app.prepare();

// Tags of requests whose page read failed (lib/server/read-status.ts adds them, in this same process).
const FAILED_READS = Symbol.for('rollout-board.failed-read-requests');
globalThis[FAILED_READS] ??= new Set();
const failedReads = globalThis[FAILED_READS];

/** Answers 503 instead of 200 when the page marked its read as failed: Next writes the head after rendering. */
function answerFailedReads(tag, response) {
  const writeHead = response.writeHead;
  response.writeHead = function (status, ...rest) {
    if (failedReads.delete(tag) && status === 200) {
      // A reason phrase given with the 200 ("OK") would now be wrong: let Node pick the 503's.
      return writeHead.call(this, 503, ...(typeof rest[0] === 'string' ? rest.slice(1) : rest));
    }
    return writeHead.call(this, status, ...rest);
  };
  response.on('close', () => failedReads.delete(tag));
}

/**
 * admitPage (lib/auth/page-admission.ts), which instrumentation.ts puts on globalThis as Next prepares
 * (just after start, before Next answers anything). Until it is there, no request is taken.
 */
async function pageAdmission() {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const admitPage = globalThis[Symbol.for('rollout-board.page-admission')];
    if (typeof admitPage === 'function') return admitPage;
    if (Date.now() > deadline) throw new Error('instrumentation.ts did not publish the page admission within 120 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
const admitPage = await pageAdmission();
// Published with it: the headers next.config.ts gives every answer Next writes, and the page cache.
const securityHeaders = globalThis[Symbol.for('rollout-board.security-headers')] ?? {};
const pageCache = globalThis[Symbol.for('rollout-board.page-cache')];
if (!pageCache) throw new Error('instrumentation.ts did not publish the page cache');

/** The largest page unpacked to be kept (the cache keeps none over a quarter of its 32 MiB). */
const MAX_KEPT_PAGE_BYTES = 8 * 1024 * 1024;

/**
 * Collects what Next writes for a page it renders after a cache miss, and hands the whole answer to the
 * page cache when it has been sent (the cache decides whether it is kept: a 200 of HTML with no cookie).
 * Next gzips the render for a browser that asks (a fleet's page is over a megabyte as HTML); the cache
 * needs the HTML itself to put each answer's nonce in, so a gzipped render is unpacked once it is sent,
 * on the thread pool, not while the visitor waits.
 */
function keepRenderedPage(response, key, nonce) {
  const chunks = [];
  const { write, end } = response;
  const take = (chunk, encoding) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    chunks.push(
      typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8')
        : Buffer.from(chunk),
    );
  };
  response.write = function (chunk, encoding, callback) {
    take(chunk, encoding);
    return write.call(this, chunk, encoding, callback);
  };
  response.end = function (chunk, encoding, callback) {
    take(chunk, encoding);
    return end.call(this, chunk, encoding, callback);
  };
  response.on('finish', () => {
    const { 'content-encoding': encoding, ...headers } = response.getHeaders();
    const keep = (body) => pageCache.keepPage(key, { status: response.statusCode, headers, body, nonce });
    if (encoding === undefined) return keep(Buffer.concat(chunks));
    // Anything but gzip (a client that asked for deflate only) is simply not kept.
    if (String(encoding).toLowerCase() !== 'gzip') return;
    gunzip(Buffer.concat(chunks), { maxOutputLength: MAX_KEPT_PAGE_BYTES }, (error, body) => {
      if (!error) keep(body);
    });
  });
}

/** Answers a request Next never sees, with a short plain-text reason. */
function answer(response, status, headers, text) {
  response.writeHead(status, { ...securityHeaders, 'content-type': 'text/plain; charset=utf-8', ...headers });
  response.end(text);
}

async function serve(request, response) {
  if (build) response.setHeader('x-board-build', build);
  request.headers['x-rollout-board-peer'] = request.socket.remoteAddress ?? '';
  // Next takes a page's nonce from this request header: only this server may set it.
  delete request.headers['content-security-policy'];
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  const pathname = query === -1 ? url : url.slice(0, query);
  const search = query === -1 ? '' : url.slice(query);
  const admission = await admitPage(pathname, search, request.headers);
  if (admission.kind !== 'not-a-page') {
    // Pages take no body (no Server Actions here): refuse one before anything reads it.
    if (request.headers['transfer-encoding'] || Number(request.headers['content-length'] ?? 0) > 0) {
      return answer(response, 413, {}, 'Pages take no request body.\n');
    }
    if (admission.kind === 'sign-in')
      return answer(response, 303, { location: admission.location }, 'Sign in first.\n');
    request.headers['content-security-policy'] = admission.contentSecurityPolicy;
    response.setHeader('content-security-policy', admission.contentSecurityPolicy);
    const cached = await pageCache.lookUpPage(
      { method: request.method, pathname, search, headers: request.headers },
      admission.viewer,
      admission.nonce,
    );
    if (cached.kind === 'hit') {
      response.writeHead(200, { ...cached.headers, 'x-page-cache': 'hit' });
      return response.end(cached.body);
    }
    if (cached.kind === 'miss') {
      response.setHeader('x-page-cache', 'miss');
      keepRenderedPage(response, cached.key, admission.nonce);
    }
  }
  const tag = randomUUID();
  request.headers['x-rollout-board-request'] = tag;
  answerFailedReads(tag, response);
  await handle(request, response);
}

const server = createServer((request, response) => {
  serve(request, response).catch((error) => {
    console.error(
      `rollout-board: ${request.method} ${request.url?.split('?')[0]} failed before rendering: ${error?.message}`,
    );
    if (!response.headersSent) answer(response, 500, {}, 'The board failed to take this request; its log says why.\n');
    else response.destroy();
  });
});
// Development only: Next's hot reloading talks over a WebSocket upgrade.
if (dev) server.on('upgrade', app.getUpgradeHandler());
server.listen(port, host, () => console.log(`▲ Next.js ready on ${host ?? '*'}:${port}`));

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    // Keep-alive connections would hold close() open; give in-flight requests a moment, then go.
    setTimeout(() => process.exit(0), 3000).unref();
    server.closeIdleConnections();
  });
}
