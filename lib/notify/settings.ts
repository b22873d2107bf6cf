import { z } from 'zod';
import type { Db } from '../db/client';
import { maskWebhookUrl } from './channels';
import { postWebhook } from './deliver';
import { CHANNEL_FORMATS, renderMessage } from './messages';

/** A new channel as the settings form sends it. */
export const newChannelSchema = z.object({
  name: z.string().trim().min(1, 'give the channel a name').max(80),
  format: z.enum(CHANNEL_FORMATS),
  url: z
    .string()
    .trim()
    .max(2000)
    .pipe(z.url({ protocol: /^https?$/, message: 'expected the webhook’s absolute http(s) URL' })),
  digest: z.boolean().default(true),
});

export const channelIdSchema = z.object({ id: z.coerce.number().int().positive() });

/**
 * Sends a test message to one channel at once (no outbox, one attempt), so an admin sees whether the
 * URL works. The answer names the host only: the URL is a secret.
 */
export async function sendTestMessage(
  db: Db,
  plan: { id: string; title: string },
  id: number,
): Promise<{ ok: boolean; message: string } | null> {
  const channel = await db.notificationChannel.findUnique({ where: { id } });
  if (!channel) return null;
  const { body } = renderMessage(channel.format as 'slack' | 'json', plan, [], 'test');
  const result = await postWebhook(channel.url, body, 10_000);
  return result.ok
    ? { ok: true, message: `Test message delivered to ${maskWebhookUrl(channel.url)}.` }
    : { ok: false, message: `Test message not delivered: ${result.error}.` };
}
