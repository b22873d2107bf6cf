import http from 'node:http';
import https from 'node:https';
import {
  type HttpLibrary,
  type RequestContext,
  ResponseContext,
  SelfDecodingBody,
  wrapHttpLibrary,
} from '@kubernetes/client-node';
import { type RequestBounds, readCapped, requestSignal } from '../http/bounded';

/**
 * The Kubernetes client's transport, bounded: the client's own one (node-fetch) has no time limit and reads
 * whole replies. This one aborts the request at its time limit, body included, and stops reading at the cap.
 * It keeps the client's agent, so TLS settings and client certificates from the kubeconfig still apply.
 * `bounds.signal` (a run's deadline) aborts every request too, whichever comes first.
 */
export function boundedKubernetesHttp(bounds: RequestBounds): HttpLibrary {
  // How many requests are in flight is the verify pool's to bound (VERIFY_CONCURRENCY checks per
  // upstream, three lists each), so replies in flight, each up to the cap, bound a run's memory.
  return wrapHttpLibrary({ send: (request) => send(request, bounds) });
}

async function send(request: RequestContext, bounds: RequestBounds): Promise<ResponseContext> {
  const url = new URL(request.getUrl());
  const transport = url.protocol === 'https:' ? https : http;
  const { signal, release } = requestSignal(bounds);
  try {
    return await exchange(request, url, transport, signal, bounds.maxBytes);
  } catch (error) {
    // Node reports an abort mid-body as "aborted" (ECONNRESET): say which limit ended it.
    if (signal.aborted) throw signal.reason;
    throw error;
  } finally {
    release();
  }
}

async function exchange(
  request: RequestContext,
  url: URL,
  transport: typeof http | typeof https,
  signal: AbortSignal,
  maxBytes: number,
): Promise<ResponseContext> {
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const outgoing = transport.request(
      url,
      { method: request.getHttpMethod(), headers: request.getHeaders(), agent: request.getAgent(), signal },
      resolve,
    );
    outgoing.on('error', reject);
    const body = request.getBody();
    if (typeof body === 'string' || body instanceof URLSearchParams) outgoing.end(body.toString());
    else outgoing.end();
  });
  const body = await readCapped(response, maxBytes);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return new ResponseContext(response.statusCode ?? 0, headers, new SelfDecodingBody(Promise.resolve(body)));
}
