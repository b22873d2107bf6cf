import { NextResponse } from 'next/server';
import { readJsonBody } from '@/lib/api/body';
import { ApiError, parseInput } from '@/lib/api/errors';
import { withRoute } from '@/lib/api/route';
import { getStore } from '@/lib/db/store';
import { addChannel, listChannels, removeChannel } from '@/lib/notify/channels';
import { channelIdSchema, newChannelSchema } from '@/lib/notify/settings';

export const dynamic = 'force-dynamic';

/** The notification channels, each with its host only (webhook URLs are secrets) and its last delivery. */
export const GET = withRoute(async () => NextResponse.json({ channels: await listChannels((await getStore()).db) }));

/** Adds a channel: {name, format: "slack" | "json", url, digest}. */
export const POST = withRoute(async (request) => {
  const input = parseInput(
    newChannelSchema,
    await readJsonBody(request, {
      example: '{"name": "#phase-3", "format": "slack", "url": "https://hooks.slack.com/services/…", "digest": true}',
    }),
  );
  const { db } = await getStore();
  const id = await addChannel(db, input);
  return NextResponse.json({ id, channels: await listChannels(db) }, { status: 201 });
});

/** Removes a channel: DELETE /api/notifications?id=N. */
export const DELETE = withRoute(async (request) => {
  const { id } = parseInput(channelIdSchema, Object.fromEntries(new URL(request.url).searchParams));
  const { db } = await getStore();
  if (!(await removeChannel(db, id))) throw new ApiError('not_found', `No notification channel ${id}.`);
  return NextResponse.json({ channels: await listChannels(db) });
});
