import { describe, expect, it } from 'vitest';
import { handleWebhook, signWebhookBody, verifyWebhookSignature } from './webhook';

const secret = 'it-is-a-secret';
const body = JSON.stringify({
  action: 'closed',
  issue: { number: 3 },
  repository: { full_name: 'bcgov/Phase-3-Observability' },
});
const config = { secret, repos: ['bcgov/phase-3-observability'] };
const delivery = (overrides: Partial<Parameters<typeof handleWebhook>[0]> = {}) => ({
  event: 'issues',
  signature: signWebhookBody(secret, body),
  deliveryId: 'd-1',
  rawBody: body,
  ...overrides,
});

describe('GitHub webhook deliveries', () => {
  it('accept a correctly signed issues event from a configured repository and ask for its sync', async () => {
    const answer = await handleWebhook(delivery(), config);
    expect(answer).toMatchObject({ status: 202, syncRepo: 'bcgov/phase-3-observability', issueNumber: 3 });
    expect((await handleWebhook(delivery({ event: 'pull_request' }), config)).syncRepo).toBe(
      'bcgov/phase-3-observability',
    );
  });

  it.each([
    ['a forged signature', { signature: signWebhookBody('not-the-secret', body) }],
    ['a missing signature', { signature: null }],
    ['a signature of another body', { rawBody: body.replace('closed', 'reopened') }],
    ['a malformed signature', { signature: 'sha1=abc' }],
  ])('refuse %s with 401 and start nothing', async (_name, overrides) => {
    const answer = await handleWebhook(delivery(overrides), config);
    expect(answer.status).toBe(401);
    expect(answer.syncRepo).toBeUndefined();
  });

  it('refuse everything while no secret is configured, saying what to set', async () => {
    const answer = await handleWebhook(delivery(), { secret: undefined, repos: config.repos });
    expect(answer.status).toBe(401);
    expect(String(answer.body.error)).toContain('GITHUB_WEBHOOK_SECRET');
  });

  it('acknowledge pings, other events and other repositories without syncing', async () => {
    expect(await handleWebhook(delivery({ event: 'ping' }), config)).toMatchObject({ status: 200 });
    expect((await handleWebhook(delivery({ event: 'push' }), config)).syncRepo).toBeUndefined();
    const other = JSON.stringify({ repository: { full_name: 'someone/else' } });
    expect(
      (await handleWebhook(delivery({ rawBody: other, signature: signWebhookBody(secret, other) }), config)).syncRepo,
    ).toBeUndefined();
  });

  it('verify in constant time only well-formed sha256 signatures', () => {
    expect(verifyWebhookSignature(secret, body, signWebhookBody(secret, body))).toBe(true);
    expect(
      verifyWebhookSignature(secret, body, signWebhookBody(secret, body).toUpperCase().replace('SHA256', 'sha256')),
    ).toBe(true);
    expect(verifyWebhookSignature(secret, body, 'sha256=00')).toBe(false);
    expect(verifyWebhookSignature('', body, signWebhookBody('', body))).toBe(false);
  });
});
