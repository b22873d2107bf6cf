import { json, serveSimulator, text, type RunningSimulator, type SimRequest, type SimResponse } from './http';

/**
 * The Faro services' own frontends: each serves its page (HTML that loads a script), an optional
 * config.json, and its own /faro route that forwards browser payloads to Alloy's receiver, as the
 * plan's code issues ask (Express/FastAPI proxy routes). Two servers, so a route can live on the
 * frontend's origin (no CORS needed) or on another one (the browser sends a preflight). Variants:
 * correct CORS, missing CORS headers, and forwarding to nowhere (the route answers 502).
 */

export interface FrontendSpec {
  /** Where the /faro route lives: on the page's origin, or on the other server (cross-origin). */
  route: 'same-origin' | 'cross-origin';
  cors: 'correct' | 'missing';
  forward: 'receiver' | 'nowhere';
  /** The collector URL the page carries (in its script, its config.json or inline); null: none. */
  collector: { url: string; in: 'script' | 'config.json' | 'html' } | null;
}

export interface FrontendsOptions {
  services: Record<string, FrontendSpec>;
  /** Alloy's receiver /collect URL the routes forward to. */
  receiverUrl: string | null;
}

export interface FrontendsSimulator extends RunningSimulator {
  /** The other origin, where cross-origin routes live. */
  apiUrl: string;
  /** Requests the other origin received. */
  apiRequests: SimRequest[];
  /** FRONTEND_URLS and FARO_ROUTE_URLS values that point the board at these frontends. */
  env: { FRONTEND_URLS: string; FARO_ROUTE_URLS: string };
  control: { set: (slug: string, spec: FrontendSpec | null) => void };
}

const ALLOWED_HEADERS = 'content-type, content-encoding, traceparent, x-api-key, x-faro-session-id';

function page(slug: string, spec: FrontendSpec): string {
  const inline =
    spec.collector?.in === 'html'
      ? `<script>window.FARO_CONFIG = { collectorUrl: ${JSON.stringify(spec.collector.url)} };</script>`
      : '';
  return `<!doctype html><html><head><title>${slug}</title>${inline}<script type="module" src="/${slug}/assets/app.js"></script></head><body><div id="app"></div></body></html>`;
}

async function forward(request: SimRequest, spec: FrontendSpec, receiverUrl: string | null): Promise<SimResponse> {
  // "Nowhere": the route's upstream URL points at a closed port, as a wrong faro.proxy.upstreamUrl would.
  const target = spec.forward === 'nowhere' || !receiverUrl ? 'http://127.0.0.1:9/collect' : receiverUrl;
  try {
    const response = await fetch(target, {
      method: 'POST',
      headers: {
        'content-type': String(request.headers['content-type'] ?? 'application/json'),
        ...(request.headers['x-faro-session-id']
          ? { 'x-faro-session-id': String(request.headers['x-faro-session-id']) }
          : {}),
      },
      body: new Uint8Array(request.body),
      signal: AbortSignal.timeout(5000),
    });
    return text(response.status, await response.text());
  } catch {
    return text(502, 'Bad Gateway: the Faro upstream is unreachable\n');
  }
}

export async function startFrontendsSimulator(options: FrontendsOptions): Promise<FrontendsSimulator> {
  const services = new Map(Object.entries(options.services));

  const handle =
    (server: 'web' | 'api') =>
    async (request: SimRequest): Promise<SimResponse> => {
      const m = /^\/([a-z0-9-]+)(\/.*)?$/.exec(request.path);
      const slug = m?.[1] ?? '';
      const rest = m?.[2] ?? '/';
      const spec = services.get(slug);
      if (!spec) return text(404, 'Not Found\n');
      const routeHere = (spec.route === 'same-origin') === (server === 'web');
      if (rest === '/faro' && routeHere) {
        const origin = request.headers.origin;
        const cors: Record<string, string> =
          spec.cors === 'correct' && origin ? { 'access-control-allow-origin': String(origin), vary: 'Origin' } : {};
        if (request.method === 'OPTIONS')
          return {
            status: 204,
            headers:
              spec.cors === 'correct'
                ? {
                    ...cors,
                    'access-control-allow-methods': 'POST, OPTIONS',
                    'access-control-allow-headers': ALLOWED_HEADERS,
                  }
                : {},
          };
        if (request.method !== 'POST') return text(405, 'Method Not Allowed\n');
        const forwarded = await forward(request, spec, options.receiverUrl);
        return { ...forwarded, headers: { ...forwarded.headers, ...cors } };
      }
      if (server === 'api') return text(404, 'Not Found\n');
      if (rest === '/' || rest === '/explorer')
        return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: page(slug, spec) };
      if (rest === '/assets/app.js')
        return {
          status: 200,
          headers: { 'content-type': 'text/javascript' },
          body:
            spec.collector?.in === 'script'
              ? `import{initializeFaro as i}from"./faro.js";i({url:${JSON.stringify(spec.collector.url)},app:{name:"${slug}"}});`
              : `console.log("${slug}");`,
        };
      if (rest === '/config.json' && spec.collector?.in === 'config.json')
        return json(200, { faro: { enabled: true, collectorUrl: spec.collector.url } });
      return text(404, 'Not Found\n');
    };

  const web = await serveSimulator('frontends', handle('web'));
  const api = await serveSimulator('frontends-api', handle('api'));
  const env = () => {
    const slugs = [...services.keys()];
    return {
      FRONTEND_URLS: slugs.map((s) => `${s}=${web.url}/${s}/`).join(','),
      FARO_ROUTE_URLS: slugs
        .map((s) => `${s}=${services.get(s)!.route === 'same-origin' ? web.url : api.url}/${s}/faro`)
        .join(','),
    };
  };
  return {
    ...web,
    apiUrl: api.url,
    apiRequests: api.requests,
    env: env(),
    stop: async () => {
      await Promise.all([web.stop(), api.stop()]);
    },
    control: {
      set: (slug, spec) => {
        if (spec) services.set(slug, spec);
        else services.delete(slug);
      },
    },
  };
}

/**
 * Demo frontends: traction's route is same-origin and correct; bc-wallet-demo's is on another
 * origin with correct CORS; vc-authn-oidc's controller route lacks the CORS headers; didwebvh's
 * forwards to nowhere. Each carries its collector URL somewhere else (script, config.json, inline).
 */
export const DEMO_FRONTENDS: Record<string, FrontendSpec> = {
  traction: { route: 'same-origin', cors: 'correct', forward: 'receiver', collector: { url: '/faro', in: 'script' } },
  'bc-wallet-demo': {
    route: 'cross-origin',
    cors: 'correct',
    forward: 'receiver',
    collector: { url: '/faro', in: 'config.json' },
  },
  'acapy-vc-authn-oidc': {
    route: 'cross-origin',
    cors: 'missing',
    forward: 'receiver',
    collector: { url: 'https://vc-authn-oidc-controller-dev.apps.silver.devops.gov.bc.ca/faro', in: 'html' },
  },
  'didwebvh-server-py': { route: 'same-origin', cors: 'correct', forward: 'nowhere', collector: null },
};
