import { NextResponse } from 'next/server';
import { readJsonBody } from '@/lib/api/body';
import { ApiError, parseInput } from '@/lib/api/errors';
import { withRoute } from '@/lib/api/route';
import { runAction } from '@/lib/auth/action';
import { requireRole } from '@/lib/auth/guard';
import { getStore } from '@/lib/db/store';
import { addChannel, listChannels, maskWebhookUrl, removeChannel } from '@/lib/notify/channels';
import { channelIdSchema, newChannelSchema } from '@/lib/notify/settings';

export const dynamic = 'force-dynamic';

/** The notification channels (admins), each with its host only (webhook URLs are secrets) and its last delivery. */
export const GET = withRoute(async (request) => {
  await requireRole(request, 'admin');
  return NextResponse.json({ channels: await listChannels((await getStore()).db) });
});

/** Adds a channel (admins): {name, format: "slack" | "json", url, digest}. The audit row names the host only. */
export const POST = withRoute((request) =>
  runAction(
    request,
    {
      action: 'notifications',
      role: 'admin',
      input: async () =>
        parseInput(
          newChannelSchema,
          await readJsonBody(request, {
            example:
              '{"name": "#phase-3", "format": "slack", "url": "https://hooks.slack.com/services/…", "digest": true}',
          }),
        ),
      describe: (input) => ({ target: `add channel ${input.name} (${maskWebhookUrl(input.url)})` }),
    },
    async (_user, input) => {
      const { db } = await getStore();
      const id = await addChannel(db, input);
      return NextResponse.json({ id, channels: await listChannels(db) }, { status: 201 });
    },
  ),
);

/** Removes a channel (admins): DELETE /api/notifications?id=N. */
export const DELETE = withRoute((request) =>
  runAction(
    request,
    {
      action: 'notifications',
      role: 'admin',
      input: () => parseInput(channelIdSchema, Object.fromEntries(new URL(request.url).searchParams)),
      describe: ({ id }) => ({ target: `remove channel ${id}` }),
    },
    async (_user, { id }) => {
      const { db } = await getStore();
      if (!(await removeChannel(db, id))) throw new ApiError('not_found', `No notification channel ${id}.`);
      return NextResponse.json({ channels: await listChannels(db) });
    },
  ),
);
