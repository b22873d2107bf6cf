import type { Db } from '../db/client';
import { requestSignal } from '../http/bounded';
import { errorFields, logger } from '../log/logger';
import { maskWebhookUrl } from './channels';

export interface DeliveryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Wait before the second attempt; doubles after each failure. */
  backoffMs: number;
  timeoutMs: number;
}

export const DEFAULT_DELIVERY: DeliveryPolicy = { attempts: 5, backoffMs: 2_000, timeoutMs: 10_000 };
const MAX_ANSWER_BYTES = 16 * 1024;

/** One POST of a message; a failure says what happened without the URL (it is a secret). */
export async function postWebhook(
  url: string,
  body: string,
  timeoutMs: number,
): Promise<{ ok: true } | { ok: false; error: string; retry: boolean }> {
  const where = maskWebhookUrl(url);
  const { signal, release } = requestSignal({ timeoutMs });
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'rollout-board' },
      body,
      signal,
      redirect: 'manual',
    });
    // Read at most a little of the answer, to free the connection; its content does not matter.
    const reader = response.body?.getReader();
    let read = 0;
    while (reader && read < MAX_ANSWER_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      read += value.byteLength;
    }
    await reader?.cancel().catch(() => undefined);
    if (response.ok) return { ok: true };
    // 4xx other than 408/429 will not get better by retrying (a revoked Slack webhook answers 404/410).
    const retry = response.status >= 500 || response.status === 408 || response.status === 429;
    return { ok: false, error: `${where} answered ${response.status}`, retry };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return {
      ok: false,
      error: timedOut ? `${where} did not answer within ${timeoutMs} ms` : `cannot reach ${where}`,
      retry: true,
    };
  } finally {
    release();
  }
}

/**
 * Sends the outbox rows that are due. Each row is taken with a conditional write (pending →
 * sending), so two replicas sweeping at once never send one message twice; a failure goes back to
 * pending with a doubled wait, until the attempts are spent.
 */
export async function deliverDue(
  db: Db,
  policy: DeliveryPolicy = DEFAULT_DELIVERY,
  now: () => Date = () => new Date(),
): Promise<{ sent: number; failed: number; retrying: number }> {
  const due = await db.notificationOutbox.findMany({
    where: { status: 'pending', nextAttemptAt: { lte: now() } },
    orderBy: { id: 'asc' },
    take: 100,
  });
  const tally = { sent: 0, failed: 0, retrying: 0 };
  for (const row of due) {
    const taken = await db.notificationOutbox.updateMany({
      where: { id: row.id, status: 'pending' },
      // nextAttemptAt marks when it was taken, so a row a stopped replica left behind can be found.
      data: { status: 'sending', attempts: { increment: 1 }, nextAttemptAt: now() },
    });
    if (taken.count !== 1) continue;
    const channel = await db.notificationChannel.findUnique({ where: { id: row.channelId } });
    if (!channel?.enabled) {
      await db.notificationOutbox.update({
        where: { id: row.id },
        data: { status: 'failed', lastError: 'The channel was removed or turned off.' },
      });
      tally.failed += 1;
      continue;
    }
    const attempt = row.attempts + 1;
    const result = await postWebhook(channel.url, row.body, policy.timeoutMs);
    if (result.ok) {
      await db.notificationOutbox.update({
        where: { id: row.id },
        data: { status: 'sent', sentAt: now(), lastError: null },
      });
      tally.sent += 1;
      logger().info({ channel: channel.name, notification: row.id }, `Notification sent: ${row.summary}`);
      continue;
    }
    const giveUp = !result.retry || attempt >= policy.attempts;
    await db.notificationOutbox.update({
      where: { id: row.id },
      data: {
        status: giveUp ? 'failed' : 'pending',
        lastError: result.error,
        nextAttemptAt: new Date(now().getTime() + policy.backoffMs * 2 ** (attempt - 1)),
      },
    });
    if (giveUp) tally.failed += 1;
    else tally.retrying += 1;
    logger().warn(
      { channel: channel.name, notification: row.id, attempt, giveUp },
      `Notification not delivered: ${result.error}`,
    );
  }
  return tally;
}

/**
 * Delivers until nothing due is left or only later retries remain, waiting out each backoff (in
 * the background of a verification, never a request). Rows a stopped replica left "sending" for
 * long are given back to pending first.
 */
export async function deliverWithRetries(db: Db, policy: DeliveryPolicy = DEFAULT_DELIVERY): Promise<void> {
  try {
    await db.notificationOutbox.updateMany({
      where: { status: 'sending', nextAttemptAt: { lt: new Date(Date.now() - 10 * policy.timeoutMs) } },
      data: { status: 'pending' },
    });
    for (let round = 0; round < policy.attempts * 2; round++) {
      await deliverDue(db, policy);
      const next = await db.notificationOutbox.findFirst({
        where: { status: 'pending' },
        orderBy: { nextAttemptAt: 'asc' },
      });
      if (!next) return;
      const wait = next.nextAttemptAt.getTime() - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 60_000)));
    }
  } catch (error) {
    logger().error(errorFields(error), 'Delivering notifications failed');
  }
}
