import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as simulators see it: method, path, decoded query, headers, and the raw body. */
export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: unknown;
  /** Wait this long before answering (slow upstreams). */
  delayMs?: number;
  /** Never answer (a hung upstream): the socket stays open until the client gives up. */
  hang?: boolean;
}

export type SimHandler = (request: SimRequest) => SimResponse | Promise<SimResponse>;

export interface RunningSimulator {
  name: string;
  url: string;
  /** Every request the simulator received, oldest first (tests assert on them). */
  requests: SimRequest[];
  /** Hung answers whose client is still connected: 0 once every client that was left hanging gave up. */
  hanging: () => number;
  stop: () => Promise<void>;
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): SimResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export const text = (status: number, body: string, headers: Record<string, string> = {}): SimResponse => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
  body,
});

/** Serves a handler on 127.0.0.1 (port 0: any free port). Simulators only ever listen on loopback. */
export async function serveSimulator(name: string, handler: SimHandler, port = 0): Promise<RunningSimulator> {
  const requests: SimRequest[] = [];
  const hung = new Set<http.ServerResponse>();
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://simulator');
    const request: SimRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks),
    };
    requests.push(request);
    let response: SimResponse;
    try {
      response = await handler(request);
    } catch (error) {
      response = text(500, `simulator ${name} failed: ${(error as Error).message}`);
    }
    if (response.hang) {
      hung.add(res);
      res.on('close', () => hung.delete(res));
      return;
    }
    if (response.delayMs) await new Promise((r) => setTimeout(r, response.delayMs));
    const body =
      response.body === undefined
        ? ''
        : typeof response.body === 'string' || Buffer.isBuffer(response.body)
          ? response.body
          : JSON.stringify(response.body);
    res.writeHead(response.status, response.headers);
    res.end(body);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: actual } = server.address() as AddressInfo;
  return {
    name,
    url: `http://127.0.0.1:${actual}`,
    requests,
    hanging: () => hung.size,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const res of hung) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const readJsonBody = <T>(request: SimRequest): T => JSON.parse(request.body.toString('utf8')) as T;
