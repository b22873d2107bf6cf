import { describe, expect, it } from 'vitest';
import { DeliveryLog, handleWebhook, signWebhookBody } from './webhook';

const secret = 'it-is-a-secret';
const repos = ['bcgov/phase-3-observability'];
const signed = (payload: unknown, deliveryId = 'd-1') => {
  const rawBody = JSON.stringify(payload);
  return { event: 'issues', signature: signWebhookBody(secret, rawBody), deliveryId, rawBody };
};
const issue = (number: unknown) => ({ issue: { number }, repository: { full_name: repos[0] } });

describe('webhook replays and numbers', () => {
  it('acts on a delivery id once: a replay is acknowledged and starts nothing', () => {
    const deliveries = new DeliveryLog();
    const answers = Array.from({ length: 11 }, () => handleWebhook(signed(issue(3)), { secret, repos, deliveries }));
    expect(answers.filter((a) => a.syncRepo)).toHaveLength(1);
    expect(answers[1]).toEqual({ status: 200, body: { ignored: 'delivery d-1 was already handled' } });
    // A new delivery (another id) is acted on.
    expect(handleWebhook(signed(issue(3), 'd-2'), { secret, repos, deliveries }).syncRepo).toBe(repos[0]);
  });

  it('does not let an unsigned replay use up a delivery id', () => {
    const deliveries = new DeliveryLog();
    const forged = { ...signed(issue(3)), signature: signWebhookBody('wrong', 'x') };
    expect(handleWebhook(forged, { secret, repos, deliveries }).status).toBe(401);
    expect(handleWebhook(signed(issue(3)), { secret, repos, deliveries }).syncRepo).toBe(repos[0]);
  });

  it.each([1e308, 2 ** 53, -1, 1.5, '3'])('refuses issue.number %s with 400 and starts nothing', (number) => {
    const answer = handleWebhook(signed(issue(number)), { secret, repos, deliveries: new DeliveryLog() });
    expect(answer.status).toBe(400);
    expect(answer.syncRepo).toBeUndefined();
    expect(String(answer.body.error)).toMatch(/^Invalid delivery: issue\.number: /);
  });

  it('forgets the oldest ids past its capacity', () => {
    const log = new DeliveryLog(2);
    for (const id of ['a', 'b', 'c']) log.add(id);
    expect([log.has('a'), log.has('b'), log.has('c')]).toEqual([false, true, true]);
  });
});
