import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DelayProxy {
  url: string;
  /** Milliseconds every request waits before it is forwarded (0: none). */
  setDelay: (ms: number) => void;
  stop: () => Promise<void>;
  /** Requests forwarded since the last call, with when each arrived and finished (ms since the first). */
  takeRequests: () => Array<{ path: string; arrived: number; finished: number }>;
}

/**
 * A reverse proxy on 127.0.0.1 that holds every request for a set time, then forwards it unchanged to
 * `target`: makes any simulator "answer in 100 ms" without teaching each one a delay of its own.
 */
export async function startDelayProxy(target: string): Promise<DelayProxy> {
  const upstream = new URL(target);
  let delayMs = 0;
  let seen: Array<{ path: string; arrived: number; finished: number }> = [];
  const server = createServer((incoming, outgoing) => {
    const entry = { path: `${incoming.method} ${incoming.url}`, arrived: performance.now(), finished: 0 };
    seen.push(entry);
    outgoing.on('finish', () => {
      entry.finished = performance.now();
    });
    setTimeout(() => {
      const forwarded = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: upstream.host },
        },
        (reply) => {
          outgoing.writeHead(reply.statusCode ?? 502, reply.headers);
          reply.pipe(outgoing);
        },
      );
      forwarded.on('error', () => {
        if (!outgoing.headersSent) outgoing.writeHead(502);
        outgoing.end();
      });
      incoming.pipe(forwarded);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname === '/' ? '' : upstream.pathname}`,
    setDelay: (ms) => {
      delayMs = ms;
    },
    takeRequests: () => {
      const taken = seen;
      seen = [];
      return taken;
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
