/**
 * The board's HTTP server: Next's own request handler behind a plain node:http server, for one reason:
 * the trusted-header mode (AUTH_TRUSTED_PROXIES) must know the TCP peer's address, which Next does not
 * hand to routes, and X-Forwarded-For is whatever the client wrote. Every request gets the socket's
 * address in x-rollout-board-peer, overwriting anything a client sent. Started by scripts/serve.ts.
 * Second, a page whose store read failed answers 503 (lib/server/read-status.ts says why it is done here).
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import next from 'next';

process.env.NODE_ENV = 'production';
// lib/auth/identify.ts believes the peer header only when this server set it.
process.env.ROLLOUT_BOARD_PEER_HEADER = '1';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.PORT ?? 3000);
const host = process.env.BIND_HOST || undefined;

const app = next({ dev: false, dir: root, hostname: host ?? 'localhost', port });
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

const server = createServer((request, response) => {
  request.headers['x-rollout-board-peer'] = request.socket.remoteAddress ?? '';
  const tag = randomUUID();
  request.headers['x-rollout-board-request'] = tag;
  answerFailedReads(tag, response);
  void handle(request, response);
});
server.listen(port, host, () => console.log(`▲ Next.js ready on ${host ?? '*'}:${port}`));

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    // Keep-alive connections would hold close() open; give in-flight requests a moment, then go.
    setTimeout(() => process.exit(0), 3000).unref();
    server.closeIdleConnections();
  });
}
