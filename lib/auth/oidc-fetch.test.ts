import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerConfiguration } from './oidc';

/** A provider whose discovery document is padded to any size, declared (Content-Length) or streamed (chunked). */
let server: http.Server;
let issuer: string;
let padding = 0;
let declare = false;
beforeAll(async () => {
  server = http.createServer((_req, res) => {
    const metadata = JSON.stringify({
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ['code'],
      padding: 'x'.repeat(padding),
    });
    res.writeHead(200, {
      'content-type': 'application/json',
      ...(declare ? { 'content-length': String(Buffer.byteLength(metadata)) } : {}),
    });
    // Streamed in 16 KiB pieces: without Content-Length only the bytes read tell the size.
    let offset = 0;
    const pump = () => {
      while (offset < metadata.length) {
        const piece = metadata.slice(offset, offset + 16 * 1024);
        offset += piece.length;
        if (!res.write(piece)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('close', () => {
      offset = metadata.length;
    });
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const settings = (clientId: string) => ({
  issuer,
  clientId,
  clientSecret: 's',
  scopes: 'openid',
  groupsClaim: 'groups',
});

describe('the OIDC provider’s answers are capped at 256 KiB', () => {
  it('reads a discovery document under the cap', async () => {
    padding = 100 * 1024;
    declare = false;
    const configuration = await providerConfiguration(settings('small'));
    expect(configuration.serverMetadata().token_endpoint).toBe(`${issuer}/token`);
  });

  it.each([
    ['declared', true],
    ['streamed', false],
  ])('refuses a %s document over the cap, naming the provider', async (_name, declared) => {
    padding = 4 * 1024 * 1024;
    declare = declared;
    const failure = await providerConfiguration(settings(`large-${_name}`)).catch((error: unknown) => error);
    const messages: string[] = [];
    for (let e = failure as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e)
      messages.push(String(e.message));
    expect(messages).toContain(`the provider's answer from ${issuer}/.well-known/openid-configuration is over 256 KiB`);
  });
});
