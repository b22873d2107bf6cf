import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An upstream that misbehaves on purpose, for the fault tests: it floods a reply of any size (generated as
 * it streams, so the test process stays small), or sends headers and then nothing. Loopback only.
 */
export type HostileMode =
  /** 200 with `bytes` of a JSON-looking body, streamed in 64 KiB chunks; `declare` sends Content-Length. */
  | { kind: 'flood'; bytes: number; contentType?: string; declare?: boolean }
  /** Headers at once, then the body never comes. */
  | { kind: 'stall-body' }
  /** Takes the request and never answers (a hung upstream). */
  | { kind: 'silent' }
  /** A fixed answer. */
  | { kind: 'answer'; status: number; body: string; headers?: Record<string, string> };

export interface HostileUpstream {
  url: string;
  /** Paths asked, oldest first. */
  requests: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders }>;
  /** Bytes actually written to clients so far (a client that stops reading stops this growing). */
  bytesSent: () => number;
  setMode: (mode: HostileMode | ((path: string) => HostileMode)) => void;
  stop: () => Promise<void>;
}

const CHUNK = Buffer.alloc(64 * 1024, '[{"a":"xxxxxxxxxxxxxxxx"},');

export async function startHostileUpstream(initial: HostileMode): Promise<HostileUpstream> {
  let mode: HostileMode | ((path: string) => HostileMode) = initial;
  let sent = 0;
  const requests: HostileUpstream['requests'] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers });
    req.resume();
    const current = typeof mode === 'function' ? mode(req.url ?? '/') : mode;
    if (current.kind === 'answer') {
      res.writeHead(current.status, { 'content-type': 'application/json', ...current.headers });
      res.end(current.body);
      return;
    }
    if (current.kind === 'silent') return;
    if (current.kind === 'stall-body') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      return;
    }
    res.writeHead(200, {
      'content-type': current.contentType ?? 'application/json',
      ...(current.declare ? { 'content-length': String(current.bytes) } : {}),
    });
    let left = current.bytes;
    const pump = () => {
      while (left > 0) {
        const chunk = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
        left -= chunk.length;
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('close', () => {
      left = 0;
    });
    pump();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    bytesSent: () => sent,
    setMode: (next) => {
      mode = next;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
