import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '@/lib/db/store';
import { openTestStore, PHASE_3_PLAN, STORE_PROVIDERS, type TestStore } from '@/test/stores';
import { DELIVERY_MEMORY_MS, DeliveryLog, handleWebhook, signWebhookBody } from './webhook';

const secret = 'it-is-a-secret';
const repos = ['bcgov/phase-3-observability'];
const signed = (payload: unknown, deliveryId = 'd-1') => {
  const rawBody = JSON.stringify(payload);
  return { event: 'issues', signature: signWebhookBody(secret, rawBody), deliveryId, rawBody };
};
const issue = (number: unknown) => ({ issue: { number }, repository: { full_name: repos[0] } });

describe.each(STORE_PROVIDERS)('webhook replays and numbers on %s', (provider) => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.destroy();
    store = undefined;
  });

  it('acts on a delivery id once: a replay is acknowledged and starts nothing', async () => {
    store = await openTestStore(provider);
    const deliveries = new DeliveryLog(store.db);
    const answers = [];
    for (let n = 0; n < 11; n++) answers.push(await handleWebhook(signed(issue(3)), { secret, repos, deliveries }));
    expect(answers.filter((a) => a.syncRepo)).toHaveLength(1);
    expect(answers[1]).toEqual({ status: 200, body: { ignored: 'delivery d-1 was already handled' } });
    // A new delivery (another id) is acted on.
    expect((await handleWebhook(signed(issue(3), 'd-2'), { secret, repos, deliveries })).syncRepo).toBe(repos[0]);
  });

  it('remembers a delivery across replicas: a replay reaching another board on the same database starts nothing', async () => {
    store = await openTestStore(provider);
    // A second replica: its own process-level state and its own connection, the same database.
    const other = await openStore({ databaseUrl: store.databaseUrl, planFilePath: PHASE_3_PLAN });
    try {
      const first = await handleWebhook(signed(issue(3)), { secret, repos, deliveries: new DeliveryLog(store.db) });
      const replay = await handleWebhook(signed(issue(3)), { secret, repos, deliveries: new DeliveryLog(other.db) });
      expect(first.syncRepo).toBe(repos[0]);
      expect(replay).toEqual({ status: 200, body: { ignored: 'delivery d-1 was already handled' } });
      // The same delivery arriving at both replicas at the same moment is acted on by exactly one.
      const both = await Promise.all(
        [store.db, other.db, store.db, other.db].map((db) =>
          handleWebhook(signed(issue(4), 'd-race'), { secret, repos, deliveries: new DeliveryLog(db) }),
        ),
      );
      expect(both.filter((a) => a.syncRepo)).toHaveLength(1);
      expect(both.filter((a) => a.status === 200)).toHaveLength(3);
    } finally {
      await other.db.$disconnect();
    }
  });

  it('does not let an unsigned or refused delivery use up its id', async () => {
    store = await openTestStore(provider);
    const deliveries = new DeliveryLog(store.db);
    const forged = { ...signed(issue(3)), signature: signWebhookBody('wrong', 'x') };
    expect((await handleWebhook(forged, { secret, repos, deliveries })).status).toBe(401);
    expect((await handleWebhook(signed(issue(1.5)), { secret, repos, deliveries })).status).toBe(400);
    expect(await store.db.webhookDelivery.count()).toBe(0);
    expect((await handleWebhook(signed(issue(3)), { secret, repos, deliveries })).syncRepo).toBe(repos[0]);
  });

  it.each([1e308, 2 ** 53, -1, 1.5, '3'])('refuses issue.number %s with 400 and starts nothing', async (number) => {
    store = await openTestStore(provider);
    const answer = await handleWebhook(signed(issue(number)), { secret, repos, deliveries: new DeliveryLog(store.db) });
    expect(answer.status).toBe(400);
    expect(answer.syncRepo).toBeUndefined();
    expect(String(answer.body.error)).toMatch(/^Invalid delivery: issue\.number: /);
  });

  it('forgets ids past GitHub’s redelivery window, so the table stays bounded', async () => {
    store = await openTestStore(provider);
    const log = new DeliveryLog(store.db);
    const t0 = new Date('2026-11-01T00:00:00Z');
    const at = (ms: number) => new Date(t0.getTime() + ms);
    expect(await log.claim('old', t0)).toBe(true);
    expect(await log.claim('newer', at(DELIVERY_MEMORY_MS / 2))).toBe(true);
    // Within the window a replay is still caught…
    expect(await log.claim('old', at(DELIVERY_MEMORY_MS - 1))).toBe(false);
    // …past it the id is pruned (a new claim succeeds) and only ids inside the window remain.
    expect(await log.claim('latest', at(DELIVERY_MEMORY_MS + 1))).toBe(true);
    expect((await store.db.webhookDelivery.findMany({ orderBy: { id: 'asc' } })).map((d) => d.id)).toEqual([
      'latest',
      'newer',
    ]);
    expect(await log.claim('old', at(DELIVERY_MEMORY_MS + 2))).toBe(true);
  });
});
