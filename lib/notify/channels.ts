import type { Db } from '../db/client';
import { type ChannelFormat, isChannelFormat } from './messages';

/** A channel as the settings page and the API see it: the URL is a secret, only its host shows. */
export interface ChannelView {
  id: number;
  name: string;
  /** null: a format this board does not render (the channel gets no messages). */
  format: ChannelFormat | null;
  /** e.g. "hooks.slack.com/…" */
  target: string;
  digest: boolean;
  enabled: boolean;
  createdAt: string;
  lastDelivery: { status: string; summary: string; at: string; error: string | null } | null;
}

/** Where a webhook URL points, without its path (Slack's path is the secret), credentials or query. */
export function maskWebhookUrl(url: string): string {
  try {
    return `${new URL(url).host}/…`;
  } catch {
    return '(invalid URL)';
  }
}

export async function listChannels(db: Db): Promise<ChannelView[]> {
  const channels = await db.notificationChannel.findMany({ orderBy: { id: 'asc' } });
  const latest = await Promise.all(
    channels.map((c) => db.notificationOutbox.findFirst({ where: { channelId: c.id }, orderBy: { id: 'desc' } })),
  );
  return channels.map((c, i) => {
    const last = latest[i];
    return {
      id: c.id,
      name: c.name,
      format: isChannelFormat(c.format) ? c.format : null,
      target: maskWebhookUrl(c.url),
      digest: c.digest,
      enabled: c.enabled,
      createdAt: c.createdAt.toISOString(),
      lastDelivery: last
        ? {
            status: last.status,
            summary: last.summary,
            at: (last.sentAt ?? last.createdAt).toISOString(),
            error: last.lastError,
          }
        : null,
    };
  });
}

export interface NewChannel {
  name: string;
  format: ChannelFormat;
  url: string;
  digest: boolean;
}

export async function addChannel(db: Db, channel: NewChannel): Promise<number> {
  const created = await db.notificationChannel.create({ data: { ...channel, enabled: true, createdAt: new Date() } });
  return created.id;
}

export async function removeChannel(db: Db, id: number): Promise<boolean> {
  const removed = await db.notificationChannel.deleteMany({ where: { id } });
  await db.notificationOutbox.deleteMany({ where: { channelId: id, status: { in: ['pending', 'failed'] } } });
  return removed.count === 1;
}
