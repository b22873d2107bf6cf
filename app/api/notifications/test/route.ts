import { NextResponse } from 'next/server';
import { readJsonBody } from '@/lib/api/body';
import { ApiError, parseInput } from '@/lib/api/errors';
import { withRoute } from '@/lib/api/route';
import { runAction } from '@/lib/auth/action';
import { getStore } from '@/lib/db/store';
import { channelIdSchema, sendTestMessage } from '@/lib/notify/settings';

export const dynamic = 'force-dynamic';

/** Sends a test message to one channel now (admins): {id}. 200 when the receiver took it, 502 when not. */
export const POST = withRoute((request) =>
  runAction(
    request,
    {
      action: 'notifications',
      role: 'admin',
      input: async () => parseInput(channelIdSchema, await readJsonBody(request, { example: '{"id": 1}' })),
      describe: ({ id }) => ({ target: `test message to channel ${id}` }),
    },
    async (_user, { id }) => {
      const store = await getStore();
      const result = await sendTestMessage(store.db, store.plan, id);
      if (!result) throw new ApiError('not_found', `No notification channel ${id}.`);
      return NextResponse.json(result, { status: result.ok ? 200 : 502 });
    },
  ),
);
