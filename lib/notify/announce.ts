import type { Store } from '../db/store';
import { errorFields, logger } from '../log/logger';
import { readMatrix } from '../matrix/read';
import type { CellState } from '../matrix/types';
import { diffStates, type StateChange } from './changes';
import { deliverWithRetries, type DeliveryPolicy } from './deliver';
import { isChannelFormat, renderMessage } from './messages';

export interface AnnounceOptions {
  /** A verify-all run: channels in digest mode get one message for all its changes. */
  digest: boolean;
  /** BOARD_URL, so messages link to the cell's page. */
  boardUrl?: string | null;
}

/**
 * After a verification: compares each cell's state (from the one matrix derivation) with the state
 * it was last announced in, claims each change with a conditional write on its mark (so of several
 * replicas seeing it, exactly one wins) and queues the messages for it. Returns
 * the changes this call claimed.
 */
export async function announceStateChanges(store: Store, options: AnnounceOptions): Promise<StateChange[]> {
  const { db, plan } = store;
  const view = await readMatrix(store);
  const marks = await db.cellStateMark.findMany({ where: { planId: plan.id }, orderBy: { cellKey: 'asc' } });
  const { changes, moved } = diffStates(
    new Map(marks.map((m) => [m.cellKey, m.state as CellState])),
    view,
    options.boardUrl ?? null,
  );
  if (moved.length === 0) return [];
  const now = new Date();
  // Each claim is one conditional write (no interactive transaction: two SQLite writers in
  // transactions would wait on each other). A replica that stops between a claim and its queueing
  // loses that message: at most once, never twice.
  const claimed: StateChange[] = [];
  for (const move of moved) {
    if (move.from === null) {
      // First sight of the cell: the baseline. Another replica may have set it a moment ago.
      await db.cellStateMark
        .create({ data: { planId: plan.id, cellKey: move.cellKey, state: move.to, updatedAt: now } })
        .catch(() => undefined);
      continue;
    }
    const won = await db.cellStateMark.updateMany({
      where: { planId: plan.id, cellKey: move.cellKey, state: move.from },
      data: { state: move.to, updatedAt: now },
    });
    const change = changes.find((c) => c.cellKey === move.cellKey);
    if (won.count === 1 && change) claimed.push(change);
  }
  if (claimed.length === 0) return claimed;
  const channels = await db.notificationChannel.findMany({ where: { enabled: true }, orderBy: { id: 'asc' } });
  const rows = channels.flatMap((channel) => {
    const format = channel.format;
    if (!isChannelFormat(format)) {
      logger().warn({ channel: channel.id, format }, 'Channel skipped: its format is not one this board renders');
      return [];
    }
    const messages =
      options.digest && channel.digest && claimed.length > 1
        ? [renderMessage(format, plan, claimed, 'digest', now)]
        : claimed.map((c) => renderMessage(format, plan, [c], 'change', now));
    return messages.map((m) => ({
      channelId: channel.id,
      body: m.body,
      summary: m.summary,
      status: 'pending',
      createdAt: now,
      nextAttemptAt: now,
    }));
  });
  if (rows.length > 0) await db.notificationOutbox.createMany({ data: rows });
  return claimed;
}

/** Announces a verification's changes and delivers them in the background; never throws into the verification. */
export async function announceAndDeliver(
  store: Store,
  options: AnnounceOptions,
  policy?: DeliveryPolicy,
): Promise<{ changes: StateChange[]; delivered: Promise<void> }> {
  try {
    const changes = await announceStateChanges(store, options);
    for (const change of changes) logger().info({ cell: change.cellKey, event: change.event }, 'Cell state changed');
    return { changes, delivered: changes.length > 0 ? deliverWithRetries(store.db, policy) : Promise.resolve() };
  } catch (error) {
    logger().error(errorFields(error), 'Announcing state changes failed');
    return { changes: [], delivered: Promise.resolve() };
  }
}
