import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

/**
 * A real OpenID provider for the demo and the tests: the certified `oidc-provider` package on
 * loopback, with demo users and their groups. Only the login page is the demo's own (the package's
 * development pages load web fonts from the internet, and accept any password).
 */
export interface DemoUser {
  login: string;
  password: string;
  name: string;
  groups: string[];
}

export const DEMO_GROUPS = { engineer: 'rollout-engineers', admin: 'rollout-admins' } as const;

export const DEMO_USERS: DemoUser[] = [
  { login: 'viewer', password: 'viewer', name: 'Vera Viewer', groups: ['rollout-viewers'] },
  { login: 'engineer', password: 'engineer', name: 'Erin Engineer', groups: ['rollout-viewers', DEMO_GROUPS.engineer] },
  { login: 'admin', password: 'admin', name: 'Ada Admin', groups: [DEMO_GROUPS.admin] },
];

export interface OpenIdProviderOptions {
  clientId: string;
  clientSecret: string;
  /** The board's base URLs (http://127.0.0.1:3000 …): their /api/auth/callback and /signin are registered. */
  boardOrigins: string[];
  users?: DemoUser[];
  /** ID token and session lifetime at the provider, in seconds. */
  sessionTtlSeconds?: number;
}

export interface RunningOpenIdProvider {
  name: 'openid-provider';
  url: string;
  users: DemoUser[];
  stop: () => Promise<void>;
}

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}label{display:block;margin:.6rem 0}
input{display:block;width:100%;padding:.4rem;font-size:1rem}button{margin-top:.8rem;padding:.5rem 1rem;font-size:1rem}
.error{color:#a00}</style></head><body>${body}</body></html>`;

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function loginPage(uid: string, users: DemoUser[], error?: string) {
  return page(
    'Sign in · demo OpenID provider',
    `<h1>Demo OpenID provider</h1>
<p>Signs in to rollout-board. Demo users (password = login): ${users.map((u) => `<code>${u.login}</code>`).join(', ')}.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<label>Login <input name="login" autocomplete="username" required autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button></form>`,
  );
}

async function readForm(request: http.IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of request) {
    body += chunk;
    if (body.length > 10_000) break;
  }
  return new URLSearchParams(body);
}

/** Starts the provider on 127.0.0.1 (port 0: any free port). */
export async function startOpenIdProvider(options: OpenIdProviderOptions, port = 0): Promise<RunningOpenIdProvider> {
  const users = options.users ?? DEMO_USERS;
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ttl = options.sessionTtlSeconds ?? 8 * 3600;

  const configuration: Configuration = {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: options.boardOrigins.map((origin) => `${origin}/api/auth/callback`),
        post_logout_redirect_uris: options.boardOrigins.map((origin) => `${origin}/signin?signedOut=1`),
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    async findAccount(_ctx, id) {
      const user = users.find((u) => u.login === id);
      if (!user) return undefined;
      return {
        accountId: user.login,
        claims: async () => ({
          sub: user.login,
          name: user.name,
          preferred_username: user.login,
          email: `${user.login}@demo.invalid`,
          groups: user.groups,
        }),
      };
    },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email'], groups: ['groups'] },
    scopes: ['openid', 'profile', 'email', 'groups'],
    pkce: { required: () => true },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    ttl: { Session: ttl, Interaction: 600, Grant: ttl, IdToken: 3600, AccessToken: 3600, AuthorizationCode: 60 },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        // Sign out without the extra "are you sure" page: submit the provider's own form at once.
        logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
          ctx.body = page(
            'Signing out',
            `${form}<p>Signing out…</p><button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>
<script>document.querySelector('button[name=logout]').click()</script>`,
          );
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // The board is this provider's only client: sign-in needs no consent screen.
    async loadExistingGrant(ctx) {
      const grantId =
        ctx.oidc.result?.consent?.grantId || ctx.oidc.session?.grantIdFor(ctx.oidc.client?.clientId ?? '');
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client?.clientId,
        accountId: ctx.oidc.session?.accountId,
      });
      grant.addOIDCScope('openid profile email groups');
      await grant.save();
      return grant;
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Sign-in error', `<h1>Sign-in error</h1><pre>${escapeHtml(JSON.stringify(out, null, 2))}</pre>`);
    },
  };
  const provider = new Provider(url, configuration);
  const callback = provider.callback();

  server.on('request', async (request: http.IncomingMessage, response: http.ServerResponse) => {
    const pathname = new URL(request.url ?? '/', url).pathname;
    // Browsers ask every origin for an icon; a 404 would be a console error on the provider's pages.
    if (pathname === '/favicon.ico') return response.writeHead(204).end();
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(pathname);
    if (!match) return callback(request, response);
    try {
      const details = await provider.interactionDetails(request, response);
      if (request.method === 'POST' && match[2]) {
        const form = await readForm(request);
        const user = users.find((u) => u.login === form.get('login') && u.password === form.get('password'));
        if (!user) {
          response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          return response.end(loginPage(details.uid, users, 'Wrong login or password.'));
        }
        return provider.interactionFinished(
          request,
          response,
          { login: { accountId: user.login } },
          {
            mergeWithLastSubmission: false,
          },
        );
      }
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(loginPage(details.uid, users));
    } catch (error) {
      response.writeHead(400, { 'content-type': 'text/plain' });
      response.end(`Sign-in interaction failed: ${error instanceof Error ? error.message : error}`);
    }
  });

  return {
    name: 'openid-provider',
    url,
    users,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
